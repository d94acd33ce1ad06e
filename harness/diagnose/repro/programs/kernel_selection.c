/*
 * The reproduction program of the kernel-selection probe: dgemm with the kernel the library
 * picks, then with a kernel override, each in a fresh process.  It mirrors
 * kernel_selection() in harness/diagnose/diagnose_run.c, which times one large dgemm in a
 * worker without and with each override: when that measurement changes, change this program
 * too.
 */
#include "common.h"

/* ---- kernel-selection ---- */

/* the override that helped: the baseline */
static const char *kernel_var = REPRO_KERNEL_VAR, *kernel_value = REPRO_KERNEL_VALUE;

/* In a child started with --measure: time dgemm with the kernel the library picked
 * when it was loaded, and print "ms=<median>". */
static int measure(void)
{
	static samples s;
	void *blas = load(blas_path);
	set_threads(blas, threads);
	gemm g;
	gemm_init(&g, (dgemm_fn *)sym(blas, dgemm_symbol, blas_path), n, 1);
	for (int i = 0; i < 3; i++)
		gemm_call(&g);
	block(gemm_call, &g, &s);
	if (check(g.f, ""))
		return 1;
	printf("ms=%.6f\n", 1e3 * median(&s));
	return 0;
}

/* The library reads kernel_var only when it is loaded: run this program again with
 * the variable set to value (NULL: unset); the child's median in seconds. */
static double run_child(const char *value, char **argv)
{
	int fd[2];
	if (pipe(fd)) {
		perror("pipe");
		exit(1);
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (value)
			setenv(kernel_var, value, 1);
		else
			unsetenv(kernel_var);
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execl("/proc/self/exe", argv[0], "--measure", argv[1], argv[2], (char *)NULL);
		perror("/proc/self/exe");
		_exit(2);
	}
	close(fd[1]);
	FILE *in = fdopen(fd[0], "r");
	char line[512];
	double ms = -1;
	while (in && fgets(line, sizeof(line), in))
		sscanf(line, "ms=%lf", &ms);
	if (in)
		fclose(in);
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) || ms < 0) {
		fprintf(stderr, "the measuring child failed\n");
		exit(WIFEXITED(status) && WEXITSTATUS(status) == 2 ? 2 : 1);
	}
	return 1e-3 * ms;
}

int main(int argc, char **argv)
{
	static samples own, over;
	if (argc > 1 && !strcmp(argv[1], "--measure")) {
		args(argc - 1, argv + 1);
		return measure();
	}
	args(argc, argv);
	env_note();
	char s_arg[32], n_arg[32];
	snprintf(s_arg, sizeof(s_arg), "%g", seconds);
	snprintf(n_arg, sizeof(n_arg), "%ld", n);
	char *child_argv[] = {argv[0], s_arg, n_arg};
	printf("kernel-selection: %ldx%ld dgemm, %d threads, %s\n", n, n, threads,
	       blas_path);
	printf("baseline: with %s=%s; pathology: the kernel the library picks itself "
	       "(each run in a fresh process)\n", kernel_var, kernel_value);

	for (int i = 0; i < ROUNDS; i++) {
		own.x[own.n++] = run_child(NULL, child_argv);
		over.x[over.n++] = run_child(kernel_value, child_argv);
	}
	printf("check: every child's dgemm agreed with a naive loop\n");
	result("call", median(&over), median(&own));
	return 0;
}
