/*
 * The built-in backends behind a function table: `ref` (blasbench's plain-C reference kernels)
 * and `opt` (blasbench's optimized GEMM, kernels/opt_kernels.h).  Their ABI is known by
 * construction (LP64, gfortran conventions); routines they do not implement stay "unsupported".
 * What differs between them is one table, `builtins` below; the catalog marks them
 * BB_CAT_BUILTIN.
 */
#include "backends/builtin.h"

#include <stdio.h>
#include <string.h>

#include "backends/backend.h"
#include "build_config.h"
#include "common/error.h"
#include "kernels/opt_kernels.h"
#include "kernels/ref_kernels.h"

/* What differs between the built-in backends, once.  Serial ones have no thread calls. */
typedef struct builtin {
	const char *name; /* the catalog name (BB_CAT_BUILTIN) */
	bb_fn gemm[4];    /* s, d, c, z */
	const char *symbol[4];
	const char *thread_api;     /* the call that sets its threads; NULL: single-threaded */
	void (*set_threads)(int n);
	int (*get_threads)(void);
	void (*describe)(bb_backend *b); /* kernel and config */
} builtin;

static void describe_ref(bb_backend *b)
{
	b->config = bb_xstrdup("reference kernels, plain C, single-threaded");
	b->kernel = bb_xstrdup("ref");
}

static void describe_opt(bb_backend *b)
{
	/* kernel: the level and register blocks ("avx512 dgemm 16x14, sgemm 32x14"); the cache
	 * blocks go with the configuration, which `list --json` shows whole */
	const char *name = bb_opt_kernel_name();
	const char *blocks = strstr(name, "; ");
	b->kernel = blocks ? bb_xasprintf("%.*s", (int)(blocks - name), name) : bb_xstrdup(name);
	b->config = bb_xasprintf("optimized GEMM: packing, cache blocking, SIMD micro-kernels; "
				 "cgemm/zgemm through the 1m method%s%s",
				 blocks ? "; " : "", blocks ? blocks + 2 : "");
	char assumed[128];
	if (bb_opt_cache_assumed(assumed, sizeof(assumed)))
		bb_backend_note(b, "GEMM blocks: %s", assumed);
}

#define GEMMS(p)                                                                                   \
	{(bb_fn)bb_##p##_sgemm, (bb_fn)bb_##p##_dgemm, (bb_fn)bb_##p##_cgemm, (bb_fn)bb_##p##_zgemm}, \
	{"bb_" #p "_sgemm", "bb_" #p "_dgemm", "bb_" #p "_cgemm", "bb_" #p "_zgemm"}

static const builtin builtins[] = {
	{"ref", GEMMS(ref), NULL, NULL, NULL, describe_ref},
	{"opt", GEMMS(opt), "bb_opt_set_threads", bb_opt_set_threads, bb_opt_get_threads, describe_opt},
};

static const builtin *find_builtin(const bb_backend *b)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (!strcmp(builtins[i].name, b->entry->name))
			return &builtins[i];
	return NULL;
}

int bb_builtin_load(bb_backend *b, char *err, size_t errlen)
{
	const builtin *bi = find_builtin(b);
	if (!bi) {
		snprintf(err, errlen, "no built-in backend '%s'", b->entry->name);
		return -1;
	}
	static const bb_routine gemm[4] = {BB_R_sgemm, BB_R_dgemm, BB_R_cgemm, BB_R_zgemm};
	for (int i = 0; i < 4; i++) {
		b->slots[gemm[i]].fn = bi->gemm[i];
		b->slots[gemm[i]].supported = 1;
		snprintf(b->slots[gemm[i]].symbol, sizeof(b->slots[gemm[i]].symbol), "%s",
			 bi->symbol[i]);
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
	const builtin *bi = find_builtin(b);
	b->family = bb_xstrdup("blasbench");
	b->version = bb_xstrdup(BB_VERSION);
	bi->describe(b);
	b->threads_requested = want_threads;
	if (!bi->set_threads) {
		b->threading = bb_xstrdup("serial");
		b->threads_default = 1;
		b->threads_effective = 1;
		return;
	}
	b->threading = bb_xstrdup("pthreads");
	b->thread_api = bb_xstrdup(bi->thread_api);
	b->threads_default = bi->get_threads();
	if (want_threads > 0)
		bi->set_threads(want_threads);
	b->threads_effective = bi->get_threads();
}

int bb_builtin_get_threads(bb_backend *b)
{
	const builtin *bi = find_builtin(b);
	return bi && bi->get_threads ? bi->get_threads() : 1;
}

int bb_builtin_set_threads(bb_backend *b, int n)
{
	const builtin *bi = find_builtin(b);
	if (!bi || !bi->set_threads)
		return 1;
	bi->set_threads(n);
	return bi->get_threads();
}
