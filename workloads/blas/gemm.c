/*
 * BLAS level 3 workload gemm (s/d/c/z): C := alpha op(A) op(B), op(A) m x k, op(B) k x n.
 * Shape keys m, n, k, ta, tb, lda, ldb, ldc.
 *
 * Flops per call (LAWN 41): mnk mults + mnk adds: 2mnk real, 8mnk complex.
 * Data and check: blas3_internal.h (beta = 0, product check with limit 10 on C).
 */
#include <math.h>

#include "workloads/blas/blas3_internal.h"

typedef void (*gemm_fn)(const char *ta, const char *tb, const void *m, const void *n, const void *k,
                        const void *alpha, const void *a, const void *lda, const void *b,
                        const void *ldb, const void *beta, void *c, const void *ldc, size_t,
                        size_t);

static void gemm_complete(bb_shape *s)
{
	if (!s->m)
		s->m = s->n;
	if (!s->k)
		s->k = s->n;
	s->ta = bb_blas_upper(s->ta, 'N');
	s->tb = bb_blas_upper(s->tb, 'N');
	if (!s->lda)
		s->lda = bb_blas3_stored_rows(s->ta, s->m, s->k);
	if (!s->ldb)
		s->ldb = bb_blas3_stored_rows(s->tb, s->k, s->n);
	if (!s->ldc)
		s->ldc = s->m;
}

static int gemm_validate(const bb_shape *s, char *why, size_t len)
{
	if (bb_blas_dim_bad("m", s->m, why, len) || bb_blas_dim_bad("n", s->n, why, len) ||
	    bb_blas_dim_bad("k", s->k, why, len) ||
	    bb_blas_letter_bad("ta", s->ta, "NTC", why, len) ||
	    bb_blas_letter_bad("tb", s->tb, "NTC", why, len) ||
	    bb_blas_ld_bad("lda", s->lda, bb_blas3_stored_rows(s->ta, s->m, s->k), why, len) ||
	    bb_blas_ld_bad("ldb", s->ldb, bb_blas3_stored_rows(s->tb, s->k, s->n), why, len) ||
	    bb_blas_ld_bad("ldc", s->ldc, s->m, why, len))
		return -1;
	return 0;
}

static double gemm_flops(char prec, const bb_shape *s)
{
	double mnk = (double)s->m * (double)s->n * (double)s->k;
	return bb_blas_flops(prec, mnk, mnk);
}

static double gemm_bytes(char prec, const bb_shape *s)
{
	double a = (double)s->lda * (double)(s->ta == 'N' ? s->k : s->m);
	double b = (double)s->ldb * (double)(s->tb == 'N' ? s->n : s->k);
	return (a + b + (double)s->ldc * (double)s->n) * (double)bb_prec_size(prec);
}

static void gemm_run(bb_instance *in, int c)
{
	bb_blas *B = (bb_blas *)in;
	((gemm_fn)B->fn)(B->ch[0], B->ch[1], bb_blas_int(B, 0), bb_blas_int(B, 1),
	                 bb_blas_int(B, 2), &B->alpha, B->op[0].data[c], bb_blas_int(B, 3),
	                 B->op[1].data[c], bb_blas_int(B, 4), &B->beta, B->op[2].data[c],
	                 bb_blas_int(B, 5), 1, 1);
	B->runs[c]++;
}

static int gemm_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_blas *B = (bb_blas *)in;
	const bb_shape *s = &in->shape;
	char p = in->prec;
	*residual = INFINITY;
	if (bb_blas_nonfinite(B, 2, why, len) || bb_blas_inputs_changed(B, why, len))
		return 1;
	bb_xmat c = bb_xmat_general(p, B->op[2].data[0], s->ldc, 'N', s->m, s->n);
	bb_xmat a = bb_xmat_general(p, B->op[0].data[0], s->lda, s->ta, s->m, s->k);
	bb_xmat b = bb_xmat_general(p, B->op[1].data[0], s->ldb, s->tb, s->k, s->n);
	return bb_blas3_verdict(B, &c, &a, &b, 1, B->xalpha, "C", residual, why, len);
}

static bb_instance *gemm_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                int copies, uint64_t seed, char *err, size_t errlen)
{
	long dims[] = {s->m, s->n, s->k, s->lda, s->ldb, s->ldc, -1};
	bb_blas *B = bb_blas_new(w, prec, s, b, copies, seed, dims, err, errlen);
	if (!B)
		return NULL;
	bb_blas_operand(B, "A", bb_blas3_stored_rows(s->ta, s->m, s->k), s->ta == 'N' ? s->k : s->m,
	                s->lda, BB_FILL_RANDOM, 'N', 0);
	bb_blas_operand(B, "B", bb_blas3_stored_rows(s->tb, s->k, s->n), s->tb == 'N' ? s->n : s->k,
	                s->ldb, BB_FILL_RANDOM, 'N', 0);
	B->out = bb_blas_operand(B, "C", s->m, s->n, s->ldc, BB_FILL_CONST, 'N', 1);
	bb_blas_fill_all(B);
	B->ch[0][0] = s->ta;
	B->ch[1][0] = s->tb;
	long ints[] = {s->m, s->n, s->k, s->lda, s->ldb, s->ldc};
	for (int i = 0; i < 6; i++)
		bb_fint_set(&B->f[i], b, ints[i]);
	bb_blas_product_scalars(B);
	B->h.run = gemm_run;
	B->h.check = gemm_check;
	return &B->h;
}

const bb_workload bb_workload_gemm = {
    .name = "gemm",
    .family = "blas3",
    .keys = "m,n,k,ta,tb,lda,ldb,ldc",
    .summary = "C := alpha op(A) op(B), C m x n, inner k (s/d/c/z gemm); keys m, n, k, ta, tb, "
               "lda, ldb, ldc",
    .routine = {BB_R_sgemm, BB_R_dgemm, BB_R_cgemm, BB_R_zgemm},
    .in_place = 0,
    .complete = gemm_complete,
    .validate = gemm_validate,
    .flops = gemm_flops,
    .bytes = gemm_bytes,
    .create = gemm_create,
};
