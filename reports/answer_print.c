/*
 * The answer on the terminal (see answer.h): the notes, then the side-by-side table, at most
 * `width` columns wide.  Each backend column is "GFLOP/s  %PEAK  RATIO": RATIO is '*' for the
 * fastest of the row and "0.52x" (its speed over the fastest's) for the others.
 */
#include "reports/answer.h"

#include <math.h>
#include <string.h>

void bb_answer_cell_text(const bb_answer *a, const bb_answer_row *r, size_t col, int with_pct,
                         char *buf, size_t len)
{
	(void)a;
	const bb_db_report_cell *c = r->cells[col];
	if (!c)
		snprintf(buf, len, "-");
	else if (strcmp(c->status, "ok"))
		snprintf(buf, len, "%s", c->status);
	else if (with_pct && !isnan(c->pct_peak))
		snprintf(buf, len, "%.2f %3.0f%%", c->gflops, c->pct_peak);
	else if (with_pct)
		snprintf(buf, len, "%.2f    ?", c->gflops);
	else
		snprintf(buf, len, "%.2f", c->gflops);
}

void bb_answer_ratio_text(const bb_answer_row *r, size_t col, char *buf, size_t len)
{
	const bb_db_report_cell *c = r->cells[col];
	*buf = 0;
	if (r->best < 0 || !c || strcmp(c->status, "ok"))
		return;
	if ((int)col == r->best)
		snprintf(buf, len, "*");
	else
		snprintf(buf, len, "%.2fx", c->gflops / r->cells[r->best]->gflops);
}

static const char *const note_heads[] = {"failed",  "peak",   "scaling", "inherited",
                                         "skipped", "lapack", NULL};
static const char *const note_titles[] = {
    "FAILED", "FAR BELOW PEAK", "THREAD SCALING", "INHERITED", "SKIPPED", "LAPACK USED", NULL};

void bb_answer_print(const bb_answer *a, FILE *out, int width)
{
	for (size_t k = 0; note_heads[k]; k++)
		for (size_t i = 0; i < a->n_notes; i++)
			if (!strcmp(a->notes[i].kind, note_heads[k]))
				fprintf(out, "%-15s %s\n", note_titles[k], a->notes[i].text);
	if (a->n_notes)
		fputc('\n', out);
	if (!a->n_rows)
		return;
	int lw = 8, cw = 0, rw = 5;
	for (size_t r = 0; r < a->n_rows; r++)
		if ((int)strlen(a->rows[r].label) + 2 > lw)
			lw = (int)strlen(a->rows[r].label) + 2;
	if (lw > 30)
		lw = 30;
	int with_pct = a->any_pct;
	for (int attempt = 0; attempt < 2; attempt++) {
		cw = 0;
		char buf[64];
		for (size_t r = 0; r < a->n_rows; r++)
			for (size_t col = 0; col < a->n_cols; col++) {
				bb_answer_cell_text(a, &a->rows[r], col, with_pct, buf,
				                    sizeof(buf));
				if ((int)strlen(buf) > cw)
					cw = (int)strlen(buf);
			}
		if (cw < 7)
			cw = 7;
		if (lw + 4 + (int)a->n_cols * (cw + rw + 3) <= width || !with_pct)
			break;
		with_pct = 0; /* too wide: the ratio says more than the % of peak */
	}
	int colw = cw + rw + 3;
	/* header: the backend names over their columns, then what the columns hold */
	fprintf(out, "%-*s %3s", lw, "", "");
	for (size_t col = 0; col < a->n_cols; col++) {
		const char *alias = a->run->backends[a->col_backend[col]].alias;
		fprintf(out, " %*.*s", colw - 1, colw - 1, alias);
	}
	fputc('\n', out);
	fprintf(out, "%-*s %3s", lw, "WORKLOAD", "T");
	for (size_t col = 0; col < a->n_cols; col++)
		fprintf(out, "  %*s %*s", cw, with_pct ? "GFLOP/s %PEAK" : "GFLOP/s", rw, "RATIO");
	fputc('\n', out);
	int group = -1;
	for (size_t r = 0; r < a->n_rows; r++) {
		const bb_answer_row *row = &a->rows[r];
		if (row->group != group) {
			group = row->group;
			fprintf(out, "%s\n", bb_answer_group_names[group]);
		}
		char t[16];
		snprintf(t, sizeof(t), "%d", row->threads);
		fprintf(out, "  %-*.*s %3s", lw - 2, lw - 2, row->label, t);
		for (size_t col = 0; col < a->n_cols; col++) {
			char cell[64], ratio[32];
			bb_answer_cell_text(a, row, col, with_pct, cell, sizeof(cell));
			bb_answer_ratio_text(row, col, ratio, sizeof(ratio));
			fprintf(out, "  %*s %-*s", cw, cell, rw, ratio);
		}
		fputc('\n', out);
	}
	fprintf(out, "GFLOP/s%s; RATIO: speed over the fastest of the row (*)%s\n",
	        with_pct ? " and % of the measured peak" : "",
	        a->any_pct && !with_pct ? "; % of peak left out to fit" : "");
}
