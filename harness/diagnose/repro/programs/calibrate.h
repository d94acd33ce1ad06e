/*
 * Sizing an application's loop to a given time (after region.h).  It mirrors
 * bb_scn_time_op() and bb_scn_region_calibrate() in workloads/scenario.c.
 */

/* Median time of a few calls of op (warm-up and sizing). */
static double time_op(op_fn *op, void *arg, int calls)
{
	samples *s = calloc(1, sizeof(samples));
	if (!s)
		exit(2);
	for (int i = 0; i < calls; i++) {
		double t0 = now();
		op(arg);
		s->x[s->n++] = now() - t0;
	}
	double m = median(s);
	free(s);
	return m;
}

/* Choose reps so that one region lasts about target_s on this runtime. */
static void region_calibrate(region *r, double target_s)
{
	r->reps = 1;
	for (int i = 0; i < 24; i++) {
		double t = time_op(region_run, r, 5);
		if (t >= 0.9 * target_s || r->reps > (1L << 24))
			break;
		long next = t > 0 ? (long)((double)r->reps * target_s / t) : r->reps * 8;
		r->reps = next > 8 * r->reps ? 8 * r->reps : (next > r->reps ? next : r->reps + 1);
	}
}
