/*
 * Helpers shared by the tests in tests/db: a private temporary directory removed at exit,
 * a cell filled with plausible values, and one-value SQL queries run straight on the file so
 * the tests check what is stored, not what db/ says it stored.
 */
#ifndef BB_TESTS_DB_TEST_UTIL_H
#define BB_TESTS_DB_TEST_UTIL_H

#include <dirent.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "db/db.h"
#include "tests/test_util.h"

static char bb_test_dir[256];

static inline void bb_test_rmdir(void)
{
	DIR *d = opendir(bb_test_dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			char *p = bb_xasprintf("%s/%s", bb_test_dir, e->d_name);
			unlink(p);
			free(p);
		}
	}
	closedir(d);
	rmdir(bb_test_dir);
}

/* A fresh directory under $TMPDIR (or /tmp), emptied and removed when the test exits. */
static inline const char *bb_test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(bb_test_dir, sizeof(bb_test_dir), "%s/bbdbtest.XXXXXX",
	         base && *base ? base : "/tmp");
	if (!mkdtemp(bb_test_dir)) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(bb_test_rmdir);
	return bb_test_dir;
}

/* "<tmpdir>/<name>"; caller frees. */
static inline char *bb_test_path(const char *name)
{
	return bb_xasprintf("%s/%s", bb_test_dir, name);
}

/* A successful dgemm cell with the given key and three samples; no counters. */
static inline bb_db_cell bb_test_cell(int64_t run_id, int64_t backend_id, const char *key)
{
	static const double samples[] = {1.5e-3, 1.25e-3, 1.75e-3};
	bb_db_cell c = {0};
	c.run_id = run_id;
	c.backend_id = backend_id;
	c.cell_key = key;
	c.workload_key = "dgemm:m=100,n=100,k=100,ta=N,tb=N";
	c.routine = "dgemm";
	c.prec = 'd';
	c.m = c.n = c.k = 100;
	c.threads = 1;
	c.threads_effective = 1;
	c.status = "ok";
	c.flops = 2e6;
	c.calls_per_sample = 4;
	c.median_s = 1.5e-3;
	c.min_s = 1.25e-3;
	c.mad_s = 0.25e-3;
	c.ci_low_s = 1.3e-3;
	c.ci_high_s = 1.7e-3;
	c.gflops = 2e6 / 1.5e-3 / 1e9;
	c.pct_peak = 12.5;
	c.residual = 1e-16;
	c.samples = samples;
	c.n_samples = 3;
	return c;
}

/* The first column of the first row of sql on an open handle, as an integer (-1 on error). */
static inline long long bb_test_sql_int(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "sql error: %s: %s\n", sql, sqlite3_errmsg(h));
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

#endif
