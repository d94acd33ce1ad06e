/*
 * LAPACK workload syevd (ssyevd, dsyevd, cheevd, zheevd): eigenvalues (jobz = N) and
 * eigenvectors (jobz = V) of a symmetric / Hermitian matrix, divide and conquer.  Shape keys
 * n, jobz, uplo, lda.  In place (A is destroyed or overwritten by the eigenvectors): reset()
 * restores every copy.  The workspace is queried once and shared by the copies.
 *
 * Flops per call.  LAWN 41 counts only the reductions; the rest of this driver depends on the
 * data (deflation in divide and conquer), so the count below is the usual *nominal* "effective"
 * convention and the GFLOP/s figure it gives is nominal too: comparable between libraries at
 * one shape, not an operation count.  cw = 4 for complex (a complex multiply-add is 6 mults +
 * 2 adds = 8 flops, a real one 2), 1 for real.
 *   sytrd/hetrd by LAWN 41 (mults = 2/3 n^3 + 5/2 n^2 - 1/6 n - 15, adds = 2/3 n^3 + n^2 -
 *   8/3 n - 4; complex 6 mults + 2 adds), then for jobz = V
 *     + 4/3 n^3       stedc without deflation (real arithmetic also for cheevd/zheevd)
 *     + cw * 2 n^3    ormtr/unmtr: n - 1 reflectors applied to the n x n eigenvectors
 *   jobz = N adds nothing (the tridiagonal eigenvalues cost O(n^2)).
 *
 * Checks (conventions in lapack_internal.h).  w not ascending is wrong before any residual.
 *   always:  |sum w - trace A0| / (||A0||_F n eps)
 *            |sum w^2 - ||A0||_F^2| / (||A0||_F^2 n eps)
 *   jobz V:  ||A0 (V x) - V (diag(w) x)|| / (||A0||_F ||x|| n eps)
 *            ||V^H (V x) - x|| / (||x|| n eps)
 *   (jobz N has only the invariants: a wrong small eigenvalue may go unseen)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "workloads/lapack/lapack_internal.h"

/* Residual limits in the units above, c1 + c2 / n (bb_lapack_limit).  Correct results of syevd
 * and gesdd from netlib, openblas, openblas64, atlas and flame stayed below 2.9 at n = 2, 0.26
 * at n = 33, 0.12 at n = 96, 0.06 at n = 300 (several seeds and shapes): the limits leave 3.5x
 * to 5x at small and medium n, more beyond.  One element of w, V, s, U or VT off by 1e-3
 * relative lands above them in single precision up to n ~ 100, far above in double. */
#define SYEVD_LIMIT(n) bb_lapack_limit(0.2, 25, n)

typedef void (*syevd_fn)(const char *jobz, const char *uplo, void *n, void *a, void *lda, void *w,
                         void *work, void *lwork, void *iwork, void *liwork, void *info, size_t,
                         size_t);
typedef void (*heevd_fn)(const char *jobz, const char *uplo, void *n, void *a, void *lda, void *w,
                         void *work, void *lwork, void *rwork, void *lrwork, void *iwork,
                         void *liwork, void *info, size_t, size_t);

static void syevd_complete(bb_shape *s)
{
	s->jobz = bb_lapack_upper_or(s->jobz, 'V');
	s->uplo = bb_lapack_upper_or(s->uplo, 'U');
	if (!s->lda)
		s->lda = bb_lmax(1, s->n);
}

static int syevd_validate(const bb_shape *s, char *why, size_t len)
{
	if (s->n < 1)
		return bb_lapack_refuse(why, len, "n must be at least 1 (got %ld)", s->n);
	if (s->jobz != 'V' && s->jobz != 'N')
		return bb_lapack_refuse(why, len, "jobz must be V or N (got '%c')", s->jobz);
	if (s->uplo != 'U' && s->uplo != 'L')
		return bb_lapack_refuse(why, len, "uplo must be U or L (got '%c')", s->uplo);
	if (s->lda < s->n)
		return bb_lapack_refuse(why, len, "lda=%ld is less than n=%ld", s->lda, s->n);
	return 0;
}

static double syevd_flops(char prec, const bb_shape *s)
{
	double n = (double)s->n, cw = bb_prec_complex(prec) ? 4 : 1;
	double f = bb_lapack_lawn41(prec, n * (n * (2.0 / 3 * n + 2.5) - 1.0 / 6) - 15,
	                            n * (n * (2.0 / 3 * n + 1) - 8.0 / 3) - 4);
	if (s->jobz != 'N')
		f += 4.0 / 3 * n * n * n + cw * 2 * n * n * n;
	return f;
}

/* Matrix, eigenvalues and LAPACK's documented minimum workspace (the query may ask more). */
static double syevd_bytes(char prec, const bb_shape *s)
{
	double n = (double)s->n, es = (double)bb_prec_size(prec);
	double rs = (double)bb_prec_size(bb_lapack_real_prec(prec));
	int v = s->jobz != 'N';
	double work, rwork, iwork = v ? 3 + 5 * n : 1;
	if (bb_prec_complex(prec)) {
		work = v ? 2 * n + n * n : n + 1;
		rwork = v ? 1 + 5 * n + 2 * n * n : n;
	} else {
		work = v ? 1 + 6 * n + 2 * n * n : 2 * n + 1;
		rwork = 0;
	}
	return es * (s->lda * n + work) + rs * (n + rwork) + 8 * iwork;
}

static void syevd_run(bb_instance *in, int i)
{
	bb_lapack *L = (bb_lapack *)in;
	bb_lapack_copy *c = &L->c[i];
	if (bb_prec_complex(in->prec))
		((heevd_fn)L->fn)(&L->jobz, &L->uplo, bb_fint_ptr(&L->f_n), c->a,
		                  bb_fint_ptr(&L->f_lda), c->w, L->work, bb_fint_ptr(&L->f_lwork),
		                  L->rwork, bb_fint_ptr(&L->f_lrwork), L->iwork,
		                  bb_fint_ptr(&L->f_liwork), bb_fint_ptr(&c->info), 1, 1);
	else
		((syevd_fn)L->fn)(&L->jobz, &L->uplo, bb_fint_ptr(&L->f_n), c->a,
		                  bb_fint_ptr(&L->f_lda), c->w, L->work, bb_fint_ptr(&L->f_lwork),
		                  L->iwork, bb_fint_ptr(&L->f_liwork), bb_fint_ptr(&c->info), 1, 1);
}

static int syevd_outputs(bb_lapack *L, int i, bb_lapack_output *o)
{
	int k = 0;
	o[k++] =
	    (bb_lapack_output){"w", bb_lapack_real_prec(L->h.prec), 'G', L->c[i].w, L->n, 1, L->n};
	if (L->jobz == 'V')
		o[k++] = (bb_lapack_output){"V", L->h.prec, 'G', L->c[i].a, L->n, L->n, L->lda};
	return k;
}

static int syevd_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_lapack *L = (bb_lapack *)in;
	char p = in->prec;
	long n = L->n;
	const bb_lapack_copy *c = &L->c[0];
	double eps = bb_prec_eps(p), na = bb_lapack_norm_a0(L, L->m, L->n), res[4] = {0, 0, 0, 0};
	*residual = NAN;
	if (bb_lapack_info_bad(L, "the algorithm failed to converge", why, len) ||
	    bb_lapack_outputs_bad(L, why, len) || bb_lapack_order_bad(L, "w", 1, 0, n, why, len))
		return 1;
	/* invariants, with or without vectors: trace A = sum w, ||A||_F^2 = sum w^2 */
	long double tr = 0;
	for (long i = 0; i < n; i++)
		tr += creall(bb_elem(p, L->a0, (size_t)(i + i * L->lda)));
	res[0] = (double)(fabsl(bb_lapack_wsum(L, n, 1) - tr) / (na * n * eps));
	res[1] =
	    (double)(fabsl(bb_lapack_wsum(L, n, 2) - (long double)na * na) / (na * na * n * eps));
	if (L->jobz == 'V') {
		bb_xc *x = bb_lapack_xvec(n), *t = bb_lapack_xvec(n), *y = bb_lapack_xvec(n),
		      *z = bb_lapack_xvec(n);
		bb_rng r;
		bb_lapack_check_rng(L, &r);
		bb_lapack_xrandom(p, x, n, &r);
		bb_matvec(p, 'N', n, n, c->a, L->lda, x, t);  /* V x */
		bb_matvec(p, 'N', n, n, L->a0, L->lda, t, y); /* A (V x) */
		long double nx = bb_xnorm2(x, n);
		bb_lapack_wscale(L, n, x);
		bb_matvec(p, 'N', n, n, c->a, L->lda, x, z); /* V (w x) */
		res[2] = (double)(bb_lapack_diff_norm(y, z, n) / (na * nx * n * eps));
		free(x);
		free(t);
		free(y);
		free(z);
		res[3] = bb_lapack_orth_residual(L, 'N', n, n, c->a, L->lda, (double)n, &r);
	}
	const bb_lapack_res v[] = {{"|sum w - trace A|", res[0], SYEVD_LIMIT(n)},
	                           {"|sum w^2 - ||A||_F^2|", res[1], SYEVD_LIMIT(n)},
	                           {"||A(Vx) - V(wx)||", res[2], SYEVD_LIMIT(n)},
	                           {"||V^H(Vx) - x||", res[3], SYEVD_LIMIT(n)}};
	return bb_lapack_verdict(L, v, L->jobz == 'V' ? 4 : 2, residual, why, len);
}

static bb_instance *syevd_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                 int copies, uint64_t seed, char *err, size_t errlen)
{
	bb_lapack *L = bb_lapack_new(w, prec, s, b, copies, seed, (size_t)s->lda * (size_t)s->n, 0,
	                             err, errlen);
	if (!L)
		return NULL;
	long n = s->n;
	int cplx = bb_prec_complex(prec), v = s->jobz == 'V';
	char rp = bb_lapack_real_prec(prec);
	size_t es = bb_prec_size(prec), rs = bb_prec_size(rp);
	L->m = L->n = n;
	L->lda = s->lda;
	L->jobz = s->jobz;
	L->uplo = s->uplo;
	if (!bb_lapack_fits(L, "lda", L->lda, err, errlen))
		goto fail;
	bb_fint_set(&L->f_n, b, n);
	bb_fint_set(&L->f_lda, b, L->lda);
	bb_rng r;
	bb_rng_seed(&r, seed);
	bb_lapack_fill_hermitian(prec, L->a0, n, L->lda, 0, &r);
	for (int i = 0; i < copies; i++)
		L->c[i].w = bb_buf_alloc((size_t)n * rs);
	/* workspace query (lwork = lrwork = liwork = -1), then at least the documented minimum */
	void *qw = bb_buf_alloc(4 * es), *qr = bb_buf_alloc(4 * rs);
	L->iwork = bb_fint_array_alloc(b, 4);
	bb_fint_set(&L->f_lwork, b, -1);
	bb_fint_set(&L->f_lrwork, b, -1);
	bb_fint_set(&L->f_liwork, b, -1);
	L->work = qw;
	L->rwork = qr;
	syevd_run(&L->h, 0);
	L->work = L->rwork = NULL;
	long info = bb_fint_get(&L->c[0].info);
	L->lwork = bb_lapack_query_size(prec, qw);
	L->lrwork = bb_lapack_query_size(rp, qr);
	L->liwork = bb_fint_array_get(b, L->iwork, 0);
	bb_buf_free(qw);
	bb_buf_free(qr);
	bb_fint_array_free(L->iwork);
	L->iwork = NULL;
	if (info) {
		snprintf(err, errlen, "%s: workspace query returned info = %ld", L->name, info);
		goto fail;
	}
	if (cplx) {
		L->lwork = bb_lmax(L->lwork, v ? 2 * n + n * n : n + 1);
		L->lrwork = bb_lmax(L->lrwork, v ? 1 + 5 * n + 2 * n * n : n);
	} else {
		L->lwork = bb_lmax(L->lwork, v ? 1 + 6 * n + 2 * n * n : 2 * n + 1);
		L->lrwork = 0;
	}
	L->liwork = bb_lmax(L->liwork, v ? 3 + 5 * n : 1);
	if (!bb_lapack_fits(L, "lwork", L->lwork, err, errlen) ||
	    !bb_lapack_fits(L, "lrwork", L->lrwork, err, errlen))
		goto fail;
	bb_fint_set(&L->f_lwork, b, L->lwork);
	bb_fint_set(&L->f_lrwork, b, L->lrwork);
	bb_fint_set(&L->f_liwork, b, L->liwork);
	L->work = bb_buf_alloc((size_t)L->lwork * es);
	if (cplx)
		L->rwork = bb_buf_alloc((size_t)L->lrwork * rs);
	L->iwork = bb_fint_array_alloc(b, L->liwork);
	L->h.run = syevd_run;
	L->h.check = syevd_check;
	L->outputs = syevd_outputs;
	return &L->h;
fail:
	bb_lapack_destroy(&L->h);
	return NULL;
}

const bb_workload bb_workload_syevd = {
    .name = "syevd",
    .family = "lapack",
    .keys = "n,jobz,uplo,lda",
    .summary = "eigenvalues (jobz=N) and eigenvectors (jobz=V) of a symmetric/Hermitian "
               "matrix, divide and conquer (cheevd/zheevd for complex)",
    .routine = {BB_R_ssyevd, BB_R_dsyevd, BB_R_cheevd, BB_R_zheevd},
    .in_place = 1,
    .complete = syevd_complete,
    .validate = syevd_validate,
    .flops = syevd_flops,
    .bytes = syevd_bytes,
    .create = syevd_create,
};
