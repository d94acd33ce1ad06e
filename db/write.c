/*
 * Writes to the results database: host, run (begun, taken over by a resume, its status),
 * backend, and a finished cell with its samples and counters.  Each call is one short BEGIN
 * IMMEDIATE transaction, so a cell is either wholly in the file or not at all, and two
 * processes sharing the file simply take turns (the busy timeout absorbs the wait).  Every
 * value is bound as a parameter; NaN doubles become NULL.  Words with a fixed meaning (run
 * kind and status, cell status) are checked here against the lists below, so a typo fails
 * loudly instead of hiding a cell from every report.  A cell measured in several passes is
 * written after each one as "partial" and rewritten whole by its next write.
 */
#include "db/db_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

static const char *const run_kinds[] = {"run", "suite", "diagnose", "gate", NULL};
static const char *const run_statuses[] = {"running", "complete", "interrupted", "failed", NULL};
static const char *const cell_statuses[] = {"ok",    "wrong",   "crash",   "hang",
                                            "error", "skipped", "partial", NULL};

/* 0 if s is one of list; else -1 with "<what> in '<path>': unknown <noun> 's' (expected ...)". */
static int check_word(bb_db *db, const char *what, const char *noun, const char *s,
                      const char *const *list, char *err, size_t errlen)
{
	bb_strbuf expected = BB_STRBUF_INIT;
	for (int i = 0; list[i]; i++) {
		if (s && strcmp(s, list[i]) == 0) {
			bb_strbuf_release(&expected);
			return 0;
		}
		bb_strbuf_addf(&expected, "%s%s", i ? ", " : "", list[i]);
	}
	bb_db_fail(err, errlen, "%s in '%s': unknown %s '%s' (expected %s)", what, db->path, noun,
	           s ? s : "(null)", expected.buf);
	bb_strbuf_release(&expected);
	return -1;
}

/* Refuse writes on a read-only handle with a plain reason, then take the write lock. */
static int start_write(bb_db *db, const char *what, char *err, size_t errlen)
{
	if (db->readonly)
		return bb_db_fail(err, errlen, "%s in '%s': the database was opened read-only",
		                  what, db->path);
	return bb_db_begin(db, what, err, errlen);
}

/* Step a statement that returns no rows and reset it for the next bindings. */
static int step_done(bb_db *db, sqlite3_stmt *st, const char *what, char *err, size_t errlen)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		bb_db_sqlite_fail(db, what, err, errlen);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

/* *found = 1 and *value = the first column of the first row of a one-parameter query. */
static int lookup_int(bb_db *db, const char *sql, int64_t key, int *found, int64_t *value,
                      const char *what, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (bb_db_prepare(db, sql, &st, what, err, errlen))
		return -1;
	sqlite3_bind_int64(st, 1, key);
	int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found)
		*value = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bb_db_sqlite_fail(db, what, err, errlen);
	return 0;
}

int bb_db_host_upsert(bb_db *db, const char *fingerprint, const char *host_json,
                      const char *peak_json, int64_t *id, char *err, size_t errlen)
{
	char *what = bb_xasprintf("cannot record host '%s'", fingerprint ? fingerprint : "");
	sqlite3_stmt *st = NULL;
	int found = 0, rc = -1;
	if (!fingerprint || !*fingerprint || !host_json) {
		bb_db_fail(err, errlen, "%s in '%s': fingerprint and host JSON are required", what,
		           db->path);
		goto cleanup;
	}
	if (start_write(db, what, err, errlen))
		goto cleanup;
	/* A NULL peak keeps the one measured before: a run that skips the peak loop loses nothing.
	 */
	if (bb_db_prepare(
	        db,
	        "INSERT INTO host (fingerprint, host_json, peak_json, first_seen, last_seen)"
	        " VALUES (?1, ?2, ?3, " BB_DB_NOW_SQL ", " BB_DB_NOW_SQL ")"
	        " ON CONFLICT (fingerprint) DO UPDATE SET host_json = excluded.host_json,"
	        " peak_json = coalesce(excluded.peak_json, host.peak_json),"
	        " last_seen = excluded.last_seen",
	        &st, what, err, errlen))
		goto cleanup;
	bb_db_bind_text(st, 1, fingerprint);
	bb_db_bind_text(st, 2, host_json);
	bb_db_bind_text(st, 3, peak_json);
	if (step_done(db, st, what, err, errlen))
		goto cleanup;
	sqlite3_finalize(st);
	st = NULL;
	if (bb_db_prepare(db, "SELECT id FROM host WHERE fingerprint = ?1", &st, what, err, errlen))
		goto cleanup;
	bb_db_bind_text(st, 1, fingerprint);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (!found) {
		bb_db_sqlite_fail(db, what, err, errlen);
		goto cleanup;
	}
	if (id)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	rc = bb_db_commit(db, what, err, errlen);
cleanup:
	sqlite3_finalize(st);
	if (rc)
		bb_db_rollback(db);
	free(what);
	return rc;
}

/* A label that reads as a run id or as "latest" could never be resolved back to its run. */
static int check_label(bb_db *db, const char *what, const char *label, char *err, size_t errlen)
{
	if (!label)
		return 0;
	if (!*label)
		return bb_db_fail(err, errlen, "%s in '%s': the label is empty", what, db->path);
	if (strcmp(label, "latest") == 0 || strspn(label, "0123456789") == strlen(label))
		return bb_db_fail(err, errlen,
		                  "%s in '%s': label '%s' would read as a run reference; choose "
		                  "a name that is neither a number nor 'latest'",
		                  what, db->path, label);
	return 0;
}

/* Bind an owner's pid, start time, boot id and host at i..i+3 (NULLs when o is NULL or
 * knows nothing: pid 0). */
static void bind_owner(sqlite3_stmt *st, int i, const bb_owner *o)
{
	if (!o || !o->pid)
		return; /* unbound parameters are NULL */
	sqlite3_bind_int64(st, i, o->pid);
	if (o->start)
		sqlite3_bind_int64(st, i + 1, (sqlite3_int64)o->start);
	bb_db_bind_text(st, i + 2, o->boot_id[0] ? o->boot_id : NULL);
	bb_db_bind_text(st, i + 3, o->host[0] ? o->host : NULL);
}

int bb_db_run_begin(bb_db *db, const bb_db_run_new *r, int64_t *id, char *err, size_t errlen)
{
	const char *what = "cannot start run";
	sqlite3_stmt *st = NULL;
	int found, rc = -1;
	int64_t ignored;
	if (check_word(db, what, "run kind", r->kind, run_kinds, err, errlen) ||
	    check_label(db, what, r->label, err, errlen))
		return -1;
	if (!r->command || !r->version)
		return bb_db_fail(err, errlen, "%s in '%s': command and version are required", what,
		                  db->path);
	if (start_write(db, what, err, errlen))
		return -1;
	if (lookup_int(db, "SELECT id FROM host WHERE id = ?1", r->host_id, &found, &ignored, what,
	               err, errlen))
		goto cleanup;
	if (!found) {
		bb_db_fail(err, errlen, "%s in '%s': no host with id %lld", what, db->path,
		           (long long)r->host_id);
		goto cleanup;
	}
	if (bb_db_prepare(db,
	                  "INSERT INTO run (host_id, label, command, kind, options_json, version,"
	                  " status, started, owner_pid, owner_start, owner_boot, owner_host)"
	                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', " BB_DB_NOW_SQL
	                  ", ?7, ?8, ?9, ?10)",
	                  &st, what, err, errlen))
		goto cleanup;
	sqlite3_bind_int64(st, 1, r->host_id);
	bb_db_bind_text(st, 2, r->label);
	bb_db_bind_text(st, 3, r->command);
	bb_db_bind_text(st, 4, r->kind);
	bb_db_bind_text(st, 5, r->options_json);
	bb_db_bind_text(st, 6, r->version);
	bind_owner(st, 7, r->owner);
	if (step_done(db, st, what, err, errlen))
		goto cleanup;
	if (id)
		*id = sqlite3_last_insert_rowid(db->h);
	rc = bb_db_commit(db, what, err, errlen);
cleanup:
	sqlite3_finalize(st);
	if (rc)
		bb_db_rollback(db);
	return rc;
}

int bb_db_run_claim(bb_db *db, int64_t run_id, const bb_owner *self, bb_owner *holder, char *err,
                    size_t errlen)
{
	char what[64];
	sqlite3_stmt *st = NULL;
	int rc = -1;
	/* the same words as bb_db_run_set_status(): the write is the same */
	snprintf(what, sizeof(what), "cannot mark run %lld running", (long long)run_id);
	memset(holder, 0, sizeof(*holder));
	if (start_write(db, what, err, errlen))
		return -1;
	/* judged under the write lock: of two resumes racing, the second sees the first */
	if (bb_db_prepare(db,
	                  "SELECT status, owner_pid, owner_start, owner_boot, owner_host FROM run"
	                  " WHERE id = ?1",
	                  &st, what, err, errlen))
		goto cleanup;
	sqlite3_bind_int64(st, 1, run_id);
	int step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		if (step == SQLITE_DONE)
			bb_db_fail(err, errlen, "%s in '%s': no such run", what, db->path);
		else
			bb_db_sqlite_fail(db, what, err, errlen);
		goto cleanup;
	}
	const char *status = (const char *)sqlite3_column_text(st, 0);
	int running = status && !strcmp(status, "running");
	holder->pid = (long)sqlite3_column_int64(st, 1);
	holder->start = (unsigned long long)sqlite3_column_int64(st, 2);
	const char *boot = (const char *)sqlite3_column_text(st, 3);
	const char *host = (const char *)sqlite3_column_text(st, 4);
	snprintf(holder->boot_id, sizeof(holder->boot_id), "%s", boot ? boot : "");
	snprintf(holder->host, sizeof(holder->host), "%s", host ? host : "");
	sqlite3_finalize(st);
	st = NULL;
	bb_owner_state state = running && holder->pid ? bb_owner_check(holder) : BB_OWNER_GONE;
	if (state == BB_OWNER_ALIVE) {
		bb_db_fail(err, errlen,
		           "run %lld in '%s' is still being measured by blasbench (pid %ld): not "
		           "resumed",
		           (long long)run_id, db->path, holder->pid);
		rc = 1;
		goto cleanup;
	}
	if (state == BB_OWNER_UNKNOWN) {
		bb_db_fail(err, errlen,
		           "run %lld in '%s' is being measured by blasbench pid %ld on host '%s', "
		           "which cannot be seen from here: not resumed",
		           (long long)run_id, db->path, holder->pid, holder->host);
		rc = 1;
		goto cleanup;
	}
	if (bb_db_prepare(db,
	                  "UPDATE run SET status = 'running', finished = NULL, owner_pid = ?2,"
	                  " owner_start = ?3, owner_boot = ?4, owner_host = ?5 WHERE id = ?1",
	                  &st, what, err, errlen))
		goto cleanup;
	sqlite3_bind_int64(st, 1, run_id);
	bind_owner(st, 2, self);
	if (step_done(db, st, what, err, errlen))
		goto cleanup;
	rc = bb_db_commit(db, what, err, errlen);
cleanup:
	sqlite3_finalize(st);
	if (rc)
		bb_db_rollback(db);
	return rc;
}

int bb_db_run_set_status(bb_db *db, int64_t run_id, const char *status, char *err, size_t errlen)
{
	char what[96];
	sqlite3_stmt *st = NULL;
	int rc = -1;
	snprintf(what, sizeof(what), "cannot mark run %lld %s", (long long)run_id,
	         status ? status : "(null)");
	if (check_word(db, what, "run status", status, run_statuses, err, errlen))
		return -1;
	if (start_write(db, what, err, errlen))
		return -1;
	if (bb_db_prepare(
	        db,
	        "UPDATE run SET status = ?2, finished = CASE WHEN ?2 = 'running' THEN NULL"
	        " ELSE " BB_DB_NOW_SQL " END WHERE id = ?1",
	        &st, what, err, errlen))
		goto cleanup;
	sqlite3_bind_int64(st, 1, run_id);
	bb_db_bind_text(st, 2, status);
	if (step_done(db, st, what, err, errlen))
		goto cleanup;
	if (sqlite3_changes(db->h) == 0) {
		bb_db_fail(err, errlen, "%s in '%s': no such run", what, db->path);
		goto cleanup;
	}
	rc = bb_db_commit(db, what, err, errlen);
cleanup:
	sqlite3_finalize(st);
	if (rc)
		bb_db_rollback(db);
	return rc;
}

int bb_db_backend_add(bb_db *db, int64_t run_id, const char *alias, const char *spec,
                      const char *record_json, int64_t *id, char *err, size_t errlen)
{
	char *what = bb_xasprintf("cannot record backend '%s' of run %lld", alias ? alias : "",
	                          (long long)run_id);
	sqlite3_stmt *st = NULL;
	int found, rc = -1;
	int64_t ignored;
	if (!alias || !*alias || !spec) {
		bb_db_fail(err, errlen, "%s in '%s': alias and spec are required", what, db->path);
		goto cleanup;
	}
	if (start_write(db, what, err, errlen))
		goto cleanup;
	if (lookup_int(db, "SELECT id FROM run WHERE id = ?1", run_id, &found, &ignored, what, err,
	               errlen))
		goto cleanup;
	if (!found) {
		bb_db_fail(err, errlen, "%s in '%s': no such run", what, db->path);
		goto cleanup;
	}
	if (bb_db_prepare(db,
	                  "INSERT INTO backend (run_id, alias, spec, record_json)"
	                  " VALUES (?1, ?2, ?3, ?4)",
	                  &st, what, err, errlen))
		goto cleanup;
	sqlite3_bind_int64(st, 1, run_id);
	bb_db_bind_text(st, 2, alias);
	bb_db_bind_text(st, 3, spec);
	bb_db_bind_text(st, 4, record_json);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(db->h) == SQLITE_CONSTRAINT_UNIQUE)
			bb_db_fail(err, errlen, "%s in '%s': the run already has a backend '%s'",
			           what, db->path, alias);
		else
			bb_db_sqlite_fail(db, what, err, errlen);
		goto cleanup;
	}
	if (id)
		*id = sqlite3_last_insert_rowid(db->h);
	rc = bb_db_commit(db, what, err, errlen);
cleanup:
	sqlite3_finalize(st);
	if (rc)
		bb_db_rollback(db);
	free(what);
	return rc;
}

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
	return check_word(db, what, "cell status", c->status, cell_statuses, err, errlen);
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
		rc = step_done(db, st, what, err, errlen);
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

/* A partial cell of the same key (its earlier passes) gives way to this write, which holds
 * all its samples: its row, samples and counters go, in the caller's transaction. */
static int drop_partial(bb_db *db, const bb_db_cell *c, const char *what, char *err, size_t errlen)
{
	static const char *const sql[] = {
	    "DELETE FROM sample WHERE cell_id IN (SELECT id FROM cell WHERE run_id = ?1 AND"
	    " cell_key = ?2 AND status = 'partial')",
	    "DELETE FROM counter WHERE cell_id IN (SELECT id FROM cell WHERE run_id = ?1 AND"
	    " cell_key = ?2 AND status = 'partial')",
	    "DELETE FROM cell WHERE run_id = ?1 AND cell_key = ?2 AND status = 'partial'",
	};
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st;
		if (bb_db_prepare(db, sql[i], &st, what, err, errlen))
			return -1;
		sqlite3_bind_int64(st, 1, c->run_id);
		bb_db_bind_text(st, 2, c->cell_key);
		int rc = step_done(db, st, what, err, errlen);
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
	if (check_cell(db, what, c, err, errlen) || start_write(db, what, err, errlen))
		goto cleanup;
	/* The foreign keys would catch a missing backend, but not one from another run. */
	if (lookup_int(db, "SELECT run_id FROM backend WHERE id = ?1", c->backend_id, &found,
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
	    insert_counters(db, cell_id, c, what, err, errlen))
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
