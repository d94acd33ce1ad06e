/*
 * Test driver for harness/diagnose/repro/diagnose_repro.c: fills a bb_repro_input from options, writes the
 * reproduction program with bb_repro_write and prints its path and build line (two lines), so
 * tests/harness/test_repro.sh can compile and run it before `diagnose` exists.
 *   repro_gen --dir D --scenario S --alias A --blas PATH [--symbol dgemm_] [--bits 32|64]
 *             [--set-threads SYM] [--omp PATH] [--omp2 PATH] [--threads T] [--n N]
 *             [--env "A=1 B=2"] [--slowdown X] [--hung] [--kernel VAR=VALUE]
 * Exit 0 when written, 1 with the generator's reason on stderr, 2 on a usage error.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/diagnose/repro/diagnose_repro.h"

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"dir", 1, 0, 'd'},     {"scenario", 1, 0, 's'}, {"alias", 1, 0, 'a'},
	    {"blas", 1, 0, 'b'},    {"symbol", 1, 0, 'y'},   {"bits", 1, 0, 'i'},
	    {"set-threads", 1, 0, 't'}, {"omp", 1, 0, 'o'},  {"omp2", 1, 0, 'O'},
	    {"threads", 1, 0, 'T'}, {"n", 1, 0, 'n'},       {"env", 1, 0, 'e'},
	    {"slowdown", 1, 0, 'x'}, {"hung", 0, 0, 'h'},    {"kernel", 1, 0, 'k'},
	    {0, 0, 0, 0}};
	bb_repro_input in = {.blas_symbol = "dgemm_", .int_bits = 32, .threads = 2, .n = 128,
			     .env = "", .slowdown = NAN};
	const char *dir = NULL;
	char *kernel = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 's': in.scenario = optarg; break;
		case 'a': in.alias = optarg; break;
		case 'b': in.blas_path = optarg; break;
		case 'y': in.blas_symbol = optarg; break;
		case 'i': in.int_bits = atoi(optarg); break;
		case 't': in.set_threads_symbol = optarg; break;
		case 'o': in.omp_path = optarg; break;
		case 'O': in.omp2_path = optarg; break;
		case 'T': in.threads = atoi(optarg); break;
		case 'n': in.n = atol(optarg); break;
		case 'e': in.env = optarg; break;
		case 'x': in.slowdown = atof(optarg); break;
		case 'h': in.hung = 1; break;
		case 'k': kernel = optarg; break;
		default: return 2;
		}
	}
	if (kernel) {
		char *eq = strchr(kernel, '=');
		if (eq) {
			*eq = '\0';
			in.kernel_value = eq + 1;
		}
		in.kernel_var = kernel;
	}
	if (optind != argc) {
		fprintf(stderr, "repro_gen: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	char *path = NULL, err[512];
	if (bb_repro_write(dir, &in, &path, err, sizeof(err))) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	char *build = bb_repro_build_line(path);
	printf("%s\n%s\n", path, build);
	free(build);
	free(path);
	return 0;
}
