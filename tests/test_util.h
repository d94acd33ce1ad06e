/*
 * Minimal assertions for blasbench's test programs.  A failed check prints where and why and
 * makes the program exit 1 at the end (checks keep going so one run shows every failure).
 * A test that needs something absent calls BB_TEST_SKIP(), which exits 77 (CTest: skipped).
 */
#ifndef BB_TEST_UTIL_H
#define BB_TEST_UTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bb_test_failures;
static int bb_test_checks;

#define BB_CHECK(cond)                                                                   \
	do {                                                                             \
		bb_test_checks++;                                                        \
		if (!(cond)) {                                                           \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			bb_test_failures++;                                              \
		}                                                                        \
	} while (0)

#define BB_CHECK_INT(a, b)                                                               \
	do {                                                                             \
		long long va_ = (long long)(a), vb_ = (long long)(b);                    \
		bb_test_checks++;                                                        \
		if (va_ != vb_) {                                                        \
			fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, \
				__LINE__, #a, va_, #b, vb_);                              \
			bb_test_failures++;                                              \
		}                                                                        \
	} while (0)

#define BB_CHECK_STR(a, b)                                                               \
	do {                                                                             \
		const char *sa_ = (a), *sb_ = (b);                                       \
		bb_test_checks++;                                                        \
		if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) {                             \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, \
				__LINE__, #a, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)"); \
			bb_test_failures++;                                              \
		}                                                                        \
	} while (0)

#define BB_CHECK_NEAR(a, b, tol)                                                         \
	do {                                                                             \
		double va_ = (a), vb_ = (b);                                             \
		bb_test_checks++;                                                        \
		if (!(fabs(va_ - vb_) <= (tol))) {                                       \
			fprintf(stderr, "%s:%d: %s == %.17g, expected %.17g (tol %g)\n",  \
				__FILE__, __LINE__, #a, va_, vb_, (double)(tol));         \
			bb_test_failures++;                                              \
		}                                                                        \
	} while (0)

#define BB_TEST_SKIP(why)                                                                \
	do {                                                                             \
		printf("SKIP: %s\n", why);                                               \
		exit(77);                                                                \
	} while (0)

/* Return this from main(): prints a summary, 1 if any check failed, 1 if none ran. */
static inline int bb_test_done(void)
{
	if (bb_test_checks == 0) {
		fprintf(stderr, "no checks ran\n");
		return 1;
	}
	printf("%d checks, %d failed\n", bb_test_checks, bb_test_failures);
	return bb_test_failures ? 1 : 0;
}

#endif
