/*
 * Numbers from outside text (command-line options, workload specs, run references): the one
 * checked parser every caller uses, so that "99999999999999999999" is an error and not
 * undefined behaviour, "-5" is "must be positive" and not "not a number", and "" is refused
 * instead of read as 0.
 *
 * Each parser takes the text and its length (so callers can parse a slice of a list without
 * copying), the range allowed, and returns 0 with *out set, or -1 with a reason in why that
 * reads after the subject: "must be positive, not -5", "'1x' is not a whole number",
 * "'99999999999999999999' is too large (at most 2147483647)".  bb_plural() agrees a noun with
 * the count printed before it ("1 cell", "2 cells").
 */
#ifndef BB_COMMON_NUMBER_H
#define BB_COMMON_NUMBER_H

#include <stddef.h>

/* A whole number from min to max: decimal digits with an optional sign and, with BB_NUM_EXP,
 * a decimal exponent ("1e5" = 100000; the exponent is a whole number from 0 to 18).  Leading or
 * trailing spaces are not allowed.  Overflow is "too large", never wrapped. */
#define BB_NUM_EXP 0x1u
int bb_parse_long(const char *text, size_t len, long min, long max, unsigned flags, long *out,
                  char *why, size_t whylen);

/* A finite number above min (or at least min with BB_NUM_INCLUSIVE) and at most max, as strtod
 * reads it in the C locale's syntax; "nan", "inf" and values that overflow are refused. */
#define BB_NUM_INCLUSIVE 0x2u
int bb_parse_double(const char *text, size_t len, double min, double max, unsigned flags,
                    double *out, char *why, size_t whylen);

/* "s" after a count that is not 1, "" after 1: "%d cell%s", n, bb_plural(n). */
static inline const char *bb_plural(long long n)
{
	return n == 1 ? "" : "s";
}

#endif
