/*
 * Calls under a backend's probed ABI (see abi.h): integer arguments of its width and the return
 * conventions of the REAL and COMPLEX functions (dot products and norms).  Calling a routine
 * whose convention is unknown is a programming error here (bb_instance_create() refuses such a
 * routine first), so it dies with a message instead of guessing.
 */
#include "workloads/abi.h"

#include <stdlib.h>

#include "common/error.h"

void bb_fint_set(bb_fint *f, const bb_backend *b, long v)
{
	f->wide = b->int_bits == 64;
	f->i64 = v;
	f->i32 = (int32_t)v;
}

void *bb_fint_ptr(bb_fint *f)
{
	return f->wide ? (void *)&f->i64 : (void *)&f->i32;
}

long bb_fint_get(const bb_fint *f)
{
	return f->wide ? (long)f->i64 : (long)f->i32;
}

void *bb_fint_array_alloc(const bb_backend *b, long n)
{
	size_t width = b->int_bits == 64 ? sizeof(int64_t) : sizeof(int32_t);
	return bb_xcalloc(n > 0 ? (size_t)n : 1, width);
}

long bb_fint_array_get(const bb_backend *b, const void *a, long i)
{
	return b->int_bits == 64 ? (long)((const int64_t *)a)[i] : (long)((const int32_t *)a)[i];
}

void bb_fint_array_free(void *a)
{
	free(a);
}

/* The slot of a value-returning routine, refusing an unknown ABI. */
static bb_fn slot_fn(const bb_backend *b, bb_routine r)
{
	if (!bb_backend_abi_known(b, r))
		bb_die("%s called while its ABI is unknown or it is missing", bb_routines[r].name);
	return b->slots[r].fn;
}

typedef float (*real_float_dot)(const void *, const void *, const void *, const void *,
                                const void *);
typedef double (*real_double_dot)(const void *, const void *, const void *, const void *,
                                  const void *);
typedef float (*real_float_nrm2)(const void *, const void *, const void *);
typedef double (*real_double_nrm2)(const void *, const void *, const void *);

double bb_call_dot_real(const bb_backend *b, char prec, long n, const void *x, long incx,
                        const void *y, long incy)
{
	bb_fint fn, fx, fy;
	bb_fint_set(&fn, b, n);
	bb_fint_set(&fx, b, incx);
	bb_fint_set(&fy, b, incy);
	if (prec == 'd')
		return ((real_double_dot)slot_fn(b, BB_R_ddot))(
		    bb_fint_ptr(&fn), x, bb_fint_ptr(&fx), y, bb_fint_ptr(&fy));
	if (prec != 's')
		bb_die("bb_call_dot_real: precision '%c' is not s or d", prec);
	bb_fn f = slot_fn(b, BB_R_sdot);
	if (b->real_return == BB_REAL_DOUBLE)
		return ((real_double_dot)f)(bb_fint_ptr(&fn), x, bb_fint_ptr(&fx), y,
		                            bb_fint_ptr(&fy));
	return ((real_float_dot)f)(bb_fint_ptr(&fn), x, bb_fint_ptr(&fx), y, bb_fint_ptr(&fy));
}

typedef float complex (*cdotc_reg)(const void *, const void *, const void *, const void *,
                                   const void *);
typedef double complex (*zdotc_reg)(const void *, const void *, const void *, const void *,
                                    const void *);
typedef void (*cdotc_hidden)(float complex *, const void *, const void *, const void *,
                             const void *, const void *);
typedef void (*zdotc_hidden)(double complex *, const void *, const void *, const void *,
                             const void *, const void *);

double complex bb_call_dotc(const bb_backend *b, char prec, long n, const void *x, long incx,
                            const void *y, long incy)
{
	if (prec != 'c' && prec != 'z')
		bb_die("bb_call_dotc: precision '%c' is not c or z", prec);
	bb_fint fn, fx, fy;
	bb_fint_set(&fn, b, n);
	bb_fint_set(&fx, b, incx);
	bb_fint_set(&fy, b, incy);
	void *pn = bb_fint_ptr(&fn), *px = bb_fint_ptr(&fx), *py = bb_fint_ptr(&fy);
	bb_fn f = slot_fn(b, prec == 'c' ? BB_R_cdotc : BB_R_zdotc);
	int hidden = b->complex_return == BB_COMPLEX_HIDDEN_ARG;
	if (prec == 'c') {
		float complex r;
		if (hidden)
			((cdotc_hidden)f)(&r, pn, x, px, y, py);
		else
			r = ((cdotc_reg)f)(pn, x, px, y, py);
		return r;
	}
	double complex r;
	if (hidden)
		((zdotc_hidden)f)(&r, pn, x, px, y, py);
	else
		r = ((zdotc_reg)f)(pn, x, px, y, py);
	return r;
}

double bb_call_nrm2(const bb_backend *b, char prec, long n, const void *x, long incx)
{
	static const bb_routine slot[4] = {BB_R_snrm2, BB_R_dnrm2, BB_R_scnrm2, BB_R_dznrm2};
	int p = prec == 's' ? 0 : prec == 'd' ? 1 : prec == 'c' ? 2 : prec == 'z' ? 3 : -1;
	if (p < 0)
		bb_die("bb_call_nrm2: precision '%c' is not s, d, c or z", prec);
	bb_fint fn, fx;
	bb_fint_set(&fn, b, n);
	bb_fint_set(&fx, b, incx);
	bb_fn f = slot_fn(b, slot[p]);
	/* snrm2 and scnrm2 are REAL functions; dnrm2 and dznrm2 return double everywhere */
	if ((prec == 's' || prec == 'c') && b->real_return != BB_REAL_DOUBLE)
		return ((real_float_nrm2)f)(bb_fint_ptr(&fn), x, bb_fint_ptr(&fx));
	return ((real_double_nrm2)f)(bb_fint_ptr(&fn), x, bb_fint_ptr(&fx));
}
