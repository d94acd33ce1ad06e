/*
 * The table of commands (from commands.def): dispatch by name, the closest name for a typo and
 * the `blasbench help` overview.  Linked into the executable only, next to the cmd_*.c files it
 * points to; the option parser (command.c) lives in the bb_harness library.
 */
#include "harness/cli/command.h"

#include <stddef.h>
#include <string.h>

#include "common/suggest.h"

const bb_command *const bb_commands[] = {
#define BB_COMMAND(n) &bb_cmd_##n,
#include "harness/cli/commands.def"
#undef BB_COMMAND
	NULL,
};

const bb_command *bb_command_find(const char *name)
{
	for (int i = 0; bb_commands[i]; i++)
		if (!strcmp(bb_commands[i]->name, name))
			return bb_commands[i];
	return NULL;
}

const char *bb_command_suggest(const char *word)
{
	const char *names[64];
	int n = 0;
	for (int i = 0; bb_commands[i] && n < 64; i++)
		if (!(bb_commands[i]->flags & BB_CMD_HIDDEN))
			names[n++] = bb_commands[i]->name;
	return bb_closest_name(word, names, n);
}

void bb_help_overview(FILE *out)
{
	fputs("usage: blasbench COMMAND [options]\n\n"
	      "Benchmark and diagnose BLAS/LAPACK stacks: several libraries side by side,\n"
	      "each probed by behaviour and run in its own worker process.\n\ncommands:\n",
	      out);
	for (int i = 0; bb_commands[i]; i++) {
		if (bb_commands[i]->flags & BB_CMD_HIDDEN)
			continue;
		fprintf(out, "  %-10s %s\n", bb_commands[i]->name, bb_commands[i]->summary);
	}
	fputs("\n'blasbench help COMMAND' or 'blasbench COMMAND --help' shows a command's options.\n",
	      out);
}
