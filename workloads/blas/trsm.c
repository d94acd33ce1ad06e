/*
 * BLAS level 3 workload trsm (s/d/c/z): B := alpha op(A)^-1 B (side L, A m x m) or
 * alpha B op(A)^-1 (side R, A n x n), A triangular, B m x n.  Shape keys m, n, side, uplo, ta,
 * diag, lda, ldb.
 *
 * Flops per call (LAWN 41): side L nm(m+1)/2 mults + nm(m-1)/2 adds: m^2 n real, 4m^2 n + 2mn
 * complex; side R mn(n+1)/2 + mn(n-1)/2 (m and n swapped).
 * Data: A is diagonally dominant (blas_instance.h TRI).  trsm is in place: reset() restores B.
 * Check: the residual op(A) X - alpha B0 (or X op(A) - alpha B0) of the solution X against
 * pristine B0, by the product check as a solve (blas3_internal.h, blas_check.h).
 */
#include <math.h>

#include "workloads/blas/blas3_internal.h"

typedef void (*trsm_fn)(const char *side, const char *uplo, const char *ta, const char *diag,
                        const void *m, const void *n, const void *alpha, const void *a,
                        const void *lda, void *b, const void *ldb, size_t, size_t, size_t, size_t);

static void trsm_complete(bb_shape *s)
{
	if (!s->m)
		s->m = s->n;
	s->side = bb_blas_upper(s->side, 'L');
	s->uplo = bb_blas_upper(s->uplo, 'U');
	s->ta = bb_blas_upper(s->ta, 'N');
	s->diag = bb_blas_upper(s->diag, 'N');
	if (!s->lda)
		s->lda = bb_blas3_side_order(s);
	if (!s->ldb)
		s->ldb = s->m;
}

static int trsm_validate(const bb_shape *s, char *why, size_t len)
{
	if (bb_blas_dim_bad("m", s->m, why, len) || bb_blas_dim_bad("n", s->n, why, len) ||
	    bb_blas_letter_bad("side", s->side, "LR", why, len) ||
	    bb_blas_letter_bad("uplo", s->uplo, "UL", why, len) ||
	    bb_blas_letter_bad("ta", s->ta, "NTC", why, len) ||
	    bb_blas_letter_bad("diag", s->diag, "NU", why, len) ||
	    bb_blas_ld_bad("lda", s->lda, bb_blas3_side_order(s), why, len) ||
	    bb_blas_ld_bad("ldb", s->ldb, s->m, why, len))
		return -1;
	return 0;
}

static double trsm_flops(char prec, const bb_shape *s)
{
	double ka = (double)bb_blas3_side_order(s), other = (double)(s->side == 'L' ? s->n : s->m);
	return bb_blas_flops(prec, other * ka * (ka + 1) / 2, other * ka * (ka - 1) / 2);
}

static double trsm_bytes(char prec, const bb_shape *s)
{
	double e = (double)s->lda * (double)bb_blas3_side_order(s) + (double)s->ldb * (double)s->n;
	return e * (double)bb_prec_size(prec);
}

static void trsm_run(bb_instance *in, int c)
{
	bb_blas *B = (bb_blas *)in;
	((trsm_fn)B->fn)(B->ch[0], B->ch[1], B->ch[2], B->ch[3], bb_blas_int(B, 0),
	                 bb_blas_int(B, 1), &B->alpha, B->op[0].data[c], bb_blas_int(B, 2),
	                 B->op[1].data[c], bb_blas_int(B, 3), 1, 1, 1, 1);
	B->runs[c]++;
}

static int trsm_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_blas *B = (bb_blas *)in;
	const bb_shape *s = &in->shape;
	char p = in->prec;
	*residual = INFINITY;
	if (bb_blas_nonfinite(B, 1, why, len) || bb_blas_inputs_changed(B, why, len))
		return 1;
	long ka = bb_blas3_side_order(s);
	bb_xmat b0 = bb_xmat_general(p, B->op[1].pristine, s->ldb, 'N', s->m, s->n);
	bb_xmat x = bb_xmat_general(p, B->op[1].data[0], s->ldb, 'N', s->m, s->n);
	bb_xmat a = bb_xmat_general(p, B->op[0].data[0], s->lda, s->ta, ka, ka);
	a.kind = 'T';
	a.uplo = s->uplo;
	a.diag = s->diag;
	if (s->side == 'L')
		return bb_blas3_verdict(B, &b0, &a, &x, B->xalpha, 1, "op(A) X - alpha B", residual,
		                        why, len);
	return bb_blas3_verdict(B, &b0, &x, &a, B->xalpha, 1, "X op(A) - alpha B", residual, why,
	                        len);
}

static bb_instance *trsm_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                int copies, uint64_t seed, char *err, size_t errlen)
{
	long dims[] = {s->m, s->n, s->lda, s->ldb, -1};
	bb_blas *B = bb_blas_new(w, prec, s, b, copies, seed, dims, err, errlen);
	if (!B)
		return NULL;
	long ka = bb_blas3_side_order(s);
	bb_blas_operand(B, "A", ka, ka, s->lda, BB_FILL_TRI, s->diag, 0);
	B->out = bb_blas_operand(B, "B", s->m, s->n, s->ldb, BB_FILL_RANDOM, 'N', 1);
	bb_blas_fill_all(B);
	B->ch[0][0] = s->side;
	B->ch[1][0] = s->uplo;
	B->ch[2][0] = s->ta;
	B->ch[3][0] = s->diag;
	long ints[] = {s->m, s->n, s->lda, s->ldb};
	for (int i = 0; i < 4; i++)
		bb_fint_set(&B->f[i], b, ints[i]);
	bb_blas_product_scalars(B);
	B->h.run = trsm_run;
	B->h.check = trsm_check;
	return &B->h;
}

const bb_workload bb_workload_trsm = {
    .name = "trsm",
    .family = "blas3",
    .keys = "m,n,side,uplo,ta,diag,lda,ldb",
    .summary = "B := alpha op(A)^-1 B or alpha B op(A)^-1, A triangular, B m x n (s/d/c/z "
               "trsm); keys m, n, side, uplo, ta, diag, lda, ldb",
    .routine = {BB_R_strsm, BB_R_dtrsm, BB_R_ctrsm, BB_R_ztrsm},
    .in_place = 1,
    .complete = trsm_complete,
    .validate = trsm_validate,
    .flops = trsm_flops,
    .bytes = trsm_bytes,
    .create = trsm_create,
};
