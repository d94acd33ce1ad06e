/*
 * A database written before schema 5 (here: built by the first four migrations and filled with
 * raw SQL as blasbench 4 wrote it: samples with their pass, no pass table) stays readable:
 * compare's read-only load takes its cells with the pass of each sample and no disturbed pass,
 * compare judges it over passes, and a read-write open upgrades it to schema 5 with the data
 * kept, after which a cell with pass records (steal, calibration, disturbed) is written and read
 * back.
 */
#include "db/db_internal.h"
#include "reports/compare.h"
#include "tests/db/db_test_util.h"

static char err[512];

static void exec(sqlite3 *h, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "sql error: %s\n", msg);
		exit(1);
	}
}

/* A v4 database: one run, backends a and b, a dgemm cell each measured in 5 passes of 4
 * samples; b 20% slower in every pass. */
static void make_v4(const char *path)
{
	sqlite3 *h;
	BB_CHECK_INT(sqlite3_open(path, &h), SQLITE_OK);
	for (int i = 0; i < bb_db_n_migrations && bb_db_migrations[i].version <= 4; i++)
		exec(h, bb_db_migrations[i].sql);
	exec(h, "PRAGMA application_id = 0x424C4253; PRAGMA user_version = 4;"
	        "INSERT INTO host VALUES (1, 'fp', '{}', NULL, '2026-01-01T00:00:00Z',"
	        " '2026-01-01T00:00:00Z');"
	        "INSERT INTO run (id, host_id, command, kind, version, status, started, uid)"
	        " VALUES (1, 1, 'blasbench run', 'run', '0.4', 'complete', '2026-01-01T00:00:00Z',"
	        " 'u1');"
	        "INSERT INTO backend VALUES (1, 1, 'a', 'a', '{}'), (2, 1, 'b', 'b', '{}');");
	for (int b = 1; b <= 2; b++) {
		char *sql = bb_xasprintf(
		    "INSERT INTO cell (id, run_id, backend_id, cell_key, workload_key, routine, "
		    "prec, m,"
		    " n, k, threads, threads_effective, status, calls_per_sample, median_s, "
		    "ci_low_s,"
		    " ci_high_s, n_samples, recorded) VALUES (%d, 1, %d, '%s|dgemm:n=64|t=1',"
		    " 'dgemm:n=64', 'dgemm', 'd', 64, 64, 64, 1, 1, 'ok', 1, %g, %g, %g, 20,"
		    " '2026-01-01T00:00:01Z')",
		    b, b, b == 1 ? "a" : "b", 1e-3 * (b == 1 ? 1 : 1.2),
		    1e-3 * (b == 1 ? 0.98 : 1.18), 1e-3 * (b == 1 ? 1.02 : 1.22));
		exec(h, sql);
		free(sql);
		for (int s = 0; s < 20; s++) {
			double level =
			    (b == 1 ? 1 : 1.2) * (1 + 0.01 * (s / 4)) * (1 + 0.001 * (s % 4));
			sql = bb_xasprintf(
			    "INSERT INTO sample (cell_id, seq, seconds, pass) VALUES (%d, %d,"
			    " %.9g, %d)",
			    b, s, 1e-3 * level, s / 4);
			exec(h, sql);
			free(sql);
		}
	}
	sqlite3_close(h);
}

int main(void)
{
	bb_test_tmpdir();
	char *path = bb_test_path("v4.db");
	make_v4(path);

	/* read-only, as compare reads it: cells, samples, their passes; no pass table needed */
	bb_db_cmp_run run;
	BB_CHECK_INT(bb_db_cmp_run_load(path, "1", &run, err, sizeof(err)), 0);
	BB_CHECK_INT((long long)run.n_cells, 2);
	if (run.n_cells == 2) {
		BB_CHECK_INT((long long)run.cells[1].n_samples, 20);
		BB_CHECK(run.cells[1].sample_pass != NULL);
		if (run.cells[1].sample_pass)
			BB_CHECK_INT(run.cells[1].sample_pass[19], 4);
		BB_CHECK_INT((long long)run.cells[1].n_disturbed, 0);
		/* compare --pair a=b on it: 5 paired passes, 20% slower -> regression at 5% */
		bb_cmp_pair pair = {"a", "b"};
		bb_cmp_report rep;
		bb_cmp_report_build(&rep, &run, &run, &pair, 1, 0.05);
		BB_CHECK_INT((long long)rep.n_rows, 1);
		BB_CHECK_INT(rep.mode, BB_CMP_INTERLEAVED);
		if (rep.n_rows == 1) {
			BB_CHECK_STR(bb_cmp_verdict_name(rep.rows[0].r.verdict), "regression");
			BB_CHECK_STR(rep.rows[0].r.unit, "paired passes");
			BB_CHECK_NEAR(rep.rows[0].r.ratio, 1.2, 1e-6);
		}
		bb_cmp_report_release(&rep);
	}
	bb_db_cmp_run_release(&run);

	/* read-write: upgraded to schema 5, the data kept, pass records written and read back */
	bb_db *db;
	BB_CHECK_INT(bb_db_open(path, &db, err, sizeof(err)), 0);
	sqlite3 *h = bb_db_handle(db);
	BB_CHECK_INT(bb_test_sql_int(h, "PRAGMA user_version"), 5);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM sample"), 40);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM pass"), 0);
	bb_db_cell c = bb_test_cell(1, 1, "a|ddot:n=100|t=1");
	static const int sp[] = {0, 1, 1};
	static const bb_db_pass passes[] = {{0, 0, 0.01, 0.99, 0}, {1, 3, 0.30, 0.95, 1}};
	c.sample_pass = sp;
	c.passes = passes;
	c.n_passes = 2;
	int64_t id;
	BB_CHECK_INT(bb_db_cell_add(db, &c, &id, err, sizeof(err)), 0);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM pass WHERE disturbed"), 1);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT seq FROM pass WHERE pass = 1"), 3);
	/* measured again (gate's re-measuring): the row is replaced, not refused */
	c.replace = 1;
	c.n_passes = 1;
	BB_CHECK_INT(bb_db_cell_add(db, &c, &id, err, sizeof(err)), 0);
	BB_CHECK_INT(
	    bb_test_sql_int(h, "SELECT count(*) FROM cell WHERE cell_key = 'a|ddot:n=100|t=1'"), 1);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM pass"), 1);
	bb_db_close(db);
	BB_CHECK_INT(bb_db_cmp_run_load(path, "1", &run, err, sizeof(err)), 0);
	BB_CHECK_INT((long long)run.n_cells, 3);
	bb_db_cmp_run_release(&run);
	free(path);
	return bb_test_done();
}
