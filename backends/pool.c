/*
 * The threads a backend starts by default, against the CPUs the process may use.  After the
 * ABI probe, one dgemm large enough to start the library's pool is called and the process's
 * threads are counted (/proc/self/task; during the call too, for libraries that start and join
 * their threads inside it), minus the threads the worker had before loading.
 * A library that starts more threads than the process may use (OpenBLAS sizing its pool from
 * the host's CPUs inside a container with a CPU quota) is flagged in its record with the
 * variable that fixes it for the library's threading layer.  Only in probe workers (list, the
 * run header under a restriction): run workers set the thread variables before loading.
 */
#include "backends/backend.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/error.h"
#include "common/number.h"

int bb_process_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

typedef void (*dgemm32_fn)(const char *, const char *, const int32_t *, const int32_t *,
                           const int32_t *, const double *, const double *, const int32_t *,
                           const double *, const int32_t *, const double *, double *,
                           const int32_t *, size_t, size_t);
typedef void (*dgemm64_fn)(const char *, const char *, const int64_t *, const int64_t *,
                           const int64_t *, const double *, const double *, const int64_t *,
                           const double *, const int64_t *, const double *, double *,
                           const int64_t *, size_t, size_t);

/* Libraries without a persistent pool (BLIS on pthreads) create their threads inside the call
 * and join them before it returns: a watcher thread samples the count during the call. */
typedef struct watch {
	atomic_int done;
	int most; /* the most threads seen, the watcher included */
} watch;

static void *watch_threads(void *arg)
{
	watch *w = arg;
	const struct timespec pause = {0, 100000}; /* 0.1 ms */
	while (!atomic_load(&w->done)) {
		int n = bb_process_threads();
		if (n > w->most)
			w->most = n;
		nanosleep(&pause, NULL);
	}
	return NULL;
}

void bb_backend_probe_pool(bb_backend *b)
{
	enum { N = 384 }; /* ~0.1 GFLOP: above every library's threading threshold */
	/* A run worker set the thread variables (the pool is blasbench's choice) and measures
	 * dgemm itself: a library that crashes there must crash in its cell, not in the probe. */
	if (b->threads_from_env || !bb_backend_abi_known(b, BB_R_dgemm) || b->tasks_at_init <= 0)
		return;
	bb_backend_stage("threads started");
	double *m = calloc(3 * (size_t)N * N, sizeof(double));
	if (!m)
		return;
	const double one = 1, zero = 0;
	watch w = {.most = 0};
	pthread_t watcher;
	int watching = pthread_create(&watcher, NULL, watch_threads, &w) == 0;
	if (b->int_bits == 64) {
		const int64_t n = N;
		((dgemm64_fn)b->slots[BB_R_dgemm].fn)("N", "N", &n, &n, &n, &one, m, &n, m + N * N,
		                                      &n, &zero, m + 2 * N * N, &n, 1, 1);
	} else {
		const int32_t n = N;
		((dgemm32_fn)b->slots[BB_R_dgemm].fn)("N", "N", &n, &n, &n, &one, m, &n, m + N * N,
		                                      &n, &zero, m + 2 * N * N, &n, 1, 1);
	}
	free(m);
	if (watching) {
		atomic_store(&w.done, 1);
		pthread_join(watcher, NULL);
	}
	int now = bb_process_threads(); /* the watcher is gone */
	if (watching && w.most - 1 > now)
		now = w.most - 1; /* the most seen during the call, less the watcher */
	if (now > 0)
		b->threads_started = now - b->tasks_at_init + 1; /* the calling thread works too */
	bb_verbose("  -> %d thread%s after one dgemm", b->threads_started,
	           bb_plural(b->threads_started));
}

const char *bb_thread_variable(const char *family, const char *layer)
{
	int omp = layer && !strcmp(layer, "openmp");
	if (family && !strcmp(family, "openblas"))
		return omp ? "OMP_NUM_THREADS" : "OPENBLAS_NUM_THREADS";
	if (family && !strcmp(family, "blis"))
		return "BLIS_NUM_THREADS";
	if (family && !strcmp(family, "mkl"))
		return "MKL_NUM_THREADS";
	return omp ? "OMP_NUM_THREADS" : NULL;
}

char *bb_pool_flag(const char *family, const char *layer, int started, int allowed)
{
	if (started <= 0 || allowed <= 0 || started <= allowed)
		return NULL;
	const char *var = bb_thread_variable(family, layer);
	char fix[96];
	if (var)
		snprintf(fix, sizeof(fix), "set %s=%d", var, allowed);
	else
		snprintf(fix, sizeof(fix),
		         "set the library's thread count to %d (no known variable "
		         "for its threading layer)",
		         allowed);
	/* the variable may be what asked for them (inherited, or a spec's +VAR=VALUE) */
	const char *set = var ? getenv(var) : NULL;
	char why[128];
	if (set && *set)
		snprintf(why, sizeof(why), "(%s=%s is set in its environment)", var, set);
	else
		snprintf(why, sizeof(why), "by default");
	return bb_xasprintf(
	    "starts %d threads %s, more than the %d CPU%s this process may use: its "
	    "threads share %s and wait for each other; %s",
	    started, why, allowed, bb_plural(allowed), allowed == 1 ? "one CPU" : "them", fix);
}
