/*
 * Which charts a run calls for, and their data (reports/html_internal.h), in page order:
 *   1. GFLOP/s against size, one chart per routine (with its precision) measured at more than
 *      one size, one line per backend (and thread count), error bars from each cell's CI; a
 *      right-hand axis in % of peak when the chart has one thread count, and each line's best
 *      % of peak in its title;
 *   2. thread scaling, one chart per routine measured at more than one thread count: GFLOP/s
 *      against threads per backend, at the largest size that has several thread counts;
 *   3. scenario slowdowns of a diagnose run: one bar per scenario cell with its CI;
 *   4. comparison ratios (--compare): one bar per matched cell, worst first, with its CI.
 * The % of peak comes from what each cell recorded (gflops / pct_peak), so the chart agrees
 * with the table whatever peak rule the engine used.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "reports/html_internal.h"

#define MAX_BARS 60    /* a chart with more bars is unreadable: the worst / first ones */
#define MAX_LABEL 48   /* bytes of a bar label before it is cut */

#define COLOR_BAD 0xc0392bu
#define COLOR_GOOD 0x2e8b57u
#define COLOR_WARN 0xe69500u
#define COLOR_PLAIN 0x4a79a5u

typedef struct chart_list {
	bb_gp_chart **c;
	size_t n;
	const bb_db_report_run *run;
	char *perf; /* per cell: perf_cell(), computed once */
} chart_list;

static void push(chart_list *l, bb_gp_chart *c)
{
	l->c = bb_xrealloc(l->c, (l->n + 1) * sizeof(*l->c));
	l->c[l->n++] = c;
}

static long cell_size(const bb_db_report_cell *c)
{
	long s = c->m > c->n ? c->m : c->n;
	return s > c->k ? s : c->k;
}

/* A cell that measured a speed and is not a scenario (those have their own chart). */
static int is_perf_cell(const bb_db_report_cell *c)
{
	if (!c->status || strcmp(c->status, "ok") || !isfinite(c->gflops) || c->gflops <= 0)
		return 0;
	if (!c->params_json)
		return 1;
	char err[64];
	bb_json *p = bb_json_parse(c->params_json, strlen(c->params_json), err, sizeof(err));
	int scenario = bb_json_get(p, "scenario") != NULL;
	bb_json_free(p);
	return !scenario;
}

static double cell_peak(const bb_db_report_cell *c)
{
	return isfinite(c->pct_peak) && c->pct_peak > 0 ? c->gflops * 100 / c->pct_peak : NAN;
}

static void gflops_ci(const bb_db_report_cell *c, double *lo, double *hi)
{
	*lo = *hi = NAN;
	if (isfinite(c->flops) && c->ci_high_s > 0 && c->ci_low_s > 0) {
		*lo = c->flops / c->ci_high_s * 1e-9;
		*hi = c->flops / c->ci_low_s * 1e-9;
	}
}

static int same_routine(const bb_db_report_cell *a, const bb_db_report_cell *b)
{
	return a->prec == b->prec && a->routine && b->routine && !strcmp(a->routine, b->routine);
}

/* Cut s to at most MAX_LABEL bytes on a UTF-8 boundary, marking the cut with "...". */
static char *short_label(const char *s)
{
	size_t n = strlen(s);
	if (n <= MAX_LABEL)
		return bb_xstrdup(s);
	n = MAX_LABEL - 3;
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return bb_xasprintf("%.*s...", (int)n, s);
}

/* ---- 1 and 2: speed against size and against threads ------------------------------------ */

/* The series of chart c for backend b at t threads (creating it), titled with the alias and,
 * when the chart mixes thread counts, the count. */
static bb_gp_series *series_for(bb_gp_chart *c, size_t *keys, size_t b, int t, int with_t,
				const bb_db_report_run *run)
{
	size_t key = b * 100000u + (size_t)(t > 0 ? t : 0);
	for (size_t i = 0; i < c->n_series; i++)
		if (keys[i] == key)
			return &c->series[i];
	keys[c->n_series] = key;
	const char *alias = run->backends ? run->backends[b].alias : "?";
	char *title = with_t ? bb_xasprintf("%s t=%d", alias, t) : bb_xstrdup(alias);
	bb_gp_series *s = bb_gp_series_add(c, title);
	free(title);
	return s;
}

/* Append ", best NN% of peak" to each line's title, from its cells' recorded % of peak. */
static void best_pct_titles(bb_gp_chart *c, const double *best)
{
	for (size_t i = 0; i < c->n_series; i++) {
		if (!(best[i] > 0))
			continue;
		char *t = bb_xasprintf("%s (best %.0f%% of peak)", c->series[i].title, best[i]);
		free(c->series[i].title);
		c->series[i].title = t;
	}
}

static void size_chart(chart_list *l, const bb_db_report_cell *first)
{
	const bb_db_report_run *run = l->run;
	size_t n = run->n_cells;
	long size = 0;
	int threads = 0, seen = 0, more_sizes = 0, more_threads = 0;
	double peak = NAN;
	for (size_t i = 0; i < n; i++) {
		const bb_db_report_cell *c = &run->cells[i];
		if (!l->perf[i] || !same_routine(c, first))
			continue;
		if (!seen++)
			size = cell_size(c), threads = c->threads;
		more_sizes |= cell_size(c) != size;
		more_threads |= c->threads != threads;
		if (isnan(peak))
			peak = cell_peak(c);
	}
	if (!more_sizes)
		return;
	char title[160], name[96];
	snprintf(title, sizeof(title), "%s: GFLOP/s against size%s", first->routine,
		 more_threads ? " (t = threads)" : "");
	if (!more_threads)
		snprintf(title + strlen(title), sizeof(title) - strlen(title), ", %d thread%s", threads,
			 threads == 1 ? "" : "s");
	snprintf(name, sizeof(name), "%02zu-gflops-%s", l->n + 1, first->routine);
	bb_gp_chart *c = bb_gp_chart_new(BB_GP_LINES, name, title,
					 "size (largest of m, n, k; log scale)", "GFLOP/s");
	c->log2x = 1;
	size_t *keys = bb_xcalloc(n + 1, sizeof(size_t));
	double *best = bb_xcalloc(n + 1, sizeof(double));
	for (size_t i = 0; i < n; i++) {
		const bb_db_report_cell *cell = &run->cells[i];
		if (!l->perf[i] || !same_routine(cell, first))
			continue;
		bb_gp_series *s = series_for(c, keys, cell->backend, cell->threads, more_threads, run);
		double lo, hi;
		gflops_ci(cell, &lo, &hi);
		bb_gp_point_add(s, (double)cell_size(cell), cell->gflops, lo, hi, NULL, 0);
		size_t si = (size_t)(s - c->series);
		if (isfinite(cell->pct_peak) && cell->pct_peak > best[si])
			best[si] = cell->pct_peak;
	}
	best_pct_titles(c, best);
	if (!more_threads && peak > 0) {
		char y2[128];
		snprintf(y2, sizeof(y2), "%% of peak (peak %.1f GFLOP/s at %d thread%s)", peak,
			 threads, threads == 1 ? "" : "s");
		bb_gp_set_y2(c, 100 / peak, y2);
	}
	free(keys);
	free(best);
	push(l, c);
}

/* Whether the speed cells of one workload key were measured at more than one thread count. */
static int several_thread_counts(const chart_list *l, const char *wkey)
{
	int seen = 0, threads = 0;
	for (size_t i = 0; i < l->run->n_cells; i++) {
		const bb_db_report_cell *c = &l->run->cells[i];
		if (!l->perf[i] || !c->workload_key || strcmp(c->workload_key, wkey))
			continue;
		if (seen++ && c->threads != threads)
			return 1;
		threads = c->threads;
	}
	return 0;
}

static void threads_chart(chart_list *l, const bb_db_report_cell *first)
{
	const bb_db_report_run *run = l->run;
	const bb_db_report_cell *pick = NULL;
	for (size_t i = 0; i < run->n_cells; i++) {
		const bb_db_report_cell *c = &run->cells[i];
		if (!l->perf[i] || !same_routine(c, first) || !c->workload_key)
			continue;
		if ((!pick || cell_size(c) > cell_size(pick)) &&
		    several_thread_counts(l, c->workload_key))
			pick = c;
	}
	if (!pick)
		return;
	char title[256], name[96];
	snprintf(title, sizeof(title), "%s: GFLOP/s against threads", pick->workload_key);
	snprintf(name, sizeof(name), "%02zu-threads-%s", l->n + 1, pick->routine);
	bb_gp_chart *c =
	    bb_gp_chart_new(BB_GP_LINES, name, title, "threads (requested)", "GFLOP/s");
	c->integer_x = 1;
	size_t *keys = bb_xcalloc(run->n_cells + 1, sizeof(size_t));
	for (size_t i = 0; i < run->n_cells; i++) {
		const bb_db_report_cell *cell = &run->cells[i];
		if (!l->perf[i] || strcmp(cell->workload_key ? cell->workload_key : "",
					  pick->workload_key))
			continue;
		bb_gp_series *s = series_for(c, keys, cell->backend, 0, 0, run);
		double lo, hi;
		gflops_ci(cell, &lo, &hi);
		bb_gp_point_add(s, cell->threads, cell->gflops, lo, hi, NULL, 0);
	}
	free(keys);
	push(l, c);
}

/* ---- 3: scenario slowdowns ------------------------------------------------------------- */

static void slowdown_chart(chart_list *l)
{
	const bb_db_report_run *run = l->run;
	bb_gp_chart *c = NULL;
	bb_gp_series *s = NULL;
	size_t total = 0;
	for (size_t i = 0; i < run->n_cells; i++) {
		const bb_db_report_cell *cell = &run->cells[i];
		bb_html_scenario sc;
		bb_json *doc;
		if (!bb_html_scenario_of(cell, &sc, &doc))
			continue;
		if (!isfinite(sc.slowdown)) { /* the table says why */
			bb_json_free(doc);
			continue;
		}
		if (!c) {
			char name[32];
			snprintf(name, sizeof(name), "%02zu-slowdown", l->n + 1);
			c = bb_gp_chart_new(BB_GP_BARS, name,
					    "Threading scenarios: slowdown against each scenario's "
					    "clean baseline",
					    "scenario / backend / mitigation", "slowdown (x, 95% CI)");
			s = bb_gp_series_add(c, NULL);
			bb_gp_hline_add(c, 1, "no slowdown");
		}
		if (total++ < MAX_BARS) {
			char *full = bb_xasprintf("%s/%s/%s", sc.scenario,
						  run->backends ? run->backends[cell->backend].alias : "?",
						  sc.mitigation);
			char *label = short_label(full);
			unsigned color = sc.ci_low > 1.1      ? COLOR_BAD
					 : sc.slowdown > 1.1 ? COLOR_WARN
							     : COLOR_PLAIN;
			bb_gp_point_add(s, (double)s->n, sc.slowdown, sc.ci_low, sc.ci_high, label,
					color);
			free(label);
			free(full);
		}
		bb_json_free(doc);
	}
	if (!c)
		return;
	if (total > MAX_BARS) {
		char *t = bb_xasprintf("%s (first %d of %zu)", c->title, MAX_BARS, total);
		free(c->title);
		c->title = t;
	}
	push(l, c);
}

/* ---- 4: comparison --------------------------------------------------------------------- */

static unsigned verdict_color(bb_cmp_verdict v)
{
	return v == BB_CMP_REGRESSION    ? COLOR_BAD
	       : v == BB_CMP_IMPROVEMENT ? COLOR_GOOD
	       : v == BB_CMP_INCONCLUSIVE    ? COLOR_WARN
					 : COLOR_PLAIN;
}

static void compare_chart(chart_list *l, const bb_cmp_report *cmp)
{
	size_t total = 0;
	for (size_t i = 0; i < cmp->n_rows; i++)
		total += isfinite(cmp->rows[i].r.ratio);
	if (!total)
		return;
	char name[32], title[200];
	snprintf(name, sizeof(name), "%02zu-compare", l->n + 1);
	snprintf(title, sizeof(title), "Time ratio against base run %lld%s", (long long)cmp->base->id,
		 total > MAX_BARS ? " (worst first, cut)" : " (worst first)");
	bb_gp_chart *c = bb_gp_chart_new(BB_GP_BARS, name, title, "backend, workload, threads",
					 "candidate time / base time (95% CI)");
	bb_gp_series *s = bb_gp_series_add(c, NULL);
	char thr[64];
	snprintf(thr, sizeof(thr), "regression threshold +%.1f%%", cmp->threshold * 100);
	bb_gp_hline_add(c, 1, "no change");
	bb_gp_hline_add(c, 1 + cmp->threshold, thr);
	for (size_t i = 0; i < cmp->n_rows && s->n < MAX_BARS; i++) {
		const bb_cmp_row *row = &cmp->rows[i];
		if (!isfinite(row->r.ratio))
			continue;
		char *full = bb_xasprintf("%s %s", row->backend, row->workload);
		char *label = short_label(full);
		bb_gp_point_add(s, (double)s->n, row->r.ratio, row->r.ci_low, row->r.ci_high, label,
				verdict_color(row->r.verdict));
		free(label);
		free(full);
	}
	push(l, c);
}

void bb_html_charts_build(const bb_html_input *in, bb_gp_chart ***charts, size_t *n)
{
	const bb_db_report_run *run = in->run;
	chart_list l = {NULL, 0, run, bb_xcalloc(run->n_cells + 1, 1)};
	for (size_t i = 0; i < run->n_cells; i++)
		l.perf[i] = (char)is_perf_cell(&run->cells[i]);
	/* one chart of each kind per routine, the routines in the order the run measured them */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < run->n_cells; i++) {
			const bb_db_report_cell *c = &run->cells[i];
			size_t j = 0;
			if (!l.perf[i])
				continue;
			while (j < i && !(l.perf[j] && same_routine(&run->cells[j], c)))
				j++;
			if (j < i)
				continue;
			if (pass == 0)
				size_chart(&l, c);
			else
				threads_chart(&l, c);
		}
	if (run->kind && !strcmp(run->kind, "diagnose"))
		slowdown_chart(&l);
	if (in->cmp)
		compare_chart(&l, in->cmp);
	free(l.perf);
	*charts = l.c;
	*n = l.n;
}
