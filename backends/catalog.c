/*
 * The catalog of known stacks and the search for their files.  One table: `list` walks it,
 * spec parsing checks names against it, the loader resolves files through it.
 */
#include "backends/catalog.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/pyenv.h"

#include "build_config.h"
#include "common/error.h"
#include "common/suggest.h"

/* BB_CAT_DEFAULT marks one stack per family: what suite, run and diagnose measure when no
 * --backends is given (other flavours are named on request). */
/* clang-format off */
static const bb_catalog_entry catalog[] = {
	{"openblas", "OpenBLAS, pthreads build", "libopenblas0-pthread",
	 {"openblas-pthread/libopenblas.so.0"}, {0}, BB_CAT_DEFAULT, NULL},
	{"openblas-pthread", "OpenBLAS, pthreads build", "libopenblas0-pthread",
	 {"openblas-pthread/libopenblas.so.0"}, {0}, 0, NULL},
	{"openblas-openmp", "OpenBLAS, OpenMP build (libgomp)", "libopenblas0-openmp",
	 {"openblas-openmp/libopenblas.so.0"}, {0}, 0, NULL},
	{"openblas-serial", "OpenBLAS, single-threaded build", "libopenblas0-serial",
	 {"openblas-serial/libopenblas.so.0"}, {0}, 0, NULL},
	{"openblas64", "OpenBLAS ILP64 (64-bit integers, unsuffixed names), pthreads",
	 "libopenblas64-0-pthread", {"openblas64-pthread/libopenblas64.so.0"}, {0}, 0, NULL},
	/* BLIS ships no LAPACK: libflame is put on it (backends/load.c), unless +lapack=none.
	 * Debian's libflame.so.1 leaves 138 BLAS symbols undefined, every one exported by
	 * libblis.so.4, and needs no BLIS-internal symbol. */
	{"blis", "BLIS, pthreads build (+ libflame's LAPACK)", "libblis4-pthread",
	 {"blis-pthread/libblis.so.4"}, {0}, BB_CAT_DEFAULT, "flame"},
	{"blis-pthread", "BLIS, pthreads build (+ libflame's LAPACK)", "libblis4-pthread",
	 {"blis-pthread/libblis.so.4"}, {0}, 0, "flame"},
	{"blis-openmp", "BLIS, OpenMP build (+ libflame's LAPACK)", "libblis4-openmp",
	 {"blis-openmp/libblis.so.4"}, {0}, 0, "flame"},
	{"blis-serial", "BLIS, single-threaded build (+ libflame's LAPACK)", "libblis4-serial",
	 {"blis-serial/libblis.so.4"}, {0}, 0, "flame"},
	/* Debian's libflame.so.1 declares no dependency on libm nor on any BLAS: both are loaded
	 * with global visibility first, inside this backend's own worker. */
	{"flame", "libflame LAPACK over BLIS (pthreads)", "libflame1",
	 {"libflame.so.1"}, {"libm.so.6", "blis-pthread/libblis.so.4"},
	 BB_CAT_DEFAULT | BB_CAT_LAPACK_ONLY, NULL},
	/* Each liblapack.so.3 below links "libblas.so.3"; loading the BLAS first makes that name
	 * resolve to it.  Which BLAS LAPACK really bound to is probed, not assumed. */
	{"atlas", "ATLAS BLAS + its LAPACK", "libatlas3-base",
	 {"atlas/libblas.so.3", "atlas/liblapack.so.3"}, {0}, BB_CAT_DEFAULT, NULL},
	{"netlib", "reference BLAS + LAPACK (Netlib)", "libblas3 liblapack3",
	 {"blas/libblas.so.3", "lapack/liblapack.so.3"}, {0}, BB_CAT_DEFAULT, NULL},
	{"system", "whatever libblas.so.3 / liblapack.so.3 resolve to (alternatives)",
	 "libblas3 liblapack3", {"libblas.so.3", "liblapack.so.3"}, {0}, BB_CAT_BY_SONAME, NULL},
	/* Wheels, found in the Python environment (backends/pyenv.h) or by path.  numpy and scipy
	 * vendor OpenBLAS under a hashed file name; the scipy-openblas wheels are what they build
	 * against.  All four name their symbols scipy_dgemm_ (and scipy_dgemm_64_ for ILP64). */
	{"scipy-openblas32", "OpenBLAS from the scipy-openblas32 wheel (LP64, scipy_ prefix)",
	 "scipy-openblas32", {"scipy_openblas32/lib/libscipy_openblas.so"}, {0}, BB_CAT_WHEEL, NULL},
	{"scipy-openblas64", "OpenBLAS from the scipy-openblas64 wheel (ILP64, _64_ suffix)",
	 "scipy-openblas64", {"scipy_openblas64/lib/libscipy_openblas64_.so"}, {0}, BB_CAT_WHEEL, NULL},
	{"numpy-vendored", "the OpenBLAS numpy's wheel vendors (numpy.libs/, ILP64)", "numpy",
	 {"numpy.libs/libscipy_openblas64_-*.so"}, {0}, BB_CAT_WHEEL, NULL},
	{"scipy-vendored", "the OpenBLAS scipy's wheel vendors (scipy.libs/, LP64)", "scipy",
	 {"scipy.libs/libscipy_openblas-*.so"}, {0}, BB_CAT_WHEEL, NULL},
	/* the system's libmkl_rt.so, or the mkl wheel's libmkl_rt.so.N in the environment's lib/ */
	{"mkl", "Intel oneMKL single dynamic library (libmkl_rt)", "mkl",
	 {"libmkl_rt.so*"}, {0}, BB_CAT_DEFAULT | BB_CAT_WHEEL, NULL},
	/* the same library's ILP64 entry points (dgemm_64), next to its LP64 ones */
	{"mkl64", "oneMKL's ILP64 entry points (dgemm_64) of the same libmkl_rt", "mkl",
	 {"libmkl_rt.so*"}, {0}, BB_CAT_WHEEL | BB_CAT_SUFFIX_64, NULL},
	{"ref", "blasbench's reference kernels (plain C)", "blasbench",
	 {0}, {0}, BB_CAT_BUILTIN, NULL},
	{"opt", "blasbench's optimized GEMM (packing, cache blocking, SIMD micro-kernels)",
	 "blasbench", {0}, {0}, BB_CAT_BUILTIN, NULL},
};
/* clang-format on */

#define CATALOG_SIZE (sizeof(catalog) / sizeof(catalog[0]))

size_t bb_catalog_count(void) { return CATALOG_SIZE; }

const bb_catalog_entry *bb_catalog_at(size_t i) { return i < CATALOG_SIZE ? &catalog[i] : NULL; }

const bb_catalog_entry *bb_catalog_find(const char *name)
{
	for (size_t i = 0; i < CATALOG_SIZE; i++)
		if (!strcmp(catalog[i].name, name))
			return &catalog[i];
	return NULL;
}

/* Fixed directories searched after $BLASBENCH_LIBPATH. */
static const char *const search_dirs[] = {
	BB_MULTIARCH_LIBDIR,
	"/usr/lib64",
	"/usr/lib",
	"/usr/local/lib",
	"/opt/intel/oneapi/mkl/latest/lib",
	"/opt/intel/oneapi/mkl/latest/lib/intel64",
	"/opt/intel/mkl/lib/intel64",
};

/* dir/file, where file may hold glob characters (the wheels' hashed names): the last match in
 * sorted order, so libmkl_rt.so.3 wins over libmkl_rt.so.2 and a plain name over nothing. */
static char *try_dir(const char *dir, size_t dirlen, const char *file)
{
	char *p = bb_xasprintf("%.*s/%s", (int)dirlen, dir, file);
	if (!strpbrk(file, "*?[")) {
		if (access(p, R_OK) == 0)
			return p;
		free(p);
		return NULL;
	}
	glob_t g;
	char *found = NULL;
	if (glob(p, 0, NULL, &g) == 0) {
		for (size_t i = g.gl_pathc; i-- > 0 && !found;)
			if (access(g.gl_pathv[i], R_OK) == 0)
				found = bb_xstrdup(g.gl_pathv[i]);
		globfree(&g);
	}
	free(p);
	return found;
}

char *bb_libpath_search(const char *file)
{
	const char *env = getenv("BLASBENCH_LIBPATH");
	while (env && *env) {
		const char *colon = strchr(env, ':');
		size_t len = colon ? (size_t)(colon - env) : strlen(env);
		char *p = len ? try_dir(env, len, file) : NULL;
		if (p)
			return p;
		env = colon ? colon + 1 : NULL;
	}
	for (const char *const *d = bb_pyenv_dirs(); *d; d++) {
		char *p = try_dir(*d, strlen(*d), file);
		if (p)
			return p;
	}
	const char *mklroot = getenv("MKLROOT");
	if (mklroot && *mklroot) {
		char *dirs[2] = {bb_xasprintf("%s/lib", mklroot), bb_xasprintf("%s/lib/intel64", mklroot)};
		char *p = NULL;
		for (size_t i = 0; i < 2; i++) {
			if (!p)
				p = try_dir(dirs[i], strlen(dirs[i]), file);
			free(dirs[i]);
		}
		if (p)
			return p;
	}
	for (size_t i = 0; i < sizeof(search_dirs) / sizeof(search_dirs[0]); i++) {
		char *p = try_dir(search_dirs[i], strlen(search_dirs[i]), file);
		if (p)
			return p;
	}
	return NULL;
}

char *bb_catalog_locate(const bb_catalog_entry *e, const char *file)
{
	if (e && (e->flags & BB_CAT_BY_SONAME)) {
		/* the dynamic linker resolves it; check it can be found the way it would look */
		char *p = bb_libpath_search(file);
		if (!p)
			return NULL;
		free(p);
		return bb_xstrdup(file);
	}
	if (file[0] == '/')
		return access(file, R_OK) == 0 ? bb_xstrdup(file) : NULL;
	return bb_libpath_search(file);
}

int bb_catalog_installed(const bb_catalog_entry *e)
{
	if (e->flags & BB_CAT_BUILTIN)
		return 1;
	const char *const *lists[] = {e->files, e->preload};
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < 3 && lists[l][i]; i++) {
			if (!strcmp(lists[l][i], "libm.so.6"))
				continue; /* part of libc: always there */
			char *p = bb_catalog_locate(e, lists[l][i]);
			if (!p)
				return 0;
			free(p);
		}
	return 1;
}

const char *bb_catalog_suggest(const char *name)
{
	/* same rule as command names: small edit distance or a prefix */
	const char *names[CATALOG_SIZE];
	for (size_t i = 0; i < CATALOG_SIZE; i++)
		names[i] = catalog[i].name;
	return bb_closest_name(name, names, (int)CATALOG_SIZE);
}

const char *bb_catalog_default_names(void)
{
	static char names[256];
	if (!names[0])
		for (size_t i = 0; i < CATALOG_SIZE; i++)
			if (catalog[i].flags & BB_CAT_DEFAULT)
				snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
					 names[0] ? ", " : "", catalog[i].name);
	return names;
}

const char *bb_catalog_lapack_file(const bb_catalog_entry *e)
{
	if (!e || (e->flags & BB_CAT_BUILTIN))
		return NULL;
	if (e->flags & BB_CAT_LAPACK_ONLY)
		return e->files[0];
	return e->files[1];
}

const char *bb_catalog_lapack_names(void)
{
	static char names[256];
	if (!names[0])
		for (size_t i = 0; i < CATALOG_SIZE; i++)
			if (bb_catalog_lapack_file(&catalog[i]))
				snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
					 names[0] ? ", " : "", catalog[i].name);
	return names;
}

const char *bb_catalog_source(const bb_catalog_entry *e)
{
	static char text[768];
	if (e->flags & BB_CAT_BUILTIN)
		snprintf(text, sizeof(text), "built into blasbench");
	else if ((e->flags & BB_CAT_WHEEL) && !strcmp(e->package, "mkl"))
		snprintf(text, sizeof(text),
			 "pip package %s in the Python environment (%s), $MKLROOT/lib or the "
			 "system's libmkl_rt.so",
			 e->package, bb_pyenv_where());
	else if (e->flags & BB_CAT_WHEEL)
		snprintf(text, sizeof(text), "pip package %s, in the Python environment (%s)",
			 e->package, bb_pyenv_where());
	else
		snprintf(text, sizeof(text), "Debian package %s", e->package);
	return text;
}
