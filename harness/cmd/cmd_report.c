/*
 * `blasbench report [RUN] --html FILE [--gnuplot DIR] [--compare BASE] [--db F] [--json]`: one
 * run as a self-contained HTML page (reports/html.c), with charts drawn by gnuplot and, with
 * --gnuplot, the data files and scripts to re-plot them.  The page is written to a temporary
 * file beside FILE and renamed over it only when complete, so a failed report leaves FILE as it
 * was; neither FILE nor a file in DIR may be a database (common/output.h).
 * Loading is db/report_query.c (and db/compare_query.c for --compare).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_config.h"
#include "common/error.h"
#include "common/json.h"
#include "common/output.h"
#include "common/number.h"
#include "db/db.h"
#include "db/report_query.h"
#include "harness/cli/command.h"
#include "harness/host/peak/peak.h"
#include "reports/compare.h"
#include "reports/html.h"
#include "harness/report/report_page.h"

/* compare's default threshold: a comparison in the report reads like `blasbench compare` */
#define REPORT_CMP_THRESHOLD 0.05


/* "file.db:RUN" -> path "file.db", run "RUN"; a bare "RUN" is in default_path (the syntax of
 * `compare`, harness/cmd/cmd_compare.c).  path is malloc'd; run points into ref. */
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

/* --gnuplot DIR: an existing directory, or one created here (its parent must exist). */
static int prepare_dir(const char *dir)
{
	struct stat st;
	if (mkdir(dir, 0777) && errno != EEXIST)
		return bb_error("cannot create directory '%s': %s", dir, strerror(errno));
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return bb_error("cannot use '%s' for gnuplot files: not a directory", dir);
	if (access(dir, W_OK))
		return bb_error("cannot write to directory '%s': %s", dir, strerror(errno));
	return 0;
}

static void print_json(const char *html, size_t bytes, const bb_db_report_run *run,
		       const bb_html_result *res, const char *gpdir, const bb_cmp_report *cmp)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 1);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "html", html);
	bb_jw_kv_int(&w, "bytes", (long long)bytes);
	bb_jw_kv_string(&w, "db", run->db_path);
	bb_jw_kv_int(&w, "run", run->id);
	bb_jw_kv_string(&w, "label", run->label);
	bb_jw_kv_string(&w, "kind", run->kind);
	bb_jw_kv_int(&w, "cells", res->cells);
	bb_jw_kv_int(&w, "failures", res->failures);
	bb_jw_kv_int(&w, "charts", res->charts);
	bb_jw_kv_int(&w, "charts_planned", res->charts_planned);
	bb_jw_kv_int(&w, "charts_failed", res->charts_failed);
	bb_jw_kv_string(&w, "charts_missing", *res->charts_missing ? res->charts_missing : NULL);
	bb_jw_kv_string(&w, "gnuplot_dir", gpdir);
	bb_jw_key(&w, "compare");
	if (cmp) {
		bb_jw_object_begin(&w);
		bb_jw_kv_string(&w, "db", cmp->base->db_path);
		bb_jw_kv_int(&w, "base", cmp->base->id);
		bb_jw_kv_int(&w, "cells", (long long)cmp->n_rows);
		bb_jw_kv_int(&w, "regressions", cmp->regressions);
		bb_jw_kv_int(&w, "improvements", cmp->improvements);
		bb_jw_object_end(&w);
	} else {
		bb_jw_null(&w);
	}
	bb_jw_object_end(&w);
	printf("%s\n", sb.buf);
	bb_strbuf_release(&sb);
}

static int cmd_report(bb_opts *o)
{
	const char *dbpath = bb_opt_db(o);
	const char *html = bb_opt_str(o, "html", NULL);
	const char *gpdir = bb_opt_str(o, "gnuplot", NULL);
	const char *base_ref = bb_opt_str(o, "compare", NULL);
	char err[512], *path = NULL, *bpath = NULL, cand_ref[32];
	const char *run_ref, *brun;
	bb_db_report_run run = {0};
	bb_db_cmp_run base = {0}, cand = {0};
	bb_cmp_report cmp = {0};
	bb_html_result res;
	bb_output out = {0};
	int ret = BB_EXIT_USAGE;

	if (!html || !*html)
		return bb_usage_error(&bb_cmd_report, "'report' needs --html FILE");
	if (gpdir && !*gpdir)
		return bb_usage_error(&bb_cmd_report, "--gnuplot needs a directory");
	split_ref(o->nargs ? o->args[0] : "latest", dbpath, &path, &run_ref);
	if (base_ref) {
		split_ref(base_ref, dbpath, &bpath, &brun);
		bb_output_protect(bpath);
	}
	bb_output_protect(path);
	/* open the output before reading or drawing anything: a page that may not or cannot be
	 * written fails fast, and nothing is left behind */
	int orc = bb_output_open(&out, html, err, sizeof(err));
	if (orc) {
		if (orc == BB_OUTPUT_REFUSED)
			bb_usage_error(&bb_cmd_report, "%s", err);
		else
			bb_error("%s", err);
		goto cleanup;
	}
	if (bb_db_report_run_load(path, run_ref, &run, err, sizeof(err))) {
		ret = bb_input_error("%s", err);
		goto cleanup;
	}
	if (base_ref) {
		snprintf(cand_ref, sizeof(cand_ref), "%lld", (long long)run.id);
		if (bb_db_cmp_run_load(bpath, brun, &base, err, sizeof(err)) ||
		    bb_db_cmp_run_load(path, cand_ref, &cand, err, sizeof(err))) {
			ret = bb_input_error("%s", err);
			goto cleanup;
		}
		bb_cmp_report_build(&cmp, &base, &cand, NULL, 0, REPORT_CMP_THRESHOLD);
	}
	if (gpdir && prepare_dir(gpdir))
		goto cleanup;

	size_t bytes = 0;
	int built = 0;
	if (bb_report_page_write(&run, base_ref ? &cmp : NULL, &out, gpdir, isatty(STDERR_FILENO),
				 &res, &bytes, &built, err, sizeof(err))) {
		bb_error("%s", err);
		ret = built ? BB_EXIT_INTERNAL : BB_EXIT_USAGE;
		goto cleanup;
	}
	if (bb_opt_flag(o, "json"))
		print_json(html, bytes, &run, &res, gpdir, base_ref ? &cmp : NULL);
	else
		printf("wrote %s: run %lld, %d cell%s (%d failed), %d chart%s%s%s\n", html,
		       (long long)run.id, res.cells, bb_plural(res.cells), res.failures, res.charts,
		       res.charts == 1 ? "" : "s", gpdir ? ", gnuplot files in " : "",
		       gpdir ? gpdir : "");
	ret = BB_EXIT_OK;
cleanup:
	bb_output_abort(&out);
	bb_cmp_report_release(&cmp);
	bb_db_cmp_run_release(&base);
	bb_db_cmp_run_release(&cand);
	bb_db_report_run_release(&run);
	free(path);
	free(bpath);
	return ret;
}

static const bb_option report_options[] = {
    {"html", 0, "FILE",
     "write the report to FILE (one self-contained HTML page; never over a database)"},
    {"gnuplot", 0, "DIR",
     "also keep each chart's data (.dat) and gnuplot script (.gp) in DIR (never over a database)"},
    {"compare", 0, "BASE",
     "add a comparison with run BASE (id, label, 'latest' or FILE:RUN), as `compare`"},
    {"json", 0, NULL, "print what was written as JSON"},
    {0},
};

const bb_command bb_cmd_report = {
    .name = "report",
    .fn = cmd_report,
    .flags = BB_CMD_DB,
    .required = (const char *const[]){"html", NULL},
    .options = report_options,
    .args_usage = "[RUN]",
    .max_args = 1,
    .summary = "write one run as a self-contained HTML page with charts (gnuplot)",
    .description =
        "RUN is an id, a label or 'latest' (the default), optionally in another file as\n"
        "FILE:RUN.  The page holds the host and its measured peak, each backend's probed stack,\n"
        "charts as inline SVG (GFLOP/s against size with % of peak, thread scaling, scenario\n"
        "slowdowns of a diagnose run, and with --compare the time ratio of each cell against\n"
        "BASE with its 95% CI), then every cell, failures first.  It needs no network to view.\n"
        "Charts are drawn by gnuplot ($BLASBENCH_GNUPLOT, else 'gnuplot' from PATH); without it\n"
        "the page says charts are missing.  FILE is replaced only when the page is complete.\n"
        "No output ever replaces a database: FILE, or a file in DIR, that is a SQLite file or\n"
        "one of the databases read (or its -wal, -shm, -journal) is refused with exit code 2.",
};
