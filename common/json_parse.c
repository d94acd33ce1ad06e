/*
 * JSON parser into a DOM, and the DOM accessors (see json.h).  Strings are validated with the
 * writer's UTF-8 helper (json_internal.h); nothing here recurses deeper than BB_JSON_MAX_DEPTH.
 */
#include "common/json.h"
#include "common/json_internal.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- parser ---------------------------------------------------------------------------- */

typedef struct parser {
	const char *start, *p, *end;
	char *err;
	size_t errlen;
} parser;

/*
 * Record the first error, located at byte `at`, as "line L column C: what" (both 1-based,
 * columns in bytes).  Always returns -1 so that parse steps can `return fail(...)`.
 */
static BB_PRINTF(3, 4) int fail(parser *ps, const char *at, const char *fmt, ...)
{
	if (!ps->err || ps->errlen == 0 || ps->err[0])
		return -1;
	size_t line = 1, col = 1;
	for (const char *q = ps->start; q < at; q++, col++)
		if (*q == '\n')
			line++, col = 0;
	int n = snprintf(ps->err, ps->errlen, "line %zu column %zu: ", line, col);
	if (n >= 0 && (size_t)n < ps->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void skip_space(parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

/* Skip whitespace; then -1 (after fail()) if the input is used up, else 0. */
static int skip_ws(parser *ps)
{
	skip_space(ps);
	return ps->p < ps->end ? 0 : fail(ps, ps->p, "unexpected end of input");
}

static int hex4(const char *p, const char *end, unsigned *out)
{
	static const char xd[] = "0123456789abcdefABCDEF";
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		const char *d = end - p > i ? memchr(xd, p[i], 22) : NULL;
		if (!d)
			return -1;
		v = v << 4 | (unsigned)(d - xd < 16 ? d - xd : d - xd - 6);
	}
	*out = v;
	return 0;
}

/* Append code point cp (non-zero, not a surrogate, <= 0x10FFFF) as UTF-8. */
static void put_utf8(bb_strbuf *sb, unsigned cp)
{
	static const unsigned char lead[5] = {0, 0x00, 0xC0, 0xE0, 0xF0};
	char b[4];
	int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	for (int i = n - 1; i > 0; i--, cp >>= 6)
		b[i] = (char)(0x80 | (cp & 0x3F));
	b[0] = (char)(lead[n] | cp);
	bb_strbuf_add(sb, b, (size_t)n);
}

/*
 * One escape sequence at ps->p (the backslash), decoded into sb.  A \uD800-\uDBFF must be
 * followed by a \uDC00-\uDFFF; the pair becomes one 4-byte sequence.  0, or -1 after fail().
 */
static int parse_escape(parser *ps, bb_strbuf *sb)
{
	const char *at = ps->p;
	unsigned cp, lo;
	if (ps->end - ps->p < 2)
		return fail(ps, at, "unterminated string");
	char e = ps->p[1];
	ps->p += 2;
	const char *short_esc = e ? memchr(bb_json_esc_name, e, 8) : NULL;
	if (short_esc) {
		bb_strbuf_addc(sb, bb_json_esc_byte[short_esc - bb_json_esc_name]);
		return 0;
	}
	if (e != 'u')
		return fail(ps, at, "invalid escape in string");
	if (hex4(ps->p, ps->end, &cp))
		return fail(ps, at, "invalid \\u escape");
	ps->p += 4;
	if (cp == 0)
		return fail(ps, at, "\\u0000 is not allowed in strings");
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return fail(ps, at, "lone low surrogate \\u%04x", cp);
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
		    hex4(ps->p + 2, ps->end, &lo) || lo < 0xDC00 || lo > 0xDFFF)
			return fail(ps, at, "lone high surrogate \\u%04x", cp);
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		ps->p += 6;
	}
	put_utf8(sb, cp);
	return 0;
}

/*
 * The string literal at ps->p (the opening quote) into *out, a new heap string.  Raw control
 * characters and malformed UTF-8 are refused.  0, or -1 after fail() with *out untouched.
 */
static int parse_string(parser *ps, char **out)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	int rc = 0;
	for (ps->p++; rc == 0;) {
		const unsigned char *p = (const unsigned char *)ps->p;
		size_t n;
		if (ps->p >= ps->end)
			rc = fail(ps, ps->p, "unterminated string");
		else if (*p == '"')
			break;
		else if (*p == '\\')
			rc = parse_escape(ps, &sb);
		else if (*p < 0x20)
			rc = fail(ps, ps->p, "control character 0x%02x in string", *p);
		else if ((n = bb_json_utf8_len(p, (size_t)(ps->end - ps->p))) == 0)
			rc = fail(ps, ps->p, "invalid UTF-8 in string");
		else
			bb_strbuf_add(&sb, ps->p, n), ps->p += n;
	}
	if (rc) {
		bb_strbuf_release(&sb);
		return -1;
	}
	ps->p++;
	*out = bb_strbuf_detach(&sb, NULL);
	return 0;
}

static const char *digits(const char *p, const char *end)
{
	while (p < end && BB_JSON_IS_DIGIT(*p))
		p++;
	return p;
}

/*
 * A number per the RFC 8259 grammar (no leading zeros, no bare '.', no '+'), converted with
 * strtod() on a NUL-terminated copy.  Magnitudes that overflow a double are refused.
 * ps->p is at '-' or a digit.  0, or -1 after fail().
 */
static int parse_number(parser *ps, double *out)
{
	const char *s = ps->p, *end = ps->end, *p = s + (*s == '-'), *q;
	if ((q = digits(p, end)) == p)
		return fail(ps, p, "expected a digit");
	if (*p == '0' && q - p > 1)
		return fail(ps, p, "leading zero in number");
	if ((p = q) < end && *p == '.') {
		p++;
		if ((q = digits(p, end)) == p)
			return fail(ps, p, "expected a digit after '.'");
		p = q;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		p += p < end && (*p == '+' || *p == '-');
		if ((q = digits(p, end)) == p)
			return fail(ps, p, "expected a digit in the exponent");
		p = q;
	}
	/* Copy, swapping '.' for the locale's decimal point, which is what strtod() expects. */
	const char *dp = bb_json_decimal_point();
	size_t n = (size_t)(p - s), dl = strlen(dp), k = 0;
	char small[128], *copy = n + dl < sizeof(small) ? small : bb_xmalloc(n + dl + 1);
	for (q = s; q < p; q++) {
		if (*q == '.')
			memcpy(copy + k, dp, dl), k += dl;
		else
			copy[k++] = *q;
	}
	copy[k] = '\0';
	*out = strtod(copy, NULL);
	if (copy != small)
		free(copy);
	if (isinf(*out))
		return fail(ps, s, "number out of range");
	ps->p = p;
	return 0;
}

static int literal(parser *ps, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return fail(ps, ps->p, "expected '%s'", word);
	ps->p += n;
	return 0;
}

static int parse_value(parser *ps, int depth, bb_json **out);

/*
 * Members of the array or object v, with ps->p at its opening bracket; v is `depth` levels
 * deep (1 = outermost).  Parsed members are attached to v even on failure (the caller frees
 * v).  0, or -1 after fail().
 */
static int parse_members(parser *ps, bb_json *v, int depth)
{
	int is_obj = v->type == BB_JSON_OBJECT;
	char close = is_obj ? '}' : ']';
	size_t cap = 0;
	if (depth > BB_JSON_MAX_DEPTH)
		return fail(ps, ps->p, "nesting deeper than %d", BB_JSON_MAX_DEPTH);
	ps->p++;
	if (skip_ws(ps))
		return -1;
	if (*ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		bb_json *item = NULL;
		if (is_obj) {
			if (skip_ws(ps))
				return -1;
			if (*ps->p != '"')
				return fail(ps, ps->p, "expected a string as object key");
			if (parse_string(ps, &key))
				return -1;
			if (skip_ws(ps) || (*ps->p != ':' && fail(ps, ps->p, "expected ':'"))) {
				free(key);
				return -1;
			}
			ps->p++;
		}
		if (parse_value(ps, depth, &item)) {
			free(key);
			bb_json_free(item);
			return -1;
		}
		if (v->n == cap) {
			cap = cap ? cap * 2 : 4;
			v->items = bb_xrealloc(v->items, cap * sizeof(*v->items));
			if (is_obj)
				v->keys = bb_xrealloc(v->keys, cap * sizeof(*v->keys));
		}
		if (is_obj)
			v->keys[v->n] = key;
		v->items[v->n++] = item;
		if (skip_ws(ps))
			return -1;
		if (*ps->p == close) {
			ps->p++;
			return 0;
		}
		if (*ps->p != ',')
			return fail(ps, ps->p, "expected ',' or '%c'", close);
		ps->p++;
	}
}

/*
 * Any value after optional whitespace into *out (a new node, also on failure when partly
 * built: the caller frees it); depth counts the enclosing containers.  0, or -1 after fail().
 */
static int parse_value(parser *ps, int depth, bb_json **out)
{
	if (skip_ws(ps))
		return -1;
	char c = *ps->p;
	bb_json *v = *out = bb_xcalloc(1, sizeof(*v));
	switch (c) {
	case '{':
	case '[':
		v->type = c == '{' ? BB_JSON_OBJECT : BB_JSON_ARRAY;
		return parse_members(ps, v, depth + 1);
	case '"':
		v->type = BB_JSON_STRING;
		return parse_string(ps, &v->string);
	case 't':
	case 'f':
		v->type = BB_JSON_BOOL;
		v->boolean = c == 't';
		return literal(ps, c == 't' ? "true" : "false");
	case 'n':
		return literal(ps, "null");
	}
	if (c == '-' || BB_JSON_IS_DIGIT(c)) {
		v->type = BB_JSON_NUMBER;
		return parse_number(ps, &v->number);
	}
	if (c > 0x20 && c < 0x7F)
		return fail(ps, ps->p, "unexpected character '%c'", c);
	return fail(ps, ps->p, "unexpected byte 0x%02x", (unsigned char)c);
}

/*
 * Parse exactly one JSON value from text[0..len) (need not be NUL-terminated; whitespace
 * around it is allowed).  Returns a tree the caller frees with bb_json_free(), or NULL with
 * "line L column C: what" in err (when err is non-NULL and errlen > 0; "" on success).
 */
bb_json *bb_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	if (!text)
		text = "", len = 0;
	parser ps = {text, text, text + len, err, errlen};
	bb_json *v = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (parse_value(&ps, 0, &v) == 0) {
		skip_space(&ps);
		if (ps.p == ps.end)
			return v;
		fail(&ps, ps.p, "trailing characters after the value");
	}
	bb_json_free(v);
	return NULL;
}

/* Free a tree from bb_json_parse(); NULL is fine. */
void bb_json_free(bb_json *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		bb_json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	free(v);
}

/* ---- accessors ------------------------------------------------------------------------- */

bb_json *bb_json_take(bb_json *obj, const char *key)
{
	for (size_t i = 0; obj && obj->type == BB_JSON_OBJECT && i < obj->n; i++)
		if (obj->items[i] && !strcmp(obj->keys[i], key)) {
			bb_json *v = obj->items[i];
			obj->items[i] = NULL;
			return v;
		}
	return NULL;
}

const bb_json *bb_json_get(const bb_json *obj, const char *key)
{
	if (!obj || obj->type != BB_JSON_OBJECT || !key)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

/* clang-format off */
size_t bb_json_len(const bb_json *v)
	{ return v && (v->type == BB_JSON_ARRAY || v->type == BB_JSON_OBJECT) ? v->n : 0; }
const bb_json *bb_json_at(const bb_json *v, size_t i)
	{ return i < bb_json_len(v) ? v->items[i] : NULL; }
const char *bb_json_str(const bb_json *v, const char *dflt)
	{ return v && v->type == BB_JSON_STRING ? v->string : dflt; }
double bb_json_num(const bb_json *v, double dflt)
	{ return v && v->type == BB_JSON_NUMBER ? v->number : dflt; }
int bb_json_bool(const bb_json *v, int dflt)
	{ return v && v->type == BB_JSON_BOOL ? v->boolean : dflt; }
int bb_json_is_null(const bb_json *v) { return !v || v->type == BB_JSON_NULL; }
/* clang-format on */

/* The number as long long if it is integral and in [-2^63, 2^63), else dflt. */
long long bb_json_int(const bb_json *v, long long dflt)
{
	if (!v || v->type != BB_JSON_NUMBER)
		return dflt;
	double d = v->number;
	if (!(d >= -0x1p63 && d < 0x1p63))
		return dflt;
	long long i = (long long)d;
	return (double)i == d ? i : dflt;
}
