/*
 * Unit tests for common/sha256.c: the FIPS 180-2/180-4 example vectors (one-shot and streamed
 * in odd chunk sizes), padding boundaries, and bb_sha256_file() against sha256sum(1).
 */
#include "common/sha256.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "tests/test_util.h"

static void hash_hex(const void *data, size_t n, char hex[65])
{
	bb_sha256 c;
	uint8_t d[32];
	bb_sha256_init(&c);
	bb_sha256_update(&c, data, n);
	bb_sha256_final(&c, d);
	bb_sha256_hex(d, hex);
}

static void test_vectors(void)
{
	static const struct {
		const char *msg, *hex;
	} v[] = {
	    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklm"
	     "nopqrlmnopqrsmnopqrstnopqrstu",
	     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
	};
	char hex[65];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hash_hex(v[i].msg, strlen(v[i].msg), hex);
		BB_CHECK_STR(hex, v[i].hex);
	}
}

/* One million 'a', fed in chunks of varying odd sizes so block boundaries fall everywhere. */
static void test_million_a(void)
{
	static const size_t sizes[] = {1, 3, 7, 13, 61, 63, 65, 127, 129, 1001, 4093};
	char buf[4096];
	memset(buf, 'a', sizeof(buf));
	bb_sha256 c;
	uint8_t d[32];
	char hex[65];
	size_t left = 1000000, k = 0;
	bb_sha256_init(&c);
	while (left) {
		size_t n = sizes[k++ % (sizeof(sizes) / sizeof(sizes[0]))];
		n = n < left ? n : left;
		bb_sha256_update(&c, buf, n);
		left -= n;
	}
	bb_sha256_final(&c, d);
	bb_sha256_hex(d, hex);
	BB_CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths around the padding boundaries: byte-at-a-time must equal one-shot. */
static void test_streaming_equals_oneshot(void)
{
	unsigned char msg[200];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 37 + 11);
	for (size_t len = 0; len <= sizeof(msg); len++) {
		char one[65], many[65];
		uint8_t d[32];
		bb_sha256 c;
		hash_hex(msg, len, one);
		bb_sha256_init(&c);
		for (size_t i = 0; i < len; i++)
			bb_sha256_update(&c, msg + i, 1);
		bb_sha256_update(&c, msg, 0);
		bb_sha256_final(&c, d);
		bb_sha256_hex(d, many);
		BB_CHECK_STR(many, one);
	}
}

/* Run sha256sum on path; 0 and the hex into out[65], or -1 if the command is unusable. */
static int sha256sum(const char *path, char out[65])
{
	char cmd[512], line[256];
	snprintf(cmd, sizeof(cmd), "sha256sum '%s' 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	int ok = fgets(line, sizeof(line), p) != NULL;
	int rc = pclose(p);
	if (!ok || rc != 0 || strlen(line) < 64)
		return -1;
	memcpy(out, line, 64);
	out[64] = '\0';
	return 0;
}

static void test_file(void)
{
	/* Sizes around block and 1 MiB read-chunk boundaries. */
	static const long long sizes[] = {0, 1, 55, 56, 64, 65, 1 << 20, (1 << 20) + 3, 3000001};
	const char *tmp = getenv("TMPDIR");
	char path[400];
	snprintf(path, sizeof(path), "%s/bb_test_sha256_XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	BB_CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		FILE *f = fopen(path, "wb");
		BB_CHECK(f != NULL);
		if (!f)
			break;
		for (long long j = 0; j < sizes[i]; j++)
			fputc((int)((j * 7919 + (j >> 10)) & 0xFF), f);
		fclose(f);

		char ours[65] = "", theirs[65];
		long long size = -1;
		BB_CHECK_INT(bb_sha256_file(path, ours, &size), 0);
		BB_CHECK_INT(size, sizes[i]);
		BB_CHECK_INT(strlen(ours), 64);
		if (sha256sum(path, theirs) == 0)
			BB_CHECK_STR(ours, theirs);
		else
			printf("note: sha256sum unusable, size %lld not cross-checked\n", sizes[i]);
		BB_CHECK_INT(bb_sha256_file(path, ours, NULL), 0);
	}
	unlink(path);

	char hex[65] = "untouched";
	long long size = 1234;
	errno = 0;
	BB_CHECK_INT(bb_sha256_file(path, hex, &size), -1);
	BB_CHECK_INT(errno, ENOENT);
	BB_CHECK_STR(hex, "untouched");
	BB_CHECK_INT(size, 1234);
	errno = 0;
	BB_CHECK_INT(bb_sha256_file("/", hex, NULL), -1);
	BB_CHECK(errno != 0);
}

int main(void)
{
	test_vectors();
	test_million_a();
	test_streaming_equals_oneshot();
	test_file();
	return bb_test_done();
}
