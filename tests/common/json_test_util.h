/*
 * What the two JSON test programs share (test_json_write.c, test_json_parse.c): parsing from an
 * exactly-sized heap copy, writing a value to a string, and structural equality.
 */
#ifndef BB_TESTS_JSON_TEST_UTIL_H
#define BB_TESTS_JSON_TEST_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/strbuf.h"

/* Parse a NUL-terminated literal from an exactly-sized heap copy (so ASan sees overreads). */
static inline bb_json *parse(const char *text, size_t len, char *err, size_t errlen)
{
	char *copy = malloc(len ? len : 1);
	memcpy(copy, text, len);
	bb_json *v = bb_json_parse(copy, len, err, errlen);
	free(copy);
	return v;
}

static inline bb_json *parse_s(const char *text)
{
	return parse(text, strlen(text), NULL, 0);
}

/* Write v compactly (or pretty) into a new string the caller frees. */
static inline char *write_value(const bb_json *v, int pretty)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, pretty);
	bb_jw_value(&w, v);
	return bb_strbuf_detach(&sb, NULL);
}

static inline int json_equal(const bb_json *a, const bb_json *b)
{
	if (!a || !b || a->type != b->type)
		return a == b;
	switch (a->type) {
	case BB_JSON_NULL:
		return 1;
	case BB_JSON_BOOL:
		return a->boolean == b->boolean;
	case BB_JSON_NUMBER:
		return a->number == b->number;
	case BB_JSON_STRING:
		return strcmp(a->string, b->string) == 0;
	case BB_JSON_ARRAY:
	case BB_JSON_OBJECT:
		if (a->n != b->n)
			return 0;
		for (size_t i = 0; i < a->n; i++) {
			if (a->type == BB_JSON_OBJECT && strcmp(a->keys[i], b->keys[i]) != 0)
				return 0;
			if (!json_equal(a->items[i], b->items[i]))
				return 0;
		}
		return 1;
	}
	return 0;
}

#endif
