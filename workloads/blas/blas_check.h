/*
 * The BLAS workloads' correctness checks, in long double (never trusting the library): a view
 * of a stored operand as op(X) with its structure, and one product check that covers gemm,
 * symm, syrk, trsm, gemv and trsv (dot, nrm2, axpy and ger have their own, in their files):
 *
 *   compare  s * T  with  alpha * op(X) op(Y)        (T rows x cols, inner dimension k)
 *
 * gemm: T = C, X = op(A), Y = op(B), s = 1.  trsm: T = B0, s = alpha, X = op(A), Y = the
 * solution (alpha = 1).
 *
 * Residuals are componentwise, in units of the rounding a correct library can make:
 *   direct (rows * cols * k <= 256^3, exact recomputation of every element):
 *     r_ij = |s T_ij - alpha (XY)_ij| / (eps (|alpha| (|X||Y|)_ij + c |s| |T_ij|))
 *   projected (larger: two random vectors v, O(rows k + k cols + rows cols) each):
 *     r_i = |s (T v)_i - alpha (X (Y v))_i| / (eps (|alpha| (|X| w)_i + c |s| t_i))
 *     w_l = sqrt(sum_j |Y_lj|^2 |v_j|^2),  t_i = sqrt(sum_j |T_ij|^2 |v_j|^2)
 * with |z| = |re z| + |im z|, c = sqrt(k) for solves (trsv, trsm) and 1 for products.
 *
 * Why the limit (BB_BLAS_LIMIT) is safe.  A sum of k products makes k roundings, each relative
 * to the partial sum at that point: k eps (|X||Y|)_ij in the worst case, but independent
 * errors that add like a random walk, whatever the order or blocking.  With signed random
 * data the partial sums stay O(sqrt k) while |X||Y| is O(k): the first term covers them with
 * room to spare.  A solve's partial sums start from its right-hand side and add small
 * updates, so they are as large as T_ij all along and their roundings reach ~sqrt(k) eps
 * |T_ij|: hence c = sqrt(k) there.  The projection multiplies the errors by random signs, so
 * |sum_j E_ij v_j| stays near sqrt(sum_j E_ij^2 v_j^2), and by Minkowski's inequality
 * sqrt(sum_j (|X||Y|)_ij^2 v_j^2) <= (|X| w)_i: the same units.
 *
 * Measured: correct results from OpenBLAS (also ILP64, OpenMP), BLIS, ATLAS, Netlib, libflame
 * and ref stay below 2 (tests/workloads; by hand up to n = 3200 for trsv, 4000 x 3000 and
 * 300 x 20000 for gemv, 2000 for the level 3 routines).  One element off by 1e-3 relative
 * gives ~500 to 5000 in the direct check in single precision and ~1e11 in double.  The
 * projection dilutes it by ~sqrt(rows k): in double it stays far above the limit at every
 * size; in single precision, above it up to about m = n = k = 2500 for real products, 1400
 * for complex products, 1000 for real solves and 800 for complex ones (beyond that a single
 * such element is within the rounding noise of the projection).
 */
#ifndef BB_WORKLOADS_BLAS_BLAS_CHECK_H
#define BB_WORKLOADS_BLAS_BLAS_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "workloads/data.h"

#define BB_BLAS_LIMIT 10.0
/* Above rows * cols * k = 256^3 the product check projects. */
#define BB_BLAS_DIRECT_MAX (256.0 * 256.0 * 256.0)

/* op(X) of a stored column-major operand: element (i, j) of op(X), 0 <= i < rows,
 * 0 <= j < cols. */
typedef struct bb_xmat {
	char prec;
	const void *a;
	long ld;
	long rows, cols; /* of op(X) */
	char op;         /* 'N', 'T', 'C' (conjugate transpose), 'R' (conjugate, no transpose) */
	char kind;       /* 'G' general, 'S' symmetric (the uplo triangle), 'T' triangular */
	char uplo;       /* 'S', 'T': the stored triangle */
	char diag;       /* 'T': 'U' unit diagonal (not stored) or 'N' */
} bb_xmat;

/* A general m x n matrix (op applied: rows x cols of op(X)). */
bb_xmat bb_xmat_general(char prec, const void *a, long ld, char op, long rows, long cols);
/* A vector of n elements with increment inc, as a column (n x 1) or, op 'R'/'T' applied to
 * the row, a row: `as` 'C' column, 'R' row, 'H' conjugated row. */
bb_xmat bb_xmat_vector(char prec, const void *x, long n, long inc, char as);

bb_xc bb_xmat_at(const bb_xmat *x, long i, long j);

typedef struct bb_product_check {
	const bb_xmat *t, *x, *y;
	bb_xc s, alpha;
	double eps;
	uint64_t seed;     /* projection vectors */
	const char *tname; /* the name of T in messages ("C") */
	int solve;         /* T is the right-hand side of a solve (trsv, trsm) */
} bb_product_check;

/* The largest residual (NaN when the data hold one), the element (or row, for a projected
 * check: col = -1) where it was found. */
double bb_check_product(const bb_product_check *pc, long *row, long *col);

/* 1 when op(X) holds a NaN or Inf (only the elements the view defines); its place. */
int bb_xmat_nonfinite(const bb_xmat *x, long *row, long *col);

#endif
