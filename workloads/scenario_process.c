/*
 * The scenarios about OpenMP runtimes in one process: mixed-omp (GCC libgomp and LLVM libomp
 * both running regions) and fork (parallel work in a child forked after the parent ran a
 * parallel region, pytorch#17199).  A child that never finishes is killed at the timeout and
 * counted: the hang is the finding, not a failure of the harness.
 *
 * Each scenario has a standalone reproduction, harness/diagnose/repro/programs/<name>.c
 * (mixed-omp: mixed_omp.c): when a measurement here changes, change its program too.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "workloads/scenario_internal.h"

/* ---- mixed-omp ------------------------------------------------------------------------------ */

typedef struct mixed_op {
	bb_scn_gemm *gemm;      /* the backend's call (its own runtime's threads), or NULL */
	bb_scn_region *first;   /* without a threaded backend: a region of the first runtime */
	bb_scn_region *second;  /* then a region of the same or the other runtime */
} mixed_op;

static int mixed_call(void *p)
{
	mixed_op *o = p;
	if (o->gemm)
		bb_scn_gemm_call(o->gemm);
	else
		bb_scn_region_run(o->first);
	bb_scn_region_run(o->second);
	return 0;
}

void bb_scn_mixed_omp(const bb_scenario_ctx *ctx, bb_scenario_result *r)
{
	bb_scn_gemm g = {0};
	bb_scn_samples base = {0}, path = {0};
	/* a backend built on OpenMP is the first runtime's work itself; otherwise regions are */
	int use_blas = ctx->b->threading && !strcmp(ctx->b->threading, "openmp");
	if (use_blas && bb_scn_gemm_init(&g, ctx->b, ctx->n, 1, r->error, sizeof(r->error)))
		goto cleanup;
	bb_scn_region same = {.rt = ctx->omp, .threads = ctx->threads};
	bb_scn_region other = {.rt = ctx->omp2, .threads = ctx->threads};
	bb_scn_region first = same;
	double t_work = use_blas ? bb_scn_time_op(bb_scn_gemm_call, &g, 9) : 2e-4;
	bb_scn_region_calibrate(&same, t_work);
	bb_scn_region_calibrate(&other, t_work);
	first.reps = same.reps;
	mixed_op in_same = {use_blas ? &g : NULL, &first, &same};
	mixed_op in_other = {use_blas ? &g : NULL, &first, &other};
	for (int i = 0; i < ctx->rounds; i++) {
		bb_scn_block(ctx, mixed_call, &in_same, &base, &r->base_use);
		bb_scn_block(ctx, mixed_call, &in_other, &path, &r->path_use);
	}
	if (use_blas && bb_scn_gemms_check(&g, 1, r))
		goto cleanup;
	snprintf(r->note, sizeof(r->note), "%s, then a region of %s (baseline) or %s",
		 use_blas ? "the backend's dgemm" : "a region", ctx->omp->name, ctx->omp2->name);
	bb_scn_result_set(r, &base, &path);
cleanup:
	free(base.x);
	free(path.x);
	bb_scn_gemm_release(&g);
}

/* ---- fork --------------------------------------------------------------------------------------- */

typedef struct fork_op {
	const bb_scenario_ctx *ctx;
	bb_scn_gemm *gemm;
	bb_scn_region *region;
	bb_scenario_result *r;
	int stop_after_hang;
} fork_op;

/* Fork a child that makes one BLAS call and runs one region, and wait for it until the
 * timeout.  The op's time is fork to reap; a hung child is killed and counted. */
static int fork_call(void *p)
{
	fork_op *o = p;
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(o->r->error, sizeof(o->r->error), "fork failed: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* dies with the worker, which dies with its controller (harness/worker) */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(1);
		bb_scn_gemm_call(o->gemm);
		bb_scn_region_run(o->region);
		_exit(0);
	}
	double deadline = bb_now() + o->ctx->fork_timeout_s;
	int status = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (bb_now() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			o->r->hung = 1;
			o->r->hung_children++;
			return o->stop_after_hang ? -1 : 0;
		}
		bb_scn_sleep(1e-3);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(o->r->error, sizeof(o->r->error), "the forked child %s %d",
			 WIFSIGNALED(status) ? "died of signal" : "exited with status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

void bb_scn_fork(const bb_scenario_ctx *ctx, bb_scenario_result *r)
{
	bb_scn_gemm g = {0};
	bb_scn_samples base = {0}, path = {0};
	if (bb_scn_gemm_init(&g, ctx->b, ctx->n, 1, r->error, sizeof(r->error)))
		goto cleanup;
	bb_scn_region region = {.rt = ctx->omp, .threads = ctx->threads, .reps = 64};
	fork_op op = {ctx, &g, &region, r, 1};
	/* every baseline child is forked before the parent has run anything in parallel: once
	 * the parent has, every later fork is "after", so the blocks cannot alternate */
	bb_scenario_ctx short_ctx = *ctx;
	short_ctx.block_s = ctx->block_s * ctx->rounds;
	if (bb_scn_block(&short_ctx, fork_call, &op, &base, &r->base_use) && r->error[0])
		goto cleanup;
	bb_scn_gemm_call(&g);
	bb_scn_region_run(&region);
	short_ctx.settle_s = 0; /* the point is to fork while the pools are fresh */
	if (bb_scn_block(&short_ctx, fork_call, &op, &path, &r->path_use) && r->error[0])
		goto cleanup;
	if (r->hung)
		snprintf(r->note, sizeof(r->note),
			 "a child forked after the parent's parallel work did not finish within %.0f s "
			 "and was killed",
			 ctx->fork_timeout_s);
	else
		snprintf(r->note, sizeof(r->note), "%zu children forked after parallel work, all finished",
			 path.n);
	bb_scn_result_set(r, &base, &path);
cleanup:
	free(base.x);
	free(path.x);
	bb_scn_gemm_release(&g);
}
