/* GEMM argument decoding and checking (see gemm_args.h). */
#include "kernels/gemm_args.h"

int bb_gemm_trans(char t)
{
	switch (t) {
	case 'N':
	case 'n':
		return BB_GEMM_NOTRANS;
	case 'T':
	case 't':
		return BB_GEMM_TRANS;
	case 'C':
	case 'c':
		return BB_GEMM_CONJTRANS;
	}
	return -1;
}

int bb_gemm_check(int ta, int tb, int m, int n, int k, int lda, int ldb, int ldc)
{
	int nrowa = ta == BB_GEMM_NOTRANS ? m : k;
	int nrowb = tb == BB_GEMM_NOTRANS ? k : n;

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
