/*
 * A finding's values, with defaults so that every program here compiles on its own (and runs
 * on Debian x86-64): `cc -O2 -o dual_pool dual_pool.c -ldl -lpthread && ./dual_pool`.  A
 * program written by `blasbench diagnose --emit-repro` has, in place of `#include
 * "finding.h"`, the finding's own #defines (add_finding() in ../diagnose_repro.c), only those
 * the program uses: none of these defaults reaches it.  The repro_program_* tests compile
 * each program with these and with the other branches given by -D.
 */
#ifndef REPRO_BLAS_PATH
#define REPRO_BLAS_PATH "/usr/lib/x86_64-linux-gnu/libopenblas.so.0" /* absolute: it is copied */
#endif
#ifndef REPRO_DGEMM_SYMBOL
#define REPRO_DGEMM_SYMBOL "dgemm_"
#endif
#ifndef REPRO_BLAS_INT
#define REPRO_BLAS_INT int32_t /* LP64; int64_t for ILP64 */
#endif
#ifndef REPRO_SET_THREADS_SYMBOL
#define REPRO_SET_THREADS_SYMBOL "openblas_set_num_threads" /* or NULL */
#endif
#ifndef REPRO_SET_THREADS_ARG
#define REPRO_SET_THREADS_ARG int /* int64_t for BLIS's dim_t */
#endif
#ifndef REPRO_OMP_PATH
#define REPRO_OMP_PATH "/usr/lib/x86_64-linux-gnu/libgomp.so.1"
#endif
#ifndef REPRO_OMP2_PATH
#define REPRO_OMP2_PATH "/usr/lib/x86_64-linux-gnu/libomp.so.5"
#endif
#ifndef REPRO_KERNEL_VAR
#define REPRO_KERNEL_VAR "OPENBLAS_CORETYPE"
#endif
#ifndef REPRO_KERNEL_VALUE
#define REPRO_KERNEL_VALUE "Haswell"
#endif
#ifndef REPRO_THREADS
#define REPRO_THREADS 4
#endif
#ifndef REPRO_N
#define REPRO_N 500
#endif
#ifndef REPRO_SEEN_ENV
#define REPRO_SEEN_ENV {NULL}
#endif
