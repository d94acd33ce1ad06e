/*
 * The tables of the HTML report (reports/html_internal.h): the host and its measured peak,
 * each backend's probed stack, the scenario findings of a diagnose run, the comparison with a
 * base run, and every cell, failures first.  Records stored as JSON are read field by field;
 * a field that is absent or null shows as "unknown", never as a guess.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "common/number.h"
#include "harness/host/peak/peak.h"
#include "reports/html_internal.h"

/* A JSON value as short text: strings as is, numbers %g, booleans yes/no, absent "unknown". */
static void value_text(const bb_json *v, char *buf, size_t len)
{
	if (!v || bb_json_is_null(v))
		snprintf(buf, len, "unknown");
	else if (v->type == BB_JSON_STRING)
		snprintf(buf, len, "%s", v->string);
	else if (v->type == BB_JSON_NUMBER)
		snprintf(buf, len, "%g", v->number);
	else if (v->type == BB_JSON_BOOL)
		snprintf(buf, len, "%s", v->boolean ? "yes" : "no");
	else {
		bb_strbuf sb = BB_STRBUF_INIT;
		bb_json_writer w;
		bb_jw_init(&w, &sb, 0);
		bb_jw_value(&w, v);
		snprintf(buf, len, "%s", sb.buf);
		bb_strbuf_release(&sb);
	}
}

static void kv_row(bb_strbuf *out, const char *name, const char *text, const char *cls)
{
	bb_strbuf_adds(out, "<tr><th>");
	bb_html_escape(out, name);
	bb_strbuf_adds(out, "</th>");
	bb_html_td(out, cls, text);
	bb_strbuf_adds(out, "</tr>\n");
}

static void kv_json(bb_strbuf *out, const char *name, const bb_json *v)
{
	char buf[1024];
	value_text(v, buf, sizeof(buf));
	kv_row(out, name, buf, NULL);
}

/* A field whose null means "none" rather than "unknown" (the OpenMP runtime of a stack). */
static void kv_json_none(bb_strbuf *out, const char *name, const bb_json *v)
{
	if (bb_json_is_null(v))
		kv_row(out, name, "none", NULL);
	else
		kv_json(out, name, v);
}

static const bb_json *at(const bb_json *o, const char *a, const char *b)
{
	return bb_json_get(bb_json_get(o, a), b);
}

static void bytes_text(double b, char *buf, size_t len)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;
	if (!(b >= 0)) {
		snprintf(buf, len, "unknown");
		return;
	}
	while (b >= 1024 && u < 4)
		b /= 1024, u++;
	snprintf(buf, len, "%.*f %s", u && b < 10 ? 1 : 0, b, unit[u]);
}

static bb_json *parse(const char *text)
{
	char err[128];
	return text ? bb_json_parse(text, strlen(text), err, sizeof(err)) : NULL;
}

/* ---- host ------------------------------------------------------------------------------ */

static void peak_table(bb_strbuf *out, const bb_html_input *in)
{
	if (in->peak_note) {
		bb_strbuf_addf(out, "<p class=\"%s\" id=\"peak-source\">",
			       in->n_peak ? "peak-source" : "warn");
		bb_html_escape(out, in->peak_note);
		bb_strbuf_adds(out, "</p>\n");
	}
	if (!in->n_peak) {
		if (!in->peak_note)
			bb_strbuf_adds(out, "<p class=\"warn\">This host's peak was not measured: % of "
					    "peak is not known (<code>blasbench info</code> measures "
					    "it).</p>\n");
		return;
	}
	bb_strbuf_addf(out,
		       "<h3>Measured peak (GFLOP/s, FMA loop; \"all\" = %d thread%s)</h3>\n",
		       in->peak_threads, bb_plural(in->peak_threads));
	bb_html_table_begin(out, "peak",
			    (const char *[]){"level", "double, 1 core", "double, all", "single, 1 core",
					     "single, all", NULL});
	for (size_t i = 0; i < in->n_peak; i++) {
		const bb_html_peak_level *l = &in->peak[i];
		char v[4][32];
		double x[4] = {l->d_core, l->d_all, l->s_core, l->s_all};
		for (int k = 0; k < 4; k++)
			snprintf(v[k], sizeof(v[k]), "%.1f", x[k]);
		bb_strbuf_adds(out, "<tr>");
		bb_html_td(out, NULL, l->level);
		for (int k = 0; k < 4; k++)
			bb_html_td(out, "num", v[k]);
		bb_strbuf_adds(out, "</tr>\n");
	}
	bb_strbuf_adds(out, "</tbody></table>\n<p>% of peak: a cell's GFLOP/s against the best "
			    "level's one-core figure for one thread, and for N threads against the "
			    "all-cores figure or N &times; one core, whichever is lower.</p>\n");
}

void bb_html_host_section(bb_strbuf *out, const bb_html_input *in)
{
	const bb_db_report_run *run = in->run;
	bb_json *h = parse(run->host_json);
	char buf[512], a[64], b[64], c[64];
	bb_strbuf_adds(out, "<section id=\"host\">\n<h2>Host</h2>\n");
	if (!h) {
		bb_strbuf_adds(out, "<p class=\"warn\">No host record is stored for this run.</p>\n");
	} else {
		bb_strbuf_adds(out, "<table class=\"kv\"><tbody>\n");
		kv_json(out, "hostname", bb_json_get(h, "hostname"));
		kv_json(out, "CPU", bb_json_get(h, "cpu_model"));
		kv_json(out, "vendor", bb_json_get(h, "cpu_vendor"));
		kv_json(out, "machine", bb_json_get(h, "machine"));
		const bb_json *t = bb_json_get(h, "topology");
		long long cores = bb_json_int(bb_json_get(t, "cores"), 0),
			  pus = bb_json_int(bb_json_get(t, "pus"), 0);
		snprintf(buf, sizeof(buf), "%lld package(s), %lld core%s, %lld hardware thread%s, %lld "
			 "NUMA node(s)",
			 bb_json_int(bb_json_get(t, "packages"), 0), cores, bb_plural(cores), pus,
			 bb_plural(pus),
			 bb_json_int(bb_json_get(t, "numa_nodes"), 0));
		kv_row(out, "topology", t ? buf : "unknown", NULL);
		bytes_text(bb_json_num(at(t, "l1d", "size_bytes"), NAN), a, sizeof(a));
		bytes_text(bb_json_num(at(t, "l2", "size_bytes"), NAN), b, sizeof(b));
		bytes_text(bb_json_num(at(t, "l3", "size_bytes"), NAN), c, sizeof(c));
		snprintf(buf, sizeof(buf), "L1d %s, L2 %s, L3 %s (each instance)", a, b, c);
		kv_row(out, "caches", t ? buf : "unknown", NULL);
		bytes_text(bb_json_num(bb_json_get(h, "memory_bytes"), NAN), a, sizeof(a));
		kv_row(out, "memory", a, NULL);
		snprintf(buf, sizeof(buf), "%s %s %s", bb_json_str(bb_json_get(h, "os"), "?"),
			 bb_json_str(bb_json_get(h, "os_release"), ""),
			 bb_json_str(bb_json_get(h, "kernel_version"), ""));
		kv_row(out, "operating system", buf, NULL);
		kv_json(out, "C library", bb_json_get(h, "libc_version"));
		kv_json(out, "virtual machine", bb_json_get(h, "hypervisor"));
		kv_json(out, "clock source", at(h, "clock", "source"));
		kv_json(out, "CPU MHz (cpuinfo)", at(h, "cpu_frequency", "cpuinfo_mhz"));
		kv_row(out, "fingerprint", run->host_fingerprint, "mono");
		bb_strbuf_adds(out, "</tbody></table>\n");
	}
	peak_table(out, in);
	bb_strbuf_adds(out, "</section>\n");
	bb_json_free(h);
}

/* ---- stacks ---------------------------------------------------------------------------- */

static void objects_table(bb_strbuf *out, const bb_json *objs)
{
	if (!bb_json_len(objs))
		return;
	bb_html_table_begin(out, NULL,
			    (const char *[]){"shared object", "soname", "role", "size", "sha256",
					     NULL});
	for (size_t i = 0; i < bb_json_len(objs); i++) {
		const bb_json *o = bb_json_at(objs, i);
		const char *path = bb_json_str(bb_json_get(o, "path"), NULL);
		const char *real = bb_json_str(bb_json_get(o, "realpath"), NULL);
		char size[64];
		bytes_text(bb_json_num(bb_json_get(o, "size"), NAN), size, sizeof(size));
		bb_strbuf_adds(out, "<tr><td class=\"mono\">");
		bb_html_escape(out, path ? path : real ? real : "unknown");
		if (real && path && strcmp(real, path)) {
			bb_strbuf_adds(out, "<br>&rarr; ");
			bb_html_escape(out, real);
		}
		bb_strbuf_adds(out, "</td>");
		bb_html_td(out, "mono", bb_json_str(bb_json_get(o, "soname"), NULL));
		bb_html_td(out, NULL, bb_json_bool(bb_json_get(o, "own"), 0) ? "own" : "dependency");
		bb_html_td(out, "num", size);
		bb_html_td(out, "mono", bb_json_str(bb_json_get(o, "sha256"), "unknown"));
		bb_strbuf_adds(out, "</tr>\n");
	}
	bb_strbuf_adds(out, "</tbody></table>\n");
}

/* A row of VAR=VALUE pairs from a record's JSON object ({} shows `none`). */
static void env_row(bb_strbuf *out, const char *label, const bb_json *env, const char *none)
{
	bb_strbuf e = BB_STRBUF_INIT;
	for (size_t i = 0; env && env->type == BB_JSON_OBJECT && i < env->n; i++)
		bb_strbuf_addf(&e, "%s%s=%s", i ? " " : "", env->keys[i],
			       bb_json_str(env->items[i], ""));
	kv_row(out, label, e.len ? e.buf : none, "mono");
	bb_strbuf_release(&e);
}


static void stack(bb_strbuf *out, const bb_db_report_backend *b)
{
	bb_json *r = parse(b->record_json);
	char buf[1024], x[64], y[64], z[64];
	bb_strbuf_adds(out, "<div class=\"stack\">\n<h3>");
	bb_html_escape(out, b->alias);
	bb_strbuf_adds(out, "</h3>\n<table class=\"kv\"><tbody>\n");
	kv_row(out, "spec", b->spec, "mono");
	if (!r) {
		bb_strbuf_adds(out, "</tbody></table>\n<p class=\"warn\">No probed record is stored "
				    "for this backend.</p>\n</div>\n");
		return;
	}
	kv_json(out, "family", bb_json_get(r, "family"));
	kv_json(out, "version", bb_json_get(r, "version"));
	kv_json(out, "LAPACK version", bb_json_get(r, "lapack_version"));
	kv_json(out, "configuration", bb_json_get(r, "config"));
	kv_json(out, "kernel", bb_json_get(r, "kernel"));
	const bb_json *th = bb_json_get(r, "threads");
	value_text(bb_json_get(th, "layer"), x, sizeof(x));
	value_text(bb_json_get(th, "api"), y, sizeof(y));
	if (bb_json_is_null(bb_json_get(th, "api")))
		snprintf(buf, sizeof(buf), "%s", x);
	else
		snprintf(buf, sizeof(buf), "%s (set through %s)", x, y);
	kv_row(out, "threading", buf, NULL);
	value_text(bb_json_get(th, "default"), x, sizeof(x));
	value_text(bb_json_get(th, "requested"), y, sizeof(y));
	value_text(bb_json_get(th, "effective"), z, sizeof(z));
	snprintf(buf, sizeof(buf), "default %s, requested %s, effective %s (at probe time)", x, y, z);
	kv_row(out, "threads", buf, NULL);
	kv_json_none(out, "OpenMP runtime", bb_json_get(r, "omp_runtime"));
	kv_json_none(out, "Fortran runtime", bb_json_get(r, "fortran_runtime"));
	kv_json_none(out, "LAPACK's BLAS", bb_json_get(r, "lapack_blas"));
	const bb_json *abi = bb_json_get(r, "abi");
	value_text(bb_json_get(abi, "integer"), x, sizeof(x));
	value_text(bb_json_get(abi, "suffix"), y, sizeof(y));
	value_text(bb_json_get(abi, "cblas"), z, sizeof(z));
	snprintf(buf, sizeof(buf), "%s, symbol suffix '%s', CBLAS %s", x, y, z);
	kv_row(out, "ABI", buf, NULL);
	env_row(out, "environment", bb_json_get(r, "env"), "none set");
	/* what the process brought with it: absent in records from before it was recorded */
	if (bb_json_get(r, "inherited_env"))
		env_row(out, "inherited environment (kept)", bb_json_get(r, "inherited_env"), "none read");
	if (bb_json_bool(bb_json_get(r, "clean_env"), 0))
		env_row(out, "dropped by --clean-env", bb_json_get(r, "dropped_env"), "none");
	bb_strbuf_adds(out, "</tbody></table>\n");
	objects_table(out, bb_json_get(r, "objects"));
	const bb_json *notes = bb_json_get(r, "notes");
	if (bb_json_len(notes)) {
		bb_strbuf_adds(out, "<ul class=\"notes\">\n");
		for (size_t i = 0; i < bb_json_len(notes); i++) {
			value_text(bb_json_at(notes, i), buf, sizeof(buf));
			bb_strbuf_adds(out, "<li>");
			bb_html_escape(out, buf);
			bb_strbuf_adds(out, "</li>\n");
		}
		bb_strbuf_adds(out, "</ul>\n");
	}
	bb_strbuf_adds(out, "</div>\n");
	bb_json_free(r);
}

void bb_html_stacks_section(bb_strbuf *out, const bb_db_report_run *run)
{
	bb_strbuf_adds(out, "<section id=\"stacks\">\n<h2>Backends</h2>\n");
	if (!run->n_backends)
		bb_strbuf_adds(out, "<p>This run has no backends.</p>\n");
	for (size_t i = 0; i < run->n_backends; i++)
		stack(out, &run->backends[i]);
	bb_strbuf_adds(out, "</section>\n");
}

/* ---- scenarios ------------------------------------------------------------------------- */

int bb_html_scenario_of(const bb_db_report_cell *c, bb_html_scenario *s, bb_json **doc)
{
	*doc = parse(c->params_json);
	const bb_json *sc = bb_json_get(*doc, "scenario"), *mi = bb_json_get(*doc, "mitigation");
	const bb_json *sl = bb_json_get(*doc, "slowdown"), *lo = bb_json_get(*doc, "slowdown_ci_low");
	const bb_json *hi = bb_json_get(*doc, "slowdown_ci_high");
	if (!sc || sc->type != BB_JSON_STRING || !mi || !sl || !lo || !hi) {
		bb_json_free(*doc);
		*doc = NULL;
		return 0;
	}
	s->scenario = sc->string;
	s->mitigation = bb_json_str(mi, "none");
	s->slowdown = bb_json_num(sl, NAN); /* null: not measured (the scenario hung...) */
	s->ci_low = bb_json_num(lo, NAN);
	s->ci_high = bb_json_num(hi, NAN);
	return 1;
}

void bb_html_scenarios_section(bb_strbuf *out, const bb_db_report_run *run)
{
	int rows = 0;
	bb_strbuf_adds(out, "<section id=\"scenarios\">\n<h2>Threading scenarios</h2>\n");
	bb_html_table_begin(out, "scenario-table",
			    (const char *[]){"scenario", "backend", "mitigation", "slowdown",
					     "95% CI", "status", "error", NULL});
	for (size_t i = 0; i < run->n_cells; i++) {
		const bb_db_report_cell *c = &run->cells[i];
		bb_html_scenario s;
		bb_json *doc;
		if (!bb_html_scenario_of(c, &s, &doc))
			continue;
		char sl[32] = "-", ci[64];
		if (isfinite(s.slowdown))
			snprintf(sl, sizeof(sl), "%.2f\xC3\x97", s.slowdown);
		snprintf(ci, sizeof(ci), "%.2f \xE2\x80\x93 %.2f", s.ci_low, s.ci_high);
		bb_strbuf_adds(out, bb_html_cell_failed(c) ? "<tr class=\"failed\">" : "<tr>");
		bb_html_td(out, NULL, s.scenario);
		bb_html_td(out, NULL, run->backends ? run->backends[c->backend].alias : NULL);
		bb_html_td(out, NULL, s.mitigation);
		bb_html_td(out, "num", sl);
		bb_html_td(out, "num", isfinite(s.ci_low) && isfinite(s.ci_high) ? ci : "-");
		bb_html_td(out, bb_html_cell_failed(c) ? "st-failed" : "st-ok", c->status);
		bb_html_td(out, NULL, c->error);
		bb_strbuf_adds(out, "</tr>\n");
		bb_json_free(doc);
		rows++;
	}
	bb_strbuf_adds(out, "</tbody></table>\n");
	if (!rows)
		bb_strbuf_adds(out, "<p>No cell of this run carries scenario findings.</p>\n");
	else
		bb_strbuf_adds(out, "<p>Slowdown: the scenario's time over its own clean baseline "
				    "(1 = no slowdown), with the mitigation applied.</p>\n");
	bb_strbuf_adds(out, "</section>\n");
}

/* ---- comparison ------------------------------------------------------------------------ */

static void side_text(const bb_db_cmp_cell *c, char *buf, size_t len)
{
	if (!c)
		snprintf(buf, len, "-");
	else if (!bb_cmp_status_ok(c->status) || isnan(c->median_s))
		snprintf(buf, len, "%s", c->status ? c->status : "?");
	else
		bb_html_time(c->median_s, buf, len);
}

static void run_name(const bb_db_cmp_run *r, bb_strbuf *out)
{
	bb_strbuf_addf(out, "run %lld", (long long)r->id);
	if (r->label) {
		bb_strbuf_adds(out, " (");
		bb_html_escape(out, r->label);
		bb_strbuf_adds(out, ")");
	}
	bb_strbuf_adds(out, " in <code>");
	bb_html_escape(out, r->db_path);
	bb_strbuf_adds(out, "</code>");
}

void bb_html_compare_section(bb_strbuf *out, const bb_cmp_report *cmp)
{
	bb_strbuf_adds(out, "<section id=\"comparison\">\n<h2>Comparison</h2>\n<p>Base: ");
	run_name(cmp->base, out);
	bb_strbuf_adds(out, "<br>Candidate (this report): ");
	run_name(cmp->cand, out);
	bb_strbuf_addf(out,
		       "</p>\n<p>%zu cell%s: %d regression%s, %d improvement%s, %d inconclusive, %d "
		       "unchanged, %d missing, %d new (threshold %.1f%%). Change = candidate time "
		       "over base time - 1: positive is slower.</p>\n",
		       cmp->n_rows, bb_plural((long long)cmp->n_rows), cmp->regressions, cmp->regressions == 1 ? "" : "s",
		       cmp->improvements, cmp->improvements == 1 ? "" : "s", cmp->inconclusive,
		       cmp->unchanged, cmp->missing, cmp->added, cmp->threshold * 100);
	if (cmp->host_differs) {
		bb_strbuf_adds(out, "<p class=\"warn\">The two runs were measured on different hosts "
				    "(");
		bb_html_escape(out, cmp->base->host_fingerprint);
		bb_strbuf_adds(out, " vs ");
		bb_html_escape(out, cmp->cand->host_fingerprint);
		bb_strbuf_adds(out, "): differences may come from the machine, not the stack.</p>\n");
	}
	for (size_t i = 0; i < cmp->n_env_differs; i++) {
		bb_strbuf_adds(out, "<p class=\"warn\">The stacks differ in their inherited environment: ");
		bb_html_escape(out, cmp->env_differs[i]);
		bb_strbuf_adds(out, "</p>\n");
	}
	bb_html_table_begin(out, "compare-table",
			    (const char *[]){"backend", "workload", "base", "candidate", "change",
					     "95% CI", "p", "verdict", "differs", NULL});
	for (size_t i = 0; i < cmp->n_rows; i++) {
		const bb_cmp_row *row = &cmp->rows[i];
		char bs[64], cs[64], pct[32] = "-", ci[64] = "-", p[32] = "-", v[64];
		side_text(row->base, bs, sizeof(bs));
		side_text(row->cand, cs, sizeof(cs));
		if (!isnan(row->r.ratio))
			snprintf(pct, sizeof(pct), "%+.1f%%", (row->r.ratio - 1) * 100);
		if (!isnan(row->r.ci_low))
			snprintf(ci, sizeof(ci), "%+.1f%% \xE2\x80\xA6 %+.1f%%",
				 (row->r.ci_low - 1) * 100, (row->r.ci_high - 1) * 100);
		if (row->r.p < 0.001)
			snprintf(p, sizeof(p), "<0.001");
		else if (!isnan(row->r.p))
			snprintf(p, sizeof(p), "%.3f", row->r.p);
		snprintf(v, sizeof(v), "%s%s", bb_cmp_verdict_name(row->r.verdict),
			 row->r.outcome_changed ? " (outcome)" : "");
		bb_strbuf_addf(out, "<tr class=\"%s\">", bb_cmp_verdict_name(row->r.verdict));
		bb_html_td(out, NULL, row->backend);
		bb_html_td(out, "mono", row->workload);
		bb_html_td(out, "num", bs);
		bb_html_td(out, "num", cs);
		bb_html_td(out, "num", pct);
		bb_html_td(out, "num", ci);
		bb_html_td(out, "num", p);
		bb_html_td(out, NULL, v);
		bb_html_td(out, NULL, row->differs);
		bb_strbuf_adds(out, "</tr>\n");
	}
	bb_strbuf_adds(out, "</tbody></table>\n</section>\n");
}

/* ---- cells ----------------------------------------------------------------------------- */

static int status_rank(const bb_db_report_cell *c)
{
	return bb_html_cell_failed(c) ? 0 : !strcmp(c->status, "ok") ? 1 : 2;
}

typedef struct ranked {
	int rank;
	size_t i;
} ranked;

static int ranked_order(const void *pa, const void *pb)
{
	const ranked *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank - b->rank;
	return (a->i > b->i) - (a->i < b->i);
}

int bb_html_cells_section(bb_strbuf *out, const bb_db_report_run *run, int *failures)
{
	size_t n = run->n_cells;
	ranked *order = bb_xmalloc((n ? n : 1) * sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = (ranked){status_rank(&run->cells[i]), i};
	qsort(order, n, sizeof(*order), ranked_order);
	*failures = 0;
	int above = 0;
	bb_strbuf_adds(out, "<section id=\"cells\">\n<h2>Cells</h2>\n<p>Every cell of the run, "
			    "failures first. Times are per call; the CI is the 95% confidence "
			    "interval of the median over every pass.</p>\n");
	bb_html_table_begin(out, "cell-table",
			    (const char *[]){"backend", "workload", "threads", "status", "GFLOP/s",
					     "% peak", "median", "95% CI", "residual", "error", NULL});
	for (size_t i = 0; i < n; i++) {
		const bb_db_report_cell *c = &run->cells[order[i].i];
		int failed = bb_html_cell_failed(c);
		char th[64], gf[32] = "-", pk[32] = "-", med[32], lo[32], hi[32], ci[80] = "-",
			     res[32] = "-";
		*failures += failed;
		snprintf(th, sizeof(th), "%d", c->threads);
		if (c->threads_effective > 0 && c->threads_effective != c->threads)
			snprintf(th, sizeof(th), "%d (effective %d)", c->threads,
				 c->threads_effective);
		if (isfinite(c->gflops))
			snprintf(gf, sizeof(gf), "%.2f", c->gflops);
		if (isfinite(c->pct_peak))
			snprintf(pk, sizeof(pk), "%.0f%%%s", c->pct_peak,
				 c->pct_peak > BB_PEAK_ABOVE_PCT ? "!" : "");
		above |= c->pct_peak > BB_PEAK_ABOVE_PCT;
		bb_html_time(c->median_s, med, sizeof(med));
		bb_html_time(c->ci_low_s, lo, sizeof(lo));
		bb_html_time(c->ci_high_s, hi, sizeof(hi));
		if (isfinite(c->ci_low_s) && isfinite(c->ci_high_s))
			snprintf(ci, sizeof(ci), "%s \xE2\x80\x93 %s", lo, hi);
		if (isfinite(c->residual))
			snprintf(res, sizeof(res), "%.3g", c->residual);
		bb_strbuf_addf(out, "<tr class=\"cell %s\">",
			       failed ? "failed" : status_rank(c) == 1 ? "ok" : "skipped");
		bb_html_td(out, NULL, run->backends ? run->backends[c->backend].alias : NULL);
		bb_html_td(out, "mono", c->workload_key);
		bb_html_td(out, "num", th);
		bb_html_td(out, failed ? "st-failed" : status_rank(c) == 1 ? "st-ok" : NULL,
			   c->status);
		bb_html_td(out, "num", gf);
		bb_html_td(out, "num", pk);
		bb_html_td(out, "num", med);
		bb_html_td(out, "num", ci);
		bb_html_td(out, "num", res);
		bb_html_td(out, NULL, c->error);
		bb_strbuf_adds(out, "</tr>\n");
	}
	bb_strbuf_adds(out, "</tbody></table>\n");
	if (above)
		bb_strbuf_addf(out, "<p class=\"warn\" id=\"above-peak\">! above %.0f%% of the peak: a "
				    "cell cannot run faster than the peak, so that figure is too low "
				    "(measured while the machine was busy?).</p>\n",
			       BB_PEAK_ABOVE_PCT);
	bb_strbuf_adds(out, "</section>\n");
	free(order);
	return (int)n;
}
