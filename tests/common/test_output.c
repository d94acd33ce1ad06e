/*
 * Unit tests for common/output.c, in a temporary directory: what is refused (SQLite files by
 * their first bytes, a protected database under other names before and after it exists, its
 * -wal/-shm/-journal, the -wal of any SQLite file, an empty name) and left byte-identical;
 * what is written (whole, replacing, keeping permissions and symlinks, appending, devices in
 * place); and that no failure leaves a temporary file or touches the old file.
 */
#include "common/output.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/test_util.h"

static void put(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* The whole file into a static buffer ("" when missing). */
static const char *get(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	return buf;
}

/* Files in the current directory whose name ends in ".tmp". */
static int temp_files(void)
{
	int n = 0;
	DIR *d = opendir(".");
	for (struct dirent *e; d && (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		n += len > 4 && !strcmp(e->d_name + len - 4, ".tmp");
	}
	if (d)
		closedir(d);
	return n;
}

static const char sqlite_head[] = "SQLite format 3\0 the rest of a page";

static void check_refused(const char *path, const char *why)
{
	char err[512] = "", before[4096];
	snprintf(before, sizeof(before), "%s", get(path));
	int rc = bb_write_file_atomic(path, "x", 1, err, sizeof(err));
	if (rc != BB_OUTPUT_REFUSED)
		fprintf(stderr, "'%s' (%s) was not refused: %d %s\n", path, why, rc, err);
	BB_CHECK_INT(rc, BB_OUTPUT_REFUSED);
	BB_CHECK(!strncmp(err, "refusing to write '", 19));
	BB_CHECK(strchr(err, '\n') == NULL);
	BB_CHECK_STR(get(path), before);
	BB_CHECK_INT(temp_files(), 0);
}

static void check_allowed(const char *path)
{
	char err[512] = "";
	int rc = bb_output_check(path, err, sizeof(err));
	if (rc)
		fprintf(stderr, "'%s' refused: %s\n", path, err);
	BB_CHECK_INT(rc, 0);
}

static void test_refused(void)
{
	static const unsigned char wal[8] = {0x37, 0x7f, 0x06, 0x82, 0, 0x2d, 0xe2, 0x18};
	static const unsigned char journal[8] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
	char err[512];
	put("a.db", sqlite_head, sizeof(sqlite_head));
	check_refused("a.db", "a SQLite database");
	check_refused("./a.db", "a SQLite database, another name");
	put("w", wal, sizeof(wal));
	check_refused("w", "a write-ahead log");
	put("j", journal, sizeof(journal));
	check_refused("j", "a rollback journal");
	check_refused("a.db-wal", "the -wal of a SQLite file");
	check_refused("a.db-journal", "the -journal of a SQLite file");
	check_refused("", "an empty name");
	BB_CHECK_INT(bb_output_check("", err, sizeof(err)), BB_OUTPUT_REFUSED);
	check_allowed("x.db-wal"); /* no x.db */
	check_allowed("notes.txt");

	/* a database the process uses, before it exists (a run will create it) */
	mkdir("sub", 0777);
	bb_output_protect("new.db");
	check_refused("new.db", "the protected database, not yet created");
	check_refused("./sub/../new.db", "the protected database by another path");
	check_refused("new.db-wal", "the protected database's -wal");
	check_refused("new.db-shm", "the protected database's -shm");
	check_refused("new.db-journal", "the protected database's -journal");
	/* ... and after: an empty file has no SQLite header, only its identity protects it */
	put("new.db", "", 0);
	BB_CHECK(link("new.db", "hard") == 0);
	BB_CHECK(symlink("new.db", "soft") == 0);
	check_refused("hard", "a hard link to the protected database");
	check_refused("soft", "a symlink to the protected database");
	BB_CHECK_INT(bb_output_check("soft", err, sizeof(err)), BB_OUTPUT_REFUSED);
	BB_CHECK(strstr(err, "new.db") != NULL);
	struct stat st;
	BB_CHECK(stat("new.db", &st) == 0 && st.st_size == 0);
	BB_CHECK(lstat("soft", &st) == 0 && S_ISLNK(st.st_mode));
}

static void test_written(void)
{
	char err[512] = "";
	struct stat st;
	BB_CHECK_INT(bb_write_file_atomic("out.txt", "hello\n", 6, err, sizeof(err)), 0);
	BB_CHECK_STR(get("out.txt"), "hello\n");
	chmod("out.txt", 0600);
	BB_CHECK_INT(bb_write_file_atomic("out.txt", "bye\n", 4, err, sizeof(err)), 0);
	BB_CHECK_STR(get("out.txt"), "bye\n");
	BB_CHECK(stat("out.txt", &st) == 0 && (st.st_mode & 0777) == 0600);

	/* a symlinked output: the file it points to is replaced, the link stays */
	put("target.txt", "old", 3);
	BB_CHECK(symlink("target.txt", "lnk.txt") == 0);
	BB_CHECK_INT(bb_write_file_atomic("lnk.txt", "new", 3, err, sizeof(err)), 0);
	BB_CHECK(lstat("lnk.txt", &st) == 0 && S_ISLNK(st.st_mode));
	BB_CHECK_STR(get("target.txt"), "new");

	/* appending, for a step summary */
	put("sum.md", "a\n", 2);
	BB_CHECK_INT(bb_append_file("sum.md", "b\n", 2, err, sizeof(err)), 0);
	BB_CHECK_STR(get("sum.md"), "a\nb\n");
	BB_CHECK_INT(bb_append_file("a.db", "b\n", 2, err, sizeof(err)), BB_OUTPUT_REFUSED);
	BB_CHECK_INT(bb_append_file("new.db-wal", "b\n", 2, err, sizeof(err)), BB_OUTPUT_REFUSED);

	/* devices are written in place, never replaced */
	BB_CHECK_INT(bb_write_file_atomic("/dev/null", "x", 1, err, sizeof(err)), 0);
	BB_CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
	BB_CHECK_INT(temp_files(), 0);
}

static void test_failures(void)
{
	char err[512] = "";
	bb_output out;
	/* given up: the old file as it was, no temporary file */
	put("keep.txt", "keep", 4);
	BB_CHECK_INT(bb_output_open(&out, "keep.txt", err, sizeof(err)), 0);
	BB_CHECK_INT(temp_files(), 1);
	BB_CHECK_INT(bb_output_write(&out, "new", 3, err, sizeof(err)), 0);
	bb_output_abort(&out);
	bb_output_abort(&out); /* twice is harmless */
	BB_CHECK_STR(get("keep.txt"), "keep");
	BB_CHECK_INT(temp_files(), 0);

	/* the target became a database while the output was written: refused at commit */
	BB_CHECK_INT(bb_output_open(&out, "late.txt", err, sizeof(err)), 0);
	BB_CHECK_INT(bb_output_write(&out, "text", 4, err, sizeof(err)), 0);
	put("late.txt", sqlite_head, sizeof(sqlite_head));
	BB_CHECK_INT(bb_output_commit(&out, err, sizeof(err)), BB_OUTPUT_REFUSED);
	BB_CHECK(!memcmp(get("late.txt"), sqlite_head, 16));
	BB_CHECK_INT(temp_files(), 0);

	/* a directory, a missing directory: failures, nothing created */
	mkdir("d", 0777);
	BB_CHECK_INT(bb_write_file_atomic("d", "x", 1, err, sizeof(err)), BB_OUTPUT_FAILED);
	BB_CHECK(strstr(err, "directory") != NULL);
	BB_CHECK_INT(bb_write_file_atomic("nodir/x", "x", 1, err, sizeof(err)), BB_OUTPUT_FAILED);
	BB_CHECK(!strncmp(err, "cannot write 'nodir/x': ", 24));
	BB_CHECK(access("nodir", F_OK) != 0);
	/* a directory that cannot be written (not for root, who may write anywhere) */
	mkdir("ro", 0555);
	if (geteuid() != 0) {
		BB_CHECK_INT(bb_write_file_atomic("ro/x", "x", 1, err, sizeof(err)),
		             BB_OUTPUT_FAILED);
		BB_CHECK(access("ro/x", F_OK) != 0);
	}
	BB_CHECK_INT(temp_files(), 0);
}

int main(void)
{
	char dir[] = "/tmp/bb-test-output-XXXXXX";
	if (!mkdtemp(dir) || chdir(dir)) {
		perror("cannot make a temporary directory");
		return 1;
	}
	test_refused();
	test_written();
	test_failures();
	int rc = bb_test_done();
	if (chdir("/tmp") == 0) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s' && rm -rf '%s'", dir, dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return rc;
}
