/*
 * Diagnosing one backend (harness/diagnose/diagnose_run.c): probe it, flag what the probe shows, run
 * each asked scenario in its own worker, re-run every pathology with the mitigations its
 * scenario lists, run kernel-selection's overrides when the backend is far below peak, record
 * every measurement as a cell of the diagnose run, and turn it all into findings.
 */
#ifndef BB_HARNESS_DIAGNOSE_RUN_H
#define BB_HARNESS_DIAGNOSE_RUN_H

#include <stdint.h>

#include "backends/spec.h"
#include "db/db.h"
#include "harness/diagnose/diagnose_findings.h"
#include "harness/diagnose/diagnose_plan.h"

typedef struct bb_diag_ctx {
	bb_db *db;
	int64_t run_id;
	bb_diag_defaults d;
	double timeout;        /* seconds one job's worker may take */
	int mitigate;          /* 0: measure pathologies only (--no-mitigations) */
	const char *emit_dir;  /* --emit-repro DIR, NULL none */
	const char *cmd;       /* diagnose -- CMD: CMD as a shell line, NULL without one */
	double peak_core;      /* this host's best double-precision GFLOP/s on one core, 0 unknown */
	int progress;          /* progress lines on stderr */
	bb_diag_report report;
	int failed;            /* jobs or probes that could not run */
	int interrupted;
	int mixed_omp_done;    /* mixed-omp without an OpenMP backend is measured once */
	size_t step, steps;    /* progress: scenario jobs done / planned */
} bb_diag_ctx;

/* Everything for one backend.  Returns -1 when interrupted, else 0 (failures are counted in
 * c->failed and listed in the report). */
int bb_diag_backend(bb_diag_ctx *c, const bb_backend_spec *spec, const bb_scenario *const *scen,
		    size_t n_scen);

#endif
