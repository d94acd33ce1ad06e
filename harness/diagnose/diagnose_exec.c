/*
 * One diagnose job through a worker, and its record (see diagnose_exec.h).
 */
#include "harness/diagnose/diagnose_exec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/stats.h"
#include "harness/worker/worker.h"

#define BOOTSTRAP_RESAMPLES 2000
#define BOOTSTRAP_SEED 0x5eedULL

/* ---- the worker's lines ------------------------------------------------------------------ */

typedef struct exec_ctx {
	bb_diag_outcome *o;
	char *worker_error; /* an {"type":"error"} line */
} exec_ctx;

static int on_line(const char *line, size_t len, void *arg)
{
	exec_ctx *c = arg;
	char err[128];
	bb_json *msg = bb_json_parse(line, len, err, sizeof(err));
	if (!msg)
		return 0;
	const char *type = bb_json_str(bb_json_get(msg, "type"), "");
	if (!strcmp(type, "backend")) {
		bb_json_free(c->o->backend);
		c->o->backend = bb_json_take(msg, "backend");
	} else if (!strcmp(type, "scenario")) {
		bb_json_free(c->o->result);
		c->o->result = msg;
		msg = NULL;
	} else if (!strcmp(type, "error")) {
		free(c->worker_error);
		c->worker_error = bb_xstrdup(bb_json_str(bb_json_get(msg, "message"), "unknown error"));
	}
	bb_json_free(msg);
	return 0;
}

static char *write_job(const bb_diag_job *j)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_diag_job_json(j, &sb);
	char *path = bb_worker_job_write(sb.buf, sb.len);
	bb_strbuf_release(&sb);
	return path;
}

/* ---- turning the result into figures ----------------------------------------------------- */

static double *samples_of(const bb_json *arr, size_t *n)
{
	*n = bb_json_len(arr);
	double *x = bb_xcalloc(*n ? *n : 1, sizeof(double));
	for (size_t i = 0; i < *n; i++)
		x[i] = bb_json_num(bb_json_at(arr, i), NAN);
	return x;
}

static bb_diag_use use_of(const bb_json *u)
{
	bb_diag_use r = {NAN, NAN, NAN, 0};
	double wall = bb_json_num(bb_json_get(u, "wall_s"), 0);
	r.ops = (long)bb_json_int(bb_json_get(u, "ops"), 0);
	if (wall > 0)
		r.cpu_per_wall = bb_json_num(bb_json_get(u, "cpu_s"), NAN) / wall;
	if (r.ops > 0) {
		r.vcsw_per_op = (double)bb_json_int(bb_json_get(u, "vcsw"), 0) / (double)r.ops;
		r.ivcsw_per_op = (double)bb_json_int(bb_json_get(u, "ivcsw"), 0) / (double)r.ops;
	}
	return r;
}

static void set_status(bb_diag_outcome *o, const char *status, const char *error)
{
	snprintf(o->status, sizeof(o->status), "%s", status);
	free(o->error);
	o->error = error ? bb_xstrdup(error) : NULL;
}

static void figures(const bb_diag_job *j, bb_diag_outcome *o)
{
	const bb_json *r = o->result;
	o->base = samples_of(bb_json_get(r, "base"), &o->n_base);
	o->path = samples_of(bb_json_get(r, "path"), &o->n_path);
	o->base_median = bb_median(o->base, o->n_base);
	o->path_median = bb_median(o->path, o->n_path);
	o->base_use = use_of(bb_json_get(r, "base_use"));
	o->path_use = use_of(bb_json_get(r, "path_use"));
	o->hung_children = (int)bb_json_int(bb_json_get(r, "hung_children"), 0);
	if (o->n_base && o->n_path && o->base_median > 0) {
		o->slowdown = o->path_median / o->base_median;
		bb_bootstrap_ratio_ci(o->base, o->n_base, o->path, o->n_path, BOOTSTRAP_RESAMPLES,
				      BOOTSTRAP_SEED, &o->ci_low, &o->ci_high);
	}
	if (!j->scenario && o->n_path && o->path_median > 0)
		o->gflops = 2.0 * (double)j->n * (double)j->n * (double)j->n / o->path_median * 1e-9;
}

/* The line "OMP: Error #N: ..." an LLVM/Intel OpenMP runtime prints before it aborts the
 * process (#15: another copy of a KMP runtime is already initialised), or NULL.  Caller frees. */
static char *runtime_refusal(const bb_strbuf *log)
{
	const char *at = log->buf ? strstr(log->buf, "OMP: Error #") : NULL;
	return at ? bb_xasprintf("%.*s", (int)strcspn(at, "\n"), at) : NULL;
}

int bb_diag_exec(const bb_diag_job *j, double timeout, bb_diag_outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->base_median = o->path_median = o->slowdown = o->ci_low = o->ci_high = o->gflops = NAN;
	o->base_use.cpu_per_wall = o->path_use.cpu_per_wall = NAN;
	char *job = write_job(j);
	if (!job) {
		set_status(o, "error", "cannot write the worker's job file");
		return 0;
	}
	const char *args[] = {"scenario", job, NULL};
	bb_worker w;
	if (bb_worker_start(&w, args)) {
		unlink(job);
		free(job);
		set_status(o, "error", "cannot start a worker process");
		return 0;
	}
	exec_ctx c = {o, NULL};
	bb_worker_end end;
	bb_worker_wait(&w, timeout, on_line, &c, &end);
	unlink(job);
	free(job);
	o->seconds = end.seconds;

	char how[128], last[300], why[1024];
	bb_worker_end_describe(&end, how, sizeof(how));
	bb_worker_last_output(&w, last, sizeof(last));
	const char *r_error = bb_json_str(bb_json_get(o->result, "error"), NULL);
	if (end.interrupted) {
		set_status(o, "error", "interrupted");
	} else if (c.worker_error) {
		set_status(o, "error", c.worker_error);
	} else if (o->result && r_error) {
		set_status(o, bb_json_bool(bb_json_get(o->result, "wrong"), 0) ? "wrong" : "error",
			   r_error);
	} else if (o->result && bb_json_int(bb_json_get(o->result, "hung"), 0)) {
		figures(j, o);
		snprintf(why, sizeof(why), "%s", bb_json_str(bb_json_get(o->result, "note"), "hung"));
		set_status(o, "hang", why);
	} else if (o->result) {
		figures(j, o);
		set_status(o, "ok", NULL);
	} else if (end.signal && (o->refusal = runtime_refusal(&w.log)) != NULL) {
		snprintf(why, sizeof(why), "worker %s: %s", how, o->refusal);
		set_status(o, "crash", why);
	} else {
		snprintf(why, sizeof(why), "worker %s%s%s", how, last[0] ? "; last output: " : "", last);
		set_status(o, end.timed_out ? "hang" : end.signal ? "crash" : "error", why);
	}
	free(c.worker_error);
	bb_worker_release(&w);
	return end.interrupted ? -1 : 0;
}

void bb_diag_outcome_release(bb_diag_outcome *o)
{
	free(o->error);
	free(o->refusal);
	bb_json_free(o->backend);
	bb_json_free(o->result);
	free(o->base);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

/* ---- the record --------------------------------------------------------------------------- */

static void use_json(bb_json_writer *w, const char *key, const bb_diag_use *u)
{
	bb_jw_key(w, key);
	bb_jw_object_begin(w);
	bb_jw_kv_double(w, "cpu_per_wall", u->cpu_per_wall);
	bb_jw_kv_double(w, "vcsw_per_op", u->vcsw_per_op);
	bb_jw_kv_double(w, "ivcsw_per_op", u->ivcsw_per_op);
	bb_jw_kv_int(w, "ops", u->ops);
	bb_jw_object_end(w);
}

/* params_json of a diagnose cell: what the report and a later reader need to tell what was
 * measured (the keys scenario, mitigation, slowdown, slowdown_ci_low/high are the report's). */
static char *params_json(const bb_diag_job *j, const bb_diag_outcome *o, double vs_clean,
			 double pct_peak)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "scenario", j->scenario ? j->scenario->name : "kernel-selection");
	bb_jw_kv_string(&w, "mitigation", j->mitigation);
	bb_jw_kv_string(&w, "spec", j->spec);
	if (j->spec2) /* dual-pool's second library, the other copy `diagnose -- CMD` found */
		bb_jw_kv_string(&w, "pair", j->shared_copy ? NULL : j->spec2);
	bb_jw_kv_double(&w, "slowdown", o->slowdown);
	bb_jw_kv_double(&w, "slowdown_ci_low", o->ci_low);
	bb_jw_kv_double(&w, "slowdown_ci_high", o->ci_high);
	bb_jw_kv_double(&w, "base_median_s", o->base_median);
	bb_jw_kv_double(&w, "path_median_s", o->path_median);
	bb_jw_kv_double(&w, "vs_clean", vs_clean);
	if (!j->scenario) {
		bb_jw_kv_double(&w, "gflops", o->gflops);
		bb_jw_kv_double(&w, "pct_peak", pct_peak);
		bb_jw_kv_string(&w, "kernel", bb_json_str(bb_json_get(o->result, "kernel"), NULL));
	}
	use_json(&w, "base_use", &o->base_use);
	use_json(&w, "path_use", &o->path_use);
	bb_jw_kv_int(&w, "hung_children", o->hung_children);
	bb_jw_kv_int(&w, "threads", j->threads);
	bb_jw_kv_int(&w, "inner_threads", j->inner_threads);
	if (strcmp(j->omp, "none"))
		bb_jw_kv_string(&w, "omp", j->omp);
	if (strcmp(j->omp2, "none"))
		bb_jw_kv_string(&w, "omp2", j->omp2);
	bb_jw_kv_bool(&w, "shared_copy", j->shared_copy);
	bb_jw_kv_string(&w, "note", bb_json_str(bb_json_get(o->result, "note"), NULL));
	bb_jw_object_end(&w);
	return bb_strbuf_detach(&sb, NULL);
}

int bb_diag_record(bb_db *db, int64_t run_id, int64_t backend_id, const bb_diag_job *j,
		   const bb_diag_outcome *o, double vs_clean, double peak_gflops, char *err,
		   size_t errlen)
{
	const char *scenario = j->scenario ? j->scenario->name
			       : j->prec == 's' ? "kernel-selection/sgemm" : "kernel-selection";
	char key[512], wkey[128], routine[8];
	snprintf(key, sizeof(key), "%s|%s|%s", j->alias, scenario, j->mitigation);
	snprintf(routine, sizeof(routine), "%cgemm", j->prec == 's' ? 's' : 'd');
	snprintf(wkey, sizeof(wkey), "%s:m=%ld,n=%ld,k=%ld,ta=N,tb=N", routine, j->n, j->n, j->n);
	double pct = isfinite(o->gflops) && peak_gflops > 0 ? 100.0 * o->gflops / peak_gflops : NAN;
	char *params = params_json(j, o, vs_clean, pct);
	bb_db_counter counters[] = {
		{"cpu_per_wall_base", o->base_use.cpu_per_wall, "ratio"},
		{"cpu_per_wall_path", o->path_use.cpu_per_wall, "ratio"},
		{"ivcsw_per_op_base", o->base_use.ivcsw_per_op, "count"},
		{"ivcsw_per_op_path", o->path_use.ivcsw_per_op, "count"},
		{"vcsw_per_op_base", o->base_use.vcsw_per_op, "count"},
		{"vcsw_per_op_path", o->path_use.vcsw_per_op, "count"},
	};
	size_t n_counters = 0;
	bb_db_counter kept[sizeof(counters) / sizeof(counters[0])];
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		if (isfinite(counters[i].value))
			kept[n_counters++] = counters[i];
	double min = NAN;
	for (size_t i = 0; i < o->n_path; i++)
		if (!(o->path[i] >= min))
			min = o->path[i];
	bb_db_cell c = {
	    .run_id = run_id,
	    .backend_id = backend_id,
	    .cell_key = key,
	    .workload_key = wkey,
	    .routine = routine,
	    .prec = routine[0],
	    .m = j->n, .n = j->n, .k = j->n,
	    .threads = j->threads,
	    .threads_effective =
		(int)bb_json_int(bb_json_get(bb_json_get(o->backend, "threads"), "effective"), 0),
	    .omp_runtime = strcmp(j->omp, "none") ? j->omp : NULL,
	    .params_json = params,
	    .status = o->status,
	    .error = o->error,
	    .flops = j->scenario ? NAN : 2.0 * (double)j->n * (double)j->n * (double)j->n,
	    .calls_per_sample = 1,
	    .median_s = o->path_median,
	    .min_s = o->n_path ? min : NAN,
	    .mad_s = NAN,
	    .ci_low_s = NAN,
	    .ci_high_s = NAN,
	    .gflops = j->scenario ? NAN : o->gflops,
	    .pct_peak = pct,
	    .residual = NAN,
	    .samples = o->path,
	    .n_samples = o->n_path,
	    .counters = kept,
	    .n_counters = n_counters,
	};
	int64_t id;
	int rc = bb_db_cell_add(db, &c, &id, err, errlen);
	free(params);
	return rc;
}
