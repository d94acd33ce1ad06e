/*
 * The measurement loop of a cell (see measure.h).  Timing uses bb_now(); everything
 * that is not the library's call (input rebuilding for in-place routines, statistics) stays
 * outside the timed region.
 */
#include "harness/worker/measure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/error.h"

void bb_measure_opts_default(bb_measure_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->target_rel = 0.01;
	o->budget_s = 1.0;
	o->min_sample_s = 1e-3;
	o->min_samples = 5;
	o->max_samples = 2000;
	o->max_copy_bytes = (size_t)256 << 20;
	o->counters = BB_COUNTERS_ALL;
	o->seed = 20261122;
}

/* One timed sample: `calls` calls, on copies 0..calls-1 for in-place routines; seconds per
 * call.  With a hook, the hook runs before each call and only the calls are timed. */
static double timed_sample(bb_instance *in, int calls, int in_place, const bb_measure_opts *o)
{
	if (in_place)
		bb_instance_reset(in);
	if (!o->between) {
		double t0 = bb_now();
		for (int i = 0; i < calls; i++)
			bb_instance_run(in, in_place ? i : 0);
		return (bb_now() - t0) / calls;
	}
	double sum = 0;
	for (int i = 0; i < calls; i++) {
		o->between(o->between_arg);
		double t0 = bb_now();
		bb_instance_run(in, in_place ? i : 0);
		sum += bb_now() - t0;
	}
	return sum / calls;
}

void bb_measure_cell(const bb_cell_workload *c, bb_backend *b, const bb_measure_opts *o,
		     bb_measure_result *r)
{
	memset(r, 0, sizeof(*r));
	r->residual = NAN;
	bb_stats_compute(NULL, 0, &r->stats);
	const bb_workload *w = c->w;
	char err[256] = "";
	bb_routine routine = w->routine[bb_prec_index(c->prec)];
	if (routine == BB_ROUTINE_COUNT || !b->slots[routine].supported) {
		r->status = BB_CELL_SKIPPED;
		snprintf(r->error, sizeof(r->error), "backend has no %s",
			 bb_workload_routine_name(w, c->prec) ? bb_workload_routine_name(w, c->prec) : "such routine");
		return;
	}
	bb_instance *in = bb_instance_create(w, c->prec, &c->shape, b, 1, o->seed, err, sizeof(err));
	if (!in) {
		r->status = BB_CELL_ERROR;
		snprintf(r->error, sizeof(r->error), "%s", err[0] ? err : "cannot set up the workload");
		return;
	}

	/* warm-up: the first call pays for page faults, thread-pool start and kernel selection */
	bb_instance_reset(in);
	double single = timed_sample(in, 1, w->in_place, o);
	if (single < 0.25) {
		double again = timed_sample(in, 1, w->in_place, o);
		single = again < single ? again : single;
	}
	int calls = 1;
	if (single > 0 && single < o->min_sample_s) {
		double want = ceil(o->min_sample_s / single);
		calls = want > 1e6 ? 1000000 : (int)want;
	}
	if (w->in_place && calls > 1) {
		/* one input copy per call of a batch, within the memory allowed */
		double per_copy = w->bytes(c->prec, &c->shape);
		long fit = per_copy > 0 ? (long)((double)o->max_copy_bytes / per_copy) : calls;
		if (fit < calls)
			calls = fit < 1 ? 1 : (int)fit;
		if (calls > 1) {
			bb_instance_destroy(in);
			in = bb_instance_create(w, c->prec, &c->shape, b, calls, o->seed, err, sizeof(err));
			if (!in) {
				r->status = BB_CELL_ERROR;
				snprintf(r->error, sizeof(r->error), "%s", err);
				return;
			}
			timed_sample(in, calls, 1, o); /* warm the new copies */
		}
	}
	r->calls_per_sample = calls;

	bb_counters ctr;
	bb_counters_open(&ctr, o->counters);
	bb_counters_start(&ctr);
	size_t cap = 64;
	r->samples = bb_xmalloc(cap * sizeof(double));
	double start = bb_now();
	for (;;) {
		if (r->n_samples == cap) {
			cap *= 2;
			r->samples = bb_xrealloc(r->samples, cap * sizeof(double));
		}
		r->samples[r->n_samples++] = timed_sample(in, calls, w->in_place, o);
		double spent = bb_now() - start;
		if ((int)r->n_samples >= o->max_samples)
			break;
		if ((int)r->n_samples >= o->min_samples) {
			bb_stats_compute(r->samples, r->n_samples, &r->stats);
			if (bb_stats_converged(&r->stats, o->target_rel))
				break;
		}
		/* out of budget: stop, keeping at least 3 samples unless a sample alone is huge */
		if (spent >= o->budget_s && (r->n_samples >= 3 || spent >= 3 * o->budget_s))
			break;
	}
	bb_counters_stop(&ctr, &r->counters);
	const char *note = bb_counters_note(&ctr);
	snprintf(r->counters_note, sizeof(r->counters_note), "%s", note ? note : "");
	bb_counters_close(&ctr);
	bb_stats_compute(r->samples, r->n_samples, &r->stats);

	char why[256] = "";
	if (bb_instance_check(in, &r->residual, why, sizeof(why)) != 0) {
		r->status = BB_CELL_WRONG;
		snprintf(r->error, sizeof(r->error), "%s", why[0] ? why : "result failed its check");
	} else {
		r->status = BB_CELL_OK;
	}
	bb_instance_destroy(in);
}
