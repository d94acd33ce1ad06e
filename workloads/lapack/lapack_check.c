/*
 * The LAPACK workloads' common part (see lapack_check.h): the instance every LAPACK workload
 * uses, its reset (every copy restored from the pristine input: all these routines work in
 * place) and destroy, the data generators, and the long-double helpers of the checks,
 * including the implicit parts of the factors (getrf's row interchanges, geqrf's Householder
 * reflectors), applied here rather than by the library under test.
 */
#include "workloads/lapack/lapack_check.h"

#include <math.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

bb_lapack *bb_lapack_new(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                         int copies, uint64_t seed, size_t a_count, size_t b_count, char *err,
                         size_t errlen)
{
	int p = bb_prec_index(prec);
	if (p < 0 || w->routine[p] == BB_ROUTINE_COUNT) {
		snprintf(err, errlen, "workload '%s' has no precision '%c'", w->name, prec);
		return NULL;
	}
	bb_routine r = w->routine[p];
	if (!b->slots[r].supported) {
		snprintf(err, errlen, "backend '%s' has no %s", b->spec.alias ? b->spec.alias : "?",
		         bb_routines[r].name);
		return NULL;
	}
	if (b->int_bits != 32 && b->int_bits != 64) {
		snprintf(err, errlen, "cannot call %s: the backend's integer width is unknown",
		         bb_routines[r].name);
		return NULL;
	}
	if (copies < 1) {
		snprintf(err, errlen, "%s needs at least one copy (got %d)", bb_routines[r].name,
		         copies);
		return NULL;
	}
	bb_lapack *L = bb_xcalloc(1, sizeof(*L));
	L->h.w = w;
	L->h.prec = prec;
	L->h.shape = *s;
	L->h.backend = b;
	L->h.copies = copies;
	L->h.reset = bb_lapack_reset;
	L->h.destroy = bb_lapack_destroy;
	L->fn = b->slots[r].fn;
	snprintf(L->name, sizeof(L->name), "%s", bb_routines[r].name);
	L->seed = seed;
	L->a_count = a_count;
	L->b_count = b_count;
	size_t es = bb_prec_size(prec);
	L->a0 = bb_buf_alloc(a_count * es);
	if (b_count)
		L->b0 = bb_buf_alloc(b_count * es);
	L->c = bb_xcalloc((size_t)copies, sizeof(*L->c));
	for (int i = 0; i < copies; i++) {
		L->c[i].a = bb_buf_alloc(a_count * es);
		if (b_count)
			L->c[i].b = bb_buf_alloc(b_count * es);
		bb_fint_set(&L->c[i].info, b, 0);
	}
	return L;
}

void bb_lapack_reset(bb_instance *in)
{
	bb_lapack *L = (bb_lapack *)in;
	size_t es = bb_prec_size(in->prec);
	for (int i = 0; i < in->copies; i++) {
		memcpy(L->c[i].a, L->a0, L->a_count * es);
		if (L->b_count)
			memcpy(L->c[i].b, L->b0, L->b_count * es);
		bb_fint_set(&L->c[i].info, in->backend, 0);
	}
}

/* The buffers are optional per workload: free only what was allocated. */
static void buf_free(void *p)
{
	if (p)
		bb_buf_free(p);
}

static void int_free(void *p)
{
	if (p)
		bb_fint_array_free(p);
}

void bb_lapack_destroy(bb_instance *in)
{
	bb_lapack *L = (bb_lapack *)in;
	if (!L)
		return;
	for (int i = 0; i < in->copies; i++) {
		bb_lapack_copy *c = &L->c[i];
		buf_free(c->a);
		buf_free(c->b);
		int_free(c->ipiv);
		buf_free(c->tau);
		buf_free(c->w);
		buf_free(c->u);
		buf_free(c->vt);
	}
	free(L->c);
	buf_free(L->a0);
	buf_free(L->b0);
	buf_free(L->work);
	buf_free(L->rwork);
	int_free(L->iwork);
	free(L);
}

int bb_lapack_fits(const bb_lapack *L, const char *what, long v, char *err, size_t errlen)
{
	if (L->h.backend->int_bits == 64 || (v >= INT32_MIN && v <= INT32_MAX))
		return 1;
	snprintf(err, errlen, "%s: %s = %ld does not fit the backend's 32-bit integers", L->name,
	         what, v);
	return 0;
}

long bb_lapack_query_size(char prec, const void *work)
{
	long double v = creall(bb_elem(prec, work, 0));
	if (!(v >= 1))
		return 1;
	/* a float holds integers exactly only up to 2^24: round up by a relative 2^-20 */
	if (prec == 's' || prec == 'c')
		v *= 1 + 0x1p-20L;
	return (long)ceill(v);
}

int bb_lapack_outputs(bb_instance *in, int copy, bb_lapack_output *out)
{
	bb_lapack *L = (bb_lapack *)in;
	if (copy < 0 || copy >= in->copies)
		return 0;
	return L->outputs(L, copy, out);
}

/* ---- data */

char bb_lapack_real_prec(char prec)
{
	return prec == 's' || prec == 'c' ? 's' : 'd';
}

void bb_lapack_fill_general(char prec, void *a, long m, long n, long lda, bb_rng *r)
{
	size_t es = bb_prec_size(prec);
	for (long j = 0; j < n; j++)
		bb_fill(prec, (char *)a + (size_t)j * (size_t)lda * es, (size_t)m, r);
}

void bb_lapack_fill_hermitian(char prec, void *a, long n, long lda, double shift, bb_rng *r)
{
	int cplx = bb_prec_complex(prec);
	for (long j = 0; j < n; j++) {
		for (long i = 0; i < j; i++) {
			long double re = bb_rng_uniform(r);
			long double im = cplx ? bb_rng_uniform(r) : 0;
			bb_xc v = re + im * I;
			bb_set_elem(prec, a, (size_t)(i + j * lda), v);
			bb_set_elem(prec, a, (size_t)(j + i * lda), conjl(v));
		}
		bb_set_elem(prec, a, (size_t)(j + j * lda), bb_rng_uniform(r) + shift);
	}
}

/* ---- flops */

double bb_lapack_lawn41(char prec, double mults, double adds)
{
	double f = bb_prec_complex(prec) ? 6 * mults + 2 * adds : mults + adds;
	return f > 0 ? f : 0;
}

/* ---- check helpers */

double bb_lapack_norm_a0(const bb_lapack *L, long m, long n)
{
	return (double)bb_mat_norm_fro(L->h.prec, m, n, L->a0, L->lda);
}

double bb_lapack_orth_residual(const bb_lapack *L, char op, long r, long c, const void *m, long ld,
                               double d, bb_rng *rng)
{
	char p = L->h.prec;
	long ny = op == 'N' ? c : r, nt = op == 'N' ? r : c;
	bb_xc *y = bb_lapack_xvec(ny), *t = bb_lapack_xvec(nt), *z = bb_lapack_xvec(ny);
	bb_lapack_xrandom(p, y, ny, rng);
	bb_matvec(p, op, r, c, m, ld, y, t);
	bb_matvec(p, op == 'N' ? 'C' : 'N', r, c, m, ld, t, z);
	double res =
	    (double)(bb_lapack_diff_norm(z, y, ny) / (bb_xnorm2(y, ny) * d * bb_prec_eps(p)));
	free(y);
	free(t);
	free(z);
	return res;
}

void bb_lapack_trmv(char prec, char uplo, char op, int unit, long m, long n, const void *a,
                    long lda, const bb_xc *x, bb_xc *y)
{
	if (op == 'N')
		for (long i = 0; i < m; i++)
			y[i] = 0;
	for (long j = 0; j < n; j++) {
		long lo = uplo == 'U' ? 0 : j;
		long hi = uplo == 'U' ? (j < m - 1 ? j : m - 1) : m - 1;
		if (op == 'N') {
			for (long i = lo; i <= hi; i++) {
				bb_xc aij =
				    unit && i == j ? 1 : bb_elem(prec, a, (size_t)(i + j * lda));
				y[i] += bb_lapack_xmul(aij, x[j]);
			}
		} else {
			bb_xc sum = 0;
			for (long i = lo; i <= hi; i++) {
				bb_xc aij =
				    unit && i == j ? 1 : bb_elem(prec, a, (size_t)(i + j * lda));
				sum += bb_lapack_xmul(conjl(aij), x[i]);
			}
			y[j] = sum;
		}
	}
}

long double bb_lapack_diff_norm(const bb_xc *x, const bb_xc *y, long n)
{
	long double s = 0;
	for (long i = 0; i < n; i++) {
		long double d = cabsl(x[i] - y[i]);
		s += d * d;
	}
	return sqrtl(s);
}

bb_xc *bb_lapack_xvec(long n)
{
	return bb_xcalloc((size_t)(n > 0 ? n : 1), sizeof(bb_xc));
}

void bb_lapack_check_rng(const bb_lapack *L, bb_rng *r)
{
	bb_rng_seed(r, L->seed ^ UINT64_C(0x9e3779b97f4a7c15));
}

void bb_lapack_xrandom(char prec, bb_xc *x, long n, bb_rng *r)
{
	for (long i = 0; i < n; i++) {
		long double mod = 0.75L + 0.25L * bb_rng_uniform(r);
		if (bb_prec_complex(prec)) {
			long double phi = 3.14159265358979323846L * bb_rng_uniform(r);
			x[i] = CMPLXL(mod * cosl(phi), mod * sinl(phi));
		} else {
			x[i] = bb_rng_uniform(r) < 0 ? -mod : mod;
		}
	}
}

/* ---- getrf and geqrf: the factors' implicit parts */

/* 1 (wrong) when a pivot is outside i..m, with the reason in why. */
int bb_lapack_pivots_bad(const bb_lapack *L, const void *ipiv, long k, char *why, size_t len)
{
	for (long i = 0; i < k; i++) {
		long p = bb_fint_array_get(L->h.backend, ipiv, i);
		if (p < i + 1 || p > L->m) {
			snprintf(why, len, "%s: ipiv(%ld) = %ld is out of range %ld..%ld", L->name,
			         i + 1, p, i + 1, L->m);
			return 1;
		}
	}
	return 0;
}

/* The row interchanges ipiv(1..k) applied to y: in LAPACK's order (y becomes P^T y), or in
 * reverse order (y becomes P y), where A = P L U. */
void bb_lapack_apply_pivots(const bb_lapack *L, const void *ipiv, long k, int reverse, bb_xc *y)
{
	for (long s = 0; s < k; s++) {
		long i = reverse ? k - 1 - s : s;
		long p = bb_fint_array_get(L->h.backend, ipiv, i) - 1;
		bb_xc t = y[i];
		y[i] = y[p];
		y[p] = t;
	}
}

/* y = Q y (adjoint 0) or Q^H y (adjoint 1) from copy c's reflectors: Q = H(1) .. H(k),
 * H(i) = I - tau(i) v v^H with v = (0 .. 0, 1, a(i+1:m, i)); Q y applies i = k .. 1 with tau,
 * Q^H y applies i = 1 .. k with conj(tau). */
void bb_lapack_apply_reflectors(const bb_lapack *L, const bb_lapack_copy *c, int adjoint, bb_xc *y)
{
	char p = L->h.prec;
	long m = L->m, k = L->m < L->n ? L->m : L->n;
	for (long s = 0; s < k; s++) {
		long i = adjoint ? s : k - 1 - s;
		bb_xc t = bb_elem(p, c->tau, (size_t)i);
		if (adjoint)
			t = conjl(t);
		bb_xc dot = y[i];
		for (long r = i + 1; r < m; r++)
			dot +=
			    bb_lapack_xmul(conjl(bb_elem(p, c->a, (size_t)(r + i * L->lda))), y[r]);
		dot = bb_lapack_xmul(dot, t);
		y[i] -= dot;
		for (long r = i + 1; r < m; r++)
			y[r] -= bb_lapack_xmul(bb_elem(p, c->a, (size_t)(r + i * L->lda)), dot);
	}
}

int bb_lapack_info_bad(const bb_lapack *L, const char *meaning, char *why, size_t len)
{
	long info = bb_fint_get(&L->c[0].info);
	if (!info)
		return 0;
	if (info < 0)
		snprintf(why, len, "%s returned info = %ld: argument %ld rejected", L->name, info,
		         -info);
	else if (meaning)
		snprintf(why, len, "%s returned info = %ld: %s", L->name, info, meaning);
	else
		snprintf(why, len, "%s returned info = %ld", L->name, info);
	return 1;
}

static int finite_elem(char prec, const void *p, size_t idx)
{
	bb_xc v = bb_elem(prec, p, idx);
	return isfinite(creall(v)) && isfinite(cimagl(v));
}

int bb_lapack_outputs_bad(bb_lapack *L, char *why, size_t len)
{
	bb_lapack_output out[BB_LAPACK_MAX_OUTPUTS];
	int n = L->outputs(L, 0, out);
	for (int k = 0; k < n; k++) {
		const bb_lapack_output *o = &out[k];
		for (long j = 0; j < o->n; j++) {
			long lo = o->part == 'L' ? j : 0;
			long hi = o->part == 'U' ? (j < o->m - 1 ? j : o->m - 1) : o->m - 1;
			for (long i = lo; i <= hi; i++)
				if (!finite_elem(o->prec, o->p, (size_t)(i + j * o->ld))) {
					snprintf(why, len, "%s: %s(%ld,%ld) is not finite", L->name,
					         o->name, i + 1, j + 1);
					return 1;
				}
		}
	}
	return 0;
}

int bb_lapack_order_bad(const bb_lapack *L, const char *what, int dir, int nonneg, long k,
                        char *why, size_t len)
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

long double bb_lapack_wsum(const bb_lapack *L, long k, int e)
{
	char rp = bb_lapack_real_prec(L->h.prec);
	long double s = 0;
	for (long i = 0; i < k; i++) {
		long double v = creall(bb_elem(rp, L->c[0].w, (size_t)i));
		s += e == 1 ? v : v * v;
	}
	return s;
}

void bb_lapack_wscale(const bb_lapack *L, long k, bb_xc *x)
{
	char rp = bb_lapack_real_prec(L->h.prec);
	for (long i = 0; i < k; i++)
		x[i] *= creall(bb_elem(rp, L->c[0].w, (size_t)i));
}

int bb_lapack_verdict(const bb_lapack *L, const bb_lapack_res *r, int n, double *residual,
                      char *why, size_t len)
{
	int worst = -1;
	double worst_ratio = 1;
	*residual = 0;
	for (int i = 0; i < n; i++) {
		*residual = bb_lapack_max(*residual, r[i].value);
		double ratio = r[i].value / r[i].limit;
		if (isnan(ratio) ? worst < 0 || !isnan(worst_ratio) : ratio > worst_ratio) {
			worst = i;
			worst_ratio = ratio;
		}
	}
	if (worst < 0)
		return 0;
	snprintf(why, len, "%s: %s residual %.3g exceeds %.3g", L->name, r[worst].what,
	         r[worst].value, r[worst].limit);
	return 1;
}

int bb_lapack_refuse(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}
