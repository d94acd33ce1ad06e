/*
 * The verdict of `blasbench compare` / `gate` for one cell: two sides' statuses and raw
 * samples in, a ratio of medians with its CI, a p-value and a verdict out (bb_cmp_cell).  The
 * statistics themselves are common/stats.c; matching the cells of two runs is
 * compare_match.c.  Contracts are in reports/compare.h.
 *
 * Verdict rules (bb_cmp_cell), in order:
 *   1. Outcomes: base ok and candidate wrong/crash/hang/error -> regression (outcome changed),
 *      whatever the speed; base failed and candidate ok -> improvement; a skipped side -> missing
 *      or new; both failed or both skipped -> unchanged (outcome_changed set when the status
 *      differs); an unchanged cell without a measurement is a gap (compare_gaps.c).
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
#include <string.h>

#include "common/stats.h"

const char *bb_cmp_verdict_name(bb_cmp_verdict v)
{
	static const char *const names[] = {"regression", "missing",   "unstable",
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

void bb_cmp_cell(const bb_cmp_side *base, const bb_cmp_side *cand, double threshold,
                 bb_cmp_result *r)
{
	memset(r, 0, sizeof(*r));
	r->ratio = r->ci_low = r->ci_high = r->p = NAN;
	r->base_noise = r->cand_noise = NAN;
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
		r->verdict = BB_CMP_UNSTABLE, r->why = "too few samples";
		return;
	}
	bb_bootstrap_ratio_ci(base->x, base->n, cand->x, cand->n, BB_CMP_RESAMPLES, BB_CMP_SEED,
	                      &r->ci_low, &r->ci_high);
	r->p = bb_mann_whitney_p(base->x, base->n, cand->x, cand->n);
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
