/*
 * Comparing two measurements of the same cell, and two runs cell by cell (`blasbench compare`,
 * `blasbench gate`).  One idea per file:
 *   compare_verdict.c  one cell: the change (candidate time / base time) over the independent
 *                      unit (paired passes measured side by side, else each side's passes,
 *                      else samples), its 95% CI and p-value, and the verdict: regression,
 *                      improvement, unchanged (an equivalence test) or inconclusive, with what
 *                      would resolve it; the statistics are common/stats.c
 *   compare_attrib.c   what differs between the two backend records
 *   compare_match.c    matching the cells of two loaded runs, sorted worst first
 *   compare_gaps.c     what a comparison lacks to vouch for the candidate: a run that is not
 *                      complete, base cells missing from the candidate, nothing measured on
 *                      both sides
 *   compare_render.c   terminal table, JSON, Markdown and JUnit XML, escaping every string
 *                      that came from outside
 * Runs arrive already loaded (db/compare_query.c); nothing here touches SQL.
 */
#ifndef BB_REPORTS_COMPARE_H
#define BB_REPORTS_COMPARE_H

#include <stdio.h>

#include "common/strbuf.h"
#include "db/db.h"

/* Verdicts, worst first (the order tables are sorted in). */
typedef enum bb_cmp_verdict {
	BB_CMP_REGRESSION,
	BB_CMP_MISSING, /* cell in base only */
	BB_CMP_INCONCLUSIVE, /* the CI straddles the threshold: neither a change nor none shown */
	BB_CMP_NEW, /* cell in candidate only */
	BB_CMP_UNCHANGED,
	BB_CMP_IMPROVEMENT,
} bb_cmp_verdict;

const char *bb_cmp_verdict_name(bb_cmp_verdict v);
/* A cell status that measured fine ("ok", or none recorded), and one that is a failure
 * (wrong, crash, hang, error). */
int bb_cmp_status_ok(const char *status);
int bb_cmp_status_failed(const char *status);

#define BB_CMP_MIN_SAMPLES 5  /* fewer on either side: inconclusive unless the outcome changed */
#define BB_CMP_MIN_UNITS 3    /* passes per side (pairs) from which they are the unit */
#define BB_CMP_RESAMPLES 1000 /* bootstrap resamples per cell */
#define BB_CMP_SEED 0x62622d636d70ULL /* the bootstrap's fixed seed ("bb-cmp") */
#define BB_CMP_ALPHA 0.05

/* One side of a cell: its status and raw samples (seconds per call). */
typedef struct bb_cmp_side {
	const char *status; /* "ok", "wrong", ... ; NULL counts as "ok" */
	const double *x;
	size_t n;
	/* The cell's recorded CI of the median (seconds), which the engine widens to cover the
	 * median of every pass (separate worker processes); NAN when not known.  Samples pooled
	 * from several processes are not independent, so a change must also clear these. */
	double ci_low, ci_high;
	/* The pass (worker process) of each sample, NULL when not recorded (schema < 3): passes
	 * are the independent unit.  disturbed[0..n_disturbed) lists passes the host disturbed
	 * (steal time, a starved calibration), left out while enough others remain. */
	const int *pass;
	const int *disturbed;
	size_t n_disturbed;
} bb_cmp_side;

/* How the two sides of a cell relate, which decides the unit of the change. */
typedef enum bb_cmp_mode {
	BB_CMP_APART,       /* different runs (a stored baseline): between-run noise is added */
	BB_CMP_SAME_RUN,    /* one run, passes not paired (pass ids not shared) */
	BB_CMP_INTERLEAVED, /* one run whose sides' workers alternated: pass i of each is a pair */
} bb_cmp_mode;

typedef struct bb_cmp_result {
	bb_cmp_verdict verdict;
	int outcome_changed; /* the status differs (ok -> crash is a regression whatever the speed)
	                      */
	double ratio;        /* median(cand) / median(base); NAN without samples on both sides */
	double ci_low, ci_high;        /* bootstrap 95% CI of ratio; NAN without samples */
	double p;                      /* Mann-Whitney two-sided p; NAN without samples */
	double base_noise, cand_noise; /* CI half-width of each median relative to it */
	const char *why;               /* a few words on the verdict (static text) */
	const char *unit;  /* what the CI is over: "paired passes", "passes", "samples" */
	int units;         /* how many of them (pairs, or passes of the smaller side) */
	int more_units;    /* inconclusive: ~more pairs/passes that would resolve it; -1 none
	                    * would (between-run noise alone is wider: measure side by side) */
	int between_run_bound; /* more_units is -1 because of the between-run noise (not because
	                        * the change sits at the threshold) */
} bb_cmp_result;

/* The verdict for one cell at `threshold` (0.05 = 5%) with the sides related as `mode`; rules
 * in reports/compare_verdict.c.  The statistics are common/stats.h. */
void bb_cmp_cell(const bb_cmp_side *base, const bb_cmp_side *cand, double threshold,
                 bb_cmp_mode mode, bb_cmp_result *r);
/* "CI [-3.1, +7.9]% straddles +-5%: ~6 more interleaved pairs would resolve it" for an
 * inconclusive r (what `compare` prints beside it); "" for any other verdict. */
void bb_cmp_resolve_text(const bb_cmp_result *r, double threshold, char *buf, size_t len);

/* What differs between two backend records (JSON text, either may be NULL): version, config,
 * kernel, threads.layer, threads.effective, omp_runtime, env overrides, sha256 of the own files.
 * Returns a malloc'd "; "-separated list ("" when nothing differs); caller frees. */
char *bb_cmp_attribution(const char *base_record, const char *cand_record);
/* Only the inherited-environment part of it ("env inherited OPENBLAS_CORETYPE Haswell ->
 * unset; --clean-env off -> on"), "" when the same; caller frees.  Said once per backend by
 * compare even where no cell changed (bb_cmp_report.env_differs). */
char *bb_cmp_env_attribution(const char *base_record, const char *cand_record);
/* Only what the process could use (CPUs allowed, affinity, cgroup CPU quota and cpuset, memory
 * limit, THP) from the limits in two backend records; "" when the same or unknown on a side.
 * Caller frees. */
char *bb_cmp_limits_differ(const char *base_record, const char *cand_record);

/* ---- runs ------------------------------------------------------------------------------ */

typedef struct bb_cmp_pair {
	const char *old_alias, *new_alias;
} bb_cmp_pair;

typedef struct bb_cmp_row {
	const bb_db_cmp_cell *base, *cand; /* either may be NULL (missing / new) */
	char *backend;                     /* "alias" or "old->new" */
	char *workload;                    /* "workload-key t=N" */
	char *differs;                     /* attribution; "" if nothing */
	bb_cmp_result r;
} bb_cmp_row;

typedef struct bb_cmp_report {
	const bb_db_cmp_run *base, *cand;
	double threshold;
	int host_differs;
	char **env_differs; /* "openblas: env inherited OPENBLAS_CORETYPE Haswell -> unset", one
	                     * per compared backend whose inherited environment differs */
	size_t n_env_differs;
	char *limits_differ; /* what the process could use, from the first matched cell; "" same */
	bb_cmp_row *rows; /* sorted worst first */
	size_t n_rows;
	bb_cmp_mode mode; /* how base and candidate relate (one run interleaved, two runs...) */
	int inconclusive_fails; /* gate's policy: an inconclusive cell is a JUnit failure */
	int regressions, improvements, inconclusive, missing, added, unchanged;
	int cand_failed; /* candidate cells with status wrong, crash, hang or error */
	int matched;     /* rows with a cell on both sides */
	int measured;    /* of those, rows measured on both sides (ok, with samples): the cells a
	                  * verdict on speed rests on */
} bb_cmp_report;

/* Match cells of two loaded runs (by cell key, the alias part mapped through `pairs` when given:
 * then only paired aliases are compared), compute each verdict and sort worst first.  The
 * report points into base and cand, which must outlive it; free with bb_cmp_report_release(). */
void bb_cmp_report_build(bb_cmp_report *rep, const bb_db_cmp_run *base, const bb_db_cmp_run *cand,
                         const bb_cmp_pair *pairs, size_t n_pairs, double threshold);
void bb_cmp_report_release(bb_cmp_report *rep);

/* ---- gaps: what keeps a comparison from vouching for the candidate (compare_gaps.c) ---- */

typedef enum bb_cmp_gap {
	BB_CMP_GAP_BASE_INCOMPLETE, /* the base run's status is not "complete" */
	BB_CMP_GAP_CAND_INCOMPLETE, /* the candidate run's status is not "complete" */
	BB_CMP_GAP_MISSING,         /* cells of base not recorded or not measured in candidate */
	BB_CMP_GAP_UNMEASURED,      /* no cell is measured on both sides */
	BB_CMP_N_GAPS,
} bb_cmp_gap;

/* Whether run r is complete: its status is "complete" (anything else, running, interrupted,
 * failed or a status added later, is not). */
int bb_cmp_run_complete(const bb_db_cmp_run *r);
/* Whether rep has gap g.  Any status other than "complete" (running, interrupted, failed, or
 * any added later) counts as not complete; one run compared with itself (--pair) is one gap. */
int bb_cmp_has_gap(const bb_cmp_report *rep, bb_cmp_gap g);
/* How many gaps rep has (0: the comparison covers every base cell with measurements). */
int bb_cmp_n_gaps(const bb_cmp_report *rep);
/* The sentence for gap g of rep ("34 cells of base run 1 in a.db missing from candidate run 2
 * in b.db (not recorded or not measured there), e.g. ..."), lower case, no full stop, for
 * "error: gate cannot judge: %s" or "WARNING: %s"; "" when rep does not have the gap. */
void bb_cmp_gap_text(const bb_cmp_report *rep, bb_cmp_gap g, char *buf, size_t len);
/* A short name for gap g ("candidate_incomplete"): its key in JSON, its JUnit testcase. */
const char *bb_cmp_gap_name(bb_cmp_gap g);

/* Renderers.  The host warning and every gap go to `out` of the table as lines starting
 * "WARNING"; JSON lists the gaps under "warnings", Markdown as quoted bold lines. */
void bb_cmp_print_table(const bb_cmp_report *rep, FILE *out);
void bb_cmp_write_json(const bb_cmp_report *rep, bb_strbuf *out);
void bb_cmp_write_markdown(const bb_cmp_report *rep, bb_strbuf *out);
/* JUnit XML: one testcase per cell, a failure for each regression (outcome changes included)
 * and each candidate cell that failed, an error for each base cell missing from the candidate,
 * and one more testcase with an error per run-wide gap (a run not complete, nothing measured). */
void bb_cmp_write_junit(const bb_cmp_report *rep, bb_strbuf *out);

#endif
