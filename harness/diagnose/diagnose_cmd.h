/*
 * `diagnose -- CMD` (harness/diagnose/diagnose_cmd.c): run CMD under inspection and turn what
 * it loaded into diagnose's backends, OpenMP runtime and dual-pool pair.
 */
#ifndef BB_HARNESS_DIAGNOSE_CMD_H
#define BB_HARNESS_DIAGNOSE_CMD_H

#include <stddef.h>

#include "backends/spec.h"

typedef struct bb_diag_cmd {
	bb_backend_spec *specs; /* each BLAS file CMD loaded, aliased after its wheel */
	size_t n;
	char *omp;      /* the first OpenMP runtime CMD loaded (path), NULL none */
	size_t n_omp;   /* OpenMP runtimes CMD loaded */
	char *pair;     /* specs[1]'s text: dual-pool's second library beside specs[0]; NULL */
	char *pair_abi; /* why specs[0] and specs[1] cannot share a copy, NULL if they can */
	char *said;     /* what CMD loaded, a line each, for the report's head */
} bb_diag_cmd;

/* Returns 0, or the exit code of bb_inspect_launch()'s failure (127/126/3) with err set.
 * Release with bb_diag_cmd_release() after a 0 return. */
int bb_diag_cmd_inspect(char *const argv[], bb_diag_cmd *c, char *err, size_t errlen);
void bb_diag_cmd_release(bb_diag_cmd *c);

#endif
