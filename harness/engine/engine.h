/*
 * The benchmark engine, controller side: plans the cells (backend x thread count x OpenMP
 * runtime x workload), runs one worker per backend configuration, enforces the per-cell timeout, records every
 * outcome (ok, wrong, crash, hang, error, skipped) in the database as soon as it is known, and
 * prints progress and a summary.  A worker that crashes or hangs costs the cell it was on: the
 * controller starts a new worker for the cells left.  SIGINT/SIGTERM stop the workers, mark
 * the run "interrupted" and keep what finished; a resumed run measures only what is missing.
 *
 * Passes: on a shared machine most run-to-run variation comes from the process (memory
 * placement, where its threads land) and the time window, which one worker's samples cannot
 * see.  So each cell is measured in `passes` separate workers, spread over the run (pass 1 of
 * every cell, then pass 2 ...), its samples pooled, and its CI widened to cover every pass's
 * median.  A cell whose one call takes BB_ENGINE_LONG_CALL_S or more has only the first pass
 * (its record says passes 1): repeating it would cost minutes a sub-second budget never meant
 * (libflame on BLIS at 2 threads: seconds per dgeqrf).
 *
 * Interleaving: within each pass the thread-count x runtime blocks run in a random order, and
 * within a block the backends' workers, drawn anew for every pass (randomized multiple
 * interleaved trials, Abedi & Brecht), so a host phase hits every backend alike and pass i of
 * two backends is a pair measured next to each other.  Each pass records how the host behaved (steal time, a calibration spin:
 * disturb.h).  Under a judge (gate), the engine then measures more passes of the cells the
 * judge asks for -- inconclusive, a regression to confirm, a disturbed pass -- and asks again.
 *
 * OpenMP runtimes (--omp): a group's worker may load one explicitly before its backend and run
 * one small parallel region of it before each BLAS call, untimed, as an application's own
 * OpenMP loop would; the cells then show what that runtime's parked threads cost the BLAS.
 */
#ifndef BB_HARNESS_ENGINE_H
#define BB_HARNESS_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "backends/spec.h"
#include "harness/worker/measure.h"
#include "workloads/workload.h"

#define BB_ENGINE_MAX_PASSES 32 /* --passes */
#define BB_ENGINE_PASS_SLOTS 96 /* passes a cell may reach, re-measuring included */

/* A cell as the judge sees it after a round of passes (see bb_engine_opts.judge). */
typedef struct bb_engine_view {
	const char *alias;
	const char *key;      /* "alias|workload-key|t=N[|omp=R]" */
	int ok;               /* every pass so far measured ok and recorded */
	int passes;
	const double *samples; /* of every pass, with the pass of each */
	const int *sample_pass;
	size_t n_samples;
	const int *disturbed; /* passes the host disturbed */
	size_t n_disturbed;
	int more;             /* out: how many more passes to measure (0 none) */
} bb_engine_view;

/* Asked after the planned passes and after each round of extra ones: set view.more for the
 * cells to measure again; `elapsed` is the run's time so far and `pass_cost` the mean seconds
 * one pass of one cell took, to keep within a budget.  Returns how many cells want more (0
 * ends the run). */
typedef int (*bb_engine_judge)(void *arg, bb_engine_view *cells, size_t n, double elapsed,
			       double pass_cost);
#define BB_ENGINE_LONG_CALL_S 1.0 /* a call this long: one pass (see above) */

typedef struct bb_engine_opts {
	const char *db_path;
	const char *kind;         /* "run", "suite" */
	const char *label;        /* may be NULL */
	const char *command;      /* the command line, for the record */
	const char *options_json; /* how to plan this run again (--resume) */
	const bb_backend_spec *specs;
	size_t n_specs;
	const bb_cell_workload *cells;
	size_t n_cells;
	const int *threads;       /* thread counts, each >= 1 (more than the cores: oversubscribed) */
	size_t n_threads;
	const char *const *omps;  /* OpenMP runtimes co-loaded in the worker ("none", "gomp", "llvm",
				   * "intel", a path); NULL/0: none, as before the option existed */
	size_t n_omps;
	bb_measure_opts measure;  /* budget and min_samples are for the whole cell, all passes */
	int passes;               /* each ok cell is measured in this many fresh workers (1..32) */
	bb_engine_judge judge;    /* NULL: the planned passes only */
	void *judge_arg;
	double cell_timeout;      /* seconds one cell may take before it is a hang */
	double max_memory;        /* bytes a cell may need; above: skipped */
	int64_t resume_run;       /* 0: a new run */
	int json;                 /* print the results as JSON */
	int quiet;                /* no progress and no notes on stderr (suite --quiet) */
	int no_cell_table;        /* the caller prints the answer (suite): no per-cell table */
	const struct bb_env_plan *env; /* inherited variables the backends read, and --clean-env;
					* NULL: none looked at */
} bb_engine_opts;

/* Run everything; returns the process exit code (harness/cli/command.h): BB_EXIT_OK all ok,
 * BB_EXIT_FAILED some cell not ok, BB_EXIT_INTERRUPTED, BB_EXIT_USAGE when the database cannot
 * be used or the label is taken (nothing done), BB_EXIT_INTERNAL when results could not be
 * recorded (message printed). */
int bb_engine_run(const bb_engine_opts *o);

/* The identity of a cell within a run: "alias|workload-key|t=N", plus "|omp=NAME" when an
 * OpenMP runtime is co-loaded (omp non-NULL), so runs without one keep their keys. */
void bb_engine_cell_key(const char *alias, const bb_cell_workload *c, int threads, const char *omp,
			char *buf, size_t len);

#endif
