/*
 * Writing a cell with its samples and counters, in one transaction: a cell is either wholly in
 * the file or not at all.  A cell measured in several passes is written after each one as
 * "partial" (each sample with its pass) and rewritten whole by its next write; any other cell
 * is written once.
 */
#include "db/db_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const cell_statuses[] = {"ok",    "wrong",   "crash",   "hang",
                                            "error", "skipped", "partial", NULL};

/* What must hold before a cell is written; the message names the field. */
static int check_cell(bb_db *db, const char *what, const bb_db_cell *c, char *err, size_t errlen)
{
	static const char precs[] = "sdcz";
	const char *missing = !c->cell_key || !*c->cell_key           ? "cell_key"
	                      : !c->workload_key || !*c->workload_key ? "workload_key"
	                      : !c->routine || !*c->routine           ? "routine"
	                      : c->n_samples && !c->samples           ? "samples"
	                      : c->n_counters && !c->counters         ? "counters"
	                                                              : NULL;
	if (missing)
		return bb_db_fail(err, errlen, "%s in '%s': %s is missing", what, db->path,
		                  missing);
	if (!c->prec || !strchr(precs, c->prec))
		return bb_db_fail(err, errlen,
		                  "%s in '%s': unknown precision '%c' (expected s, d, c, z)", what,
		                  db->path, c->prec ? c->prec : '?');
	for (size_t i = 0; i < c->n_counters; i++)
		if (!c->counters[i].name || !*c->counters[i].name)
			return bb_db_fail(err, errlen, "%s in '%s': counter %zu has no name", what,
			                  db->path, i);
	return bb_db_check_word(db, what, "cell status", c->status, cell_statuses, err, errlen);
}

static int insert_cell_row(bb_db *db, const bb_db_cell *c, const char *what, char *err,
                           size_t errlen)
{
	sqlite3_stmt *st;
	char prec[2] = {c->prec, 0};
	if (bb_db_prepare(
	        db,
	        "INSERT INTO cell (run_id, backend_id, cell_key, workload_key, routine,"
	        " prec, m, n, k, threads, threads_effective, omp_runtime, params_json,"
	        " status, error, flops, calls_per_sample, median_s, min_s, mad_s,"
	        " ci_low_s, ci_high_s, gflops, pct_peak, residual, n_samples, recorded)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	        " ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, " BB_DB_NOW_SQL ")",
	        &st, what, err, errlen))
		return -1;
	sqlite3_bind_int64(st, 1, c->run_id);
	sqlite3_bind_int64(st, 2, c->backend_id);
	bb_db_bind_text(st, 3, c->cell_key);
	bb_db_bind_text(st, 4, c->workload_key);
	bb_db_bind_text(st, 5, c->routine);
	bb_db_bind_text(st, 6, prec);
	sqlite3_bind_int64(st, 7, c->m);
	sqlite3_bind_int64(st, 8, c->n);
	sqlite3_bind_int64(st, 9, c->k);
	sqlite3_bind_int(st, 10, c->threads);
	sqlite3_bind_int(st, 11, c->threads_effective);
	bb_db_bind_text(st, 12, c->omp_runtime);
	bb_db_bind_text(st, 13, c->params_json);
	bb_db_bind_text(st, 14, c->status);
	bb_db_bind_text(st, 15, c->error);
	bb_db_bind_double(st, 16, c->flops);
	sqlite3_bind_int(st, 17, c->calls_per_sample);
	bb_db_bind_double(st, 18, c->median_s);
	bb_db_bind_double(st, 19, c->min_s);
	bb_db_bind_double(st, 20, c->mad_s);
	bb_db_bind_double(st, 21, c->ci_low_s);
	bb_db_bind_double(st, 22, c->ci_high_s);
	bb_db_bind_double(st, 23, c->gflops);
	bb_db_bind_double(st, 24, c->pct_peak);
	bb_db_bind_double(st, 25, c->residual);
	sqlite3_bind_int64(st, 26, (sqlite3_int64)c->n_samples);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (sqlite3_extended_errcode(db->h) == SQLITE_CONSTRAINT_UNIQUE)
		return bb_db_fail(err, errlen, "%s in '%s': it is already recorded in run %lld",
		                  what, db->path, (long long)c->run_id);
	return bb_db_sqlite_fail(db, what, err, errlen);
}

static int insert_samples(bb_db *db, int64_t cell_id, const bb_db_cell *c, const char *what,
                          char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (!c->n_samples)
		return 0;
	if (bb_db_prepare(
	        db, "INSERT INTO sample (cell_id, seq, seconds, pass) VALUES (?1, ?2, ?3, ?4)", &st,
	        what, err, errlen))
		return -1;
	int rc = 0;
	for (size_t i = 0; i < c->n_samples && !rc; i++) {
		sqlite3_bind_int64(st, 1, cell_id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		bb_db_bind_double(st, 3, c->samples[i]);
		if (c->sample_pass)
			sqlite3_bind_int(st, 4, c->sample_pass[i]);
		else
			sqlite3_bind_null(st, 4);
		rc = bb_db_step_done(db, st, what, err, errlen);
	}
	sqlite3_finalize(st);
	return rc;
}

static int insert_counters(bb_db *db, int64_t cell_id, const bb_db_cell *c, const char *what,
                           char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (!c->n_counters)
		return 0;
	if (bb_db_prepare(
	        db, "INSERT INTO counter (cell_id, name, value, unit) VALUES (?1, ?2, ?3, ?4)", &st,
	        what, err, errlen))
		return -1;
	int rc = 0;
	for (size_t i = 0; i < c->n_counters && !rc; i++) {
		const bb_db_counter *k = &c->counters[i];
		sqlite3_bind_int64(st, 1, cell_id);
		bb_db_bind_text(st, 2, k->name);
		bb_db_bind_double(st, 3, k->value);
		bb_db_bind_text(st, 4, k->unit);
		if (sqlite3_step(st) != SQLITE_DONE) {
			if (sqlite3_extended_errcode(db->h) == SQLITE_CONSTRAINT_PRIMARYKEY)
				rc = bb_db_fail(err, errlen,
				                "%s in '%s': counter '%s' is given twice", what,
				                db->path, k->name);
			else
				rc = bb_db_sqlite_fail(db, what, err, errlen);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

static int insert_passes(bb_db *db, int64_t cell_id, const bb_db_cell *c, const char *what,
                         char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (!c->n_passes)
		return 0;
	if (bb_db_prepare(db,
	                  "INSERT OR REPLACE INTO pass (cell_id, pass, seq, steal, calib, disturbed)"
	                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	                  &st, what, err, errlen))
		return -1;
	int rc = 0;
	for (size_t i = 0; i < c->n_passes && !rc; i++) {
		const bb_db_pass *p = &c->passes[i];
		sqlite3_bind_int64(st, 1, cell_id);
		sqlite3_bind_int(st, 2, p->pass);
		if (p->seq >= 0)
			sqlite3_bind_int(st, 3, p->seq);
		else
			sqlite3_bind_null(st, 3);
		bb_db_bind_double(st, 4, p->steal);
		bb_db_bind_double(st, 5, p->calib);
		sqlite3_bind_int(st, 6, p->disturbed != 0);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = bb_db_sqlite_fail(db, what, err, errlen);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* A partial cell of the same key (its earlier passes) gives way to this write, which holds
 * all its samples: its row, samples and counters go, in the caller's transaction. */
static int drop_partial(bb_db *db, const bb_db_cell *c, const char *what, char *err, size_t errlen)
{
	/* ?3: a cell measured again replaces its row whatever its status */
	static const char *const sql[] = {
	    "DELETE FROM pass WHERE cell_id IN (SELECT id FROM cell WHERE run_id = ?1 AND"
	    " cell_key = ?2 AND (status = 'partial' OR ?3))",
	    "DELETE FROM sample WHERE cell_id IN (SELECT id FROM cell WHERE run_id = ?1 AND"
	    " cell_key = ?2 AND (status = 'partial' OR ?3))",
	    "DELETE FROM counter WHERE cell_id IN (SELECT id FROM cell WHERE run_id = ?1 AND"
	    " cell_key = ?2 AND (status = 'partial' OR ?3))",
	    "DELETE FROM cell WHERE run_id = ?1 AND cell_key = ?2 AND (status = 'partial' OR ?3)",
	};
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st;
		if (bb_db_prepare(db, sql[i], &st, what, err, errlen))
			return -1;
		sqlite3_bind_int64(st, 1, c->run_id);
		bb_db_bind_text(st, 2, c->cell_key);
		sqlite3_bind_int(st, 3, c->replace != 0);
		int rc = bb_db_step_done(db, st, what, err, errlen);
		sqlite3_finalize(st);
		if (rc)
			return -1;
	}
	return 0;
}

int bb_db_cell_add(bb_db *db, const bb_db_cell *c, int64_t *id, char *err, size_t errlen)
{
	char *what = bb_xasprintf("cannot record cell '%s' of run %lld",
	                          c->cell_key ? c->cell_key : "", (long long)c->run_id);
	int found, rc = -1;
	int64_t backend_run = 0, cell_id;
	if (check_cell(db, what, c, err, errlen) || bb_db_start_write(db, what, err, errlen))
		goto cleanup;
	/* The foreign keys would catch a missing backend, but not one from another run. */
	if (bb_db_lookup_int(db, "SELECT run_id FROM backend WHERE id = ?1", c->backend_id, &found,
	                     &backend_run, what, err, errlen))
		goto cleanup;
	if (!found || backend_run != c->run_id) {
		if (found)
			bb_db_fail(err, errlen, "%s in '%s': backend %lld belongs to run %lld",
			           what, db->path, (long long)c->backend_id,
			           (long long)backend_run);
		else
			bb_db_fail(err, errlen, "%s in '%s': no backend with id %lld", what,
			           db->path, (long long)c->backend_id);
		goto cleanup;
	}
	if (drop_partial(db, c, what, err, errlen) || insert_cell_row(db, c, what, err, errlen))
		goto cleanup;
	cell_id = sqlite3_last_insert_rowid(db->h);
	if (insert_samples(db, cell_id, c, what, err, errlen) ||
	    insert_counters(db, cell_id, c, what, err, errlen) ||
	    insert_passes(db, cell_id, c, what, err, errlen))
		goto cleanup;
	if (bb_db_commit(db, what, err, errlen))
		goto cleanup;
	if (id)
		*id = cell_id;
	rc = 0;
cleanup:
	if (rc)
		bb_db_rollback(db);
	free(what);
	return rc;
}
