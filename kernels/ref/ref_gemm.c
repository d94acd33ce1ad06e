/*
 * Reference GEMM in four precisions (see kernels/ref_kernels.h for the contract).
 *
 * The algorithm is written once, in ref_gemm_body.h, and instantiated here for each type, the
 * way BLIS builds its reference kernels: T is the element type, BB_REF_CONJ conjugates (the
 * identity for real types), BB_REF_NAME the function and BB_REF_LETTER the BLAS letter used in
 * messages.
 */
#include "kernels/ref_kernels.h"

#include <complex.h>

#include "common/error.h"

/* 'N' -> 0, 'T' -> 1, 'C' -> 2, any case; -1 for anything else. */
enum { REF_NOTRANS, REF_TRANS, REF_CONJTRANS };

static int ref_trans(char t)
{
	switch (t) {
	case 'N':
	case 'n':
		return REF_NOTRANS;
	case 'T':
	case 't':
		return REF_TRANS;
	case 'C':
	case 'c':
		return REF_CONJTRANS;
	}
	return -1;
}

/*
 * Check the arguments as BLAS does and return the position (1-based) of the first bad one,
 * 0 when all are valid.  nrowa / nrowb are the row counts of A and B as stored.
 */
static int ref_check(int ta, int tb, int m, int n, int k, int lda, int ldb, int ldc)
{
	int nrowa = ta == REF_NOTRANS ? m : k;
	int nrowb = tb == REF_NOTRANS ? k : n;

	if (ta < 0)
		return 1;
	if (tb < 0)
		return 2;
	if (m < 0)
		return 3;
	if (n < 0)
		return 4;
	if (k < 0)
		return 5;
	if (lda < (nrowa > 1 ? nrowa : 1))
		return 8;
	if (ldb < (nrowb > 1 ? nrowb : 1))
		return 10;
	if (ldc < (m > 1 ? m : 1))
		return 13;
	return 0;
}

#define T float
#define BB_REF_NAME bb_ref_sgemm
#define BB_REF_LETTER "s"
#define BB_REF_CONJ(x) (x)
#include "kernels/ref/ref_gemm_body.h"

#define T double
#define BB_REF_NAME bb_ref_dgemm
#define BB_REF_LETTER "d"
#define BB_REF_CONJ(x) (x)
#include "kernels/ref/ref_gemm_body.h"

#define T float _Complex
#define BB_REF_NAME bb_ref_cgemm
#define BB_REF_LETTER "c"
#define BB_REF_CONJ(x) conjf(x)
#include "kernels/ref/ref_gemm_body.h"

#define T double _Complex
#define BB_REF_NAME bb_ref_zgemm
#define BB_REF_LETTER "z"
#define BB_REF_CONJ(x) conj(x)
#include "kernels/ref/ref_gemm_body.h"
