/*
 * `inspect --pid PID`: what can be read about a running process from outside, without
 * stopping or entering it: the shared objects mapped (/proc/PID/maps), its thread count
 * (/proc/PID/task) and the CPUs it may use (Cpus_allowed_list in /proc/PID/status).  What is
 * only known inside (each library's thread count in effect, its selected kernel as the running
 * copy chose it) is listed under cannot_tell.
 */
#include "harness/inspect/inspect.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "harness/cli/command.h"

void bb_inspect_read_maps(long pid, bb_inspect_result *r);

static int count_cpus(const char *list)
{
	int n = 0;
	for (const char *p = list; *p;) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p)
			break;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		n += (int)(b - a + 1);
		p = *end == ',' ? end + 1 : end;
		if (*end != ',')
			break;
	}
	return n;
}

static void add_cannot(bb_inspect_result *r, const char *s)
{
	r->cannot_tell = bb_xrealloc(r->cannot_tell, (r->n_cannot_tell + 1) * sizeof(char *));
	r->cannot_tell[r->n_cannot_tell++] = bb_xstrdup(s);
}

int bb_inspect_pid(long pid, bb_inspect_result *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/maps", pid);
	if (access(path, F_OK) != 0) {
		snprintf(err, errlen, "no process %ld: %s", pid, strerror(errno));
		return BB_EXIT_NOT_FOUND;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read the libraries of process %ld ('%s'): %s", pid,
		         path, strerror(errno));
		return errno == ENOENT ? BB_EXIT_NOT_FOUND : BB_EXIT_NOT_PERMITTED;
	}
	/* a maps file of another user's process opens but reads empty */
	char probe[8];
	size_t got = fread(probe, 1, sizeof(probe), f);
	fclose(f);
	if (!got) {
		snprintf(err, errlen,
		         "cannot read the libraries of process %ld: '%s' reads empty "
		         "(another user's process, or a zombie)",
		         pid, path);
		return BB_EXIT_NOT_PERMITTED;
	}
	bb_inspect_read_maps(pid, r);
	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	DIR *d = opendir(path);
	for (struct dirent *e; d && (e = readdir(d));)
		r->threads_at_exit += e->d_name[0] != '.';
	if (d)
		closedir(d);
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "r");
	char line[512];
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Cpus_allowed_list:", 18))
			r->cpus_allowed = count_cpus(line + 18 + strspn(line + 18, " \t"));
	if (f)
		fclose(f);
	add_cannot(r,
	           "each library's thread count in effect inside the process (set through its "
	           "API or variables after start-up): the counts shown are what the files do by "
	           "default; run the program under `blasbench inspect -- CMD` for the live values");
	add_cannot(r, "the kernel and threading layer the running copies selected, where the "
	              "environment of the process differs from blasbench's");
	add_cannot(r, "libraries the process loaded and unloaded again before now");
	return 0;
}
