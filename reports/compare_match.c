/*
 * Matching two loaded runs cell by cell for `blasbench compare` / `gate`
 * (bb_cmp_report_build): cells pair up by cell key, the alias part mapped through --pair when
 * given; each pair gets its verdict (compare_verdict.c) and attribution (compare_attrib.c),
 * cells on one side only become "missing" or "new", the rows are counted by verdict and by
 * whether both sides were measured (what compare_gaps.c judges), and sorted worst first for
 * the renderers (compare_render.c).  Contracts are in reports/compare.h.
 */
#include "reports/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

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

/* A cell that carries a measurement: ok, with samples. */
static int is_measured(const bb_db_cmp_cell *c)
{
	return bb_cmp_status_ok(c->status) && c->n_samples > 0;
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
	bb_cmp_side bs = {bc->status,  bc->samples,   bc->n_samples,  bc->ci_low_s,
	                  bc->ci_high_s, bc->sample_pass, bc->disturbed, bc->n_disturbed};
	bb_cmp_side cs = {cc->status,  cc->samples,   cc->n_samples,  cc->ci_low_s,
	                  cc->ci_high_s, cc->sample_pass, cc->disturbed, cc->n_disturbed};
	bb_cmp_cell(&bs, &cs, rep->threshold, rep->mode, &row->r);
	row->differs = bb_cmp_attribution(
	    rep->base->backends ? rep->base->backends[bc->backend].record_json : NULL,
	    rep->cand->backends ? rep->cand->backends[cc->backend].record_json : NULL);
}

/* Once per compared backend pair: how their inherited environments differ (a variable that
 * changes what the library does may leave some cells unchanged, and is still a difference). */
static void env_differs(bb_cmp_report *rep)
{
	for (size_t i = 0; i < rep->n_rows; i++) {
		const bb_cmp_row *row = &rep->rows[i];
		if (!row->base || !row->cand || !rep->base->backends || !rep->cand->backends)
			continue;
		char *d =
		    bb_cmp_env_attribution(rep->base->backends[row->base->backend].record_json,
		                           rep->cand->backends[row->cand->backend].record_json);
		char *line = *d ? bb_xasprintf("%s: %s", row->backend, d) : NULL;
		free(d);
		for (size_t k = 0; line && k < rep->n_env_differs; k++)
			if (!strcmp(rep->env_differs[k], line)) {
				free(line);
				line = NULL;
			}
		if (!line)
			continue;
		rep->env_differs =
		    bb_xrealloc(rep->env_differs, (rep->n_env_differs + 1) * sizeof(char *));
		rep->env_differs[rep->n_env_differs++] = line;
	}
}

void bb_cmp_report_build(bb_cmp_report *rep, const bb_db_cmp_run *base, const bb_db_cmp_run *cand,
                         const bb_cmp_pair *pairs, size_t n_pairs, double threshold)
{
	size_t alloc = 0;
	memset(rep, 0, sizeof(*rep));
	rep->base = base;
	rep->cand = cand;
	rep->threshold = threshold;
	/* one run with itself (--pair): its backends' workers ran pass after pass, in random
	 * order within each, so pass i of each side is a pair measured side by side */
	rep->mode = base->id == cand->id && base->db_path && cand->db_path &&
	                    !strcmp(base->db_path, cand->db_path)
	                ? BB_CMP_INTERLEAVED
	                : BB_CMP_APART;
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
	/* what the process could use is the same for every backend of a run: said once */
	for (size_t i = 0; i < rep->n_rows && !rep->limits_differ; i++) {
		const bb_cmp_row *row = &rep->rows[i];
		if (row->base && row->cand && base->backends && cand->backends)
			rep->limits_differ =
			    bb_cmp_limits_differ(base->backends[row->base->backend].record_json,
			                         cand->backends[row->cand->backend].record_json);
	}
	if (!rep->limits_differ)
		rep->limits_differ = bb_xstrdup("");
	for (size_t i = 0; i < rep->n_rows; i++) {
		const bb_cmp_row *row = &rep->rows[i];
		switch (row->r.verdict) {
		case BB_CMP_REGRESSION:
			rep->regressions++;
			break;
		case BB_CMP_IMPROVEMENT:
			rep->improvements++;
			break;
		case BB_CMP_INCONCLUSIVE:
			rep->inconclusive++;
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
		if (row->base && row->cand) {
			rep->matched++;
			rep->measured += is_measured(row->base) && is_measured(row->cand);
		}
	}
	if (rep->n_rows)
		qsort(rep->rows, rep->n_rows, sizeof(*rep->rows), row_order);
	env_differs(rep);
}

void bb_cmp_report_release(bb_cmp_report *rep)
{
	for (size_t i = 0; i < rep->n_rows; i++) {
		free(rep->rows[i].backend);
		free(rep->rows[i].workload);
		free(rep->rows[i].differs);
	}
	free(rep->rows);
	for (size_t i = 0; i < rep->n_env_differs; i++)
		free(rep->env_differs[i]);
	free(rep->env_differs);
	free(rep->limits_differ);
	memset(rep, 0, sizeof(*rep));
}
