/*
 * Terminal tables: columns sized to their widest cell, two spaces apart, header in capitals.
 * bb_table t; bb_table_init(&t, (const char *[]){"BACKEND", "VERSION", NULL});
 * bb_table_row(&t, (const char *[]){"openblas", "0.3.21"}); bb_table_print(&t, stdout);
 * bb_table_release(&t).  Cells are copied; NULL or "" prints as "-".
 */
#ifndef BB_REPORTS_TABLE_H
#define BB_REPORTS_TABLE_H

#include <stddef.h>
#include <stdio.h>

typedef struct bb_table {
	size_t ncols;
	char **header;
	char **cells; /* rows * ncols */
	size_t nrows;
} bb_table;

void bb_table_init(bb_table *t, const char *const *header);
void bb_table_row(bb_table *t, const char *const *cells);
void bb_table_print(const bb_table *t, FILE *out);
void bb_table_release(bb_table *t);

#endif
