/*
 * test_opt_lib LIBBBOPT EXPECTED: libbbopt.so loaded with dlopen, as another program would,
 * computes dgemm_ and zgemm_ right (against a plain triple loop), and runs its GEMM on
 * EXPECTED threads: counted in /proc/self/task after a call large enough for two
 * (the pool's workers are created on first need and stay).  CTest runs it with
 * BLASBENCH_OPT_THREADS unset (1), 2 (2) and invalid (1, and a message on stderr).
 */
#include <complex.h>
#include <dirent.h>
#include <dlfcn.h>

#include "test_util.h"

typedef void dgemm_fn(const char *, const char *, const int *, const int *, const int *,
                      const double *, const double *, const int *, const double *, const int *,
                      const double *, double *, const int *, size_t, size_t);
typedef void zgemm_fn(const char *, const char *, const int *, const int *, const int *,
                      const double _Complex *, const double _Complex *, const int *,
                      const double _Complex *, const int *, const double _Complex *,
                      double _Complex *, const int *, size_t, size_t);

static int threads_now(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

#define N 400 /* 64 M multiply-adds: the driver takes two threads when it has them */

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_opt_lib LIBBBOPT EXPECTED_THREADS\n");
		return 2;
	}
	void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "%s\n", dlerror());
		return 1;
	}
	dgemm_fn *dgemm = (dgemm_fn *)dlsym(h, "dgemm_");
	zgemm_fn *zgemm = (zgemm_fn *)dlsym(h, "zgemm_");
	BB_CHECK(dgemm && zgemm);
	if (!dgemm || !zgemm)
		return bb_test_done();
	BB_CHECK_INT(threads_now(), 1);

	static double a[N * N], b[N * N], c[N * N];
	static double _Complex za[N * N / 4], zb[N * N / 4], zc[N * N / 4];
	for (int i = 0; i < N * N; i++) {
		a[i] = (i % 7) - 3;
		b[i] = (i % 5) - 2;
		c[i] = 1;
	}
	const int n = N, nz = N / 2;
	const double one = 1, two = 2;
	dgemm("N", "T", &n, &n, &n, &two, a, &n, b, &n, &one, c, &n, 1, 1);
	int bad = 0;
	for (int j = 0; j < N && !bad; j += 37)
		for (int i = 0; i < N && !bad; i += 13) {
			double s = 0;
			for (int p = 0; p < N; p++)
				s += a[i + p * N] * b[j + p * N];
			bad = c[i + j * N] != 2 * s + 1; /* small integers: exact */
		}
	BB_CHECK(!bad);

	for (int i = 0; i < nz * nz; i++) {
		za[i] = (i % 3) - 1 + I * ((i % 4) - 2);
		zb[i] = (i % 5) - 2 - I * ((i % 2));
		zc[i] = I;
	}
	const double _Complex zal = 1 + I, zbe = 2;
	zgemm("C", "N", &nz, &nz, &nz, &zal, za, &nz, zb, &nz, &zbe, zc, &nz, 1, 1);
	bad = 0;
	for (int j = 0; j < nz && !bad; j += 17)
		for (int i = 0; i < nz && !bad; i += 11) {
			double _Complex s = 0;
			for (int p = 0; p < nz; p++)
				s += conj(za[p + i * nz]) * zb[p + j * nz];
			bad = zc[i + j * nz] != zal * s + zbe * I;
		}
	BB_CHECK(!bad);

	int expected = atoi(argv[2]), now = threads_now();
	printf("threads after the calls: %d (expected %d)\n", now, expected);
	BB_CHECK_INT(now, expected);
	/* no dlclose: the packing buffers it keeps between calls would look leaked to LSan */
	return bb_test_done();
}
