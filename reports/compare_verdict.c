/*
 * The verdict of `blasbench compare` / `gate` for one cell: two sides' statuses and raw
 * samples (with the pass, i.e. worker process, of each) in, a change with its 95% CI, a
 * p-value and a verdict out (bb_cmp_cell).  The statistics themselves are common/stats.c;
 * matching the cells of two runs is compare_match.c.  Contracts are in reports/compare.h.
 *
 * The unit.  Samples inside one worker are not independent (one memory placement, one time
 * window): two identical stacks measured in one worker each differ "significantly".  So the
 * change is computed over passes: with the sides interleaved in one run, over the pairs of
 * passes measured side by side (pass i of each): the median of their log ratios with its
 * distribution-free CI (order statistics; a pass the host upset moves it little), below
 * BB_MIN_PAIRS pairs their mean with Student's t;
 * else over each side's pass medians (Welch), adding, for two different runs, the between-run
 * noise (one more pass's spread: the run offset no pass of either run can see).  Passes the
 * host disturbed are left out while BB_CMP_MIN_UNITS remain.  Cells with fewer passes (an old
 * database, --passes 1 or 2) fall back to samples: a bootstrap CI of the ratio of medians
 * widened to every ratio the recorded CIs (which cover every pass's median) allow.
 *
 * Verdict rules, in order:
 *   1. Outcomes: base ok and candidate wrong/crash/hang/error -> regression (outcome changed),
 *      whatever the speed; base failed and candidate ok -> improvement; a skipped side -> missing
 *      or new; both failed or both skipped -> unchanged (outcome_changed set when the status
 *      differs); an unchanged cell without a measurement is a gap (compare_gaps.c).
 *   2. Both ok but fewer than BB_CMP_MIN_SAMPLES samples on a side -> inconclusive.
 *   3. regression when the whole CI of cand/base lies above 1 + threshold (and, over samples,
 *      Mann-Whitney p < 0.05); improvement when it lies below 1 / (1 + threshold) (the mirror
 *      image: swapping the sides swaps the two).
 *   4. unchanged only when the whole CI lies within [1 / (1 + threshold), 1 + threshold]: an
 *      equivalence test, not the absence of a significant difference.
 *   5. inconclusive otherwise: the CI straddles a bound; more_units says how many more pairs
 *      (passes) would resolve it at the spread seen, -1 when none would.
 */
#include "reports/compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/stats.h"

const char *bb_cmp_verdict_name(bb_cmp_verdict v)
{
	static const char *const names[] = {"regression", "missing",   "inconclusive",
	                                    "new",        "unchanged", "improvement"};
	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
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

/* The medians of side s's passes not disturbed (all of them when fewer than BB_CMP_MIN_UNITS
 * would remain): ids[] and med[] (malloc'd, caller frees), ordered by pass id.  Returns how
 * many; 0 without pass ids. */
static size_t pass_medians(const bb_cmp_side *s, int **ids, double **med)
{
	*ids = NULL;
	*med = NULL;
	if (!s->pass || !s->n)
		return 0;
	int *uniq = bb_xmalloc(s->n * sizeof(int));
	size_t nu = 0;
	for (size_t i = 0; i < s->n; i++) {
		size_t k = 0;
		while (k < nu && uniq[k] != s->pass[i])
			k++;
		if (k == nu)
			uniq[nu++] = s->pass[i];
	}
	size_t clean = 0;
	for (size_t k = 0; k < nu; k++) {
		int dist = 0;
		for (size_t d = 0; d < s->n_disturbed; d++)
			dist |= s->disturbed[d] == uniq[k];
		clean += !dist;
	}
	int skip_disturbed = clean >= BB_CMP_MIN_UNITS;
	*ids = bb_xmalloc(nu * sizeof(int));
	*med = bb_xmalloc(nu * sizeof(double));
	double *buf = bb_xmalloc(s->n * sizeof(double));
	size_t n = 0;
	for (int pass = 0; nu;) { /* ascending pass ids */
		int lowest = 0, found = 0;
		for (size_t k = 0; k < nu; k++)
			if (uniq[k] >= pass && (!found || uniq[k] < lowest))
				lowest = uniq[k], found = 1;
		if (!found)
			break;
		int dist = 0;
		for (size_t d = 0; d < s->n_disturbed; d++)
			dist |= s->disturbed[d] == lowest;
		if (!(dist && skip_disturbed)) {
			size_t m = 0;
			for (size_t i = 0; i < s->n; i++)
				if (s->pass[i] == lowest)
					buf[m++] = s->x[i];
			(*ids)[n] = lowest;
			(*med)[n++] = bb_median(buf, m);
		}
		pass = lowest + 1;
	}
	free(buf);
	free(uniq);
	return n;
}

/* The change over passes: paired when the mode says so and enough pairs exist, else each
 * side's passes.  Returns 0 with c filled and r->unit set, -1 when there are too few. */
static int unit_change(const bb_cmp_side *base, const bb_cmp_side *cand, bb_cmp_mode mode,
                       bb_unit_ci *c, bb_cmp_result *r)
{
	int *bi, *ci;
	double *bm, *cm;
	size_t nb = pass_medians(base, &bi, &bm), nc = pass_medians(cand, &ci, &cm);
	int rc = -1;
	if (mode == BB_CMP_INTERLEAVED) {
		double *pb = bb_xmalloc((nb + 1) * sizeof(double)), *pc = bb_xmalloc((nb + 1) * sizeof(double));
		size_t np = 0;
		for (size_t i = 0; i < nb; i++)
			for (size_t j = 0; j < nc; j++)
				if (bi[i] == ci[j]) {
					pb[np] = bm[i];
					pc[np++] = cm[j];
				}
		if (np >= BB_CMP_MIN_UNITS && bb_paired_log_ci(pb, pc, np, c) == 0)
			rc = 0, r->unit = "paired passes";
		free(pb);
		free(pc);
	}
	if (rc && nb >= BB_CMP_MIN_UNITS && nc >= BB_CMP_MIN_UNITS &&
	    bb_unpaired_log_ci(bm, nb, cm, nc, mode == BB_CMP_APART, c) == 0)
		rc = 0, r->unit = "passes";
	free(bi);
	free(ci);
	free(bm);
	free(cm);
	return rc;
}

/* The old estimate, for cells without enough passes: bootstrap over samples, widened to the
 * recorded CIs, which cover the spread between passes that pooled samples hide. */
static void sample_change(const bb_cmp_side *base, const bb_cmp_side *cand, bb_cmp_result *r)
{
	bb_bootstrap_ratio_ci(base->x, base->n, cand->x, cand->n, BB_CMP_RESAMPLES, BB_CMP_SEED,
	                      &r->ci_low, &r->ci_high);
	r->p = bb_mann_whitney_p(base->x, base->n, cand->x, cand->n);
	if (base->ci_low > 0 && base->ci_high > 0 && cand->ci_low > 0 && cand->ci_high > 0) {
		double lo = cand->ci_low / base->ci_high, hi = cand->ci_high / base->ci_low;
		if (lo < r->ci_low)
			r->ci_low = lo;
		if (hi > r->ci_high)
			r->ci_high = hi;
	}
	r->unit = "samples";
	r->units = (int)(base->n < cand->n ? base->n : cand->n);
	r->more_units = -1;
}

void bb_cmp_cell(const bb_cmp_side *base, const bb_cmp_side *cand, double threshold,
                 bb_cmp_mode mode, bb_cmp_result *r)
{
	memset(r, 0, sizeof(*r));
	r->ratio = r->ci_low = r->ci_high = r->p = NAN;
	r->base_noise = r->cand_noise = NAN;
	r->more_units = -1;
	int bok = bb_cmp_status_ok(base->status), cok = bb_cmp_status_ok(cand->status);
	if (bok && base->n && cand->n)
		r->ratio = bb_median(cand->x, cand->n) / bb_median(base->x, base->n);
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
		else if (!bb_cmp_status_failed(base->status) && !bb_cmp_status_failed(cand->status))
			r->verdict = BB_CMP_UNCHANGED, r->why = "not measured on either side";
		else
			r->verdict = BB_CMP_UNCHANGED, r->why = "failed on both sides";
		return;
	}
	r->base_noise = bb_median_noise(base->x, base->n);
	r->cand_noise = bb_median_noise(cand->x, cand->n);
	if (base->n < BB_CMP_MIN_SAMPLES || cand->n < BB_CMP_MIN_SAMPLES) {
		r->verdict = BB_CMP_INCONCLUSIVE, r->why = "too few samples";
		return;
	}
	bb_unit_ci c;
	int by_samples = unit_change(base, cand, mode, &c, r) != 0;
	if (by_samples) {
		sample_change(base, cand, r);
	} else {
		r->ratio = exp(c.est);
		r->ci_low = exp(c.lo);
		r->ci_high = exp(c.hi);
		r->p = c.p;
		r->units = c.n;
		r->more_units = bb_units_needed(&c, threshold);

		r->between_run_bound = r->more_units < 0 && c.fixed_var > 0 &&
		                       4 * c.fixed_var >= pow(log(1 + threshold) - fabs(c.est), 2);
	}
	double up = 1 + threshold, down = 1 / (1 + threshold);
	int significant = !by_samples || r->p < BB_CMP_ALPHA;
	if (r->ci_low > up && significant)
		r->verdict = BB_CMP_REGRESSION, r->why = "slower beyond the threshold";
	else if (r->ci_high < down && significant)
		r->verdict = BB_CMP_IMPROVEMENT, r->why = "faster beyond the threshold";
	else if (r->ci_low >= down && r->ci_high <= up)
		r->verdict = BB_CMP_UNCHANGED, r->why = "CI within the threshold";
	else
		r->verdict = BB_CMP_INCONCLUSIVE, r->why = "CI straddles the threshold";
	if (r->verdict != BB_CMP_INCONCLUSIVE)
		r->more_units = 0;
}

void bb_cmp_resolve_text(const bb_cmp_result *r, double threshold, char *buf, size_t len)
{
	buf[0] = 0;
	if (r->verdict != BB_CMP_INCONCLUSIVE)
		return;
	if (isnan(r->ci_low)) {
		snprintf(buf, len, "%s", r->why ? r->why : "");
		return;
	}
	int k = snprintf(buf, len, "CI [%+.1f, %+.1f]%% straddles +-%.1f%%: ", (r->ci_low - 1) * 100,
	                 (r->ci_high - 1) * 100, threshold * 100);
	if (k < 0 || (size_t)k >= len)
		return;
	const char *unit = r->unit ? r->unit : "";
	if (!strcmp(unit, "samples"))
		snprintf(buf + k, len - (size_t)k,
		         "samples of one worker per side; measure with --passes 3 or more");
	else if (r->more_units >= 999)
		snprintf(buf + k, len - (size_t)k,
		         "the change is close to the threshold: 999 or more %s would be needed",
		         !strcmp(unit, "paired passes") ? "interleaved pairs" : "passes per side");
	else if (r->more_units > 0 && !strcmp(unit, "paired passes"))
		snprintf(buf + k, len - (size_t)k, "~%d more interleaved pair%s would resolve it",
		         r->more_units, r->more_units == 1 ? "" : "s");
	else if (r->more_units > 0)
		snprintf(buf + k, len - (size_t)k, "~%d more pass%s per side would resolve it",
		         r->more_units, r->more_units == 1 ? "" : "es");
	else if (r->between_run_bound)
		snprintf(buf + k, len - (size_t)k,
		         "the noise between two runs alone is wider than the margin, so no number of "
		         "passes resolves it; measure both stacks in one run (interleaved: gate "
		         "--baseline-backends, or run both and compare --pair)");
	else
		snprintf(buf + k, len - (size_t)k,
		         "the change sits on the threshold, so no number of passes resolves it at "
		         "this threshold");
}
