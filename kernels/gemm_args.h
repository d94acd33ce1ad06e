/*
 * GEMM argument decoding and checking shared by blasbench's own GEMMs (ref and opt): the
 * transpose letters, and BLAS's argument checks in BLAS's order, so both report a bad argument
 * with the same position xerbla would.
 */
#ifndef BB_KERNELS_GEMM_ARGS_H
#define BB_KERNELS_GEMM_ARGS_H

enum { BB_GEMM_NOTRANS, BB_GEMM_TRANS, BB_GEMM_CONJTRANS };

/* 'N'/'T'/'C' (any case) -> BB_GEMM_*, -1 for anything else. */
int bb_gemm_trans(char t);

/* The position (1-based, as xerbla's INFO) of the first invalid argument, 0 when all are valid;
 * ta/tb as bb_gemm_trans() returned them. */
int bb_gemm_check(int ta, int tb, int m, int n, int k, int lda, int ldb, int ldc);

#endif
