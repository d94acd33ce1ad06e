/*
 * `blasbench runs [--db F] [--json]`: the runs recorded in a database, oldest first, with their
 * label, status, start time, backends and cell counts (partial: cells of which an interrupt
 * kept only some passes; they are not results until --resume measures the rest).  A run left "running" by a controller
 * that has ended (killed) shows as "abandoned": `suite --resume` can finish it.  A database
 * holding several hosts (merged by `blasbench merge`) shows each run's host as
 * "hostname/fingerprint" (its first 8 characters).
 */
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "db/db.h"
#include "backends/catalog.h"
#include "harness/cli/command.h"
#include "reports/table.h"

/* Whether the runs were measured on more than one host (a merged database). */
static int several_hosts(const bb_db_run_info *runs, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (runs[i].host_fingerprint && runs[0].host_fingerprint &&
		    strcmp(runs[i].host_fingerprint, runs[0].host_fingerprint))
			return 1;
	return 0;
}

static int cmd_runs(bb_opts *o)
{
	const char *path = bb_opt_db(o);
	char err[512];
	bb_db *db;
	if (bb_db_open_upgrade(path, &db, err, sizeof(err)))
		return bb_input_error("%s", err);
	bb_db_run_info *runs = NULL;
	size_t n = 0;
	if (bb_db_runs(db, &runs, &n, err, sizeof(err))) {
		bb_db_close(db);
		return bb_internal_error("%s", err);
	}
	if (bb_opt_flag(o, "json")) {
		bb_strbuf sb = BB_STRBUF_INIT;
		bb_json_writer w;
		bb_jw_init(&w, &sb, 1);
		bb_jw_object_begin(&w);
		bb_jw_kv_string(&w, "db", path);
		bb_jw_key(&w, "runs");
		bb_jw_array_begin(&w);
		for (size_t i = 0; i < n; i++) {
			char desc[400];
			bb_owner_state state;
			const char *status = bb_db_run_liveness(&runs[i], &state, desc, sizeof(desc));
			bb_jw_object_begin(&w);
			bb_jw_kv_int(&w, "id", runs[i].id);
			bb_jw_kv_string(&w, "label", runs[i].label);
			bb_jw_kv_string(&w, "kind", runs[i].kind);
			bb_jw_kv_string(&w, "status", status);
			bb_jw_kv_string(&w, "status_text", desc);
			bb_jw_key(&w, "owner");
			if (runs[i].owner.pid) {
				bb_jw_object_begin(&w);
				bb_jw_kv_int(&w, "pid", runs[i].owner.pid);
				bb_jw_kv_string(&w, "host", runs[i].owner.host[0] ? runs[i].owner.host : NULL);
				/* only a running run's owner is looked at: the others have let go */
				bb_jw_kv_string(&w, "state",
						strcmp(runs[i].status ? runs[i].status : "", "running")
							? NULL
						: state == BB_OWNER_ALIVE ? "alive"
						: state == BB_OWNER_GONE  ? "gone"
									  : "unknown");
				bb_jw_object_end(&w);
			} else {
				bb_jw_null(&w);
			}
			bb_jw_kv_string(&w, "started", runs[i].started);
			bb_jw_kv_string(&w, "finished", runs[i].finished);
			bb_jw_kv_string(&w, "backends", runs[i].backends);
			bb_jw_kv_string(&w, "command", runs[i].command);
			bb_jw_kv_string(&w, "host", runs[i].host_fingerprint);
			bb_jw_kv_string(&w, "hostname", runs[i].host_name);
			bb_jw_kv_int(&w, "cells", runs[i].cells);
			bb_jw_kv_int(&w, "cells_ok", runs[i].cells_ok);
			bb_jw_kv_int(&w, "cells_failed", runs[i].cells_failed);
			bb_jw_kv_int(&w, "cells_partial", runs[i].cells_partial);
			bb_jw_object_end(&w);
		}
		bb_jw_array_end(&w);
		bb_jw_object_end(&w);
		printf("%s\n", sb.buf);
		bb_strbuf_release(&sb);
	} else if (!n) {
		printf("no runs in '%s' yet: start with 'blasbench suite --backends " BB_CAT_STARTER "'\n", path);
	} else {
		bb_table t;
		int hosts = several_hosts(runs, n);
		bb_table_init(&t, (const char *[]){"RUN", "LABEL", "KIND", "STATUS", "STARTED", "CELLS", "OK",
						   "FAILED", "PARTIAL", "BACKENDS", hosts ? "HOST" : NULL,
						   NULL});
		for (size_t i = 0; i < n; i++) {
			char id[24], cells[24], ok[24], failed[24], partial[24], status[400], host[300];
			snprintf(host, sizeof(host), "%s/%.8s",
				 runs[i].host_name ? runs[i].host_name : "?",
				 runs[i].host_fingerprint ? runs[i].host_fingerprint : "?");
			bb_db_run_liveness(&runs[i], NULL, status, sizeof(status));
			snprintf(id, sizeof(id), "%lld", (long long)runs[i].id);
			snprintf(cells, sizeof(cells), "%d", runs[i].cells);
			snprintf(ok, sizeof(ok), "%d", runs[i].cells_ok);
			snprintf(failed, sizeof(failed), "%d", runs[i].cells_failed);
			snprintf(partial, sizeof(partial), "%d", runs[i].cells_partial);
			bb_table_row(&t, (const char *[]){id, runs[i].label, runs[i].kind, status,
							  runs[i].started, cells, ok, failed, partial,
							  runs[i].backends, hosts ? host : NULL});
		}
		bb_table_print(&t, stdout);
		bb_table_release(&t);
	}
	bb_db_run_infos_free(runs, n);
	bb_db_close(db);
	return BB_EXIT_OK;
}

static const bb_option runs_options[] = {
	{"json", 0, NULL, "print the runs as JSON"},
	{0},
};

const bb_command bb_cmd_runs = {
	.name = "runs",
	.fn = cmd_runs,
	.flags = BB_CMD_DB,
	.options = runs_options,
	.max_args = 0,
	.summary = "runs recorded in the database",
	.description = BB_HELP_RUN_REF,
};
