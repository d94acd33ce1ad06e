/*
 * A C program linked against Debian's OpenBLAS and GCC's libgomp (what `inspect` sees in a
 * non-Python process): sets OpenBLAS to 1 thread through its API (a value only readable inside
 * the process), runs one dgemm and one OpenMP region, says whether it or a child it starts can
 * see anything of blasbench's in its environment, and exits 5.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;
void dgemm_(const char *, const char *, const int *, const int *, const int *, const double *,
            const double *, const int *, const double *, const int *, const double *, double *,
            const int *);
void openblas_set_num_threads(int);

int main(void)
{
	openblas_set_num_threads(1);
	int n = 64;
	double one = 1.0, zero = 0.0;
	double *a = calloc((size_t)n * n, sizeof(double)),
	       *c = calloc((size_t)n * n, sizeof(double));
	dgemm_("N", "N", &n, &n, &n, &one, a, &n, a, &n, &zero, c, &n);
	int threads = 0;
#pragma omp parallel
	{
#pragma omp atomic
		threads++;
	}
	int seen = 0;
	for (char **e = environ; *e; e++)
		seen += !strncmp(*e, "LD_PRELOAD=", 11) || !strncmp(*e, "BLASBENCH_", 10);
	printf("linked: omp threads %d, blasbench variables seen %d\n", threads, seen);
	fflush(stdout);
	int child =
	    system("env | grep -c -e '^LD_PRELOAD=' -e '^BLASBENCH_' | sed 's/^/child sees: /'");
	(void)child;
	free(a);
	free(c);
	return 5;
}
