/*
 * gnuplot charts (reports/gnuplot.h), the running half: finding the program, running it on a
 * chart's script as a child process (fork/exec, no shell) with a time limit, and taking the
 * <svg> element out of its output, checked and with its ids made unique in the page.
 * Whatever goes wrong with one chart is returned as a message for that chart, never an exit.
 */
#include "reports/gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/error.h"

#define GP_TIMEOUT_S 30            /* one chart; gnuplot takes ~0.1 s */
#define GP_MAX_OUTPUT (64u << 20)  /* an SVG larger than this is not a chart we asked for */

static int executable_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int bb_gp_available(const char *prog, char *why, size_t whylen)
{
	if (!prog || !*prog) {
		snprintf(why, whylen, "no gnuplot program given (BLASBENCH_GNUPLOT is empty)");
		return 0;
	}
	if (strchr(prog, '/')) {
		struct stat st;
		if (executable_file(prog))
			return 1;
		if (stat(prog, &st))
			snprintf(why, whylen, "'%s': %s", prog, strerror(errno));
		else
			snprintf(why, whylen, "'%s' is not an executable file", prog);
		return 0;
	}
	const char *path = getenv("PATH");
	for (const char *p = path ? path : ""; path;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		char *cand = bb_xasprintf("%.*s/%s", (int)(len ? len : 1), len ? p : ".", prog);
		int ok = executable_file(cand);
		free(cand);
		if (ok)
			return 1;
		if (!colon)
			break;
		p = colon + 1;
	}
	snprintf(why, whylen, "'%s' not found in PATH", prog);
	return 0;
}

/* Read what the child writes to out_fd and err_fd until both close or the deadline passes.
 * Returns 0, or -1 on timeout or when the output grows past GP_MAX_OUTPUT. */
static int drain(int out_fd, int err_fd, bb_strbuf *out, bb_strbuf *errs, double deadline)
{
	struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
	bb_strbuf *bufs[2] = {out, errs};
	int open_fds = 2;
	char buf[65536];
	while (open_fds) {
		int wait_ms = (int)((deadline - bb_now()) * 1000);
		if (wait_ms <= 0)
			return -1;
		int rc = poll(fds, 2, wait_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return -1;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(fds[i].fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				fds[i].fd = -1;
				open_fds--;
				continue;
			}
			if (bufs[i]->len + (size_t)n > GP_MAX_OUTPUT)
				return -1;
			bb_strbuf_add(bufs[i], buf, (size_t)n);
		}
	}
	return 0;
}

/* The line of gnuplot's complaint that says what is wrong ("\"x.gp\" line 5: undefined
 * variable: foo"; it echoes the command and a caret line before it), else its last line. */
static void first_error(const char *s, char *out, size_t len)
{
	const char *pick = "";
	size_t pick_n = 0;
	for (const char *line = s; *line;) {
		size_t n = strcspn(line, "\n");
		char tmp[512];
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(n < sizeof(tmp) ? n : sizeof(tmp) - 1), line);
		if (n) {
			pick = line;
			pick_n = n;
			if (strstr(tmp, " line ") && strchr(tmp, ':'))
				break;
		}
		line += n + (line[n] == '\n');
	}
	snprintf(out, len, "%.*s", (int)(pick_n < 200 ? pick_n : 200), pick);
}

/* Copy one tag of gnuplot's SVG (s[0] == '<', s[len-1] == '>') with its ids and references to
 * ids prefixed; refuse anything that could run in a browser.  Returns 0 or -1. */
static int copy_tag(const char *s, size_t len, const char *prefix, bb_strbuf *out)
{
	size_t i = 1 + (s[1] == '/');
	char name[32];
	size_t nl = 0;
	while (i < len && nl + 1 < sizeof(name) && s[i] != ' ' && s[i] != '>' && s[i] != '/' &&
	       s[i] != '\n' && s[i] != '\t')
		name[nl++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]), i++;
	name[nl] = 0;
	if (!strcmp(name, "script") || !strcmp(name, "foreignobject") || !strcmp(name, "iframe") ||
	    !strcmp(name, "a"))
		return -1;
	char quote = 0;
	for (size_t k = 0; k < len; k++) {
		const char *p = s + k;
		if (quote) {
			if (*p == quote)
				quote = 0;
			else if (!strncmp(p, "url(#", 5)) {
				bb_strbuf_addf(out, "url(#%s", prefix);
				k += 4;
				continue;
			}
			bb_strbuf_addc(out, *p);
			continue;
		}
		int at_name = k > 0 && (p[-1] == ' ' || p[-1] == '\n' || p[-1] == '\t' || p[-1] == ':');
		if (at_name && (p[0] == 'o' || p[0] == 'O') && (p[1] == 'n' || p[1] == 'N'))
			return -1; /* an event handler attribute */
		if (at_name && !strncmp(p, "id=", 3) && (p[3] == '\'' || p[3] == '"')) {
			bb_strbuf_addf(out, "id=%c%s", p[3], prefix);
			k += 3;
			continue;
		}
		if (at_name && !strncmp(p, "href=", 5) && (p[5] == '\'' || p[5] == '"')) {
			if (p[6] != '#')
				return -1; /* only references inside the chart */
			bb_strbuf_addf(out, "href=%c#%s", p[5], prefix);
			k += 6;
			continue;
		}
		if (*p == '\'' || *p == '"')
			quote = *p;
		bb_strbuf_addc(out, *p);
	}
	return 0;
}

/* The <svg> element of gnuplot's output, ids prefixed, checked tag by tag.  gnuplot writes
 * '<' in text as "&lt;", so every '<' starts a tag. */
static int svg_element(const char *doc, const char *prefix, bb_strbuf *out, char *err,
		       size_t errlen)
{
	const char *start = strstr(doc, "<svg"), *end = NULL;
	for (const char *p = start; p && (p = strstr(p, "</svg>")); p++)
		end = p;
	if (!start || !end) {
		snprintf(err, errlen, "gnuplot wrote no SVG");
		return -1;
	}
	end += strlen("</svg>");
	for (const char *p = start; p < end;) {
		if (*p != '<') {
			bb_strbuf_addc(out, *p++);
			continue;
		}
		const char *q = p + 1;
		char quote = 0;
		while (q < end && (quote || *q != '>')) {
			if (quote && *q == quote)
				quote = 0;
			else if (!quote && (*q == '\'' || *q == '"'))
				quote = *q;
			q++;
		}
		if (q >= end || copy_tag(p, (size_t)(q - p) + 1, prefix, out)) {
			snprintf(err, errlen, "gnuplot's SVG holds something other than a drawing");
			return -1;
		}
		p = q + 1;
	}
	return 0;
}

int bb_gp_render_svg(const char *prog, const char *dir, const bb_gp_chart *c,
		     const char *id_prefix, char **svg, char *err, size_t errlen)
{
	int out_pipe[2], err_pipe[2];
	*svg = NULL;
	if (pipe2(out_pipe, O_CLOEXEC))
		return snprintf(err, errlen, "cannot start gnuplot: %s", strerror(errno)), -1;
	if (pipe2(err_pipe, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot start gnuplot: %s", strerror(errno));
		close(out_pipe[0]);
		close(out_pipe[1]);
		return -1;
	}
	char *script = bb_xasprintf("%s/%s.gp", dir, c->name);
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* gnuplot ends with blasbench, however blasbench ends */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(127);
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		dup2(out_pipe[1], 1);
		dup2(err_pipe[1], 2);
		execlp(prog, prog, "-e", "bb_stdout=1", script, (char *)NULL);
		dprintf(2, "cannot run '%s': %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(out_pipe[1]);
	close(err_pipe[1]);
	free(script);
	if (pid < 0) {
		snprintf(err, errlen, "cannot start gnuplot: %s", strerror(errno));
		close(out_pipe[0]);
		close(err_pipe[0]);
		return -1;
	}
	bb_strbuf doc = BB_STRBUF_INIT, errs = BB_STRBUF_INIT;
	int timed_out = drain(out_pipe[0], err_pipe[0], &doc, &errs, bb_now() + GP_TIMEOUT_S);
	if (timed_out)
		kill(pid, SIGKILL);
	close(out_pipe[0]);
	close(err_pipe[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int ret = -1;
	if (timed_out) {
		snprintf(err, errlen, "gnuplot took longer than %d s (or wrote too much)",
			 GP_TIMEOUT_S);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char first[256];
		first_error(errs.buf, first, sizeof(first));
		if (WIFSIGNALED(status))
			snprintf(err, errlen, "gnuplot died of signal %d", WTERMSIG(status));
		else
			snprintf(err, errlen, "gnuplot failed (exit %d)%s%s", WEXITSTATUS(status),
				 *first ? ": " : "", first);
	} else {
		bb_strbuf el = BB_STRBUF_INIT;
		if (svg_element(doc.buf, id_prefix, &el, err, errlen) == 0) {
			*svg = bb_strbuf_detach(&el, NULL);
			ret = 0;
		}
		bb_strbuf_release(&el);
	}
	bb_strbuf_release(&doc);
	bb_strbuf_release(&errs);
	return ret;
}
