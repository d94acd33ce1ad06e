/*
 * Opening the results database: the refusal rules, the connection settings and the migration
 * runner.  A file is looked at before anything is written to it, with read(2) and then through
 * a read-only connection: a file that is not SQLite, a SQLite database belonging to something
 * else, or one written by a newer blasbench is refused with its bytes untouched.  Only then
 * does a read-write open switch to WAL, set the pragmas and apply the missing migrations from
 * db/schema.c.
 */
#include "db/db_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/output.h"
#include "common/strbuf.h"

const char *bb_db_default_path(void)
{
	const char *env = getenv("BLASBENCH_DB");
	return env ? env : "blasbench.db";
}

int bb_db_path_check(const char *path, char *err, size_t errlen)
{
	if (!path || !*path)
		return bb_db_fail(err, errlen,
		                  "cannot use database '': the name is empty (an unset variable?); "
		                  "give a file path");
	if (!strcmp(path, ":memory:"))
		return bb_db_fail(err, errlen,
		                  "cannot use database ':memory:': an in-memory database is lost "
		                  "when blasbench exits; give a file path");
	if (!strncmp(path, "file:", 5))
		return bb_db_fail(err, errlen,
		                  "cannot use database '%s': SQLite URIs are not accepted; give a "
		                  "file path (./%s for a file of that name)",
		                  path, path);
	return 0;
}

const char *bb_db_path(const bb_db *db)
{
	return db->path;
}
struct sqlite3 *bb_db_handle(bb_db *db)
{
	return db->h;
}

/* What the first bytes of the file say, read with plain read(2) so a refused file is never
 * handed to SQLite at all. */
enum file_state { FILE_MISSING, FILE_EMPTY, FILE_SQLITE };

static int look_at_file(const char *path, enum file_state *state, char *err, size_t errlen)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			*state = FILE_MISSING;
			return 0;
		}
		return bb_db_fail(err, errlen, "cannot open database '%s': %s", path,
		                  strerror(errno));
	}
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		close(fd);
		return bb_db_fail(err, errlen, "cannot open database '%s': it is a directory",
		                  path);
	}
	ssize_t got = read(fd, head, sizeof(head));
	int saved = errno;
	close(fd);
	if (got < 0)
		return bb_db_fail(err, errlen, "cannot read database '%s': %s", path,
		                  strerror(saved));
	if (got == 0) {
		*state = FILE_EMPTY;
		return 0;
	}
	if (got < (ssize_t)sizeof(head) || memcmp(head, magic, sizeof(magic)) != 0)
		return bb_db_fail(err, errlen, "cannot open database '%s': file is not a database",
		                  path);
	*state = FILE_SQLITE;
	return 0;
}

/* The directory holding path (malloc'd): where SQLite creates its -wal and -shm files. */
static char *directory_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? bb_xasprintf("%.*s", (int)(slash == path ? 1 : slash - path), path)
	             : bb_xstrdup(".");
}

/* Why this process cannot write the database at path (an existing file, or with missing set
 * one to be created): its file or its directory, where a write in WAL mode also creates the
 * -wal and -shm files, is read-only.  Returns 0 when both are writable, else 1 with the cause
 * in why ("read-only file system", "no write permission on directory 'd'"). */
static int read_only_cause(const char *path, int missing, char *why, size_t whylen)
{
	char *dir = directory_of(path);
	const char *what = NULL;
	int e = 0;
	if (!missing && access(path, W_OK) != 0) {
		e = errno;
		what = "the file";
	} else if (access(dir, W_OK) != 0) {
		e = errno;
		what = "directory";
	}
	if (what && e == EROFS)
		snprintf(why, whylen, "read-only file system");
	else if (what && e == EACCES)
		snprintf(why, whylen, "no write permission on %s%s%s%s", what,
		         *what == 'd' ? " '" : "", *what == 'd' ? dir : "", *what == 'd' ? "'" : "");
	else
		what = NULL; /* missing directory and the like: said by the callers */
	free(dir);
	return what != NULL;
}

/* A missing file is created, but only in a directory that exists: say which one is missing
 * rather than SQLite's "unable to open database file". */
static int check_directory(const char *path, char *err, size_t errlen)
{
	char *dir = directory_of(path);
	struct stat sb;
	int rc = 0;
	if (stat(dir, &sb) != 0)
		rc = bb_db_fail(err, errlen, "cannot create database '%s': directory '%s': %s",
		                path, dir, errno == ENOENT ? "does not exist" : strerror(errno));
	else if (!S_ISDIR(sb.st_mode))
		rc = bb_db_fail(err, errlen, "cannot create database '%s': '%s' is not a directory",
		                path, dir);
	else {
		char why[256];
		if (read_only_cause(path, 1, why, sizeof(why)))
			rc = bb_db_fail(err, errlen,
			                "cannot create database '%s': directory '%s' is read-only (%s)",
			                path, dir, why);
	}
	free(dir);
	return rc;
}

static int pragma_int(bb_db *db, const char *sql, long long *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The user tables of the database, "a, b, c" (at most eight named), into sb. */
static int list_tables(bb_db *db, bb_strbuf *sb, int *n)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db->h,
	                            "SELECT name FROM sqlite_master WHERE type = 'table' "
	                            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
	                            -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n < 8)
			bb_strbuf_addf(sb, "%s%s", *n ? ", " : "",
			               (const char *)sqlite3_column_text(st, 0));
		else if (*n == 8)
			bb_strbuf_adds(sb, ", ...");
		(*n)++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Decide from application_id, user_version and the table list whether this database is ours
 * and at which schema.  Reads only.  *version gets 0 for an empty database. */
static int classify(bb_db *db, long long *version, char *err, size_t errlen)
{
	long long app = 0;
	int n_tables = 0;
	bb_strbuf tables = BB_STRBUF_INIT;
	int rc = sqlite3_exec(db->h, "BEGIN", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = pragma_int(db, "PRAGMA application_id", &app);
	if (rc == SQLITE_OK)
		rc = pragma_int(db, "PRAGMA user_version", version);
	if (rc == SQLITE_OK)
		rc = list_tables(db, &tables, &n_tables);
	if (rc != SQLITE_OK) {
		bb_db_fail(err, errlen, "cannot open database '%s': %s", db->path,
		           sqlite3_errmsg(db->h));
		goto cleanup;
	}
	rc = -1;
	if (app == BB_DB_APPLICATION_ID) {
		if (*version > bb_db_schema_version()) {
			bb_db_fail(err, errlen,
			           "cannot open database '%s': written by a newer blasbench "
			           "(schema %lld, this one knows %d)",
			           db->path, *version, bb_db_schema_version());
			goto cleanup;
		}
	} else if (n_tables) {
		bb_db_fail(err, errlen, "'%s' is not a blasbench database (it holds tables %s)",
		           db->path, tables.buf);
		goto cleanup;
	} else if (app != 0) {
		bb_db_fail(err, errlen,
		           "'%s' is not a blasbench database (its application_id is 0x%08llx)",
		           db->path, app & 0xffffffffLL);
		goto cleanup;
	} else if (*version != 0) {
		bb_db_fail(err, errlen,
		           "'%s' is not a blasbench database (user_version %lld, no tables)",
		           db->path, *version);
		goto cleanup;
	}
	rc = 0;
cleanup:
	bb_db_rollback(db);
	bb_strbuf_release(&tables);
	return rc;
}

int bb_db_migrate(bb_db *db, const bb_db_migration *steps, int n_steps, char *err, size_t errlen)
{
	for (int i = 0; i < n_steps; i++) {
		const bb_db_migration *s = &steps[i];
		char what[128], *stamp;
		long long have = 0;
		if (pragma_int(db, "PRAGMA user_version", &have) != SQLITE_OK)
			return bb_db_sqlite_fail(db, "cannot read schema version", err, errlen);
		if (have >= s->version)
			continue; /* the common case: up to date, no write lock taken */
		snprintf(what, sizeof(what), "cannot migrate to schema %d (%s)", s->version,
		         s->what);
		if (bb_db_begin(db, what, err, errlen))
			return -1;
		/* Another process may have applied the step while we waited for the lock. */
		if (pragma_int(db, "PRAGMA user_version", &have) != SQLITE_OK) {
			bb_db_sqlite_fail(db, what, err, errlen);
			goto fail;
		}
		if (have >= s->version) {
			if (bb_db_commit(db, what, err, errlen))
				return -1;
			continue;
		}
		if (have != s->version - 1) {
			bb_db_fail(err, errlen,
			           "%s in '%s': the database is at schema %lld and no step leads "
			           "from there",
			           what, db->path, have);
			goto fail;
		}
		if (sqlite3_exec(db->h, s->sql, NULL, NULL, NULL) != SQLITE_OK) {
			bb_db_sqlite_fail(db, what, err, errlen);
			goto fail;
		}
		/* PRAGMA takes no parameters; both values are our own integers, not outside text.
		 */
		stamp = bb_xasprintf("PRAGMA user_version = %d; PRAGMA application_id = %d",
		                     s->version, BB_DB_APPLICATION_ID);
		int rc = sqlite3_exec(db->h, stamp, NULL, NULL, NULL);
		free(stamp);
		if (rc != SQLITE_OK) {
			bb_db_sqlite_fail(db, what, err, errlen);
			goto fail;
		}
		if (bb_db_commit(db, what, err, errlen))
			return -1;
		bb_verbose(" -> database '%s' migrated to schema %d (%s)", db->path, s->version,
		           s->what);
	}
	return 0;
fail:
	bb_db_rollback(db);
	return -1;
}

/* "file:PATH?immutable=1": a database SQLite reads without taking locks or creating -wal and
 * -shm files, which read-only media need.  The characters a URI gives a meaning are escaped. */
static char *immutable_uri(const char *path)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	/* "file://" and an empty authority before an absolute path; "file:" before a relative one */
	bb_strbuf_adds(&sb, path[0] == '/' ? "file://" : "file:");
	for (const char *p = path; *p; p++)
		if (*p == '%' || *p == '?' || *p == '#')
			bb_strbuf_addf(&sb, "%%%02X", (unsigned char)*p);
		else
			bb_strbuf_addc(&sb, *p);
	bb_strbuf_adds(&sb, "?immutable=1");
	return bb_strbuf_detach(&sb, NULL);
}

/* Connect, set the busy timeout and refuse what is not ours.  *version gets the schema.
 * uri, when not NULL, is what SQLite opens instead of path (path names it in messages). */
static int connect_db(const char *path, const char *uri, int flags, bb_db **out,
                      long long *version, char *err, size_t errlen)
{
	bb_db *db = bb_xcalloc(1, sizeof(*db));
	db->path = bb_xstrdup(path);
	db->readonly = !(flags & SQLITE_OPEN_READWRITE);
	if (sqlite3_open_v2(uri ? uri : path, &db->h, flags | (uri ? SQLITE_OPEN_URI : 0), NULL) !=
	    SQLITE_OK) {
		bb_db_fail(err, errlen, "cannot open database '%s': %s", path,
		           db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, BB_DB_BUSY_TIMEOUT_MS);
	if (classify(db, version, err, errlen))
		goto fail;
	*out = db;
	return 0;
fail:
	bb_db_close(db);
	return -1;
}

/* Set a pragma whose failure must be reported (foreign keys, synchronous). */
static int exec_setting(bb_db *db, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK) {
		char what[96];
		snprintf(what, sizeof(what), "cannot apply '%s'", sql);
		return bb_db_sqlite_fail(db, what, err, errlen);
	}
	return 0;
}

/* WAL lets readers run beside the one writer; a filesystem without shared memory (some network
 * mounts) keeps the rollback journal, which still works, only with more waiting: say so.
 * Switching a new file to WAL needs it to itself, and SQLite returns SQLITE_BUSY here without
 * calling the busy handler when another process is reading it (two runs creating one file at
 * once), so this step waits and retries on its own, for as long as the busy timeout. */
static int use_wal(bb_db *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	double start = bb_now();
	unsigned pause_us = 1000;
	int rc;
	if (bb_db_prepare(db, "PRAGMA journal_mode = WAL", &st, "cannot set journal mode", err,
	                  errlen))
		return -1;
	while ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if ((rc & 0xff) != SQLITE_BUSY ||
		    (bb_now() - start) * 1e3 > BB_DB_BUSY_TIMEOUT_MS) {
			sqlite3_finalize(st);
			return bb_db_sqlite_fail(db, "cannot set journal mode", err, errlen);
		}
		sqlite3_reset(st);
		usleep(pause_us);
		pause_us = pause_us < 50000 ? 2 * pause_us : pause_us;
	}
	const char *mode = (const char *)sqlite3_column_text(st, 0);
	if (!mode || strcmp(mode, "wal") != 0)
		bb_warning("database '%s' cannot use WAL (journal mode stays '%s'): concurrent "
		           "runs will wait on each other",
		           db->path, mode ? mode : "?");
	sqlite3_finalize(st);
	return 0;
}

int bb_db_open(const char *path, bb_db **out, char *err, size_t errlen)
{
	enum file_state state;
	long long version = 0;
	bb_db *db = NULL;
	*out = NULL;
	if (bb_db_path_check(path, err, errlen))
		return -1;
	bb_output_protect(path); /* before anything is written: no output may replace it */
	if (look_at_file(path, &state, err, errlen))
		return -1;
	if (state == FILE_MISSING && check_directory(path, err, errlen))
		return -1;
	/* said here, not as SQLite's "unable to open database file" or "attempt to write a
	 * readonly database" from some later statement */
	char why[256];
	if (state != FILE_MISSING && read_only_cause(path, 0, why, sizeof(why)))
		return bb_db_fail(err, errlen, "cannot write to '%s': the database is read-only (%s)",
		                  path, why);
	/* Judge an existing database through a read-only connection first: closing a read-write
	 * one could checkpoint a foreign WAL file into the database we are about to refuse. */
	if (state == FILE_SQLITE) {
		if (connect_db(path, NULL, SQLITE_OPEN_READONLY, &db, &version, err, errlen))
			return -1;
		bb_db_close(db);
		db = NULL;
	}
	if (connect_db(path, NULL, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db, &version, err,
	               errlen))
		return -1;
	if (use_wal(db, err, errlen) ||
	    exec_setting(db, "PRAGMA synchronous = NORMAL", err, errlen) ||
	    exec_setting(db, "PRAGMA foreign_keys = ON", err, errlen) ||
	    bb_db_migrate(db, bb_db_migrations, bb_db_n_migrations, err, errlen)) {
		bb_db_close(db);
		return -1;
	}
	db->schema = bb_db_schema_version();
	*out = db;
	return 0;
}

int bb_db_open_readonly(const char *path, bb_db **out, char *err, size_t errlen)
{
	enum file_state state;
	long long version = 0;
	bb_db *db = NULL;
	*out = NULL;
	if (bb_db_path_check(path, err, errlen))
		return -1;
	bb_output_protect(path); /* before anything is written: no output may replace it */
	if (look_at_file(path, &state, err, errlen))
		return -1;
	if (state == FILE_MISSING)
		return bb_db_fail(err, errlen, "cannot open database '%s': no such file", path);
	if (state == FILE_EMPTY)
		return bb_db_fail(err, errlen,
		                  "cannot open database '%s': it is empty (no runs yet)", path);
	/* On read-only media (or without write permission) SQLite cannot create the -shm file a
	 * WAL database needs even to be read: open it immutable, which needs none.  A write-ahead
	 * log left next to it (with its -shm, SQLite can read both read-only) is tried first;
	 * when only the immutable open works, the log is not read and the newest commits may be
	 * missing: say so. */
	char why[256];
	int rc;
	if (read_only_cause(path, 0, why, sizeof(why))) {
		char *wal = bb_xasprintf("%s-wal", path), *uri = immutable_uri(path);
		struct stat sb;
		int has_wal = stat(wal, &sb) == 0 && sb.st_size > 0;
		rc = has_wal ? connect_db(path, NULL, SQLITE_OPEN_READONLY, &db, &version, err, errlen)
		             : -1;
		if (rc) {
			if (has_wal)
				bb_warning("database '%s' is read-only (%s): its write-ahead log '%s' "
				           "cannot be read, so the newest results may be missing",
				           path, why, wal);
			bb_verbose(" -> database '%s' is read-only (%s): opened as %s", path, why, uri);
			rc = connect_db(path, uri, SQLITE_OPEN_READONLY, &db, &version, err, errlen);
		}
		free(wal);
		free(uri);
	} else {
		rc = connect_db(path, NULL, SQLITE_OPEN_READONLY, &db, &version, err, errlen);
	}
	if (rc)
		return -1;
	/* an older schema is read as it is (db->schema tells the queries what it has); only a
	 * database without the first schema's tables cannot be read at all */
	if (version < 1) {
		bb_db_fail(err, errlen,
		           "cannot open database '%s' read-only: it is at schema %lld, this "
		           "blasbench needs %d (run `blasbench runs --db %s` once to upgrade it)",
		           path, version, bb_db_schema_version(), path);
		bb_db_close(db);
		return -1;
	}
	if (exec_setting(db, "PRAGMA query_only = ON", err, errlen)) {
		bb_db_close(db);
		return -1;
	}
	db->schema = (int)version;
	*out = db;
	return 0;
}

int bb_db_open_upgrade(const char *path, bb_db **out, char *err, size_t errlen)
{
	enum file_state state;
	char why[256];
	*out = NULL;
	if (look_at_file(path, &state, err, errlen))
		return -1;
	/* never creates: the read-only open says what is missing or empty */
	if (state != FILE_SQLITE || read_only_cause(path, 0, why, sizeof(why)))
		return bb_db_open_readonly(path, out, err, errlen);
	return bb_db_open(path, out, err, errlen);
}

void bb_db_close(bb_db *db)
{
	if (!db)
		return;
	sqlite3_close(db->h); /* every statement is finalized where it was prepared */
	free(db->path);
	free(db);
}
