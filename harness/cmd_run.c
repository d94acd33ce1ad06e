/*
 * `blasbench run --backends B --workloads W [--sizes S] [--threads T] [--db F] [--json]`: one
 * matrix of cells (backends x thread counts x workloads), measured, checked and recorded.
 */
#include <stdlib.h>

#include "harness/command.h"
#include "harness/engine.h"
#include "harness/run_options.h"

static int cmd_run(bb_opts *o)
{
	const char *workloads = bb_opt_str(o, "workloads", NULL);
	if (!workloads)
		return bb_usage_error(&bb_cmd_run, "'run' needs --workloads (e.g. dgemm:n=64..1024,ddot)");
	if (!bb_opt_str(o, "backends", NULL))
		return bb_usage_error(&bb_cmd_run, "'run' needs --backends (e.g. openblas,blis; see 'blasbench list')");
	bb_run_plan plan;
	int rc = bb_run_plan_build(&bb_cmd_run, o, workloads, "all", 1.0, 0.01, 3, "run", &plan);
	if (rc) {
		bb_run_plan_release(&plan);
		return rc;
	}
	plan.command = bb_command_line(o->argc, o->argv);
	plan.eo.command = plan.command;
	rc = bb_engine_run(&plan.eo);
	bb_run_plan_release(&plan);
	return rc;
}

static const bb_option run_options[] = {
	{"workloads", 'w', "W", "workload specs: dgemm, gemm (all precisions), dgemm:n=64..4096, dgemm:m=20000,n=32,k=32,ta=T"},
	BB_RUN_COMMON_OPTIONS,
	{0},
};

const bb_command bb_cmd_run = {
	.name = "run",
	.fn = cmd_run,
	.options = run_options,
	.max_args = 0,
	.summary = "measure a matrix of backends x workloads x thread counts",
	.description =
		"Each backend at each thread count runs in its own worker process; every cell is\n"
		"checked for a correct result (a wrong answer is reported as 'wrong', never as a\n"
		"speed), and recorded in the database as soon as it finishes, with its raw samples.\n"
		"Outcomes: ok, wrong, crash (with the signal), hang (killed at --timeout), error,\n"
		"skipped (the backend lacks the routine, or the cell needs more than --max-memory).\n"
		"Exit code 1 when a cell is wrong, crashed, hung or failed.",
};
