/*
 * Peak FLOP/s measurement: calibrates, times and repeats the FMA-throughput loops of
 * kernels/peak_kernels.h on one core and on all cores, keeps the spread of the repeats and what
 * else used the CPUs meanwhile (/proc/stat), and presents the result as a table or JSON.  See
 * harness/host/peak/peak.h for the contract; whether a measurement can be trusted is peak_judge.c.
 */
#include "harness/host/peak/peak.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "build_config.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/number.h"
#include "kernels/peak_kernels.h"

#define PEAK_REPEATS 5        /* timed runs per figure; the best one is kept */
#define PEAK_MAX_THREADS 1024 /* more than any host we run on; guards a bad sysconf() */

/* Run one loop; store its flop count (-1: not compiled in) in *flops and return its seconds. */
static double time_loop(bb_isa isa, char prec, long long iters, double *flops)
{
	double t0 = bb_now();
	*flops = bb_peak_kernel_run(isa, prec, iters);
	return bb_now() - t0;
}

/*
 * The iteration count that makes one run of (isa, prec) last about seconds: grow the count
 * until a run takes a quarter of that, then scale linearly.  The runs also warm the core up
 * (clock frequency, AVX-512 power state) before anything is timed for real.  Returns -1 when
 * the loop is not compiled into this build.
 */
static long long calibrate(bb_isa isa, char prec, double seconds)
{
	long long iters = 1000;

	for (;;) {
		double flops, t = time_loop(isa, prec, iters, &flops);
		if (flops < 0)
			return -1;
		if (t >= seconds / 4 || iters >= (1LL << 50)) {
			double scaled = t > 0 ? (double)iters * (seconds / t) : (double)iters;
			return scaled < 1 ? 1 : (long long)scaled;
		}
		iters *= t < seconds / 100 ? 10 : 2;
	}
}

/*
 * A team of threads running the same loop.  The starter holds gate while it creates them, so
 * none starts before all exist (or learns through abort that one could not be created); then
 * the barrier releases them together and each times its own loop.
 */
struct peak_team {
	pthread_mutex_t gate;
	pthread_barrier_t start;
	int abort;
	bb_isa isa;
	char prec;
	long long iters;
};

struct peak_worker {
	struct peak_team *team;
	pthread_t tid;
	double seconds, flops;
};

static void *peak_worker_main(void *arg)
{
	struct peak_worker *w = arg;
	struct peak_team *t = w->team;

	pthread_mutex_lock(&t->gate);
	int abort = t->abort;
	pthread_mutex_unlock(&t->gate);
	if (abort)
		return NULL;
	pthread_barrier_wait(&t->start);
	w->seconds = time_loop(t->isa, t->prec, t->iters, &w->flops);
	return NULL;
}

/*
 * Run the loop on n threads at once and store the flops of all of them divided by the time of
 * the slowest, in GFLOP/s, in *gflops.  Returns 0, or -1 with a message when a thread cannot
 * be created (the ones already created are joined first).
 */
static int run_team(bb_isa isa, char prec, long long iters, int n, double *gflops)
{
	struct peak_team team = {.isa = isa, .prec = prec, .iters = iters};
	struct peak_worker *w = bb_xcalloc((size_t)n, sizeof(*w));
	int started, rc = 0, ret = -1;

	pthread_mutex_init(&team.gate, NULL);
	pthread_barrier_init(&team.start, NULL, (unsigned)n);
	pthread_mutex_lock(&team.gate);
	for (started = 0; started < n; started++) {
		w[started].team = &team;
		rc = pthread_create(&w[started].tid, NULL, peak_worker_main, &w[started]);
		if (rc)
			break;
	}
	team.abort = started < n;
	pthread_mutex_unlock(&team.gate);
	for (int i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
	if (team.abort) {
		bb_error("cannot start peak thread %d of %d: %s", started + 1, n, strerror(rc));
		goto cleanup;
	}

	double flops = 0, slowest = 0;
	for (int i = 0; i < n; i++) {
		flops += w[i].flops;
		if (w[i].seconds > slowest)
			slowest = w[i].seconds;
	}
	*gflops = slowest > 0 ? 1e-9 * flops / slowest : 0;
	ret = 0;
cleanup:
	pthread_barrier_destroy(&team.start);
	pthread_mutex_destroy(&team.gate);
	free(w);
	return ret;
}

/*
 * The figures of every level and precision are measured round-robin, PEAK_REPEATS rounds of
 * one single-core and one all-core run each, rather than each figure's runs back to back: on
 * a shared host a slow phase lasts seconds, and three runs of 50 ms in a row could all fall
 * into one (an AVX2 peak measured at 75% of its real value on the 2-core VM, which made
 * AVX2 GEMMs read 113% "of peak").  Spread over the ~3 s of the measurement, each figure's best
 * run more likely falls in a quiet moment.
 */
typedef struct peak_job {
	bb_isa isa;
	char prec;
	long long iters;
	bb_peak_rate *r;
	double core[PEAK_REPEATS], all[PEAK_REPEATS]; /* GFLOP/s of each timed run */
} peak_job;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static bb_peak_spread spread_of(const double *runs, int n)
{
	double v[PEAK_REPEATS];
	memcpy(v, runs, (size_t)n * sizeof(*v));
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return (bb_peak_spread){v[0], median, v[n - 1]};
}

/* CPU time of the whole host (/proc/stat, in clock ticks: busy = user + nice + system + irq +
 * softirq, steal, total) and of this process (getrusage, in ticks), for the share of the
 * measurement's time other processes and the hypervisor took. */
typedef struct cpu_times {
	double busy, steal, total, own;
} cpu_times;

static int cpu_times_read(cpu_times *t)
{
	unsigned long long v[8] = {0};
	FILE *f = fopen("/proc/stat", "r");
	int n = f ? fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7])
		  : 0;
	if (f)
		fclose(f);
	struct rusage ru;
	long hz = sysconf(_SC_CLK_TCK);
	if (n < 8 || hz <= 0 || getrusage(RUSAGE_SELF, &ru))
		return -1;
	t->busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6]);
	t->steal = (double)v[7];
	t->total = 0;
	for (int i = 0; i < 8; i++)
		t->total += (double)v[i];
	t->own = ((double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
		  (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec) * (double)hz;
	return 0;
}

int bb_peak_measure(bb_peak *p, int nthreads, double seconds)
{
	memset(p, 0, sizeof(*p));
	if (nthreads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = n > 0 ? (int)(n < PEAK_MAX_THREADS ? n : PEAK_MAX_THREADS) : 1;
	}
	if (nthreads > PEAK_MAX_THREADS)
		nthreads = PEAK_MAX_THREADS;
	p->threads = nthreads;
	p->seconds = seconds > 0 ? seconds : BB_PEAK_DEFAULT_SECONDS;
	p->repeats = PEAK_REPEATS;
	p->undisturbed = -1;
	p->steal = p->others = NAN;
	snprintf(p->version, sizeof(p->version), "%s", BB_VERSION);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(p->measured_at, sizeof(p->measured_at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cpu_times t0, t1;
	int have_t0 = cpu_times_read(&t0) == 0;

	peak_job jobs[2 * BB_ISA_COUNT];
	int njobs = 0;
	for (int i = 0; i < BB_ISA_COUNT; i++) {
		if (!bb_isa_supported(i)) {
			bb_verbose(" -> peak %s: not supported by this cpu", bb_isa_name(i));
			continue;
		}
		int missing = 0;
		for (int q = 0; q < 2; q++) {
			const char prec = q ? 's' : 'd';
			const long long iters = calibrate(i, prec, p->seconds);
			if (iters < 0) {
				bb_warning("peak loop '%s' %s is not compiled into this build",
				           bb_isa_name(i), q ? "single" : "double");
				missing = 1;
				continue;
			}
			jobs[njobs++] = (peak_job){i, prec, iters, q ? &p->isa[i].s : &p->isa[i].d, {0}, {0}};
		}
		p->isa[i].measured = !missing;
	}
	for (int rep = 0; rep < PEAK_REPEATS; rep++)
		for (int j = 0; j < njobs; j++) {
			peak_job *b = &jobs[j];
			double flops, g, t = time_loop(b->isa, b->prec, b->iters, &flops);
			g = t > 0 ? 1e-9 * flops / t : 0;
			b->core[rep] = g;
			if (g > b->r->core)
				b->r->core = g;
			if (run_team(b->isa, b->prec, b->iters, nthreads, &g) < 0)
				return -1;
			b->all[rep] = g;
			if (g > b->r->all)
				b->r->all = g;
		}
	for (int j = 0; j < njobs; j++) {
		jobs[j].r->core_runs = spread_of(jobs[j].core, PEAK_REPEATS);
		jobs[j].r->all_runs = spread_of(jobs[j].all, PEAK_REPEATS);
	}
	if (have_t0 && cpu_times_read(&t1) == 0 && t1.total > t0.total) {
		double total = t1.total - t0.total, others = t1.busy - t0.busy - (t1.own - t0.own);
		p->steal = (t1.steal - t0.steal) / total;
		p->others = others > 0 ? others / total : 0;
	}
	for (int j = 0; j < njobs; j++)
		bb_verbose(" -> peak %s %s: %lld iterations per run, %.1f GFLOP/s per core, "
		           "%.1f on %d thread%s",
		           bb_isa_name(jobs[j].isa), jobs[j].prec == 'd' ? "double" : "single",
		           jobs[j].iters, jobs[j].r->core, jobs[j].r->all, nthreads, bb_plural(nthreads));
	return 0;
}

double bb_peak_best(const bb_peak *p, char prec, int all_cores)
{
	double best = 0;

	for (int i = 0; i < BB_ISA_COUNT; i++) {
		if (!p->isa[i].measured)
			continue;
		const bb_peak_rate *r = prec == 's' ? &p->isa[i].s : &p->isa[i].d;
		double g = all_cores ? r->all : r->core;
		if (g > best)
			best = g;
	}
	return best;
}

static void spread_to_json(bb_json_writer *w, const char *key, const bb_peak_spread *r)
{
	bb_jw_key(w, key);
	bb_jw_object_begin(w);
	bb_jw_kv_double(w, "min", r->min);
	bb_jw_kv_double(w, "median", r->median);
	bb_jw_kv_double(w, "max", r->max);
	bb_jw_object_end(w);
}

static void rate_to_json(bb_json_writer *w, const char *key, const bb_peak_rate *r, int runs)
{
	bb_jw_key(w, key);
	bb_jw_object_begin(w);
	bb_jw_kv_double(w, "core", r->core);
	bb_jw_kv_double(w, "all", r->all);
	if (runs) {
		spread_to_json(w, "core_runs", &r->core_runs);
		spread_to_json(w, "all_runs", &r->all_runs);
	}
	bb_jw_object_end(w);
}

void bb_peak_to_json(const bb_peak *p, bb_json_writer *w)
{
	bb_jw_object_begin(w);
	bb_jw_kv_int(w, "threads", p->threads);
	if (p->repeats) {
		bb_jw_kv_int(w, "repeats", p->repeats);
		bb_jw_kv_double(w, "seconds", p->seconds);
		bb_jw_kv_double(w, "steal", p->steal);
		bb_jw_kv_double(w, "others", p->others);
	}
	if (*p->measured_at)
		bb_jw_kv_string(w, "measured_at", p->measured_at);
	if (*p->version)
		bb_jw_kv_string(w, "version", p->version);
	if (p->undisturbed >= 0)
		bb_jw_kv_bool(w, "undisturbed", p->undisturbed);
	for (int i = 0; i < BB_ISA_COUNT; i++) {
		bb_jw_key(w, bb_isa_name(i));
		if (!p->isa[i].measured) {
			bb_jw_null(w);
			continue;
		}
		bb_jw_object_begin(w);
		rate_to_json(w, "double", &p->isa[i].d, p->repeats > 0);
		rate_to_json(w, "single", &p->isa[i].s, p->repeats > 0);
		bb_jw_object_end(w);
	}
	bb_jw_object_end(w);
}

static bb_peak_spread spread_from_json(const bb_json *v)
{
	return (bb_peak_spread){bb_json_num(bb_json_get(v, "min"), 0),
				bb_json_num(bb_json_get(v, "median"), 0),
				bb_json_num(bb_json_get(v, "max"), 0)};
}

static void rate_from_json(const bb_json *v, bb_peak_rate *r)
{
	r->core = bb_json_num(bb_json_get(v, "core"), 0);
	r->all = bb_json_num(bb_json_get(v, "all"), 0);
	r->core_runs = spread_from_json(bb_json_get(v, "core_runs"));
	r->all_runs = spread_from_json(bb_json_get(v, "all_runs"));
}

int bb_peak_from_json_value(const bb_json *doc, bb_peak *p)
{
	memset(p, 0, sizeof(*p));
	p->steal = p->others = NAN;
	if (!doc || doc->type != BB_JSON_OBJECT)
		return -1;
	p->threads = (int)bb_json_int(bb_json_get(doc, "threads"), 0);
	p->repeats = (int)bb_json_int(bb_json_get(doc, "repeats"), 0);
	p->seconds = bb_json_num(bb_json_get(doc, "seconds"), 0);
	p->steal = bb_json_num(bb_json_get(doc, "steal"), NAN);
	p->others = bb_json_num(bb_json_get(doc, "others"), NAN);
	snprintf(p->measured_at, sizeof(p->measured_at), "%s",
		 bb_json_str(bb_json_get(doc, "measured_at"), ""));
	snprintf(p->version, sizeof(p->version), "%s", bb_json_str(bb_json_get(doc, "version"), ""));
	const bb_json *u = bb_json_get(doc, "undisturbed");
	p->undisturbed = u && u->type == BB_JSON_BOOL ? bb_json_bool(u, 0) : -1;
	for (int i = 0; i < BB_ISA_COUNT; i++) {
		const bb_json *level = bb_json_get(doc, bb_isa_name(i));
		if (!level || level->type != BB_JSON_OBJECT)
			continue;
		p->isa[i].measured = 1;
		rate_from_json(bb_json_get(level, "double"), &p->isa[i].d);
		rate_from_json(bb_json_get(level, "single"), &p->isa[i].s);
	}
	return 0;
}

int bb_peak_from_json(const char *json, bb_peak *p)
{
	char err[128];
	bb_json *doc = json ? bb_json_parse(json, strlen(json), err, sizeof(err)) : NULL;
	int rc = bb_peak_from_json_value(doc, p);
	bb_json_free(doc);
	if (rc)
		memset(p, 0, sizeof(*p));
	return rc;
}

void bb_peak_print(const bb_peak *p, FILE *out)
{
	fprintf(out, "peak GFLOP/s (FMA loop; \"all\" = %d thread%s)\n", p->threads,
	        bb_plural(p->threads));
	fprintf(out, "%-8s %12s %12s %12s %12s\n", "level", "double/core", "double/all",
	        "single/core", "single/all");
	for (int i = 0; i < BB_ISA_COUNT; i++) {
		if (!p->isa[i].measured) {
			fprintf(out, "%-8s %12s\n", bb_isa_name(i), "unsupported");
			continue;
		}
		fprintf(out, "%-8s %12.1f %12.1f %12.1f %12.1f\n", bb_isa_name(i), p->isa[i].d.core,
		        p->isa[i].d.all, p->isa[i].s.core, p->isa[i].s.all);
	}
	if (!p->repeats)
		return;
	fprintf(out, "spread of the %d timed runs per figure (min..median..max):\n", p->repeats);
	fprintf(out, "%-8s %-18s %-18s %-18s %s\n", "level", "double/core", "double/all",
	        "single/core", "single/all");
	for (int i = 0; i < BB_ISA_COUNT; i++) {
		if (!p->isa[i].measured)
			continue;
		const bb_peak_spread *sp[4] = {&p->isa[i].d.core_runs, &p->isa[i].d.all_runs,
					       &p->isa[i].s.core_runs, &p->isa[i].s.all_runs};
		fprintf(out, "%-8s", bb_isa_name(i));
		for (int k = 0; k < 4; k++) {
			char cell[64];
			snprintf(cell, sizeof(cell), "%.1f..%.1f..%.1f", sp[k]->min, sp[k]->median,
				 sp[k]->max);
			fprintf(out, k < 3 ? " %-18s" : " %s", cell);
		}
		fprintf(out, "\n");
	}
	if (isfinite(p->steal) || isfinite(p->others))
		fprintf(out, "during the measurement: %.0f%% of the CPU time stolen by the hypervisor, "
			     "%.0f%% used by other processes\n",
			100 * p->steal, 100 * p->others);
}
