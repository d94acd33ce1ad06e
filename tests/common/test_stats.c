/*
 * The statistics module (common/stats.c, common/clock.h) against known values: median and MAD
 * worked out by hand, the ranks of the median's CI against a published exact-binomial table
 * and an exhaustive exact-integer check, Mann-Whitney p-values from R, the bootstrap's fixed
 * seed (bit-identical intervals, and the interval the code gave before it moved here), and
 * the monotonic clock.
 */
#include <stdint.h>
#include <time.h>

#include "common/clock.h"
#include "common/stats.h"
#include "test_util.h"

/* ---- median, MAD, stopping rule (by hand) ---------------------------------------------- */

static void test_describe(void)
{
	bb_stats s;
	BB_CHECK_INT(bb_stats_compute(NULL, 0, &s), -1);
	BB_CHECK(isnan(s.median));
	BB_CHECK(isnan(bb_median(NULL, 0)));

	double a[] = {5, 1, 4, 2, 3};
	BB_CHECK_INT(bb_stats_compute(a, 5, &s), 0);
	BB_CHECK_NEAR(s.median, 3, 0);
	BB_CHECK_NEAR(s.min, 1, 0);
	BB_CHECK_NEAR(s.max, 5, 0);
	BB_CHECK_NEAR(s.mean, 3, 1e-15);
	BB_CHECK_NEAR(s.mad, 1, 0);    /* |x-3| = 2,2,1,1,0 -> median 1 */
	BB_CHECK_NEAR(s.ci_low, 1, 0); /* n < 6: the range */
	BB_CHECK_NEAR(s.ci_high, 5, 0);
	BB_CHECK_NEAR(a[0], 5, 0); /* input untouched */
	BB_CHECK_NEAR(bb_median(a, 5), 3, 0);
	BB_CHECK_NEAR(a[0], 5, 0);

	double b[] = {4, 1, 3, 2};
	bb_stats_compute(b, 4, &s);
	BB_CHECK_NEAR(s.median, 2.5, 0);
	BB_CHECK_NEAR(bb_median(b, 4), 2.5, 0);
	BB_CHECK_NEAR(s.mad, 1, 0); /* 1.5,0.5,0.5,1.5 -> 1 */

	/* skewed, with a tie: sorted 1 1 2 2 4 6 9, median 2; |x-2| = 1 1 0 0 2 4 7 -> MAD 1 */
	double k[] = {9, 1, 2, 6, 1, 4, 2};
	bb_stats_compute(k, 7, &s);
	BB_CHECK_NEAR(s.median, 2, 0);
	BB_CHECK_NEAR(s.mad, 1, 0);
	BB_CHECK_NEAR(s.mean, 25.0 / 7, 1e-15);

	/* n = 100, x = 100..1: median 50.5, CI ranks 40..61 (table below), MAD 25 */
	double c[100];
	for (int i = 0; i < 100; i++)
		c[i] = 100 - i;
	bb_stats_compute(c, 100, &s);
	BB_CHECK_NEAR(s.median, 50.5, 0);
	BB_CHECK_NEAR(s.ci_low, 40, 0);
	BB_CHECK_NEAR(s.ci_high, 61, 0);
	BB_CHECK_NEAR(s.mad, 25, 0);
	BB_CHECK(!bb_stats_converged(&s, 0.01));
	BB_CHECK(bb_stats_converged(&s, 0.25));

	/* n = 10, x = 1..10: the CI is x(2)..x(9) = [2, 9]; noise = (9 - 2) / 2 / 5.5 */
	bb_stats_compute(c + 90, 10, &s);
	BB_CHECK_NEAR(s.ci_low, 2, 0);
	BB_CHECK_NEAR(s.ci_high, 9, 0);
	BB_CHECK_NEAR(bb_median_noise(c + 90, 10), 3.5 / 5.5, 1e-15);
	BB_CHECK(isinf(bb_median_noise(c, 1)));
	double zero[3] = {0, 0, 0};
	BB_CHECK(isinf(bb_median_noise(zero, 3)));

	/* tight samples converge at 1% */
	double d[20];
	for (int i = 0; i < 20; i++)
		d[i] = 1.0 + 0.001 * (i % 5);
	bb_stats_compute(d, 20, &s);
	BB_CHECK(bb_stats_converged(&s, 0.01));
	BB_CHECK_NEAR(bb_median(d, 20), 1.002, 1e-12);

	/* identical samples: no verdict from one or two, converged from three */
	double e[3] = {2, 2, 2};
	bb_stats_compute(e, 1, &s);
	BB_CHECK(!bb_stats_converged(&s, 0.01));
	bb_stats_compute(e, 2, &s);
	BB_CHECK(!bb_stats_converged(&s, 0.01));
	bb_stats_compute(e, 3, &s);
	BB_CHECK(bb_stats_converged(&s, 0.01));

	/* the comparator sorts ascending */
	double q[] = {3, -1, 2, 2, 0};
	qsort(q, 5, sizeof(double), bb_double_cmp);
	BB_CHECK(q[0] == -1 && q[1] == 0 && q[2] == 2 && q[3] == 2 && q[4] == 3);
}

/* ---- CI of the median ------------------------------------------------------------------ */

/*
 * 95% CI ranks [x(lo), x(hi)] and their coverage 1 - 2 P(Binomial(n, 1/2) <= lo - 1), as
 * tabulated in "Table A.7: Confidence Intervals for the Population Median" (a textbook
 * appendix table, seen at https://www.coursehero.com/file/5646626/A7/; its n <= 20 rows at or
 * just above 95% agree with every row here) and reproduced in R 4.2.2 with
 *   r <- qbinom(0.025, n, 0.5); c(r, n + 1 - r, 1 - 2 * pbinom(r - 1, n, 0.5))
 * which also gives the n = 25..1000 rows.
 */
static const struct {
	size_t n, lo, hi;
	double coverage;
} ci_table[] = {
    {6, 1, 6, 0.969},    {7, 1, 7, 0.984},    {8, 1, 8, 0.992},     {9, 2, 8, 0.961},
    {10, 2, 9, 0.979},   {11, 2, 10, 0.988},  {12, 3, 10, 0.961},   {13, 3, 11, 0.978},
    {15, 4, 12, 0.965},  {17, 5, 13, 0.951},  {20, 6, 15, 0.959},   {25, 8, 18, 0.957},
    {30, 10, 21, 0.957}, {50, 18, 33, 0.967}, {100, 40, 61, 0.965}, {1000, 469, 532, 0.954},
};

/* sum C(n, i) for i = 0..k, exact for n <= 120. */
static unsigned __int128 binomial_sum(unsigned n, unsigned k)
{
	unsigned __int128 c = 1, sum = 0; /* C(n, i) */
	for (unsigned i = 0; i <= k; i++) {
		sum += c;
		c = c * (n - i) / (i + 1);
	}
	return sum;
}

/* P(Binomial(n, 1/2) <= k) <= 0.025, decided in exact integers: 40 sum C(n, i) <= 2^n. */
static int tail_at_most_2_5pct(unsigned n, unsigned k)
{
	return 40 * binomial_sum(n, k) <= (unsigned __int128)1 << n;
}

static void test_median_ci(void)
{
	size_t lo, hi;
	for (size_t i = 0; i < sizeof(ci_table) / sizeof(ci_table[0]); i++) {
		size_t n = ci_table[i].n;
		BB_CHECK_INT(bb_median_ci_ranks(n, &lo, &hi), 1);
		if (lo != ci_table[i].lo || hi != ci_table[i].hi)
			fprintf(stderr, "n = %zu: ranks %zu..%zu, expected %zu..%zu\n", n, lo, hi,
			        ci_table[i].lo, ci_table[i].hi);
		BB_CHECK_INT(lo, ci_table[i].lo);
		BB_CHECK_INT(hi, ci_table[i].hi);
		if (n > 120)
			continue;
		/* the table's coverage, to its 3 decimals, from the ranks we chose */
		double tail =
		    (double)binomial_sum((unsigned)n, (unsigned)lo - 1) / ldexp(1, (int)n);
		BB_CHECK_NEAR(1 - 2 * tail, ci_table[i].coverage, 0.0005);
	}
	/* below 6 samples no pair reaches 95% ([min, max] of 5 covers 93.75%): the range */
	for (size_t n = 1; n < 6; n++) {
		BB_CHECK_INT(bb_median_ci_ranks(n, &lo, &hi), 0);
		BB_CHECK(lo == 1 && hi == n);
	}
	BB_CHECK_INT(bb_median_ci_ranks(0, &lo, &hi), 0);
	BB_CHECK(lo == 0 && hi == 0);

	/* every n to 120: lo - 1 is the largest k with P(B <= k) <= 2.5%, exactly; symmetric */
	for (unsigned n = 6; n <= 120; n++) {
		bb_median_ci_ranks(n, &lo, &hi);
		BB_CHECK(lo >= 1 && hi == n + 1 - lo);
		BB_CHECK(tail_at_most_2_5pct(n, (unsigned)lo - 1));
		BB_CHECK(!tail_at_most_2_5pct(n, (unsigned)lo));
	}
	/* large n, where the walk from the middle is long: R 4.2.2 qbinom(0.025, n, 0.5) */
	bb_median_ci_ranks(12345, &lo, &hi);
	BB_CHECK(lo == 6064 && hi == 12346 - 6064);
	bb_median_ci_ranks(1000000, &lo, &hi);
	BB_CHECK(lo == 499020 && hi == 1000001 - 499020);
}

/* ---- Mann-Whitney ---------------------------------------------------------------------- */

/*
 * Two-sided p-values from R 4.2.2 (Debian r-base-core 4.2.2.20221110-2):
 *   sprintf("%.17g", wilcox.test(a, b, exact = FALSE, correct = TRUE)$p.value)
 * (normal approximation with continuity and tie correction, which is what bb_mann_whitney_p
 * computes; R's default would use the exact distribution for small samples without ties).
 */
static const double hw_x[] = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
static const double hw_y[] = {1.15, 0.88, 0.90, 0.74, 1.21}; /* ?wilcox.test, Hollander & Wolfe */
static const double sep_a[] = {1.1, 2.3, 3.5, 4.2, 5.0};
static const double sep_b[] = {2.0, 6.1, 7.4, 8.8, 9.3, 10.5};
static const double tie_a[] = {1, 2, 2, 3, 3, 3, 4};
static const double tie_b[] = {3, 4, 4, 5, 5, 6};
static const double many_a[] = {1, 1, 1, 2};
static const double many_b[] = {1, 2, 2, 2, 2};

#define P_HW 0.24462360512698336        /* no ties */
#define P_SEP 0.055234253718063848      /* no ties */
#define P_TIES 0.012999854364387303     /* ties within and across the samples */
#define P_MANY 0.15729920705028516      /* two distinct values only */
#define P_GOLDEN 1.5915073296959982e-06 /* golden_a, golden_b below (ties in a) */

#define N_OF(x) (sizeof(x) / sizeof((x)[0]))

static double golden_a[15], golden_b[17];

static void test_mann_whitney(void)
{
	BB_CHECK_NEAR(bb_mann_whitney_p(hw_x, N_OF(hw_x), hw_y, N_OF(hw_y)), P_HW, 1e-12 * P_HW);
	BB_CHECK_NEAR(bb_mann_whitney_p(sep_a, N_OF(sep_a), sep_b, N_OF(sep_b)), P_SEP,
	              1e-12 * P_SEP);
	BB_CHECK_NEAR(bb_mann_whitney_p(tie_a, N_OF(tie_a), tie_b, N_OF(tie_b)), P_TIES,
	              1e-12 * P_TIES);
	BB_CHECK_NEAR(bb_mann_whitney_p(many_a, N_OF(many_a), many_b, N_OF(many_b)), P_MANY,
	              1e-12 * P_MANY);
	BB_CHECK_NEAR(bb_mann_whitney_p(golden_a, 15, golden_b, 17), P_GOLDEN, 1e-12 * P_GOLDEN);
	/* two-sided: swapping the samples gives the same p */
	BB_CHECK_NEAR(bb_mann_whitney_p(tie_b, N_OF(tie_b), tie_a, N_OF(tie_a)), P_TIES,
	              1e-12 * P_TIES);
	/* identical samples: R gives exactly 1; empty and all-tied: 1 by contract */
	BB_CHECK_NEAR(bb_mann_whitney_p(sep_a, 3, sep_a, 3), 1, 0);
	BB_CHECK_NEAR(bb_mann_whitney_p(sep_a, 0, sep_b, 6), 1, 0);
	double same[4] = {7, 7, 7, 7};
	BB_CHECK_NEAR(bb_mann_whitney_p(same, 4, same, 3), 1, 0);
}

/* ---- bootstrap ------------------------------------------------------------------------- */

static void test_bootstrap(void)
{
	/* The intervals reports/compare.c gave for golden_a, golden_b before the bootstrap moved
	 * here (printed with %.17g from commit 0405d1b): the move changed no bit, so stored
	 * verdicts and gate outcomes stay as they were. */
	double lo, hi, lo2, hi2;
	bb_bootstrap_ratio_ci(golden_a, 15, golden_b, 17, 1000, 0x62622d636d70ULL, &lo, &hi);
	BB_CHECK(lo == 1.1590909090909089 && hi == 1.2571428571428569);
	bb_bootstrap_ratio_ci(golden_a, 15, golden_b, 17, 1000, 42, &lo, &hi);
	BB_CHECK(lo == 1.1559633027522935 && hi == 1.2571428571428569);
	bb_bootstrap_ratio_ci(golden_a, 15, golden_b, 17, 1000, 42, &lo2, &hi2);
	BB_CHECK(lo == lo2 && hi == hi2);
	/* ...and it holds the ratio of the medians, 1.275 / 1.06 */
	double ratio = bb_median(golden_b, 17) / bb_median(golden_a, 15);
	BB_CHECK_NEAR(ratio, 1.275 / 1.06, 1e-12);
	BB_CHECK(lo < ratio && ratio < hi);

	/* a clear case: 1.5x slower with +-1% jitter; the CI is narrow and holds 1.5 */
	double a[40], b[40];
	for (int i = 0; i < 40; i++) {
		a[i] = 1.0 * (1 + 0.01 * ((i * 17) % 21 - 10) / 10);
		b[i] = 1.5 * (1 + 0.01 * ((i * 13) % 19 - 9) / 9);
	}
	bb_bootstrap_ratio_ci(a, 40, b, 40, 1000, 7, &lo, &hi);
	BB_CHECK(lo < 1.5 && 1.5 < hi);
	BB_CHECK(lo > 1.47 && hi < 1.53);
	/* constant samples: every resample gives the same ratio */
	double two[5] = {2, 2, 2, 2, 2}, three[4] = {3, 3, 3, 3};
	bb_bootstrap_ratio_ci(two, 5, three, 4, 100, 1, &lo, &hi);
	BB_CHECK(lo == 1.5 && hi == 1.5);
	/* nothing to resample */
	bb_bootstrap_ratio_ci(two, 0, three, 4, 100, 1, &lo, &hi);
	BB_CHECK(isnan(lo) && isnan(hi));
	bb_bootstrap_ratio_ci(two, 5, three, 4, 1, 1, &lo, &hi);
	BB_CHECK(isnan(lo) && isnan(hi));
}

/* ---- clock ----------------------------------------------------------------------------- */

static void test_clock(void)
{
	double prev = bb_now(), first = prev;
	int backwards = 0;
	for (int i = 0; i < 100000; i++) {
		double t = bb_now();
		backwards += t < prev;
		prev = t;
	}
	BB_CHECK_INT(backwards, 0);
	BB_CHECK(prev >= first);
	/* it counts seconds: a 50 ms sleep reads as 50 ms (or somewhat more on a busy host) */
	struct timespec nap = {0, 50 * 1000 * 1000};
	double t0 = bb_now();
	while (nanosleep(&nap, &nap))
		;
	double slept = bb_now() - t0;
	BB_CHECK(slept >= 0.049 && slept < 5);
}

int main(void)
{
	for (int i = 0; i < 15; i++) /* 1.00 1.07 1.01 ... 1.06 1.00 1.07 */
		golden_a[i] = 1 + 0.01 * ((i * 7) % 13);
	for (int i = 0; i < 17; i++) /* 1.200 1.275 1.350 ... 1.245 */
		golden_b[i] = 1.2 + 0.015 * ((i * 5) % 11);
	test_describe();
	test_median_ci();
	test_mann_whitney();
	test_bootstrap();
	test_clock();
	return bb_test_done();
}
