/*
 * The verdict logic of `compare` on synthetic samples with known answers: identical
 * distributions are unchanged, a 10% slowdown with tight noise is a regression whose CI excludes
 * the 5% threshold, 3% is unchanged, heavy noise is unstable, a speed-up is an improvement, an
 * ok -> crash change is a regression whatever the speed; the bootstrap is deterministic and the
 * p-value behaves (identical ~1, separated < 1e-3).  Attribution names what differs.
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
	bb_cmp_side sa = {"ok", a, n, NAN, NAN}, sb = {"ok", b, n, NAN, NAN};
	bb_cmp_cell(&sa, &sb, thr, r);
	return r->verdict;
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

	/* very noisy candidate, 10% slower in the median: unstable, not a regression */
	fill(b, N, 1.1e-3, 0.9);
	BB_CHECK_STR(bb_cmp_verdict_name(verdict(a, b, N, 0.05, &r)), "unstable");
	BB_CHECK(r.cand_noise > 0.05);

	/* 20% faster: improvement (CI entirely below 1 / 1.05) */
	fill(b, N, 0.8e-3, 0.01);
	BB_CHECK_STR(bb_cmp_verdict_name(verdict(a, b, N, 0.05, &r)), "improvement");
	BB_CHECK(r.ci_high < 1 / 1.05);

	/* swapping the sides swaps regression and improvement */
	fill(b, N, 1.1e-3, 0.01);
	BB_CHECK_STR(bb_cmp_verdict_name(verdict(b, a, N, 0.05, &r)), "improvement");

	/* too few samples: unstable */
	BB_CHECK_STR(bb_cmp_verdict_name(verdict(a, b, 3, 0.05, &r)), "unstable");

	/* outcome: ok -> crash is a regression even with no time to compare */
	bb_cmp_side ok = {"ok", a, N, NAN, NAN}, crash = {"crash", NULL, 0, NAN, NAN},
	            wrong = {"wrong", NULL, 0, NAN, NAN};
	bb_cmp_cell(&ok, &crash, 0.05, &r);
	BB_CHECK_STR(bb_cmp_verdict_name(r.verdict), "regression");
	BB_CHECK(r.outcome_changed);
	/* ok -> wrong with a faster time is still a regression */
	bb_cmp_side wrong_fast = {"wrong", b, N, NAN, NAN};
	bb_cmp_cell(&ok, &wrong_fast, 0.05, &r);
	BB_CHECK_STR(bb_cmp_verdict_name(r.verdict), "regression");
	/* crash -> ok is an improvement; crash -> wrong is no new regression */
	bb_cmp_cell(&crash, &ok, 0.05, &r);
	BB_CHECK_STR(bb_cmp_verdict_name(r.verdict), "improvement");
	bb_cmp_cell(&crash, &wrong, 0.05, &r);
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
		bb_cmp_side wa = {"ok", a, N, 0.80, 1.20}, wb = {"ok", b, N, 0.90, 1.30};
		bb_cmp_cell(&wa, &wb, 0.05, &r);
		BB_CHECK(r.verdict != BB_CMP_REGRESSION);
		BB_CHECK(r.ci_low <= 0.90 / 1.20 + 1e-12 && r.ci_high >= 1.30 / 0.80 - 1e-12);
		/* the same change with tight recorded CIs is still a regression */
		bb_cmp_side na = {"ok", a, N, 0.99, 1.01}, nb = {"ok", b, N, 1.09, 1.11};
		bb_cmp_cell(&na, &nb, 0.05, &r);
		BB_CHECK_INT(r.verdict, BB_CMP_REGRESSION);
	}
	return bb_test_done();
}
