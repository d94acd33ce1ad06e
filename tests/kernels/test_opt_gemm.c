/*
 * test_opt_gemm: blasbench's optimized GEMM (kernels/opt_kernels.h) against the reference GEMM.
 *
 * A randomized sweep in all four precisions: every transpose pair, m/n/k from 0 to ~300 (mostly
 * small, so edge tiles of every shape occur), leading dimensions larger than the rows, alpha and
 * beta including 0 (beta = 0 with NaN in C: C must not be read).  Each result must be within
 * an elementwise bound (k+2) * 2 eps * (|alpha| |op(A)| |op(B)| + |beta| |C|), and the rows of C
 * beyond m must be left alone.  The sweep runs for every kernel level this host supports
 * (forced through BLASBENCH_KERNEL), with the blocksizes of the cache model and with tiny ones
 * (BLASBENCH_GEMM_BLOCKS, so every loop of the algorithm iterates), on 1 and 2 threads (with
 * some cases large enough that the driver really uses two).
 */
#include <complex.h>
#include <stdint.h>

#include "kernels/isa.h"
#include "kernels/opt/opt_internal.h"
#include "kernels/opt_kernels.h"
#include "kernels/ref_kernels.h"
#include "test_util.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int rnd(int n)
{
	return (int)(next() % (uint64_t)n);
} /* 0..n-1 */
static double unif(void)
{
	return (double)(next() >> 11) / 9007199254740992.0 * 2 - 1;
}

/* 1: sizes 64..300, big enough for the driver to use two threads */
static int big_sizes;

/* a size: mostly 0..40, sometimes up to 300 (always 64..300 with big_sizes) */
static int rsize(void)
{
	if (big_sizes)
		return 64 + rnd(237);
	static const int special[] = {0, 1, 2, 3, 7, 15, 17, 31, 33};
	int r = rnd(10);
	if (r < 2)
		return special[rnd((int)(sizeof(special) / sizeof(special[0])))];
	if (r < 9)
		return rnd(41);
	return rnd(301);
}

static char rtrans(void)
{
	return "NTCntc"[rnd(6)];
}

static double ralpha(void)
{
	static const double v[] = {0, 1, -1, 0.7, 2.5};
	return rnd(6) == 5 ? unif() : v[rnd(5)];
}

static double rbeta(void)
{
	static const double v[] = {0, 0, 1, -0.5, 1.3};
	return rnd(6) == 5 ? unif() : v[rnd(5)];
}

static int failed_cases;

/*
 * One random case of the L-precision GEMM: fills A, B and C, runs bb_opt_ and bb_ref_, builds
 * the bound from the absolute values with the reference dgemm, and checks every element.
 * RANDV makes one random element; ABSV takes an absolute value as double.
 */
#define DEFINE_CASE(L, T, EPS, RANDV, ABSV)                                                        \
	static void case_##L(const char *what)                                                     \
	{                                                                                          \
		char ta = rtrans(), tb = rtrans();                                                 \
		int m = rsize(), n = rsize(), k = rsize();                                         \
		int ra = (ta == 'N' || ta == 'n') ? m : k, ca = (ta == 'N' || ta == 'n') ? k : m;  \
		int rb = (tb == 'N' || tb == 'n') ? k : n, cb = (tb == 'N' || tb == 'n') ? n : k;  \
		int lda = (ra > 1 ? ra : 1) + rnd(4), ldb = (rb > 1 ? rb : 1) + rnd(4);            \
		int ldc = (m > 1 ? m : 1) + rnd(4);                                                \
		T alpha = (T)ralpha(), beta = (T)rbeta();                                          \
		if (rnd(3) == 0) {                                                                 \
			alpha = alpha + (T)(RANDV - unif());                                       \
			beta = beta + (T)(RANDV - unif()) * (beta != 0);                           \
		}                                                                                  \
		size_t na = (size_t)lda * (size_t)(ca > 0 ? ca : 1);                               \
		size_t nb = (size_t)ldb * (size_t)(cb > 0 ? cb : 1);                               \
		size_t nc = (size_t)ldc * (size_t)(n > 0 ? n : 1);                                 \
		T *a = malloc(na * sizeof(T)), *b = malloc(nb * sizeof(T));                        \
		T *c0 = malloc(nc * sizeof(T)), *c1 = malloc(nc * sizeof(T));                      \
		T *c2 = malloc(nc * sizeof(T));                                                    \
		double *aa = malloc(na * sizeof(double)), *ab = malloc(nb * sizeof(double));       \
		double *ac = malloc(nc * sizeof(double));                                          \
		for (size_t i = 0; i < na; i++)                                                    \
			aa[i] = ABSV(a[i] = (T)RANDV);                                             \
		for (size_t i = 0; i < nb; i++)                                                    \
			ab[i] = ABSV(b[i] = (T)RANDV);                                             \
		for (size_t i = 0; i < nc; i++) {                                                  \
			c0[i] = beta == 0 ? (T)NAN : (T)RANDV;                                     \
			ac[i] = ABSV(c0[i]);                                                       \
		}                                                                                  \
		memcpy(c1, c0, nc * sizeof(T));                                                    \
		memcpy(c2, c0, nc * sizeof(T));                                                    \
		bb_opt_##L##gemm(&ta, &tb, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c1, &ldc); \
		bb_ref_##L##gemm(&ta, &tb, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c2, &ldc); \
		double aal = ABSV(alpha), abe = ABSV(beta);                                        \
		bb_ref_dgemm(&ta, &tb, &m, &n, &k, &aal, aa, &lda, ab, &ldb, &abe, ac, &ldc);      \
		int bad = 0;                                                                       \
		for (int j = 0; j < n && !bad; j++)                                                \
			for (int i = 0; i < ldc; i++) {                                            \
				size_t x = (size_t)i + (size_t)j * (size_t)ldc;                    \
				if (i >= m) {                                                      \
					bad |= memcmp(&c1[x], &c0[x], sizeof(T)) != 0;             \
					continue;                                                  \
				}                                                                  \
				double tol = (k + 2) * 2 * (EPS)*ac[x] + 1e-300;                   \
				if (!(ABSV(c1[x] - c2[x]) <= tol)) {                               \
					fprintf(stderr, "  c(%d,%d) = %g, ref %g, tol %g\n", i, j, \
					        (double)ABSV(c1[x]), (double)ABSV(c2[x]), tol);    \
					bad = 1;                                                   \
					break;                                                     \
				}                                                                  \
			}                                                                          \
		if (bad) {                                                                         \
			fprintf(stderr,                                                            \
			        "%s: " #L "gemm %c%c m=%d n=%d k=%d lda=%d ldb=%d ldc=%d "         \
			        "alpha=%g beta=%g: wrong\n",                                       \
			        what, ta, tb, m, n, k, lda, ldb, ldc, ABSV(alpha), ABSV(beta));    \
			failed_cases++;                                                            \
		}                                                                                  \
		BB_CHECK(!bad);                                                                    \
		free(a), free(b), free(c0), free(c1), free(c2), free(aa), free(ab), free(ac);      \
	}

#define RAND_REAL unif()
#define RAND_CPLX (unif() + I * unif())

DEFINE_CASE(s, float, 5.96e-8, RAND_REAL, fabs)
DEFINE_CASE(d, double, 1.11e-16, RAND_REAL, fabs)
DEFINE_CASE(c, float _Complex, 5.96e-8, RAND_CPLX, cabs)
DEFINE_CASE(z, double _Complex, 1.11e-16, RAND_CPLX, cabs)

static void sweep(const char *what, int real_cases, int complex_cases)
{
	for (int i = 0; i < real_cases; i++) {
		case_d(what);
		case_s(what);
	}
	for (int i = 0; i < complex_cases; i++) {
		case_z(what);
		case_c(what);
	}
}

/* An invalid argument leaves C alone and the thread count reads back. */
static void check_api(void)
{
	double a[4] = {1, 2, 3, 4}, c[4] = {5, 6, 7, 8}, one = 1;
	int m = -1, n = 2, k = 2, ld = 2;
	bb_opt_dgemm("N", "N", &m, &n, &k, &one, a, &ld, a, &ld, &one, c, &ld);
	BB_CHECK(c[0] == 5 && c[3] == 8);
	m = 2;
	BB_CHECK_INT(bb_opt_dgemm_info("X", "N", &m, &n, &k, &one, a, &ld, a, &ld, &one, c, &ld),
	             1);
	ld = 1;
	BB_CHECK_INT(bb_opt_dgemm_info("N", "N", &m, &n, &k, &one, a, &ld, a, &ld, &one, c, &ld),
	             8);
	bb_opt_set_threads(3);
	BB_CHECK_INT(bb_opt_get_threads(), 3);
	bb_opt_set_threads(0);
	BB_CHECK_INT(bb_opt_get_threads(), 1);
}

int main(void)
{
	check_api();
	for (int isa = 0; isa < BB_ISA_COUNT; isa++) {
		if (!bb_isa_supported((bb_isa)isa) || !bb_opt_ukr_for((bb_isa)isa))
			continue;
		setenv(BB_ISA_ENV, bb_isa_name((bb_isa)isa), 1);
		for (int tiny = 0; tiny < 2; tiny++) {
			/* tiny blocks go through packing always, the host's also unpacked */
			if (tiny) {
				setenv(BB_OPT_BLOCKS_ENV, "40,24,30", 1);
				setenv(BB_OPT_DIRECT_ENV, "0", 1);
			} else {
				unsetenv(BB_OPT_BLOCKS_ENV);
				unsetenv(BB_OPT_DIRECT_ENV);
			}
			bb_opt_reset();
			const char *name = bb_opt_kernel_name();
			printf("%s\n", name);
			BB_CHECK(strncmp(name, bb_isa_name((bb_isa)isa),
			                 strlen(bb_isa_name((bb_isa)isa))) == 0);
			/* 3 threads on tiny blocks: more threads than this machine's cores meeting
			 * at every one of many (jc, pc) iterations */
			for (int nt = 1; nt <= (tiny ? 3 : 2); nt++) {
				char what[300];
				snprintf(what, sizeof(what), "%s, %d thread(s)", name, nt);
				bb_opt_set_threads(nt);
				sweep(what, 150, tiny ? 20 : 30);
				big_sizes = 1;
				sweep(what, 4, 0);
				big_sizes = 0;
			}
		}
	}
	unsetenv(BB_ISA_ENV);
	unsetenv(BB_OPT_BLOCKS_ENV);
	unsetenv(BB_OPT_DIRECT_ENV);
	bb_opt_reset();
	if (failed_cases)
		fprintf(stderr, "%d cases wrong\n", failed_cases);
	return bb_test_done();
}
