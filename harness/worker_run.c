/*
 * The worker's tasks.  `probe SPEC`: load and probe one backend, report its record (list).
 * `run JOBFILE`: load one backend configuration (environment set before the
 * library loads, thread count set through its own API), then measure each cell of the job and
 * stream the results.  The job file is JSON written by the controller:
 *   {"spec": "...", "threads": N, "cells": ["dgemm:m=64,n=64,k=64,ta=N,tb=N", ...],
 *    "measure": {"target": 0.01, "budget": 1.0, "min_samples": 5, "max_samples": 2000,
 *                "max_copy_bytes": B, "seed": S}}
 * The thread count is set both through the environment (before loading) and the library's API.
 * Lines written: {"type":"backend",...} once, then per cell {"type":"cell_start","key":K}
 * (so the controller can place a crash or a hang) and {"type":"cell","key":K,...}; or
 * {"type":"error","message":...} when the backend cannot be loaded.
 */
#include "harness/worker_run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "common/error.h"
#include "common/json.h"
#include "harness/measure.h"
#include "harness/worker.h"

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

/* Load and probe a backend in this worker and report its record (or why it cannot be used).
 * Returns 0 with b ready, or 1 (reported; b still needs bb_backend_release()). */
static int load_backend(const bb_backend_spec *spec, int threads, bb_backend *b)
{
	char err[512];
	bb_backend_init(b, spec);
	bb_backend_stage_hook = emit_stage;
	emit_stage("load");
	if (bb_backend_load(b, err, sizeof(err)) || bb_backend_probe_abi(b, err, sizeof(err))) {
		bb_worker_emit_pair("error", "message", err);
		return 1;
	}
	bb_backend_probe_info(b, threads);
	bb_backend_probe_stack(b);
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
	return 0;
}

int bb_worker_task_probe(const char *spec_text, int threads)
{
	bb_backend_spec spec;
	char err[512];
	if (bb_spec_parse(spec_text, &spec, err, sizeof(err))) {
		bb_worker_emit_pair("error", "message", err);
		return 1;
	}
	bb_backend b;
	int rc = load_backend(&spec, threads, &b);
	bb_spec_release(&spec);
	bb_backend_release(&b);
	return rc;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	bb_strbuf sb = BB_STRBUF_INIT;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		bb_strbuf_add(&sb, buf, n);
	fclose(f);
	return bb_strbuf_detach(&sb, NULL);
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

int bb_worker_task_run(const char *jobfile)
{
	char *text = read_file(jobfile);
	char err[512];
	bb_json *job = text ? bb_json_parse(text, strlen(text), err, sizeof(err)) : NULL;
	free(text);
	if (!job) {
		bb_worker_emit_pair("error", "message", "cannot read the job file");
		return 1;
	}
	bb_backend_spec spec;
	if (bb_spec_parse(bb_json_str(bb_json_get(job, "spec"), ""), &spec, err, sizeof(err))) {
		bb_worker_emit_pair("error", "message", err);
		bb_json_free(job);
		return 1;
	}
	int threads = (int)bb_json_int(bb_json_get(job, "threads"), 0);
	bb_measure_opts mo;
	read_measure(bb_json_get(job, "measure"), &mo);

	/* the thread count through the environment too, before the library loads, so pools are
	 * sized at start-up; a VAR=VALUE in the spec still wins (bb_backend_load sets it after) */
	if (threads > 0) {
		static const char *const vars[] = {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
						   "BLIS_NUM_THREADS", "MKL_NUM_THREADS"};
		char n[16];
		snprintf(n, sizeof(n), "%d", threads);
		for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
			setenv(vars[i], n, 1);
	}
	bb_backend b;
	int rc = load_backend(&spec, threads, &b);
	bb_spec_release(&spec);
	if (rc)
		goto cleanup;

	const bb_json *cells = bb_json_get(job, "cells");
	for (size_t i = 0; i < bb_json_len(cells); i++) {
		const char *key = bb_json_str(bb_json_at(cells, i), "");
		bb_worker_emit_pair("cell_start", "key", key);
		bb_cell_workload *cw = NULL;
		size_t n = 0;
		bb_measure_result r;
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
	bb_json_free(job);
	return rc;
}
