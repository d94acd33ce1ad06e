/*
 * Running a suite (see suite_exec.h): choose the plan (preset, resumed run, or a recorded plan
 * as defaults), hand it to the engine, and find the id of the run it recorded.  The engine
 * does not return that id, so it is found in the database afterwards: the one run newer than
 * any before the call with this command line and kind.
 */
#include "harness/plan/suite_exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/json.h"
#include "db/db.h"
#include "harness/engine/engine.h"
#include "harness/plan/presets.h"
#include "harness/plan/suite_answer.h"

void bb_suite_recorded_release(bb_suite_recorded *rec)
{
	free(rec->status);
	free(rec->backends);
	free(rec->workloads);
	free(rec->sizes);
	free(rec->threads);
	free(rec->omp);
	memset(rec, 0, sizeof(*rec));
}

static char *dup_or_null(const char *s) { return s ? bb_xstrdup(s) : NULL; }

int bb_suite_recorded_load(const char *path, const char *ref, bb_suite_recorded *rec, char *err,
			   size_t errlen)
{
	memset(rec, 0, sizeof(*rec));
	bb_db *db;
	if (bb_db_open_readonly(path, &db, err, errlen))
		return -1;
	bb_db_run_info info;
	int rc = bb_db_run_resolve(db, ref, &rec->run_id, err, errlen);
	if (!rc)
		rc = bb_db_run_get(db, rec->run_id, &info, err, errlen);
	bb_db_close(db);
	if (rc)
		return -1;
	rec->status = dup_or_null(info.status);
	char jerr[128];
	bb_json *opts = info.options_json
				? bb_json_parse(info.options_json, strlen(info.options_json), jerr, sizeof(jerr))
				: NULL;
	bb_db_run_info_release(&info);
	const char *workloads = bb_json_str(bb_json_get(opts, "workloads"), NULL);
	if (!workloads) {
		snprintf(err, errlen, "run %lld of '%s' has no recorded plan", (long long)rec->run_id, path);
		bb_json_free(opts);
		return 1;
	}
	bb_strbuf backends = BB_STRBUF_INIT;
	const bb_json *list = bb_json_get(opts, "backends");
	for (size_t i = 0; i < bb_json_len(list); i++)
		bb_strbuf_addf(&backends, "%s%s", i ? "," : "", bb_json_str(bb_json_at(list, i), ""));
	rec->backends = backends.len ? bb_strbuf_detach(&backends, NULL) : NULL;
	bb_strbuf_release(&backends);
	rec->workloads = bb_xstrdup(workloads);
	rec->sizes = dup_or_null(bb_json_str(bb_json_get(opts, "sizes"), NULL));
	rec->threads = dup_or_null(bb_json_str(bb_json_get(opts, "threads"), NULL));
	rec->omp = dup_or_null(bb_json_str(bb_json_get(opts, "omp"), NULL));
	rec->clean_env = bb_json_bool(bb_json_get(opts, "clean_env"), 0);
	/* the same defaults the engine's options have, for plans recorded before a field existed */
	snprintf(rec->budget, sizeof(rec->budget), "%.17g", bb_json_num(bb_json_get(opts, "budget"), 1));
	snprintf(rec->target, sizeof(rec->target), "%.17g",
		 100 * bb_json_num(bb_json_get(opts, "target"), 0.01));
	snprintf(rec->timeout, sizeof(rec->timeout), "%.17g",
		 bb_json_num(bb_json_get(opts, "timeout"), 120));
	snprintf(rec->max_memory, sizeof(rec->max_memory), "%.17g",
		 bb_json_num(bb_json_get(opts, "max_memory"), 1e12) / (1 << 30));
	snprintf(rec->passes, sizeof(rec->passes), "%lld", bb_json_int(bb_json_get(opts, "passes"), 3));
	bb_json_free(opts);
	return 0;
}

/* Point o's plan options at rec's values.  all: every one (resume replays the run exactly);
 * otherwise only those the user did not give, and with --preset given only the backends (the
 * preset then decides the workloads and how they are measured). */
static void replay(bb_opts *o, const bb_suite_recorded *rec, int all)
{
	int plan = all || !bb_opt_flag(o, "preset");
	const struct {
		const char *name, *value;
		int is_plan;
	} v[] = {
		{"backends", rec->backends, 0},   {"sizes", rec->sizes, 1},
		{"threads", rec->threads, 1},       {"omp", rec->omp, 1},
		{"budget", rec->budget, 1},         {"target", rec->target, 1},
		{"timeout", rec->timeout, 1},       {"max-memory", rec->max_memory, 1},
		{"passes", rec->passes, 1},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if ((all || !bb_opt_flag(o, v[i].name)) && (plan || !v[i].is_plan))
			bb_opt_set(o, v[i].name, v[i].value);
	/* a flag: the recorded run's libraries saw no inherited variable, nor will these */
	if (rec->clean_env && plan)
		bb_opt_set(o, "clean-env", "");
}

/* The newest run id in the database at path; 0 when the file or its runs do not exist yet. */
static int64_t newest_run(const char *path)
{
	char err[512];
	bb_db *db;
	int64_t id = 0;
	if (bb_db_open_readonly(path, &db, err, sizeof(err)))
		return 0;
	if (bb_db_run_resolve(db, "latest", &id, err, sizeof(err)))
		id = 0;
	bb_db_close(db);
	return id;
}

/* The run this process just recorded: newer than `after`, with this command line and kind.
 * Two identical commands started at once on one file cannot be told apart: that is an error,
 * not a guess.  Returns 0 with *id set, or -1 after printing why. */
static int find_own_run(const char *path, int64_t after, const char *command, const char *kind,
			int64_t *id)
{
	char err[512];
	bb_db *db;
	bb_db_run_info *runs = NULL;
	size_t n = 0, found = 0;
	if (bb_db_open_readonly(path, &db, err, sizeof(err)))
		return bb_error("%s", err);
	int rc = bb_db_runs(db, &runs, &n, err, sizeof(err));
	bb_db_close(db);
	if (rc)
		return bb_error("%s", err);
	for (size_t i = 0; i < n; i++)
		if (runs[i].id > after && runs[i].kind && !strcmp(runs[i].kind, kind) && runs[i].command &&
		    !strcmp(runs[i].command, command)) {
			*id = runs[i].id;
			found++;
		}
	bb_db_run_infos_free(runs, n);
	if (found == 1)
		return 0;
	*id = 0;
	if (found)
		return bb_error("%zu runs in '%s' were started at once by the same command line: "
				"cannot tell which one this was", found, path);
	return bb_error("the run just measured is not in '%s'", path);
}

int bb_suite_execute(const bb_command *cmd, bb_opts *o, const bb_suite_recorded *defaults,
		     const char *kind, int64_t *run_id_out)
{
	return bb_suite_execute_judged(cmd, o, defaults, kind, NULL, NULL, run_id_out);
}

int bb_suite_execute_judged(const bb_command *cmd, bb_opts *o, const bb_suite_recorded *defaults,
			    const char *kind, bb_engine_judge judge, void *judge_arg,
			    int64_t *run_id_out)
{
	const bb_opts given = *o; /* restored before returning: replayed values die with rec */
	const char *resume = bb_opt_str(o, "resume", NULL);
	const char *preset_name = bb_opt_str(o, "preset", "standard");
	const bb_preset *preset = bb_preset_find(preset_name);
	if (run_id_out)
		*run_id_out = 0;
	if (!preset)
		return bb_usage_error(cmd, "unknown preset '%s' (presets: %s)", preset_name,
				      bb_preset_names());
	if (resume && (bb_opt_flag(o, "preset") || bb_opt_flag(o, "backends") || bb_opt_flag(o, "threads") ||
		       bb_opt_flag(o, "sizes") || bb_opt_flag(o, "omp")))
		return bb_usage_error(cmd, "--resume replays the run's own plan: it takes no "
					   "--preset, --backends, --threads, --omp or --sizes");
	bb_suite_recorded rec = {0};
	char *workloads;
	if (resume) {
		char err[512];
		int rc = bb_suite_recorded_load(bb_opt_db(o), resume, &rec,
						err, sizeof(err));
		if (rc) {
			bb_suite_recorded_release(&rec);
			return bb_usage_error(cmd, "%s%s", err, rc > 0 ? ": it cannot be resumed" : "");
		}
		if (!strcmp(rec.status ? rec.status : "", "complete"))
			bb_note("run %lld is complete; resuming runs only cells it lacks", (long long)rec.run_id);
		replay(o, &rec, 1);
		bb_opt_set(o, "label", NULL); /* the run keeps its own */
		workloads = bb_xstrdup(rec.workloads);
	} else if (defaults && defaults->workloads) {
		replay(o, defaults, 0);
		workloads = bb_opt_flag(o, "preset") ? bb_preset_workloads(preset)
						     : bb_xstrdup(defaults->workloads);
	} else {
		workloads = bb_preset_workloads(preset);
	}
	bb_run_plan plan;
	int rc = bb_run_plan_build(cmd, o, workloads, preset->threads, preset->budget_s,
				   preset->target_rel, preset->passes, kind, &plan);
	if (!rc) {
		plan.command = bb_command_line(o->argc, o->argv);
		plan.eo.command = plan.command;
		plan.eo.resume_run = rec.run_id;
		plan.eo.judge = judge;
		plan.eo.judge_arg = judge_arg;
		int answer = !strcmp(kind, "suite") && !plan.eo.json;
		plan.eo.quiet = answer && bb_opt_flag(o, "quiet");
		plan.eo.no_cell_table = answer && !bb_opt_flag(o, "cells");
		int64_t own = 0, *id_out = run_id_out ? run_id_out : answer ? &own : NULL;
		int64_t before = id_out && !resume ? newest_run(plan.eo.db_path) : 0;
		rc = bb_engine_run(&plan.eo);
		if (id_out && (rc == BB_EXIT_OK || rc == BB_EXIT_FAILED || rc == BB_EXIT_INTERRUPTED)) {
			if (resume)
				*id_out = rec.run_id;
			else if (find_own_run(plan.eo.db_path, before, plan.command, kind, id_out))
				rc = BB_EXIT_INTERNAL;
		}
		if (answer && *id_out && rc != BB_EXIT_INTERNAL) {
			bb_suite_answer_opts ao = {
			    .db_path = plan.eo.db_path,
			    .run_id = *id_out,
			    .report = !bb_opt_flag(o, "no-report"),
			    .progress = !plan.eo.quiet && isatty(STDERR_FILENO),
			};
			if (bb_suite_answer(&ao) && rc == BB_EXIT_OK)
				rc = BB_EXIT_INTERNAL;
		}
	}
	bb_run_plan_release(&plan);
	free(workloads);
	bb_suite_recorded_release(&rec);
	*o = given;
	return rc;
}
