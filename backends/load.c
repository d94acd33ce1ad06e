/*
 * Loading a backend: applying its environment, finding and checking its files, dlopen'ing them
 * (preloaded dependencies with global visibility, the backend's own files RTLD_LOCAL), and the
 * symbol lookups the probes and the function table use.  Runs in a worker process only.
 *
 * A LAPACK layered on a BLAS (blis+lapack=flame): the BLAS is opened RTLD_GLOBAL, then the
 * LAPACK RTLD_LOCAL, so the LAPACK's undefined BLAS symbols bind to that BLAS (the global scope
 * is searched before the LAPACK's own dependencies); stack.c's probe reads the binding back.
 * The isolation is the worker process: each backend spec has its own workers, so the global
 * BLAS is seen by nothing else.  dlmopen(LM_ID_NEWLM) was not used: a new namespace gets its
 * own libc and OpenMP runtime copies (and few namespaces exist), which changes the stack that
 * is measured, and link-map walks and dladdr() become per-namespace.
 */
#include "backends/backend.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/builtin.h"
#include "backends/inherited_env.h"
#include "backends/elf.h"
#include "backends/probe_mkl.h"
#include "common/error.h"

const bb_routine_info bb_routines[BB_ROUTINE_COUNT] = {
#define BB_ROUTINE(n, l, r) {#n, BB_LAYER_##l, BB_RESULT_##r},
#include "backends/routines.def"
#undef BB_ROUTINE
};

void bb_routine_unsupported(void)
{
	/* Reached only through a bug: callers must check slot.supported first. */
	bb_die("internal: called a routine this backend does not provide");
}

void bb_backend_init(bb_backend *b, const bb_backend_spec *spec)
{
	memset(b, 0, sizeof(*b));
	bb_spec_copy(&b->spec, spec);
	b->entry = spec->name ? bb_catalog_find(spec->name) : NULL;
	b->tasks_at_init = bb_process_threads();
	b->suffix_known = BB_UNKNOWN;
	b->cblas = BB_UNKNOWN;
	b->lapack = BB_UNKNOWN;
	b->lapack_file = -1;
	for (int i = 0; i < BB_ROUTINE_COUNT; i++)
		b->slots[i].fn = bb_routine_unsupported;
}

void bb_backend_note(bb_backend *b, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	bb_verbose("  -> %s", s);
	b->notes = bb_xrealloc(b->notes, (b->n_notes + 1) * sizeof(char *));
	b->notes[b->n_notes++] = s;
}

void bb_backend_release(bb_backend *b)
{
	/* Libraries stay loaded: unloading a BLAS with live threads is how processes crash. */
	for (size_t i = 0; i < b->n_files; i++)
		free(b->files[i]);
	for (size_t i = 0; i < b->n_objects; i++) {
		bb_object *o = &b->objects[i];
		free(o->path);
		free(o->realpath);
		free(o->soname);
		for (size_t k = 0; k < o->n_needed; k++)
			free(o->needed[k]);
		free(o->needed);
	}
	free(b->objects);
	bb_env_vars_free(b->inherited_env, b->n_inherited_env);
	bb_env_vars_free(b->dropped_env, b->n_dropped_env);
	for (size_t i = 0; i < b->n_notes; i++)
		free(b->notes[i]);
	free(b->notes);
	free(b->family);
	free(b->version);
	free(b->config);
	free(b->kernel);
	free(b->lapack_version);
	free(b->threading);
	free(b->thread_api);
	free(b->limits_json);
	free(b->omp_runtime);
	free(b->fortran_runtime);
	free(b->lapack_blas);
	free(b->lapack_layer);
	bb_spec_release(&b->spec);
	memset(b, 0, sizeof(*b));
}

void *bb_backend_sym_exact(const bb_backend *b, const char *name)
{
	/* own files first, in order; preloaded dependencies after; own < 0 never */
	for (int pass = 1; pass >= 0; pass--)
		for (size_t i = 0; i < b->n_files; i++)
			if (b->own[i] == pass && b->handles[i]) {
				void *p = dlsym(b->handles[i], name);
				if (p)
					return p;
			}
	return NULL;
}

/* Check a file before dlopen so a non-library gets a reason, not a dlerror() riddle. */
static int check_file(const char *path, char *err, size_t errlen)
{
	bb_elf elf;
	char why[200];
	int rc = bb_elf_read(path, &elf, why, sizeof(why));
	bb_elf_release(&elf);
	if (rc)
		snprintf(err, errlen, "'%s': %s", path, why);
	return rc;
}

/* dlopen file of entry (NULL: file is a path) as one of b's files; own as in bb_backend.own,
 * global: RTLD_GLOBAL (a dependency, or a BLAS with a LAPACK layered on it). */
static int open_file(bb_backend *b, const bb_catalog_entry *entry, const char *file, int own,
		     int global, int by_soname, char *err, size_t errlen)
{
	char *path = entry ? bb_catalog_locate(entry, file) : bb_xstrdup(file);
	if (!path) {
		snprintf(err, errlen, "'%s' not found (%s)", file,
			 entry ? bb_catalog_source(entry) : "?");
		return -1;
	}
	if (!by_soname && check_file(path, err, errlen)) {
		if (!b->entry) /* the spec is the path: say only why */
			snprintf(err, errlen, "%s", strchr(err, ':') ? strchr(err, ':') + 2 : err);
		free(path);
		return -1;
	}
	bb_verbose("  loading %s (%s)", path,
		   own < 0   ? "RTLD_LOCAL: only its name is needed"
		   : !global ? "RTLD_LOCAL"
		   : own     ? "RTLD_GLOBAL: the BLAS of a layered LAPACK"
			     : "RTLD_GLOBAL: undeclared dependency");
	dlerror();
	void *h = dlopen(path, RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL));
	if (!h) {
		const char *e = dlerror();
		snprintf(err, errlen, "cannot load '%s': %s", path, e ? e : "unknown dlopen error");
		free(path);
		return -1;
	}
	if (b->n_files == BB_MAX_HANDLES) {
		free(path);
		snprintf(err, errlen, "too many files in one backend");
		return -1;
	}
	b->files[b->n_files] = path;
	b->handles[b->n_files] = h;
	b->own[b->n_files] = own;
	b->n_files++;
	return 0;
}

static int open_one(bb_backend *b, const char *file, int own, int by_soname, char *err,
		    size_t errlen)
{
	return open_file(b, b->entry, file, own, !own, by_soname, err, errlen);
}

/* dlopen a bare soname (libm.so.6) for the dynamic linker to find, with global visibility. */
static int open_soname(bb_backend *b, const char *f, char *err, size_t errlen)
{
	dlerror();
	void *h = dlopen(f, RTLD_NOW | RTLD_GLOBAL);
	if (!h) {
		snprintf(err, errlen, "cannot load '%s': %s", f, dlerror());
		return -1;
	}
	if (b->n_files == BB_MAX_HANDLES) {
		snprintf(err, errlen, "too many files in one backend");
		return -1;
	}
	b->files[b->n_files] = bb_xstrdup(f);
	b->handles[b->n_files] = h;
	b->own[b->n_files++] = 0;
	return 0;
}

const char *bb_backend_lapack_layer(const bb_backend_spec *spec, const bb_catalog_entry *e)
{
	const char *l = spec->lapack ? spec->lapack : e ? e->lapack : NULL;
	return l && strcmp(l, "none") ? l : NULL;
}

/* Put the LAPACK named by `lapack` (a catalog name or a path) on the BLAS loaded globally
 * already.  A catalog LAPACK that links "libblas.so.3" (netlib, atlas) gets its own package's
 * BLAS first, loaded only so that name is satisfied (own = -1, never searched: its symbols
 * lose to the global BLAS); otherwise the dynamic linker would pull whatever the system's
 * alternative is (often a second OpenBLAS, with its own thread pool). */
static int load_lapack_layer(bb_backend *b, const char *lapack, char *err, size_t errlen)
{
	const bb_catalog_entry *le = strchr(lapack, '/') ? NULL : bb_catalog_find(lapack);
	const char *file = le ? bb_catalog_lapack_file(le) : lapack;
	if (le) {
		int by_soname = (le->flags & BB_CAT_BY_SONAME) != 0;
		for (size_t i = 0; i < 3 && le->preload[i]; i++)
			if (!strchr(le->preload[i], '/') && open_soname(b, le->preload[i], err, errlen))
				return -1; /* its default BLAS ('/') is what the layer replaces */
		if (!(le->flags & BB_CAT_LAPACK_ONLY) &&
		    open_file(b, le, le->files[0], -1, 0, by_soname, err, errlen))
			return -1;
		if (open_file(b, le, file, 1, 0, by_soname, err, errlen))
			return -1;
	} else if (open_file(b, NULL, file, 1, 0, 0, err, errlen)) {
		return -1;
	}
	b->lapack_file = (int)b->n_files - 1;
	b->lapack_layer = bb_xstrdup(lapack);
	return 0;
}

int bb_backend_load(bb_backend *b, char *err, size_t errlen)
{
	/* the environment acts only before the library's constructors run */
	for (size_t i = 0; i < b->spec.n_env; i++) {
		bb_verbose("  setenv %s=%s", b->spec.env[i].name, b->spec.env[i].value);
		setenv(b->spec.env[i].name, b->spec.env[i].value, 1);
	}
	if (b->entry && (b->entry->flags & BB_CAT_BUILTIN))
		return bb_builtin_load(b, err, errlen);
	const char *lapack = bb_backend_lapack_layer(&b->spec, b->entry);
	if (!b->entry) {
		int rc = lapack ? (open_file(b, NULL, b->spec.path, 1, 1, 0, err, errlen) ||
				   load_lapack_layer(b, lapack, err, errlen))
				: open_one(b, b->spec.path, 1, 0, err, errlen);
		if (rc)
			return -1;
		bb_mkl_preload_runtime(b);
		return 0;
	}

	int by_soname = (b->entry->flags & BB_CAT_BY_SONAME) != 0;
	for (size_t i = 0; i < 3 && b->entry->preload[i]; i++) {
		const char *f = b->entry->preload[i];
		/* a bare soname (libm.so.6) is for the dynamic linker to find */
		if (!strchr(f, '/') ? open_soname(b, f, err, errlen) : open_one(b, f, 0, 0, err, errlen))
			return -1;
	}
	if (!lapack) {
		for (size_t i = 0; i < 3 && b->entry->files[i]; i++)
			if (open_one(b, b->entry->files[i], 1, by_soname, err, errlen))
				return -1;
	} else {
		/* layered: the entry's BLAS alone (its own LAPACK, if any, is replaced), globally */
		if (open_file(b, b->entry, b->entry->files[0], 1, 1, by_soname, err, errlen) ||
		    load_lapack_layer(b, lapack, err, errlen))
			return -1;
	}
	bb_mkl_preload_runtime(b);
	return 0;
}
