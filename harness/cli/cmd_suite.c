/*
 * `blasbench suite [--backends B] [--preset quick|standard|full] [--resume RUN] ...`: a preset
 * matrix, the command users type first.  --resume replays a recorded run's plan and measures
 * only the cells it does not have yet.  The work is in suite_exec.c, which `gate` shares.
 */
#include "backends/catalog.h"
#include "harness/cli/command.h"
#include "harness/plan/suite_exec.h"

static int cmd_suite(bb_opts *o) { return bb_suite_execute(&bb_cmd_suite, o, NULL, "suite", NULL); }

static const bb_option suite_options[] = {
	BB_SUITE_OPTIONS,
	{0},
};

const bb_command bb_cmd_suite = {
	.name = "suite",
	.fn = cmd_suite,
	.flags = BB_CMD_DB,
	.options = suite_options,
	.max_args = 0,
	.summary = "run a preset matrix and record it (start here: suite --backends " BB_CAT_STARTER ")",
	.description =
		"Presets: quick = dgemm 64..512, ddot, dgemv, dtrsm, dgetrf, dpotrf, dsyevd at 1 thread\n"
		"and all cores; standard = every routine family in s, d and z, sizes 32..2048;\n"
		"full = every precision, transposes, skinny shapes, sizes to 4096, up to 2x the cores.\n"
		"Default backends: one stack per family found (openblas, blis, flame, atlas, netlib,\n"
		"mkl).  Ctrl-C stops the workers and keeps every finished cell: continue with\n"
		"--resume RUN.",
};
