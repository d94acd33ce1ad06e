/*
 * Complex GEMM on the real kernels, the 1m method (Van Zee & Smith, ACM TOMS 44(1), 2017),
 * included by opt_gemm.c once per precision with T (the real type), CT (its complex type), L
 * (the letter of the complex routine: c or z), R (the real one: s or d) and LSTR defined.
 *
 * Column-major complex storage read as real numbers is already what 1m needs of B and C: a
 * complex k x n B is a real 2k x n matrix whose rows alternate real and imaginary parts, and
 * so is C (2m x n, leading dimension 2 ldc).  Only A is rewritten, as the real 2m x 2k matrix
 * whose 2 x 2 block (i, p) is [re -im; im re] of alpha op(A)(i, p): then the real product
 * gives C's real parts in even rows and imaginary parts in odd ones, with the 8 m n k flops of
 * the complex product, all on the real micro-kernel.  k goes by chunks of OPT_1M_KB, so the
 * rewritten A (and op(B) when it must be rewritten too: transposed or conjugated) stays a few
 * MB.  C is scaled by beta first when beta is not real.
 */
#define OPT1M_CAT_(a, b) a##b
#define OPT1M_CAT(a, b) OPT1M_CAT_(a, b)
#define OPT1M_FN(name) OPT1M_CAT(name, L)

/* Columns 2q, 2q+1 (q < kb) of the 1m form of alpha op(A)(0:m, p0:p0+kb) into ae (ld 2m). */
static void OPT1M_FN(expand_a_)(int ta, long m, long kb, long p0, const CT *a, long lda, CT alpha,
                                T *ae)
{
	for (long q = 0; q < kb; q++) {
		T *c0 = ae + 2 * q * 2 * m, *c1 = c0 + 2 * m;
		for (long i = 0; i < m; i++) {
			CT v =
			    ta == BB_GEMM_NOTRANS ? a[i + (p0 + q) * lda] : a[(p0 + q) + i * lda];
			if (ta == BB_GEMM_CONJTRANS)
				v = OPT1M_CAT(conj, OPT1M_CONJ_SUFFIX)(v);
			v *= alpha;
			const T re = OPT1M_CAT(creal, OPT1M_CONJ_SUFFIX)(v);
			const T im = OPT1M_CAT(cimag, OPT1M_CONJ_SUFFIX)(v);
			c0[2 * i] = re;
			c0[2 * i + 1] = im;
			c1[2 * i] = -im;
			c1[2 * i + 1] = re;
		}
	}
}

/* op(B)(p0:p0+kb, 0:n), B transposed or conjugate-transposed, as a real 2kb x n matrix. */
static void OPT1M_FN(expand_b_)(int tb, long n, long kb, long p0, const CT *b, long ldb, T *be)
{
	for (long j = 0; j < n; j++)
		for (long q = 0; q < kb; q++) {
			CT v = b[j + (p0 + q) * ldb];
			if (tb == BB_GEMM_CONJTRANS)
				v = OPT1M_CAT(conj, OPT1M_CONJ_SUFFIX)(v);
			be[2 * q + j * 2 * kb] = OPT1M_CAT(creal, OPT1M_CONJ_SUFFIX)(v);
			be[2 * q + 1 + j * 2 * kb] = OPT1M_CAT(cimag, OPT1M_CONJ_SUFFIX)(v);
		}
}

int OPT1M_CAT(OPT1M_CAT(bb_opt_, L),
              gemm_info)(const char *transa, const char *transb, const int *m, const int *n,
                         const int *k, const CT *alpha, const CT *a, const int *lda, const CT *b,
                         const int *ldb, const CT *beta, CT *c, const int *ldc)
{
	const int ta = bb_gemm_trans(*transa), tb = bb_gemm_trans(*transb);
	const int bad = bb_gemm_check(ta, tb, *m, *n, *k, *lda, *ldb, *ldc);
	if (bad)
		return bad;
	/* quick returns, alpha = 0 (C := beta C) and sizes whose real view overflows an int:
	 * the reference GEMM */
	if (*m == 0 || *n == 0 || *k == 0 || *alpha == 0 || *m > INT_MAX / 2 ||
	    *ldc > INT_MAX / 2 || (tb == BB_GEMM_NOTRANS && *ldb > INT_MAX / 2)) {
		OPT1M_CAT(bb_ref_, OPT1M_CAT(L, gemm))
		(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
		return 0;
	}
	const long M = *m, N = *n, K = *k, kbmax = K < OPT_1M_KB ? K : OPT_1M_KB;
	T *ae = malloc((size_t)(2 * M) * (size_t)(2 * kbmax) * sizeof(T));
	T *be = tb == BB_GEMM_NOTRANS ? NULL : malloc((size_t)(2 * kbmax) * (size_t)N * sizeof(T));
	if (!ae || (tb != BB_GEMM_NOTRANS && !be)) {
		bb_error("bb_opt_" LSTR "gemm: out of memory");
		abort();
	}
	/* the real beta of the first chunk: C scaled here first when beta is not real */
	T beta_r = OPT1M_CAT(creal, OPT1M_CONJ_SUFFIX)(*beta);
	if (OPT1M_CAT(cimag, OPT1M_CONJ_SUFFIX)(*beta) != 0) {
		for (long j = 0; j < N; j++)
			for (long i = 0; i < M; i++)
				c[i + j * (long)*ldc] *= *beta;
		beta_r = 1;
	}
	const T one = 1;
	const int m2 = (int)(2 * M), ldc2 = 2 * *ldc;
	for (long p0 = 0; p0 < K; p0 += kbmax) {
		const long kb = K - p0 < kbmax ? K - p0 : kbmax;
		const int k2 = (int)(2 * kb);
		OPT1M_FN(expand_a_)(ta, M, kb, p0, a, *lda, *alpha, ae);
		const T *br = (const T *)(b + p0);
		int ldb2 = 2 * *ldb;
		if (be) {
			OPT1M_FN(expand_b_)(tb, N, kb, p0, b, *ldb, be);
			br = be;
			ldb2 = k2;
		}
		OPT1M_CAT(OPT1M_CAT(bb_opt_, R), gemm)
		("N", "N", &m2, n, &k2, &one, ae, &m2, br, &ldb2, p0 == 0 ? &beta_r : &one, (T *)c,
		 &ldc2);
	}
	free(ae);
	free(be);
	return 0;
}

void OPT1M_CAT(OPT1M_CAT(bb_opt_, L), gemm)(const char *transa, const char *transb, const int *m,
                                            const int *n, const int *k, const CT *alpha,
                                            const CT *a, const int *lda, const CT *b,
                                            const int *ldb, const CT *beta, CT *c, const int *ldc)
{
	int bad = OPT1M_CAT(OPT1M_CAT(bb_opt_, L), gemm_info)(transa, transb, m, n, k, alpha, a,
	                                                      lda, b, ldb, beta, c, ldc);
	if (bad)
		bb_warning("bb_opt_" LSTR "gemm: parameter %d had an illegal value", bad);
}

#undef OPT1M_CAT_
#undef OPT1M_CAT
#undef OPT1M_FN
#undef OPT1M_CONJ_SUFFIX
#undef T
#undef CT
#undef L
#undef R
#undef LSTR
