/*
 * The Goto/BLIS algorithm for one real type, included by opt_gemm.c once per precision with
 * T (element type), L (the BLAS letter as a token: d or s) and LSTR (as a string) defined; no
 * include guard on purpose, the macros are undefined at the end.
 *
 * Five loops around the micro-kernel (Van Zee & van de Geijn, BLIS, TOMS 2015):
 *   jc over n by NC      B panel KC x NC packed into NR-column micro-panels (shared)
 *    pc over k by KC     (beta applies on the first pc only, then C accumulates)
 *     ic over m by MC    A block MC x KC packed into MR-row micro-panels (per thread)
 *      jr over NC by NR  one B micro-panel stays in L1 ...
 *       ir over MC by MR ... while A micro-panels stream from L2 through the micro-kernel.
 * Threads share the packing of B and then take MR-aligned blocks of rows of C (the ic loop)
 * from a shared counter, so a thread slowed down by another process on its core does not hold
 * the others back.  No barrier (kernels/opt/opt_sync.c): B panels alternate between two buffers, a
 * thread done with its blocks of one (jc, pc) iteration packs chunks of the next panel while the
 * others finish theirs, and waits only for that panel to be complete; a block of C waits for its
 * own previous iteration only, which has long ended in practice. Edge tiles (fewer than MR rows or
 * NR columns left) are computed by the same micro-kernel (a last panel of MR/2 rows or fewer by
 * the level's top kernel, where it has one) into an MR x NR buffer, with zero-padded packed
 * panels, and copied out here, once.
 */
#define OPT_CAT_(a, b) a##b
#define OPT_CAT(a, b) OPT_CAT_(a, b)
#define OPT_FN(name) OPT_CAT(name, L) /* pack_a_d, task_d, ... */
#define OPT_UKR_FN OPT_CAT(OPT_CAT(bb_, L), gemm_ukr_fn)
#define OPT_PACK_FN OPT_CAT(OPT_CAT(bb_, L), pack_fn)

/* The state every thread of one call shares. */
typedef struct OPT_FN(opt_ctx_) {
	const bb_opt_call *call;
	OPT_UKR_FN *ukr;
	OPT_UKR_FN *top; /* the first mr/2 rows only, or NULL */
	OPT_PACK_FN *pack;
	int mr, nr;
	T *bp[2];  /* packed B panels, for even and odd (jc, pc) iterations (one with one thread) */
	T **ap;    /* packed A block of each thread */
	long unit; /* rows per ic block: mc, or less to give each thread several */
	bb_opt_sync *sync; /* NULL with one thread */
} OPT_FN(opt_ctx_);

/* Pack op(A)(ic:ic+mc, pc:pc+kc) into micro-panels of mr rows, zero-padding the last one. */
static void OPT_FN(pack_a_)(const OPT_FN(opt_ctx_) * x, long ic, long pc, long mc, long kc, T *dst)
{
	const bb_opt_call *c = x->call;
	const long rs = c->ta ? c->lda : 1,
	           cs = c->ta ? 1 : c->lda; /* op(A)(i,p) = a[i*rs + p*cs] */
	x->pack(x->mr, mc, kc, (const T *)c->a + ic * rs + pc * cs, rs, cs, dst);
}

/* Pack micro-panels p0..p1-1 of op(B)(pc:pc+kc, jc:jc+nc) (nr columns each) into bp. */
static void OPT_FN(pack_b_)(const OPT_FN(opt_ctx_) * x, long pc, long jc, long kc, long nc, long p0,
                            long p1, T *bp)
{
	const bb_opt_call *c = x->call;
	const long rs = c->tb ? 1 : c->ldb,
	           cs = c->tb ? c->ldb : 1; /* op(B)(p,j) = b[j*rs + p*cs] */
	const int nr = x->nr;
	const long j0 = p0 * nr, j1 = p1 * nr < nc ? p1 * nr : nc;
	if (j0 < j1)
		x->pack(nr, j1 - j0, kc, (const T *)c->b + (jc + j0) * rs + pc * cs, rs, cs,
		        bp + j0 * kc);
}

/* C(ic.., jc..) tile loops over one packed A block and one packed B panel. */
static void OPT_FN(macro_)(const OPT_FN(opt_ctx_) * x, const T *ap, const T *bp, long ic, long jc,
                           long mc, long nc, long kc, const T *alpha, const T *beta)
{
	const bb_opt_call *c = x->call;
	const int mr = x->mr, nr = x->nr;
	const long ldc = c->ldc;
	const T zero = 0, be = *beta;
	_Alignas(64) T ebuf[BB_OPT_MAX_MR * BB_OPT_MAX_NR];

	/*
	 * The next B sliver is prefetched a few lines before each micro-kernel call, spread over
	 * the ir loop, so the first call on it does not wait for L3: the packed B panel (KC x NC)
	 * is larger than what L2 keeps next to the A block.  +1-3% on dgemm n=1000 and 2000.
	 */
	const long sliver = (long)nr * kc * (long)sizeof(T), tiles = (mc + mr - 1) / mr;
	const long per_tile = (sliver / 64 + tiles) / tiles * 64;

	for (long jr = 0; jr < nc; jr += nr) {
		const long ne = nc - jr < nr ? nc - jr : nr;
		const T *bpp = bp + jr * kc;
		const char *next = jr + nr < nc ? (const char *)(bpp + nr * kc) : NULL;
		for (long ir = 0; ir < mc; ir += mr) {
			const long me = mc - ir < mr ? mc - ir : mr;
			if (next) {
				const long o0 = ir / mr * per_tile;
				for (long o = o0; o < o0 + per_tile && o < sliver; o += 64)
					__builtin_prefetch(next + o, 0, 2);
			}
			T *cc = (T *)c->c + (ic + ir) + (jc + jr) * ldc;
			if (me == mr && ne == nr) {
				x->ukr(kc, ap + ir * kc, bpp, cc, 1, ldc, alpha, beta);
				continue;
			}
			/* a last panel of mr/2 rows or fewer: the top kernel, half the work */
			const int top = x->top && me <= mr / 2;
			if (top && me == mr / 2 && ne == nr) {
				x->top(kc, ap + ir * kc, bpp, cc, 1, ldc, alpha, beta);
				continue;
			}
			(top ? x->top : x->ukr)(kc, ap + ir * kc, bpp, ebuf, 1, mr, alpha, &zero);
			for (long j = 0; j < ne; j++)
				for (long i = 0; i < me; i++) {
					T *cij = cc + i + j * ldc;
					*cij = be == 0 ? ebuf[i + j * mr]
					               : ebuf[i + j * mr] + be * *cij;
				}
		}
	}
}

static void OPT_FN(task_)(void *arg, int tid, int nt)
{
	const OPT_FN(opt_ctx_) *x = arg;
	const bb_opt_call *c = x->call;
	bb_opt_sync *sy = x->sync;
	const long m = c->m, n = c->n, k = c->k;
	const long kc = c->blk.kc, nc = c->blk.nc;
	const T one = 1;
	const long unit = x->unit, nblocks = (m + unit - 1) / unit;
	long it = 0; /* (jc, pc) iteration number */
	(void)nt;

	for (long jc = 0; jc < n; jc += nc) {
		const long nce = n - jc < nc ? n - jc : nc;
		const long npanels = (nce + x->nr - 1) / x->nr;
		for (long pc = 0; pc < k; pc += kc, it++) {
			const long kce = k - pc < kc ? k - pc : kc;
			const T *beta = pc == 0 ? (const T *)c->beta : &one;
			T *bp = x->bp[it & 1];
			if (!sy) {
				OPT_FN(pack_b_)(x, pc, jc, kce, nce, 0, npanels, bp);
			} else {
				/* bp held iteration it - 2: every thread must be done with it */
				if (it >= 2)
					bb_opt_sync_wait(&sy->it[it - 2].computed, sy->nt);
				bb_opt_iter *si = &sy->it[it];
				const long nch =
				    (npanels + BB_OPT_SYNC_CHUNK - 1) / BB_OPT_SYNC_CHUNK;
				for (long q; (q = atomic_fetch_add(&si->chunk, 1)) < nch;) {
					const long p0 = q * BB_OPT_SYNC_CHUNK,
					           p1 = p0 + BB_OPT_SYNC_CHUNK;
					const long pe = p1 < npanels ? p1 : npanels;
					OPT_FN(pack_b_)(x, pc, jc, kce, nce, p0, pe, bp);
					atomic_fetch_add_explicit(&si->packed, 1,
					                          memory_order_release);
				}
				bb_opt_sync_wait(&si->packed, nch);
			}
			for (long q = 0;; q++) {
				if (sy)
					q = atomic_fetch_add(&sy->it[it].block, 1);
				if (q >= nblocks)
					break;
				const long ic = q * unit, mce = m - ic < unit ? m - ic : unit;
				T *ap = x->ap[tid];
				OPT_FN(pack_a_)(x, ic, pc, mce, kce, ap);
				/* these rows of C: their previous iteration must be over */
				if (sy && it >= 1)
					bb_opt_sync_wait(&sy->done[q], it);
				OPT_FN(macro_)(x, ap, bp, ic, jc, mce, nce, kce, c->alpha, beta);
				if (sy)
					atomic_store_explicit(&sy->done[q], it + 1,
					                      memory_order_release);
			}
			if (sy)
				atomic_fetch_add_explicit(&sy->it[it].computed, 1,
				                          memory_order_release);
		}
	}
}

/*
 * The block size that cuts total into as many blocks as max does, all of nearly the same size
 * (rounded up to a multiple of q, never above max): k = 1000 with KC = 160 gives seven blocks
 * of 143 instead of six of 160 and one of 40, m = 1000 with MC = 816 two of 512 and 488
 * instead of 816 and 184: no thin last block whose packing and C update the micro-kernel
 * cannot amortize.  (Rounding KC up to 8 as well made k = 2000 twelve blocks of 160 and one
 * of 80 again: KC is not rounded.)
 */
static long OPT_FN(even_)(long total, long max, long q)
{
	const long nb = (total + max - 1) / max;
	long b = (total + nb - 1) / nb;
	b = (b + q - 1) / q * q;
	return b < max ? b : max;
}

/* Run call (m, n, k > 0, alpha != 0, kernels selected) on its threads. */
static void OPT_FN(drive_)(bb_opt_call *c)
{
	OPT_FN(opt_ctx_)
	x = {.call = c,
	     .ukr = c->ukr->L,
	     .top = c->ukr->OPT_CAT(L, _top),
	     .pack = c->ukr->OPT_CAT(L, _pack),
	     .mr = c->ukr->OPT_CAT(L, _mr),
	     .nr = c->ukr->OPT_CAT(L, _nr)};
	/* one thread per ~1 M multiply-adds and per MR rows at most: waking workers costs µs */
	double work = (double)c->m * (double)c->n * (double)c->k;
	int nt = c->threads;
	if (nt > 1 + work / (1 << 20))
		nt = 1 + (int)(work / (1 << 20));
	if (nt > (c->m + x.mr - 1) / x.mr)
		nt = (int)((c->m + x.mr - 1) / x.mr);
#ifdef OPT_DIRECT
	/* small, on one thread, A not transposed: no packing (see opt_direct_max) */
	if (nt == 1 && !c->ta && c->ukr->OPT_DIRECT && work <= c->direct_max) {
		const long rs_b = c->tb ? c->ldb : 1, cs_b = c->tb ? 1 : c->ldb;
		c->ukr->OPT_DIRECT(c->m, c->n, c->k, *(const T *)c->alpha, c->a, c->lda, c->b, rs_b,
		                   cs_b, *(const T *)c->beta, c->c, c->ldc);
		return;
	}
#endif
	/* this call's blocks: the host's blocksizes, evened out over the problem */
	c->blk.kc = OPT_FN(even_)(c->k, c->blk.kc, 1); /* the kernels take any k */
	c->blk.mc = OPT_FN(even_)(c->m, c->blk.mc, x.mr);
	c->blk.nc = OPT_FN(even_)(c->n, c->blk.nc, x.nr);
	const long kce = c->k < c->blk.kc ? c->k : c->blk.kc;
	const long nce = c->n < c->blk.nc ? c->n : c->blk.nc;
	const long mce = c->m < c->blk.mc ? c->m : c->blk.mc;
	T *ap[BB_OPT_MAX_THREADS];

	nt = bb_opt_pool_size(nt);

	/* two B panels with several threads (see task_), the second one 64-byte aligned too */
	size_t bsize = (size_t)kce * (size_t)((nce + x.nr - 1) / x.nr * x.nr) * sizeof(T);
	bsize = (bsize + 63) / 64 * 64;
	x.bp[0] = bb_opt_workspace_b(nt > 1 ? 2 * bsize : bsize);
	x.bp[1] = (T *)((char *)x.bp[0] + (nt > 1 ? bsize : 0));
	for (int t = 0; t < nt; t++)
		ap[t] = bb_opt_workspace_a(
		    t, (size_t)kce * (size_t)((mce + x.mr - 1) / x.mr * x.mr) * sizeof(T));
	x.ap = ap;
	x.unit = c->blk.mc;
	if (nt > 1) {
		/* at least 4 blocks per thread, for the balance */
		long u = (c->m + 4L * nt - 1) / (4L * nt);
		u = (u + x.mr - 1) / x.mr * x.mr;
		x.unit = u < x.unit ? u : x.unit;
		const long iters =
		    (c->n + c->blk.nc - 1) / c->blk.nc * ((c->k + c->blk.kc - 1) / c->blk.kc);
		x.sync = bb_opt_sync_new(nt, iters, (c->m + x.unit - 1) / x.unit);
	}
	bb_opt_pool_run(nt, OPT_FN(task_), &x);
	bb_opt_sync_free(x.sync);
}

int OPT_CAT(OPT_CAT(bb_opt_, L), gemm_info)(const char *transa, const char *transb, const int *m,
                                            const int *n, const int *k, const T *alpha, const T *a,
                                            const int *lda, const T *b, const int *ldb,
                                            const T *beta, T *c, const int *ldc)
{
	const int ta = bb_gemm_trans(*transa), tb = bb_gemm_trans(*transb);
	const int bad = bb_gemm_check(ta, tb, *m, *n, *k, *lda, *ldb, *ldc);
	if (bad)
		return bad;
	if (*m == 0 || *n == 0)
		return 0;
	const T al = *alpha, be = *beta;
	if (al == 0 || *k == 0) { /* C := beta C, never reading C when beta is 0 */
		if (be == 1)
			return 0;
		for (long j = 0; j < *n; j++)
			for (long i = 0; i < *m; i++) {
				T *cij = c + i + j * (long)*ldc;
				*cij = be == 0 ? 0 : be * *cij;
			}
		return 0;
	}
	bb_opt_call call = {.ta = ta != BB_GEMM_NOTRANS,
	                    .tb = tb != BB_GEMM_NOTRANS,
	                    .m = *m,
	                    .n = *n,
	                    .k = *k,
	                    .lda = *lda,
	                    .ldb = *ldb,
	                    .ldc = *ldc,
	                    .a = a,
	                    .b = b,
	                    .alpha = alpha,
	                    .beta = beta,
	                    .c = c};
	pthread_mutex_lock(&opt_lock);
	const opt_selection *s = opt_select_locked(LSTR "gemm");
	call.ukr = s->ukr;
	call.blk = s->L;
	call.direct_max = s->direct_max;
	call.threads = opt_threads;
	OPT_FN(drive_)(&call);
	pthread_mutex_unlock(&opt_lock);
	return 0;
}

void OPT_CAT(OPT_CAT(bb_opt_, L), gemm)(const char *transa, const char *transb, const int *m,
                                        const int *n, const int *k, const T *alpha, const T *a,
                                        const int *lda, const T *b, const int *ldb, const T *beta,
                                        T *c, const int *ldc)
{
	int bad = OPT_CAT(OPT_CAT(bb_opt_, L), gemm_info)(transa, transb, m, n, k, alpha, a, lda, b,
	                                                  ldb, beta, c, ldc);
	if (bad)
		bb_warning("bb_opt_" LSTR "gemm: parameter %d had an illegal value", bad);
}

#undef OPT_CAT_
#undef OPT_CAT
#undef OPT_FN
#undef OPT_UKR_FN
#undef OPT_PACK_FN
#undef OPT_DIRECT
#undef T
#undef L
#undef LSTR
