/*
 * Data the workloads share (see data.h): the xorshift128+ generator seeded through splitmix64,
 * aligned zero-filled buffers, element access for s/d/c/z arrays, and the long-double
 * matrix-vector products and norms the correctness checks are built from.  Nothing here calls
 * the library under test.
 */
#include "workloads/data.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/error.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void bb_rng_seed(bb_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	r->s[0] = splitmix64(&x);
	r->s[1] = splitmix64(&x);
	if (!r->s[0] && !r->s[1])
		r->s[1] = 1; /* the all-zero state is a fixed point */
}

static uint64_t rng_next(bb_rng *r)
{
	uint64_t s1 = r->s[0];
	const uint64_t s0 = r->s[1];
	const uint64_t result = s0 + s1;
	r->s[0] = s0;
	s1 ^= s1 << 23;
	r->s[1] = s1 ^ s0 ^ (s1 >> 18) ^ (s0 >> 5);
	return result;
}

double bb_rng_uniform(bb_rng *r)
{
	/* 53 random bits in [0, 1), then [-1, 1); exact in double */
	return (double)(rng_next(r) >> 11) * 0x1.0p-52 - 1.0;
}

size_t bb_prec_size(char prec)
{
	switch (prec) {
	case 's':
		return sizeof(float);
	case 'd':
		return sizeof(double);
	case 'c':
		return sizeof(float complex);
	case 'z':
		return sizeof(double complex);
	}
	return 0;
}

double bb_prec_eps(char prec)
{
	return prec == 's' || prec == 'c' ? FLT_EPSILON : DBL_EPSILON;
}

int bb_prec_complex(char prec)
{
	return prec == 'c' || prec == 'z';
}

/*
 * Workload buffers of 4 MiB and more are advised for transparent huge pages, as NumPy does
 * with its arrays on Linux (same threshold; NUMPY_MADVISE_HUGEPAGE=0 turns it off there,
 * BLASBENCH_MADVISE_HUGEPAGE=0 here): the backends see the memory the Python stack hands
 * them.  On 4 KiB pages the page walks over three 32 MB matrices also made the timing of
 * one library swing: dgemm n=2000, one thread, calls of 0.16 to 0.27 s (the opt backend,
 * 2-core Zen 5 VM); 0.162 to 0.166 s on huge pages.  Only an advice: with THP off ("never")
 * nothing changes.
 */
static int want_hugepages(size_t bytes)
{
	static int on = -1;
	if (on < 0) {
		const char *env = getenv("BLASBENCH_MADVISE_HUGEPAGE");
		on = !(env && strcmp(env, "0") == 0);
	}
	return on && bytes >= ((size_t)4 << 20);
}

void *bb_buf_alloc(size_t bytes)
{
	const size_t huge = (size_t)2 << 20;
	const int hp = want_hugepages(bytes);
	const size_t align = hp ? huge : 64;
	size_t rounded = (bytes + align - 1) / align * align;
	if (!rounded)
		rounded = 64;
	void *p = aligned_alloc(align, rounded);
	if (!p)
		bb_die("out of memory allocating %zu bytes for workload data", bytes);
#ifdef MADV_HUGEPAGE
	if (hp)
		madvise(p, rounded, MADV_HUGEPAGE); /* before the first touch below */
#endif
	memset(p, 0, rounded);
	return p;
}

void bb_buf_free(void *p)
{
	free(p);
}

void bb_fill(char prec, void *x, size_t count, bb_rng *r)
{
	switch (prec) {
	case 's':
	case 'c': {
		float *f = x;
		size_t reals = prec == 'c' ? 2 * count : count;
		for (size_t i = 0; i < reals; i++)
			f[i] = (float)bb_rng_uniform(r);
		break;
	}
	case 'd':
	case 'z': {
		double *d = x;
		size_t reals = prec == 'z' ? 2 * count : count;
		for (size_t i = 0; i < reals; i++)
			d[i] = bb_rng_uniform(r);
		break;
	}
	}
}

bb_xc bb_elem(char prec, const void *a, size_t idx)
{
	switch (prec) {
	case 's':
		return ((const float *)a)[idx];
	case 'd':
		return ((const double *)a)[idx];
	case 'c': {
		const float *f = (const float *)a + 2 * idx;
		return CMPLXL(f[0], f[1]);
	}
	case 'z': {
		const double *d = (const double *)a + 2 * idx;
		return CMPLXL(d[0], d[1]);
	}
	}
	return 0;
}

void bb_set_elem(char prec, void *a, size_t idx, bb_xc v)
{
	switch (prec) {
	case 's':
		((float *)a)[idx] = (float)creall(v);
		break;
	case 'd':
		((double *)a)[idx] = (double)creall(v);
		break;
	case 'c':
		((float *)a)[2 * idx] = (float)creall(v);
		((float *)a)[2 * idx + 1] = (float)cimagl(v);
		break;
	case 'z':
		((double *)a)[2 * idx] = (double)creall(v);
		((double *)a)[2 * idx + 1] = (double)cimagl(v);
		break;
	}
}

/*
 * The loops work on real and imaginary parts separately (complex long double arithmetic goes
 * through libgcc's NaN-careful helpers, several times slower), one instance per storage type.
 */
#define BB_MATVEC_REAL(T)                                                                          \
	static void matvec_##T(char op, long m, long n, const T *a, long lda, const bb_xc *x,      \
	                       bb_xc *y)                                                           \
	{                                                                                          \
		if (op == 'N') {                                                                   \
			for (long i = 0; i < m; i++)                                               \
				y[i] = 0;                                                          \
			for (long j = 0; j < n; j++) {                                             \
				const T *col = a + (size_t)j * lda;                                \
				long double xr = creall(x[j]), xi = cimagl(x[j]);                  \
				for (long i = 0; i < m; i++)                                       \
					y[i] += CMPLXL(col[i] * xr, col[i] * xi);                  \
			}                                                                          \
			return;                                                                    \
		}                                                                                  \
		for (long j = 0; j < n; j++) {                                                     \
			const T *col = a + (size_t)j * lda;                                        \
			long double sr = 0, si = 0;                                                \
			for (long i = 0; i < m; i++) {                                             \
				sr += col[i] * creall(x[i]);                                       \
				si += col[i] * cimagl(x[i]);                                       \
			}                                                                          \
			y[j] = CMPLXL(sr, si);                                                     \
		}                                                                                  \
	}

#define BB_MATVEC_COMPLEX(T, NAME)                                                                 \
	static void matvec_##NAME(char op, long m, long n, const T *a, long lda, const bb_xc *x,   \
	                          bb_xc *y)                                                        \
	{                                                                                          \
		if (op == 'N') {                                                                   \
			for (long i = 0; i < m; i++)                                               \
				y[i] = 0;                                                          \
			for (long j = 0; j < n; j++) {                                             \
				const T *col = a + 2 * (size_t)j * lda;                            \
				long double xr = creall(x[j]), xi = cimagl(x[j]);                  \
				for (long i = 0; i < m; i++) {                                     \
					long double ar = col[2 * i], ai = col[2 * i + 1];          \
					y[i] += CMPLXL(ar * xr - ai * xi, ar * xi + ai * xr);      \
				}                                                                  \
			}                                                                          \
			return;                                                                    \
		}                                                                                  \
		long double s = op == 'C' ? -1 : 1; /* sign of the imaginary part of A */          \
		for (long j = 0; j < n; j++) {                                                     \
			const T *col = a + 2 * (size_t)j * lda;                                    \
			long double sr = 0, si = 0;                                                \
			for (long i = 0; i < m; i++) {                                             \
				long double ar = col[2 * i], ai = s * col[2 * i + 1];              \
				long double xr = creall(x[i]), xi = cimagl(x[i]);                  \
				sr += ar * xr - ai * xi;                                           \
				si += ar * xi + ai * xr;                                           \
			}                                                                          \
			y[j] = CMPLXL(sr, si);                                                     \
		}                                                                                  \
	}

BB_MATVEC_REAL(float)
BB_MATVEC_REAL(double)
BB_MATVEC_COMPLEX(float, cfloat)
BB_MATVEC_COMPLEX(double, cdouble)

void bb_matvec(char prec, char op, long m, long n, const void *a, long lda, const bb_xc *x,
               bb_xc *y)
{
	if (op != 'N' && op != 'T' && op != 'C')
		bb_die("bb_matvec: op '%c' is not N, T or C", op);
	switch (prec) {
	case 's':
		matvec_float(op, m, n, a, lda, x, y);
		break;
	case 'd':
		matvec_double(op, m, n, a, lda, x, y);
		break;
	case 'c':
		matvec_cfloat(op, m, n, a, lda, x, y);
		break;
	case 'z':
		matvec_cdouble(op, m, n, a, lda, x, y);
		break;
	}
}

static long double xabs2(bb_xc v)
{
	long double r = creall(v), i = cimagl(v);
	return r * r + i * i;
}

long double bb_xnorm2(const bb_xc *x, long n)
{
	long double s = 0;
	for (long i = 0; i < n; i++)
		s += xabs2(x[i]);
	return sqrtl(s);
}

long double bb_xnorm_max(const bb_xc *x, long n)
{
	long double m = 0;
	for (long i = 0; i < n; i++) {
		long double v = sqrtl(xabs2(x[i]));
		if (isnan(v)) /* a NaN anywhere shows in the norm */
			return v;
		if (v > m)
			m = v;
	}
	return m;
}

long double bb_mat_norm_fro(char prec, long m, long n, const void *a, long lda)
{
	long double s = 0;
	for (long j = 0; j < n; j++)
		for (long i = 0; i < m; i++)
			s += xabs2(bb_elem(prec, a, (size_t)j * lda + i));
	return sqrtl(s);
}

void bb_xrandom(char prec, bb_xc *x, long n, bb_rng *r)
{
	int cx = bb_prec_complex(prec);
	for (long i = 0; i < n; i++) {
		long double re = bb_rng_uniform(r);
		long double im = cx ? bb_rng_uniform(r) : 0;
		x[i] = CMPLXL(re, im);
	}
}
