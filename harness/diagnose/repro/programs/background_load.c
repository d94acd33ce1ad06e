/*
 * The reproduction program of the background-load scenario: dgemm alone, then while another
 * process spins on one core.  It mirrors bb_scn_background_load(), spinner_start() and
 * spinner_stop() in workloads/scenario_blas.c: when that measurement changes, change this
 * program too.
 */
#include "common.h"

/* ---- background-load ---- */

/* Another process, spinning on one core until killed. */
static pid_t spinner_start(void)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		volatile unsigned long x = 0;
		for (;;)
			x++;
	}
	return pid;
}

static void spinner_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	static samples base, path;
	args(argc, argv);
	env_note();
	void *blas = load(blas_path);
	set_threads(blas, threads);
	gemm g;
	gemm_init(&g, (dgemm_fn *)sym(blas, dgemm_symbol, blas_path), n, 1);
	printf("background-load: %ldx%ld dgemm with %d threads, alone, then while "
	       "another process spins on one core\n", n, n, threads);

	for (int i = 0; i < 3; i++)
		gemm_call(&g); /* warm-up: the pool started */
	for (int i = 0; i < ROUNDS; i++) {
		block(gemm_call, &g, &base);
		pid_t spinner = spinner_start();
		block(gemm_call, &g, &path);
		spinner_stop(spinner);
	}
	if (check(g.f, ""))
		return 1;
	result("call", median(&base), median(&path));
	return 0;
}
