/* Backend spec parsing: aliases, paths, environment, catalog names, errors. */
#include "backends/spec.h"
#include "test_util.h"

static void parses(const char *text, const char *alias, const char *name, const char *path,
		   size_t n_env)
{
	bb_backend_spec s;
	char err[256] = "";
	int rc = bb_spec_parse(text, &s, err, sizeof(err));
	BB_CHECK_INT(rc, 0);
	if (rc) {
		fprintf(stderr, "  '%s': %s\n", text, err);
		return;
	}
	BB_CHECK_STR(s.alias, alias);
	if (name)
		BB_CHECK_STR(s.name, name);
	else
		BB_CHECK(s.name == NULL);
	if (path)
		BB_CHECK_STR(s.path, path);
	else
		BB_CHECK(s.path == NULL);
	BB_CHECK_INT(s.n_env, n_env);
	BB_CHECK_STR(s.text, text);
	bb_spec_release(&s);
}

static void refuses(const char *text, const char *needle)
{
	bb_backend_spec s;
	char err[256] = "";
	BB_CHECK_INT(bb_spec_parse(text, &s, err, sizeof(err)), -1);
	if (!strstr(err, needle)) {
		fprintf(stderr, "  '%s' error '%s' lacks '%s'\n", text, err, needle);
		BB_CHECK(0);
	}
}

int main(void)
{
	parses("openblas", "openblas", "openblas", NULL, 0);
	parses("blis-openmp", "blis-openmp", "blis-openmp", NULL, 0);
	parses("/opt/ob-0.3.28/libopenblas.so", "/opt/ob-0.3.28/libopenblas.so", NULL,
	       "/opt/ob-0.3.28/libopenblas.so", 0);
	parses("new=/opt/ob/libopenblas.so", "new", NULL, "/opt/ob/libopenblas.so", 0);
	parses("skx=openblas+OPENBLAS_CORETYPE=SkylakeX", "skx", "openblas", NULL, 1);
	parses("openblas+OPENBLAS_CORETYPE=Haswell+OPENBLAS_NUM_THREADS=1",
	       "openblas+OPENBLAS_CORETYPE=Haswell+OPENBLAS_NUM_THREADS=1", "openblas", NULL, 2);
	/* a '+' inside a path is not an environment assignment */
	parses("/opt/g++/lib/libblas.so", "/opt/g++/lib/libblas.so", NULL, "/opt/g++/lib/libblas.so", 0);
	/* a value may contain '=' and '+' that do not start VAR= */
	bb_backend_spec s;
	char err[256];
	BB_CHECK_INT(bb_spec_parse("blis+X=a=b+1", &s, err, sizeof(err)), 0);
	BB_CHECK_STR(s.env[0].name, "X");
	BB_CHECK_STR(s.env[0].value, "a=b+1");
	bb_spec_release(&s);

	refuses("", "empty");
	refuses("openblass", "did you mean 'openblas'");
	refuses("nosuchlib", "unknown backend 'nosuchlib'");
	refuses("a=", "names no library");
	/* an alias with characters an alias cannot have: said so, with the characters allowed,
	 * not "unknown backend" or a path that does not exist */
	refuses("\xc3\xa9t\xc3\xa9=openblas", "bad alias '\xc3\xa9t\xc3\xa9' in backend spec");
	refuses("\xc3\xa9t\xc3\xa9=openblas", "an alias may use only " BB_SPEC_ALIAS_CHARS);
	refuses("<b>x</b>=openblas", "bad alias '<b>x</b>'");
	refuses("a b=/opt/ob/libopenblas.so", "bad alias 'a b'");
	refuses("=openblas", "bad alias ''");
	refuses("x:y=openblas+OPENBLAS_CORETYPE=Haswell", "bad alias 'x:y'");
	/* an '=' inside a path stays a path */
	parses("/opt/a=b/libblas.so", "/opt/a=b/libblas.so", NULL, "/opt/a=b/libblas.so", 0);
	parses("new=/opt/a=b/libblas.so", "new", NULL, "/opt/a=b/libblas.so", 0);

	/* +lapack=: a LAPACK on the BLAS, not a variable; checked against the catalog */
	const char *const lapacks[][2] = {{"blis+lapack=flame", "flame"},
					  {"blis+lapack=netlib", "netlib"},
					  {"blis+lapack=none", "none"},
					  {"b=blis-openmp+lapack=/opt/lapack/liblapack.so.3+X=1",
					   "/opt/lapack/liblapack.so.3"}};
	for (size_t i = 0; i < sizeof(lapacks) / sizeof(lapacks[0]); i++) {
		BB_CHECK_INT(bb_spec_parse(lapacks[i][0], &s, err, sizeof(err)), 0);
		BB_CHECK_STR(s.lapack, lapacks[i][1]);
		BB_CHECK_INT(s.n_env, i == 3);
		bb_spec_release(&s);
	}
	BB_CHECK_INT(bb_spec_parse("blis", &s, err, sizeof(err)), 0);
	BB_CHECK(s.lapack == NULL); /* the catalog's partner, decided when loading */
	bb_spec_release(&s);
	refuses("blis+lapack=openblas", "'openblas' is no LAPACK that can be put on a BLAS");
	refuses("blis+lapack=flam", "is no LAPACK");
	refuses("blis+lapack=", "+lapack= needs a LAPACK");
	refuses("flame+lapack=netlib", "'flame' is a LAPACK itself");
	refuses("ref+lapack=flame", "'ref' is built in");

	bb_backend_spec *list;
	size_t n;
	BB_CHECK_INT(bb_spec_parse_list("openblas,blis,x=/a/b.so", &list, &n, err, sizeof(err)), 0);
	BB_CHECK_INT(n, 3);
	BB_CHECK_STR(list[2].alias, "x");
	bb_spec_list_free(list, n);
	BB_CHECK_INT(bb_spec_parse_list("openblas,,blis", &list, &n, err, sizeof(err)), -1);
	BB_CHECK(strstr(err, "empty item") != NULL);
	BB_CHECK_INT(bb_spec_parse_list("openblas,openblas", &list, &n, err, sizeof(err)), -1);
	BB_CHECK(strstr(err, "named twice") != NULL);
	BB_CHECK_INT(bb_spec_parse_list("a=openblas,a=blis", &list, &n, err, sizeof(err)), -1);
	return bb_test_done();
}
