/*
 * test_db_basic: the results database end to end in one process.  Creates a database in a
 * temporary directory, writes a host, runs, backends and cells (with samples, counters and NaN
 * statistics), then reads the file back with plain SQL and through the query functions:
 * listing, run references, cell keys, status changes, and each write refused for a clear reason.
 */
#include "tests/db/db_test_util.h"

static char err[512];

/* 1 if err contains needle; prints err otherwise so a failing check shows the message. */
static int err_has(const char *needle)
{
	if (strstr(err, needle))
		return 1;
	fprintf(stderr, "  message was: %s\n", err);
	return 0;
}

static void test_missing_directory(void)
{
	bb_db *db = NULL;
	char *path = bb_test_path("no/such/dir/x.db");
	BB_CHECK_INT(bb_db_open(path, &db, err, sizeof(err)), -1);
	BB_CHECK(db == NULL);
	BB_CHECK(err_has("does not exist"));
	BB_CHECK(err_has("no/such/dir'"));
	free(path);
}

static int is_iso_utc(const char *s)
{
	/* 2024-05-01T12:34:56.789Z */
	return s && strlen(s) == 24 && s[4] == '-' && s[10] == 'T' && s[19] == '.' && s[23] == 'Z';
}

static void check_stored(sqlite3 *h, int64_t nan_cell)
{
	char sql[512];
	BB_CHECK_INT(bb_test_sql_int(h, "PRAGMA application_id"), 0x424C4253);
	BB_CHECK_INT(bb_test_sql_int(h, "PRAGMA user_version"), bb_db_schema_version());
	BB_CHECK_INT(bb_test_sql_int(h, "PRAGMA foreign_keys"), 1);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM host"), 1);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM run"), 3);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM backend"), 3);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM cell"), 4);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM sample"), 9);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM counter"), 2);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM counter WHERE value IS NULL"), 1);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM sample WHERE seconds IS NULL"), 0);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT seq FROM sample WHERE seconds = 1.75e-3"), 2);
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM cell WHERE id = %lld AND median_s IS NULL AND min_s IS NULL"
	         " AND mad_s IS NULL AND ci_low_s IS NULL AND ci_high_s IS NULL AND gflops IS NULL"
	         " AND pct_peak IS NULL AND residual IS NULL AND n_samples = 0"
	         " AND status = 'crash' AND error = 'killed by SIGSEGV'",
	         (long long)nan_cell);
	BB_CHECK_INT(bb_test_sql_int(h, sql), 1);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM cell WHERE cell_key = 'ob|dgemm|1'"
	                                " AND median_s = 1.5e-3 AND prec = 'd' AND m = 100"
	                                " AND omp_runtime = 'libgomp.so.1' AND calls_per_sample = 4"
	                                " AND params_json IS NULL"),
	             1);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM counter WHERE name = 'cycles'"
	                                " AND value = 1e9 AND unit = 'count'"),
	             1);
	/* outside text is stored verbatim, never pasted into SQL */
	BB_CHECK_INT(
	    bb_test_sql_int(h, "SELECT count(*) FROM run"
	                       " WHERE command = 'blasbench run --label ''x''; DROP TABLE run'"),
	    1);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM host WHERE host_json = '{\"v\":2}'"
	                                " AND peak_json = '{\"peak\":1}'"),
	             1);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM run WHERE started LIKE '____-__-__T"
	                                "__:__:__.___Z'"),
	             3);
}

static void test_runs_listing(bb_db *db, int64_t r1, int64_t r3)
{
	bb_db_run_info *runs = NULL;
	size_t n = 0;
	BB_CHECK_INT(bb_db_runs(db, &runs, &n, err, sizeof(err)), 0);
	BB_CHECK_INT(n, 3);
	if (n != 3)
		return;
	BB_CHECK_INT(runs[0].id, r1);
	BB_CHECK_STR(runs[0].label, "base");
	BB_CHECK_STR(runs[0].kind, "run");
	BB_CHECK_STR(runs[0].backends, "ob, blis");
	BB_CHECK_STR(runs[0].host_fingerprint, "fp-1");
	BB_CHECK_STR(runs[0].options_json, "{\"sizes\":[100]}");
	BB_CHECK_INT(runs[0].cells, 3);
	BB_CHECK_INT(runs[0].cells_ok, 1);
	BB_CHECK_INT(runs[0].cells_failed, 1); /* crash counts, skipped does not */
	BB_CHECK(is_iso_utc(runs[0].started));
	BB_CHECK(runs[1].label == NULL);
	BB_CHECK_STR(runs[1].backends, "");
	BB_CHECK_INT(runs[1].cells, 0);
	BB_CHECK_INT(runs[2].id, r3);
	BB_CHECK_STR(runs[2].kind, "suite");
	BB_CHECK_INT(runs[2].cells, 1);
	bb_db_run_infos_free(runs, n);
}

static void test_resolve(bb_db *db, const char *path, int64_t r1, int64_t r3)
{
	int64_t id = -1;
	char buf[64], expect[512];
	snprintf(buf, sizeof(buf), "%lld", (long long)r1);
	BB_CHECK_INT(bb_db_run_resolve(db, buf, &id, err, sizeof(err)), 0);
	BB_CHECK_INT(id, r1);
	BB_CHECK_INT(bb_db_run_resolve(db, "latest", &id, err, sizeof(err)), 0);
	BB_CHECK_INT(id, r3);
	BB_CHECK_INT(bb_db_run_resolve(db, "base", &id, err, sizeof(err)), 0);
	BB_CHECK_INT(id, r1);
	BB_CHECK_INT(bb_db_run_resolve(db, "nightly", &id, err, sizeof(err)), 0);
	BB_CHECK_INT(id, r3);
	BB_CHECK_INT(bb_db_run_resolve(db, "nope", &id, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect),
	         "no run 'nope' in '%s' (runs: 1..3; labels: nightly, base)", path);
	BB_CHECK_STR(err, expect);
	BB_CHECK_INT(bb_db_run_resolve(db, "99", &id, err, sizeof(err)), -1);
	BB_CHECK(err_has("no run '99' in"));
	BB_CHECK_INT(bb_db_run_resolve(db, "99999999999999999999999", &id, err, sizeof(err)), -1);
	BB_CHECK_INT(bb_db_run_resolve(db, "", &id, err, sizeof(err)), -1);
	BB_CHECK_INT(bb_db_run_resolve(db, "base' OR 1=1 --", &id, err, sizeof(err)), -1);
}

static void test_cell_keys(bb_db *db, int64_t r1, int64_t r2)
{
	char **keys = NULL;
	size_t n = 0;
	BB_CHECK_INT(bb_db_cell_keys(db, r1, &keys, &n, err, sizeof(err)), 0);
	BB_CHECK_INT(n, 3);
	if (n == 3) {
		BB_CHECK_STR(keys[0], "ob|dgemm|1");
		BB_CHECK_STR(keys[1], "ob|dgemm|crash");
		BB_CHECK_STR(keys[2], "blis|dgemm|skip");
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	BB_CHECK_INT(bb_db_cell_keys(db, r2, &keys, &n, err, sizeof(err)), 0);
	BB_CHECK_INT(n, 0);
	free(keys);
}

static void test_status(bb_db *db, int64_t r1)
{
	bb_db_run_info ri;
	BB_CHECK_INT(bb_db_run_get(db, r1, &ri, err, sizeof(err)), 0);
	BB_CHECK_STR(ri.status, "running");
	BB_CHECK(ri.finished == NULL);
	bb_db_run_info_release(&ri);
	BB_CHECK_INT(bb_db_run_set_status(db, r1, "complete", err, sizeof(err)), 0);
	BB_CHECK_INT(bb_db_run_get(db, r1, &ri, err, sizeof(err)), 0);
	BB_CHECK_STR(ri.status, "complete");
	BB_CHECK(is_iso_utc(ri.finished));
	bb_db_run_info_release(&ri);
	/* resuming sets it running again, without a finish time */
	BB_CHECK_INT(bb_db_run_set_status(db, r1, "running", err, sizeof(err)), 0);
	BB_CHECK_INT(bb_db_run_get(db, r1, &ri, err, sizeof(err)), 0);
	BB_CHECK_STR(ri.status, "running");
	BB_CHECK(ri.finished == NULL);
	bb_db_run_info_release(&ri);
	BB_CHECK_INT(bb_db_run_set_status(db, r1, "interrupted", err, sizeof(err)), 0);
	BB_CHECK_INT(bb_db_run_set_status(db, r1, "done", err, sizeof(err)), -1);
	BB_CHECK(err_has("unknown run status 'done' (expected running, complete, interrupted, "
	                 "failed)"));
	BB_CHECK_INT(bb_db_run_set_status(db, 424242, "failed", err, sizeof(err)), -1);
	BB_CHECK(err_has("run 424242") && err_has("no such run"));
	BB_CHECK_INT(bb_db_run_get(db, 424242, &ri, err, sizeof(err)), -1);
	BB_CHECK(err_has("no run 424242 in"));
}

int main(void)
{
	bb_test_tmpdir();
	char *path = bb_test_path("results.db");
	bb_db *db = NULL;
	int64_t host = 0, host2 = 0, r1 = 0, r2 = 0, r3 = 0, ob = 0, blis = 0, ob3 = 0, id = 0;
	int64_t nan_cell = 0;

	test_missing_directory();
	BB_CHECK_INT(bb_db_open(path, &db, err, sizeof(err)), 0);
	if (!db) {
		fprintf(stderr, "%s\n", err);
		return bb_test_done();
	}
	BB_CHECK_STR(bb_db_path(db), path);
	BB_CHECK_INT(bb_test_sql_int(bb_db_handle(db), "SELECT count(*) FROM pragma_journal_mode"
	                                               " WHERE journal_mode = 'wal'"),
	             1);
	BB_CHECK_INT(bb_test_sql_int(bb_db_handle(db), "PRAGMA synchronous"), 1); /* NORMAL */

	/* host: upsert by fingerprint, newest JSON wins, a NULL peak keeps the old one */
	BB_CHECK_INT(
	    bb_db_host_upsert(db, "fp-1", "{\"v\":1}", "{\"peak\":1}", &host, err, sizeof(err)), 0);
	BB_CHECK_INT(bb_db_host_upsert(db, "fp-1", "{\"v\":2}", NULL, &host2, err, sizeof(err)), 0);
	BB_CHECK_INT(host2, host);
	char *peak = NULL;
	BB_CHECK_INT(bb_db_host_peak(db, "fp-1", &peak, err, sizeof(err)), 0);
	BB_CHECK_STR(peak, "{\"peak\":1}");
	free(peak);
	BB_CHECK_INT(bb_db_host_peak(db, "fp-unknown", &peak, err, sizeof(err)), 0);
	BB_CHECK(peak == NULL);

	bb_db_run_new rn = {
	    host,   "base", "blasbench run --label 'x'; DROP TABLE run", "run", "{\"sizes\":[100]}",
	    "0.1.0", NULL};
	BB_CHECK_INT(bb_db_run_begin(db, &rn, &r1, err, sizeof(err)), 0);
	rn.label = NULL;
	rn.command = "blasbench run";
	BB_CHECK_INT(bb_db_run_begin(db, &rn, &r2, err, sizeof(err)), 0);
	rn.label = "nightly";
	rn.kind = "suite";
	BB_CHECK_INT(bb_db_run_begin(db, &rn, &r3, err, sizeof(err)), 0);
	BB_CHECK_INT(r1, 1);
	BB_CHECK_INT(r3, 3);
	rn.kind = "sweep";
	BB_CHECK_INT(bb_db_run_begin(db, &rn, &id, err, sizeof(err)), -1);
	BB_CHECK(err_has("unknown run kind 'sweep'"));
	rn.kind = "run";
	rn.label = "42";
	BB_CHECK_INT(bb_db_run_begin(db, &rn, &id, err, sizeof(err)), -1);
	BB_CHECK(err_has("label '42' would read as a run reference"));
	/* a label names one run: a second run cannot take it */
	rn.label = "nightly";
	BB_CHECK_INT(bb_db_run_begin(db, &rn, &id, err, sizeof(err)), -1);
	BB_CHECK(err_has("label 'nightly' is taken by run 3"));
	BB_CHECK_INT(bb_db_label_check(db, "nightly", err, sizeof(err)), 1);
	BB_CHECK(err_has("label 'nightly' is taken by run 3"));
	BB_CHECK_INT(bb_db_label_check(db, "latest", err, sizeof(err)), 1);
	BB_CHECK_INT(bb_db_label_check(db, "fresh", err, sizeof(err)), 0);
	BB_CHECK_INT(bb_db_label_check(db, NULL, err, sizeof(err)), 0);
	rn.label = "x";
	rn.host_id = 77;
	BB_CHECK_INT(bb_db_run_begin(db, &rn, &id, err, sizeof(err)), -1);
	BB_CHECK(err_has("no host with id 77"));

	BB_CHECK_INT(bb_db_backend_add(db, r1, "ob", "openblas", "{\"family\":\"openblas\"}", &ob,
	                               err, sizeof(err)),
	             0);
	BB_CHECK_INT(bb_db_backend_add(db, r1, "blis", "blis", NULL, &blis, err, sizeof(err)), 0);
	BB_CHECK_INT(bb_db_backend_add(db, r3, "ob", "openblas", NULL, &ob3, err, sizeof(err)), 0);
	BB_CHECK_INT(bb_db_backend_add(db, r1, "ob", "openblas64", NULL, &id, err, sizeof(err)),
	             -1);
	BB_CHECK(err_has("already has a backend 'ob'"));
	BB_CHECK_INT(bb_db_backend_add(db, 99, "ob", "openblas", NULL, &id, err, sizeof(err)), -1);
	BB_CHECK(err_has("no such run"));

	/* an ok cell with two counters (one without a value) */
	bb_db_counter counters[] = {{"cycles", 1e9, "count"}, {"l2_misses", NAN, "count"}};
	bb_db_cell c = bb_test_cell(r1, ob, "ob|dgemm|1");
	c.omp_runtime = "libgomp.so.1";
	c.counters = counters;
	c.n_counters = 2;
	BB_CHECK_INT(bb_db_cell_add(db, &c, &id, err, sizeof(err)), 0);
	/* a crashed cell: no samples, every statistic NaN */
	c = bb_test_cell(r1, ob, "ob|dgemm|crash");
	c.status = "crash";
	c.error = "killed by SIGSEGV";
	c.samples = NULL;
	c.n_samples = 0;
	c.median_s = c.min_s = c.mad_s = c.ci_low_s = c.ci_high_s = NAN;
	c.gflops = c.pct_peak = c.residual = NAN;
	BB_CHECK_INT(bb_db_cell_add(db, &c, &nan_cell, err, sizeof(err)), 0);
	c = bb_test_cell(r1, blis, "blis|dgemm|skip");
	c.status = "skipped";
	BB_CHECK_INT(bb_db_cell_add(db, &c, &id, err, sizeof(err)), 0);
	c = bb_test_cell(r3, ob3, "ob|dgemm|1");
	BB_CHECK_INT(bb_db_cell_add(db, &c, &id, err, sizeof(err)), 0);

	/* refusals leave nothing behind: duplicate, foreign backend, bad words, duplicate counter
	 */
	c = bb_test_cell(r1, ob, "ob|dgemm|1");
	BB_CHECK_INT(bb_db_cell_add(db, &c, &id, err, sizeof(err)), -1);
	BB_CHECK(err_has("cell 'ob|dgemm|1' of run 1") && err_has("already recorded in run 1"));
	c = bb_test_cell(r1, ob3, "ob|dgemm|other");
	BB_CHECK_INT(bb_db_cell_add(db, &c, &id, err, sizeof(err)), -1);
	BB_CHECK(err_has("backend 3 belongs to run 3"));
	c = bb_test_cell(r1, ob, "ob|dgemm|bad");
	c.status = "fine";
	BB_CHECK_INT(bb_db_cell_add(db, &c, &id, err, sizeof(err)), -1);
	BB_CHECK(err_has("unknown cell status 'fine'"));
	c.status = "ok";
	c.prec = 'q';
	BB_CHECK_INT(bb_db_cell_add(db, &c, &id, err, sizeof(err)), -1);
	BB_CHECK(err_has("unknown precision 'q'"));
	c.prec = 'd';
	bb_db_counter twice[] = {{"cycles", 1, NULL}, {"cycles", 2, NULL}};
	c.counters = twice;
	c.n_counters = 2;
	BB_CHECK_INT(bb_db_cell_add(db, &c, &id, err, sizeof(err)), -1);
	BB_CHECK(err_has("counter 'cycles' is given twice"));

	check_stored(bb_db_handle(db), nan_cell);
	test_runs_listing(db, r1, r3);
	test_resolve(db, path, r1, r3);
	test_cell_keys(db, r1, r2);
	test_status(db, r1);
	/* a write SQLite refuses as read-only (here: query_only; a file made read-only while open
	 * is the same error) is said in blasbench's words */
	BB_CHECK_INT(sqlite3_exec(bb_db_handle(db), "PRAGMA query_only = ON", NULL, NULL, NULL), 0);
	BB_CHECK_INT(bb_db_run_set_status(db, r1, "complete", err, sizeof(err)), -1);
	BB_CHECK(err_has("the database is read-only (attempt to write a readonly database)"));
	bb_db_close(db);

	/* read-only: queries work, writes are refused */
	BB_CHECK_INT(bb_db_open_readonly(path, &db, err, sizeof(err)), 0);
	if (db) {
		BB_CHECK_INT(bb_db_run_resolve(db, "latest", &id, err, sizeof(err)), 0);
		BB_CHECK_INT(id, r3);
		BB_CHECK_INT(bb_db_run_set_status(db, r1, "complete", err, sizeof(err)), -1);
		BB_CHECK(err_has("opened read-only"));
		bb_db_close(db);
	}
	free(path);
	return bb_test_done();
}
