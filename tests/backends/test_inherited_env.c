/*
 * The inherited environment a stack reads (backends/inherited_env.c), on fixture libraries
 * built by the tests (tests/fixtures/fixture_envnames.c): a name in the strings as a whole word
 * counts, the end of a longer word does not, nor PATH because LD_LIBRARY_PATH is mentioned; the
 * loader's variables always count; a family prefix counts only for a stack whose strings hold
 * it; what a spec or blasbench sets is never inherited.
 * usage: test_inherited_env FIXTURE_DIR
 */
#include <stdlib.h>
#include <string.h>

#include "backends/inherited_env.h"
#include "test_util.h"

static const char *value_of(const bb_env_var *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return v[i].value;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	char plain[4096], family[4096];
	snprintf(plain, sizeof(plain), "%s/libbbfix_envnames.so", argv[1]);
	snprintf(family, sizeof(family), "%s/libbbfix_envnames_family.so", argv[1]);

	setenv("BBFIX_KNOB", "on", 1);
	setenv("BBFIX_GLUED", "glued", 1);
	setenv("BBFIX_UNREAD", "x", 1);
	setenv("LD_BIND_NOW", "1", 1);
	setenv("OPENBLAS_CORETYPE", "Haswell", 1);
	setenv("OMP_NUM_THREADS", "3", 1);
	setenv("BBFIX_SPEC", "inherited", 1);
	setenv("BLASBENCH_ANYTHING", "1", 1);

	/* candidates: blasbench's own, the basics, the spec's and (threads > 0) the thread
	 * variables are not inherited */
	bb_backend_spec spec;
	char text_spec[4200], err[256];
	snprintf(text_spec, sizeof(text_spec), "%s+BBFIX_SPEC=mine", plain);
	BB_CHECK_INT(bb_spec_parse(text_spec, &spec, err, sizeof(err)), 0);
	bb_env_var *cand = NULL;
	size_t n_cand = bb_env_candidates(&spec, 2, &cand);
	BB_CHECK_STR(value_of(cand, n_cand, "BBFIX_KNOB"), "on");
	BB_CHECK(!value_of(cand, n_cand, "BBFIX_SPEC"));
	BB_CHECK(!value_of(cand, n_cand, "OMP_NUM_THREADS"));
	BB_CHECK(!value_of(cand, n_cand, "BLASBENCH_ANYTHING"));
	BB_CHECK(!value_of(cand, n_cand, "PATH"));
	bb_env_var *c0 = NULL;
	size_t n0 = bb_env_candidates(&spec, 0, &c0);
	BB_CHECK_STR(value_of(c0, n0, "OMP_NUM_THREADS"),
	             "3"); /* not set by blasbench: inherited */
	bb_env_vars_free(c0, n0);

	/* the files of a path spec: the library and what it needs (libc) */
	char **files = NULL;
	size_t n_files = bb_env_spec_files(&spec, &files);
	BB_CHECK(n_files >= 2);
	int has_libc = 0;
	for (size_t i = 0; i < n_files; i++)
		has_libc |= strstr(files[i], "libc.so") != NULL;
	BB_CHECK(has_libc);
	for (size_t i = 0; i < n_files; i++)
		free(files[i]);
	free(files);

	/* read by the plain fixture alone */
	const char *one[] = {plain};
	bb_env_var *read = NULL;
	size_t n_read = bb_env_read_by(cand, n_cand, one, 1, &read);
	BB_CHECK_STR(value_of(read, n_read, "BBFIX_KNOB"), "on");
	BB_CHECK_STR(value_of(read, n_read, "LD_BIND_NOW"), "1");
	BB_CHECK(!value_of(read, n_read, "BBFIX_GLUED"));       /* no word boundary before it */
	BB_CHECK(!value_of(read, n_read, "BBFIX_UNREAD"));      /* nowhere in the strings */
	BB_CHECK(!value_of(read, n_read, "OPENBLAS_CORETYPE")); /* not an OpenBLAS stack */
	BB_CHECK_INT(n_read, 2);
	bb_env_vars_free(read, n_read);

	/* a stack whose strings hold OPENBLAS_: the prefix catches a name it does not spell */
	const char *fam[] = {family};
	n_read = bb_env_read_by(cand, n_cand, fam, 1, &read);
	BB_CHECK_STR(value_of(read, n_read, "OPENBLAS_CORETYPE"), "Haswell");
	bb_env_vars_free(read, n_read);

	char *text = NULL;
	bb_env_var two[] = {{"A", "x"}, {"B", "y z"}};
	text = bb_env_vars_text(two, 2);
	BB_CHECK_STR(text, "A=x, B=y z");
	free(text);

	bb_env_vars_free(cand, n_cand);
	bb_spec_release(&spec);
	return bb_test_done();
}
