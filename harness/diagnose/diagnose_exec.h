/*
 * Running one `diagnose` job (harness/diagnose/diagnose_exec.c): write its JSON job file, start
 * `__worker scenario JOB`, wait for it under a timeout, and turn what it reported into an
 * outcome: the slowdown of the pathology over the clean baseline measured in that same worker
 * (ratio of medians, bootstrap 95% CI from the raw per-operation times), the CPU-time/wall-time
 * ratio and context switches of each side, and how the worker ended.  Then record it as one
 * cell of the diagnose run.
 *
 *   bb_diag_outcome o;
 *   bb_diag_exec(&job, 120, &o);        never fails: o.status says what happened
 *   bb_diag_record(db, run_id, backend_id, &job, &o, ...);
 *   bb_diag_outcome_release(&o);
 */
#ifndef BB_HARNESS_DIAGNOSE_EXEC_H
#define BB_HARNESS_DIAGNOSE_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "common/json.h"
#include "db/db.h"
#include "harness/diagnose/diagnose_plan.h"

/* CPU time / wall time and context switches per operation over one side's blocks. */
typedef struct bb_diag_use {
	double cpu_per_wall; /* NAN when nothing was timed */
	double vcsw_per_op, ivcsw_per_op;
	long ops;
} bb_diag_use;

typedef struct bb_diag_outcome {
	char status[16];   /* "ok"; "hang" (a forked child or the worker itself); "crash";
			    * "error" (could not load or run: see error); "wrong" (dgemm result) */
	char *error;       /* why, when status is not ok; malloc'd, NULL otherwise */
	bb_json *backend;  /* the probed record the worker sent, NULL if none */
	bb_json *result;   /* the worker's scenario line, NULL if none */
	double *base, *path; /* seconds per operation (point into result's copies; malloc'd) */
	size_t n_base, n_path;
	double base_median, path_median;   /* NAN when that side has no samples */
	double slowdown, ci_low, ci_high;  /* path over base; NAN when not measured */
	bb_diag_use base_use, path_use;
	int hung_children; /* fork: children killed at the fork timeout */
	double gflops;     /* the kernel probe: 2n^3 over the median dgemm time; NAN otherwise */
	double seconds;    /* the worker's wall time */
	char *refusal;     /* an OpenMP runtime refused to share the process and aborted it: its
			    * own message ("OMP: Error #15: Initializing libomp.so, but found
			    * libiomp5.so already initialized."); NULL otherwise */
} bb_diag_outcome;

/* Run j in a worker; the worker is killed after timeout seconds (status "hang").  Always
 * fills o (release with bb_diag_outcome_release()).  Returns -1 only when the run was
 * interrupted (SIGINT/SIGTERM), else 0. */
int bb_diag_exec(const bb_diag_job *j, double timeout, bb_diag_outcome *o);
void bb_diag_outcome_release(bb_diag_outcome *o);

/* A hung fork scenario is still a measurement: 1 when o carries a finding (ok, or hang with
 * children killed), 0 when the job could not run (error, crash, worker hang, wrong).
 * (In diagnose_findings.c, with the judging.) */
int bb_diag_outcome_measured(const bb_diag_outcome *o);

/* Record o as one cell of run_id under backend_id: key "alias|scenario|mitigation", the
 * pathology's samples, the baseline's median and the slowdown with its CI, the CPU/wall and
 * context-switch figures as counters, and vs_clean (the pathology's time over the clean
 * baseline of the unmitigated job, NAN for that job itself) in params_json.  `peak_gflops`
 * (0 unknown) gives the kernel probe's % of peak.  Returns 0, or -1 with err. */
int bb_diag_record(bb_db *db, int64_t run_id, int64_t backend_id, const bb_diag_job *j,
		   const bb_diag_outcome *o, double vs_clean, double peak_gflops, char *err,
		   size_t errlen);

#endif
