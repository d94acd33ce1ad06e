/*
 * `blasbench merge OUT.db IN.db... [--json]`: the databases of many hosts or CI jobs combined
 * into one (db/merge.c does the SQL).  Every input is checked before anything is written: one
 * that is not blasbench's, is corrupt or is from a newer blasbench is refused by name with exit
 * code 2, and so is OUT among the inputs; OUT is then replaced whole, or left as it was.
 * Progress goes to stderr when there are many inputs; --json prints what each input brought.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "common/json.h"
#include "db/db.h"
#include "harness/cli/command.h"

/* From this many inputs on, each one merged is said on stderr. */
#define MERGE_PROGRESS_FROM 5

/* Whether a and b are one file (a missing file is none of the inputs, which must exist). */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static void print_json(const char *out, char **ins, const bb_db_merge_stats *s, int n,
                       const bb_db_merge_totals *t)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 1);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "out", out);
	bb_jw_key(&w, "inputs");
	bb_jw_array_begin(&w);
	for (int i = 0; i < n; i++) {
		bb_jw_object_begin(&w);
		bb_jw_kv_string(&w, "path", ins[i]);
		bb_jw_kv_int(&w, "runs_added", s[i].runs_added);
		bb_jw_kv_int(&w, "runs_replaced", s[i].runs_replaced);
		bb_jw_kv_int(&w, "runs_skipped", s[i].runs_skipped);
		bb_jw_kv_int(&w, "cells", s[i].cells);
		bb_jw_kv_int(&w, "samples", s[i].samples);
		bb_jw_object_end(&w);
	}
	bb_jw_array_end(&w);
	bb_jw_key(&w, "total");
	bb_jw_object_begin(&w);
	bb_jw_kv_int(&w, "hosts", t->hosts);
	bb_jw_kv_int(&w, "runs", t->runs);
	bb_jw_kv_int(&w, "cells", t->cells);
	bb_jw_kv_int(&w, "samples", t->samples);
	bb_jw_object_end(&w);
	bb_jw_object_end(&w);
	printf("%s\n", sb.buf);
	bb_strbuf_release(&sb);
}

static int cmd_merge(bb_opts *o)
{
	char err[1024];
	if (o->nargs < 2)
		return bb_usage_error(&bb_cmd_merge,
		                      "merge needs OUT and at least one IN database");
	const char *out = o->args[0];
	char **ins = o->args + 1;
	int n = o->nargs - 1;
	if (bb_db_path_check(out, err, sizeof(err)))
		return bb_input_error("%s", err);
	/* every refusal before the first write */
	for (int i = 0; i < n; i++) {
		if (!strcmp(ins[i], out) || same_file(ins[i], out))
			return bb_input_error(
			    "cannot merge '%s' into itself: OUT is one of the inputs", ins[i]);
		if (bb_db_path_check(ins[i], err, sizeof(err)) ||
		    bb_db_merge_check(ins[i], err, sizeof(err)))
			return bb_input_error("%s", err);
	}
	bb_db_merge *m;
	if (bb_db_merge_begin(out, &m, err, sizeof(err)))
		return bb_input_error("%s", err);
	bb_db_merge_stats *s = bb_xcalloc((size_t)n, sizeof(*s));
	bb_db_merge_totals t = {0};
	long long added = 0, replaced = 0, skipped = 0;
	for (int i = 0; i < n; i++) {
		if (bb_db_merge_add(m, ins[i], &s[i], err, sizeof(err))) {
			bb_db_merge_abort(m);
			free(s);
			return bb_internal_error("%s ('%s' left as it was)", err, out);
		}
		added += s[i].runs_added;
		replaced += s[i].runs_replaced;
		skipped += s[i].runs_skipped;
		if (n >= MERGE_PROGRESS_FROM || bb_verbosity() > 0)
			fprintf(stderr,
			        "merge: %d/%d '%s': %lld added, %lld replaced, %lld skipped\n",
			        i + 1, n, ins[i], s[i].runs_added, s[i].runs_replaced,
			        s[i].runs_skipped);
	}
	if (bb_db_merge_finish(m, &t, err, sizeof(err))) {
		free(s);
		return bb_internal_error("%s ('%s' left as it was)", err, out);
	}
	if (bb_opt_flag(o, "json"))
		print_json(out, ins, s, n, &t);
	else
		printf("merged %d database%s into '%s': %lld run%s added, %lld replaced, %lld "
		       "skipped; it holds %lld host%s, %lld run%s, %lld cells, %lld samples\n",
		       n, n == 1 ? "" : "s", out, added, added == 1 ? "" : "s", replaced, skipped,
		       t.hosts, t.hosts == 1 ? "" : "s", t.runs, t.runs == 1 ? "" : "s", t.cells,
		       t.samples);
	free(s);
	return BB_EXIT_OK;
}

static const bb_option merge_options[] = {
    {"json", 0, NULL, "print what each input brought as JSON"},
    {0},
};

const bb_command bb_cmd_merge = {
    .name = "merge",
    .fn = cmd_merge,
    .options = merge_options,
    .args_usage = "OUT IN...",
    .max_args = -1,
    .summary = "combine databases from many hosts into one",
    .description =
        "Copies every run of the IN databases into OUT (created if missing, an older one\n"
        "upgraded), with its host, backends, cells, samples and counters.  A run keeps its\n"
        "identity (a uid): one OUT already has is skipped, unless the input's copy is further\n"
        "along (more samples; then more cells; then finished where OUT's is still running),\n"
        "which replaces it under the same id.  Merging an input twice changes nothing.\n"
        "Running and interrupted runs are carried as they are.  An input that is not a\n"
        "blasbench database, is corrupt or comes from a newer blasbench, and OUT given as an\n"
        "input, are refused with exit code 2 before anything is written; OUT is replaced\n"
        "whole once every input is in, or left as it was.",
};
