/*
 * The HTML report page (reports/html.h): escaping, the page skeleton and its inline style,
 * the summary, and drawing the charts with gnuplot into inline SVG.  The tables are written by
 * html_sections.c and the charts' data chosen by html_charts.c.
 *
 * The page holds no <script> and loads nothing: it is meant to be mailed, attached to a CI
 * run, or opened from disk years later.
 */
#include "reports/html.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/number.h"
#include "reports/html_internal.h"

/* ---- escaping -------------------------------------------------------------------------- */

size_t bb_utf8_seq_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char c = p[0];
	/* the second byte's range depends on the first (RFC 3629 section 4): this rules out
	 * overlong forms, UTF-16 surrogates and code points above U+10FFFF */
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
	else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return len;
}

void bb_html_escape(bb_strbuf *out, const char *s)
{
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	for (const unsigned char *p = (const unsigned char *)s; p && *p;) {
		size_t len = bb_utf8_seq_len((const char *)p);
		if (!len) {
			bb_strbuf_adds(out, replacement);
			p++;
			continue;
		}
		switch (*p) {
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
			bb_strbuf_adds(out, "&#39;");
			break;
		case '\t':
		case '\n':
		case '\r':
			bb_strbuf_addc(out, (char)*p);
			break;
		default:
			/* C0 and C1 controls and DEL are parse errors in HTML: show that something
			 * was there without passing it on */
			if (*p < 0x20 || *p == 0x7f || (*p == 0xC2 && p[1] < 0xA0))
				bb_strbuf_adds(out, replacement);
			else
				bb_strbuf_add(out, p, len);
		}
		p += len;
	}
}

/* ---- helpers shared by the sections ----------------------------------------------------- */

int bb_html_cell_failed(const bb_db_report_cell *c)
{
	return !c->status ||
	       (strcmp(c->status, "ok") && strcmp(c->status, "skipped") && strcmp(c->status, "partial"));
}

void bb_html_time(double s, char *buf, size_t len)
{
	if (!isfinite(s))
		snprintf(buf, len, "-");
	else if (s >= 1)
		snprintf(buf, len, "%.4g s", s);
	else if (s >= 1e-3)
		snprintf(buf, len, "%.4g ms", s * 1e3);
	else if (s >= 1e-6)
		snprintf(buf, len, "%.4g \xC2\xB5s", s * 1e6);
	else
		snprintf(buf, len, "%.4g ns", s * 1e9);
}

void bb_html_table_begin(bb_strbuf *out, const char *id, const char *const *header)
{
	bb_strbuf_adds(out, "<table");
	if (id) {
		bb_strbuf_adds(out, " id=\"");
		bb_html_escape(out, id);
		bb_strbuf_adds(out, "\"");
	}
	bb_strbuf_adds(out, "><thead><tr>");
	for (size_t i = 0; header[i]; i++) {
		bb_strbuf_adds(out, "<th>");
		bb_html_escape(out, header[i]);
		bb_strbuf_adds(out, "</th>");
	}
	bb_strbuf_adds(out, "</tr></thead>\n<tbody>\n");
}

void bb_html_td(bb_strbuf *out, const char *cls, const char *text)
{
	bb_strbuf_adds(out, cls ? "<td class=\"" : "<td>");
	if (cls) {
		bb_html_escape(out, cls);
		bb_strbuf_adds(out, "\">");
	}
	bb_html_escape(out, text && *text ? text : "-");
	bb_strbuf_adds(out, "</td>");
}

/* ---- page ------------------------------------------------------------------------------ */

static const char style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
    "margin:0 auto;max-width:1280px;padding:1em 2em;color:#222;line-height:1.4}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #ddd;margin-top:2em}\n"
    "table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}\n"
    "th,td{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}\n"
    "th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "table.kv th{width:14em}code,.mono{font-family:ui-monospace,'DejaVu Sans Mono',monospace;"
    "font-size:.9em;word-break:break-all}\n"
    "tr.failed td{background:#fdecea}tr.skipped td{color:#777}\n"
    "td.st-ok{color:#1e7b34}td.st-failed{color:#b3261e;font-weight:bold}\n"
    "tr.regression td{background:#fdecea}tr.improvement td{background:#e8f5e9}\n"
    ".warn{background:#fff4e5;border-left:4px solid #e69500;padding:.5em 1em}\n"
    ".bad{background:#fdecea;border-left:4px solid #b3261e;padding:.5em 1em}\n"
    "figure.chart{margin:1em 0}figure.chart svg{max-width:100%;height:auto;display:block}\n"
    "figcaption{font-size:.85em;color:#555}.stack{margin-bottom:1.5em}\n"
    "nav a{margin-right:1em}footer{margin-top:3em;color:#777;font-size:.85em}\n"
    /* the first screen: the answer beside the charts, each scrolling in its own box */
    "body{max-width:none}.first{display:grid;grid-template-columns:minmax(0,1.2fr) "
    "minmax(0,1fr);gap:1.5em;align-items:start}\n"
    ".first h2{margin-top:.3em}.answer-box,.charts-box{max-height:calc(100vh - 14em);"
    "overflow:auto}\n#answer-table{margin:0}#answer-table thead th{position:sticky;top:0}\n"
    "#answer-table thead tr:nth-child(2) th{top:1.45em}#answer-table th.backend{text-align:center}\n"
    "#answer-table tr.group th{background:#e8eef7;text-align:left}\n"
    "#answer-table td.best{background:#e6f4ea;color:#1e7b34;font-weight:bold}\n"
    "#answer-table{font-size:.8em}#answer-table td,#answer-table th{padding:.1em .4em;"
    "white-space:nowrap}\n#answer-table td.st-other{color:#b3261e}ul.attention{margin:.3em 0 .6em;padding-left:1.2em;"
    "font-size:.85em}\nul.attention li{margin:.1em 0}.legend{font-size:.8em;color:#555}\n"
    "header h1{display:inline-block;margin:.2em 1em .2em 0}header p.run{display:inline;"
    "color:#555}\n@media (max-width:900px){.first{grid-template-columns:1fr}}\n";

static void page_begin(bb_strbuf *out, const bb_db_report_run *run)
{
	bb_strbuf_addf(out,
		       "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<title>blasbench report: run %lld",
		       (long long)run->id);
	if (run->label) {
		bb_strbuf_adds(out, " (");
		bb_html_escape(out, run->label);
		bb_strbuf_adds(out, ")");
	}
	bb_strbuf_addf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
	bb_strbuf_addf(out, "<header>\n<h1>blasbench report: run %lld", (long long)run->id);
	if (run->label) {
		bb_strbuf_adds(out, " <span class=\"label\">");
		bb_html_escape(out, run->label);
		bb_strbuf_adds(out, "</span>");
	}
	bb_strbuf_adds(out, "</h1>\n<p class=\"run\">");
	bb_html_escape(out, run->kind);
	bb_strbuf_adds(out, ", ");
	bb_html_escape(out, run->status);
	bb_strbuf_adds(out, ", started ");
	bb_html_escape(out, run->started);
	bb_strbuf_adds(out, " &middot; <a href=\"#run\">how it was run</a></p>\n</header>\n");
}

/* The run record (command, times, database), at the end of the page. */
static void run_section(bb_strbuf *out, const bb_db_report_run *run)
{
	bb_strbuf_adds(out, "<section id=\"run-record\">\n<h2>Run</h2>\n"
			    "<table class=\"kv\" id=\"run\"><tbody>\n");
	const char *rows[][2] = {
	    {"kind", run->kind},         {"status", run->status},  {"started", run->started},
	    {"finished", run->finished}, {"command", run->command}, {"blasbench", run->version},
	    {"database", run->db_path},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		bb_strbuf_adds(out, "<tr><th>");
		bb_html_escape(out, rows[i][0]);
		bb_strbuf_adds(out, "</th>");
		bb_html_td(out, i == 4 || i == 6 ? "mono" : NULL, rows[i][1]);
		bb_strbuf_adds(out, "</tr>\n");
	}
	bb_strbuf_adds(out, "</tbody></table>\n</section>\n");
}

static void nav(bb_strbuf *out, const bb_html_input *in)
{
	bb_strbuf_adds(out, "<nav><a href=\"#answer\">Answer</a><a href=\"#charts\">Charts</a>"
			    "<a href=\"#summary\">Summary</a><a href=\"#host\">Host</a>"
			    "<a href=\"#stacks\">Backends</a>");
	if (in->run->kind && !strcmp(in->run->kind, "diagnose"))
		bb_strbuf_adds(out, "<a href=\"#scenarios\">Scenarios</a>");
	if (in->run->n_hosts > 1)
		bb_strbuf_adds(out, "<a href=\"#hosts\">Hosts</a>");
	if (in->cmp)
		bb_strbuf_adds(out, "<a href=\"#comparison\">Comparison</a>");
	bb_strbuf_adds(out, "<a href=\"#cells\">Cells</a></nav>\n");
}

static void summary(bb_strbuf *out, const bb_db_report_run *run)
{
	int ok = 0, skipped = 0, failed = 0, partial = 0;
	for (size_t i = 0; i < run->n_cells; i++) {
		const bb_db_report_cell *c = &run->cells[i];
		if (bb_html_cell_failed(c))
			failed++;
		else if (!strcmp(c->status, "ok"))
			ok++;
		else if (!strcmp(c->status, "partial"))
			partial++;
		else
			skipped++;
	}
	bb_strbuf_addf(out,
		       "<section id=\"summary\">\n<h2>Summary</h2>\n<p>%zu cell%s on %zu backend%s: "
		       "%d ok, %d failed, %d skipped.</p>\n",
		       run->n_cells, bb_plural((long long)run->n_cells), run->n_backends,
		       bb_plural((long long)run->n_backends), ok, failed, skipped);
	if (failed)
		bb_strbuf_addf(out,
			       "<p class=\"bad\">%d cell%s failed (wrong result, crash, hang or "
			       "error): they are listed first in <a href=\"#cells\">the cell "
			       "table</a>.</p>\n",
			       failed, failed == 1 ? "" : "s");
	if (partial)
		bb_strbuf_addf(out,
			       "<p class=\"warn\">%d cell%s partial: the run was stopped after only "
			       "some of %s passes; not a result until <code>suite --resume</code> "
			       "measures the rest.</p>\n",
			       partial, partial == 1 ? " is" : "s are", partial == 1 ? "its" : "their");
	if (run->status && strcmp(run->status, "complete")) {
		bb_strbuf_adds(out, "<p class=\"warn\">This run is not complete (status ");
		bb_html_escape(out, run->status);
		bb_strbuf_adds(out, "): the report shows the cells recorded so far.</p>\n");
	}
	bb_strbuf_adds(out, "</section>\n");
}

/* ---- charts ---------------------------------------------------------------------------- */

typedef struct drawn {
	char *svg; /* the <svg> element, or NULL */
	char *why; /* why not, or NULL */
} drawn;

static void remove_chart_files(const char *dir, bb_gp_chart **charts, size_t n)
{
	static const char *const ext[] = {"dat", "gp", "svg"};
	for (size_t i = 0; i < n; i++)
		for (size_t e = 0; e < 3; e++) {
			char *p = bb_xasprintf("%s/%s.%s", dir, charts[i]->name, ext[e]);
			unlink(p);
			free(p);
		}
	rmdir(dir);
}

/* Write every chart's .dat/.gp (to in->gnuplot_dir or a temporary directory) and run gnuplot
 * on each.  -1 only when in->gnuplot_dir cannot be written. */
static int draw_charts(const bb_html_input *in, bb_gp_chart **charts, size_t n, drawn *d,
		       bb_html_result *res, char *err, size_t errlen)
{
	char why[200], tmpdir[4096] = "";
	int have = bb_gp_available(in->gnuplot, why, sizeof(why));
	const char *dir = in->gnuplot_dir;
	if (!have)
		snprintf(res->charts_missing, sizeof(res->charts_missing),
			 "gnuplot is not available (%s)", why);
	if (!n)
		return 0;
	if (!dir && have) {
		const char *t = getenv("TMPDIR");
		snprintf(tmpdir, sizeof(tmpdir), "%s/blasbench-report-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(tmpdir)) {
			snprintf(res->charts_missing, sizeof(res->charts_missing),
				 "cannot create a temporary directory for gnuplot in '%s': %s",
				 t && *t ? t : "/tmp", strerror(errno));
			return 0;
		}
		dir = tmpdir;
	}
	for (size_t i = 0; dir && i < n; i++) {
		if (bb_gp_write(charts[i], dir, err, errlen) == 0)
			continue;
		if (!*tmpdir)
			return -1;
		snprintf(res->charts_missing, sizeof(res->charts_missing), "%s", err);
		remove_chart_files(tmpdir, charts, n);
		return 0;
	}
	double t0 = bb_now();
	int said = 0;
	for (size_t i = 0; have && i < n; i++) {
		char prefix[32], e[512];
		snprintf(prefix, sizeof(prefix), "c%zu-", i + 1);
		if (bb_gp_render_svg(in->gnuplot, dir, charts[i], prefix, &d[i].svg, e, sizeof(e))) {
			d[i].why = bb_xstrdup(e);
			res->charts_failed++;
			if (said)
				fputc('\n', stderr), said = 0;
			bb_warning("chart '%s' could not be drawn: %s", charts[i]->name, e);
		} else {
			res->charts++;
		}
		if (in->progress && bb_now() - t0 > 1.0) {
			fprintf(stderr, "\rdrawing charts with gnuplot: %zu/%zu", i + 1, n);
			said = 1;
		}
	}
	if (said)
		fputc('\n', stderr);
	if (*tmpdir)
		remove_chart_files(tmpdir, charts, n);
	return 0;
}

static void charts_section(bb_strbuf *out, const bb_html_input *in, bb_gp_chart **charts,
			   const drawn *d, size_t n, const bb_html_result *res)
{
	bb_strbuf_adds(out, "<section id=\"charts\">\n<h2>Charts</h2>\n<div class=\"charts-box\">\n");
	if (!n)
		bb_strbuf_adds(out, "<p>No charts: the run has no series to plot (a chart needs "
				    "one routine at several sizes or thread counts, scenario "
				    "slowdowns, or --compare).</p>\n");
	if (n && *res->charts_missing) {
		bb_strbuf_adds(out, "<p class=\"warn\" id=\"charts-missing\">Charts are missing: ");
		bb_html_escape(out, res->charts_missing);
		bb_strbuf_adds(out, ". Install gnuplot (Debian: gnuplot-nox) or point "
				    "BLASBENCH_GNUPLOT at it and run the report again");
		if (in->gnuplot_dir) {
			bb_strbuf_adds(out, ", or run the scripts written to <code>");
			bb_html_escape(out, in->gnuplot_dir);
			bb_strbuf_adds(out, "</code>");
		}
		bb_strbuf_adds(out, ".</p>\n");
	}
	for (size_t i = 0; i < n; i++) {
		bb_strbuf_adds(out, "<figure class=\"chart\" id=\"chart-");
		bb_html_escape(out, charts[i]->name);
		bb_strbuf_adds(out, "\">\n");
		if (d[i].svg) {
			bb_strbuf_adds(out, d[i].svg);
			bb_strbuf_addc(out, '\n');
		} else if (d[i].why) {
			bb_strbuf_adds(out, "<p class=\"warn\">This chart could not be drawn: ");
			bb_html_escape(out, d[i].why);
			bb_strbuf_adds(out, "</p>\n");
		}
		bb_strbuf_adds(out, "<figcaption>");
		bb_html_escape(out, charts[i]->title);
		if (in->gnuplot_dir) {
			bb_strbuf_adds(out, " \xE2\x80\x94 <code>");
			bb_html_escape(out, charts[i]->name);
			bb_strbuf_adds(out, ".gp</code>, <code>");
			bb_html_escape(out, charts[i]->name);
			bb_strbuf_adds(out, ".dat</code>");
		}
		bb_strbuf_adds(out, "</figcaption>\n</figure>\n");
	}
	bb_strbuf_adds(out, "</div>\n</section>\n");
}

int bb_html_report(const bb_html_input *in, bb_strbuf *out, bb_html_result *res, char *err,
		   size_t errlen)
{
	bb_gp_chart **charts = NULL;
	size_t n = 0;
	int ret = -1;
	memset(res, 0, sizeof(*res));
	bb_html_charts_build(in, &charts, &n);
	res->charts_planned = (int)n;
	drawn *d = bb_xcalloc(n ? n : 1, sizeof(*d));
	if (draw_charts(in, charts, n, d, res, err, errlen))
		goto cleanup;

	page_begin(out, in->run);
	nav(out, in);
	/* the first screen: the answer beside the charts */
	bb_strbuf_adds(out, "<div class=\"first\">\n");
	bb_html_answer_section(out, in);
	charts_section(out, in, charts, d, n, res);
	bb_strbuf_adds(out, "</div>\n");
	summary(out, in->run);
	bb_html_host_section(out, in);
	bb_html_hosts_section(out, in->run);
	bb_html_stacks_section(out, in->run);
	if (in->run->kind && !strcmp(in->run->kind, "diagnose"))
		bb_html_scenarios_section(out, in->run);
	if (in->cmp)
		bb_html_compare_section(out, in->cmp);
	res->cells = bb_html_cells_section(out, in->run, &res->failures);
	run_section(out, in->run);
	bb_strbuf_adds(out, "<footer>Written by ");
	bb_html_escape(out, in->generator ? in->generator : "blasbench");
	bb_strbuf_adds(out, ". Self-contained: no scripts, nothing loaded from the network."
			    "</footer>\n</body>\n</html>\n");
	ret = 0;
cleanup:
	for (size_t i = 0; i < n; i++) {
		free(d[i].svg);
		free(d[i].why);
		bb_gp_chart_free(charts[i]);
	}
	free(d);
	free(charts);
	return ret;
}
