/*
 * The answer of a run: one side-by-side table (a row per workload and thread count, grouped
 * BLAS-1, BLAS-2, BLAS-3, LAPACK; a column per backend with GFLOP/s, % of the measured peak,
 * the fastest marked and the others' ratio to it), and above it the few lines that need
 * attention: failed cells, a backend far below the peak, thread counts that do not scale,
 * inherited settings, skipped cells per backend and reason, which LAPACK each backend used.
 *
 * Built once from a run loaded by db/report_query.c (bb_answer_build), then printed on the
 * terminal at the end of `suite` (bb_answer_print, 100 columns) or as the first screen of the
 * HTML report (bb_html_answer_section, reports/html_answer.c).  Reports know nothing of the
 * workload catalog: the caller says which family a routine belongs to.
 */
#ifndef BB_REPORTS_ANSWER_H
#define BB_REPORTS_ANSWER_H

#include <stddef.h>
#include <stdio.h>

#include "db/report_query.h"

enum { BB_ANSWER_BLAS1, BB_ANSWER_BLAS2, BB_ANSWER_BLAS3, BB_ANSWER_LAPACK, BB_ANSWER_OTHER,
       BB_ANSWER_GROUPS };

/* The group names, in table order: "BLAS-1", ..., "LAPACK", "other". */
extern const char *const bb_answer_group_names[BB_ANSWER_GROUPS];

/* The family of a routine ("dgemm" -> "blas3"; "blas1", "blas2", "blas3", "lapack"), NULL when
 * unknown: supplied by the harness from the workload catalog. */
typedef const char *(*bb_answer_family_fn)(const char *routine);

/* Whether `blasbench diagnose --scenarios kernel-selection` has kernel overrides to try for a
 * library of this family and version (OPENBLAS_CORETYPE, BLIS_ARCH_TYPE, MKL_ENABLE_INSTRUCTIONS
 * ...): supplied by the harness from diagnose's one list of them. */
typedef int (*bb_answer_overrides_fn)(const char *family, const char *version);

typedef struct bb_answer_row {
	int group;          /* BB_ANSWER_* */
	char label[96];     /* "dgemm 1024", "dgemm m=20000,n=32,k=32", "dtrsm 256 side=R" */
	const char *key;    /* the workload key (points into the run) */
	int threads;
	const char *omp;    /* co-loaded OpenMP runtime, NULL none */
	const bb_db_report_cell **cells; /* one per backend column; NULL: not in this run */
	int best;           /* column of the fastest ok cell, -1 none */
	size_t order;       /* first appearance, for sorting */
} bb_answer_row;

/* A line of what needs attention: its kind ("failed", "peak", "scaling", "inherited",
 * "skipped", "lapack") and the sentence, ending with what to do where there is something. */
typedef struct bb_answer_note {
	const char *kind;
	char *text;
} bb_answer_note;

typedef struct bb_answer {
	const bb_db_report_run *run;
	size_t n_cols;
	size_t *col_backend; /* column -> index into run->backends */
	bb_answer_row *rows;
	size_t n_rows;
	bb_answer_note *notes; /* failed, peak, scaling, inherited, skipped, then lapack */
	size_t n_notes;
	int failed, skipped, ok; /* cells */
	int any_pct;             /* some cell has a % of peak */
} bb_answer;

/* Build the answer of run (which must outlive it).  family: see above (NULL: every row is
 * "other"); overrides: see above (NULL: a GEMM far below peak names the diagnose command
 * without saying whether it has overrides to try).  Release with bb_answer_release(). */
void bb_answer_build(bb_answer *a, const bb_db_report_run *run, bb_answer_family_fn family,
		     bb_answer_overrides_fn overrides);
void bb_answer_release(bb_answer *a);

/* Print the notes (attention first) and the table, at most `width` columns wide (the % of
 * peak is dropped first when too many backends do not fit). */
void bb_answer_print(const bb_answer *a, FILE *out, int width);

/* The text of one column's cell for row r: "54.3 94%", "crash", "-"; and the ratio to the
 * fastest: "*" (the fastest), "0.52x", "" (no ratio). */
void bb_answer_cell_text(const bb_answer *a, const bb_answer_row *r, size_t col, int with_pct,
			 char *buf, size_t len);
void bb_answer_ratio_text(const bb_answer_row *r, size_t col, char *buf, size_t len);

#endif
