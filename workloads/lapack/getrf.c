/*
 * LAPACK factorizations and the linear solve: getrf (LU with partial pivoting), potrf
 * (Cholesky), geqrf (Householder QR), gesv (LU + solve).  All four work in place: reset()
 * restores every copy from the pristine input, run() calls the routine on one copy.
 *
 * Flops per call, LAPACK Working Note 41 (as in LAPACK's dopla.f / LAPACK++ flops.hh); real
 * = mults + adds, complex = 6 mults + 2 adds.  With k = min(m, n):
 *   getrf m >= n: mults = 1/2 mn^2 - 1/6 n^3 + 1/2 mn - 1/2 n^2 + 2/3 n
 *                 adds  = 1/2 mn^2 - 1/6 n^3 - 1/2 mn + 1/6 n        (m < n: m and n swapped)
 *   potrf:        mults = 1/6 n^3 + 1/2 n^2 + 1/3 n,   adds = 1/6 n^3 - 1/6 n
 *   geqrf m >= n: mults = mn^2 - 1/3 n^3 + mn + 1/2 n^2 + 23/6 n
 *                 adds  = mn^2 - 1/3 n^3 + 1/2 n^2 + 5/6 n
 *         m < n:  mults = nm^2 - 1/3 m^3 + 2nm - 1/2 m^2 + 23/6 m
 *                 adds  = nm^2 - 1/3 m^3 + nm - 1/2 m^2 + 5/6 m
 *   gesv:         getrf(n, n) + getrs(n, nrhs): mults = nrhs n^2, adds = nrhs (n^2 - n)
 *
 * Checks (long double, against the pristine input A0; x, y random with every element of
 * modulus in [1/2, 1), so that no column of a factor hides behind a tiny component; eps of the
 * precision; d = max(m, n)).  info != 0 and NaN or Inf in an output are wrong first.
 *   getrf  ||P^T A0 x - L (U x)||, ||A0^H (P y) - U^H (L^H y)|| / (||A0||_F ||x|| d eps):
 *          both sides, so every column of U and every row of L is seen; pivots applied by us,
 *          each must lie in i..m
 *   potrf  ||A0 x - U^H (U x)|| (or L (L^H x)) / (||A0||_F ||x|| n eps)
 *   geqrf  ||A0 x - Q (R x)|| / (||A0||_F ||x|| d eps) and ||Q^H Q y - y|| / (||y|| m eps),
 *          Q applied by us (lapack_check.c) from the stored reflectors and tau
 *   gesv   ||A0 (X y) - B0 y|| / (||A0||_F ||X y|| n eps), y of nrhs elements
 * Each passes when at most its limit below.
 */
#include <complex.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>

#include "common/error.h"
#include "workloads/lapack/lapack_check.h"

/* Residual limits in units of the normalizations above: c1 + c2 / n (bb_lapack_limit), that is
 * ||r|| <= (c1 n + c2) eps ||A|| ||x||.  Correct results from netlib, openblas, openblas64,
 * atlas and flame (several seeds and shapes, n = 1 .. 300; openblas to 2000) stayed below: getrf
 * 0.16 (n = 1), 0.013 (n = 33); potrf 0.42 (n = 2), 0.005 (n = 33); geqrf 2.8 (n = 1), 0.09 (n =
 * 33), 0.04 (n = 96); gesv 1.2 (n = 1), 0.02 (n = 33).  One output element off by 1e-3 relative
 * lands above the limits in single precision up to n ~ 100 (tests/workloads), far above in double.
 */
#define GETRF_LIMIT(n) bb_lapack_limit(0.05, 2, n)
#define POTRF_LIMIT(n) bb_lapack_limit(0.05, 3, n)
#define GEQRF_LIMIT(n) bb_lapack_limit(0.05, 15, n)
#define GESV_LIMIT(n) bb_lapack_limit(0.05, 5, n)

/* Fortran interfaces: every argument by reference, integers of the backend's width. */
typedef void (*getrf_fn)(void *m, void *n, void *a, void *lda, void *ipiv, void *info);
typedef void (*potrf_fn)(const char *uplo, void *n, void *a, void *lda, void *info, size_t);
typedef void (*geqrf_fn)(void *m, void *n, void *a, void *lda, void *tau, void *work, void *lwork,
                         void *info);
typedef void (*gesv_fn)(void *n, void *nrhs, void *a, void *lda, void *ipiv, void *b, void *ldb,
                        void *info);

static long lmin(long a, long b)
{
	return a < b ? a : b;
}
static long lmax(long a, long b)
{
	return a > b ? a : b;
}

static void getrf_counts(double m, double n, double *mults, double *adds)
{
	if (m < n) { /* LAWN 41 gives m >= n; the wide case is its transpose */
		double t = m;
		m = n;
		n = t;
	}
	*mults = 0.5 * n * (n * (m - n / 3 - 1) + m) + 2.0 / 3 * n;
	*adds = 0.5 * n * (n * (m - n / 3) - m) + n / 6;
}

static void set_dims(bb_lapack *L, const bb_shape *s)
{
	bb_backend *b = L->h.backend;
	bb_fint_set(&L->f_m, b, L->m);
	bb_fint_set(&L->f_n, b, L->n);
	bb_fint_set(&L->f_lda, b, L->lda);
	bb_fint_set(&L->f_nrhs, b, L->nrhs);
	bb_fint_set(&L->f_ldb, b, L->ldb);
	L->uplo = s->uplo;
}

/* ---- getrf */

static void getrf_complete(bb_shape *s)
{
	if (!s->n)
		s->n = s->m;
	if (!s->m)
		s->m = s->n;
	if (!s->lda)
		s->lda = lmax(1, s->m);
}

static int getrf_validate(const bb_shape *s, char *why, size_t len)
{
	if (s->m < 1 || s->n < 1)
		return bb_lapack_refuse(why, len, "m and n must be at least 1 (got m=%ld, n=%ld)",
		                        s->m, s->n);
	if (s->lda < s->m)
		return bb_lapack_refuse(why, len, "lda=%ld is less than m=%ld", s->lda, s->m);
	return 0;
}

static double getrf_flops(char prec, const bb_shape *s)
{
	double mu, ad;
	getrf_counts((double)s->m, (double)s->n, &mu, &ad);
	return bb_lapack_lawn41(prec, mu, ad);
}

static double getrf_bytes(char prec, const bb_shape *s)
{
	return (double)bb_prec_size(prec) * s->lda * s->n + 8.0 * lmin(s->m, s->n);
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
	long m = L->m, n = L->n, k = lmin(m, n), d = lmax(m, n);
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
	set_dims(L, s);
	bb_rng r;
	bb_rng_seed(&r, seed);
	bb_lapack_fill_general(prec, L->a0, L->m, L->n, L->lda, &r);
	for (int i = 0; i < copies; i++)
		L->c[i].ipiv = bb_fint_array_alloc(b, lmin(L->m, L->n));
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
    .complete = getrf_complete,
    .validate = getrf_validate,
    .flops = getrf_flops,
    .bytes = getrf_bytes,
    .create = getrf_create,
};

/* ---- potrf */

static void potrf_complete(bb_shape *s)
{
	s->uplo = s->uplo ? (char)toupper((unsigned char)s->uplo) : 'U';
	if (!s->lda)
		s->lda = lmax(1, s->n);
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
	set_dims(L, s);
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

/* ---- geqrf */

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
	return (double)bb_prec_size(prec) * (s->lda * s->n + lmin(s->m, s->n) + 32.0 * s->n);
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
	long k = lmin(L->m, L->n);
	o[0] = (bb_lapack_output){"QR", L->h.prec, 'G', L->c[i].a, L->m, L->n, L->lda};
	o[1] = (bb_lapack_output){"tau", L->h.prec, 'G', L->c[i].tau, k, 1, k};
	return 2;
}

static int geqrf_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_lapack *L = (bb_lapack *)in;
	char p = in->prec;
	long m = L->m, n = L->n, k = lmin(m, n);
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
	    (double)(bb_lapack_diff_norm(y, z, m) /
	             (bb_lapack_norm_a0(L, m, n) * bb_xnorm2(x, n) * lmax(m, n) * bb_prec_eps(p)));
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
	const bb_lapack_res res[] = {{"||Ax - Q(Rx)||", res1, GEQRF_LIMIT(lmax(m, n))},
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
	set_dims(L, s);
	bb_rng r;
	bb_rng_seed(&r, seed);
	bb_lapack_fill_general(prec, L->a0, L->m, L->n, L->lda, &r);
	size_t es = bb_prec_size(prec);
	long k = lmin(L->m, L->n);
	for (int i = 0; i < copies; i++)
		L->c[i].tau = bb_buf_alloc((size_t)k * es);
	/* workspace query on copy 0 (reset() rewrites it before any timed call) */
	void *q = bb_buf_alloc(4 * es);
	bb_fint_set(&L->f_lwork, b, -1);
	((geqrf_fn)L->fn)(bb_fint_ptr(&L->f_m), bb_fint_ptr(&L->f_n), L->c[0].a,
	                  bb_fint_ptr(&L->f_lda), L->c[0].tau, q, bb_fint_ptr(&L->f_lwork),
	                  bb_fint_ptr(&L->c[0].info));
	L->lwork = lmax(bb_lapack_query_size(prec, q), lmax(1, L->n));
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
    .complete = getrf_complete,
    .validate = getrf_validate,
    .flops = geqrf_flops,
    .bytes = geqrf_bytes,
    .create = geqrf_create,
};

/* ---- gesv */

static void gesv_complete(bb_shape *s)
{
	if (!s->nrhs)
		s->nrhs = 1;
	if (!s->lda)
		s->lda = lmax(1, s->n);
	if (!s->ldb)
		s->ldb = lmax(1, s->n);
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
	getrf_counts(n, n, &mu, &ad);
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
	set_dims(L, s);
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
