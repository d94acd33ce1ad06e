/*
 * BLAS level 1 workloads: dot (sdot, ddot, cdotc, zdotc), axpy (s/d/c/z), nrm2 (snrm2, dnrm2,
 * scnrm2, dznrm2).  Shape keys: n, inc (one increment for both vectors, default 1).
 *
 * Flops per call (LAPACK Working Note 41 conventions: real = mults + adds, complex =
 * 6 mults + 2 adds):
 *   dot  n mults + n adds: 2n real, 8n complex
 *   axpy n mults + n adds: 2n real, 8n complex
 *   nrm2 a sum of squares of the 2n real numbers of a complex vector: 2n real, 4n complex
 *        (its operations are real ones, so the complex weights do not apply)
 *
 * Checks (long double, copy 0).  dot and nrm2 are single sums, whose rounding a random-walk
 * model does not bound: summing many positive terms in float, each term eventually falls
 * near the spacing of the running sum and the roundings stop cancelling (Netlib's snrm2 and
 * OpenBLAS's cdotc are ~1e-3 off at n = 1e7, correctly).  So these use the first-order
 * worst-case bound of summation in index order, from the exact partial sums S_l and terms
 * p_l: |error| <= u (sum_l |S_l| + sum_l |p_l|), u = eps/2.  Any blocked, vectorized or
 * pairwise order of positive terms has smaller partial sums.
 *   dot   x, y uniform [0, 1): no cancellation, so a relative error means something.
 *         r = |r - x^H y| / (eps (sum_l |S_l| + sum_l |p_l| + |x^H y|)) <= 10, with
 *         |z| = |re z| + |im z| and p_l summed part by part.
 *   nrm2  x uniform [-1, 1); on the squares, s = sum_l |x_l|^2:
 *         r = |r^2 - s| / (eps (sum_l S_l + 2 s)) <= 10 (2 s: the final sqrt and store).
 *   Correct results stay below ~1 by construction (the bound is 0.5 to 1 in these units,
 *   complex sums rounding twice per term).  A result off by 1e-3 relative gives ~16 (dot)
 *   and ~33 (nrm2) in single precision at n = 1000, ~1e10 in double; in single precision
 *   above n ~ 2000 such an error is within what summation in float may legitimately make.
 *   axpy  exact (see blas_instance.h): repeated calls alternate alpha = +-2^-10 (1 + i), so
 *         after an odd number of calls y = y0 + alpha x exactly, after an even number
 *         y = y0; check() makes one more call when the count is even, so that a call that
 *         does nothing cannot pass.  Elements between the strided ones must be untouched.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "workloads/blas/blas_check.h"
#include "workloads/blas/blas_instance.h"

#define AXPY_ALPHA 0x1.0p-10

/* ---- shapes, shared by the three */

static void blas1_complete(bb_shape *s)
{
	if (!s->inc)
		s->inc = 1;
}

static int blas1_validate(const bb_shape *s, char *why, size_t len)
{
	if (s->n < 1) {
		snprintf(why, len, "n must be positive, not %ld", s->n);
		return -1;
	}
	if (s->inc < 1) {
		snprintf(why, len, "inc must be positive, not %ld", s->inc);
		return -1;
	}
	return 0;
}

static long vec_len(const bb_shape *s)
{
	return 1 + (s->n - 1) * s->inc;
}

static double two_vectors_bytes(char prec, const bb_shape *s)
{
	return 2.0 * (double)vec_len(s) * (double)bb_prec_size(prec);
}

static double mults_adds(char prec, double mults, double adds)
{
	return bb_prec_complex(prec) ? 6 * mults + 2 * adds : mults + adds;
}

static bb_blas *blas1_new(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                          int copies, uint64_t seed, char *err, size_t errlen)
{
	long dims[] = {s->n, s->inc, vec_len(s), -1};
	bb_blas *B = bb_blas_new(w, prec, s, b, copies, seed, dims, err, errlen);
	if (B) {
		bb_fint_set(&B->f[0], b, s->n);
		bb_fint_set(&B->f[1], b, s->inc);
	}
	return B;
}

/* ---- dot */

static double dot_flops(char prec, const bb_shape *s)
{
	return mults_adds(prec, (double)s->n, (double)s->n);
}

static void dot_run(bb_instance *in, int c)
{
	bb_blas *B = (bb_blas *)in;
	const void *x = B->op[0].data[c], *y = B->op[1].data[c];
	long n = in->shape.n, inc = in->shape.inc;
	if (bb_prec_complex(in->prec))
		B->result[c] = bb_call_dotc(in->backend, in->prec, n, x, inc, y, inc);
	else
		B->result[c] = bb_call_dot_real(in->backend, in->prec, n, x, inc, y, inc);
	B->runs[c]++;
}

static int dot_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_blas *B = (bb_blas *)in;
	char prec = in->prec;
	long n = in->shape.n, inc = in->shape.inc;
	double complex r = B->result[0];
	*residual = INFINITY;
	if (!isfinite(creal(r)) || !isfinite(cimag(r))) {
		snprintf(why, len, "%s: returned %g%+gi", B->name, creal(r), cimag(r));
		return 1;
	}
	if (bb_blas_inputs_changed(B, why, len))
		return 1;
	const void *x = B->op[0].data[0], *y = B->op[1].data[0];
	long double sr = 0, si = 0, partial = 0, terms = 0;
	for (long l = 0; l < n; l++) {
		bb_xc a = bb_elem(prec, x, (size_t)(l * inc)),
		      b = bb_elem(prec, y, (size_t)(l * inc));
		long double ar = creall(a), ai = -cimagl(a), br = creall(b), bi = cimagl(b);
		sr += ar * br - ai * bi;
		si += ar * bi + ai * br;
		partial += fabsl(sr) + fabsl(si);
		terms += fabsl(ar * br) + fabsl(ai * bi) + fabsl(ar * bi) + fabsl(ai * br);
	}
	long double d = fabsl(creal(r) - sr) + fabsl(cimag(r) - si);
	long double den = bb_prec_eps(prec) * (partial + terms + fabsl(sr) + fabsl(si));
	*residual = d == 0 ? 0 : (double)(d / den);
	return bb_blas_verdict(B, "x^H y", *residual, BB_BLAS_LIMIT, why, len);
}

static bb_instance *dot_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                               int copies, uint64_t seed, char *err, size_t errlen)
{
	bb_blas *B = blas1_new(w, prec, s, b, copies, seed, err, errlen);
	if (!B)
		return NULL;
	bb_blas_operand(B, "x", 1, s->n, s->inc, BB_FILL_POSITIVE, 'N', 0);
	bb_blas_operand(B, "y", 1, s->n, s->inc, BB_FILL_POSITIVE, 'N', 0);
	bb_blas_fill_all(B);
	B->h.run = dot_run;
	B->h.check = dot_check;
	return &B->h;
}

const bb_workload bb_workload_dot = {
    .name = "dot",
    .family = "blas1",
    .keys = "n,inc",
    .summary = "dot product x^H y (sdot, ddot, cdotc, zdotc); keys n, inc",
    .routine = {BB_R_sdot, BB_R_ddot, BB_R_cdotc, BB_R_zdotc},
    .in_place = 0,
    .complete = blas1_complete,
    .validate = blas1_validate,
    .flops = dot_flops,
    .bytes = two_vectors_bytes,
    .create = dot_create,
};

/* ---- axpy */

typedef void (*axpy_fn)(const void *n, const void *alpha, const void *x, const void *incx, void *y,
                        const void *incy);

static double axpy_flops(char prec, const bb_shape *s)
{
	return mults_adds(prec, (double)s->n, (double)s->n);
}

static void axpy_run(bb_instance *in, int c)
{
	bb_blas *B = (bb_blas *)in;
	/* alpha on odd-numbered calls, -alpha (kept in beta) on even ones: y stays bounded */
	const bb_scalar *a = B->runs[c] & 1 ? &B->beta : &B->alpha;
	((axpy_fn)B->fn)(bb_blas_int(B, 0), a, B->op[0].data[c], bb_blas_int(B, 1),
	                 B->op[1].data[c], bb_blas_int(B, 1));
	B->runs[c]++;
}

static int axpy_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_blas *B = (bb_blas *)in;
	char prec = in->prec;
	long inc = in->shape.inc;
	size_t es = bb_prec_size(prec);
	*residual = INFINITY;
	if (B->runs[0] % 2 == 0)
		axpy_run(in, 0); /* see the file comment */
	if (bb_blas_nonfinite(B, 1, why, len) || bb_blas_inputs_changed(B, why, len))
		return 1;
	const void *x = B->op[0].data[0], *y = B->op[1].data[0], *y0 = B->op[1].pristine;
	long double worst = 0;
	for (long e = 0; e < vec_len(&in->shape); e++) {
		bb_xc got = bb_elem(prec, y, (size_t)e), was = bb_elem(prec, y0, (size_t)e);
		if (e % inc) {
			if (memcmp((const char *)y + (size_t)e * es,
			           (const char *)y0 + (size_t)e * es, es)) {
				snprintf(why, len,
				         "%s: y element %ld between the strided ones was "
				         "written",
				         B->name, e + 1);
				return 1;
			}
			continue;
		}
		bb_xc ax = B->xalpha * bb_elem(prec, x, (size_t)e);
		bb_xc want = was + ax, d = got - want;
		long double den = bb_prec_eps(prec) * (cabsl(was) + cabsl(ax));
		long double r = cabsl(d) == 0 ? 0 : cabsl(d) / den;
		if (r > worst)
			worst = r;
	}
	*residual = (double)worst;
	return bb_blas_verdict(B, "axpy", *residual, BB_BLAS_LIMIT, why, len);
}

static bb_instance *axpy_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                int copies, uint64_t seed, char *err, size_t errlen)
{
	bb_blas *B = blas1_new(w, prec, s, b, copies, seed, err, errlen);
	if (!B)
		return NULL;
	bb_blas_operand(B, "x", 1, s->n, s->inc, BB_FILL_COARSE, 'N', 0);
	B->out = bb_blas_operand(B, "y", 1, s->n, s->inc, BB_FILL_FINE, 'N', 1);
	bb_blas_fill_all(B);
	B->xalpha = bb_prec_complex(prec) ? CMPLXL(AXPY_ALPHA, AXPY_ALPHA) : AXPY_ALPHA;
	bb_scalar_set(prec, &B->alpha, B->xalpha);
	bb_scalar_set(prec, &B->beta, -B->xalpha);
	B->h.run = axpy_run;
	B->h.check = axpy_check;
	return &B->h;
}

const bb_workload bb_workload_axpy = {
    .name = "axpy",
    .family = "blas1",
    .keys = "n,inc",
    .summary = "y := alpha x + y (saxpy, daxpy, caxpy, zaxpy); keys n, inc",
    .routine = {BB_R_saxpy, BB_R_daxpy, BB_R_caxpy, BB_R_zaxpy},
    .in_place = 0,
    .complete = blas1_complete,
    .validate = blas1_validate,
    .flops = axpy_flops,
    .bytes = two_vectors_bytes,
    .create = axpy_create,
};

/* ---- nrm2 */

static double nrm2_flops(char prec, const bb_shape *s)
{
	double reals = bb_prec_complex(prec) ? 2.0 * (double)s->n : (double)s->n;
	return 2 * reals;
}

static double nrm2_bytes(char prec, const bb_shape *s)
{
	return (double)vec_len(s) * (double)bb_prec_size(prec);
}

static void nrm2_run(bb_instance *in, int c)
{
	bb_blas *B = (bb_blas *)in;
	B->result[c] =
	    bb_call_nrm2(in->backend, in->prec, in->shape.n, B->op[0].data[c], in->shape.inc);
	B->runs[c]++;
}

static int nrm2_check(bb_instance *in, double *residual, char *why, size_t len)
{
	bb_blas *B = (bb_blas *)in;
	char prec = in->prec;
	long n = in->shape.n, inc = in->shape.inc;
	double r = creal(B->result[0]);
	*residual = INFINITY;
	if (!isfinite(r)) {
		snprintf(why, len, "%s: returned %g", B->name, r);
		return 1;
	}
	if (bb_blas_inputs_changed(B, why, len))
		return 1;
	long double s = 0, partial = 0;
	for (long i = 0; i < n; i++) {
		bb_xc v = bb_elem(prec, B->op[0].data[0], (size_t)(i * inc));
		s += creall(v) * creall(v) + cimagl(v) * cimagl(v);
		partial += s;
	}
	long double d = fabsl((long double)r * r - s);
	long double den = bb_prec_eps(prec) * (partial + 2 * s);
	*residual = d == 0 ? 0 : (double)(d / den);
	return bb_blas_verdict(B, "nrm2", *residual, BB_BLAS_LIMIT, why, len);
}

static bb_instance *nrm2_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                int copies, uint64_t seed, char *err, size_t errlen)
{
	bb_blas *B = blas1_new(w, prec, s, b, copies, seed, err, errlen);
	if (!B)
		return NULL;
	bb_blas_operand(B, "x", 1, s->n, s->inc, BB_FILL_RANDOM, 'N', 0);
	bb_blas_fill_all(B);
	B->h.run = nrm2_run;
	B->h.check = nrm2_check;
	return &B->h;
}

const bb_workload bb_workload_nrm2 = {
    .name = "nrm2",
    .family = "blas1",
    .keys = "n,inc",
    .summary = "Euclidean norm ||x|| (snrm2, dnrm2, scnrm2, dznrm2); keys n, inc",
    .routine = {BB_R_snrm2, BB_R_dnrm2, BB_R_scnrm2, BB_R_dznrm2},
    .in_place = 0,
    .complete = blas1_complete,
    .validate = blas1_validate,
    .flops = nrm2_flops,
    .bytes = nrm2_bytes,
    .create = nrm2_create,
};
