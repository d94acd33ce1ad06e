/*
 * Writes to the results database: host, run (begun, taken over by a resume, its status) and
 * backend, and the helpers every write shares (cells are written by db/write_cell.c).  Each
 * call is one short BEGIN IMMEDIATE transaction, and two processes sharing the file simply
 * take turns (the busy timeout absorbs the wait).  Every value is bound as a parameter; NaN
 * doubles become NULL.  Words with a fixed meaning (run kind and status, cell status) are
 * checked against fixed lists, so a typo fails loudly instead of hiding a cell from every
 * report.
 */
#include "db/db_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

static const char *const run_kinds[] = {"run", "suite", "diagnose", "gate", NULL};
static const char *const run_statuses[] = {"running", "complete", "interrupted", "failed", NULL};

/* 0 if s is one of list; else -1 with "<what> in '<path>': unknown <noun> 's' (expected ...)". */
int bb_db_check_word(bb_db *db, const char *what, const char *noun, const char *s,
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
int bb_db_start_write(bb_db *db, const char *what, char *err, size_t errlen)
{
	if (db->readonly)
		return bb_db_fail(err, errlen, "%s in '%s': the database was opened read-only",
		                  what, db->path);
	return bb_db_begin(db, what, err, errlen);
}

/* Step a statement that returns no rows and reset it for the next bindings. */
int bb_db_step_done(bb_db *db, sqlite3_stmt *st, const char *what, char *err, size_t errlen)
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
int bb_db_lookup_int(bb_db *db, const char *sql, int64_t key, int *found, int64_t *value,
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
	if (bb_db_start_write(db, what, err, errlen))
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
	if (bb_db_step_done(db, st, what, err, errlen))
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

/* A label that reads as a run id or as "latest" could never be resolved back to its run, and
 * one already taken would silently make the older run unreachable by it. */
int bb_db_label_check(bb_db *db, const char *label, char *err, size_t errlen)
{
	const char *what = "cannot start run";
	int found;
	int64_t taken = 0;
	if (!label)
		return 0;
	if (!*label)
		return bb_db_fail(err, errlen, "%s in '%s': the label is empty", what, db->path), 1;
	if (strcmp(label, "latest") == 0 || strspn(label, "0123456789") == strlen(label))
		return bb_db_fail(err, errlen,
		                  "%s in '%s': label '%s' would read as a run reference; choose "
		                  "a name that is neither a number nor 'latest'",
		                  what, db->path, label),
		       1;
	sqlite3_stmt *st;
	if (bb_db_prepare(db, "SELECT max(id) FROM run WHERE label = ?1", &st, what, err, errlen))
		return -1;
	bb_db_bind_text(st, 1, label);
	int rc = sqlite3_step(st);
	found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (found)
		taken = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bb_db_sqlite_fail(db, what, err, errlen);
	if (found)
		return bb_db_fail(err, errlen,
		                  "%s in '%s': label '%s' is taken by run %lld (a label names one "
		                  "run: choose another)",
		                  what, db->path, label, (long long)taken),
		       1;
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
	if (bb_db_check_word(db, what, "run kind", r->kind, run_kinds, err, errlen))
		return -1;
	if (!r->command || !r->version)
		return bb_db_fail(err, errlen, "%s in '%s': command and version are required", what,
		                  db->path);
	if (bb_db_start_write(db, what, err, errlen))
		return -1;
	/* under the write lock: two runs started at once cannot both take one label */
	if (bb_db_label_check(db, r->label, err, errlen))
		goto cleanup;
	if (bb_db_lookup_int(db, "SELECT id FROM host WHERE id = ?1", r->host_id, &found, &ignored,
	                     what, err, errlen))
		goto cleanup;
	if (!found) {
		bb_db_fail(err, errlen, "%s in '%s': no host with id %lld", what, db->path,
		           (long long)r->host_id);
		goto cleanup;
	}
	if (bb_db_prepare(db,
	                  "INSERT INTO run (host_id, label, command, kind, options_json, version,"
	                  " status, started, owner_pid, owner_start, owner_boot, owner_host, uid)"
	                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', " BB_DB_NOW_SQL
	                  ", ?7, ?8, ?9, ?10, lower(hex(randomblob(16))))",
	                  &st, what, err, errlen))
		goto cleanup;
	sqlite3_bind_int64(st, 1, r->host_id);
	bb_db_bind_text(st, 2, r->label);
	bb_db_bind_text(st, 3, r->command);
	bb_db_bind_text(st, 4, r->kind);
	bb_db_bind_text(st, 5, r->options_json);
	bb_db_bind_text(st, 6, r->version);
	bind_owner(st, 7, r->owner);
	if (bb_db_step_done(db, st, what, err, errlen))
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
	if (bb_db_start_write(db, what, err, errlen))
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
	if (bb_db_step_done(db, st, what, err, errlen))
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
	if (bb_db_check_word(db, what, "run status", status, run_statuses, err, errlen))
		return -1;
	if (bb_db_start_write(db, what, err, errlen))
		return -1;
	if (bb_db_prepare(
	        db,
	        "UPDATE run SET status = ?2, finished = CASE WHEN ?2 = 'running' THEN NULL"
	        " ELSE " BB_DB_NOW_SQL " END WHERE id = ?1",
	        &st, what, err, errlen))
		goto cleanup;
	sqlite3_bind_int64(st, 1, run_id);
	bb_db_bind_text(st, 2, status);
	if (bb_db_step_done(db, st, what, err, errlen))
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
	if (bb_db_start_write(db, what, err, errlen))
		goto cleanup;
	if (bb_db_lookup_int(db, "SELECT id FROM run WHERE id = ?1", run_id, &found, &ignored, what,
	                     err, errlen))
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
