/*
 * The text of the reproduction programs (harness/diagnose/repro/diagnose_repro_text.c: the parts every program
 * shares; harness/diagnose/repro/diagnose_repro_mains.c: each scenario's own functions and main), assembled by
 * harness/diagnose/repro/diagnose_repro.c.  A program is: header comment and parameters (written by
 * diagnose_repro.c from the finding), bb_repro_includes, bb_repro_common, then bb_repro_omp,
 * bb_repro_region and bb_repro_calibrate when the template asks for them, then its main.
 *
 * The parts refer to the parameters by name: blas_path, dgemm_symbol, blas_int,
 * set_threads_symbol, set_threads_fn, threads, n, seconds, seen_env, and with the flags below
 * omp_path, omp2_path, kernel_var and kernel_value.  A part a program does not use is left out
 * (the programs compile warning-free with -Wall -Wextra).
 */
#ifndef BB_HARNESS_DIAGNOSE_REPRO_INTERNAL_H
#define BB_HARNESS_DIAGNOSE_REPRO_INTERNAL_H

enum {
	BB_REPRO_OMP = 1 << 0,       /* loads omp_path: needs bb_repro_omp */
	BB_REPRO_OMP2 = 1 << 1,      /* and omp2_path */
	BB_REPRO_REGION = 1 << 2,    /* runs the application's loop: needs bb_repro_region */
	BB_REPRO_CALIBRATE = 1 << 3, /* sizes the loop to a call: needs bb_repro_calibrate */
	BB_REPRO_KERNEL = 1 << 4,    /* re-runs itself with kernel_var=kernel_value */
};

typedef struct bb_repro_template {
	const char *scenario; /* as in scenarios.def */
	unsigned parts;       /* BB_REPRO_* */
	const char *args;     /* the program's optional arguments, for usage and the header */
	const char *main;     /* the scenario's functions and main() */
} bb_repro_template;

extern const char bb_repro_includes[], bb_repro_common[], bb_repro_omp[], bb_repro_region[],
	bb_repro_calibrate[];

/* NULL when no template reproduces that scenario. */
const bb_repro_template *bb_repro_template_find(const char *scenario);

#endif
