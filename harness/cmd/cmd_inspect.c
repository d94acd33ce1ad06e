/*
 * `blasbench inspect [--json] (-- CMD [ARGS...] | --pid PID)`: the BLAS, LAPACK and OpenMP
 * libraries a live process uses, each with the record `list` gives and the values read inside
 * the process, plus the stack flags (harness/inspect/).  With CMD, blasbench exits with CMD's
 * exit code (128 + the signal when CMD was killed), so it can stand in front of any command.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "harness/cli/command.h"
#include "harness/inspect/inspect.h"

static int cmd_inspect(bb_opts *o)
{
	const char *pid_s = bb_opt_str(o, "pid", NULL);
	int json = bb_opt_flag(o, "json");
	if (!pid_s && !o->nargs)
		return bb_usage_error(&bb_cmd_inspect,
		                      "name a command after '--' or a process with --pid");
	if (pid_s && o->nargs)
		return bb_usage_error(&bb_cmd_inspect, "--pid and a command exclude each other");
	bb_inspect_result r;
	char err[1024];
	int rc;
	char **argv = NULL;
	if (pid_s) {
		char *end;
		errno = 0;
		long pid = strtol(pid_s, &end, 10);
		if (errno || *end || pid <= 0)
			return bb_usage_error(&bb_cmd_inspect, "--pid takes a process id, not '%s'",
			                      pid_s);
		rc = bb_inspect_pid(pid, &r, err, sizeof(err));
	} else {
		argv = bb_xcalloc((size_t)o->nargs + 1, sizeof(char *));
		for (int i = 0; i < o->nargs; i++)
			argv[i] = o->args[i];
		rc = bb_inspect_launch(argv, &r, err, sizeof(err));
	}
	if (rc) {
		bb_error("%s", err);
		free(argv);
		return rc;
	}
	bb_json *doc = NULL;
	if (bb_inspect_report(&r, argv, &doc, err, sizeof(err))) {
		bb_inspect_result_release(&r);
		free(argv);
		return bb_internal_error("inspect report: %s", err);
	}
	fflush(stdout);
	if (json) {
		bb_strbuf sb = BB_STRBUF_INIT;
		bb_json_writer w;
		bb_jw_init(&w, &sb, 1);
		bb_jw_value(&w, doc);
		printf("%s\n", sb.buf);
		bb_strbuf_release(&sb);
	} else {
		/* after CMD's own output, on stderr, so CMD's stdout stays CMD's */
		bb_inspect_print(doc, stderr);
	}
	rc = r.pid ? BB_EXIT_OK : r.signal ? 128 + r.signal : r.exit_code;
	bb_json_free(doc);
	bb_inspect_result_release(&r);
	free(argv);
	return rc;
}

static const bb_option inspect_options[] = {
    {"pid", 'p', "PID",
     "a running process, read from outside (/proc): what it maps, not the values in effect inside "
     "it"},
    {"json", 0, NULL, "print the report as JSON on stdout (after CMD's own output)"},
    {0},
};

const bb_command bb_cmd_inspect = {
    .name = "inspect",
    .fn = cmd_inspect,
    .options = inspect_options,
    .args_usage = "[-- CMD [ARGS...]]",
    .max_args = -1,
    .summary = "the BLAS/LAPACK/OpenMP libraries a live process uses",
    .description =
        "Runs CMD with a small probe library injected (LD_PRELOAD; the probe removes its\n"
        "variables from the environment before CMD's code runs, so neither CMD nor its\n"
        "children see them) and reports, at CMD's exit, every BLAS, LAPACK and OpenMP library\n"
        "it had loaded, late dlopen()s included: the record `list` gives for the file (family,\n"
        "version, kernel, threading layer, LP64/ILP64, symbol affixes, OpenMP runtime, hash),\n"
        "the thread counts in effect inside the process read through each library's own\n"
        "getters, the wheel each file came from, and the stack flags: two BLAS copies, two\n"
        "OpenMP runtimes, a pthreads BLAS beside an OpenMP runtime, more threads than CPUs.\n"
        "CMD's output passes through; the report goes to stderr (--json: stdout, after CMD's).\n"
        "blasbench exits with CMD's exit code, 128+N when CMD was killed by signal N; a CMD\n"
        "that cannot be found exits 127, one that cannot be executed 126.\n"
        "--pid PID reads a running process from outside and says what it cannot tell; a PID\n"
        "that does not exist exits 127, one that may not be read 126.",
};
