/*
 * The optimized GEMM's public entry points (kernels/opt_kernels.h): argument checks, the lazy
 * choice of kernels and blocksizes, the GEMM lock, the packing buffers and the thread count.
 * The algorithm itself is opt_gemm_body.h, instantiated below for double and float; cgemm and
 * zgemm run on those through the 1m method (opt_1m_body.h).
 */
#include "kernels/gemm_args.h"
#include "kernels/opt_kernels.h"

#include <complex.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/error.h"
#include "kernels/opt/opt_internal.h"
#include "kernels/ref_kernels.h"

/* The kernels and blocksizes in use, chosen on first use (opt_select_locked). */
typedef struct opt_selection {
	const bb_opt_ukr *ukr; /* NULL: the choice failed, see name */
	bb_opt_blocks d, s;
	double direct_max; /* bb_opt_call.direct_max */
	char name[384];
} opt_selection;

/* Held for a whole GEMM call: serializes calls and guards everything below. */
static pthread_mutex_t opt_lock = PTHREAD_MUTEX_INITIALIZER;
static int opt_threads = 1;
static int opt_selected;
static opt_selection opt_sel;

static void *ws_b, *ws_a[BB_OPT_MAX_THREADS];
static size_t ws_b_size, ws_a_size[BB_OPT_MAX_THREADS];

/*
 * Up to this many multiply-adds (m n k; 256^3 unless BLASBENCH_GEMM_DIRECT says otherwise) a
 * one-thread dgemm with A not transposed runs the ISA's direct kernel, where it has one:
 * packing A and B would cost more than it saves.  Measured on a Zen 4 core (GFLOP/s, direct
 * vs packed): 64^3 53 vs 39, 128^3 56 vs 44, 256^3 55 vs 49, m=2000 n=k=64 50 vs 45; beyond
 * it packing wins (320^3 47 vs 50; n=m=2000 k=32 35 vs 42, where C streams from memory).
 */
static int opt_direct_max(double *out)
{
	*out = 256.0 * 256.0 * 256.0;
	const char *env = getenv(BB_OPT_DIRECT_ENV);
	if (!env || !*env)
		return 0;
	char *end;
	errno = 0;
	double v = strtod(env, &end);
	if (errno || *end || !(v >= 0) || v > 1e30)
		return bb_error("invalid %s '%s': expected the largest m*n*k to run unpacked "
		                "(0: never)",
		                BB_OPT_DIRECT_ENV, env);
	*out = v;
	return 0;
}

/*
 * Choose kernels and blocksizes once (BLASBENCH_KERNEL, CPU features, BLASBENCH_GEMM_BLOCKS).
 * Returns the selection; for a GEMM call (who != NULL) a failed choice is fatal, because
 * running anything else than what the user forced would measure the wrong kernel.
 */
static const opt_selection *opt_select_locked(const char *who)
{
	opt_selection *s = &opt_sel;

	if (!opt_selected) {
		bb_isa isa;
		char why[200];
		opt_selected = 1;
		memset(s, 0, sizeof(*s));
		if (bb_isa_select(&isa, why, sizeof(why)) != 0) {
			snprintf(s->name, sizeof(s->name), "none: %s", why);
		} else if (!(s->ukr = bb_opt_ukr_for(isa))) {
			snprintf(s->name, sizeof(s->name), "none: no %s kernels in this build",
			         bb_isa_name(isa));
		} else if (bb_opt_blocks_for(s->ukr->d_mr, s->ukr->d_nr, sizeof(double), &s->d) ||
		           bb_opt_blocks_for(s->ukr->s_mr, s->ukr->s_nr, sizeof(float), &s->s)) {
			s->ukr = NULL;
			snprintf(s->name, sizeof(s->name), "none: invalid %s", BB_OPT_BLOCKS_ENV);
		} else if (opt_direct_max(&s->direct_max)) {
			s->ukr = NULL;
			snprintf(s->name, sizeof(s->name), "none: invalid %s", BB_OPT_DIRECT_ENV);
		} else {
			snprintf(s->name, sizeof(s->name),
			         "%s dgemm %dx%d, sgemm %dx%d; blocks d MC=%ld KC=%ld NC=%ld, "
			         "s MC=%ld KC=%ld NC=%ld",
			         bb_isa_name(isa), s->ukr->d_mr, s->ukr->d_nr, s->ukr->s_mr,
			         s->ukr->s_nr, s->d.mc, s->d.kc, s->d.nc, s->s.mc, s->s.kc,
			         s->s.nc);
			if (s->ukr->d_direct && s->direct_max > 0) {
				size_t len = strlen(s->name);
				snprintf(s->name + len, sizeof(s->name) - len,
				         "; dgemm unpacked up to m*n*k=%.3g", s->direct_max);
			}
			/* blocks from a guessed cache size are said with them, not kept quiet */
			char assumed[128];
			if (bb_opt_cache_assumed(assumed, sizeof(assumed))) {
				size_t len = strlen(s->name);
				snprintf(s->name + len, sizeof(s->name) - len, "; %s", assumed);
			}
		}
	}
	if (who && !s->ukr) {
		bb_error("bb_opt_%s: no kernel to run (%s)", who, s->name);
		abort();
	}
	return s;
}

/*
 * A packing buffer of at least bytes bytes.  Buffers of 1 MiB and more are aligned to 2 MiB
 * and marked for transparent huge pages: the micro-kernels walk a packed A block of about
 * half of L2 and a packed B panel larger still, which 4 KiB pages spread over hundreds of TLB
 * entries.  (Where THP is off, madvise fails harmlessly and the buffer stays in small pages.)
 */
static void *workspace(void **buf, size_t *size, size_t bytes)
{
	const size_t huge = (size_t)2 << 20;

	if (bytes <= *size)
		return *buf;
	free(*buf);
	size_t align = 64;
	bytes = (bytes + 4095) / 4096 * 4096;
	if (bytes >= huge / 2) {
		align = huge;
		bytes = (bytes + huge - 1) / huge * huge;
	}
	*buf = aligned_alloc(align, bytes);
	if (!*buf) {
		bb_error("bb_opt: cannot allocate %zu bytes for packing", bytes);
		abort();
	}
#ifdef MADV_HUGEPAGE
	if (align == huge)
		madvise(*buf, bytes, MADV_HUGEPAGE);
#endif
	*size = bytes;
	return *buf;
}

void *bb_opt_workspace_b(size_t bytes)
{
	return workspace(&ws_b, &ws_b_size, bytes);
}

void *bb_opt_workspace_a(int tid, size_t bytes)
{
	return workspace(&ws_a[tid], &ws_a_size[tid], bytes);
}

#define T double
#define L d
#define OPT_DIRECT d_direct
#define LSTR "d"
#include "kernels/opt/opt_gemm_body.h"

#define T float
#define L s
#define LSTR "s"
#include "kernels/opt/opt_gemm_body.h"

/* k of the complex product per real GEMM call in the 1m method (opt_1m_body.h) */
#define OPT_1M_KB 256

#define T float
#define CT float _Complex
#define OPT1M_CONJ_SUFFIX f
#define L c
#define R s
#define LSTR "c"
#include "kernels/opt/opt_1m_body.h"

#define T double
#define CT double _Complex
#define OPT1M_CONJ_SUFFIX
#define L z
#define R d
#define LSTR "z"
#include "kernels/opt/opt_1m_body.h"

void bb_opt_set_threads(int n)
{
	pthread_mutex_lock(&opt_lock);
	opt_threads = n < 1 ? 1 : n > BB_OPT_MAX_THREADS ? BB_OPT_MAX_THREADS : n;
	pthread_mutex_unlock(&opt_lock);
}

int bb_opt_get_threads(void)
{
	pthread_mutex_lock(&opt_lock);
	int n = opt_threads;
	pthread_mutex_unlock(&opt_lock);
	return n;
}

const char *bb_opt_kernel_name(void)
{
	pthread_mutex_lock(&opt_lock);
	const char *name = opt_select_locked(NULL)->name;
	pthread_mutex_unlock(&opt_lock);
	return name;
}

void bb_opt_reset(void)
{
	pthread_mutex_lock(&opt_lock);
	opt_selected = 0;
	pthread_mutex_unlock(&opt_lock);
}
