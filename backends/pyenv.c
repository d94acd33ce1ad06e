/*
 * Python environments as library locations (pyenv.h).
 */
#include "backends/pyenv.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.h"
#include "common/strbuf.h"

#define MAX_DIRS 32

static char *dirs[MAX_DIRS + 1];
static size_t n_dirs;
static int computed;
static char where[512];

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void add_dir(const char *d)
{
	if (n_dirs >= MAX_DIRS || !is_dir(d))
		return;
	for (size_t i = 0; i < n_dirs; i++)
		if (!strcmp(dirs[i], d))
			return;
	dirs[n_dirs++] = bb_xstrdup(d);
}

/* A prefix's site-packages (lib/python3.X/site-packages, lib64 too), then its lib/. */
static void add_prefix(const char *prefix)
{
	static const char *const patterns[] = {"%s/lib/python3*/site-packages",
					       "%s/lib64/python3*/site-packages"};
	for (size_t i = 0; i < 2; i++) {
		char *pat = bb_xasprintf(patterns[i], prefix);
		glob_t g;
		if (glob(pat, 0, NULL, &g) == 0) {
			for (size_t k = 0; k < g.gl_pathc; k++)
				add_dir(g.gl_pathv[k]);
			globfree(&g);
		}
		free(pat);
	}
	char *lib = bb_xasprintf("%s/lib", prefix);
	add_dir(lib);
	free(lib);
}

static void add_list(const char *list)
{
	while (list && *list) {
		const char *colon = strchr(list, ':');
		size_t len = colon ? (size_t)(colon - list) : strlen(list);
		if (len) {
			char *d = bb_xasprintf("%.*s", (int)len, list);
			add_dir(d);
			free(d);
		}
		list = colon ? colon + 1 : NULL;
	}
}

const char *const *bb_pyenv_dirs(void)
{
	if (computed)
		return (const char *const *)dirs;
	computed = 1;
	const char *given = getenv(BB_PYENV_DIRS_VAR);
	if (given && *given) {
		add_list(given);
		if (!where[0])
			snprintf(where, sizeof(where), "%s=%s", BB_PYENV_DIRS_VAR, given);
		return (const char *const *)dirs;
	}
	const char *venv = getenv("VIRTUAL_ENV"), *conda = getenv("CONDA_PREFIX");
	if (venv && *venv)
		add_prefix(venv);
	if (conda && *conda)
		add_prefix(conda);
	if (venv && *venv && conda && *conda)
		snprintf(where, sizeof(where), "$VIRTUAL_ENV=%s and $CONDA_PREFIX=%s", venv, conda);
	else if ((venv && *venv) || (conda && *conda))
		snprintf(where, sizeof(where), "%s=%s", venv && *venv ? "$VIRTUAL_ENV" : "$CONDA_PREFIX",
			 venv && *venv ? venv : conda);
	else
		snprintf(where, sizeof(where),
			 "no Python environment is active: activate one, or pass --python PATH");
	return (const char *const *)dirs;
}

const char *bb_pyenv_where(void)
{
	bb_pyenv_dirs();
	return where;
}

/* Run `python -c CODE` and capture its standard output; 0 on exit status 0. */
static int ask_python(const char *python, const char *code, bb_strbuf *out, char *err,
		      size_t errlen)
{
	int fd[2];
	if (pipe(fd)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execl(python, python, "-I", "-c", code, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	char buf[4096];
	ssize_t r;
	while ((r = read(fd[0], buf, sizeof(buf))) > 0)
		bb_strbuf_add(out, buf, (size_t)r);
	close(fd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(err, errlen, "--python %s: it did not answer as a Python interpreter (%s %d)",
			 python, WIFEXITED(status) ? "exit status" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	return 0;
}

int bb_pyenv_use_python(const char *python, char *err, size_t errlen)
{
	if (access(python, F_OK)) {
		snprintf(err, errlen, "--python %s: no such file", python);
		return -1;
	}
	if (access(python, X_OK) || is_dir(python)) {
		snprintf(err, errlen, "--python %s: not an executable file", python);
		return -1;
	}
	/* purelib and platlib first (where wheels put their .libs/), then the prefix's lib/ (where
	 * the mkl and intel-openmp wheels put theirs) */
	static const char code[] = "import sys, sysconfig\n"
				   "p = sysconfig.get_paths()\n"
				   "print(p['platlib']); print(p['purelib']); print(sys.prefix + '/lib')\n";
	bb_strbuf out;
	bb_strbuf_init(&out);
	if (ask_python(python, code, &out, err, errlen)) {
		bb_strbuf_release(&out);
		return -1;
	}
	bb_strbuf list;
	bb_strbuf_init(&list);
	for (char *line = out.buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (*line && !strchr(line, ':'))
			bb_strbuf_addf(&list, "%s%s", list.len ? ":" : "", line);
	}
	setenv(BB_PYENV_DIRS_VAR, list.buf, 1);
	for (size_t i = 0; i < n_dirs; i++)
		free(dirs[i]);
	n_dirs = 0;
	computed = 0;
	snprintf(where, sizeof(where), "--python %s", python);
	bb_pyenv_dirs();
	bb_strbuf_release(&list);
	bb_strbuf_release(&out);
	return 0;
}
