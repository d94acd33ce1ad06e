/*
 * An application's own parallel loop, for the programs that run one (after common.h and
 * omp.h).  It mirrors region_body() and bb_scn_region_run() in workloads/scenario.c.
 */

/* An application's own parallel loop: each of `threads` threads makes `reps` passes
 * over a private 16 KiB array (in L1: the loop competes for cores, not memory). */
enum { REGION_DOUBLES = 2048 };
typedef struct region {
	omp *rt;
	int threads;
	long reps;
	volatile double sink[64];
} region;

static void region_body(void *p)
{
	region *r = p;
	double a[REGION_DOUBLES], s = 0;
	int me = r->rt->thread_num();
	for (int i = 0; i < REGION_DOUBLES; i++)
		a[i] = 1.0 + 1e-3 * (i + me);
	for (long k = 0; k < r->reps; k++)
		for (int i = 0; i < REGION_DOUBLES; i++)
			s += a[i] * a[(i + k) & (REGION_DOUBLES - 1)];
	r->sink[me & 63] = s;
}

static int region_run(void *p)
{
	region *r = p;
	r->rt->parallel(region_body, r, (unsigned)r->threads, 0);
	return 0;
}
