/*
 * Files blasbench writes for the user (--html, --junit, --markdown, the files of --gnuplot DIR
 * and --emit-repro DIR): never over a database, never half-written.
 *
 * Every such file goes through here.  A target is refused ("refusing to write 'r.db': it is
 * database 'r.db'") when it is an existing SQLite file (database, write-ahead log or rollback
 * journal, judged by its first bytes), when it is the same file as a database the process uses
 * (same device and inode, or the same resolved name if one of them does not exist yet, so
 * symlinks, hard links and ./r.db vs r.db are all caught), when it would be the -wal, -shm or
 * -journal file of one, or when its name is that of an existing SQLite file plus one of those
 * suffixes.  The databases are registered with bb_output_protect(): the command line does it for
 * --db and every FILE:RUN before anything runs, and db/open.c for every database it opens.
 *
 * A file is written to a temporary file beside it and renamed over it only when complete, so a
 * failed write leaves the old file as it was and no temporary file behind.  A symlink is
 * followed (the file it points to is replaced, the link stays).  Devices and FIFOs (/dev/null)
 * and the process's own streams (/dev/stdout, /dev/fd/N) cannot be replaced, so they are
 * written in place, after the same check.
 *
 * Typical use:
 *   if (bb_output_check(path, err, sizeof(err)))         (before measuring: fail fast)
 *       return bb_usage_error(cmd, "%s", err);
 *   ...
 *   rc = bb_write_file_atomic(path, text, len, err, sizeof(err));
 */
#ifndef BB_COMMON_OUTPUT_H
#define BB_COMMON_OUTPUT_H

#include <stddef.h>

/* What the functions below return besides 0: the target was refused (nothing was written; a
 * usage error for the caller, exit code 2), or writing failed (I/O error, no permission). */
#define BB_OUTPUT_REFUSED (-2)
#define BB_OUTPUT_FAILED (-1)

/* Protect a database path from every later output of this process: the file itself and its
 * -wal, -shm and -journal files.  The file need not exist yet (a run creates it).  Registering
 * one path twice is harmless. */
void bb_output_protect(const char *db_path);

/* Whether path may be written as an output.  Returns 0, or BB_OUTPUT_REFUSED with the reason
 * in err ("refusing to write 'x': it is database 'y'").  Looks only; writes nothing. */
int bb_output_check(const char *path, char *err, size_t errlen);

/* An output being written: the temporary file beside the target until bb_output_commit(). */
typedef struct bb_output {
	char *path;  /* the target, as given */
	char *final; /* what is replaced: the target, or the file its symlink points to */
	char *tmp;   /* the temporary file; NULL when writing in place (a device) */
	int fd;
} bb_output;

/* Check path and open a temporary file for it (close-on-exec) in the target's directory.
 * Returns 0, BB_OUTPUT_REFUSED or BB_OUTPUT_FAILED with the reason in err; on failure nothing
 * is left on disk and out needs no release. */
int bb_output_open(bb_output *out, const char *path, char *err, size_t errlen);
/* Write all of buf.  Returns 0, or BB_OUTPUT_FAILED with err set (out stays open: abort it). */
int bb_output_write(bb_output *out, const void *buf, size_t len, char *err, size_t errlen);
/* Flush to disk, check the target again and rename the temporary file over it.  Always
 * releases out; on failure the temporary file is removed and the target left as it was.
 * Returns 0, BB_OUTPUT_REFUSED or BB_OUTPUT_FAILED with err set. */
int bb_output_commit(bb_output *out, char *err, size_t errlen);
/* Give up: remove the temporary file, release out.  Safe on a zeroed or released out. */
void bb_output_abort(bb_output *out);

/* Open, write and commit in one call.  Returns as bb_output_commit(). */
int bb_write_file_atomic(const char *path, const void *buf, size_t len, char *err, size_t errlen);
/* Append buf to path (created if missing), for a file shared with others such as
 * $GITHUB_STEP_SUMMARY, after the same check.  Not atomic: a failed append may leave part of
 * buf.  Returns 0, BB_OUTPUT_REFUSED or BB_OUTPUT_FAILED with err set. */
int bb_append_file(const char *path, const void *buf, size_t len, char *err, size_t errlen);

#endif
