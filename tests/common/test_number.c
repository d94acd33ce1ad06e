/*
 * The checked number parsers (common/number.c): every failure has its own reason, overflow is
 * an error at any length, and the limits are exact.
 */
#include <limits.h>
#include <string.h>

#include "common/number.h"
#include "test_util.h"

static char why[256];

static void long_ok(const char *s, long min, long max, unsigned flags, long want)
{
	long v = -12345;
	why[0] = 0;
	int rc = bb_parse_long(s, strlen(s), min, max, flags, &v, why, sizeof(why));
	if (rc)
		fprintf(stderr, "  '%s': %s\n", s, why);
	BB_CHECK_INT(rc, 0);
	BB_CHECK_INT(v, want);
}

static void long_bad(const char *s, long min, long max, unsigned flags, const char *part)
{
	long v = -12345;
	why[0] = 0;
	BB_CHECK_INT(bb_parse_long(s, strlen(s), min, max, flags, &v, why, sizeof(why)), -1);
	BB_CHECK_INT(v, -12345); /* untouched on failure */
	if (!strstr(why, part))
		fprintf(stderr, "  '%s': '%s' lacks '%s'\n", s, why, part);
	BB_CHECK(strstr(why, part) != NULL);
}

static void double_bad(const char *s, double min, double max, const char *part)
{
	double v = -1;
	BB_CHECK_INT(bb_parse_double(s, strlen(s), min, max, 0, &v, why, sizeof(why)), -1);
	if (!strstr(why, part))
		fprintf(stderr, "  '%s': '%s' lacks '%s'\n", s, why, part);
	BB_CHECK(strstr(why, part) != NULL);
}

int main(void)
{
	long_ok("0", 0, 10, 0, 0);
	long_ok("42", 1, 100, 0, 42);
	long_ok("+7", 1, 100, 0, 7);
	long_ok("-3", -5, 5, 0, -3);
	long_ok("1e5", 1, LONG_MAX, BB_NUM_EXP, 100000);
	long_ok("0e99", 0, 10, BB_NUM_EXP, 0);
	long_ok("9223372036854775807", 0, LONG_MAX, 0, LONG_MAX);
	long_ok("-9223372036854775808", LONG_MIN, 0, 0, LONG_MIN);
	long_ok("2147483647", 1, 2147483647, 0, 2147483647);

	long_bad("", 1, 10, 0, "no number given");
	long_bad("x", 1, 10, 0, "'x' is not a whole number");
	long_bad("1x", 1, 10, 0, "'1x' is not a whole number");
	long_bad(" 1", 1, 10, 0, "not a whole number");
	long_bad("1.5", 1, 10, 0, "not a whole number");
	long_bad("1e5", 1, LONG_MAX, 0, "not a whole number"); /* exponent only when asked */
	long_bad("1e", 1, 10, BB_NUM_EXP, "not a whole number");
	long_bad("-", 1, 10, 0, "not a whole number");
	long_bad("-5", 1, 10, 0, "must be positive, not -5");
	long_bad("0", 1, 10, 0, "must be positive, not 0");
	long_bad("-1", 0, 10, 0, "must not be negative, not -1");
	long_bad("2", 3, 10, 0, "must be at least 3, not 2");
	long_bad("11", 1, 10, 0, "'11' is too large (at most 10)");
	long_bad("9223372036854775808", 0, LONG_MAX, 0, "too large");
	long_bad("99999999999999999999", 1, LONG_MAX, 0, "'99999999999999999999' is too large");
	long_bad("99999999999999999999999999999999999999999999999999", 1, 10, 0,
	         "...' is too large");
	long_bad("-99999999999999999999", 1, 10, 0, "must be positive");
	long_bad("-9223372036854775809", LONG_MIN, 0, 0, "must be at least");
	long_bad("1e19", 1, LONG_MAX, BB_NUM_EXP, "too large");
	long_bad("93e17", 1, LONG_MAX, BB_NUM_EXP, "too large");
	long_ok("92e17", 1, LONG_MAX, BB_NUM_EXP, 9200000000000000000L);
	long_bad("1e999999999999999999999", 1, LONG_MAX, BB_NUM_EXP, "too large");

	/* a slice of a longer string: only len bytes are read */
	long v = 0;
	BB_CHECK_INT(bb_parse_long("64..128", 2, 1, 1000, 0, &v, why, sizeof(why)), 0);
	BB_CHECK_INT(v, 64);

	double d = 0;
	BB_CHECK_INT(bb_parse_double("2.5", 3, 0, 10, 0, &d, why, sizeof(why)), 0);
	BB_CHECK(d == 2.5);
	BB_CHECK_INT(bb_parse_double("0", 1, 0, 10, BB_NUM_INCLUSIVE, &d, why, sizeof(why)), 0);
	double_bad("", 0, 10, "no number given");
	double_bad("abc", 0, 10, "'abc' is not a number");
	double_bad("nan", 0, 10, "not a number");
	double_bad("inf", 0, 1e300, "not a number");
	double_bad("0x10", 0, 100, "not a number");
	double_bad(" 1", 0, 10, "not a number");
	double_bad("1e999", 0, 10, "too large");
	double_bad("11", 0, 10, "'11' is too large (at most 10)");
	double_bad("0", 0, 10, "must be above 0, not 0");
	double_bad("-1", 0, 10, "must be above 0, not -1");
	return bb_test_done();
}
