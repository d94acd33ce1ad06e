/*
 * The engine, one group at a time (see engine_internal.h): write the worker's job, start it,
 * read its report lines, place a crash or a hang on the cell it was on, restart it for the
 * cells left, and record each outcome with its parameters.  The controller is the only writer
 * of the database; each finished pass of a cell is committed at once.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"
#include "harness/engine/cell_params.h"
#include "harness/engine/engine_internal.h"
#include "common/stats.h"

static double peak_for(const bb_engine_state *e, char prec, int threads)
{
	char p = prec == 'd' || prec == 'z' ? 'd' : 's';
	double core = bb_peak_best(&e->peak, p, 0), all = bb_peak_best(&e->peak, p, 1);
	if (threads <= 1)
		return core;
	double scaled = core * threads;
	return all > 0 && all < scaled ? all : scaled;
}

/* How the progress line names a group's cells beyond backend and workload: "t=4*" (more
 * threads than cores), then the co-loaded runtime against the backend's. */
static void group_desc(const bb_engine_group *g, char *buf, size_t len)
{
	int n = snprintf(buf, len, "t=%d%s", g->threads,
			 bb_cell_oversubscribed(g->threads, g->e->cores) ? "*" : "");
	if (g->omp && n > 0 && (size_t)n + 1 < len) {
		buf[n++] = ' ';
		bb_cell_omp_describe(g->omp, g->backend_omp, g->backend_known, g->omp_shared, 0,
				     buf + n, len - (size_t)n);
	}
}

/* ---- recording -------------------------------------------------------------------------- */

/* The counters a worker reported for a cell, for the database; caller frees the array. */
static bb_db_counter *cell_counters(const bb_json *cell, size_t *n)
{
	const bb_json *ctr = bb_json_get(cell, "counters");
	*n = bb_json_len(ctr);
	bb_db_counter *counters = *n ? bb_xcalloc(*n, sizeof(bb_db_counter)) : NULL;
	for (size_t i = 0; i < *n; i++) {
		counters[i].name = bb_json_str(bb_json_get(bb_json_at(ctr, i), "name"), "?");
		counters[i].value = bb_json_num(bb_json_get(bb_json_at(ctr, i), "value"), NAN);
		counters[i].unit = bb_json_str(bb_json_get(bb_json_at(ctr, i), "unit"), "");
	}
	return counters;
}

/* The parts of a cell's database row that a partial and a final write share: where the cell
 * is, what it measures, how it was run (params: its parameters as JSON, from cell_json_params()),
 * the worker's residual and counters.  The caller sets the outcome, the speed and the samples. */
static bb_db_cell cell_row(const bb_engine_group *g, const bb_engine_cell *pc, const bb_json *cell,
			   const char *params, const bb_db_counter *counters, size_t nc)
{
	const bb_cell_workload *c = pc->c;
	return (bb_db_cell){
		.run_id = g->e->run_id,
		.backend_id = *g->backend_id,
		.cell_key = pc->key,
		.workload_key = pc->wkey,
		.routine = bb_workload_routine_name(c->w, c->prec),
		.prec = c->prec,
		.m = c->shape.m,
		.n = c->shape.n,
		.k = c->shape.k,
		.threads = g->threads,
		.threads_effective = (int)bb_json_int(bb_json_get(cell, "threads_effective"), 0),
		.omp_runtime = g->omp,
		.params_json = params,
		.calls_per_sample = (int)bb_json_int(bb_json_get(cell, "calls_per_sample"), 0),
		.residual = bb_json_num(bb_json_get(cell, "residual"), NAN),
		.sample_pass = pc->sample_pass,
		.counters = counters,
		.n_counters = nc,
		.passes = pc->pass_info,
		.n_passes = (size_t)pc->passes,
		.replace = pc->recorded_ok,
	};
}

/* A cell's parameters as JSON (caller frees): passes is what the row says was measured. */
static char *cell_json_params(const bb_engine_group *g, int passes)
{
	bb_cell_params cp = {
	    .threads = g->threads,
	    .passes = passes,
	    .cores = g->e->cores,
	    .omp = g->omp,
	    .omp_realpath = g->omp_realpath,
	    .omp_shared = g->omp_shared,
	};
	bb_cell_wait_env(g->spec, &cp);
	return bb_cell_params_json(&cp);
}

void bb_engine_record_partial(bb_engine_group *g, bb_engine_cell *pc, const bb_json *cell)
{
	bb_engine_state *e = g->e;
	const bb_cell_workload *c = pc->c;
	size_t nc;
	bb_db_counter *counters = cell_counters(cell, &nc);
	char *params = cell_json_params(g, pc->passes);
	char why[96];
	snprintf(why, sizeof(why), "%d of %d passes measured", pc->passes, pc->target);
	/* the samples and the passes that took them, but no speed: not a result until the last
	 * pass (a partial cell is never compared or reported as measured) */
	bb_db_cell dc = cell_row(g, pc, cell, params, counters, nc);
	dc.status = "partial";
	dc.error = why;
	dc.flops = c->w->flops(c->prec, &c->shape);
	dc.median_s = dc.min_s = dc.mad_s = dc.ci_low_s = dc.ci_high_s = NAN;
	dc.gflops = dc.pct_peak = NAN;
	dc.samples = pc->samples;
	dc.n_samples = pc->n_samples;
	char err[512];
	int64_t id;
	if (bb_db_cell_add(e->db, &dc, &id, err, sizeof(err))) {
		bb_error("%s", err);
		e->db_errors++;
	}
	free(counters);
	free(params);
}

/* Record one outcome: database first (nothing is lost after this), then the summary.
 * The samples are those of every pass (pc); `cell` is the worker's last message about it (its
 * counters and residual), NULL when the worker never reported (crash, hang, skipped). */
void bb_engine_record(bb_engine_group *g, bb_engine_cell *pc, const char *status, const char *error,
		      const bb_json *cell)
{
	bb_engine_state *e = g->e;
	const bb_cell_workload *c = pc->c;
	double flops = c->w->flops(c->prec, &c->shape);
	int ok = !strcmp(status, "ok");
	size_t ns = ok ? pc->n_samples : 0;
	const double *samples = pc->samples;
	bb_stats st;
	bb_stats_compute(samples, ns, &st);
	/* the CI must also cover how much the passes (separate processes, spread over the run)
	 * disagree: on a shared machine that is most of the run-to-run variation */
	for (int p = 0; ns && p < pc->passes; p++) {
		if (pc->pass_median[p] < st.ci_low)
			st.ci_low = pc->pass_median[p];
		if (pc->pass_median[p] > st.ci_high)
			st.ci_high = pc->pass_median[p];
	}
	double gflops = ok && st.median > 0 ? flops / st.median * 1e-9 : NAN;
	double peak = peak_for(e, c->prec, g->threads);
	double pct = ok && peak > 0 ? 100.0 * gflops / peak : NAN;

	size_t nc;
	bb_db_counter *counters = cell_counters(cell, &nc);
	char *params = cell_json_params(g, ok ? pc->passes : 0);
	bb_db_cell dc = cell_row(g, pc, cell, params, counters, nc);
	dc.status = status;
	dc.error = error;
	dc.flops = flops;
	dc.median_s = st.median;
	dc.min_s = st.min;
	dc.mad_s = st.mad;
	dc.ci_low_s = st.ci_low;
	dc.ci_high_s = st.ci_high;
	dc.gflops = gflops;
	dc.pct_peak = pct;
	dc.samples = samples;
	dc.n_samples = ns;
	if (!ok)
		dc.n_passes = 0;
	const char *note = bb_json_str(bb_json_get(cell, "counters_note"), NULL);
	if (note && !e->counters_noted && !e->quiet) {
		bb_engine_progress_done(e->tty, 0);
		bb_note("%s", note);
		e->counters_noted = 1;
	}
	char err[512];
	int64_t id;
	if (bb_db_cell_add(e->db, &dc, &id, err, sizeof(err))) {
		bb_error("%s", err);
		e->db_errors++;
	}

	char brief[160] = "", desc[300];
	if (g->omp)
		bb_cell_omp_describe(g->omp, g->backend_omp, g->backend_known, g->omp_shared, 1, brief,
				     sizeof(brief));
	group_desc(g, desc, sizeof(desc));
	bb_engine_result_add(&e->results, g->spec->alias, &dc, brief);
	if (pc->recorded_ok) /* measured again: one row per cell */
		bb_engine_result_replace(&e->results, pc->result_row);
	else
		pc->result_row = e->results.n - 1;
	/* progress counts measurements (cells x passes); a cell ended early skips its other passes */
	e->finished += (size_t)(ok ? 1 : pc->target - pc->passes);
	e->failures += !ok && strcmp(status, "skipped") != 0;
	char what[64];
	if (ok)
		snprintf(what, sizeof(what), "%.2f GFLOP/s", gflops);
	else
		snprintf(what, sizeof(what), "%s", status);
	bb_engine_progress(e->finished, e->total, bb_now() - e->t0, g->spec->alias, pc->wkey, desc,
			   what, e->failures, e->tty, e->quiet);
	free(counters);
	free(params);
	pc->recorded_ok |= ok;
	pc->done = !ok || pc->passes >= pc->target;
}

/* ---- one worker's report ------------------------------------------------------------------ */

/* In this pass: not recorded yet, and not measured in this pass yet. */
static int in_pass(const bb_engine_group *g, const bb_engine_cell *pc)
{
	return !pc->done && pc->passes == g->pass;
}

static bb_engine_cell *find_cell(bb_engine_group *g, const char *key)
{
	for (size_t i = 0; i < g->n; i++)
		if (in_pass(g, &g->cells[i]) && !strcmp(g->cells[i].wkey, key))
			return &g->cells[i];
	return NULL;
}

/* An ok result of one pass: keep its samples; record the cell, as partial until its last pass
 * (an interrupt then keeps the passes that finished). */
static void add_pass(bb_engine_group *g, bb_engine_cell *pc, const bb_json *msg)
{
	const bb_json *samples = bb_json_get(msg, "samples");
	size_t n = bb_json_len(samples);
	pc->samples = bb_xrealloc(pc->samples, (pc->n_samples + n + 1) * sizeof(double));
	pc->sample_pass = bb_xrealloc(pc->sample_pass, (pc->n_samples + n + 1) * sizeof(int));
	for (size_t i = 0; i < n; i++) {
		pc->samples[pc->n_samples + i] = bb_json_num(bb_json_at(samples, i), NAN);
		pc->sample_pass[pc->n_samples + i] = pc->passes;
	}
	/* how the host behaved meanwhile: steal since the cell started, the calibration spin
	 * before its worker started */
	bb_steal_mark now;
	bb_steal_mark_now(&now);
	bb_db_pass *info = &pc->pass_info[pc->passes];
	info->pass = pc->passes;
	info->seq = g->seq;
	info->steal = bb_steal_share(&pc->steal0, &now);
	info->calib = g->calib;
	info->disturbed = bb_pass_disturbed(info->steal, info->calib);
	if (info->disturbed)
		pc->disturbed[pc->n_disturbed++] = pc->passes;
	pc->pass_median[pc->passes++] = bb_median(pc->samples + pc->n_samples, n);
	pc->n_samples += n;
	/* a call this long is measured in one pass: more would cost minutes for what the budget
	 * allows a fraction of a second (its record says how many passes it had) */
	if (pc->pass_median[pc->passes - 1] >= BB_ENGINE_LONG_CALL_S && pc->passes < pc->target) {
		g->e->finished += (size_t)(pc->target - pc->passes);
		pc->target = pc->passes;
	}
	if (pc->passes >= pc->target || pc->recorded_ok) {
		bb_engine_record(g, pc, "ok", NULL, msg);
	} else {
		bb_engine_record_partial(g, pc, msg);
		bb_engine_state *e = g->e;
		char what[32], desc[300];
		snprintf(what, sizeof(what), "pass %d/%d", pc->passes, pc->target);
		group_desc(g, desc, sizeof(desc));
		bb_engine_progress(++e->finished, e->total, bb_now() - e->t0, g->spec->alias,
				   pc->wkey, desc, what, e->failures, e->tty, e->quiet);
	}
}

static void set_str(char **dst, const char *value)
{
	free(*dst);
	*dst = value ? bb_xstrdup(value) : NULL;
}

static int on_group_line(const char *line, size_t len, void *arg)
{
	bb_engine_group *g = arg;
	char err[256];
	bb_json *msg = bb_json_parse(line, len, err, sizeof(err));
	if (!msg)
		return 0;
	const char *type = bb_json_str(bb_json_get(msg, "type"), "");
	if (!strcmp(type, "backend")) {
		const bb_json *rec = bb_json_get(msg, "backend");
		g->backend_known = 1;
		set_str(&g->backend_omp, bb_json_str(bb_json_get(rec, "omp_runtime"), NULL));
		if (!*g->backend_id) {
			bb_strbuf sb = BB_STRBUF_INIT;
			bb_json_writer w;
			bb_jw_init(&w, &sb, 0);
			bb_jw_value(&w, rec);
			char dberr[512];
			if (bb_db_backend_add(g->e->db, g->e->run_id, g->spec->alias, g->spec->text, sb.buf,
					      g->backend_id, dberr, sizeof(dberr))) {
				bb_error("%s", dberr);
				g->e->db_errors++;
			}
			bb_strbuf_release(&sb);
		}
	} else if (!strcmp(type, "omp")) {
		set_str(&g->omp_realpath, bb_json_str(bb_json_get(msg, "realpath"), NULL));
		g->omp_shared = bb_json_bool(bb_json_get(msg, "shared"), -1);
	} else if (!strcmp(type, "cell_start")) {
		bb_engine_cell *pc = find_cell(g, bb_json_str(bb_json_get(msg, "key"), ""));
		g->current = pc ? (int)(pc - g->cells) : -1;
		if (pc)
			bb_steal_mark_now(&pc->steal0);
		g->started_any = 1;
		bb_worker_rearm(g->w, g->e->o->cell_timeout);
	} else if (!strcmp(type, "cell")) {
		bb_engine_cell *pc = find_cell(g, bb_json_str(bb_json_get(msg, "key"), ""));
		const char *status = bb_json_str(bb_json_get(msg, "status"), "error");
		if (pc && !strcmp(status, "ok"))
			add_pass(g, pc, msg);
		else if (pc)
			bb_engine_record(g, pc, status, bb_json_str(bb_json_get(msg, "error"), NULL), msg);
		g->current = -1;
	} else if (!strcmp(type, "error")) {
		set_str(&g->load_error, bb_json_str(bb_json_get(msg, "message"), "unknown error"));
	} else if (!strcmp(type, "omp_error")) {
		set_str(&g->omp_error, bb_json_str(bb_json_get(msg, "message"), "unknown error"));
	}
	bb_json_free(msg);
	return 0;
}

/* ---- running the group's workers ---------------------------------------------------------- */

static char *write_job(const bb_engine_group *g)
{
	const bb_engine_state *e = g->e;
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "spec", g->spec->text);
	bb_jw_kv_int(&w, "threads", g->threads);
	bb_jw_kv_string(&w, "omp", g->omp ? g->omp : "none");
	bb_jw_key(&w, "cells");
	bb_jw_array_begin(&w);
	for (size_t i = 0; i < g->n; i++)
		if (in_pass(g, &g->cells[i]))
			bb_jw_string(&w, g->cells[i].wkey);
	bb_jw_array_end(&w);
	const bb_measure_opts *m = &e->o->measure;
	bb_jw_key(&w, "measure");
	bb_jw_object_begin(&w);
	bb_jw_kv_double(&w, "target", m->target_rel);
	bb_jw_kv_double(&w, "budget", m->budget_s / e->o->passes);
	bb_jw_kv_int(&w, "min_samples", (m->min_samples + e->o->passes - 1) / e->o->passes);
	bb_jw_kv_int(&w, "max_samples", m->max_samples);
	bb_jw_kv_double(&w, "max_copy_bytes", (double)m->max_copy_bytes);
	bb_jw_kv_double(&w, "seed", (double)m->seed);
	bb_jw_object_end(&w);
	bb_jw_object_end(&w);
	char *path = bb_worker_job_write(sb.buf, sb.len);
	bb_strbuf_release(&sb);
	return path;
}

static size_t left_in(const bb_engine_group *g)
{
	size_t left = 0;
	for (size_t i = 0; i < g->n; i++)
		left += in_pass(g, &g->cells[i]);
	return left;
}

/* Fail every cell still pending in the group with one status and reason. */
static void fail_rest(bb_engine_group *g, const char *status, const char *why)
{
	for (size_t i = 0; i < g->n; i++)
		if (!g->cells[i].done)
			bb_engine_record(g, &g->cells[i], status, why, NULL);
}

/* After a worker that never loaded its backend: a backend row with the reason, so the cells
 * can refer to it. */
static void record_unloaded_backend(bb_engine_group *g, const char *why)
{
	char dberr[256];
	bb_strbuf rec = BB_STRBUF_INIT;
	bb_json_quote(&rec, why);
	char *json = bb_xasprintf("{\"error\":%s}", rec.buf);
	if (bb_db_backend_add(g->e->db, g->e->run_id, g->spec->alias, g->spec->text, json,
			      g->backend_id, dberr, sizeof(dberr))) {
		bb_error("%s", dberr);
		g->e->db_errors++;
	}
	free(json);
	bb_strbuf_release(&rec);
}

int bb_engine_group_run(bb_engine_group *g)
{
	bb_engine_state *e = g->e;
	int fruitless = 0; /* workers that died before measuring anything */
	while (left_in(g) && !bb_interrupted) {
		char *job = write_job(g);
		if (!job) {
			fail_rest(g, "error", "cannot write the worker's job file");
			break;
		}
		const char *args[] = {"run", job, NULL};
		/* nothing of ours runs now: what a short spin does not get, the host took */
		g->calib = bb_calib_ratio(BB_CALIB_SECONDS);
		g->seq = e->worker_seq++;
		bb_worker w;
		if (bb_worker_start(&w, args)) {
			unlink(job);
			free(job);
			fail_rest(g, "error", "cannot start a worker process");
			break;
		}
		g->w = &w;
		g->current = -1;
		g->started_any = 0;
		bb_worker_end end;
		bb_worker_wait(&w, e->o->cell_timeout, on_group_line, g, &end);
		unlink(job);
		free(job);

		char how[128], last[300], why[600];
		bb_worker_end_describe(&end, how, sizeof(how));
		bb_worker_last_output(&w, last, sizeof(last));
		if (end.interrupted) {
			bb_worker_release(&w);
			return -1;
		}
		if (!*g->backend_id && (g->load_error || g->omp_error || !g->started_any))
			record_unloaded_backend(g, g->load_error ? g->load_error : how);
		if (g->load_error) {
			snprintf(why, sizeof(why), "backend could not be loaded: %s", g->load_error);
			fail_rest(g, "error", why);
		} else if (g->omp_error) {
			snprintf(why, sizeof(why), "OpenMP runtime could not be loaded: %s", g->omp_error);
			fail_rest(g, "error", why);
		} else if (g->current >= 0) {
			const char *status = end.timed_out ? "hang" : end.signal ? "crash" : "error";
			if (end.timed_out)
				snprintf(why, sizeof(why), "no result within %.0f s (--timeout): killed",
					 e->o->cell_timeout);
			else
				snprintf(why, sizeof(why), "worker %s%s%s", how, last[0] ? "; last output: " : "",
					 last);
			bb_engine_record(g, &g->cells[g->current], status, why, NULL);
			fruitless = 0;
		} else if (left_in(g)) {
			snprintf(why, sizeof(why), "worker %s before measuring%s%s", how,
				 last[0] ? "; last output: " : "", last);
			if (++fruitless >= 2 || !g->started_any)
				fail_rest(g, end.timed_out ? "hang" : end.signal ? "crash" : "error", why);
		}
		bb_worker_release(&w);
		set_str(&g->load_error, NULL);
		set_str(&g->omp_error, NULL);
	}
	return bb_interrupted ? -1 : 0;
}

void bb_engine_group_release(bb_engine_group *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->cells[i].samples);
		free(g->cells[i].sample_pass);
	}
	free(g->cells);
	free(g->load_error);
	free(g->omp_error);
	free(g->backend_omp);
	free(g->omp_realpath);
	memset(g, 0, sizeof(*g));
}
