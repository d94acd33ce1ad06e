/*
 * Growable, always NUL-terminated string buffer (see common/strbuf.h).
 * An unallocated buffer points at the shared, read-only-by-convention bb_strbuf_empty; nothing
 * is ever written there.  Allocation failure and size overflow exit through bb_die().
 */
#include "common/strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char bb_strbuf_empty[1];

void bb_strbuf_init(bb_strbuf *sb)
{
	sb->buf = bb_strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
}

void bb_strbuf_release(bb_strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	bb_strbuf_init(sb);
}

void bb_strbuf_reset(bb_strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

/*
 * Make room for `extra` more bytes plus the terminating NUL.  Never shrinks; the contents and
 * the terminator are preserved.  Dies if the size would overflow or memory runs out.
 */
void bb_strbuf_grow(bb_strbuf *sb, size_t extra)
{
	if (extra > SIZE_MAX - 1 - sb->len)
		bb_die("string buffer size overflow");
	size_t need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return;
	size_t alloc = sb->alloc ? sb->alloc : 64;
	while (alloc < need)
		alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
	int fresh = sb->alloc == 0;
	sb->buf = bb_xrealloc(fresh ? NULL : sb->buf, alloc);
	sb->alloc = alloc;
	if (fresh)
		sb->buf[0] = '\0';
}

/* Append n bytes (which may contain NULs, and may lie inside sb->buf itself). */
void bb_strbuf_add(bb_strbuf *sb, const void *data, size_t n)
{
	if (n == 0)
		return;
	const char *src = data;
	/* Appending a part of ourselves: remember the offset across the realloc. */
	uintptr_t at = (uintptr_t)src, base = (uintptr_t)sb->buf;
	if (sb->alloc && at >= base && at - base < sb->alloc) {
		size_t off = (size_t)(at - base);
		bb_strbuf_grow(sb, n);
		src = sb->buf + off;
	} else {
		bb_strbuf_grow(sb, n);
	}
	memmove(sb->buf + sb->len, src, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void bb_strbuf_adds(bb_strbuf *sb, const char *s)
{
	if (s)
		bb_strbuf_add(sb, s, strlen(s));
}

void bb_strbuf_addc(bb_strbuf *sb, char c)
{
	bb_strbuf_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void bb_strbuf_addf(bb_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bb_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/*
 * Append printf-formatted text.  Formats once into the spare room and, if that was too small,
 * grows to the exact size and formats again.  Dies if vsnprintf reports an error (bad format
 * or EOVERFLOW).
 */
void bb_strbuf_vaddf(bb_strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	bb_strbuf_grow(sb, 64);
	va_copy(cp, ap);
	int n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		bb_die("cannot format a string: %s", fmt);
	if ((size_t)n >= sb->alloc - sb->len) {
		bb_strbuf_grow(sb, (size_t)n);
		va_copy(cp, ap);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
		va_end(cp);
		if (n < 0)
			bb_die("cannot format a string: %s", fmt);
	}
	sb->len += (size_t)n;
	sb->buf[sb->len] = '\0';
}

/*
 * Hand the string over to the caller, who frees it with free().  An empty, never-allocated
 * buffer yields a fresh heap "" so the result is always freeable.  *len (if non-NULL) gets
 * the length.  sb is left initialised and empty.
 */
char *bb_strbuf_detach(bb_strbuf *sb, size_t *len)
{
	char *s;
	if (len)
		*len = sb->len;
	if (sb->alloc) {
		s = sb->buf;
	} else {
		s = bb_xmalloc(1);
		s[0] = '\0';
	}
	bb_strbuf_init(sb);
	return s;
}
