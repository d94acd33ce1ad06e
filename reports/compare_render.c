/*
 * Rendering a comparison (reports/compare.h): the terminal table (worst first), JSON, Markdown
 * for a PR comment, and JUnit XML for CI.  Every outside string is escaped for its format.
 * Each says what the comparison lacks (compare_gaps.c) where a reader looks first: WARNING lines
 * above the table, "warnings" in JSON, an error per missing cell and per run-wide gap in JUnit.
 */
#include "reports/compare.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/error.h"
#include "common/number.h"
#include "common/json.h"
#include "reports/table.h"

/* ---- renderers ------------------------------------------------------------------------- */

/* A per-call time with a readable unit, or the status for a cell that is not ok. */
static void side_text(const bb_db_cmp_cell *c, char *buf, size_t len)
{
	if (!c)
		snprintf(buf, len, "-");
	else if (!bb_cmp_status_ok(c->status) || isnan(c->median_s))
		snprintf(buf, len, "%s", c->status ? c->status : "?");
	else if (c->median_s >= 1)
		snprintf(buf, len, "%.4g s", c->median_s);
	else if (c->median_s >= 1e-3)
		snprintf(buf, len, "%.4g ms", c->median_s * 1e3);
	else
		snprintf(buf, len, "%.4g us", c->median_s * 1e6);
}

static void pct_text(double ratio, char *buf, size_t len)
{
	if (isnan(ratio))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.1f%%", (ratio - 1) * 100);
}

static void ci_text(const bb_cmp_result *r, char *buf, size_t len)
{
	if (isnan(r->ci_low))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "[%+.1f, %+.1f]", (r->ci_low - 1) * 100, (r->ci_high - 1) * 100);
}

static void p_text(double p, char *buf, size_t len)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else if (p < 0.001)
		snprintf(buf, len, "<0.001");
	else
		snprintf(buf, len, "%.3f", p);
}

/* What the DIFFERS column shows: the attribution beside a changed cell only. */
static const char *shown_differs(const bb_cmp_row *row)
{
	int changed = row->r.verdict == BB_CMP_REGRESSION || row->r.verdict == BB_CMP_IMPROVEMENT ||
	              row->r.verdict == BB_CMP_INCONCLUSIVE || row->r.outcome_changed;
	return changed && row->differs ? row->differs : "";
}

static void verdict_text(const bb_cmp_row *row, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", bb_cmp_verdict_name(row->r.verdict),
	         row->r.outcome_changed ? " (outcome)" : "");
}

static void run_name(const bb_db_cmp_run *r, char *buf, size_t len)
{
	snprintf(buf, len, "run %lld%s%s%s in %s", (long long)r->id, r->label ? " (" : "",
	         r->label ? r->label : "", r->label ? ")" : "", r->db_path ? r->db_path : "?");
}

/* What a run's %PEAK was computed against (options_json "peak", harness/host/peak/peak.h), written
 * to source and returned: its own peak measurement ("run"), the host's best-known one ("host"),
 * none ("none"); NULL when the run kept no peak (made before it was measured per run).
 * *disturbed: its measurement was. */
static const char *peak_source(const bb_db_cmp_run *r, char *source, size_t len, int *disturbed)
{
	bb_json *o = r->options_json
	                 ? bb_json_parse(r->options_json, strlen(r->options_json), NULL, 0)
	                 : NULL;
	const bb_json *p = bb_json_get(o, "peak");
	const char *s = bb_json_str(bb_json_get(p, "source"), NULL);
	*disturbed = bb_json_bool(bb_json_get(p, "disturbed"), 0);
	snprintf(source, len, "%s", s ? s : "");
	bb_json_free(o);
	return *source ? source : NULL;
}

/* "base: %PEAK against its own peak measurement; cand: ..." (the peak does not change a time,
 * but a disturbed peak measurement says the run started on a disturbed machine; why it was
 * judged so — spread, scaling, steal — is in the run's own record, not repeated here). */
static void peak_text(const bb_cmp_report *rep, char *buf, size_t len)
{
	const bb_db_cmp_run *runs[2] = {rep->base, rep->cand};
	size_t n = 0;
	buf[0] = 0;
	for (int i = 0; i < 2 && n < len; i++) {
		int disturbed;
		char source[16];
		const char *s = peak_source(runs[i], source, sizeof(source), &disturbed);
		const char *what = !s                  ? "no peak kept with the run"
		                   : !strcmp(s, "run") ? "against its own peak measurement"
		                   : !strcmp(s, "host")
		                       ? "against the host's best-known peak (its own "
		                         "measurement was disturbed; `report` says why)"
		                       : "not given (its peak measurement was disturbed and no "
		                         "undisturbed peak was on record; `report` says why)";
		int k = snprintf(buf + n, len - n, "%s%s: %%PEAK %s", i ? "; " : "",
		                 i ? "cand" : "base", what);
		n += k > 0 ? (size_t)k : 0;
	}
}

static void summary_text(const bb_cmp_report *rep, char *buf, size_t len)
{
	snprintf(
	    buf, len,
	    "%zu cell%s: %d regression%s, %d improvement%s, %d inconclusive, %d unchanged, %d missing, "
	    "%d new (threshold %.1f%%; CI over %s)",
	    rep->n_rows, bb_plural((long long)rep->n_rows), rep->regressions, rep->regressions == 1 ? "" : "s", rep->improvements,
	    rep->improvements == 1 ? "" : "s", rep->inconclusive, rep->unchanged, rep->missing,
	    rep->added, rep->threshold * 100,
	    rep->mode == BB_CMP_INTERLEAVED ? "passes measured side by side, paired"
	                                    : "passes, with the between-run noise");
}

static void host_warning(const bb_cmp_report *rep, char *buf, size_t len)
{
	snprintf(buf, len,
	         "WARNING: the two runs were measured on different hosts (%s vs %s): differences "
	         "may come from the machine, not the stack",
	         rep->base->host_fingerprint, rep->cand->host_fingerprint);
}

void bb_cmp_print_table(const bb_cmp_report *rep, FILE *out)
{
	char b[128], c[128], line[512];
	run_name(rep->base, b, sizeof(b));
	run_name(rep->cand, c, sizeof(c));
	fprintf(out, "base %s\ncand %s\n", b, c);
	peak_text(rep, line, sizeof(line));
	fprintf(out, "%s\n", line);
	if (rep->host_differs) {
		host_warning(rep, line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
	for (size_t i = 0; i < rep->n_env_differs; i++)
		fprintf(out, "stacks differ in their inherited environment: %s\n",
		        rep->env_differs[i]);
	if (rep->limits_differ && *rep->limits_differ)
		fprintf(out, "the process could use different CPUs or memory: %s\n", rep->limits_differ);
	for (int g = 0; g < BB_CMP_N_GAPS; g++)
		if (bb_cmp_has_gap(rep, (bb_cmp_gap)g)) {
			bb_cmp_gap_text(rep, (bb_cmp_gap)g, line, sizeof(line));
			fprintf(out, "WARNING: %s\n", line);
		}
	fprintf(out, "\n");
	bb_table t;
	bb_table_init(&t, (const char *[]){"BACKEND", "WORKLOAD", "BASE", "CAND", "CHANGE %",
	                                   "95% CI", "P", "VERDICT", "DIFFERS", NULL});
	for (size_t i = 0; i < rep->n_rows; i++) {
		const bb_cmp_row *row = &rep->rows[i];
		char bs[64], cs[64], pct[32], ci[64], p[16], v[48];
		side_text(row->base, bs, sizeof(bs));
		side_text(row->cand, cs, sizeof(cs));
		pct_text(row->r.ratio, pct, sizeof(pct));
		ci_text(&row->r, ci, sizeof(ci));
		p_text(row->r.p, p, sizeof(p));
		verdict_text(row, v, sizeof(v));
		bb_table_row(&t, (const char *[]){row->backend, row->workload, bs, cs, pct, ci, p,
		                                  v, shown_differs(row)});
	}
	bb_table_print(&t, out);
	bb_table_release(&t);
	/* an inconclusive cell is said aloud, with its CI and what would resolve it */
	int said = 0;
	for (size_t i = 0; i < rep->n_rows; i++) {
		const bb_cmp_row *row = &rep->rows[i];
		if (row->r.verdict != BB_CMP_INCONCLUSIVE)
			continue;
		bb_cmp_resolve_text(&row->r, rep->threshold, line, sizeof(line));
		fprintf(out, "%sinconclusive %s %s: %s\n", said++ ? "" : "\n", row->backend,
		        row->workload, line);
	}
	summary_text(rep, line, sizeof(line));
	fprintf(out, "\n%s\n", line);
}

static void json_run(bb_json_writer *w, const char *key, const bb_db_cmp_run *r)
{
	bb_jw_key(w, key);
	bb_jw_object_begin(w);
	bb_jw_kv_string(w, "db", r->db_path);
	bb_jw_kv_int(w, "run", r->id);
	bb_jw_kv_string(w, "label", r->label);
	bb_jw_kv_string(w, "status", r->status);
	bb_jw_kv_bool(w, "complete", bb_cmp_run_complete(r));
	bb_jw_kv_string(w, "host", r->host_fingerprint);
	int disturbed;
	char source[16];
	bb_jw_kv_string(w, "peak_source", peak_source(r, source, sizeof(source), &disturbed));
	bb_jw_kv_bool(w, "peak_disturbed", disturbed);
	bb_jw_object_end(w);
}

void bb_cmp_write_json(const bb_cmp_report *rep, bb_strbuf *out)
{
	bb_json_writer w;
	bb_jw_init(&w, out, 1);
	bb_jw_object_begin(&w);
	json_run(&w, "base", rep->base);
	json_run(&w, "candidate", rep->cand);
	bb_jw_kv_double(&w, "threshold", rep->threshold);
	bb_jw_kv_bool(&w, "host_differs", rep->host_differs);
	bb_jw_key(&w, "env_differs");
	bb_jw_array_begin(&w);
	for (size_t i = 0; i < rep->n_env_differs; i++)
		bb_jw_string(&w, rep->env_differs[i]);
	bb_jw_array_end(&w);
	bb_jw_kv_string(&w, "limits_differ", rep->limits_differ);
	bb_jw_key(&w, "summary");
	bb_jw_object_begin(&w);
	bb_jw_kv_int(&w, "cells", (long long)rep->n_rows);
	bb_jw_kv_int(&w, "regressions", rep->regressions);
	bb_jw_kv_int(&w, "improvements", rep->improvements);
	bb_jw_kv_int(&w, "inconclusive", rep->inconclusive);
	bb_jw_kv_int(&w, "unchanged", rep->unchanged);
	bb_jw_kv_int(&w, "missing", rep->missing);
	bb_jw_kv_int(&w, "new", rep->added);
	bb_jw_kv_int(&w, "candidate_failed", rep->cand_failed);
	bb_jw_kv_int(&w, "matched", rep->matched);
	bb_jw_kv_int(&w, "measured", rep->measured);
	bb_jw_object_end(&w);
	/* what the comparison lacks: [] when it covers every base cell with measurements */
	bb_jw_key(&w, "warnings");
	bb_jw_array_begin(&w);
	for (int g = 0; g < BB_CMP_N_GAPS; g++)
		if (bb_cmp_has_gap(rep, (bb_cmp_gap)g)) {
			char text[512];
			bb_cmp_gap_text(rep, (bb_cmp_gap)g, text, sizeof(text));
			bb_jw_object_begin(&w);
			bb_jw_kv_string(&w, "gap", bb_cmp_gap_name((bb_cmp_gap)g));
			bb_jw_kv_string(&w, "message", text);
			bb_jw_object_end(&w);
		}
	bb_jw_array_end(&w);
	bb_jw_key(&w, "cells");
	bb_jw_array_begin(&w);
	for (size_t i = 0; i < rep->n_rows; i++) {
		const bb_cmp_row *row = &rep->rows[i];
		const bb_db_cmp_cell *any = row->base ? row->base : row->cand;
		bb_jw_object_begin(&w);
		bb_jw_kv_string(&w, "backend", row->backend);
		bb_jw_kv_string(&w, "base_alias", row->base ? row->base->alias : NULL);
		bb_jw_kv_string(&w, "candidate_alias", row->cand ? row->cand->alias : NULL);
		bb_jw_kv_string(&w, "workload", any->workload_key);
		bb_jw_kv_int(&w, "threads", any->threads);
		bb_jw_kv_string(&w, "base_status", row->base ? row->base->status : NULL);
		bb_jw_kv_string(&w, "candidate_status", row->cand ? row->cand->status : NULL);
		bb_jw_kv_double(&w, "base_median_s", row->base ? row->base->median_s : NAN);
		bb_jw_kv_double(&w, "candidate_median_s", row->cand ? row->cand->median_s : NAN);
		bb_jw_kv_double(&w, "ratio", row->r.ratio);
		bb_jw_kv_double(&w, "ci_low", row->r.ci_low);
		bb_jw_kv_double(&w, "ci_high", row->r.ci_high);
		bb_jw_kv_double(&w, "p", row->r.p);
		bb_jw_kv_string(&w, "verdict", bb_cmp_verdict_name(row->r.verdict));
		bb_jw_kv_bool(&w, "outcome_changed", row->r.outcome_changed);
		bb_jw_kv_string(&w, "why", row->r.why);
		bb_jw_kv_string(&w, "unit", row->r.unit);
		bb_jw_kv_int(&w, "units", row->r.units);
		if (row->r.verdict == BB_CMP_INCONCLUSIVE) {
			char res[256];
			bb_cmp_resolve_text(&row->r, rep->threshold, res, sizeof(res));
			bb_jw_kv_int(&w, "more_units", row->r.more_units);
			bb_jw_kv_string(&w, "resolve", res);
		}
		bb_jw_kv_string(&w, "differs", row->differs);
		bb_jw_object_end(&w);
	}
	bb_jw_array_end(&w);
	bb_jw_object_end(&w);
}

/* Markdown table cell text: pipes and HTML-significant characters escaped, newlines flattened. */
static void md_escape(bb_strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '|':
			bb_strbuf_adds(out, "\\|");
			break;
		case '<':
			bb_strbuf_adds(out, "&lt;");
			break;
		case '>':
			bb_strbuf_adds(out, "&gt;");
			break;
		case '&':
			bb_strbuf_adds(out, "&amp;");
			break;
		case '`':
			bb_strbuf_adds(out, "\\`");
			break;
		case '\n':
		case '\r':
		case '\t':
			bb_strbuf_addc(out, ' ');
			break;
		default:
			bb_strbuf_addc(out, *s);
		}
	}
}

void bb_cmp_write_markdown(const bb_cmp_report *rep, bb_strbuf *out)
{
	char b[128], c[128], line[512];
	run_name(rep->base, b, sizeof(b));
	run_name(rep->cand, c, sizeof(c));
	bb_strbuf_adds(out, "### blasbench compare: ");
	md_escape(out, rep->regressions     ? "regressions found"
	               : bb_cmp_n_gaps(rep) ? "incomplete comparison"
	                                    : "no regression");
	bb_strbuf_adds(out, "\n\nBase: ");
	md_escape(out, b);
	bb_strbuf_adds(out, "  \nCandidate: ");
	md_escape(out, c);
	bb_strbuf_adds(out, "\n\n");
	if (rep->host_differs) {
		host_warning(rep, line, sizeof(line));
		bb_strbuf_adds(out, "> **");
		md_escape(out, line);
		bb_strbuf_adds(out, "**\n\n");
	}
	for (size_t i = 0; i < rep->n_env_differs; i++) {
		bb_strbuf_adds(out, "> stacks differ in their inherited environment: ");
		md_escape(out, rep->env_differs[i]);
		bb_strbuf_adds(out, "\n\n");
	}
	if (rep->limits_differ && *rep->limits_differ) {
		bb_strbuf_adds(out, "> the process could use different CPUs or memory: ");
		md_escape(out, rep->limits_differ);
		bb_strbuf_adds(out, "\n\n");
	}
	for (int g = 0; g < BB_CMP_N_GAPS; g++)
		if (bb_cmp_has_gap(rep, (bb_cmp_gap)g)) {
			bb_cmp_gap_text(rep, (bb_cmp_gap)g, line, sizeof(line));
			bb_strbuf_adds(out, "> **WARNING: ");
			md_escape(out, line);
			bb_strbuf_adds(out, "**\n\n");
		}
	summary_text(rep, line, sizeof(line));
	md_escape(out, line);
	bb_strbuf_adds(
	    out, "\n\n| Backend | Workload | Base | Candidate | Change | 95% CI | p | Verdict "
	         "| Differs |\n|---|---|---:|---:|---:|---:|---:|---|---|\n");
	for (size_t i = 0; i < rep->n_rows; i++) {
		const bb_cmp_row *row = &rep->rows[i];
		char bs[64], cs[64], pct[32], ci[64], p[16], v[48];
		side_text(row->base, bs, sizeof(bs));
		side_text(row->cand, cs, sizeof(cs));
		pct_text(row->r.ratio, pct, sizeof(pct));
		ci_text(&row->r, ci, sizeof(ci));
		p_text(row->r.p, p, sizeof(p));
		verdict_text(row, v, sizeof(v));
		const char *cells[] = {row->backend,      row->workload, bs, cs, pct, ci, p, v,
		                       shown_differs(row)};
		int bold = row->r.verdict == BB_CMP_REGRESSION || row->r.verdict == BB_CMP_MISSING;
		for (size_t k = 0; k < sizeof(cells) / sizeof(cells[0]); k++) {
			bb_strbuf_adds(out, "| ");
			if (k == 7 && bold)
				bb_strbuf_adds(out, "**");
			md_escape(out, cells[k]);
			if (k == 7 && bold)
				bb_strbuf_adds(out, "**");
			bb_strbuf_addc(out, ' ');
		}
		bb_strbuf_adds(out, "|\n");
	}
}

/* XML text/attribute escaping; control characters XML 1.0 cannot carry become '?'. */
static void xml_escape(bb_strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		switch (ch) {
		case '&':
			bb_strbuf_adds(out, "&amp;");
			break;
		case '<':
			bb_strbuf_adds(out, "&lt;");
			break;
		case '>':
			bb_strbuf_adds(out, "&gt;");
			break;
		case '"':
			bb_strbuf_adds(out, "&quot;");
			break;
		case '\'':
			bb_strbuf_adds(out, "&apos;");
			break;
		case '\n':
			bb_strbuf_adds(out, "&#10;");
			break;
		case '\t':
			bb_strbuf_adds(out, "&#9;");
			break;
		default:
			bb_strbuf_addc(out, ch < 0x20 || ch == 0x7f ? '?' : (char)ch);
		}
	}
}

static int row_fails(const bb_cmp_report *rep, const bb_cmp_row *row)
{
	return row->r.verdict == BB_CMP_REGRESSION ||
	       (rep->inconclusive_fails && row->r.verdict == BB_CMP_INCONCLUSIVE) ||
	       (row->cand && bb_cmp_status_failed(row->cand->status));
}

/* The gaps that concern the comparison as a whole (a missing cell has its own testcase). */
static int run_wide_gap(const bb_cmp_report *rep, int g)
{
	return g != BB_CMP_GAP_MISSING && bb_cmp_has_gap(rep, (bb_cmp_gap)g);
}

/* A testcase with an error for each run-wide gap: CI lists it beside the cells. */
static void junit_gaps(const bb_cmp_report *rep, bb_strbuf *out)
{
	for (int g = 0; g < BB_CMP_N_GAPS; g++) {
		if (!run_wide_gap(rep, g))
			continue;
		char text[512];
		bb_cmp_gap_text(rep, (bb_cmp_gap)g, text, sizeof(text));
		bb_strbuf_adds(out, "    <testcase classname=\"blasbench.comparison\" name=\"");
		xml_escape(out, bb_cmp_gap_name((bb_cmp_gap)g));
		bb_strbuf_adds(out, "\" time=\"0\">\n      <error type=\"");
		xml_escape(out, bb_cmp_gap_name((bb_cmp_gap)g));
		bb_strbuf_adds(out, "\" message=\"");
		xml_escape(out, text);
		bb_strbuf_adds(out, "\">");
		xml_escape(out, text);
		bb_strbuf_adds(out, "</error>\n    </testcase>\n");
	}
}

void bb_cmp_write_junit(const bb_cmp_report *rep, bb_strbuf *out)
{
	int failures = 0, errors = 0;
	size_t tests = rep->n_rows;
	for (size_t i = 0; i < rep->n_rows; i++) {
		failures += row_fails(rep, &rep->rows[i]);
		errors += rep->rows[i].r.verdict == BB_CMP_MISSING;
	}
	for (int g = 0; g < BB_CMP_N_GAPS; g++)
		if (run_wide_gap(rep, g))
			errors++, tests++;
	bb_strbuf_addf(
	    out,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites name=\"blasbench\" tests=\"%zu\" failures=\"%d\" errors=\"%d\">\n"
	    "  <testsuite name=\"blasbench compare\" tests=\"%zu\" failures=\"%d\" "
	    "errors=\"%d\">\n",
	    tests, failures, errors, tests, failures, errors);
	junit_gaps(rep, out);
	for (size_t i = 0; i < rep->n_rows; i++) {
		const bb_cmp_row *row = &rep->rows[i];
		char bs[64], cs[64], pct[32], ci[64], p[16], v[48], msg[512];
		side_text(row->base, bs, sizeof(bs));
		side_text(row->cand, cs, sizeof(cs));
		pct_text(row->r.ratio, pct, sizeof(pct));
		ci_text(&row->r, ci, sizeof(ci));
		p_text(row->r.p, p, sizeof(p));
		verdict_text(row, v, sizeof(v));
		snprintf(msg, sizeof(msg), "%s: %s -> %s, change %s, 95%% CI %s, p %s (%s)", v, bs,
		         cs, pct, ci, p, row->r.why ? row->r.why : "");
		double t = row->cand && !isnan(row->cand->median_s) ? row->cand->median_s : 0;
		bb_strbuf_adds(out, "    <testcase classname=\"blasbench.");
		xml_escape(out, row->backend);
		bb_strbuf_adds(out, "\" name=\"");
		xml_escape(out, row->workload);
		bb_strbuf_addf(out, "\" time=\"%.9f\">\n", t);
		if (row_fails(rep, row)) {
			bb_strbuf_adds(out, "      <failure type=\"");
			xml_escape(out, bb_cmp_verdict_name(row->r.verdict));
			bb_strbuf_adds(out, "\" message=\"");
			xml_escape(out, msg);
			bb_strbuf_adds(out, "\">");
			xml_escape(out, row->cand && row->cand->error ? row->cand->error : msg);
			if (row->differs && *row->differs) {
				bb_strbuf_adds(out, "&#10;differs: ");
				xml_escape(out, row->differs);
			}
			bb_strbuf_adds(out, "</failure>\n");
		} else if (row->r.verdict == BB_CMP_MISSING) {
			/* an error, not a skip: a cell the candidate lacks was never judged */
			bb_strbuf_adds(out, "      <error type=\"missing\" message=\"");
			xml_escape(out, msg);
			bb_strbuf_adds(out, "\">");
			xml_escape(out, row->cand && row->cand->error ? row->cand->error : msg);
			bb_strbuf_adds(out, "</error>\n");
		}
		bb_strbuf_adds(out, "      <system-out>");
		xml_escape(out, msg);
		bb_strbuf_adds(out, "</system-out>\n    </testcase>\n");
	}
	if (rep->host_differs) {
		char line[512];
		host_warning(rep, line, sizeof(line));
		bb_strbuf_adds(out, "    <system-err>");
		xml_escape(out, line);
		bb_strbuf_adds(out, "</system-err>\n");
	}
	bb_strbuf_adds(out, "  </testsuite>\n</testsuites>\n");
}
