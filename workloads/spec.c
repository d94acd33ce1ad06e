/*
 * Workload specs as users write them, expanded into cells (see workload.h):
 *   dgemm                        one precision, default size
 *   gemm                         every precision the workload has
 *   dgemm:n=64..4096             geometric range, doubling: 64, 128, ..., 4096
 *   dgemm:m=20000,n=32,k=32,ta=T several keys; an item with '=' and no ':' continues a spec
 *   dgemm,ddot:n=1e5,zgemm       a list
 * Names are workload names ("gemm"), routine names ("dgemm", "zheevd", "dznrm2") or a
 * precision letter and a workload name ("zsyevd", "cger").  Integer values are plain or
 * scientific ("100000", "1e5") or A..B ranges, on any integer key (several ranges multiply);
 * letter keys take one letter.  `sizes` gives n to the specs that do not; without it n defaults
 * by family (blas1 1000000, blas2 2000, blas3 and lapack 1000).  Nothing here knows a
 * particular workload: keys, defaults and validity come from the table.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/number.h"
#include "workloads/workload.h"

#define MAX_VALUES 40 /* values one key may expand to */
#define MAX_KEYS 16
#define MAX_CELLS 100000 /* cells one spec list may expand to: a run of more is a typo */

/* The shape fields users may set, by key. */
static const struct field {
	const char *key;
	int letter;
	size_t off;
} fields[] = {
    {"m", 0, offsetof(bb_shape, m)},       {"n", 0, offsetof(bb_shape, n)},
    {"k", 0, offsetof(bb_shape, k)},       {"nrhs", 0, offsetof(bb_shape, nrhs)},
    {"inc", 0, offsetof(bb_shape, inc)},   {"lda", 0, offsetof(bb_shape, lda)},
    {"ldb", 0, offsetof(bb_shape, ldb)},   {"ldc", 0, offsetof(bb_shape, ldc)},
    {"ta", 1, offsetof(bb_shape, ta)},     {"tb", 1, offsetof(bb_shape, tb)},
    {"side", 1, offsetof(bb_shape, side)}, {"uplo", 1, offsetof(bb_shape, uplo)},
    {"diag", 1, offsetof(bb_shape, diag)}, {"jobz", 1, offsetof(bb_shape, jobz)},
};

#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static const struct field *field_find(const char *key, size_t len)
{
	for (size_t i = 0; i < N_FIELDS; i++)
		if (strlen(fields[i].key) == len && !strncmp(fields[i].key, key, len))
			return &fields[i];
	return NULL;
}

static long *long_field(bb_shape *s, const struct field *f)
{
	return (long *)((char *)s + f->off);
}

static char *char_field(bb_shape *s, const struct field *f)
{
	return (char *)s + f->off;
}

/* Is `key` (len bytes) one of the comma-separated `keys`? */
static int has_key(const char *keys, const char *key, size_t len)
{
	for (const char *p = keys; *p;) {
		size_t l = strcspn(p, ",");
		if (l == len && !strncmp(p, key, len))
			return 1;
		p += l + (p[l] == ',');
	}
	return 0;
}

/* "m,n,ta,lda" -> "m, n, ta, lda" */
static void keys_text(const char *keys, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (const char *p = keys; *p && o + 1 < len; p++)
		o += (size_t)snprintf(buf + o, len - o, *p == ',' ? ", " : "%c", *p);
}

/* A dimension, leading dimension or increment is passed to the library as its integer type:
 * a 32-bit int in the LP64 interface every backend offers, so larger values cannot be run. */
#define MAX_VALUE 2147483647L

/* "64" or "64..4096" (doubling) appended to vals; 0, or -1 with a reason that reads after
 * the key's name ("must be positive, not 0"). */
static int parse_values(const char *s, size_t len, long *vals, int *nv, char *err, size_t errlen)
{
	const char *dots = NULL;
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '.' && s[i + 1] == '.') {
			dots = s + i;
			break;
		}
	long a, b;
	char why[160];
	if (!dots) {
		if (bb_parse_long(s, len, 1, MAX_VALUE, BB_NUM_EXP, &a, why, sizeof(why))) {
			if (strstr(why, "not a whole number"))
				snprintf(err, errlen, "value '%.*s' is not a number", (int)len, s);
			else
				snprintf(err, errlen, "%s", why);
			return -1;
		}
		b = a;
	} else {
		size_t la = (size_t)(dots - s), lb = len - la - 2;
		if (bb_parse_long(s, la, 1, MAX_VALUE, BB_NUM_EXP, &a, why, sizeof(why)) ||
		    bb_parse_long(dots + 2, lb, 1, MAX_VALUE, BB_NUM_EXP, &b, why, sizeof(why))) {
			if (strstr(why, "not a whole number") || strstr(why, "no number"))
				snprintf(err, errlen, "range '%.*s' is not A..B with A <= B", (int)len, s);
			else
				snprintf(err, errlen, "range '%.*s': %s", (int)len, s, why);
			return -1;
		}
		if (b < a) {
			snprintf(err, errlen, "range '%.*s' is not A..B with A <= B", (int)len, s);
			return -1;
		}
	}
	/* doubling from a to b; v <= b / 2 before each step, so v * 2 cannot overflow */
	for (long v = a;; v *= 2) {
		if (*nv >= MAX_VALUES) {
			snprintf(err, errlen, "range '%.*s' gives more than %d values", (int)len, s,
			         MAX_VALUES);
			return -1;
		}
		vals[(*nv)++] = v;
		if (v > b / 2)
			break;
	}
	return 0;
}

/* The workload and precisions a name stands for; 0, or -1 with a reason. */
static int resolve(const char *name, const bb_workload **w, char precs[5], char *err, size_t errlen)
{
	static const char letters[] = "sdcz";
	for (size_t i = 0; i < bb_workload_count(); i++) {
		const bb_workload *c = bb_workload_at(i);
		int np = 0;
		if (!strcmp(c->name, name)) {
			for (int p = 0; p < 4; p++)
				if (bb_workload_routine_name(c, letters[p]))
					precs[np++] = letters[p];
		} else {
			for (int p = 0; p < 4; p++) {
				const char *r = bb_workload_routine_name(c, letters[p]);
				if (r && (!strcmp(r, name) ||
				          (name[0] == letters[p] && !strcmp(name + 1, c->name))))
					precs[np++] = letters[p];
			}
		}
		if (np) {
			precs[np] = '\0';
			*w = c;
			return 0;
		}
	}
	const char *s = bb_workload_suggest(name);
	if (s)
		snprintf(err, errlen, "unknown workload '%s'; did you mean '%s'?", name, s);
	else
		snprintf(err, errlen, "unknown workload '%s'", name);
	return -1;
}

static long default_size(const bb_workload *w)
{
	if (!strcmp(w->family, "blas1"))
		return 1000000;
	if (!strcmp(w->family, "blas2"))
		return 2000;
	return 1000;
}

typedef struct expansion {
	bb_cell_workload *cells;
	size_t n, cap;
} expansion;

/* One spec item, lower-cased (`text`: as written, for messages): "name" and its
 * "key=value" parts, expanded into x. */
static int expand_lower(const char *item, const char *text, const char *sizes, expansion *x,
                        char *err, size_t errlen)
{
	char name[64];
	size_t nl = strcspn(item, ":");
	if (nl >= sizeof(name)) {
		snprintf(err, errlen, "'%s': name too long", text);
		return -1;
	}
	memcpy(name, item, nl);
	name[nl] = '\0';
	const bb_workload *w;
	char precs[5];
	char why[256];
	if (!*name) {
		snprintf(err, errlen, "'%s': no workload name", text);
		return -1;
	}
	if (resolve(name, &w, precs, why, sizeof(why))) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}

	/* key=value parts: each integer key gets a value list, each letter key a letter */
	bb_shape base = {0};
	const struct field *multi[MAX_KEYS];
	long vals[MAX_KEYS][MAX_VALUES];
	int nv[MAX_KEYS];
	int nmulti = 0, have_n = 0;
	const char *p = item[nl] == ':' ? item + nl + 1 : item + nl;
	if (item[nl] == ':' && !*p) {
		snprintf(err, errlen, "'%s': nothing after ':' (give key=value, e.g. %s:n=100)", text,
		         name);
		return -1;
	}
	while (*p) {
		size_t l = strcspn(p, ",");
		const char *eq = memchr(p, '=', l);
		if (!eq || eq == p) {
			snprintf(err, errlen, "'%s': '%.*s' is not key=value", text, (int)l, p);
			return -1;
		}
		size_t kl = (size_t)(eq - p), vl = l - kl - 1;
		const struct field *f = field_find(p, kl);
		if (!f || !has_key(w->keys, p, kl)) {
			char kt[128];
			keys_text(w->keys, kt, sizeof(kt));
			snprintf(err, errlen, "'%s': %s takes %s; not '%.*s'", text, w->name, kt,
			         (int)kl, p);
			return -1;
		}
		for (int i = 0; i < nmulti; i++)
			if (multi[i] == f) {
				snprintf(err, errlen, "'%s': %s given twice", text, f->key);
				return -1;
			}
		if (f->letter) {
			if (vl != 1 || !isalpha((unsigned char)eq[1])) {
				snprintf(err, errlen, "'%s': %s takes one letter, not '%.*s'", text,
				         f->key, (int)vl, eq + 1);
				return -1;
			}
			if (*char_field(&base, f)) {
				snprintf(err, errlen, "'%s': %s given twice", text, f->key);
				return -1;
			}
			*char_field(&base, f) = (char)toupper((unsigned char)eq[1]);
		} else {
			nv[nmulti] = 0;
			if (parse_values(eq + 1, vl, vals[nmulti], &nv[nmulti], why, sizeof(why))) {
				snprintf(err, errlen, "'%s': %s %s", text, f->key, why);
				return -1;
			}
			have_n |= f->off == offsetof(bb_shape, n);
			multi[nmulti++] = f;
		}
		p += l + (p[l] == ',');
	}
	if (!have_n) {
		multi[nmulti] = field_find("n", 1);
		nv[nmulti] = 0;
		if (sizes) {
			/* given but empty (an unset shell variable) is an error, not the default */
			for (const char *s = sizes;;) {
				size_t l = strcspn(s, ",");
				if (!l) {
					snprintf(err, errlen, "sizes '%s': %s", sizes,
					         *sizes ? "empty item in the list" : "no size given");
					return -1;
				}
				if (parse_values(s, l, vals[nmulti], &nv[nmulti], why,
				                 sizeof(why))) {
					snprintf(err, errlen, "sizes '%s': %s", sizes, why);
					return -1;
				}
				s += l;
				if (!*s++)
					break;
			}
		} else {
			vals[nmulti][nv[nmulti]++] = default_size(w);
		}
		nmulti++;
	}

	/* the cartesian product of the value lists (last key fastest), for each precision; its
	 * size is known before a cell is made (16 keys of 40 values would be 40^16 cells) */
	size_t product = strlen(precs);
	for (int i = 0; i < nmulti && product <= MAX_CELLS; i++)
		product *= (size_t)nv[i];
	if (product > MAX_CELLS - x->n) {
		snprintf(err, errlen, "'%s': the workloads expand to more than %d cells", text,
		         MAX_CELLS);
		return -1;
	}
	for (const char *pr = precs; *pr; pr++) {
		int idx[MAX_KEYS] = {0};
		for (;;) {
			bb_shape s = base;
			for (int i = 0; i < nmulti; i++)
				*long_field(&s, multi[i]) = vals[i][idx[i]];
			w->complete(&s);
			if (w->validate(&s, why, sizeof(why))) {
				snprintf(err, errlen, "'%s': %s", text, why);
				return -1;
			}
			if (x->n == x->cap) {
				x->cap = x->cap ? 2 * x->cap : 16;
				x->cells = bb_xrealloc(x->cells, x->cap * sizeof(*x->cells));
			}
			x->cells[x->n++] = (bb_cell_workload){.w = w, .prec = *pr, .shape = s};
			int i = nmulti - 1;
			while (i >= 0 && ++idx[i] == nv[i])
				idx[i--] = 0;
			if (i < 0)
				break;
		}
	}
	return 0;
}

/* One spec item: "name[:key=value,...]", keys and names case-insensitive. */
static int expand_item(const char *item, const char *sizes, expansion *x, char *err, size_t errlen)
{
	char *lower = bb_xstrdup(item); /* keys and names are case-insensitive */
	for (char *q = lower; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	int rc = expand_lower(lower, item, sizes, x, err, errlen);
	free(lower);
	return rc;
}

int bb_workload_specs_expand(const char *specs, const char *sizes, bb_cell_workload **out,
                             size_t *n, char *err, size_t errlen)
{
	expansion x = {0};
	char *item = NULL;
	int rc = -1;
	*out = NULL;
	*n = 0;
	if (!specs || !*specs) {
		snprintf(err, errlen, "no workloads given");
		return -1;
	}
	/* items separated by commas; one with '=' and no ':' continues the previous spec */
	for (const char *p = specs;;) {
		size_t l = strcspn(p, ",");
		int cont = memchr(p, '=', l) && !memchr(p, ':', l);
		if (!l) {
			snprintf(err, errlen, "empty item in workloads '%s'", specs);
			goto cleanup;
		}
		if (cont && !item) {
			snprintf(err, errlen, "'%.*s' continues no workload spec", (int)l, p);
			goto cleanup;
		}
		if (!cont && item) {
			if (expand_item(item, sizes, &x, err, errlen))
				goto cleanup;
			free(item);
			item = NULL;
		}
		if (!item) {
			item = bb_xasprintf("%.*s", (int)l, p);
		} else {
			/* join: "dgemm:m=1" + "n=2" -> "dgemm:m=1,n=2" */
			int has_colon = strchr(item, ':') != NULL;
			char *joined =
			    bb_xasprintf("%s%s%.*s", item, has_colon ? "," : ":", (int)l, p);
			free(item);
			item = joined;
		}
		p += l;
		if (!*p)
			break;
		p++;
		if (!*p) {
			snprintf(err, errlen, "empty item in workloads '%s'", specs);
			goto cleanup;
		}
	}
	if (expand_item(item, sizes, &x, err, errlen))
		goto cleanup;
	*out = x.cells;
	*n = x.n;
	x.cells = NULL;
	rc = 0;
cleanup:
	free(item);
	free(x.cells);
	return rc;
}

void bb_cell_workload_key(const bb_cell_workload *c, char *buf, size_t len)
{
	const char *name = bb_workload_routine_name(c->w, c->prec);
	size_t o = (size_t)snprintf(buf, len, "%s", name ? name : c->w->name);
	char sep = ':';
	for (const char *p = c->w->keys; *p && o < len;) {
		size_t l = strcspn(p, ",");
		const struct field *f = field_find(p, l);
		p += l + (p[l] == ',');
		if (!f)
			continue;
		bb_shape s = c->shape;
		if (f->letter) {
			char v = *char_field(&s, f);
			if (v)
				o += (size_t)snprintf(buf + o, len - o, "%c%s=%c", sep, f->key, v);
		} else {
			long v = *long_field(&s, f);
			/* leading dimensions and inc only when they differ from the default */
			if (f->key[0] == 'l' || !strcmp(f->key, "inc")) {
				*long_field(&s, f) = 0;
				c->w->complete(&s);
				if (*long_field(&s, f) == v)
					continue;
			}
			o += (size_t)snprintf(buf + o, len - o, "%c%s=%ld", sep, f->key, v);
		}
		sep = ',';
	}
}
