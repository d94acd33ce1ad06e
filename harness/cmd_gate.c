/*
 * `blasbench gate --baseline DB[:RUN] --candidate DB[:RUN] [--max-regression PCT] [--junit FILE]
 * [--markdown FILE]`: `compare` turned into a CI step.  Writes JUnit XML and a Markdown summary
 * (to $GITHUB_STEP_SUMMARY when set) and exits 0 when the candidate passes, 1 on any regression
 * or any candidate cell that is wrong, crashed, hung or failed, 2 when the gate could not run.
 * Measuring the candidate from here is not implemented yet: --candidate is required.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "db/db.h"
#include "harness/command.h"
#include "reports/compare.h"

/* "DB[:RUN]" -> malloc'd path and run reference ("latest" when absent).  A path that exists as
 * given is taken whole, so a file name holding ':' still works. */
static void split_db_run(const char *spec, char **path, const char **run)
{
	struct stat st;
	const char *colon = strrchr(spec, ':');
	if (!colon || colon == spec || !colon[1] || stat(spec, &st) == 0) {
		*path = bb_xstrdup(spec);
		*run = "latest";
	} else {
		*path = bb_xasprintf("%.*s", (int)(colon - spec), spec);
		*run = colon + 1;
	}
}

/* Write text to path; 0, or -1 after printing why. */
static int write_file(const char *path, const char *text, const char *mode)
{
	FILE *f = fopen(path, mode);
	if (!f || fputs(text, f) == EOF) {
		int e = errno;
		if (f)
			fclose(f);
		return bb_error("cannot write '%s': %s", path, strerror(e));
	}
	if (fclose(f))
		return bb_error("cannot write '%s': %s", path, strerror(errno));
	return 0;
}

static int cmd_gate(bb_opts *o)
{
	const char *bspec = bb_opt_str(o, "baseline", NULL),
	           *cspec = bb_opt_str(o, "candidate", NULL);
	const char *junit = bb_opt_str(o, "junit", "blasbench-gate.xml");
	const char *summary_env = getenv("GITHUB_STEP_SUMMARY");
	const char *md = bb_opt_str(
	    o, "markdown", summary_env && *summary_env ? summary_env : "blasbench-gate.md");
	char *bpath = NULL, *cpath = NULL, err[512];
	bb_db_cmp_run base = {0}, cand = {0};
	bb_cmp_report rep = {0};
	bb_strbuf xml = BB_STRBUF_INIT, sum = BB_STRBUF_INIT;
	int ret = BB_EXIT_USAGE;

	if (!bspec)
		return bb_usage_error(&bb_cmd_gate, "'gate' needs --baseline DB[:RUN]");
	if (!cspec)
		return bb_usage_error(
		    &bb_cmd_gate, "'gate' needs --candidate DB[:RUN]: measuring the "
		                  "candidate from the gate is not supported yet; run 'blasbench "
		                  "suite' first");
	const char *ts = bb_opt_str(o, "max-regression", "5");
	char *end;
	double threshold = strtod(ts, &end);
	if (end == ts || *end || !(threshold > 0) || threshold >= 1000)
		return bb_usage_error(&bb_cmd_gate,
		                      "--max-regression takes a percentage above 0 "
		                      "(e.g. 5), not '%s'",
		                      ts);
	threshold /= 100;
	const char *brun, *crun;
	split_db_run(bspec, &bpath, &brun);
	split_db_run(cspec, &cpath, &crun);
	if (bb_db_cmp_run_load(bpath, brun, &base, err, sizeof(err)) ||
	    bb_db_cmp_run_load(cpath, crun, &cand, err, sizeof(err))) {
		bb_error("gate cannot run: %s", err);
		goto cleanup;
	}
	bb_cmp_report_build(&rep, &base, &cand, NULL, 0, threshold);
	if (rep.host_differs)
		bb_warning("baseline and candidate were measured on different hosts (%s vs %s): "
		           "differences may come from the machine, not the stack",
		           base.host_fingerprint, cand.host_fingerprint);
	bb_cmp_write_junit(&rep, &xml);
	bb_cmp_write_markdown(&rep, &sum);
	int pass = !rep.regressions && !rep.cand_failed;
	bb_strbuf_addf(&sum, "\n**Gate: %s**%s\n", pass ? "passed" : "FAILED",
	               rep.cand_failed ? " (candidate cells failed: wrong, crash, hang or error)"
	                               : "");
	/* The step summary file is shared by every step of a job: append, never truncate. */
	int to_summary = summary_env && !strcmp(md, summary_env);
	if (write_file(junit, xml.buf, "w") || write_file(md, sum.buf, to_summary ? "a" : "w")) {
		ret = BB_EXIT_INTERNAL;
		goto cleanup;
	}
	bb_cmp_print_table(&rep, stdout);
	printf("gate %s: JUnit XML in %s, summary in %s\n", pass ? "passed" : "FAILED", junit, md);
	ret = pass ? BB_EXIT_OK : BB_EXIT_FAILED;
cleanup:
	bb_strbuf_release(&xml);
	bb_strbuf_release(&sum);
	bb_cmp_report_release(&rep);
	bb_db_cmp_run_release(&base);
	bb_db_cmp_run_release(&cand);
	free(bpath);
	free(cpath);
	return ret;
}

static const bb_option gate_options[] = {
    {"baseline", 0, "DB[:RUN]", "the reference run (RUN: id, label or 'latest', the default)"},
    {"candidate", 0, "DB[:RUN]", "the run under test (required: the gate does not measure yet)"},
    {"max-regression", 0, "PCT", "slowdown allowed before a cell fails, in percent (default 5)"},
    {"junit", 0, "FILE", "JUnit XML output (default blasbench-gate.xml)"},
    {"markdown", 0, "FILE",
     "Markdown summary (default $GITHUB_STEP_SUMMARY, else "
     "blasbench-gate.md)"},
    {0},
};

const bb_command bb_cmd_gate = {
    .name = "gate",
    .fn = cmd_gate,
    .options = gate_options,
    .max_args = 0,
    .summary = "compare a candidate run against a baseline for CI: exit code, JUnit, Markdown",
    .description =
        "Exit code 0: no regression and no failed candidate cell; 1: a regression (slower beyond\n"
        "--max-regression with confidence, or an ok cell now wrong/crash/hang/error) or a failed\n"
        "candidate cell; 2: the gate could not run (bad arguments, missing database or run).\n"
        "--candidate is required: run 'blasbench suite --db cand.db' first, then gate on it.",
};
