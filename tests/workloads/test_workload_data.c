/*
 * The workloads' shared data and ABI helpers, no library needed: the generator is
 * deterministic and in range, buffers aligned and zeroed, element access round-trips for
 * every precision, the long-double matrix-vector products and norms agree with a hand
 * computation, integer arguments take the backend's width, and a large buffer gets huge
 * pages where the kernel gives them on request.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "workloads/abi.h"
#include "workloads/data.h"

static void test_rng(void)
{
	bb_rng a, b, c;
	bb_rng_seed(&a, 42);
	bb_rng_seed(&b, 42);
	bb_rng_seed(&c, 43);
	int same = 1, differ = 0, in_range = 1;
	double lo = 1, hi = -1, sum = 0;
	for (int i = 0; i < 100000; i++) {
		double x = bb_rng_uniform(&a), y = bb_rng_uniform(&b), z = bb_rng_uniform(&c);
		same &= x == y;
		differ += x != z;
		in_range &= x >= -1 && x < 1;
		lo = x < lo ? x : lo;
		hi = x > hi ? x : hi;
		sum += x;
	}
	BB_CHECK(same);
	BB_CHECK(differ > 99000);
	BB_CHECK(in_range);
	BB_CHECK(lo < -0.999 && hi > 0.999);
	BB_CHECK(fabs(sum / 100000) < 0.01);
	/* seed 0 is a valid seed too */
	bb_rng z;
	bb_rng_seed(&z, 0);
	BB_CHECK(bb_rng_uniform(&z) != bb_rng_uniform(&z));
}

static void test_buffers(void)
{
	BB_CHECK_INT(bb_prec_size('s'), 4);
	BB_CHECK_INT(bb_prec_size('d'), 8);
	BB_CHECK_INT(bb_prec_size('c'), 8);
	BB_CHECK_INT(bb_prec_size('z'), 16);
	BB_CHECK(bb_prec_eps('s') > 1e-8 && bb_prec_eps('c') == bb_prec_eps('s'));
	BB_CHECK(bb_prec_eps('d') < 1e-15 && bb_prec_eps('z') == bb_prec_eps('d'));
	BB_CHECK(bb_prec_complex('c') && bb_prec_complex('z'));
	BB_CHECK(!bb_prec_complex('s') && !bb_prec_complex('d'));
	unsigned char *p = bb_buf_alloc(1000);
	BB_CHECK((uintptr_t)p % 64 == 0);
	int zero = 1;
	for (int i = 0; i < 1000; i++)
		zero &= p[i] == 0;
	BB_CHECK(zero);
	bb_buf_free(p);
	bb_buf_free(bb_buf_alloc(0));

	/* fill is reproducible; complex fills both parts; element access round-trips */
	const char *precs = "sdcz";
	for (int k = 0; k < 4; k++) {
		char prec = precs[k];
		void *x = bb_buf_alloc(50 * bb_prec_size(prec)),
		     *y = bb_buf_alloc(50 * bb_prec_size(prec));
		bb_rng r1, r2;
		bb_rng_seed(&r1, 7);
		bb_rng_seed(&r2, 7);
		bb_fill(prec, x, 50, &r1);
		bb_fill(prec, y, 50, &r2);
		BB_CHECK(memcmp(x, y, 50 * bb_prec_size(prec)) == 0);
		bb_xc e = bb_elem(prec, x, 3);
		BB_CHECK(creall(e) != 0);
		BB_CHECK(bb_prec_complex(prec) ? cimagl(e) != 0 : cimagl(e) == 0);
		bb_set_elem(prec, x, 49, CMPLXL(0.5, -0.25));
		bb_xc back = bb_elem(prec, x, 49);
		BB_CHECK(creall(back) == 0.5L);
		BB_CHECK(cimagl(back) == (bb_prec_complex(prec) ? -0.25L : 0));
		bb_buf_free(x);
		bb_buf_free(y);
	}
}

static void test_matvec(void)
{
	/* A = [1 2i; 3 4; 5 6] (3 x 2, lda 4), complex double */
	double complex a[8] = {1, 3, 5, 99, 2 * I, 4, 6, 99};
	bb_xc x2[2] = {1, CMPLXL(0, 1)}, x3[3] = {1, 1, CMPLXL(0, 1)}, y[3];
	bb_matvec('z', 'N', 3, 2, a, 4, x2, y); /* [1 - 2, 3 + 4i, 5 + 6i] */
	BB_CHECK(creall(y[0]) == -1 && cimagl(y[0]) == 0);
	BB_CHECK(creall(y[1]) == 3 && cimagl(y[1]) == 4);
	BB_CHECK(creall(y[2]) == 5 && cimagl(y[2]) == 6);
	bb_matvec('z', 'T', 3, 2, a, 4, x3, y); /* [1 + 3 + 5i, 2i + 4 + 6i] */
	BB_CHECK(creall(y[0]) == 4 && cimagl(y[0]) == 5);
	BB_CHECK(creall(y[1]) == 4 && cimagl(y[1]) == 8);
	bb_matvec('z', 'C', 3, 2, a, 4, x3, y); /* conj(A)^T x: [4 + 5i, -2i + 4 + 6i] */
	BB_CHECK(creall(y[1]) == 4 && cimagl(y[1]) == 4);
	/* real single precision, op T */
	float s[6] = {1, 2, 3, 4, 5, 6}; /* 3 x 2 */
	bb_matvec('s', 'T', 3, 2, s, 3, x3, y);
	BB_CHECK(creall(y[0]) == 3 && cimagl(y[0]) == 3);
	BB_CHECK(creall(y[1]) == 9 && cimagl(y[1]) == 6);

	bb_xc v[2] = {3, CMPLXL(0, -4)};
	BB_CHECK_NEAR((double)bb_xnorm2(v, 2), 5, 1e-15);
	BB_CHECK_NEAR((double)bb_xnorm_max(v, 2), 4, 1e-15);
	v[0] = NAN;
	BB_CHECK(isnan((double)bb_xnorm_max(v, 2)));
	BB_CHECK_NEAR((double)bb_mat_norm_fro('z', 3, 2, a, 4), sqrt(1 + 9 + 25 + 4 + 16 + 36),
	              1e-14);

	bb_rng r;
	bb_rng_seed(&r, 1);
	bb_xc w[4];
	bb_xrandom('d', w, 4, &r);
	BB_CHECK(cimagl(w[0]) == 0 && creall(w[0]) != 0);
	bb_xrandom('c', w, 4, &r);
	BB_CHECK(cimagl(w[0]) != 0);
}

static void test_fint(void)
{
	bb_backend b32 = {.int_bits = 32}, b64 = {.int_bits = 64};
	bb_fint f;
	bb_fint_set(&f, &b32, 123);
	BB_CHECK_INT(*(int32_t *)bb_fint_ptr(&f), 123);
	BB_CHECK_INT(bb_fint_get(&f), 123);
	bb_fint_set(&f, &b64, 5000000000L);
	BB_CHECK_INT(*(int64_t *)bb_fint_ptr(&f), 5000000000L);
	BB_CHECK_INT(bb_fint_get(&f), 5000000000L);
	int32_t *a32 = bb_fint_array_alloc(&b32, 3);
	a32[2] = -7;
	BB_CHECK_INT(bb_fint_array_get(&b32, a32, 2), -7);
	BB_CHECK_INT(bb_fint_array_get(&b32, a32, 0), 0);
	bb_fint_array_free(a32);
	int64_t *a64 = bb_fint_array_alloc(&b64, 3);
	a64[1] = 1L << 40;
	BB_CHECK_INT(bb_fint_array_get(&b64, a64, 1), 1L << 40);
	bb_fint_array_free(a64);
}

/* THP mode from sysfs: 1 when madvise can get huge pages ("always" or "madvise"), else 0. */
static int thp_on_request(void)
{
	char line[256] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!f)
		return 0;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	return strstr(line, "[always]") || strstr(line, "[madvise]");
}

/* kB of AnonHugePages in the mapping of /proc/self/smaps that contains p, -1 if not found. */
static long huge_kb_at(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	char line[512];
	int inside = 0;
	long kb = -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' '))
			inside = (uintptr_t)p >= lo && (uintptr_t)p < hi;
		else if (inside && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* 32 MiB of workload data: 2 MiB-aligned and on huge pages (unless THP is off here). */
static void test_hugepages(void)
{
	if (getenv("BLASBENCH_MADVISE_HUGEPAGE")) {
		printf("skip: BLASBENCH_MADVISE_HUGEPAGE set\n");
		return;
	}
	const size_t bytes = (size_t)32 << 20;
	unsigned char *p = bb_buf_alloc(bytes);
	BB_CHECK((uintptr_t)p % ((size_t)2 << 20) == 0);
	if (thp_on_request()) {
		long kb = huge_kb_at(p);
		printf("AnonHugePages of the 32 MiB buffer: %ld kB\n", kb);
		BB_CHECK(kb >= 16 << 10); /* at least half of it */
	} else {
		printf("skip: transparent huge pages are off on this host\n");
	}
	bb_buf_free(p);
}

int main(void)
{
	test_rng();
	test_buffers();
	test_matvec();
	test_fint();
	test_hugepages();
	return bb_test_done();
}
