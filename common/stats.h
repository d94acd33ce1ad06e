/*
 * blasbench's one statistics module: every median, MAD, confidence interval and test of a
 * difference in the tree comes from here (the clock is common/clock.h).
 *
 * - One sample (the engine, the measurement loop, compare's noise): median, min, max, MAD and
 *   a distribution-free 95% confidence interval of the median from order statistics (exact
 *   binomial(n, 1/2) ranks), and the stopping rule of the measurement loop.
 * - Two samples (compare, gate, diagnose): a bootstrap 95% CI of the ratio of medians with a
 *   fixed seed (the same input always gives the same interval) and a two-sided Mann-Whitney
 *   p-value.
 *
 * Timings are skewed and heavy-tailed, so nothing here assumes a normal distribution.  All
 * functions are pure: inputs are not modified, nothing is kept between calls.
 */
#ifndef BB_COMMON_STATS_H
#define BB_COMMON_STATS_H

#include <stddef.h>

/* ---- one sample ------------------------------------------------------------------------ */

typedef struct bb_stats {
	size_t n;
	double median, min, max, mean;
	double mad;             /* median absolute deviation from the median (unscaled) */
	double ci_low, ci_high; /* 95% CI of the median; [min, max] when n < 6 */
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

/* Median of x[0..n) (copies, does not modify x); the mean of the two middle values when n is
 * even; NAN when n == 0. */
double bb_median(const double *x, size_t n);

/*
 * The 1-based ranks lo..hi of the order statistics x(lo), x(hi) that bound the 95% CI of the
 * median of n samples: the narrowest symmetric pair (hi = n + 1 - lo) whose coverage
 * 1 - 2 P(Binomial(n, 1/2) <= lo - 1) is at least 95%.  Returns 1; returns 0 with lo = 1,
 * hi = n when no pair reaches 95% (n < 6: [min, max] covers only 1 - 2^(1-n)), and 0 with
 * lo = hi = 0 when n == 0.
 */
int bb_median_ci_ranks(size_t n, size_t *lo, size_t *hi);

/* Half the width of the median's 95% CI relative to the median ((ci_high - ci_low) / 2 /
 * median): compare's "noise" of a cell.  INFINITY when n < 2 or the median is not > 0. */
double bb_median_noise(const double *x, size_t n);

/* qsort comparator for doubles, ascending (NaNs compare equal to everything: keep them out). */
int bb_double_cmp(const void *a, const void *b);

/* ---- two samples ----------------------------------------------------------------------- */

/*
 * Two-sided Mann-Whitney U (Wilcoxon rank-sum) test p-value for a vs b: normal approximation
 * with the tie correction of the variance and a continuity correction of 0.5, the same as R's
 * wilcox.test(a, b, exact = FALSE, correct = TRUE).  1 when either side is empty or every
 * value is tied.
 */
double bb_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb);

/*
 * Bootstrap percentile 95% CI of median(b) / median(a): `resamples` resamples of each side
 * with replacement, drawn from splitmix64 seeded with `seed` (the same seed, the same
 * interval on every machine); percentiles interpolate linearly between order statistics.
 * Resamples whose median(a) is not > 0 are dropped.  *lo = *hi = NAN when either side is
 * empty, resamples < 2 or no resample survives.
 */
void bb_bootstrap_ratio_ci(const double *a, size_t na, const double *b, size_t nb, int resamples,
                           unsigned long long seed, double *lo, double *hi);

/* ---- independent units (passes) --------------------------------------------------------- */

/* The two-sided 97.5% quantile of Student's t with df degrees of freedom (df >= 1; from a
 * table to df 30, then the Cornish-Fisher expansion around the normal's 1.96). */
double bb_t975(int df);

/* Two-sided p-value of Student's t statistic t with df degrees of freedom (df >= 1): the
 * regularized incomplete beta function, to ~1e-10. */
double bb_t_p(double t, int df);

/* A 95% CI of a change computed over independent units (worker passes), on the log scale:
 * est is the mean log ratio, half the CI half-width, df its degrees of freedom, and
 * fixed_var the part of the variance more units cannot reduce (between-run noise). */
/* Pairs from which the paired CI is the order-statistic one ([min, max] of 5 covers 93.75%);
 * below, Student's t on the mean log ratio. */
#define BB_MIN_PAIRS 5

typedef struct bb_unit_ci {
	double est, half, se, p; /* log ratio, CI half-width (the wider side), its standard error,
	                          * two-sided p against no change */
	double lo, hi;           /* the 95% CI of the log ratio */
	double sd;               /* spread of one unit (pair difference, or pooled pass) */
	double fixed_var;        /* variance that does not shrink with more units */
	int n, df;               /* units used (pairs, or the smaller side) and df */
} bb_unit_ci;

/*
 * Paired units: d[i] = log(cand[i] / base[i]) for the pass medians measured side by side
 * (interleaved).  Robust to a pass the host upset: est is the median of d, [lo, hi] the
 * distribution-free CI of that median from order statistics (bb_median_ci_ranks: [min, max]
 * below 6 pairs, covering 1 - 2^(1-n)), p the exact two-sided sign test, se the median's
 * standard error from the MAD (1.2533 * 1.4826 * MAD / sqrt(n)), which sizes how many more
 * pairs would narrow the CI.  Below BB_MIN_PAIRS pairs, where [min, max] covers too little:
 * the mean of d with Student's t (df n - 1, wide).  Returns 0, or -1 when n < 2 (c zeroed).
 */
int bb_paired_log_ci(const double *base, const double *cand, size_t n, bb_unit_ci *c);

/*
 * Unpaired units: the pass medians of two sides measured apart (Welch's t on their logs).
 * between_run: 1 when the sides come from different runs, whose run-level offset one pass
 * spread is added for (calibrated from the passes: a run is one more unit the sides do not
 * share), 0 within one run.  Returns 0, or -1 when either side has < 2 units.
 */
int bb_unpaired_log_ci(const double *base, size_t nb, const double *cand, size_t nc,
                       int between_run, bb_unit_ci *c);

/*
 * How many more units would make c conclusive against +-log(1 + threshold): the n at which
 * the half-width falls below the distance of est from the nearer bound, minus c->n.  0 when
 * already conclusive; -1 when no number of units can (the fixed variance alone is too wide,
 * or est sits on the bound); capped at 999.
 */
int bb_units_needed(const bb_unit_ci *c, double threshold);

#endif
