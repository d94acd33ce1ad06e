/*
 * blasbench's reference GEMM: plain C, obviously correct, the `ref` backend and the correctness
 * oracle for every other GEMM.
 *
 * Fortran BLAS ABI with LP64 integers: every argument by pointer, column-major storage, and no
 * hidden string-length arguments after the character arguments.  C := alpha op(A) op(B) + beta C
 * where op(X) is X ('N'), its transpose ('T') or its conjugate transpose ('C'; the same as 'T'
 * for real types), case-insensitive.  op(A) is m x k, op(B) is k x n, C is m x n.
 * beta == 0 overwrites C without reading it (NaN in C does not propagate); alpha == 0 only
 * scales C.  Invalid arguments: a warning naming the parameter, as xerbla does, and a return
 * without touching C.
 */
#ifndef BB_KERNELS_REF_KERNELS_H
#define BB_KERNELS_REF_KERNELS_H

void bb_ref_sgemm(const char *transa, const char *transb, const int *m, const int *n, const int *k,
                  const float *alpha, const float *a, const int *lda, const float *b,
                  const int *ldb, const float *beta, float *c, const int *ldc);

void bb_ref_dgemm(const char *transa, const char *transb, const int *m, const int *n, const int *k,
                  const double *alpha, const double *a, const int *lda, const double *b,
                  const int *ldb, const double *beta, double *c, const int *ldc);

void bb_ref_cgemm(const char *transa, const char *transb, const int *m, const int *n, const int *k,
                  const float _Complex *alpha, const float _Complex *a, const int *lda,
                  const float _Complex *b, const int *ldb, const float _Complex *beta,
                  float _Complex *c, const int *ldc);

void bb_ref_zgemm(const char *transa, const char *transb, const int *m, const int *n, const int *k,
                  const double _Complex *alpha, const double _Complex *a, const int *lda,
                  const double _Complex *b, const int *ldb, const double _Complex *beta,
                  double _Complex *c, const int *ldc);

#endif
