/*
 * FMA-throughput loops for AVX-512 (zmm): 12 independent accumulators, enough to cover the
 * 4-cycle FMA latency on two 512-bit FMA ports (8 in flight) with room to spare, plus the two
 * operands: 14 of the 32 zmm registers, so nothing spills.  Compiled with -mavx512f -mfma.
 */
#include <immintrin.h>

#include "kernels/peak_kernels.h"

#ifndef __AVX512F__
#error "peak_avx512.c must be compiled with -mavx512f"
#endif

#define NACC 12 /* accumulators, each a full zmm register */

double bb_dpeak_avx512(long long iters, double mul, double add)
{
	const __m512d m = _mm512_set1_pd(mul), a = _mm512_set1_pd(add);
	/* Distinct start values (0, add, 2 add, ...), or the compiler merges equal chains. */
	__m512d c0 = _mm512_setzero_pd(), c1 = a, c2 = _mm512_add_pd(c1, a);
	__m512d c3 = _mm512_add_pd(c2, a), c4 = _mm512_add_pd(c3, a), c5 = _mm512_add_pd(c4, a);
	__m512d c6 = _mm512_add_pd(c5, a), c7 = _mm512_add_pd(c6, a), c8 = _mm512_add_pd(c7, a);
	__m512d c9 = _mm512_add_pd(c8, a), c10 = _mm512_add_pd(c9, a), c11 = _mm512_add_pd(c10, a);

	for (long long i = 0; i < iters; i++) {
		c0 = _mm512_fmadd_pd(c0, m, a);
		c1 = _mm512_fmadd_pd(c1, m, a);
		c2 = _mm512_fmadd_pd(c2, m, a);
		c3 = _mm512_fmadd_pd(c3, m, a);
		c4 = _mm512_fmadd_pd(c4, m, a);
		c5 = _mm512_fmadd_pd(c5, m, a);
		c6 = _mm512_fmadd_pd(c6, m, a);
		c7 = _mm512_fmadd_pd(c7, m, a);
		c8 = _mm512_fmadd_pd(c8, m, a);
		c9 = _mm512_fmadd_pd(c9, m, a);
		c10 = _mm512_fmadd_pd(c10, m, a);
		c11 = _mm512_fmadd_pd(c11, m, a);
	}
	__m512d s = _mm512_add_pd(_mm512_add_pd(_mm512_add_pd(c0, c1), _mm512_add_pd(c2, c3)),
	                          _mm512_add_pd(_mm512_add_pd(c4, c5), _mm512_add_pd(c6, c7)));
	s = _mm512_add_pd(s, _mm512_add_pd(_mm512_add_pd(c8, c9), _mm512_add_pd(c10, c11)));
	bb_peak_consume(_mm512_reduce_add_pd(s));
	return 2.0 * 8 * NACC * (double)iters;
}

double bb_speak_avx512(long long iters, double mul, double add)
{
	const __m512 m = _mm512_set1_ps((float)mul), a = _mm512_set1_ps((float)add);
	/* Distinct start values (0, add, 2 add, ...), or the compiler merges equal chains. */
	__m512 c0 = _mm512_setzero_ps(), c1 = a, c2 = _mm512_add_ps(c1, a);
	__m512 c3 = _mm512_add_ps(c2, a), c4 = _mm512_add_ps(c3, a), c5 = _mm512_add_ps(c4, a);
	__m512 c6 = _mm512_add_ps(c5, a), c7 = _mm512_add_ps(c6, a), c8 = _mm512_add_ps(c7, a);
	__m512 c9 = _mm512_add_ps(c8, a), c10 = _mm512_add_ps(c9, a), c11 = _mm512_add_ps(c10, a);

	for (long long i = 0; i < iters; i++) {
		c0 = _mm512_fmadd_ps(c0, m, a);
		c1 = _mm512_fmadd_ps(c1, m, a);
		c2 = _mm512_fmadd_ps(c2, m, a);
		c3 = _mm512_fmadd_ps(c3, m, a);
		c4 = _mm512_fmadd_ps(c4, m, a);
		c5 = _mm512_fmadd_ps(c5, m, a);
		c6 = _mm512_fmadd_ps(c6, m, a);
		c7 = _mm512_fmadd_ps(c7, m, a);
		c8 = _mm512_fmadd_ps(c8, m, a);
		c9 = _mm512_fmadd_ps(c9, m, a);
		c10 = _mm512_fmadd_ps(c10, m, a);
		c11 = _mm512_fmadd_ps(c11, m, a);
	}
	__m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)),
	                         _mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7)));
	s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11)));
	bb_peak_consume(_mm512_reduce_add_ps(s));
	return 2.0 * 16 * NACC * (double)iters;
}
