/*
 * Calling a backend's routines under its probed ABI: integer arguments of its width (LP64 or
 * ILP64), REAL functions returning float or double (gfortran vs f2c/g77), COMPLEX functions
 * returning in registers or through a hidden first argument.  Character arguments are passed
 * with their hidden lengths (1), which gfortran-built libraries expect and C ones ignore.
 * A workload must not call a routine whose ABI is unknown: bb_instance_create() refuses first.
 */
#ifndef BB_WORKLOADS_ABI_H
#define BB_WORKLOADS_ABI_H

#include <complex.h>
#include <stdint.h>

#include "backends/backend.h"

/* An integer argument of the backend's width: set it, then pass bb_fint_ptr(). */
typedef struct bb_fint {
	int32_t i32;
	int64_t i64;
	int wide;
} bb_fint;

void bb_fint_set(bb_fint *f, const bb_backend *b, long v);
void *bb_fint_ptr(bb_fint *f);
long bb_fint_get(const bb_fint *f); /* after the call, for output arguments (info) */

/* Integer arrays (ipiv, iwork) of the backend's width. */
void *bb_fint_array_alloc(const bb_backend *b, long n);
long bb_fint_array_get(const bb_backend *b, const void *a, long i);
void bb_fint_array_free(void *a);

/* The value-returning BLAS functions under the probed conventions.  x, y are the
 * precision's arrays; n, inc are plain longs converted here. */
double bb_call_dot_real(const bb_backend *b, char prec, long n, const void *x, long incx,
			const void *y, long incy);                 /* sdot, ddot */
double complex bb_call_dotc(const bb_backend *b, char prec, long n, const void *x, long incx,
			    const void *y, long incy);             /* cdotc, zdotc */
double bb_call_nrm2(const bb_backend *b, char prec, long n, const void *x, long incx); /* all four */

#endif
