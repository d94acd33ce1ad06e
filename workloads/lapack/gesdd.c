/*
 * LAPACK workload gesdd (s/d/c/z gesdd): singular value decomposition of an m x n general
 * matrix, divide and conquer, jobz = N, S, O, A.  Shape keys m, n, jobz, lda.  In place (A is
 * destroyed, or overwritten by U or VT for jobz = O): reset() restores every copy.  The
 * workspace is queried once and shared by the copies.
 *
 * Flops per call.  LAWN 41 counts only the reductions; the rest of this driver depends on the
 * data (deflation in divide and conquer), so the count below is the usual *nominal* "effective"
 * convention and the GFLOP/s figure it gives is nominal too: comparable between libraries at
 * one shape, not an operation count.  cw = 4 for complex (a complex multiply-add is 6 mults +
 * 2 adds = 8 flops, a real one 2), 1 for real.
 *   k = min(m,n), M = max(m,n): gebrd by LAWN 41 (m >= n: mults = 2mn^2 - 2/3 n^3 + 2n^2 +
 *   20/3 n, adds = 2mn^2 - 2/3 n^3 + n^2 - mn + 5/3 n; m < n transposed), then for jobz = S,
 *   O, A
 *     + 8/3 k^3                   bdsdc, singular vectors of the k x k bidiagonal (real)
 *     + cw * (4 M k c - 2 c k^2)  ormbr/unmbr on the long side, c = k (S, O) or M (A)
 *     + cw * 2 k^3                ormbr/unmbr on the short side
 *   jobz = N adds nothing.  (For M >> k LAPACK first does a QR: fewer real flops.)
 *
 * Checks (conventions in lapack_internal.h).  s not descending or negative is wrong before any
 * residual.
 *   always:        |sum s^2 - ||A0||_F^2| / (||A0||_F^2 d eps)
 *   jobz S, O, A:  ||A0 (V y) - U (diag(s) y)|| / (||A0||_F ||y|| d eps), V y = VT^H y over all
 *                  stored rows of VT (jobz A: A0 must send the rows past min(m,n) to zero)
 *                  ||U^H (U y) - y||, ||VT (VT^H y) - y|| / (||y|| d eps), all stored vectors
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/lapack/lapack_internal.h"

/* Residual limits in the units above, c1 + c2 / n (bb_lapack_limit).  Correct results of syevd
 * and gesdd from netlib, openblas, openblas64, atlas and flame stayed below 2.9 at n = 2, 0.26
 * at n = 33, 0.12 at n = 96, 0.06 at n = 300 (several seeds and shapes): the limits leave 3.5x
 * to 5x at small and medium n, more beyond.  One element of w, V, s, U or VT off by 1e-3
 * relative lands above them in single precision up to n ~ 100, far above in double. */
#define GESDD_LIMIT(n) bb_lapack_limit(0.2, 30, n)

typedef void (*gesdd_fn)(const char *jobz, void *m, void *n, void *a, void *lda, void *s, void *u,
                         void *ldu, void *vt, void *ldvt, void *work, void *lwork, void *iwork,
                         void *info, size_t);
typedef void (*cgesdd_fn)(const char *jobz, void *m, void *n, void *a, void *lda, void *s, void *u,
                          void *ldu, void *vt, void *ldvt, void *work, void *lwork, void *rwork,
                          void *iwork, void *info, size_t);

static void gesdd_complete(bb_shape *s)
{
	if (!s->n)
		s->n = s->m;
	if (!s->m)
		s->m = s->n;
	s->jobz = bb_lapack_upper_or(s->jobz, 'S');
	if (!s->lda)
		s->lda = bb_lmax(1, s->m);
}

static int gesdd_validate(const bb_shape *s, char *why, size_t len)
{
	if (s->m < 1 || s->n < 1)
		return bb_lapack_refuse(why, len, "m and n must be at least 1 (got m=%ld, n=%ld)",
		                        s->m, s->n);
	if (!s->jobz || !strchr("NSAO", s->jobz))
		return bb_lapack_refuse(why, len, "jobz must be N, S, A or O (got '%c')", s->jobz);
	if (s->lda < s->m)
		return bb_lapack_refuse(why, len, "lda=%ld is less than m=%ld", s->lda, s->m);
	return 0;
}

static double gesdd_flops(char prec, const bb_shape *s)
{
	double k = (double)bb_lmin(s->m, s->n), mx = (double)bb_lmax(s->m, s->n);
	double cw = bb_prec_complex(prec) ? 4 : 1;
	double f = bb_lapack_lawn41(prec, k * (k * (2 * mx - 2.0 / 3 * k + 2) + 20.0 / 3),
	                            k * (k * (2 * mx - 2.0 / 3 * k + 1) - mx + 5.0 / 3));
	if (s->jobz != 'N') {
		double c = s->jobz == 'A' ? mx : k;
		f += 8.0 / 3 * k * k * k + cw * (4 * mx * k * c - 2 * c * k * k) +
		     cw * 2 * k * k * k;
	}
	return f;
}

/* Where U (m x ucols) and VT (vtrows x n) of a copy are: jobz = O puts one of them in A. */
static void gesdd_u(const bb_lapack *L, const bb_lapack_copy *c, void **p, long *ld, long *cols)
{
	if (L->jobz == 'O' && L->m >= L->n) {
		*p = c->a, *ld = L->lda, *cols = L->n;
	} else {
		*p = c->u, *ld = L->ldu, *cols = L->ucols;
	}
}

static void gesdd_vt(const bb_lapack *L, const bb_lapack_copy *c, void **p, long *ld, long *rows)
{
	if (L->jobz == 'O' && L->m < L->n) {
		*p = c->a, *ld = L->lda, *rows = L->m;
	} else {
		*p = c->vt, *ld = L->ldvt, *rows = L->vtrows;
	}
}

/* ldu, ucols, ldvt, vtrows of the separate U and VT arrays (1 where not referenced). */
static void gesdd_layout(long m, long n, char jobz, long *ldu, long *ucols, long *ldvt,
                         long *vtrows)
{
	long k = bb_lmin(m, n);
	*ldu = *ucols = *ldvt = *vtrows = 1;
	if (jobz == 'S' || jobz == 'A' || (jobz == 'O' && m < n)) {
		*ldu = m;
		*ucols = jobz == 'S' ? k : m;
	}
	if (jobz == 'S' || jobz == 'A' || (jobz == 'O' && m >= n)) {
		*ldvt = *vtrows = jobz == 'S' ? k : n;
	}
}

/* LAPACK 3.11's documented minimum lwork / lrwork (the largest of its versions' rules). */
static void gesdd_min_work(char prec, long m, long n, char jobz, long *lwork, long *lrwork)
{
	long k = bb_lmin(m, n), mx = bb_lmax(m, n);
	if (bb_prec_complex(prec)) {
		*lwork = jobz == 'N'   ? 2 * k + mx
		         : jobz == 'O' ? 2 * k * k + 2 * k + mx
		         : jobz == 'S' ? k * k + 3 * k
		                       : k * k + 2 * k + mx;
		*lrwork =
		    jobz == 'N' ? 7 * k : bb_lmax(5 * k * k + 7 * k, 2 * mx * k + 2 * k * k + k);
	} else {
		*lwork = jobz == 'N'   ? 3 * k + bb_lmax(mx, 7 * k)
		         : jobz == 'O' ? 3 * k + bb_lmax(mx, 5 * k * k + 4 * k)
		         : jobz == 'S' ? 4 * k * k + 7 * k
		                       : 4 * k * k + 6 * k + mx;
		*lrwork = 0;
	}
}

static double gesdd_bytes(char prec, const bb_shape *s)
{
	long ldu, uc, ldvt, vr, lw, lrw;
	gesdd_layout(s->m, s->n, s->jobz, &ldu, &uc, &ldvt, &vr);
	gesdd_min_work(prec, s->m, s->n, s->jobz, &lw, &lrw);
	double k = (double)bb_lmin(s->m, s->n);
	double rs = (double)bb_prec_size(bb_lapack_real_prec(prec));
	return (double)bb_prec_size(prec) *
	           ((double)s->lda * s->n + (double)ldu * uc + (double)ldvt * s->n + lw) +
	       rs * (k + lrw) + 8 * 8 * k;
}

static void gesdd_run(bb_instance *in, int i)
{
	bb_lapack *L = (bb_lapack *)in;
	bb_lapack_copy *c = &L->c[i];
	if (bb_prec_complex(in->prec))
		((cgesdd_fn)L->fn)(&L->jobz, bb_fint_ptr(&L->f_m), bb_fint_ptr(&L->f_n), c->a,
		                   bb_fint_ptr(&L->f_lda), c->w, c->u, bb_fint_ptr(&L->f_ldu),
		                   c->vt, bb_fint_ptr(&L->f_ldvt), L->work,
		                   bb_fint_ptr(&L->f_lwork), L->rwork, L->iwork,
		                   bb_fint_ptr(&c->info), 1);
	else
		((gesdd_fn)L->fn)(&L->jobz, bb_fint_ptr(&L->f_m), bb_fint_ptr(&L->f_n), c->a,
		                  bb_fint_ptr(&L->f_lda), c->w, c->u, bb_fint_ptr(&L->f_ldu), c->vt,
		                  bb_fint_ptr(&L->f_ldvt), L->work, bb_fint_ptr(&L->f_lwork),
		                  L->iwork, bb_fint_ptr(&c->info), 1);
}

static int gesdd_outputs(bb_lapack *L, int i, bb_lapack_output *o)
{
	long k = bb_lmin(L->m, L->n), ld, cnt;
	void *p;
	int no = 0;
	o[no++] = (bb_lapack_output){"s", bb_lapack_real_prec(L->h.prec), 'G', L->c[i].w, k, 1, k};
	if (L->jobz == 'N')
		return no;
	gesdd_u(L, &L->c[i], &p, &ld, &cnt);
	o[no++] = (bb_lapack_output){"U", L->h.prec, 'G', p, L->m, cnt, ld};
	gesdd_vt(L, &L->c[i], &p, &ld, &cnt);
	o[no++] = (bb_lapack_output){"VT", L->h.prec, 'G', p, cnt, L->n, ld};
	return no;
}

/* A V = U S is projected on y (V y against S y): every singular value and every row of VT is
 * seen through a component of y bounded away from zero; with jobz = A the rows of VT past k
 * must be sent to zero by A. */
static int gesdd_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_lapack *L = (bb_lapack *)in;
	char p = in->prec;
	long m = L->m, n = L->n, k = bb_lmin(m, n), d = bb_lmax(m, n);
	const bb_lapack_copy *c = &L->c[0];
	double eps = bb_prec_eps(p), na = bb_lapack_norm_a0(L, L->m, L->n), res[4] = {0, 0, 0, 0};
	*residual = NAN;
	if (bb_lapack_info_bad(L, "the divide and conquer step failed to converge", why, len) ||
	    bb_lapack_outputs_bad(L, why, len) || bb_lapack_order_bad(L, "s", -1, 1, k, why, len))
		return 1;
	res[0] =
	    (double)(fabsl(bb_lapack_wsum(L, k, 2) - (long double)na * na) / (na * na * d * eps));
	if (L->jobz != 'N') {
		void *u, *vt;
		long ldu, ucols, ldvt, vtrows;
		gesdd_u(L, c, &u, &ldu, &ucols);
		gesdd_vt(L, c, &vt, &ldvt, &vtrows);
		bb_xc *y = bb_lapack_xvec(vtrows), *v = bb_lapack_xvec(n), *av = bb_lapack_xvec(m),
		      *z = bb_lapack_xvec(m);
		bb_rng r;
		bb_lapack_check_rng(L, &r);
		bb_lapack_xrandom(p, y, vtrows, &r);
		bb_matvec(p, 'C', vtrows, n, vt, ldvt, y, v); /* V y */
		bb_matvec(p, 'N', m, n, L->a0, L->lda, v, av);
		long double ny = bb_xnorm2(y, vtrows);
		bb_lapack_wscale(L, k, y);             /* S y: its first k elements */
		bb_matvec(p, 'N', m, k, u, ldu, y, z); /* U (S y) */
		res[1] = (double)(bb_lapack_diff_norm(av, z, m) / (na * ny * d * eps));
		free(y);
		free(v);
		free(av);
		free(z);
		res[2] = bb_lapack_orth_residual(L, 'N', m, ucols, u, ldu, (double)d, &r);
		res[3] = bb_lapack_orth_residual(L, 'C', vtrows, n, vt, ldvt, (double)d, &r);
	}
	const bb_lapack_res v[] = {{"|sum s^2 - ||A||_F^2|", res[0], GESDD_LIMIT(d)},
	                           {"||A(Vy) - U(Sy)||", res[1], GESDD_LIMIT(d)},
	                           {"||U^H(Uy) - y||", res[2], GESDD_LIMIT(d)},
	                           {"||VT(VT^Hy) - y||", res[3], GESDD_LIMIT(d)}};
	return bb_lapack_verdict(L, v, L->jobz == 'N' ? 1 : 4, residual, why, len);
}

static bb_instance *gesdd_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                 int copies, uint64_t seed, char *err, size_t errlen)
{
	bb_lapack *L = bb_lapack_new(w, prec, s, b, copies, seed, (size_t)s->lda * (size_t)s->n, 0,
	                             err, errlen);
	if (!L)
		return NULL;
	int cplx = bb_prec_complex(prec);
	char rp = bb_lapack_real_prec(prec);
	size_t es = bb_prec_size(prec), rs = bb_prec_size(rp);
	L->m = s->m;
	L->n = s->n;
	L->lda = s->lda;
	L->jobz = s->jobz;
	long k = bb_lmin(L->m, L->n), lw, lrw;
	gesdd_layout(L->m, L->n, L->jobz, &L->ldu, &L->ucols, &L->ldvt, &L->vtrows);
	if (!bb_lapack_fits(L, "lda", L->lda, err, errlen) ||
	    !bb_lapack_fits(L, "n", L->n, err, errlen))
		goto fail;
	bb_fint_set(&L->f_m, b, L->m);
	bb_fint_set(&L->f_n, b, L->n);
	bb_fint_set(&L->f_lda, b, L->lda);
	bb_fint_set(&L->f_ldu, b, L->ldu);
	bb_fint_set(&L->f_ldvt, b, L->ldvt);
	bb_rng r;
	bb_rng_seed(&r, seed);
	bb_lapack_fill_general(prec, L->a0, L->m, L->n, L->lda, &r);
	for (int i = 0; i < copies; i++) {
		L->c[i].w = bb_buf_alloc((size_t)k * rs);
		L->c[i].u = bb_buf_alloc((size_t)L->ldu * (size_t)L->ucols * es);
		L->c[i].vt = bb_buf_alloc((size_t)L->ldvt * (size_t)L->n * es);
	}
	gesdd_min_work(prec, L->m, L->n, L->jobz, &lw, &lrw);
	L->lrwork = lrw;
	if (cplx)
		L->rwork = bb_buf_alloc((size_t)lrw * rs);
	L->iwork = bb_fint_array_alloc(b, 8 * k);
	/* workspace query (lwork = -1) on copy 0 */
	void *q = bb_buf_alloc(4 * es);
	L->work = q;
	bb_fint_set(&L->f_lwork, b, -1);
	gesdd_run(&L->h, 0);
	L->work = NULL;
	long info = bb_fint_get(&L->c[0].info);
	L->lwork = bb_lmax(bb_lapack_query_size(prec, q), lw);
	bb_buf_free(q);
	if (info) {
		snprintf(err, errlen, "%s: workspace query returned info = %ld", L->name, info);
		goto fail;
	}
	if (!bb_lapack_fits(L, "lwork", L->lwork, err, errlen))
		goto fail;
	bb_fint_set(&L->f_lwork, b, L->lwork);
	L->work = bb_buf_alloc((size_t)L->lwork * es);
	L->h.run = gesdd_run;
	L->h.check = gesdd_check;
	L->outputs = gesdd_outputs;
	return &L->h;
fail:
	bb_lapack_destroy(&L->h);
	return NULL;
}

const bb_workload bb_workload_gesdd = {
    .name = "gesdd",
    .family = "lapack",
    .keys = "m,n,jobz,lda",
    .summary = "singular value decomposition of an m x n general matrix, divide and conquer "
               "(jobz = N, S, O, A)",
    .routine = {BB_R_sgesdd, BB_R_dgesdd, BB_R_cgesdd, BB_R_zgesdd},
    .in_place = 1,
    .complete = gesdd_complete,
    .validate = gesdd_validate,
    .flops = gesdd_flops,
    .bytes = gesdd_bytes,
    .create = gesdd_create,
};
