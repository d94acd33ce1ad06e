/*
 * BLAS level 3 workload symm (s/d/c/z): C := alpha A B (side L, A m x m) or alpha B A (side R,
 * A n x n), A symmetric, C m x n.  Shape keys m, n, side, uplo, lda, ldb, ldc.
 *
 * Flops per call (LAWN 41): side L m^2 n mults + m^2 n adds, side R mn^2 + mn^2: 2m^2 n /
 * 2mn^2 real, times 4 complex.
 * Data: A is symmetric as the routine sees it (its uplo triangle); the other triangle holds
 * different random values, so a library that reads it fails the check.  Check: the product
 * check on C (blas3_internal.h).
 */
#include <math.h>

#include "workloads/blas/blas3_internal.h"

typedef void (*symm_fn)(const char *side, const char *uplo, const void *m, const void *n,
                        const void *alpha, const void *a, const void *lda, const void *b,
                        const void *ldb, const void *beta, void *c, const void *ldc, size_t,
                        size_t);

static void symm_complete(bb_shape *s)
{
	if (!s->m)
		s->m = s->n;
	s->side = bb_blas_upper(s->side, 'L');
	s->uplo = bb_blas_upper(s->uplo, 'U');
	if (!s->lda)
		s->lda = bb_blas3_side_order(s);
	if (!s->ldb)
		s->ldb = s->m;
	if (!s->ldc)
		s->ldc = s->m;
}

static int symm_validate(const bb_shape *s, char *why, size_t len)
{
	if (bb_blas_dim_bad("m", s->m, why, len) || bb_blas_dim_bad("n", s->n, why, len) ||
	    bb_blas_letter_bad("side", s->side, "LR", why, len) ||
	    bb_blas_letter_bad("uplo", s->uplo, "UL", why, len) ||
	    bb_blas_ld_bad("lda", s->lda, bb_blas3_side_order(s), why, len) ||
	    bb_blas_ld_bad("ldb", s->ldb, s->m, why, len) ||
	    bb_blas_ld_bad("ldc", s->ldc, s->m, why, len))
		return -1;
	return 0;
}

static double symm_flops(char prec, const bb_shape *s)
{
	double f = (double)s->m * (double)s->n * (double)bb_blas3_side_order(s);
	return bb_blas_flops(prec, f, f);
}

static double symm_bytes(char prec, const bb_shape *s)
{
	double e = (double)s->lda * (double)bb_blas3_side_order(s) + (double)s->ldb * (double)s->n +
	           (double)s->ldc * (double)s->n;
	return e * (double)bb_prec_size(prec);
}

static void symm_run(bb_instance *in, int c)
{
	bb_blas *B = (bb_blas *)in;
	((symm_fn)B->fn)(B->ch[0], B->ch[1], bb_blas_int(B, 0), bb_blas_int(B, 1), &B->alpha,
	                 B->op[0].data[c], bb_blas_int(B, 2), B->op[1].data[c], bb_blas_int(B, 3),
	                 &B->beta, B->op[2].data[c], bb_blas_int(B, 4), 1, 1);
	B->runs[c]++;
}

static int symm_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_blas *B = (bb_blas *)in;
	const bb_shape *s = &in->shape;
	char p = in->prec;
	*residual = INFINITY;
	if (bb_blas_nonfinite(B, 2, why, len) || bb_blas_inputs_changed(B, why, len))
		return 1;
	long ka = bb_blas3_side_order(s);
	bb_xmat c = bb_xmat_general(p, B->op[2].data[0], s->ldc, 'N', s->m, s->n);
	bb_xmat a = bb_xmat_general(p, B->op[0].data[0], s->lda, 'N', ka, ka);
	a.kind = 'S';
	a.uplo = s->uplo;
	bb_xmat b = bb_xmat_general(p, B->op[1].data[0], s->ldb, 'N', s->m, s->n);
	if (s->side == 'L')
		return bb_blas3_verdict(B, &c, &a, &b, 1, B->xalpha, "C", residual, why, len);
	return bb_blas3_verdict(B, &c, &b, &a, 1, B->xalpha, "C", residual, why, len);
}

static bb_instance *symm_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                int copies, uint64_t seed, char *err, size_t errlen)
{
	long dims[] = {s->m, s->n, s->lda, s->ldb, s->ldc, -1};
	bb_blas *B = bb_blas_new(w, prec, s, b, copies, seed, dims, err, errlen);
	if (!B)
		return NULL;
	long ka = bb_blas3_side_order(s);
	bb_blas_operand(B, "A", ka, ka, s->lda, BB_FILL_RANDOM, 'N', 0);
	bb_blas_operand(B, "B", s->m, s->n, s->ldb, BB_FILL_RANDOM, 'N', 0);
	B->out = bb_blas_operand(B, "C", s->m, s->n, s->ldc, BB_FILL_CONST, 'N', 1);
	bb_blas_fill_all(B);
	B->ch[0][0] = s->side;
	B->ch[1][0] = s->uplo;
	long ints[] = {s->m, s->n, s->lda, s->ldb, s->ldc};
	for (int i = 0; i < 5; i++)
		bb_fint_set(&B->f[i], b, ints[i]);
	bb_blas_product_scalars(B);
	B->h.run = symm_run;
	B->h.check = symm_check;
	return &B->h;
}

const bb_workload bb_workload_symm = {
    .name = "symm",
    .family = "blas3",
    .keys = "m,n,side,uplo,lda,ldb,ldc",
    .summary = "C := alpha A B or alpha B A, A symmetric, C m x n (s/d/c/z symm); keys m, n, "
               "side, uplo, lda, ldb, ldc",
    .routine = {BB_R_ssymm, BB_R_dsymm, BB_R_csymm, BB_R_zsymm},
    .in_place = 0,
    .complete = symm_complete,
    .validate = symm_validate,
    .flops = symm_flops,
    .bytes = symm_bytes,
    .create = symm_create,
};
