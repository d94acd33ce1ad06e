/*
 * The inspect report: each BLAS, LAPACK and OpenMP library the process used, with the record
 * `list` gives (probed in a worker from the file, as `list` does) and what was read inside the
 * process (threads in effect, threading layer, kernel), the wheel it came from, and the stack
 * flags: two BLAS copies, two OpenMP runtimes, a pthreads BLAS beside an OpenMP runtime, more
 * threads in the pools than CPUs the process may use.  Built as one JSON document, which
 * --json prints and bb_inspect_print() renders as text.
 */
#include "harness/inspect/inspect.h"

#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "backends/elf.h"
#include "backends/spec.h"
#include "common/error.h"
#include "harness/worker/probe_client.h"

typedef struct lib {
	const bb_inspect_object *o;
	char *realpath;
	bb_inspect_kind kind;
	bb_json *record; /* BLAS/LAPACK: the probed record; NULL otherwise or on failure */
	char *why;
	int threads; /* in the process, 0 unknown */
	const char *layer;
	char *soname;
	char **needed;
	size_t n_needed;
	const char *front_for; /* the loaded BLAS whose interface this file is (Debian's
	                        * openblas-pthread/libblas.so.3 over libopenblas.so.0), NULL */
} lib;

static const char *parallel_name(const char *p)
{
	return !p                ? NULL
	       : !strcmp(p, "0") ? "serial"
	       : !strcmp(p, "1") ? "pthreads"
	       : !strcmp(p, "2") ? "openmp"
	                         : NULL;
}

static const char *omp_runtime_name(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	return !strncmp(base, "libgomp", 7)    ? "GCC libgomp"
	       : !strncmp(base, "libiomp5", 8) ? "Intel libiomp5"
	       : !strncmp(base, "libomp", 6)   ? "LLVM libomp"
	                                       : "OpenMP runtime";
}

static void probe_lib(lib *l)
{
	bb_backend_spec spec;
	char err[512];
	if (bb_spec_parse(l->realpath, &spec, err, sizeof(err))) {
		l->why = bb_xstrdup(err);
		return;
	}
	bb_strbuf why = BB_STRBUF_INIT;
	if (bb_probe_in_worker(&spec, 0, BB_PROBE_TIMEOUT_DEFAULT, &l->record, &why))
		l->why = bb_xstrdup(why.buf);
	bb_strbuf_release(&why);
	bb_spec_release(&spec);
}

static void lib_json(const lib *l, bb_json_writer *w)
{
	const bb_inspect_object *o = l->o;
	bb_jw_object_begin(w);
	bb_jw_kv_string(w, "file", o->path);
	bb_jw_kv_string(w, "realpath", l->realpath);
	bb_jw_kv_string(w, "kind", bb_inspect_kind_name(l->kind));
	char *wheel = bb_inspect_wheel_of(l->realpath);
	bb_jw_kv_string(w, "wheel", wheel);
	free(wheel);
	bb_jw_kv_bool(w, "loaded_at_exit", o->seen_in_process);
	bb_jw_kv_string(w, "front_for", l->front_for);
	bb_jw_kv_bool(w, "name_known_to_threadpoolctl", bb_inspect_name_known(l->realpath));
	if (l->kind == BB_INSPECT_OPENMP)
		bb_jw_kv_string(w, "runtime", omp_runtime_name(l->realpath));
	bb_jw_key(w, "in_process");
	bb_jw_object_begin(w);
	if (l->threads)
		bb_jw_kv_int(w, "threads", l->threads);
	else
		bb_jw_kv_string(w, "threads", NULL);
	bb_jw_kv_string(w, "threading", l->layer);
	bb_jw_kv_string(w, "kernel", bb_inspect_value_of(o, "kernel"));
	bb_jw_kv_string(w, "config", bb_inspect_value_of(o, "config"));
	bb_jw_object_end(w);
	if (l->kind == BB_INSPECT_BLAS || l->kind == BB_INSPECT_LAPACK) {
		bb_jw_key(w, "record");
		if (l->record)
			bb_jw_value(w, l->record);
		else
			bb_jw_null(w);
		if (l->why)
			bb_jw_kv_string(w, "error", l->why);
	}
	bb_jw_object_end(w);
}

static const char *rec_str(const lib *l, const char *a, const char *b)
{
	const bb_json *v = bb_json_get(l->record, a);
	return bb_json_str(b ? bb_json_get(v, b) : v, NULL);
}

static void flag(bb_json_writer *w, const char *name, const char *text)
{
	bb_jw_object_begin(w);
	bb_jw_kv_string(w, "flag", name);
	bb_jw_kv_string(w, "text", text);
	bb_jw_object_end(w);
}

/* The stack flags; each sentence states only what was read. */
static void flags_json(lib *libs, size_t n, int cpus, bb_json_writer *w)
{
	bb_jw_array_begin(w);
	bb_strbuf sb = BB_STRBUF_INIT;
	size_t n_blas = 0, n_omp = 0;
	int pool_total = 0, pools_known = 1;
	for (size_t i = 0; i < n; i++) {
		if (libs[i].kind == BB_INSPECT_BLAS && !libs[i].front_for) {
			bb_strbuf_addf(&sb, "%s%s", n_blas++ ? ", " : "", libs[i].realpath);
		}
		if ((libs[i].kind == BB_INSPECT_BLAS && !libs[i].front_for) ||
		    libs[i].kind == BB_INSPECT_OPENMP) {
			if (libs[i].threads)
				pool_total += libs[i].threads;
			else
				pools_known = 0;
		}
		n_omp += libs[i].kind == BB_INSPECT_OPENMP;
	}
	if (n_blas > 1) {
		char *t =
		    bb_xasprintf("%zu BLAS libraries in one process, each with its own symbols and "
		                 "thread pool: %s; work alternating between them keeps two pools "
		                 "(`blasbench diagnose -- CMD` measures it: dual-pool)",
		                 n_blas, sb.buf);
		flag(w, "two-blas", t);
		free(t);
	}
	bb_strbuf_reset(&sb);
	if (n_omp > 1) {
		for (size_t i = 0, k = 0; i < n; i++)
			if (libs[i].kind == BB_INSPECT_OPENMP)
				bb_strbuf_addf(&sb, "%s%s (%s)", k++ ? ", " : "", libs[i].realpath,
				               omp_runtime_name(libs[i].realpath));
		char *t = bb_xasprintf(
		    "%zu OpenMP runtimes in one process, each with its own thread pool: %s", n_omp,
		    sb.buf);
		flag(w, "two-openmp", t);
		free(t);
	}
	for (size_t i = 0; n_omp && i < n; i++) {
		if (libs[i].kind != BB_INSPECT_BLAS || libs[i].front_for || !libs[i].layer ||
		    strcmp(libs[i].layer, "pthreads"))
			continue;
		for (size_t k = 0; k < n; k++)
			if (libs[k].kind == BB_INSPECT_OPENMP) {
				char *t = bb_xasprintf(
				    "%s threads through its own pthreads pool while %s (%s) is "
				    "loaded: OpenMP regions and BLAS calls of this process "
				    "use two pools, which busy-wait for each other's CPUs if "
				    "they alternate (omp-handover, nested)",
				    libs[i].realpath, libs[k].realpath,
				    omp_runtime_name(libs[k].realpath));
				flag(w, "pthreads-and-openmp", t);
				free(t);
				break;
			}
	}
	int over_one = 0;
	for (size_t i = 0; cpus > 0 && i < n; i++)
		if (libs[i].threads > cpus) {
			char *t = bb_xasprintf(
			    "%s runs %d threads (its count in effect in the process) on "
			    "the %d CPU%s the process may use",
			    libs[i].realpath, libs[i].threads, cpus, cpus == 1 ? "" : "s");
			flag(w, "more-threads-than-cpus", t);
			free(t);
			over_one = 1;
		}
	if (cpus > 0 && !over_one && pools_known && pool_total > cpus) {
		char *t =
		    bb_xasprintf("the thread counts in effect in the process add up to %d (each "
		                 "library's count includes its calling thread) for the %d CPU%s it "
		                 "may use: two of these pools busy at once oversubscribe them",
		                 pool_total, cpus, cpus == 1 ? "" : "s");
		flag(w, "more-threads-than-cpus", t);
		free(t);
	}
	bb_strbuf_release(&sb);
	bb_jw_array_end(w);
}

int bb_inspect_report(const bb_inspect_result *r, char *const argv[], bb_json **doc, char *err,
                      size_t errlen)
{
	lib *libs = bb_xcalloc(r->n_objects ? r->n_objects : 1, sizeof(lib));
	size_t n = 0, n_other = 0;
	for (size_t i = 0; i < r->n_objects; i++) {
		char real[PATH_MAX];
		const char *rp = realpath(r->objects[i].path, real) ? real : r->objects[i].path;
		int dup = 0;
		for (size_t k = 0; k < n; k++)
			dup |= !strcmp(libs[k].realpath, rp);
		if (dup)
			continue;
		bb_inspect_kind kind = bb_inspect_classify(rp);
		if (kind == BB_INSPECT_OTHER) {
			n_other++;
			continue;
		}
		lib *l = &libs[n++];
		l->o = &r->objects[i];
		l->realpath = bb_xstrdup(rp);
		l->kind = kind;
		bb_elf e;
		char eerr[160];
		if (bb_elf_read(rp, &e, eerr, sizeof(eerr)) == 0) {
			l->soname = e.soname ? bb_xstrdup(e.soname) : NULL;
			l->needed = bb_xcalloc(e.n_needed + 1, sizeof(char *));
			for (size_t k = 0; k < e.n_needed; k++)
				l->needed[l->n_needed++] = bb_xstrdup(e.needed[k]);
		}
		bb_elf_release(&e);
		const char *t = bb_inspect_value_of(l->o, "threads");
		if (!t)
			t = bb_inspect_value_of(l->o, "omp_max_threads");
		l->threads = t ? atoi(t) : 0;
		l->layer = parallel_name(bb_inspect_value_of(l->o, "parallel"));
		if (kind != BB_INSPECT_OPENMP)
			probe_lib(l);
		if (!l->layer && l->record)
			l->layer = rec_str(l, "threads", "layer");
		if (kind == BB_INSPECT_OPENMP)
			l->layer = "openmp";
	}
	/* a BLAS that links another loaded BLAS is its interface, not a second copy */
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < n && !libs[i].front_for; k++)
			for (size_t m = 0; k != i && libs[k].kind == BB_INSPECT_BLAS &&
			                   libs[k].soname && m < libs[i].n_needed;
			     m++)
				if (!strcmp(libs[i].needed[m], libs[k].soname))
					libs[i].front_for = libs[k].realpath;
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 1);
	bb_jw_object_begin(&w);
	bb_jw_key(&w, "command");
	bb_jw_array_begin(&w);
	for (size_t i = 0; argv && argv[i]; i++)
		bb_jw_string(&w, argv[i]);
	bb_jw_array_end(&w);
	if (r->pid)
		bb_jw_kv_int(&w, "pid", r->pid);
	else {
		bb_jw_kv_int(&w, "exit_code", r->exit_code);
		bb_jw_kv_string(&w, "signal", r->signal ? sigabbrev_np(r->signal) : NULL);
		bb_jw_kv_double(&w, "wall_ms", r->wall_ms);
		bb_jw_kv_bool(&w, "probe_reported", r->probe_ran);
	}
	bb_jw_kv_int(&w, "cpus_allowed", r->cpus_allowed);
	bb_jw_kv_int(&w, "threads", r->threads_at_exit);
	bb_jw_key(&w, "libraries");
	bb_jw_array_begin(&w);
	for (size_t i = 0; i < n; i++)
		lib_json(&libs[i], &w);
	bb_jw_array_end(&w);
	bb_jw_kv_int(&w, "other_objects", (long long)n_other);
	bb_jw_key(&w, "flags");
	flags_json(libs, n, r->cpus_allowed, &w);
	bb_jw_key(&w, "cannot_tell");
	bb_jw_array_begin(&w);
	for (size_t i = 0; i < r->n_cannot_tell; i++)
		bb_jw_string(&w, r->cannot_tell[i]);
	if (!r->pid && !r->probe_ran && r->probe_exe && r->last_exe &&
	    strcmp(r->probe_exe, r->last_exe)) {
		char *t = bb_xasprintf(
		    "values inside the process: it replaced %s with %s (exec), and the "
		    "probe stays out of programs started that way; the libraries listed "
		    "were seen in /proc/PID/maps, read every 25 ms, while it ran",
		    r->probe_exe, r->last_exe);
		bb_jw_string(&w, t);
		free(t);
	} else if (!r->pid && !r->probe_ran)
		bb_jw_string(
		    &w, r->signal ? "values inside the process: it died before its exit, where the "
		                    "probe reads them; the libraries listed were loaded at its "
		                    "start or seen in /proc/PID/maps, read every 25 ms, while it "
		                    "ran (one loaded in its last 25 ms may be missing)"
		                  : "values inside the process: the probe did not report (a static "
		                    "or set-uid executable ignores LD_PRELOAD; _exit() skips the "
		                    "exit handlers); the libraries listed were loaded at its start "
		                    "or seen in /proc/PID/maps, read every 25 ms, while it ran");
	bb_jw_array_end(&w);
	bb_jw_object_end(&w);
	for (size_t i = 0; i < n; i++) {
		free(libs[i].realpath);
		free(libs[i].why);
		free(libs[i].soname);
		for (size_t k = 0; k < libs[i].n_needed; k++)
			free(libs[i].needed[k]);
		free(libs[i].needed);
		bb_json_free(libs[i].record);
	}
	free(libs);
	*doc = bb_json_parse(sb.buf, sb.len, err, errlen);
	bb_strbuf_release(&sb);
	return *doc ? 0 : -1;
}
