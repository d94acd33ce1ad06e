/*
 * Backend specs as users write them: `[alias=]name-or-path[+VAR=VALUE...]`, several separated
 * by commas in --backends.  A name is a catalog entry ("openblas"); anything with a '/' is a
 * path to a shared library.  VAR=VALUE pairs are set in the worker before the library loads.
 * `+lapack=L` (lower case: not a variable) puts a LAPACK on the spec's BLAS: L is a catalog
 * name that provides a LAPACK (flame, netlib, ...), a path, or `none` (the BLAS alone, even
 * where the catalog names a default partner: blis -> flame).  backends/load.c loads it.
 */
#ifndef BB_BACKENDS_SPEC_H
#define BB_BACKENDS_SPEC_H

#include <stddef.h>

/* The characters an alias may use, as the error and every --backends help say them (an alias
 * is a column in tables, a key in JSON and part of file names in reports). */
#define BB_SPEC_ALIAS_CHARS "ASCII letters, digits, '_', '-' and '.'"

/* The spec syntax as every --backends help says it. */
#define BB_SPEC_SYNTAX                                                                             \
	"[alias=]name-or-path[+lapack=NAME|PATH|none][+VAR=VALUE...]; an alias is " BB_SPEC_ALIAS_CHARS

typedef struct bb_env_var {
	char *name;
	char *value;
} bb_env_var;

typedef struct bb_backend_spec {
	char *text;  /* as written */
	char *alias; /* the name results are filed under: given, or the spec without "alias=" */
	char *name;  /* catalog name, NULL for a path */
	char *path;  /* the library path, NULL for a catalog name */
	char *lapack; /* +lapack=: a catalog name, a path or "none"; NULL: the catalog's partner */
	bb_env_var *env;
	size_t n_env;
} bb_backend_spec;

/* Parse one spec.  Returns 0, or -1 with a reason in err (the spec unchanged on error).
 * Catalog names are checked (with the closest name suggested); paths are not opened here. */
int bb_spec_parse(const char *text, bb_backend_spec *out, char *err, size_t errlen);
/* Parse a comma-separated list; refuses empty items and duplicate aliases.  On success the
 * caller frees with bb_spec_list_free(). */
int bb_spec_parse_list(const char *list, bb_backend_spec **out, size_t *n, char *err,
		       size_t errlen);
void bb_spec_copy(bb_backend_spec *dst, const bb_backend_spec *src);
void bb_spec_release(bb_backend_spec *s);
void bb_spec_list_free(bb_backend_spec *specs, size_t n);

#endif
