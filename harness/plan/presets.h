/*
 * Suite presets, one table: quick (CI, about a minute for two backends), standard (the default:
 * every routine family in s, d and z, sizes 32 to 2048, 1 thread and all cores; a few minutes
 * for two backends on 2 cores), full (every precision, transposes, sizes to 4096, threads up
 * to twice the cores).
 */
#ifndef BB_HARNESS_PRESETS_H
#define BB_HARNESS_PRESETS_H

#include <stddef.h>

typedef struct bb_preset {
	const char *name;
	const char *summary;
	const char *precisions;  /* applied to each entry below */
	const char *const *entries; /* "gemm:n=32..2048": workload spec without precision letter */
	const char *threads;     /* "1,all" or "1,all,2xall" */
	double budget_s;         /* per cell */
	double target_rel;
	int passes;              /* fresh workers per cell (see engine.h) */
} bb_preset;

const bb_preset *bb_preset_find(const char *name);
const char *bb_preset_names(void); /* "quick, standard, full" */
/* The workload spec list of a preset: every entry for every precision it exists in.
 * Caller frees. */
char *bb_preset_workloads(const bb_preset *p);

#endif
