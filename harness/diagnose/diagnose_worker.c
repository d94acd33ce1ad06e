/*
 * The worker's `scenario JOBFILE` task: set the environment, load the application's OpenMP
 * runtime(s) and the backend (and, for dual-pool, a private copy of its library file), run one
 * threading scenario (workloads/scenario*.c) and report its raw times and resource use.
 * The job file is JSON written by the controller (harness/diagnose/diagnose_exec.c):
 *   {"scenario": "dual-pool", "spec": "openblas", "threads": 2, "inner_threads": 0,
 *    "omp": "gomp", "omp2": "llvm", "shared_copy": false, "n": 256, "block_s": 0.2,
 *    "rounds": 3, "settle_s": 0.25, "fork_timeout_s": 5, "unset": "OPENBLAS_CORETYPE"}
 * Lines written: {"type":"backend",...} once (the probed record), then {"type":"scenario",
 * "base": [...], "path": [...], "base_use": {...}, "path_use": {...}, "hung": 0, ...}, or
 * {"type":"error","message":...}.  kernel-selection jobs ("scenario": "kernel") only time a
 * large dgemm and report the kernel the library says it picked.
 */
#include "harness/diagnose/diagnose_worker.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/omp_runtime.h"
#include "common/error.h"
#include "common/json.h"
#include "common/owner.h"
#include "harness/worker/worker.h"
#include "harness/worker/worker_env.h"
#include "harness/worker/worker_run.h"
#include "workloads/scenario_internal.h"

static void emit_json(bb_strbuf *sb)
{
	bb_worker_emit(sb->buf, sb->len);
	bb_strbuf_reset(sb);
}

static void emit_error(const char *fmt, const char *arg)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), fmt, arg);
	bb_worker_emit_pair("error", "message", msg);
}

/* Load and probe b from spec; emit its record when `report`.  0, or -1 (error emitted). */
static int load_probed(bb_backend *b, const bb_backend_spec *spec, int threads, int report)
{
	char err[512];
	bb_backend_init(b, spec);
	/* the scenario's worker set the thread variables before loading (bb_worker_set_env):
	 * no pool probe, whose extra dgemm would start threads the scenario times */
	b->threads_from_env = 1;
	if (bb_backend_load(b, err, sizeof(err)) || bb_backend_probe_abi(b, err, sizeof(err))) {
		emit_error("%s", err);
		return -1;
	}
	bb_backend_probe_info(b, threads);
	bb_backend_probe_stack(b);
	bb_worker_env_record(b);
	if (report)
		bb_worker_emit_backend(b);
	return 0;
}

/* Copy the file that provides the backend's dgemm into a fresh directory, so that dlopen maps
 * a second, independent copy (a different inode: the loader does not take it for the first).
 * Returns the malloc'd path of the copy, or NULL with err set. */
static char *private_copy(const bb_backend *b, char *err, size_t errlen)
{
	Dl_info info;
	if (!dladdr(*(void **)&b->slots[BB_R_dgemm].fn, &info) || !info.dli_fname) {
		snprintf(err, errlen, "cannot tell which file provides dgemm");
		return NULL;
	}
	/* named after this worker: if it is killed (a hang) the next run removes the copy */
	char *dir = bb_xasprintf("%s/" BB_WORKER_COPY_PREFIX "%ld-%llu-XXXXXX", bb_worker_tmpdir(),
				 (long)getpid(), bb_proc_start_time(getpid()));
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "cannot create a directory for the copy: %s", strerror(errno));
		free(dir);
		return NULL;
	}
	const char *base = strrchr(info.dli_fname, '/');
	char *dst = bb_xasprintf("%s/%s", dir, base ? base + 1 : info.dli_fname);
	int in = open(info.dli_fname, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0755);
	int ok = in >= 0 && out >= 0;
	char buf[65536];
	ssize_t n;
	while (ok && (n = read(in, buf, sizeof(buf))) > 0)
		ok = write(out, buf, (size_t)n) == n;
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out))
		ok = 0;
	if (!ok) {
		snprintf(err, errlen, "cannot copy '%s' to '%s'", info.dli_fname, dst);
		unlink(dst);
		rmdir(dir);
		free(dir);
		free(dst);
		return NULL;
	}
	free(dir);
	return dst;
}

/* Remove the copy and its directory: once mapped, the file is no longer needed. */
static void remove_copy(char *path)
{
	if (!path)
		return;
	unlink(path);
	char *slash = strrchr(path, '/');
	if (slash) {
		*slash = '\0';
		rmdir(path);
	}
	free(path);
}

static void usage_json(bb_json_writer *w, const char *key, const bb_scn_usage *u)
{
	bb_jw_key(w, key);
	bb_jw_object_begin(w);
	bb_jw_kv_double(w, "wall_s", u->wall_s);
	bb_jw_kv_double(w, "cpu_s", u->cpu_s);
	bb_jw_kv_int(w, "vcsw", u->vcsw);
	bb_jw_kv_int(w, "ivcsw", u->ivcsw);
	bb_jw_kv_int(w, "ops", u->ops);
	bb_jw_object_end(w);
}

static void samples_json(bb_json_writer *w, const char *key, const double *x, size_t n)
{
	bb_jw_key(w, key);
	bb_jw_array_begin(w);
	for (size_t i = 0; i < n; i++)
		bb_jw_double(w, x[i]);
	bb_jw_array_end(w);
}

static void emit_result(const bb_scenario_result *r, const bb_backend *b,
			const bb_omp_runtime *omp, const bb_omp_runtime *omp2)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "type", "scenario");
	samples_json(&w, "base", r->base, r->n_base);
	samples_json(&w, "path", r->path, r->n_path);
	usage_json(&w, "base_use", &r->base_use);
	usage_json(&w, "path_use", &r->path_use);
	bb_jw_kv_int(&w, "hung", r->hung);
	bb_jw_kv_int(&w, "hung_children", r->hung_children);
	bb_jw_kv_bool(&w, "wrong", r->wrong);
	bb_jw_kv_string(&w, "note", r->note[0] ? r->note : NULL);
	bb_jw_kv_string(&w, "error", r->error[0] ? r->error : NULL);
	bb_jw_kv_int(&w, "threads_effective", b->threads_effective);
	bb_jw_kv_string(&w, "kernel", b->kernel);
	bb_jw_kv_string(&w, "omp_realpath", omp && omp->handle ? omp->realpath : NULL);
	bb_jw_kv_bool(&w, "omp_shared", omp && omp->handle ? omp->was_loaded : 0);
	bb_jw_kv_string(&w, "omp2_realpath", omp2 && omp2->handle ? omp2->realpath : NULL);
	/* what a standalone reproducer needs: the file and symbol that served dgemm */
	Dl_info info;
	const bb_slot *dgemm = &b->slots[BB_R_dgemm];
	char *file = NULL;
	if (dgemm->supported && dladdr(*(void **)&dgemm->fn, &info) && info.dli_fname)
		file = realpath(info.dli_fname, NULL);
	bb_jw_kv_string(&w, "dgemm_file", file);
	bb_jw_kv_string(&w, "dgemm_symbol", dgemm->supported ? dgemm->symbol : NULL);
	free(file);
	bb_jw_object_end(&w);
	emit_json(&sb);
	bb_strbuf_release(&sb);
}

/* kernel-selection, worker side: time a large dgemm (or sgemm) with whatever kernel the
 * library chose. */
static void run_kernel_probe(const bb_scenario_ctx *ctx, char prec, bb_scenario_result *r)
{
	bb_scn_gemm g;
	bb_scn_samples path = {0}, none = {0};
	if (bb_scn_gemm_init_prec(&g, ctx->b, prec, ctx->n, 1, r->error, sizeof(r->error)))
		return;
	bb_scn_gemm_call(&g);
	bb_scn_block(ctx, bb_scn_gemm_call, &g, &path, &r->path_use);
	if (!bb_scn_gemms_check(&g, 1, r))
		bb_scn_result_set(r, &none, &path);
	free(path.x);
	bb_scn_gemm_release(&g);
}

int bb_worker_task_scenario(const char *jobfile)
{
	char err[512];
	bb_json *job = bb_worker_read_job(jobfile, err, sizeof(err));
	if (!job) {
		emit_error("%s", err);
		return 1;
	}
	const char *name = bb_json_str(bb_json_get(job, "scenario"), "");
	const bb_scenario *s = strcmp(name, "kernel") ? bb_scenario_find(name) : NULL;
	bb_backend_spec spec;
	bb_backend b, b2;
	bb_omp_runtime omp = {0}, omp2 = {0};
	char *copy = NULL;
	int have_b = 0, have_b2 = 0, rc = 1;
	if (!s && strcmp(name, "kernel")) {
		emit_error("unknown scenario '%s'", name);
		goto done;
	}
	if (bb_spec_parse(bb_json_str(bb_json_get(job, "spec"), ""), &spec, err, sizeof(err))) {
		emit_error("%s", err);
		goto done;
	}
	bb_scenario_ctx ctx = {
	    .threads = (int)bb_json_int(bb_json_get(job, "threads"), 1),
	    .inner_threads = (int)bb_json_int(bb_json_get(job, "inner_threads"), 0),
	    .n = (long)bb_json_int(bb_json_get(job, "n"), 256),
	    .block_s = bb_json_num(bb_json_get(job, "block_s"), 0.2),
	    .rounds = (int)bb_json_int(bb_json_get(job, "rounds"), 3),
	    .settle_s = bb_json_num(bb_json_get(job, "settle_s"), 0.25),
	    .fork_timeout_s = bb_json_num(bb_json_get(job, "fork_timeout_s"), 5),
	};
	/* the environment first: the spec's overrides and thread counts act only before load.
	 * inner_threads outside `nested` (which sets it inside its region) is the BLAS's own
	 * thread count for the whole worker: the "BLAS on one thread" mitigation. */
	int blas_threads = ctx.threads;
	if (s && s->run != bb_scn_nested && ctx.inner_threads > 0)
		blas_threads = ctx.inner_threads;
	/* `env -u`: a variable inherited from the controller, removed so the library is measured
	 * without it (kernel-selection under an inherited override) */
	const char *unset = bb_json_str(bb_json_get(job, "unset"), NULL);
	if (unset) {
		char *vars = bb_xstrdup(unset), *save = NULL;
		for (char *v = strtok_r(vars, ",", &save); v; v = strtok_r(NULL, ",", &save))
			unsetenv(v);
		free(vars);
	}
	bb_worker_set_env(&spec, blas_threads);
	const char *omp_name = bb_json_str(bb_json_get(job, "omp"), "none");
	const char *omp2_name = bb_json_str(bb_json_get(job, "omp2"), "none");
	/* the backend before the application's runtime: what MKL sees when it is imported first
	 * (it takes the GNU threading layer by itself when libgomp is already loaded) */
	int backend_first = (int)bb_json_bool(bb_json_get(job, "backend_first"), 0);
	if (backend_first) {
		have_b = 1;
		if (load_probed(&b, &spec, blas_threads, 1))
			goto release_b;
	}
	if (s && (s->needs & BB_SCN_OMP) && bb_omp_load(&omp, omp_name, err, sizeof(err))) {
		emit_error("%s", err);
		goto release_b;
	}
	if (s && (s->needs & BB_SCN_OMP2) && bb_omp_load(&omp2, omp2_name, err, sizeof(err))) {
		emit_error("%s", err);
		goto release_b;
	}
	if (!backend_first) {
		have_b = 1;
		if (load_probed(&b, &spec, blas_threads, 1))
			goto release_b;
	}
	ctx.b = &b;
	ctx.omp = omp.handle ? &omp : NULL;
	ctx.omp2 = omp2.handle ? &omp2 : NULL;
	if (s && (s->needs & BB_SCN_COPY)) {
		if (bb_json_bool(bb_json_get(job, "shared_copy"), 0)) {
			ctx.b2 = &b;
		} else {
			bb_backend_spec cspec;
			/* spec2: the other copy a process really loaded (diagnose -- CMD) */
			const char *spec2 = bb_json_str(bb_json_get(job, "spec2"), NULL);
			if (spec2 ? bb_spec_parse(spec2, &cspec, err, sizeof(err))
				  : (!(copy = private_copy(&b, err, sizeof(err))) ||
				     bb_spec_parse(copy, &cspec, err, sizeof(err)))) {
				emit_error("%s", err);
				goto release_b;
			}
			have_b2 = 1;
			int bad = load_probed(&b2, &cspec, blas_threads, 0);
			bb_spec_release(&cspec);
			if (bad)
				goto release_b;
			ctx.b2 = &b2;
		}
	}
	bb_scenario_result r;
	if (s) {
		bb_scenario_run(s, &ctx, &r);
	} else {
		memset(&r, 0, sizeof(r));
		run_kernel_probe(&ctx, *bb_json_str(bb_json_get(job, "precision"), "d"), &r);
	}
	emit_result(&r, &b, ctx.omp, ctx.omp2);
	bb_scenario_result_release(&r);
	rc = 0;
release_b:
	remove_copy(copy);
	if (have_b2)
		bb_backend_release(&b2);
	if (have_b)
		bb_backend_release(&b);
	bb_omp_release(&omp);
	bb_omp_release(&omp2);
	bb_spec_release(&spec);
done:
	bb_json_free(job);
	return rc;
}
