/*
 * The AVX-512 small-matrix dgemm: C := alpha * A op(B) + beta * C computed straight from the
 * caller's matrices, without packing, for A not transposed (column p of A is contiguous).
 *
 * At n = 64 a whole dgemm takes about 10 µs; copying A and B into packed panels first costs
 * a fifth of that, and the padded edge tiles of the packed path (64 = 4 x 14 + 8 columns)
 * another tenth.  Here each 16 x NR tile of C loads its two A vectors from column p of A
 * (masked rows past m, so any m) and broadcasts op(B)(p, j) from wherever it lies (stride
 * rs_b down a column of op(B), cs_b across), with a tile width NR for every n % 14: nothing
 * is computed that is thrown away.  The driver (kernels/opt/opt_gemm_body.h) sends here only
 * problems whose A and B slivers stay in L2 and L1 (see bb_opt_direct_fits).
 */
#include <immintrin.h>

#include "kernels/opt/opt_ukr.h"

#ifndef __AVX512F__
#error "avx512/dgemm_direct.c must be compiled with -mavx512f"
#endif

#define MR 16
#define NR 14

/*
 * One tile of C, mr <= 16 rows (rows 0..7 in m0, 8..15 in m1) by nr <= 14 columns; nr and
 * two (mr > 8) are compile-time constants after inlining, so the accumulators of the columns
 * that do not exist vanish.
 */
static inline __attribute__((always_inline)) void
tile(const int nr, const int two, __mmask8 m0, __mmask8 m1, long k, double alpha,
     const double *a, long lda, const double *b, long rs_b, long cs_b, double beta, double *c,
     long ldc)
{
	__m512d c0[NR], c1[NR];
#pragma GCC unroll 14
	for (int j = 0; j < nr; j++) { /* C is read only after the k loop: ask for it now */
		_mm_prefetch((const char *)(c + j * ldc), _MM_HINT_T0);
		_mm_prefetch((const char *)(c + j * ldc + 15), _MM_HINT_T0);
		c0[j] = _mm512_setzero_pd();
		c1[j] = _mm512_setzero_pd();
	}
	for (long p = 0; p < k; p++) {
		const __m512d a0 = _mm512_maskz_loadu_pd(m0, a);
		const __m512d a1 = two ? _mm512_maskz_loadu_pd(m1, a + 8) : a0;
#pragma GCC unroll 14
		for (int j = 0; j < nr; j++) {
			const __m512d bj = _mm512_set1_pd(b[j * cs_b]);
			c0[j] = _mm512_fmadd_pd(a0, bj, c0[j]);
			if (two)
				c1[j] = _mm512_fmadd_pd(a1, bj, c1[j]);
		}
		a += lda;
		b += rs_b;
	}
	const __m512d va = _mm512_set1_pd(alpha), vb = _mm512_set1_pd(beta);
#pragma GCC unroll 14
	for (int j = 0; j < nr; j++) {
		double *cj = c + j * ldc;
		__m512d r0 = _mm512_mul_pd(va, c0[j]);
		if (beta != 0)
			r0 = _mm512_fmadd_pd(vb, _mm512_maskz_loadu_pd(m0, cj), r0);
		_mm512_mask_storeu_pd(cj, m0, r0);
		if (two) {
			__m512d r1 = _mm512_mul_pd(va, c1[j]);
			if (beta != 0)
				r1 = _mm512_fmadd_pd(vb, _mm512_maskz_loadu_pd(m1, cj + 8), r1);
			_mm512_mask_storeu_pd(cj + 8, m1, r1);
		}
	}
}

/* All row tiles of one column block of nr columns: full 16-row tiles, then the rest. */
static inline __attribute__((always_inline)) void
column_block(const int nr, long m, long k, double alpha, const double *a, long lda,
             const double *b, long rs_b, long cs_b, double beta, double *c, long ldc)
{
	long i = 0;
	for (; i + MR <= m; i += MR)
		tile(nr, 1, 0xff, 0xff, k, alpha, a + i, lda, b, rs_b, cs_b, beta, c + i, ldc);
	const long left = m - i;
	if (left > 8)
		tile(nr, 1, 0xff, (__mmask8)((1u << (left - 8)) - 1), k, alpha, a + i, lda, b, rs_b,
		     cs_b, beta, c + i, ldc);
	else if (left > 0)
		tile(nr, 0, (__mmask8)((1u << left) - 1), 0, k, alpha, a + i, lda, b, rs_b, cs_b,
		     beta, c + i, ldc);
}

#define BLOCK_FN(w)                                                                                \
	static void block_##w(long m, long k, double alpha, const double *a, long lda,            \
	                      const double *b, long rs_b, long cs_b, double beta, double *c,       \
	                      long ldc)                                                            \
	{                                                                                          \
		column_block(w, m, k, alpha, a, lda, b, rs_b, cs_b, beta, c, ldc);                 \
	}
BLOCK_FN(1)
BLOCK_FN(2)
BLOCK_FN(3)
BLOCK_FN(4)
BLOCK_FN(5)
BLOCK_FN(6)
BLOCK_FN(7)
BLOCK_FN(8)
BLOCK_FN(9)
BLOCK_FN(10)
BLOCK_FN(11)
BLOCK_FN(12)
BLOCK_FN(13)
BLOCK_FN(14)

typedef void block_fn(long m, long k, double alpha, const double *a, long lda, const double *b,
                      long rs_b, long cs_b, double beta, double *c, long ldc);
static block_fn *const blocks[NR + 1] = {
    NULL,     block_1,  block_2,  block_3,  block_4,  block_5,  block_6, block_7,
    block_8,  block_9,  block_10, block_11, block_12, block_13, block_14};

void bb_dgemm_direct_avx512(long m, long n, long k, double alpha, const double *a, long lda,
                            const double *b, long rs_b, long cs_b, double beta, double *c,
                            long ldc)
{
	/*
	 * Column blocks of 14, the last one narrower; with n % 14 small, two blocks of nearly
	 * equal width instead (n = 64: 14, 14, 14, 11, 11), as the FMA latency needs about eight
	 * independent accumulators, two per column.
	 */
	long j = 0;
	while (j < n) {
		long w = n - j;
		if (w > NR)
			w = w < 2 * NR ? (w + 1) / 2 : NR;
		blocks[w](m, k, alpha, a, lda, b + j * cs_b, rs_b, cs_b, beta, c + j * ldc, ldc);
		j += w;
	}
}
