/*
 * `blasbench suite [--backends B] [--preset quick|standard|full] [--resume RUN] ...`: a preset
 * matrix, the command users type first.  --resume replays a recorded run's plan and measures
 * only the cells it does not have yet.  The work is in suite_exec.c, which `gate` shares.
 * The presets and the default backends in its help come from their tables (presets.c, the
 * catalog).
 */
#include <string.h>

#include "backends/catalog.h"
#include "harness/cli/command.h"
#include "harness/plan/presets.h"
#include "harness/plan/suite_exec.h"

static int cmd_suite(bb_opts *o) { return bb_suite_execute(&bb_cmd_suite, o, NULL, "suite", NULL); }

/* The presets (presets.c) and the default backends (the catalog), for the help. */
static void suite_help_tables(FILE *out)
{
	int width = 0;
	for (size_t i = 0; i < bb_preset_count(); i++)
		if ((int)strlen(bb_preset_at(i)->name) > width)
			width = (int)strlen(bb_preset_at(i)->name);
	fputs("\npresets:\n", out);
	for (size_t i = 0; i < bb_preset_count(); i++)
		bb_help_item(out, bb_preset_at(i)->name, width, bb_preset_at(i)->summary);
	fputs("\ndefault backends, when no --backends is given: one stack per family found\n", out);
	bb_help_item(out, "", 0, bb_catalog_default_names());
}

static const bb_option suite_options[] = {
	BB_SUITE_OPTIONS,
	BB_SUITE_ANSWER_OPTIONS,
	{0},
};

const bb_command bb_cmd_suite = {
	.name = "suite",
	.fn = cmd_suite,
	.flags = BB_CMD_DB | BB_CMD_PYTHON,
	.options = suite_options,
	.max_args = 0,
	.summary = "run a preset matrix and record it (start here: suite --backends " BB_CAT_STARTER ")",
	.description = "At the end: what needs attention (failed cells, a backend far below the\n"
		       "measured peak, thread counts that do not scale, inherited settings, skipped\n"
		       "cells, which LAPACK each backend used), then one side-by-side table (a row per\n"
		       "workload and thread count, a column per backend: GFLOP/s, % of peak, speed\n"
		       "over the fastest), and where the database, the run, the HTML report (written\n"
		       "next to the database unless --no-report, never over an existing file) and\n"
		       "the compare command are.  --cells adds the per-cell table; --json is for\n"
		       "scripts.  Progress is one line rewritten in place on a terminal, a line per\n"
		       "backend and every few seconds in a log.\n"
		       "Ctrl-C stops the workers and keeps every finished cell: continue with\n"
		       "--resume RUN.",
	.help_tables = suite_help_tables,
};
