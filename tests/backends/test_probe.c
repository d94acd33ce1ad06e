/*
 * Probes against one real library, in this process: test_probe SPEC [KEY=VALUE ...].
 * Expectations (from tests/backends/CMakeLists.txt): int=32|64, family=, threading=,
 * lapack=yes|no, omp=<soname or none>, real=float|double, complex=registers|hidden,
 * lapack_blas=<substring of the path LAPACK's dgemm is bound to>, kernel=NAME (exactly) or
 * kernel=api (what the library's own API says, asked here directly: openblas_get_corename,
 * bli_arch_string, ATL_buildinfo's -DATL_ARCH_ flag), version= and config= (exactly),
 * note=<substring of a note>.  Exits 77 when the backend is not installed.
 */
#include <dlfcn.h>
#include <unistd.h>

#include "backends/backend.h"
#include "test_util.h"

/* A symbol of the backend's own files, looked up here rather than through the probes. */
static void *own_sym(const bb_backend *b, const char *name)
{
	for (size_t i = 0; i < b->n_files; i++) {
		void *p = b->own[i] ? dlsym(b->handles[i], name) : NULL;
		if (p)
			return p;
	}
	return NULL;
}

/* What ATL_buildinfo prints (it has no other output), read back through a temporary file. */
static char *atlas_buildinfo(void (*fn)(void))
{
	static char text[8192];
	FILE *f = tmpfile();
	if (!f)
		return NULL;
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	dup2(fileno(f), STDOUT_FILENO);
	fn();
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(f);
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	return text;
}

/* kernel=api: the probe's kernel is what the library's own query returns right now. */
static void expect_kernel_from_api(const bb_backend *b)
{
	const char *(*corename)(void) = (const char *(*)(void))own_sym(b, "openblas_get_corename");
	int (*arch_id)(void) = (int (*)(void))own_sym(b, "bli_arch_query_id");
	const char *(*arch_str)(int) = (const char *(*)(int))own_sym(b, "bli_arch_string");
	void (*buildinfo)(void) = (void (*)(void))own_sym(b, "ATL_buildinfo");
	if (corename) {
		BB_CHECK_STR(b->kernel, corename());
	} else if (arch_id && arch_str) {
		BB_CHECK_STR(b->kernel, arch_str(arch_id()));
	} else if (buildinfo) {
		const char *text = atlas_buildinfo(buildinfo);
		char flag[128];
		snprintf(flag, sizeof(flag), "-DATL_ARCH_%s ", b->kernel ? b->kernel : "(null)");
		BB_CHECK(text && b->kernel && strstr(text, flag));
		if (!text || !strstr(text, flag))
			fprintf(stderr, "  kernel %s, ATL_buildinfo says:\n%s\n",
			        b->kernel ? b->kernel : "(null)", text ? text : "(nothing)");
	} else {
		BB_CHECK(!"kernel=api: the library exports no kernel query this test knows");
	}
}

static void expect(const bb_backend *b, const char *kv)
{
	const char *eq = strchr(kv, '=');
	if (!eq) {
		BB_CHECK(!"expectation needs KEY=VALUE");
		return;
	}
	char key[32];
	snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
	const char *v = eq + 1;
	if (!strcmp(key, "int"))
		BB_CHECK_INT(b->int_bits, atoi(v));
	else if (!strcmp(key, "family"))
		BB_CHECK_STR(b->family, v);
	else if (!strcmp(key, "threading"))
		BB_CHECK_STR(b->threading, v);
	else if (!strcmp(key, "lapack"))
		BB_CHECK_INT(b->lapack, !strcmp(v, "yes") ? BB_YES : BB_NO);
	else if (!strcmp(key, "omp")) {
		if (!strcmp(v, "none"))
			BB_CHECK(b->omp_runtime == NULL);
		else
			BB_CHECK_STR(b->omp_runtime, v);
	} else if (!strcmp(key, "real"))
		BB_CHECK_INT(b->real_return, !strcmp(v, "float") ? BB_REAL_FLOAT : BB_REAL_DOUBLE);
	else if (!strcmp(key, "complex"))
		BB_CHECK_INT(b->complex_return,
			     !strcmp(v, "registers") ? BB_COMPLEX_REGISTERS : BB_COMPLEX_HIDDEN_ARG);
	else if (!strcmp(key, "lapack_blas")) {
		BB_CHECK(b->lapack_blas && strstr(b->lapack_blas, v));
		if (!b->lapack_blas || !strstr(b->lapack_blas, v))
			fprintf(stderr, "  lapack_blas = %s\n", b->lapack_blas ? b->lapack_blas : "(null)");
	} else if (!strcmp(key, "kernel") && !strcmp(v, "api"))
		expect_kernel_from_api(b);
	else if (!strcmp(key, "kernel"))
		BB_CHECK_STR(b->kernel, v);
	else if (!strcmp(key, "lapack_from")) {
		/* the file the dgetrf slot points into: the layered LAPACK, not the BLAS's own */
		Dl_info info;
		const char *file = b->slots[BB_R_dgetrf].supported &&
					   dladdr((void *)b->slots[BB_R_dgetrf].fn, &info)
				       ? info.dli_fname
				       : NULL;
		BB_CHECK(file && strstr(file, v));
		if (!file || !strstr(file, v))
			fprintf(stderr, "  dgetrf from %s\n", file ? file : "(nothing)");
	} else if (!strcmp(key, "version"))
		BB_CHECK_STR(b->version, v);
	else if (!strcmp(key, "config"))
		BB_CHECK_STR(b->config, v);
	else if (!strcmp(key, "note")) {
		int found = 0;
		for (size_t i = 0; i < b->n_notes; i++)
			found |= strstr(b->notes[i], v) != NULL;
		BB_CHECK(found);
		for (size_t i = 0; !found && i < b->n_notes; i++)
			fprintf(stderr, "  note: %s\n", b->notes[i]);
	}	else if (!strcmp(key, "effective"))
		BB_CHECK_INT(b->threads_effective, atoi(v));
	else
		BB_CHECK(!"unknown expectation key");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_probe SPEC [KEY=VALUE ...]\n");
		return 2;
	}
	bb_backend_spec spec;
	char err[512];
	if (bb_spec_parse(argv[1], &spec, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (spec.name && !bb_catalog_installed(bb_catalog_find(spec.name)))
		BB_TEST_SKIP("backend not installed");
	bb_backend b;
	bb_backend_init(&b, &spec);
	bb_spec_release(&spec);
	int rc = bb_backend_load(&b, err, sizeof(err));
	BB_CHECK_INT(rc, 0);
	if (rc) {
		fprintf(stderr, "load: %s\n", err);
		return 1;
	}
	BB_CHECK_INT(bb_backend_probe_abi(&b, err, sizeof(err)), 0);
	bb_backend_probe_info(&b, 2);
	bb_backend_probe_stack(&b);
	/* every backend: dgemm present and callable under the probed ABI */
	BB_CHECK(b.slots[BB_R_dgemm].supported);
	BB_CHECK(bb_backend_abi_known(&b, BB_R_dgemm));
	/* the stack graph holds the backend's own files, hashed */
	int own = 0;
	for (size_t i = 0; i < b.n_objects; i++) {
		own += b.objects[i].own;
		BB_CHECK(strlen(b.objects[i].sha256) == 64 || !b.objects[i].own);
	}
	BB_CHECK(b.n_files == 0 || own >= 1);
	for (int i = 2; i < argc; i++)
		expect(&b, argv[i]);
	bb_backend_release(&b);
	return bb_test_done();
}
