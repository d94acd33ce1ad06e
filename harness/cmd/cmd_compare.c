/*
 * `blasbench compare BASE [CAND] [--db F] [--threshold PCT] [--pair OLD=NEW ...]
 * [--json | --markdown | --junit FILE]`: two runs (or two backends of one run) cell by cell, with
 * a verdict per cell, what differs between the stacks, and exit code 1 when anything regressed.
 * Verdicts and renderers are in reports/compare_*.c (statistics: common/stats.c); loading is
 * db/compare_query.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/output.h"
#include "common/number.h"
#include "db/db.h"
#include "harness/cli/command.h"
#include "reports/compare.h"

#define MAX_PAIRS 32

/* "file.db:RUN" -> path "file.db", run "RUN"; a bare "RUN" is in default_path.  path is
 * malloc'd; run points into ref. */
static void split_ref(const char *ref, const char *default_path, char **path, const char **run)
{
	const char *colon = strrchr(ref, ':');
	if (colon && colon != ref && colon[1]) {
		*path = bb_xasprintf("%.*s", (int)(colon - ref), ref);
		*run = colon + 1;
	} else {
		*path = bb_xstrdup(default_path);
		*run = ref;
	}
}

/* Every --pair OLD=NEW given (the option may repeat; a value may also hold a comma list).
 * Strings are copied into *store (caller frees).  Returns the count, or -1 after a usage error. */
static int collect_pairs(const bb_opts *o, bb_cmp_pair *pairs, char **store)
{
	bb_strbuf all = BB_STRBUF_INIT;
	for (int i = 1; i < o->argc; i++) {
		const char *a = o->argv[i], *v = NULL;
		if (!strcmp(a, "--"))
			break;
		if (!strcmp(a, "--pair") && i + 1 < o->argc)
			v = o->argv[++i];
		else if (!strncmp(a, "--pair=", 7))
			v = a + 7;
		if (v)
			bb_strbuf_addf(&all, "%s%s", all.len ? "," : "", v);
	}
	*store = bb_strbuf_detach(&all, NULL);
	int n = 0;
	for (char *tok = strtok(*store, ","); tok; tok = strtok(NULL, ",")) {
		char *eq = strchr(tok, '=');
		if (!eq || eq == tok || !eq[1] || n == MAX_PAIRS)
			return bb_usage_error(&bb_cmd_compare,
			                      "bad --pair '%s': expected OLD=NEW (backend "
			                      "aliases of the base run)",
			                      tok),
			       -1;
		*eq = 0;
		pairs[n++] = (bb_cmp_pair){tok, eq + 1};
	}
	return n;
}

static int cmd_compare(bb_opts *o)
{
	const char *dbpath = bb_opt_db(o);
	const char *junit = bb_opt_str(o, "junit", NULL);
	int json = bb_opt_flag(o, "json"), md = bb_opt_flag(o, "markdown");
	bb_cmp_pair pairs[MAX_PAIRS];
	char *pair_store = NULL, *bpath = NULL, *cpath = NULL, err[512];
	bb_db_cmp_run base = {0}, cand = {0};
	bb_cmp_report rep = {0};
	int ret = BB_EXIT_USAGE;

	const char *ts = bb_opt_str(o, "threshold", "5");
	double threshold;
	char why[160];
	if (bb_parse_double(ts, strlen(ts), 0, 999.999, 0, &threshold, why, sizeof(why)))
		return bb_usage_error(&bb_cmd_compare,
		                      "--threshold takes a percentage above 0 "
		                      "(e.g. 5), not '%s'",
		                      ts);
	threshold /= 100;
	if (json + md + (junit != NULL) > 1)
		return bb_usage_error(&bb_cmd_compare, "choose one of --json, --markdown, --junit");
	int n_pairs = collect_pairs(o, pairs, &pair_store);
	if (n_pairs < 0)
		goto cleanup;
	if (o->nargs < 1 || (o->nargs < 2 && !n_pairs)) {
		ret = bb_usage_error(&bb_cmd_compare,
		                     "'compare' needs BASE and CAND runs (id, label or "
		                     "'latest', optionally FILE:RUN), or BASE with --pair OLD=NEW");
		goto cleanup;
	}
	const char *brun, *crun;
	split_ref(o->args[0], dbpath, &bpath, &brun);
	split_ref(o->args[o->nargs > 1 ? 1 : 0], dbpath, &cpath, &crun);
	bb_output_protect(bpath);
	bb_output_protect(cpath);
	if (junit && bb_output_check(junit, err, sizeof(err))) {
		ret = bb_usage_error(&bb_cmd_compare, "%s", err);
		goto cleanup;
	}
	if (bb_db_cmp_run_load(bpath, brun, &base, err, sizeof(err)) ||
	    bb_db_cmp_run_load(cpath, crun, &cand, err, sizeof(err))) {
		ret = bb_input_error("%s", err);
		goto cleanup;
	}
	for (int i = 0; i < n_pairs; i++) {
		int has_old = 0, has_new = 0;
		for (size_t b = 0; b < base.n_backends; b++)
			has_old |= !strcmp(base.backends[b].alias, pairs[i].old_alias);
		for (size_t b = 0; b < cand.n_backends; b++)
			has_new |= !strcmp(cand.backends[b].alias, pairs[i].new_alias);
		if (!has_old || !has_new) {
			ret = bb_input_error("no backend '%s' in run %lld of '%s'",
			         has_old ? pairs[i].new_alias : pairs[i].old_alias,
			         (long long)(has_old ? cand.id : base.id), has_old ? cpath : bpath);
			goto cleanup;
		}
	}
	bb_cmp_report_build(&rep, &base, &cand, pairs, (size_t)n_pairs, threshold);
	if (rep.host_differs)
		bb_warning("the runs were measured on different hosts (%s vs %s): differences may "
		           "come from the machine, not the stack",
		           base.host_fingerprint, cand.host_fingerprint);
	/* a partial run compares as if it were whole unless said loudly: on stderr as well as in
	 * the output, which a script may not read */
	for (int g = BB_CMP_GAP_BASE_INCOMPLETE; g <= BB_CMP_GAP_CAND_INCOMPLETE; g++)
		if (bb_cmp_has_gap(&rep, (bb_cmp_gap)g)) {
			bb_cmp_gap_text(&rep, (bb_cmp_gap)g, err, sizeof(err));
			bb_warning("%s", err);
		}
	if (json || md || junit) {
		bb_strbuf sb = BB_STRBUF_INIT;
		if (json)
			bb_cmp_write_json(&rep, &sb);
		else if (md)
			bb_cmp_write_markdown(&rep, &sb);
		else
			bb_cmp_write_junit(&rep, &sb);
		if (junit) {
			ret = bb_cli_write_output(&bb_cmd_compare, junit, sb.buf, sb.len, 0);
			if (ret) {
				bb_strbuf_release(&sb);
				goto cleanup;
			}
			bb_cmp_print_table(&rep, stdout);
		} else {
			printf("%s%s", sb.buf, json ? "\n" : "");
		}
		bb_strbuf_release(&sb);
	} else {
		bb_cmp_print_table(&rep, stdout);
	}
	ret = rep.regressions ? BB_EXIT_FAILED : BB_EXIT_OK;
cleanup:
	bb_cmp_report_release(&rep);
	bb_db_cmp_run_release(&base);
	bb_db_cmp_run_release(&cand);
	free(pair_store);
	free(bpath);
	free(cpath);
	return ret;
}

static const bb_option compare_options[] = {
    {"threshold", 0, "PCT", "smallest change that counts, in percent (default 5)"},
    {"pair", 0, "OLD=NEW",
     "compare backend OLD of BASE with backend NEW of CAND (repeatable; "
     "CAND defaults to BASE)"},
    {"json", 0, NULL, "print the comparison as JSON"},
    {"markdown", 0, NULL, "print a Markdown table (for a pull-request comment)"},
    {"junit", 0, "FILE", "write JUnit XML to FILE (a testcase per cell; never over a database)"},
    {0},
};

const bb_command bb_cmd_compare = {
    .name = "compare",
    .fn = cmd_compare,
    .flags = BB_CMD_DB,
    .options = compare_options,
    .args_usage = "BASE [CAND]",
    .max_args = 2,
    .summary = "compare two runs cell by cell: regressions, with confidence and attribution",
    .description =
        "BASE and CAND are runs: an id, a label or 'latest', each optionally in another file as\n"
        "FILE:RUN.  Cells are matched by workload, threads and backend alias (or --pair).  A cell\n"
        "is a regression when the 95% CI of the time ratio, over passes (worker processes;\n"
        "paired when both sides are of one run), lies entirely above 1 + threshold, or when an\n"
        "ok cell now fails; 'unchanged' only when the whole CI lies within +-threshold; a CI that\n"
        "straddles it is 'inconclusive', printed with what would resolve it.  Every output warns when either run is not complete\n"
        "(status other than 'complete': running, interrupted, failed), when cells of BASE are\n"
        "missing from CAND (not recorded, or skipped there; JUnit: an error each) and when no\n"
        "cell is measured on both sides.  Exit code 1 when any cell regressed ('gate' also\n"
        "refuses to pass what is incomplete).\n"
        "--junit FILE is written whole or not at all, and never over a database: a FILE that is\n"
        "a SQLite file or one of the runs' databases (or its -wal, -shm, -journal) is refused\n"
        "with exit code 2 before anything is read.\n"
        "\n" BB_HELP_RUN_REF,
};
