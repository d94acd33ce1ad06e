/*
 * The checked number parsers (see number.h).  Digits are accumulated by hand with an overflow
 * check before each step, rather than through strtol, so the same code reads plain numbers,
 * exponents and slices of a longer string, and every failure has its own reason.
 */
#include "common/number.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

/* Shown in a message: the slice, shortened when it is long. */
#define SHOW(len, text) (int)((len) > 40 ? 40 : (len)), (text), (len) > 40 ? "..." : ""

static int why_range_low(char *why, size_t whylen, long min, const char *text, size_t len)
{
	if (min == 1)
		snprintf(why, whylen, "must be positive, not %.*s%s", SHOW(len, text));
	else if (min == 0)
		snprintf(why, whylen, "must not be negative, not %.*s%s", SHOW(len, text));
	else
		snprintf(why, whylen, "must be at least %ld, not %.*s%s", min, SHOW(len, text));
	return -1;
}

static int why_too_large(char *why, size_t whylen, long max, const char *text, size_t len)
{
	snprintf(why, whylen, "'%.*s%s' is too large (at most %ld)", SHOW(len, text), max);
	return -1;
}

int bb_parse_long(const char *text, size_t len, long min, long max, unsigned flags, long *out,
                  char *why, size_t whylen)
{
	const char *p = text, *end = text + len;
	int neg = 0;
	if (!len) {
		snprintf(why, whylen, "no number given");
		return -1;
	}
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p == end || *p < '0' || *p > '9')
		goto not_number;
	/* the magnitude, saturated: anything above ULONG_MAX / 10 is too large whatever follows */
	unsigned long v = 0;
	int over = 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (ULONG_MAX - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
	}
	if (p < end && (flags & BB_NUM_EXP) && (*p == 'e' || *p == 'E')) {
		p++;
		if (p == end || *p < '0' || *p > '9')
			goto not_number;
		unsigned ex = 0;
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			ex = ex > 100 ? ex : ex * 10 + (unsigned)(*p - '0');
		if (p != end)
			goto not_number;
		for (; ex && v; ex--) {
			if (v > ULONG_MAX / 10) {
				over = 1;
				break;
			}
			v *= 10;
		}
	}
	if (p != end)
		goto not_number;
	if (neg && v) {
		/* -v as a long: below min unless min allows it */
		if (over || v > (unsigned long)LONG_MAX + 1 || min >= 0 ||
		    (v > (unsigned long)LONG_MAX ? LONG_MIN : -(long)v) < min)
			return why_range_low(why, whylen, min, text, len);
		*out = v > (unsigned long)LONG_MAX ? LONG_MIN : -(long)v;
		return 0;
	}
	if (over || v > (unsigned long)max)
		return max < 0 ? why_range_low(why, whylen, min, text, len)
		               : why_too_large(why, whylen, max, text, len);
	if ((long)v < min)
		return why_range_low(why, whylen, min, text, len);
	*out = (long)v;
	return 0;
not_number:
	snprintf(why, whylen, "'%.*s%s' is not a whole number", SHOW(len, text));
	return -1;
}

int bb_parse_double(const char *text, size_t len, double min, double max, unsigned flags,
                    double *out, char *why, size_t whylen)
{
	if (!len) {
		snprintf(why, whylen, "no number given");
		return -1;
	}
	char *copy = bb_xasprintf("%.*s", (int)len, text), *end;
	errno = 0;
	double v = strtod(copy, &end);
	/* strtod skips leading spaces and reads "nan"/"inf"/hex: none of them is a number here */
	int bad = end == copy || *end || copy[0] == ' ' || copy[0] == '\t' || !isfinite(v) ||
	          strpbrk(copy, "xXnN") != NULL;
	int range = errno == ERANGE && fabs(v) > 1;
	free(copy);
	if (bad && !range) {
		snprintf(why, whylen, "'%.*s%s' is not a number", SHOW(len, text));
		return -1;
	}
	if (range || v > max) {
		snprintf(why, whylen, "'%.*s%s' is too large (at most %g)", SHOW(len, text), max);
		return -1;
	}
	if ((flags & BB_NUM_INCLUSIVE) ? v < min : !(v > min)) {
		if (min == 0)
			snprintf(why, whylen, "must be %s, not %.*s%s",
			         flags & BB_NUM_INCLUSIVE ? "zero or more" : "above 0",
			         SHOW(len, text));
		else
			snprintf(why, whylen, "must be %s %g, not %.*s%s",
			         flags & BB_NUM_INCLUSIVE ? "at least" : "above", min,
			         SHOW(len, text));
		return -1;
	}
	*out = v;
	return 0;
}
