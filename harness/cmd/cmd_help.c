/*
 * `blasbench help [COMMAND]`: the overview or one command's help, both rendered from the
 * command table.  `help --synopsis` prints every command's usage line with all its options:
 * the README's synopsis is that output, compared by tests/harness/test_readme.sh.
 */
#include <string.h>

#include "harness/cli/command.h"

static int cmd_help(bb_opts *o)
{
	if (bb_opt_flag(o, "synopsis")) {
		if (o->nargs)
			return bb_usage_error(&bb_cmd_help, "--synopsis takes no COMMAND");
		for (int i = 0; bb_commands[i]; i++)
			if (!(bb_commands[i]->flags & BB_CMD_HIDDEN))
				bb_help_synopsis(bb_commands[i], stdout);
		return BB_EXIT_OK;
	}
	if (o->nargs == 0) {
		bb_help_overview(stdout);
		return BB_EXIT_OK;
	}
	const bb_command *cmd = bb_command_find(o->args[0]);
	if (!cmd || (cmd->flags & BB_CMD_HIDDEN)) {
		const char *hint = bb_command_suggest(o->args[0]);
		if (hint)
			return bb_usage_error(NULL, "no help for '%s': not a command; did you mean '%s'?",
					      o->args[0], hint);
		return bb_usage_error(NULL, "no help for '%s': not a command", o->args[0]);
	}
	bb_help_command(cmd, stdout);
	return BB_EXIT_OK;
}

static const bb_option help_options[] = {
	{"synopsis", 0, NULL, "every command's usage line with all its options"},
	{0},
};

const bb_command bb_cmd_help = {
	.name = "help",
	.fn = cmd_help,
	.options = help_options,
	.args_usage = "[COMMAND]",
	.max_args = 1,
	.summary = "show the commands, or one command's options",
};
