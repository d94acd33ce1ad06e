/*
 * Measuring one cell, inside a worker: untimed warm-up, calls batched into samples of at least
 * ~1 ms (in-place routines get one independent input copy per call of a batch, rebuilt outside
 * the timed region), samples taken until the 95% CI of the median is within the target or the
 * cell's time budget is spent, counters around the sampling, then the correctness check.
 * A wrong result is status "wrong" and carries no speed.
 *
 * With a `between` hook (an application's own OpenMP loop, say) the hook runs before every
 * call, outside the timed region: each call is then timed on its own and a sample is the sum
 * of its calls' times, so the numbers show what the hook leaves behind (spinning threads), not
 * the hook itself.  Reading the clock around each call adds some tens of nanoseconds per call.
 */
#ifndef BB_HARNESS_MEASURE_H
#define BB_HARNESS_MEASURE_H

#include <stddef.h>

#include "harness/host/counters.h"
#include "common/stats.h"
#include "workloads/workload.h"

typedef struct bb_measure_opts {
	double target_rel;     /* stop when the CI half-width is within this fraction (0.01) */
	double budget_s;       /* sampling time budget per cell */
	double min_sample_s;   /* batch calls until a sample lasts this long (1e-3) */
	int min_samples;       /* never stop before this many samples (unless the budget ran out) */
	int max_samples;
	size_t max_copy_bytes; /* memory for the input copies of batched in-place calls */
	unsigned counters;     /* BB_COUNTERS_* to open around the sampling */
	unsigned long long seed;
	void (*between)(void *arg); /* run before each call, untimed; NULL: none (calls timed per batch) */
	void *between_arg;
} bb_measure_opts;

void bb_measure_opts_default(bb_measure_opts *o);

typedef enum bb_cell_status {
	BB_CELL_OK,
	BB_CELL_WRONG,
	BB_CELL_ERROR,
	BB_CELL_SKIPPED, /* the backend does not have the routine */
} bb_cell_status;

typedef struct bb_measure_result {
	bb_cell_status status;
	char error[512];          /* why, for anything but ok */
	double *samples;          /* seconds per call, one per sample; caller frees */
	size_t n_samples;
	int calls_per_sample;
	bb_stats stats;
	double residual;          /* the check's scaled residual, NAN if none */
	bb_counter_values counters;
	char counters_note[256];  /* what was not counted, "" if all was */
} bb_measure_result;

/* Measure c on backend b.  Always fills r (status error with a reason when the cell cannot be
 * set up); the caller frees r->samples. */
void bb_measure_cell(const bb_cell_workload *c, bb_backend *b, const bb_measure_opts *o,
		     bb_measure_result *r);

#endif
