/*
 * JSON: a streaming writer into a growable string buffer, and a small DOM parser.
 *
 * Workers stream their results to the controller as one JSON object per line; the controller
 * parses each line into a bb_json tree, reads fields for tables, and re-emits them for --json.
 *
 * Writer: commas and nesting are tracked by the writer; strings are escaped (control
 * characters, quotes, backslashes; invalid UTF-8 bytes become U+FFFD); NaN and infinities are
 * written as null.  A NULL string is written as null.
 *
 * Parser: RFC 8259 input (no comments, no trailing commas), nesting depth limited to 64.
 * bb_json_parse() returns a tree the caller frees with bb_json_free(), or NULL with a message
 * ("line 1 column 7: expected ':'") in err.  Accessors accept NULL and wrong types and then
 * return the default, so callers can chain bb_json_str(bb_json_get(o, "a"), "?").
 */
#ifndef BB_COMMON_JSON_H
#define BB_COMMON_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "common/strbuf.h"

/* ---- writer ---------------------------------------------------------------------------- */

#define BB_JSON_MAX_DEPTH 64

typedef struct bb_json_writer {
	bb_strbuf *out;
	int pretty;                         /* indent with two spaces, newline per member */
	int depth;
	int count[BB_JSON_MAX_DEPTH];       /* members written at each level */
	int after_key;                      /* a key was written, its value comes next */
} bb_json_writer;

void bb_jw_init(bb_json_writer *w, bb_strbuf *out, int pretty);
void bb_jw_object_begin(bb_json_writer *w);
void bb_jw_object_end(bb_json_writer *w);
void bb_jw_array_begin(bb_json_writer *w);
void bb_jw_array_end(bb_json_writer *w);
void bb_jw_key(bb_json_writer *w, const char *key);
void bb_jw_string(bb_json_writer *w, const char *s);
void bb_jw_int(bb_json_writer *w, long long v);
void bb_jw_double(bb_json_writer *w, double v);   /* shortest round-trip form ("%.17g" trimmed) */
void bb_jw_bool(bb_json_writer *w, int v);
void bb_jw_null(bb_json_writer *w);
/* Insert text that is already one valid JSON value. */
void bb_jw_raw(bb_json_writer *w, const char *json);

/* key + value in one call */
void bb_jw_kv_string(bb_json_writer *w, const char *key, const char *s);
void bb_jw_kv_int(bb_json_writer *w, const char *key, long long v);
void bb_jw_kv_double(bb_json_writer *w, const char *key, double v);
void bb_jw_kv_bool(bb_json_writer *w, const char *key, int v);

/* Append s to out as a quoted, escaped JSON string. */
void bb_json_quote(bb_strbuf *out, const char *s);

/* ---- parser / DOM ---------------------------------------------------------------------- */

typedef enum bb_json_type {
	BB_JSON_NULL,
	BB_JSON_BOOL,
	BB_JSON_NUMBER,
	BB_JSON_STRING,
	BB_JSON_ARRAY,
	BB_JSON_OBJECT,
} bb_json_type;

typedef struct bb_json bb_json;
struct bb_json {
	bb_json_type type;
	int boolean;
	double number;
	char *string;          /* STRING: NUL-terminated, UTF-8 (a \u0000 escape is refused) */
	size_t n;              /* ARRAY/OBJECT: number of members */
	bb_json **items;       /* ARRAY/OBJECT: the member values */
	char **keys;           /* OBJECT: the member names, parallel to items */
};

bb_json *bb_json_parse(const char *text, size_t len, char *err, size_t errlen);
void bb_json_free(bb_json *v);

/* Object member by name (first match), or NULL. */
const bb_json *bb_json_get(const bb_json *obj, const char *key);
/* Object member by name taken out of obj (its slot left NULL): the caller owns and frees
 * the result; NULL when obj has no such member. */
bb_json *bb_json_take(bb_json *obj, const char *key);
/* Array/object length (0 for anything else) and member by index (NULL out of range). */
size_t bb_json_len(const bb_json *v);
const bb_json *bb_json_at(const bb_json *v, size_t i);

const char *bb_json_str(const bb_json *v, const char *dflt);
double bb_json_num(const bb_json *v, double dflt);
long long bb_json_int(const bb_json *v, long long dflt);
int bb_json_bool(const bb_json *v, int dflt);
int bb_json_is_null(const bb_json *v);   /* 1 for NULL pointer or a JSON null */

/* Write a parsed value back out through a writer (round trip). */
void bb_jw_value(bb_json_writer *w, const bb_json *v);

#endif
