/*
 * The BLAS product check (see blas_check.h): views of stored operands as op(X), long-double
 * products with their componentwise magnitudes, and the direct or projected residual.
 */
#include "workloads/blas/blas_check.h"

#include <math.h>
#include <stdlib.h>

#include "common/error.h"

bb_xmat bb_xmat_general(char prec, const void *a, long ld, char op, long rows, long cols)
{
	bb_xmat x = {.prec = prec,
	             .a = a,
	             .ld = ld,
	             .rows = rows,
	             .cols = cols,
	             .op = op,
	             .kind = 'G',
	             .uplo = 'U',
	             .diag = 'N'};
	return x;
}

bb_xmat bb_xmat_vector(char prec, const void *v, long n, long inc, char as)
{
	/* stored as a 1 x n matrix with leading dimension inc */
	if (as == 'C')
		return bb_xmat_general(prec, v, inc, 'T', n, 1);
	return bb_xmat_general(prec, v, inc, as == 'H' ? 'R' : 'N', 1, n);
}

static inline bb_xc load(char prec, const void *a, size_t idx)
{
	switch (prec) {
	case 's':
		return ((const float *)a)[idx];
	case 'd':
		return ((const double *)a)[idx];
	case 'c':
		return CMPLXL(((const float *)a)[2 * idx], ((const float *)a)[2 * idx + 1]);
	default:
		return CMPLXL(((const double *)a)[2 * idx], ((const double *)a)[2 * idx + 1]);
	}
}

static inline bb_xc at(const bb_xmat *x, long i, long j)
{
	long r = i, c = j;
	if (x->op == 'T' || x->op == 'C') {
		r = j;
		c = i;
	}
	if (x->kind != 'G') {
		int outside = x->uplo == 'U' ? r > c : r < c;
		if (outside && x->kind == 'T')
			return 0;
		if (outside) { /* symmetric: the stored triangle's mirror */
			long t = r;
			r = c;
			c = t;
		}
		if (x->kind == 'T' && r == c && x->diag == 'U')
			return 1;
	}
	bb_xc v = load(x->prec, x->a, (size_t)r + (size_t)c * (size_t)x->ld);
	return x->op == 'C' || x->op == 'R' ? conjl(v) : v;
}

bb_xc bb_xmat_at(const bb_xmat *x, long i, long j)
{
	return at(x, i, j);
}

static inline long double mag(bb_xc v)
{
	return fabsl(creall(v)) + fabsl(cimagl(v));
}

/*
 * y = op(X) v (if y), yabs = |op(X)| |v| (if yabs), yrss_i = sqrt(sum_j |X_ij|^2 |v_j|^2)
 * (if yrss).  The loop order follows the storage: columns of the stored matrix innermost.
 */
static void apply(const bb_xmat *x, const bb_xc *v, bb_xc *y, long double *yabs, long double *yrss)
{
	for (long i = 0; i < x->rows; i++) {
		if (y)
			y[i] = 0;
		if (yabs)
			yabs[i] = 0;
		if (yrss)
			yrss[i] = 0;
	}
	int by_column = x->op == 'N' || x->op == 'R';
	long outer = by_column ? x->cols : x->rows, inner = by_column ? x->rows : x->cols;
	for (long o = 0; o < outer; o++) {
		long double sr = 0, si = 0, sa = 0, sq = 0;
		for (long n = 0; n < inner; n++) {
			long i = by_column ? n : o, j = by_column ? o : n;
			bb_xc e = at(x, i, j), vj = v[j];
			long double er = creall(e), ei = cimagl(e), vr = creall(vj),
			            vi = cimagl(vj);
			long double pr = er * vr - ei * vi, pi = er * vi + ei * vr;
			long double pa = yabs || yrss ? mag(e) * mag(vj) : 0;
			if (by_column) {
				if (y)
					y[i] += CMPLXL(pr, pi);
				if (yabs)
					yabs[i] += pa;
				if (yrss)
					yrss[i] += pa * pa;
			} else {
				sr += pr;
				si += pi;
				sa += pa;
				sq += pa * pa;
			}
		}
		if (!by_column) {
			if (y)
				y[o] = CMPLXL(sr, si);
			if (yabs)
				yabs[o] = sa;
			if (yrss)
				yrss[o] = sq;
		}
	}
	if (yrss)
		for (long i = 0; i < x->rows; i++)
			yrss[i] = sqrtl(yrss[i]);
}

/* One residual: |num| / den, 0 when both vanish, NaN when the data hold NaN. */
static long double ratio(bb_xc num, long double den)
{
	long double a = sqrtl(creall(num) * creall(num) + cimagl(num) * cimagl(num));
	if (a == 0)
		return 0;
	return a / den; /* den == 0 gives +Inf: a nonzero error where none is possible */
}

/* Keep the largest residual; a NaN sticks. */
static void keep(long double r, long i, long j, long double *best, long *row, long *col)
{
	if (isnan(*best))
		return;
	if (isnan(r) || r > *best) {
		*best = r;
		*row = i;
		*col = j;
	}
}

/* The weight of |T| in the denominator: |s|, times sqrt(k) for a solve (see blas_check.h). */
static long double target_weight(const bb_product_check *pc, long k)
{
	return mag(pc->s) * (pc->solve ? sqrtl((long double)k) : 1);
}

static long double check_direct(const bb_product_check *pc, long *row, long *col)
{
	const bb_xmat *t = pc->t, *x = pc->x, *y = pc->y;
	long k = x->cols;
	bb_xc *v = bb_xmalloc(sizeof(bb_xc) * (size_t)(k ? k : 1));
	bb_xc *p = bb_xmalloc(sizeof(bb_xc) * (size_t)t->rows);
	long double *pabs = bb_xmalloc(sizeof(long double) * (size_t)t->rows);
	long double aa = mag(pc->alpha), sa = target_weight(pc, k), best = 0;
	for (long j = 0; j < t->cols; j++) {
		for (long l = 0; l < k; l++)
			v[l] = at(y, l, j);
		apply(x, v, p, pabs, NULL);
		for (long i = 0; i < t->rows; i++) {
			bb_xc tij = at(t, i, j);
			long double den = pc->eps * (aa * pabs[i] + sa * mag(tij));
			keep(ratio(pc->s * tij - pc->alpha * p[i], den), i, j, &best, row, col);
		}
	}
	free(v);
	free(p);
	free(pabs);
	return best;
}

static long double check_projected(const bb_product_check *pc, long *row, long *col)
{
	const bb_xmat *t = pc->t, *x = pc->x, *y = pc->y;
	long m = t->rows, n = t->cols, k = x->cols;
	bb_xc *v = bb_xmalloc(sizeof(bb_xc) * (size_t)n);
	bb_xc *u = bb_xmalloc(sizeof(bb_xc) * (size_t)k),
	      *wv = bb_xmalloc(sizeof(bb_xc) * (size_t)k);
	long double *w = bb_xmalloc(sizeof(long double) * (size_t)k);
	bb_xc *z = bb_xmalloc(sizeof(bb_xc) * (size_t)m),
	      *tv = bb_xmalloc(sizeof(bb_xc) * (size_t)m);
	long double *zabs = bb_xmalloc(sizeof(long double) * (size_t)m);
	long double *trss = bb_xmalloc(sizeof(long double) * (size_t)m);
	long double aa = mag(pc->alpha), sa = target_weight(pc, k), best = 0;
	bb_rng r;
	bb_rng_seed(&r, pc->seed ^ 0x70726f6a65637465ull);
	for (int pass = 0; pass < 2; pass++) {
		bb_xrandom(x->prec, v, n, &r);
		apply(y, v, u, NULL, w); /* u = Y v, w = rss(Y, v) */
		for (long l = 0; l < k; l++)
			wv[l] = w[l];
		apply(x, u, z, NULL, NULL);     /* z = X (Y v) */
		apply(x, wv, NULL, zabs, NULL); /* |X| w */
		apply(t, v, tv, NULL, trss);
		for (long i = 0; i < m; i++) {
			long double den = pc->eps * (aa * zabs[i] + sa * trss[i]);
			keep(ratio(pc->s * tv[i] - pc->alpha * z[i], den), i, -1, &best, row, col);
		}
	}
	free(v);
	free(u);
	free(wv);
	free(w);
	free(z);
	free(tv);
	free(zabs);
	free(trss);
	return best;
}

double bb_check_product(const bb_product_check *pc, long *row, long *col)
{
	*row = *col = -1;
	if (pc->x->rows != pc->t->rows || pc->y->cols != pc->t->cols || pc->x->cols != pc->y->rows)
		bb_die("bb_check_product: %ldx%ld * %ldx%ld does not give %ldx%ld", pc->x->rows,
		       pc->x->cols, pc->y->rows, pc->y->cols, pc->t->rows, pc->t->cols);
	double size = (double)pc->t->rows * (double)pc->t->cols * (double)pc->x->cols;
	long double r =
	    size <= BB_BLAS_DIRECT_MAX ? check_direct(pc, row, col) : check_projected(pc, row, col);
	return (double)r;
}

int bb_xmat_nonfinite(const bb_xmat *x, long *row, long *col)
{
	for (long j = 0; j < x->cols; j++)
		for (long i = 0; i < x->rows; i++) {
			bb_xc e = at(x, i, j);
			if (!isfinite(creall(e)) || !isfinite(cimagl(e))) {
				*row = i;
				*col = j;
				return 1;
			}
		}
	return 0;
}
