/*
 * The catalog of known BLAS/LAPACK stacks (DESIGN.md "Backends"): catalog names map to the
 * files Debian's packages and Python wheels install.  Files are searched in $BLASBENCH_LIBPATH
 * (colon-separated), then the Python environment (pyenv.h), then the multiarch library directory, /usr/lib64, /usr/lib, /usr/local/lib, and MKL's usual
 * prefixes; BY_SONAME entries let the dynamic linker resolve them (the "system" stack).
 */
#ifndef BB_BACKENDS_CATALOG_H
#define BB_BACKENDS_CATALOG_H

#include <stddef.h>

#define BB_CAT_BY_SONAME 0x1u /* files are sonames the dynamic linker resolves */
#define BB_CAT_BUILTIN 0x2u   /* blasbench's own kernels: nothing to load */
#define BB_CAT_DEFAULT 0x4u   /* one stack per family: measured when no --backends is given */
#define BB_CAT_WHEEL 0x8u     /* from Python's package index: `package` is a pip package */
#define BB_CAT_SUFFIX_64 0x10u /* the _64-suffixed entry points of a library that has both (MKL) */
#define BB_CAT_LAPACK_ONLY 0x20u /* a LAPACK needing a BLAS below it (libflame): its preload
				  * with a '/' is its default BLAS, left out when layered */

/* The two stacks the first command a user types names (`suite --backends openblas,blis`, the
 * README's main job; scripts/run-main.sh passes the same, tests/harness/test_readme.sh checks). */
#define BB_CAT_STARTER "openblas,blis"

typedef struct bb_catalog_entry {
	const char *name;
	const char *summary;
	const char *package;    /* Debian package (pip package if BB_CAT_WHEEL) that provides it */
	const char *files[3];   /* BLAS (or the whole library) first, then LAPACK */
	const char *preload[3]; /* loaded with global visibility first: undeclared dependencies */
	unsigned flags;
	const char *lapack; /* the LAPACK layered on this BLAS by default (blis -> "flame"), or NULL */
} bb_catalog_entry;

size_t bb_catalog_count(void);
const bb_catalog_entry *bb_catalog_at(size_t i);
const bb_catalog_entry *bb_catalog_find(const char *name);
/* The catalog name closest to a mistyped one, or NULL. */
const char *bb_catalog_suggest(const char *name);

/* Find a catalog file (relative name) in the search path.  Returns a malloc'd path, or NULL.
 * BY_SONAME names are returned as they are (the dynamic linker resolves them). */
char *bb_catalog_locate(const bb_catalog_entry *e, const char *file);
/* 1 if every file of the entry is present on this machine (builtins: always). */
int bb_catalog_installed(const bb_catalog_entry *e);
/* Where the entry's files come from, for "not installed" hints: "Debian package libblis4-pthread",
 * "pip package scipy-openblas32, in the Python environment ($VIRTUAL_ENV=...)".  Static buffer. */
const char *bb_catalog_source(const bb_catalog_entry *e);

/* Search $BLASBENCH_LIBPATH, the Python environment (pyenv.h), then the fixed directories for
 * file (a relative name, glob characters allowed).  Returns a malloc'd path, or NULL. */
char *bb_libpath_search(const char *file);

/* The LAPACK file of an entry that can be layered on another BLAS (`+lapack=NAME`): its
 * second file (netlib, atlas, system), or the only one of a LAPACK_ONLY entry (flame); NULL
 * when the entry's LAPACK is inside its BLAS (openblas) or it has none. */
const char *bb_catalog_lapack_file(const bb_catalog_entry *e);
/* The names bb_catalog_lapack_file() accepts, for errors and help: "flame, atlas, ...". */
const char *bb_catalog_lapack_names(void);

/* The BB_CAT_DEFAULT names in catalog order, for help: "openblas, blis, flame, ...". */
const char *bb_catalog_default_names(void);

#endif
