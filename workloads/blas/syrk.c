/*
 * BLAS level 3 workload syrk (s/d/c/z): C := alpha op(A) op(A)^T, op(A) n x k, C's uplo
 * triangle.  Shape keys n, k, uplo, ta, lda, ldc; complex ta must be N or T (C would be herk).
 *
 * Flops per call (LAWN 41): kn(n+1)/2 mults + kn(n+1)/2 adds: kn(n+1) real, 4kn(n+1) complex.
 * Check: the product check on C's triangle (blas3_internal.h); the other triangle must be left
 * untouched (checked bit for bit).
 */
#include <math.h>
#include <stdio.h>

#include "workloads/blas/blas3_internal.h"

typedef void (*syrk_fn)(const char *uplo, const char *trans, const void *n, const void *k,
                        const void *alpha, const void *a, const void *lda, const void *beta,
                        void *c, const void *ldc, size_t, size_t);

/* The view of op(X) for a non-conjugating transpose: syrk's op(A)^T, and 'C' of a real type. */
static char plain(char op)
{
	return op == 'C' ? 'T' : op;
}

static void syrk_complete(bb_shape *s)
{
	if (!s->k)
		s->k = s->n;
	s->uplo = bb_blas_upper(s->uplo, 'U');
	s->ta = bb_blas_upper(s->ta, 'N');
	if (!s->lda)
		s->lda = bb_blas3_stored_rows(s->ta, s->n, s->k);
	if (!s->ldc)
		s->ldc = s->n;
}

static int syrk_validate(const bb_shape *s, char *why, size_t len)
{
	if (bb_blas_dim_bad("n", s->n, why, len) || bb_blas_dim_bad("k", s->k, why, len) ||
	    bb_blas_letter_bad("uplo", s->uplo, "UL", why, len) ||
	    bb_blas_letter_bad("ta", s->ta, "NTC", why, len) ||
	    bb_blas_ld_bad("lda", s->lda, bb_blas3_stored_rows(s->ta, s->n, s->k), why, len) ||
	    bb_blas_ld_bad("ldc", s->ldc, s->n, why, len))
		return -1;
	return 0;
}

static double syrk_flops(char prec, const bb_shape *s)
{
	double f = (double)s->k * (double)s->n * ((double)s->n + 1) / 2;
	return bb_blas_flops(prec, f, f);
}

static double syrk_bytes(char prec, const bb_shape *s)
{
	double e =
	    (double)s->lda * (double)(s->ta == 'N' ? s->k : s->n) + (double)s->ldc * (double)s->n;
	return e * (double)bb_prec_size(prec);
}

static void syrk_run(bb_instance *in, int c)
{
	bb_blas *B = (bb_blas *)in;
	((syrk_fn)B->fn)(B->ch[0], B->ch[1], bb_blas_int(B, 0), bb_blas_int(B, 1), &B->alpha,
	                 B->op[0].data[c], bb_blas_int(B, 2), &B->beta, B->op[1].data[c],
	                 bb_blas_int(B, 3), 1, 1);
	B->runs[c]++;
}

static int syrk_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_blas *B = (bb_blas *)in;
	const bb_shape *s = &in->shape;
	char p = in->prec, ta = plain(s->ta);
	*residual = INFINITY;
	if (bb_blas_nonfinite(B, 1, why, len) || bb_blas_outside_changed(B, 1, why, len) ||
	    bb_blas_inputs_changed(B, why, len))
		return 1;
	bb_xmat c = bb_xmat_general(p, B->op[1].data[0], s->ldc, 'N', s->n, s->n);
	c.kind = 'S';
	c.uplo = s->uplo;
	bb_xmat a = bb_xmat_general(p, B->op[0].data[0], s->lda, ta, s->n, s->k);
	bb_xmat at =
	    bb_xmat_general(p, B->op[0].data[0], s->lda, ta == 'N' ? 'T' : 'N', s->k, s->n);
	return bb_blas3_verdict(B, &c, &a, &at, 1, B->xalpha, "C", residual, why, len);
}

static bb_instance *syrk_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                int copies, uint64_t seed, char *err, size_t errlen)
{
	if (bb_prec_complex(prec) && s->ta == 'C') {
		snprintf(err, errlen, "%csyrk takes ta N or T (ta=C is %cherk)", prec, prec);
		return NULL;
	}
	long dims[] = {s->n, s->k, s->lda, s->ldc, -1};
	bb_blas *B = bb_blas_new(w, prec, s, b, copies, seed, dims, err, errlen);
	if (!B)
		return NULL;
	bb_blas_operand(B, "A", bb_blas3_stored_rows(s->ta, s->n, s->k), s->ta == 'N' ? s->k : s->n,
	                s->lda, BB_FILL_RANDOM, 'N', 0);
	B->out = bb_blas_operand(B, "C", s->n, s->n, s->ldc, BB_FILL_CONST, 'N', 1);
	B->op[B->out].part = s->uplo;
	bb_blas_fill_all(B);
	B->ch[0][0] = s->uplo;
	B->ch[1][0] = s->ta;
	long ints[] = {s->n, s->k, s->lda, s->ldc};
	for (int i = 0; i < 4; i++)
		bb_fint_set(&B->f[i], b, ints[i]);
	bb_blas_product_scalars(B);
	B->h.run = syrk_run;
	B->h.check = syrk_check;
	return &B->h;
}

const bb_workload bb_workload_syrk = {
    .name = "syrk",
    .family = "blas3",
    .keys = "n,k,uplo,ta,lda,ldc",
    .summary = "C := alpha op(A) op(A)^T, C n x n triangle, inner k (s/d/c/z syrk); keys n, k, "
               "uplo, ta, lda, ldc",
    .routine = {BB_R_ssyrk, BB_R_dsyrk, BB_R_csyrk, BB_R_zsyrk},
    .in_place = 0,
    .complete = syrk_complete,
    .validate = syrk_validate,
    .flops = syrk_flops,
    .bytes = syrk_bytes,
    .create = syrk_create,
};
