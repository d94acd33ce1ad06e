/*
 * Backends built into blasbench (`ref`, `opt`): their function table points at blasbench's own
 * kernels, with the same Fortran LP64 ABI a library would have, so they go through the same
 * calls as every other backend.
 */
#ifndef BB_BACKENDS_BUILTIN_H
#define BB_BACKENDS_BUILTIN_H

#include <stddef.h>

struct bb_backend;

int bb_builtin_load(struct bb_backend *b, char *err, size_t errlen);
/* Fill the configuration fields of a built-in backend (no probing needed: we wrote it). */
void bb_builtin_info(struct bb_backend *b, int want_threads);

/* Thread count of a built-in backend: `opt` through bb_opt_set_threads(), the others are serial
 * (1).  set returns the count read back. */
int bb_builtin_get_threads(struct bb_backend *b);
int bb_builtin_set_threads(struct bb_backend *b, int n);

#endif
