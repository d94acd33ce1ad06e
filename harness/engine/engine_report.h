/*
 * What the engine shows while and after it runs: a progress line (passes done of all, elapsed,
 * remaining, failures so far, the cell and its pass; rewritten in place on a terminal, cut to
 * its width; in a log one line per backend and then every few seconds), and the
 * summary of a run as a table (failures first) or as JSON.  A thread count above the host's
 * cores is marked "4*" with a footnote; a co-loaded OpenMP runtime gets an OMP column.
 * %PEAK is "?" when the run has no peak it can trust, "112%!" with a note when a cell is above
 * the peak; a line under the table says which peak the percentages are computed against.
 */
#ifndef BB_HARNESS_ENGINE_REPORT_H
#define BB_HARNESS_ENGINE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "harness/host/peak/peak.h"

typedef struct bb_engine_row {
	char *backend, *workload, *routine, *status, *error;
	char *omp;         /* the co-loaded OpenMP runtime, NULL none */
	char *omp_brief;   /* it against the backend's: "llvm (2 runtimes)"; NULL none */
	char *params_json; /* the cell's parameters (harness/engine/cell_params.h) */
	char prec;
	long m, n, k;
	int threads, threads_effective, oversubscribed;
	double median_s, min_s, ci_low_s, ci_high_s, gflops, pct_peak, cpu_ratio;
} bb_engine_row;

typedef struct bb_engine_results {
	int64_t run_id;
	char *db_path;
	int cores; /* the host's, for the oversubscription footnote */
	const bb_peak_choice *peak; /* the figure %PEAK is computed against; NULL not known */
	bb_engine_row *rows;
	size_t n, cap;
	const struct bb_env_plan *env; /* the run's inherited environment, for --json; may be NULL */
	char *limits_json; /* the CPUs this process may use (harness/host/limits.h), NULL unknown */
	char *pool_flags;  /* JSON array of {"backend","flag"}: default pools above them; NULL */
} bb_engine_results;

void bb_engine_results_init(bb_engine_results *r, int64_t run_id, const char *db_path, int cores);
/* Add the recorded cell c; omp_brief describes its co-loaded runtime ("" or NULL: none). */
void bb_engine_result_add(bb_engine_results *r, const char *backend, const bb_db_cell *c,
			  const char *omp_brief);
/* A cell measured again (more passes): the row just added (the last) takes the place of its
 * earlier row i, so the summary has each cell once. */
void bb_engine_result_replace(bb_engine_results *r, size_t i);
void bb_engine_results_release(bb_engine_results *r);

/* Progress after a measurement (one pass of a cell) finished, on stderr: `cell` names the
 * cell's thread count and runtime ("t=4* omp=llvm (...)"), `what` is the outcome
 * ("12.3 GFLOP/s", "crash", "pass 1/3"). */
void bb_engine_progress(size_t done, size_t total, double elapsed, const char *backend,
			const char *workload, const char *cell, const char *what, int failures, int tty,
			int quiet);
void bb_engine_progress_done(int tty, int quiet);

/* The number of cells neither ok nor skipped. */
int bb_engine_results_failed(const bb_engine_results *r);
/* Print the summary (table on stdout, or JSON); returns the number of cells not ok. */
int bb_engine_results_print(const bb_engine_results *r, const char *run_status, int json);

#endif
