/*
 * The GEMM micro-kernels of the optimized GEMM and the registry entry that describes them.
 *
 * Every micro-kernel has one fixed signature (bb_dgemm_ukr_fn / bb_sgemm_ukr_fn):
 *   C(MR x NR) := alpha * A(MR x k) B(k x NR) + beta * C
 * where a is a packed micro-panel of A (MR contiguous elements per k step), b a packed
 * micro-panel of B (NR contiguous elements per k step), c(i,j) is c[i*rs_c + j*cs_c], k >= 0,
 * and beta == 0 means C is written without being read.  Micro-kernels always compute a full
 * MR x NR tile: edge tiles are handled once, by the caller (kernels/opt/opt_gemm_body.h).  A
 * level may add a "top" kernel, the same contract for the first MR/2 rows only (a still packed
 * with MR elements per k step, c with MR/2 rows and rs_c == 1), which the caller uses for a
 * last panel of A with MR/2 rows or fewer.
 * The kernels of one ISA level live in kernels/<arch>/<isa>/, one per file; which level runs
 * is decided by bb_isa_select() and mapped to kernels by bb_opt_ukr_for().
 */
#ifndef BB_KERNELS_OPT_UKR_H
#define BB_KERNELS_OPT_UKR_H

#include "kernels/isa.h"

typedef void bb_dgemm_ukr_fn(long k, const double *a, const double *b, double *c, long rs_c,
                             long cs_c, const double *alpha, const double *beta);
typedef void bb_sgemm_ukr_fn(long k, const float *a, const float *b, float *c, long rs_c, long cs_c,
                             const float *alpha, const float *beta);

/*
 * Every packing kernel has one fixed signature too (bb_dpack_fn / bb_spack_fn): it copies an
 * mn x k block of a matrix, element (i,p) at src[i*rs + p*cs], into ceil(mn/w) micro-panels of
 * w x k, dst[(i/w)*w*k + p*w + i%w], zero-padding the rows mn.. of the last panel.  w is the
 * micro-kernel's MR (packing A) or NR (packing B), 1 <= w <= BB_OPT_MAX_MR; mn, k >= 0.
 * rs == 1 (a copy: op(A) with A not transposed, op(B) with B transposed) and cs == 1 (a
 * transposition: the other two) are the cases worth vectorizing; any stride must work.
 */
typedef void bb_dpack_fn(int w, long mn, long k, const double *src, long rs, long cs,
                         double *dst);
typedef void bb_spack_fn(int w, long mn, long k, const float *src, long rs, long cs, float *dst);

/*
 * A small-matrix dgemm that works on the caller's matrices without packing (bb_dgemm_direct_fn):
 *   C(m x n) := alpha * A(m x k) op(B)(k x n) + beta * C
 * with A not transposed (a[i + p*lda]), op(B)(p,j) at b[p*rs_b + j*cs_b], c[i + j*ldc];
 * m, n, k >= 1; beta == 0 means C is written without being read.  Optional per ISA level.
 */
typedef void bb_dgemm_direct_fn(long m, long n, long k, double alpha, const double *a, long lda,
                                const double *b, long rs_b, long cs_b, double beta, double *c,
                                long ldc);

/* The largest MR and NR of any kernel: sizes the edge-tile buffers. */
#define BB_OPT_MAX_MR 32
#define BB_OPT_MAX_NR 16

/* The kernels of one ISA level (one row of the registry). */
typedef struct bb_opt_ukr {
	bb_isa isa;
	int d_mr, d_nr;
	bb_dgemm_ukr_fn *d;
	bb_dpack_fn *d_pack;
	bb_dgemm_direct_fn *d_direct; /* NULL: every dgemm goes through packing */
	bb_dgemm_ukr_fn *d_top;       /* the first MR/2 rows only; NULL: none */
	int s_mr, s_nr;
	bb_sgemm_ukr_fn *s;
	bb_spack_fn *s_pack;
	bb_sgemm_ukr_fn *s_top;
} bb_opt_ukr;

/* The registry row of isa, or NULL when this build has no kernels for it (non-x86_64). */
const bb_opt_ukr *bb_opt_ukr_for(bb_isa isa);

bb_dgemm_ukr_fn bb_dgemm_ukr_avx512_16x14;
bb_dgemm_ukr_fn bb_dgemm_ukr_avx512_16x14_top8;
bb_dgemm_direct_fn bb_dgemm_direct_avx512;
bb_sgemm_ukr_fn bb_sgemm_ukr_avx512_32x14;
bb_sgemm_ukr_fn bb_sgemm_ukr_avx512_32x14_top16;
bb_dgemm_ukr_fn bb_dgemm_ukr_avx2_8x6;
bb_sgemm_ukr_fn bb_sgemm_ukr_avx2_16x6;
bb_dgemm_ukr_fn bb_dgemm_ukr_generic_4x4;
bb_sgemm_ukr_fn bb_sgemm_ukr_generic_4x4;
bb_dpack_fn bb_dpack_avx512;
bb_spack_fn bb_spack_avx512;
bb_dpack_fn bb_dpack_avx2;
bb_spack_fn bb_spack_avx2;
bb_dpack_fn bb_dpack_generic;
bb_spack_fn bb_spack_generic;

#endif
