/*
 * The verdict logic of `compare` on synthetic samples with known answers: identical
 * distributions are unchanged, a 10% slowdown with tight noise is a regression whose CI excludes
 * the 5% threshold, 3% is unchanged, heavy noise is inconclusive, a speed-up is an improvement,
 * an ok -> crash change is a regression whatever the speed; the bootstrap is deterministic and
 * the p-value behaves (identical ~1, separated < 1e-3).  Attribution names what differs.
 *
 * Over passes (the independent unit): unchanged only when the whole CI lies within the
 * threshold (equivalence); a CI straddling it is inconclusive with how many more pairs would
 * resolve it; samples tight inside each worker but passes that disagree are not a regression;
 * a slowdown under host phases that hit both sides alike is confirmed by pairing, not by two
 * runs apart; one upset pair moves the paired median little; disturbed passes are left out;
 * fewer than BB_MIN_PAIRS pairs use Student's t.  Student's t against published values.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/stats.h"
#include "reports/compare.h"
#include "test_util.h"

#define N 60

static uint64_t rng_state = 12345;

/* Uniform in [0, 1), deterministic. */
static double uniform(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* n samples around `center` with relative uniform jitter +-noise. */
static void fill(double *x, size_t n, double center, double noise)
{
	for (size_t i = 0; i < n; i++)
		x[i] = center * (1 + noise * (2 * uniform() - 1));
}

static bb_cmp_verdict verdict(const double *a, const double *b, size_t n, double thr,
                              bb_cmp_result *r)
{
	bb_cmp_side sa = {"ok", a, n, NAN, NAN, NULL, NULL, 0};
	bb_cmp_side sb = {"ok", b, n, NAN, NAN, NULL, NULL, 0};
	bb_cmp_cell(&sa, &sb, thr, BB_CMP_APART, r);
	return r->verdict;
}

#define PASSES 12
#define PER 15 /* samples per pass */

/* PASSES passes of PER samples: pass p's level is center * (1 + phase[p]) with +-within
 * jitter on each sample; pass[] gets the pass ids. */
static void fill_passes(double *x, int *pass, int n_passes, double center, const double *phase,
                        double within)
{
	for (int p = 0; p < n_passes; p++)
		for (int i = 0; i < PER; i++) {
			x[p * PER + i] = center * (1 + phase[p]) * (1 + within * (2 * uniform() - 1));
			pass[p * PER + i] = p;
		}
}

static bb_cmp_verdict by_passes(const double *a, const int *pa, const double *b, const int *pb,
                                int n_passes, double thr, bb_cmp_mode mode, const int *dist,
                                size_t n_dist, bb_cmp_result *r)
{
	size_t n = (size_t)n_passes * PER;
	bb_cmp_side sa = {"ok", a, n, NAN, NAN, pa, NULL, 0};
	bb_cmp_side sb = {"ok", b, n, NAN, NAN, pb, dist, n_dist};
	bb_cmp_cell(&sa, &sb, thr, mode, r);
	return r->verdict;
}

static void test_passes(void)
{
	double a[PASSES * PER], b[PASSES * PER], phase[PASSES], zero[PASSES] = {0}, pn[PASSES];
	int pa[PASSES * PER], pb[PASSES * PER];
	bb_cmp_result r;
	char text[256];

	/* Student's t: published 97.5% quantiles and p-values */
	BB_CHECK_NEAR(bb_t975(1), 12.706, 1e-3);
	BB_CHECK_NEAR(bb_t975(10), 2.228, 1e-3);
	BB_CHECK_NEAR(bb_t975(120), 1.980, 2e-3);
	BB_CHECK_NEAR(bb_t_p(2.228, 10), 0.05, 1e-3);
	BB_CHECK_NEAR(bb_t_p(0, 5), 1, 1e-12);
	BB_CHECK_NEAR(bb_t_p(-12.706, 1), 0.05, 1e-3);

	/* host phases of +-8% that hit both sides alike (measured side by side) */
	for (int p = 0; p < PASSES; p++) {
		phase[p] = 0.08 * (2 * uniform() - 1);
		pn[p] = 0.002 * (2 * uniform() - 1);
	}
	/* equivalence: identical stacks interleaved -> unchanged, the whole CI within +-5% */
	fill_passes(a, pa, PASSES, 1e-3, phase, 0.01);
	fill_passes(b, pb, PASSES, 1e-3, phase, 0.01);
	BB_CHECK_STR(bb_cmp_verdict_name(by_passes(a, pa, b, pb, PASSES, 0.05, BB_CMP_INTERLEAVED,
	                                           NULL, 0, &r)),
	             "unchanged");
	BB_CHECK_STR(r.unit, "paired passes");
	BB_CHECK_INT(r.units, PASSES);
	BB_CHECK(r.ci_low >= 1 / 1.05 && r.ci_high <= 1.05);
	/* the same samples as two runs apart: the phases are not shared, the between-run noise is
	 * added -> inconclusive, and said with what would resolve it */
	BB_CHECK_STR(bb_cmp_verdict_name(by_passes(a, pa, b, pb, PASSES, 0.05, BB_CMP_APART, NULL,
	                                           0, &r)),
	             "inconclusive");
	BB_CHECK_STR(r.unit, "passes");
	BB_CHECK(r.ci_low < 1 / 1.05 || r.ci_high > 1.05);
	bb_cmp_resolve_text(&r, 0.05, text, sizeof(text));
	BB_CHECK(strstr(text, "straddles +-5.0%") != NULL);

	/* confirmed regression: 12% slower under the same phases, paired -> regression */
	fill_passes(b, pb, PASSES, 1.12e-3, phase, 0.01);
	BB_CHECK_STR(bb_cmp_verdict_name(by_passes(a, pa, b, pb, PASSES, 0.05, BB_CMP_INTERLEAVED,
	                                           NULL, 0, &r)),
	             "regression");
	BB_CHECK(r.ci_low > 1.05 && r.p < 0.001);
	BB_CHECK_NEAR(r.ratio, 1.12, 0.01);
	/* swapping the sides: an improvement */
	BB_CHECK_STR(bb_cmp_verdict_name(by_passes(b, pb, a, pa, PASSES, 0.05, BB_CMP_INTERLEAVED,
	                                           NULL, 0, &r)),
	             "improvement");

	/* straddling: 3% slower with pass noise of +-3% (not shared), 6 pairs -> inconclusive,
	 * with a finite number of more pairs that would resolve it */
	const double own[6] = {0.03, -0.03, 0.02, -0.01, 0.025, -0.02};
	fill_passes(a, pa, 6, 1e-3, zero, 0.001);
	fill_passes(b, pb, 6, 1.03e-3, own, 0.001);
	BB_CHECK_STR(bb_cmp_verdict_name(by_passes(a, pa, b, pb, 6, 0.05, BB_CMP_INTERLEAVED, NULL,
	                                           0, &r)),
	             "inconclusive");
	BB_CHECK(r.more_units > 0 && r.more_units < 999);
	bb_cmp_resolve_text(&r, 0.05, text, sizeof(text));
	BB_CHECK(strstr(text, "more interleaved pair") != NULL);

	/* samples tight inside each worker, passes that disagree by +-8%: within one run the
	 * passes are the unit, so a 6% difference of the pooled samples is no regression... */
	const double ph1[3] = {0.08, -0.06, 0.0}, ph2[3] = {-0.07, 0.08, 0.01};
	fill_passes(a, pa, 3, 1e-3, ph1, 0.002);
	fill_passes(b, pb, 3, 1.1e-3, ph2, 0.002);
	BB_CHECK(by_passes(a, pa, b, pb, 3, 0.05, BB_CMP_SAME_RUN, NULL, 0, &r) !=
	         BB_CMP_REGRESSION);
	BB_CHECK_STR(r.unit, "passes");
	/* ...while the samples taken as independent would have called it one */
	BB_CHECK_STR(bb_cmp_verdict_name(verdict(a, b, 3 * PER, 0.05, &r)), "regression");

	/* one pair the host upset (+80%) among 12 moves the median of the pairs little: still
	 * unchanged (a mean would have been dragged along) */
	fill_passes(a, pa, PASSES, 1e-3, pn, 0.005);
	fill_passes(b, pb, PASSES, 1e-3, pn, 0.005);
	for (int i = 0; i < PER; i++)
		b[7 * PER + i] *= 1.8;
	BB_CHECK_STR(bb_cmp_verdict_name(by_passes(a, pa, b, pb, PASSES, 0.05, BB_CMP_INTERLEAVED,
	                                           NULL, 0, &r)),
	             "unchanged");
	/* four disturbed passes (+50%) are left out when flagged; unflagged they reach the CI */
	fill_passes(b, pb, PASSES, 1e-3, pn, 0.005);
	int dist[] = {1, 4, 6, 9};
	for (size_t d = 0; d < 4; d++)
		for (int i = 0; i < PER; i++)
			b[dist[d] * PER + i] *= 1.5;
	BB_CHECK_STR(bb_cmp_verdict_name(by_passes(a, pa, b, pb, PASSES, 0.05, BB_CMP_INTERLEAVED,
	                                           dist, 4, &r)),
	             "unchanged");
	BB_CHECK_INT(r.units, PASSES - 4);
	BB_CHECK(by_passes(a, pa, b, pb, PASSES, 0.05, BB_CMP_INTERLEAVED, NULL, 0, &r) !=
	         BB_CMP_UNCHANGED);
	BB_CHECK_INT(r.units, PASSES);

	/* below BB_MIN_PAIRS pairs, Student's t on the mean: a clear 30% on 4 pairs is called, a
	 * 6% slowdown with +-4% between pairs is not */
	fill_passes(a, pa, 4, 1e-3, zero, 0.001);
	fill_passes(b, pb, 4, 1.3e-3, zero, 0.001);
	BB_CHECK_STR(bb_cmp_verdict_name(by_passes(a, pa, b, pb, 4, 0.05, BB_CMP_INTERLEAVED, NULL,
	                                           0, &r)),
	             "regression");
	const double wob[4] = {0.04, -0.04, 0.03, -0.03};
	fill_passes(b, pb, 4, 1.06e-3, wob, 0.001);
	BB_CHECK_STR(bb_cmp_verdict_name(by_passes(a, pa, b, pb, 4, 0.05, BB_CMP_INTERLEAVED, NULL,
	                                           0, &r)),
	             "inconclusive");
	/* the paired CI: median and order statistics of the log ratios, sign test */
	double one[6] = {1, 1, 1, 1, 1, 1}, two[6] = {1.1, 1.2, 1.3, 1.4, 1.5, 1.6};
	bb_unit_ci c;
	BB_CHECK_INT(bb_paired_log_ci(one, two, 6, &c), 0);
	BB_CHECK_NEAR(c.est, (log(1.3) + log(1.4)) / 2, 1e-12);
	BB_CHECK_NEAR(c.lo, log(1.1), 1e-12); /* n = 6: ranks 1 and 6 */
	BB_CHECK_NEAR(c.hi, log(1.6), 1e-12);
	BB_CHECK_NEAR(c.p, 2.0 / 64, 1e-12); /* all 6 above: 2 * 2^-6 */
}

int main(void)
{
	double a[N], b[N];
	bb_cmp_result r;

	/* identical distributions: unchanged, p large */
	fill(a, N, 1e-3, 0.01);
	fill(b, N, 1e-3, 0.01);
	BB_CHECK_STR(bb_cmp_verdict_name(verdict(a, b, N, 0.05, &r)), "unchanged");
	BB_CHECK(r.p > 0.05);
	BB_CHECK(r.ci_low < 1.01 && r.ci_high > 0.99 && fabs(r.ratio - 1) < 0.01);

	/* 10% slower, tight noise: regression, CI entirely above 1.05 */
	fill(b, N, 1.1e-3, 0.01);
	BB_CHECK_STR(bb_cmp_verdict_name(verdict(a, b, N, 0.05, &r)), "regression");
	BB_CHECK(r.ci_low > 1.05);
	BB_CHECK_NEAR(r.ratio, 1.1, 0.01);
	BB_CHECK(r.p < 1e-3);
	BB_CHECK(!r.outcome_changed);

	/* 3% slower: below the 5% threshold, unchanged even though it is significant */
	fill(b, N, 1.03e-3, 0.01);
	BB_CHECK_STR(bb_cmp_verdict_name(verdict(a, b, N, 0.05, &r)), "unchanged");
	BB_CHECK(r.p < 0.05);
	/* ...but a regression at a 1% threshold */
	BB_CHECK_STR(bb_cmp_verdict_name(verdict(a, b, N, 0.01, &r)), "regression");

	/* very noisy candidate, 10% slower in the median: inconclusive, not a regression */
	fill(b, N, 1.1e-3, 0.9);
	BB_CHECK_STR(bb_cmp_verdict_name(verdict(a, b, N, 0.05, &r)), "inconclusive");
	BB_CHECK(r.cand_noise > 0.05);

	/* 20% faster: improvement (CI entirely below 1 / 1.05) */
	fill(b, N, 0.8e-3, 0.01);
	BB_CHECK_STR(bb_cmp_verdict_name(verdict(a, b, N, 0.05, &r)), "improvement");
	BB_CHECK(r.ci_high < 1 / 1.05);

	/* swapping the sides swaps regression and improvement */
	fill(b, N, 1.1e-3, 0.01);
	BB_CHECK_STR(bb_cmp_verdict_name(verdict(b, a, N, 0.05, &r)), "improvement");

	/* too few samples: inconclusive */
	BB_CHECK_STR(bb_cmp_verdict_name(verdict(a, b, 3, 0.05, &r)), "inconclusive");

	/* outcome: ok -> crash is a regression even with no time to compare */
	bb_cmp_side ok = {"ok", a, N, NAN, NAN, NULL, NULL, 0},
	            crash = {"crash", NULL, 0, NAN, NAN, NULL, NULL, 0},
	            wrong = {"wrong", NULL, 0, NAN, NAN, NULL, NULL, 0};
	bb_cmp_cell(&ok, &crash, 0.05, BB_CMP_APART, &r);
	BB_CHECK_STR(bb_cmp_verdict_name(r.verdict), "regression");
	BB_CHECK(r.outcome_changed);
	/* ok -> wrong with a faster time is still a regression */
	bb_cmp_side wrong_fast = {"wrong", b, N, NAN, NAN, NULL, NULL, 0};
	bb_cmp_cell(&ok, &wrong_fast, 0.05, BB_CMP_APART, &r);
	BB_CHECK_STR(bb_cmp_verdict_name(r.verdict), "regression");
	/* crash -> ok is an improvement; crash -> wrong is no new regression */
	bb_cmp_cell(&crash, &ok, 0.05, BB_CMP_APART, &r);
	BB_CHECK_STR(bb_cmp_verdict_name(r.verdict), "improvement");
	bb_cmp_cell(&crash, &wrong, 0.05, BB_CMP_APART, &r);
	BB_CHECK_STR(bb_cmp_verdict_name(r.verdict), "unchanged");
	BB_CHECK(r.outcome_changed);

	/* bootstrap determinism: same input, same interval, bit for bit */
	double lo1, hi1, lo2, hi2;
	bb_bootstrap_ratio_ci(a, N, b, N, 1000, 42, &lo1, &hi1);
	bb_bootstrap_ratio_ci(a, N, b, N, 1000, 42, &lo2, &hi2);
	BB_CHECK(lo1 == lo2 && hi1 == hi2);
	BB_CHECK(lo1 < 1.1 && hi1 > 1.09 && lo1 <= hi1);

	/* p-value sanity */
	BB_CHECK_NEAR(bb_mann_whitney_p(a, N, a, N), 1.0, 1e-9);
	double lowv[20], highv[20];
	for (int i = 0; i < 20; i++)
		lowv[i] = 1 + i * 0.01, highv[i] = 2 + i * 0.01;
	BB_CHECK(bb_mann_whitney_p(lowv, 20, highv, 20) < 1e-3);
	double same[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
	BB_CHECK_NEAR(bb_mann_whitney_p(same, 10, same, 10), 1.0, 1e-12);

	/* median and noise */
	double m5[5] = {5, 1, 4, 2, 3}, m4[4] = {4, 1, 3, 2};
	BB_CHECK_NEAR(bb_median(m5, 5), 3, 0);
	BB_CHECK_NEAR(bb_median(m4, 4), 2.5, 0);
	BB_CHECK(isnan(bb_median(m4, 0)));
	BB_CHECK_NEAR(bb_median_noise(same, 10), 0, 0);

	/* attribution: names what differs, nothing for identical records */
	const char *ra = "{\"version\":\"0.3.21\",\"kernel\":\"Haswell\",\"threads\":{\"layer\":"
	                 "\"pthreads\",\"effective\":2},\"env\":{},\"objects\":[{\"own\":true,"
	                 "\"sha256\":\"aaaaaaaaaaaaaaaa\"},{\"own\":false,\"sha256\":\"cc\"}]}";
	const char *rb = "{\"version\":\"0.3.26\",\"kernel\":\"Haswell\",\"threads\":{\"layer\":"
	                 "\"openmp\",\"effective\":2},\"env\":{\"BB_FIXTURE\":\"slow=2\"},"
	                 "\"objects\":[{\"own\":true,\"sha256\":\"bbbbbbbbbbbbbbbb\"}]}";
	char *d = bb_cmp_attribution(ra, rb);
	BB_CHECK(strstr(d, "version 0.3.21 -> 0.3.26") != NULL);
	BB_CHECK(strstr(d, "threads.layer pthreads -> openmp") != NULL);
	BB_CHECK(strstr(d, "env BB_FIXTURE unset -> slow=2") != NULL);
	BB_CHECK(strstr(d, "sha256 aaaaaaaaaaaa -> bbbbbbbbbbbb") != NULL);
	BB_CHECK(strstr(d, "kernel") == NULL);
	free(d);
	d = bb_cmp_attribution(ra, ra);
	BB_CHECK_STR(d, "");
	free(d);
	/* samples pooled from several processes: 10% slower within each, but the cells' recorded
	 * CIs (which cover the spread between passes) overlap widely -> not a regression */
	{
		fill(a, N, 1.0, 0.01);
		fill(b, N, 1.10, 0.01);
		bb_cmp_side wa = {"ok", a, N, 0.80, 1.20, NULL, NULL, 0},
		            wb = {"ok", b, N, 0.90, 1.30, NULL, NULL, 0};
		bb_cmp_cell(&wa, &wb, 0.05, BB_CMP_APART, &r);
		BB_CHECK(r.verdict != BB_CMP_REGRESSION);
		BB_CHECK(r.ci_low <= 0.90 / 1.20 + 1e-12 && r.ci_high >= 1.30 / 0.80 - 1e-12);
		/* the same change with tight recorded CIs is still a regression */
		bb_cmp_side na = {"ok", a, N, 0.99, 1.01, NULL, NULL, 0},
		            nb = {"ok", b, N, 1.09, 1.11, NULL, NULL, 0};
		bb_cmp_cell(&na, &nb, 0.05, BB_CMP_APART, &r);
		BB_CHECK_INT(r.verdict, BB_CMP_REGRESSION);
	}
	test_passes();
	return bb_test_done();
}
