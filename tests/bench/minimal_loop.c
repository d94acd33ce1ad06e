/*
 * The harness-overhead baseline: the simplest honest C loop timing a library's dgemm (n=64)
 * and ddot (n=100000) directly, with no blasbench code in between.  scripts/bench-overhead.sh
 * compares its medians with what `blasbench run` reports for the same cells.
 *
 *   minimal_loop LIBRARY [SAMPLES]   prints "dgemm64 <median seconds per call>" and "ddot1e5 ..."
 *
 * Same method as blasbench: warm-up, calls batched into samples of >= 1 ms, median of samples,
 * operands 64-byte aligned as blasbench's are.
 * LP64 gfortran ABI assumed (true for the Debian libraries it is pointed at).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*dgemm_fn)(const char *, const char *, const int *, const int *, const int *,
			 const double *, const double *, const int *, const double *, const int *,
			 const double *, double *, const int *, size_t, size_t);
typedef double (*ddot_fn)(const int *, const double *, const int *, const double *, const int *);

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *x, int n)
{
	qsort(x, (size_t)n, sizeof(double), cmp);
	return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

static volatile double sink;

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: minimal_loop LIBRARY [SAMPLES]\n");
		return 2;
	}
	int samples = argc > 2 ? atoi(argv[2]) : 200;
	void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
		return 1;
	}
	dgemm_fn dgemm = (dgemm_fn)dlsym(h, "dgemm_");
	ddot_fn ddot = (ddot_fn)dlsym(h, "ddot_");
	if (!dgemm || !ddot) {
		fprintf(stderr, "%s lacks dgemm_ or ddot_\n", argv[1]);
		return 1;
	}
	double *t = malloc((size_t)samples * sizeof(double));

	/* dgemm n = 64 */
	int n = 64;
	double one = 1, zero = 0;
	double *a = aligned_alloc(64, sizeof(double) * n * n), *b = aligned_alloc(64, sizeof(double) * n * n),
	       *c = aligned_alloc(64, sizeof(double) * n * n);
	for (int i = 0; i < n * n; i++) {
		a[i] = (double)(i % 17) / 17 - 0.5;
		b[i] = (double)(i % 13) / 13 - 0.5;
		c[i] = 0;
	}
	for (int i = 0; i < 10; i++)
		dgemm("N", "N", &n, &n, &n, &one, a, &n, b, &n, &zero, c, &n, 1, 1);
	double t0 = now();
	dgemm("N", "N", &n, &n, &n, &one, a, &n, b, &n, &zero, c, &n, 1, 1);
	double single = now() - t0;
	int calls = single < 1e-3 ? (int)(1e-3 / single) + 1 : 1;
	for (int s = 0; s < samples; s++) {
		t0 = now();
		for (int i = 0; i < calls; i++)
			dgemm("N", "N", &n, &n, &n, &one, a, &n, b, &n, &zero, c, &n, 1, 1);
		t[s] = (now() - t0) / calls;
	}
	printf("dgemm64 %.9g\n", median(t, samples));

	/* ddot n = 100000 */
	int m = 100000, inc = 1;
	double *x = aligned_alloc(64, sizeof(double) * m), *y = aligned_alloc(64, sizeof(double) * m);
	for (int i = 0; i < m; i++) {
		x[i] = (double)(i % 7) / 7;
		y[i] = (double)(i % 11) / 11;
	}
	for (int i = 0; i < 10; i++)
		sink = ddot(&m, x, &inc, y, &inc);
	t0 = now();
	sink = ddot(&m, x, &inc, y, &inc);
	single = now() - t0;
	calls = single < 1e-3 ? (int)(1e-3 / single) + 1 : 1;
	for (int s = 0; s < samples; s++) {
		t0 = now();
		for (int i = 0; i < calls; i++)
			sink = ddot(&m, x, &inc, y, &inc);
		t[s] = (now() - t0) / calls;
	}
	printf("ddot1e5 %.9g\n", median(t, samples));
	free(a), free(b), free(c), free(x), free(y), free(t);
	return 0;
}
