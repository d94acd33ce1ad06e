/*
 * FMA-throughput loops for AVX2 (ymm): 12 independent accumulators, enough to cover the
 * 4-cycle FMA latency on two 256-bit FMA ports (8 in flight) with room to spare, plus the two
 * operands: 14 of the 16 ymm registers, so nothing spills.  Compiled with -mavx2 -mfma.
 */
#include <immintrin.h>

#include "kernels/peak_kernels.h"

#ifndef __AVX2__
#error "peak_avx2.c must be compiled with -mavx2"
#endif

#define NACC 12 /* accumulators, each a full ymm register */

/* Horizontal sums, only to feed the sink after the timed loop. */
static double reduce_pd(__m256d v)
{
	double x[4];
	_mm256_storeu_pd(x, v);
	return x[0] + x[1] + x[2] + x[3];
}

static double reduce_ps(__m256 v)
{
	float x[8];
	_mm256_storeu_ps(x, v);
	return (double)x[0] + x[1] + x[2] + x[3] + x[4] + x[5] + x[6] + x[7];
}

double bb_dpeak_avx2(long long iters, double mul, double add)
{
	const __m256d m = _mm256_set1_pd(mul), a = _mm256_set1_pd(add);
	/* Distinct start values (0, add, 2 add, ...), or the compiler merges equal chains. */
	__m256d c0 = _mm256_setzero_pd(), c1 = a, c2 = _mm256_add_pd(c1, a);
	__m256d c3 = _mm256_add_pd(c2, a), c4 = _mm256_add_pd(c3, a), c5 = _mm256_add_pd(c4, a);
	__m256d c6 = _mm256_add_pd(c5, a), c7 = _mm256_add_pd(c6, a), c8 = _mm256_add_pd(c7, a);
	__m256d c9 = _mm256_add_pd(c8, a), c10 = _mm256_add_pd(c9, a), c11 = _mm256_add_pd(c10, a);

	for (long long i = 0; i < iters; i++) {
		c0 = _mm256_fmadd_pd(c0, m, a);
		c1 = _mm256_fmadd_pd(c1, m, a);
		c2 = _mm256_fmadd_pd(c2, m, a);
		c3 = _mm256_fmadd_pd(c3, m, a);
		c4 = _mm256_fmadd_pd(c4, m, a);
		c5 = _mm256_fmadd_pd(c5, m, a);
		c6 = _mm256_fmadd_pd(c6, m, a);
		c7 = _mm256_fmadd_pd(c7, m, a);
		c8 = _mm256_fmadd_pd(c8, m, a);
		c9 = _mm256_fmadd_pd(c9, m, a);
		c10 = _mm256_fmadd_pd(c10, m, a);
		c11 = _mm256_fmadd_pd(c11, m, a);
	}
	__m256d s = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(c0, c1), _mm256_add_pd(c2, c3)),
	                          _mm256_add_pd(_mm256_add_pd(c4, c5), _mm256_add_pd(c6, c7)));
	s = _mm256_add_pd(s, _mm256_add_pd(_mm256_add_pd(c8, c9), _mm256_add_pd(c10, c11)));
	bb_peak_consume(reduce_pd(s));
	return 2.0 * 4 * NACC * (double)iters;
}

double bb_speak_avx2(long long iters, double mul, double add)
{
	const __m256 m = _mm256_set1_ps((float)mul), a = _mm256_set1_ps((float)add);
	/* Distinct start values (0, add, 2 add, ...), or the compiler merges equal chains. */
	__m256 c0 = _mm256_setzero_ps(), c1 = a, c2 = _mm256_add_ps(c1, a);
	__m256 c3 = _mm256_add_ps(c2, a), c4 = _mm256_add_ps(c3, a), c5 = _mm256_add_ps(c4, a);
	__m256 c6 = _mm256_add_ps(c5, a), c7 = _mm256_add_ps(c6, a), c8 = _mm256_add_ps(c7, a);
	__m256 c9 = _mm256_add_ps(c8, a), c10 = _mm256_add_ps(c9, a), c11 = _mm256_add_ps(c10, a);

	for (long long i = 0; i < iters; i++) {
		c0 = _mm256_fmadd_ps(c0, m, a);
		c1 = _mm256_fmadd_ps(c1, m, a);
		c2 = _mm256_fmadd_ps(c2, m, a);
		c3 = _mm256_fmadd_ps(c3, m, a);
		c4 = _mm256_fmadd_ps(c4, m, a);
		c5 = _mm256_fmadd_ps(c5, m, a);
		c6 = _mm256_fmadd_ps(c6, m, a);
		c7 = _mm256_fmadd_ps(c7, m, a);
		c8 = _mm256_fmadd_ps(c8, m, a);
		c9 = _mm256_fmadd_ps(c9, m, a);
		c10 = _mm256_fmadd_ps(c10, m, a);
		c11 = _mm256_fmadd_ps(c11, m, a);
	}
	__m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
	                         _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
	s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)));
	bb_peak_consume(reduce_ps(s));
	return 2.0 * 8 * NACC * (double)iters;
}
