/*
 * Standalone reproductions of diagnose findings (`blasbench diagnose --emit-repro DIR`): for one
 * finding, a short C program that rebuilds the scenario without blasbench and without Python,
 * the form upstream projects (OpenBLAS, BLIS, GCC and LLVM OpenMP) ask for.  The program loads
 * the measured BLAS (and OpenMP runtimes) with dlopen by absolute path, drives regions through
 * GOMP_parallel (no -fopenmp: one program serves every runtime), measures the scenario's
 * baseline and pathology the way workloads/scenario*.c do, checks dgemm against a naive loop,
 * and ends with one line to parse:
 *   result: baseline_ms=... pathology_ms=... slowdown=...      (or "result: hang" for fork)
 * It exits 0 when it ran, 1 when it could not measure (wrong dgemm result, a crashed child),
 * 2 when it could not load something.
 *
 *   bb_repro_input in = {.scenario = "dual-pool", .alias = "openblas", ...};
 *   char *path, err[256];
 *   if (bb_repro_write("repro", &in, &path, err, sizeof(err))) ... err ...
 *   char *build = bb_repro_build_line(path);   "cc -O2 -o repro-dual-pool-openblas ..."
 *   free(build); free(path);
 */
#ifndef BB_HARNESS_DIAGNOSE_REPRO_H
#define BB_HARNESS_DIAGNOSE_REPRO_H

#include <stddef.h>

typedef struct bb_repro_input {
	const char *scenario;           /* a name from scenarios.def */
	const char *alias;              /* the backend alias, for the file name and comments */
	const char *blas_path;          /* realpath of the library file whose dgemm was measured */
	const char *blas_symbol;        /* the dgemm symbol as probed, e.g. "dgemm_" */
	int int_bits;                   /* 32 (LP64) or 64 (ILP64): Fortran INTEGER width */
	const char *set_threads_symbol; /* "openblas_set_num_threads", "bli_thread_set_num_threads",
					 * "omp_set_num_threads" (an OpenMP BLAS) or NULL */
	const char *omp_path;           /* the application's OpenMP runtime file, NULL if none */
	const char *omp2_path;          /* mixed-omp: the other runtime */
	int threads;                    /* cores used */
	long n;                         /* dgemm size */
	const char *env;                /* space-separated VAR=VALUE the finding was seen with */
	double slowdown;                /* what blasbench measured, for the comment (NAN if hang) */
	int hung;                       /* fork: the child hung */
	const char *kernel_var, *kernel_value; /* kernel-selection: the best override */
} bb_repro_input;

/* Write DIR/repro-<scenario>-<alias>.c (DIR created if missing; alias sanitized to
 * [A-Za-z0-9_-]) whole or not at all, never over a database (common/output.h); *path_out gets
 * the malloc'd path (caller frees).  Returns 0, or -1 with a one-line reason in err (nothing
 * is written when the input or the file is refused). */
int bb_repro_write(const char *dir, const bb_repro_input *in, char **path_out, char *err,
		   size_t errlen);

/* The file bb_repro_write() writes for scenario and alias in dir, so it can be checked before
 * anything is measured.  Caller frees. */
char *bb_repro_path(const char *dir, const char *scenario, const char *alias);

/* The build line for a written file, to be run in its directory, e.g.
 * "cc -O2 -o repro-dual-pool-openblas repro-dual-pool-openblas.c -ldl -lpthread".
 * Caller frees. */
char *bb_repro_build_line(const char *c_path);

#endif
