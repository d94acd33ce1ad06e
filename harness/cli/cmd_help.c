/*
 * `blasbench help [COMMAND]`: the overview or one command's help, both rendered from the
 * command table.
 */
#include <string.h>

#include "harness/cli/command.h"

static int cmd_help(bb_opts *o)
{
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

const bb_command bb_cmd_help = {
	.name = "help",
	.fn = cmd_help,
	.args_usage = "[COMMAND]",
	.max_args = 1,
	.summary = "show the commands, or one command's options",
};
