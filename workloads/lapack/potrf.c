/*
 * LAPACK workload potrf: Cholesky factorization of an n x n symmetric/Hermitian positive
 * definite matrix (s/d/c/z potrf), in place: reset() restores every copy.  Shape keys n, uplo,
 * lda.  The matrix is strictly diagonally dominant (diagonal + 2n), so positive definite.
 *
 * Flops per call, LAWN 41: mults = 1/6 n^3 + 1/2 n^2 + 1/3 n, adds = 1/6 n^3 - 1/6 n.
 *
 * Check (conventions in lapack_internal.h): ||A0 x - U^H (U x)|| (or L (L^H x)) /
 * (||A0||_F ||x|| n eps).
 */
#include <math.h>
#include <stdlib.h>

#include "workloads/lapack/lapack_internal.h"

/* Correct results stayed below 0.42 (n = 2), 0.005 (n = 33) (several seeds and shapes, n = 1 ..
 * 300; openblas to 2000). */
#define POTRF_LIMIT(n) bb_lapack_limit(0.05, 3, n)

typedef void (*potrf_fn)(const char *uplo, void *n, void *a, void *lda, void *info, size_t);

static void potrf_complete(bb_shape *s)
{
	s->uplo = s->uplo ? (char)toupper((unsigned char)s->uplo) : 'U';
	if (!s->lda)
		s->lda = bb_lmax(1, s->n);
}

static int potrf_validate(const bb_shape *s, char *why, size_t len)
{
	if (s->n < 1)
		return bb_lapack_refuse(why, len, "n must be at least 1 (got %ld)", s->n);
	if (s->uplo != 'U' && s->uplo != 'L')
		return bb_lapack_refuse(why, len, "uplo must be U or L (got '%c')", s->uplo);
	if (s->lda < s->n)
		return bb_lapack_refuse(why, len, "lda=%ld is less than n=%ld", s->lda, s->n);
	return 0;
}

static double potrf_flops(char prec, const bb_shape *s)
{
	double n = (double)s->n;
	return bb_lapack_lawn41(prec, n * ((n / 6 + 0.5) * n + 1.0 / 3), n * (n * n / 6 - 1.0 / 6));
}

static double potrf_bytes(char prec, const bb_shape *s)
{
	return (double)bb_prec_size(prec) * s->lda * s->n;
}

static void potrf_run(bb_instance *in, int i)
{
	bb_lapack *L = (bb_lapack *)in;
	bb_lapack_copy *c = &L->c[i];
	((potrf_fn)L->fn)(&L->uplo, bb_fint_ptr(&L->f_n), c->a, bb_fint_ptr(&L->f_lda),
	                  bb_fint_ptr(&c->info), 1);
}

static int potrf_outputs(bb_lapack *L, int i, bb_lapack_output *o)
{
	o[0] = (bb_lapack_output){
	    L->uplo == 'U' ? "U" : "L", L->h.prec, L->uplo, L->c[i].a, L->n, L->n, L->lda};
	return 1;
}

static int potrf_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_lapack *L = (bb_lapack *)in;
	char p = in->prec;
	long n = L->n;
	const bb_lapack_copy *c = &L->c[0];
	*residual = NAN;
	if (bb_lapack_info_bad(L, "that leading minor is not positive definite", why, len) ||
	    bb_lapack_outputs_bad(L, why, len))
		return 1;
	bb_xc *x = bb_lapack_xvec(n), *y = bb_lapack_xvec(n), *t = bb_lapack_xvec(n),
	      *z = bb_lapack_xvec(n);
	bb_rng r;
	bb_lapack_check_rng(L, &r);
	bb_lapack_xrandom(p, x, n, &r);
	bb_matvec(p, 'N', n, n, L->a0, L->lda, x, y);
	if (L->uplo == 'U') { /* A = U^H U */
		bb_lapack_trmv(p, 'U', 'N', 0, n, n, c->a, L->lda, x, t);
		bb_lapack_trmv(p, 'U', 'C', 0, n, n, c->a, L->lda, t, z);
	} else { /* A = L L^H */
		bb_lapack_trmv(p, 'L', 'C', 0, n, n, c->a, L->lda, x, t);
		bb_lapack_trmv(p, 'L', 'N', 0, n, n, c->a, L->lda, t, z);
	}
	double res = (double)(bb_lapack_diff_norm(y, z, n) /
	                      (bb_lapack_norm_a0(L, n, n) * bb_xnorm2(x, n) * n * bb_prec_eps(p)));
	free(x);
	free(y);
	free(t);
	free(z);
	const bb_lapack_res v = {L->uplo == 'U' ? "||Ax - U^H(Ux)||" : "||Ax - L(L^Hx)||", res,
	                         POTRF_LIMIT(n)};
	return bb_lapack_verdict(L, &v, 1, residual, why, len);
}

static bb_instance *potrf_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                 int copies, uint64_t seed, char *err, size_t errlen)
{
	bb_lapack *L = bb_lapack_new(w, prec, s, b, copies, seed, (size_t)s->lda * (size_t)s->n, 0,
	                             err, errlen);
	if (!L)
		return NULL;
	L->m = L->n = s->n;
	L->lda = s->lda;
	if (!bb_lapack_fits(L, "lda", L->lda, err, errlen)) {
		bb_lapack_destroy(&L->h);
		return NULL;
	}
	bb_lapack_set_dims(L, s);
	bb_rng r;
	bb_rng_seed(&r, seed);
	/* diagonal + 2n: strictly diagonally dominant, so positive definite at every n */
	bb_lapack_fill_hermitian(prec, L->a0, L->n, L->lda, 2.0 * L->n, &r);
	L->h.run = potrf_run;
	L->h.check = potrf_check;
	L->outputs = potrf_outputs;
	return &L->h;
}

const bb_workload bb_workload_potrf = {
    .name = "potrf",
    .family = "lapack",
    .keys = "n,uplo,lda",
    .summary = "Cholesky factorization of an n x n symmetric/Hermitian positive definite matrix",
    .routine = {BB_R_spotrf, BB_R_dpotrf, BB_R_cpotrf, BB_R_zpotrf},
    .in_place = 1,
    .complete = potrf_complete,
    .validate = potrf_validate,
    .flops = potrf_flops,
    .bytes = potrf_bytes,
    .create = potrf_create,
};
