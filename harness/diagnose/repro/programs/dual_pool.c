/*
 * The reproduction program of the dual-pool scenario: dgemm through one copy of the library,
 * then through two copies in turn.  It mirrors bb_scn_dual_pool() and pair_call() in
 * workloads/scenario_blas.c, and private_copy() in harness/diagnose/diagnose_worker.c: when
 * that measurement changes, change this program too.
 */
#include "common.h"

/* ---- dual-pool ---- */

/* Copy the library into a fresh temporary directory: the copy is another file, so
 * the loader maps it as a second library with its own globals and thread pool, as
 * when two Python wheels each bring their own copy.  The path is malloc'd. */
static char *private_copy(const char *src)
{
	const char *tmp = getenv("TMPDIR"), *base = strrchr(src, '/');
	tmp = tmp && *tmp ? tmp : "/tmp";
	size_t len = strlen(tmp) + strlen(src) + 32;
	char *dir = malloc(len), *dst = malloc(len);
	snprintf(dir, len, "%s/repro-copy-XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		perror(dir);
		exit(2);
	}
	snprintf(dst, len, "%s/%s", dir, base ? base + 1 : src);
	int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0755);
	int ok = in >= 0 && out >= 0;
	char buf[65536];
	ssize_t got;
	while (ok && (got = read(in, buf, sizeof(buf))) > 0)
		ok = write(out, buf, (size_t)got) == got;
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out))
		ok = 0;
	if (!ok) {
		fprintf(stderr, "cannot copy '%s' to '%s'\n", src, dst);
		exit(2);
	}
	free(dir);
	return dst;
}

/* Remove the copy and its directory: once mapped, the file is no longer needed. */
static void remove_copy(char *path)
{
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	free(path);
}

typedef struct pair {
	gemm *first, *second;
} pair;

static int pair_call(void *p)
{
	pair *o = p;
	gemm_call(o->first);
	gemm_call(o->second);
	return 0;
}

int main(int argc, char **argv)
{
	static samples base, path;
	args(argc, argv);
	env_note();
	void *h1 = load(blas_path);
	char *copy = private_copy(blas_path);
	void *h2 = load(copy);
	remove_copy(copy);
	set_threads(h1, threads);
	set_threads(h2, threads);
	gemm g1, g2;
	gemm_init(&g1, (dgemm_fn *)sym(h1, dgemm_symbol, blas_path), n, 1);
	gemm_init(&g2, (dgemm_fn *)sym(h2, dgemm_symbol, blas_path), n, 2);
	printf("dual-pool: %ldx%ld dgemm, %d threads, two copies of %s\n", n, n,
	       threads, blas_path);
	printf("baseline: two calls through one copy; pathology: one through each\n");

	pair same = {&g1, &g1}, other = {&g1, &g2};
	for (int i = 0; i < 3; i++)
		pair_call(&other); /* both pools started */
	for (int i = 0; i < ROUNDS; i++) {
		block(pair_call, &same, &base);
		block(pair_call, &other, &path);
	}
	if (check(g1.f, "first copy: ") || check(g2.f, "second copy: "))
		return 1;
	result("two calls", median(&base), median(&path));
	return 0;
}
