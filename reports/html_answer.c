/*
 * The first thing the HTML report shows (see answer.h): what needs attention, then the
 * side-by-side table, a row per workload and thread count, a column group per backend
 * (GFLOP/s, % of peak, speed over the fastest; the fastest cell marked).  html.c puts it
 * beside the charts so both are on the first screen.
 */
#include <math.h>
#include <string.h>

#include "reports/answer.h"
#include "reports/html_internal.h"

static const char *const kinds[] = {"failed",  "peak",   "scaling", "inherited",
                                    "skipped", "lapack", NULL};
static const char *const titles[] = {
    "Failed", "Far below peak", "Thread scaling", "Inherited", "Skipped", "LAPACK used", NULL};

static void notes(bb_strbuf *out, const bb_answer *a)
{
	if (!a->n_notes)
		return;
	bb_strbuf_adds(out, "<ul class=\"attention\">\n");
	for (size_t k = 0; kinds[k]; k++)
		for (size_t i = 0; i < a->n_notes; i++) {
			if (strcmp(a->notes[i].kind, kinds[k]))
				continue;
			bb_strbuf_addf(out, "<li class=\"note-%s\"><b>%s</b> ", kinds[k],
			               titles[k]);
			bb_html_escape(out, a->notes[i].text);
			bb_strbuf_adds(out, "</li>\n");
		}
	bb_strbuf_adds(out, "</ul>\n");
}

void bb_html_answer_section(bb_strbuf *out, const bb_html_input *in)
{
	bb_answer a;
	bb_answer_build(&a, in->run, in->family, in->overrides);
	bb_strbuf_adds(out, "<section id=\"answer\">\n<h2>Which is fastest here</h2>\n");
	notes(out, &a);
	if (!a.n_rows) {
		bb_strbuf_adds(out, "<p>No cells in this run.</p>\n</section>\n");
		bb_answer_release(&a);
		return;
	}
	int span = a.any_pct ? 3 : 2;
	bb_strbuf_adds(out, "<div class=\"answer-box\"><table id=\"answer-table\">\n<thead><tr>"
	                    "<th rowspan=\"2\">workload</th><th rowspan=\"2\">threads</th>");
	for (size_t col = 0; col < a.n_cols; col++) {
		bb_strbuf_addf(out, "<th colspan=\"%d\" class=\"backend\">", span);
		bb_html_escape(out, in->run->backends[a.col_backend[col]].alias);
		bb_strbuf_adds(out, "</th>");
	}
	bb_strbuf_adds(out, "</tr>\n<tr>");
	for (size_t col = 0; col < a.n_cols; col++)
		bb_strbuf_addf(out, "<th>GFLOP/s</th>%s<th>ratio</th>",
		               a.any_pct ? "<th>%peak</th>" : "");
	bb_strbuf_adds(out, "</tr></thead>\n<tbody>\n");
	int group = -1;
	for (size_t r = 0; r < a.n_rows; r++) {
		const bb_answer_row *row = &a.rows[r];
		if (row->group != group) {
			group = row->group;
			bb_strbuf_addf(out,
			               "<tr class=\"group\"><th colspan=\"%zu\">%s</th></tr>\n",
			               2 + a.n_cols * (size_t)span, bb_answer_group_names[group]);
		}
		bb_strbuf_adds(out, "<tr class=\"row\">");
		bb_html_td(out, "mono", row->label);
		bb_strbuf_addf(out, "<td class=\"num\">%d</td>", row->threads);
		for (size_t col = 0; col < a.n_cols; col++) {
			const bb_db_report_cell *c = row->cells[col];
			char g[32] = "", p[32] = "", ratio[32] = "";
			int ok = c && !strcmp(c->status, "ok");
			const char *cls = (int)col == row->best ? "num best"
			                  : ok                  ? "num"
			                                        : "num st-other";
			if (ok) {
				snprintf(g, sizeof(g), "%.2f", c->gflops);
				if (!isnan(c->pct_peak))
					snprintf(p, sizeof(p), "%.0f%%", c->pct_peak);
			} else {
				snprintf(g, sizeof(g), "%s", c ? c->status : "-");
			}
			bb_answer_ratio_text(row, col, ratio, sizeof(ratio));
			if ((int)col == row->best)
				snprintf(ratio, sizeof(ratio), "best");
			bb_html_td(out, cls, g);
			if (a.any_pct)
				bb_html_td(out, "num", p);
			bb_html_td(out, (int)col == row->best ? "num best" : "num", ratio);
		}
		bb_strbuf_adds(out, "</tr>\n");
	}
	bb_strbuf_adds(out, "</tbody></table></div>\n<p class=\"legend\">GFLOP/s");
	if (a.any_pct)
		bb_strbuf_adds(out, ", % of the measured peak");
	bb_strbuf_adds(out,
	               " and each backend's speed over the fastest of its row (the fastest "
	               "in green).  Every cell, with its CI, is in <a href=\"#cells\">the cell "
	               "table</a>.</p>\n</section>\n");
	bb_answer_release(&a);
}
