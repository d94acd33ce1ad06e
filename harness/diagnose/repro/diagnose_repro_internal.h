/*
 * The reproduction programs as blasbench holds them: the files of
 * harness/diagnose/repro/programs/, embedded at build time by embed_programs.cmake into the
 * generated diagnose_repro_embedded.c (in the build's generated/ folder).  One complete
 * program per scenario, named after it with '_' for '-' (dual_pool for dual-pool), its parts
 * ("common.h", "omp.h" ...) already in place and the files' first comments left out.  Its one
 * `#include "finding.h"` line stays: diagnose_repro.c writes the finding's #defines there
 * (REPRO_BLAS_PATH ..., see programs/finding.h), only those the program's text uses.
 */
#ifndef BB_HARNESS_DIAGNOSE_REPRO_INTERNAL_H
#define BB_HARNESS_DIAGNOSE_REPRO_INTERNAL_H

typedef struct bb_repro_program {
	const char *name; /* the file's name without ".c"; NULL ends bb_repro_programs[] */
	const char *text; /* the program, with BB_REPRO_FINDING_LINE where the finding goes */
} bb_repro_program;

extern const bb_repro_program bb_repro_programs[];

#define BB_REPRO_FINDING_LINE "#include \"finding.h\"\n"

/* What a program needs from the finding besides the BLAS, read from its text: the macros of
 * programs/finding.h it uses, and whether its usage takes a timeout. */
enum {
	BB_REPRO_OMP = 1 << 0,     /* REPRO_OMP_PATH: the application's OpenMP runtime */
	BB_REPRO_OMP2 = 1 << 1,    /* REPRO_OMP2_PATH: the other runtime */
	BB_REPRO_KERNEL = 1 << 2,  /* REPRO_KERNEL_VAR/VALUE: it re-runs itself with the override */
	BB_REPRO_TIMEOUT = 1 << 3, /* "[seconds [n [timeout]]]": a child can hang */
};

typedef struct bb_repro_template {
	const char *text; /* from bb_repro_programs[] */
	unsigned needs;   /* BB_REPRO_* */
	const char *args; /* the program's optional arguments, for the header */
} bb_repro_template;

/* Fill t with the program of scenario (the file named after it, '_' for '-').  Returns 0, or
 * -1 when no program reproduces that scenario. */
int bb_repro_template_find(const char *scenario, bb_repro_template *t);

#endif
