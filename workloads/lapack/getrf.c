/*
 * LAPACK workload getrf: LU factorization with partial pivoting of an m x n general matrix
 * (s/d/c/z getrf), in place: reset() restores every copy from the pristine input, run() calls
 * the routine on one copy.  Shape keys m, n, lda.
 *
 * Flops per call: LAWN 41 (bb_lapack_getrf_counts in lapack_internal.h).
 *
 * Check (conventions in lapack_internal.h): ||P^T A0 x - L (U x)||, ||A0^H (P y) - U^H (L^H y)||
 * / (||A0||_F ||x|| d eps): both sides, so every column of U and every row of L is seen; pivots
 * applied by us, each must lie in i..m.
 */
#include <math.h>
#include <stdlib.h>

#include "workloads/lapack/lapack_internal.h"

/* Correct results stayed below 0.16 (n = 1), 0.013 (n = 33) (several seeds and shapes, n = 1 ..
 * 300; openblas to 2000). */
#define GETRF_LIMIT(n) bb_lapack_limit(0.05, 2, n)

/* Fortran interface: every argument by reference, integers of the backend's width. */
typedef void (*getrf_fn)(void *m, void *n, void *a, void *lda, void *ipiv, void *info);

static double getrf_flops(char prec, const bb_shape *s)
{
	double mu, ad;
	bb_lapack_getrf_counts((double)s->m, (double)s->n, &mu, &ad);
	return bb_lapack_lawn41(prec, mu, ad);
}

static double getrf_bytes(char prec, const bb_shape *s)
{
	return (double)bb_prec_size(prec) * s->lda * s->n + 8.0 * bb_lmin(s->m, s->n);
}

static void getrf_run(bb_instance *in, int i)
{
	bb_lapack *L = (bb_lapack *)in;
	bb_lapack_copy *c = &L->c[i];
	((getrf_fn)L->fn)(bb_fint_ptr(&L->f_m), bb_fint_ptr(&L->f_n), c->a, bb_fint_ptr(&L->f_lda),
	                  c->ipiv, bb_fint_ptr(&c->info));
}

static int getrf_outputs(bb_lapack *L, int i, bb_lapack_output *o)
{
	o[0] = (bb_lapack_output){"LU", L->h.prec, 'G', L->c[i].a, L->m, L->n, L->lda};
	return 1;
}

/* Both sides are projected: P^T A x against L (U x) sees every column of U through a component
 * of x bounded away from zero; (P y)^H A against (y^H L) U sees every row of L the same way. */
static int getrf_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_lapack *L = (bb_lapack *)in;
	char p = in->prec;
	long m = L->m, n = L->n, k = bb_lmin(m, n), d = bb_lmax(m, n);
	const bb_lapack_copy *c = &L->c[0];
	*residual = NAN;
	if (bb_lapack_info_bad(L, "U is exactly singular", why, len) ||
	    bb_lapack_outputs_bad(L, why, len) || bb_lapack_pivots_bad(L, c->ipiv, k, why, len))
		return 1;
	bb_xc *x = bb_lapack_xvec(n), *y = bb_lapack_xvec(m), *t = bb_lapack_xvec(k),
	      *z = bb_lapack_xvec(m), *g = bb_lapack_xvec(n), *f = bb_lapack_xvec(n);
	bb_rng r;
	bb_lapack_check_rng(L, &r);
	bb_lapack_xrandom(p, x, n, &r);
	bb_lapack_xrandom(p, y, m, &r);
	double scale = bb_lapack_norm_a0(L, m, n) * d * bb_prec_eps(p);
	/* left: A^H (P y) against U^H (L^H y) */
	bb_lapack_trmv(p, 'L', 'C', 1, m, k, c->a, L->lda, y, t);
	bb_lapack_trmv(p, 'U', 'C', 0, k, n, c->a, L->lda, t, f);
	long double ny = bb_xnorm2(y, m);
	bb_lapack_apply_pivots(L, c->ipiv, k, 1, y);
	bb_matvec(p, 'C', m, n, L->a0, L->lda, y, g);
	double left = (double)(bb_lapack_diff_norm(g, f, n) / (ny * scale));
	/* right: P^T A x against L (U x) */
	bb_matvec(p, 'N', m, n, L->a0, L->lda, x, y);
	bb_lapack_apply_pivots(L, c->ipiv, k, 0, y);
	bb_lapack_trmv(p, 'U', 'N', 0, k, n, c->a, L->lda, x, t);
	bb_lapack_trmv(p, 'L', 'N', 1, m, k, c->a, L->lda, t, z);
	double right = (double)(bb_lapack_diff_norm(y, z, m) / (bb_xnorm2(x, n) * scale));
	free(x);
	free(y);
	free(t);
	free(z);
	free(g);
	free(f);
	const bb_lapack_res res[] = {{"||P^T Ax - L(Ux)||", right, GETRF_LIMIT(d)},
	                             {"||(Py)^H A - (y^H L)U||", left, GETRF_LIMIT(d)}};
	return bb_lapack_verdict(L, res, 2, residual, why, len);
}

static bb_instance *getrf_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                 int copies, uint64_t seed, char *err, size_t errlen)
{
	bb_lapack *L = bb_lapack_new(w, prec, s, b, copies, seed, (size_t)s->lda * (size_t)s->n, 0,
	                             err, errlen);
	if (!L)
		return NULL;
	L->m = s->m;
	L->n = s->n;
	L->lda = s->lda;
	if (!bb_lapack_fits(L, "lda", L->lda, err, errlen) ||
	    !bb_lapack_fits(L, "n", L->n, err, errlen)) {
		bb_lapack_destroy(&L->h);
		return NULL;
	}
	bb_lapack_set_dims(L, s);
	bb_rng r;
	bb_rng_seed(&r, seed);
	bb_lapack_fill_general(prec, L->a0, L->m, L->n, L->lda, &r);
	for (int i = 0; i < copies; i++)
		L->c[i].ipiv = bb_fint_array_alloc(b, bb_lmin(L->m, L->n));
	L->h.run = getrf_run;
	L->h.check = getrf_check;
	L->outputs = getrf_outputs;
	return &L->h;
}

const bb_workload bb_workload_getrf = {
    .name = "getrf",
    .family = "lapack",
    .keys = "m,n,lda",
    .summary = "LU factorization with partial pivoting of an m x n general matrix",
    .routine = {BB_R_sgetrf, BB_R_dgetrf, BB_R_cgetrf, BB_R_zgetrf},
    .in_place = 1,
    .complete = bb_lapack_mn_complete,
    .validate = bb_lapack_mn_validate,
    .flops = getrf_flops,
    .bytes = getrf_bytes,
    .create = getrf_create,
};
