/*
 * Private to db/: the connection struct, the migration list type, and the small helpers every
 * file in db/ uses to report errors, bind values and run short transactions.  Nothing outside
 * db/ (except tests/db) includes this header; the public contract is db/db.h.
 */
#ifndef BB_DB_DB_INTERNAL_H
#define BB_DB_DB_INTERNAL_H

#include <sqlite3.h>
#include <stdarg.h>

#include "common/error.h"
#include "db/db.h"

/* "BLBS": written to PRAGMA application_id so `file` and blasbench itself recognise our files. */
#define BB_DB_APPLICATION_ID 0x424C4253

/* How long a writer waits for another process's transaction before giving up. */
#define BB_DB_BUSY_TIMEOUT_MS 30000

/* The current time as ISO-8601 UTC with milliseconds, computed by SQLite inside a statement. */
#define BB_DB_NOW_SQL "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

struct bb_db {
	sqlite3 *h;
	char *path;
	int readonly;
	int schema; /* PRAGMA user_version: a read-only handle may read an older schema */
};

/* One forward-only migration: executing `sql` on a database at schema version - 1 brings it to
 * `version`.  The list lives in db/schema.c; schema v2 is one more entry at its end. */
typedef struct bb_db_migration {
	int version;
	const char *what; /* a few words for error messages: "initial schema" */
	const char *sql;  /* one or more statements, no BEGIN/COMMIT (the runner adds them) */
} bb_db_migration;

extern const bb_db_migration bb_db_migrations[];
extern const int bb_db_n_migrations;

/* Apply every step of `steps` whose version is above the database's user_version, each in its
 * own BEGIN IMMEDIATE transaction that also stamps user_version and application_id; the version
 * is re-read under the write lock, so processes racing to create one file each apply a step at
 * most once between them.  Returns 0, or -1 with err set and the failed step rolled back
 * (earlier steps stay committed).  Exposed so tests can run a list with an extra step. */
int bb_db_migrate(bb_db *db, const bb_db_migration *steps, int n_steps, char *err, size_t errlen);

/* Format into err (which may be NULL) and return -1, so callers write `return bb_db_fail(...)`. */
int bb_db_fail(char *err, size_t errlen, const char *fmt, ...) BB_PRINTF(3, 4);

/* Prepare `sql` on db; on failure set err to "<what> in '<path>': <sqlite message>", return -1. */
int bb_db_prepare(bb_db *db, const char *sql, sqlite3_stmt **st, const char *what, char *err,
                  size_t errlen);
/* Bind a string (NULL binds SQL NULL) / a double (NaN binds SQL NULL). */
int bb_db_bind_text(sqlite3_stmt *st, int i, const char *s);
int bb_db_bind_double(sqlite3_stmt *st, int i, double v);
/* Duplicate column i as a heap string, or NULL when it is SQL NULL. */
char *bb_db_column_strdup(sqlite3_stmt *st, int i);

/* Shared by the writes (db/write.c, db/write_cell.c). */
/* 0 if s is one of list; else -1 with "<what> in '<path>': unknown <noun> 's' (expected ...)". */
int bb_db_check_word(bb_db *db, const char *what, const char *noun, const char *s,
                     const char *const *list, char *err, size_t errlen);
/* Refuse writes on a read-only handle with a plain reason, then take the write lock. */
int bb_db_start_write(bb_db *db, const char *what, char *err, size_t errlen);
/* Step a statement that returns no rows and reset it for the next bindings. */
int bb_db_step_done(bb_db *db, sqlite3_stmt *st, const char *what, char *err, size_t errlen);
/* *found = 1 and *value = the first column of the first row of a one-parameter query. */
int bb_db_lookup_int(bb_db *db, const char *sql, int64_t key, int *found, int64_t *value,
                     const char *what, char *err, size_t errlen);

/* Short write transactions: BEGIN IMMEDIATE takes the write lock up front (waiting out other
 * writers through the busy timeout), so a transaction never fails half-way on lock upgrade. */
int bb_db_begin(bb_db *db, const char *what, char *err, size_t errlen);
int bb_db_commit(bb_db *db, const char *what, char *err, size_t errlen);
/* Roll back if a transaction is open; never fails (an error here leaves nothing to undo). */
void bb_db_rollback(bb_db *db);
/* "<what> in '<path>': <sqlite3_errmsg>" into err ("...: the database is read-only (...)" for
 * SQLITE_READONLY); returns -1. */
int bb_db_sqlite_fail(bb_db *db, const char *what, char *err, size_t errlen);

#endif
