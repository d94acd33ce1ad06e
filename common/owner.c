/*
 * Owners of runs and job files (see owner.h): reading /proc/PID/stat and the boot id, and
 * judging whether a recorded owner is still the process that is running under its pid.
 */
#include "common/owner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

unsigned long long bb_proc_start_time(pid_t pid)
{
	char path[64], buf[1024];
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* the command name (field 2) is in parentheses and may hold spaces and ')': the fields
	 * are counted from its last ')' on; field 3 is the state, field 22 the start time */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return 0;
	p += 2;
	if (*p == 'Z' || *p == 'X')
		return 0;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return 0;
		p++;
	}
	return strtoull(p, NULL, 10);
}

static void read_boot_id(char *buf, size_t len)
{
	buf[0] = 0;
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

int bb_owner_self(bb_owner *o)
{
	memset(o, 0, sizeof(*o));
	o->pid = (long)getpid();
	o->start = bb_proc_start_time(getpid());
	read_boot_id(o->boot_id, sizeof(o->boot_id));
	if (gethostname(o->host, sizeof(o->host) - 1))
		o->host[0] = 0;
	return o->start && o->boot_id[0] ? 0 : -1;
}

bb_owner_state bb_owner_check(const bb_owner *o)
{
	bb_owner me;
	bb_owner_self(&me);
	if (o->pid <= 0 || !o->start || !o->boot_id[0] || !me.boot_id[0])
		return BB_OWNER_UNKNOWN;
	if (o->host[0] && strcmp(o->host, me.host))
		return BB_OWNER_UNKNOWN;
	if (strcmp(o->boot_id, me.boot_id))
		return BB_OWNER_GONE; /* this host was rebooted since */
	return bb_proc_start_time((pid_t)o->pid) == o->start ? BB_OWNER_ALIVE : BB_OWNER_GONE;
}
