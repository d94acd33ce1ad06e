/*
 * test_db_partial: cells measured pass by pass (schema 3).  A partial cell is written with the
 * pass of each sample, is left out of the keys a resume skips and listed by bb_db_partials()
 * with its samples in order; its next write (more passes, or the final outcome) replaces it
 * whole; a cell that is not partial is never replaced.
 */
#include "tests/db/db_test_util.h"

#include "db/db_internal.h"

static char err[512];

int main(void)
{
	bb_test_tmpdir();
	char *path = bb_test_path("partial.db");
	bb_db *db = NULL;
	int64_t host, run, backend, id;
	BB_CHECK_INT(bb_db_open(path, &db, err, sizeof(err)), 0);
	if (!db)
		return bb_test_done();
	sqlite3 *h = bb_db_handle(db);
	BB_CHECK_INT(bb_db_host_upsert(db, "fp", "{}", NULL, &host, err, sizeof(err)), 0);
	bb_db_run_new rn = {host, NULL, "blasbench run", "run", NULL, "test", NULL};
	BB_CHECK_INT(bb_db_run_begin(db, &rn, &run, err, sizeof(err)), 0);
	BB_CHECK_INT(bb_db_backend_add(db, run, "a", "a", "{}", &backend, err, sizeof(err)), 0);

	/* pass 0 of cell x: partial */
	static const double s0[] = {3e-3, 1e-3};
	static const int p0[] = {0, 0};
	bb_db_cell c = bb_test_cell(run, backend, "x");
	c.status = "partial";
	c.samples = s0;
	c.sample_pass = p0;
	c.n_samples = 2;
	BB_CHECK_INT(bb_db_cell_add(db, &c, &id, err, sizeof(err)), 0);
	bb_db_cell other = bb_test_cell(run, backend, "y");
	BB_CHECK_INT(bb_db_cell_add(db, &other, NULL, err, sizeof(err)), 0);

	char **keys;
	size_t n;
	BB_CHECK_INT(bb_db_cell_keys(db, run, &keys, &n, err, sizeof(err)), 0);
	BB_CHECK_INT((int)n, 1);
	if (n)
		BB_CHECK_STR(keys[0], "y");
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);

	bb_db_partial *p;
	BB_CHECK_INT(bb_db_partials(db, run, &p, &n, err, sizeof(err)), 0);
	BB_CHECK_INT((int)n, 1);
	if (n) {
		BB_CHECK_STR(p[0].cell_key, "x");
		BB_CHECK_INT((int)p[0].n_samples, 2);
		BB_CHECK_NEAR(p[0].samples[0], 3e-3, 1e-12);
		BB_CHECK_NEAR(p[0].samples[1], 1e-3, 1e-12);
		BB_CHECK_INT(p[0].pass[1], 0);
	}
	bb_db_partials_free(p, n);
	bb_db_run_info ri;
	BB_CHECK_INT(bb_db_run_get(db, run, &ri, err, sizeof(err)), 0);
	BB_CHECK_INT(ri.cells, 2);
	BB_CHECK_INT(ri.cells_ok, 1);
	BB_CHECK_INT(ri.cells_failed, 0);
	BB_CHECK_INT(ri.cells_partial, 1);
	bb_db_run_info_release(&ri);

	/* the last pass: the ok cell replaces the partial one, samples of both passes */
	static const double s1[] = {3e-3, 1e-3, 2e-3};
	static const int p1[] = {0, 0, 1};
	c = bb_test_cell(run, backend, "x");
	c.samples = s1;
	c.sample_pass = p1;
	c.n_samples = 3;
	BB_CHECK_INT(bb_db_cell_add(db, &c, &id, err, sizeof(err)), 0);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM cell WHERE cell_key = 'x'"), 1);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM cell WHERE status = 'partial'"), 0);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM sample s JOIN cell c ON c.id ="
	                                " s.cell_id WHERE c.cell_key = 'x'"),
	             3);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT sum(pass) FROM sample s JOIN cell c ON c.id ="
	                                " s.cell_id WHERE c.cell_key = 'x'"),
	             1);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM sample"), 6);
	BB_CHECK_INT(bb_db_partials(db, run, &p, &n, err, sizeof(err)), 0);
	BB_CHECK_INT((int)n, 0);
	bb_db_partials_free(p, n);

	/* a complete cell is not replaced */
	BB_CHECK_INT(bb_db_cell_add(db, &c, &id, err, sizeof(err)), -1);
	BB_CHECK(strstr(err, "it is already recorded in run") != NULL);

	bb_db_close(db);
	free(path);
	return bb_test_done();
}
