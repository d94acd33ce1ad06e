/*
 * What the fuzz targets share: the input as a C string, and a check that turns a broken
 * invariant into a crash (abort), which libFuzzer and the replay both report.
 */
#ifndef BB_TESTS_FUZZ_UTIL_H
#define BB_TESTS_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Abort with the failed condition when cond is false (also in release builds). */
#define BB_FUZZ_CHECK(cond)                                                                        \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__,  \
			        #cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The input as a NUL-terminated heap string (cut at its first NUL byte, as a C caller would
 * see it); the caller frees. */
static inline char *bb_fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	BB_FUZZ_CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
