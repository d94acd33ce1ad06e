/*
 * Unit tests for common/strbuf.c: initial state, appending (bytes, strings, characters,
 * formatted text), growth, self-append, reset, detach and release.
 */
#include "common/strbuf.h"

#include "tests/test_util.h"

static void vadd_wrapper(bb_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bb_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

static void test_init(void)
{
	bb_strbuf a = BB_STRBUF_INIT, b;
	bb_strbuf_init(&b);
	BB_CHECK(a.buf != NULL);
	BB_CHECK_STR(a.buf, "");
	BB_CHECK_INT(a.len, 0);
	BB_CHECK_STR(b.buf, "");
	BB_CHECK_INT(b.alloc, 0);
	/* Operations that add nothing must not need (or break) the shared empty buffer. */
	bb_strbuf_reset(&a);
	bb_strbuf_add(&a, NULL, 0);
	bb_strbuf_adds(&a, "");
	BB_CHECK_STR(a.buf, "");
	BB_CHECK_STR(bb_strbuf_empty, "");
	bb_strbuf_release(&a);
	bb_strbuf_release(&b);
	BB_CHECK_STR(a.buf, "");
}

static void test_append(void)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_strbuf_adds(&sb, "hello");
	bb_strbuf_addc(&sb, ',');
	bb_strbuf_addc(&sb, ' ');
	bb_strbuf_add(&sb, "world!!!", 5);
	BB_CHECK_STR(sb.buf, "hello, world");
	BB_CHECK_INT(sb.len, 12);
	BB_CHECK(sb.alloc > sb.len);
	bb_strbuf_addf(&sb, " %d-%s-%.2f", 42, "x", 1.5);
	BB_CHECK_STR(sb.buf, "hello, world 42-x-1.50");
	BB_CHECK_INT(sb.len, strlen(sb.buf));
	vadd_wrapper(&sb, "[%05d]", 7);
	BB_CHECK_STR(sb.buf + sb.len - 7, "[00007]");

	/* Embedded NUL: len counts it, the buffer stays terminated after it. */
	bb_strbuf_reset(&sb);
	bb_strbuf_add(&sb, "a\0b", 3);
	BB_CHECK_INT(sb.len, 3);
	BB_CHECK(memcmp(sb.buf, "a\0b", 4) == 0);
	bb_strbuf_release(&sb);
}

static void test_growth(void)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	char expect[20001];
	for (int i = 0; i < 20000; i++) {
		bb_strbuf_addc(&sb, (char)('a' + i % 26));
		expect[i] = (char)('a' + i % 26);
	}
	expect[20000] = '\0';
	BB_CHECK_INT(sb.len, 20000);
	BB_CHECK(strcmp(sb.buf, expect) == 0);
	BB_CHECK(sb.alloc >= 20001);

	/* A formatted piece much longer than the spare room forces the second vsnprintf. */
	bb_strbuf_release(&sb);
	bb_strbuf_adds(&sb, "<");
	bb_strbuf_addf(&sb, "%s|%s", expect, expect);
	BB_CHECK_INT(sb.len, 1 + 20000 + 1 + 20000);
	BB_CHECK(sb.buf[0] == '<' && sb.buf[20001] == '|' && sb.buf[sb.len] == '\0');
	BB_CHECK(memcmp(sb.buf + 20002, expect, 20000) == 0);

	/* grow() reserves room without changing the contents. */
	size_t len = sb.len;
	bb_strbuf_grow(&sb, 100000);
	BB_CHECK(sb.alloc >= len + 100001);
	BB_CHECK_INT(sb.len, len);
	BB_CHECK(sb.buf[0] == '<' && sb.buf[len] == '\0');
	bb_strbuf_release(&sb);
}

static void test_self_append(void)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_strbuf_adds(&sb, "abc");
	/* Appending the buffer to itself repeatedly crosses several reallocations. */
	for (int i = 0; i < 12; i++)
		bb_strbuf_add(&sb, sb.buf, sb.len);
	BB_CHECK_INT(sb.len, 3 << 12);
	int ok = 1;
	for (size_t i = 0; i < sb.len; i++)
		ok &= sb.buf[i] == "abc"[i % 3];
	BB_CHECK(ok);
	bb_strbuf_adds(&sb, sb.buf + sb.len - 2);
	BB_CHECK_STR(sb.buf + sb.len - 4, "bcbc");
	bb_strbuf_release(&sb);
}

static void test_reset_detach(void)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_strbuf_adds(&sb, "some text");
	size_t alloc = sb.alloc;
	char *old = sb.buf;
	bb_strbuf_reset(&sb);
	BB_CHECK_INT(sb.len, 0);
	BB_CHECK_STR(sb.buf, "");
	BB_CHECK(sb.buf == old && sb.alloc == alloc);

	bb_strbuf_adds(&sb, "kept");
	size_t len = 99;
	char *s = bb_strbuf_detach(&sb, &len);
	BB_CHECK_STR(s, "kept");
	BB_CHECK_INT(len, 4);
	BB_CHECK(sb.buf == bb_strbuf_empty && sb.len == 0 && sb.alloc == 0);
	free(s);

	/* Detaching a never-allocated buffer still returns a string the caller can free. */
	s = bb_strbuf_detach(&sb, &len);
	BB_CHECK(s != NULL && s != bb_strbuf_empty);
	BB_CHECK_STR(s, "");
	BB_CHECK_INT(len, 0);
	free(s);
	s = bb_strbuf_detach(&sb, NULL);
	free(s);

	/* The buffer is usable again after detach. */
	bb_strbuf_addf(&sb, "%s", "again");
	BB_CHECK_STR(sb.buf, "again");
	bb_strbuf_release(&sb);
	BB_CHECK(sb.buf == bb_strbuf_empty && sb.len == 0);
}

int main(void)
{
	test_init();
	test_append();
	test_growth();
	test_self_append();
	test_reset_detach();
	return bb_test_done();
}
