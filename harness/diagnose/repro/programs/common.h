/*
 * The part every reproduction program starts with (its first `#include`): the includes, the
 * finding's values as variables, timing in alternating blocks with a median per operation,
 * loading by absolute path, and a dgemm with its own operands and its check against a naive
 * loop.  It mirrors what every scenario uses in workloads/scenario.c: bb_scn_block(),
 * bb_scn_result_set(), bb_scn_gemm_init(), bb_scn_gemm_call() and bb_scn_gemm_check().
 *
 * The programs here are what an upstream maintainer reads, once embedded in blasbench and
 * written out by `blasbench diagnose --emit-repro` (see ../diagnose_repro_internal.h): keep
 * them plain C99 with POSIX, short, and free of blasbench names.  This comment and the other
 * files' first comments are left out of the written programs; `#include "finding.h"` becomes
 * the finding's own #defines.
 */
#define _GNU_SOURCE /* mkdtemp, setenv, dlopen flags with -std=c11 too */
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- the finding (seconds and n can be given on the command line) ---- */

#include "finding.h"

static const char *blas_path = REPRO_BLAS_PATH;
static const char *dgemm_symbol = REPRO_DGEMM_SYMBOL;
typedef REPRO_BLAS_INT blas_int; /* the library's INTEGER */
static const char *set_threads_symbol = REPRO_SET_THREADS_SYMBOL; /* NULL: none known */
typedef void set_threads_fn(REPRO_SET_THREADS_ARG);
static const int threads = REPRO_THREADS; /* BLAS threads, OpenMP team size */
static long n = REPRO_N;                  /* dgemm size */
static double seconds = 2;                /* measurement time in all */
/* the environment of the finding: name, value, ..., NULL */
static const char *const seen_env[] = REPRO_SEEN_ENV;

/* dgemm_ as Fortran sees it: every argument by reference, then the hidden lengths
 * of the two CHARACTER arguments. */
typedef void dgemm_fn(const char *transa, const char *transb, const blas_int *m,
		      const blas_int *n, const blas_int *k, const double *alpha,
		      const double *a, const blas_int *lda, const double *b,
		      const blas_int *ldb, const double *beta, double *c,
		      const blas_int *ldc, size_t transa_len, size_t transb_len);

/* ---- timing: blocks of one operation, baseline and pathology alternating ---- */

enum { ROUNDS = 3, MAX_SAMPLES = 20000 };
static double block_s, settle_s; /* from seconds, in args() */

typedef struct samples {
	double x[MAX_SAMPLES]; /* seconds per operation */
	int n;
} samples;
typedef int op_fn(void *arg); /* one operation; nonzero stops the block */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	nanosleep(&ts, NULL);
}

/* Pause so that the previous block's threads go quiet, then time op for block_s
 * (3 times at least).  Returns op's nonzero status when it stopped the block. */
static int block(op_fn *op, void *arg, samples *out)
{
	sleep_s(settle_s);
	double start = now(), t = start;
	for (int k = 0; out->n < MAX_SAMPLES && (k < 3 || t - start < block_s); k++) {
		double t0 = now();
		int rc = op(arg);
		if (rc)
			return rc;
		t = now();
		out->x[out->n++] = t - t0;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(samples *s)
{
	qsort(s->x, (size_t)s->n, sizeof(double), cmp_double);
	return s->n ? s->x[s->n / 2] : 0;
}

/* Medians in seconds; the last line is the one to parse. */
static void result(const char *op, double base, double path)
{
	printf("baseline:  %.4f ms per %s\n", 1e3 * base, op);
	printf("pathology: %.4f ms per %s\n", 1e3 * path, op);
	printf("result: baseline_ms=%.4f pathology_ms=%.4f slowdown=%.3f\n",
	       1e3 * base, 1e3 * path, path / base);
}

/* ./repro [seconds [n]]: measurement time in all, dgemm size. */
static void args(int argc, char **argv)
{
	if (argc > 1)
		seconds = atof(argv[1]);
	if (argc > 2)
		n = atol(argv[2]);
	if (!(seconds > 0) || n < 1) {
		fprintf(stderr, "usage: %s [seconds [n]]\n", argv[0]);
		exit(2);
	}
	block_s = seconds / (2 * ROUNDS);
	settle_s = block_s / 4 < 0.25 ? block_s / 4 : 0.25;
}

/* The variables act only when set before the program starts (the libraries read
 * them when they are loaded): say so when one the finding was seen with is not. */
static void env_note(void)
{
	for (int i = 0; seen_env[i]; i += 2) {
		const char *v = getenv(seen_env[i]);
		if (!v || strcmp(v, seen_env[i + 1]))
			printf("warning: the finding was seen with %s=%s; set it before "
			       "starting the program\n", seen_env[i], seen_env[i + 1]);
	}
}

/* ---- loading: by absolute path, RTLD_LOCAL, as Python loads extensions ---- */

static void *load(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "cannot load '%s': %s\n", path, dlerror());
		exit(2);
	}
	return h;
}

static void *sym(void *h, const char *name, const char *path)
{
	void *p = dlsym(h, name);
	if (!p) {
		fprintf(stderr, "'%s' has no symbol %s\n", path, name);
		exit(2);
	}
	return p;
}

/* The BLAS's thread count, through its own function (found in the library or, for
 * an OpenMP BLAS, in the runtime it links). */
static void set_threads(void *blas, int count)
{
	if (set_threads_symbol)
		((set_threads_fn *)sym(blas, set_threads_symbol, blas_path))(count);
}

/* ---- one dgemm, C = A B, with its own operands ---- */

typedef struct gemm {
	dgemm_fn *f;
	blas_int n;
	double *a, *b, *c;
} gemm;

static void gemm_init(gemm *g, dgemm_fn *f, long size, unsigned seed)
{
	size_t nn = (size_t)size * (size_t)size;
	g->f = f;
	g->n = (blas_int)size;
	g->a = malloc(nn * sizeof(double));
	g->b = malloc(nn * sizeof(double));
	g->c = calloc(nn, sizeof(double));
	if (!g->a || !g->b || !g->c) {
		fprintf(stderr, "out of memory for n=%ld\n", size);
		exit(2);
	}
	for (size_t i = 0; i < nn; i++) {
		seed = seed * 1103515245u + 12345u;
		g->a[i] = (double)(seed >> 16 & 0x7fff) / 32768.0 - 0.5;
		seed = seed * 1103515245u + 12345u;
		g->b[i] = (double)(seed >> 16 & 0x7fff) / 32768.0 - 0.5;
	}
}

static int gemm_call(void *p)
{
	gemm *g = p;
	const double one = 1, zero = 0;
	g->f("N", "N", &g->n, &g->n, &g->n, &one, g->a, &g->n, g->b, &g->n, &zero,
	     g->c, &g->n, 1, 1);
	return 0;
}

/* dgemm against a naive triple loop on a small size: a fast wrong answer (a wrong
 * INTEGER width, say) is not a finding.  0 when they agree. */
static int check(dgemm_fn *f, const char *which)
{
	enum { M = 37 };
	gemm g;
	gemm_init(&g, f, M, 7);
	gemm_call(&g);
	int bad = 0;
	for (int j = 0; j < M; j++)
		for (int i = 0; i < M; i++) {
			double s = 0, c = g.c[i + j * M];
			for (int k = 0; k < M; k++)
				s += g.a[i + k * M] * g.b[k + j * M];
			bad += !(c - s <= 1e-10 && s - c <= 1e-10); /* NaN is bad too */
		}
	free(g.a);
	free(g.b);
	free(g.c);
	if (bad) {
		fprintf(stderr, "%sdgemm disagrees with a naive loop in %d of %d entries\n",
			which, bad, M * M);
		return -1;
	}
	printf("check: %sdgemm agrees with a naive loop (n=%d)\n", which, M);
	return 0;
}
