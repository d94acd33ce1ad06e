/*
 * The HTML report of one run (`blasbench report`): a single self-contained page — inline CSS,
 * charts as inline SVG drawn by gnuplot, no script, nothing fetched from the network — with
 * the host and its measured peak, each backend's probed stack, charts (GFLOP/s against size
 * with % of peak, thread scaling, scenario slowdowns, comparison ratios), and a table of every
 * cell, failures first.
 *
 * Every string that comes from outside (labels, aliases, paths, version strings, error
 * messages, anything read from the database) goes through bb_html_escape(); strings handed to
 * gnuplot go through bb_gp_quote() (reports/gnuplot.h).  The page is built in memory: the
 * caller decides where it goes (cmd_report writes FILE.tmp and renames it).
 */
#ifndef BB_REPORTS_HTML_H
#define BB_REPORTS_HTML_H

#include <stddef.h>

#include "common/strbuf.h"
#include "db/report_query.h"
#include "reports/answer.h"
#include "reports/compare.h"

/* ---- escaping -------------------------------------------------------------------------- */

/* Length in bytes (1-4) of the well-formed UTF-8 sequence at s, or 0 when the byte at s does
 * not start one (stray continuation byte, overlong form, surrogate, above U+10FFFF, cut
 * short).  *s must not be NUL. */
size_t bb_utf8_seq_len(const char *s);

/* Append s as HTML text or attribute value: & < > " ' become entities, each malformed UTF-8
 * byte becomes U+FFFD, control characters other than tab, newline and carriage return become
 * U+FFFD.  NULL appends nothing.  Safe in element content and in quoted attributes; never put
 * the result in a <script> or <style> element or an unquoted attribute. */
void bb_html_escape(bb_strbuf *out, const char *s);

/* ---- the report ------------------------------------------------------------------------ */

/* One row of the host's measured peak (GFLOP/s), as harness/host/peak/peak.c measured it. */
typedef struct bb_html_peak_level {
	const char *level; /* "avx512", "avx2", "generic" */
	double d_core, d_all, s_core, s_all;
} bb_html_peak_level;

typedef struct bb_html_input {
	const bb_db_report_run *run;
	const bb_html_peak_level *peak; /* NULL/0 levels: the host's peak is not known */
	size_t n_peak;
	int peak_threads;               /* threads of the "all" figures */
	const char *peak_note;          /* which peak the run's % of peak is computed against and
	                                   how far it can be trusted (plain text); NULL none */
	const bb_cmp_report *cmp;       /* --compare: this run (candidate) against a base; or NULL */
	const char *gnuplot;            /* the gnuplot program ("gnuplot" or $BLASBENCH_GNUPLOT) */
	const char *gnuplot_dir;        /* --gnuplot DIR: keep .dat/.gp there (must exist); NULL:
	                                   a temporary directory, removed afterwards */
	int progress;                   /* say on stderr when drawing takes over a second */
	const char *generator;          /* "blasbench 0.1.0", shown at the bottom */
	bb_answer_family_fn family;     /* groups the answer table's rows (BLAS-1/2/3, LAPACK);
	                                   NULL: one group */
	bb_answer_overrides_fn overrides; /* kernel overrides diagnose can try (answer.h) */
} bb_html_input;

typedef struct bb_html_result {
	int charts;         /* charts inlined as SVG */
	int charts_planned; /* charts the data called for */
	int charts_failed;  /* gnuplot ran but failed for these (each said on stderr) */
	int cells;          /* rows in the cell table */
	int failures;       /* cells with a status other than ok and skipped */
	char charts_missing[256]; /* why there are no charts at all ("gnuplot not found..."), or "" */
} bb_html_result;

/* Build the page into out.  Charts that cannot be drawn leave a note in the page, not an
 * error; returns -1 (err set, out unspecified) only when the .dat/.gp files cannot be written to
 * in->gnuplot_dir. */
int bb_html_report(const bb_html_input *in, bb_strbuf *out, bb_html_result *res, char *err,
		   size_t errlen);

#endif
