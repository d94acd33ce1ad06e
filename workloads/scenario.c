/*
 * The scenario list (scenarios.def) and what every scenario uses: timed blocks of operations
 * with the process's CPU time and context switches around them, a checked dgemm on a backend,
 * and an OpenMP region of a calibrated length.  Times are CLOCK_MONOTONIC per operation; the
 * resource use is getrusage(RUSAGE_SELF), which covers every thread of the process (a pool
 * spinning in the background shows up as CPU time, not as wall time).
 */
#include "workloads/scenario_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/stats.h"
#include "common/suggest.h"

static const bb_scenario scenarios[] = {
#define BB_SCENARIO(name, fn, needs, size, summary, base, path, mech, mit, ref)                    \
	{name, needs, size, summary, base, path, mech, mit, ref, fn},
#include "workloads/scenarios.def"
#undef BB_SCENARIO
};
#define N_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

size_t bb_scenario_count(void) { return N_SCENARIOS; }
const bb_scenario *bb_scenario_at(size_t i) { return i < N_SCENARIOS ? &scenarios[i] : NULL; }

const bb_scenario *bb_scenario_find(const char *name)
{
	for (size_t i = 0; i < N_SCENARIOS; i++)
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	return NULL;
}

const char *bb_scenario_suggest(const char *name)
{
	const char *names[N_SCENARIOS];
	for (size_t i = 0; i < N_SCENARIOS; i++)
		names[i] = scenarios[i].name;
	return bb_closest_name(name, names, (int)N_SCENARIOS);
}

void bb_scn_in_controller(const bb_scenario_ctx *ctx, bb_scenario_result *r)
{
	(void)ctx;
	snprintf(r->error, sizeof(r->error), "this scenario runs in the controller, not a worker");
}

void bb_scenario_run(const bb_scenario *s, const bb_scenario_ctx *ctx, bb_scenario_result *r)
{
	memset(r, 0, sizeof(*r));
	s->run(ctx, r);
}

void bb_scenario_result_release(bb_scenario_result *r)
{
	free(r->base);
	free(r->path);
	memset(r, 0, sizeof(*r));
}

/* ---- timing ---------------------------------------------------------------------------- */

void bb_scn_sleep(double s)
{
	if (s <= 0)
		return;
	struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
	while (nanosleep(&ts, &ts))
		;
}

void bb_scn_samples_add(bb_scn_samples *s, double v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->x = bb_xrealloc(s->x, s->cap * sizeof(*s->x));
	}
	s->x[s->n++] = v;
}

static double tv_s(struct timeval tv) { return (double)tv.tv_sec + 1e-6 * (double)tv.tv_usec; }

int bb_scn_block(const bb_scenario_ctx *ctx, bb_scn_op op, void *arg, bb_scn_samples *out,
		 bb_scn_usage *use)
{
	bb_scn_sleep(ctx->settle_s);
	struct rusage r0, r1;
	getrusage(RUSAGE_SELF, &r0);
	double start = bb_now(), t = start;
	int rc = 0;
	long ops = 0;
	while (ops < 20000 && (ops < 3 || t - start < ctx->block_s)) {
		double t0 = bb_now();
		if (op(arg)) {
			rc = -1;
			break;
		}
		t = bb_now();
		bb_scn_samples_add(out, t - t0);
		ops++;
	}
	getrusage(RUSAGE_SELF, &r1);
	use->wall_s += bb_now() - start;
	use->cpu_s += tv_s(r1.ru_utime) + tv_s(r1.ru_stime) - tv_s(r0.ru_utime) - tv_s(r0.ru_stime);
	use->vcsw += r1.ru_nvcsw - r0.ru_nvcsw;
	use->ivcsw += r1.ru_nivcsw - r0.ru_nivcsw;
	use->ops += ops;
	return rc;
}

double bb_scn_time_op(bb_scn_op op, void *arg, int calls)
{
	double t[16];
	if (calls > 16)
		calls = 16;
	for (int i = 0; i < calls; i++) {
		double t0 = bb_now();
		op(arg);
		t[i] = bb_now() - t0;
	}
	return bb_median(t, (size_t)calls);
}

void bb_scn_result_set(bb_scenario_result *r, bb_scn_samples *base, bb_scn_samples *path)
{
	r->base = base->x;
	r->n_base = base->n;
	r->path = path->x;
	r->n_path = path->n;
	memset(base, 0, sizeof(*base));
	memset(path, 0, sizeof(*path));
}

/* ---- a dgemm on one backend -------------------------------------------------------------- */

int bb_scn_gemm_init(bb_scn_gemm *g, bb_backend *b, long n, unsigned long long seed, char *err,
		     size_t errlen)
{
	return bb_scn_gemm_init_prec(g, b, 'd', n, seed, err, errlen);
}

int bb_scn_gemm_init_prec(bb_scn_gemm *g, bb_backend *b, char prec, long n,
			  unsigned long long seed, char *err, size_t errlen)
{
	memset(g, 0, sizeof(*g));
	g->b = b;
	char spec[64];
	snprintf(spec, sizeof(spec), "%cgemm:n=%ld", prec, n);
	bb_cell_workload *cw = NULL;
	size_t ncw = 0;
	if (bb_workload_specs_expand(spec, NULL, &cw, &ncw, err, errlen))
		return -1;
	if (!bb_backend_abi_known(b, cw[0].w->routine[bb_prec_index(prec)])) {
		snprintf(err, errlen, "the backend has no %cgemm with a known ABI", prec);
		free(cw);
		return -1;
	}
	g->in = bb_instance_create(cw[0].w, prec, &cw[0].shape, b, 1, seed, err, errlen);
	free(cw);
	return g->in ? 0 : -1;
}

int bb_scn_gemm_call(void *p)
{
	bb_scn_gemm *g = p;
	bb_instance_run(g->in, 0);
	return 0;
}

int bb_scn_gemm_check(bb_scn_gemm *g, char *err, size_t errlen)
{
	double residual;
	char why[256] = "";
	if (bb_instance_check(g->in, &residual, why, sizeof(why)) == 0)
		return 0;
	snprintf(err, errlen, "dgemm gave a wrong result during the scenario: %s", why);
	return -1;
}

int bb_scn_gemms_check(bb_scn_gemm *g, int n, bb_scenario_result *r)
{
	for (int i = 0; i < n; i++)
		if (g[i].in && bb_scn_gemm_check(&g[i], r->error, sizeof(r->error))) {
			r->wrong = 1;
			return -1;
		}
	return 0;
}

void bb_scn_gemm_release(bb_scn_gemm *g)
{
	if (g->in)
		bb_instance_destroy(g->in);
	memset(g, 0, sizeof(*g));
}

/* ---- an OpenMP region of calibrated length ----------------------------------------------- */

#define REGION_DOUBLES 2048 /* 16 KiB per thread: stays in L1 */

static void region_body(void *p)
{
	bb_scn_region *r = p;
	double a[REGION_DOUBLES];
	int me = bb_omp_thread_num(r->rt);
	for (int i = 0; i < REGION_DOUBLES; i++)
		a[i] = 1.0 + 1e-3 * (i + me);
	double s = 0;
	for (long k = 0; k < r->reps; k++)
		for (int i = 0; i < REGION_DOUBLES; i++)
			s += a[i] * a[(i + k) & (REGION_DOUBLES - 1)];
	r->sink[me & 63] = s;
}

int bb_scn_region_run(void *p)
{
	bb_scn_region *r = p;
	bb_omp_parallel(r->rt, r->threads, region_body, r);
	return 0;
}

void bb_scn_region_calibrate(bb_scn_region *r, double target_s)
{
	r->reps = 1;
	for (int i = 0; i < 24; i++) {
		double t = bb_scn_time_op(bb_scn_region_run, r, 5);
		if (t >= 0.9 * target_s || r->reps > (1L << 24))
			break;
		long next = t > 0 ? (long)((double)r->reps * target_s / t) : r->reps * 8;
		r->reps = next > 8 * r->reps ? 8 * r->reps : (next > r->reps ? next : r->reps + 1);
	}
}
