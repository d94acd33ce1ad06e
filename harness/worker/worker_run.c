/*
 * The worker's tasks.  `probe SPEC`: load and probe one backend, report its record (list).
 * `run JOBFILE`: set the environment (the thread variables, then the spec's VAR=VALUE pairs),
 * load the job's OpenMP runtime if it names one, load the backend, then measure each cell of
 * the job and stream the results.  The job file is JSON written by the controller:
 *   {"spec": "...", "threads": N, "omp": "none"|"gomp"|"llvm"|"intel"|PATH,
 *    "cells": ["dgemm:m=64,n=64,k=64,ta=N,tb=N", ...],
 *    "measure": {"target": 0.01, "budget": 1.0, "min_samples": 5, "max_samples": 2000,
 *                "max_copy_bytes": B, "seed": S}}
 * The runtime is loaded before the backend, as in an application whose own OpenMP code is
 * loaded before it imports numpy; before each BLAS call a parallel region of that runtime runs
 * on N threads (the application's loop), untimed, so the samples show what its parked threads
 * cost the BLAS.  The thread count is set both through the environment (before loading) and
 * the library's API.
 * Lines written: {"type":"backend",...} once, {"type":"omp","name":..,"realpath":..,
 * "shared":bool} once with a runtime, then per cell {"type":"cell_start","key":K} (so the
 * controller can place a crash or a hang) and {"type":"cell","key":K,...}; or
 * {"type":"error","message":...} when the backend cannot be loaded, and
 * {"type":"omp_error","message":...} when the runtime cannot (the backend is still loaded and
 * reported, for the record, but nothing is measured).
 */
#include "harness/worker/worker_run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/omp_runtime.h"
#include "common/error.h"
#include "common/json.h"
#include "harness/host/limits.h"
#include "harness/worker/measure.h"
#include "harness/worker/worker.h"
#include "harness/worker/worker_env.h"

static void emit(bb_strbuf *sb)
{
	bb_worker_emit(sb->buf, sb->len);
	bb_strbuf_reset(sb);
}

static void emit_cell(const char *key, const bb_backend *b, const bb_measure_result *r)
{
	static const char *const status_names[] = {"ok", "wrong", "error", "skipped"};
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "type", "cell");
	bb_jw_kv_string(&w, "key", key);
	bb_jw_kv_string(&w, "status", status_names[r->status]);
	bb_jw_kv_string(&w, "error", r->status == BB_CELL_OK ? NULL : r->error);
	bb_jw_kv_int(&w, "calls_per_sample", r->calls_per_sample);
	bb_jw_kv_int(&w, "threads_effective", b->threads_effective);
	bb_jw_kv_double(&w, "residual", r->residual);
	bb_jw_key(&w, "samples");
	bb_jw_array_begin(&w);
	for (size_t i = 0; i < r->n_samples; i++)
		bb_jw_double(&w, r->samples[i]);
	bb_jw_array_end(&w);
	bb_jw_key(&w, "counters");
	bb_jw_array_begin(&w);
	for (int i = 0; i < r->counters.n; i++) {
		bb_jw_object_begin(&w);
		bb_jw_kv_string(&w, "name", r->counters.v[i].name);
		bb_jw_kv_double(&w, "value", r->counters.v[i].value);
		bb_jw_kv_string(&w, "unit", r->counters.v[i].unit);
		bb_jw_object_end(&w);
	}
	bb_jw_array_end(&w);
	bb_jw_kv_string(&w, "counters_note", r->counters_note[0] ? r->counters_note : NULL);
	bb_jw_object_end(&w);
	emit(&sb);
	bb_strbuf_release(&sb);
}

static void emit_stage(const char *stage) { bb_worker_emit_pair("stage", "stage", stage); }

/* The CPUs this worker may use, into the record: the worker inherits the controller's
 * affinity and cgroup, and is what the library sees. */
static void set_limits(bb_backend *b)
{
	bb_limits l;
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_limits_probe(&l);
	bb_jw_init(&w, &sb, 0);
	bb_limits_to_json(&l, &w);
	b->cpus_allowed = l.cpus_allowed;
	b->limits_json = bb_strbuf_detach(&sb, NULL);
}

/* Load and probe a backend in this worker and report its record (or why it cannot be used).
 * threads_from_env: the thread variables were set before loading (the pool it starts is
 * blasbench's choice, not the library's default).  Returns 0 with b ready, or 1 (reported; b
 * still needs bb_backend_release()). */
static int load_backend(const bb_backend_spec *spec, int threads, int threads_from_env,
			bb_backend *b)
{
	char err[512];
	bb_backend_init(b, spec);
	b->threads_from_env = threads_from_env;
	set_limits(b);
	bb_backend_stage_hook = emit_stage;
	emit_stage("load");
	if (bb_backend_load(b, err, sizeof(err)) || bb_backend_probe_abi(b, err, sizeof(err))) {
		bb_worker_emit_pair("error", "message", err);
		return 1;
	}
	bb_backend_probe_info(b, threads);
	bb_backend_probe_stack(b);
	bb_worker_env_record(b);
	bb_worker_emit_backend(b);
	return 0;
}

void bb_worker_emit_backend(const bb_backend *b)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "type", "backend");
	bb_jw_key(&w, "backend");
	bb_backend_to_json(b, &w);
	bb_jw_object_end(&w);
	emit(&sb);
	bb_strbuf_release(&sb);
}

int bb_worker_task_probe(const char *spec_text, int threads)
{
	bb_backend_spec spec;
	char err[512];
	if (bb_spec_parse(spec_text, &spec, err, sizeof(err))) {
		bb_worker_emit_pair("error", "message", err);
		return 1;
	}
	bb_worker_set_env(&spec, 0); /* notes the inherited environment; the thread count is set
					  * through the API only */
	bb_backend b;
	int rc = load_backend(&spec, threads, 0, &b);
	bb_spec_release(&spec);
	bb_backend_release(&b);
	return rc;
}

static void read_measure(const bb_json *m, bb_measure_opts *o)
{
	bb_measure_opts_default(o);
	o->target_rel = bb_json_num(bb_json_get(m, "target"), o->target_rel);
	o->budget_s = bb_json_num(bb_json_get(m, "budget"), o->budget_s);
	o->min_samples = (int)bb_json_int(bb_json_get(m, "min_samples"), o->min_samples);
	o->max_samples = (int)bb_json_int(bb_json_get(m, "max_samples"), o->max_samples);
	o->max_copy_bytes = (size_t)bb_json_num(bb_json_get(m, "max_copy_bytes"), (double)o->max_copy_bytes);
	o->seed = (unsigned long long)bb_json_num(bb_json_get(m, "seed"), (double)o->seed);
}

/* ---- the application's own OpenMP loop ----------------------------------------------------- */

/* Each thread of the team sums its own 16 KiB array: a few microseconds of real work (the
 * additions form one dependency chain), after which the team parks, spinning or sleeping as
 * the runtime's wait policy says, while the BLAS call runs. */
enum { APP_LOOP_DOUBLES = 2048, APP_LOOP_PAD = 8 };

typedef struct app_loop {
	const bb_omp_runtime *rt;
	int threads;
	double *data; /* threads x APP_LOOP_DOUBLES */
	double *sums; /* one per thread, a cache line apart: keeps the work from being elided */
} app_loop;

static void app_loop_body(void *arg)
{
	app_loop *l = arg;
	int t = bb_omp_thread_num(l->rt) % l->threads;
	const double *x = l->data + (size_t)t * APP_LOOP_DOUBLES;
	double s = 0;
	for (int i = 0; i < APP_LOOP_DOUBLES; i++)
		s += x[i];
	l->sums[(size_t)t * APP_LOOP_PAD] = s;
}

static void app_loop_run(void *arg)
{
	app_loop *l = arg;
	bb_omp_parallel(l->rt, l->threads, app_loop_body, l);
}

static void app_loop_init(app_loop *l, const bb_omp_runtime *rt, int threads)
{
	l->rt = rt;
	l->threads = threads > 0 ? threads : 1;
	l->data = bb_xmalloc((size_t)l->threads * APP_LOOP_DOUBLES * sizeof(double));
	l->sums = bb_xcalloc((size_t)l->threads * APP_LOOP_PAD, sizeof(double));
	for (size_t i = 0; i < (size_t)l->threads * APP_LOOP_DOUBLES; i++)
		l->data[i] = 1.0 / (double)(i % 97 + 1);
}

/* Report the co-loaded runtime: where it came from and whether the backend shares that copy
 * (its stack holds the same file) or brings its own, or none. */
static void emit_omp(const char *name, const bb_omp_runtime *rt, const bb_backend *b)
{
	int shared = rt->was_loaded;
	for (size_t i = 0; i < b->n_objects && !shared; i++)
		shared = b->objects[i].realpath && !strcmp(b->objects[i].realpath, rt->realpath);
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "type", "omp");
	bb_jw_kv_string(&w, "name", name);
	bb_jw_kv_string(&w, "realpath", rt->realpath);
	bb_jw_kv_bool(&w, "shared", shared);
	bb_jw_object_end(&w);
	emit(&sb);
	bb_strbuf_release(&sb);
}

int bb_worker_task_run(const char *jobfile)
{
	char err[512];
	bb_json *job = bb_worker_read_job(jobfile, err, sizeof(err));
	if (!job) {
		bb_worker_emit_pair("error", "message", err);
		return 1;
	}
	bb_backend_spec spec;
	if (bb_spec_parse(bb_json_str(bb_json_get(job, "spec"), ""), &spec, err, sizeof(err))) {
		bb_worker_emit_pair("error", "message", err);
		bb_json_free(job);
		return 1;
	}
	int threads = (int)bb_json_int(bb_json_get(job, "threads"), 0);
	const char *omp_name = bb_json_str(bb_json_get(job, "omp"), "none");
	bb_measure_opts mo;
	read_measure(bb_json_get(job, "measure"), &mo);

	/* the thread count through the environment too, before anything loads, so pools are
	 * sized at start-up; the spec's VAR=VALUE pairs win */
	bb_worker_set_env(&spec, threads);
	bb_omp_runtime rt = {0};
	app_loop loop = {0};
	int omp_failed = 0;
	if (!bb_omp_is_none(omp_name)) {
		if (bb_omp_load(&rt, omp_name, err, sizeof(err))) {
			bb_worker_emit_pair("omp_error", "message", err);
			omp_failed = 1;
		} else {
			app_loop_init(&loop, &rt, threads);
			mo.between = app_loop_run;
			mo.between_arg = &loop;
		}
	}
	bb_backend b;
	int rc = load_backend(&spec, threads, threads > 0, &b) || omp_failed;
	bb_spec_release(&spec);
	if (rc)
		goto cleanup;
	if (rt.handle)
		emit_omp(omp_name, &rt, &b);

	const bb_json *cells = bb_json_get(job, "cells");
	for (size_t i = 0; i < bb_json_len(cells); i++) {
		const char *key = bb_json_str(bb_json_at(cells, i), "");
		bb_worker_emit_pair("cell_start", "key", key);
		bb_cell_workload *cw = NULL;
		size_t n = 0;
		bb_measure_result r;
		err[0] = 0;
		if (bb_workload_specs_expand(key, NULL, &cw, &n, err, sizeof(err)) || n != 1) {
			memset(&r, 0, sizeof(r));
			r.status = BB_CELL_ERROR;
			r.residual = NAN;
			snprintf(r.error, sizeof(r.error), "%s", n != 1 && !err[0] ? "not one cell" : err);
		} else {
			bb_measure_cell(&cw[0], &b, &mo, &r);
		}
		emit_cell(key, &b, &r);
		free(r.samples);
		free(cw);
	}
cleanup:
	bb_backend_release(&b);
	bb_omp_release(&rt);
	free(loop.data);
	free(loop.sums);
	bb_json_free(job);
	return rc;
}
