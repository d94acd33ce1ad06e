/*
 * Fuzz target: the JSON reader (common/json_parse.c), which reads worker result lines, run
 * records and options_json.  The input is parsed as is (not NUL-terminated: the parser takes a
 * length).  A value that parses is written back out (bb_jw_value), and that text must parse
 * again and write out the same: the round trip is stable.  The accessors are walked over the
 * tree.  Everything is freed.
 */
#include "common/json.h"
#include "fuzz_util.h"

/* Visit every node through the public accessors. */
static void walk(const bb_json *v, int depth)
{
	BB_FUZZ_CHECK(depth <= BB_JSON_MAX_DEPTH + 1);
	(void)bb_json_str(v, NULL);
	(void)bb_json_num(v, 0);
	(void)bb_json_int(v, 0);
	(void)bb_json_bool(v, 0);
	(void)bb_json_is_null(v);
	for (size_t i = 0; i < bb_json_len(v); i++) {
		if (v->type == BB_JSON_OBJECT)
			BB_FUZZ_CHECK(bb_json_get(v, v->keys[i]) != NULL);
		walk(bb_json_at(v, i), depth + 1);
	}
}

static char *emit(const bb_json *v)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_value(&w, v);
	return bb_strbuf_detach(&sb, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes: a read past the end is caught */
	char *text = malloc(size ? size : 1);
	BB_FUZZ_CHECK(text);
	memcpy(text, data, size);
	char err[256];
	bb_json *v = bb_json_parse(text, size, err, sizeof(err));
	free(text);
	if (!v) {
		BB_FUZZ_CHECK(*err);
		return 0;
	}
	BB_FUZZ_CHECK(!*err);
	walk(v, 0);
	char *once = emit(v);
	bb_json_free(v);
	bb_json *again = bb_json_parse(once, strlen(once), err, sizeof(err));
	if (!again) {
		fprintf(stderr, "written JSON does not parse: %s\n%s\n", err, once);
		BB_FUZZ_CHECK(again);
	}
	char *twice = emit(again);
	if (strcmp(once, twice))
		fprintf(stderr, "round trip differs:\n%s\n%s\n", once, twice);
	BB_FUZZ_CHECK(!strcmp(once, twice));
	bb_json_free(again);
	free(once);
	free(twice);
	return 0;
}
