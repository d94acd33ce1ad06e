/*
 * Sample statistics (see stats.h).  The CI of the median uses the order statistics whose ranks
 * bracket n/2 by 1.96 standard deviations of a binomial(n, 1/2) count: distribution-free, and
 * exact enough from n = 6 on (below that the range [min, max] is the honest interval).
 */
#include "common/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double sorted_median(const double *s, size_t n)
{
	return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

double bb_median(const double *x, size_t n)
{
	if (!n)
		return NAN;
	double *s = bb_xmalloc(n * sizeof(double));
	memcpy(s, x, n * sizeof(double));
	qsort(s, n, sizeof(double), cmp_double);
	double m = sorted_median(s, n);
	free(s);
	return m;
}

int bb_stats_compute(const double *x, size_t n, bb_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->median = st->min = st->max = st->mean = st->mad = st->ci_low = st->ci_high = NAN;
	if (!n)
		return -1;
	double *s = bb_xmalloc(n * sizeof(double));
	memcpy(s, x, n * sizeof(double));
	qsort(s, n, sizeof(double), cmp_double);
	st->n = n;
	st->min = s[0];
	st->max = s[n - 1];
	st->median = sorted_median(s, n);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	st->mean = sum / (double)n;

	double *dev = bb_xmalloc(n * sizeof(double));
	for (size_t i = 0; i < n; i++)
		dev[i] = fabs(s[i] - st->median);
	qsort(dev, n, sizeof(double), cmp_double);
	st->mad = sorted_median(dev, n);
	free(dev);

	if (n < 6) {
		st->ci_low = st->min;
		st->ci_high = st->max;
	} else {
		double half = 1.96 * sqrt((double)n) / 2.0;
		/* 1-based ranks j (lower) and k (upper) */
		long j = (long)floor((double)n / 2.0 - half);
		long k = (long)ceil((double)n / 2.0 + half) + 1;
		if (j < 1)
			j = 1;
		if (k > (long)n)
			k = (long)n;
		st->ci_low = s[j - 1];
		st->ci_high = s[k - 1];
	}
	free(s);
	return 0;
}

int bb_stats_converged(const bb_stats *s, double rel)
{
	if (s->n < 3 || !(s->median > 0))
		return 0;
	double half = fmax(s->median - s->ci_low, s->ci_high - s->median);
	return half <= rel * s->median;
}
