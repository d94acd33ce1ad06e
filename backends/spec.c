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
