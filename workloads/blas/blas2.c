/*
 * BLAS level 2 workloads: gemv (s/d/c/z), ger (sger, dger, cgeru, zgeru), trsv (s/d/c/z).
 * Shape keys: gemv m, n, ta, lda; ger m, n, lda; trsv n, uplo, ta, diag, lda.  Vectors are
 * contiguous (inc 1).
 *
 * Flops per call (LAWN 41: real = mults + adds, complex = 6 mults + 2 adds):
 *   gemv mn mults + mn adds: 2mn real, 8mn complex
 *   ger  mn mults + mn adds: 2mn real, 8mn complex
 *   trsv n(n+1)/2 mults + n(n-1)/2 adds: n^2 real, 4n^2 + 2n complex
 *
 * Data and checks (long double, copy 0):
 *   gemv y := alpha op(A) x with beta = 0, alpha = 0.5 (+ 0.25i): repeated calls give the same
 *        y; product check of blas_check.h, every element, limit 10
 *   ger  A := A + alpha x y^T, exact (blas_instance.h): calls alternate alpha = +-2^-10 (1 + i)
 *        and check() makes one more call when the count is even; then A = A0 + alpha x y^T
 *        exactly for every correct library (residual 0; the limit is the common 10, in units
 *        of eps (|A0| + |alpha x y^T|) elementwise)
 *   trsv x := op(T)^-1 b in place (in_place = 1: reset() restores b); T diagonally dominant
 *        (blas_instance.h TRI); residual op(T) x - b0 by the product check, limit 10
 */
#include <math.h>
#include <stdio.h>

#include "workloads/blas/blas_check.h"
#include "workloads/blas/blas_instance.h"

#define GER_ALPHA 0x1.0p-10

/* Fortran interfaces: every argument by reference, character lengths at the end. */
typedef void (*gemv_fn)(const char *trans, const void *m, const void *n, const void *alpha,
                        const void *a, const void *lda, const void *x, const void *incx,
                        const void *beta, void *y, const void *incy, size_t);
typedef void (*ger_fn)(const void *m, const void *n, const void *alpha, const void *x,
                       const void *incx, const void *y, const void *incy, void *a, const void *lda);
typedef void (*trsv_fn)(const char *uplo, const char *trans, const char *diag, const void *n,
                        const void *a, const void *lda, void *x, const void *incx, size_t, size_t,
                        size_t);

/* ---- gemv */

static void gemv_complete(bb_shape *s)
{
	if (!s->m)
		s->m = s->n;
	s->ta = bb_blas_upper(s->ta, 'N');
	if (!s->lda)
		s->lda = s->m;
}

static int gemv_validate(const bb_shape *s, char *why, size_t len)
{
	if (bb_blas_dim_bad("m", s->m, why, len) || bb_blas_dim_bad("n", s->n, why, len) ||
	    bb_blas_letter_bad("ta", s->ta, "NTC", why, len) ||
	    bb_blas_ld_bad("lda", s->lda, s->m, why, len))
		return -1;
	return 0;
}

static double gemv_flops(char prec, const bb_shape *s)
{
	double mn = (double)s->m * (double)s->n;
	return bb_blas_flops(prec, mn, mn);
}

static double gemv_bytes(char prec, const bb_shape *s)
{
	double e = (double)s->lda * (double)s->n + (double)s->m + (double)s->n;
	return e * (double)bb_prec_size(prec);
}

static void gemv_run(bb_instance *in, int c)
{
	bb_blas *B = (bb_blas *)in;
	((gemv_fn)B->fn)(B->ch[0], bb_blas_int(B, 0), bb_blas_int(B, 1), &B->alpha,
	                 B->op[0].data[c], bb_blas_int(B, 2), B->op[1].data[c], bb_blas_int(B, 3),
	                 &B->beta, B->op[2].data[c], bb_blas_int(B, 3), 1);
	B->runs[c]++;
}

static int gemv_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_blas *B = (bb_blas *)in;
	const bb_shape *s = &in->shape;
	char prec = in->prec;
	*residual = INFINITY;
	if (bb_blas_nonfinite(B, 2, why, len) || bb_blas_inputs_changed(B, why, len))
		return 1;
	long nx = B->op[1].cols, ny = B->op[2].cols;
	bb_xmat t = bb_xmat_vector(prec, B->op[2].data[0], ny, 1, 'C');
	bb_xmat a = bb_xmat_general(prec, B->op[0].data[0], s->lda, s->ta, ny, nx);
	bb_xmat x = bb_xmat_vector(prec, B->op[1].data[0], nx, 1, 'C');
	bb_product_check pc = {.t = &t,
	                       .x = &a,
	                       .y = &x,
	                       .s = 1,
	                       .alpha = B->xalpha,
	                       .eps = bb_prec_eps(prec),
	                       .seed = B->seed,
	                       .tname = "y"};
	long i, j;
	*residual = bb_check_product(&pc, &i, &j);
	return bb_blas_verdict(B, "op(A) x", *residual, BB_BLAS_LIMIT, why, len);
}

static bb_instance *gemv_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                int copies, uint64_t seed, char *err, size_t errlen)
{
	long dims[] = {s->m, s->n, s->lda, -1};
	bb_blas *B = bb_blas_new(w, prec, s, b, copies, seed, dims, err, errlen);
	if (!B)
		return NULL;
	long nx = s->ta == 'N' ? s->n : s->m, ny = s->ta == 'N' ? s->m : s->n;
	bb_blas_operand(B, "A", s->m, s->n, s->lda, BB_FILL_RANDOM, 'N', 0);
	bb_blas_operand(B, "x", 1, nx, 1, BB_FILL_RANDOM, 'N', 0);
	B->out = bb_blas_operand(B, "y", 1, ny, 1, BB_FILL_CONST, 'N', 1);
	bb_blas_fill_all(B);
	B->ch[0][0] = s->ta;
	bb_fint_set(&B->f[0], b, s->m);
	bb_fint_set(&B->f[1], b, s->n);
	bb_fint_set(&B->f[2], b, s->lda);
	bb_fint_set(&B->f[3], b, 1);
	bb_blas_product_scalars(B);
	B->h.run = gemv_run;
	B->h.check = gemv_check;
	return &B->h;
}

const bb_workload bb_workload_gemv = {
    .name = "gemv",
    .family = "blas2",
    .keys = "m,n,ta,lda",
    .summary = "y := alpha op(A) x, A m x n (s/d/c/z gemv); keys m, n, ta, lda",
    .routine = {BB_R_sgemv, BB_R_dgemv, BB_R_cgemv, BB_R_zgemv},
    .in_place = 0,
    .complete = gemv_complete,
    .validate = gemv_validate,
    .flops = gemv_flops,
    .bytes = gemv_bytes,
    .create = gemv_create,
};

/* ---- ger */

static void ger_complete(bb_shape *s)
{
	if (!s->m)
		s->m = s->n;
	if (!s->lda)
		s->lda = s->m;
}

static int ger_validate(const bb_shape *s, char *why, size_t len)
{
	if (bb_blas_dim_bad("m", s->m, why, len) || bb_blas_dim_bad("n", s->n, why, len) ||
	    bb_blas_ld_bad("lda", s->lda, s->m, why, len))
		return -1;
	return 0;
}

static void ger_run(bb_instance *in, int c)
{
	bb_blas *B = (bb_blas *)in;
	const bb_scalar *a = B->runs[c] & 1 ? &B->beta : &B->alpha; /* beta holds -alpha */
	((ger_fn)B->fn)(bb_blas_int(B, 0), bb_blas_int(B, 1), a, B->op[1].data[c],
	                bb_blas_int(B, 3), B->op[2].data[c], bb_blas_int(B, 3), B->op[0].data[c],
	                bb_blas_int(B, 2));
	B->runs[c]++;
}

static int ger_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_blas *B = (bb_blas *)in;
	const bb_shape *s = &in->shape;
	char prec = in->prec;
	*residual = INFINITY;
	if (B->runs[0] % 2 == 0)
		ger_run(in, 0); /* see the file comment */
	if (bb_blas_nonfinite(B, 0, why, len) || bb_blas_inputs_changed(B, why, len))
		return 1;
	const void *a = B->op[0].data[0], *a0 = B->op[0].pristine;
	const void *x = B->op[1].data[0], *y = B->op[2].data[0];
	long double worst = 0, eps = bb_prec_eps(prec);
	for (long j = 0; j < s->n; j++) {
		bb_xc ay = B->xalpha * bb_elem(prec, y, (size_t)j);
		for (long i = 0; i < s->m; i++) {
			size_t e = (size_t)j * (size_t)s->lda + (size_t)i;
			bb_xc was = bb_elem(prec, a0, e), upd = ay * bb_elem(prec, x, (size_t)i);
			long double d = cabsl(bb_elem(prec, a, e) - (was + upd));
			long double r = d == 0 ? 0 : d / (eps * (cabsl(was) + cabsl(upd)));
			if (r > worst)
				worst = r;
		}
	}
	*residual = (double)worst;
	return bb_blas_verdict(B, "A + alpha x y^T", *residual, BB_BLAS_LIMIT, why, len);
}

static bb_instance *ger_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                               int copies, uint64_t seed, char *err, size_t errlen)
{
	long dims[] = {s->m, s->n, s->lda, -1};
	bb_blas *B = bb_blas_new(w, prec, s, b, copies, seed, dims, err, errlen);
	if (!B)
		return NULL;
	B->out = bb_blas_operand(B, "A", s->m, s->n, s->lda, BB_FILL_FINE, 'N', 1);
	bb_blas_operand(B, "x", 1, s->m, 1, BB_FILL_COARSE, 'N', 0);
	bb_blas_operand(B, "y", 1, s->n, 1, BB_FILL_COARSE, 'N', 0);
	bb_blas_fill_all(B);
	bb_fint_set(&B->f[0], b, s->m);
	bb_fint_set(&B->f[1], b, s->n);
	bb_fint_set(&B->f[2], b, s->lda);
	bb_fint_set(&B->f[3], b, 1);
	B->xalpha = bb_prec_complex(prec) ? CMPLXL(GER_ALPHA, GER_ALPHA) : GER_ALPHA;
	bb_scalar_set(prec, &B->alpha, B->xalpha);
	bb_scalar_set(prec, &B->beta, -B->xalpha);
	B->h.run = ger_run;
	B->h.check = ger_check;
	return &B->h;
}

const bb_workload bb_workload_ger = {
    .name = "ger",
    .family = "blas2",
    .keys = "m,n,lda",
    .summary = "A := alpha x y^T + A, A m x n (sger, dger, cgeru, zgeru); keys m, n, lda",
    .routine = {BB_R_sger, BB_R_dger, BB_R_cgeru, BB_R_zgeru},
    .in_place = 0,
    .complete = ger_complete,
    .validate = ger_validate,
    .flops = gemv_flops,
    .bytes = gemv_bytes,
    .create = ger_create,
};

/* ---- trsv */

static void trsv_complete(bb_shape *s)
{
	s->uplo = bb_blas_upper(s->uplo, 'U');
	s->ta = bb_blas_upper(s->ta, 'N');
	s->diag = bb_blas_upper(s->diag, 'N');
	if (!s->lda)
		s->lda = s->n;
}

static int trsv_validate(const bb_shape *s, char *why, size_t len)
{
	if (bb_blas_dim_bad("n", s->n, why, len) ||
	    bb_blas_letter_bad("uplo", s->uplo, "UL", why, len) ||
	    bb_blas_letter_bad("ta", s->ta, "NTC", why, len) ||
	    bb_blas_letter_bad("diag", s->diag, "NU", why, len) ||
	    bb_blas_ld_bad("lda", s->lda, s->n, why, len))
		return -1;
	return 0;
}

static double trsv_flops(char prec, const bb_shape *s)
{
	double n = (double)s->n;
	return bb_blas_flops(prec, n * (n + 1) / 2, n * (n - 1) / 2);
}

static double trsv_bytes(char prec, const bb_shape *s)
{
	return ((double)s->lda * (double)s->n + (double)s->n) * (double)bb_prec_size(prec);
}

static void trsv_run(bb_instance *in, int c)
{
	bb_blas *B = (bb_blas *)in;
	((trsv_fn)B->fn)(B->ch[0], B->ch[1], B->ch[2], bb_blas_int(B, 0), B->op[0].data[c],
	                 bb_blas_int(B, 1), B->op[1].data[c], bb_blas_int(B, 2), 1, 1, 1);
	B->runs[c]++;
}

static int trsv_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_blas *B = (bb_blas *)in;
	const bb_shape *s = &in->shape;
	char prec = in->prec;
	*residual = INFINITY;
	if (bb_blas_nonfinite(B, 1, why, len) || bb_blas_inputs_changed(B, why, len))
		return 1;
	bb_xmat b0 = bb_xmat_vector(prec, B->op[1].pristine, s->n, 1, 'C');
	bb_xmat t = bb_xmat_general(prec, B->op[0].data[0], s->lda, s->ta, s->n, s->n);
	t.kind = 'T';
	t.uplo = s->uplo;
	t.diag = s->diag;
	bb_xmat x = bb_xmat_vector(prec, B->op[1].data[0], s->n, 1, 'C');
	bb_product_check pc = {.t = &b0,
	                       .x = &t,
	                       .y = &x,
	                       .s = 1,
	                       .alpha = 1,
	                       .eps = bb_prec_eps(prec),
	                       .seed = B->seed,
	                       .tname = "b",
	                       .solve = 1};
	long i, j;
	*residual = bb_check_product(&pc, &i, &j);
	return bb_blas_verdict(B, "op(T) x - b", *residual, BB_BLAS_LIMIT, why, len);
}

static bb_instance *trsv_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                int copies, uint64_t seed, char *err, size_t errlen)
{
	long dims[] = {s->n, s->lda, -1};
	bb_blas *B = bb_blas_new(w, prec, s, b, copies, seed, dims, err, errlen);
	if (!B)
		return NULL;
	bb_blas_operand(B, "T", s->n, s->n, s->lda, BB_FILL_TRI, s->diag, 0);
	B->out = bb_blas_operand(B, "x", 1, s->n, 1, BB_FILL_RANDOM, 'N', 1);
	bb_blas_fill_all(B);
	B->ch[0][0] = s->uplo;
	B->ch[1][0] = s->ta;
	B->ch[2][0] = s->diag;
	bb_fint_set(&B->f[0], b, s->n);
	bb_fint_set(&B->f[1], b, s->lda);
	bb_fint_set(&B->f[2], b, 1);
	B->h.run = trsv_run;
	B->h.check = trsv_check;
	return &B->h;
}

const bb_workload bb_workload_trsv = {
    .name = "trsv",
    .family = "blas2",
    .keys = "n,uplo,ta,diag,lda",
    .summary = "x := op(T)^-1 x, T n x n triangular (s/d/c/z trsv); keys n, uplo, ta, diag, lda",
    .routine = {BB_R_strsv, BB_R_dtrsv, BB_R_ctrsv, BB_R_ztrsv},
    .in_place = 1,
    .complete = trsv_complete,
    .validate = trsv_validate,
    .flops = trsv_flops,
    .bytes = trsv_bytes,
    .create = trsv_create,
};
