/*
 * blasbench's optimized GEMM (the `opt` backend and libbbopt.so): the Goto/BLIS algorithm,
 * five loops around a SIMD micro-kernel, with packing of A and B and cache blocking derived
 * from this host's cache sizes (kernels/opt/).
 *
 * Same contract and ABI as the reference GEMM (kernels/ref_kernels.h): Fortran BLAS, LP64,
 * column-major, every argument by pointer, no hidden string lengths; beta == 0 never reads C;
 * an invalid argument prints a warning naming the parameter and returns with C untouched.
 * sgemm and dgemm are optimized; cgemm and zgemm run on them through the 1m method (the
 * complex product as one real GEMM of twice the size, kernels/opt/opt_1m_body.h).
 *
 * The kernel level is chosen once, on first use, by bb_isa_select() (BLASBENCH_KERNEL forces
 * one; an override this host cannot run is an error, never a silent fallback: the GEMM then
 * aborts).  BLASBENCH_GEMM_BLOCKS=MC,KC,NC overrides the blocksizes.  Calls are serialized
 * by an internal lock (one call at a time uses the thread pool and the packing buffers).
 */
#ifndef BB_KERNELS_OPT_KERNELS_H
#define BB_KERNELS_OPT_KERNELS_H

#include <stddef.h>

void bb_opt_sgemm(const char *transa, const char *transb, const int *m, const int *n, const int *k,
                  const float *alpha, const float *a, const int *lda, const float *b,
                  const int *ldb, const float *beta, float *c, const int *ldc);

void bb_opt_dgemm(const char *transa, const char *transb, const int *m, const int *n, const int *k,
                  const double *alpha, const double *a, const int *lda, const double *b,
                  const int *ldb, const double *beta, double *c, const int *ldc);

void bb_opt_cgemm(const char *transa, const char *transb, const int *m, const int *n, const int *k,
                  const float _Complex *alpha, const float _Complex *a, const int *lda,
                  const float _Complex *b, const int *ldb, const float _Complex *beta,
                  float _Complex *c, const int *ldc);

void bb_opt_zgemm(const char *transa, const char *transb, const int *m, const int *n, const int *k,
                  const double _Complex *alpha, const double _Complex *a, const int *lda,
                  const double _Complex *b, const int *ldb, const double _Complex *beta,
                  double _Complex *c, const int *ldc);

/* Threads used by later calls (n < 1 means 1; capped at 256).  Default 1. */
void bb_opt_set_threads(int n);
int bb_opt_get_threads(void);

/*
 * What runs: "avx512 dgemm 16x14, sgemm 32x14; blocks d MC=.. KC=.. NC=.., s MC=.. KC=.. NC=..",
 * followed by "; cache size unknown to sysconf, assumed: L2 1 MiB" when the blocks rest on an
 * assumed cache size (see bb_opt_cache_assumed).  Selects the kernel level if no call did yet.
 * Static storage; valid until bb_opt_reset().
 */
const char *bb_opt_kernel_name(void);

/*
 * The cache sizes the blocks assume because sysconf does not know them (no CPUID leaf 4 in a
 * VM, a libc that does not say): writes "" or "cache size unknown to sysconf, assumed: L2 1 MiB,
 * L3 8 MiB" into buf and returns how many were assumed (none when BLASBENCH_GEMM_BLOCKS sets
 * the blocks).
 */
int bb_opt_cache_assumed(char *buf, size_t len);

#endif
