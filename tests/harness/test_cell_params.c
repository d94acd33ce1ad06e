/* A cell's parameters: oversubscription is threads above a known core count, the wait-policy
 * knobs come from the spec before the environment, the JSON object leaves out what does not
 * apply, and the co-loaded runtime is described against the backend's. */
#include <stdlib.h>
#include <string.h>

#include "harness/engine/cell_params.h"
#include "test_util.h"

static void check_oversubscribed(void)
{
	BB_CHECK(bb_cell_oversubscribed(4, 2));
	BB_CHECK(!bb_cell_oversubscribed(2, 2));
	BB_CHECK(!bb_cell_oversubscribed(1, 2));
	BB_CHECK(!bb_cell_oversubscribed(64, 0)); /* cores unknown: no claim */
}

static void check_wait_env(void)
{
	unsetenv("OMP_WAIT_POLICY");
	unsetenv("GOMP_SPINCOUNT");
	unsetenv("OPENBLAS_THREAD_TIMEOUT");
	unsetenv("KMP_BLOCKTIME");
	bb_cell_params p = {0};
	bb_cell_wait_env(NULL, &p);
	BB_CHECK_INT(p.n_env, 0);

	setenv("OMP_WAIT_POLICY", "active", 1);
	setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1);
	bb_cell_wait_env(NULL, &p);
	BB_CHECK_INT(p.n_env, 2);
	BB_CHECK_STR(p.env[0].name, "OMP_WAIT_POLICY");
	BB_CHECK_STR(p.env[0].value, "active");
	BB_CHECK_STR(p.env[1].name, "OPENBLAS_THREAD_TIMEOUT");

	/* the spec's own pairs win (the worker sets them after inheriting ours); the last wins;
	 * variables that are not wait-policy knobs are not recorded here */
	bb_env_var env[] = {{"OMP_WAIT_POLICY", "active"}, {"KMP_BLOCKTIME", "0"},
			    {"OPENBLAS_CORETYPE", "Haswell"}, {"OMP_WAIT_POLICY", "passive"}};
	bb_backend_spec spec = {.env = env, .n_env = 4};
	bb_cell_wait_env(&spec, &p);
	BB_CHECK_INT(p.n_env, 3);
	BB_CHECK_STR(p.env[0].value, "passive");
	BB_CHECK_STR(p.env[1].name, "OPENBLAS_THREAD_TIMEOUT");
	BB_CHECK_STR(p.env[2].name, "KMP_BLOCKTIME");
	BB_CHECK_STR(p.env[2].value, "0");
	unsetenv("OMP_WAIT_POLICY");
	unsetenv("OPENBLAS_THREAD_TIMEOUT");
}

static void check_json(void)
{
	/* as before --omp existed: only what applies */
	bb_cell_params p = {.threads = 2, .passes = 3, .cores = 2, .omp_shared = -1};
	char *j = bb_cell_params_json(&p);
	BB_CHECK_STR(j, "{\"threads\":2,\"passes\":3}");
	free(j);

	p.threads = 4;
	p.omp = "llvm";
	p.omp_realpath = "/usr/lib/libomp.so.5";
	p.omp_shared = 0;
	p.env[0] = (bb_env_var){"OMP_WAIT_POLICY", "passive"};
	p.n_env = 1;
	j = bb_cell_params_json(&p);
	BB_CHECK_STR(j, "{\"threads\":4,\"passes\":3,\"oversubscribed\":true,\"cores\":2,"
			"\"omp\":\"llvm\",\"omp_realpath\":\"/usr/lib/libomp.so.5\",\"omp_shared\":false,"
			"\"env\":{\"OMP_WAIT_POLICY\":\"passive\"}}");
	free(j);

	/* a runtime that never loaded: its name, nothing claimed about it */
	bb_cell_params q = {.threads = 1, .omp = "/lib/libm.so.6", .omp_shared = -1};
	j = bb_cell_params_json(&q);
	BB_CHECK_STR(j, "{\"threads\":1,\"passes\":0,\"omp\":\"/lib/libm.so.6\"}");
	free(j);
}

static void check_describe(void)
{
	char buf[160];
	bb_cell_omp_describe("llvm", "libgomp.so.1", 1, 0, 0, buf, sizeof(buf));
	BB_CHECK_STR(buf, "omp=llvm (backend links libgomp.so.1: two runtimes)");
	bb_cell_omp_describe("gomp", "libgomp.so.1", 1, 1, 0, buf, sizeof(buf));
	BB_CHECK_STR(buf, "omp=gomp (backend links libgomp.so.1: one shared copy)");
	bb_cell_omp_describe("gomp", NULL, 1, 0, 0, buf, sizeof(buf));
	BB_CHECK_STR(buf, "omp=gomp (backend links no OpenMP runtime)");
	bb_cell_omp_describe("gomp", NULL, 0, -1, 0, buf, sizeof(buf));
	BB_CHECK_STR(buf, "omp=gomp");
	bb_cell_omp_describe("llvm", "libgomp.so.1", 1, 0, 1, buf, sizeof(buf));
	BB_CHECK_STR(buf, "llvm (2 runtimes)");
	bb_cell_omp_describe("gomp", "libgomp.so.1", 1, 1, 1, buf, sizeof(buf));
	BB_CHECK_STR(buf, "gomp (shared)");
	bb_cell_omp_describe("gomp", NULL, 1, 0, 1, buf, sizeof(buf));
	BB_CHECK_STR(buf, "gomp");
	/* a short buffer truncates, never overruns */
	char small[8];
	bb_cell_omp_describe("llvm", "libgomp.so.1", 1, 0, 0, small, sizeof(small));
	BB_CHECK_STR(small, "omp=llv");
}

int main(void)
{
	check_oversubscribed();
	check_wait_env();
	check_json();
	check_describe();
	return bb_test_done();
}
