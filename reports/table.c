/* Terminal tables (see table.h).  Widths count bytes; our cells are ASCII. */
#include "reports/table.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"

void bb_table_init(bb_table *t, const char *const *header)
{
	memset(t, 0, sizeof(*t));
	while (header[t->ncols])
		t->ncols++;
	t->header = bb_xcalloc(t->ncols, sizeof(char *));
	for (size_t i = 0; i < t->ncols; i++)
		t->header[i] = bb_xstrdup(header[i]);
}

void bb_table_row(bb_table *t, const char *const *cells)
{
	t->cells = bb_xrealloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(char *));
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = bb_xstrdup(cells[i] && *cells[i] ? cells[i] : "-");
	t->nrows++;
}

void bb_table_print(const bb_table *t, FILE *out)
{
	size_t *w = bb_xcalloc(t->ncols, sizeof(size_t));
	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = strlen(t->header[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t len = strlen(t->cells[r * t->ncols + c]);
			if (len > w[c])
				w[c] = len;
		}
	}
	for (size_t r = 0; r <= t->nrows; r++) {
		char **row = r == 0 ? t->header : &t->cells[(r - 1) * t->ncols];
		for (size_t c = 0; c < t->ncols; c++) {
			if (c + 1 == t->ncols)
				fprintf(out, "%s\n", row[c]); /* no trailing blanks */
			else
				fprintf(out, "%-*s  ", (int)w[c], row[c]);
		}
	}
	free(w);
}

void bb_table_release(bb_table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->header[i]);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->header);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
