/*
 * Private to the HTML report (reports/html*.c): the pieces html.c assembles into a page.
 * html_sections.c writes the tables (host, stacks, scenarios, comparison, cells);
 * html_charts.c turns a run's cells into gnuplot charts.  Nothing else includes this header.
 */
#ifndef BB_REPORTS_HTML_INTERNAL_H
#define BB_REPORTS_HTML_INTERNAL_H

#include "reports/gnuplot.h"
#include "reports/html.h"

/* A cell that failed: any status but ok, skipped and partial (some passes measured, the run
 * stopped: not a result, not a failure); an unknown word counts as a failure. */
int bb_html_cell_failed(const bb_db_report_cell *c);

/* The scenario parameters of a diagnose cell, when its params_json has all of "scenario",
 * "mitigation" (null reads "none"), "slowdown", "slowdown_ci_low", "slowdown_ci_high" (numbers
 * read NAN when null: a scenario that hung has no slowdown).
 * Returns 1 and fills the fields (strings point into *doc, which the caller frees with
 * bb_json_free), else 0 with *doc NULL. */
typedef struct bb_html_scenario {
	const char *scenario, *mitigation;
	double slowdown, ci_low, ci_high;
} bb_html_scenario;
struct bb_json;
int bb_html_scenario_of(const bb_db_report_cell *c, bb_html_scenario *s, struct bb_json **doc);

/* A per-call time in a readable unit ("1.234 ms"); "-" for NAN. */
void bb_html_time(double s, char *buf, size_t len);

/* <table> building: a header row from a NULL-terminated list, cells escaped. */
void bb_html_table_begin(bb_strbuf *out, const char *id, const char *const *header);
void bb_html_td(bb_strbuf *out, const char *cls, const char *text);

/* The answer: attention notes and the side-by-side table (html_answer.c). */
void bb_html_answer_section(bb_strbuf *out, const bb_html_input *in);
/* Sections, each one <section> with an id (html_sections.c). */
void bb_html_host_section(bb_strbuf *out, const bb_html_input *in);
/* Every host of a database holding several, by host class (reports/html_hosts.c). */
void bb_html_hosts_section(bb_strbuf *out, const bb_db_report_run *run);
void bb_html_stacks_section(bb_strbuf *out, const bb_db_report_run *run);
void bb_html_scenarios_section(bb_strbuf *out, const bb_db_report_run *run);
void bb_html_compare_section(bb_strbuf *out, const bb_cmp_report *cmp);
/* The cell table, failures first; returns the number of rows and counts the failures. */
int bb_html_cells_section(bb_strbuf *out, const bb_db_report_run *run, int *failures);

/* The charts the data calls for, in page order (html_charts.c).  Caller frees each with
 * bb_gp_chart_free() and the array with free(). */
void bb_html_charts_build(const bb_html_input *in, bb_gp_chart ***charts, size_t *n);

#endif
