/*
 * The findings of `blasbench diagnose`, in plain words, ranked by severity
 * (harness/diagnose/diagnose_findings.c builds them from measured outcomes and prints them;
 * harness/diagnose/diagnose_stack.c adds those the probes alone reveal).
 *
 * A finding says what was seen (with the numbers), why (CPU time against wall time, context
 * switches), the likely mechanism, every mitigation tried and what it did, the one that works
 * best, and the command that reproduces it.  A measurement that shows no pathology is kept
 * as a "clean" line, one that could not run as an "error" line: nothing measured is dropped.
 */
#ifndef BB_HARNESS_DIAGNOSE_FINDINGS_H
#define BB_HARNESS_DIAGNOSE_FINDINGS_H

#include <stdio.h>

#include "common/json.h"
#include "common/strbuf.h"
#include "harness/diagnose/diagnose_exec.h"
#include "harness/diagnose/diagnose_plan.h"

/* Slowdown thresholds: the CI's lower bound must clear them. */
#define BB_DIAG_PATHOLOGY 1.25 /* a finding, and mitigations are tried */
#define BB_DIAG_MILD 1.10      /* a mild finding, no mitigations */
/* kernel-selection: below this share of the measured peak, overrides are tried */
#define BB_DIAG_KERNEL_PCT 50.0

typedef enum bb_diag_level {
	BB_DIAG_INFO,     /* worth knowing, not slow */
	BB_DIAG_WARNING,  /* a risky stack, seen by the probes */
	BB_DIAG_MILD_LVL, /* measured, 1.1x to 1.25x */
	BB_DIAG_MODERATE, /* measured, 1.25x to 2x */
	BB_DIAG_SEVERE,   /* measured, 2x or more, or a hang */
} bb_diag_level;

const char *bb_diag_level_name(bb_diag_level l);

/* One mitigation (or kernel override) tried on a pathology. */
typedef struct bb_diag_try {
	char *name;     /* mitigation name, or VAR=VALUE for a kernel override */
	char *setting;  /* as a user would set it: "OMP_WAIT_POLICY=passive" */
	char *status;   /* "ok", "hang", "error", ... or "n/a" (did not apply; error says why) */
	char *error;
	double slowdown, ci_low, ci_high; /* against its own baseline */
	double vs_clean;  /* its pathology time over the unmitigated job's clean baseline */
	double vs_clean_low, vs_clean_high; /* its 95% CI (NAN without raw samples) */
	double vs_patho;  /* its pathology time over the unmitigated pathology time */
	double vs_patho_low, vs_patho_high; /* its 95% CI (NAN without raw samples) */
	double gflops, pct_peak; /* kernel overrides */
	char *kernel;   /* kernel overrides: what the library says it selected */
	int hung_children;
	int helps;      /* 1: lowers the unmitigated time beyond the noise (CI wholly below 1) */
	int removes;    /* 1: helps, and what remains would be judged clean */
} bb_diag_try;

typedef struct bb_diag_finding {
	bb_diag_level level;
	double severity;   /* ranking key, larger first */
	char *kind;        /* "hang", "slowdown", "kernel", "stack" */
	char *alias;       /* the backend */
	char *name;        /* scenario name, or the stack check's name */
	char *title;       /* one line: "dual-pool on openblas: 3.2x slower" */
	char *seen;        /* what was measured or probed, with numbers */
	char *why;         /* CPU/wall and context switches; NULL for stack flags */
	char *cause;       /* what the evidence names as the cause (an inherited variable...), NULL */
	char *mechanism;   /* only what is true for this case; says so when the tool cannot tell */
	char *environment; /* inherited settings in effect that may cause or hide it, NULL none */
	char *reference;   /* the public report it matches, NULL none */
	char *fix;         /* the mitigation that lowers the time most, with its figures; NULL none */
	char *reproduce;   /* the blasbench command line */
	char *repro_file;  /* --emit-repro: the program written, NULL none */
	char *repro_build; /* its build line */
	double slowdown, ci_low, ci_high; /* NAN for stack flags */
	bb_diag_try *tries;
	size_t n_tries;
} bb_diag_finding;

/* Every line of the diagnosis. */
typedef struct bb_diag_report {
	bb_diag_finding *findings;
	size_t n_findings;
	char **clean;   /* "nested on atlas: 1.02x (0.98-1.05)" */
	size_t n_clean;
	char **errors;  /* "dual-pool on flame: could not run: ..." */
	size_t n_errors;
	int64_t run_id;
	char *db_path;
} bb_diag_report;

/* A new finding appended to r (zeroed, level/strings to be filled by the caller through the
 * setters below).  Strings are copied. */
bb_diag_finding *bb_diag_add_finding(bb_diag_report *r, bb_diag_level level, double severity,
				     const char *kind, const char *alias, const char *name);
void bb_diag_set(char **field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bb_diag_add_clean(bb_diag_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bb_diag_add_error(bb_diag_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A scenario's unmitigated outcome judged: the level it deserves (-1: clean), from the CI's
 * lower bound, or a hang. */
int bb_diag_judge(const bb_diag_outcome *o);

/* The finding for a measured pathology of scenario j (outcome o) with its tries; fills title,
 * seen, why, mechanism, reference, fix.  tries/n_tries are moved into the finding. */
void bb_diag_finding_scenario(bb_diag_report *r, const bb_diag_job *j, const bb_diag_outcome *o,
			      int level, bb_diag_try *tries, size_t n_tries, const char *reproduce);

/* An OpenMP runtime aborted scenario j's worker (o->refusal holds its message): a severe
 * finding of kind "abort" with the runtime's words, the tries (KMP_DUPLICATE_LIB_OK among
 * them, said to be unsafe as the runtime says) moved in.  (harness/diagnose/diagnose_abort.c) */
void bb_diag_finding_abort(bb_diag_report *r, const bb_diag_job *j, const bb_diag_outcome *o,
			     bb_diag_try *tries, size_t n_tries, const char *reproduce);

/* ---- harness/diagnose/diagnose_judge.c (with bb_diag_judge) -------------------------------- */

/* A try from a mitigation's outcome o (or its "does not apply" reason why when o is NULL),
 * judged against the unmitigated outcome `pathology` (NULL: not judged): its time over the
 * unmitigated time and over the clean baseline, each with a CI when both sides have raw
 * samples; helps / removes as in the struct.  clean_median gives vs_clean when there are no
 * samples.  Release the strings with the report (or free them). */
void bb_diag_try_fill(bb_diag_try *t, const char *name, const char *setting,
		      const bb_diag_outcome *o, const char *why, double clean_median,
		      const bb_diag_outcome *pathology);
/* The try that lowers the time most among those that help, or NULL. */
const bb_diag_try *bb_diag_best_try(const bb_diag_try *t, size_t n);
/* The `fix` sentence for best (NULL: returns NULL): "passive (OMP_WAIT_POLICY=passive) helps
 * but does not remove it: 14% faster ..." or "... removes it: ...".  Caller frees. */
char *bb_diag_fix_text(const bb_diag_try *best, int hung, double slowdown);
/* One try in words, for the human output. */
void bb_diag_try_text(const bb_diag_try *t, char *buf, size_t len);

/* Sort findings, most severe first (stable for equal severity). */
void bb_diag_report_sort(bb_diag_report *r);
void bb_diag_report_print(const bb_diag_report *r, FILE *out);
void bb_diag_report_json(const bb_diag_report *r, bb_strbuf *out);
void bb_diag_report_release(bb_diag_report *r);

/* ---- harness/diagnose/diagnose_stack.c ------------------------------------------------------------ */

/* Flags from the probes alone, for one backend's record: two OpenMP runtimes or two BLAS in
 * one stack, the same library twice, pthreads and OpenMP layers mixed, a LAPACK bound to
 * another BLAS than the backend's own, a thread count that did not take.  lapack_blas_layer is
 * the threading layer of the library LAPACK's dgemm resolved to when that is not one of the
 * backend's files (probed separately; NULL unknown or not applicable). */
void bb_diag_stack_flags(bb_diag_report *r, const char *alias, const char *spec,
			 const bb_json *record, const char *lapack_blas_layer);

#endif
