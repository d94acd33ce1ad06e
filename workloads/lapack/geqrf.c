/*
 * LAPACK workload geqrf: Householder QR factorization of an m x n general matrix (s/d/c/z
 * geqrf), in place: reset() restores every copy.  Shape keys m, n, lda.  The workspace is
 * queried once (lwork = -1) and shared by the copies.
 *
 * Flops per call, LAWN 41:
 *   m >= n: mults = mn^2 - 1/3 n^3 + mn + 1/2 n^2 + 23/6 n
 *           adds  = mn^2 - 1/3 n^3 + 1/2 n^2 + 5/6 n
 *   m < n:  mults = nm^2 - 1/3 m^3 + 2nm - 1/2 m^2 + 23/6 m
 *           adds  = nm^2 - 1/3 m^3 + nm - 1/2 m^2 + 5/6 m
 *
 * Check (conventions in lapack_internal.h): ||A0 x - Q (R x)|| / (||A0||_F ||x|| d eps) and
 * ||Q^H Q y - y|| / (||y|| m eps), Q applied by us (lapack_check.c) from the stored reflectors
 * and tau.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "workloads/lapack/lapack_internal.h"

/* Correct results stayed below 2.8 (n = 1), 0.09 (n = 33), 0.04 (n = 96) (several seeds and
 * shapes, n = 1 .. 300; openblas to 2000). */
#define GEQRF_LIMIT(n) bb_lapack_limit(0.05, 15, n)

typedef void (*geqrf_fn)(void *m, void *n, void *a, void *lda, void *tau, void *work, void *lwork,
                         void *info);

static double geqrf_flops(char prec, const bb_shape *s)
{
	double m = (double)s->m, n = (double)s->n, mu, ad;
	if (m >= n) {
		mu = n * (n * (0.5 - n / 3 + m) + m + 23.0 / 6);
		ad = n * (n * (0.5 - n / 3 + m) + 5.0 / 6);
	} else {
		mu = m * (m * (-0.5 - m / 3 + n) + 2 * n + 23.0 / 6);
		ad = m * (m * (-0.5 - m / 3 + n) + n + 5.0 / 6);
	}
	return bb_lapack_lawn41(prec, mu, ad);
}

/* Matrix, tau, and the workspace at 32 columns (ILAENV's usual block size; the queried
 * optimum is what create() allocates). */
static double geqrf_bytes(char prec, const bb_shape *s)
{
	return (double)bb_prec_size(prec) * (s->lda * s->n + bb_lmin(s->m, s->n) + 32.0 * s->n);
}

static void geqrf_run(bb_instance *in, int i)
{
	bb_lapack *L = (bb_lapack *)in;
	bb_lapack_copy *c = &L->c[i];
	((geqrf_fn)L->fn)(bb_fint_ptr(&L->f_m), bb_fint_ptr(&L->f_n), c->a, bb_fint_ptr(&L->f_lda),
	                  c->tau, L->work, bb_fint_ptr(&L->f_lwork), bb_fint_ptr(&c->info));
}

static int geqrf_outputs(bb_lapack *L, int i, bb_lapack_output *o)
{
	long k = bb_lmin(L->m, L->n);
	o[0] = (bb_lapack_output){"QR", L->h.prec, 'G', L->c[i].a, L->m, L->n, L->lda};
	o[1] = (bb_lapack_output){"tau", L->h.prec, 'G', L->c[i].tau, k, 1, k};
	return 2;
}

static int geqrf_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_lapack *L = (bb_lapack *)in;
	char p = in->prec;
	long m = L->m, n = L->n, k = bb_lmin(m, n);
	const bb_lapack_copy *c = &L->c[0];
	*residual = NAN;
	if (bb_lapack_info_bad(L, NULL, why, len) || bb_lapack_outputs_bad(L, why, len))
		return 1;
	bb_xc *x = bb_lapack_xvec(n), *y = bb_lapack_xvec(m), *z = bb_lapack_xvec(m),
	      *q = bb_lapack_xvec(m);
	bb_rng r;
	bb_lapack_check_rng(L, &r);
	bb_lapack_xrandom(p, x, n, &r);
	bb_lapack_xrandom(p, q, m, &r);
	/* A0 x against Q (R x); R is the k x n upper trapezoid */
	bb_matvec(p, 'N', m, n, L->a0, L->lda, x, y);
	bb_lapack_trmv(p, 'U', 'N', 0, k, n, c->a, L->lda, x, z);
	bb_lapack_apply_reflectors(L, c, 0, z);
	double res1 =
	    (double)(bb_lapack_diff_norm(y, z, m) / (bb_lapack_norm_a0(L, m, n) * bb_xnorm2(x, n) *
	                                             bb_lmax(m, n) * bb_prec_eps(p)));
	/* Q^H Q q against q: the reflectors and tau must make Q unitary */
	for (long i = 0; i < m; i++)
		z[i] = q[i];
	bb_lapack_apply_reflectors(L, c, 0, z);
	bb_lapack_apply_reflectors(L, c, 1, z);
	double res2 =
	    (double)(bb_lapack_diff_norm(z, q, m) / (bb_xnorm2(q, m) * m * bb_prec_eps(p)));
	free(x);
	free(y);
	free(z);
	free(q);
	const bb_lapack_res res[] = {{"||Ax - Q(Rx)||", res1, GEQRF_LIMIT(bb_lmax(m, n))},
	                             {"||Q^H Q y - y||", res2, GEQRF_LIMIT(m)}};
	return bb_lapack_verdict(L, res, 2, residual, why, len);
}

static bb_instance *geqrf_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
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
	    !bb_lapack_fits(L, "n", L->n, err, errlen))
		goto fail;
	bb_lapack_set_dims(L, s);
	bb_rng r;
	bb_rng_seed(&r, seed);
	bb_lapack_fill_general(prec, L->a0, L->m, L->n, L->lda, &r);
	size_t es = bb_prec_size(prec);
	long k = bb_lmin(L->m, L->n);
	for (int i = 0; i < copies; i++)
		L->c[i].tau = bb_buf_alloc((size_t)k * es);
	/* workspace query on copy 0 (reset() rewrites it before any timed call) */
	void *q = bb_buf_alloc(4 * es);
	bb_fint_set(&L->f_lwork, b, -1);
	((geqrf_fn)L->fn)(bb_fint_ptr(&L->f_m), bb_fint_ptr(&L->f_n), L->c[0].a,
	                  bb_fint_ptr(&L->f_lda), L->c[0].tau, q, bb_fint_ptr(&L->f_lwork),
	                  bb_fint_ptr(&L->c[0].info));
	L->lwork = bb_lmax(bb_lapack_query_size(prec, q), bb_lmax(1, L->n));
	bb_buf_free(q);
	if (bb_fint_get(&L->c[0].info)) {
		snprintf(err, errlen, "%s: workspace query returned info = %ld", L->name,
		         bb_fint_get(&L->c[0].info));
		goto fail;
	}
	if (!bb_lapack_fits(L, "lwork", L->lwork, err, errlen))
		goto fail;
	bb_fint_set(&L->f_lwork, b, L->lwork);
	L->work = bb_buf_alloc((size_t)L->lwork * es);
	L->h.run = geqrf_run;
	L->h.check = geqrf_check;
	L->outputs = geqrf_outputs;
	return &L->h;
fail:
	bb_lapack_destroy(&L->h);
	return NULL;
}

const bb_workload bb_workload_geqrf = {
    .name = "geqrf",
    .family = "lapack",
    .keys = "m,n,lda",
    .summary = "Householder QR factorization of an m x n general matrix",
    .routine = {BB_R_sgeqrf, BB_R_dgeqrf, BB_R_cgeqrf, BB_R_zgeqrf},
    .in_place = 1,
    .complete = bb_lapack_mn_complete,
    .validate = bb_lapack_mn_validate,
    .flops = geqrf_flops,
    .bytes = geqrf_bytes,
    .create = geqrf_create,
};
