/*
 * Configuration probes: which library family this is (by the entry points it exports, not its
 * file name), its version, build configuration and selected kernel, its threading layer, and
 * its thread count before and after blasbench sets one through the library's own API.
 * One record per family in `families`; the first whose marker symbol resolves wins.
 */
#include "backends/backend.h"

#include <ctype.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/builtin.h"
#include "backends/elf.h"
#include "backends/probe_mkl.h"
#include "common/error.h"
#include "common/number.h"

typedef struct family {
	const char *name;
	const char *marker; /* exported symbol that identifies the family */
	void (*info)(bb_backend *b);
	int (*get_threads)(bb_backend *b);
	void (*set_threads)(bb_backend *b, int n);
	const char *thread_api;
} family;

/* ---- OpenBLAS ---------------------------------------------------------------------------- */

static void openblas_info(bb_backend *b)
{
	const char *(*config)(void) = (const char *(*)(void))bb_backend_sym_vendor(b, "openblas_get_config");
	const char *(*core)(void) = (const char *(*)(void))bb_backend_sym_vendor(b, "openblas_get_corename");
	int (*parallel)(void) = (int (*)(void))bb_backend_sym_vendor(b, "openblas_get_parallel");
	if (config) {
		const char *c = config();
		b->config = bb_xstrdup(c);
		char ver[32];
		if (c && sscanf(c, "OpenBLAS %31s", ver) == 1)
			b->version = bb_xstrdup(ver);
	}
	if (core)
		b->kernel = bb_xstrdup(core());
	if (parallel) {
		int p = parallel();
		b->threading = bb_xstrdup(p == 0 ? "serial" : p == 1 ? "pthreads" : p == 2 ? "openmp" : "unknown");
	}
}

static int openblas_get(bb_backend *b)
{
	int (*get)(void) = (int (*)(void))bb_backend_sym_vendor(b, "openblas_get_num_threads");
	return get ? get() : 0;
}

static void openblas_set(bb_backend *b, int n)
{
	void (*set)(int) = (void (*)(int))bb_backend_sym_vendor(b, "openblas_set_num_threads");
	if (set)
		set(n);
}

/* ---- BLIS -------------------------------------------------------------------------------- */

static void blis_info(bb_backend *b)
{
	const char *(*ver)(void) = (const char *(*)(void))bb_backend_sym_exact(b, "bli_info_get_version_str");
	int (*arch_id)(void) = (int (*)(void))bb_backend_sym_exact(b, "bli_arch_query_id");
	const char *(*arch_str)(int) = (const char *(*)(int))bb_backend_sym_exact(b, "bli_arch_string");
	int64_t (*int_size)(void) = (int64_t(*)(void))bb_backend_sym_exact(b, "bli_info_get_int_type_size");
	int64_t (*blas_int)(void) = (int64_t(*)(void))bb_backend_sym_exact(b, "bli_info_get_blas_int_type_size");
	int64_t (*omp)(void) = (int64_t(*)(void))bb_backend_sym_exact(b, "bli_info_get_enable_openmp");
	int64_t (*pth)(void) = (int64_t(*)(void))bb_backend_sym_exact(b, "bli_info_get_enable_pthreads");
	if (ver)
		b->version = bb_xstrdup(ver());
	if (arch_id && arch_str) {
		int id = arch_id();
		const char *s = arch_str(id);
		b->kernel = bb_xstrdup(s ? s : "?");
		bb_verbose("  -> BLIS selected configuration %d (%s)", id, b->kernel);
		/* BLIS 0.9 reads BLIS_ARCH_TYPE as a number: a name silently becomes 0 */
		const char *want = getenv("BLIS_ARCH_TYPE");
		if (want && *want && !isdigit((unsigned char)*want) && strcmp(want, b->kernel) != 0)
			bb_backend_note(b, "BLIS_ARCH_TYPE=%s selected configuration %d (%s): this BLIS "
					   "reads the variable as a number", want, id, b->kernel);
	}
	if (omp && pth) {
		int o = (int)omp(), p = (int)pth();
		b->threading = bb_xstrdup(o ? "openmp" : p ? "pthreads" : "serial");
	}
	if (int_size && blas_int)
		b->config = bb_xasprintf("int %lld-bit, BLAS int %lld-bit%s%s", (long long)int_size(),
					 (long long)blas_int(), getenv("BLIS_ARCH_TYPE") ? ", BLIS_ARCH_TYPE=" : "",
					 getenv("BLIS_ARCH_TYPE") ? getenv("BLIS_ARCH_TYPE") : "");
}

static int blis_get(bb_backend *b)
{
	int64_t (*get)(void) = (int64_t(*)(void))bb_backend_sym_exact(b, "bli_thread_get_num_threads");
	return get ? (int)get() : 0;
}

static void blis_set(bb_backend *b, int n)
{
	void (*set)(int64_t) = (void (*)(int64_t))bb_backend_sym_exact(b, "bli_thread_set_num_threads");
	if (set)
		set(n);
}

/* ---- ATLAS ------------------------------------------------------------------------------- */

/* ATL_buildinfo() prints its build record on stdout: capture it through a temporary file. */
static char *capture_stdout(void (*fn)(void))
{
	char path[] = "/tmp/blasbench-atlas-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	unlink(path);
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	fn();
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	off_t len = lseek(fd, 0, SEEK_END);
	char *text = NULL;
	if (len > 0 && len < (1 << 20)) {
		text = bb_xmalloc((size_t)len + 1);
		ssize_t got = pread(fd, text, (size_t)len, 0);
		text[got > 0 ? got : 0] = 0;
	}
	close(fd);
	return text;
}

/* ATL_buildinfo()'s record: version, architecture (the kernel) and ARCHDEFS (the config).
 * What cannot be read is said in a note and in config ("unknown: why"), not left empty. */
static void atlas_info(bb_backend *b)
{
	void (*buildinfo)(void) = (void (*)(void))bb_backend_sym_exact(b, "ATL_buildinfo");
	char *text = buildinfo ? capture_stdout(buildinfo) : NULL;
	const char *why = !buildinfo ? "ATL_buildinfo is not among the library's own symbols"
	                  : !text    ? "ATL_buildinfo printed nothing that could be captured"
	                             : NULL;
	if (text) {
		char ver[32];
		const char *v = strstr(text, "ATLAS version ");
		if (v && sscanf(v + 14, "%31s", ver) == 1)
			b->version = bb_xstrdup(ver);
		const char *arch = strstr(text, "-DATL_ARCH_");
		if (arch) {
			arch += 11;
			size_t n = strcspn(arch, " \n");
			b->kernel = bb_xasprintf("%.*s", (int)n, arch);
		}
		const char *defs = strstr(text, "ARCHDEFS");
		const char *colon = defs ? strchr(defs, ':') : NULL;
		if (colon) {
			colon++;
			while (*colon == ' ')
				colon++;
			b->config = bb_xasprintf("%.*s", (int)strcspn(colon, "\n"), colon);
		} else {
			why = "ATL_buildinfo's record has no ARCHDEFS line";
		}
		free(text);
	}
	if (!b->config) {
		b->config = bb_xasprintf("unknown: %s", why);
		bb_backend_note(b, "ATLAS build configuration unknown: %s", why);
	}
	if (!b->kernel)
		bb_backend_note(b, "ATLAS architecture unknown: %s",
		                why ? why : "ATL_buildinfo's record has no -DATL_ARCH_ flag");
}

/* ---- libflame ---------------------------------------------------------------------------- */

static void flame_info(bb_backend *b)
{
	(void)b; /* libflame exports no version query; LAPACK's ilaver below still applies */
}

/* clang-format off */
static const family families[] = {
	{"openblas", "openblas_get_config", openblas_info, openblas_get, openblas_set, "openblas_set_num_threads"},
	{"blis", "bli_info_get_version_str", blis_info, blis_get, blis_set, "bli_thread_set_num_threads"},
	{"mkl", "mkl_get_version_string", bb_mkl_info, bb_mkl_get_threads, bb_mkl_set_threads, "mkl_set_num_threads"},
	{"libflame", "FLA_Init", flame_info, NULL, NULL, NULL},
	{"atlas", "ATL_buildinfo", atlas_info, NULL, NULL, NULL},
};
/* clang-format on */
#define N_FAMILIES (sizeof(families) / sizeof(families[0]))

/* The family whose marker one of the backend's own files (or their dependencies) exports;
 * a BLIS preloaded under libflame does not make the flame backend BLIS. */
static const family *detect_family(bb_backend *b)
{
	for (size_t f = 0; f < N_FAMILIES; f++)
		for (size_t i = 0; i < b->n_files; i++)
			if (b->own[i] && bb_backend_sym_vendor_in(b, i, families[f].marker))
				return &families[f];
	return NULL;
}

/* LAPACK's own version query, called with the probed integer width. */
static void lapack_version(bb_backend *b)
{
	if (!b->slots[BB_R_ilaver].supported || !b->int_bits)
		return;
	int64_t v[3] = {0, 0, 0};
	if (b->int_bits == 64) {
		((void (*)(int64_t *, int64_t *, int64_t *))b->slots[BB_R_ilaver].fn)(&v[0], &v[1], &v[2]);
	} else {
		int32_t w[3] = {0, 0, 0};
		((void (*)(int32_t *, int32_t *, int32_t *))b->slots[BB_R_ilaver].fn)(&w[0], &w[1], &w[2]);
		for (int i = 0; i < 3; i++)
			v[i] = w[i];
	}
	b->lapack_version = bb_xasprintf("%lld.%lld.%lld", (long long)v[0], (long long)v[1], (long long)v[2]);
}

/* Threading layer from what the backend's own files import, for libraries with no query:
 * OpenMP entry points, pthread_create, or neither. */
static const char *threading_from_imports(const bb_backend *b)
{
	static const char *const omp_syms[] = {"GOMP_parallel", "GOMP_parallel_start", "__kmpc_fork_call",
					      "omp_get_num_threads", "omp_get_max_threads"};
	int omp = 0, pth = 0, read_any = 0;
	for (size_t i = 0; i < b->n_files; i++) {
		if (!b->own[i])
			continue;
		bb_elf e;
		char err[128];
		if (bb_elf_read(b->files[i], &e, err, sizeof(err)) == 0) {
			read_any = 1;
			for (size_t k = 0; k < sizeof(omp_syms) / sizeof(omp_syms[0]); k++)
				omp |= bb_elf_imports(&e, omp_syms[k]);
			pth |= bb_elf_imports(&e, "pthread_create");
		}
		bb_elf_release(&e);
	}
	if (!read_any)
		return NULL;
	return omp ? "openmp" : pth ? "pthreads" : "serial";
}

static int omp_get(bb_backend *b)
{
	int (*get)(void) = (int (*)(void))bb_backend_sym_exact(b, "omp_get_max_threads");
	return get ? get() : 0;
}

static void omp_set(bb_backend *b, int n)
{
	void (*set)(int) = (void (*)(int))bb_backend_sym_exact(b, "omp_set_num_threads");
	if (set)
		set(n);
}

static const family *thread_family(bb_backend *b)
{
	static const family omp = {"openmp", "omp_set_num_threads", NULL, omp_get, omp_set,
				   "omp_set_num_threads"};
	const family *f = detect_family(b);
	if (f && f->set_threads)
		return f;
	if (b->threading && !strcmp(b->threading, "openmp") && bb_backend_sym_exact(b, "omp_set_num_threads"))
		return &omp;
	return NULL;
}

int bb_backend_get_threads(bb_backend *b)
{
	if (b->entry && (b->entry->flags & BB_CAT_BUILTIN))
		return bb_builtin_get_threads(b);
	const family *f = thread_family(b);
	return f ? f->get_threads(b) : 0;
}

int bb_backend_set_threads(bb_backend *b, int n)
{
	if (b->entry && (b->entry->flags & BB_CAT_BUILTIN))
		return bb_builtin_set_threads(b, n);
	const family *f = thread_family(b);
	if (!f)
		return 0;
	f->set_threads(b, n);
	return f->get_threads(b);
}

void bb_backend_probe_info(bb_backend *b, int want_threads)
{
	if (b->entry && (b->entry->flags & BB_CAT_BUILTIN)) {
		bb_builtin_info(b, want_threads);
		return;
	}
	bb_backend_stage("version and configuration");
	const family *f = detect_family(b);
	if (f) {
		b->family = bb_xstrdup(f->name);
		bb_verbose("  -> family %s (exports %s)", f->name, f->marker);
		f->info(b);
	} else {
		bb_backend_note(b, "library family unknown: exports none of the vendor entry points");
	}
	lapack_version(b);
	if (!b->version && !b->family && b->lapack_version)
		bb_verbose("  -> only LAPACK's ilaver gives a version");
	if (!b->threading) {
		const char *t = threading_from_imports(b);
		if (t) {
			b->threading = bb_xstrdup(t);
			bb_verbose("  -> threading %s (from the library's imported symbols)", t);
		}
	}

	bb_backend_stage("thread control");
	const family *tf = thread_family(b);
	if (!tf) {
		if (b->threading && !strcmp(b->threading, "serial")) {
			b->threads_default = b->threads_effective = 1;
			bb_backend_probe_pool(b);
		} else {
			bb_backend_note(b, "no thread-count API found: thread count unknown");
			bb_backend_probe_pool(b);
		}
		b->threads_requested = want_threads;
		return;
	}
	b->thread_api = bb_xstrdup(tf->thread_api);
	b->threads_default = tf->get_threads(b);
	bb_backend_probe_pool(b); /* before a count is set: the library's default pool */
	b->threads_requested = want_threads;
	if (want_threads > 0) {
		tf->set_threads(b, want_threads);
		b->threads_effective = tf->get_threads(b);
		if (b->threading && !strcmp(b->threading, "serial") && b->threads_effective > 1) {
			/* BLIS built without threading accepts and reports any count */
			bb_backend_note(b, "%s reports %d threads, but the library is built without "
					   "threading: effective 1", tf->thread_api, b->threads_effective);
			b->threads_effective = 1;
		}
		if (b->threads_effective != want_threads)
			bb_backend_note(b, "asked for %d thread%s through %s, the library reports %d",
					want_threads, bb_plural(want_threads), tf->thread_api,
					b->threads_effective);
	} else {
		b->threads_effective = b->threads_default;
	}
}
