/*
 * `blasbench __worker TASK ...`: the hidden worker mode (DESIGN.md "Process model").
 * The controller starts it; it sets the environment, loads a backend, does its task
 * (harness/worker/worker_run.c) and streams JSON lines to the result pipe:
 *   {"type":"stage","stage":"integer width"}   before each probe step (places a crash)
 *   {"type":"backend","backend":{...}}         the probed record
 *   {"type":"error","message":"..."}           the backend cannot be used, and why
 * Tasks: `probe SPEC` (used by list), `run JOBFILE` (used by run and suite, worker_run.c),
 * `scenario JOBFILE` (used by diagnose, diagnose_worker.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli/command.h"
#include "harness/diagnose/diagnose_worker.h"
#include "harness/worker/worker.h"
#include "harness/worker/worker_run.h"

static int cmd_worker(bb_opts *o)
{
	if (o->nargs < 1)
		return bb_usage_error(NULL, "__worker needs a task");
	long threads;
	if (bb_opt_long(o, "threads", 0, 0, 4096, &threads))
		return BB_EXIT_USAGE;
	if (!strcmp(o->args[0], "probe") && o->nargs == 2)
		return bb_worker_task_probe(o->args[1], (int)threads);
	if (!strcmp(o->args[0], "run") && o->nargs == 2)
		return bb_worker_task_run(o->args[1]);
	if (!strcmp(o->args[0], "scenario") && o->nargs == 2)
		return bb_worker_task_scenario(o->args[1]);
	return bb_usage_error(NULL, "__worker: unknown task '%s'", o->args[0]);
}

static const bb_option worker_options[] = {
	{"threads", 0, "N", "thread count to set through the backend's API"},
	{0},
};

const bb_command bb_cmd_worker = {
	.name = "__worker",
	.fn = cmd_worker,
	.options = worker_options,
	.args_usage = "TASK ARGS...",
	.max_args = -1,
	.summary = "internal: a worker process started by the controller",
	.flags = BB_CMD_HIDDEN,
};
