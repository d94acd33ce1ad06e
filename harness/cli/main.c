/*
 * blasbench: entry point.  Finds the command in the table (harness/cli/commands.def), parses its
 * options with the shared parser and runs it.  With no command, prints the overview.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_config.h"
#include "common/error.h"
#include "harness/cli/command.h"

int main(int argc, char **argv)
{
	/* A closed pipe (blasbench list | head) must end us quietly, not mid-write with EPIPE noise. */
	signal(SIGPIPE, SIG_DFL);
	if (argc < 2) {
		bb_help_overview(stderr);
		return BB_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	if (!strcmp(name, "--version")) {
		printf("blasbench %s\n", BB_VERSION);
		return BB_EXIT_OK;
	}
	const bb_command *cmd = bb_command_find(name);
	if (!cmd) {
		const char *hint = bb_command_suggest(name);
		if (hint)
			return bb_usage_error(NULL, "'%s' is not a blasbench command; did you mean '%s'?",
					      name, hint);
		return bb_usage_error(NULL, "'%s' is not a blasbench command", name);
	}
	bb_opts opts;
	int rc = bb_opts_parse(cmd, argc - 1, argv + 1, &opts);
	if (rc) {
		free(opts.args);
		return rc < 0 ? BB_EXIT_OK : rc;
	}
	rc = cmd->fn(&opts);
	free(opts.args);
	fflush(stdout);
	return rc;
}
