/*
 * Worker processes (see worker.h).  The controller polls the result pipe and the log pipe,
 * splits results into lines, and kills the worker's whole process group at the timeout so a
 * hung library with its own threads or children cannot outlive its cell.  A worker also dies
 * with its controller (PR_SET_PDEATHSIG), and job files carry their controller's identity in
 * their names, so the files of a killed run are removed by the next one.
 */
#include "harness/worker/worker.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"
#include "common/number.h"
#include "common/owner.h"

#define RESULT_FD 3
#define LOG_KEEP (64 * 1024)

/* Where job files go: $TMPDIR, else /tmp. */
const char *bb_worker_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	return t && *t ? t : "/tmp";
}

#define JOB_PREFIX "blasbench-job-"

/* Remove a directory of plain files (a worker's private library copy) and the directory. */
static void remove_flat_dir(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	unlinkat(parent, name, AT_REMOVEDIR);
}

/* Remove what killed runs left in the temporary directory: job files whose controller is gone
 * and private library copies (diagnose) whose worker is gone.  Each is named
 * PREFIX-PID-START-XXXXXX after the process that made it (pid and start time, see
 * common/owner.h), so what a killed run left is told from what a live run still needs.
 * Failures are not reported: the files are not this run's. */
static void sweep_jobs(void)
{
	static const char *const prefixes[] = {JOB_PREFIX, BB_WORKER_COPY_PREFIX};
	DIR *d = opendir(bb_worker_tmpdir());
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
			const char *rest = de->d_name + strlen(prefixes[i]);
			long pid;
			unsigned long long start;
			int used = 0;
			if (strncmp(de->d_name, prefixes[i], strlen(prefixes[i])) ||
			    sscanf(rest, "%ld-%llu-%n", &pid, &start, &used) != 2 || !used ||
			    strlen(rest + used) != 6 || bb_proc_start_time((pid_t)pid) == start)
				continue;
			if (i == 0)
				unlinkat(dirfd(d), de->d_name, 0);
			else
				remove_flat_dir(dirfd(d), de->d_name);
		}
	}
	closedir(d);
}

char *bb_worker_job_write(const char *json, size_t len)
{
	static int swept;
	if (!swept) {
		sweep_jobs();
		swept = 1;
	}
	char *path = bb_xasprintf("%s/" JOB_PREFIX "%ld-%llu-XXXXXX", bb_worker_tmpdir(), (long)getpid(),
				  bb_proc_start_time(getpid()));
	int fd = mkstemp(path);
	if (fd < 0) {
		free(path);
		return NULL;
	}
	ssize_t wr = write(fd, json, len);
	if (close(fd) || wr < 0 || (size_t)wr != len) {
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

int bb_worker_clean_env;

int bb_worker_start(bb_worker *w, const char *const *args)
{
	memset(w, 0, sizeof(*w));
	bb_strbuf_init(&w->pending);
	bb_strbuf_init(&w->log);
	int res[2], log[2];
	if (pipe2(res, O_CLOEXEC) < 0)
		return bb_error("cannot create a pipe for a worker: %s", strerror(errno));
	if (pipe2(log, O_CLOEXEC) < 0) {
		close(res[0]);
		close(res[1]);
		return bb_error("cannot create a pipe for a worker: %s", strerror(errno));
	}
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return bb_error("cannot find the blasbench executable: %s", strerror(errno));
	exe[n] = 0;

	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return bb_error("cannot start a worker: %s", strerror(errno));
	if (pid == 0) {
		/* the worker dies with its controller, whatever the controller dies of (kill -9
		 * too): a worker stuck in a library call would otherwise run on, orphaned.  If the
		 * controller died before the prctl, the signal will never come: look. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(127);
		setpgid(0, 0); /* its own group: a timeout kills the library's children too */
		dup2(res[1], RESULT_FD);
		dup2(log[1], STDOUT_FILENO);
		dup2(log[1], STDERR_FILENO);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		setenv("BLASBENCH_RESULT_FD", "3", 1);
		if (bb_worker_clean_env)
			setenv("BLASBENCH_CLEAN_ENV", "1", 1);
		else
			unsetenv("BLASBENCH_CLEAN_ENV");
		unsetenv("BLASBENCH_ENV_DROPPED");
		size_t argc = 0;
		while (args[argc])
			argc++;
		char **argv = calloc(argc + 3, sizeof(char *));
		argv[0] = exe;
		argv[1] = "__worker";
		for (size_t i = 0; i < argc; i++)
			argv[i + 2] = (char *)args[i];
		/* /proc/self/exe is this very program even when its file was replaced or removed
		 * since it started (a rebuild during a run): the run goes on with one version.
		 * The path is the fallback where /proc/self/exe cannot be executed. */
		execv("/proc/self/exe", argv);
		execv(exe, argv);
		_exit(127);
	}
	setpgid(pid, pid);
	close(res[1]);
	close(log[1]);
	w->pid = pid;
	w->result_fd = res[0];
	w->log_fd = log[0];
	return 0;
}

/* Append to the log, keeping only the last LOG_KEEP bytes. */
static void keep_log(bb_worker *w, const char *data, size_t n)
{
	bb_strbuf_add(&w->log, data, n);
	if (w->log.len > 2 * LOG_KEEP) {
		size_t drop = w->log.len - LOG_KEEP;
		memmove(w->log.buf, w->log.buf + drop, LOG_KEEP);
		w->log.len = LOG_KEEP;
		w->log.buf[w->log.len] = 0;
	}
}

/* Split pending into lines; returns non-zero if the callback asked to stop. */
static int deliver_lines(bb_worker *w, bb_worker_line_fn fn, void *ctx)
{
	size_t start = 0;
	int stop = 0;
	for (size_t i = 0; i < w->pending.len && !stop; i++) {
		if (w->pending.buf[i] != '\n')
			continue;
		w->pending.buf[i] = 0;
		if (i > start && fn)
			stop = fn(w->pending.buf + start, i - start, ctx);
		start = i + 1;
	}
	memmove(w->pending.buf, w->pending.buf + start, w->pending.len - start);
	w->pending.len -= start;
	w->pending.buf[w->pending.len] = 0;
	return stop;
}

volatile int bb_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	bb_interrupted = 1;
}

void bb_worker_catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void bb_worker_rearm(bb_worker *w, double timeout) { w->deadline = bb_now() + timeout; }

int bb_worker_wait(bb_worker *w, double timeout, bb_worker_line_fn fn, void *ctx, bb_worker_end *end)
{
	memset(end, 0, sizeof(*end));
	double t0 = bb_now();
	w->deadline = t0 + timeout;
	int open_fds = 2, stop = 0;
	char buf[65536];
	while (open_fds > 0 && !stop) {
		struct pollfd pfd[2] = {{w->result_fd, POLLIN, 0}, {w->log_fd, POLLIN, 0}};
		if (bb_interrupted) {
			end->interrupted = 1;
			break;
		}
		double left = w->deadline - bb_now();
		if (left <= 0) {
			end->timed_out = 1;
			break;
		}
		int ms = left > 1000 ? 1000000 : (int)(left * 1000) + 1;
		int r = poll(pfd, 2, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t got = read(pfd[i].fd, buf, sizeof(buf));
			if (got <= 0) {
				close(pfd[i].fd);
				if (i == 0)
					w->result_fd = -1;
				else
					w->log_fd = -1;
				open_fds--;
				continue;
			}
			if (i == 1) {
				keep_log(w, buf, (size_t)got);
			} else {
				bb_strbuf_add(&w->pending, buf, (size_t)got);
				stop = deliver_lines(w, fn, ctx);
			}
		}
		/* both pipes may stay open in a grandchild; stop when the worker itself is gone */
	}
	if (end->timed_out || end->interrupted || stop)
		kill(-w->pid, SIGKILL);
	int status = 0;
	while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
		;
	/* a last line without newline means the worker died mid-write: it is not delivered */
	kill(-w->pid, SIGKILL); /* whatever the worker left behind in its group */
	end->seconds = bb_now() - t0;
	if (WIFEXITED(status)) {
		end->exited = 1;
		end->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status) && !end->timed_out && !end->interrupted) {
		end->signal = WTERMSIG(status);
	}
	return 0;
}

void bb_worker_release(bb_worker *w)
{
	if (w->result_fd >= 0)
		close(w->result_fd);
	if (w->log_fd >= 0)
		close(w->log_fd);
	bb_strbuf_release(&w->pending);
	bb_strbuf_release(&w->log);
}

const char *bb_worker_end_describe(const bb_worker_end *end, char *buf, size_t len)
{
	if (end->interrupted)
		snprintf(buf, len, "stopped: blasbench was interrupted");
	else if (end->timed_out)
		snprintf(buf, len, "hung: killed after %.0f s", end->seconds);
	else if (end->signal)
		snprintf(buf, len, "crashed (SIG%s)", sigabbrev_np(end->signal) ? sigabbrev_np(end->signal) : "?");
	else if (end->exited && end->exit_code == 127)
		snprintf(buf, len, "could not start (exec failed)");
	else if (end->exited)
		snprintf(buf, len, "exited with status %d", end->exit_code);
	else
		snprintf(buf, len, "ended abnormally");
	return buf;
}

const char *bb_worker_last_output(bb_worker *w, char *buf, size_t len)
{
	buf[0] = 0;
	const char *s = w->log.buf;
	size_t n = w->log.len;
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	size_t start = n;
	while (start && s[start - 1] != '\n')
		start--;
	snprintf(buf, len, "%.*s", (int)(n - start), s + start);
	return buf;
}

int bb_worker_result_fd(void)
{
	const char *s = getenv("BLASBENCH_RESULT_FD");
	long fd;
	char why[128];
	return s && !bb_parse_long(s, strlen(s), 0, INT_MAX, 0, &fd, why, sizeof(why)) ? (int)fd : -1;
}

void bb_worker_emit(const char *line, size_t len)
{
	static int fd = -2;
	if (fd == -2)
		fd = bb_worker_result_fd();
	if (fd < 0)
		fd = STDOUT_FILENO;
	/* one write per line keeps lines whole even if the library's threads also write */
	char *copy = bb_xmalloc(len + 1);
	memcpy(copy, line, len);
	copy[len] = '\n';
	size_t off = 0;
	while (off < len + 1) {
		ssize_t n = write(fd, copy + off, len + 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	free(copy);
}

void bb_worker_emit_pair(const char *type, const char *key, const char *value)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "type", type);
	bb_jw_kv_string(&w, key, value);
	bb_jw_object_end(&w);
	bb_worker_emit(sb.buf, sb.len);
	bb_strbuf_release(&sb);
}
