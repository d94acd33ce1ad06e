/*
 * The "top" variant of an AVX-512 micro-kernel, written once for both precisions and included
 * by kernels/x86_64/avx512/{d,s}gemm_ukr.c after their full MR x NR kernel: the first MR/2
 * rows of the same tile (one zmm per column), for a last micro-panel of A with MR/2 rows or
 * fewer.  a reads the same packed panel (MR elements per k step; the lower half, zero padding,
 * is not read), c has MR/2 rows in unit row stride (rs_c == 1, the macro-kernel's only use).
 * Half the FMAs of the full kernel for the same useful work: m = 1000 leaves an 8-row last
 * panel, which sgemm's 32-row kernel computed at 32 rows.  The NR accumulators are
 * independent chains, more than the 8 FMAs in flight need.
 *
 * The including file defines MR, NR and COLS(X) (its own), and TOP_T (element type), TOP_V
 * (its zmm type), TOP_SFX (pd or ps), TOP_NAME (the function) and TOP_PF (the A prefetch
 * distance in k steps, as its full kernel's); the TOP_* macros are undefined at the end.
 */
/* _mm512_<op>_<sfx> pasted in one step: an intermediate "_mm512_setzero" would be rescanned,
 * and clang's immintrin.h defines it as a macro (_mm512_setzero_ps) */
#define TOP_OP_(op, sfx) _mm512_##op##_##sfx
#define TOP_OP_X(op, sfx) TOP_OP_(op, sfx)
#define TOP_OP(op) TOP_OP_X(op, TOP_SFX) /* _mm512_op_pd */

#define TOP_DECL(j) TOP_V c0_##j = TOP_OP(setzero)();
#define TOP_STEP(j) c0_##j = TOP_OP(fmadd)(a0, TOP_OP(set1)(b[j]), c0_##j);
#define TOP_STORE(j)                                                                               \
	{                                                                                          \
		TOP_T *cj = c + (j)*cs_c;                                                          \
		TOP_V r0 = TOP_OP(mul)(va, c0_##j);                                                \
		if (be != 0)                                                                       \
			r0 = TOP_OP(fmadd)(vb, TOP_OP(loadu)(cj), r0);                             \
		TOP_OP(storeu)(cj, r0);                                                            \
	}

void TOP_NAME(long k, const TOP_T *a, const TOP_T *b, TOP_T *c, long rs_c, long cs_c,
              const TOP_T *alpha, const TOP_T *beta)
{
	for (long j = 0; j < NR; j++)
		_mm_prefetch((const char *)(c + j * cs_c), _MM_HINT_T0);
	COLS(TOP_DECL)
	for (long p = 0; p < k; p++) {
		const TOP_V a0 = TOP_OP(loadu)(a);
		_mm_prefetch((const char *)(a + TOP_PF * MR), _MM_HINT_T0);
		COLS(TOP_STEP)
		a += MR;
		b += NR;
	}

	(void)rs_c; /* 1 */
	const TOP_T be = *beta;
	const TOP_V va = TOP_OP(set1)(*alpha), vb = TOP_OP(set1)(be);
	COLS(TOP_STORE)
}

#undef TOP_OP_
#undef TOP_OP_X
#undef TOP_OP
#undef TOP_DECL
#undef TOP_STEP
#undef TOP_STORE
#undef TOP_T
#undef TOP_V
#undef TOP_SFX
#undef TOP_NAME
#undef TOP_PF
