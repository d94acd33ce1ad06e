/*
 * `blasbench run --backends B --workloads W [--sizes S] [--threads T] [--omp R] [--db F]
 * [--json]`: one matrix of cells (backends x thread counts x OpenMP runtimes x workloads),
 * measured, checked and recorded.
 */
#include <stdlib.h>

#include "backends/catalog.h"
#include "harness/cli/command.h"
#include "harness/engine/engine.h"
#include "harness/plan/run_options.h"

static int cmd_run(bb_opts *o)
{
	const char *workloads = bb_opt_str(o, "workloads", NULL);
	if (!workloads)
		return bb_usage_error(&bb_cmd_run, "'run' needs --workloads (e.g. dgemm:n=64..1024,ddot)");
	if (!bb_opt_str(o, "backends", NULL))
		return bb_usage_error(&bb_cmd_run, "'run' needs --backends (e.g. " BB_CAT_STARTER "; see 'blasbench list')");
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
	.flags = BB_CMD_DB | BB_CMD_PYTHON,
	.required = (const char *const[]){"workloads", "backends", NULL},
	.options = run_options,
	.max_args = 0,
	.summary = "measure a matrix of backends x workloads x thread counts (x OpenMP runtimes)",
	.description =
		"Each backend at each thread count runs in its own worker process; every cell is\n"
		"checked for a correct result (a wrong answer is reported as 'wrong', never as a\n"
		"speed), and recorded in the database as soon as it finishes, with its raw samples.\n"
		"Outcomes: ok, wrong, crash (with the signal), hang (killed at --timeout), error,\n"
		"skipped (the backend lacks the routine, or the cell needs more than --max-memory).\n"
		"Exit code 1 when a cell is wrong, crashed, hung or failed.\n"
		"\n"
		"--omp gomp,llvm,none: with a runtime, the worker loads it before the backend (as an\n"
		"application with its own OpenMP code that then imports numpy) and runs one small\n"
		"parallel region of it on T threads before each BLAS call; only the BLAS calls are\n"
		"timed, so the cell shows what that runtime's idle threads cost the BLAS.  Compare\n"
		"with the 'none' cells.  A runtime that cannot be loaded makes its cells 'error'.\n"
		"Thread counts above the cores are measured and marked '*' (oversubscribed).\n"
		"Recorded with each cell: OMP_WAIT_POLICY, GOMP_SPINCOUNT, OPENBLAS_THREAD_TIMEOUT\n"
		"and KMP_BLOCKTIME when set (in the environment or as a spec's +VAR=VALUE).\n"
		"Matrices of 4 MiB and more are advised for transparent huge pages, as NumPy\n"
		"does with its arrays; BLASBENCH_MADVISE_HUGEPAGE=0 in the environment turns that off.",
};
