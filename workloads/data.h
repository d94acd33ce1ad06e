/*
 * Data and arithmetic the workloads share: deterministic random fill, aligned buffers, element
 * access for any precision, and the extended-precision matrix-vector products the correctness
 * checks use (checks never trust the library under test: they recompute in long double).
 */
#ifndef BB_WORKLOADS_DATA_H
#define BB_WORKLOADS_DATA_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

/* glibc's complex.h defines CMPLXL only for GCC >= 4.7; clang reports GCC 4.2 but has the
 * same builtin (the fuzz build, BB_FUZZ, compiles the workloads with clang). */
#ifndef CMPLXL
#define CMPLXL(x, y) __builtin_complex((long double)(x), (long double)(y))
#endif

typedef long double complex bb_xc; /* the checks' working type, for every precision */

typedef struct bb_rng {
	uint64_t s[2];
} bb_rng;

void bb_rng_seed(bb_rng *r, uint64_t seed);
double bb_rng_uniform(bb_rng *r); /* [-1, 1) */

size_t bb_prec_size(char prec);   /* bytes per element: s 4, d 8, c 8, z 16 */
double bb_prec_eps(char prec);    /* machine epsilon of the precision (FLT/DBL_EPSILON) */
int bb_prec_complex(char prec);

/* 64-byte aligned, zero-filled; exits through bb_die() when memory is exhausted. */
void *bb_buf_alloc(size_t bytes);
void bb_buf_free(void *p);

/* count elements of uniform [-1,1) values (complex: both parts), reproducible from r. */
void bb_fill(char prec, void *x, size_t count, bb_rng *r);

bb_xc bb_elem(char prec, const void *a, size_t idx);
void bb_set_elem(char prec, void *a, size_t idx, bb_xc v);

/* y = op(A) x, A m x n column-major with leading dimension lda; op 'N', 'T' or 'C'.
 * x has n (op N) or m elements, y the other; both contiguous bb_xc vectors. */
void bb_matvec(char prec, char op, long m, long n, const void *a, long lda, const bb_xc *x,
	       bb_xc *y);
/* Euclidean norm of a bb_xc vector; max-abs norm; Frobenius norm of a stored matrix. */
long double bb_xnorm2(const bb_xc *x, long n);
long double bb_xnorm_max(const bb_xc *x, long n);
long double bb_mat_norm_fro(char prec, long m, long n, const void *a, long lda);
/* A vector of n random bb_xc values from r (real parts only for real precisions). */
void bb_xrandom(char prec, bb_xc *x, long n, bb_rng *r);

#endif
