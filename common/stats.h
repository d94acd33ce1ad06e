/*
 * Statistics of a cell's samples: median, min, max, MAD and a distribution-free 95% confidence
 * interval for the median (order statistics of the binomial(n, 1/2) distribution), and the
 * stopping rule of the measurement loop.  Timings are skewed and heavy-tailed, so nothing here
 * assumes a normal distribution.
 */
#ifndef BB_COMMON_STATS_H
#define BB_COMMON_STATS_H

#include <stddef.h>

typedef struct bb_stats {
	size_t n;
	double median, min, max, mean;
	double mad;              /* median absolute deviation from the median (unscaled) */
	double ci_low, ci_high;  /* 95% CI of the median; [min, max] when n < 6 */
} bb_stats;

/* Compute s from x[0..n) (x is not modified).  Returns 0, or -1 when n == 0 (s zeroed, NAN). */
int bb_stats_compute(const double *x, size_t n, bb_stats *s);

/*
 * 1 when the CI half-width, relative to the median, is within `rel` (0.01 = +-1%), from 3
 * samples on: the [min, max] "interval" of one sample has no width and of two hardly means
 * anything, and a run of P passes asks each pass for about 1/P of the cell's samples, so
 * with --passes 5 every pass stopped after its first sample, and a cell's median came from
 * 5 samples on a host whose speed swings by 10%.
 */
int bb_stats_converged(const bb_stats *s, double rel);

/* Median of x[0..n) (copies, does not modify x); NAN when n == 0. */
double bb_median(const double *x, size_t n);

#endif
