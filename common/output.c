/*
 * Outputs that never overwrite a database and are never left half-written (see output.h).
 * The databases to protect are kept in one list per process; each check compares the target
 * with every one of them (and its -wal, -shm and -journal) by inode and by resolved name, then
 * looks at the target's first bytes.
 */
#include "common/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"

/* The files SQLite keeps beside a database, and what each is called in a message. */
static const struct {
	const char *suffix, *what;
} db_parts[] = {
    {"", NULL},
    {"-wal", "write-ahead log"},
    {"-shm", "shared-memory index"},
    {"-journal", "rollback journal"},
};
#define N_DB_PARTS (sizeof(db_parts) / sizeof(db_parts[0]))

static char **protected_dbs;
static size_t n_protected;

void bb_output_protect(const char *db_path)
{
	if (!db_path || !*db_path)
		return;
	for (size_t i = 0; i < n_protected; i++)
		if (!strcmp(protected_dbs[i], db_path))
			return;
	protected_dbs = bb_xrealloc(protected_dbs, (n_protected + 1) * sizeof(*protected_dbs));
	protected_dbs[n_protected++] = bb_xstrdup(db_path);
}

/* The name path resolves to: realpath() when it exists, else its directory resolved plus its
 * last component, else path itself.  Malloc'd. */
static char *resolved_name(const char *path)
{
	char *r = realpath(path, NULL);
	if (r)
		return r;
	const char *slash = strrchr(path, '/');
	char *dir = slash ? bb_xasprintf("%.*s", (int)(slash == path ? 1 : slash - path), path)
	                  : bb_xstrdup(".");
	char *rdir = realpath(dir, NULL);
	free(dir);
	if (!rdir)
		return bb_xstrdup(path);
	char *out =
	    bb_xasprintf("%s%s%s", rdir, strcmp(rdir, "/") ? "/" : "", slash ? slash + 1 : path);
	free(rdir);
	return out;
}

/* Whether a and b name one file: the same inode when both exist, else the same resolved name
 * (a database a run will create, an output not yet written). */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	int ea = stat(a, &sa), eb = stat(b, &sb);
	if (!ea && !eb)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (!ea || !eb)
		return 0;
	char *ra = resolved_name(a), *rb = resolved_name(b);
	int same = !strcmp(ra, rb);
	free(ra);
	free(rb);
	return same;
}

/* What kind of SQLite file path is, from its first bytes: "a SQLite database", "a SQLite
 * write-ahead log", "a SQLite rollback journal", or NULL when it is none (or does not exist, or
 * is not a regular file).  A regular file that cannot be read cannot be cleared: *unreadable
 * gets errno then (and NULL is returned). */
static const char *sqlite_kind(const char *path, int *unreadable)
{
	static const unsigned char db_magic[16] = "SQLite format 3";
	static const unsigned char journal_magic[8] = {0xd9, 0xd5, 0x05, 0xf9,
	                                               0x20, 0xa1, 0x63, 0xd7};
	unsigned char h[16];
	struct stat st;
	*unreadable = 0;
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*unreadable = errno;
		return NULL;
	}
	ssize_t got = read(fd, h, sizeof(h));
	*unreadable = got < 0 ? errno : 0;
	close(fd);
	if (got == (ssize_t)sizeof(h) && !memcmp(h, db_magic, sizeof(db_magic)))
		return "a SQLite database";
	if (got >= 4 && h[0] == 0x37 && h[1] == 0x7f && h[2] == 0x06 && (h[3] & 0xfe) == 0x82)
		return "a SQLite write-ahead log";
	if (got >= 8 && !memcmp(h, journal_magic, sizeof(journal_magic)))
		return "a SQLite rollback journal";
	return NULL;
}

static int refuse(char *err, size_t errlen, const char *fmt, ...) BB_PRINTF(3, 4);
static int refuse(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return BB_OUTPUT_REFUSED;
}

int bb_output_check(const char *path, char *err, size_t errlen)
{
	if (!path || !*path)
		return refuse(err, errlen, "refusing to write '': the file name is empty");
	for (size_t i = 0; i < n_protected; i++)
		for (size_t k = 0; k < N_DB_PARTS; k++) {
			char *part = bb_xasprintf("%s%s", protected_dbs[i], db_parts[k].suffix);
			int same = same_file(path, part);
			free(part);
			if (!same)
				continue;
			if (!db_parts[k].what)
				return refuse(
				    err, errlen,
				    "refusing to write '%s': it is database '%s' (outputs "
				    "never overwrite a database)",
				    path, protected_dbs[i]);
			return refuse(err, errlen,
			              "refusing to write '%s': it is the %s of database '%s'", path,
			              db_parts[k].what, protected_dbs[i]);
		}
	int unreadable;
	const char *kind = sqlite_kind(path, &unreadable);
	if (kind)
		return refuse(err, errlen,
		              "refusing to write '%s': it is %s (outputs never overwrite a "
		              "database)",
		              path, kind);
	if (unreadable)
		return refuse(err, errlen,
		              "refusing to write '%s': cannot read it to make sure it is not a "
		              "database: %s",
		              path, strerror(unreadable));
	/* the -wal, -shm or -journal of a database nobody registered */
	size_t len = strlen(path);
	for (size_t k = 1; k < N_DB_PARTS; k++) {
		size_t sl = strlen(db_parts[k].suffix);
		if (len <= sl || strcmp(path + len - sl, db_parts[k].suffix))
			continue;
		char *db = bb_xasprintf("%.*s", (int)(len - sl), path);
		const char *dbkind = sqlite_kind(db, &unreadable);
		int is_db = dbkind && !strcmp(dbkind, "a SQLite database");
		int rc = is_db
		             ? refuse(err, errlen,
		                      "refusing to write '%s': it would be the %s of database '%s'",
		                      path, db_parts[k].what, db)
		             : 0;
		free(db);
		if (rc)
			return rc;
	}
	return 0;
}

static int fail(char *err, size_t errlen, const char *path, int e)
{
	snprintf(err, errlen, "cannot write '%s': %s", path, strerror(e));
	return BB_OUTPUT_FAILED;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void release(bb_output *out)
{
	if (out->fd >= 0)
		close(out->fd);
	if (out->tmp)
		unlink(out->tmp);
	free(out->path);
	free(out->final);
	free(out->tmp);
	out->path = out->final = out->tmp = NULL;
	out->fd = -1;
}

/* Written in place rather than replaced: a device, FIFO or socket, and the streams of the
 * process named by path (/dev/stdout, /dev/fd/N, /proc/self/fd/N), which may resolve to the
 * file the shell redirected to: that file must keep its inode, or what else goes to the stream
 * is lost. */
static int in_place(const char *path, const char *final)
{
	struct stat st;
	if (!strncmp(path, "/dev/std", 8) || !strncmp(path, "/dev/fd/", 8) ||
	    (!strncmp(path, "/proc/", 6) && strstr(path, "/fd/")))
		return 1;
	return !stat(final, &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

int bb_output_open(bb_output *out, const char *path, char *err, size_t errlen)
{
	struct stat st;
	memset(out, 0, sizeof(*out));
	out->fd = -1;
	int rc = bb_output_check(path, err, errlen);
	if (rc)
		return rc;
	out->path = bb_xstrdup(path);
	out->final = realpath(path, NULL); /* a symlink's file is replaced, not the link */
	if (!out->final)
		out->final = bb_xstrdup(path);
	int exists = !stat(out->final, &st);
	if (exists && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "cannot write '%s': it is a directory", path);
		release(out);
		return BB_OUTPUT_FAILED;
	}
	if (in_place(path, out->final)) {
		out->fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
		if (out->fd < 0) {
			rc = fail(err, errlen, path, errno);
			release(out);
			return rc;
		}
		return 0;
	}
	const char *slash = strrchr(out->final, '/');
	const char *base = slash ? slash + 1 : out->final;
	int dirlen = slash ? (int)(slash - out->final) + 1 : 0;
	for (unsigned n = 0; out->fd < 0 && n < 100; n++) {
		free(out->tmp);
		/* hidden, beside the target (rename needs one file system), short enough for
		 * NAME_MAX whatever the target's name */
		out->tmp = bb_xasprintf("%.*s.%.200s.%ld.%u.tmp", dirlen, out->final, base,
		                        (long)getpid(), n);
		out->fd = open(out->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
		if (out->fd < 0 && errno != EEXIST)
			break;
	}
	if (out->fd < 0) {
		rc = fail(err, errlen, path, errno);
		free(out->tmp);
		out->tmp = NULL; /* never created: nothing to remove */
		release(out);
		return rc;
	}
	if (exists) /* a replaced file keeps its permissions */
		(void)fchmod(out->fd, st.st_mode & 07777);
	return 0;
}

int bb_output_write(bb_output *out, const void *buf, size_t len, char *err, size_t errlen)
{
	if (write_all(out->fd, buf, len))
		return fail(err, errlen, out->path, errno);
	return 0;
}

int bb_output_commit(bb_output *out, char *err, size_t errlen)
{
	int rc = 0;
	if (out->tmp && fsync(out->fd))
		rc = fail(err, errlen, out->path, errno);
	int fd = out->fd;
	out->fd = -1;
	if (close(fd) && !rc)
		rc = fail(err, errlen, out->path, errno);
	/* the target may have changed since bb_output_open() (a run creating its database) */
	if (!rc && out->tmp)
		rc = bb_output_check(out->path, err, errlen);
	if (!rc && out->tmp) {
		if (rename(out->tmp, out->final))
			rc = fail(err, errlen, out->path, errno);
		else {
			free(out->tmp);
			out->tmp = NULL; /* renamed: nothing to remove */
		}
	}
	release(out);
	return rc;
}

void bb_output_abort(bb_output *out)
{
	if (out->path) /* set from a successful bb_output_open() until released */
		release(out);
}

int bb_write_file_atomic(const char *path, const void *buf, size_t len, char *err, size_t errlen)
{
	bb_output out;
	int rc = bb_output_open(&out, path, err, errlen);
	if (rc)
		return rc;
	if ((rc = bb_output_write(&out, buf, len, err, errlen))) {
		bb_output_abort(&out);
		return rc;
	}
	return bb_output_commit(&out, err, errlen);
}

int bb_append_file(const char *path, const void *buf, size_t len, char *err, size_t errlen)
{
	int rc = bb_output_check(path, err, errlen);
	if (rc)
		return rc;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
	if (fd < 0)
		return fail(err, errlen, path, errno);
	if (write_all(fd, buf, len)) {
		rc = fail(err, errlen, path, errno);
		close(fd);
		return rc;
	}
	if (close(fd))
		return fail(err, errlen, path, errno);
	return 0;
}
