/* The OpenMP runtime loader: GCC libgomp and LLVM libomp load side by side in one process,
 * each runs a parallel region of the size asked for, a mistyped name is refused with a
 * suggestion, and Intel's runtime answers to "intel" and its alias "iomp" (loading libiomp5
 * from the wheel is tests/backends/test_mkl.sh's). */
#include <stdatomic.h>
#include <string.h>

#include "backends/omp_runtime.h"
#include "test_util.h"

typedef struct region {
	const bb_omp_runtime *rt;
	atomic_int seen_mask;
	atomic_int calls;
} region;

static void body(void *p)
{
	region *r = p;
	atomic_fetch_or(&r->seen_mask, 1 << bb_omp_thread_num(r->rt));
	atomic_fetch_add(&r->calls, 1);
}

static void check_runtime(const char *name, const char *file_part)
{
	char err[512];
	bb_omp_runtime rt;
	BB_CHECK(bb_omp_load(&rt, name, err, sizeof(err)) == 0);
	if (!rt.handle) {
		fprintf(stderr, "  %s: %s\n", name, err);
		return;
	}
	BB_CHECK(strstr(rt.realpath, file_part) != NULL);
	region r = {.rt = &rt};
	bb_omp_parallel(&rt, 2, body, &r);
	BB_CHECK_INT(atomic_load(&r.calls), 2);
	BB_CHECK_INT(atomic_load(&r.seen_mask), 3);
	/* a region of 1 runs on the caller only */
	region one = {.rt = &rt};
	bb_omp_parallel(&rt, 1, body, &one);
	BB_CHECK_INT(atomic_load(&one.calls), 1);
	bb_omp_release(&rt);
}

int main(void)
{
	char err[512];
	check_runtime("gomp", "libgomp");
	check_runtime("llvm", "libomp");

	BB_CHECK(bb_omp_name_check("gomp", err, sizeof(err)) == 0);
	BB_CHECK(bb_omp_name_check("none", err, sizeof(err)) == 0);
	BB_CHECK(bb_omp_name_check("/opt/x/libiomp5.so", err, sizeof(err)) == 0);
	BB_CHECK(bb_omp_name_check("gmop", err, sizeof(err)) == -1);
	BB_CHECK(strstr(err, "did you mean 'gomp'") != NULL);
	/* Intel's runtime: "intel", and "iomp" kept as its alias (filed under "intel") */
	BB_CHECK(bb_omp_name_check("intel", err, sizeof(err)) == 0);
	BB_CHECK(bb_omp_name_check("iomp", err, sizeof(err)) == 0);
	BB_CHECK(strcmp(bb_omp_canonical("iomp"), "intel") == 0);
	BB_CHECK(strcmp(bb_omp_canonical("gomp"), "gomp") == 0);
	BB_CHECK(bb_omp_name_check("intle", err, sizeof(err)) == -1);
	BB_CHECK(strstr(err, "did you mean 'intel'") != NULL);
	BB_CHECK(strstr(bb_omp_names(), "iomp = intel") != NULL);

	bb_omp_runtime rt;
	BB_CHECK(bb_omp_load(&rt, "/nonexistent/libgomp.so.1", err, sizeof(err)) == -1);
	BB_CHECK(strstr(err, "cannot load OpenMP runtime") != NULL);
	BB_CHECK(rt.handle == NULL);
	/* a library without the entry points is refused, not half-driven */
	BB_CHECK(bb_omp_load(&rt, "libm.so.6", err, sizeof(err)) == -1);
	return bb_test_done();
}
