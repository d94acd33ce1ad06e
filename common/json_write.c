/*
 * JSON writer (see json.h), and the UTF-8, number and escape helpers the parser shares
 * (json_internal.h).  The parser and the DOM accessors are in json_parse.c.
 */
#include "common/json.h"
#include "common/json_internal.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/*
 * Short escapes: the letter after the backslash and the byte it stands for.  '/' comes last:
 * it is read, but the writer never escapes it (it searches only the first 7).
 */
const char bb_json_esc_name[] = "\"\\bfnrt/";
const char bb_json_esc_byte[] = "\"\\\b\f\n\r\t/";

/* ---- UTF-8 and numbers, shared by writer and parser ------------------------------------ */

/*
 * Length of the well-formed UTF-8 sequence at s (at most avail bytes readable), or 0 if the
 * bytes there are not one (overlong forms, surrogates, code points past U+10FFFF, truncation).
 */
size_t bb_json_utf8_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	size_t n;
	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0) {
		n = 2;
	} else if (c < 0xF0) {
		n = 3;
		lo = c == 0xE0 ? 0xA0 : lo;
		hi = c == 0xED ? 0x9F : hi;
	} else if (c < 0xF5) {
		n = 4;
		lo = c == 0xF0 ? 0x90 : lo;
		hi = c == 0xF4 ? 0x8F : hi;
	} else {
		return 0;
	}
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* The current locale's decimal point ("." unless someone called setlocale). */
const char *bb_json_decimal_point(void)
{
	const char *dp = localeconv()->decimal_point;
	return dp && *dp ? dp : ".";
}

/*
 * Shortest of %.15g/%.16g/%.17g that strtod() reads back as v, with a '.' decimal point
 * whatever the locale.  v must be finite; size of 32 bytes or more is enough.
 */
void bb_json_format_double(double v, char *buf, size_t size)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	const char *dp = bb_json_decimal_point();
	char *at;
	if (strcmp(dp, ".") != 0 && (at = strstr(buf, dp)) != NULL) {
		size_t dl = strlen(dp);
		*at = '.';
		memmove(at + 1, at + dl, strlen(at + dl) + 1);
	}
}

/* ---- writer ---------------------------------------------------------------------------- */

void bb_jw_init(bb_json_writer *w, bb_strbuf *out, int pretty)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->pretty = pretty;
}

static void newline_indent(bb_json_writer *w, int depth)
{
	bb_strbuf_addc(w->out, '\n');
	for (int i = 0; i < depth; i++)
		bb_strbuf_add(w->out, "  ", 2);
}

/*
 * Emit what must precede a key or a value: nothing right after a key, otherwise a comma if
 * the container already has members and, when pretty, a newline and indentation.  Top-level
 * values (depth 0) get no separator.
 */
static void before_item(bb_json_writer *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->count[w->depth - 1]++)
		bb_strbuf_addc(w->out, ',');
	if (w->pretty)
		newline_indent(w, w->depth);
}

/* Nesting deeper than BB_JSON_MAX_DEPTH, or an end without a begin, is a bug: bb_die(). */
static void begin(bb_json_writer *w, char open)
{
	before_item(w);
	if (w->depth >= BB_JSON_MAX_DEPTH)
		bb_die("json writer: nesting deeper than %d", BB_JSON_MAX_DEPTH);
	bb_strbuf_addc(w->out, open);
	w->count[w->depth++] = 0;
}

static void end(bb_json_writer *w, char close)
{
	if (w->depth == 0)
		bb_die("json writer: '%c' without a matching begin", close);
	w->after_key = 0;
	if (w->pretty && w->count[w->depth - 1])
		newline_indent(w, w->depth - 1);
	bb_strbuf_addc(w->out, close);
	w->depth--;
}

static void put(bb_json_writer *w, const char *text)
{
	before_item(w);
	bb_strbuf_adds(w->out, text);
}

/* A NULL key is written as "" so the output stays valid JSON. */
void bb_jw_key(bb_json_writer *w, const char *key)
{
	before_item(w);
	bb_json_quote(w->out, key ? key : "");
	bb_strbuf_adds(w->out, w->pretty ? ": " : ":");
	w->after_key = 1;
}

/* Finite doubles in the shortest form that reads back the same; NaN and infinities as null. */
void bb_jw_double(bb_json_writer *w, double v)
{
	char buf[64] = "null";
	if (isfinite(v))
		bb_json_format_double(v, buf, sizeof(buf));
	put(w, buf);
}

/* Trivial wrappers; bb_jw_raw() trusts its text to be one JSON value (NULL writes null). */
/* clang-format off */
void bb_jw_object_begin(bb_json_writer *w) { begin(w, '{'); }
void bb_jw_object_end(bb_json_writer *w) { end(w, '}'); }
void bb_jw_array_begin(bb_json_writer *w) { begin(w, '['); }
void bb_jw_array_end(bb_json_writer *w) { end(w, ']'); }
void bb_jw_string(bb_json_writer *w, const char *s) { before_item(w); bb_json_quote(w->out, s); }
void bb_jw_int(bb_json_writer *w, long long v)
	{ before_item(w); bb_strbuf_addf(w->out, "%lld", v); }
void bb_jw_bool(bb_json_writer *w, int v) { put(w, v ? "true" : "false"); }
void bb_jw_null(bb_json_writer *w) { put(w, "null"); }
void bb_jw_raw(bb_json_writer *w, const char *json) { put(w, json ? json : "null"); }

void bb_jw_kv_string(bb_json_writer *w, const char *key, const char *s)
	{ bb_jw_key(w, key); bb_jw_string(w, s); }
void bb_jw_kv_int(bb_json_writer *w, const char *key, long long v)
	{ bb_jw_key(w, key); bb_jw_int(w, v); }
void bb_jw_kv_double(bb_json_writer *w, const char *key, double v)
	{ bb_jw_key(w, key); bb_jw_double(w, v); }
void bb_jw_kv_bool(bb_json_writer *w, const char *key, int v)
	{ bb_jw_key(w, key); bb_jw_bool(w, v); }
/* clang-format on */

/*
 * Append s as a JSON string literal.  Quote, backslash and bytes < 0x20 are escaped (short
 * forms where JSON has them, else \u00XX); well-formed UTF-8 is copied; every byte that does
 * not start a well-formed sequence becomes U+FFFD.  NULL appends null.
 */
void bb_json_quote(bb_strbuf *out, const char *s)
{
	if (!s) {
		bb_strbuf_adds(out, "null");
		return;
	}
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	bb_strbuf_grow(out, (size_t)(end - p) + 2);
	bb_strbuf_addc(out, '"');
	while (p < end) {
		const unsigned char *run = p;
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		bb_strbuf_add(out, run, (size_t)(p - run));
		if (p == end)
			break;
		if (*p >= 0x80) {
			size_t n = bb_json_utf8_len(p, (size_t)(end - p));
			if (n)
				bb_strbuf_add(out, p, n);
			else
				bb_strbuf_add(out, "\xEF\xBF\xBD", 3);
			p += n ? n : 1;
			continue;
		}
		const char *e = memchr(bb_json_esc_byte, *p, 7);
		if (e)
			bb_strbuf_add(out, (char[2]){'\\', bb_json_esc_name[e - bb_json_esc_byte]},
			              2);
		else
			bb_strbuf_addf(out, "\\u%04x", *p);
		p++;
	}
	bb_strbuf_addc(out, '"');
}

/* Write v (NULL writes null) with its members in order; numbers go through bb_jw_double. */
void bb_jw_value(bb_json_writer *w, const bb_json *v)
{
	int obj = v && v->type == BB_JSON_OBJECT;
	if (!v || v->type == BB_JSON_NULL)
		bb_jw_null(w);
	else if (v->type == BB_JSON_BOOL)
		bb_jw_bool(w, v->boolean);
	else if (v->type == BB_JSON_NUMBER)
		bb_jw_double(w, v->number);
	else if (v->type == BB_JSON_STRING)
		bb_jw_string(w, v->string);
	if (!obj && (!v || v->type != BB_JSON_ARRAY))
		return;
	begin(w, obj ? '{' : '[');
	for (size_t i = 0; i < v->n; i++) {
		if (obj)
			bb_jw_key(w, v->keys[i]);
		bb_jw_value(w, v->items[i]);
	}
	end(w, obj ? '}' : ']');
}
