/*
 * test_db_merge: `blasbench merge` at the db/ level (db/merge.c).  Databases of two "hosts"
 * whose run ids collide are merged: every run arrives under its uid with its content unchanged
 * (hashed without local ids), the counts add up, the result passes integrity_check and
 * foreign_key_check; merging again (or one input twice) changes nothing, byte for byte in a
 * canonical dump; running and interrupted runs keep their status, owner and partial cells;
 * an input whose copy of a run is further along replaces OUT's, an older copy does not; a
 * database from before uids merges once; an older OUT is migrated; and bb_db_merge_check
 * refuses a corrupt file, a foreign SQLite database and a newer schema, naming them.
 */
#include "tests/db/db_test_util.h"

#include <fcntl.h>

#include "common/sha256.h"
#include "db/db_internal.h"

static char err[1024];

/* A run of `n_cells` cells on host fp; status NULL leaves it running.  The last cell is
 * partial when partial is set.  Returns the run id. */
static int64_t add_run(bb_db *db, const char *fp, int n_cells, const char *status, int partial)
{
	int64_t host, run, backend;
	bb_owner owner = {0};
	owner.pid = 4242;
	owner.start = 777;
	snprintf(owner.boot_id, sizeof(owner.boot_id), "boot-%s", fp);
	snprintf(owner.host, sizeof(owner.host), "node-%s", fp);
	bb_db_run_new r = {0};
	char *hj = bb_xasprintf("{\"hostname\":\"node-%s\",\"cpu\":\"Model X\"}", fp);
	BB_CHECK_INT(bb_db_host_upsert(db, fp, hj, "{\"peak\":1}", &host, err, sizeof(err)), 0);
	free(hj);
	r.host_id = host;
	r.command = "blasbench run";
	r.kind = "run";
	r.version = "test";
	r.owner = &owner;
	BB_CHECK_INT(bb_db_run_begin(db, &r, &run, err, sizeof(err)), 0);
	BB_CHECK_INT(bb_db_backend_add(db, run, "ref", "ref", "{}", &backend, err, sizeof(err)), 0);
	static const int pass[] = {0, 1, 2};
	static const bb_db_counter counters[] = {{"cycles", 1e6, "count"}};
	for (int i = 0; i < n_cells; i++) {
		char key[32];
		snprintf(key, sizeof(key), "ref|c%d|t=1", i);
		bb_db_cell c = bb_test_cell(run, backend, key);
		c.sample_pass = pass;
		c.counters = counters;
		c.n_counters = 1;
		if (partial && i == n_cells - 1) {
			c.status = "partial";
			c.n_samples = 1;
		}
		BB_CHECK_INT(bb_db_cell_add(db, &c, NULL, err, sizeof(err)), 0);
	}
	if (status)
		BB_CHECK_INT(bb_db_run_set_status(db, run, status, err, sizeof(err)), 0);
	return run;
}

static void add_text(bb_sha256 *c, sqlite3_stmt *st)
{
	for (int i = 0; i < sqlite3_column_count(st); i++) {
		const unsigned char *t = sqlite3_column_text(st, i);
		bb_sha256_update(c, t ? (const char *)t : "\1NULL",
		                 t ? strlen((const char *)t) : 5);
		bb_sha256_update(c, "\0", 1);
	}
	bb_sha256_update(c, "\n", 1);
}

/* The SHA-256 of every row of sqls (each a query) on path, in hex into hex. */
static void hash_queries(const char *path, const char *const *sqls, const char *bind, char hex[65])
{
	sqlite3 *h;
	bb_sha256 c;
	uint8_t d[32];
	bb_sha256_init(&c);
	BB_CHECK_INT(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (int q = 0; sqls[q]; q++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(h, sqls[q], -1, &st, NULL) != SQLITE_OK) {
			fprintf(stderr, "sql: %s: %s\n", sqls[q], sqlite3_errmsg(h));
			BB_CHECK(0);
			continue;
		}
		if (bind)
			sqlite3_bind_text(st, 1, bind, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW)
			add_text(&c, st);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	bb_sha256_final(&c, d);
	bb_sha256_hex(d, hex);
}

/* A canonical dump of the whole database, ids included: equal hashes, equal databases. */
static void db_hash(const char *path, char hex[65])
{
	static const char *const sqls[] = {"SELECT * FROM host ORDER BY id",
	                                   "SELECT * FROM run ORDER BY id",
	                                   "SELECT * FROM backend ORDER BY id",
	                                   "SELECT * FROM cell ORDER BY id",
	                                   "SELECT * FROM sample ORDER BY cell_id, seq",
	                                   "SELECT * FROM counter ORDER BY cell_id, name",
	                                   "SELECT * FROM sqlite_sequence ORDER BY name",
	                                   NULL};
	hash_queries(path, sqls, NULL, hex);
}

/* One run's content by uid, without the ids local to a file. */
static void run_hash(const char *path, const char *uid, char hex[65])
{
	static const char *const sqls[] = {
	    "SELECT h.fingerprint, h.host_json, r.label, r.command, r.kind, r.options_json,"
	    " r.version, r.status, r.started, r.finished, r.owner_pid, r.owner_start, r.owner_boot,"
	    " r.owner_host FROM run r JOIN host h ON h.id = r.host_id WHERE r.uid = ?1",
	    "SELECT b.alias, b.spec, b.record_json FROM backend b JOIN run r ON r.id = b.run_id"
	    " WHERE r.uid = ?1 ORDER BY b.alias",
	    "SELECT b.alias, c.cell_key, c.workload_key, c.status, c.median_s, c.n_samples,"
	    " c.recorded, c.gflops FROM cell c JOIN run r ON r.id = c.run_id JOIN backend b"
	    " ON b.id = c.backend_id WHERE r.uid = ?1 ORDER BY c.cell_key",
	    "SELECT c.cell_key, s.seq, s.seconds, s.pass FROM sample s JOIN cell c ON c.id ="
	    " s.cell_id JOIN run r ON r.id = c.run_id WHERE r.uid = ?1 ORDER BY c.cell_key, s.seq",
	    "SELECT c.cell_key, k.name, k.value, k.unit FROM counter k JOIN cell c ON c.id ="
	    " k.cell_id JOIN run r ON r.id = c.run_id WHERE r.uid = ?1 ORDER BY c.cell_key",
	    NULL};
	hash_queries(path, sqls, uid, hex);
}

static long long count(const char *path, const char *sql)
{
	sqlite3 *h;
	sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL);
	long long v = bb_test_sql_int(h, sql);
	sqlite3_close(h);
	return v;
}

static char *text(const char *path, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char *v = NULL;
	sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL);
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			v = bb_xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return v ? v : bb_xstrdup("");
}

/* Merge ins into out; returns 0 and fills s (one per input) or -1. */
static int merge(const char *out, const char *const *ins, int n, bb_db_merge_stats *s)
{
	bb_db_merge *m;
	bb_db_merge_totals t;
	for (int i = 0; i < n; i++)
		if (bb_db_merge_check(ins[i], err, sizeof(err)))
			return -1;
	if (bb_db_merge_begin(out, &m, err, sizeof(err)))
		return -1;
	for (int i = 0; i < n; i++)
		if (bb_db_merge_add(m, ins[i], &s[i], err, sizeof(err))) {
			bb_db_merge_abort(m);
			return -1;
		}
	return bb_db_merge_finish(m, &t, err, sizeof(err));
}

static void check_sound(const char *path)
{
	char *ic = text(path, "PRAGMA integrity_check");
	BB_CHECK_STR(ic, "ok");
	free(ic);
	BB_CHECK_INT(count(path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

static char *a, *b, *out;

static void make_inputs(void)
{
	bb_db *db;
	a = bb_test_path("a.db");
	b = bb_test_path("b.db");
	BB_CHECK_INT(bb_db_open(a, &db, err, sizeof(err)), 0);
	add_run(db, "hostA", 3, "complete", 0);
	add_run(db, "hostA", 2, NULL, 0);          /* still running */
	add_run(db, "hostA", 2, "interrupted", 1); /* its last cell partial */
	bb_db_close(db);
	BB_CHECK_INT(bb_db_open(b, &db, err, sizeof(err)), 0);
	add_run(db, "hostB", 4, "complete", 0);
	add_run(db, "hostB", 1, "failed", 0);
	bb_db_close(db);
}

static void test_identity_and_counts(void)
{
	const char *ins[] = {a, b};
	bb_db_merge_stats s[2];
	out = bb_test_path("out.db");
	BB_CHECK_INT(merge(out, ins, 2, s), 0);
	BB_CHECK_INT((int)s[0].runs_added, 3);
	BB_CHECK_INT((int)s[1].runs_added, 2); /* run ids 1 and 2 collide with a's */
	static const char *const tables[] = {"run", "cell", "sample", "counter", "backend"};
	for (int i = 0; i < 5; i++) {
		char *sql = bb_xasprintf("SELECT count(*) FROM %s", tables[i]);
		BB_CHECK_INT(count(out, sql), count(a, sql) + count(b, sql));
		free(sql);
	}
	BB_CHECK_INT(count(out, "SELECT count(*) FROM host"), 2);
	BB_CHECK_INT(count(out, "SELECT count(DISTINCT uid) FROM run"), 5);
	/* given at creation: 128 random bits in hex */
	BB_CHECK_INT(count(a, "SELECT count(*) FROM run WHERE length(uid) = 32 AND uid NOT GLOB"
	                      " '*[^0-9a-f]*'"),
	             3);
	/* each input run is in OUT under its uid, content unchanged */
	for (int f = 0; f < 2; f++)
		for (int id = 1; id <= 3; id++) {
			char *sql = bb_xasprintf("SELECT uid FROM run WHERE id = %d", id);
			char *uid = text(ins[f], sql);
			free(sql);
			if (!*uid) {
				free(uid);
				continue;
			}
			char h_in[65], h_out[65];
			run_hash(ins[f], uid, h_in);
			run_hash(out, uid, h_out);
			BB_CHECK_STR(h_out, h_in);
			free(uid);
		}
	check_sound(out);
}

static void test_carried(void)
{
	/* the running run: status, owner; the interrupted one: its partial cell and passes */
	char *st = text(out, "SELECT group_concat(status || ':' || owner_pid || ':' || owner_host"
	                     ", ',') FROM (SELECT * FROM run ORDER BY id)");
	BB_CHECK_STR(st, "complete:4242:node-hostA,running:4242:node-hostA,"
	                 "interrupted:4242:node-hostA,complete:4242:node-hostB,"
	                 "failed:4242:node-hostB");
	free(st);
	BB_CHECK_INT(count(out, "SELECT count(*) FROM cell WHERE status = 'partial'"), 1);
	BB_CHECK_INT(count(out, "SELECT count(*) FROM sample WHERE pass IS NULL"), 0);
	BB_CHECK_INT(count(out, "SELECT count(*) FROM run r JOIN host h ON h.id = r.host_id"
	                        " WHERE h.fingerprint = 'hostB'"),
	             2);
}

static void test_idempotent(void)
{
	const char *ins[] = {a, b, a};
	bb_db_merge_stats s[3];
	char before[65], after[65];
	db_hash(out, before);
	BB_CHECK_INT(merge(out, ins, 3, s), 0);
	BB_CHECK_INT((int)(s[0].runs_added + s[1].runs_added + s[2].runs_added), 0);
	BB_CHECK_INT((int)(s[0].runs_skipped + s[1].runs_skipped + s[2].runs_skipped), 8);
	db_hash(out, after);
	BB_CHECK_STR(after, before);
	/* one input twice into a new OUT: the second copy changes nothing */
	char *o2 = bb_test_path("twice.db");
	const char *twice[] = {a, a};
	BB_CHECK_INT(merge(o2, twice, 2, s), 0);
	BB_CHECK_INT((int)s[1].runs_skipped, 3);
	BB_CHECK_INT(count(o2, "SELECT count(*) FROM run"), 3);
	free(o2);
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), o = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t got;
	while ((got = read(in, buf, sizeof(buf))) > 0)
		BB_CHECK(write(o, buf, (size_t)got) == got);
	close(in);
	close(o);
}

/* A run merged while running, then again once complete: the complete copy replaces it under
 * the same id; merging the old copy afterwards does not bring it back. */
static void test_replace(void)
{
	char *c = bb_test_path("c.db"), *old = bb_test_path("c_old.db"), *o = bb_test_path("o.db");
	bb_db *db;
	bb_db_merge_stats s[2];
	const char *ins[] = {a, c};
	BB_CHECK_INT(bb_db_open(c, &db, err, sizeof(err)), 0);
	int64_t run = add_run(db, "hostC", 1, NULL, 0);
	bb_db_close(db); /* checkpointed: the file alone holds it */
	copy_file(c, old);
	BB_CHECK_INT(merge(o, ins, 2, s), 0);
	long long id = count(o, "SELECT r.id FROM run r JOIN host h ON h.id = r.host_id WHERE"
	                        " h.fingerprint = 'hostC'");
	BB_CHECK_INT(bb_db_open(c, &db, err, sizeof(err)), 0);
	bb_db_cell cell = bb_test_cell(run, 1, "ref|more|t=1");
	cell.backend_id = bb_test_sql_int(bb_db_handle(db), "SELECT id FROM backend");
	BB_CHECK_INT(bb_db_cell_add(db, &cell, NULL, err, sizeof(err)), 0);
	BB_CHECK_INT(bb_db_run_set_status(db, run, "complete", err, sizeof(err)), 0);
	bb_db_close(db);
	const char *again[] = {c};
	BB_CHECK_INT(merge(o, again, 1, s), 0);
	BB_CHECK_INT((int)s[0].runs_replaced, 1);
	char *st = text(o, "SELECT r.id || ':' || r.status || ':' || (SELECT count(*) FROM cell"
	                   " WHERE run_id = r.id) FROM run r JOIN host h ON h.id = r.host_id"
	                   " WHERE h.fingerprint = 'hostC'");
	char *want = bb_xasprintf("%lld:complete:2", id);
	BB_CHECK_STR(st, want);
	free(st);
	free(want);
	const char *older[] = {old};
	BB_CHECK_INT(merge(o, older, 1, s), 0);
	BB_CHECK_INT((int)s[0].runs_skipped, 1);
	BB_CHECK_INT(count(o, "SELECT count(*) FROM cell c JOIN run r ON r.id = c.run_id"
	                      " WHERE r.status = 'complete' AND r.host_id = (SELECT id FROM host"
	                      " WHERE fingerprint = 'hostC')"),
	             2);
	check_sound(o);
	free(c);
	free(old);
	free(o);
}

static void make_sqlite(const char *path, const char *sql)
{
	sqlite3 *h;
	BB_CHECK_INT(sqlite3_open(path, &h), SQLITE_OK);
	BB_CHECK_INT(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

/* A database written at schema 3 (before uids): merged once, skipped the second time.  An
 * OUT at an older schema is migrated first. */
static void test_older_schemas(void)
{
	char *v3 = bb_test_path("v3.db"), *o = bb_test_path("o3.db");
	sqlite3 *h;
	bb_db_merge_stats s[1];
	for (int i = 0; i < 2; i++) {
		const char *p = i ? o : v3;
		BB_CHECK_INT(sqlite3_open(p, &h), SQLITE_OK);
		char *sql =
		    bb_xasprintf("%s%s%s PRAGMA user_version = 3; PRAGMA application_id = %d;"
		                 "INSERT INTO host VALUES (1, 'old%d', '{}', NULL, 't', 't');"
		                 "INSERT INTO run (host_id, command, kind, version, status,"
		                 " started) VALUES (1, 'blasbench run', 'run', '0.1',"
		                 " 'complete', 't');",
		                 bb_db_migrations[0].sql, bb_db_migrations[1].sql,
		                 bb_db_migrations[2].sql, BB_DB_APPLICATION_ID, i);
		BB_CHECK_INT(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
		free(sql);
		sqlite3_close(h);
	}
	const char *ins[] = {v3};
	BB_CHECK_INT(merge(o, ins, 1, s), 0);
	BB_CHECK_INT((int)s[0].runs_added, 1);
	BB_CHECK_INT(count(o, "PRAGMA user_version"), bb_db_schema_version());
	/* OUT's own run got its uid when OUT was migrated; the input's is derived */
	BB_CHECK_INT(count(o, "SELECT count(*) FROM run WHERE length(uid) = 32"), 2);
	BB_CHECK_INT(merge(o, ins, 1, s), 0);
	BB_CHECK_INT((int)s[0].runs_skipped, 1);
	BB_CHECK_INT(count(o, "SELECT count(*) FROM run"), 2);
	/* a current database with a run whose uid was cleared by hand: merged once too */
	char *nul = bb_test_path("nul.db");
	copy_file(a, nul);
	make_sqlite(nul, "UPDATE run SET uid = NULL WHERE id = 1");
	const char *nuls[] = {nul};
	BB_CHECK_INT(merge(o, nuls, 1, s), 0);
	BB_CHECK_INT((int)s[0].runs_added, 3);
	BB_CHECK_INT(merge(o, nuls, 1, s), 0);
	BB_CHECK_INT((int)s[0].runs_skipped, 3);
	free(nul);
	check_sound(o);
	free(v3);
	free(o);
}

static void refused(const char *path, const char *why)
{
	BB_CHECK_INT(bb_db_merge_check(path, err, sizeof(err)), -1);
	BB_CHECK(strstr(err, path) != NULL);
	if (!strstr(err, why))
		fprintf(stderr, "refusal of '%s' says '%s', expected '%s'\n", path, err, why);
	BB_CHECK(strstr(err, why) != NULL);
}

static void test_refusals(void)
{
	char *foreign = bb_test_path("foreign.db"), *newer = bb_test_path("newer.db");
	char *corrupt = bb_test_path("corrupt.db");
	make_sqlite(foreign, "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
	refused(foreign, "not a blasbench database");
	make_sqlite(newer, "PRAGMA application_id = 0x424C4253; PRAGMA user_version = 99;");
	refused(newer, "newer");
	/* a's pages after the first overwritten: the header still says SQLite */
	copy_file(a, corrupt);
	int fd = open(corrupt, O_RDWR);
	long size = lseek(fd, 0, SEEK_END);
	char junk[512];
	memset(junk, 0x5a, sizeof(junk));
	for (long off = 4096 * 2; off < size; off += sizeof(junk))
		BB_CHECK(pwrite(fd, junk, sizeof(junk), off) == (ssize_t)sizeof(junk));
	close(fd);
	refused(corrupt, "corrupt");
	BB_CHECK_INT(bb_db_merge_check(a, err, sizeof(err)), 0);
	free(foreign);
	free(newer);
	free(corrupt);
}

int main(void)
{
	bb_test_tmpdir();
	make_inputs();
	test_identity_and_counts();
	test_carried();
	test_idempotent();
	test_replace();
	test_older_schemas();
	test_refusals();
	free(a);
	free(b);
	free(out);
	return bb_test_done();
}
