/*
 * Fuzz target: backend specs (backends/spec.c), as given to --backends.  The input is one
 * comma-separated list; it is parsed as a list and as one spec.  What parses must hold
 * together: an alias, exactly one of a catalog name or a path, environment names of the form
 * VAR, and a copy equal to the original.  Everything is freed (leak detection is on).
 */
#include "backends/spec.h"
#include "fuzz_util.h"

/* A parsed spec is consistent, and bb_spec_copy reproduces it. */
static void check_spec(const bb_backend_spec *s)
{
	BB_FUZZ_CHECK(s->text && s->alias && *s->alias);
	BB_FUZZ_CHECK(!s->name != !s->path);
	BB_FUZZ_CHECK(!s->path || strchr(s->path, '/'));
	for (size_t i = 0; i < s->n_env; i++) {
		const char *v = s->env[i].name;
		BB_FUZZ_CHECK(v && *v && s->env[i].value);
		BB_FUZZ_CHECK(strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                        "0123456789_") == strlen(v));
	}
	bb_backend_spec c;
	bb_spec_copy(&c, s);
	BB_FUZZ_CHECK(!strcmp(c.text, s->text) && !strcmp(c.alias, s->alias));
	BB_FUZZ_CHECK(c.n_env == s->n_env);
	bb_spec_release(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = bb_fuzz_cstr(data, size);
	char err[512];

	bb_backend_spec *list;
	size_t n;
	if (bb_spec_parse_list(text, &list, &n, err, sizeof(err)) == 0) {
		BB_FUZZ_CHECK(n >= 1);
		for (size_t i = 0; i < n; i++) {
			check_spec(&list[i]);
			for (size_t j = 0; j < i; j++)
				BB_FUZZ_CHECK(strcmp(list[i].alias, list[j].alias));
		}
		bb_spec_list_free(list, n);
	} else {
		BB_FUZZ_CHECK(*err);
	}

	bb_backend_spec s;
	if (bb_spec_parse(text, &s, err, sizeof(err)) == 0) {
		check_spec(&s);
		bb_spec_release(&s);
	} else {
		BB_FUZZ_CHECK(*err);
	}
	free(text);
	return 0;
}
