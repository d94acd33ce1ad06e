/*
 * `blasbench gate --baseline DB[:RUN] [--candidate DB[:RUN] | suite options]
 * [--max-regression PCT] [--junit FILE] [--markdown FILE]`: `compare` turned into a CI step.
 *
 * Without --candidate the gate measures the candidate itself, through the same code as `suite`
 * (suite_exec.c) and with the same options, recorded in --db as a run of kind "gate"; what the
 * user leaves out comes from the baseline run's recorded plan, so `gate --baseline base.db
 * --backends new=/path/libopenblas.so` measures the baseline's cells on the new library.  Then
 * it compares, writes JUnit XML and a Markdown summary (appended to $GITHUB_STEP_SUMMARY when
 * set) and exits 0 when the candidate passes, 1 on any regression or any candidate cell that is
 * wrong, crashed, hung or failed, 2 when the gate could not judge, 130 when interrupted (no
 * verdict, no files).
 *
 * A pass needs evidence, not the absence of a failure: both runs complete, every baseline cell
 * measured in the candidate, and at least one cell measured on both sides.  What the
 * comparison lacks is a gap (reports/compare_gaps.c); a gap is exit 2 ("could not judge":
 * incomplete data is not a slower candidate) unless the candidate already fails on the cells
 * it has (exit 1: more data cannot undo a wrong answer or a regression).  An incomplete
 * baseline stops the gate before anything is measured, as a missing one does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "common/number.h"
#include "common/json.h"
#include "common/output.h"
#include "db/db.h"
#include "harness/cli/command.h"
#include "harness/engine/remeasure.h"
#include "harness/plan/suite_exec.h"
#include "harness/worker/worker.h"
#include "reports/compare.h"

/* The options gate shares with suite, to tell when a measuring option came with --candidate. */
static const bb_option suite_options[] = {
	BB_SUITE_OPTIONS,
	{0},
};

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

/* Measure the candidate with the suite: the options given, the rest from the baseline run's
 * recorded plan (from suite's defaults when it has none).  *path gets the database (malloc'd),
 * *run_id the run.  Returns 0 when the suite ran (whatever its cells' outcomes: the comparison
 * judges them), 130 when interrupted, BB_EXIT_USAGE after printing why it could not run. */
static int measure_candidate(bb_opts *o, const char *bpath, const bb_db_cmp_run *base,
			     bb_remeasure *rm, char **path, int64_t *run_id)
{
	bb_suite_recorded rec = {0};
	const bb_suite_recorded *defaults = NULL;
	if (base && !bb_opt_flag(o, "resume") &&
	    !(bb_opt_flag(o, "backends") && bb_opt_flag(o, "preset"))) {
		char ref[32], err[512];
		snprintf(ref, sizeof(ref), "%lld", (long long)base->id);
		if (bb_suite_recorded_load(bpath, ref, &rec, err, sizeof(err)) == 0)
			defaults = &rec;
		else
			bb_warning("%s: the candidate is measured with the suite's defaults", err);
	}
	/* With --json, stdout carries the comparison only (cmd_gate read the flag already): the
	 * suite prints its table, and to stderr. */
	int saved = -1;
	if (bb_opt_flag(o, "json")) {
		bb_opt_set(o, "json", NULL);
		fflush(stdout);
		saved = dup(STDOUT_FILENO);
		if (saved >= 0)
			dup2(STDERR_FILENO, STDOUT_FILENO);
	}
	int rc = bb_suite_execute_judged(&bb_cmd_gate, o, defaults, "gate", bb_remeasure_judge, rm,
					 run_id);
	fflush(stdout); /* the suite's table before anything the gate says */
	if (saved >= 0) {
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	bb_suite_recorded_release(&rec);
	*path = bb_xstrdup(bb_opt_db(o));
	if (rc == BB_EXIT_INTERRUPTED || bb_interrupted) {
		if (*run_id && base)
			fprintf(stderr,
				"gate interrupted: no verdict; finish the candidate with 'blasbench gate "
				"--baseline %s:%lld --db %s --resume %lld'\n",
				bpath, (long long)base->id, *path, (long long)*run_id);
		else if (*run_id)
			fprintf(stderr, "gate interrupted: no verdict (run %lld in %s kept)\n",
				(long long)*run_id, *path);
		return BB_EXIT_INTERRUPTED;
	}
	if ((rc != BB_EXIT_OK && rc != BB_EXIT_FAILED) || !*run_id) {
		bb_error("gate cannot run: the candidate suite did not run (exit code %d)", rc);
		return BB_EXIT_USAGE;
	}
	return 0;
}

/* Candidate backends that never loaded (the engine records them as {"error": why}): nothing of
 * them was measured, so nothing can be judged.  Returns how many, each named on stderr. */
static int count_unloaded(const bb_db_cmp_run *cand)
{
	int n = 0;
	for (size_t b = 0; b < cand->n_backends; b++) {
		const char *text = cand->backends[b].record_json;
		char err[128];
		bb_json *rec = text ? bb_json_parse(text, strlen(text), err, sizeof(err)) : NULL;
		const char *why = bb_json_str(bb_json_get(rec, "error"), NULL);
		if (why) {
			bb_error("gate cannot run: candidate backend '%s' could not be loaded: %s",
				 cand->backends[b].alias, why);
			n++;
		}
		bb_json_free(rec);
	}
	return n;
}

/* The aliases of a run, "a, b", for a message. */
static void alias_list(const bb_db_cmp_run *r, bb_strbuf *sb)
{
	for (size_t b = 0; b < r->n_backends; b++)
		bb_strbuf_addf(sb, "%s%s", b ? ", " : "", r->backends[b].alias);
	if (!r->n_backends)
		bb_strbuf_adds(sb, "none");
}

/* --baseline-backends B with --backends C: both measured in one run, the i-th of B paired with
 * the i-th of C.  Fills pairs (aliases point into the returned spec lists, caller frees both
 * with bb_spec_list_free) and sets --backends to both lists.  Returns 0 or BB_EXIT_USAGE. */
static int interleave_plan(bb_opts *o, const char *base_list, bb_backend_spec **bs, size_t *nb,
			   bb_backend_spec **cs, size_t *nc, bb_cmp_pair **pairs, char **both)
{
	char err[512];
	const char *cand_list = bb_opt_str(o, "backends", NULL);
	*bs = *cs = NULL;
	*nb = *nc = 0;
	if (!cand_list)
		return bb_usage_error(&bb_cmd_gate, "--baseline-backends needs --backends: the "
						    "candidate stacks, paired with them in order");
	if (bb_spec_parse_list(base_list, bs, nb, err, sizeof(err)))
		return bb_usage_error(&bb_cmd_gate, "--baseline-backends: %s", err);
	if (bb_spec_parse_list(cand_list, cs, nc, err, sizeof(err)))
		return bb_usage_error(&bb_cmd_gate, "--backends: %s", err);
	if (*nb != *nc)
		return bb_usage_error(&bb_cmd_gate,
				      "--baseline-backends names %zu stack%s and --backends %zu: they "
				      "are paired in order, so give as many",
				      *nb, *nb == 1 ? "" : "s", *nc);
	for (size_t i = 0; i < *nb; i++)
		for (size_t j = 0; j < *nc; j++)
			if (!strcmp((*bs)[i].alias, (*cs)[j].alias))
				return bb_usage_error(&bb_cmd_gate,
						      "alias '%s' is both a baseline and a candidate "
						      "stack: they run side by side, so name them "
						      "apart (e.g. old=%s and new=...)",
						      (*bs)[i].alias, (*bs)[i].text);
	*pairs = bb_xcalloc(*nb, sizeof(bb_cmp_pair));
	for (size_t i = 0; i < *nb; i++)
		(*pairs)[i] = (bb_cmp_pair){(*bs)[i].alias, (*cs)[i].alias};
	*both = bb_xasprintf("%s,%s", base_list, cand_list);
	bb_opt_set(o, "backends", *both);
	return 0;
}

/* A regression gate fails on must be confirmed by a re-measurement; one the budget left no
 * time to confirm is inconclusive. */
static void demote_unconfirmed(bb_cmp_report *rep, const bb_remeasure *rm)
{
	for (size_t i = 0; i < rep->n_rows; i++) {
		bb_cmp_row *row = &rep->rows[i];
		if (row->r.verdict != BB_CMP_REGRESSION || row->r.outcome_changed || !row->cand ||
		    bb_remeasure_confirmed(rm, row->cand->cell_key))
			continue;
		row->r.verdict = BB_CMP_INCONCLUSIVE;
		row->r.why = "a regression not confirmed by a re-measurement (budget spent)";
		row->r.more_units = -1;
		rep->regressions--;
		rep->inconclusive++;
	}
}

static int cmd_gate(bb_opts *o)
{
	const char *bspec = bb_opt_str(o, "baseline", NULL), *cspec = bb_opt_str(o, "candidate", NULL);
	const char *junit = bb_opt_str(o, "junit", "blasbench-gate.xml");
	const char *summary_env = getenv("GITHUB_STEP_SUMMARY");
	const char *md =
		bb_opt_str(o, "markdown", summary_env && *summary_env ? summary_env : "blasbench-gate.md");
	int json = bb_opt_flag(o, "json");
	char *bpath = NULL, *cpath = NULL, err[512];
	bb_db_cmp_run base = {0}, cand = {0};
	bb_cmp_report rep = {0};
	bb_strbuf xml = BB_STRBUF_INIT, sum = BB_STRBUF_INIT, out = BB_STRBUF_INIT;
	int ret = BB_EXIT_USAGE;
	const char *base_backends = bb_opt_str(o, "baseline-backends", NULL);
	const char *policy = bb_opt_str(o, "inconclusive", "remeasure");
	bb_remeasure rm = {0};
	bb_backend_spec *bs = NULL, *cs = NULL;
	size_t nbs = 0, ncs = 0;
	bb_cmp_pair *pairs = NULL;
	char *both = NULL;
	const char *given_backends = bb_opt_str(o, "backends", NULL);

	if (!bspec && !base_backends)
		return bb_usage_error(&bb_cmd_gate,
				      "'gate' needs --baseline DB[:RUN] or --baseline-backends B");
	if (base_backends && (cspec || bb_opt_flag(o, "resume")))
		return bb_usage_error(&bb_cmd_gate, "--baseline-backends measures both sides now: it "
						    "cannot go with --%s",
				      cspec ? "candidate" : "resume");
	if (strcmp(policy, "remeasure") && strcmp(policy, "fail") && strcmp(policy, "pass"))
		return bb_usage_error(&bb_cmd_gate,
				      "--inconclusive takes remeasure, fail or pass, not '%s'", policy);
	const char *bt = bb_opt_str(o, "budget-total", NULL);
	double budget_total = 0;
	char bwhy[160];
	if (bt && bb_parse_double(bt, strlen(bt), 0, 86400, 0, &budget_total, bwhy, sizeof(bwhy)))
		return bb_usage_error(&bb_cmd_gate,
				      "--budget-total takes seconds above 0 (e.g. 180), not '%s'", bt);
	if (bt && cspec)
		return bb_usage_error(&bb_cmd_gate, "--budget-total is for measuring the candidate: "
						    "it cannot go with --candidate");
	for (int i = 0; cspec && suite_options[i].name; i++)
		if (strcmp(suite_options[i].name, "json") && bb_opt_flag(o, suite_options[i].name))
			return bb_usage_error(&bb_cmd_gate,
					      "--%s is for measuring the candidate: it cannot go with "
					      "--candidate, a run already recorded",
					      suite_options[i].name);
	const char *ts = bb_opt_str(o, "max-regression", "5");
	double threshold;
	char why[160];
	if (bb_parse_double(ts, strlen(ts), 0, 999.999, 0, &threshold, why, sizeof(why)))
		return bb_usage_error(&bb_cmd_gate,
				      "--max-regression takes a percentage above 0 (e.g. 5), not '%s'", ts);
	threshold /= 100;
	rm.threshold = threshold;
	rm.budget_total = budget_total;
	rm.inconclusive_too = !strcmp(policy, "remeasure");
	rm.step = 2;
	const char *brun = NULL, *crun = NULL;
	if (base_backends &&
	    interleave_plan(o, base_backends, &bs, &nbs, &cs, &ncs, &pairs, &both))
		goto cleanup;
	rm.pairs = pairs;
	rm.n_pairs = nbs;
	if (bspec)
		split_db_run(bspec, &bpath, &brun);
	if (cspec)
		split_db_run(cspec, &cpath, &crun);
	/* the outputs before anything is read or measured: neither may replace a database */
	if (bpath)
		bb_output_protect(bpath);
	if (cpath)
		bb_output_protect(cpath);
	if (bb_output_check(junit, err, sizeof(err)) || bb_output_check(md, err, sizeof(err))) {
		ret = bb_usage_error(&bb_cmd_gate, "%s", err);
		goto cleanup;
	}
	/* the baseline first: a missing one stops the gate before anything is measured, and
	 * 'latest' must not resolve to the candidate when both share a file */
	if (bpath && bb_db_cmp_run_load(bpath, brun, &base, err, sizeof(err))) {
		bb_error("gate cannot run: %s", err);
		goto cleanup;
	}
	if (bpath && !bb_cmp_run_complete(&base)) {
		bb_error("gate cannot judge: baseline run %lld in '%s' is not complete (status '%s'): "
			 "a baseline must be a complete run; finish it or name another as DB:RUN",
			 (long long)base.id, bpath, base.status ? base.status : "none");
		goto cleanup;
	}
	char cref[32];
	if (!base_backends)
		rm.stored = &base;
	if (!cspec) {
		int64_t run_id = 0;
		ret = measure_candidate(o, bpath, bpath ? &base : NULL, &rm, &cpath, &run_id);
		if (ret)
			goto cleanup;
		ret = BB_EXIT_USAGE;
		snprintf(cref, sizeof(cref), "%lld", (long long)run_id);
		crun = cref;
	}
	if (bb_db_cmp_run_load(cpath, crun, &cand, err, sizeof(err))) {
		bb_error("gate cannot run: %s", err);
		goto cleanup;
	}
	if (count_unloaded(&cand))
		goto cleanup;
	if (base_backends) { /* both sides in the candidate run: paired passes */
		bb_db_cmp_run_release(&base);
		if (bb_db_cmp_run_load(cpath, crun, &base, err, sizeof(err))) {
			bb_error("gate cannot run: %s", err);
			goto cleanup;
		}
	}
	bb_cmp_report_build(&rep, &base, &cand, pairs, nbs, threshold);
	if (!cspec)
		demote_unconfirmed(&rep, &rm);
	rep.inconclusive_fails = strcmp(policy, "pass") != 0;
	if (!rep.matched) {
		bb_strbuf ba = BB_STRBUF_INIT, ca = BB_STRBUF_INIT;
		alias_list(&base, &ba);
		alias_list(&cand, &ca);
		bb_error("gate cannot run: no cell of candidate run %lld matches one of baseline run "
			 "%lld (cells are matched by backend alias, workload and threads; baseline "
			 "backends: %s; candidate backends: %s)",
			 (long long)cand.id, (long long)base.id, ba.buf, ca.buf);
		bb_strbuf_release(&ba);
		bb_strbuf_release(&ca);
		goto cleanup;
	}
	if (rep.host_differs)
		bb_warning("baseline and candidate were measured on different hosts (%s vs %s): "
			   "differences may come from the machine, not the stack",
			   base.host_fingerprint, cand.host_fingerprint);
	bb_cmp_write_junit(&rep, &xml);
	bb_cmp_write_markdown(&rep, &sum);
	int undecided = rep.inconclusive_fails ? rep.inconclusive : 0;
	int fails = rep.regressions || rep.cand_failed || undecided, gaps = bb_cmp_n_gaps(&rep);
	const char *verdict = fails ? "FAILED" : gaps ? "cannot judge" : "passed";
	bb_strbuf_addf(&sum, "\n**Gate: %s**%s%s%s\n", verdict,
		       rep.cand_failed ? " (candidate cells failed: wrong, crash, hang or error)" : "",
		       undecided ? " (cells inconclusive: their CI straddles the threshold)" : "",
		       gaps ? " (incomplete data: see the warnings above)" : "");
	if (bb_interrupted) { /* Ctrl-C after the suite: still no verdict */
		ret = BB_EXIT_INTERRUPTED;
		goto cleanup;
	}
	/* The step summary file is shared by every step of a job: append, never truncate. */
	int to_summary = summary_env && !strcmp(md, summary_env);
	if ((ret = bb_cli_write_output(&bb_cmd_gate, junit, xml.buf, xml.len, 0)) ||
	    (ret = bb_cli_write_output(&bb_cmd_gate, md, sum.buf, sum.len, to_summary)))
		goto cleanup;
	if (json) {
		bb_cmp_write_json(&rep, &out);
		printf("%s\n", out.buf);
	} else {
		bb_cmp_print_table(&rep, stdout);
	}
	/* after the table, so the last lines say why the gate did not pass */
	fflush(stdout);
	for (int g = 0; g < BB_CMP_N_GAPS; g++)
		if (bb_cmp_has_gap(&rep, (bb_cmp_gap)g)) {
			bb_cmp_gap_text(&rep, (bb_cmp_gap)g, err, sizeof(err));
			if (fails)
				bb_warning("%s", err);
			else
				bb_error("gate cannot judge: %s", err);
		}
	char how[160] = "";
	if (!strcmp(policy, "remeasure") && cspec)
		snprintf(how, sizeof(how), " (a stored candidate run: nothing could be re-measured)");
	else if (!strcmp(policy, "remeasure") && rm.budget_spent && !rm.extra_passes)
		snprintf(how, sizeof(how),
			 " with no time left to re-measure (the planned passes took %.0f s of the %.0f s "
			 "--budget-total)",
			 rm.planned_s, rm.budget_total);
	else if (!strcmp(policy, "remeasure"))
		snprintf(how, sizeof(how), "%s", rm.budget_spent
						      ? " after re-measuring until the budget was spent"
						      : " after re-measuring");
	if (undecided)
		bb_error("gate fails on %d inconclusive cell%s (a CI of the change straddling +-%.1f%%, or a "
			 "regression not confirmed by a re-measurement)%s "
			 "(each is listed with what would resolve it); a larger --budget-total%s, or "
			 "--inconclusive=pass to let them through",
			 undecided, undecided == 1 ? "" : "s", threshold * 100, how,
			 base_backends ? "" : ", --baseline-backends (both stacks measured side by side)");
	if (!cspec && (rm.extra_passes || rm.budget_spent) && !json)
		printf("re-measured: %d more pass%s in %d round%s%s\n", rm.extra_passes,
		       rm.extra_passes == 1 ? "" : "es", rm.rounds_asked, rm.rounds_asked == 1 ? "" : "s",
		       rm.budget_spent ? "; stopped by the budget" : "");
	fprintf(json ? stderr : stdout, "gate %s: JUnit XML in %s, summary in %s\n", verdict, junit,
		md);
	ret = fails ? BB_EXIT_FAILED : gaps ? BB_EXIT_USAGE : BB_EXIT_OK;
cleanup:
	bb_strbuf_release(&xml);
	bb_strbuf_release(&sum);
	bb_strbuf_release(&out);
	bb_cmp_report_release(&rep);
	bb_db_cmp_run_release(&base);
	bb_db_cmp_run_release(&cand);
	free(bpath);
	free(cpath);
	bb_remeasure_release(&rm);
	bb_spec_list_free(bs, nbs);
	bb_spec_list_free(cs, ncs);
	free(pairs);
	free(both);
	if (base_backends)
		bb_opt_set(o, "backends", given_backends);
	return ret;
}

static const bb_option gate_options[] = {
	{"baseline", 0, "DB[:RUN]", "the reference run (RUN: id, label or 'latest', the default)"},
	{"candidate", 0, "DB[:RUN]", "judge this recorded run instead of measuring one (no suite options)"},
	{"baseline-backends", 0, "B",
	 "measure the baseline stacks now, interleaved with --backends (paired in order): no "
	 "--baseline DB needed"},
	{"max-regression", 0, "PCT", "slowdown allowed before a cell fails, in percent (default 5)"},
	{"inconclusive", 0, "POLICY",
	 "cells whose CI straddles the threshold: remeasure (default: more passes, then fail), "
	 "fail or pass"},
	{"budget-total", 0, "SEC",
	 "seconds the whole gate may take, re-measuring included (default: at most 8 rounds)"},
	{"junit", 0, "FILE", "JUnit XML output (default blasbench-gate.xml; never over a database)"},
	{"markdown", 0, "FILE",
	 "Markdown summary (default: appended to $GITHUB_STEP_SUMMARY, else blasbench-gate.md; "
	 "never over a database)"},
	BB_SUITE_OPTIONS,
	{0},
};

const bb_command bb_cmd_gate = {
	.name = "gate",
	.fn = cmd_gate,
	.flags = BB_CMD_DB | BB_CMD_PYTHON,
	.required = NULL,
	.options = gate_options,
	.max_args = 0,
	.summary = "measure a candidate (or take a recorded run) and judge it against a baseline for CI",
	.description =
		"Without --candidate, gate measures the candidate as 'suite' would, with the suite\n"
		"options below, and records it in --db (default $BLASBENCH_DB or ./blasbench.db; the\n"
		"baseline may live in the same file).  Options not given come from the baseline run's\n"
		"recorded plan (backends, workloads, sizes, threads, OpenMP runtimes, budget, target,\n"
		"passes, timeout), so 'gate --baseline base.db --backends ob=/opt/new/libopenblas.so'\n"
		"measures the baseline's cells on another library; give it the baseline's alias, as\n"
		"cells are matched by alias.  --preset replaces the recorded workloads and settings by\n"
		"the preset's.  A baseline without a recorded plan falls back to suite's defaults.\n"
		"--json prints the comparison as JSON on stdout (the suite's table goes to stderr).\n"
		"\n"
		"--baseline-backends B measures the baseline stacks now, in the same run as --backends\n"
		"(the i-th of each paired, aliases told apart), their workers alternating in a random\n"
		"order per pass; the change is judged over the paired passes.  With --baseline DB the\n"
		"cells come from that run's plan.  Inconclusive cells (CI straddling the threshold)\n"
		"get more passes and a regression is confirmed by a fresh round before it fails the\n"
		"gate, until all are conclusive or --budget-total is spent (--inconclusive=remeasure,\n"
		"the default); --inconclusive=fail fails them without re-measuring, =pass lets them\n"
		"through.  Against a stored baseline only the candidate can be re-measured, and the\n"
		"between-run noise stays in the CI.\n"
		"\n"
		"Exit codes:\n"
		"  0    passed: both runs complete, every baseline cell measured in the candidate, no\n"
		"       regression and no failed candidate cell.\n"
		"  1    the candidate fails: a regression (the whole CI slower beyond --max-regression,\n"
		"       confirmed by a re-measurement when gate measured it, or an ok cell now\n"
		"       wrong/crash/hang/error), a failed candidate cell, or a cell still inconclusive\n"
		"       (unless --inconclusive=pass); this wins over 2, as more data cannot undo a failure.\n"
		"  2    the gate could not judge: bad arguments; a missing baseline database or run; a\n"
		"       baseline run that is not complete (checked before anything is measured); the\n"
		"       candidate suite not run or a candidate backend not loaded; a candidate run that\n"
		"       is not complete; baseline cells missing from the candidate (not recorded there,\n"
		"       or skipped); no cell measured on both sides (all skipped or failed) or no cell\n"
		"       in common.  A run is complete when its status is 'complete' (not running,\n"
		"       interrupted, failed...).  The JUnit XML has an error per missing cell and per\n"
		"       such gap, the Markdown a warning.\n"
		"  130  interrupted: no verdict and no files; --resume RUN finishes the run.\n"
		"The JUnit and Markdown files are written whole or not at all (the step summary is\n"
		"appended to), and never over a database: a FILE that is a SQLite file or one of the\n"
		"databases used (--db, --baseline, --candidate, or its -wal, -shm, -journal) is refused\n"
		"with exit code 2 before anything is measured.",
};
