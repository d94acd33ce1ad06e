/*
 * `diagnose -- CMD`: the libraries CMD really loaded (bb_inspect_launch, harness/inspect/), as
 * diagnose's backends and runtimes: each BLAS file a backend spec aliased after the wheel it
 * came from ("numpy", "scipy"), the OpenMP runtime CMD loaded as the scenarios' --omp, and a
 * second BLAS file as dual-pool's pair, with the reason the two cannot share one copy when
 * their ABIs differ (numpy's ILP64 scipy_dgemm_64_ beside scipy's LP64 scipy_dgemm_).
 */
#include "harness/diagnose/diagnose_cmd.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "harness/cli/command.h"
#include "harness/inspect/inspect.h"

static const char *s(const bb_json *o, const char *k)
{
	return bb_json_str(bb_json_get(o, k), NULL);
}

/* The wheel's name ("scikit-learn 1.9.1" -> "scikit-learn"), else the file's stem, in the
 * characters an alias may have; "-2", "-3" when taken. */
static char *alias_for(const bb_json *lib, const bb_diag_cmd *c)
{
	const char *wheel = s(lib, "wheel"), *path = s(lib, "realpath");
	const char *base = wheel ? wheel : (strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	char stem[64];
	size_t n = 0;
	for (const char *p = base; *p && *p != ' ' && n < sizeof(stem) - 4; p++) {
		if (!wheel && *p == '.')
			break;
		stem[n++] =
		    isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.' ? *p : '_';
	}
	stem[n] = 0;
	char *alias = bb_xstrdup(stem);
	for (int k = 2;; k++) {
		int taken = 0;
		for (size_t i = 0; i < c->n; i++)
			taken |= !strcmp(c->specs[i].alias, alias);
		if (!taken)
			return alias;
		free(alias);
		alias = bb_xasprintf("%s-%d", stem, k);
	}
}

static void abi_words(const bb_json *rec, char *buf, size_t len)
{
	const bb_json *abi = bb_json_get(rec, "abi");
	snprintf(buf, len, "%s %sdgemm%s", s(abi, "integer") ? s(abi, "integer") : "?",
	         s(abi, "prefix") ? s(abi, "prefix") : "",
	         s(abi, "suffix") ? s(abi, "suffix") : "");
}

int bb_diag_cmd_inspect(char *const argv[], bb_diag_cmd *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	bb_inspect_result r;
	int rc = bb_inspect_launch(argv, &r, err, errlen);
	if (rc)
		return rc;
	bb_json *doc = NULL;
	if (bb_inspect_report(&r, argv, &doc, err, errlen)) {
		bb_inspect_result_release(&r);
		return BB_EXIT_INTERNAL;
	}
	bb_strbuf said = BB_STRBUF_INIT;
	bb_strbuf_addf(&said, "%s", r.signal ? "the command was killed by a signal; " : "");
	const bb_json *libs = bb_json_get(doc, "libraries");
	const bb_json *first_rec = NULL;
	c->specs = bb_xcalloc(bb_json_len(libs) + 1, sizeof(*c->specs));
	for (size_t i = 0; i < bb_json_len(libs); i++) {
		const bb_json *l = bb_json_at(libs, i), *rec = bb_json_get(l, "record");
		const char *kind = s(l, "kind"), *path = s(l, "realpath");
		char abi[64];
		abi_words(rec, abi, sizeof(abi));
		if (!strcmp(kind, "openmp")) {
			c->n_omp++;
			if (!c->omp)
				c->omp = bb_xstrdup(path);
			bb_strbuf_addf(&said, "CMD loaded %s %s%s%s\n", s(l, "runtime"), path,
			               s(l, "wheel") ? " from the wheel " : "",
			               s(l, "wheel") ? s(l, "wheel") : "");
			continue;
		}
		if (strcmp(kind, "blas") || !rec || bb_json_is_null(rec))
			continue;
		char *alias = alias_for(l, c);
		char *text = bb_xasprintf("%s=%s", alias, path);
		free(alias);
		if (bb_spec_parse(text, &c->specs[c->n], err, errlen) == 0) {
			bb_strbuf_addf(&said,
			               "CMD loaded %s %s %s (%s)%s%s, diagnosed as '%s'\n",
			               s(rec, "family") ? s(rec, "family") : "BLAS",
			               s(rec, "version") ? s(rec, "version") : "", path, abi,
			               s(l, "wheel") ? " from the wheel " : "",
			               s(l, "wheel") ? s(l, "wheel") : "",
			               c->specs[c->n].alias);
			if (c->n == 0) {
				first_rec = rec;
			} else if (c->n == 1) {
				c->pair = bb_xstrdup(c->specs[1].text);
				char a0[64];
				abi_words(first_rec, a0, sizeof(a0));
				if (strcmp(a0, abi))
					c->pair_abi = bb_xasprintf(
					    "'%s' and '%s' differ in ABI (%s, %s): one "
					    "copy cannot serve both callers",
					    c->specs[0].alias, c->specs[1].alias, a0, abi);
			}
			c->n++;
		}
		free(text);
	}
	c->said = bb_strbuf_detach(&said, NULL);
	bb_json_free(doc);
	bb_inspect_result_release(&r);
	return 0;
}

void bb_diag_cmd_release(bb_diag_cmd *c)
{
	bb_spec_list_free(c->specs, c->n);
	free(c->omp);
	free(c->pair);
	free(c->pair_abi);
	free(c->said);
	memset(c, 0, sizeof(*c));
}
