/*
 * Worker processes, controller side.  A worker is this same executable started as
 * `blasbench __worker TASK ...`; it writes its results as JSON lines on a dedicated pipe
 * (fd 3, named in BLASBENCH_RESULT_FD) so that whatever a library prints on stdout or stderr
 * cannot corrupt them; that output is captured separately and kept for error messages.
 * The controller enforces a timeout and reports how the worker ended (exit code, signal,
 * killed at the timeout).
 */
#ifndef BB_HARNESS_WORKER_H
#define BB_HARNESS_WORKER_H

#include <sys/types.h>

#include "common/strbuf.h"

typedef struct bb_worker {
	pid_t pid;
	int result_fd; /* JSON lines */
	int log_fd;    /* the worker's stdout and stderr, merged */
	bb_strbuf pending; /* an incomplete result line */
	bb_strbuf log;     /* captured output (the last 64 KiB) */
	double deadline;   /* CLOCK_MONOTONIC seconds; bb_worker_rearm() moves it */
} bb_worker;

typedef struct bb_worker_end {
	int exited;      /* 1: exit() with exit_code; 0: see signal / timed_out */
	int exit_code;
	int signal;      /* terminating signal, 0 if none */
	int timed_out;   /* killed by the controller at the timeout */
	int interrupted; /* killed because the controller was interrupted (SIGINT/SIGTERM) */
	double seconds;  /* wall time from start to end */
} bb_worker_end;

/* Called for each complete result line (without the newline).  Return non-zero to stop
 * reading and kill the worker. */
typedef int (*bb_worker_line_fn)(const char *line, size_t len, void *ctx);

/* Write a worker's JSON job (len bytes of json) to a new private file in $TMPDIR (else /tmp),
 * named blasbench-job-PID-START-XXXXXX after this process (pid and start time).  The first
 * call of a process first removes the job files whose controller is gone (a killed run's),
 * and the private library copies whose worker is gone.
 * Returns its malloc'd path (the caller unlinks and frees it once the worker has read it),
 * or NULL when it cannot be written (nothing is left behind). */
char *bb_worker_job_write(const char *json, size_t len);

/* Where job files and workers' temporary files go: $TMPDIR, else /tmp. */
const char *bb_worker_tmpdir(void);
/* A worker's private copy of a library (diagnose) is a directory in bb_worker_tmpdir() named
 * PREFIX-PID-START-XXXXXX after the worker (pid and start time), so that the copies of killed
 * workers are removed with the job files of killed runs. */
#define BB_WORKER_COPY_PREFIX "blasbench-copy-"

/* Set by --clean-env: workers drop the inherited variables their stack reads before loading
 * it (harness/worker/worker_env.h); 0 keeps them, as the user's programs get them. */
extern int bb_worker_clean_env;

/* Start a worker with argv = {"__worker", args..., NULL} (args NULL-terminated).  The worker
 * is killed (SIGKILL) when this process ends, however it ends (PR_SET_PDEATHSIG, which fires
 * when the calling thread ends: call this from the controller's main thread).
 * Returns 0, or -1 after printing why (fork/pipe failure). */
int bb_worker_start(bb_worker *w, const char *const *args);
/* Read results until the worker ends, or the deadline passes (then SIGKILL), or
 * bb_interrupted is set.  The deadline starts `timeout` seconds from now; a line callback may
 * move it with bb_worker_rearm() (a per-cell timeout restarts at each cell). */
int bb_worker_wait(bb_worker *w, double timeout, bb_worker_line_fn fn, void *ctx, bb_worker_end *end);
void bb_worker_rearm(bb_worker *w, double timeout);

/* Set by the controller's SIGINT/SIGTERM handler (bb_worker_catch_signals()): workers are
 * killed and waits return with end->interrupted. */
extern volatile int bb_interrupted;
void bb_worker_catch_signals(void);

/* Worker side: emit {"type": type, key: value} as one line. */
void bb_worker_emit_pair(const char *type, const char *key, const char *value);
void bb_worker_release(bb_worker *w);

/* "crashed (SIGSEGV)", "hung: killed after 60 s", "exited with status 3" into buf. */
const char *bb_worker_end_describe(const bb_worker_end *end, char *buf, size_t len);
/* The last non-empty line the worker printed (stderr/stdout), or "" (points into w->log). */
const char *bb_worker_last_output(bb_worker *w, char *buf, size_t len);

/* Worker side: the file descriptor results go to (from BLASBENCH_RESULT_FD), -1 if not a worker. */
int bb_worker_result_fd(void);
/* Worker side: write one complete line (a newline is appended) to the result pipe. */
void bb_worker_emit(const char *line, size_t len);

#endif
