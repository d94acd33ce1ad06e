/*
 * The AVX-512 dgemm micro-kernel, 16 x 14: C(16x14) := alpha * A(16xk) B(kx14) + beta * C.
 *
 * A is a packed micro-panel (16 contiguous doubles per k step: two zmm loads), B a packed
 * micro-panel (14 contiguous doubles per k step, each broadcast into two FMAs).  The 28
 * accumulators (2 zmm x 14 columns) hide the 4-cycle FMA latency on two 512-bit FMA ports (8 in
 * flight) with room to spare; with the two A registers and one broadcast that is 31 of the 32 zmm.
 * Compiled with -mavx512f -mfma -O2 (kernels/CMakeLists.txt); called through the registry in
 * kernels/opt/opt_registry.c only, which checks the CPU first. Contract (every bb_?gemm_ukr_*): k
 * >= 0; c(i,j) is c[i*rs_c + j*cs_c]; beta == 0 means C is written without being read.  Edge tiles
 * are the caller's business (kernels/opt/).
 */
#include <immintrin.h>

#include "kernels/opt/opt_ukr.h"

#ifndef __AVX512F__
#error "avx512/dgemm_ukr.c must be compiled with -mavx512f"
#endif

#define MR 16
#define NR 14

/* X(j) for each of the NR columns */
#define COLS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)

#define DECL(j) __m512d c0_##j = _mm512_setzero_pd(), c1_##j = _mm512_setzero_pd();
/*
 * b[j] broadcast once into a register and used by both FMAs of column j: per k step 2 loads
 * of A, 14 broadcasts and 28 FMAs, so a load port is free 3 cycles in 7.  Folding the
 * broadcast into each FMA ({1to8} memory operand, one uop per FMA) needs 30 loads per 28
 * FMAs instead, more than the two FP loads a Zen 5 core issues per cycle next to two FMAs: that
 * form ran the kernel at 89% of the FMA peak, this one at 97% (cpu 0 of the 2-core Zen 5 VM,
 * k = 160 and 256, A from L2).  It needs 30 + 1 registers: GCC spills nothing (checked with
 * objdump: no stack access in the k loop).
 */
#define STEP(j)                                                                                    \
	{                                                                                          \
		const __m512d bj = _mm512_set1_pd(b[j]);                                           \
		c0_##j = _mm512_fmadd_pd(a0, bj, c0_##j);                                          \
		c1_##j = _mm512_fmadd_pd(a1, bj, c1_##j);                                          \
	}
/* unit row stride: vector update of column j */
#define STORE_COL(j)                                                                               \
	{                                                                                          \
		double *cj = c + (j)*cs_c;                                                         \
		__m512d r0 = _mm512_mul_pd(va, c0_##j), r1 = _mm512_mul_pd(va, c1_##j);            \
		if (be != 0) {                                                                     \
			r0 = _mm512_fmadd_pd(vb, _mm512_loadu_pd(cj), r0);                         \
			r1 = _mm512_fmadd_pd(vb, _mm512_loadu_pd(cj + 8), r1);                     \
		}                                                                                  \
		_mm512_storeu_pd(cj, r0);                                                          \
		_mm512_storeu_pd(cj + 8, r1);                                                      \
	}
/* any stride: spill column j to ab, then scalar update */
#define SPILL_COL(j)                                                                               \
	_mm512_storeu_pd(ab + (j)*MR, c0_##j);                                                     \
	_mm512_storeu_pd(ab + (j)*MR + 8, c1_##j);

void bb_dgemm_ukr_avx512_16x14(long k, const double *a, const double *b, double *c, long rs_c,
                               long cs_c, const double *alpha, const double *beta)
{
	/* C is touched only after the loop: start bringing its first and last row in now */
	for (long j = 0; j < NR; j++) {
		_mm_prefetch((const char *)(c + j * cs_c), _MM_HINT_T0);
		_mm_prefetch((const char *)(c + j * cs_c + (MR - 1) * rs_c), _MM_HINT_T0);
	}
	COLS(DECL)
	for (long p = 0; p < k; p++) {
		const __m512d a0 = _mm512_loadu_pd(a), a1 = _mm512_loadu_pd(a + 8);
		_mm_prefetch((const char *)(a + 8 * MR), _MM_HINT_T0);
		COLS(STEP)
		a += MR;
		b += NR;
	}

	const double al = *alpha, be = *beta;
	if (rs_c == 1) {
		const __m512d va = _mm512_set1_pd(al), vb = _mm512_set1_pd(be);
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

/* The first MR/2 rows only (see the body) */
#define TOP_T double
#define TOP_V __m512d
#define TOP_SFX pd
#define TOP_NAME bb_dgemm_ukr_avx512_16x14_top8
#define TOP_PF 8
#include "kernels/x86_64/avx512/ukr_top_body.h"
