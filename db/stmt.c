/*
 * Helpers shared by the files of db/: error text in the git style, binding (NULL strings and NaN
 * doubles become SQL NULL), column copies, and the BEGIN IMMEDIATE / COMMIT pair every write uses.
 */
#include "db/db_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bb_db_fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int bb_db_sqlite_fail(bb_db *db, const char *what, char *err, size_t errlen)
{
	/* a file made read-only after it was opened: in the words every other refusal uses */
	if ((sqlite3_errcode(db->h) & 0xff) == SQLITE_READONLY)
		return bb_db_fail(err, errlen, "%s in '%s': the database is read-only (%s)", what,
		                  db->path, sqlite3_errmsg(db->h));
	return bb_db_fail(err, errlen, "%s in '%s': %s", what, db->path, sqlite3_errmsg(db->h));
}

int bb_db_prepare(bb_db *db, const char *sql, sqlite3_stmt **st, const char *what, char *err,
                  size_t errlen)
{
	if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return bb_db_sqlite_fail(db, what, err, errlen);
	}
	return 0;
}

int bb_db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

int bb_db_bind_double(sqlite3_stmt *st, int i, double v)
{
	/* SQLite would store NaN as NULL anyway; saying so here keeps the rule visible. */
	if (isnan(v))
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_double(st, i, v);
}

char *bb_db_column_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? bb_xstrdup((const char *)s) : NULL;
}

int bb_db_begin(bb_db *db, const char *what, char *err, size_t errlen)
{
	if (sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return bb_db_sqlite_fail(db, what, err, errlen);
	return 0;
}

int bb_db_commit(bb_db *db, const char *what, char *err, size_t errlen)
{
	if (sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int rc = bb_db_sqlite_fail(db, what, err, errlen);
		bb_db_rollback(db);
		return rc;
	}
	return 0;
}

void bb_db_rollback(bb_db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}
