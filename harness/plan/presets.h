/*
 * Suite presets, one table (presets.c): quick (the CI smoke set), standard (the default) and
 * full.  `suite --help`, the README's preset list (checked by tests/harness/test_readme.sh) and
 * the names in error messages are all generated from it.
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

size_t bb_preset_count(void);
const bb_preset *bb_preset_at(size_t i); /* NULL past the end */
const bb_preset *bb_preset_find(const char *name);
const char *bb_preset_names(void); /* "quick, standard, full", from the table */
/* The workload spec list of a preset: every entry for every precision it exists in.
 * Caller frees. */
char *bb_preset_workloads(const bb_preset *p);

#endif
