/*
 * What `run` and `suite` share: the options they both take, turned into engine options.
 * The resulting bb_engine_opts points into a bb_run_plan, which owns the memory.
 * The options a run was planned with are recorded as its options_json (what --resume
 * replays): {"backends":[...],"workloads":W,"sizes":S,"threads":T,"omp":R,"budget":..,...}.
 */
#ifndef BB_HARNESS_RUN_OPTIONS_H
#define BB_HARNESS_RUN_OPTIONS_H

#include "backends/omp_runtime.h"
#include "backends/spec.h"
#include "harness/cli/command.h"
#include "harness/engine/engine.h"
#include "harness/plan/env_plan.h"

/* The options both commands declare (spliced into each command's option table). */
#define BB_RUN_COMMON_OPTIONS                                                                       \
	{"backends", 'b', "B", "comma-separated backend specs (" BB_SPEC_SYNTAX ")"}, \
	{"sizes", 's', "S", "sizes for workloads that give no n: 64,128 or 64..4096 (doubling)"},     \
	{"threads", 't', "T", "thread counts 1..256: 1,2, 'all' (the cores, at most the CPUs this process may use), '2xall'; above the cores: marked *"}, \
	{"omp", 0, "R", "OpenMP runtimes co-loaded in the worker: none (default), " BB_OMP_NAMES_HELP}, \
	{"label", 'l', "L", "a label for the run, not used by another run in the database (compare and " \
			    "report find runs by it)"},                                                    \
	{"budget", 0, "SEC", "sampling time per cell before it stops short of the target"},            \
	{"target", 0, "PCT", "stop sampling when the 95% CI of the median is within +-PCT%"},          \
	{"passes", 0, "P", "measure each cell in P fresh workers spread over the run (default 3; quick: 5)"},    \
	{"timeout", 0, "SEC", "a cell without a result after SEC seconds is a hang (default 120)"},    \
	{"max-memory", 0, "GIB", "refuse cells that need more memory (default: half of RAM)"},         \
	{"clean-env", 0, NULL, "drop the inherited variables the libraries read (OPENBLAS_CORETYPE, " \
			       "OMP_*, LD_PRELOAD...) in the workers: the libraries' defaults"},        \
	{"json", 0, NULL, "print the results as JSON"}

typedef struct bb_run_plan {
	bb_engine_opts eo;
	bb_backend_spec *specs;
	size_t n_specs;
	bb_cell_workload *cells;
	size_t n_cells;
	int *threads;
	size_t n_threads;
	char **omps;
	size_t n_omps;
	char *options_json;
	char *command;
	bb_env_plan env; /* the inherited variables the backends read (eo.env points here) */
} bb_run_plan;

/* Build a plan from the parsed options, the workload spec list and the defaults of the thread
 * list, budget, target and passes.  Without --backends the plan takes bb_default_specs().
 * Returns 0, or BB_EXIT_USAGE after printing the error; release the plan in both cases. */
int bb_run_plan_build(const bb_command *cmd, const bb_opts *o, const char *workloads,
		      const char *threads_default, double budget_default, double target_default,
		      int passes_default, const char *kind, bb_run_plan *plan);
void bb_run_plan_release(bb_run_plan *plan);

/* The default backends: the catalog's BB_CAT_DEFAULT entries installed here (one stack per
 * family, not every flavour; bb_catalog_default_names() lists them).  Returns 0 (free with
 * bb_spec_list_free), or -1 when none is installed. */
int bb_default_specs(bb_backend_spec **specs, size_t *n);

/* The command line, shell-quoted, for the record. */
char *bb_command_line(int argc, char **argv);

#endif
