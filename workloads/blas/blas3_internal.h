/*
 * What the BLAS level 3 workloads (gemm.c, symm.c, syrk.c, trsm.c) share: the geometry of a
 * stored operand and the product check's verdict.  Internal to workloads/blas/.
 *
 * Flops per call follow LAWN 41 (real = mults + adds, complex = 6 mults + 2 adds: see
 * bb_blas_flops).  Data: beta = 0 and alpha = 0.5 (+ 0.25i) (bb_blas_product_scalars), so
 * repeated calls on copy 0 give the same output; outputs start at 0.75 everywhere.
 *
 * Checks: the product check of blas_check.h with limit BB_BLAS_LIMIT (10) -- exact
 * recomputation of every element up to m n k = 256^3, projection on two random vectors above.
 */
#ifndef BB_WORKLOADS_BLAS_BLAS3_INTERNAL_H
#define BB_WORKLOADS_BLAS_BLAS3_INTERNAL_H

#include "workloads/blas/blas_check.h"
#include "workloads/blas/blas_instance.h"

/* The rows of a stored operand that op() turns into `rows` x `cols`. */
static inline long bb_blas3_stored_rows(char op, long rows, long cols)
{
	return op == 'N' ? rows : cols;
}

/* The order of symm's and trsm's A: m on the left, n on the right. */
static inline long bb_blas3_side_order(const bb_shape *s)
{
	return s->side == 'L' ? s->m : s->n;
}

/* Run the product check s T = alpha X Y on copy 0 and give the verdict, naming `what`.  An
 * in-place routine (trsm) is a solve for the check (blas_check.h).  Returns 1 (wrong) with a
 * reason in why, or 0; *residual is the check's residual. */
static inline int bb_blas3_verdict(bb_blas *B, const bb_xmat *t, const bb_xmat *x, const bb_xmat *y,
                                   bb_xc s, bb_xc alpha, const char *what, double *residual,
                                   char *why, size_t len)
{
	bb_product_check pc = {.t = t,
	                       .x = x,
	                       .y = y,
	                       .s = s,
	                       .alpha = alpha,
	                       .eps = bb_prec_eps(B->h.prec),
	                       .seed = B->seed,
	                       .tname = what,
	                       .solve = B->h.w->in_place};
	long i, j;
	*residual = bb_check_product(&pc, &i, &j);
	return bb_blas_verdict(B, what, *residual, BB_BLAS_LIMIT, why, len);
}

#endif
