/*
 * Queries on the results database used by every command: the list of runs with their backends
 * and cell counts, resolving a run reference ("7", "latest", a label), the cell keys a run
 * already holds (what `--resume` skips) and the partial ones it completes, and a host's stored
 * peak.  Reports build their own queries
 * on bb_db_handle().
 */
#include "db/db_internal.h"

#include <limits.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/number.h"
#include "common/strbuf.h"

/* One row per run; a run with no cells still appears (LEFT JOIN) with zero counts. */
#define RUN_SELECT                                                                                 \
	"SELECT r.id, r.label, r.kind, r.status, r.started, r.finished, r.command,"                \
	" r.options_json, h.fingerprint,"                                                          \
	" coalesce((SELECT group_concat(alias, ', ') FROM"                                         \
	"   (SELECT alias FROM backend WHERE run_id = r.id ORDER BY id)), ''),"                    \
	" coalesce(c.cells, 0), coalesce(c.ok, 0), coalesce(c.failed, 0), %s,"                     \
	" coalesce(c.partial, 0), iif(json_valid(h.host_json),"                                   \
	"   json_extract(h.host_json, '$.hostname'), NULL)"                                         \
	" FROM run r LEFT JOIN host h ON h.id = r.host_id"                                         \
	" LEFT JOIN (SELECT run_id, count(*) AS cells, sum(status = 'ok') AS ok,"                  \
	"   sum(status IN ('wrong', 'crash', 'hang', 'error')) AS failed,"                         \
	"   sum(status = 'partial') AS partial"                                                    \
	"   FROM cell GROUP BY run_id) c ON c.run_id = r.id"

static void read_run_row(sqlite3_stmt *st, bb_db_run_info *ri)
{
	ri->id = sqlite3_column_int64(st, 0);
	ri->label = bb_db_column_strdup(st, 1);
	ri->kind = bb_db_column_strdup(st, 2);
	ri->status = bb_db_column_strdup(st, 3);
	ri->started = bb_db_column_strdup(st, 4);
	ri->finished = bb_db_column_strdup(st, 5);
	ri->command = bb_db_column_strdup(st, 6);
	ri->options_json = bb_db_column_strdup(st, 7);
	ri->host_fingerprint = bb_db_column_strdup(st, 8);
	ri->backends = bb_db_column_strdup(st, 9);
	ri->cells = sqlite3_column_int(st, 10);
	ri->cells_ok = sqlite3_column_int(st, 11);
	ri->cells_failed = sqlite3_column_int(st, 12);
	ri->owner.pid = (long)sqlite3_column_int64(st, 13);
	ri->owner.start = (unsigned long long)sqlite3_column_int64(st, 14);
	const char *boot = (const char *)sqlite3_column_text(st, 15);
	const char *host = (const char *)sqlite3_column_text(st, 16);
	snprintf(ri->owner.boot_id, sizeof(ri->owner.boot_id), "%s", boot ? boot : "");
	snprintf(ri->owner.host, sizeof(ri->owner.host), "%s", host ? host : "");
	ri->cells_partial = sqlite3_column_int(st, 17);
	ri->host_name = bb_db_column_strdup(st, 18);
}

/* RUN_SELECT for this database, then `tail`: the owner columns came with schema 2, and a
 * read-only handle may be reading an older database (its runs' owners are unknown). */
static char *run_select(const bb_db *db, const char *tail)
{
	const char *owner = db->schema >= 2
	                        ? "r.owner_pid, r.owner_start, r.owner_boot, r.owner_host"
	                        : "NULL, NULL, NULL, NULL";
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_strbuf_addf(&sb, RUN_SELECT, owner);
	bb_strbuf_adds(&sb, tail);
	return bb_strbuf_detach(&sb, NULL);
}

const char *bb_db_run_liveness(const bb_db_run_info *ri, bb_owner_state *state, char *buf,
                               size_t len)
{
	bb_owner_state s = BB_OWNER_UNKNOWN;
	const char *status = ri->status ? ri->status : "?";
	if (strcmp(status, "running") || !ri->owner.pid) {
		snprintf(buf, len, "%s", status);
	} else if ((s = bb_owner_check(&ri->owner)) == BB_OWNER_GONE) {
		snprintf(buf, len, "abandoned (controller %ld gone)", ri->owner.pid);
		status = "abandoned";
	} else if (s == BB_OWNER_UNKNOWN) {
		snprintf(buf, len, "running (controller %ld on host %s)", ri->owner.pid,
		         ri->owner.host[0] ? ri->owner.host : "?");
	} else {
		snprintf(buf, len, "running");
	}
	if (state)
		*state = s;
	return status;
}

void bb_db_run_info_release(bb_db_run_info *ri)
{
	free(ri->label);
	free(ri->kind);
	free(ri->status);
	free(ri->started);
	free(ri->finished);
	free(ri->command);
	free(ri->backends);
	free(ri->options_json);
	free(ri->host_fingerprint);
	free(ri->host_name);
	memset(ri, 0, sizeof(*ri));
}

void bb_db_run_infos_free(bb_db_run_info *runs, size_t n)
{
	if (!runs)
		return;
	for (size_t i = 0; i < n; i++)
		bb_db_run_info_release(&runs[i]);
	free(runs);
}

/* Strings in a bb_db_run_info are heap copies; label, finished, options_json may be NULL,
 * backends is "" for a run without backends.  On failure *out is NULL and *n is 0. */
int bb_db_runs(bb_db *db, bb_db_run_info **out, size_t *n, char *err, size_t errlen)
{
	const char *what = "cannot list runs";
	sqlite3_stmt *st;
	bb_db_run_info *runs = NULL;
	size_t count = 0, alloc = 0;
	int rc;
	*out = NULL;
	*n = 0;
	char *sql = run_select(db, " ORDER BY r.id");
	rc = bb_db_prepare(db, sql, &st, what, err, errlen);
	free(sql);
	if (rc)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			runs = bb_xrealloc(runs, alloc * sizeof(*runs));
		}
		read_run_row(st, &runs[count++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		bb_db_run_infos_free(runs, count);
		return bb_db_sqlite_fail(db, what, err, errlen);
	}
	*out = runs;
	*n = count;
	return 0;
}

/* Fills *out; the caller frees its strings with bb_db_run_info_release().  -1 with err (and *out
 * zeroed) if there is no such run. */
int bb_db_run_get(bb_db *db, int64_t run_id, bb_db_run_info *out, char *err, size_t errlen)
{
	char what[64];
	sqlite3_stmt *st;
	snprintf(what, sizeof(what), "cannot read run %lld", (long long)run_id);
	memset(out, 0, sizeof(*out));
	char *sql = run_select(db, " WHERE r.id = ?1");
	int rc = bb_db_prepare(db, sql, &st, what, err, errlen);
	free(sql);
	if (rc)
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_run_row(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return bb_db_fail(err, errlen, "no run %lld in '%s'", (long long)run_id, db->path);
	return bb_db_sqlite_fail(db, what, err, errlen);
}

int bb_db_host_peak(bb_db *db, const char *fingerprint, char **peak_json, char *err, size_t errlen)
{
	const char *what = "cannot read the host's peak";
	sqlite3_stmt *st;
	*peak_json = NULL;
	if (bb_db_prepare(db, "SELECT peak_json FROM host WHERE fingerprint = ?1", &st, what, err,
	                  errlen))
		return -1;
	bb_db_bind_text(st, 1, fingerprint);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*peak_json = bb_db_column_strdup(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bb_db_sqlite_fail(db, what, err, errlen);
	return 0;
}

/* Run one query with an optional text parameter; *found and *value from its first row. */
static int query_id(bb_db *db, const char *sql, const char *text, int64_t num, int *found,
                    int64_t *value)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (text)
		bb_db_bind_text(st, 1, text);
	else if (sqlite3_bind_parameter_count(st))
		sqlite3_bind_int64(st, 1, num);
	int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (*found)
		*value = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* "no run 'x' in 'path' (runs: 1..7; labels: a, b)": what the user could have typed instead. */
static int unknown_ref(bb_db *db, const char *ref, char *err, size_t errlen)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	sqlite3_stmt *st;
	int n = 0;
	if (sqlite3_prepare_v2(db->h, "SELECT min(id), max(id), count(*) FROM run", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		long long lo = sqlite3_column_int64(st, 0), hi = sqlite3_column_int64(st, 1);
		if (sqlite3_column_int64(st, 2) == 0)
			bb_strbuf_adds(&sb, "it holds no runs yet");
		else if (lo == hi)
			bb_strbuf_addf(&sb, "runs: %lld", lo);
		else
			bb_strbuf_addf(&sb, "runs: %lld..%lld", lo, hi);
	}
	sqlite3_finalize(st);
	/* Labels newest first, so the ones in the message are the ones likely meant. */
	if (sqlite3_prepare_v2(db->h,
	                       "SELECT label FROM run WHERE label IS NOT NULL GROUP BY label"
	                       " ORDER BY max(id) DESC",
	                       -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (n < 10)
				bb_strbuf_addf(&sb, "%s%s", n ? ", " : "; labels: ",
				               (const char *)sqlite3_column_text(st, 0));
			else if (n == 10)
				bb_strbuf_adds(&sb, ", ...");
			n++;
		}
	}
	sqlite3_finalize(st);
	bb_db_fail(err, errlen, "no run '%s' in '%s' (%s)", ref, db->path, sb.buf);
	bb_strbuf_release(&sb);
	return -1;
}

int bb_db_run_resolve(bb_db *db, const char *ref, int64_t *run_id, char *err, size_t errlen)
{
	int found = 0, rc;
	int64_t id = 0;
	if (!ref || !*ref)
		return bb_db_fail(err, errlen, "empty run reference for '%s'", db->path);
	if (strspn(ref, "0123456789") == strlen(ref)) {
		long v;
		char why[128];
		if (bb_parse_long(ref, strlen(ref), 0, LONG_MAX, 0, &v, why, sizeof(why)))
			return unknown_ref(db, ref, err, errlen); /* too large to be an id */
		rc = query_id(db, "SELECT id FROM run WHERE id = ?1", NULL, v, &found, &id);
	} else if (strcmp(ref, "latest") == 0) {
		rc = query_id(db, "SELECT max(id) FROM run", NULL, 0, &found, &id);
	} else {
		rc = query_id(db, "SELECT max(id) FROM run WHERE label = ?1", ref, 0, &found, &id);
	}
	if (rc) {
		char what[64];
		snprintf(what, sizeof(what), "cannot look up run '%.32s'", ref);
		return bb_db_sqlite_fail(db, what, err, errlen);
	}
	if (!found)
		return unknown_ref(db, ref, err, errlen);
	*run_id = id;
	return 0;
}

int bb_db_cell_keys(bb_db *db, int64_t run_id, char ***keys, size_t *n, char *err, size_t errlen)
{
	char what[64];
	sqlite3_stmt *st;
	char **out = NULL;
	size_t count = 0, alloc = 0;
	int rc;
	snprintf(what, sizeof(what), "cannot read the cells of run %lld", (long long)run_id);
	*keys = NULL;
	*n = 0;
	if (bb_db_prepare(db,
	                  "SELECT cell_key FROM cell WHERE run_id = ?1 AND status != 'partial'"
	                  " ORDER BY id",
	                  &st, what, err, errlen))
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			out = bb_xrealloc(out, alloc * sizeof(*out));
		}
		out[count++] = bb_db_column_strdup(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		for (size_t i = 0; i < count; i++)
			free(out[i]);
		free(out);
		return bb_db_sqlite_fail(db, what, err, errlen);
	}
	*keys = out;
	*n = count;
	return 0;
}

void bb_db_partials_free(bb_db_partial *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		free(p[i].cell_key);
		free(p[i].samples);
		free(p[i].pass);
	}
	free(p);
}

int bb_db_partials(bb_db *db, int64_t run_id, bb_db_partial **out, size_t *n, char *err,
                   size_t errlen)
{
	char what[64];
	sqlite3_stmt *st;
	bb_db_partial *p = NULL;
	size_t count = 0, alloc = 0, cap = 0;
	int64_t last = -1;
	int rc;
	snprintf(what, sizeof(what), "cannot read the partial cells of run %lld",
	         (long long)run_id);
	*out = NULL;
	*n = 0;
	/* a database before schema 3 has no passes, hence no partial cells */
	if (db->schema < 3)
		return 0;
	if (bb_db_prepare(db,
	                  "SELECT c.id, c.cell_key, s.seconds, coalesce(s.pass, 0) FROM cell c"
	                  " JOIN sample s ON s.cell_id = c.id WHERE c.run_id = ?1 AND"
	                  " c.status = 'partial' ORDER BY c.id, s.seq",
	                  &st, what, err, errlen))
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) != last) {
			if (count == alloc) {
				alloc = alloc ? 2 * alloc : 16;
				p = bb_xrealloc(p, alloc * sizeof(*p));
			}
			memset(&p[count], 0, sizeof(p[count]));
			p[count++].cell_key = bb_db_column_strdup(st, 1);
			last = sqlite3_column_int64(st, 0);
			cap = 0;
		}
		bb_db_partial *c = &p[count - 1];
		if (c->n_samples == cap) {
			cap = cap ? 2 * cap : 64;
			c->samples = bb_xrealloc(c->samples, cap * sizeof(double));
			c->pass = bb_xrealloc(c->pass, cap * sizeof(int));
		}
		c->samples[c->n_samples] =
		    sqlite3_column_type(st, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 2);
		c->pass[c->n_samples++] = sqlite3_column_int(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		bb_db_partials_free(p, count);
		return bb_db_sqlite_fail(db, what, err, errlen);
	}
	*out = p;
	*n = count;
	return 0;
}

int bb_db_backend_find(bb_db *db, int64_t run_id, const char *alias, int64_t *id, char *err,
		       size_t errlen)
{
	char what[160];
	snprintf(what, sizeof(what), "cannot look up backend '%s' of run %lld", alias, (long long)run_id);
	sqlite3_stmt *st;
	*id = 0;
	if (bb_db_prepare(db, "SELECT id FROM backend WHERE run_id = ?1 AND alias = ?2", &st, what, err,
			  errlen))
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	bb_db_bind_text(st, 2, alias);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bb_db_sqlite_fail(db, what, err, errlen);
	return 0;
}
