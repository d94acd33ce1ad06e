/*
 * The reference GEMM algorithm, included by ref_gemm.c once per precision with T,
 * BB_REF_NAME, BB_REF_LETTER and BB_REF_CONJ defined (no include guard on purpose; the macros
 * are undefined at the end).
 *
 * Column by column: C(:,j) is first scaled by beta (or set to zero, never read, when beta is 0),
 * then alpha op(A) op(B)(:,j) is added, either as a sum of columns of A (op(A) = A: unit stride)
 * or as dot products of columns of A with op(B)(:,j) (op(A) = A^T or A^H: unit stride again).
 * This is netlib's loop order; each dot product is accumulated in T.
 */
#include <stddef.h>

void BB_REF_NAME(const char *transa, const char *transb, const int *m, const int *n, const int *k,
                 const T *alpha, const T *a, const int *lda, const T *b, const int *ldb,
                 const T *beta, T *c, const int *ldc)
{
	const int ta = bb_gemm_trans(*transa), tb = bb_gemm_trans(*transb);
	const T al = *alpha, be = *beta;

	/* BLAS semantics, loosely: xerbla prints and stops; we print and return, C untouched. */
	int bad = bb_gemm_check(ta, tb, *m, *n, *k, *lda, *ldb, *ldc);
	if (bad) {
		bb_warning("bb_ref_" BB_REF_LETTER "gemm: parameter %d had an illegal value", bad);
		return;
	}
	if (*m == 0 || *n == 0 || ((al == 0 || *k == 0) && be == 1))
		return;

	const size_t sa = (size_t)*lda, sb = (size_t)*ldb, sc = (size_t)*ldc;
	/* op(B)(l, j) */
#define B_OP(l, j)                                                                                 \
	(tb == BB_GEMM_NOTRANS ? b[(l) + (j)*sb]                                                       \
	 : tb == BB_GEMM_TRANS ? b[(j) + (l)*sb]                                                       \
	                   : BB_REF_CONJ(b[(j) + (l)*sb]))

	for (size_t j = 0; j < (size_t)*n; j++) {
		T *cj = c + j * sc;

		if (be == 0)
			for (size_t i = 0; i < (size_t)*m; i++)
				cj[i] = 0;
		else if (be != 1)
			for (size_t i = 0; i < (size_t)*m; i++)
				cj[i] *= be;
		if (al == 0)
			continue;

		if (ta == BB_GEMM_NOTRANS) {
			/* C(:,j) += sum over l of A(:,l) * (alpha op(B)(l,j)) */
			for (size_t l = 0; l < (size_t)*k; l++) {
				const T t = al * B_OP(l, j);
				const T *al_col = a + l * sa;
				for (size_t i = 0; i < (size_t)*m; i++)
					cj[i] += t * al_col[i];
			}
		} else {
			/* C(i,j) += alpha * (column i of A, conjugated for 'C') . op(B)(:,j) */
			for (size_t i = 0; i < (size_t)*m; i++) {
				const T *ai = a + i * sa;
				T sum = 0;
				for (size_t l = 0; l < (size_t)*k; l++)
					sum += (ta == BB_GEMM_CONJTRANS ? BB_REF_CONJ(ai[l]) : ai[l]) *
					       B_OP(l, j);
				cj[i] += al * sum;
			}
		}
	}
#undef B_OP
}

#undef T
#undef BB_REF_NAME
#undef BB_REF_LETTER
#undef BB_REF_CONJ
