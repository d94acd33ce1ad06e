/*
 * Fuzz target: command-line option parsing (harness/cli/command.c bb_opts_parse) against the
 * real command table, then, for the commands that plan a measurement (run, suite, gate), the
 * conversion of their options into an engine plan (harness/plan/run_options.c
 * bb_run_plan_build and bb_command_line) -- everything short of opening a database or
 * starting a worker.
 *
 * The input is the command line, one argument per line: the first line names the command
 * ("run"), the others are its arguments ("--backends", "openblas", ...).  Usage errors are
 * printed on stderr and help on stdout, as in blasbench itself (run libFuzzer with
 * -close_fd_mask=3 to keep them quiet).  Everything is freed.
 */
#include "common/json.h"
#include "fuzz_util.h"
#include "harness/cli/command.h"
#include "harness/plan/presets.h"
#include "harness/plan/run_options.h"

enum { MAX_ARGS = 64 };

static int declares(const bb_opts *o, const char *name)
{
	for (int i = 0; i < o->count; i++)
		if (!strcmp(o->spec[i].name, name))
			return 1;
	return 0;
}

/* A plan that was built holds what the engine needs, and its options_json (what --resume
 * replays) is JSON that names each backend. */
static void check_plan(bb_run_plan *p, const bb_opts *o)
{
	BB_FUZZ_CHECK(p->n_specs && p->n_cells && p->n_threads && p->options_json);
	for (size_t i = 0; i < p->n_threads; i++)
		BB_FUZZ_CHECK(p->threads[i] >= 1);
	char err[256];
	bb_json *rec = bb_json_parse(p->options_json, strlen(p->options_json), err, sizeof(err));
	if (!rec)
		fprintf(stderr, "options_json does not parse: %s\n%s\n", err, p->options_json);
	BB_FUZZ_CHECK(rec);
	BB_FUZZ_CHECK(bb_json_len(bb_json_get(rec, "backends")) == p->n_specs);
	bb_json_free(rec);
	p->command = bb_command_line(o->argc, o->argv);
	BB_FUZZ_CHECK(p->command);
}

/* Plan the measurement o asks for as cmd_run / bb_suite_execute would, and release it. */
static void plan(const bb_command *cmd, const bb_opts *o)
{
	bb_run_plan p;
	int rc;
	if (declares(o, "preset")) {
		if (bb_opt_str(o, "resume", NULL))
			return; /* reads the database */
		const bb_preset *preset = bb_preset_find(bb_opt_str(o, "preset", "standard"));
		if (!preset)
			return;
		char *workloads = bb_preset_workloads(preset);
		rc = bb_run_plan_build(cmd, o, workloads, preset->threads, preset->budget_s,
		                       preset->target_rel, preset->passes, "suite", &p);
		if (!rc)
			check_plan(&p, o);
		bb_run_plan_release(&p);
		free(workloads);
	} else if (declares(o, "workloads") && bb_opt_str(o, "workloads", NULL)) {
		rc = bb_run_plan_build(cmd, o, bb_opt_str(o, "workloads", NULL), "all", 1.0, 0.01,
		                       3, "run", &p);
		if (!rc)
			check_plan(&p, o);
		bb_run_plan_release(&p);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = bb_fuzz_cstr(data, size);
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	for (char *p = text; argc < MAX_ARGS;) {
		argv[argc++] = p;
		p = strchr(p, '\n');
		if (!p)
			break;
		*p++ = '\0';
	}
	argv[argc] = NULL;
	const bb_command *cmd = bb_command_find(argv[0]);
	if (cmd) {
		bb_opts o;
		int rc = bb_opts_parse(cmd, argc, argv, &o);
		BB_FUZZ_CHECK(rc == 0 || rc == -1 || rc == BB_EXIT_USAGE);
		BB_FUZZ_CHECK(o.nargs <= argc - 1);
		if (rc == 0)
			plan(cmd, &o);
		free(o.args);
	}
	free(text);
	return 0;
}
