/*
 * LAPACK workload gesv: solve A X = B for an n x n general A and nrhs right-hand sides by LU
 * (s/d/c/z gesv), in place: reset() restores A and B of every copy.  Shape keys n, nrhs, lda,
 * ldb.
 *
 * Flops per call, LAWN 41: getrf(n, n) (lapack_internal.h) + getrs(n, nrhs): mults = nrhs n^2,
 * adds = nrhs (n^2 - n).
 *
 * Check (conventions in lapack_internal.h): ||A0 (X y) - B0 y|| / (||A0||_F ||X y|| n eps), y of
 * nrhs elements.
 */
#include <math.h>
#include <stdlib.h>

#include "workloads/lapack/lapack_internal.h"

/* Correct results stayed below 1.2 (n = 1), 0.02 (n = 33) (several seeds and shapes, n = 1 ..
 * 300; openblas to 2000). */
#define GESV_LIMIT(n) bb_lapack_limit(0.05, 5, n)

typedef void (*gesv_fn)(void *n, void *nrhs, void *a, void *lda, void *ipiv, void *b, void *ldb,
                        void *info);

static void gesv_complete(bb_shape *s)
{
	if (!s->nrhs)
		s->nrhs = 1;
	if (!s->lda)
		s->lda = bb_lmax(1, s->n);
	if (!s->ldb)
		s->ldb = bb_lmax(1, s->n);
}

static int gesv_validate(const bb_shape *s, char *why, size_t len)
{
	if (s->n < 1 || s->nrhs < 1)
		return bb_lapack_refuse(
		    why, len, "n and nrhs must be at least 1 (got n=%ld, nrhs=%ld)", s->n, s->nrhs);
	if (s->lda < s->n || s->ldb < s->n)
		return bb_lapack_refuse(why, len, "lda=%ld and ldb=%ld must be at least n=%ld",
		                        s->lda, s->ldb, s->n);
	return 0;
}

static double gesv_flops(char prec, const bb_shape *s)
{
	double n = (double)s->n, nrhs = (double)s->nrhs, mu, ad;
	bb_lapack_getrf_counts(n, n, &mu, &ad);
	return bb_lapack_lawn41(prec, mu + nrhs * n * n, ad + nrhs * n * (n - 1));
}

static double gesv_bytes(char prec, const bb_shape *s)
{
	return (double)bb_prec_size(prec) * (s->lda * s->n + s->ldb * s->nrhs) + 8.0 * s->n;
}

static void gesv_run(bb_instance *in, int i)
{
	bb_lapack *L = (bb_lapack *)in;
	bb_lapack_copy *c = &L->c[i];
	((gesv_fn)L->fn)(bb_fint_ptr(&L->f_n), bb_fint_ptr(&L->f_nrhs), c->a,
	                 bb_fint_ptr(&L->f_lda), c->ipiv, c->b, bb_fint_ptr(&L->f_ldb),
	                 bb_fint_ptr(&c->info));
}

static int gesv_outputs(bb_lapack *L, int i, bb_lapack_output *o)
{
	o[0] = (bb_lapack_output){"X", L->h.prec, 'G', L->c[i].b, L->n, L->nrhs, L->ldb};
	return 1;
}

static int gesv_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_lapack *L = (bb_lapack *)in;
	char p = in->prec;
	long n = L->n, nrhs = L->nrhs;
	const bb_lapack_copy *c = &L->c[0];
	*residual = NAN;
	if (bb_lapack_info_bad(L, "U is exactly singular, no solution computed", why, len) ||
	    bb_lapack_outputs_bad(L, why, len))
		return 1;
	bb_xc *y = bb_lapack_xvec(nrhs), *xy = bb_lapack_xvec(n), *axy = bb_lapack_xvec(n),
	      *by = bb_lapack_xvec(n);
	bb_rng r;
	bb_lapack_check_rng(L, &r);
	bb_lapack_xrandom(p, y, nrhs, &r);
	bb_matvec(p, 'N', n, nrhs, c->b, L->ldb, y, xy);
	bb_matvec(p, 'N', n, n, L->a0, L->lda, xy, axy);
	bb_matvec(p, 'N', n, nrhs, L->b0, L->ldb, y, by);
	double res = (double)(bb_lapack_diff_norm(axy, by, n) /
	                      (bb_lapack_norm_a0(L, n, n) * bb_xnorm2(xy, n) * n * bb_prec_eps(p)));
	free(y);
	free(xy);
	free(axy);
	free(by);
	const bb_lapack_res v = {"||A(Xy) - By||", res, GESV_LIMIT(n)};
	return bb_lapack_verdict(L, &v, 1, residual, why, len);
}

static bb_instance *gesv_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                int copies, uint64_t seed, char *err, size_t errlen)
{
	bb_lapack *L = bb_lapack_new(w, prec, s, b, copies, seed, (size_t)s->lda * (size_t)s->n,
	                             (size_t)s->ldb * (size_t)s->nrhs, err, errlen);
	if (!L)
		return NULL;
	L->m = L->n = s->n;
	L->lda = s->lda;
	L->nrhs = s->nrhs;
	L->ldb = s->ldb;
	if (!bb_lapack_fits(L, "lda", L->lda, err, errlen) ||
	    !bb_lapack_fits(L, "ldb", L->ldb, err, errlen) ||
	    !bb_lapack_fits(L, "nrhs", L->nrhs, err, errlen)) {
		bb_lapack_destroy(&L->h);
		return NULL;
	}
	bb_lapack_set_dims(L, s);
	bb_rng r;
	bb_rng_seed(&r, seed);
	bb_lapack_fill_general(prec, L->a0, L->n, L->n, L->lda, &r);
	bb_lapack_fill_general(prec, L->b0, L->n, L->nrhs, L->ldb, &r);
	for (int i = 0; i < copies; i++)
		L->c[i].ipiv = bb_fint_array_alloc(b, L->n);
	L->h.run = gesv_run;
	L->h.check = gesv_check;
	L->outputs = gesv_outputs;
	return &L->h;
}

const bb_workload bb_workload_gesv = {
    .name = "gesv",
    .family = "lapack",
    .keys = "n,nrhs,lda,ldb",
    .summary = "solve A X = B for an n x n general A and nrhs right-hand sides (LU)",
    .routine = {BB_R_sgesv, BB_R_dgesv, BB_R_cgesv, BB_R_zgesv},
    .in_place = 1,
    .complete = gesv_complete,
    .validate = gesv_validate,
    .flops = gesv_flops,
    .bytes = gesv_bytes,
    .create = gesv_create,
};
