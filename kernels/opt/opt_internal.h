/*
 * Internals of the optimized GEMM shared by the files of kernels/opt/ and its tests: blocksizes,
 * the thread pool, the per-precision drivers and the selection state.  Not a public API.
 */
#ifndef BB_KERNELS_OPT_INTERNAL_H
#define BB_KERNELS_OPT_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>

#include "kernels/opt/opt_ukr.h"

/* The environment variable that overrides the blocksizes: "MC,KC,NC". */
#define BB_OPT_BLOCKS_ENV "BLASBENCH_GEMM_BLOCKS"
/* Set to 1 (libbbopt.so only): say once on stderr that blasbench's GEMM is the one called. */
#define BB_OPT_ANNOUNCE_ENV "BLASBENCH_OPT_ANNOUNCE"
/* libbbopt.so only: the threads its GEMMs may use, 1..BB_OPT_MAX_THREADS (default 1). */
#define BB_OPT_THREADS_ENV "BLASBENCH_OPT_THREADS"
/*
 * The environment variable that sets how large (m n k multiply-adds) a one-thread dgemm may be
 * to run the direct, unpacked kernel where the ISA level has one; 0 turns it off.
 */
#define BB_OPT_DIRECT_ENV "BLASBENCH_GEMM_DIRECT"
#define BB_OPT_MAX_THREADS 256

/* Cache blocksizes of the three outer loops, in elements. */
typedef struct bb_opt_blocks {
	long mc; /* rows of the packed A block (a multiple of MR): ~half of L2 */
	long kc; /* depth of the packed blocks: the B sliver ~half of L1, both slivers in L1 */
	long nc; /* columns of the packed B block (a multiple of NR): from L3 */
} bb_opt_blocks;

/*
 * Blocksizes for an mr x nr kernel on elements of elsize bytes, from the cache sizes of this
 * host (sysconf, with common sizes when unknown: see bb_opt_cache_assumed() in opt_kernels.h)
 * unless BLASBENCH_GEMM_BLOCKS overrides them
 * (rounded up to multiples of mr / nr).  Returns 0, or -1 after bb_error() when the override is
 * malformed (out is then filled from the cache sizes).
 */
int bb_opt_blocks_for(int mr, int nr, size_t elsize, bb_opt_blocks *out);

/* A task of the pool: called once per thread, tid in 0..nt-1. */
typedef void bb_opt_task(void *arg, int tid, int nt);

/*
 * Make sure the pool can run nt threads (creating workers on first need) and return how many
 * it can: nt, or fewer when a worker cannot be created, or BB_OPT_MAX_THREADS at most.
 */
int bb_opt_pool_size(int nt);

/*
 * Run fn(arg, tid, nt) on bb_opt_pool_size(nt) threads, the caller being tid 0, and return
 * when all are done.  Workers block on a condition variable between tasks (never spin).
 * One task at a time (callers hold the GEMM lock).
 */
void bb_opt_pool_run(int nt, bb_opt_task *fn, void *arg);

/*
 * One GEMM call as the drivers in opt_gemm_body.h see it: arguments already read and checked,
 * m, n, k > 0, alpha != 0; trans* are 0 ('N') or 1 ('T' or 'C': the same for real types).
 */
typedef struct bb_opt_call {
	int ta, tb; /* 1: op(X) = X^T */
	long m, n, k, lda, ldb, ldc;
	const void *a, *b, *alpha, *beta;
	void *c;
	int threads; /* requested: the driver uses fewer on small problems */
	const bb_opt_ukr *ukr;
	bb_opt_blocks blk;
	double direct_max; /* m n k up to which a small call may skip packing; 0: never */
} bb_opt_call;

/*
 * Packing buffers of at least bytes bytes, 64-byte aligned, kept between calls and grown when
 * needed: one for B, one per thread tid for A.  Caller holds the GEMM lock.  Out of memory is
 * fatal (message, abort): a GEMM has no way to report it.
 */
void *bb_opt_workspace_b(size_t bytes);
void *bb_opt_workspace_a(int tid, size_t bytes);

/*
 * How the threads of one multi-threaded call meet without barriers (opt_sync.c; the protocol
 * is in opt_gemm_body.h).  Per (jc, pc) iteration: chunks of BB_OPT_SYNC_CHUNK micro-panels
 * of the B panel handed out and counted when packed, ic blocks handed out, threads that are
 * done with their blocks counted.  Per ic block: the iterations completed on those rows of C.
 */
#define BB_OPT_SYNC_CHUNK 8

typedef struct bb_opt_iter {
	atomic_long chunk, packed, block, computed;
} bb_opt_iter;

typedef struct bb_opt_sync {
	int nt;
	bb_opt_iter *it;   /* per (jc, pc) iteration */
	atomic_long *done; /* per ic block */
} bb_opt_sync;

/* All counters zero; out of memory is fatal, as for the workspaces. */
bb_opt_sync *bb_opt_sync_new(int nt, long iters, long blocks);
void bb_opt_sync_free(bb_opt_sync *s); /* NULL is fine */
/* Until *v >= target: spin a few microseconds, then yield the core between looks. */
void bb_opt_sync_wait(atomic_long *v, long target);

/* Forget the selected kernel level and blocksizes: the next call reads BLASBENCH_KERNEL and
 * BLASBENCH_GEMM_BLOCKS again (tests force each level this way).  Thread count is kept. */
void bb_opt_reset(void);

/*
 * bb_opt_?gemm without the warning: returns 0, or the position of the first
 * invalid argument (as xerbla's INFO) with C untouched.  libbbopt.so's dgemm_ calls xerbla_.
 */
int bb_opt_dgemm_info(const char *transa, const char *transb, const int *m, const int *n,
                      const int *k, const double *alpha, const double *a, const int *lda,
                      const double *b, const int *ldb, const double *beta, double *c,
                      const int *ldc);
int bb_opt_sgemm_info(const char *transa, const char *transb, const int *m, const int *n,
                      const int *k, const float *alpha, const float *a, const int *lda,
                      const float *b, const int *ldb, const float *beta, float *c, const int *ldc);
int bb_opt_cgemm_info(const char *transa, const char *transb, const int *m, const int *n,
                      const int *k, const float _Complex *alpha, const float _Complex *a,
                      const int *lda, const float _Complex *b, const int *ldb,
                      const float _Complex *beta, float _Complex *c, const int *ldc);
int bb_opt_zgemm_info(const char *transa, const char *transb, const int *m, const int *n,
                      const int *k, const double _Complex *alpha, const double _Complex *a,
                      const int *lda, const double _Complex *b, const int *ldb,
                      const double _Complex *beta, double _Complex *c, const int *ldc);

#endif
