/*
 * OpenMP regions through GOMP_parallel, for the programs that run any (after common.h): the
 * runtime's path and the two entry points they call, as bb_omp_parallel() and
 * bb_omp_thread_num() in backends/omp_runtime.c call them for the scenarios.
 */

/* ---- OpenMP regions through GOMP_parallel: GCC-compiled code calls it for
 * `#pragma omp parallel`, and both GCC libgomp and LLVM libomp export it, so one
 * program drives either runtime without -fopenmp ---- */

typedef void gomp_parallel_fn(void (*fn)(void *), void *data, unsigned nthreads,
			      unsigned flags);
static const char *omp_path = REPRO_OMP_PATH; /* the application's OpenMP runtime */


typedef struct omp {
	gomp_parallel_fn *parallel;
	int (*thread_num)(void);
} omp;

static void omp_load(omp *rt, const char *path)
{
	void *h = load(path);
	rt->parallel = (gomp_parallel_fn *)sym(h, "GOMP_parallel", path);
	rt->thread_num = (int (*)(void))sym(h, "omp_get_thread_num", path);
}
