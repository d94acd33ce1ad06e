/*
 * The meeting points of the optimized GEMM's threads within one call (protocol in
 * opt_gemm_body.h): counters allocated per call, and a wait that spins briefly and then yields.
 *
 * They replace two pthread barriers per (jc, pc) iteration.  A barrier makes every thread wait
 * for the slowest at each KC step; on the 2-core VM the second core runs some 9% slower than the
 * first, and the thread that ran out of ic blocks sat at the end-of-iteration barrier for 9% of
 * the call (dgemm n=2000, 2 threads, rdtsc around the waits).  Here a thread that runs out
 * packs the next B panel instead, and waits only when there is nothing left it may do.
 * Waiting threads hold a core only while the others are busy within the same call; between
 * calls the pool's workers sleep (opt_pool.c).
 */
#include "kernels/opt/opt_internal.h"

#include <sched.h>
#include <stdlib.h>

#include "common/error.h"

bb_opt_sync *bb_opt_sync_new(int nt, long iters, long blocks)
{
	bb_opt_sync *s = malloc(sizeof(*s));
	bb_opt_iter *it = calloc((size_t)iters, sizeof(*it));
	atomic_long *done = calloc((size_t)blocks, sizeof(*done));
	if (!s || !it || !done) {
		bb_error("bb_opt: out of memory");
		abort();
	}
	for (long i = 0; i < iters; i++) {
		atomic_init(&it[i].chunk, 0);
		atomic_init(&it[i].packed, 0);
		atomic_init(&it[i].block, 0);
		atomic_init(&it[i].computed, 0);
	}
	for (long q = 0; q < blocks; q++)
		atomic_init(&done[q], 0);
	*s = (bb_opt_sync){.nt = nt, .it = it, .done = done};
	return s;
}

void bb_opt_sync_free(bb_opt_sync *s)
{
	if (!s)
		return;
	free(s->it);
	free((void *)s->done);
	free(s);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

void bb_opt_sync_wait(atomic_long *v, long target)
{
	/* ~4096 pauses: tens of microseconds, about what a futex wake-up costs in a VM */
	for (unsigned spins = 0; atomic_load_explicit(v, memory_order_acquire) < target; spins++)
		if (spins < 4096)
			cpu_relax();
		else
			sched_yield();
}
