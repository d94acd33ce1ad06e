/*
 * BLAS level 3 workloads: gemm, symm, syrk, trsm (s/d/c/z each).  Shape keys:
 *   gemm m, n, k, ta, tb, lda, ldb, ldc    C := alpha op(A) op(B), op(A) m x k, op(B) k x n
 *   symm m, n, side, uplo, lda, ldb, ldc   C := alpha A B (side L, A m x m) or alpha B A (R)
 *   syrk n, k, uplo, ta, lda, ldc          C := alpha op(A) op(A)^T, op(A) n x k; complex ta
 *                                          must be N or T (C would be herk)
 *   trsm m, n, side, uplo, ta, diag, lda, ldb   B := alpha op(A)^-1 B (L) or alpha B op(A)^-1
 *
 * Flops per call (LAWN 41: real = mults + adds, complex = 6 mults + 2 adds):
 *   gemm mnk + mnk: 2mnk real, 8mnk complex
 *   symm side L m^2 n + m^2 n, side R mn^2 + mn^2: 2m^2 n / 2mn^2, times 4 complex
 *   syrk kn(n+1)/2 + kn(n+1)/2: kn(n+1) real, 4kn(n+1) complex
 *   trsm side L nm(m+1)/2 mults + nm(m-1)/2 adds: m^2 n real, 4m^2 n + 2mn complex
 *        side R mn(n+1)/2 + mn(n-1)/2 (m and n swapped)
 *
 * Data: beta = 0 and alpha = 0.5 (+ 0.25i), so repeated calls on copy 0 give the same C; C
 * starts at 0.75 everywhere.  symm's A is symmetric as the routine sees it (its uplo
 * triangle); the other triangle holds different random values, so a library that reads it
 * fails the check.  syrk must leave C's other triangle untouched (checked bit for bit).
 * trsm's A is diagonally dominant (blas_instance.h TRI); trsm is in place: reset() restores B.
 *
 * Checks: the product check of blas_check.h with limit 10 -- exact recomputation of every
 * element up to m n k = 256^3, projection on two random vectors above.  trsm checks the
 * residual op(A) X - alpha B0 (or X op(A) - alpha B0) of its solution X against pristine B0.
 */
#include <math.h>
#include <stdio.h>

#include "workloads/blas/blas_check.h"
#include "workloads/blas/blas_instance.h"

typedef void (*gemm_fn)(const char *ta, const char *tb, const void *m, const void *n, const void *k,
                        const void *alpha, const void *a, const void *lda, const void *b,
                        const void *ldb, const void *beta, void *c, const void *ldc, size_t,
                        size_t);
typedef void (*symm_fn)(const char *side, const char *uplo, const void *m, const void *n,
                        const void *alpha, const void *a, const void *lda, const void *b,
                        const void *ldb, const void *beta, void *c, const void *ldc, size_t,
                        size_t);
typedef void (*syrk_fn)(const char *uplo, const char *trans, const void *n, const void *k,
                        const void *alpha, const void *a, const void *lda, const void *beta,
                        void *c, const void *ldc, size_t, size_t);
typedef void (*trsm_fn)(const char *side, const char *uplo, const char *ta, const char *diag,
                        const void *m, const void *n, const void *alpha, const void *a,
                        const void *lda, void *b, const void *ldb, size_t, size_t, size_t, size_t);

/* The rows of a stored operand that op() turns into `rows` x `cols`. */
static long stored_rows(char op, long rows, long cols)
{
	return op == 'N' ? rows : cols;
}

/* The view of op(X) for a non-conjugating transpose: syrk's op(A)^T, and 'C' of a real type. */
static char plain(char op)
{
	return op == 'C' ? 'T' : op;
}

/* Run the product check on copy 0 and give the verdict (trsm, the one in-place routine, is a
 * solve: blas_check.h). */
static int product_verdict(bb_blas *B, const bb_xmat *t, const bb_xmat *x, const bb_xmat *y,
                           bb_xc s, bb_xc alpha, const char *what, double *residual, char *why,
                           size_t len)
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

/* ---- gemm */

static void gemm_complete(bb_shape *s)
{
	if (!s->m)
		s->m = s->n;
	if (!s->k)
		s->k = s->n;
	s->ta = bb_blas_upper(s->ta, 'N');
	s->tb = bb_blas_upper(s->tb, 'N');
	if (!s->lda)
		s->lda = stored_rows(s->ta, s->m, s->k);
	if (!s->ldb)
		s->ldb = stored_rows(s->tb, s->k, s->n);
	if (!s->ldc)
		s->ldc = s->m;
}

static int gemm_validate(const bb_shape *s, char *why, size_t len)
{
	if (bb_blas_dim_bad("m", s->m, why, len) || bb_blas_dim_bad("n", s->n, why, len) ||
	    bb_blas_dim_bad("k", s->k, why, len) ||
	    bb_blas_letter_bad("ta", s->ta, "NTC", why, len) ||
	    bb_blas_letter_bad("tb", s->tb, "NTC", why, len) ||
	    bb_blas_ld_bad("lda", s->lda, stored_rows(s->ta, s->m, s->k), why, len) ||
	    bb_blas_ld_bad("ldb", s->ldb, stored_rows(s->tb, s->k, s->n), why, len) ||
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
	return product_verdict(B, &c, &a, &b, 1, B->xalpha, "C", residual, why, len);
}

static bb_instance *gemm_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                int copies, uint64_t seed, char *err, size_t errlen)
{
	long dims[] = {s->m, s->n, s->k, s->lda, s->ldb, s->ldc, -1};
	bb_blas *B = bb_blas_new(w, prec, s, b, copies, seed, dims, err, errlen);
	if (!B)
		return NULL;
	bb_blas_operand(B, "A", stored_rows(s->ta, s->m, s->k), s->ta == 'N' ? s->k : s->m, s->lda,
	                BB_FILL_RANDOM, 'N', 0);
	bb_blas_operand(B, "B", stored_rows(s->tb, s->k, s->n), s->tb == 'N' ? s->n : s->k, s->ldb,
	                BB_FILL_RANDOM, 'N', 0);
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

/* ---- symm */

/* The order of symm's and trsm's A: m on the left, n on the right. */
static long side_order(const bb_shape *s)
{
	return s->side == 'L' ? s->m : s->n;
}

static void symm_complete(bb_shape *s)
{
	if (!s->m)
		s->m = s->n;
	s->side = bb_blas_upper(s->side, 'L');
	s->uplo = bb_blas_upper(s->uplo, 'U');
	if (!s->lda)
		s->lda = side_order(s);
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
	    bb_blas_ld_bad("lda", s->lda, side_order(s), why, len) ||
	    bb_blas_ld_bad("ldb", s->ldb, s->m, why, len) ||
	    bb_blas_ld_bad("ldc", s->ldc, s->m, why, len))
		return -1;
	return 0;
}

static double symm_flops(char prec, const bb_shape *s)
{
	double f = (double)s->m * (double)s->n * (double)side_order(s);
	return bb_blas_flops(prec, f, f);
}

static double symm_bytes(char prec, const bb_shape *s)
{
	double e = (double)s->lda * (double)side_order(s) + (double)s->ldb * (double)s->n +
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
	long ka = side_order(s);
	bb_xmat c = bb_xmat_general(p, B->op[2].data[0], s->ldc, 'N', s->m, s->n);
	bb_xmat a = bb_xmat_general(p, B->op[0].data[0], s->lda, 'N', ka, ka);
	a.kind = 'S';
	a.uplo = s->uplo;
	bb_xmat b = bb_xmat_general(p, B->op[1].data[0], s->ldb, 'N', s->m, s->n);
	if (s->side == 'L')
		return product_verdict(B, &c, &a, &b, 1, B->xalpha, "C", residual, why, len);
	return product_verdict(B, &c, &b, &a, 1, B->xalpha, "C", residual, why, len);
}

static bb_instance *symm_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                int copies, uint64_t seed, char *err, size_t errlen)
{
	long dims[] = {s->m, s->n, s->lda, s->ldb, s->ldc, -1};
	bb_blas *B = bb_blas_new(w, prec, s, b, copies, seed, dims, err, errlen);
	if (!B)
		return NULL;
	long ka = side_order(s);
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

/* ---- syrk */

static void syrk_complete(bb_shape *s)
{
	if (!s->k)
		s->k = s->n;
	s->uplo = bb_blas_upper(s->uplo, 'U');
	s->ta = bb_blas_upper(s->ta, 'N');
	if (!s->lda)
		s->lda = stored_rows(s->ta, s->n, s->k);
	if (!s->ldc)
		s->ldc = s->n;
}

static int syrk_validate(const bb_shape *s, char *why, size_t len)
{
	if (bb_blas_dim_bad("n", s->n, why, len) || bb_blas_dim_bad("k", s->k, why, len) ||
	    bb_blas_letter_bad("uplo", s->uplo, "UL", why, len) ||
	    bb_blas_letter_bad("ta", s->ta, "NTC", why, len) ||
	    bb_blas_ld_bad("lda", s->lda, stored_rows(s->ta, s->n, s->k), why, len) ||
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
	return product_verdict(B, &c, &a, &at, 1, B->xalpha, "C", residual, why, len);
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
	bb_blas_operand(B, "A", stored_rows(s->ta, s->n, s->k), s->ta == 'N' ? s->k : s->n, s->lda,
	                BB_FILL_RANDOM, 'N', 0);
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

/* ---- trsm */

static void trsm_complete(bb_shape *s)
{
	if (!s->m)
		s->m = s->n;
	s->side = bb_blas_upper(s->side, 'L');
	s->uplo = bb_blas_upper(s->uplo, 'U');
	s->ta = bb_blas_upper(s->ta, 'N');
	s->diag = bb_blas_upper(s->diag, 'N');
	if (!s->lda)
		s->lda = side_order(s);
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
	    bb_blas_ld_bad("lda", s->lda, side_order(s), why, len) ||
	    bb_blas_ld_bad("ldb", s->ldb, s->m, why, len))
		return -1;
	return 0;
}

static double trsm_flops(char prec, const bb_shape *s)
{
	double ka = (double)side_order(s), other = (double)(s->side == 'L' ? s->n : s->m);
	return bb_blas_flops(prec, other * ka * (ka + 1) / 2, other * ka * (ka - 1) / 2);
}

static double trsm_bytes(char prec, const bb_shape *s)
{
	double e = (double)s->lda * (double)side_order(s) + (double)s->ldb * (double)s->n;
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
	long ka = side_order(s);
	bb_xmat b0 = bb_xmat_general(p, B->op[1].pristine, s->ldb, 'N', s->m, s->n);
	bb_xmat x = bb_xmat_general(p, B->op[1].data[0], s->ldb, 'N', s->m, s->n);
	bb_xmat a = bb_xmat_general(p, B->op[0].data[0], s->lda, s->ta, ka, ka);
	a.kind = 'T';
	a.uplo = s->uplo;
	a.diag = s->diag;
	if (s->side == 'L')
		return product_verdict(B, &b0, &a, &x, B->xalpha, 1, "op(A) X - alpha B", residual,
		                       why, len);
	return product_verdict(B, &b0, &x, &a, B->xalpha, 1, "X op(A) - alpha B", residual, why,
	                       len);
}

static bb_instance *trsm_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                int copies, uint64_t seed, char *err, size_t errlen)
{
	long dims[] = {s->m, s->n, s->lda, s->ldb, -1};
	bb_blas *B = bb_blas_new(w, prec, s, b, copies, seed, dims, err, errlen);
	if (!B)
		return NULL;
	long ka = side_order(s);
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
