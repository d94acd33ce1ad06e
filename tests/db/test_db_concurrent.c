/*
 * test_db_concurrent: several processes share one database file.  Three children are released
 * together (a pipe as a start barrier) onto a file that does not exist yet, so they also race
 * to create and migrate it; each then records its own run of 200 cells, one transaction per
 * cell.  The parent checks that every child succeeded and every cell, sample and run is there:
 * SQLITE_BUSY must be absorbed by the busy timeout, never surface as a lost cell.
 */
#include "tests/db/db_test_util.h"

#include <sys/wait.h>

enum { N_CELLS = 200, MAX_CHILDREN = 64 };

/* Three writers by default; `test_db_concurrent N` runs N, for stress runs by hand. */
static int n_children = 3;

/* One writer process; returns the exit status (0 ok, 1 with the reason on stderr). */
static int child(const char *path, int barrier, int which)
{
	char err[512], key[64], label[32];
	char c1;
	bb_db *db = NULL;
	int64_t host, run, backend;
	/* wait until the parent closes the pipe: all children start at once */
	if (read(barrier, &c1, 1) < 0)
		return 1;
	close(barrier);
	snprintf(label, sizeof(label), "writer-%d", which);
	bb_db_run_new rn = {0, label, "test_db_concurrent", "run", NULL, "test", NULL};
	if (bb_db_open(path, &db, err, sizeof(err)) ||
	    bb_db_host_upsert(db, "shared-host", "{}", NULL, &host, err, sizeof(err)))
		goto fail;
	rn.host_id = host;
	if (bb_db_run_begin(db, &rn, &run, err, sizeof(err)) ||
	    bb_db_backend_add(db, run, "ref", "ref", NULL, &backend, err, sizeof(err)))
		goto fail;
	for (int i = 0; i < N_CELLS; i++) {
		snprintf(key, sizeof(key), "ref|dgemm|%d", i);
		bb_db_cell c = bb_test_cell(run, backend, key);
		if (bb_db_cell_add(db, &c, NULL, err, sizeof(err)))
			goto fail;
	}
	if (bb_db_run_set_status(db, run, "complete", err, sizeof(err)))
		goto fail;
	bb_db_close(db);
	return 0;
fail:
	fprintf(stderr, "writer %d: %s\n", which, err);
	bb_db_close(db);
	return 1;
}

int main(int argc, char **argv)
{
	bb_test_tmpdir();
	char *path = bb_test_path("shared.db");
	int barrier[2];
	pid_t pids[MAX_CHILDREN];
	char err[512], sql[128];

	if (argc > 1)
		n_children = atoi(argv[1]);
	if (n_children < 1 || n_children > MAX_CHILDREN) {
		fprintf(stderr, "usage: test_db_concurrent [writers, 1..%d]\n", MAX_CHILDREN);
		return 2;
	}
	if (pipe(barrier) != 0) {
		perror("pipe");
		return 1;
	}
	for (int i = 0; i < n_children; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			return 1;
		}
		if (pids[i] == 0) {
			close(barrier[1]);
			_exit(child(path, barrier[0], i)); /* _exit: the parent owns the tmpdir */
		}
	}
	close(barrier[0]);
	close(barrier[1]); /* go */
	for (int i = 0; i < n_children; i++) {
		int status = 0;
		BB_CHECK(waitpid(pids[i], &status, 0) == pids[i]);
		BB_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}

	bb_db *db = NULL;
	BB_CHECK_INT(bb_db_open_readonly(path, &db, err, sizeof(err)), 0);
	if (!db) {
		fprintf(stderr, "%s\n", err);
		return bb_test_done();
	}
	sqlite3 *h = bb_db_handle(db);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM host"), 1);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM run WHERE status = 'complete'"),
	             n_children);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM cell"), n_children * N_CELLS);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(*) FROM sample"), n_children * N_CELLS * 3);
	BB_CHECK_INT(bb_test_sql_int(h, "SELECT count(DISTINCT label) FROM run"), n_children);
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM (SELECT run_id FROM cell GROUP BY run_id"
	         " HAVING count(*) = %d)",
	         N_CELLS);
	BB_CHECK_INT(bb_test_sql_int(h, sql), n_children);
	BB_CHECK_INT(bb_test_sql_int(h, "PRAGMA user_version"), bb_db_schema_version());
	bb_db_run_info *runs = NULL;
	size_t n = 0;
	BB_CHECK_INT(bb_db_runs(db, &runs, &n, err, sizeof(err)), 0);
	BB_CHECK_INT(n, n_children);
	for (size_t i = 0; i < n; i++)
		BB_CHECK_INT(runs[i].cells_ok, N_CELLS);
	bb_db_run_infos_free(runs, n);
	bb_db_close(db);
	free(path);
	return bb_test_done();
}
