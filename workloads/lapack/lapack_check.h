/*
 * What the LAPACK workloads (getrf.c, potrf.c, geqrf.c, gesv.c, syevd.c, gesdd.c) share: one
 * instance layout (pristine input, per-copy inputs/outputs, workspace queried and allocated once),
 * its reset and destroy, the data generators, and the long-double helpers the checks are built
 * from.  The checks never trust the library: they recompute projected residuals (the factors
 * applied to random vectors, O(n^2)) against the pristine input.
 *
 * bb_lapack_outputs() lists the outputs a check examines, so that tests can plant faults in
 * exactly what the check is meant to guard (tests/workloads/test_lapack_workloads.c).
 */
#ifndef BB_WORKLOADS_LAPACK_LAPACK_CHECK_H
#define BB_WORKLOADS_LAPACK_LAPACK_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "workloads/abi.h"
#include "workloads/data.h"
#include "workloads/workload.h"

/* One copy: what the routine reads and overwrites, and its own outputs. */
typedef struct bb_lapack_copy {
	void *a;    /* lda x n matrix: input, overwritten (factors, eigenvectors, U or VT) */
	void *b;    /* gesv: ldb x nrhs right-hand sides, overwritten by the solution */
	void *ipiv; /* getrf, gesv: pivots, backend integer width */
	void *tau;  /* geqrf: reflector scalars */
	void *w;    /* syevd eigenvalues, gesdd singular values: real of the precision */
	void *u;    /* gesdd: ldu x ucols */
	void *vt;   /* gesdd: ldvt x n */
	bb_fint info;
} bb_lapack_copy;

typedef struct bb_lapack_output {
	const char *name; /* "LU", "QR", "tau", "U" or "L", "X", "w", "V", "s", "U", "VT" */
	char prec;        /* storage precision: 's'/'d' for the real values of c/z routines */
	char part;        /* 'G': all m x n elements; 'U' / 'L': that triangle only */
	void *p;
	long m, n, ld;
} bb_lapack_output;

#define BB_LAPACK_MAX_OUTPUTS 4

typedef struct bb_lapack bb_lapack;
struct bb_lapack {
	bb_instance h;
	bb_fn fn;      /* the routine under test */
	char name[16]; /* its name, "dgetrf", for messages */
	long m, n, lda, nrhs, ldb;
	size_t a_count, b_count; /* elements of a copy's a and b */
	void *a0, *b0;           /* pristine inputs, never passed to the library */
	bb_lapack_copy *c;
	void *work, *rwork, *iwork; /* workspace, shared by the copies (calls never overlap) */
	long lwork, lrwork, liwork;
	bb_fint f_m, f_n, f_lda, f_nrhs, f_ldb, f_ldu, f_ldvt, f_lwork, f_lrwork, f_liwork;
	char uplo, jobz;
	long ldu, ucols, ldvt, vtrows; /* gesdd */
	uint64_t seed;
	/* The checked outputs of one copy, into out[]; returns their number. */
	int (*outputs)(bb_lapack *L, int copy, bb_lapack_output *out);
};

/* Allocate an instance for routine w->routine[prec] of backend b: header filled (reset and
 * destroy set, run and check left to the caller), a0 of a_count and b0 of b_count elements
 * (b_count may be 0), `copies` copies with their a and b.  Returns NULL with a one-line
 * reason in err when the backend lacks the routine or the sizes do not fit its integers.
 * Free with bb_lapack_destroy() (h.destroy). */
bb_lapack *bb_lapack_new(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                         int copies, uint64_t seed, size_t a_count, size_t b_count, char *err,
                         size_t errlen);
void bb_lapack_reset(bb_instance *in);
void bb_lapack_destroy(bb_instance *in);
/* 1 when v fits the backend's integer arguments; else 0 with a reason in err. */
int bb_lapack_fits(const bb_lapack *L, const char *what, long v, char *err, size_t errlen);
/* The workspace size a query (lwork = -1) left in element 0 of work (precision prec), rounded
 * up: single precision queries return float, which cannot hold every integer. */
long bb_lapack_query_size(char prec, const void *work);

/* The test hook: the checked outputs of a LAPACK instance's copy (see above). */
int bb_lapack_outputs(bb_instance *in, int copy, bb_lapack_output *out);

/* ---- data */

/* m x n general matrix, uniform [-1, 1) (both parts for complex), column by column. */
void bb_lapack_fill_general(char prec, void *a, long m, long n, long lda, bb_rng *r);
/* n x n Hermitian (symmetric) matrix, both triangles stored, diagonal real + shift.  With
 * shift = 2n it is strictly diagonally dominant, hence positive definite. */
void bb_lapack_fill_hermitian(char prec, void *a, long n, long lda, double shift, bb_rng *r);
char bb_lapack_real_prec(char prec); /* 's' for s and c, 'd' for d and z */

/* ---- flops */

/* LAWN 41's convention: real mults + adds, complex 6 mults + 2 adds (never below 0: the
 * lower-order terms of some formulas go negative at tiny n). */
double bb_lapack_lawn41(char prec, double mults, double adds);

/* ---- check helpers (long double) */

/* a * b without libgcc's NaN-careful complex multiply (several times slower): NaN and Inf
 * are refused before any residual is computed. */
static inline bb_xc bb_lapack_xmul(bb_xc a, bb_xc b)
{
	long double ar = creall(a), ai = cimagl(a), br = creall(b), bi = cimagl(b);
	return CMPLXL(ar * br - ai * bi, ar * bi + ai * br);
}

/* y = op(T) x for the m x n trapezoid T of a: uplo 'U' (i <= j) or 'L' (i >= j), diagonal taken
 * as ones when unit.  op 'N': x has n elements, y m; op 'C': x has m, y n. */
void bb_lapack_trmv(char prec, char uplo, char op, int unit, long m, long n, const void *a,
                    long lda, const bb_xc *x, bb_xc *y);
/* ||A0||_F of the pristine input's leading m x n block. */
double bb_lapack_norm_a0(const bb_lapack *L, long m, long n);
/* ||M^H (M y) - y|| / (||y|| d eps) for a random y and the r x c matrix M of the instance's
 * precision: op 'N' checks that the columns are orthonormal (y has c elements), op 'C' the
 * rows (y has r elements). */
double bb_lapack_orth_residual(const bb_lapack *L, char op, long r, long c, const void *m, long ld,
                               double d, bb_rng *rng);
/* ||x - y||_2 */
long double bb_lapack_diff_norm(const bb_xc *x, const bb_xc *y, long n);
bb_xc *bb_lapack_xvec(long n); /* zeroed, bb_xmalloc'd: caller frees */
/* Deterministic check vectors: the check of a copy always projects on the same vectors. */
void bb_lapack_check_rng(const bb_lapack *L, bb_rng *r);
/* n random check-vector elements of modulus in [1/2, 1) (real: random sign; complex: random
 * phase): no element is near zero, so a wrong column of a factor cannot hide behind a tiny
 * component of the projection vector. */
void bb_lapack_xrandom(char prec, bb_xc *x, long n, bb_rng *r);

/* getrf: 1 (wrong) when a pivot ipiv(i) of the k in ipiv is outside i..m, the reason in why. */
int bb_lapack_pivots_bad(const bb_lapack *L, const void *ipiv, long k, char *why, size_t len);
/* The row interchanges ipiv(1..k) applied to y: in LAPACK's order (y becomes P^T y), or in
 * reverse order (y becomes P y), where A = P L U.  The pivots must have passed pivots_bad. */
void bb_lapack_apply_pivots(const bb_lapack *L, const void *ipiv, long k, int reverse, bb_xc *y);
/* geqrf: y (m elements) becomes Q y (adjoint 0) or Q^H y (adjoint 1), Q from the reflectors
 * stored in copy c's a below the diagonal and its tau. */
void bb_lapack_apply_reflectors(const bb_lapack *L, const bb_lapack_copy *c, int adjoint, bb_xc *y);
/* syevd, gesdd: the k real values in copy 0's w (eigenvalues, singular values).
 * order_bad: 1 (wrong) with a reason in why when they are not ordered (dir > 0 ascending,
 * dir < 0 descending), or when nonneg and one is negative; `what` names them ("w", "s").
 * wsum: the sum of w(i)^e, e = 1 or 2.  wscale: x(i) *= w(i). */
int bb_lapack_order_bad(const bb_lapack *L, const char *what, int dir, int nonneg, long k,
                        char *why, size_t len);
long double bb_lapack_wsum(const bb_lapack *L, long k, int e);
void bb_lapack_wscale(const bb_lapack *L, long k, bb_xc *x);

/* Check verdict helpers: each returns 1 (wrong) with a one-line reason in why, or 0.
 * info_bad: copy 0's info != 0; `meaning` (or NULL) says what a positive info means. */
int bb_lapack_info_bad(const bb_lapack *L, const char *meaning, char *why, size_t len);
int bb_lapack_outputs_bad(bb_lapack *L, char *why, size_t len); /* NaN or Inf in copy 0 */
/* One residual of a check, with the limit it must not exceed. */
typedef struct bb_lapack_res {
	const char *what; /* "||PAx - L(Ux)||" */
	double value, limit;
} bb_lapack_res;
/* The verdict over n residuals: *residual = the largest (NaN wins); 1 (wrong) when one exceeds
 * its limit or is NaN, the most violated (largest value / limit) named in why. */
int bb_lapack_verdict(const bb_lapack *L, const bb_lapack_res *r, int n, double *residual,
                      char *why, size_t len);

/* The pass limit of a residual normalized by n eps: c1 + c2 / n, that is
 * ||r|| <= (c1 n + c2) eps ||A|| ||x||.  c2 covers tiny n, where an n eps normalization leaves
 * no room for a few roundings; c1 n the growth with n. */
static inline double bb_lapack_limit(double c1, double c2, long n)
{
	return c1 + c2 / (double)(n > 0 ? n : 1);
}

/* The larger of two residuals, NaN winning. */
static inline double bb_lapack_max(double a, double b)
{
	return a > b || a != a ? a : b;
}

/* For validate(): the reason into why, then -1. */
int bb_lapack_refuse(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
