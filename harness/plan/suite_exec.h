/*
 * Running a suite once its options are parsed: what `suite` does, shared with `gate`, which
 * measures its candidate through the same path.  The plan comes from a preset, from the plan
 * recorded with a run (--resume RUN: replayed whole, only missing cells measured), or from a
 * recorded plan used as defaults (gate: the baseline's own plan fills what the user left out,
 * so the candidate is measured on the same cells).
 */
#ifndef BB_HARNESS_SUITE_EXEC_H
#define BB_HARNESS_SUITE_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "harness/cli/command.h"
#include "harness/plan/run_options.h"

/* The options of `suite`, spliced into the option tables of `suite` and `gate`. */
#define BB_SUITE_OPTIONS                                                                          \
	{"preset", 'p', "P", "a preset of 'blasbench help suite' (default: standard)"},             \
	{"resume", 0, "RUN", "finish an interrupted run (id, label or 'latest'): only missing cells"}, \
	BB_RUN_COMMON_OPTIONS

/* What only `suite` takes: how its end is shown. */
#define BB_SUITE_ANSWER_OPTIONS                                                                   \
	{"cells", 0, NULL, "also print the per-cell table (every cell's median, CI, CPU/wall)"},    \
	{"no-report", 0, NULL, "do not write the HTML report next to the database"},             \
	{"quiet", 'q', NULL, "print only the result: no progress, no notes"}

/* The plan recorded with a run (its options_json), as option values bb_opt_set() can point at. */
typedef struct bb_suite_recorded {
	int64_t run_id;
	char *status;                                 /* the run's status; may be NULL */
	char *backends, *workloads, *sizes, *threads, *omp; /* NULL when not recorded */
	char budget[32], target[32], timeout[32], max_memory[32], passes[32];
	int clean_env; /* measured with --clean-env */
} bb_suite_recorded;

/* Load the plan recorded with run `ref` (id, label or 'latest') of the database at `path`,
 * opened read-only (never created).  Returns 0; 1 when the run exists but has no recorded plan
 * (rec->run_id set, the reason in err); -1 with the reason in err when the file or the run
 * cannot be read.  In every case release with bb_suite_recorded_release(). */
int bb_suite_recorded_load(const char *path, const char *ref, bb_suite_recorded *rec, char *err,
			   size_t errlen);
void bb_suite_recorded_release(bb_suite_recorded *rec);

/* Plan and run the suite parsed into o, which declares BB_SUITE_OPTIONS; usage errors name cmd.
 * defaults: a recorded plan whose values fill the options not given (--preset given: only its
 * backends), or NULL for the preset's; --resume ignores it.  kind: what the run is recorded
 * as ("suite", "gate").  run_id_out: when not NULL, gets the id of the run measured (0 when
 * none was recorded).  o is left as it was given.
 * With kind "suite" (o then also declares BB_SUITE_ANSWER_OPTIONS), the per-cell table gives
 * way to the answer (harness/plan/suite_answer.h) unless --cells, and the HTML report is
 * written unless --no-report; --quiet leaves out the progress and the notes.
 * Returns bb_engine_run()'s exit code: 0 all ok, 1 some cell not ok, 130 interrupted, 2 bad
 * options (nothing ran), 3 the run could not be recorded. */
int bb_suite_execute(const bb_command *cmd, bb_opts *o, const bb_suite_recorded *defaults,
		     const char *kind, int64_t *run_id_out);
/* The same, with a judge that asks for more passes after the planned ones (engine.h; gate's
 * re-measuring, harness/engine/remeasure.h); judge NULL: bb_suite_execute. */
int bb_suite_execute_judged(const bb_command *cmd, bb_opts *o, const bb_suite_recorded *defaults,
			    const char *kind, bb_engine_judge judge, void *judge_arg,
			    int64_t *run_id_out);

#endif
