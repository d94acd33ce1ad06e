/*
 * The AVX-512 sgemm micro-kernel, 32 x 14: C(32x14) := alpha * A(32xk) B(kx14) + beta * C.
 *
 * A is a packed micro-panel (32 contiguous floats per k step: two zmm loads), B a packed
 * micro-panel (14 contiguous floats per k step, each broadcast into two FMAs).  The 28 accumulators
 * (2 zmm of 16 floats x 14 columns) hide the 4-cycle FMA latency on two 512-bit FMA ports
 * (8 in flight) with room to spare; with the two A registers and one broadcast
 * that is 31 of the 32 zmm.  Compiled with -mavx512f -mfma -O2 (kernels/CMakeLists.txt); called
 * through the registry in kernels/opt/opt_registry.c only, which checks the CPU first. Contract
 * (every bb_?gemm_ukr_*): k >= 0; c(i,j) is c[i*rs_c + j*cs_c]; beta == 0 means C is written
 * without being read.  Edge tiles are the caller's business (kernels/opt/).
 */
#include <immintrin.h>

#include "kernels/opt/opt_ukr.h"

#ifndef __AVX512F__
#error "avx512/sgemm_ukr.c must be compiled with -mavx512f"
#endif

#define MR 32
#define NR 14

/* X(j) for each of the NR columns */
#define COLS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)

#define DECL(j) __m512 c0_##j = _mm512_setzero_ps(), c1_##j = _mm512_setzero_ps();
/*
 * b[j] broadcast once into a register and used by both FMAs of column j: per k step 2 loads
 * of A, 14 broadcasts and 28 FMAs, so a load port is free 3 cycles in 7.  Folding the
 * broadcast into each FMA ({1to16} memory operand, one uop per FMA) needs 30 loads per 28
 * FMAs instead, more than the two FP loads a Zen 5 core issues per cycle next to two FMAs: that
 * form ran the kernel at 89% of the FMA peak, this one at 97% (cpu 0 of the 2-core Zen 5 VM,
 * k = 160 and 256, A from L2).  It needs 30 + 1 registers: GCC spills nothing (checked with
 * objdump: no stack access in the k loop).
 */
#define STEP(j)                                                                                    \
	{                                                                                          \
		const __m512 bj = _mm512_set1_ps(b[j]);                                            \
		c0_##j = _mm512_fmadd_ps(a0, bj, c0_##j);                                          \
		c1_##j = _mm512_fmadd_ps(a1, bj, c1_##j);                                          \
	}
/* unit row stride: vector update of column j */
#define STORE_COL(j)                                                                               \
	{                                                                                          \
		float *cj = c + (j)*cs_c;                                                          \
		__m512 r0 = _mm512_mul_ps(va, c0_##j), r1 = _mm512_mul_ps(va, c1_##j);             \
		if (be != 0) {                                                                     \
			r0 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cj), r0);                         \
			r1 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cj + 16), r1);                    \
		}                                                                                  \
		_mm512_storeu_ps(cj, r0);                                                          \
		_mm512_storeu_ps(cj + 16, r1);                                                     \
	}
/* any stride: spill column j to ab, then scalar update */
#define SPILL_COL(j)                                                                               \
	_mm512_storeu_ps(ab + (j)*MR, c0_##j);                                                     \
	_mm512_storeu_ps(ab + (j)*MR + 16, c1_##j);

void bb_sgemm_ukr_avx512_32x14(long k, const float *a, const float *b, float *c, long rs_c,
                               long cs_c, const float *alpha, const float *beta)
{
	/* C is touched only after the loop: start bringing its first and last row in now */
	for (long j = 0; j < NR; j++) {
		_mm_prefetch((const char *)(c + j * cs_c), _MM_HINT_T0);
		_mm_prefetch((const char *)(c + j * cs_c + (MR - 1) * rs_c), _MM_HINT_T0);
	}
	COLS(DECL)
	for (long p = 0; p < k; p++) {
		const __m512 a0 = _mm512_loadu_ps(a), a1 = _mm512_loadu_ps(a + 16);
		_mm_prefetch((const char *)(a + 4 * MR), _MM_HINT_T0);
		COLS(STEP)
		a += MR;
		b += NR;
	}

	const float al = *alpha, be = *beta;
	if (rs_c == 1) {
		const __m512 va = _mm512_set1_ps(al), vb = _mm512_set1_ps(be);
		COLS(STORE_COL)
		return;
	}
	float ab[MR * NR];
	COLS(SPILL_COL)
	for (long j = 0; j < NR; j++)
		for (long i = 0; i < MR; i++) {
			float *cij = c + i * rs_c + j * cs_c;
			*cij = be == 0 ? al * ab[i + j * MR] : al * ab[i + j * MR] + be * *cij;
		}
}

/* The first MR/2 rows only (see the body) */
#define TOP_T float
#define TOP_V __m512
#define TOP_SFX ps
#define TOP_NAME bb_sgemm_ukr_avx512_32x14_top16
#define TOP_PF 4
#include "kernels/x86_64/avx512/ukr_top_body.h"
