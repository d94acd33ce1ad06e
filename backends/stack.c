/*
 * The stack graph of a loaded backend: every shared object its files pulled in (followed
 * through DT_NEEDED among the objects actually loaded), which OpenMP and Fortran runtimes are
 * in it, which BLAS the LAPACK library's dgemm reference was bound to (read from the bound
 * GOT/PLT slot, so it is what the dynamic linker did, not what the file names suggest), and
 * the identity (real path, size, SHA-256) of each object.
 */
#include "backends/backend.h"

#include <dlfcn.h>
#include <libgen.h>
#include <link.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/elf.h"
#include "backends/probe_mkl.h"
#include "common/error.h"
#include "common/sha256.h"

typedef struct loaded {
	const char *name; /* link-map name */
	uintptr_t base;
	bb_elf elf;
	int elf_ok;
	int in_stack;
} loaded;

static struct link_map *link_map_head(void *handle)
{
	struct link_map *lm = NULL;
	if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) != 0 || !lm)
		return NULL;
	while (lm->l_prev)
		lm = lm->l_prev;
	return lm;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* The loaded object a DT_NEEDED name refers to: matching soname, else matching file name. */
static loaded *find_needed(loaded *objs, size_t n, const char *needed)
{
	for (size_t i = 0; i < n; i++)
		if (objs[i].elf_ok && objs[i].elf.soname && !strcmp(objs[i].elf.soname, needed))
			return &objs[i];
	for (size_t i = 0; i < n; i++)
		if (!strcmp(base_name(objs[i].name), needed))
			return &objs[i];
	return NULL;
}

static loaded *find_path(loaded *objs, size_t n, const char *path)
{
	char want[PATH_MAX], have[PATH_MAX];
	if (!realpath(path, want))
		snprintf(want, sizeof(want), "%s", path);
	for (size_t i = 0; i < n; i++) {
		if (!realpath(objs[i].name, have))
			snprintf(have, sizeof(have), "%s", objs[i].name);
		if (!strcmp(want, have))
			return &objs[i];
	}
	return NULL;
}

static int matches(const char *soname, const char *const *prefixes)
{
	for (size_t i = 0; prefixes[i]; i++)
		if (!strncmp(soname, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

static const char *const omp_runtimes[] = {"libgomp.so", "libomp.so", "libiomp5.so", "libiomp5md", NULL};
static const char *const fortran_runtimes[] = {"libgfortran.so", "libflang", "libifcore", "libpgf90", NULL};

static char *file_of_address(const void *addr)
{
	Dl_info info;
	if (!addr || !dladdr(addr, &info) || !info.dli_fname)
		return NULL;
	char real[PATH_MAX];
	return bb_xstrdup(realpath(info.dli_fname, real) ? real : info.dli_fname);
}

/* Which file the LAPACK library's reference to dgemm was bound to. */
static void probe_lapack_blas(bb_backend *b, loaded *objs, size_t n)
{
	if (b->lapack != BB_YES)
		return;
	char getrf[64], gemm[64];
	snprintf(getrf, sizeof(getrf), "%sdgetrf%s", b->prefix, b->suffix);
	snprintf(gemm, sizeof(gemm), "%sdgemm%s", b->prefix, b->suffix);
	/* the loaded object that defines dgetrf is "the LAPACK" */
	char *lapack_file = file_of_address(b->slots[BB_R_dgetrf].supported
						    ? (const void *)b->slots[BB_R_dgetrf].fn
						    : bb_backend_sym_exact(b, getrf));
	loaded *lapack = lapack_file ? find_path(objs, n, lapack_file) : NULL;
	free(lapack_file);
	if (!lapack || !lapack->elf_ok)
		return;
	uint64_t off = bb_elf_slot_offset(&lapack->elf, gemm);
	if (off) {
		void *bound = *(void *const *)(lapack->base + off);
		b->lapack_blas = file_of_address(bound);
		bb_verbose("  -> LAPACK's %s is bound to %s", gemm, b->lapack_blas ? b->lapack_blas : "?");
	} else if (bb_elf_defines(&lapack->elf, gemm)) {
		/* no relocation: the call is internal to the same object (one library) */
		char real[PATH_MAX];
		b->lapack_blas = bb_xstrdup(realpath(lapack->name, real) ? real : lapack->name);
	} else {
		bb_backend_note(b, "cannot tell which BLAS LAPACK uses: no %s reference in %s", gemm,
				lapack->name);
	}
}

void bb_backend_probe_stack(bb_backend *b)
{
	if (!b->n_files)
		return; /* built-in: nothing loaded */
	bb_backend_stage("stack graph");
	struct link_map *lm = link_map_head(b->handles[b->n_files - 1]);
	size_t n = 0;
	for (struct link_map *p = lm; p; p = p->l_next)
		n++;
	loaded *objs = bb_xcalloc(n, sizeof(loaded));
	n = 0;
	for (struct link_map *p = lm; p; p = p->l_next) {
		if (!p->l_name || !p->l_name[0])
			continue; /* the executable itself and the vDSO */
		objs[n].name = p->l_name;
		objs[n].base = (uintptr_t)p->l_addr;
		char err[128];
		objs[n].elf_ok = bb_elf_read(p->l_name, &objs[n].elf, err, sizeof(err)) == 0;
		n++;
	}

	/* breadth-first from the backend's files (and preloads) through DT_NEEDED */
	loaded **queue = bb_xcalloc(n + 1, sizeof(loaded *));
	size_t head = 0, tail = 0;
	for (size_t i = 0; i < b->n_files; i++) {
		struct link_map *own = NULL;
		if (dlinfo(b->handles[i], RTLD_DI_LINKMAP, &own) != 0 || !own)
			continue;
		loaded *o = find_path(objs, n, own->l_name);
		if (o && !o->in_stack) {
			o->in_stack = b->own[i] ? 2 : 1;
			queue[tail++] = o;
		}
	}
	/* what MKL's dispatcher loaded by itself: no DT_NEEDED entry names it */
	for (size_t i = 0; b->family && !strcmp(b->family, "mkl") && i < n; i++)
		if (!objs[i].in_stack && bb_mkl_runtime_object(b, objs[i].name)) {
			objs[i].in_stack = 1;
			queue[tail++] = &objs[i];
		}
	while (head < tail) {
		loaded *o = queue[head++];
		if (!o->elf_ok)
			continue;
		for (size_t k = 0; k < o->elf.n_needed; k++) {
			loaded *d = find_needed(objs, n, o->elf.needed[k]);
			if (d && !d->in_stack) {
				d->in_stack = 1;
				queue[tail++] = d;
			}
		}
	}

	bb_backend_stage("file identity");
	b->objects = bb_xcalloc(tail, sizeof(bb_object));
	for (size_t i = 0; i < tail; i++) {
		loaded *o = queue[i];
		bb_object *ob = &b->objects[b->n_objects++];
		char real[PATH_MAX];
		ob->path = bb_xstrdup(o->name);
		ob->realpath = bb_xstrdup(realpath(o->name, real) ? real : o->name);
		ob->own = o->in_stack == 2;
		if (o->elf_ok) {
			ob->soname = bb_xstrdup(o->elf.soname);
			ob->n_needed = o->elf.n_needed;
			ob->needed = bb_xcalloc(o->elf.n_needed, sizeof(char *));
			for (size_t k = 0; k < o->elf.n_needed; k++)
				ob->needed[k] = bb_xstrdup(o->elf.needed[k]);
		}
		if (bb_sha256_file(ob->realpath, ob->sha256, &ob->size) != 0)
			ob->sha256[0] = 0;
		const char *so = ob->soname ? ob->soname : base_name(ob->path);
		if (!b->omp_runtime && matches(so, omp_runtimes))
			b->omp_runtime = bb_xstrdup(so);
		if (!b->fortran_runtime && matches(so, fortran_runtimes))
			b->fortran_runtime = bb_xstrdup(so);
	}
	probe_lapack_blas(b, objs, n);

	for (size_t i = 0; i < n; i++)
		bb_elf_release(&objs[i].elf);
	free(objs);
	free(queue);
}
