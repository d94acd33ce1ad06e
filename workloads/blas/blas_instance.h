/*
 * What the BLAS workloads (blas1.c, blas2.c, gemm.c, symm.c, syrk.c, trsm.c) share: one
 * instance layout made of operands (matrices and vectors, one buffer per copy, a pristine copy
 * of what the call overwrites), their deterministic data, reset/destroy, and the test hook
 * that plants a fault in copy 0's output.  Every copy holds the same values in its own memory.
 *
 * Data kinds (all reproducible from the seed; each operand has its own random stream, so an
 * operand can be regenerated alone):
 *   RANDOM  uniform [-1, 1) (both parts for complex)
 *   POSITIVE uniform [0, 1): dot's vectors, so that x^H y does not cancel and a relative
 *           error in it means something
 *   CONST   0.75 everywhere (outputs overwritten with beta = 0: the value is never read)
 *   TRI     triangular factor, uniform off the diagonal; diag 'N': rows added to the diagonal
 *           (diagonally dominant, condition number O(1)); diag 'U': off-diagonal scaled by
 *           1/rows, so that I + strictly-triangular stays dominant too
 *   COARSE  multiples of 1/16 in [-1, 1]: the vectors of ger and axpy
 *   FINE    multiples of 2^-14 in [-1, 1]: the accumulated operand of ger and axpy
 * With COARSE x, y, FINE A and alpha = +-2^-10 (1 + i), every product and sum that ger or axpy
 * forms has at most 20 significant bits, so the update is exact in every precision and in any
 * evaluation order: the checks of ger and axpy are exact comparisons.
 */
#ifndef BB_WORKLOADS_BLAS_BLAS_INSTANCE_H
#define BB_WORKLOADS_BLAS_BLAS_INSTANCE_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

#include "workloads/abi.h"
#include "workloads/data.h"
#include "workloads/workload.h"

enum bb_blas_fill {
	BB_FILL_RANDOM,
	BB_FILL_POSITIVE,
	BB_FILL_CONST,
	BB_FILL_TRI,
	BB_FILL_COARSE,
	BB_FILL_FINE,
};

#define BB_BLAS_MAX_OPERANDS 4

/* One matrix or vector operand.  Element (i, j) of copy c is data[c][i + j * ld]; a vector
 * with increment inc is stored as 1 x n with ld = inc. */
typedef struct bb_operand {
	const char *name; /* "A", "x": for messages */
	long rows, cols, ld;
	int fill;       /* enum bb_blas_fill */
	char diag;      /* TRI: 'N' or 'U' */
	char part;      /* the part the routine defines as output: 'G' all, 'U'/'L' a triangle */
	int written;    /* the call writes it: reset() restores it from `pristine` */
	void **data;    /* [copies] */
	void *pristine; /* written operands only */
} bb_operand;

/* A scalar argument, stored in the precision's own type. */
typedef union bb_scalar {
	float s;
	double d;
	float complex c;
	double complex z;
} bb_scalar;

typedef struct bb_blas bb_blas;
struct bb_blas {
	bb_instance h;
	bb_fn fn;      /* the routine under test */
	char name[16]; /* "dgemm", for messages */
	uint64_t seed;
	bb_operand op[BB_BLAS_MAX_OPERANDS];
	int n_ops;
	int out;    /* index of the output operand, -1: the result is the scalar below */
	long *runs; /* calls per copy since the last reset */
	double complex *result; /* dot, nrm2: the value copy c's last call returned */
	bb_fint f[8];           /* integer arguments in call order (meaning per workload) */
	char ch[4][2];          /* character arguments, NUL-terminated */
	bb_scalar alpha, beta;
	bb_xc xalpha; /* alpha for the checks */
};

/* Allocate an instance of routine w->routine[prec] (header, name, fn, seed, runs; reset and
 * destroy set, run and check left to the caller).  Returns NULL with a reason in err when the
 * sizes do not fit the backend's integers ("dims" = the values to test, terminated by -1).
 * The operands are added with bb_blas_operand() and filled by bb_blas_fill_all(). */
bb_blas *bb_blas_new(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b, int copies,
                     uint64_t seed, const long *dims, char *err, size_t errlen);
/* Declare operand `name`; returns its index. */
int bb_blas_operand(bb_blas *B, const char *name, long rows, long cols, long ld, int fill,
                    char diag, int written);
/* Allocate every copy of every operand and fill it; pristine copies of written operands. */
void bb_blas_fill_all(bb_blas *B);
/* Regenerate operand i's initial contents into buf (ld * cols elements). */
void bb_blas_regenerate(const bb_blas *B, int i, void *buf);

void bb_blas_reset(bb_instance *in); /* restore written operands of all copies, runs = 0 */
void bb_blas_destroy(bb_instance *in);

/* The integer argument f[i] as the library expects it. */
static inline void *bb_blas_int(bb_blas *B, int i)
{
	return bb_fint_ptr(&B->f[i]);
}

void bb_scalar_set(char prec, bb_scalar *s, bb_xc v);
/* alpha = 0.5 (+ 0.25i for complex), beta = 0: gemv, gemm, symm, syrk, trsm.  With beta = 0
 * repeated calls give the same output and nothing can grow. */
void bb_blas_product_scalars(bb_blas *B);

/* ---- shapes: each returns -1 with a reason in why ("ta must be N, T or C, not 'X'"), or 0 */

int bb_blas_letter_bad(const char *key, char v, const char *allowed, char *why, size_t len);
int bb_blas_dim_bad(const char *key, long v, char *why, size_t len); /* v < 1 */
int bb_blas_ld_bad(const char *key, long ld, long rows, char *why, size_t len);
char bb_blas_upper(char c, char dflt); /* c upper-cased, dflt when unset */
/* LAWN 41 weights: real mults + adds, complex 6 mults + 2 adds. */
double bb_blas_flops(char prec, double mults, double adds);

/* ---- check helpers: each returns 1 (wrong) with a reason in why, or 0 */

/* Non-finite values in the part of copy 0's operand i the routine defines. */
int bb_blas_nonfinite(const bb_blas *B, int i, char *why, size_t len);
/* Copy 0's operands that are inputs only, compared bit for bit with their regenerated data:
 * a library must not write its inputs. */
int bb_blas_inputs_changed(const bb_blas *B, char *why, size_t len);
/* The part of copy 0's output outside `part` ('U' or 'L': the other triangle) unchanged. */
int bb_blas_outside_changed(const bb_blas *B, int i, char *why, size_t len);
/* Final verdict: residual res against limit (NaN fails), with a reason naming `what`. */
int bb_blas_verdict(const bb_blas *B, const char *what, double res, double limit, char *why,
                    size_t len);

/* ---- test hook */

typedef enum bb_blas_fault {
	BB_FAULT_PERTURB, /* the largest-magnitude output element times (1 + 1e-3) */
	BB_FAULT_NAN,     /* one output element NaN */
} bb_blas_fault;

/* Plant a fault in copy 0's output (what check() examines) after a run.  0, or -1 when
 * `in` is not a BLAS instance. */
int bb_blas_plant_fault(bb_instance *in, bb_blas_fault kind);

#endif
