/*
 * The finding for a scenario whose worker an OpenMP runtime aborted because another runtime
 * was already in the process (diagnose_run.c calls it when bb_diag_exec() found the runtime's
 * "OMP: Error #N" line).  That abort is what the scenario set out to find, not a failure of
 * the harness: LLVM libomp and Intel libiomp5 refuse to start next to each other ("OMP: Error
 * #15"), which is how a Python process importing a conda MKL and a pip package built with
 * clang dies.  The runtime's own escape hatch, KMP_DUPLICATE_LIB_OK=TRUE, is reported with the
 * runtime's own warning about it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/diagnose/diagnose_findings.h"

/* severity of an abort: above any slowdown, next to a hang (1000 + children) */
#define ABORT_SEVERITY 900.0

static const bb_diag_try *duplicate_ok(const bb_diag_try *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, "duplicate-ok"))
			return &t[i];
	return NULL;
}

void bb_diag_finding_abort(bb_diag_report *r, const bb_diag_job *j, const bb_diag_outcome *o,
                             bb_diag_try *tries, size_t n_tries, const char *reproduce)
{
	const char *name = j->scenario ? j->scenario->name : "kernel-selection";
	bb_diag_finding *f =
	    bb_diag_add_finding(r, BB_DIAG_SEVERE, ABORT_SEVERITY, "abort", j->alias, name);
	f->tries = tries;
	f->n_tries = n_tries;
	bb_diag_set(&f->title, "%s on %s: the OpenMP runtime aborted the process: %s", name,
	            j->alias, o->refusal);
	bb_diag_set(&f->seen,
	            "a worker that loaded OpenMP runtime '%s'%s%s%s and the backend was "
	            "killed by the runtime (%s) before anything was measured",
	            j->omp, strcmp(j->omp2, "none") ? ", then '" : "",
	            strcmp(j->omp2, "none") ? j->omp2 : "", strcmp(j->omp2, "none") ? "'" : "",
	            o->error ? o->error : o->refusal);
	if (strstr(o->refusal, "Error #15"))
		bb_diag_set(
		    &f->mechanism,
		    "the runtime that started second found another copy of an LLVM/Intel "
		    "(KMP) OpenMP runtime already initialised in the process, as its message "
		    "says, and aborted: two such runtimes do not share one process");
	else
		bb_diag_set(&f->mechanism,
		            "the runtime says why in its message; blasbench knows this "
		            "error number only as an abort");
	const bb_diag_try *dup = duplicate_ok(tries, n_tries);
	if (dup && !strcmp(dup->status, "ok"))
		bb_diag_set(
		    &f->fix,
		    "one OpenMP runtime per process (build or load everything against the same "
		    "one).  KMP_DUPLICATE_LIB_OK=TRUE let this worker run (%.2fx against its own "
		    "baseline), but the runtime itself calls that unsafe: it may crash or "
		    "silently give wrong results",
		    dup->slowdown);
	else if (dup)
		bb_diag_set(
		    &f->fix,
		    "one OpenMP runtime per process (build or load everything against the same "
		    "one); even KMP_DUPLICATE_LIB_OK=TRUE, which the runtime itself calls "
		    "unsafe, did not let it run here (%s)",
		    dup->status);
	else
		bb_diag_set(
		    &f->fix,
		    "one OpenMP runtime per process (build or load everything against the same "
		    "one).  KMP_DUPLICATE_LIB_OK=TRUE (not tried: --no-mitigations) lets the "
		    "second copy start, but the runtime itself calls that unsafe: it may crash "
		    "or silently give wrong results");
	bb_diag_set(&f->reproduce, "%s", reproduce);
}
