/*
 * The table of commands (from commands.def): dispatch by name, the closest name for a typo and
 * the `blasbench help` overview, which ends with the exit code table (bb_exit_codes[], the one
 * place the exit codes are described; the README copies it).  Linked into the executable only, next to the cmd_*.c files it
 * points to; the option parser (command.c) lives in the bb_harness library.
 */
#include "harness/cli/command.h"

#include <stddef.h>
#include <stdio.h>
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

const bb_exit_code_doc bb_exit_codes[] = {
	{BB_EXIT_OK, "done, and nothing it examined failed"},
	{BB_EXIT_FAILED, "done, and something it examined failed: a cell wrong, crashed, hung or in "
			 "error, a regression (compare, gate), a backend that did not load (list)"},
	{BB_EXIT_USAGE, "a bad command line or value, or a file the user named that cannot be used: "
			"a database that cannot be opened (missing, unreadable, not blasbench's, "
			"newer, read-only for a command that writes), an output file that cannot be "
			"created, a run or label not found, a label already taken"},
	{BB_EXIT_INTERNAL, "blasbench or its environment could not finish what it began: a write "
			   "that failed once its file was open (disk full, I/O error), a result or a "
			   "run status the database refused mid-run, out of memory"},
	{126, "inspect -- CMD, diagnose -- CMD: CMD cannot be executed; inspect --pid: the process may "
	      "not be read (otherwise inspect exits with CMD's own code, 128+N when a signal N killed it)"},
	{127, "inspect -- CMD, diagnose -- CMD: CMD does not exist; inspect --pid: no such process"},
	{BB_EXIT_INTERRUPTED, "interrupted (Ctrl-C, SIGTERM): what finished is kept; no verdict"},
	{0, NULL},
};

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
	fputs("\nexit codes (the same in every command):\n", out);
	for (int i = 0; bb_exit_codes[i].meaning; i++) {
		char code[8];
		snprintf(code, sizeof(code), "%d", bb_exit_codes[i].code);
		bb_help_item(out, code, 3, bb_exit_codes[i].meaning);
	}
}
