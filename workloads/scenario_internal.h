/*
 * What the scenario files share (workloads/scenario*.c): timed blocks of operations with the
 * process's resource use around them, a BLAS call on a backend (dgemm, checked at the end), an
 * OpenMP region of a calibrated length, and the scenario functions the list refers to.
 */
#ifndef BB_WORKLOADS_SCENARIO_INTERNAL_H
#define BB_WORKLOADS_SCENARIO_INTERNAL_H

#include "workloads/scenario.h"
#include "workloads/workload.h"

/* One operation of a block; returns 0, or -1 to stop the block (error set by the op). */
typedef int (*bb_scn_op)(void *arg);

/* A sample array being filled. */
typedef struct bb_scn_samples {
	double *x;
	size_t n, cap;
} bb_scn_samples;

void bb_scn_samples_add(bb_scn_samples *s, double v);

/* Pause ctx->settle_s, then time op(arg) repeatedly for ctx->block_s (at least 3 times, at most
 * 20000), appending seconds per op to out and the block's resource use to use.
 * Returns 0, or -1 when an op failed. */
int bb_scn_block(const bb_scenario_ctx *ctx, bb_scn_op op, void *arg, bb_scn_samples *out,
		 bb_scn_usage *use);
void bb_scn_sleep(double s);

/* A dgemm of size n on one backend (its own data), called through the probed ABI. */
typedef struct bb_scn_gemm {
	bb_instance *in;
	bb_backend *b;
} bb_scn_gemm;

/* 0, or -1 with the reason in err. */
int bb_scn_gemm_init(bb_scn_gemm *g, bb_backend *b, long n, unsigned long long seed, char *err,
		     size_t errlen);
/* The same in precision prec ('d' or 's'; kernel-selection's sgemm). */
int bb_scn_gemm_init_prec(bb_scn_gemm *g, bb_backend *b, char prec, long n,
			  unsigned long long seed, char *err, size_t errlen);
int bb_scn_gemm_call(void *g); /* a bb_scn_op: one call */
/* The check of the last call's result: 0 ok, -1 wrong (reason in err). */
int bb_scn_gemm_check(bb_scn_gemm *g, char *err, size_t errlen);
/* Check n calls' results; 0, or -1 with r->error set. */
int bb_scn_gemms_check(bb_scn_gemm *g, int n, bb_scenario_result *r);
void bb_scn_gemm_release(bb_scn_gemm *g);

/* An OpenMP region of `threads` threads of rt, each doing `reps` passes over a private
 * 16 KiB array: an application's own parallel loop. */
typedef struct bb_scn_region {
	const bb_omp_runtime *rt;
	int threads;
	long reps;
	volatile double sink[64];
} bb_scn_region;

int bb_scn_region_run(void *region); /* a bb_scn_op */
/* Choose reps so that one region lasts about target_s (measured on this runtime). */
void bb_scn_region_calibrate(bb_scn_region *r, double target_s);
/* Median time of a few calls of op (warm-up and sizing). */
double bb_scn_time_op(bb_scn_op op, void *arg, int calls);

/* Copy samples and usage into the result. */
void bb_scn_result_set(bb_scenario_result *r, bb_scn_samples *base, bb_scn_samples *path);

/* The scenario functions of scenarios.def. */
#define BB_SCENARIO(name, fn, needs, size, summary, base, path, mech, mit, ref)                    \
	void fn(const bb_scenario_ctx *ctx, bb_scenario_result *r);
#include "workloads/scenarios.def"
#undef BB_SCENARIO

#endif
