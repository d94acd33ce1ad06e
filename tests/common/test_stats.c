/* Sample statistics against values worked out by hand. */
#include "common/stats.h"
#include "test_util.h"

int main(void)
{
	bb_stats s;
	BB_CHECK_INT(bb_stats_compute(NULL, 0, &s), -1);
	BB_CHECK(isnan(s.median));

	double a[] = {5, 1, 4, 2, 3};
	BB_CHECK_INT(bb_stats_compute(a, 5, &s), 0);
	BB_CHECK_NEAR(s.median, 3, 0);
	BB_CHECK_NEAR(s.min, 1, 0);
	BB_CHECK_NEAR(s.max, 5, 0);
	BB_CHECK_NEAR(s.mean, 3, 1e-15);
	BB_CHECK_NEAR(s.mad, 1, 0); /* |x-3| = 2,2,1,1,0 -> median 1 */
	BB_CHECK_NEAR(s.ci_low, 1, 0); /* n < 6: the range */
	BB_CHECK_NEAR(s.ci_high, 5, 0);
	BB_CHECK_NEAR(a[0], 5, 0); /* input untouched */

	double b[] = {1, 2, 3, 4};
	bb_stats_compute(b, 4, &s);
	BB_CHECK_NEAR(s.median, 2.5, 0);
	BB_CHECK_NEAR(s.mad, 1, 0); /* 1.5,0.5,0.5,1.5 -> 1 */

	/* n = 100, x = 1..100: ranks 100/2 -+ 1.96*10/2 = 40.2, 59.8 -> j = 40, k = 61 */
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
	return bb_test_done();
}
