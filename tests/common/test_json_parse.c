/*
 * Unit tests for common/json_parse.c: parsing of valid documents, the nesting limit, rejection of
 * invalid ones with located messages, every truncated prefix and random mutations (run under
 * ASan), parse -> write -> parse round trips, and the accessors.
 */
#include "common/json.h"

#include <float.h>
#include <limits.h>
#include <stdint.h>

#include "tests/common/json_test_util.h"
#include "tests/test_util.h"

static void test_parse_valid(void)
{
	const char *doc =
	    " {\"name\": \"blas\\\"bench\\\\\", \"n\": 3, \"neg\": -0.5e+3,\n"
	    " \"list\": [1, 2.5, true, false, null, [], {}, [[\"deep\"]]],\n"
	    " \"esc\": \"\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC\\uD83D\\uDE00\",\n"
	    " \"obj\": {\"k\": {\"k\": 0}}, \"e\": 1E2, \"z\": -0, \"f\": 0.25e-1,\n"
	    " \"dup\": 1, \"dup\": 2, \"\": \"empty key\", \"utf\": \"\xC3\xA9\"} \r\n";
	char err[128] = "stale";
	bb_json *v = parse(doc, strlen(doc), err, sizeof(err));
	BB_CHECK(v != NULL);
	BB_CHECK_STR(err, "");
	if (!v)
		return;
	BB_CHECK_INT(v->type, BB_JSON_OBJECT);
	BB_CHECK_STR(bb_json_str(bb_json_get(v, "name"), "?"), "blas\"bench\\");
	BB_CHECK_INT(bb_json_int(bb_json_get(v, "n"), -1), 3);
	BB_CHECK(bb_json_num(bb_json_get(v, "neg"), 0) == -500.0);
	BB_CHECK(bb_json_num(bb_json_get(v, "e"), 0) == 100.0);
	BB_CHECK(bb_json_num(bb_json_get(v, "f"), 0) == 0.025);
	BB_CHECK(signbit(bb_json_num(bb_json_get(v, "z"), 1)));
	const bb_json *list = bb_json_get(v, "list");
	BB_CHECK_INT(bb_json_len(list), 8);
	BB_CHECK_INT(bb_json_int(bb_json_at(list, 0), -1), 1);
	BB_CHECK(bb_json_num(bb_json_at(list, 1), 0) == 2.5);
	BB_CHECK_INT(bb_json_bool(bb_json_at(list, 2), -1), 1);
	BB_CHECK_INT(bb_json_bool(bb_json_at(list, 3), -1), 0);
	BB_CHECK(bb_json_is_null(bb_json_at(list, 4)));
	BB_CHECK(bb_json_at(list, 4) != NULL);
	BB_CHECK_INT(bb_json_at(list, 5)->type, BB_JSON_ARRAY);
	BB_CHECK_INT(bb_json_len(bb_json_at(list, 6)), 0);
	BB_CHECK_INT(bb_json_at(list, 6)->type, BB_JSON_OBJECT);
	BB_CHECK_STR(bb_json_str(bb_json_at(bb_json_at(bb_json_at(list, 7), 0), 0), "?"), "deep");
	BB_CHECK(bb_json_at(list, 8) == NULL);
	BB_CHECK_STR(bb_json_str(bb_json_get(v, "esc"), "?"),
	             "/\b\f\n\r\t\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
	BB_CHECK_INT(bb_json_int(bb_json_get(bb_json_get(bb_json_get(v, "obj"), "k"), "k"), 9), 0);
	BB_CHECK_INT(bb_json_int(bb_json_get(v, "dup"), -1), 1); /* first match */
	BB_CHECK_STR(bb_json_str(bb_json_get(v, ""), "?"), "empty key");
	BB_CHECK_STR(bb_json_str(bb_json_get(v, "utf"), "?"), "\xC3\xA9");
	bb_json_free(v);

	/* Scalars at the top level, a long number (heap copy path), upper-case \u hex. */
	static const struct {
		const char *text;
		double num;
	} nums[] = {
	    /* clang-format off */
	    {"0", 0}, {"-0.5e+3", -500}, {" 42 ", 42}, {"1e-2", 0.01}, {"123.456", 123.456},
	    {"1.5E+2", 150}, {"-1E-2", -0.01},
	    /* clang-format on */
	    {"1000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	     "0000000000000000000000000000000000000000000000000000000000000000000000000000000000",
	     1e163},
	    {"0.00000000000000000000000000000000000000000000000000000000000000000000000000000000"
	     "0000000000000000000000000000000000000000000000000000000000000000000000000000000001",
	     1e-162},
	    {"1e-400", 0},
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		v = parse_s(nums[i].text);
		BB_CHECK(v != NULL && v->type == BB_JSON_NUMBER);
		BB_CHECK(v && v->number == nums[i].num);
		bb_json_free(v);
	}
	v = parse_s("\"\\uD834\\uDD1E\\u00C9\"");
	BB_CHECK_STR(bb_json_str(v, "?"), "\xF0\x9D\x84\x9E\xC3\x89");
	bb_json_free(v);
	v = parse_s("\t\n true \n");
	BB_CHECK(v && v->type == BB_JSON_BOOL && v->boolean == 1);
	bb_json_free(v);
	v = parse_s("null");
	BB_CHECK(v && v->type == BB_JSON_NULL);
	bb_json_free(v);
}

static void test_depth(void)
{
	char buf[300];
	for (int depth = 63; depth <= 66; depth++) {
		for (int i = 0; i < depth; i++)
			buf[i] = '[', buf[depth + i] = ']';
		char err[128] = "";
		bb_json *v = parse(buf, 2 * (size_t)depth, err, sizeof(err));
		if (depth <= BB_JSON_MAX_DEPTH) {
			BB_CHECK(v != NULL);
			/* The writer accepts as deep as the parser: round trip the nesting. */
			char *s = write_value(v, 0);
			BB_CHECK(strlen(s) == 2 * (size_t)depth && memcmp(s, buf, strlen(s)) == 0);
			free(s);
		} else {
			BB_CHECK(v == NULL);
			BB_CHECK(strstr(err, "line 1 column 65: nesting deeper than 64") != NULL);
		}
		bb_json_free(v);
	}
	/* Objects count too. */
	bb_strbuf sb = BB_STRBUF_INIT;
	for (int i = 0; i < 65; i++)
		bb_strbuf_adds(&sb, "{\"a\":");
	bb_strbuf_adds(&sb, "1");
	for (int i = 0; i < 65; i++)
		bb_strbuf_addc(&sb, '}');
	BB_CHECK(parse(sb.buf, sb.len, NULL, 0) == NULL);
	bb_strbuf_release(&sb);
}

static void test_parse_invalid(void)
{
	/* clang-format off */
	static const char *bad[] = {
		"", " ", "\n", "{", "}", "[", "]", "[1,]", "[,1]", "{\"a\":1,}", "{,}", "{\"a\"}",
		"{\"a\" 1}", "{1:2}", "{a:1}", "{'a':1}", "[1 2]", "[1;2]", "01", "[01]", "-01",
		"00", "-", "--1", "+1", ".5", "1.", "1.e5", "1e", "1e+", "1E-", "0x10", "1e999",
		"-1e400", "NaN", "Infinity", "-Infinity", "tru", "true1", "nul", "nulll", "True",
		"FALSE", "t", "\"abc", "\"", "\"\\", "\"\\\"", "\"\\x\"", "\"\\u12\"",
		"\"\\u12G4\"", "\"\\U0041\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\"",
		"\"\\ud800\\u0041\"", "\"\\ud800\\ud800\"", "\"\\ud800x\"", "\"\\ud800\\\"",
		"\"a\nb\"", "\"a\tb\"", "\"\x1f\"", "\"\xff\"", "\"\xc0\x80\"", "\"\xed\xa0\x80\"",
		"\"\xe2\x82\"", "\"\xf4\x90\x80\x80\"", "[1]x", "1 2", "{}}", "[]]", "{} {}",
		"\xef\xbb\xbf{}", "//c\n1", "/*c*/1", "'a'", "[\"a\"\x01]", "\x80", "@", "[1,,2]",
		"{\"a\"::1}", "{\"a\":1 \"b\":2}",
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[160] = "";
		bb_json *v = parse(bad[i], strlen(bad[i]), err, sizeof(err));
		BB_CHECK(v == NULL);
		if (v || strncmp(err, "line ", 5) != 0 || !strstr(err, " column ") ||
		    !strstr(err, ": "))
			fprintf(stderr, "input #%zu '%s': err \"%s\"\n", i, bad[i], err);
		BB_CHECK(strncmp(err, "line ", 5) == 0 && strstr(err, " column ") != NULL);
		bb_json_free(v);
		/* err may be NULL or tiny: no crash, no overflow. */
		BB_CHECK(parse(bad[i], strlen(bad[i]), NULL, 0) == NULL);
		char tiny[6];
		memset(tiny, 'x', sizeof(tiny));
		BB_CHECK(parse(bad[i], strlen(bad[i]), tiny, sizeof(tiny)) == NULL);
		BB_CHECK(memchr(tiny, '\0', sizeof(tiny)) != NULL);
	}
	/* An embedded NUL inside the given length is not the end of the text. */
	BB_CHECK(parse("[\"a\"\0]", 6, NULL, 0) == NULL);
	BB_CHECK(parse("1\0", 2, NULL, 0) == NULL);
	BB_CHECK(bb_json_parse(NULL, 0, NULL, 0) == NULL);

	/* Error positions. */
	static const struct {
		const char *text, *err;
	} where[] = {
	    {"{\n  \"a\" 1}", "line 2 column 7: expected ':'"},
	    {"[1,\n2,\n\n  x]", "line 4 column 3: unexpected character 'x'"},
	    {"[1, 2", "line 1 column 6: unexpected end of input"},
	    {"{\"a\":01}", "line 1 column 6: leading zero in number"},
	    {"\"\\ud83d\"", "line 1 column 2: lone high surrogate \\ud83d"},
	    {"[1] [2]", "line 1 column 5: trailing characters after the value"},
	    {"[1}", "line 1 column 3: expected ',' or ']'"},
	};
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		char err[160] = "";
		bb_json *v = parse(where[i].text, strlen(where[i].text), err, sizeof(err));
		BB_CHECK(v == NULL);
		BB_CHECK_STR(err, where[i].err);
	}
}

static const char sample[] =
    "{\"run\":{\"id\":17,\"backend\":\"openblas\",\"threads\":[1,2,4]},"
    "\"results\":[{\"kernel\":\"dgemm\",\"n\":512,\"gflops\":41.25,\"ok\":true,"
    "\"note\":null,\"t\":[1e-3,-2.5E+2,0]},{\"kernel\":\"d\\u00e9\\\"\\n\\uD83D\\uDE00\","
    "\"n\":-1,\"ok\":false,\"empty\":{},\"none\":[]}],\"s\":\"\xE2\x82\xAC\"}";

static void test_truncation(void)
{
	size_t len = strlen(sample);
	char err[160];
	for (size_t n = 0; n < len; n++) {
		err[0] = '\0';
		bb_json *v = parse(sample, n, err, sizeof(err));
		BB_CHECK(v == NULL);
		if (v)
			fprintf(stderr, "prefix of %zu bytes parsed\n", n);
		BB_CHECK(strncmp(err, "line 1 column ", 14) == 0);
		bb_json_free(v);
	}
	bb_json *v = parse(sample, len, err, sizeof(err));
	BB_CHECK(v != NULL);
	bb_json_free(v);
}

/* Random byte mutations of a valid document: must never crash or leak (ASan build). */
static void test_mutations(void)
{
	size_t len = strlen(sample);
	char *buf = malloc(len);
	static const char interesting[] = "{}[]\",:\\u0123456789-+.eE \ntfn\x80\xff\xc3";
	uint32_t x = 12345;
	int parsed = 0;
	for (int iter = 0; iter < 20000; iter++) {
		memcpy(buf, sample, len);
		int edits = 1 + iter % 4;
		for (int e = 0; e < edits; e++) {
			x = x * 1103515245u + 12345u;
			size_t at = (x >> 8) % len;
			x = x * 1103515245u + 12345u;
			buf[at] = (x >> 16) & 1 ? (char)(x >> 8)
			                        : interesting[(x >> 8) % (sizeof(interesting) - 1)];
		}
		x = x * 1103515245u + 12345u;
		size_t n = (x >> 4) % 3 ? len : (x >> 8) % (len + 1);
		char err[64];
		bb_json *v = parse(buf, n, err, sizeof(err));
		if (v) {
			parsed++;
			char *s = write_value(v, iter % 2);
			bb_json *again = parse_s(s);
			BB_CHECK(json_equal(v, again));
			bb_json_free(again);
			free(s);
		} else {
			BB_CHECK(strncmp(err, "line ", 5) == 0);
		}
		bb_json_free(v);
	}
	BB_CHECK(parsed > 0);
	free(buf);
}

static void test_roundtrip(void)
{
	bb_json *a = parse_s(sample);
	BB_CHECK(a != NULL);
	for (int pretty = 0; pretty <= 1; pretty++) {
		char *s1 = write_value(a, pretty);
		bb_json *b = parse_s(s1);
		BB_CHECK(b != NULL);
		BB_CHECK(json_equal(a, b));
		char *s2 = write_value(b, pretty);
		BB_CHECK_STR(s2, s1);
		if (!pretty)
			BB_CHECK(strchr(s1, '\n') == NULL && strchr(s1, ' ') == NULL);
		else
			BB_CHECK(strstr(s1, "\n  \"run\": {\n    \"id\": 17,") != NULL);
		bb_json_free(b);
		free(s1);
		free(s2);
	}
	/* The comparison itself must be able to tell documents apart. */
	bb_json *c = parse_s("{\"a\":[1,2]}"), *d = parse_s("{\"a\":[1,3]}");
	BB_CHECK(!json_equal(c, d));
	bb_json_free(c);
	bb_json_free(d);
	bb_json_free(a);
	char *s = write_value(NULL, 0);
	BB_CHECK_STR(s, "null");
	free(s);
}

static void test_accessors(void)
{
	bb_json *v = parse_s("{\"i\":42,\"f\":42.5,\"big\":1e19,\"min\":-9223372036854775808,"
	                     "\"max\":9223372036854775807,\"s\":\"str\",\"b\":true,\"n\":null,"
	                     "\"a\":[1]}");
	BB_CHECK(v != NULL);
	BB_CHECK_INT(bb_json_int(bb_json_get(v, "i"), -1), 42);
	BB_CHECK_INT(bb_json_int(bb_json_get(v, "f"), -1), -1);
	BB_CHECK_INT(bb_json_int(bb_json_get(v, "big"), -1), -1);
	BB_CHECK_INT(bb_json_int(bb_json_get(v, "min"), -1), LLONG_MIN);
	BB_CHECK_INT(bb_json_int(bb_json_get(v, "max"), -1), -1); /* rounds to 2^63 */
	BB_CHECK_INT(bb_json_int(bb_json_get(v, "s"), -7), -7);
	BB_CHECK(bb_json_num(bb_json_get(v, "s"), 1.5) == 1.5);
	BB_CHECK(bb_json_num(bb_json_get(v, "f"), 0) == 42.5);
	BB_CHECK_STR(bb_json_str(bb_json_get(v, "i"), "dflt"), "dflt");
	BB_CHECK_INT(bb_json_bool(bb_json_get(v, "i"), 5), 5);
	BB_CHECK_INT(bb_json_bool(bb_json_get(v, "b"), 5), 1);
	BB_CHECK(bb_json_is_null(bb_json_get(v, "n")));
	BB_CHECK(bb_json_is_null(bb_json_get(v, "missing")));
	BB_CHECK(!bb_json_is_null(bb_json_get(v, "b")));
	BB_CHECK(bb_json_get(bb_json_get(v, "a"), "x") == NULL); /* not an object */
	BB_CHECK(bb_json_get(v, NULL) == NULL);
	BB_CHECK_INT(bb_json_len(bb_json_get(v, "s")), 0);
	BB_CHECK_INT(bb_json_len(v), 9);
	BB_CHECK(bb_json_at(v, 0) == bb_json_get(v, "i"));
	BB_CHECK(bb_json_at(bb_json_get(v, "s"), 0) == NULL);
	/* NULL everywhere. */
	BB_CHECK(bb_json_get(NULL, "a") == NULL);
	BB_CHECK_INT(bb_json_len(NULL), 0);
	BB_CHECK(bb_json_at(NULL, 0) == NULL);
	BB_CHECK_STR(bb_json_str(NULL, "d"), "d");
	BB_CHECK(bb_json_num(NULL, 2.0) == 2.0);
	BB_CHECK_INT(bb_json_int(NULL, 3), 3);
	BB_CHECK_INT(bb_json_bool(NULL, 4), 4);
	BB_CHECK(bb_json_is_null(NULL));
	BB_CHECK_STR(bb_json_str(bb_json_get(bb_json_get(v, "nope"), "deeper"), "?"), "?");
	bb_json_free(v);
	bb_json_free(NULL);
}

int main(void)
{
	test_parse_valid();
	test_depth();
	test_parse_invalid();
	test_truncation();
	test_mutations();
	test_roundtrip();
	test_accessors();
	return bb_test_done();
}
