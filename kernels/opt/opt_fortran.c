/*
 * libbbopt.so's Fortran entry points: dgemm_, sgemm_, cgemm_ and zgemm_ (LP64, gfortran
 * conventions, the hidden string lengths accepted and ignored), so any program linked against a
 * BLAS can run blasbench's optimized GEMM through LD_PRELOAD.  Invalid arguments go to xerbla_ as
 * in reference BLAS (the program's own xerbla_ when it has one, as BLAS test programs do).
 * BLASBENCH_OPT_ANNOUNCE=1 prints one line on stderr on the first call, so a test can tell the
 * preload really took effect; BLASBENCH_OPT_THREADS=N lets its GEMMs use N threads (default 1).
 */
#include <complex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernels/opt/opt_internal.h"
#include "kernels/opt_kernels.h"

/* Weak: a program without BLAS's xerbla_ still loads libbbopt; the message is ours then. */
void xerbla_(const char *name, const int *info, size_t name_len) __attribute__((weak));

static void bad_argument(const char *name, int info)
{
	if (xerbla_)
		xerbla_(name, &info, 6);
	else
		fprintf(stderr, " ** On entry to %s parameter number %d had an illegal value\n",
		        name, info);
}

static int announce_wanted; /* BLASBENCH_OPT_ANNOUNCE=1 */

/*
 * The environment, read once on the first call: BLASBENCH_OPT_ANNOUNCE, and
 * BLASBENCH_OPT_THREADS (a bad value is said on stderr and leaves one thread).
 */
static void read_env(void)
{
	const char *ann = getenv(BB_OPT_ANNOUNCE_ENV);
	announce_wanted = ann && ann[0] == '1';
	const char *env = getenv(BB_OPT_THREADS_ENV);
	if (!env || !*env)
		return;
	char *end;
	long n = strtol(env, &end, 10);
	if (*end || n < 1 || n > BB_OPT_MAX_THREADS) {
		fprintf(stderr, "libbbopt: invalid %s '%s': expected 1..%d; using 1 thread\n",
		        BB_OPT_THREADS_ENV, env, BB_OPT_MAX_THREADS);
		return;
	}
	bb_opt_set_threads((int)n);
}

/* Every entry point first: the environment once (not a getenv per GEMM), the announcement if
 * asked for, on the first call only. */
static void on_call(const char *name)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	static atomic_int done;
	pthread_once(&once, read_env);
	if (announce_wanted && !atomic_exchange(&done, 1))
		fprintf(stderr, "libbbopt: %s called (blasbench optimized GEMM)\n", name);
}

void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const double *alpha, const double *a, const int *lda, const double *b, const int *ldb,
            const double *beta, double *c, const int *ldc, size_t la, size_t lb)
{
	(void)la;
	(void)lb;
	on_call("dgemm_");
	int info = bb_opt_dgemm_info(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
	if (info)
		bad_argument("DGEMM ", info);
}

void sgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const float *alpha, const float *a, const int *lda, const float *b, const int *ldb,
            const float *beta, float *c, const int *ldc, size_t la, size_t lb)
{
	(void)la;
	(void)lb;
	on_call("sgemm_");
	int info = bb_opt_sgemm_info(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
	if (info)
		bad_argument("SGEMM ", info);
}

void cgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const float _Complex *alpha, const float _Complex *a, const int *lda,
            const float _Complex *b, const int *ldb, const float _Complex *beta, float _Complex *c,
            const int *ldc, size_t la, size_t lb)
{
	(void)la;
	(void)lb;
	on_call("cgemm_");
	int info = bb_opt_cgemm_info(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
	if (info)
		bad_argument("CGEMM ", info);
}

void zgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const double _Complex *alpha, const double _Complex *a, const int *lda,
            const double _Complex *b, const int *ldb, const double _Complex *beta,
            double _Complex *c, const int *ldc, size_t la, size_t lb)
{
	(void)la;
	(void)lb;
	on_call("zgemm_");
	int info = bb_opt_zgemm_info(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
	if (info)
		bad_argument("ZGEMM ", info);
}
