/*
 * LAPACK eigen- and singular value drivers: syevd (ssyevd, dsyevd, cheevd, zheevd: symmetric /
 * Hermitian eigenproblem, divide and conquer) and gesdd (SVD, divide and conquer).  Both work
 * in place (A is destroyed or overwritten by vectors): reset() restores every copy.
 *
 * Flops per call.  LAWN 41 counts only the reductions; the rest of these drivers depends on
 * the data (deflation in divide and conquer), so the counts below are the usual *nominal*
 * "effective" convention and the GFLOP/s figure they give is nominal too: comparable between
 * libraries at one shape, not an operation count.  cw = 4 for complex (a complex multiply-add
 * is 6 mults + 2 adds = 8 flops, a real one 2), 1 for real.
 *   syevd: sytrd/hetrd by LAWN 41 (mults = 2/3 n^3 + 5/2 n^2 - 1/6 n - 15,
 *          adds = 2/3 n^3 + n^2 - 8/3 n - 4; complex 6 mults + 2 adds), then for jobz = V
 *          + 4/3 n^3       stedc without deflation (real arithmetic also for cheevd/zheevd)
 *          + cw * 2 n^3    ormtr/unmtr: n - 1 reflectors applied to the n x n eigenvectors
 *          jobz = N adds nothing (the tridiagonal eigenvalues cost O(n^2)).
 *   gesdd (k = min(m,n), M = max(m,n)): gebrd by LAWN 41 (m >= n: mults = 2mn^2 - 2/3 n^3 +
 *          2n^2 + 20/3 n, adds = 2mn^2 - 2/3 n^3 + n^2 - mn + 5/3 n; m < n transposed), then
 *          for jobz = S, O, A
 *          + 8/3 k^3                bdsdc, singular vectors of the k x k bidiagonal (real)
 *          + cw * (4 M k c - 2 c k^2)  ormbr/unmbr on the long side, c = k (S, O) or M (A)
 *          + cw * 2 k^3             ormbr/unmbr on the short side
 *          jobz = N adds nothing.  (For M >> k LAPACK first does a QR: fewer real flops.)
 *
 * Checks (long double, against the pristine A0; x, y random with every element of modulus in
 * [1/2, 1); eps of the precision).  info != 0, NaN or Inf in an output, w not ascending, s not
 * descending or negative are wrong before any residual.  d = max(m, n).
 *   syevd, always:  |sum w - trace A0| / (||A0||_F n eps)
 *                   |sum w^2 - ||A0||_F^2| / (||A0||_F^2 n eps)
 *          jobz V:  ||A0 (V x) - V (diag(w) x)|| / (||A0||_F ||x|| n eps)
 *                   ||V^H (V x) - x|| / (||x|| n eps)
 *          (jobz N has only the invariants: a wrong small eigenvalue may go unseen)
 *   gesdd, always:  |sum s^2 - ||A0||_F^2| / (||A0||_F^2 d eps)
 *     jobz S, O, A: ||A0 (V y) - U (diag(s) y)|| / (||A0||_F ||y|| d eps), V y = VT^H y over all
 *                   stored rows of VT (jobz A: A0 must send the rows past min(m,n) to zero)
 *                   ||U^H (U y) - y||, ||VT (VT^H y) - y|| / (||y|| d eps), all stored vectors
 * Limits: see SYEVD_LIMIT and GESDD_LIMIT below.
 */
#include <complex.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "workloads/lapack/lapack_check.h"

/* Residual limits in the units above, c1 + c2 / n (see bb_lapack_limit and lapack_factor.c).
 * Correct results from netlib, openblas, openblas64, atlas and flame stayed below 2.9 at n = 2,
 * 0.26 at n = 33, 0.12 at n = 96, 0.06 at n = 300 (several seeds and shapes): the limits leave
 * 3.5x to 5x at small and medium n, more beyond.  One element of w, V, s, U or VT off by 1e-3
 * relative lands above them in single precision up to n ~ 100, far above in double. */
#define SYEVD_LIMIT(n) bb_lapack_limit(0.2, 25, n)
#define GESDD_LIMIT(n) bb_lapack_limit(0.2, 30, n)

typedef void (*syevd_fn)(const char *jobz, const char *uplo, void *n, void *a, void *lda, void *w,
                         void *work, void *lwork, void *iwork, void *liwork, void *info, size_t,
                         size_t);
typedef void (*heevd_fn)(const char *jobz, const char *uplo, void *n, void *a, void *lda, void *w,
                         void *work, void *lwork, void *rwork, void *lrwork, void *iwork,
                         void *liwork, void *info, size_t, size_t);
typedef void (*gesdd_fn)(const char *jobz, void *m, void *n, void *a, void *lda, void *s, void *u,
                         void *ldu, void *vt, void *ldvt, void *work, void *lwork, void *iwork,
                         void *info, size_t);
typedef void (*cgesdd_fn)(const char *jobz, void *m, void *n, void *a, void *lda, void *s, void *u,
                          void *ldu, void *vt, void *ldvt, void *work, void *lwork, void *rwork,
                          void *iwork, void *info, size_t);

static long lmin(long a, long b)
{
	return a < b ? a : b;
}
static long lmax(long a, long b)
{
	return a > b ? a : b;
}

/* 1 (wrong) when the k values of w are not ordered (ascending > 0, descending < 0), or when
 * nonneg and one is negative. */
static int order_bad(const bb_lapack *L, const char *what, int dir, int nonneg, long k, char *why,
                     size_t len)
{
	char rp = bb_lapack_real_prec(L->h.prec);
	const void *w = L->c[0].w;
	for (long i = 0; i < k; i++) {
		long double v = creall(bb_elem(rp, w, (size_t)i));
		if (nonneg && v < 0) {
			snprintf(why, len, "%s: %s(%ld) = %Lg is negative", L->name, what, i + 1,
			         v);
			return 1;
		}
		if (i + 1 < k) {
			long double next = creall(bb_elem(rp, w, (size_t)i + 1));
			if (dir > 0 ? next < v : next > v) {
				snprintf(why, len, "%s: %s not in %s order at %ld", L->name, what,
				         dir > 0 ? "ascending" : "descending", i + 1);
				return 1;
			}
		}
	}
	return 0;
}

/* sum of w(i)^e over the k values, e = 1 or 2 */
static long double wsum(const bb_lapack *L, long k, int e)
{
	char rp = bb_lapack_real_prec(L->h.prec);
	long double s = 0;
	for (long i = 0; i < k; i++) {
		long double v = creall(bb_elem(rp, L->c[0].w, (size_t)i));
		s += e == 1 ? v : v * v;
	}
	return s;
}

static void wscale(const bb_lapack *L, long k, bb_xc *x)
{
	char rp = bb_lapack_real_prec(L->h.prec);
	for (long i = 0; i < k; i++)
		x[i] *= creall(bb_elem(rp, L->c[0].w, (size_t)i));
}

static char upper_or(char c, char dflt)
{
	return c ? (char)toupper((unsigned char)c) : dflt;
}

/* ---- syevd */

static void syevd_complete(bb_shape *s)
{
	s->jobz = upper_or(s->jobz, 'V');
	s->uplo = upper_or(s->uplo, 'U');
	if (!s->lda)
		s->lda = lmax(1, s->n);
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
	    bb_lapack_outputs_bad(L, why, len) || order_bad(L, "w", 1, 0, n, why, len))
		return 1;
	/* invariants, with or without vectors: trace A = sum w, ||A||_F^2 = sum w^2 */
	long double tr = 0;
	for (long i = 0; i < n; i++)
		tr += creall(bb_elem(p, L->a0, (size_t)(i + i * L->lda)));
	res[0] = (double)(fabsl(wsum(L, n, 1) - tr) / (na * n * eps));
	res[1] = (double)(fabsl(wsum(L, n, 2) - (long double)na * na) / (na * na * n * eps));
	if (L->jobz == 'V') {
		bb_xc *x = bb_lapack_xvec(n), *t = bb_lapack_xvec(n), *y = bb_lapack_xvec(n),
		      *z = bb_lapack_xvec(n);
		bb_rng r;
		bb_lapack_check_rng(L, &r);
		bb_lapack_xrandom(p, x, n, &r);
		bb_matvec(p, 'N', n, n, c->a, L->lda, x, t);  /* V x */
		bb_matvec(p, 'N', n, n, L->a0, L->lda, t, y); /* A (V x) */
		long double nx = bb_xnorm2(x, n);
		wscale(L, n, x);
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
		L->lwork = lmax(L->lwork, v ? 2 * n + n * n : n + 1);
		L->lrwork = lmax(L->lrwork, v ? 1 + 5 * n + 2 * n * n : n);
	} else {
		L->lwork = lmax(L->lwork, v ? 1 + 6 * n + 2 * n * n : 2 * n + 1);
		L->lrwork = 0;
	}
	L->liwork = lmax(L->liwork, v ? 3 + 5 * n : 1);
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

/* ---- gesdd */

static void gesdd_complete(bb_shape *s)
{
	if (!s->n)
		s->n = s->m;
	if (!s->m)
		s->m = s->n;
	s->jobz = upper_or(s->jobz, 'S');
	if (!s->lda)
		s->lda = lmax(1, s->m);
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
	double k = (double)lmin(s->m, s->n), mx = (double)lmax(s->m, s->n);
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
	long k = lmin(m, n);
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
	long k = lmin(m, n), mx = lmax(m, n);
	if (bb_prec_complex(prec)) {
		*lwork = jobz == 'N'   ? 2 * k + mx
		         : jobz == 'O' ? 2 * k * k + 2 * k + mx
		         : jobz == 'S' ? k * k + 3 * k
		                       : k * k + 2 * k + mx;
		*lrwork = jobz == 'N' ? 7 * k : lmax(5 * k * k + 7 * k, 2 * mx * k + 2 * k * k + k);
	} else {
		*lwork = jobz == 'N'   ? 3 * k + lmax(mx, 7 * k)
		         : jobz == 'O' ? 3 * k + lmax(mx, 5 * k * k + 4 * k)
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
	double k = (double)lmin(s->m, s->n);
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
	long k = lmin(L->m, L->n), ld, cnt;
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
	long m = L->m, n = L->n, k = lmin(m, n), d = lmax(m, n);
	const bb_lapack_copy *c = &L->c[0];
	double eps = bb_prec_eps(p), na = bb_lapack_norm_a0(L, L->m, L->n), res[4] = {0, 0, 0, 0};
	*residual = NAN;
	if (bb_lapack_info_bad(L, "the divide and conquer step failed to converge", why, len) ||
	    bb_lapack_outputs_bad(L, why, len) || order_bad(L, "s", -1, 1, k, why, len))
		return 1;
	res[0] = (double)(fabsl(wsum(L, k, 2) - (long double)na * na) / (na * na * d * eps));
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
		wscale(L, k, y);                       /* S y: its first k elements */
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
	long k = lmin(L->m, L->n), lw, lrw;
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
	L->lwork = lmax(bb_lapack_query_size(prec, q), lw);
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
