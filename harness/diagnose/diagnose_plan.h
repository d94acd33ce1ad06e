/*
 * What `diagnose` asks a worker to do (harness/diagnose/diagnose_plan.c): one job = one scenario on one
 * backend, with one mitigation applied or none.  The mitigations are one list
 * (harness/diagnose/mitigations.def); each either sets a variable in the worker's environment before
 * anything loads or changes the job (BLAS threads, a shared copy, the OpenMP flavour of the
 * library, the application's OpenMP runtime, the cores used).  The kernel overrides tried by
 * the kernel-selection scenario are one list here too.
 *
 *   bb_diag_job j;
 *   bb_diag_job_init(&j, scenario, spec, &defaults);
 *   if (bb_diag_mitigate(&j, "passive", record, why, sizeof(why)) == 0) ... run it ...
 *   bb_diag_job_release(&j);
 */
#ifndef BB_HARNESS_DIAGNOSE_PLAN_H
#define BB_HARNESS_DIAGNOSE_PLAN_H

#include <stddef.h>

#include "backends/spec.h"
#include "common/json.h"
#include "common/strbuf.h"
#include "workloads/scenario.h"

/* The sizes and times every job of a diagnose run shares (command-line options). */
typedef struct bb_diag_defaults {
	int threads;           /* cores the scenario may use (BLAS threads, OpenMP team) */
	int cores;             /* this host's cores */
	const char *omp;       /* the application's OpenMP runtime: "gomp", "llvm", "intel", a path */
	const char *omp2;      /* mixed-omp's second runtime; NULL: the other of gomp/llvm */
	const char *pair;      /* dual-pool's second library (diagnose -- CMD: the other BLAS copy
				* CMD loaded); NULL: a private copy of the backend's own file */
	const char *pair_abi;  /* why the pair cannot share one copy (their ABIs differ), NULL if
				* it can */
	long n;                /* dgemm size of the threading scenarios; 0: each one's default */
	long kernel_n;         /* dgemm size of the kernel-selection probe; 0: its default */
	double block_s;        /* time per measured block */
	double settle_s;       /* pause before each block */
	int rounds;            /* baseline/pathology block pairs */
	double fork_timeout_s; /* a forked child not done by then is hung */
	char kernel_prec;      /* precision of the kernel-selection probe's gemm: 'd' (0 too) or 's' */
} bb_diag_defaults;

typedef struct bb_diag_job {
	const bb_scenario *scenario; /* NULL: the kernel-selection probe (time one large dgemm) */
	char *spec;           /* backend spec text, with the mitigation's VAR=VALUE appended */
	char *alias;          /* the alias results are filed under (never changed by a mitigation) */
	char *unset;          /* inherited variables the worker removes before anything loads
			       * ("env -u"), comma-separated; NULL none */
	const char *mitigation; /* "none", a name from mitigations.def, or "VAR=VALUE" (kernels) */
	int threads, inner_threads;
	char *omp, *omp2;     /* OpenMP runtimes ("none" when the scenario needs none) */
	int shared_copy;
	char *spec2;          /* dual-pool's second library (bb_diag_defaults.pair), NULL: a copy */
	const char *pair_abi; /* bb_diag_defaults.pair_abi */
	int backend_first;    /* load the backend before the OpenMP runtimes (MKL imported first) */
	long n;
	char prec;            /* the kernel probe's gemm: 'd' or 's' */
	double block_s, settle_s, fork_timeout_s;
	int rounds;
} bb_diag_job;

/* A job for scenario s (NULL: kernel probe) on spec, with no mitigation.  The second runtime of
 * mixed-omp is d->omp2, else the other of gomp/llvm.  Release with bb_diag_job_release(). */
void bb_diag_job_init(bb_diag_job *j, const bb_scenario *s, const bb_backend_spec *spec,
		      const bb_diag_defaults *d);
void bb_diag_job_release(bb_diag_job *j);
/* The job as the worker's JSON (harness/diagnose/diagnose_worker.c reads it). */
void bb_diag_job_json(const bb_diag_job *j, bb_strbuf *out);
/* Append VAR=VALUE to the job's spec (it acts before the library loads). */
void bb_diag_job_add_env(bb_diag_job *j, const char *var, const char *value);

/* Remove the inherited variable var in the job's worker before the library loads (what
 * `env -u VAR` does), so the library is measured without it. */
void bb_diag_job_unset(bb_diag_job *j, const char *var);

/* ---- mitigations ------------------------------------------------------------------------ */

size_t bb_mitigation_count(void);
const char *bb_mitigation_name(size_t i);
/* What the mitigation does, for the findings ("OMP_WAIT_POLICY=passive: idle OpenMP ..."). */
const char *bb_mitigation_summary(const char *name);
/* The setting as a user would type it: "OMP_WAIT_POLICY=passive", "--backends openblas-openmp",
 * "BLAS threads = 1" ... into buf. */
const char *bb_mitigation_setting(const char *name, const bb_diag_job *j, char *buf, size_t len);
int bb_mitigation_known(const char *name);
/* For a mitigation that sets a variable (kind ENV): 1 with *var and *value set; else 0. */
int bb_mitigation_env(const char *name, const char **var, const char **value);

/* Apply mitigation `name` to j, given the backend's probed record (NULL unknown).  Returns 0
 * when applied, 1 when it does not apply here (why says so: "openblas64 has no OpenMP build in
 * the catalog"), -1 for an unknown name. */
int bb_diag_mitigate(bb_diag_job *j, const char *name, const bb_json *record, char *why,
		     size_t whylen);

/* ---- kernel overrides ------------------------------------------------------------------- */

typedef struct bb_kernel_override {
	const char *family;   /* the probed family it applies to ("openblas", "blis") */
	const char *var;      /* the documented variable */
	const char *value;
	const char *isa;      /* the kernel level it needs ("avx512", "avx2"; kernels/isa.h) */
	const char *from_version, *before_version; /* library versions it applies to, NULL open */
	const char *meaning;  /* "SkylakeX kernels", "skx configuration" */
} bb_kernel_override;

/* The overrides worth trying for a backend of `family` at `version` (NULL unknown: every
 * version) on this CPU (kernel levels it cannot run left out), newest first.  Returns how many
 * were written to out (at most max). */
size_t bb_kernel_overrides(const char *family, const char *version,
			   const bb_kernel_override **out, size_t max);

/* The same, whatever this CPU runs (to name the kind of a kernel a library reports). */
size_t bb_kernel_overrides_all(const char *family, const char *version,
			       const bb_kernel_override **out, size_t max);

#endif
