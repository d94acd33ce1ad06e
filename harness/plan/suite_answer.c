/*
 * The end of `suite` (see suite_answer.h).
 */
#include "harness/plan/suite_answer.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/output.h"
#include "db/db.h"
#include "db/report_query.h"
#include "harness/report/report_page.h"
#include "reports/answer.h"

/* The run recorded just before this one in the database, 0 none. */
static int64_t previous_run(const char *db_path, int64_t run_id)
{
	char err[512];
	bb_db *db;
	bb_db_run_info *runs = NULL;
	size_t n = 0;
	int64_t prev = 0;
	if (bb_db_open_readonly(db_path, &db, err, sizeof(err)))
		return 0;
	if (!bb_db_runs(db, &runs, &n, err, sizeof(err)))
		for (size_t i = 0; i < n; i++)
			if (runs[i].id < run_id && runs[i].id > prev && runs[i].kind &&
			    !strcmp(runs[i].kind, "suite"))
				prev = runs[i].id;
	bb_db_run_infos_free(runs, n);
	bb_db_close(db);
	return prev;
}

/* Write the report; returns its path (caller frees) or NULL after printing why. */
static char *write_report(const bb_db_report_run *run, int progress)
{
	char err[512];
	char *path = bb_report_default_path(run->db_path, (long long)run->id);
	bb_output out = {0};
	bb_html_result res;
	size_t bytes;
	int built;
	if (bb_output_open(&out, path, err, sizeof(err)) ||
	    bb_report_page_write(run, NULL, &out, NULL, progress, &res, &bytes, &built, err,
	                         sizeof(err))) {
		bb_output_abort(&out);
		bb_error("the report was not written: %s", err);
		free(path);
		return NULL;
	}
	return path;
}

int bb_suite_answer(const bb_suite_answer_opts *o)
{
	char err[512], ref[32];
	bb_db_report_run run;
	snprintf(ref, sizeof(ref), "%lld", (long long)o->run_id);
	if (bb_db_report_run_load(o->db_path, ref, &run, err, sizeof(err)))
		return bb_error("cannot read the run back: %s", err);
	bb_answer a;
	bb_answer_build(&a, &run, bb_report_routine_family, bb_report_kernel_overrides);
	fputc('\n', stdout);
	bb_answer_print(&a, stdout, 100);
	char *report = o->report ? write_report(&run, o->progress) : NULL;
	char real[PATH_MAX];
	const char *db = realpath(run.db_path, real) ? real : run.db_path;
	printf("\n%-9s %s: run %lld%s%s%s, %s: %d ok, %d failed, %d skipped\n", "database", db,
	       (long long)run.id, run.label ? " (label '" : "", run.label ? run.label : "",
	       run.label ? "')" : "", run.status ? run.status : "?", a.ok, a.failed, a.skipped);
	char rreal[PATH_MAX];
	if (report)
		printf("%-9s %s (open it in a browser; every cell is in it)\n", "report",
		       realpath(report, rreal) ? rreal : report);
	else
		printf("%-9s blasbench report %lld --html FILE%s\n", "report", (long long)run.id,
		       o->report ? "" : " (--no-report: not written)");
	int64_t prev = previous_run(o->db_path, o->run_id);
	if (prev)
		printf("%-9s blasbench compare %lld %lld   (the run before against this one)\n",
		       "compare", (long long)prev, (long long)run.id);
	else
		printf("%-9s blasbench compare %lld latest   (after the next suite in this "
		       "database)\n",
		       "compare", (long long)run.id);
	printf("%-9s add --cells for the per-cell table; --json for scripts\n", "cells");
	free(report);
	bb_answer_release(&a);
	bb_db_report_run_release(&run);
	return 0;
}
