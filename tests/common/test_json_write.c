/*
 * Unit tests for common/json_write.c: writer layout (compact and pretty), escaping and U+FFFD
 * replacement, double round trips, and numbers written with '.' whatever the locale.
 */
#include "common/json.h"

#include <float.h>
#include <limits.h>
#include <locale.h>
#include <stdint.h>

#include "tests/common/json_test_util.h"
#include "tests/test_util.h"

static void test_writer_compact(void)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_kv_int(&w, "a", 1);
	bb_jw_key(&w, "b");
	bb_jw_array_begin(&w);
	bb_jw_bool(&w, 1);
	bb_jw_null(&w);
	bb_jw_array_end(&w);
	bb_jw_object_end(&w);
	BB_CHECK_STR(sb.buf, "{\"a\":1,\"b\":[true,null]}");
	BB_CHECK_INT(w.depth, 0);

	bb_strbuf_reset(&sb);
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_key(&w, "x");
	bb_jw_object_begin(&w);
	bb_jw_key(&w, "y");
	bb_jw_array_begin(&w);
	bb_jw_int(&w, -3);
	bb_jw_array_begin(&w);
	bb_jw_array_end(&w);
	bb_jw_object_begin(&w);
	bb_jw_object_end(&w);
	bb_jw_raw(&w, "{\"r\":[1,2]}");
	bb_jw_string(&w, NULL);
	bb_jw_array_end(&w);
	bb_jw_object_end(&w);
	bb_jw_kv_string(&w, "s", "t");
	bb_jw_kv_double(&w, "d", 2.5);
	bb_jw_kv_bool(&w, "f", 0);
	bb_jw_kv_int(&w, "min", LLONG_MIN);
	bb_jw_object_end(&w);
	BB_CHECK_STR(sb.buf, "{\"x\":{\"y\":[-3,[],{},{\"r\":[1,2]},null]},\"s\":\"t\",\"d\":2.5,"
	                     "\"f\":false,\"min\":-9223372036854775808}");
	bb_json *v = parse(sb.buf, sb.len, NULL, 0);
	BB_CHECK(v != NULL);
	bb_json_free(v);

	/* A bare top-level scalar. */
	bb_strbuf_reset(&sb);
	bb_jw_init(&w, &sb, 1);
	bb_jw_string(&w, "top");
	BB_CHECK_STR(sb.buf, "\"top\"");
	bb_strbuf_release(&sb);
}

static void test_writer_pretty(void)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 1);
	bb_jw_object_begin(&w);
	bb_jw_kv_int(&w, "a", 1);
	bb_jw_key(&w, "b");
	bb_jw_array_begin(&w);
	bb_jw_bool(&w, 1);
	bb_jw_null(&w);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "k", "v");
	bb_jw_object_end(&w);
	bb_jw_array_end(&w);
	bb_jw_key(&w, "c");
	bb_jw_object_begin(&w);
	bb_jw_object_end(&w);
	bb_jw_key(&w, "d");
	bb_jw_array_begin(&w);
	bb_jw_array_end(&w);
	bb_jw_object_end(&w);
	BB_CHECK_STR(sb.buf, "{\n"
	                     "  \"a\": 1,\n"
	                     "  \"b\": [\n"
	                     "    true,\n"
	                     "    null,\n"
	                     "    {\n"
	                     "      \"k\": \"v\"\n"
	                     "    }\n"
	                     "  ],\n"
	                     "  \"c\": {},\n"
	                     "  \"d\": []\n"
	                     "}");
	bb_strbuf_reset(&sb);
	bb_jw_init(&w, &sb, 1);
	bb_jw_array_begin(&w);
	bb_jw_array_end(&w);
	BB_CHECK_STR(sb.buf, "[]");
	bb_strbuf_release(&sb);
}

static void check_quote(const char *in, const char *expect)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_quote(&sb, in);
	BB_CHECK_STR(sb.buf, expect);
	/* Whatever went in, what comes out must parse back as a string. */
	bb_json *v = parse(sb.buf, sb.len, NULL, 0);
	BB_CHECK(v != NULL && v->type == BB_JSON_STRING);
	bb_json_free(v);
	bb_strbuf_release(&sb);
}

static void test_escaping(void)
{
	check_quote("plain", "\"plain\"");
	check_quote("", "\"\"");
	check_quote("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
	check_quote("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"");
	check_quote("\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"");
	/* Valid multi-byte UTF-8 passes through: e-acute, euro, U+10FFFF, an emoji. */
	check_quote("\xC3\xA9\xE2\x82\xAC\xF4\x8F\xBF\xBF\xF0\x9F\x98\x80",
	            "\"\xC3\xA9\xE2\x82\xAC\xF4\x8F\xBF\xBF\xF0\x9F\x98\x80\"");
	/* Invalid bytes: one U+FFFD per byte that does not start a well-formed sequence. */
#define R "\xEF\xBF\xBD"
	check_quote("a\xFF"
	            "b",
	            "\"a" R "b\"");
	check_quote("\x80", "\"" R "\"");
	check_quote("\xC0\x80", "\"" R R "\"");             /* overlong NUL */
	check_quote("\xE0\x80\xAF", "\"" R R R "\"");       /* overlong '/' */
	check_quote("\xED\xA0\x80", "\"" R R R "\"");       /* UTF-8 encoded surrogate */
	check_quote("\xF4\x90\x80\x80", "\"" R R R R "\""); /* past U+10FFFF */
	check_quote("x\xE2\x82", "\"x" R R "\"");           /* truncated at the end */
	check_quote("\xE2\x82"
	            "A",
	            "\"" R R "A\"");                              /* truncated in the middle */
	check_quote("\xF8\x88\x80\x80\x80", "\"" R R R R R "\""); /* 5-byte form */
#undef R
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_quote(&sb, NULL);
	BB_CHECK_STR(sb.buf, "null");
	bb_strbuf_release(&sb);
}

static char *write_double(double d)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_double(&w, d);
	return bb_strbuf_detach(&sb, NULL);
}

static void check_double_roundtrip(double d)
{
	char *s = write_double(d);
	bb_json *v = parse_s(s);
	BB_CHECK(v != NULL && v->type == BB_JSON_NUMBER);
	if (v && (v->number != d || signbit(v->number) != signbit(d)))
		fprintf(stderr, "double %.17g written as %s read back as %.17g\n", d, s, v->number);
	BB_CHECK(v && memcmp(&v->number, &d, sizeof(d)) == 0);
	bb_json_free(v);
	free(s);
}

static void test_doubles(void)
{
	/* clang-format off */
	static const struct {
		double d;
		const char *text;
	} exact[] = {
		{0.1, "0.1"}, {2.5, "2.5"}, {3.0, "3"}, {-0.5, "-0.5"}, {1e300, "1e+300"},
		{0.0, "0"}, {1.0 / 3.0, "0.3333333333333333"},
		{0.30000000000000004, "0.30000000000000004"},
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
		char *s = write_double(exact[i].d);
		BB_CHECK_STR(s, exact[i].text);
		free(s);
	}
	const double special[] = {NAN, INFINITY, -INFINITY};
	for (size_t i = 0; i < 3; i++) {
		char *s = write_double(special[i]);
		BB_CHECK_STR(s, "null");
		free(s);
	}
	/* clang-format off */
	const double values[] = {0.1, 1.0 / 3.0, M_PI, -M_E, 1e300, -1e-300, 5e-324, DBL_MAX,
		DBL_MIN, -0.0, 123456789012345678.0, 9007199254740993.0, 1e21, 4.35, 0.1 + 0.2,
		100.0, 1e-7};
	/* clang-format on */
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		check_double_roundtrip(values[i]);
	/* Random bit patterns (finite ones) from a fixed-seed generator. */
	uint64_t x = 0x9E3779B97F4A7C15u;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		double d;
		memcpy(&d, &x, sizeof(d));
		if (isfinite(d))
			check_double_roundtrip(d);
	}
}


/* With a comma-decimal locale (if one is installed) numbers must still use '.'. */
static void test_locale(void)
{
	static const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"};
	const char *got = NULL;
	for (size_t i = 0; i < 4 && !got; i++)
		got = setlocale(LC_NUMERIC, names[i]);
	if (!got) {
		printf("note: no comma-decimal locale installed, locale check skipped\n");
		return;
	}
	char *s = write_double(2.5);
	BB_CHECK_STR(s, "2.5");
	free(s);
	bb_json *v = parse_s("[2.5]");
	BB_CHECK(bb_json_num(bb_json_at(v, 0), 0) == 2.5);
	bb_json_free(v);
	setlocale(LC_NUMERIC, "C");
}


int main(void)
{
	test_writer_compact();
	test_writer_pretty();
	test_escaping();
	test_doubles();
	test_locale();
	return bb_test_done();
}
