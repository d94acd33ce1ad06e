/*
 * The reproduction program of the mixed-omp scenario: work of one OpenMP runtime followed by
 * a region of the same or of the other runtime.  It mirrors bb_scn_mixed_omp() and
 * mixed_call() in workloads/scenario_process.c: when that measurement changes, change this
 * program too.
 */
#include "common.h"
#include "omp.h"
#include "region.h"
#include "calibrate.h"

/* ---- mixed-omp ---- */

static const char *omp2_path = REPRO_OMP2_PATH; /* the other runtime */

typedef struct mixed {
	gemm *g;        /* an OpenMP BLAS's call (its own runtime's threads), or NULL */
	region *first;  /* otherwise: a region of the first runtime */
	region *second; /* then a region of the same or the other runtime */
} mixed;

static int mixed_call(void *p)
{
	mixed *o = p;
	if (o->g)
		gemm_call(o->g);
	else
		region_run(o->first);
	region_run(o->second);
	return 0;
}

int main(int argc, char **argv)
{
	static samples base, path;
	args(argc, argv);
	env_note();
	void *blas = load(blas_path);
	set_threads(blas, threads);
	/* a BLAS built on OpenMP brings a runtime: its dgemm is the first runtime's work */
	int blas_omp = dlsym(blas, "omp_get_max_threads") != NULL;
	omp rt1, rt2;
	omp_load(&rt1, omp_path);
	omp_load(&rt2, omp2_path);
	gemm g;
	gemm_init(&g, (dgemm_fn *)sym(blas, dgemm_symbol, blas_path), n, 1);
	region first = {.rt = &rt1, .threads = threads};
	region same = {.rt = &rt1, .threads = threads};
	region other = {.rt = &rt2, .threads = threads};
	double t_work = blas_omp ? time_op(gemm_call, &g, 9) : 2e-4;
	region_calibrate(&same, t_work);
	region_calibrate(&other, t_work);
	first.reps = same.reps;
	printf("mixed-omp: %s, then a region of %s (baseline) or of %s (pathology), "
	       "%d threads\n", blas_omp ? "the BLAS's dgemm" : "a region of one",
	       omp_path, omp2_path, threads);
	if (!blas_omp)
		printf("(the BLAS is not built on OpenMP: regions are the work)\n");

	mixed in_same = {blas_omp ? &g : NULL, &first, &same};
	mixed in_other = {blas_omp ? &g : NULL, &first, &other};
	for (int i = 0; i < ROUNDS; i++) {
		block(mixed_call, &in_same, &base);
		block(mixed_call, &in_other, &path);
	}
	if (check(g.f, ""))
		return 1;
	result("work + region", median(&base), median(&path));
	return 0;
}
