/*
 * The verdict logic of `blasbench compare` / `gate`: statistics on raw samples, the per-cell
 * verdict, what differs between two backend records, and matching two loaded runs cell by cell.
 * The renderers (terminal table, JSON, Markdown, JUnit XML) are in compare_render.c.  Contracts are
 * in reports/compare.h.
 *
 * Verdict rules (bb_cmp_cell), in order:
 *   1. Outcomes: base ok and candidate wrong/crash/hang/error -> regression (outcome changed),
 *      whatever the speed; base failed and candidate ok -> improvement; a skipped side -> missing
 *      or new; both failed -> unchanged (outcome_changed set when the status differs).
 *   2. Both ok but fewer than BB_CMP_MIN_SAMPLES samples on a side -> unstable.
 *   3. regression when the CI lower bound of cand/base > 1 + threshold and p < 0.05, where the
 *      CI is the bootstrap CI widened to every ratio the two cells' recorded CIs allow (they
 *      cover the spread between passes, which pooled samples hide);
 *      improvement when the CI upper bound < 1 / (1 + threshold) and p < 0.05 (the mirror image:
 *      swapping base and candidate swaps the two verdicts).
 *   4. unstable when either side's median CI half-width relative to its median > threshold.
 *   5. unchanged otherwise.
 */
#include "reports/compare.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "reports/table.h"

const char *bb_cmp_verdict_name(bb_cmp_verdict v)
{
	static const char *const names[] = {"regression", "missing",   "unstable",
	                                    "new",        "unchanged", "improvement"};
	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The k-th smallest of x[0..n) (0-based), reordering x so that x[0..k) <= x[k] <= x(k..n)
 * (Wirth's selection). */
static double select_kth(double *x, size_t n, size_t k)
{
	long lo = 0, hi = (long)n - 1, kk = (long)k;
	while (lo < hi) {
		double pivot = x[kk];
		long i = lo, j = hi;
		do {
			while (x[i] < pivot)
				i++;
			while (pivot < x[j])
				j--;
			if (i <= j) {
				double t = x[i];
				x[i] = x[j];
				x[j] = t;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			lo = i;
		if (kk < i)
			hi = j;
	}
	return x[kk];
}

/* Median of x[0..n), reordering x. */
static double median_inplace(double *x, size_t n)
{
	double hi = select_kth(x, n, n / 2);
	if (n % 2)
		return hi;
	double lo = x[0];
	for (size_t i = 1; i < n / 2; i++) /* after selection x[0..n/2) are all <= hi */
		if (x[i] > lo)
			lo = x[i];
	return (lo + hi) / 2;
}

double bb_cmp_median(const double *x, size_t n)
{
	if (!n)
		return NAN;
	double *t = bb_xmalloc(n * sizeof(double));
	memcpy(t, x, n * sizeof(double));
	double m = median_inplace(t, n);
	free(t);
	return m;
}

double bb_cmp_noise(const double *x, size_t n)
{
	if (n < 2)
		return INFINITY;
	double *t = bb_xmalloc(n * sizeof(double));
	memcpy(t, x, n * sizeof(double));
	qsort(t, n, sizeof(double), cmp_double);
	double med = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	size_t j = 0, k = n - 1; /* n < 6: [min, max] */
	if (n >= 6) {
		double h = 1.96 * sqrt((double)n) / 2;
		double lo = floor(n / 2.0 - h), hi = ceil(n / 2.0 + h);
		j = lo < 1 ? 0 : (size_t)lo - 1;
		k = hi > n ? n - 1 : (size_t)hi - 1;
	}
	double half = (t[k] - t[j]) / 2;
	free(t);
	return med > 0 ? half / med : INFINITY;
}

typedef struct ranked {
	double v;
	int group;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
	return cmp_double(&((const ranked *)a)->v, &((const ranked *)b)->v);
}

double bb_cmp_mann_whitney(const double *a, size_t na, const double *b, size_t nb)
{
	if (!na || !nb)
		return 1.0;
	size_t n = na + nb;
	ranked *all = bb_xmalloc(n * sizeof(*all));
	for (size_t i = 0; i < na; i++)
		all[i] = (ranked){a[i], 0};
	for (size_t i = 0; i < nb; i++)
		all[na + i] = (ranked){b[i], 1};
	qsort(all, n, sizeof(*all), cmp_ranked);
	double rank_a = 0, ties = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && all[j].v == all[i].v)
			j++;
		double t = (double)(j - i), mid = (i + 1 + j) / 2.0; /* average 1-based rank */
		ties += t * t * t - t;
		for (size_t q = i; q < j; q++)
			if (!all[q].group)
				rank_a += mid;
		i = j;
	}
	free(all);
	double n1 = (double)na, n2 = (double)nb, N = (double)n;
	double u = rank_a - n1 * (n1 + 1) / 2, mu = n1 * n2 / 2;
	double var = n1 * n2 / 12 * ((N + 1) - ties / (N * (N - 1)));
	if (!(var > 0))
		return 1.0;
	double z = (fabs(u - mu) - 0.5) / sqrt(var);
	if (z < 0)
		z = 0;
	double p = erfc(z / sqrt(2.0));
	return p > 1 ? 1 : p;
}

/* splitmix64: small, fast, and the same sequence everywhere for a given seed. */
static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double resampled_median(const double *x, size_t n, double *buf, uint64_t *s)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = x[(size_t)(((next_random(s) >> 32) * (uint64_t)n) >> 32)];
	return median_inplace(buf, n);
}

/* Percentile of sorted v[0..n) with linear interpolation between order statistics. */
static double percentile(const double *v, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;
	double f = pos - (double)i;
	return i + 1 < n ? v[i] * (1 - f) + v[i + 1] * f : v[n - 1];
}

void bb_cmp_bootstrap_ratio(const double *a, size_t na, const double *b, size_t nb, int resamples,
                            unsigned long long seed, double *lo, double *hi)
{
	*lo = *hi = NAN;
	if (!na || !nb || resamples < 2 || na > UINT32_MAX || nb > UINT32_MAX)
		return;
	uint64_t s = seed;
	double *buf = bb_xmalloc((na > nb ? na : nb) * sizeof(double));
	double *ratios = bb_xmalloc((size_t)resamples * sizeof(double));
	size_t n = 0;
	for (int r = 0; r < resamples; r++) {
		double ma = resampled_median(a, na, buf, &s);
		double mb = resampled_median(b, nb, buf, &s);
		if (ma > 0)
			ratios[n++] = mb / ma;
	}
	if (n) {
		qsort(ratios, n, sizeof(double), cmp_double);
		*lo = percentile(ratios, n, 0.025);
		*hi = percentile(ratios, n, 0.975);
	}
	free(ratios);
	free(buf);
}

int bb_cmp_status_ok(const char *status)
{
	return !status || !strcmp(status, "ok");
}

int bb_cmp_status_failed(const char *status)
{
	return status && (!strcmp(status, "wrong") || !strcmp(status, "crash") ||
	                  !strcmp(status, "hang") || !strcmp(status, "error"));
}

void bb_cmp_cell(const bb_cmp_side *base, const bb_cmp_side *cand, double threshold,
                 bb_cmp_result *r)
{
	memset(r, 0, sizeof(*r));
	r->ratio = r->ci_low = r->ci_high = r->p = NAN;
	r->base_noise = r->cand_noise = NAN;
	int bok = bb_cmp_status_ok(base->status), cok = bb_cmp_status_ok(cand->status);
	if (bok && base->n && cand->n)
		r->ratio = bb_cmp_median(cand->x, cand->n) / bb_cmp_median(base->x, base->n);
	if (!bok || !cok) {
		r->outcome_changed =
		    strcmp(bok ? "ok" : base->status, cok ? "ok" : cand->status) != 0;
		r->ratio = NAN;
		if (bok && bb_cmp_status_failed(cand->status))
			r->verdict = BB_CMP_REGRESSION, r->why = "outcome changed";
		else if (cok && bb_cmp_status_failed(base->status))
			r->verdict = BB_CMP_IMPROVEMENT, r->why = "outcome fixed";
		else if (!bb_cmp_status_failed(base->status) && bb_cmp_status_failed(cand->status))
			r->verdict = BB_CMP_REGRESSION, r->why = "outcome changed";
		else if (!cok && !bb_cmp_status_failed(cand->status) &&
		         !bb_cmp_status_failed(base->status) && bok)
			r->verdict = BB_CMP_MISSING, r->why = "not measured in candidate";
		else if (cok && !bok && !bb_cmp_status_failed(base->status))
			r->verdict = BB_CMP_NEW, r->why = "not measured in base";
		else
			r->verdict = BB_CMP_UNCHANGED, r->why = "failed on both sides";
		return;
	}
	r->base_noise = bb_cmp_noise(base->x, base->n);
	r->cand_noise = bb_cmp_noise(cand->x, cand->n);
	if (base->n < BB_CMP_MIN_SAMPLES || cand->n < BB_CMP_MIN_SAMPLES) {
		r->verdict = BB_CMP_UNSTABLE, r->why = "too few samples";
		return;
	}
	bb_cmp_bootstrap_ratio(base->x, base->n, cand->x, cand->n, BB_CMP_RESAMPLES, BB_CMP_SEED,
	                       &r->ci_low, &r->ci_high);
	r->p = bb_cmp_mann_whitney(base->x, base->n, cand->x, cand->n);
	/* the bootstrap sees samples as independent; the recorded CIs cover the spread between
	 * passes (processes): the ratio's CI must include every ratio those CIs allow */
	if (base->ci_low > 0 && base->ci_high > 0 && cand->ci_low > 0 && cand->ci_high > 0) {
		double lo = cand->ci_low / base->ci_high, hi = cand->ci_high / base->ci_low;
		if (lo < r->ci_low)
			r->ci_low = lo;
		if (hi > r->ci_high)
			r->ci_high = hi;
	}
	if (r->ci_low > 1 + threshold && r->p < BB_CMP_ALPHA)
		r->verdict = BB_CMP_REGRESSION, r->why = "slower beyond the threshold";
	else if (r->ci_high < 1 / (1 + threshold) && r->p < BB_CMP_ALPHA)
		r->verdict = BB_CMP_IMPROVEMENT, r->why = "faster beyond the threshold";
	else if (r->base_noise > threshold || r->cand_noise > threshold)
		r->verdict = BB_CMP_UNSTABLE, r->why = "too noisy to tell";
	else
		r->verdict = BB_CMP_UNCHANGED, r->why = "within the threshold";
}

/* ---- attribution ----------------------------------------------------------------------- */

/* A record value as text for "a -> b": strings as is, numbers %g, absent/null "unset". */
static void value_text(const bb_json *v, char *buf, size_t len)
{
	if (!v || bb_json_is_null(v))
		snprintf(buf, len, "unset");
	else if (v->type == BB_JSON_STRING)
		snprintf(buf, len, "%s", v->string);
	else if (v->type == BB_JSON_NUMBER)
		snprintf(buf, len, "%g", v->number);
	else if (v->type == BB_JSON_BOOL)
		snprintf(buf, len, "%s", v->boolean ? "true" : "false");
	else
		snprintf(buf, len, "?");
}

static void diff_value(bb_strbuf *out, const char *name, const bb_json *a, const bb_json *b)
{
	char ta[256], tb[256];
	value_text(a, ta, sizeof(ta));
	value_text(b, tb, sizeof(tb));
	if (!strcmp(ta, tb))
		return;
	bb_strbuf_addf(out, "%s%s %s -> %s", out->len ? "; " : "", name, ta, tb);
}

/* The sha256 of the record's own files, in order, "," separated (12 hex digits each). */
static void own_hashes(const bb_json *rec, bb_strbuf *out)
{
	const bb_json *objs = bb_json_get(rec, "objects");
	for (size_t i = 0; i < bb_json_len(objs); i++) {
		const bb_json *o = bb_json_at(objs, i);
		if (!bb_json_bool(bb_json_get(o, "own"), 0))
			continue;
		bb_strbuf_addf(out, "%s%.12s", out->len ? "," : "",
		               bb_json_str(bb_json_get(o, "sha256"), "unknown"));
	}
}

char *bb_cmp_attribution(const char *base_record, const char *cand_record)
{
	char err[128];
	bb_json *a =
	    base_record ? bb_json_parse(base_record, strlen(base_record), err, sizeof(err)) : NULL;
	bb_json *b =
	    cand_record ? bb_json_parse(cand_record, strlen(cand_record), err, sizeof(err)) : NULL;
	bb_strbuf out = BB_STRBUF_INIT;
	static const char *const fields[] = {"version", "config", "kernel", "omp_runtime"};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		diff_value(&out, fields[i], bb_json_get(a, fields[i]), bb_json_get(b, fields[i]));
		if (i == 2) {
			const bb_json *ta = bb_json_get(a, "threads"),
			              *tb = bb_json_get(b, "threads");
			diff_value(&out, "threads.layer", bb_json_get(ta, "layer"),
			           bb_json_get(tb, "layer"));
			diff_value(&out, "threads.effective", bb_json_get(ta, "effective"),
			           bb_json_get(tb, "effective"));
		}
	}
	const bb_json *ea = bb_json_get(a, "env"), *eb = bb_json_get(b, "env");
	for (size_t i = 0; ea && i < ea->n; i++) {
		char name[160];
		snprintf(name, sizeof(name), "env %s", ea->keys[i]);
		diff_value(&out, name, ea->items[i], bb_json_get(eb, ea->keys[i]));
	}
	for (size_t i = 0; eb && i < eb->n; i++) {
		if (bb_json_get(ea, eb->keys[i]))
			continue; /* already compared above */
		char name[160];
		snprintf(name, sizeof(name), "env %s", eb->keys[i]);
		diff_value(&out, name, NULL, eb->items[i]);
	}
	bb_strbuf ha = BB_STRBUF_INIT, hb = BB_STRBUF_INIT;
	own_hashes(a, &ha);
	own_hashes(b, &hb);
	if (strcmp(ha.buf, hb.buf))
		bb_strbuf_addf(&out, "%ssha256 %s -> %s", out.len ? "; " : "",
		               ha.len ? ha.buf : "unknown", hb.len ? hb.buf : "unknown");
	bb_strbuf_release(&ha);
	bb_strbuf_release(&hb);
	bb_json_free(a);
	bb_json_free(b);
	return bb_strbuf_detach(&out, NULL);
}

/* ---- matching two runs ----------------------------------------------------------------- */

/* The alias a base alias maps to: itself without pairs, the pair's new alias, or NULL when
 * pairs are given and this alias is in none. */
static const char *mapped_alias(const char *alias, const bb_cmp_pair *pairs, size_t n_pairs)
{
	if (!n_pairs)
		return alias;
	for (size_t i = 0; i < n_pairs; i++)
		if (!strcmp(alias, pairs[i].old_alias))
			return pairs[i].new_alias;
	return NULL;
}

static int is_paired_new(const char *alias, const bb_cmp_pair *pairs, size_t n_pairs)
{
	if (!n_pairs)
		return 1;
	for (size_t i = 0; i < n_pairs; i++)
		if (!strcmp(alias, pairs[i].new_alias))
			return 1;
	return 0;
}

/* The cell key without its alias part ("workload|t=N"). */
static const char *key_rest(const char *key)
{
	const char *bar = strchr(key, '|');
	return bar ? bar + 1 : key;
}

static int row_order(const void *pa, const void *pb)
{
	const bb_cmp_row *a = pa, *b = pb;
	if (a->r.verdict != b->r.verdict)
		return a->r.verdict < b->r.verdict ? -1 : 1;
	if (a->r.outcome_changed != b->r.outcome_changed)
		return a->r.outcome_changed ? -1 : 1;
	int na = isnan(a->r.ratio), nb = isnan(b->r.ratio);
	if (na != nb)
		return na ? 1 : -1;
	if (!na && a->r.ratio != b->r.ratio)
		return a->r.ratio > b->r.ratio ? -1 : 1;
	int c = strcmp(a->backend, b->backend);
	return c ? c : strcmp(a->workload, b->workload);
}

static void add_row(bb_cmp_report *rep, size_t *alloc, const bb_db_cmp_cell *bc,
                    const bb_db_cmp_cell *cc)
{
	if (rep->n_rows == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 32;
		rep->rows = bb_xrealloc(rep->rows, *alloc * sizeof(*rep->rows));
	}
	bb_cmp_row *row = &rep->rows[rep->n_rows++];
	memset(row, 0, sizeof(*row));
	row->base = bc;
	row->cand = cc;
	const bb_db_cmp_cell *any = bc ? bc : cc;
	if (bc && cc && strcmp(bc->alias, cc->alias))
		row->backend = bb_xasprintf("%s->%s", bc->alias, cc->alias);
	else
		row->backend = bb_xstrdup(any->alias);
	row->workload = bb_xasprintf("%s t=%d", any->workload_key, any->threads);
	if (!bc || !cc) {
		row->r.ratio = row->r.ci_low = row->r.ci_high = row->r.p = NAN;
		row->r.base_noise = row->r.cand_noise = NAN;
		row->r.verdict = bc ? BB_CMP_MISSING : BB_CMP_NEW;
		row->r.why = bc ? "not in candidate" : "not in base";
		row->differs = bb_xstrdup("");
		return;
	}
	bb_cmp_side bs = {bc->status, bc->samples, bc->n_samples, bc->ci_low_s, bc->ci_high_s};
	bb_cmp_side cs = {cc->status, cc->samples, cc->n_samples, cc->ci_low_s, cc->ci_high_s};
	bb_cmp_cell(&bs, &cs, rep->threshold, &row->r);
	row->differs = bb_cmp_attribution(
	    rep->base->backends ? rep->base->backends[bc->backend].record_json : NULL,
	    rep->cand->backends ? rep->cand->backends[cc->backend].record_json : NULL);
}

void bb_cmp_report_build(bb_cmp_report *rep, const bb_db_cmp_run *base, const bb_db_cmp_run *cand,
                         const bb_cmp_pair *pairs, size_t n_pairs, double threshold)
{
	size_t alloc = 0;
	memset(rep, 0, sizeof(*rep));
	rep->base = base;
	rep->cand = cand;
	rep->threshold = threshold;
	rep->host_differs = base->host_fingerprint && cand->host_fingerprint &&
	                    strcmp(base->host_fingerprint, cand->host_fingerprint);
	char *used = bb_xcalloc(cand->n_cells ? cand->n_cells : 1, 1);
	for (size_t i = 0; i < base->n_cells; i++) {
		const bb_db_cmp_cell *bc = &base->cells[i];
		const char *to = mapped_alias(bc->alias, pairs, n_pairs);
		if (!to)
			continue;
		const bb_db_cmp_cell *match = NULL;
		for (size_t j = 0; j < cand->n_cells && !match; j++) {
			const bb_db_cmp_cell *cc = &cand->cells[j];
			if (!used[j] && !strcmp(cc->alias, to) &&
			    !strcmp(key_rest(cc->cell_key), key_rest(bc->cell_key)))
				match = cc, used[j] = 1;
		}
		add_row(rep, &alloc, bc, match);
	}
	for (size_t j = 0; j < cand->n_cells; j++)
		if (!used[j] && is_paired_new(cand->cells[j].alias, pairs, n_pairs))
			add_row(rep, &alloc, NULL, &cand->cells[j]);
	free(used);
	for (size_t i = 0; i < rep->n_rows; i++) {
		const bb_cmp_row *row = &rep->rows[i];
		switch (row->r.verdict) {
		case BB_CMP_REGRESSION:
			rep->regressions++;
			break;
		case BB_CMP_IMPROVEMENT:
			rep->improvements++;
			break;
		case BB_CMP_UNSTABLE:
			rep->unstable++;
			break;
		case BB_CMP_MISSING:
			rep->missing++;
			break;
		case BB_CMP_NEW:
			rep->added++;
			break;
		case BB_CMP_UNCHANGED:
			rep->unchanged++;
			break;
		}
		if (row->cand && bb_cmp_status_failed(row->cand->status))
			rep->cand_failed++;
	}
	if (rep->n_rows)
		qsort(rep->rows, rep->n_rows, sizeof(*rep->rows), row_order);
}

void bb_cmp_report_release(bb_cmp_report *rep)
{
	for (size_t i = 0; i < rep->n_rows; i++) {
		free(rep->rows[i].backend);
		free(rep->rows[i].workload);
		free(rep->rows[i].differs);
	}
	free(rep->rows);
	memset(rep, 0, sizeof(*rep));
}
