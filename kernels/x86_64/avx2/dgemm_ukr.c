/*
 * The AVX2 dgemm micro-kernel, 8 x 6: C(8x6) := alpha * A(8xk) B(kx6) + beta * C.
 *
 * A is a packed micro-panel (8 contiguous doubles per k step: two ymm loads), B a packed
 * micro-panel (6 contiguous doubles per k step: broadcast one by one).  The 12 accumulators
 * (2 ymm x 6 columns) cover the 4-cycle FMA latency on two FMA ports (8 in flight); with the
 * two A registers and one broadcast that is 15 of the 16 ymm, nothing spills.  Compiled with
 * -mavx2 -mfma -O2 (kernels/CMakeLists.txt); called through kernels/opt/opt_registry.c only.
 * Contract (every bb_?gemm_ukr_*): k >= 0; c(i,j) is c[i*rs_c + j*cs_c]; beta == 0 means C is
 * written without being read.  Edge tiles are the caller's business (kernels/opt/).
 */
#include <immintrin.h>

#include "kernels/opt/opt_ukr.h"

#ifndef __AVX2__
#error "avx2/dgemm_ukr.c must be compiled with -mavx2 -mfma"
#endif

#define MR 8
#define NR 6

/* X(j) for each of the NR columns */
#define COLS(X) X(0) X(1) X(2) X(3) X(4) X(5)

#define DECL(j) __m256d c0_##j = _mm256_setzero_pd(), c1_##j = _mm256_setzero_pd();
#define STEP(j)                                                                                    \
	{                                                                                          \
		const __m256d bj = _mm256_broadcast_sd(b + (j));                                   \
		c0_##j = _mm256_fmadd_pd(a0, bj, c0_##j);                                          \
		c1_##j = _mm256_fmadd_pd(a1, bj, c1_##j);                                          \
	}
/* unit row stride: vector update of column j */
#define STORE_COL(j)                                                                               \
	{                                                                                          \
		double *cj = c + (j)*cs_c;                                                         \
		__m256d r0 = _mm256_mul_pd(va, c0_##j), r1 = _mm256_mul_pd(va, c1_##j);            \
		if (be != 0) {                                                                     \
			r0 = _mm256_fmadd_pd(vb, _mm256_loadu_pd(cj), r0);                         \
			r1 = _mm256_fmadd_pd(vb, _mm256_loadu_pd(cj + 4), r1);                     \
		}                                                                                  \
		_mm256_storeu_pd(cj, r0);                                                          \
		_mm256_storeu_pd(cj + 4, r1);                                                      \
	}
/* any stride: spill column j to ab, then scalar update */
#define SPILL_COL(j)                                                                               \
	_mm256_storeu_pd(ab + (j)*MR, c0_##j);                                                     \
	_mm256_storeu_pd(ab + (j)*MR + 4, c1_##j);

void bb_dgemm_ukr_avx2_8x6(long k, const double *a, const double *b, double *c, long rs_c,
                           long cs_c, const double *alpha, const double *beta)
{
	/* C is touched only after the loop: start bringing its first and last row in now */
	for (long j = 0; j < NR; j++) {
		_mm_prefetch((const char *)(c + j * cs_c), _MM_HINT_T0);
		_mm_prefetch((const char *)(c + j * cs_c + (MR - 1) * rs_c), _MM_HINT_T0);
	}
	COLS(DECL)
	/* unrolled: fewer loop-control uops between the FMAs */
#pragma GCC unroll 4
	for (long p = 0; p < k; p++) {
		const __m256d a0 = _mm256_loadu_pd(a), a1 = _mm256_loadu_pd(a + 4);
		_mm_prefetch((const char *)(a + 8 * MR), _MM_HINT_T0);
		COLS(STEP)
		a += MR;
		b += NR;
	}

	const double al = *alpha, be = *beta;
	if (rs_c == 1) {
		const __m256d va = _mm256_set1_pd(al), vb = _mm256_set1_pd(be);
		COLS(STORE_COL)
		return;
	}
	double ab[MR * NR];
	COLS(SPILL_COL)
	for (long j = 0; j < NR; j++)
		for (long i = 0; i < MR; i++) {
			double *cij = c + i * rs_c + j * cs_c;
			*cij = be == 0 ? al * ab[i + j * MR] : al * ab[i + j * MR] + be * *cij;
		}
}
