/*
 * gate's re-measuring judge (see remeasure.h).  Each round: every candidate cell with its
 * baseline is judged as `compare` would (reports/compare_verdict.c, over paired passes when
 * both sides are in this run); the cells still open ask for more passes, regressions to
 * confirm first, then disturbed pairs, then inconclusive cells needing the fewest pairs, as
 * many as the budget left allows at the pass cost seen so far.
 */
#include "harness/engine/remeasure.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

static const char *key_rest(const char *key)
{
	const char *bar = strchr(key, '|');
	return bar ? bar + 1 : key;
}

static bb_remeasure_cell *state_of(bb_remeasure *rm, const char *key)
{
	for (size_t i = 0; i < rm->n_cells; i++)
		if (!strcmp(rm->cells[i].key, key))
			return &rm->cells[i];
	rm->cells = bb_xrealloc(rm->cells, (rm->n_cells + 1) * sizeof(*rm->cells));
	bb_remeasure_cell *c = &rm->cells[rm->n_cells++];
	memset(c, 0, sizeof(*c));
	c->key = bb_xstrdup(key);
	c->regression_at = -1;
	return c;
}

static const char *mapped(const bb_remeasure *rm, const char *cand_alias)
{
	for (size_t i = 0; i < rm->n_pairs; i++)
		if (!strcmp(rm->pairs[i].new_alias, cand_alias))
			return rm->pairs[i].old_alias;
	return NULL;
}

/* A wish for more passes: cells[ci] (and, interleaved, its partner bi) get `more`. */
typedef struct wish {
	size_t ci, bi;
	int paired;
	int more;
	int rank; /* 0 confirm a regression, 1 disturbed, 2 inconclusive */
	int need; /* inconclusive: pairs it needs (sorts the cheapest first) */
} wish;

static int wish_order(const void *pa, const void *pb)
{
	const wish *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank - b->rank;
	return a->need - b->need;
}

int bb_remeasure_judge(void *arg, bb_engine_view *cells, size_t n, double elapsed, double pass_cost)
{
	bb_remeasure *rm = arg;
	int step = rm->step > 1 ? rm->step : 2;
	if (!rm->budget_total && rm->rounds >= BB_REMEASURE_MAX_ROUNDS) {
		rm->budget_spent = 1;
		return 0;
	}
	if (!rm->rounds)
		rm->planned_s = elapsed;
	wish *w = bb_xcalloc(n ? n : 1, sizeof(*w));
	size_t nw = 0;
	for (size_t ci = 0; ci < n; ci++) {
		bb_engine_view *c = &cells[ci];
		bb_cmp_side bs = {0}, cs = {"ok", c->samples,     c->n_samples, NAN,
		                            NAN,  c->sample_pass, c->disturbed, c->n_disturbed};
		size_t bi = (size_t)-1;
		bb_cmp_mode mode;
		if (!c->ok)
			continue;
		if (rm->stored) {
			const bb_db_cmp_cell *sc = NULL;
			for (size_t k = 0; k < rm->stored->n_cells && !sc; k++)
				if (!strcmp(rm->stored->cells[k].cell_key, c->key))
					sc = &rm->stored->cells[k];
			if (!sc || !bb_cmp_status_ok(sc->status))
				continue;
			bs = (bb_cmp_side){sc->status,    sc->samples,    sc->n_samples,
			                   sc->ci_low_s,  sc->ci_high_s,  sc->sample_pass,
			                   sc->disturbed, sc->n_disturbed};
			mode = BB_CMP_APART;
		} else {
			const char *base_alias = mapped(rm, c->alias);
			if (!base_alias)
				continue;
			for (size_t k = 0; k < n && bi == (size_t)-1; k++)
				if (cells[k].ok && !strcmp(cells[k].alias, base_alias) &&
				    !strcmp(key_rest(cells[k].key), key_rest(c->key)))
					bi = k;
			if (bi == (size_t)-1)
				continue;
			const bb_engine_view *b = &cells[bi];
			bs = (bb_cmp_side){"ok", b->samples,     b->n_samples, NAN,
			                   NAN,  b->sample_pass, b->disturbed, b->n_disturbed};
			mode = BB_CMP_INTERLEAVED;
		}
		bb_cmp_result r;
		bb_cmp_cell(&bs, &cs, rm->threshold, mode, &r);
		bb_remeasure_cell *st = state_of(rm, c->key);
		wish x = {ci, bi, bi != (size_t)-1, 0, 2, 0};
		size_t dist = c->n_disturbed + (bi != (size_t)-1 ? cells[bi].n_disturbed : 0);
		if (r.verdict == BB_CMP_REGRESSION) {
			if (st->regression_at < 0)
				st->regression_at = rm->rounds;
			if (st->regression_at < rm->rounds) {
				st->confirmed = 1; /* still a regression after fresh passes */
				continue;
			}
			x.rank = 0, x.more = step;
		} else if (dist > (size_t)st->disturbed_given &&
		           st->disturbed_given < BB_REMEASURE_DISTURBED) {
			x.rank = 1, x.more = (int)dist - st->disturbed_given;
			st->disturbed_given += x.more;
		} else if (r.verdict == BB_CMP_INCONCLUSIVE) {
			st->regression_at = -1; /* a regression that did not hold */
			if (!rm->inconclusive_too)
				continue;
			x.need = r.more_units > 0 ? r.more_units : 999;
			x.more = r.more_units > step
			             ? (r.more_units < 4 * step ? r.more_units : 4 * step)
			             : step;
		} else {
			st->regression_at = -1;
			continue;
		}
		if (mode == BB_CMP_APART && r.verdict == BB_CMP_INCONCLUSIVE && r.more_units < 0)
			continue; /* more candidate passes cannot beat the between-run noise */
		w[nw++] = x;
	}
	qsort(w, nw, sizeof(*w), wish_order);
	double spend = 0;
	int asked = 0;
	for (size_t i = 0; i < nw; i++) {
		double cost = pass_cost * w[i].more * (w[i].paired ? 2 : 1);
		if (rm->budget_total > 0 && elapsed + spend + cost > rm->budget_total) {
			rm->budget_spent = 1;
			continue;
		}
		spend += cost;
		cells[w[i].ci].more = w[i].more;
		if (w[i].paired)
			cells[w[i].bi].more = w[i].more;
		rm->extra_passes += w[i].more * (w[i].paired ? 2 : 1);
		asked++;
	}
	free(w);
	rm->rounds++;
	rm->rounds_asked += asked > 0;
	return asked;
}

int bb_remeasure_confirmed(const bb_remeasure *rm, const char *key)
{
	for (size_t i = 0; i < rm->n_cells; i++)
		if (!strcmp(rm->cells[i].key, key))
			return rm->cells[i].confirmed;
	return 0;
}

void bb_remeasure_release(bb_remeasure *rm)
{
	for (size_t i = 0; i < rm->n_cells; i++)
		free(rm->cells[i].key);
	free(rm->cells);
	rm->cells = NULL;
	rm->n_cells = 0;
}
