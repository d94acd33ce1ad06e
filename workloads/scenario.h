/*
 * Threading scenarios (`blasbench diagnose`, DESIGN.md "Threading scenarios"): each puts a BLAS
 * in a situation known to hurt the Python stack and measures, in one worker process, a clean
 * baseline and the pathological arrangement of the same work side by side, in alternating
 * blocks with a pause between them so one block's spinning threads have gone quiet before the
 * next starts.  A scenario returns raw per-operation times and, for each block kind, the process
 * CPU time, wall time and context switches that explain a slowdown (spinning pools show as CPU
 * time far above the useful thread count).  The controller turns them into a slowdown with a
 * CI, re-runs pathologies under mitigations and ranks the findings (harness/diagnose*.c).
 *
 * The list of scenarios is workloads/scenarios.def; the mitigations each one is re-run with
 * are named there too (the controller knows how to apply each name).
 *
 * Worker side:
 *   bb_scenario_ctx ctx = {...};           loaded backend(s) and OpenMP runtime(s), sizes
 *   bb_scenario_result r;
 *   bb_scenario_run(bb_scenario_find("dual-pool"), &ctx, &r);
 *   ... r.base[], r.path[], r.base_use, r.path_use, r.hung, r.note ...
 *   bb_scenario_result_release(&r);
 */
#ifndef BB_WORKLOADS_SCENARIO_H
#define BB_WORKLOADS_SCENARIO_H

#include <stddef.h>

#include "backends/backend.h"
#include "backends/omp_runtime.h"

/* What a scenario needs from the worker, besides the backend. */
enum {
	BB_SCN_COPY = 1 << 0, /* a second, private copy of the backend (dual-pool) */
	BB_SCN_OMP = 1 << 1,  /* the application's OpenMP runtime */
	BB_SCN_OMP2 = 1 << 2, /* a second, different OpenMP runtime (mixed-omp) */
	BB_SCN_CONTROLLER = 1 << 3, /* not a worker scenario: the controller runs it (kernel-selection) */
};

typedef struct bb_scenario_ctx {
	bb_backend *b;        /* the backend under test */
	bb_backend *b2;       /* BB_SCN_COPY: the second copy (b itself for "one shared copy") */
	bb_omp_runtime *omp;  /* BB_SCN_OMP: the application's runtime */
	bb_omp_runtime *omp2; /* BB_SCN_OMP2: the other runtime */
	int threads;          /* cores the work may use: BLAS threads and OpenMP team size */
	int inner_threads;    /* BLAS threads inside an OpenMP region (nested); 0: = threads */
	long n;               /* dgemm size of one BLAS call */
	double block_s;       /* time per measured block */
	int rounds;           /* baseline/pathology block pairs */
	double settle_s;      /* pause before each block */
	double fork_timeout_s; /* fork: a child not done by then is hung */
} bb_scenario_ctx;

/* Process resource use over the blocks of one kind, summed. */
typedef struct bb_scn_usage {
	double wall_s, cpu_s;  /* CPU: user + system of every thread of the process */
	long vcsw, ivcsw;      /* voluntary and involuntary context switches */
	long ops;              /* operations timed */
} bb_scn_usage;

typedef struct bb_scenario_result {
	double *base, *path;   /* seconds per operation; malloc'd */
	size_t n_base, n_path;
	bb_scn_usage base_use, path_use;
	int hung;              /* fork: a child never finished (killed at the timeout) */
	int hung_children;     /* how many of the forks hung */
	int wrong;             /* a BLAS result failed its check (error says which) */
	char note[512];        /* what the scenario saw besides times, "" if nothing */
	char error[512];       /* non-empty: the scenario could not run, and why */
} bb_scenario_result;

typedef struct bb_scenario {
	const char *name;
	unsigned needs;          /* BB_SCN_* */
	long size;               /* default dgemm n (diagnose --size overrides it) */
	const char *summary;     /* one line for help */
	const char *baseline;    /* what the clean baseline does */
	const char *pathology;   /* what the pathological arrangement does */
	const char *mechanism;   /* the likely mechanism, in plain words, for findings */
	const char *mitigations; /* comma-separated mitigation names (harness/diagnose/diagnose_plan.c) */
	const char *reference;   /* the public report it reproduces */
	/* Fill r (always; r->error says why it could not run). */
	void (*run)(const bb_scenario_ctx *ctx, bb_scenario_result *r);
} bb_scenario;

size_t bb_scenario_count(void);
const bb_scenario *bb_scenario_at(size_t i);
/* NULL when unknown; bb_scenario_suggest gives the closest name or NULL. */
const bb_scenario *bb_scenario_find(const char *name);
const char *bb_scenario_suggest(const char *name);

void bb_scenario_run(const bb_scenario *s, const bb_scenario_ctx *ctx, bb_scenario_result *r);
void bb_scenario_result_release(bb_scenario_result *r);

#endif
