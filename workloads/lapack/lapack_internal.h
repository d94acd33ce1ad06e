/*
 * What the LAPACK workloads (getrf.c, potrf.c, geqrf.c, gesv.c, syevd.c, gesdd.c) share beyond
 * lapack_check.h: the general m x n shape, getrf's operation counts (gesv starts with an LU),
 * and setting the integer arguments.  Internal to workloads/lapack/.
 *
 * Flops per call follow LAPACK Working Note 41 (as in LAPACK's dopla.f / LAPACK++ flops.hh);
 * real = mults + adds, complex = 6 mults + 2 adds (bb_lapack_lawn41).
 *
 * Checks (long double, against the pristine input A0; x, y random with every element of
 * modulus in [1/2, 1), so that no column of a factor hides behind a tiny component; eps of the
 * precision; d = max(m, n)).  info != 0 and NaN or Inf in an output are wrong first.  Residual
 * limits are c1 + c2 / n in the units of each check (bb_lapack_limit): correct results from
 * netlib, openblas, openblas64, atlas and flame were measured below them (the numbers are in
 * each routine's file), and one output element off by 1e-3 relative lands above them in single
 * precision up to n ~ 100 (tests/workloads), far above in double.
 */
#ifndef BB_WORKLOADS_LAPACK_LAPACK_INTERNAL_H
#define BB_WORKLOADS_LAPACK_LAPACK_INTERNAL_H

#include <ctype.h>

#include "workloads/lapack/lapack_check.h"

static inline long bb_lmin(long a, long b)
{
	return a < b ? a : b;
}

static inline long bb_lmax(long a, long b)
{
	return a > b ? a : b;
}

/* c upper-cased, dflt when unset (a shape letter). */
static inline char bb_lapack_upper_or(char c, char dflt)
{
	return c ? (char)toupper((unsigned char)c) : dflt;
}

/* LAWN 41's multiplications and additions of getrf on an m x n matrix (m >= n: mults = 1/2 mn^2
 * - 1/6 n^3 + 1/2 mn - 1/2 n^2 + 2/3 n, adds = 1/2 mn^2 - 1/6 n^3 - 1/2 mn + 1/6 n; m < n: m and
 * n swapped). */
static inline void bb_lapack_getrf_counts(double m, double n, double *mults, double *adds)
{
	if (m < n) { /* LAWN 41 gives m >= n; the wide case is its transpose */
		double t = m;
		m = n;
		n = t;
	}
	*mults = 0.5 * n * (n * (m - n / 3 - 1) + m) + 2.0 / 3 * n;
	*adds = 0.5 * n * (n * (m - n / 3) - m) + n / 6;
}

/* The integer arguments m, n, lda, nrhs, ldb in the backend's width, and uplo (getrf, potrf,
 * geqrf, gesv: L's fields set from the shape first). */
static inline void bb_lapack_set_dims(bb_lapack *L, const bb_shape *s)
{
	bb_backend *b = L->h.backend;
	bb_fint_set(&L->f_m, b, L->m);
	bb_fint_set(&L->f_n, b, L->n);
	bb_fint_set(&L->f_lda, b, L->lda);
	bb_fint_set(&L->f_nrhs, b, L->nrhs);
	bb_fint_set(&L->f_ldb, b, L->ldb);
	L->uplo = s->uplo;
}

/* The m x n general shape of getrf and geqrf (keys m, n, lda): a missing m or n is the other,
 * lda is tight. */
static inline void bb_lapack_mn_complete(bb_shape *s)
{
	if (!s->n)
		s->n = s->m;
	if (!s->m)
		s->m = s->n;
	if (!s->lda)
		s->lda = bb_lmax(1, s->m);
}

static inline int bb_lapack_mn_validate(const bb_shape *s, char *why, size_t len)
{
	if (s->m < 1 || s->n < 1)
		return bb_lapack_refuse(why, len, "m and n must be at least 1 (got m=%ld, n=%ld)",
		                        s->m, s->n);
	if (s->lda < s->m)
		return bb_lapack_refuse(why, len, "lda=%ld is less than m=%ld", s->lda, s->m);
	return 0;
}

#endif
