/*
 * Running CMD under inspection (bb_inspect_launch): CMD gets the probe library
 * (libblasbench-inspect.so, next to the blasbench executable) through LD_PRELOAD and an
 * unlinked temporary file on an inherited descriptor to write its record to; the probe removes
 * both from the environment before CMD's own code runs (inspect_probe.c).  While CMD runs,
 * blasbench reads /proc/PID/maps every 25 ms, so a CMD that crashes or leaves through _exit()
 * still shows what it had loaded.  CMD's standard streams are blasbench's; its exit code or
 * signal is returned in the result.
 */
#include "harness/inspect/inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"
#include "harness/cli/command.h"

extern char **environ;

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One object per file: the loader's name ("numpy/_core/../../numpy.libs/...") and the maps
 * name of one file are both resolved to its real path. */
static bb_inspect_object *object_for(bb_inspect_result *r, const char *name)
{
	char real[PATH_MAX];
	const char *path = realpath(name, real) ? real : name;
	for (size_t i = 0; i < r->n_objects; i++)
		if (!strcmp(r->objects[i].path, path))
			return &r->objects[i];
	r->objects = bb_xrealloc(r->objects, (r->n_objects + 1) * sizeof(*r->objects));
	bb_inspect_object *o = &r->objects[r->n_objects++];
	memset(o, 0, sizeof(*o));
	o->path = bb_xstrdup(path);
	return o;
}

/* Shared objects mapped executable in /proc/PID/maps (files only, no [vdso]). */
void bb_inspect_read_maps(long pid, bb_inspect_result *r);
void bb_inspect_read_maps(long pid, bb_inspect_result *r)
{
	char path[64], line[PATH_MAX + 256];
	snprintf(path, sizeof(path), "/proc/%ld/maps", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char perms[8];
		int off = 0;
		if (sscanf(line, "%*s %7s %*s %*s %*s %n", perms, &off) < 1 || !off ||
		    perms[2] != 'x')
			continue;
		char *file = line + off;
		file[strcspn(file, "\n")] = 0;
		if (file[0] != '/' || !strstr(file, ".so"))
			continue;
		object_for(r, file);
	}
	fclose(f);
}

static void parse_record(int fd, bb_inspect_result *r)
{
	off_t len = lseek(fd, 0, SEEK_END);
	if (len <= 0)
		return;
	char *text = bb_xmalloc((size_t)len + 1);
	ssize_t got = pread(fd, text, (size_t)len, 0);
	text[got > 0 ? got : 0] = 0;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = {0};
		int n = 0;
		for (char *p = line; n < 4; n++) {
			f[n] = p;
			p = n < 3 ? strchr(p, '\t') : NULL;
			if (!p)
				break;
			*p++ = 0;
		}
		if (!strcmp(f[0], "start") && f[1]) {
			object_for(r, f[1]);
		} else if (!strcmp(f[0], "obj") && f[1]) {
			object_for(r, f[1])->seen_in_process = 1;
		} else if (!strcmp(f[0], "get") && f[1] && f[2] && f[3]) {
			bb_inspect_object *o = object_for(r, f[1]);
			o->values = bb_xrealloc(o->values, (o->n_values + 1) * sizeof(*o->values));
			o->values[o->n_values].key = bb_xstrdup(f[2]);
			o->values[o->n_values++].value = bb_xstrdup(f[3]);
		} else if (!strcmp(f[0], "proc") && f[1] && f[2]) {
			if (!strcmp(f[1], "threads_at_exit"))
				r->threads_at_exit = atoi(f[2]);
			else if (!strcmp(f[1], "cpus_allowed"))
				r->cpus_allowed = atoi(f[2]);
			else if (!strcmp(f[1], "exe") && !r->probe_exe)
				r->probe_exe = bb_xstrdup(f[2]);
			else if (!strcmp(f[1], "done"))
				r->probe_ran = 1;
		}
	}
	free(text);
}

/* argv[0] as execvp would find it; 0, or an exit code with the reason. */
static int resolve(const char *cmd, char *out, size_t outlen, char *err, size_t errlen)
{
	struct stat st;
	if (strchr(cmd, '/')) {
		snprintf(out, outlen, "%s", cmd);
	} else {
		const char *path = getenv("PATH");
		int found = 0;
		for (const char *p = path ? path : "/usr/bin:/bin"; !found && *p;) {
			size_t n = strcspn(p, ":");
			snprintf(out, outlen, "%.*s%s%s", (int)n, p, n ? "/" : "", cmd);
			found = stat(out, &st) == 0 && S_ISREG(st.st_mode);
			p += n + (p[n] == ':');
		}
		if (!found) {
			snprintf(err, errlen, "cannot run '%s': command not found in PATH", cmd);
			return BB_EXIT_NOT_FOUND;
		}
	}
	if (stat(out, &st) != 0) {
		snprintf(err, errlen, "cannot run '%s': %s", cmd, strerror(errno));
		return errno == ENOENT || errno == ENOTDIR ? BB_EXIT_NOT_FOUND
		                                           : BB_EXIT_NOT_PERMITTED;
	}
	if (!S_ISREG(st.st_mode) || access(out, X_OK) != 0) {
		snprintf(err, errlen, "cannot run '%s': %s", cmd,
		         S_ISDIR(st.st_mode) ? "a directory" : "not executable");
		return BB_EXIT_NOT_PERMITTED;
	}
	return 0;
}

static char *probe_library(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	*slash = 0;
	return bb_xasprintf("%s/libblasbench-inspect.so", exe);
}

/* CMD's environment: the caller's, with the probe put first in LD_PRELOAD and what the probe
 * needs to undo that. */
static char **child_env(const char *probe, int fd)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = bb_xcalloc(n + 4, sizeof(char *));
	size_t k = 0;
	const char *user = getenv("LD_PRELOAD");
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) &&
		    strncmp(environ[i], "BLASBENCH_INSPECT_", 18))
			env[k++] = environ[i];
	env[k++] = user ? bb_xasprintf("LD_PRELOAD=%s:%s", probe, user)
	                : bb_xasprintf("LD_PRELOAD=%s", probe);
	env[k++] = bb_xasprintf("BLASBENCH_INSPECT_FD=%d", fd);
	if (user)
		env[k++] = bb_xasprintf("BLASBENCH_INSPECT_PRELOAD=%s", user);
	return env;
}

int bb_inspect_launch(char *const argv[], bb_inspect_result *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	char exe[PATH_MAX];
	int rc = resolve(argv[0], exe, sizeof(exe), err, errlen);
	if (rc)
		return rc;
	char *probe = probe_library();
	if (!probe || access(probe, R_OK) != 0) {
		snprintf(err, errlen, "cannot find the probe library '%s': %s", probe ? probe : "?",
		         strerror(errno));
		free(probe);
		return BB_EXIT_INTERNAL;
	}
	const char *tmpdir = getenv("TMPDIR");
	char *tmpl =
	    bb_xasprintf("%s/blasbench-inspect-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd >= 0)
		unlink(tmpl);
	free(tmpl);
	int errpipe[2];
	if (fd < 0 || pipe2(errpipe, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot create the record file: %s", strerror(errno));
		free(probe);
		if (fd >= 0)
			close(fd);
		return BB_EXIT_INTERNAL;
	}
	char **env = child_env(probe, fd);
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	fflush(NULL);
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		fcntl(fd, F_SETFD, 0);
		execve(exe, argv, env);
		int e = errno;
		ssize_t w = write(errpipe[1], &e, sizeof(e));
		(void)w;
		_exit(127);
	}
	close(errpipe[1]);
	for (size_t i = 0; env[i]; i++)
		if (!strncmp(env[i], "LD_PRELOAD=", 11) ||
		    !strncmp(env[i], "BLASBENCH_INSPECT_", 18))
			free(env[i]);
	free(env);
	free(probe);
	if (pid < 0) {
		snprintf(err, errlen, "cannot start '%s': %s", argv[0], strerror(errno));
		close(fd);
		close(errpipe[0]);
		return BB_EXIT_INTERNAL;
	}
	int status = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		bb_inspect_read_maps(pid, r);
		char exe_link[64], exe[PATH_MAX];
		snprintf(exe_link, sizeof(exe_link), "/proc/%ld/exe", (long)pid);
		ssize_t n = readlink(exe_link, exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = 0;
			if (!r->last_exe || strcmp(r->last_exe, exe)) {
				free(r->last_exe);
				r->last_exe = bb_xstrdup(exe);
			}
		}
		nanosleep(&(struct timespec){0, 25 * 1000000L}, NULL);
	}
	r->wall_ms = now_ms() - t0;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	int exec_errno = 0;
	if (read(errpipe[0], &exec_errno, sizeof(exec_errno)) == (ssize_t)sizeof(exec_errno)) {
		close(errpipe[0]);
		close(fd);
		snprintf(err, errlen, "cannot run '%s': %s", argv[0], strerror(exec_errno));
		return exec_errno == ENOENT ? BB_EXIT_NOT_FOUND : BB_EXIT_NOT_PERMITTED;
	}
	close(errpipe[0]);
	parse_record(fd, r);
	close(fd);
	if (WIFSIGNALED(status)) {
		r->signal = WTERMSIG(status);
		r->exit_code = -1;
	} else {
		r->exit_code = WEXITSTATUS(status);
	}
	return 0;
}

const char *bb_inspect_value_of(const bb_inspect_object *o, const char *key)
{
	for (size_t i = 0; i < o->n_values; i++)
		if (!strcmp(o->values[i].key, key))
			return o->values[i].value;
	return NULL;
}

void bb_inspect_result_release(bb_inspect_result *r)
{
	for (size_t i = 0; i < r->n_objects; i++) {
		for (size_t k = 0; k < r->objects[i].n_values; k++) {
			free(r->objects[i].values[k].key);
			free(r->objects[i].values[k].value);
		}
		free(r->objects[i].values);
		free(r->objects[i].path);
	}
	free(r->objects);
	free(r->probe_exe);
	free(r->last_exe);
	for (size_t i = 0; i < r->n_cannot_tell; i++)
		free(r->cannot_tell[i]);
	free(r->cannot_tell);
	memset(r, 0, sizeof(*r));
}
