/*
 * The reproduction program of the fork scenario: children forked before and after the
 * parent's parallel work, each making a BLAS call and running a region.  It mirrors
 * bb_scn_fork() and fork_call() in workloads/scenario_process.c: when that measurement
 * changes, change this program too.
 */
#include "common.h"
#include "omp.h"
#include "region.h"

/* ---- fork ---- */

static double timeout_s = 10; /* argv[3] */
static int hung;

typedef struct job {
	gemm *g;
	region *r;
} job;

/* Fork a child that makes one BLAS call and runs one region, and wait for it.  A
 * child still running after timeout_s is hung: it is killed and the block stops. */
static int fork_call(void *p)
{
	job *j = p;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		gemm_call(j->g);
		region_run(j->r);
		_exit(0);
	}
	double deadline = now() + timeout_s;
	int status = 0;
	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (now() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			hung = 1;
			return -1;
		}
		sleep_s(1e-3);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "a forked child %s %d\n",
			WIFSIGNALED(status) ? "died of signal" : "exited with status",
			WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		exit(1);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static samples base, path;
	args(argc, argv);
	if (argc > 3 && !((timeout_s = atof(argv[3])) > 0)) {
		fprintf(stderr, "usage: %s [seconds [n [timeout]]]\n", argv[0]);
		return 2;
	}
	env_note();
	void *blas = load(blas_path);
	set_threads(blas, threads);
	omp rt;
	omp_load(&rt, omp_path);
	gemm g;
	gemm_init(&g, (dgemm_fn *)sym(blas, dgemm_symbol, blas_path), n, 1);
	region r = {.rt = &rt, .threads = threads, .reps = 64};
	job j = {&g, &r};
	printf("fork: each child makes a %ldx%ld dgemm call with %d threads and runs a "
	       "region of %s\n", n, n, threads, omp_path);

	/* every baseline child is forked before this process has run anything in
	 * parallel: once it has, every later fork is "after": blocks cannot alternate */
	block_s *= ROUNDS;
	block(fork_call, &j, &base);
	if (hung) {
		printf("HANG: a child forked before any parallel work in the parent did not "
		       "finish within %g s (not the problem reproduced here)\n", timeout_s);
		printf("result: hang\n");
		return 0;
	}
	gemm_call(&g); /* the parent's parallel work */
	region_run(&r);
	settle_s = 0; /* fork while the pools are fresh */
	block(fork_call, &j, &path);
	if (check(g.f, ""))
		return 1;
	if (hung) {
		printf("HANG: a child forked after the parent's parallel work did not "
		       "finish within %g s and was killed\n", timeout_s);
		printf("result: hang\n");
		return 0;
	}
	printf("%d children forked after parallel work, all finished\n", path.n);
	result("fork and child", median(&base), median(&path));
	return 0;
}
