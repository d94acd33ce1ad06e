/*
 * SHA-256 (FIPS 180-4), used to identify library files: two installs are the same library only
 * if their bytes are.  Streaming interface plus a helper for whole files.
 */
#ifndef BB_COMMON_SHA256_H
#define BB_COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct bb_sha256 {
	uint32_t state[8];
	uint64_t bytes;
	uint8_t block[64];
	size_t fill;
} bb_sha256;

void bb_sha256_init(bb_sha256 *c);
void bb_sha256_update(bb_sha256 *c, const void *data, size_t n);
void bb_sha256_final(bb_sha256 *c, uint8_t digest[32]);
/* Lower-case hex of the digest into hex[65]. */
void bb_sha256_hex(const uint8_t digest[32], char hex[65]);
/* Hash a whole file.  Returns 0 and fills hex[65] (and *size if non-NULL), or -1 with errno set. */
int bb_sha256_file(const char *path, char hex[65], long long *size);

#endif
