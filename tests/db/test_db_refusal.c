/*
 * test_db_refusal: files that are not ours are refused with the right reason and left exactly
 * as they were (SHA-256 and size before and after): a text file, a foreign SQLite database,
 * a foreign WAL database with a transaction not yet checkpointed, a SQLite database with
 * another application_id, and one of ours from a newer schema.  Each is tried with both the
 * read-write and the read-only open.
 */
#include "tests/db/db_test_util.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include "common/sha256.h"

static char err[512];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* A SQLite database made directly with the library, outside db/. */
static void make_sqlite(const char *path, const char *sql)
{
	sqlite3 *h;
	if (sqlite3_open(path, &h) != SQLITE_OK || sqlite3_exec(h, sql, NULL, NULL, NULL)) {
		fprintf(stderr, "%s: %s\n", path, sqlite3_errmsg(h));
		exit(1);
	}
	sqlite3_close(h);
}

/* A foreign WAL database whose writer died: its last transaction is still only in the -wal
 * file, so a read-write connection that closed would checkpoint it into the main file. */
static void make_sqlite_wal_pending(const char *path)
{
	pid_t pid = fork();
	if (pid == 0) {
		sqlite3 *h;
		if (sqlite3_open(path, &h) != SQLITE_OK ||
		    sqlite3_exec(h,
		                 "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;"
		                 "CREATE TABLE x (a); INSERT INTO x VALUES (1);",
		                 NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		_exit(0); /* no sqlite3_close: the frames stay in the -wal file */
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "cannot make %s\n", path);
		exit(1);
	}
}

/* Both opens fail with exactly `expect` (or, if expect_ro is given, that for read-only), and
 * the file's bytes do not change. */
static void check_refused(const char *path, const char *expect, const char *expect_ro)
{
	char before[65], after[65];
	long long size_before = -1, size_after = -2;
	bb_db *db = NULL;
	BB_CHECK_INT(bb_sha256_file(path, before, &size_before), 0);

	BB_CHECK_INT(bb_db_open(path, &db, err, sizeof(err)), -1);
	BB_CHECK(db == NULL);
	BB_CHECK_STR(err, expect);
	BB_CHECK_INT(bb_db_open_readonly(path, &db, err, sizeof(err)), -1);
	BB_CHECK(db == NULL);
	BB_CHECK_STR(err, expect_ro ? expect_ro : expect);

	BB_CHECK_INT(bb_sha256_file(path, after, &size_after), 0);
	BB_CHECK_STR(after, before);
	BB_CHECK_INT(size_after, size_before);
}

int main(void)
{
	char expect[1024];
	bb_test_tmpdir();

	char *text = bb_test_path("notes.txt");
	write_file(text, "these are my notes, not a database\n");
	snprintf(expect, sizeof(expect), "cannot open database '%s': file is not a database", text);
	check_refused(text, expect, NULL);

	/* a short file, shorter than SQLite's header */
	char *tiny = bb_test_path("tiny");
	write_file(tiny, "x");
	snprintf(expect, sizeof(expect), "cannot open database '%s': file is not a database", tiny);
	check_refused(tiny, expect, NULL);

	/* SQLite's header but garbage after it: SQLite itself must say no, before any write */
	char *bad = bb_test_path("corrupt.db");
	{
		char buf[4096];
		memset(buf, 0x5a, sizeof(buf));
		memcpy(buf, "SQLite format 3", 16);
		FILE *f = fopen(bad, "w");
		fwrite(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	snprintf(expect, sizeof(expect), "cannot open database '%s': file is not a database", bad);
	check_refused(bad, expect, NULL);

	char *foreign = bb_test_path("foreign.db");
	make_sqlite(foreign, "CREATE TABLE y (a); CREATE TABLE x (a); INSERT INTO x VALUES (1);");
	snprintf(expect, sizeof(expect), "'%s' is not a blasbench database (it holds tables x, y)",
	         foreign);
	check_refused(foreign, expect, NULL);

	char *wal = bb_test_path("foreign_wal.db");
	char *wal_file = bb_xasprintf("%s-wal", wal);
	struct stat sb;
	make_sqlite_wal_pending(wal);
	BB_CHECK(stat(wal_file, &sb) == 0 && sb.st_size > 0);
	snprintf(expect, sizeof(expect), "'%s' is not a blasbench database (it holds tables x)",
	         wal);
	check_refused(wal, expect, NULL);

	char *other_app = bb_test_path("other_app.db");
	make_sqlite(other_app, "PRAGMA application_id = 1234; PRAGMA user_version = 1;");
	snprintf(expect, sizeof(expect),
	         "'%s' is not a blasbench database (its application_id is 0x000004d2)", other_app);
	check_refused(other_app, expect, NULL);

	char *newer = bb_test_path("newer.db");
	make_sqlite(newer, "PRAGMA application_id = 0x424C4253; PRAGMA user_version = 99;"
	                   "CREATE TABLE run (id INTEGER PRIMARY KEY, future TEXT);");
	snprintf(expect, sizeof(expect),
	         "cannot open database '%s': written by a newer blasbench (schema 99, this one "
	         "knows %d)",
	         newer, bb_db_schema_version());
	check_refused(newer, expect, NULL);

	/* a directory in place of the file */
	char *dir = bb_test_path("");
	bb_db *db = NULL;
	BB_CHECK_INT(bb_db_open(dir, &db, err, sizeof(err)), -1);
	BB_CHECK(strstr(err, "is a directory") != NULL);

	/* read-only never creates: the file stays missing */
	char *missing = bb_test_path("missing.db");
	BB_CHECK_INT(bb_db_open_readonly(missing, &db, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect), "cannot open database '%s': no such file", missing);
	BB_CHECK_STR(err, expect);
	BB_CHECK(access(missing, F_OK) != 0);

	/* an empty file is a new database for bb_db_open, but has nothing to read */
	char *empty = bb_test_path("empty.db");
	write_file(empty, "");
	BB_CHECK_INT(bb_db_open_readonly(empty, &db, err, sizeof(err)), -1);
	BB_CHECK(strstr(err, "it is empty") != NULL);
	BB_CHECK_INT(bb_db_open(empty, &db, err, sizeof(err)), 0);
	bb_db_close(db);

	free(text);
	free(tiny);
	free(bad);
	free(foreign);
	free(wal);
	free(wal_file);
	free(other_app);
	free(newer);
	free(dir);
	free(missing);
	free(empty);
	return bb_test_done();
}
