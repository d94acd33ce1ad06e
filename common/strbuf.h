/*
 * A growable, always NUL-terminated string buffer (like git's strbuf).
 * Initialise with BB_STRBUF_INIT or bb_strbuf_init(); release with bb_strbuf_release().
 * Allocation failure exits through bb_die(): callers never see a half-written buffer.
 */
#ifndef BB_COMMON_STRBUF_H
#define BB_COMMON_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "common/error.h"

typedef struct bb_strbuf {
	char *buf;      /* never NULL after init: points at "" until something is added */
	size_t len;
	size_t alloc;
} bb_strbuf;

extern char bb_strbuf_empty[];
#define BB_STRBUF_INIT { bb_strbuf_empty, 0, 0 }

void bb_strbuf_init(bb_strbuf *sb);
void bb_strbuf_release(bb_strbuf *sb);
void bb_strbuf_reset(bb_strbuf *sb);                  /* len = 0, keeps the allocation */
void bb_strbuf_grow(bb_strbuf *sb, size_t extra);
void bb_strbuf_add(bb_strbuf *sb, const void *data, size_t n);
void bb_strbuf_adds(bb_strbuf *sb, const char *s);
void bb_strbuf_addc(bb_strbuf *sb, char c);
void bb_strbuf_addf(bb_strbuf *sb, const char *fmt, ...) BB_PRINTF(2, 3);
void bb_strbuf_vaddf(bb_strbuf *sb, const char *fmt, va_list ap);
/* Detach the buffer: the caller owns and frees the returned string; sb is re-initialised. */
char *bb_strbuf_detach(bb_strbuf *sb, size_t *len);

#endif
