/*
 * `blasbench suite [--backends B] [--preset quick|standard|full] [--resume RUN] ...`: a preset
 * matrix, the command users type first.  --resume replays a recorded run's plan and measures
 * only the cells it does not have yet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "db/db.h"
#include "harness/command.h"
#include "harness/engine.h"
#include "harness/presets.h"
#include "harness/run_options.h"

/* Strings replayed into the options: bb_opt_set() does not copy, so they live here. */
typedef struct replay {
	char numbers[5][32];
	char *backends;
} replay;

/* Replay the options recorded with a run into o; strings live in rp and `keep`. */
static int load_resume(bb_opts *o, const char *ref, int64_t *run_id, char **workloads, bb_json **keep,
		       replay *rp)
{
	char err[512];
	bb_db *db;
	const char *path = bb_opt_str(o, "db", bb_db_default_path());
	if (bb_db_open(path, &db, err, sizeof(err)))
		return bb_error("%s", err), BB_EXIT_USAGE;
	bb_db_run_info info;
	int rc = bb_db_run_resolve(db, ref, run_id, err, sizeof(err));
	if (!rc)
		rc = bb_db_run_get(db, *run_id, &info, err, sizeof(err));
	if (rc) {
		bb_db_close(db);
		return bb_usage_error(&bb_cmd_suite, "%s", err);
	}
	bb_json *opts = info.options_json ? bb_json_parse(info.options_json, strlen(info.options_json), err,
						    sizeof(err)) : NULL;
	if (!opts || !bb_json_str(bb_json_get(opts, "workloads"), NULL)) {
		bb_db_run_info_release(&info);
		bb_db_close(db);
		return bb_usage_error(&bb_cmd_suite, "run %s has no recorded plan: it cannot be resumed", ref);
	}
	if (!strcmp(info.status ? info.status : "", "complete"))
		bb_note("run %lld is complete; resuming runs only cells it lacks", (long long)*run_id);
	bb_strbuf backends = BB_STRBUF_INIT;
	const bb_json *list = bb_json_get(opts, "backends");
	for (size_t i = 0; i < bb_json_len(list); i++)
		bb_strbuf_addf(&backends, "%s%s", i ? "," : "", bb_json_str(bb_json_at(list, i), ""));
	char (*numbers)[32] = rp->numbers;
	snprintf(numbers[0], 32, "%.17g", bb_json_num(bb_json_get(opts, "budget"), 1));
	snprintf(numbers[1], 32, "%.17g", 100 * bb_json_num(bb_json_get(opts, "target"), 0.01));
	snprintf(numbers[2], 32, "%.17g", bb_json_num(bb_json_get(opts, "timeout"), 120));
	snprintf(numbers[3], 32, "%.17g", bb_json_num(bb_json_get(opts, "max_memory"), 1e12) / (1 << 30));
	snprintf(numbers[4], 32, "%lld", bb_json_int(bb_json_get(opts, "passes"), 3));
	rp->backends = bb_strbuf_detach(&backends, NULL);
	bb_opt_set(o, "backends", rp->backends);
	bb_opt_set(o, "sizes", bb_json_str(bb_json_get(opts, "sizes"), NULL));
	bb_opt_set(o, "threads", bb_json_str(bb_json_get(opts, "threads"), NULL));
	bb_opt_set(o, "budget", numbers[0]);
	bb_opt_set(o, "target", numbers[1]);
	bb_opt_set(o, "timeout", numbers[2]);
	bb_opt_set(o, "max-memory", numbers[3]);
	bb_opt_set(o, "passes", numbers[4]);
	bb_opt_set(o, "label", NULL);
	*workloads = bb_xstrdup(bb_json_str(bb_json_get(opts, "workloads"), ""));
	*keep = opts;
	bb_db_run_info_release(&info);
	bb_db_close(db);
	return 0;
}

static int cmd_suite(bb_opts *o)
{
	const char *resume = bb_opt_str(o, "resume", NULL);
	const char *preset_name = bb_opt_str(o, "preset", "standard");
	const bb_preset *preset = bb_preset_find(preset_name);
	if (!preset)
		return bb_usage_error(&bb_cmd_suite, "unknown preset '%s' (presets: %s)", preset_name,
				      bb_preset_names());
	if (resume && (bb_opt_flag(o, "preset") || bb_opt_flag(o, "backends") || bb_opt_flag(o, "threads") ||
		       bb_opt_flag(o, "sizes")))
		return bb_usage_error(&bb_cmd_suite, "--resume replays the run's own plan: it takes no "
						     "--preset, --backends, --threads or --sizes");
	char *workloads = NULL;
	bb_json *keep = NULL;
	int64_t run_id = 0;
	replay rp = {0};
	if (resume) {
		int rc = load_resume(o, resume, &run_id, &workloads, &keep, &rp);
		if (rc)
			return rc;
	} else {
		workloads = bb_preset_workloads(preset);
	}
	bb_run_plan plan;
	int rc = bb_run_plan_build(&bb_cmd_suite, o, workloads, preset->threads, preset->budget_s,
				   preset->target_rel, preset->passes, "suite", &plan);
	if (!rc) {
		plan.command = bb_command_line(o->argc, o->argv);
		plan.eo.command = plan.command;
		plan.eo.resume_run = run_id;
		rc = bb_engine_run(&plan.eo);
	}
	bb_run_plan_release(&plan);
	free(workloads);
	free(rp.backends);
	bb_json_free(keep);
	return rc;
}

static const bb_option suite_options[] = {
	{"preset", 'p', "P", "quick (CI, ~1 min for two backends), standard (default), full"},
	{"resume", 0, "RUN", "finish an interrupted run (id, label or 'latest'): only missing cells"},
	BB_RUN_COMMON_OPTIONS,
	{0},
};

const bb_command bb_cmd_suite = {
	.name = "suite",
	.fn = cmd_suite,
	.options = suite_options,
	.max_args = 0,
	.summary = "run a preset matrix and record it (start here: suite --backends openblas,blis)",
	.description =
		"Presets: quick = dgemm 64..512, ddot, dgemv, dtrsm, dgetrf, dpotrf, dsyevd at 1 thread\n"
		"and all cores; standard = every routine family in s, d and z, sizes 32..2048;\n"
		"full = every precision, transposes, skinny shapes, sizes to 4096, up to 2x the cores.\n"
		"Default backends: one stack per family found (openblas, blis, flame, atlas, netlib,\n"
		"mkl).  Ctrl-C stops the workers and keeps every finished cell: continue with\n"
		"--resume RUN.",
};
