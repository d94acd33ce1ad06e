/*
 * test_db_owner: who measures a run (schema 2).  A database written at schema 1 (before
 * owners) is read as it is read-only, its running run shown as running with no owner, and a
 * read-write open adds the owner columns keeping every row; a run records its controller;
 * resuming (bb_db_run_claim) is refused while that controller lives or cannot be judged (another
 * host), and allowed once it is gone (ended, pid reused by another process, host rebooted) or
 * when the run is not "running" or has no owner recorded.
 */
#include "tests/db/db_test_util.h"

#include <unistd.h>

#include "db/db_internal.h"

static char err[512];

/* A database exactly as blasbench wrote it at schema 1, with one host and one running run. */
static void make_v1(const char *path)
{
	sqlite3 *h;
	char *sql = bb_xasprintf("%s; PRAGMA user_version = 1; PRAGMA application_id = %d;"
	                         "INSERT INTO host VALUES (1, 'fp', '{}', NULL, 't', 't');"
	                         "INSERT INTO run (host_id, label, command, kind, version, status,"
	                         " started) VALUES (1, 'old', 'blasbench run', 'run', '0.1',"
	                         " 'running', 't');",
	                         bb_db_migrations[0].sql, BB_DB_APPLICATION_ID);
	if (sqlite3_open(path, &h) != SQLITE_OK || sqlite3_exec(h, sql, NULL, NULL, NULL)) {
		fprintf(stderr, "%s: %s\n", path, sqlite3_errmsg(h));
		exit(1);
	}
	sqlite3_close(h);
	free(sql);
}

static void test_v1_database(void)
{
	char *path = bb_test_path("v1.db");
	bb_db *db = NULL;
	bb_db_run_info *runs = NULL;
	size_t n = 0;
	char desc[200];
	make_v1(path);
	BB_CHECK_INT(bb_db_open_readonly(path, &db, err, sizeof(err)), 0);
	if (db) {
		BB_CHECK_INT(bb_db_runs(db, &runs, &n, err, sizeof(err)), 0);
		BB_CHECK_INT((int)n, 1);
		if (n) {
			BB_CHECK_INT((int)runs[0].owner.pid, 0);
			BB_CHECK_STR(bb_db_run_liveness(&runs[0], NULL, desc, sizeof(desc)),
			             "running");
			BB_CHECK_STR(desc, "running");
		}
		bb_db_run_infos_free(runs, n);
		BB_CHECK_INT(bb_test_sql_int(bb_db_handle(db), "PRAGMA user_version"), 1);
		bb_db_close(db);
	}
	BB_CHECK_INT(bb_db_open(path, &db, err, sizeof(err)), 0);
	if (db) {
		BB_CHECK_INT(bb_test_sql_int(bb_db_handle(db), "PRAGMA user_version"),
		             bb_db_schema_version());
		BB_CHECK_INT(bb_test_sql_int(bb_db_handle(db),
		                             "SELECT count(*) FROM run WHERE label = 'old' AND"
		                             " owner_pid IS NULL"),
		             1);
		/* no owner recorded: an older blasbench's run can be taken over */
		bb_owner self, holder;
		bb_owner_self(&self);
		BB_CHECK_INT(bb_db_run_claim(db, 1, &self, &holder, err, sizeof(err)), 0);
		BB_CHECK_INT(bb_test_sql_int(bb_db_handle(db), "SELECT owner_pid FROM run"),
		             (long long)getpid());
		bb_db_close(db);
	}
	free(path);
}

/* Begin a run owned by o; its id. */
static int64_t begin(bb_db *db, int64_t host, const bb_owner *o)
{
	int64_t id = 0;
	bb_db_run_new rn = {host, NULL, "blasbench run", "run", NULL, "test", o};
	BB_CHECK_INT(bb_db_run_begin(db, &rn, &id, err, sizeof(err)), 0);
	return id;
}

static void test_claim(void)
{
	char *path = bb_test_path("owner.db");
	bb_db *db = NULL;
	int64_t host;
	bb_owner self, other, holder;
	char desc[400];
	BB_CHECK_INT(bb_owner_self(&self), 0);
	BB_CHECK_INT(bb_db_open(path, &db, err, sizeof(err)), 0);
	if (!db)
		goto cleanup;
	BB_CHECK_INT(bb_db_host_upsert(db, "fp", "{}", NULL, &host, err, sizeof(err)), 0);

	/* alive: this very process */
	int64_t live = begin(db, host, &self);
	BB_CHECK_INT(bb_db_run_claim(db, live, &self, &holder, err, sizeof(err)), 1);
	BB_CHECK_INT((int)holder.pid, (int)getpid());
	char expect[512];
	snprintf(expect, sizeof(expect),
	         "run %lld in '%s' is still being measured by blasbench (pid %ld): not resumed",
	         (long long)live, path, (long)getpid());
	BB_CHECK_STR(err, expect);
	bb_db_run_info ri;
	BB_CHECK_INT(bb_db_run_get(db, live, &ri, err, sizeof(err)), 0);
	bb_owner_state state;
	BB_CHECK_STR(bb_db_run_liveness(&ri, &state, desc, sizeof(desc)), "running");
	BB_CHECK_INT(state, BB_OWNER_ALIVE);
	bb_db_run_info_release(&ri);

	/* gone: the pid now belongs to a process started at another time */
	other = self;
	other.start++;
	int64_t gone = begin(db, host, &other);
	BB_CHECK_INT(bb_db_run_get(db, gone, &ri, err, sizeof(err)), 0);
	BB_CHECK_STR(bb_db_run_liveness(&ri, &state, desc, sizeof(desc)), "abandoned");
	snprintf(expect, sizeof(expect), "abandoned (controller %ld gone)", (long)getpid());
	BB_CHECK_STR(desc, expect);
	bb_db_run_info_release(&ri);
	BB_CHECK_INT(bb_db_run_claim(db, gone, &self, &holder, err, sizeof(err)), 0);
	BB_CHECK_INT(bb_test_sql_int(bb_db_handle(db), "SELECT count(*) FROM run WHERE status ="
	                                               " 'running' AND owner_start IS NOT NULL"),
	             2);
	/* now this process owns it: a second claim is refused */
	BB_CHECK_INT(bb_db_run_claim(db, gone, &self, &holder, err, sizeof(err)), 1);

	/* gone: the host was rebooted since */
	other = self;
	snprintf(other.boot_id, sizeof(other.boot_id), "not-this-boot");
	int64_t rebooted = begin(db, host, &other);
	BB_CHECK_INT(bb_db_run_claim(db, rebooted, &self, &holder, err, sizeof(err)), 0);

	/* unknown: another host cannot be looked at, so the run is not taken from it */
	other = self;
	snprintf(other.host, sizeof(other.host), "elsewhere.example");
	snprintf(other.boot_id, sizeof(other.boot_id), "its-boot");
	int64_t remote = begin(db, host, &other);
	BB_CHECK_INT(bb_db_run_claim(db, remote, &self, &holder, err, sizeof(err)), 1);
	BB_CHECK(strstr(err, "on host 'elsewhere.example'") != NULL);

	/* not running: an interrupted run's owner has let it go, alive or not */
	int64_t stopped = begin(db, host, &self);
	BB_CHECK_INT(bb_db_run_set_status(db, stopped, "interrupted", err, sizeof(err)), 0);
	BB_CHECK_INT(bb_db_run_claim(db, stopped, &self, &holder, err, sizeof(err)), 0);

	BB_CHECK_INT(bb_db_run_claim(db, 999, &self, &holder, err, sizeof(err)), -1);
	bb_db_close(db);
cleanup:
	free(path);
}

int main(void)
{
	bb_test_tmpdir();
	test_v1_database();
	test_claim();
	return bb_test_done();
}
