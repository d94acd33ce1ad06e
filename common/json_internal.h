/* What json_write.c and json_parse.c share; not part of the public JSON API. */
#ifndef BB_COMMON_JSON_INTERNAL_H
#define BB_COMMON_JSON_INTERNAL_H

#include <stddef.h>

#define BB_JSON_IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* Escape letters after '\' and the bytes they stand for, in the same order. */
extern const char bb_json_esc_name[];
extern const char bb_json_esc_byte[];
/* Length of the well-formed UTF-8 sequence at s (at most avail bytes), 0 if ill-formed. */
size_t bb_json_utf8_len(const unsigned char *s, size_t avail);
/* The current locale's decimal point ("." unless someone called setlocale). */
const char *bb_json_decimal_point(void);
/* The shortest form of a finite double that reads back the same, locale-independent. */
void bb_json_format_double(double v, char *buf, size_t size);

#endif
