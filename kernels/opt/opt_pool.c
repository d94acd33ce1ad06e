/*
 * The thread pool of the optimized GEMM: plain pthreads, no OpenMP.  Workers are created on
 * first need, never destroyed (they sleep on a condition variable between tasks, so an idle
 * pool costs nothing), and run one task at a time, handed out by generation number.
 * A child created by fork() has none of its parent's workers: it starts with an empty pool.
 */
#include "kernels/opt/opt_internal.h"

#include <pthread.h>

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_start = PTHREAD_COND_INITIALIZER; /* a new task is posted */
static pthread_cond_t pool_done = PTHREAD_COND_INITIALIZER;  /* a worker finished it */
static int pool_workers;       /* threads created (tids 1..pool_workers) */
static unsigned long pool_gen; /* incremented for each task */
static int pool_nt;            /* threads of the current task, caller included */
static int pool_pending;       /* workers of the current task not yet done */
static unsigned long pool_born[BB_OPT_MAX_THREADS]; /* pool_gen when worker tid was created */
static bb_opt_task *pool_fn;
static void *pool_arg;

static void *pool_worker(void *p)
{
	const int tid = (int)(long)p;

	pthread_mutex_lock(&pool_lock);
	/* not pool_gen now: a task posted before this thread first ran is still its to run */
	unsigned long seen = pool_born[tid];
	for (;;) {
		while (pool_gen == seen)
			pthread_cond_wait(&pool_start, &pool_lock);
		seen = pool_gen;
		if (tid >= pool_nt)
			continue;
		bb_opt_task *fn = pool_fn;
		void *arg = pool_arg;
		const int nt = pool_nt;
		pthread_mutex_unlock(&pool_lock);
		fn(arg, tid, nt);
		pthread_mutex_lock(&pool_lock);
		if (--pool_pending == 0)
			pthread_cond_signal(&pool_done);
	}
	return NULL;
}

/* In a fork()ed child the workers are gone (and the locks are free: fork happens between
 * tasks, the GEMM lock serializes them). */
static void pool_atfork_child(void)
{
	pool_workers = 0;
	pool_pending = 0;
	pthread_mutex_init(&pool_lock, NULL);
	pthread_cond_init(&pool_start, NULL);
	pthread_cond_init(&pool_done, NULL);
}

static void pool_register_atfork(void)
{
	pthread_atfork(NULL, NULL, pool_atfork_child);
}

int bb_opt_pool_size(int nt)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, pool_register_atfork);
	if (nt > BB_OPT_MAX_THREADS)
		nt = BB_OPT_MAX_THREADS;
	if (nt <= 1)
		return 1;
	pthread_mutex_lock(&pool_lock);
	while (pool_workers < nt - 1) {
		pthread_t t;
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pool_born[pool_workers + 1] = pool_gen;
		int rc = pthread_create(&t, &attr, pool_worker, (void *)(long)(pool_workers + 1));
		pthread_attr_destroy(&attr);
		if (rc != 0)
			break;
		pool_workers++;
	}
	if (nt > pool_workers + 1)
		nt = pool_workers + 1;
	pthread_mutex_unlock(&pool_lock);
	return nt;
}

void bb_opt_pool_run(int nt, bb_opt_task *fn, void *arg)
{
	nt = bb_opt_pool_size(nt);
	if (nt <= 1) {
		fn(arg, 0, 1);
		return;
	}
	pthread_mutex_lock(&pool_lock);
	pool_fn = fn;
	pool_arg = arg;
	pool_nt = nt;
	pool_pending = nt - 1;
	pool_gen++;
	pthread_cond_broadcast(&pool_start);
	pthread_mutex_unlock(&pool_lock);

	fn(arg, 0, nt);

	pthread_mutex_lock(&pool_lock);
	while (pool_pending > 0)
		pthread_cond_wait(&pool_done, &pool_lock);
	pthread_mutex_unlock(&pool_lock);
}
