/*
 * The scenarios about one BLAS and the threads around it: dual-pool (two copies of the
 * library, scipy#15050), omp-handover (an OpenMP loop alternating with BLAS calls,
 * OpenBLAS#3187), nested (BLAS inside an OpenMP region) and background-load (another process
 * busy on one core).  Each alternates baseline and pathology blocks `rounds` times in this one
 * process and checks the BLAS results at the end: a fast wrong answer is an error, not a
 * finding.
 *
 * Each scenario has a standalone reproduction, harness/diagnose/repro/programs/<name>.c
 * (dual-pool: dual_pool.c): when a measurement here changes, change its program too.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/number.h"
#include "workloads/scenario_internal.h"

/* ---- dual-pool ----------------------------------------------------------------------------- */

typedef struct pair_op {
	bb_scn_gemm *first, *second;
} pair_op;

static int pair_call(void *p)
{
	pair_op *o = p;
	bb_scn_gemm_call(o->first);
	bb_scn_gemm_call(o->second);
	return 0;
}

void bb_scn_dual_pool(const bb_scenario_ctx *ctx, bb_scenario_result *r)
{
	bb_scn_gemm g[2] = {0};
	bb_scn_samples base = {0}, path = {0};
	if (bb_scn_gemm_init(&g[0], ctx->b, ctx->n, 1, r->error, sizeof(r->error)) ||
	    bb_scn_gemm_init(&g[1], ctx->b2, ctx->n, 2, r->error, sizeof(r->error)))
		goto cleanup;
	pair_op same = {&g[0], &g[0]}, other = {&g[0], &g[1]};
	bb_scn_time_op(pair_call, &other, 3); /* both pools started */
	for (int i = 0; i < ctx->rounds; i++) {
		bb_scn_block(ctx, pair_call, &same, &base, &r->base_use);
		bb_scn_block(ctx, pair_call, &other, &path, &r->path_use);
	}
	if (bb_scn_gemms_check(g, 2, r))
		goto cleanup;
	if (ctx->b2 == ctx->b)
		snprintf(r->note, sizeof(r->note), "one shared copy: both callers use the same library");
	bb_scn_result_set(r, &base, &path);
cleanup:
	free(base.x);
	free(path.x);
	bb_scn_gemm_release(&g[0]);
	bb_scn_gemm_release(&g[1]);
}

/* ---- omp-handover ---------------------------------------------------------------------------- */

typedef struct handover_op {
	bb_scn_region *region;
	bb_scn_gemm *gemm;
} handover_op;

static int handover_call(void *p)
{
	handover_op *o = p;
	bb_scn_region_run(o->region);
	bb_scn_gemm_call(o->gemm);
	return 0;
}

void bb_scn_omp_handover(const bb_scenario_ctx *ctx, bb_scenario_result *r)
{
	bb_scn_gemm g = {0};
	bb_scn_samples base = {0}, path = {0}, loop = {0}, blas = {0};
	if (bb_scn_gemm_init(&g, ctx->b, ctx->n, 1, r->error, sizeof(r->error)))
		goto cleanup;
	/* the application's loop lasts about as long as the BLAS call */
	double t_blas = bb_scn_time_op(bb_scn_gemm_call, &g, 9);
	bb_scn_region region = {.rt = ctx->omp, .threads = ctx->threads};
	bb_scn_region_calibrate(&region, t_blas);
	handover_op both = {&region, &g};
	for (int i = 0; i < ctx->rounds; i++) {
		size_t l0 = loop.n, b0 = blas.n;
		bb_scn_block(ctx, bb_scn_region_run, &region, &loop, &r->base_use);
		bb_scn_block(ctx, bb_scn_gemm_call, &g, &blas, &r->base_use);
		/* baseline op = one loop + one call, each measured alone */
		for (size_t j = 0; l0 + j < loop.n && b0 + j < blas.n; j++)
			bb_scn_samples_add(&base, loop.x[l0 + j] + blas.x[b0 + j]);
		bb_scn_block(ctx, handover_call, &both, &path, &r->path_use);
	}
	if (bb_scn_gemms_check(&g, 1, r))
		goto cleanup;
	snprintf(r->note, sizeof(r->note),
		 "OpenMP loop of %ld passes per thread, sized to the BLAS call (%.3g ms)", region.reps,
		 1e3 * t_blas);
	bb_scn_result_set(r, &base, &path);
cleanup:
	free(base.x);
	free(path.x);
	free(loop.x);
	free(blas.x);
	bb_scn_gemm_release(&g);
}

/* ---- nested ------------------------------------------------------------------------------------ */

#define NESTED_MAX 64

typedef struct nested_op {
	const bb_scenario_ctx *ctx;
	bb_scn_gemm *g;
	int count;
} nested_op;

static int nested_serial(void *p)
{
	nested_op *o = p;
	for (int i = 0; i < o->count; i++)
		bb_scn_gemm_call(&o->g[i]);
	return 0;
}

static void nested_body(void *p)
{
	nested_op *o = p;
	int me = bb_omp_thread_num(o->ctx->omp);
	if (me < o->count)
		bb_scn_gemm_call(&o->g[me]);
}

static int nested_region(void *p)
{
	nested_op *o = p;
	bb_omp_parallel(o->ctx->omp, o->count, nested_body, o);
	return 0;
}

void bb_scn_nested(const bb_scenario_ctx *ctx, bb_scenario_result *r)
{
	int count = ctx->threads < NESTED_MAX ? ctx->threads : NESTED_MAX;
	int inner = ctx->inner_threads > 0 ? ctx->inner_threads : ctx->threads;
	bb_scn_gemm g[NESTED_MAX] = {{0}};
	bb_scn_samples base = {0}, path = {0};
	for (int i = 0; i < count; i++)
		if (bb_scn_gemm_init(&g[i], ctx->b, ctx->n, (unsigned long long)i + 1, r->error,
				     sizeof(r->error)))
			goto cleanup;
	nested_op op = {ctx, g, count};
	for (int i = 0; i < ctx->rounds; i++) {
		bb_backend_set_threads(ctx->b, ctx->threads);
		bb_scn_block(ctx, nested_serial, &op, &base, &r->base_use);
		bb_backend_set_threads(ctx->b, inner);
		bb_scn_block(ctx, nested_region, &op, &path, &r->path_use);
	}
	bb_backend_set_threads(ctx->b, ctx->threads);
	if (bb_scn_gemms_check(g, count, r))
		goto cleanup;
	snprintf(r->note, sizeof(r->note), "%d OpenMP thread%s x %d BLAS thread%s on %d core%s", count,
		 bb_plural(count), inner, bb_plural(inner), ctx->threads, bb_plural(ctx->threads));
	bb_scn_result_set(r, &base, &path);
cleanup:
	free(base.x);
	free(path.x);
	for (int i = 0; i < count; i++)
		bb_scn_gemm_release(&g[i]);
}

/* ---- background-load ----------------------------------------------------------------------------- */

/* A child process that spins on one core until killed; -1 on failure. */
static pid_t spinner_start(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* dies with the worker, which dies with its controller (harness/worker) */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(1);
		volatile unsigned long x = 0;
		for (;;)
			x++;
	}
	return pid;
}

static void spinner_stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

void bb_scn_background_load(const bb_scenario_ctx *ctx, bb_scenario_result *r)
{
	bb_scn_gemm g = {0};
	bb_scn_samples base = {0}, path = {0};
	if (bb_scn_gemm_init(&g, ctx->b, ctx->n, 1, r->error, sizeof(r->error)))
		goto cleanup;
	bb_scn_time_op(bb_scn_gemm_call, &g, 3);
	for (int i = 0; i < ctx->rounds; i++) {
		bb_scn_block(ctx, bb_scn_gemm_call, &g, &base, &r->base_use);
		pid_t spinner = spinner_start();
		if (spinner < 0) {
			snprintf(r->error, sizeof(r->error), "cannot start the busy process");
			goto cleanup;
		}
		bb_scn_block(ctx, bb_scn_gemm_call, &g, &path, &r->path_use);
		spinner_stop(spinner);
	}
	if (bb_scn_gemms_check(&g, 1, r))
		goto cleanup;
	int threads = bb_backend_get_threads(ctx->b);
	snprintf(r->note, sizeof(r->note), "one other process spinning; the BLAS uses %d thread%s",
		 threads, bb_plural(threads));
	bb_scn_result_set(r, &base, &path);
cleanup:
	free(base.x);
	free(path.x);
	bb_scn_gemm_release(&g);
}
