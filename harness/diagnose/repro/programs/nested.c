/*
 * The reproduction program of the nested scenario: dgemm calls one after the other, then one
 * from each thread of an OpenMP region.  It mirrors bb_scn_nested(), nested_serial(),
 * nested_body() and nested_region() in workloads/scenario_blas.c: when that measurement
 * changes, change this program too.
 */
#include "common.h"
#include "omp.h"

/* ---- nested ---- */

enum { MAX_TEAM = 64 };
typedef struct team {
	omp *rt;
	gemm *g;
	int count;
} team;

static int serial_calls(void *p)
{
	team *t = p;
	for (int i = 0; i < t->count; i++)
		gemm_call(&t->g[i]);
	return 0;
}

static void team_body(void *p)
{
	team *t = p;
	int me = t->rt->thread_num();
	if (me < t->count)
		gemm_call(&t->g[me]);
}

static int team_region(void *p)
{
	team *t = p;
	t->rt->parallel(team_body, t, (unsigned)t->count, 0);
	return 0;
}

int main(int argc, char **argv)
{
	static samples base, path;
	static gemm g[MAX_TEAM];
	args(argc, argv);
	env_note();
	void *blas = load(blas_path);
	set_threads(blas, threads);
	omp rt;
	omp_load(&rt, omp_path);
	dgemm_fn *f = (dgemm_fn *)sym(blas, dgemm_symbol, blas_path);
	int count = threads < MAX_TEAM ? threads : MAX_TEAM;
	for (int i = 0; i < count; i++)
		gemm_init(&g[i], f, n, (unsigned)i + 1);
	printf("nested: %d OpenMP threads of %s each call a %ldx%ld dgemm with %d "
	       "BLAS threads, on %d cores\n", count, omp_path, n, n, threads, threads);
	printf("baseline: the same calls one after the other, outside any region\n");

	team t = {&rt, g, count};
	for (int i = 0; i < ROUNDS; i++) {
		block(serial_calls, &t, &base);
		block(team_region, &t, &path);
	}
	if (check(f, ""))
		return 1;
	result("all calls", median(&base), median(&path));
	return 0;
}
