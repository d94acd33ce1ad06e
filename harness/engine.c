/*
 * The benchmark engine, controller side (see engine.h).  One group = one backend spec at one
 * thread count = one worker process (restarted after a crash or hang for the cells left).
 * The controller is the only writer of the database; each finished cell is committed at once.
 */
#include "harness/engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build_config.h"
#include "common/error.h"
#include "common/json.h"
#include "db/db.h"
#include "harness/command.h"
#include "harness/engine_report.h"
#include "harness/host/host.h"
#include "harness/host/peak.h"
#include "harness/stats.h"
#include "harness/worker.h"

void bb_engine_cell_key(const char *alias, const bb_cell_workload *c, int threads, char *buf,
			size_t len)
{
	char wk[256];
	bb_cell_workload_key(c, wk, sizeof(wk));
	snprintf(buf, len, "%s|%s|t=%d", alias, wk, threads);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- state of a run ---------------------------------------------------------------------- */

/* A cell of the plan.  An ok cell is measured in several passes, each in a fresh worker, and
 * recorded after the last one; any other outcome is recorded at once. */
typedef struct pending_cell {
	const bb_cell_workload *c;
	char key[400];   /* cell key */
	char wkey[256];  /* workload key (what the worker parses) */
	int done;
	int passes;      /* passes measured so far */
	double *samples; /* of all passes so far */
	size_t n_samples;
	double pass_median[BB_ENGINE_MAX_PASSES];
} pending_cell;

typedef struct engine {
	const bb_engine_opts *o;
	bb_db *db;
	int64_t run_id;
	bb_peak peak; /* this host's measured peak (zeroed when unknown) */
	int cores;
	bb_engine_results results;
	size_t total, finished;
	int db_errors; /* writes that failed: the run cannot claim to be complete */
	int counters_noted; /* the "what is not counted" note is said once per run */
	double t0;
	int tty;
} engine;

static double peak_for(const engine *e, char prec, int threads)
{
	char p = prec == 'd' || prec == 'z' ? 'd' : 's';
	double core = bb_peak_best(&e->peak, p, 0), all = bb_peak_best(&e->peak, p, 1);
	if (threads <= 1)
		return core;
	double scaled = core * threads;
	return all > 0 && all < scaled ? all : scaled;
}

/* Host record and peak: the peak is measured once per host and kept in the database. */
static int setup_host(engine *e, int64_t *host_id)
{
	bb_host host;
	bb_host_probe(&host);
	e->cores = host.have_topology && host.topology.cores > 0 ? host.topology.cores
								  : (int)sysconf(_SC_NPROCESSORS_ONLN);
	char err[512];
	char *peak_json = NULL;
	if (bb_db_host_peak(e->db, host.fingerprint, &peak_json, err, sizeof(err)) != 0 || !peak_json) {
		if (!e->o->json)
			fprintf(stderr, "measuring this host's peak FLOP/s (once per host)...\n");
		bb_peak_measure(&e->peak, e->cores, 0);
		bb_strbuf sb = BB_STRBUF_INIT;
		bb_json_writer w;
		bb_jw_init(&w, &sb, 0);
		bb_peak_to_json(&e->peak, &w);
		peak_json = bb_strbuf_detach(&sb, NULL);
	} else {
		bb_peak_from_json(peak_json, &e->peak);
	}

	bb_strbuf hs = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &hs, 0);
	bb_jw_object_begin(&w);
	bb_host_to_json(&host, &w);
	bb_jw_object_end(&w);
	int rc = bb_db_host_upsert(e->db, host.fingerprint, hs.buf, peak_json, host_id, err, sizeof(err));
	if (rc)
		bb_error("%s", err);
	bb_strbuf_release(&hs);
	free(peak_json);
	bb_host_release(&host);
	return rc;
}

/* ---- recording -------------------------------------------------------------------------- */

/* Record one outcome: database first (nothing is lost after this), then the summary.
 * The samples are those of every pass (pc); `cell` is the worker's last message about it (its
 * counters and residual), NULL when the worker never reported (crash, hang, skipped). */
static void record(engine *e, int64_t backend_id, const char *alias, const pending_cell *pc,
		   int threads, const char *status, const char *error, const bb_json *cell)
{
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
	double peak = peak_for(e, c->prec, threads);
	double pct = ok && peak > 0 ? 100.0 * gflops / peak : NAN;

	const bb_json *ctr = bb_json_get(cell, "counters");
	size_t nc = bb_json_len(ctr);
	bb_db_counter *counters = nc ? bb_xcalloc(nc, sizeof(bb_db_counter)) : NULL;
	for (size_t i = 0; i < nc; i++) {
		counters[i].name = bb_json_str(bb_json_get(bb_json_at(ctr, i), "name"), "?");
		counters[i].value = bb_json_num(bb_json_get(bb_json_at(ctr, i), "value"), NAN);
		counters[i].unit = bb_json_str(bb_json_get(bb_json_at(ctr, i), "unit"), "");
	}
	char params[64];
	snprintf(params, sizeof(params), "{\"threads\":%d,\"passes\":%d}", threads, ok ? pc->passes : 0);
	bb_db_cell dc = {
		.run_id = e->run_id,
		.backend_id = backend_id,
		.cell_key = pc->key,
		.workload_key = pc->wkey,
		.routine = bb_workload_routine_name(c->w, c->prec),
		.prec = c->prec,
		.m = c->shape.m,
		.n = c->shape.n,
		.k = c->shape.k,
		.threads = threads,
		.threads_effective = (int)bb_json_int(bb_json_get(cell, "threads_effective"), 0),
		.omp_runtime = NULL,
		.params_json = params,
		.status = status,
		.error = error,
		.flops = flops,
		.calls_per_sample = (int)bb_json_int(bb_json_get(cell, "calls_per_sample"), 0),
		.median_s = st.median,
		.min_s = st.min,
		.mad_s = st.mad,
		.ci_low_s = st.ci_low,
		.ci_high_s = st.ci_high,
		.gflops = gflops,
		.pct_peak = pct,
		.residual = bb_json_num(bb_json_get(cell, "residual"), NAN),
		.samples = samples,
		.n_samples = ns,
		.counters = counters,
		.n_counters = nc,
	};
	const char *note = bb_json_str(bb_json_get(cell, "counters_note"), NULL);
	if (note && !e->counters_noted && !e->o->json) {
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

	bb_engine_result_add(&e->results, alias, &dc, c->w->name);
	/* progress counts measurements (cells x passes); a cell ended early skips its other passes */
	e->finished += (size_t)(ok ? 1 : e->o->passes - pc->passes);
	char what[64];
	if (ok)
		snprintf(what, sizeof(what), "%.2f GFLOP/s", gflops);
	else
		snprintf(what, sizeof(what), "%s", status);
	bb_engine_progress(e->finished, e->total, now() - e->t0, alias, pc->wkey, threads, what, e->tty,
			   e->o->json);
	free(counters);
}

/* ---- one group: a backend spec at one thread count -------------------------------------- */

typedef struct group_ctx {
	engine *e;
	bb_worker *w;
	const bb_backend_spec *spec;
	int threads;
	pending_cell *cells;
	size_t n;
	int64_t *backend_id;
	int pass;          /* the pass being run: cells with passes == pass take part */
	int current;       /* index of the cell the worker is on, -1 none */
	char *load_error;  /* the worker could not load the backend */
	int started_any;
} group_ctx;

/* In this pass: not recorded yet, and not measured in this pass yet. */
static int in_pass(const group_ctx *g, const pending_cell *pc)
{
	return !pc->done && pc->passes == g->pass;
}

static pending_cell *find_cell(group_ctx *g, const char *key)
{
	for (size_t i = 0; i < g->n; i++)
		if (in_pass(g, &g->cells[i]) && !strcmp(g->cells[i].wkey, key))
			return &g->cells[i];
	return NULL;
}

/* An ok result of one pass: keep its samples; record the cell after its last pass. */
static void add_pass(group_ctx *g, pending_cell *pc, const bb_json *msg)
{
	const bb_json *samples = bb_json_get(msg, "samples");
	size_t n = bb_json_len(samples);
	pc->samples = bb_xrealloc(pc->samples, (pc->n_samples + n + 1) * sizeof(double));
	for (size_t i = 0; i < n; i++)
		pc->samples[pc->n_samples + i] = bb_json_num(bb_json_at(samples, i), NAN);
	pc->pass_median[pc->passes++] = bb_median(pc->samples + pc->n_samples, n);
	pc->n_samples += n;
	if (pc->passes >= g->e->o->passes) {
		record(g->e, *g->backend_id, g->spec->alias, pc, g->threads, "ok", NULL, msg);
		pc->done = 1;
	} else {
		engine *e = g->e;
		char what[32];
		snprintf(what, sizeof(what), "pass %d/%d", pc->passes, e->o->passes);
		bb_engine_progress(++e->finished, e->total, now() - e->t0, g->spec->alias, pc->wkey,
				   g->threads, what, e->tty, e->o->json);
	}
}

static int on_group_line(const char *line, size_t len, void *arg)
{
	group_ctx *g = arg;
	char err[256];
	bb_json *msg = bb_json_parse(line, len, err, sizeof(err));
	if (!msg)
		return 0;
	const char *type = bb_json_str(bb_json_get(msg, "type"), "");
	if (!strcmp(type, "backend")) {
		if (!*g->backend_id) {
			bb_strbuf sb = BB_STRBUF_INIT;
			bb_json_writer w;
			bb_jw_init(&w, &sb, 0);
			bb_jw_value(&w, bb_json_get(msg, "backend"));
			char dberr[512];
			if (bb_db_backend_add(g->e->db, g->e->run_id, g->spec->alias, g->spec->text, sb.buf,
					      g->backend_id, dberr, sizeof(dberr)))
				bb_error("%s", dberr);
			bb_strbuf_release(&sb);
		}
	} else if (!strcmp(type, "cell_start")) {
		pending_cell *pc = find_cell(g, bb_json_str(bb_json_get(msg, "key"), ""));
		g->current = pc ? (int)(pc - g->cells) : -1;
		g->started_any = 1;
		bb_worker_rearm(g->w, g->e->o->cell_timeout);
	} else if (!strcmp(type, "cell")) {
		pending_cell *pc = find_cell(g, bb_json_str(bb_json_get(msg, "key"), ""));
		const char *status = bb_json_str(bb_json_get(msg, "status"), "error");
		if (pc && !strcmp(status, "ok")) {
			add_pass(g, pc, msg);
		} else if (pc) {
			record(g->e, *g->backend_id, g->spec->alias, pc, g->threads, status,
			       bb_json_str(bb_json_get(msg, "error"), NULL), msg);
			pc->done = 1;
		}
		g->current = -1;
	} else if (!strcmp(type, "error")) {
		free(g->load_error);
		g->load_error = bb_xstrdup(bb_json_str(bb_json_get(msg, "message"), "unknown error"));
	}
	bb_json_free(msg);
	return 0;
}

static char *write_job(const engine *e, const group_ctx *g)
{
	char path[] = "/tmp/blasbench-job-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "spec", g->spec->text);
	bb_jw_kv_int(&w, "threads", g->threads);
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
	ssize_t wr = write(fd, sb.buf, sb.len);
	close(fd);
	bb_strbuf_release(&sb);
	if (wr < 0) {
		unlink(path);
		return NULL;
	}
	return bb_xstrdup(path);
}

static size_t left_in(const group_ctx *g)
{
	size_t left = 0;
	for (size_t i = 0; i < g->n; i++)
		left += in_pass(g, &g->cells[i]);
	return left;
}

/* Fail every cell still pending in the group with one status and reason. */
static void fail_rest(group_ctx *g, const char *status, const char *why)
{
	for (size_t i = 0; i < g->n; i++)
		if (!g->cells[i].done) {
			record(g->e, *g->backend_id, g->spec->alias, &g->cells[i], g->threads, status, why, NULL);
			g->cells[i].done = 1;
		}
}

/* Run one pass of a group: restart the worker after each crash or hang until every cell of
 * the pass has an outcome.  Returns -1 if the run was interrupted. */
static int run_group(engine *e, group_ctx *g)
{
	int fruitless = 0; /* workers that died before measuring anything */
	while (left_in(g) && !bb_interrupted) {
		char *job = write_job(e, g);
		if (!job) {
			fail_rest(g, "error", "cannot write the worker's job file");
			break;
		}
		const char *args[] = {"run", job, NULL};
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
		if (!*g->backend_id && (g->load_error || !g->started_any)) {
			/* the backend never loaded: record it with the reason so the cells can refer to it */
			snprintf(why, sizeof(why), "%s", g->load_error ? g->load_error : how);
			char dberr[256];
			bb_strbuf rec = BB_STRBUF_INIT;
			bb_json_quote(&rec, why);
			char *json = bb_xasprintf("{\"error\":%s}", rec.buf);
			bb_db_backend_add(e->db, e->run_id, g->spec->alias, g->spec->text, json, g->backend_id,
					  dberr, sizeof(dberr));
			free(json);
			bb_strbuf_release(&rec);
		}
		if (g->load_error) {
			snprintf(why, sizeof(why), "backend could not be loaded: %s", g->load_error);
			fail_rest(g, "error", why);
		} else if (g->current >= 0) {
			const char *status = end.timed_out ? "hang" : end.signal ? "crash" : "error";
			if (end.timed_out)
				snprintf(why, sizeof(why), "no result within %.0f s (--timeout): killed",
					 e->o->cell_timeout);
			else
				snprintf(why, sizeof(why), "worker %s%s%s", how, last[0] ? "; last output: " : "",
					 last);
			record(e, *g->backend_id, g->spec->alias, &g->cells[g->current], g->threads, status, why,
			       NULL);
			g->cells[g->current].done = 1;
			fruitless = 0;
		} else if (left_in(g)) {
			snprintf(why, sizeof(why), "worker %s before measuring%s%s", how,
				 last[0] ? "; last output: " : "", last);
			if (++fruitless >= 2 || !g->started_any)
				fail_rest(g, end.timed_out ? "hang" : end.signal ? "crash" : "error", why);
		}
		bb_worker_release(&w);
		free(g->load_error);
		g->load_error = NULL;
	}
	return bb_interrupted ? -1 : 0;
}

/* ---- the run ---------------------------------------------------------------------------- */

static int contains(char **keys, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(keys[i], key))
			return 1;
	return 0;
}

int bb_engine_run(const bb_engine_opts *o)
{
	engine e = {.o = o, .t0 = now(), .tty = isatty(STDERR_FILENO)};
	char err[512];
	if (bb_db_open(o->db_path, &e.db, err, sizeof(err)))
		return bb_error("%s", err), BB_EXIT_INTERNAL;
	int64_t host_id = 0;
	if (setup_host(&e, &host_id)) {
		bb_db_close(e.db);
		return BB_EXIT_INTERNAL;
	}
	char **done_keys = NULL;
	size_t n_done = 0;
	if (o->resume_run) {
		e.run_id = o->resume_run;
		if (bb_db_cell_keys(e.db, e.run_id, &done_keys, &n_done, err, sizeof(err))) {
			bb_error("%s", err);
			bb_db_close(e.db);
			return BB_EXIT_INTERNAL;
		}
		bb_db_run_set_status(e.db, e.run_id, "running", err, sizeof(err));
	} else {
		bb_db_run_new rn = {host_id, o->label, o->command, o->kind, o->options_json, BB_VERSION};
		if (bb_db_run_begin(e.db, &rn, &e.run_id, err, sizeof(err))) {
			bb_error("%s", err);
			bb_db_close(e.db);
			return BB_EXIT_INTERNAL;
		}
	}
	bb_engine_results_init(&e.results, e.run_id, bb_db_path(e.db));

	/* plan: groups of (backend, threads); cells already recorded are skipped (resume) */
	size_t n_groups = o->n_specs * o->n_threads;
	group_ctx *groups = bb_xcalloc(n_groups, sizeof(group_ctx));
	int64_t *backend_ids = bb_xcalloc(o->n_specs, sizeof(int64_t));
	for (size_t s = 0; s < o->n_specs; s++) {
		if (o->resume_run &&
		    bb_db_backend_find(e.db, e.run_id, o->specs[s].alias, &backend_ids[s], err, sizeof(err)))
			bb_error("%s", err);
		for (size_t t = 0; t < o->n_threads; t++) {
			group_ctx *g = &groups[s * o->n_threads + t];
			g->e = &e;
			g->spec = &o->specs[s];
			g->threads = o->threads[t];
			g->backend_id = &backend_ids[s];
			g->cells = bb_xcalloc(o->n_cells, sizeof(pending_cell));
			for (size_t c = 0; c < o->n_cells; c++) {
				pending_cell *pc = &g->cells[g->n];
				pc->c = &o->cells[c];
				bb_cell_workload_key(pc->c, pc->wkey, sizeof(pc->wkey));
				bb_engine_cell_key(g->spec->alias, pc->c, g->threads, pc->key, sizeof(pc->key));
				if (contains(done_keys, n_done, pc->key))
					continue;
				g->n++;
			}
			e.total += g->n * (size_t)o->passes;
		}
	}
	if (o->resume_run && !o->json)
		fprintf(stderr, "resuming run %lld: %zu cells recorded, %zu to go\n", (long long)e.run_id,
			n_done, e.total / (size_t)o->passes);

	bb_worker_catch_signals();
	int interrupted = 0;
	/* cells that would need more memory than allowed are refused, not run */
	for (size_t gi = 0; gi < n_groups; gi++)
		for (size_t i = 0; i < groups[gi].n; i++) {
			const bb_cell_workload *c = groups[gi].cells[i].c;
			if (2.0 * c->w->bytes(c->prec, &c->shape) > o->max_memory) /* pristine + working */
				groups[gi].cells[i].done = 2;
		}
	/* pass after pass over all groups: each cell's passes are spread over the whole run */
	for (int pass = 0; pass < o->passes && !interrupted; pass++)
		for (size_t gi = 0; gi < n_groups && !interrupted; gi++) {
			groups[gi].pass = pass;
			if (run_group(&e, &groups[gi]) < 0)
				interrupted = 1;
		}
	for (size_t gi = 0; gi < n_groups && !interrupted; gi++) {
		group_ctx *g = &groups[gi];
		for (size_t i = 0; i < g->n; i++) {
			if (g->cells[i].done != 2)
				continue;
			const bb_cell_workload *c = g->cells[i].c;
			char why[256];
			snprintf(why, sizeof(why), "needs %.1f GiB, more than the limit of %.1f GiB (--max-memory)",
				 2.0 * c->w->bytes(c->prec, &c->shape) / (1 << 30), o->max_memory / (1 << 30));
			if (!*g->backend_id) /* nothing ran: a backend row for the skipped cells */
				bb_db_backend_add(e.db, e.run_id, g->spec->alias, g->spec->text,
						  "{\"note\":\"not loaded: every cell was skipped\"}", g->backend_id,
						  err, sizeof(err));
			record(&e, *g->backend_id, g->spec->alias, &g->cells[i], g->threads, "skipped", why, NULL);
		}
	}
	bb_engine_progress_done(e.tty, o->json);

	const char *status = interrupted ? "interrupted" : e.db_errors ? "failed" : "complete";
	bb_db_run_set_status(e.db, e.run_id, status, err, sizeof(err));
	int failed = bb_engine_results_print(&e.results, status, o->json);
	if (interrupted && !o->json)
		fprintf(stderr, "interrupted: %zu cells recorded; continue with --resume %lld\n",
			e.results.n, (long long)e.run_id);

	for (size_t gi = 0; gi < n_groups; gi++) {
		for (size_t i = 0; i < groups[gi].n; i++)
			free(groups[gi].cells[i].samples);
		free(groups[gi].cells);
	}
	free(groups);
	free(backend_ids);
	for (size_t i = 0; i < n_done; i++)
		free(done_keys[i]);
	free(done_keys);
	bb_engine_results_release(&e.results);
	bb_db_close(e.db);
	if (e.db_errors)
		bb_error("%d results could not be recorded in '%s': the run is marked failed", e.db_errors,
			 o->db_path);
	return interrupted ? 130 : e.db_errors ? BB_EXIT_INTERNAL : failed ? BB_EXIT_FAILED : BB_EXIT_OK;
}
