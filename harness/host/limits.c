/*
 * The CPUs and memory this process may use (see limits.h): affinity from sched_getaffinity,
 * the cgroup from /proc/self/cgroup, its hierarchy's mount from /proc/self/mountinfo, the
 * limits from the cgroup's files (v2; v1 controllers when the process has no v2 controllers,
 * as on hybrid hosts), THP from sysfs.  Every source may be missing; the field then stays
 * unknown rather than guessed.
 */
#include "harness/host/limits.h"

#include <ctype.h>
#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/strbuf.h"

#define THP_DIR "/sys/kernel/mm/transparent_hugepage"

/* A small file's first line, trailing whitespace removed; 0, or -1 (buf "") if unreadable. */
static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	buf[0] = '\0';
	if (!f)
		return -1;
	int ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (!ok) {
		buf[0] = '\0';
		return -1;
	}
	size_t n = strlen(buf);
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

int bb_cpulist_count(const char *list)
{
	int count = 0;
	const char *p = list;
	while (*p && !isspace((unsigned char)*p)) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p || a < 0)
			return -1;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a)
				return -1;
			p = end;
		}
		count += (int)(b - a + 1);
		if (*p == ',')
			p++;
		else if (*p && !isspace((unsigned char)*p))
			return -1;
	}
	return count;
}

int bb_limits_parse_cpu_max(const char *text, double *cpus)
{
	char quota[32];
	double period;
	*cpus = 0;
	if (sscanf(text, "%31s %lf", quota, &period) != 2 || period <= 0)
		return -1;
	if (!strcmp(quota, "max"))
		return 0;
	char *end;
	double q = strtod(quota, &end);
	if (*end || q <= 0)
		return -1;
	*cpus = q / period;
	return 0;
}

int bb_limits_parse_memory_max(const char *text, long long *bytes)
{
	*bytes = 0;
	while (isspace((unsigned char)*text))
		text++;
	if (!strncmp(text, "max", 3))
		return 0;
	char *end;
	long long v = strtoll(text, &end, 10);
	if (end == text || v < 0)
		return -1;
	*bytes = v;
	return 0;
}

int bb_limits_parse_mode(const char *text, char *buf, size_t size)
{
	const char *open = strchr(text, '['), *close = open ? strchr(open, ']') : NULL;
	buf[0] = '\0';
	if (!close)
		return -1;
	snprintf(buf, size, "%.*s", (int)(close - open - 1), open + 1);
	return 0;
}

/* "<mount><rel>/<file>", rel "/" or "" meaning the mount itself. */
static void cg_file(char *buf, size_t size, const char *mount, const char *rel, const char *file)
{
	if (!rel || !strcmp(rel, "/"))
		rel = "";
	snprintf(buf, size, "%s%s%s/%s", mount, rel[0] && rel[0] != '/' ? "/" : "", rel, file);
}

/* The parent of a cgroup path in place ("/a/b" -> "/a", "/a" -> ""); 0, or -1 at the top. */
static int cg_parent(char *rel)
{
	char *slash = strrchr(rel, '/');
	if (!rel[0] || !strcmp(rel, "/"))
		return -1;
	if (slash)
		*slash = '\0';
	else
		rel[0] = '\0';
	return 0;
}

/* Walk from the group up to the mount, calling read(value) on each level's file; keep the
 * tightest positive value and the file it came from. */
typedef int (*cg_reader)(const char *path, double *value);

static void cg_tightest(const char *mount, const char *rel, const char *file, cg_reader read,
                        double *best, char *best_file, size_t size)
{
	char r[256], path[512];
	snprintf(r, sizeof(r), "%s", rel ? rel : "");
	do {
		double v;
		cg_file(path, sizeof(path), mount, r, file);
		if (read(path, &v) == 0 && v > 0 && (*best <= 0 || v < *best)) {
			*best = v;
			snprintf(best_file, size, "%s", path);
		}
	} while (cg_parent(r) == 0);
}

static int read_cpu_max(const char *path, double *v)
{
	char buf[128];
	return read_line(path, buf, sizeof(buf)) ? -1 : bb_limits_parse_cpu_max(buf, v);
}

static int read_memory_max(const char *path, double *v)
{
	char buf[64];
	long long b;
	if (read_line(path, buf, sizeof(buf)) || bb_limits_parse_memory_max(buf, &b))
		return -1;
	*v = (double)b;
	return 0;
}

/* v1 cpu.cfs_quota_us next to cpu.cfs_period_us ("-1": no quota). */
static int read_cfs_quota(const char *path, double *v)
{
	char q[64], p[64], ppath[512];
	size_t n = strlen(path) - strlen("quota_us");
	snprintf(ppath, sizeof(ppath), "%.*speriod_us", (int)n, path);
	if (read_line(path, q, sizeof(q)) || read_line(ppath, p, sizeof(p)))
		return -1;
	if (atof(q) <= 0) {
		*v = 0;
		return 0;
	}
	char text[160];
	snprintf(text, sizeof(text), "%s %s", q, p);
	return bb_limits_parse_cpu_max(text, v);
}

/* v1 memory.limit_in_bytes: "no limit" is a huge page-rounded number, not "max". */
static int read_v1_memory(const char *path, double *v)
{
	if (read_memory_max(path, v))
		return -1;
	if (*v >= 0x1p62)
		*v = 0;
	return 0;
}

static void read_cpuset(bb_limits *l, const char *mount, const char *rel, const char *file)
{
	char path[512];
	cg_file(path, sizeof(path), mount, rel, file);
	if (read_line(path, l->cpuset, sizeof(l->cpuset)) == 0 && l->cpuset[0]) {
		int n = bb_cpulist_count(l->cpuset);
		l->cpuset_count = n > 0 ? n : 0;
	} else {
		l->cpuset[0] = '\0';
	}
}

static void set_memory(bb_limits *l, double best)
{
	l->memory_max = best > 0 ? (long long)best : 0;
}

void bb_limits_read_v2(bb_limits *l, const char *mount, const char *rel)
{
	double quota = 0, mem = 0;
	snprintf(l->cgroup, sizeof(l->cgroup), "v2");
	snprintf(l->cgroup_path, sizeof(l->cgroup_path), "%s", rel && rel[0] ? rel : "/");
	cg_tightest(mount, rel, "cpu.max", read_cpu_max, &quota, l->quota_file,
	            sizeof(l->quota_file));
	l->quota_cpus = quota;
	read_cpuset(l, mount, rel, "cpuset.cpus.effective");
	cg_tightest(mount, rel, "memory.max", read_memory_max, &mem, l->memory_file,
	            sizeof(l->memory_file));
	set_memory(l, mem);
}

void bb_limits_read_v1(bb_limits *l, const char *cpu_mount, const char *cpu_rel,
                       const char *cpuset_mount, const char *cpuset_rel, const char *mem_mount,
                       const char *mem_rel)
{
	double quota = 0, mem = 0;
	snprintf(l->cgroup, sizeof(l->cgroup), "v1");
	snprintf(l->cgroup_path, sizeof(l->cgroup_path), "%s",
	         cpu_rel && cpu_rel[0] ? cpu_rel : "/");
	if (cpu_mount)
		cg_tightest(cpu_mount, cpu_rel, "cpu.cfs_quota_us", read_cfs_quota, &quota,
		            l->quota_file, sizeof(l->quota_file));
	l->quota_cpus = quota;
	if (cpuset_mount)
		read_cpuset(l, cpuset_mount, cpuset_rel, "cpuset.effective_cpus");
	if (mem_mount) {
		cg_tightest(mem_mount, mem_rel, "memory.limit_in_bytes", read_v1_memory, &mem,
		            l->memory_file, sizeof(l->memory_file));
		set_memory(l, mem);
	}
}

void bb_limits_finish(bb_limits *l)
{
	int n = l->affinity_count > 0 ? l->affinity_count : l->online;
	if (l->quota_cpus > 0 && (n <= 0 || (int)ceil(l->quota_cpus - 1e-9) < n))
		n = (int)ceil(l->quota_cpus - 1e-9);
	if (l->cpuset_count > 0 && (n <= 0 || l->cpuset_count < n))
		n = l->cpuset_count;
	l->cpus_allowed = n > 0 ? n : 1;
}

static void probe_affinity(bb_limits *l)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	l->affinity_count = CPU_COUNT(&set);
	bb_strbuf sb = BB_STRBUF_INIT;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		int e = c;
		while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, &set))
			e++;
		bb_strbuf_addf(&sb, sb.len ? ",%d" : "%d", c);
		if (e > c)
			bb_strbuf_addf(&sb, "-%d", e);
		c = e;
	}
	snprintf(l->affinity, sizeof(l->affinity), "%s", sb.buf);
	bb_strbuf_release(&sb);
}

/* The process's cgroup per hierarchy, from /proc/self/cgroup ("0::/path" for v2,
 * "4:cpu,cpuacct:/path" for v1). */
typedef struct cg_paths {
	char v2[256], cpu[256], cpuset[256], memory[256];
	int have_v2, have_cpu, have_cpuset, have_memory;
} cg_paths;

static int has_item(const char *list, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && !strncmp(p, item, n))
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

static void read_proc_cgroup(cg_paths *c)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[1024];
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctl = c1 + 1, *path = c2 + 1;
		if (!strcmp(line, "0") && !ctl[0]) {
			snprintf(c->v2, sizeof(c->v2), "%s", path);
			c->have_v2 = 1;
		}
		if (has_item(ctl, "cpu")) {
			snprintf(c->cpu, sizeof(c->cpu), "%s", path);
			c->have_cpu = 1;
		}
		if (has_item(ctl, "cpuset")) {
			snprintf(c->cpuset, sizeof(c->cpuset), "%s", path);
			c->have_cpuset = 1;
		}
		if (has_item(ctl, "memory")) {
			snprintf(c->memory, sizeof(c->memory), "%s", path);
			c->have_memory = 1;
		}
	}
	fclose(f);
}

/* The mount point of the cgroup2 hierarchy (ctl NULL) or of the v1 hierarchy holding ctl, and
 * the mount's root inside the hierarchy (a container sees its own group as "/"). */
static int find_mount(const char *ctl, char *mount, size_t size, char *root, size_t rsize)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[2048];
	int found = 0;
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char r[512], m[512], type[64], opts[512];
		const char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %511s %511s", r, m) != 2 ||
		    sscanf(dash + 3, "%63s %*s %511s", type, opts) != 2)
			continue;
		if (ctl ? !strcmp(type, "cgroup") && has_item(opts, ctl)
		        : !strcmp(type, "cgroup2")) {
			snprintf(mount, size, "%s", m);
			snprintf(root, rsize, "%s", r);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

/* The group's path relative to the mount's root. */
static const char *under_root(const char *path, const char *root)
{
	size_t n = strlen(root);
	if (strcmp(root, "/") && !strncmp(path, root, n) && (path[n] == '/' || !path[n]))
		return path + n;
	return path;
}

/* Does the v2 group (or a parent) have the cpu or memory controller? */
static int v2_has_controllers(const char *mount, const char *rel)
{
	char path[512], buf[512];
	cg_file(path, sizeof(path), mount, rel, "cgroup.controllers");
	return read_line(path, buf, sizeof(buf)) == 0 &&
	       (strstr(buf, "cpu") || strstr(buf, "memory"));
}

void bb_limits_probe(bb_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->memory_max = -1;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	l->online = n > 0 ? (int)n : 0;
	probe_affinity(l);

	cg_paths c = {0};
	read_proc_cgroup(&c);
	char mount[512], root[512];
	if (c.have_v2 && find_mount(NULL, mount, sizeof(mount), root, sizeof(root)) &&
	    (v2_has_controllers(mount, under_root(c.v2, root)) || !c.have_cpu)) {
		bb_limits_read_v2(l, mount, under_root(c.v2, root));
	} else if (c.have_cpu || c.have_cpuset || c.have_memory) {
		char cm[512] = "", cr[512] = "", sm[512] = "", sr[512] = "", mm[512] = "",
		     mr[512] = "";
		int hc = c.have_cpu && find_mount("cpu", cm, sizeof(cm), cr, sizeof(cr));
		int hs = c.have_cpuset && find_mount("cpuset", sm, sizeof(sm), sr, sizeof(sr));
		int hm = c.have_memory && find_mount("memory", mm, sizeof(mm), mr, sizeof(mr));
		bb_limits_read_v1(l, hc ? cm : NULL, under_root(c.cpu, cr), hs ? sm : NULL,
		                  under_root(c.cpuset, sr), hm ? mm : NULL,
		                  under_root(c.memory, mr));
	}

	char buf[128];
	if (read_line(THP_DIR "/enabled", buf, sizeof(buf)) == 0)
		bb_limits_parse_mode(buf, l->thp_enabled, sizeof(l->thp_enabled));
	if (read_line(THP_DIR "/defrag", buf, sizeof(buf)) == 0)
		bb_limits_parse_mode(buf, l->thp_defrag, sizeof(l->thp_defrag));
	bb_limits_finish(l);
}

int bb_cpus_allowed(void)
{
	bb_limits l;
	bb_limits_probe(&l);
	return l.cpus_allowed;
}
