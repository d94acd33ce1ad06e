/*
 * Sample statistics (contracts in stats.h): one sample's median, MAD and order-statistic CI of
 * the median; two samples' bootstrap CI of the ratio of medians and Mann-Whitney p-value.
 * Tested against published values in tests/common/test_stats.c.
 */
#include "common/stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

int bb_double_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The k-th smallest of x[0..n) (0-based), reordering x so that x[0..k) <= x[k] <= x(k..n)
 * (Wirth's selection): linear on average, which the bootstrap's thousands of medians need. */
static double select_kth(double *x, size_t n, size_t k)
{
	long lo = 0, hi = (long)n - 1, kk = (long)k;
	while (lo < hi) {
		double pivot = x[kk];
		long i = lo, j = hi;
		do {
			while (x[i] < pivot)
				i++;
			while (pivot < x[j])
				j--;
			if (i <= j) {
				double t = x[i];
				x[i] = x[j];
				x[j] = t;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			lo = i;
		if (kk < i)
			hi = j;
	}
	return x[kk];
}

/* Median of x[0..n), n > 0, reordering x. */
static double median_inplace(double *x, size_t n)
{
	double hi = select_kth(x, n, n / 2);
	if (n % 2)
		return hi;
	double lo = x[0];
	for (size_t i = 1; i < n / 2; i++) /* after selection x[0..n/2) are all <= hi */
		if (x[i] > lo)
			lo = x[i];
	return (lo + hi) / 2;
}

double bb_median(const double *x, size_t n)
{
	if (!n)
		return NAN;
	double *t = bb_xmalloc(n * sizeof(double));
	memcpy(t, x, n * sizeof(double));
	double m = median_inplace(t, n);
	free(t);
	return m;
}

/*
 * The distribution-free CI of the median from order statistics (Thompson 1936; Conover,
 * Practical Nonparametric Statistics, 3rd ed., 1999, section 3.2): each sample falls below
 * the true median with probability 1/2, so the number below it is Binomial(n, 1/2) and
 * [x(r), x(n+1-r)] covers the median with probability 1 - 2 P(B <= r - 1).  r is the largest
 * rank that keeps this at or above 95%, i.e. r - 1 = the largest k with P(B <= k) <= 0.025
 * (R: r = qbinom(0.025, n, 0.5)); n = 10 gives x(2)..x(9), n = 20 x(6)..x(15).  Exact, not
 * the normal approximation n/2 -+ 1.96 sqrt(n)/2 rounded outwards, which is one rank wider
 * on each side for about half of all n (n = 10: x(1)..x(10)).
 *
 * P(B <= k) is walked down from the middle, where it is known (1/2 for odd n, (1 + pmf)/2 at
 * n/2 for even n): O(sqrt n) steps and no 2^-n underflow, for any n.
 */
int bb_median_ci_ranks(size_t n, size_t *lo, size_t *hi)
{
	if (!n) {
		*lo = *hi = 0;
		return 0;
	}
	double k = floor(n / 2.0), nn = (double)n;
	double pmf = exp(lgamma(nn + 1) - lgamma(k + 1) - lgamma(nn - k + 1) - nn * log(2.0));
	double cdf = n % 2 ? 0.5 : (1 + pmf) / 2; /* P(B <= k) */
	while (k >= 0 && cdf > 0.025) {
		cdf -= pmf;              /* P(B <= k - 1) */
		pmf *= k / (nn - k + 1); /* P(B = k - 1) */
		k--;
	}
	/* P(B <= k) <= 0.025 < P(B <= k + 1): r = k + 1 */
	if (k < 0) {
		*lo = 1;
		*hi = n;
		return 0;
	}
	*lo = (size_t)k + 1;
	*hi = n - (size_t)k;
	return 1;
}

int bb_stats_compute(const double *x, size_t n, bb_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->median = st->min = st->max = st->mean = st->mad = st->ci_low = st->ci_high = NAN;
	if (!n)
		return -1;
	double *s = bb_xmalloc(n * sizeof(double));
	memcpy(s, x, n * sizeof(double));
	qsort(s, n, sizeof(double), bb_double_cmp);
	st->n = n;
	st->min = s[0];
	st->max = s[n - 1];
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	st->mean = sum / (double)n;
	size_t lo, hi;
	bb_median_ci_ranks(n, &lo, &hi);
	st->ci_low = s[lo - 1];
	st->ci_high = s[hi - 1];
	st->median = median_inplace(s, n);

	for (size_t i = 0; i < n; i++)
		s[i] = fabs(x[i] - st->median);
	st->mad = median_inplace(s, n);
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

double bb_median_noise(const double *x, size_t n)
{
	if (n < 2)
		return INFINITY;
	bb_stats st;
	bb_stats_compute(x, n, &st);
	return st.median > 0 ? (st.ci_high - st.ci_low) / 2 / st.median : INFINITY;
}

/* ---- Mann-Whitney ---------------------------------------------------------------------- */

typedef struct ranked {
	double v;
	int group;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
	return bb_double_cmp(&((const ranked *)a)->v, &((const ranked *)b)->v);
}

/*
 * U of a from its rank sum (ties get their average rank); E[U] = n1 n2 / 2 and
 * Var[U] = n1 n2 / 12 ((N + 1) - sum(t^3 - t) / (N (N - 1))) over the tie groups t (Hollander
 * & Wolfe, Nonparametric Statistical Methods, 2nd ed., 1999, section 4.1);
 * z = (|U - E[U]| - 1/2) / sd, p = 2 (1 - Phi(z)) = erfc(z / sqrt 2).
 */
double bb_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb)
{
	if (!na || !nb)
		return 1.0;
	size_t n = na + nb;
	ranked *all = bb_xmalloc(n * sizeof(*all));
	for (size_t i = 0; i < na; i++)
		all[i] = (ranked){a[i], 0};
	for (size_t i = 0; i < nb; i++)
		all[na + i] = (ranked){b[i], 1};
	qsort(all, n, sizeof(*all), cmp_ranked);
	double rank_a = 0, ties = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && all[j].v == all[i].v)
			j++;
		double t = (double)(j - i), mid = (i + 1 + j) / 2.0; /* average 1-based rank */
		ties += t * t * t - t;
		for (size_t q = i; q < j; q++)
			if (!all[q].group)
				rank_a += mid;
		i = j;
	}
	free(all);
	double n1 = (double)na, n2 = (double)nb, N = (double)n;
	double u = rank_a - n1 * (n1 + 1) / 2, mu = n1 * n2 / 2;
	double var = n1 * n2 / 12 * ((N + 1) - ties / (N * (N - 1)));
	if (!(var > 0))
		return 1.0;
	double z = (fabs(u - mu) - 0.5) / sqrt(var);
	if (z < 0)
		z = 0;
	double p = erfc(z / sqrt(2.0));
	return p > 1 ? 1 : p;
}

/* ---- bootstrap ------------------------------------------------------------------------- */

/* splitmix64: small, fast, and the same sequence everywhere for a given seed. */
static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double resampled_median(const double *x, size_t n, double *buf, uint64_t *s)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = x[(size_t)(((next_random(s) >> 32) * (uint64_t)n) >> 32)];
	return median_inplace(buf, n);
}

/* Percentile of sorted v[0..n) with linear interpolation between order statistics. */
static double percentile(const double *v, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;
	double f = pos - (double)i;
	return i + 1 < n ? v[i] * (1 - f) + v[i + 1] * f : v[n - 1];
}

void bb_bootstrap_ratio_ci(const double *a, size_t na, const double *b, size_t nb, int resamples,
                           unsigned long long seed, double *lo, double *hi)
{
	*lo = *hi = NAN;
	if (!na || !nb || resamples < 2 || na > UINT32_MAX || nb > UINT32_MAX)
		return;
	uint64_t s = seed;
	double *buf = bb_xmalloc((na > nb ? na : nb) * sizeof(double));
	double *ratios = bb_xmalloc((size_t)resamples * sizeof(double));
	size_t n = 0;
	for (int r = 0; r < resamples; r++) {
		double ma = resampled_median(a, na, buf, &s);
		double mb = resampled_median(b, nb, buf, &s);
		if (ma > 0)
			ratios[n++] = mb / ma;
	}
	if (n) {
		qsort(ratios, n, sizeof(double), bb_double_cmp);
		*lo = percentile(ratios, n, 0.025);
		*hi = percentile(ratios, n, 0.975);
	}
	free(ratios);
	free(buf);
}

/* ---- independent units ------------------------------------------------------------------- */

double bb_t975(int df)
{
	static const double t[] = {0,      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
	                           2.306,  2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
	                           2.120,  2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
	                           2.064,  2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
	if (df < 1)
		return INFINITY;
	if (df <= 30)
		return t[df];
	double z = 1.959964, g1 = (z * z * z + z) / 4, g2 = (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / 96;
	return z + g1 / df + g2 / ((double)df * df);
}

/* Continued fraction of the regularized incomplete beta (Numerical Recipes' betacf form). */
static double betacf(double a, double b, double x)
{
	double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
	if (fabs(d) < 1e-300)
		d = 1e-300;
	d = 1 / d;
	double h = d;
	for (int m = 1; m <= 300; m++) {
		int m2 = 2 * m;
		double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		c = 1 + aa / c;
		d = fabs(d) < 1e-300 ? 1e300 : 1 / d;
		c = fabs(c) < 1e-300 ? 1e-300 : c;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		c = 1 + aa / c;
		d = fabs(d) < 1e-300 ? 1e300 : 1 / d;
		c = fabs(c) < 1e-300 ? 1e-300 : c;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-12)
			break;
	}
	return h;
}

static double incbeta(double a, double b, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	double bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x));
	if (x < (a + 1) / (a + b + 2))
		return bt * betacf(a, b, x) / a;
	return 1 - bt * betacf(b, a, 1 - x) / b;
}

double bb_t_p(double t, int df)
{
	if (df < 1 || isnan(t))
		return NAN;
	if (isinf(t))
		return 0;
	return incbeta(df / 2.0, 0.5, df / (df + t * t));
}

static void mean_sd(const double *x, size_t n, double *mean, double *sd)
{
	double m = 0, v = 0;
	for (size_t i = 0; i < n; i++)
		m += x[i];
	m /= (double)n;
	for (size_t i = 0; i < n; i++)
		v += (x[i] - m) * (x[i] - m);
	*mean = m;
	*sd = n > 1 ? sqrt(v / (double)(n - 1)) : NAN;
}

static void unit_ci_clear(bb_unit_ci *c)
{
	c->est = c->half = c->se = c->p = c->sd = c->lo = c->hi = NAN;
	c->fixed_var = 0;
	c->n = c->df = 0;
}

static void unit_ci_finish(bb_unit_ci *c)
{
	c->half = bb_t975(c->df) * c->se;
	c->lo = c->est - c->half;
	c->hi = c->est + c->half;
	c->p = c->se > 0 ? bb_t_p(c->est / c->se, c->df) : c->est == 0 ? 1 : 0;
}

int bb_paired_log_ci(const double *base, const double *cand, size_t n, bb_unit_ci *c)
{
	unit_ci_clear(c);
	if (n < 2)
		return -1;
	if (n < BB_MIN_PAIRS) { /* [min, max] would cover too little: Student's t on the mean */
		double *t = bb_xmalloc(n * sizeof(double));
		for (size_t i = 0; i < n; i++)
			t[i] = log(cand[i] / base[i]);
		mean_sd(t, n, &c->est, &c->sd);
		free(t);
		c->n = (int)n;
		c->df = (int)n - 1;
		c->se = c->sd / sqrt((double)n);
		unit_ci_finish(c);
		return 0;
	}
	double *d = bb_xmalloc(n * sizeof(double)), *dev = bb_xmalloc(n * sizeof(double));
	size_t above = 0, below = 0;
	for (size_t i = 0; i < n; i++) {
		d[i] = log(cand[i] / base[i]);
		above += d[i] > 0;
		below += d[i] < 0;
	}
	qsort(d, n, sizeof(double), bb_double_cmp);
	c->est = median_inplace(d, n);
	qsort(d, n, sizeof(double), bb_double_cmp); /* median_inplace may reorder */
	size_t lo, hi;
	bb_median_ci_ranks(n, &lo, &hi);
	c->lo = d[lo - 1];
	c->hi = d[hi - 1];
	for (size_t i = 0; i < n; i++)
		dev[i] = fabs(d[i] - c->est);
	double mad = median_inplace(dev, n);
	free(dev);
	free(d);
	c->n = (int)n;
	c->df = (int)n - 1;
	c->sd = 1.4826 * mad;
	c->se = 1.2533 * c->sd / sqrt((double)n);
	c->half = fmax(c->est - c->lo, c->hi - c->est);
	/* exact sign test: ties (no change in a pair) are dropped */
	size_t m = above + below, k = above < below ? above : below;
	double tail = 0;
	for (size_t i = 0; i <= k && m; i++)
		tail += exp(lgamma((double)m + 1) - lgamma((double)i + 1) - lgamma((double)(m - i) + 1) -
		            (double)m * log(2.0));
	c->p = m ? fmin(1.0, 2 * tail) : 1.0;
	return 0;
}

int bb_unpaired_log_ci(const double *base, size_t nb, const double *cand, size_t nc,
                       int between_run, bb_unit_ci *c)
{
	unit_ci_clear(c);
	if (nb < 2 || nc < 2)
		return -1;
	double *lb = bb_xmalloc(nb * sizeof(double)), *lc = bb_xmalloc(nc * sizeof(double));
	for (size_t i = 0; i < nb; i++)
		lb[i] = log(base[i]);
	for (size_t i = 0; i < nc; i++)
		lc[i] = log(cand[i]);
	double mb, sb, mc, sc;
	mean_sd(lb, nb, &mb, &sb);
	mean_sd(lc, nc, &mc, &sc);
	free(lb);
	free(lc);
	double vb = sb * sb / (double)nb, vc = sc * sc / (double)nc;
	c->est = mc - mb;
	c->sd = sqrt((sb * sb + sc * sc) / 2);
	c->fixed_var = between_run ? c->sd * c->sd : 0;
	c->n = (int)(nb < nc ? nb : nc);
	c->se = sqrt(vb + vc + c->fixed_var);
	/* Welch-Satterthwaite; the run term counts with the smaller side's df */
	double num = (vb + vc + c->fixed_var) * (vb + vc + c->fixed_var);
	double den = vb * vb / (double)(nb - 1) + vc * vc / (double)(nc - 1) +
	             c->fixed_var * c->fixed_var / (double)(c->n - 1);
	c->df = den > 0 ? (int)floor(num / den) : c->n - 1;
	if (c->df < 1)
		c->df = 1;
	unit_ci_finish(c);
	return 0;
}

int bb_units_needed(const bb_unit_ci *c, double threshold)
{
	double bound = log(1 + threshold), gap = fabs(bound - fabs(c->est));
	if (!(c->n >= 1) || isnan(c->est))
		return -1;
	if (c->lo > bound || c->hi < -bound || (c->lo >= -bound && c->hi <= bound))
		return 0;
	/* the half-width at n units: t * sqrt(sd^2 * (n0 / n) * (se_var part) + fixed) */
	double var_per = c->se * c->se - c->fixed_var; /* shrinks as 1/n */
	if (var_per < 0)
		var_per = 0;
	if (gap <= 0 || c->fixed_var * 4.0 >= gap * gap)
		return -1;
	for (int n = c->n + 1; n <= c->n + 999; n++) {
		double v = var_per * c->n / n + c->fixed_var;
		if (bb_t975(n - 1) * sqrt(v) < gap && n >= BB_MIN_PAIRS)
			return n - c->n;
	}
	return 999;
}
