/*
 * test_isa: kernel ISA levels (kernels/isa.c): names round trip, the selection order with
 * made-up CPUs, and the BLASBENCH_KERNEL override on this host, including refusal of unknown
 * and unsupported values with a message that names the valid ones.
 */
#include <stdlib.h>
#include <string.h>

#include "kernels/isa.h"
#include "tests/test_util.h"

static void test_names(void)
{
	for (int i = 0; i < BB_ISA_COUNT; i++)
		BB_CHECK_INT(bb_isa_from_name(bb_isa_name(i)), i);
	BB_CHECK_STR(bb_isa_name(BB_ISA_AVX512), "avx512");
	BB_CHECK_STR(bb_isa_name(BB_ISA_AVX2), "avx2");
	BB_CHECK_STR(bb_isa_name(BB_ISA_GENERIC), "generic");
	BB_CHECK_STR(bb_isa_name(BB_ISA_COUNT), "unknown");
	BB_CHECK_INT(bb_isa_from_name("AVX2"), BB_ISA_AVX2);
	BB_CHECK_INT(bb_isa_from_name("sse2"), -1);
	BB_CHECK_INT(bb_isa_from_name("avx"), -1);
	BB_CHECK_INT(bb_isa_from_name(""), -1);
	BB_CHECK_INT(bb_isa_from_name(NULL), -1);
	/* Newest first: enum order is preference order. */
	BB_CHECK(BB_ISA_AVX512 < BB_ISA_AVX2 && BB_ISA_AVX2 < BB_ISA_GENERIC);
}

/* Select for made-up features; returns the level or -1, and leaves the reason in why. */
static int select_for(const bb_cpu_features *f, const char *env, char *why, size_t len)
{
	bb_isa isa = BB_ISA_COUNT;
	int rc = bb_isa_select_for(f, env, &isa, why, len);
	if (rc < 0) {
		BB_CHECK_INT(isa, BB_ISA_COUNT); /* *out untouched on refusal */
		return -1;
	}
	return isa;
}

static void test_selection_order(void)
{
	bb_cpu_features none = {0}, avx2 = {0}, avx2_nofma = {0}, avx512 = {0};
	char why[256];

	avx2.sse2 = avx2.avx = avx2.avx2 = avx2.fma = 1;
	avx2_nofma = avx2;
	avx2_nofma.fma = 0;
	avx512 = avx2;
	avx512.avx512f = 1;

	BB_CHECK_INT(select_for(&none, NULL, why, sizeof(why)), BB_ISA_GENERIC);
	BB_CHECK(strstr(why, "generic") && strstr(why, "not set"));
	BB_CHECK_INT(select_for(&avx2_nofma, NULL, why, sizeof(why)), BB_ISA_GENERIC);
	BB_CHECK_INT(select_for(&avx2, NULL, why, sizeof(why)), BB_ISA_AVX2);
	BB_CHECK_INT(select_for(&avx512, NULL, why, sizeof(why)), BB_ISA_AVX512);
	BB_CHECK_STR(why, "avx512: cpu has avx512f (BLASBENCH_KERNEL not set)");
	BB_CHECK_INT(select_for(&avx512, "", why, sizeof(why)), BB_ISA_AVX512);

	/* The override wins when the cpu can run it ... */
	BB_CHECK_INT(select_for(&avx512, "avx2", why, sizeof(why)), BB_ISA_AVX2);
	BB_CHECK(strstr(why, "BLASBENCH_KERNEL=avx2") != NULL);
	BB_CHECK_INT(select_for(&avx512, "generic", why, sizeof(why)), BB_ISA_GENERIC);
	BB_CHECK_INT(select_for(&none, "Generic", why, sizeof(why)), BB_ISA_GENERIC);

	/* ... and is refused, never replaced, when it cannot. */
	fprintf(stderr, "(error messages about BLASBENCH_KERNEL follow; they are expected)\n");
	BB_CHECK_INT(select_for(&avx2, "avx512", why, sizeof(why)), -1);
	BB_CHECK(strstr(why, "not supported") && strstr(why, "avx512f"));
	BB_CHECK(strstr(why, "supported here: avx2, generic") != NULL);
	BB_CHECK_INT(select_for(&avx2_nofma, "avx2", why, sizeof(why)), -1);
	BB_CHECK_INT(select_for(&avx512, "neon", why, sizeof(why)), -1);
	BB_CHECK(strstr(why, "'neon'") && strstr(why, "valid: avx512, avx2, generic"));

	/* A tiny or absent buffer is fine. */
	BB_CHECK_INT(select_for(&avx512, NULL, why, 4), BB_ISA_AVX512);
	BB_CHECK_INT(strlen(why), 3);
	BB_CHECK_INT(select_for(&avx512, NULL, NULL, 0), BB_ISA_AVX512);
}

static void test_host_override(void)
{
	bb_isa isa = BB_ISA_COUNT;
	char why[256];

	BB_CHECK(bb_isa_supported(BB_ISA_GENERIC));
	BB_CHECK(bb_isa_supported(bb_isa_best()));
	for (int i = 0; i < (int)bb_isa_best(); i++)
		BB_CHECK(!bb_isa_supported(i));

	unsetenv(BB_ISA_ENV);
	BB_CHECK_INT(bb_isa_select(&isa, why, sizeof(why)), 0);
	BB_CHECK_INT(isa, bb_isa_best());
	printf("selected: %s\n", why);

	for (int i = 0; i < BB_ISA_COUNT; i++) {
		setenv(BB_ISA_ENV, bb_isa_name(i), 1);
		isa = BB_ISA_COUNT;
		int rc = bb_isa_select(&isa, why, sizeof(why));
		if (bb_isa_supported(i)) {
			BB_CHECK_INT(rc, 0);
			BB_CHECK_INT(isa, i);
			BB_CHECK(strstr(why, "forced by BLASBENCH_KERNEL") != NULL);
		} else {
			BB_CHECK_INT(rc, -1);
			BB_CHECK_INT(isa, BB_ISA_COUNT);
		}
	}
	setenv(BB_ISA_ENV, "avx1024", 1);
	isa = BB_ISA_COUNT;
	BB_CHECK_INT(bb_isa_select(&isa, why, sizeof(why)), -1);
	BB_CHECK_INT(isa, BB_ISA_COUNT);
	BB_CHECK(strstr(why, "avx512, avx2, generic") != NULL);
	unsetenv(BB_ISA_ENV);
}

int main(void)
{
	test_names();
	test_selection_order();
	test_host_override();
	return bb_test_done();
}
