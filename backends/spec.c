/*
 * Parsing of backend specs: `[alias=]name-or-path[+VAR=VALUE...]`.
 *
 * A '+' starts an environment assignment only when what follows looks like VAR= (so paths such
 * as /opt/g++/lib/libblas.so stay whole); a leading `alias=` is recognised only when the alias is
 * a plain word (letters, digits, '_', '-', '.') and comes before any '/'.  Text before an '='
 * that is not a plain word is an alias with characters an alias cannot have (an error naming
 * them), unless the whole is an existing file or reads as a path ("/opt/a=b/libblas.so").
 */
#include "backends/spec.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backends/catalog.h"
#include "common/error.h"

static int is_var_start(const char *p)
{
	if (!(isalpha((unsigned char)*p) || *p == '_'))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	return *p == '=';
}

static int is_alias_char(char c)
{
	/* isalnum() of the C locale; a byte of a UTF-8 letter is not one */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

/* Does text (with no plain-word alias) still read as "alias=library", its alias holding
 * characters an alias cannot have ("été=openblas", "<b>x</b>=openblas", "=openblas")?  Not
 * when the library part is an existing file, nor when what precedes the '=' has a '/' and
 * what follows is no catalog name and no path of its own ("/opt/a=b/libblas.so"). */
static int bad_alias(const char *text)
{
	size_t lib_len = 0; /* up to the first +VAR= */
	while (text[lib_len] && !(text[lib_len] == '+' && is_var_start(text + lib_len + 1)))
		lib_len++;
	const char *eq = memchr(text, '=', lib_len);
	if (!eq)
		return 0;
	char *whole = bb_xasprintf("%.*s", (int)lib_len, text);
	struct stat st;
	int exists = stat(whole, &st) == 0;
	free(whole);
	if (exists)
		return 0;
	if (!memchr(text, '/', (size_t)(eq - text)))
		return 1;
	char *rest = bb_xasprintf("%.*s", (int)(lib_len - (size_t)(eq + 1 - text)), eq + 1);
	int alias_like = bb_catalog_find(rest) || rest[0] == '/' || !strncmp(rest, "./", 2) ||
	                 !strncmp(rest, "../", 3);
	free(rest);
	return alias_like;
}

void bb_spec_release(bb_backend_spec *s)
{
	free(s->text);
	free(s->alias);
	free(s->name);
	free(s->path);
	free(s->lapack);
	for (size_t i = 0; i < s->n_env; i++) {
		free(s->env[i].name);
		free(s->env[i].value);
	}
	free(s->env);
	memset(s, 0, sizeof(*s));
}

void bb_spec_copy(bb_backend_spec *dst, const bb_backend_spec *src)
{
	dst->text = bb_xstrdup(src->text);
	dst->alias = bb_xstrdup(src->alias);
	dst->name = bb_xstrdup(src->name);
	dst->path = bb_xstrdup(src->path);
	dst->lapack = bb_xstrdup(src->lapack);
	dst->n_env = src->n_env;
	dst->env = bb_xcalloc(src->n_env, sizeof(bb_env_var));
	for (size_t i = 0; i < src->n_env; i++) {
		dst->env[i].name = bb_xstrdup(src->env[i].name);
		dst->env[i].value = bb_xstrdup(src->env[i].value);
	}
}

static int fail(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	snprintf(err, errlen, fmt, a, b);
	return -1;
}

/* +lapack=L of spec text: "none", a path, or a catalog entry with a LAPACK that can be put
 * on another BLAS; and s must name a BLAS to put it on (not a LAPACK-only entry). */
static int lapack_check(const bb_backend_spec *s, const char *lapack, const char *text, char *err,
			size_t errlen)
{
	const bb_catalog_entry *under = s->name ? bb_catalog_find(s->name) : NULL;
	if (under && (under->flags & (BB_CAT_LAPACK_ONLY | BB_CAT_BUILTIN))) {
		snprintf(err, errlen, "backend spec '%s': '%s' %s; put a LAPACK on a BLAS (blis+lapack=flame)",
			 text, s->name, (under->flags & BB_CAT_BUILTIN) ? "is built in and takes no LAPACK"
									: "is a LAPACK itself");
		return -1;
	}
	if (!*lapack) {
		snprintf(err, errlen, "backend spec '%s': +lapack= needs a LAPACK (%s, a path or none)",
			 text, bb_catalog_lapack_names());
		return -1;
	}
	if (!strcmp(lapack, "none") || strchr(lapack, '/'))
		return 0;
	const bb_catalog_entry *e = bb_catalog_find(lapack);
	if (!e || !bb_catalog_lapack_file(e)) {
		snprintf(err, errlen, "backend spec '%s': '%s' is no LAPACK that can be put on a BLAS "
			 "(%s, a path or none)", text, lapack, bb_catalog_lapack_names());
		return -1;
	}
	return 0;
}

int bb_spec_parse(const char *text, bb_backend_spec *out, char *err, size_t errlen)
{
	bb_backend_spec s = {0};
	const char *p = text;
	if (!*text)
		return fail(err, errlen, "empty backend spec%s%s", "", "");

	/* alias= */
	const char *q = p;
	while (is_alias_char(*q))
		q++;
	if (*q == '=' && q > p) {
		s.alias = bb_xasprintf("%.*s", (int)(q - p), p);
		p = q + 1;
	} else if (bad_alias(text)) {
		size_t len = strcspn(text, "=");
		snprintf(err, errlen,
		         "bad alias '%.*s' in backend spec '%s': an alias may use only "
		         BB_SPEC_ALIAS_CHARS,
		         (int)len, text, text);
		return -1;
	}

	/* name or path: up to a '+' that starts VAR= */
	const char *end = p;
	while (*end && !(*end == '+' && is_var_start(end + 1)))
		end++;
	if (end == p) {
		bb_spec_release(&s);
		return fail(err, errlen, "backend spec '%s' names no library%s", text, "");
	}
	char *target = bb_xasprintf("%.*s", (int)(end - p), p);
	if (strchr(target, '/')) {
		s.path = target;
	} else {
		if (!bb_catalog_find(target)) {
			const char *hint = bb_catalog_suggest(target);
			char msg[160];
			if (hint)
				snprintf(msg, sizeof(msg), "; did you mean '%s'?", hint);
			else
				snprintf(msg, sizeof(msg), " (see 'blasbench list'; a path needs a '/')");
			fail(err, errlen, "unknown backend '%s'%s", target, msg);
			free(target);
			bb_spec_release(&s);
			return -1;
		}
		s.name = target;
	}

	/* +VAR=VALUE... ; a value runs until the next +VAR= */
	p = end;
	while (*p == '+') {
		p++;
		const char *eq = strchr(p, '=');
		const char *next = eq + 1;
		while (*next && !(*next == '+' && is_var_start(next + 1)))
			next++;
		if ((size_t)(eq - p) == 6 && !strncmp(p, "lapack", 6)) {
			char *lapack = bb_xasprintf("%.*s", (int)(next - eq - 1), eq + 1);
			int rc = lapack_check(&s, lapack, text, err, errlen);
			free(s.lapack);
			s.lapack = lapack;
			if (rc) {
				bb_spec_release(&s);
				return -1;
			}
			p = next;
			continue;
		}
		s.env = bb_xrealloc(s.env, (s.n_env + 1) * sizeof(bb_env_var));
		s.env[s.n_env].name = bb_xasprintf("%.*s", (int)(eq - p), p);
		s.env[s.n_env].value = bb_xasprintf("%.*s", (int)(next - eq - 1), eq + 1);
		s.n_env++;
		p = next;
	}

	s.text = bb_xstrdup(text);
	if (!s.alias) {
		/* without "alias=", results are filed under the spec as written */
		s.alias = bb_xstrdup(text);
	}
	*out = s;
	return 0;
}

void bb_spec_list_free(bb_backend_spec *specs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bb_spec_release(&specs[i]);
	free(specs);
}

int bb_spec_parse_list(const char *list, bb_backend_spec **out, size_t *n, char *err,
		       size_t errlen)
{
	bb_backend_spec *specs = NULL;
	size_t count = 0;
	const char *p = list;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char *item = bb_xasprintf("%.*s", (int)len, p);
		if (!len) {
			free(item);
			bb_spec_list_free(specs, count);
			return fail(err, errlen, "empty item in backend list '%s'%s", list, "");
		}
		bb_backend_spec s;
		if (bb_spec_parse(item, &s, err, errlen)) {
			free(item);
			bb_spec_list_free(specs, count);
			return -1;
		}
		free(item);
		for (size_t i = 0; i < count; i++) {
			if (!strcmp(specs[i].alias, s.alias)) {
				fail(err, errlen,
				     "backend '%s' is named twice; give one an alias (%s=...)", s.alias,
				     "other");
				bb_spec_release(&s);
				bb_spec_list_free(specs, count);
				return -1;
			}
		}
		specs = bb_xrealloc(specs, (count + 1) * sizeof(*specs));
		specs[count++] = s;
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = specs;
	*n = count;
	return 0;
}
