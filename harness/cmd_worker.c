/*
 * `blasbench __worker TASK ...`: the hidden worker mode (DESIGN.md "Process model").
 * The controller starts it; it sets the environment, loads a backend, does its task and
 * streams JSON lines to the result pipe:
 *   {"type":"stage","stage":"integer width"}   before each probe step (places a crash)
 *   {"type":"backend","backend":{...}}         the probed record
 *   {"type":"error","message":"..."}           the backend cannot be used, and why
 * Tasks: `probe SPEC` (used by list), `run JOBFILE` (used by run and suite, worker_run.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "common/error.h"
#include "common/json.h"
#include "harness/command.h"
#include "harness/worker.h"
#include "harness/worker_run.h"

static void emit_stage(const char *stage) { bb_worker_emit_pair("stage", "stage", stage); }

static int emit_error(const char *message)
{
	bb_worker_emit_pair("error", "message", message);
	return BB_EXIT_FAILED;
}

static int task_probe(const char *spec_text, int threads)
{
	bb_backend_spec spec;
	char err[512];
	if (bb_spec_parse(spec_text, &spec, err, sizeof(err)))
		return emit_error(err);
	bb_backend b;
	bb_backend_init(&b, &spec);
	bb_spec_release(&spec);
	bb_backend_stage_hook = emit_stage;
	int rc = BB_EXIT_OK;
	emit_stage("load");
	if (bb_backend_load(&b, err, sizeof(err)) || bb_backend_probe_abi(&b, err, sizeof(err))) {
		rc = emit_error(err);
		goto cleanup;
	}
	bb_backend_probe_info(&b, threads);
	bb_backend_probe_stack(&b);

	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "type", "backend");
	bb_jw_key(&w, "backend");
	bb_backend_to_json(&b, &w);
	bb_jw_object_end(&w);
	bb_worker_emit(sb.buf, sb.len);
	bb_strbuf_release(&sb);
cleanup:
	bb_backend_release(&b);
	return rc;
}

static int cmd_worker(bb_opts *o)
{
	if (o->nargs < 1)
		return bb_usage_error(NULL, "__worker needs a task");
	int threads = (int)bb_opt_long(o, "threads", 0, 0, 4096);
	if (!strcmp(o->args[0], "probe") && o->nargs == 2)
		return task_probe(o->args[1], threads);
	if (!strcmp(o->args[0], "run") && o->nargs == 2)
		return bb_worker_task_run(o->args[1]);
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
