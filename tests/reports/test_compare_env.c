/*
 * compare's attribution of the inherited environment (reports/compare_attrib.c) on backend
 * records written by hand: a variable inherited on one side only, a changed value, --clean-env
 * on one side, a record from before the field existed, and a spec's own variable (still "env").
 */
#include <stdlib.h>
#include <string.h>

#include "reports/compare.h"
#include "test_util.h"

static void check_attr(const char *a, const char *b, const char *want_full, const char *want_env)
{
	char *full = bb_cmp_attribution(a, b), *env = bb_cmp_env_attribution(a, b);
	BB_CHECK_STR(full, want_full);
	BB_CHECK_STR(env, want_env);
	free(full);
	free(env);
}

int main(void)
{
	const char *hw = "{\"kernel\":\"Haswell\",\"env\":{},\"inherited_env\":{\"OPENBLAS_"
	                 "CORETYPE\":\"Haswell\"},"
	                 "\"clean_env\":false}";
	const char *plain =
	    "{\"kernel\":\"Cooperlake\",\"env\":{},\"inherited_env\":{},\"clean_env\":false}";
	const char *clean =
	    "{\"kernel\":\"Cooperlake\",\"env\":{},\"inherited_env\":{},\"clean_env\":true,"
	    "\"dropped_env\":{\"OPENBLAS_CORETYPE\":\"Haswell\"}}";
	const char *sandy =
	    "{\"kernel\":\"Sandybridge\",\"env\":{},\"inherited_env\":{\"OPENBLAS_CORETYPE\":"
	    "\"Sandybridge\"},\"clean_env\":false}";
	const char *old = "{\"kernel\":\"Cooperlake\",\"env\":{}}";
	const char *spec = "{\"kernel\":\"Haswell\",\"env\":{\"OPENBLAS_CORETYPE\":\"Haswell\"},"
	                   "\"inherited_env\":{},\"clean_env\":false}";

	check_attr(hw, plain,
	           "kernel Haswell -> Cooperlake; env inherited OPENBLAS_CORETYPE Haswell -> unset",
	           "env inherited OPENBLAS_CORETYPE Haswell -> unset");
	check_attr(plain, hw,
	           "kernel Cooperlake -> Haswell; env inherited OPENBLAS_CORETYPE unset -> Haswell",
	           "env inherited OPENBLAS_CORETYPE unset -> Haswell");
	check_attr(
	    hw, clean,
	    "kernel Haswell -> Cooperlake; env inherited OPENBLAS_CORETYPE Haswell -> unset; "
	    "--clean-env off -> on",
	    "env inherited OPENBLAS_CORETYPE Haswell -> unset; --clean-env off -> on");
	check_attr(
	    hw, sandy,
	    "kernel Haswell -> Sandybridge; env inherited OPENBLAS_CORETYPE Haswell -> Sandybridge",
	    "env inherited OPENBLAS_CORETYPE Haswell -> Sandybridge");
	check_attr(hw, hw, "", "");
	/* a record from before inherited_env was recorded: unknown, not empty */
	check_attr(old, hw,
	           "kernel Cooperlake -> Haswell; env inherited: not recorded in the base run",
	           "env inherited: not recorded in the base run");
	check_attr(old, plain, "", "");
	/* the spec's own setting is "env", the inherited one "env inherited" */
	check_attr(spec, hw,
	           "env OPENBLAS_CORETYPE Haswell -> unset; env inherited OPENBLAS_CORETYPE unset "
	           "-> Haswell",
	           "env inherited OPENBLAS_CORETYPE unset -> Haswell");
	/* no record on one side: nothing to say about its environment */
	char *env = bb_cmp_env_attribution(NULL, hw);
	BB_CHECK_STR(env, "");
	free(env);
	return bb_test_done();
}
