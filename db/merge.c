/*
 * `blasbench merge`: the databases of many hosts or CI jobs combined into one.  Every input is
 * checked first (bb_db_merge_check: blasbench's, not newer, not corrupt); then the output is
 * built in a temporary file beside it (a copy of the existing output, migrated, or a new
 * database), each input is ATTACHed read-only in turn and copied in one INSERT ... SELECT per
 * table, and the file is renamed over the output only when every input is in.  A refusal or a
 * failure leaves the output as it was.  (One transaction on the output itself cannot do it:
 * SQLite refuses ATTACH inside a transaction, and 50 inputs exceed its attach limit.)
 *
 * Identity: a run is its uid (schema 4).  An input run whose uid the output lacks is added
 * under a new id; hosts are matched by fingerprint; backends, cells, samples, counters and
 * passes (schema 5) are
 * re-keyed by one offset per table.  A run the output already has is skipped, unless the
 * input's copy is further along -- more samples; with as many, more cells; with as many, it
 * has finished and the output's has not -- and then it replaces the output's copy, keeping its
 * id.  Merging the same input twice therefore changes nothing.  Runs of an input older than
 * schema 4 have no uid: theirs is derived from the host fingerprint, start time, command and
 * id, so that file too merges once.
 */
#include "db/db_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/sha256.h"
#include "common/strbuf.h"

struct bb_db_merge {
	sqlite3 *h;
	char *out_path, *tmp_path;
};

static int merge_fail(bb_db_merge *m, const char *what, char *err, size_t errlen)
{
	return bb_db_fail(err, errlen, "%s: %s", what, sqlite3_errmsg(m->h));
}

/* bb_legacy_uid(text): the first 128 bits of its SHA-256 in hex, the uid of a run recorded
 * before schema 4, derived from what identifies it so that every merge derives the same. */
static void legacy_uid(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *s = sqlite3_value_text(argv[0]);
	bb_sha256 c;
	uint8_t d[32];
	char hex[65];
	bb_sha256_init(&c);
	bb_sha256_update(&c, s ? (const char *)s : "", s ? strlen((const char *)s) : 0);
	bb_sha256_final(&c, d);
	bb_sha256_hex(d, hex);
	sqlite3_result_text(ctx, hex, 32, SQLITE_TRANSIENT);
}

static long long query_int(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int bb_db_merge_check(const char *path, char *err, size_t errlen)
{
	bb_db *db;
	static const char *const tables[] = {"host", "run", "backend", "cell", "sample", "counter"};
	if (bb_db_open_readonly(path, &db, err, errlen))
		return -1;
	int rc = 0;
	/* a file whose pages are damaged opens fine: only reading it all tells */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK) {
		rc = bb_db_fail(err, errlen, "cannot merge '%s': it is corrupt (%s)", path,
		                sqlite3_errmsg(db->h));
		goto cleanup;
	}
	int step = sqlite3_step(st);
	const char *res = step == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (!res || strcmp(res, "ok"))
		rc = bb_db_fail(err, errlen, "cannot merge '%s': it is corrupt (%s)", path,
		                res ? res : sqlite3_errmsg(db->h));
	sqlite3_finalize(st);
	for (size_t i = 0; !rc && i < sizeof(tables) / sizeof(tables[0]); i++) {
		char *sql = bb_xasprintf("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
		                         "AND name = '%s'",
		                         tables[i]);
		if (query_int(db->h, sql) != 1)
			rc = bb_db_fail(err, errlen, "cannot merge '%s': it has no table '%s'",
			                path, tables[i]);
		free(sql);
	}
cleanup:
	bb_db_close(db);
	return rc;
}

/* Copy the output as it is (its write-ahead log included) into the temporary file. */
static int copy_out(const char *out, const char *tmp, char *err, size_t errlen)
{
	bb_db *db;
	sqlite3_stmt *st;
	if (bb_db_open(out, &db, err, errlen)) /* refuses what is not ours; migrates an older one */
		return -1;
	int rc = bb_db_prepare(db, "VACUUM INTO ?1", &st, "cannot copy the output", err, errlen);
	if (!rc) {
		bb_db_bind_text(st, 1, tmp);
		rc = bb_db_step_done(db, st, "cannot copy the output", err, errlen);
		sqlite3_finalize(st);
	}
	bb_db_close(db);
	return rc;
}

int bb_db_merge_begin(const char *out, bb_db_merge **mp, char *err, size_t errlen)
{
	bb_db_merge *m = bb_xcalloc(1, sizeof(*m));
	struct stat sb;
	bb_db *db = NULL;
	*mp = NULL;
	m->out_path = bb_xstrdup(out);
	m->tmp_path = bb_xasprintf("%s.merge-%ld", out, (long)getpid());
	unlink(m->tmp_path);
	if (stat(out, &sb) == 0 && sb.st_size > 0 && copy_out(out, m->tmp_path, err, errlen))
		goto fail;
	/* creates the file when the output is new, migrates the copy of an older one */
	if (bb_db_open(m->tmp_path, &db, err, errlen))
		goto fail;
	bb_db_close(db);
	if (sqlite3_open_v2(m->tmp_path, &m->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) !=
	    SQLITE_OK) {
		bb_db_fail(err, errlen, "cannot open '%s': %s", m->tmp_path, sqlite3_errmsg(m->h));
		goto fail;
	}
	/* a temporary file: a crash loses it, not the output, so no journal syncs are needed */
	if (sqlite3_exec(m->h,
	                 "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;"
	                 "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"
	                 "PRAGMA cache_size = -65536",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(m->h, "bb_legacy_uid", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
	                            NULL, legacy_uid, NULL, NULL) != SQLITE_OK) {
		merge_fail(m, "cannot prepare the merge", err, errlen);
		goto fail;
	}
	*mp = m;
	return 0;
fail:
	bb_db_merge_abort(m);
	return -1;
}

/* Run one statement with up to two integer parameters (?1, ?2). */
static int exec_ints(bb_db_merge *m, const char *sql, long long a, long long b, char *err,
                     size_t errlen)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(m->h, sql, -1, &st, NULL) != SQLITE_OK)
		return bb_db_fail(err, errlen, "%s", sqlite3_errmsg(m->h));
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW
	           ? 0
	           : bb_db_fail(err, errlen, "%s", sqlite3_errmsg(m->h));
}

/* How far a run has got, compared as a row value: samples, cells, finished. */
#define RUN_PROGRESS(db, r)                                                                        \
	"((SELECT count(*) FROM " db ".cell c JOIN " db ".sample s ON s.cell_id = c.id"            \
	" WHERE c.run_id = " r "), (SELECT count(*) FROM " db ".cell c WHERE c.run_id = " r        \
	"), (SELECT status <> 'running' FROM " db ".run WHERE id = " r "))"

static int merge_tables(bb_db_merge *m, int schema, bb_db_merge_stats *s, char *err, size_t errlen)
{
	/* a run without a uid (an older schema, or a row written by hand) gets a derived one */
	const char *uid = schema >= 4 ? "coalesce(r.uid, bb_legacy_uid(h.fingerprint || '|' ||"
	                                " r.started || '|' || r.id || '|' || r.command))"
	                              : "bb_legacy_uid(h.fingerprint || '|' || r.started || '|' || "
	                                "r.id || '|' || r.command)";
	const char *owner = schema >= 2 ? "r.owner_pid, r.owner_start, r.owner_boot, r.owner_host"
	                                : "NULL, NULL, NULL, NULL";
	char *sql = NULL;
	int rc = -1;
	/* hosts by fingerprint: the newest record wins, whichever order the inputs come in */
	if (exec_ints(m,
	              "INSERT INTO main.host (fingerprint, host_json, peak_json, first_seen,"
	              " last_seen) SELECT fingerprint, host_json, peak_json, first_seen, last_seen"
	              " FROM src.host WHERE true ON CONFLICT (fingerprint) DO UPDATE SET"
	              " host_json = iif(excluded.last_seen > host.last_seen, excluded.host_json,"
	              " host.host_json), peak_json = iif(excluded.last_seen > host.last_seen,"
	              " coalesce(excluded.peak_json, host.peak_json),"
	              " coalesce(host.peak_json, excluded.peak_json)),"
	              " first_seen = min(host.first_seen, excluded.first_seen),"
	              " last_seen = max(host.last_seen, excluded.last_seen)",
	              0, 0, err, errlen))
		return -1;
	/* each input run: its uid, the output's copy, and what to do (0 skip, 1 add, 2 replace) */
	sql = bb_xasprintf("INSERT INTO temp.m_run (src_id, uid, out_id) SELECT r.id, %s,"
	                   " (SELECT o.id FROM main.run o WHERE o.uid = %s)"
	                   " FROM src.run r JOIN src.host h ON h.id = r.host_id",
	                   uid, uid);
	if (exec_ints(m, "DROP TABLE IF EXISTS temp.m_run", 0, 0, err, errlen) ||
	    exec_ints(m,
	              "CREATE TABLE temp.m_run (src_id INTEGER PRIMARY KEY, uid TEXT NOT NULL,"
	              " out_id INTEGER, action INTEGER NOT NULL DEFAULT 0, new_id INTEGER)",
	              0, 0, err, errlen) ||
	    exec_ints(m, sql, 0, 0, err, errlen) ||
	    exec_ints(m,
	              "UPDATE temp.m_run SET action = CASE WHEN out_id IS NULL THEN 1"
	              " WHEN " RUN_PROGRESS("src", "src_id") " > " RUN_PROGRESS(
	                  "main", "out_id") " THEN 2 ELSE 0 END",
	              0, 0, err, errlen))
		goto cleanup;
	/* new ids above every id the output ever gave (AUTOINCREMENT: never reused) */
	long long base = query_int(m->h, "SELECT max(coalesce((SELECT seq FROM main.sqlite_sequence"
	                                 " WHERE name = 'run'), 0), coalesce((SELECT max(id) FROM"
	                                 " main.run), 0))");
	if (exec_ints(m,
	              "UPDATE temp.m_run SET new_id = iif(action = 2, out_id, ?1 + (SELECT count(*)"
	              " FROM temp.m_run p WHERE p.action = 1 AND p.src_id <= m_run.src_id))"
	              " WHERE action > 0",
	              base, 0, err, errlen) ||
	    exec_ints(m,
	              "DELETE FROM main.run WHERE id IN (SELECT out_id FROM temp.m_run"
	              " WHERE action = 2)",
	              0, 0, err, errlen))
		goto cleanup;
	free(sql);
	sql = bb_xasprintf(
	    "INSERT INTO main.run (id, host_id, label, command, kind, options_json, version, "
	    "status,"
	    " started, finished, owner_pid, owner_start, owner_boot, owner_host, uid)"
	    " SELECT m.new_id, (SELECT o.id FROM main.host o WHERE o.fingerprint = h.fingerprint),"
	    " r.label, r.command, r.kind, r.options_json, r.version, r.status, r.started,"
	    " r.finished, %s, m.uid FROM src.run r JOIN temp.m_run m ON m.src_id = r.id"
	    " JOIN src.host h ON h.id = r.host_id WHERE m.action > 0 ORDER BY m.new_id",
	    owner);
	/* the rows under a run keep their order: one offset per table maps input ids to ours */
	long long boff = query_int(m->h, "SELECT coalesce((SELECT max(id) FROM main.backend), 0) -"
	                                 " coalesce((SELECT min(id) FROM src.backend), 1) + 1");
	long long coff = query_int(m->h, "SELECT coalesce((SELECT max(id) FROM main.cell), 0) -"
	                                 " coalesce((SELECT min(id) FROM src.cell), 1) + 1");
	if (exec_ints(m, sql, 0, 0, err, errlen) ||
	    exec_ints(m,
	              "INSERT INTO main.backend (id, run_id, alias, spec, record_json)"
	              " SELECT b.id + ?1, m.new_id, b.alias, b.spec, b.record_json"
	              " FROM src.backend b JOIN temp.m_run m ON m.src_id = b.run_id"
	              " WHERE m.action > 0 ORDER BY b.id",
	              boff, 0, err, errlen) ||
	    exec_ints(m,
	              "INSERT INTO main.cell SELECT c.id + ?2, m.new_id, c.backend_id + ?1,"
	              " c.cell_key, c.workload_key, c.routine, c.prec, c.m, c.n, c.k, c.threads,"
	              " c.threads_effective, c.omp_runtime, c.params_json, c.status, c.error,"
	              " c.flops, c.calls_per_sample, c.median_s, c.min_s, c.mad_s, c.ci_low_s,"
	              " c.ci_high_s, c.gflops, c.pct_peak, c.residual, c.n_samples, c.recorded"
	              " FROM src.cell c JOIN temp.m_run m ON m.src_id = c.run_id"
	              " WHERE m.action > 0 ORDER BY c.id",
	              boff, coff, err, errlen))
		goto cleanup;
	free(sql);
	sql = bb_xasprintf("INSERT INTO main.sample (cell_id, seq, seconds, pass)"
	                   " SELECT s.cell_id + ?1, s.seq, s.seconds, %s FROM src.sample s"
	                   " JOIN src.cell c ON c.id = s.cell_id JOIN temp.m_run m"
	                   " ON m.src_id = c.run_id WHERE m.action > 0 ORDER BY s.cell_id, s.seq",
	                   schema >= 3 ? "s.pass" : "NULL");
	if (exec_ints(m, sql, coff, 0, err, errlen) ||
	    exec_ints(m,
	              "INSERT INTO main.counter (cell_id, name, value, unit)"
	              " SELECT k.cell_id + ?1, k.name, k.value, k.unit FROM src.counter k"
	              " JOIN src.cell c ON c.id = k.cell_id JOIN temp.m_run m"
	              " ON m.src_id = c.run_id WHERE m.action > 0",
	              coff, 0, err, errlen) ||
	    (schema >= 5 &&
	     exec_ints(m,
	               "INSERT INTO main.pass (cell_id, pass, seq, steal, calib, disturbed)"
	               " SELECT p.cell_id + ?1, p.pass, p.seq, p.steal, p.calib, p.disturbed"
	               " FROM src.pass p JOIN src.cell c ON c.id = p.cell_id JOIN temp.m_run m"
	               " ON m.src_id = c.run_id WHERE m.action > 0",
	               coff, 0, err, errlen)))
		goto cleanup;
	s->runs_added = query_int(m->h, "SELECT count(*) FROM temp.m_run WHERE action = 1");
	s->runs_replaced = query_int(m->h, "SELECT count(*) FROM temp.m_run WHERE action = 2");
	s->runs_skipped = query_int(m->h, "SELECT count(*) FROM temp.m_run WHERE action = 0");
	s->cells = query_int(m->h, "SELECT count(*) FROM src.cell c JOIN temp.m_run m"
	                           " ON m.src_id = c.run_id WHERE m.action > 0");
	s->samples = query_int(m->h, "SELECT count(*) FROM src.sample s JOIN src.cell c"
	                             " ON c.id = s.cell_id JOIN temp.m_run m"
	                             " ON m.src_id = c.run_id WHERE m.action > 0");
	rc = 0;
cleanup:
	free(sql);
	return rc;
}

int bb_db_merge_add(bb_db_merge *m, const char *in, bb_db_merge_stats *s, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	memset(s, 0, sizeof(*s));
	/* read-only: an input is never written, not even its write-ahead log checkpointed.
	 * The characters a URI gives a meaning are escaped in the path. */
	bb_strbuf esc = BB_STRBUF_INIT;
	bb_strbuf_adds(&esc, "file:");
	for (const char *p = in; *p; p++)
		if (*p == '%' || *p == '?' || *p == '#')
			bb_strbuf_addf(&esc, "%%%02X", (unsigned char)*p);
		else
			bb_strbuf_addc(&esc, *p);
	bb_strbuf_adds(&esc, "?mode=ro");
	int rc = -1;
	if (sqlite3_prepare_v2(m->h, "ATTACH ?1 AS src", -1, &st, NULL) != SQLITE_OK) {
		merge_fail(m, "cannot attach", err, errlen);
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, esc.buf, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		bb_db_fail(err, errlen, "cannot read '%s': %s", in, sqlite3_errmsg(m->h));
		goto cleanup;
	}
	int schema = (int)query_int(m->h, "PRAGMA src.user_version");
	if (exec_ints(m, "BEGIN", 0, 0, err, errlen)) {
		merge_fail(m, "cannot merge", err, errlen);
		goto detach;
	}
	if (merge_tables(m, schema, s, err, errlen) || exec_ints(m, "COMMIT", 0, 0, err, errlen)) {
		/* prefix the input's name to what SQLite said */
		char cause[512];
		snprintf(cause, sizeof(cause), "%s", err ? err : "");
		bb_db_fail(err, errlen, "cannot merge '%s': %s", in, cause);
		sqlite3_exec(m->h, "ROLLBACK", NULL, NULL, NULL);
		goto detach;
	}
	rc = 0;
detach:
	if (sqlite3_exec(m->h, "DETACH src", NULL, NULL, NULL) != SQLITE_OK && !rc)
		rc = merge_fail(m, "cannot detach", err, errlen);
cleanup:
	bb_strbuf_release(&esc);
	return rc;
}

int bb_db_merge_finish(bb_db_merge *m, bb_db_merge_totals *t, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int bad = 0, fd;
	/* the promise to the user: every reference resolves and the file is sound */
	if (sqlite3_prepare_v2(m->h, "PRAGMA foreign_key_check", -1, &st, NULL) == SQLITE_OK) {
		bad = sqlite3_step(st) != SQLITE_DONE;
		sqlite3_finalize(st);
	} else {
		bad = 1;
	}
	if (bad) {
		merge_fail(m, "cannot merge: the result fails its foreign key check", err, errlen);
		goto fail;
	}
	t->runs = query_int(m->h, "SELECT count(*) FROM run");
	t->cells = query_int(m->h, "SELECT count(*) FROM cell");
	t->samples = query_int(m->h, "SELECT count(*) FROM sample");
	t->hosts = query_int(m->h, "SELECT count(*) FROM host");
	if (sqlite3_exec(m->h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK) {
		merge_fail(m, "cannot merge", err, errlen);
		goto fail;
	}
	sqlite3_close(m->h);
	m->h = NULL;
	/* on disk before it replaces the output */
	fd = open(m->tmp_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd)) {
		bb_db_fail(err, errlen, "cannot write '%s': %s", m->tmp_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	close(fd);
	if (rename(m->tmp_path, m->out_path)) {
		bb_db_fail(err, errlen, "cannot replace '%s': %s", m->out_path, strerror(errno));
		goto fail;
	}
	/* the output's old log and index belong to the file just replaced */
	char *side = bb_xasprintf("%s-wal", m->out_path);
	unlink(side);
	free(side);
	side = bb_xasprintf("%s-shm", m->out_path);
	unlink(side);
	free(side);
	free(m->tmp_path);
	m->tmp_path = NULL;
	bb_db_merge_abort(m);
	return 0;
fail:
	bb_db_merge_abort(m);
	return -1;
}

void bb_db_merge_abort(bb_db_merge *m)
{
	if (!m)
		return;
	sqlite3_close(m->h);
	if (m->tmp_path) {
		const char *sfx[] = {"", "-wal", "-shm", "-journal"};
		for (size_t i = 0; i < 4; i++) {
			char *p = bb_xasprintf("%s%s", m->tmp_path, sfx[i]);
			unlink(p);
			free(p);
		}
	}
	free(m->tmp_path);
	free(m->out_path);
	free(m);
}
