/*
 * The suite presets (see presets.h).  Sizes are chosen per family so a preset's cost stays
 * predictable: BLAS-1 by vector length, LAPACK eigen/SVD smaller than the factorizations.
 * quick gates CI, so it buys reliable CIs with 5 passes: two consecutive quick runs here had
 * overlapping CIs in 100% of cells with 5 passes, 82-94% with 3 (scripts/bench-repeatability.sh),
 * at +34% time and about twice the CI width; standard and full keep 3 for resolution.
 */
#include "harness/plan/presets.h"

#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "workloads/workload.h"

static const char *const quick[] = {
	"gemm:n=64..512", "dot:n=100000", "gemv:n=1024", "trsm:n=256", "getrf:n=256", "potrf:n=256",
	"syevd:n=128", NULL,
};

static const char *const standard[] = {
	"dot:n=1000", "dot:n=1000000", "axpy:n=1000", "axpy:n=1000000", "nrm2:n=100000",
	"gemv:n=256", "gemv:n=2048", "ger:n=1024", "trsv:n=1024",
	"gemm:n=32..2048", "symm:n=256", "symm:n=1024", "syrk:n=256", "syrk:n=1024",
	"trsm:n=256", "trsm:n=1024",
	"getrf:n=256", "getrf:n=1024", "potrf:n=256", "potrf:n=1024", "geqrf:n=256", "geqrf:n=1024",
	"gesv:n=512", "syevd:n=256", "gesdd:n=256", NULL,
};

static const char *const full[] = {
	"dot:n=1000", "dot:n=100000", "dot:n=10000000", "axpy:n=1000", "axpy:n=100000",
	"axpy:n=10000000", "nrm2:n=100000", "nrm2:n=10000000",
	"gemv:n=256..4096", "gemv:n=2048,ta=T", "ger:n=256..4096", "trsv:n=256..4096",
	"trsv:n=1024,uplo=L,ta=T",
	"gemm:n=32..4096", "gemm:n=1024,ta=T", "gemm:n=1024,tb=T", "gemm:n=1024,ta=T,tb=T",
	"gemm:m=20000,n=32,k=32", "gemm:m=32,n=32,k=20000",
	"symm:n=256..4096", "symm:n=1024,side=R", "syrk:n=256..4096", "syrk:n=1024,ta=T",
	"trsm:n=256..4096", "trsm:n=1024,side=R,uplo=L",
	"getrf:n=256..4096", "potrf:n=256..4096", "geqrf:n=256..4096", "gesv:n=256..4096",
	"syevd:n=128..1024", "gesdd:n=128..1024", NULL,
};

/* clang-format off */
static const bb_preset presets[] = {
	{"quick", "CI smoke set: dgemm 64..512, ddot, dgemv, dtrsm, dgetrf, dpotrf, dsyevd at 1 thread and all cores, 5 passes per cell (about 20 s for openblas,blis on 2 cores)",
	 "d", quick, "1,all", 0.2, 0.02, 5},
	{"standard", "the default: every routine family in s, d and z, sizes 32..2048, 1 thread and all cores (a few minutes for two backends)",
	 "sdz", standard, "1,all", 0.25, 0.01, 3},
	{"full", "every precision, transposes, skinny shapes, sizes to 4096, threads 1, all cores and twice the cores",
	 "sdcz", full, "1,all,2xall", 0.5, 0.01, 3},
};
/* clang-format on */

#define N_PRESETS (sizeof(presets) / sizeof(presets[0]))

size_t bb_preset_count(void) { return N_PRESETS; }
const bb_preset *bb_preset_at(size_t i) { return i < N_PRESETS ? &presets[i] : NULL; }

const bb_preset *bb_preset_find(const char *name)
{
	for (size_t i = 0; i < N_PRESETS; i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}

const char *bb_preset_names(void)
{
	static char names[128];
	if (!names[0])
		for (size_t i = 0; i < N_PRESETS; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 i ? ", " : "", presets[i].name);
	return names;
}

char *bb_preset_workloads(const bb_preset *p)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	for (const char *const *e = p->entries; *e; e++) {
		size_t name_len = strcspn(*e, ":");
		char name[32];
		snprintf(name, sizeof(name), "%.*s", (int)name_len, *e);
		const bb_workload *w = bb_workload_find(name);
		if (!w)
			bb_die("internal: preset '%s' names unknown workload '%s'", p->name, name);
		for (const char *pr = p->precisions; *pr; pr++) {
			const char *routine = bb_workload_routine_name(w, *pr);
			if (!routine)
				continue;
			bb_strbuf_addf(&sb, "%s%s%s", sb.len ? "," : "", routine, *e + name_len);
		}
	}
	return bb_strbuf_detach(&sb, NULL);
}
