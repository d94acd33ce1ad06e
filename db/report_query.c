/*
 * Loading one run for `blasbench report` (db/report_query.h): the run and host rows, the
 * backends and the cells, and every host of the database (a merged one holds several), each
 * with one prepared statement whose only parameter (the run id)
 * is bound.  Reports never see SQL; they get plain structs.
 */
#include "db/report_query.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"

static double column_double(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static int load_run_row(bb_db *db, bb_db_report_run *r, char *err, size_t errlen)
{
	char what[64];
	sqlite3_stmt *st;
	snprintf(what, sizeof(what), "cannot read run %lld", (long long)r->id);
	if (bb_db_prepare(db,
			  "SELECT r.label, r.kind, r.status, r.command, r.version, r.started,"
			  " r.finished, r.options_json, h.fingerprint, h.host_json, h.peak_json"
			  " FROM run r LEFT JOIN host h ON h.id = r.host_id WHERE r.id = ?1",
			  &st, what, err, errlen))
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->label = bb_db_column_strdup(st, 0);
		r->kind = bb_db_column_strdup(st, 1);
		r->status = bb_db_column_strdup(st, 2);
		r->command = bb_db_column_strdup(st, 3);
		r->version = bb_db_column_strdup(st, 4);
		r->started = bb_db_column_strdup(st, 5);
		r->finished = bb_db_column_strdup(st, 6);
		r->options_json = bb_db_column_strdup(st, 7);
		r->host_fingerprint = bb_db_column_strdup(st, 8);
		r->host_json = bb_db_column_strdup(st, 9);
		r->peak_json = bb_db_column_strdup(st, 10);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return bb_db_fail(err, errlen, "no run %lld in '%s'", (long long)r->id,
				  bb_db_path(db));
	return bb_db_sqlite_fail(db, what, err, errlen);
}

static int load_backends(bb_db *db, bb_db_report_run *r, char *err, size_t errlen)
{
	const char *what = "cannot read backends";
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;
	if (bb_db_prepare(db,
			  "SELECT id, alias, spec, record_json FROM backend WHERE run_id = ?1"
			  " ORDER BY id",
			  &st, what, err, errlen))
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->n_backends == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			r->backends = bb_xrealloc(r->backends, alloc * sizeof(*r->backends));
		}
		bb_db_report_backend *b = &r->backends[r->n_backends++];
		b->id = sqlite3_column_int64(st, 0);
		b->alias = bb_db_column_strdup(st, 1);
		b->spec = bb_db_column_strdup(st, 2);
		b->record_json = bb_db_column_strdup(st, 3);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : bb_db_sqlite_fail(db, what, err, errlen);
}

/* The index of the backend row with this id among the run's backends. */
static size_t backend_index(const bb_db_report_run *r, int64_t id)
{
	for (size_t i = 0; i < r->n_backends; i++)
		if (r->backends[i].id == id)
			return i;
	return 0;
}

static int load_cells(bb_db *db, bb_db_report_run *r, char *err, size_t errlen)
{
	const char *what = "cannot read cells";
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;
	if (bb_db_prepare(db,
			  "SELECT id, backend_id, workload_key, routine, prec, m, n, k, threads,"
			  " threads_effective, omp_runtime, params_json, status, error, flops,"
			  " median_s, min_s, mad_s, ci_low_s, ci_high_s, gflops, pct_peak, residual,"
			  " n_samples FROM cell WHERE run_id = ?1 ORDER BY id",
			  &st, what, err, errlen))
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->n_cells == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			r->cells = bb_xrealloc(r->cells, alloc * sizeof(*r->cells));
		}
		bb_db_report_cell *c = &r->cells[r->n_cells++];
		memset(c, 0, sizeof(*c));
		const unsigned char *prec = sqlite3_column_text(st, 4);
		c->id = sqlite3_column_int64(st, 0);
		c->backend = backend_index(r, sqlite3_column_int64(st, 1));
		c->workload_key = bb_db_column_strdup(st, 2);
		c->routine = bb_db_column_strdup(st, 3);
		c->prec = prec && *prec ? (char)prec[0] : '?';
		c->m = (long)sqlite3_column_int64(st, 5);
		c->n = (long)sqlite3_column_int64(st, 6);
		c->k = (long)sqlite3_column_int64(st, 7);
		c->threads = sqlite3_column_int(st, 8);
		c->threads_effective = sqlite3_column_int(st, 9);
		c->omp_runtime = bb_db_column_strdup(st, 10);
		c->params_json = bb_db_column_strdup(st, 11);
		c->status = bb_db_column_strdup(st, 12);
		c->error = bb_db_column_strdup(st, 13);
		c->flops = column_double(st, 14);
		c->median_s = column_double(st, 15);
		c->min_s = column_double(st, 16);
		c->mad_s = column_double(st, 17);
		c->ci_low_s = column_double(st, 18);
		c->ci_high_s = column_double(st, 19);
		c->gflops = column_double(st, 20);
		c->pct_peak = column_double(st, 21);
		c->residual = column_double(st, 22);
		c->n_samples = sqlite3_column_int(st, 23);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : bb_db_sqlite_fail(db, what, err, errlen);
}

static int load_hosts(bb_db *db, bb_db_report_run *r, char *err, size_t errlen)
{
	const char *what = "cannot read hosts";
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;
	/* the peak JSON holds one object per ISA level ({"avx2": {"double": {"all": x}}}) next to
	 * strings and numbers (version, measured_at, threads): json_extract only on the objects */
	if (bb_db_prepare(db,
			  "SELECT fingerprint, hostname, cpu_model, (SELECT max(iif(type = 'object',"
			  " json_extract(value, '$.double.all'), NULL)) FROM json_each(peak)),"
			  " (SELECT max(iif(type = 'object', json_extract(value, '$.single.all'),"
			  " NULL)) FROM json_each(peak)), json_extract(peak, '$.threads'),"
			  " (SELECT count(*) FROM run WHERE host_id = hid), (SELECT max(c.gflops)"
			  " FROM cell c JOIN run r ON r.id = c.run_id WHERE r.host_id = hid AND"
			  " c.status = 'ok') FROM (SELECT id AS hid, fingerprint,"
			  " iif(json_valid(host_json), json_extract(host_json, '$.hostname'), NULL)"
			  " AS hostname, iif(json_valid(host_json), json_extract(host_json,"
			  " '$.cpu_model'), NULL) AS cpu_model, iif(json_valid(peak_json), peak_json,"
			  " NULL) AS peak FROM host) ORDER BY cpu_model, hostname, fingerprint",
			  &st, what, err, errlen))
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->n_hosts == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			r->hosts = bb_xrealloc(r->hosts, alloc * sizeof(*r->hosts));
		}
		bb_db_report_host *h = &r->hosts[r->n_hosts++];
		h->fingerprint = bb_db_column_strdup(st, 0);
		h->hostname = bb_db_column_strdup(st, 1);
		h->cpu_model = bb_db_column_strdup(st, 2);
		h->peak_d = column_double(st, 3);
		h->peak_s = column_double(st, 4);
		h->peak_threads = sqlite3_column_int(st, 5);
		h->runs = sqlite3_column_int(st, 6);
		h->best_gflops = column_double(st, 7);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : bb_db_sqlite_fail(db, what, err, errlen);
}

int bb_db_report_run_load(const char *path, const char *ref, bb_db_report_run *out, char *err,
			  size_t errlen)
{
	bb_db *db;
	int ret = -1;
	memset(out, 0, sizeof(*out));
	if (bb_db_open_readonly(path, &db, err, errlen))
		return -1;
	if (bb_db_run_resolve(db, ref, &out->id, err, errlen))
		goto cleanup;
	out->db_path = bb_xstrdup(path);
	if (load_run_row(db, out, err, errlen) || load_backends(db, out, err, errlen) ||
	    load_cells(db, out, err, errlen) || load_hosts(db, out, err, errlen))
		goto cleanup;
	ret = 0;
cleanup:
	bb_db_close(db);
	if (ret)
		bb_db_report_run_release(out);
	return ret;
}

void bb_db_report_run_release(bb_db_report_run *r)
{
	for (size_t i = 0; i < r->n_backends; i++) {
		free(r->backends[i].alias);
		free(r->backends[i].spec);
		free(r->backends[i].record_json);
	}
	for (size_t i = 0; i < r->n_cells; i++) {
		bb_db_report_cell *c = &r->cells[i];
		free(c->workload_key);
		free(c->routine);
		free(c->omp_runtime);
		free(c->params_json);
		free(c->status);
		free(c->error);
	}
	for (size_t i = 0; i < r->n_hosts; i++) {
		free(r->hosts[i].fingerprint);
		free(r->hosts[i].hostname);
		free(r->hosts[i].cpu_model);
	}
	free(r->hosts);
	free(r->backends);
	free(r->cells);
	free(r->db_path);
	free(r->label);
	free(r->kind);
	free(r->status);
	free(r->command);
	free(r->version);
	free(r->started);
	free(r->finished);
	free(r->options_json);
	free(r->host_fingerprint);
	free(r->host_json);
	free(r->peak_json);
	memset(r, 0, sizeof(*r));
}
