/*
 * The built-in backends behind a function table: `ref` (blasbench's plain-C reference kernels)
 * and `opt` (blasbench's optimized GEMM, kernels/opt_kernels.h).  Their ABI is known by
 * construction (LP64, gfortran conventions); routines they do not implement stay "unsupported".
 */
#include "backends/builtin.h"

#include <stdio.h>
#include <string.h>

#include "backends/backend.h"
#include "build_config.h"
#include "common/error.h"
#include "kernels/opt_kernels.h"
#include "kernels/ref_kernels.h"

static void set_slot(bb_backend *b, bb_routine r, bb_fn fn, const char *symbol)
{
	b->slots[r].fn = fn;
	b->slots[r].supported = 1;
	snprintf(b->slots[r].symbol, sizeof(b->slots[r].symbol), "%s", symbol);
}

int bb_builtin_load(bb_backend *b, char *err, size_t errlen)
{
	if (strcmp(b->entry->name, "ref") == 0) {
		set_slot(b, BB_R_sgemm, (bb_fn)bb_ref_sgemm, "bb_ref_sgemm");
		set_slot(b, BB_R_dgemm, (bb_fn)bb_ref_dgemm, "bb_ref_dgemm");
		set_slot(b, BB_R_cgemm, (bb_fn)bb_ref_cgemm, "bb_ref_cgemm");
		set_slot(b, BB_R_zgemm, (bb_fn)bb_ref_zgemm, "bb_ref_zgemm");
	} else if (strcmp(b->entry->name, "opt") == 0) {
		set_slot(b, BB_R_sgemm, (bb_fn)bb_opt_sgemm, "bb_opt_sgemm");
		set_slot(b, BB_R_dgemm, (bb_fn)bb_opt_dgemm, "bb_opt_dgemm");
		set_slot(b, BB_R_cgemm, (bb_fn)bb_opt_cgemm, "bb_opt_cgemm");
		set_slot(b, BB_R_zgemm, (bb_fn)bb_opt_zgemm, "bb_opt_zgemm");
	} else {
		snprintf(err, errlen, "no built-in backend '%s'", b->entry->name);
		return -1;
	}
	b->suffix[0] = 0;
	b->suffix_known = BB_YES;
	b->int_bits = 32;
	b->real_return = BB_REAL_FLOAT;
	b->complex_return = BB_COMPLEX_REGISTERS;
	b->cblas = BB_NO;
	b->lapack = BB_NO;
	return 0;
}

void bb_builtin_info(bb_backend *b, int want_threads)
{
	b->family = bb_xstrdup("blasbench");
	b->version = bb_xstrdup(BB_VERSION);
	if (strcmp(b->entry->name, "opt") == 0) {
		/* kernel: the level and register blocks ("avx512 dgemm 16x14, sgemm 32x14"); the
		 * cache blocks go with the configuration, which `list --json` shows whole */
		const char *name = bb_opt_kernel_name();
		const char *blocks = strstr(name, "; ");
		b->kernel = blocks ? bb_xasprintf("%.*s", (int)(blocks - name), name) : bb_xstrdup(name);
		b->config = bb_xasprintf("optimized GEMM: packing, cache blocking, SIMD micro-kernels; "
					 "cgemm/zgemm through the 1m method%s%s",
					 blocks ? "; " : "", blocks ? blocks + 2 : "");
		char assumed[128];
		if (bb_opt_cache_assumed(assumed, sizeof(assumed)))
			bb_backend_note(b, "GEMM blocks: %s", assumed);
		b->threading = bb_xstrdup("pthreads");
		b->thread_api = bb_xstrdup("bb_opt_set_threads");
		b->threads_default = bb_opt_get_threads();
		b->threads_requested = want_threads;
		if (want_threads > 0)
			bb_opt_set_threads(want_threads);
		b->threads_effective = bb_opt_get_threads();
		return;
	}
	b->config = bb_xstrdup("reference kernels, plain C, single-threaded");
	b->kernel = bb_xstrdup("ref");
	b->threading = bb_xstrdup("serial");
	b->threads_default = 1;
	b->threads_requested = want_threads;
	b->threads_effective = 1;
}

int bb_builtin_get_threads(bb_backend *b)
{
	return strcmp(b->entry->name, "opt") == 0 ? bb_opt_get_threads() : 1;
}

int bb_builtin_set_threads(bb_backend *b, int n)
{
	if (strcmp(b->entry->name, "opt") != 0)
		return 1;
	bb_opt_set_threads(n);
	return bb_opt_get_threads();
}
