/*
 * A C program that loads a BLAS late: after start-up it dlopen()s the library named by argv[1],
 * sets its thread count to 1 through bli_thread_set_num_threads or openblas_set_num_threads
 * (whichever it exports), then exits 3, or with argv[2] "crash" dies of SIGSEGV instead
 * 0.2 s later (what `inspect` reports for a command that crashes: what it saw in
 * /proc/PID/maps, read every 25 ms, before the process died).
 */
#include <dlfcn.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	usleep(100000);
	void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "%s\n", dlerror());
		return 2;
	}
	void (*blis)(int64_t) = (void (*)(int64_t))dlsym(h, "bli_thread_set_num_threads");
	void (*ob)(int) = (void (*)(int))dlsym(h, "openblas_set_num_threads");
	if (blis)
		blis(1);
	else if (ob)
		ob(1);
	printf("late: loaded %s\n", argv[1]);
	fflush(stdout);
	if (argc > 2 && !strcmp(argv[2], "crash")) {
		usleep(200000);
		raise(SIGSEGV);
	}
	return 3;
}
