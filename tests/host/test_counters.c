/*
 * test_counters: the counter session measures what it claims (CPU/wall near 1 for one busy
 * thread, far below 1 for a sleeping one, threads created before and after open are counted),
 * the availability probe lists every perf software event that really opens here, and missing
 * hardware counters are explained by a note instead of failing.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "harness/host/counters.h"
#include "tests/test_util.h"

static double now(clockid_t clk)
{
	struct timespec t;

	clock_gettime(clk, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static volatile double sink;

/* Spin until the wall clock (or this thread's CPU clock) advanced by seconds. */
static void spin(clockid_t clk, double seconds)
{
	double end = now(clk) + seconds;
	double x = 1;

	while (now(clk) < end)
		for (int i = 0; i < 1000; i++)
			x = x * 1.0000001 + 1e-9;
	sink = x;
}

/* Open an event with plain perf_event_open, independently of the code under test. */
static int opens_here(uint64_t config)
{
	for (int exclude_kernel = 0; exclude_kernel <= 1; exclude_kernel++) {
		struct perf_event_attr a = {0};
		a.size = sizeof(a);
		a.type = PERF_TYPE_SOFTWARE;
		a.config = config;
		a.exclude_kernel = (unsigned)exclude_kernel;
		a.exclude_hv = 1;
		int fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
		if (fd >= 0) {
			close(fd);
			/* user-only context switches always read 0: not a usable event */
			return !exclude_kernel || (config != PERF_COUNT_SW_CONTEXT_SWITCHES &&
			                           config != PERF_COUNT_SW_CPU_MIGRATIONS);
		}
	}
	return 0;
}

static const bb_counter_status *find_status(const bb_counters_info *ci, const char *name)
{
	for (int i = 0; i < ci->nperf; i++)
		if (!strcmp(ci->perf[i].name, name))
			return &ci->perf[i];
	return NULL;
}

static void check_availability(bb_counters_info *ci)
{
	static const struct {
		const char *name;
		uint64_t config;
	} sw[] = {
	    {"task-clock", PERF_COUNT_SW_TASK_CLOCK},
	    {"context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES},
	    {"cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS},
	    {"page-faults", PERF_COUNT_SW_PAGE_FAULTS},
	};

	for (size_t i = 0; i < sizeof(sw) / sizeof(sw[0]); i++) {
		const bb_counter_status *s = find_status(ci, sw[i].name);
		int expect = opens_here(sw[i].config);
		BB_CHECK(s != NULL);
		if (!s)
			continue;
		printf("perf %-17s opens here: %d, listed: %d %s\n", sw[i].name, expect,
		       s->available, s->reason);
		BB_CHECK_INT(s->available, expect);
		BB_CHECK(s->available || s->reason[0]);
	}
	BB_CHECK(find_status(ci, "cycles") != NULL);
	BB_CHECK(find_status(ci, "instructions") != NULL);
	BB_CHECK(ci->npresets > 0);
	for (int i = 0; i < ci->ncomponents; i++) {
		printf("PAPI component %s: %s%s\n", ci->components[i].name,
		       ci->components[i].disabled ? "disabled: " : "enabled",
		       ci->components[i].disabled_reason);
		BB_CHECK(!ci->components[i].disabled || ci->components[i].disabled_reason[0]);
	}
}

static void print_values(const char *what, const bb_counter_values *v)
{
	printf("%s:\n", what);
	for (int i = 0; i < v->n; i++)
		printf("  %-30s %16.6g %s\n", v->v[i].name, v->v[i].value, v->v[i].unit);
}

/* One busy thread: CPU time close to wall time.  The process CPU clock, read independently
 * around the same interval, is the reference: the session must agree with it always, and the
 * CPU/wall ratio must be near 1 whenever the machine actually gave us the CPU.  On a loaded
 * machine that can take a few tries; if it never happens the ratio check is skipped (said so)
 * but the agreement checks still run. */
static void check_busy(const bb_counters_info *ci)
{
	bb_counters c;
	bb_counter_values v;
	int got_cpu = 0, ratio_ok = 0;

	BB_CHECK_INT(bb_counters_open(&c, BB_COUNTERS_ALL), 0);
	for (int attempt = 0; attempt < 10 && !ratio_ok; attempt++) {
		BB_CHECK_INT(bb_counters_start(&c), 0);
		double p0 = now(CLOCK_PROCESS_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
		spin(CLOCK_MONOTONIC, 0.05);
		double p1 = now(CLOCK_PROCESS_CPUTIME_ID), w1 = now(CLOCK_MONOTONIC);
		BB_CHECK_INT(bb_counters_stop(&c, &v), 0);

		double cpu = bb_counter_values_get(&v, "cpu_time", -1);
		double wall = bb_counter_values_get(&v, "wall_time", -1);
		double r = bb_counter_values_cpu_ratio(&v);
		printf("try %d: cpu %.4f s (reference %.4f), wall %.4f s (reference %.4f), "
		       "ratio %.2f\n",
		       attempt, cpu, p1 - p0, wall, w1 - w0, r);
		BB_CHECK(wall >= w1 - w0 && wall <= 1.5 * (w1 - w0) + 0.05);
		BB_CHECK(fabs(cpu - (p1 - p0)) <= 0.1 * (p1 - p0) + 0.002);
		if (find_status(ci, "task-clock")->available) {
			/* perf's task-clock and the process CPU clock come from different
			 * accounting: on this VM, while the host held the vCPU, task-clock
			 * counted 49.8 ms of a 54 ms interval and the CPU clock 38 ms.  Both
			 * bound it: at least the CPU time, at most the wall time. */
			double tc = bb_counter_values_get(&v, "perf_task_clock", -1) * 1e-9;
			BB_CHECK(tc >= 0.9 * (p1 - p0) - 0.002 && tc <= (w1 - w0) + 0.002);
		}
		if ((p1 - p0) / (w1 - w0) >= 0.6) {
			got_cpu = 1;
			ratio_ok = r > 0.5 && r < 1.5;
			BB_CHECK(ratio_ok);
		}
	}
	print_values("busy loop, 50 ms", &v);
	printf("note: %s\n", bb_counters_note(&c) ? bb_counters_note(&c) : "(none)");
	if (!got_cpu)
		printf("machine too loaded to check CPU/wall of a busy thread: never got 60%% of "
		       "a CPU in 10 tries\n");

	BB_CHECK(bb_counter_values_get(&v, "wall_time", -1) >= 0.05);
	BB_CHECK(bb_counter_values_get(&v, "voluntary_context_switches", -1) >= 0);
	BB_CHECK(bb_counter_values_get(&v, "involuntary_context_switches", -1) >= 0);
	BB_CHECK(bb_counter_values_get(&v, "minor_page_faults", -1) >= 0);
	if (find_status(ci, "context-switches")->available)
		BB_CHECK(bb_counter_values_get(&v, "perf_context_switches", -1) >= 0);
	if (ci->hardware_ok) {
		double cyc = bb_counter_values_get(&v, "PAPI_TOT_CYC", -1);
		if (cyc < 0)
			cyc = bb_counter_values_get(&v, "perf_cycles", -1);
		BB_CHECK(cyc > 1e6);
	} else {
		/* Nothing counts cycles here: the run must say so, once, and why. */
		const char *note = bb_counters_note(&c);
		BB_CHECK(note != NULL && strstr(note, "hardware") != NULL);
		BB_CHECK(bb_counter_values_get(&v, "PAPI_TOT_CYC", -1) < 0);
	}
	for (int i = 0; i < v.n; i++)
		BB_CHECK(v.v[i].name && v.v[i].unit && v.v[i].value >= 0);
	bb_counters_close(&c);
}

static void check_sleep(void)
{
	bb_counters c;
	bb_counter_values v;

	BB_CHECK_INT(bb_counters_open(&c, BB_COUNTERS_ALL), 0);
	BB_CHECK_INT(bb_counters_start(&c), 0);
	for (int i = 0; i < 5; i++)
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	BB_CHECK_INT(bb_counters_stop(&c, &v), 0);
	print_values("sleeping loop, 5 x 10 ms", &v);
	BB_CHECK(bb_counter_values_get(&v, "wall_time", -1) >= 0.05);
	BB_CHECK(bb_counter_values_cpu_ratio(&v) < 0.5);
	BB_CHECK(bb_counter_values_get(&v, "voluntary_context_switches", -1) >= 1);
	bb_counters_close(&c);
}

/* ---- threads alive before open and created after start are both counted ---------------- */

static pthread_mutex_t go_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go_cond = PTHREAD_COND_INITIALIZER;
static int go;

static void *worker(void *arg)
{
	double *cpu = arg;

	pthread_mutex_lock(&go_lock);
	while (!go)
		pthread_cond_wait(&go_cond, &go_lock);
	pthread_mutex_unlock(&go_lock);
	double t0 = now(CLOCK_THREAD_CPUTIME_ID);
	spin(CLOCK_THREAD_CPUTIME_ID, 0.05);
	*cpu = now(CLOCK_THREAD_CPUTIME_ID) - t0;
	return NULL;
}

static void check_threads(void)
{
	pthread_t before, after;
	double cpu_before = 0, cpu_after = 0;
	bb_counters c;
	bb_counter_values v;

	BB_CHECK_INT(pthread_create(&before, NULL, worker, &cpu_before), 0);
	BB_CHECK_INT(bb_counters_open(&c, BB_COUNTERS_SOFTWARE), 0);
	BB_CHECK_INT(bb_counters_start(&c), 0);
	double w0 = now(CLOCK_MONOTONIC);
	pthread_mutex_lock(&go_lock);
	go = 1;
	pthread_cond_broadcast(&go_cond);
	pthread_mutex_unlock(&go_lock);
	BB_CHECK_INT(pthread_create(&after, NULL, worker, &cpu_after), 0);
	pthread_join(before, NULL);
	pthread_join(after, NULL);
	double w1 = now(CLOCK_MONOTONIC);
	BB_CHECK_INT(bb_counters_stop(&c, &v), 0);
	print_values("two threads, 50 ms CPU each", &v);

	double threads = cpu_before + cpu_after;
	BB_CHECK(bb_counter_values_get(&v, "cpu_time", -1) >= 0.9 * threads);
	double tc = bb_counter_values_get(&v, "perf_task_clock", -1);
	if (tc >= 0) {
		printf("task-clock %.4f s, the threads' own clocks %.4f s\n", tc * 1e-9, threads);
		BB_CHECK(tc * 1e-9 >= 0.9 * threads);
		/* not above two threads' worth of wall time: task-clock also counts the time the
		 * host held the vCPU, which the threads' CPU clocks leave out (seen here: 1.5x) */
		BB_CHECK(tc * 1e-9 <= 2 * (w1 - w0) + 0.01);
	}
	bb_counters_close(&c);
}

int main(void)
{
	bb_counters_info ci;

	bb_counters_probe(&ci);
	check_availability(&ci);
	check_busy(&ci);
	check_sleep();
	check_threads();
	bb_counters_info_release(&ci);
	return bb_test_done();
}
