/*
 * test_db_migrate: the migration runner.  The real list is numbered 1..N without gaps; a new
 * database and an empty SQLite file both reach the current schema; reopening changes nothing;
 * a list with one extra entry (a stand-in for schema v2) applies just that entry, after which
 * this blasbench refuses the file as newer; a failing step is rolled back whole; a database of
 * ours at schema 0 is refused read-only with the hint and upgraded by a read-write open.
 */
#include "tests/db/db_test_util.h"

#include "db/db_internal.h"

static char err[512];

static void make_sqlite(const char *path, const char *sql)
{
	sqlite3 *h;
	if (sqlite3_open(path, &h) != SQLITE_OK || sqlite3_exec(h, sql, NULL, NULL, NULL)) {
		fprintf(stderr, "%s: %s\n", path, sqlite3_errmsg(h));
		exit(1);
	}
	sqlite3_close(h);
}

static long long user_version(bb_db *db)
{
	return bb_test_sql_int(bb_db_handle(db), "PRAGMA user_version");
}

static void test_list_shape(void)
{
	BB_CHECK(bb_db_n_migrations >= 1);
	for (int i = 0; i < bb_db_n_migrations; i++) {
		BB_CHECK_INT(bb_db_migrations[i].version, i + 1);
		BB_CHECK(bb_db_migrations[i].what && bb_db_migrations[i].sql);
	}
	BB_CHECK_INT(bb_db_schema_version(), bb_db_migrations[bb_db_n_migrations - 1].version);
}

/* Created once, reopened twice: the schema is not touched again and the data stays. */
static void test_reopen(void)
{
	char *path = bb_test_path("reopen.db");
	bb_db *db = NULL;
	int64_t host;
	BB_CHECK_INT(bb_db_open(path, &db, err, sizeof(err)), 0);
	if (!db)
		goto cleanup;
	BB_CHECK_INT(user_version(db), bb_db_schema_version());
	BB_CHECK_INT(bb_db_host_upsert(db, "fp", "{}", NULL, &host, err, sizeof(err)), 0);
	long long tables = bb_test_sql_int(
	    bb_db_handle(db), "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
	BB_CHECK(tables >= 6);
	bb_db_close(db);
	for (int i = 0; i < 2; i++) {
		BB_CHECK_INT(bb_db_open(path, &db, err, sizeof(err)), 0);
		if (!db)
			goto cleanup;
		BB_CHECK_INT(user_version(db), bb_db_schema_version());
		BB_CHECK_INT(
		    bb_test_sql_int(bb_db_handle(db),
		                    "SELECT count(*) FROM sqlite_master WHERE type = 'table'"),
		    tables);
		BB_CHECK_INT(bb_test_sql_int(bb_db_handle(db), "SELECT count(*) FROM host"), 1);
		bb_db_close(db);
	}
cleanup:
	free(path);
}

/* A SQLite file with a header and no tables (schema 0, no application_id) is migrated. */
static void test_from_v0(void)
{
	char *path = bb_test_path("v0.db");
	bb_db *db = NULL;
	make_sqlite(path, "CREATE TABLE t (a); DROP TABLE t;");
	BB_CHECK_INT(bb_db_open(path, &db, err, sizeof(err)), 0);
	if (db) {
		BB_CHECK_INT(user_version(db), bb_db_schema_version());
		BB_CHECK_INT(bb_test_sql_int(bb_db_handle(db), "PRAGMA application_id"),
		             BB_DB_APPLICATION_ID);
		BB_CHECK_INT(bb_test_sql_int(bb_db_handle(db), "SELECT count(*) FROM cell"), 0);
		bb_db_close(db);
	}
	free(path);
}

/* Schema v2 as the one-entry addition it is meant to be; then the real list is "older". */
static void test_next_version(void)
{
	char *path = bb_test_path("next.db");
	char expect[512];
	bb_db *db = NULL;
	bb_db_migration steps[bb_db_n_migrations + 1];
	memcpy(steps, bb_db_migrations, sizeof(bb_db_migration) * bb_db_n_migrations);
	int next = bb_db_schema_version() + 1;
	steps[bb_db_n_migrations] =
	    (bb_db_migration){next, "run notes", "ALTER TABLE run ADD COLUMN note TEXT;"};

	BB_CHECK_INT(bb_db_open(path, &db, err, sizeof(err)), 0);
	if (!db)
		goto cleanup;
	BB_CHECK_INT(bb_db_migrate(db, steps, bb_db_n_migrations + 1, err, sizeof(err)), 0);
	BB_CHECK_INT(user_version(db), next);
	BB_CHECK_INT(
	    bb_test_sql_int(bb_db_handle(db),
	                    "SELECT count(*) FROM pragma_table_info('run') WHERE name = 'note'"),
	    1);
	/* applying the list again is a no-op */
	BB_CHECK_INT(bb_db_migrate(db, steps, bb_db_n_migrations + 1, err, sizeof(err)), 0);
	BB_CHECK_INT(user_version(db), next);
	bb_db_close(db);
	BB_CHECK_INT(bb_db_open(path, &db, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect),
	         "cannot open database '%s': written by a newer blasbench (schema %d, this one "
	         "knows %d)",
	         path, next, bb_db_schema_version());
	BB_CHECK_STR(err, expect);
cleanup:
	free(path);
}

/* A failing step is rolled back whole and the version stays; a gap in a list is refused. */
static void test_failing_step(void)
{
	char *path = bb_test_path("broken.db");
	bb_db *db = NULL;
	int next = bb_db_schema_version() + 1;
	bb_db_migration steps[bb_db_n_migrations + 1];
	memcpy(steps, bb_db_migrations, sizeof(bb_db_migration) * bb_db_n_migrations);
	steps[bb_db_n_migrations] = (bb_db_migration){
	    next, "broken", "CREATE TABLE half_done (a); INSERT INTO no_such_table VALUES (1);"};
	BB_CHECK_INT(bb_db_open(path, &db, err, sizeof(err)), 0);
	if (!db)
		goto cleanup;
	BB_CHECK_INT(bb_db_migrate(db, steps, bb_db_n_migrations + 1, err, sizeof(err)), -1);
	BB_CHECK(strstr(err, "(broken)") && strstr(err, "no such table: no_such_table"));
	BB_CHECK_INT(user_version(db), bb_db_schema_version());
	BB_CHECK_INT(bb_test_sql_int(bb_db_handle(db), "SELECT count(*) FROM sqlite_master"
	                                               " WHERE name = 'half_done'"),
	             0);
	steps[bb_db_n_migrations].version = next + 1;
	BB_CHECK_INT(bb_db_migrate(db, steps, bb_db_n_migrations + 1, err, sizeof(err)), -1);
	BB_CHECK(strstr(err, "no step leads from there") != NULL);
	BB_CHECK_INT(user_version(db), bb_db_schema_version());
	bb_db_close(db);
cleanup:
	free(path);
}

/* Ours but older (here: stamped, schema 0): read-only refuses with the hint, the open `runs`
 * uses migrates it, and then read-only accepts it. */
static void test_older_readonly(void)
{
	char *path = bb_test_path("older.db");
	char expect[512];
	bb_db *db = NULL;
	make_sqlite(path, "PRAGMA application_id = 0x424C4253; CREATE TABLE t (a); DROP TABLE t;");
	BB_CHECK_INT(bb_db_open_readonly(path, &db, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect),
	         "cannot open database '%s' read-only: it is at schema 0, this blasbench needs %d "
	         "(run `blasbench runs --db %s` once to upgrade it)",
	         path, bb_db_schema_version(), path);
	BB_CHECK_STR(err, expect);
	/* what the hint says to run: `runs` opens it this way, and it upgrades */
	BB_CHECK_INT(bb_db_open_upgrade(path, &db, err, sizeof(err)), 0);
	bb_db_close(db);
	BB_CHECK_INT(bb_db_open_readonly(path, &db, err, sizeof(err)), 0);
	if (db)
		BB_CHECK_INT(user_version(db), bb_db_schema_version());
	bb_db_close(db);
	free(path);
}

int main(void)
{
	bb_test_tmpdir();
	test_list_shape();
	test_reopen();
	test_from_v0();
	test_next_version();
	test_failing_step();
	test_older_readonly();
	return bb_test_done();
}
