/*
 * test_cpu_features: detection (kernels/cpu_features.c) agrees with GCC's independent
 * __builtin_cpu_supports() on x86_64, and the feature-name string is right, including when the
 * buffer is too small.
 */
#include <string.h>

#include "kernels/cpu_features.h"
#include "tests/test_util.h"

static void test_detect(void)
{
	bb_cpu_features f;
	char names[256];

	bb_cpu_features_detect(&f);
	bb_cpu_features_str(&f, names, sizeof(names));
	printf("vendor: %s\nmodel: %s\nfeatures: %s\n", f.vendor, f.model, names);
	BB_CHECK(f.vendor[0] != '\0');
	BB_CHECK(f.model[0] != '\0' && f.model[0] != ' ');
#if defined(__x86_64__)
	__builtin_cpu_init();
	BB_CHECK(f.sse2); /* part of x86_64 */
#define CHECK_AGAINST_GCC(name) BB_CHECK_INT(f.name, !!__builtin_cpu_supports(#name));
	BB_CPU_FEATURE_LIST(CHECK_AGAINST_GCC)
#undef CHECK_AGAINST_GCC
	/* The implications the kernels rely on. */
	BB_CHECK(!f.avx2 || f.avx);
	BB_CHECK(!f.avx512f || f.avx2);
#else
	BB_CHECK(!f.sse2 && !f.avx && !f.avx512f);
	BB_CHECK_STR(f.vendor, "unknown");
#endif
}

static void test_names(void)
{
	bb_cpu_features f = {0};
	char buf[128];

	BB_CHECK_INT(bb_cpu_features_str(&f, buf, sizeof(buf)), 0);
	BB_CHECK_STR(buf, "");

	f.sse2 = f.fma = f.avx512vl = 1;
	BB_CHECK_INT(bb_cpu_features_str(&f, buf, sizeof(buf)), strlen("sse2 fma avx512vl"));
	BB_CHECK_STR(buf, "sse2 fma avx512vl");

#define SET_ALL(name) f.name = 1;
	BB_CPU_FEATURE_LIST(SET_ALL)
#undef SET_ALL
	const char *all = "sse2 avx fma avx2 avx512f avx512dq avx512bw avx512vl";
	BB_CHECK_INT(bb_cpu_features_str(&f, buf, sizeof(buf)), strlen(all));
	BB_CHECK_STR(buf, all);

	/* Truncated: still terminated, and the return value says how much was needed. */
	memset(buf, 'x', sizeof(buf));
	BB_CHECK_INT(bb_cpu_features_str(&f, buf, 7), strlen(all));
	BB_CHECK_STR(buf, "sse2 a");
	BB_CHECK_INT(bb_cpu_features_str(&f, NULL, 0), strlen(all));
}

int main(void)
{
	test_detect();
	test_names();
	return bb_test_done();
}
