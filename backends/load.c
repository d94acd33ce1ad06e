/*
 * Loading a backend: applying its environment, finding and checking its files, dlopen'ing them
 * (preloaded dependencies with global visibility, the backend's own files RTLD_LOCAL), and the
 * symbol lookups the probes and the function table use.  Runs in a worker process only.
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
	bb_spec_release(&b->spec);
	memset(b, 0, sizeof(*b));
}

void *bb_backend_sym_exact(const bb_backend *b, const char *name)
{
	/* own files first, in order; preloaded dependencies after */
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

static int open_one(bb_backend *b, const char *file, int own, int by_soname, char *err,
		    size_t errlen)
{
	char *path = b->entry ? bb_catalog_locate(b->entry, file) : bb_xstrdup(file);
	if (!path) {
		snprintf(err, errlen, "'%s' not found (%s)", file,
			 b->entry ? bb_catalog_source(b->entry) : "?");
		return -1;
	}
	if (!by_soname && check_file(path, err, errlen)) {
		if (!b->entry) /* the spec is the path: say only why */
			snprintf(err, errlen, "%s", strchr(err, ':') ? strchr(err, ':') + 2 : err);
		free(path);
		return -1;
	}
	bb_verbose("  loading %s (%s)", path, own ? "RTLD_LOCAL" : "RTLD_GLOBAL: undeclared dependency");
	dlerror();
	void *h = dlopen(path, RTLD_NOW | (own ? RTLD_LOCAL : RTLD_GLOBAL));
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

int bb_backend_load(bb_backend *b, char *err, size_t errlen)
{
	/* the environment acts only before the library's constructors run */
	for (size_t i = 0; i < b->spec.n_env; i++) {
		bb_verbose("  setenv %s=%s", b->spec.env[i].name, b->spec.env[i].value);
		setenv(b->spec.env[i].name, b->spec.env[i].value, 1);
	}
	if (b->entry && (b->entry->flags & BB_CAT_BUILTIN))
		return bb_builtin_load(b, err, errlen);
	if (!b->entry) {
		if (open_one(b, b->spec.path, 1, 0, err, errlen))
			return -1;
		bb_mkl_preload_runtime(b);
		return 0;
	}

	int by_soname = (b->entry->flags & BB_CAT_BY_SONAME) != 0;
	for (size_t i = 0; i < 3 && b->entry->preload[i]; i++) {
		const char *f = b->entry->preload[i];
		/* a bare soname (libm.so.6) is for the dynamic linker to find */
		int soname = !strchr(f, '/');
		char *path = soname ? bb_xstrdup(f) : NULL;
		if (soname) {
			dlerror();
			void *h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
			if (!h) {
				snprintf(err, errlen, "cannot load '%s': %s", path, dlerror());
				free(path);
				return -1;
			}
			b->files[b->n_files] = path;
			b->handles[b->n_files] = h;
			b->own[b->n_files++] = 0;
		} else if (open_one(b, f, 0, 0, err, errlen)) {
			return -1;
		}
	}
	for (size_t i = 0; i < 3 && b->entry->files[i]; i++)
		if (open_one(b, b->entry->files[i], 1, by_soname, err, errlen))
			return -1;
	bb_mkl_preload_runtime(b);
	return 0;
}
