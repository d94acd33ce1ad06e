/*
 * The reproduction program of the omp-handover scenario: an application's OpenMP loop and a
 * dgemm timed alone, then one after the other.  It mirrors bb_scn_omp_handover() and
 * handover_call() in workloads/scenario_blas.c: when that measurement changes, change this
 * program too.
 */
#include "common.h"
#include "omp.h"
#include "region.h"
#include "calibrate.h"

/* ---- omp-handover ---- */

typedef struct handover {
	region *loop;
	gemm *g;
} handover;

static int handover_call(void *p)
{
	handover *o = p;
	region_run(o->loop);
	gemm_call(o->g);
	return 0;
}

int main(int argc, char **argv)
{
	static samples base, path, loop_t, blas_t;
	args(argc, argv);
	env_note();
	void *blas = load(blas_path);
	set_threads(blas, threads);
	omp rt;
	omp_load(&rt, omp_path);
	gemm g;
	gemm_init(&g, (dgemm_fn *)sym(blas, dgemm_symbol, blas_path), n, 1);
	/* the application's loop lasts about as long as the BLAS call */
	double t_blas = time_op(gemm_call, &g, 9);
	region loop = {.rt = &rt, .threads = threads};
	region_calibrate(&loop, t_blas);
	printf("omp-handover: %ldx%ld dgemm (%.3f ms), %d threads; a loop of %ld passes "
	       "per thread in %s\n", n, n, 1e3 * t_blas, threads, loop.reps, omp_path);
	printf("baseline: the loop and the call each timed alone; pathology: the loop "
	       "then the call\n");

	handover both = {&loop, &g};
	for (int i = 0; i < ROUNDS; i++) {
		int l0 = loop_t.n, b0 = blas_t.n;
		block(region_run, &loop, &loop_t);
		block(gemm_call, &g, &blas_t);
		/* baseline operation: one loop plus one call, each timed alone */
		for (int j = 0; l0 + j < loop_t.n && b0 + j < blas_t.n; j++)
			base.x[base.n++] = loop_t.x[l0 + j] + blas_t.x[b0 + j];
		block(handover_call, &both, &path);
	}
	if (check(g.f, ""))
		return 1;
	result("loop + call", median(&base), median(&path));
	return 0;
}
