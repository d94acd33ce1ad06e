/*
 * Progress and summary output of the engine (see engine_report.h).
 */
#include "harness/engine/engine_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/error.h"
#include "common/json.h"
#include "harness/plan/env_plan.h"
#include "common/number.h"
#include "reports/table.h"

void bb_engine_results_init(bb_engine_results *r, int64_t run_id, const char *db_path, int cores)
{
	memset(r, 0, sizeof(*r));
	r->run_id = run_id;
	r->db_path = bb_xstrdup(db_path);
	r->cores = cores;
}

void bb_engine_result_add(bb_engine_results *r, const char *backend, const bb_db_cell *c,
			  const char *omp_brief)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->rows = bb_xrealloc(r->rows, r->cap * sizeof(bb_engine_row));
	}
	bb_engine_row *row = &r->rows[r->n++];
	memset(row, 0, sizeof(*row));
	row->backend = bb_xstrdup(backend);
	row->workload = bb_xstrdup(c->workload_key);
	row->routine = bb_xstrdup(c->routine);
	row->status = bb_xstrdup(c->status);
	row->error = bb_xstrdup(c->error);
	row->omp = bb_xstrdup(c->omp_runtime);
	row->omp_brief = omp_brief && *omp_brief ? bb_xstrdup(omp_brief) : NULL;
	row->params_json = bb_xstrdup(c->params_json);
	bb_json *params = c->params_json ? bb_json_parse(c->params_json, strlen(c->params_json), NULL, 0)
					 : NULL;
	row->oversubscribed = bb_json_bool(bb_json_get(params, "oversubscribed"), 0);
	bb_json_free(params);
	row->prec = c->prec;
	row->m = c->m;
	row->n = c->n;
	row->k = c->k;
	row->threads = c->threads;
	row->threads_effective = c->threads_effective;
	row->median_s = c->median_s;
	row->min_s = c->min_s;
	row->ci_low_s = c->ci_low_s;
	row->ci_high_s = c->ci_high_s;
	row->gflops = c->gflops;
	row->pct_peak = c->pct_peak;
	row->cpu_ratio = NAN;
	for (size_t i = 0; i < c->n_counters; i++)
		if (!strcmp(c->counters[i].name, "cpu_time"))
			for (size_t k = 0; k < c->n_counters; k++)
				if (!strcmp(c->counters[k].name, "wall_time") && c->counters[k].value > 0)
					row->cpu_ratio = c->counters[i].value / c->counters[k].value;
}

static void row_release(bb_engine_row *row)
{
	free(row->backend);
	free(row->workload);
	free(row->routine);
	free(row->status);
	free(row->error);
	free(row->omp);
	free(row->omp_brief);
	free(row->params_json);
}

void bb_engine_result_replace(bb_engine_results *r, size_t i)
{
	if (i + 1 >= r->n)
		return;
	row_release(&r->rows[i]);
	r->rows[i] = r->rows[--r->n];
}

void bb_engine_results_release(bb_engine_results *r)
{
	for (size_t i = 0; i < r->n; i++)
		row_release(&r->rows[i]);
	free(r->rows);
	free(r->db_path);
	free(r->limits_json);
	free(r->pool_flags);
	memset(r, 0, sizeof(*r));
}

static void hms(double s, char *buf, size_t len)
{
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* Seconds between two progress lines when stderr is no terminal (a CI log): a line per backend
 * and then one every this many seconds, not one per cell pass. */
#define PROGRESS_LOG_INTERVAL 5.0

/* The terminal's width, for a progress line that must not wrap (a wrapped line cannot be
 * rewritten in place); 100 when unknown. */
static int term_width(void)
{
	struct winsize ws;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 100;
}

void bb_engine_progress(size_t done, size_t total, double elapsed, const char *backend,
			const char *workload, const char *cell, const char *what, int failures,
			int tty, int quiet)
{
	static double last_line = -1e9;
	static char last_backend[128];
	if (quiet)
		return;
	char el[32], left[32], line[600];
	hms(elapsed, el, sizeof(el));
	/* the first few measurements carry the run's start-up (peak measurement, first loads): no
	 * estimate from them ("~1:04:24 left" after one cell) */
	if (done && (done >= 5 || 50 * done >= total))
		hms(elapsed / (double)done * (double)(total - done), left, sizeof(left));
	else
		snprintf(left, sizeof(left), "?");
	int pct = total ? (int)(100.0 * (double)done / (double)total) : 100;
	snprintf(line, sizeof(line), "[%zu/%zu] %d%%, %s elapsed, ~%s left, %d failed | %s %s %s: %s",
		 done, total, pct, el, left, failures, backend, workload, cell, what);
	if (tty) {
		int w = term_width() - 1;
		if ((int)strlen(line) > w)
			line[w] = 0;
		fprintf(stderr, "\r\033[K%s", line);
		return;
	}
	int new_backend = strncmp(last_backend, backend, sizeof(last_backend) - 1) != 0;
	if (!new_backend && done != total && elapsed - last_line < PROGRESS_LOG_INTERVAL)
		return;
	snprintf(last_backend, sizeof(last_backend), "%s", backend);
	last_line = elapsed;
	fprintf(stderr, "%s\n", line);
}

void bb_engine_progress_done(int tty, int quiet)
{
	if (tty && !quiet)
		fprintf(stderr, "\r\033[K");
}

int bb_engine_results_failed(const bb_engine_results *r)
{
	int failed = 0; /* skipped cells were refused on purpose: they are listed, not failures */
	for (size_t i = 0; i < r->n; i++)
		failed += strcmp(r->rows[i].status, "ok") != 0 && strcmp(r->rows[i].status, "skipped") != 0;
	return failed;
}

static void kv_num(bb_json_writer *w, const char *key, double v)
{
	bb_jw_key(w, key);
	if (isnan(v))
		bb_jw_null(w);
	else
		bb_jw_double(w, v);
}

static void print_json(const bb_engine_results *r, const char *run_status)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 1);
	bb_jw_object_begin(&w);
	bb_jw_kv_int(&w, "run", r->run_id);
	bb_jw_kv_string(&w, "db", r->db_path);
	bb_jw_kv_string(&w, "status", run_status);
	if (r->env)
		bb_env_plan_json(r->env, &w);
	bb_jw_key(&w, "limits");
	bb_jw_raw(&w, r->limits_json);
	bb_jw_key(&w, "threads_flags");
	bb_jw_raw(&w, r->pool_flags ? r->pool_flags : "[]");
	if (r->peak) {
		bb_jw_key(&w, "peak");
		bb_peak_choice_to_json(r->peak, &w);
	}
	bb_jw_key(&w, "cells");
	bb_jw_array_begin(&w);
	for (size_t i = 0; i < r->n; i++) {
		const bb_engine_row *row = &r->rows[i];
		char prec[2] = {row->prec, 0};
		bb_jw_object_begin(&w);
		bb_jw_kv_string(&w, "backend", row->backend);
		bb_jw_kv_string(&w, "workload", row->workload);
		bb_jw_kv_string(&w, "routine", row->routine);
		bb_jw_kv_string(&w, "precision", prec);
		bb_jw_kv_int(&w, "m", row->m);
		bb_jw_kv_int(&w, "n", row->n);
		bb_jw_kv_int(&w, "k", row->k);
		bb_jw_kv_int(&w, "threads", row->threads);
		bb_jw_kv_int(&w, "threads_effective", row->threads_effective);
		bb_jw_kv_bool(&w, "oversubscribed", row->oversubscribed);
		bb_jw_kv_string(&w, "omp", row->omp);
		bb_jw_kv_string(&w, "omp_note", row->omp_brief);
		bb_jw_kv_string(&w, "status", row->status);
		bb_jw_kv_string(&w, "error", row->error);
		kv_num(&w, "median_s", row->median_s);
		kv_num(&w, "min_s", row->min_s);
		kv_num(&w, "ci_low", row->ci_low_s);
		kv_num(&w, "ci_high", row->ci_high_s);
		kv_num(&w, "gflops", row->gflops);
		kv_num(&w, "pct_peak", row->pct_peak);
		bb_jw_kv_bool(&w, "above_peak", row->pct_peak > BB_PEAK_ABOVE_PCT);
		kv_num(&w, "cpu_wall_ratio", row->cpu_ratio);
		bb_json *params = row->params_json
					  ? bb_json_parse(row->params_json, strlen(row->params_json), NULL, 0)
					  : NULL;
		bb_jw_key(&w, "params");
		if (params)
			bb_jw_value(&w, params);
		else
			bb_jw_null(&w);
		bb_json_free(params);
		bb_jw_object_end(&w);
	}
	bb_jw_array_end(&w);
	bb_jw_object_end(&w);
	printf("%s\n", sb.buf);
	bb_strbuf_release(&sb);
}

/* Under the table: which peak %PEAK is computed against, and what is wrong with it. */
static void print_peak_note(const bb_engine_results *r, int any_above)
{
	const bb_peak_choice *c = r->peak;
	char brief[256];
	if (c && c->source != BB_PEAK_NONE)
		bb_peak_brief(&c->used, brief, sizeof(brief));
	if (!c)
		printf("%%PEAK: ? (no peak known for this run)\n");
	else if (c->source == BB_PEAK_RUN)
		printf("%%PEAK against this run's peak measurement: %s\n", brief);
	else if (c->source == BB_PEAK_HOST)
		printf("%%PEAK against this host's best-known undisturbed peak (this run's measurement "
		       "was disturbed: %s): %s\n", c->why, brief);
	else
		printf("%%PEAK: ? (this run's peak measurement was disturbed: %s; this host has no "
		       "undisturbed peak on record)\n", c->why);
	if (any_above)
		printf("! above %.0f%% of the peak: a cell cannot run faster than the peak, so that "
		       "figure is too low (measured while the machine was busy?)\n",
		       BB_PEAK_ABOVE_PCT);
}

/* Failures first (in the order they happened), then the rest.  The OMP column only when a
 * runtime was co-loaded; a footnote when a thread count exceeds the cores. */
static void print_table(const bb_engine_results *r)
{
	int any_omp = 0, any_over = 0, any_above = 0;
	for (size_t i = 0; i < r->n; i++) {
		any_omp |= r->rows[i].omp != NULL;
		any_over |= r->rows[i].oversubscribed;
		any_above |= r->rows[i].pct_peak > BB_PEAK_ABOVE_PCT;
	}
	bb_table t;
	const char *omp_head = any_omp ? "OMP" : NULL;
	bb_table_init(&t, (const char *[]){"BACKEND", "WORKLOAD", "THREADS", "STATUS", "MEDIAN", "+-CI",
					   "GFLOP/S", "%PEAK", "CPU/WALL", omp_head, NULL});
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < r->n; i++) {
			const bb_engine_row *row = &r->rows[i];
			int ok = !strcmp(row->status, "ok");
			if (ok != pass)
				continue;
			char th[32], med[32] = "", ci[32] = "", gf[32] = "", pct[32] = "", cpu[32] = "";
			const char *star = row->oversubscribed ? "*" : "";
			if (row->threads_effective && row->threads_effective != row->threads)
				snprintf(th, sizeof(th), "%d (asked %d%s)", row->threads_effective, row->threads,
					 star);
			else
				snprintf(th, sizeof(th), "%d%s", row->threads, star);
			if (!isnan(row->median_s)) {
				snprintf(med, sizeof(med), "%.4g s", row->median_s);
				double half = fmax(row->median_s - row->ci_low_s, row->ci_high_s - row->median_s);
				snprintf(ci, sizeof(ci), "%.1f%%", 100 * half / row->median_s);
			}
			if (ok) {
				snprintf(gf, sizeof(gf), "%.2f", row->gflops);
				if (!isnan(row->pct_peak))
					snprintf(pct, sizeof(pct), "%.0f%%%s", row->pct_peak,
						 row->pct_peak > BB_PEAK_ABOVE_PCT ? "!" : "");
				else
					snprintf(pct, sizeof(pct), "?");
			}
			if (!isnan(row->cpu_ratio))
				snprintf(cpu, sizeof(cpu), "%.2f", row->cpu_ratio);
			const char *omp = row->omp_brief ? row->omp_brief : row->omp ? row->omp : "none";
			bb_table_row(&t, (const char *[]){row->backend, row->workload, th, row->status, med, ci,
							  gf, pct, cpu, omp});
		}
	bb_table_print(&t, stdout);
	bb_table_release(&t);
	if (any_over)
		printf("* more threads than the %d core%s (oversubscribed)\n", r->cores, bb_plural(r->cores));
	print_peak_note(r, any_above);
}

int bb_engine_results_print(const bb_engine_results *r, const char *run_status, int json)
{
	int failed = bb_engine_results_failed(r);
	if (json) {
		print_json(r, run_status);
		return failed;
	}
	print_table(r);
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->rows[i].status, "ok") && r->rows[i].error)
			printf("%s: %s %s t=%d%s%s: %s\n", r->rows[i].status, r->rows[i].backend,
			       r->rows[i].workload, r->rows[i].threads, r->rows[i].omp ? " omp=" : "",
			       r->rows[i].omp ? r->rows[i].omp : "", r->rows[i].error);
	printf("\nrun %lld %s in %s: %zu cell%s, %d failed\n", (long long)r->run_id, run_status,
	       r->db_path, r->n, bb_plural((long long)r->n), failed);
	return failed;
}
