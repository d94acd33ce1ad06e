/*
 * The read side of `blasbench compare` and `gate`: one run loaded whole — its backends with their
 * probed records, its cells with status and median, and every raw sample — so reports/compare_*.c
 * can resample without touching SQL.  The database is opened read-only and closed again before
 * returning, so a comparison of two files never holds either open.
 */
#include "db/db_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int load_backends(bb_db *db, bb_db_cmp_run *r, char *err, size_t errlen)
{
	const char *what = "cannot read backends";
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;
	if (bb_db_prepare(db,
	                  "SELECT alias, record_json FROM backend WHERE run_id = ?1 ORDER BY id",
	                  &st, what, err, errlen))
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->n_backends == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			r->backends = bb_xrealloc(r->backends, alloc * sizeof(*r->backends));
		}
		bb_db_cmp_backend *b = &r->backends[r->n_backends++];
		b->alias = bb_db_column_strdup(st, 0);
		b->record_json = bb_db_column_strdup(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : bb_db_sqlite_fail(db, what, err, errlen);
}

/* Samples of one cell, in the order taken, with the pass of each when the schema has it (3);
 * NULL seconds (never written for ok cells) skipped. */
static int load_samples(bb_db *db, sqlite3_stmt *st, int64_t cell_id, bb_db_cmp_cell *c)
{
	size_t alloc = 0;
	int rc, have_pass = db->schema >= 3, all_pass = 1;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, cell_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			continue;
		if (c->n_samples == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			c->samples = bb_xrealloc(c->samples, alloc * sizeof(double));
			c->sample_pass = bb_xrealloc(c->sample_pass, alloc * sizeof(int));
		}
		int null_pass = !have_pass || sqlite3_column_type(st, 1) == SQLITE_NULL;
		all_pass &= !null_pass;
		c->sample_pass[c->n_samples] = null_pass ? 0 : sqlite3_column_int(st, 1);
		c->samples[c->n_samples++] = sqlite3_column_double(st, 0);
	}
	if (!all_pass || !c->n_samples) { /* a pass unknown for some sample: none is used */
		free(c->sample_pass);
		c->sample_pass = NULL;
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The passes of one cell the host disturbed (schema 5's pass table). */
static int load_disturbed(sqlite3_stmt *st, int64_t cell_id, bb_db_cmp_cell *c)
{
	int rc;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, cell_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c->disturbed = bb_xrealloc(c->disturbed, (c->n_disturbed + 1) * sizeof(int));
		c->disturbed[c->n_disturbed++] = sqlite3_column_int(st, 0);
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

static size_t backend_index(const bb_db_cmp_run *r, const char *alias)
{
	for (size_t i = 0; i < r->n_backends; i++)
		if (alias && r->backends[i].alias && !strcmp(alias, r->backends[i].alias))
			return i;
	return 0;
}

static int load_cells(bb_db *db, bb_db_cmp_run *r, char *err, size_t errlen)
{
	const char *what = "cannot read cells";
	sqlite3_stmt *st, *ss, *sd = NULL;
	size_t alloc = 0;
	int rc;
	if (bb_db_prepare(db,
	                  "SELECT c.id, c.cell_key, b.alias, c.workload_key, c.status, c.error,"
	                  " c.threads, c.median_s, c.ci_low_s, c.ci_high_s"
	                  " FROM cell c JOIN backend b ON b.id = c.backend_id"
	                  " WHERE c.run_id = ?1 ORDER BY c.id",
	                  &st, what, err, errlen))
		return -1;
	if (bb_db_prepare(db,
	                  db->schema >= 3 ? "SELECT seconds, pass FROM sample WHERE cell_id = ?1 ORDER BY seq"
	                                  : "SELECT seconds, NULL FROM sample WHERE cell_id = ?1 ORDER BY seq",
	                  &ss, what, err, errlen)) {
		sqlite3_finalize(st);
		return -1;
	}
	if (db->schema >= 5 &&
	    bb_db_prepare(db, "SELECT pass FROM pass WHERE cell_id = ?1 AND disturbed ORDER BY pass",
	                  &sd, what, err, errlen)) {
		sqlite3_finalize(ss);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_bind_int64(st, 1, r->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->n_cells == alloc) {
			alloc = alloc ? 2 * alloc : 32;
			r->cells = bb_xrealloc(r->cells, alloc * sizeof(*r->cells));
		}
		bb_db_cmp_cell *c = &r->cells[r->n_cells++];
		memset(c, 0, sizeof(*c));
		c->cell_key = bb_db_column_strdup(st, 1);
		c->alias = bb_db_column_strdup(st, 2);
		c->workload_key = bb_db_column_strdup(st, 3);
		c->status = bb_db_column_strdup(st, 4);
		c->error = bb_db_column_strdup(st, 5);
		c->threads = sqlite3_column_int(st, 6);
		c->median_s =
		    sqlite3_column_type(st, 7) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 7);
		c->ci_low_s =
		    sqlite3_column_type(st, 8) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 8);
		c->ci_high_s =
		    sqlite3_column_type(st, 9) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 9);
		c->backend = backend_index(r, c->alias);
		if (load_samples(db, ss, sqlite3_column_int64(st, 0), c) ||
		    (sd && load_disturbed(sd, sqlite3_column_int64(st, 0), c))) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	sqlite3_finalize(sd);
	sqlite3_finalize(ss);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : bb_db_sqlite_fail(db, what, err, errlen);
}

int bb_db_cmp_run_load(const char *path, const char *ref, bb_db_cmp_run *out, char *err,
                       size_t errlen)
{
	bb_db *db;
	bb_db_run_info ri;
	int ret = -1;
	memset(out, 0, sizeof(*out));
	if (bb_db_open_readonly(path, &db, err, errlen))
		return -1;
	if (bb_db_run_resolve(db, ref, &out->id, err, errlen))
		goto cleanup;
	if (bb_db_run_get(db, out->id, &ri, err, errlen))
		goto cleanup;
	out->db_path = bb_xstrdup(path);
	out->label = ri.label ? bb_xstrdup(ri.label) : NULL;
	out->status = ri.status ? bb_xstrdup(ri.status) : NULL;
	out->host_fingerprint = ri.host_fingerprint ? bb_xstrdup(ri.host_fingerprint) : NULL;
	out->options_json = ri.options_json ? bb_xstrdup(ri.options_json) : NULL;
	bb_db_run_info_release(&ri);
	if (load_backends(db, out, err, errlen) || load_cells(db, out, err, errlen))
		goto cleanup;
	ret = 0;
cleanup:
	bb_db_close(db);
	if (ret)
		bb_db_cmp_run_release(out);
	return ret;
}

void bb_db_cmp_run_release(bb_db_cmp_run *r)
{
	for (size_t i = 0; i < r->n_backends; i++) {
		free(r->backends[i].alias);
		free(r->backends[i].record_json);
	}
	for (size_t i = 0; i < r->n_cells; i++) {
		bb_db_cmp_cell *c = &r->cells[i];
		free(c->cell_key);
		free(c->alias);
		free(c->workload_key);
		free(c->status);
		free(c->error);
		free(c->samples);
		free(c->sample_pass);
		free(c->disturbed);
	}
	free(r->backends);
	free(r->cells);
	free(r->db_path);
	free(r->label);
	free(r->status);
	free(r->host_fingerprint);
	free(r->options_json);
	memset(r, 0, sizeof(*r));
}
