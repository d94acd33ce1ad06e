/*
 * End to end through the blasbench executable:
 *   test_list BLASBENCH real      `list --json` on the installed catalog: versions agree with
 *                                 what dpkg says is installed, LP64/ILP64 told apart, LAPACK's
 *                                 BLAS resolution, BLIS_ARCH_TYPE read as a number.
 *   test_list BLASBENCH fixtures DIR   bad and odd libraries: each gets a one-line error naming
 *                                 the spec and the reason, the good ones are still listed.
 */
#include "common/json.h"
#include "test_util.h"

#include <sys/wait.h>
#include <unistd.h>

static char *slurp_cmd(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	bb_strbuf sb = BB_STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		bb_strbuf_add(&sb, buf, n);
	int st = pclose(p);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
	return bb_strbuf_detach(&sb, NULL);
}

static char *slurp_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return bb_xstrdup("");
	bb_strbuf sb = BB_STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		bb_strbuf_add(&sb, buf, n);
	fclose(f);
	return bb_strbuf_detach(&sb, NULL);
}

/* Upstream version of an installed Debian package ("0.3.21+ds-4" -> "0.3.21"), or NULL. */
static char *dpkg_version(const char *pkg)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "dpkg-query -W -f='${Version}' %s 2>/dev/null", pkg);
	int st;
	char *v = slurp_cmd(cmd, &st);
	if (!v || st || !*v) {
		free(v);
		return NULL;
	}
	char *s = strchr(v, ':') ? strchr(v, ':') + 1 : v;
	s[strcspn(s, "+-~")] = 0;
	char *r = bb_xstrdup(s);
	free(v);
	return r;
}

static const bb_json *find_alias(const bb_json *doc, const char *alias)
{
	const bb_json *list = bb_json_get(doc, "backends");
	for (size_t i = 0; i < bb_json_len(list); i++)
		if (!strcmp(bb_json_str(bb_json_get(bb_json_at(list, i), "alias"), ""), alias))
			return bb_json_at(list, i);
	return NULL;
}

static const char *field(const bb_json *rec, const char *obj, const char *key)
{
	const bb_json *o = obj ? bb_json_get(rec, obj) : rec;
	return bb_json_str(bb_json_get(o, key), "(null)");
}

static bb_json *run_json(const char *cmd, int *status)
{
	char *out = slurp_cmd(cmd, status);
	char err[128];
	bb_json *doc = out ? bb_json_parse(out, strlen(out), err, sizeof(err)) : NULL;
	if (!doc)
		fprintf(stderr, "'%s' gave no JSON (%s):\n%s\n", cmd, err, out ? out : "");
	free(out);
	return doc;
}

static void check_version(const bb_json *doc, const char *alias, const char *key, const char *pkg)
{
	const bb_json *rec = find_alias(doc, alias);
	char *want = dpkg_version(pkg);
	if (!rec || !want) {
		printf("not checked: %s (%s not installed)\n", alias, pkg);
		free(want);
		return;
	}
	BB_CHECK_STR(field(rec, NULL, key), want);
	free(want);
}

static int real_libraries(const char *bb)
{
	char cmd[1024];
	int st;
	snprintf(cmd, sizeof(cmd), "%s list --json 2>/dev/null", bb);
	bb_json *doc = run_json(cmd, &st);
	BB_CHECK(doc != NULL);
	if (!doc)
		return bb_test_done();
	BB_CHECK_INT(st, 0);
	if (!find_alias(doc, "openblas"))
		BB_TEST_SKIP("OpenBLAS not installed");
	check_version(doc, "openblas", "version", "libopenblas0-pthread");
	check_version(doc, "openblas64", "version", "libopenblas64-0-pthread");
	check_version(doc, "blis", "version", "libblis4-pthread");
	check_version(doc, "atlas", "version", "libatlas3-base");
	check_version(doc, "netlib", "lapack_version", "liblapack3");
	BB_CHECK_STR(field(find_alias(doc, "openblas"), "abi", "integer"), "LP64");
	if (find_alias(doc, "openblas64"))
		BB_CHECK_STR(field(find_alias(doc, "openblas64"), "abi", "integer"), "ILP64");
	BB_CHECK_STR(field(find_alias(doc, "openblas"), "threads", "layer"), "pthreads");
	if (find_alias(doc, "openblas-openmp")) {
		BB_CHECK_STR(field(find_alias(doc, "openblas-openmp"), "threads", "layer"), "openmp");
		BB_CHECK_STR(field(find_alias(doc, "openblas-openmp"), NULL, "omp_runtime"), "libgomp.so.1");
	}
	if (find_alias(doc, "atlas"))
		BB_CHECK(strstr(field(find_alias(doc, "atlas"), NULL, "lapack_blas"), "/atlas/") != NULL);
	if (find_alias(doc, "netlib"))
		BB_CHECK(strstr(field(find_alias(doc, "netlib"), NULL, "lapack_blas"), "/blas/libblas") != NULL);
	BB_CHECK(bb_json_len(bb_json_get(doc, "not_installed")) < 20);
	bb_json_free(doc);

	/* the effective configuration after the environment: BLIS 0.9 reads the name as 0 = skx */
	snprintf(cmd, sizeof(cmd), "%s list --json -b 'blis+BLIS_ARCH_TYPE=haswell' 2>/dev/null", bb);
	doc = run_json(cmd, &st);
	if (doc && find_alias(doc, "blis+BLIS_ARCH_TYPE=haswell") &&
	    !strcmp(field(find_alias(doc, "blis+BLIS_ARCH_TYPE=haswell"), NULL, "version"), "0.9.0"))
		BB_CHECK_STR(field(find_alias(doc, "blis+BLIS_ARCH_TYPE=haswell"), NULL, "kernel"), "skx");
	bb_json_free(doc);

	/* OpenBLAS's kernel as the worker reports it, forced for this one command (an
	 * OPENBLAS_CORETYPE this machine's environment may set is overridden, not unset) */
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
		const char *alias = "openblas+OPENBLAS_CORETYPE=Haswell";
		snprintf(cmd, sizeof(cmd), "%s list --json -b '%s' 2>/dev/null", bb, alias);
		doc = run_json(cmd, &st);
		BB_CHECK(doc && find_alias(doc, alias));
		if (doc && find_alias(doc, alias))
			BB_CHECK_STR(field(find_alias(doc, alias), NULL, "kernel"), "Haswell");
		bb_json_free(doc);
	} else {
		printf("OPENBLAS_CORETYPE=Haswell not checked: this CPU has no AVX2/FMA\n");
	}
	return bb_test_done();
}

static void expect_error(const bb_json *doc, const char *alias, const char *a, const char *b)
{
	const char *e = field(find_alias(doc, alias), NULL, "error");
	int ok = strstr(e, a) && (!b || strstr(e, b));
	BB_CHECK(ok);
	if (!ok)
		fprintf(stderr, "  %s: error '%s' lacks '%s'/'%s'\n", alias, e, a, b ? b : "");
}

static int fixtures(const char *bb, const char *dir)
{
	char cmd[4096], errfile[] = "/tmp/bb-test-list-XXXXXX";
	int fd = mkstemp(errfile);
	if (fd < 0)
		return 1;
	close(fd);
	/*
	 * The timeout must leave room for a good probe: under ASan, on a VM where fork and mmap
	 * are slow, probing one fixture takes 2.3 s alone and more next to the real-library
	 * test; 3 s made ilp and f2c time out there.  The hang fixture costs the full 10 s.
	 */
	snprintf(cmd, sizeof(cmd),
		 "%s list --json --timeout 10 -b "
		 "good=%s/libbbfix_lp64.so,"
		 "crash=%s/libbbfix_lp64.so+BB_FIXTURE=crash-probe,"
		 "hang=%s/libbbfix_lp64.so+BB_FIXTURE=hang-probe,"
		 "abort=%s/libbbfix_lp64.so+BB_FIXTURE=abort-load,"
		 "ilp=%s/libbbfix_ilp64.so,f2c=%s/libbbfix_f2c.so,"
		 "noblas=%s/libbbfix_noblas.so,missing=/nonexistent/libx.so,text=/etc/hostname "
		 "2>%s",
		 bb, dir, dir, dir, dir, dir, dir, dir, errfile);
	int st;
	bb_json *doc = run_json(cmd, &st);
	BB_CHECK(doc != NULL);
	BB_CHECK_INT(st, 1); /* something failed, and the command says so */
	if (doc) {
		BB_CHECK_STR(field(find_alias(doc, "good"), "abi", "integer"), "LP64");
		BB_CHECK_STR(field(find_alias(doc, "good"), "abi", "real_return"), "float");
		BB_CHECK_STR(field(find_alias(doc, "good"), "abi", "complex_return"), "registers");
		BB_CHECK_STR(field(find_alias(doc, "ilp"), "abi", "integer"), "ILP64");
		BB_CHECK_STR(field(find_alias(doc, "f2c"), "abi", "real_return"), "double (f2c/g77)");
		BB_CHECK_STR(field(find_alias(doc, "f2c"), "abi", "complex_return"),
			     "hidden argument (f2c/g77)");
		expect_error(doc, "crash", "SIGSEGV", "integer width");
		expect_error(doc, "hang", "hung", "integer width");
		expect_error(doc, "abort", "SIGABRT", "load");
		expect_error(doc, "noblas", "exports no BLAS", NULL);
		expect_error(doc, "missing", "No such file", NULL);
		expect_error(doc, "text", "not an ELF", NULL);
	}
	/* one error line per failed backend, naming the spec */
	char *err = slurp_file(errfile);
	int lines = 0;
	for (char *p = err; (p = strstr(p, "error: backend '")); p++)
		lines++;
	BB_CHECK_INT(lines, 6);
	BB_CHECK(strstr(err, "error: backend 'crash=") != NULL);
	free(err);
	unlink(errfile);
	bb_json_free(doc);
	return bb_test_done();
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[2], "real"))
		return real_libraries(argv[1]);
	if (argc >= 4 && !strcmp(argv[2], "fixtures"))
		return fixtures(argv[1], argv[3]);
	fprintf(stderr, "usage: test_list BLASBENCH real | fixtures DIR\n");
	return 2;
}
