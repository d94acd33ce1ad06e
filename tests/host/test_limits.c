/*
 * test_limits: the parsers of the process limits (CPU lists, cgroup cpu.max and memory.max,
 * sysfs mode files) on known values, and the cgroup readers on fixture directories written to
 * a temporary directory (v2: a group under a parent with a tighter quota; v1: cfs quota and
 * period, the huge "no limit" memory value), so no real cgroup is needed.  Ends with the real
 * probe of this process: it must agree with sched_getaffinity.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/host/limits.h"
#include "tests/test_util.h"

static char tmp[] = "/tmp/bb-limits-XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	FILE *f = fopen(path, "w");
	BB_CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void dir(const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	BB_CHECK(mkdir(path, 0700) == 0);
}

static void parsers(void)
{
	double cpus = -1;
	long long bytes = -1;
	char mode[32];

	BB_CHECK_INT(bb_cpulist_count("0-3,8"), 5);
	BB_CHECK_INT(bb_cpulist_count("0"), 1);
	BB_CHECK_INT(bb_cpulist_count("0-1\n"), 2);
	BB_CHECK_INT(bb_cpulist_count(""), 0);
	BB_CHECK_INT(bb_cpulist_count("3-1"), -1);
	BB_CHECK_INT(bb_cpulist_count("a"), -1);

	BB_CHECK_INT(bb_limits_parse_cpu_max("max 100000", &cpus), 0);
	BB_CHECK_NEAR(cpus, 0, 0);
	BB_CHECK_INT(bb_limits_parse_cpu_max("150000 100000\n", &cpus), 0);
	BB_CHECK_NEAR(cpus, 1.5, 1e-12);
	BB_CHECK_INT(bb_limits_parse_cpu_max("50000 100000", &cpus), 0);
	BB_CHECK_NEAR(cpus, 0.5, 1e-12);
	BB_CHECK_INT(bb_limits_parse_cpu_max("garbage", &cpus), -1);

	BB_CHECK_INT(bb_limits_parse_memory_max("max", &bytes), 0);
	BB_CHECK_INT(bytes, 0);
	BB_CHECK_INT(bb_limits_parse_memory_max("1073741824\n", &bytes), 0);
	BB_CHECK_INT(bytes, 1073741824LL);
	BB_CHECK_INT(bb_limits_parse_memory_max("x", &bytes), -1);

	BB_CHECK_INT(bb_limits_parse_mode("always [madvise] never", mode, sizeof(mode)), 0);
	BB_CHECK_STR(mode, "madvise");
	BB_CHECK_INT(
	    bb_limits_parse_mode("always defer defer+madvise [madvise] never", mode, sizeof(mode)),
	    0);
	BB_CHECK_STR(mode, "madvise");
	BB_CHECK_INT(bb_limits_parse_mode("[never]", mode, sizeof(mode)), 0);
	BB_CHECK_STR(mode, "never");
	BB_CHECK_INT(bb_limits_parse_mode("none", mode, sizeof(mode)), -1);
}

/* A v2 group /ci/job under a parent with a quota of 1.5 CPUs; the group's own is "max". */
static void v2(void)
{
	bb_limits l = {0};
	char mount[512];

	dir("v2");
	dir("v2/ci");
	dir("v2/ci/job");
	put("v2/cpu.max", "max 100000\n");
	put("v2/ci/cpu.max", "150000 100000\n");
	put("v2/ci/job/cpu.max", "max 100000\n");
	put("v2/ci/job/cpuset.cpus.effective", "0-3,8\n");
	put("v2/ci/memory.max", "max\n");
	put("v2/ci/job/memory.max", "536870912\n");
	snprintf(mount, sizeof(mount), "%s/v2", tmp);

	l.online = 16;
	l.affinity_count = 16;
	l.memory_max = -1;
	bb_limits_read_v2(&l, mount, "/ci/job");
	bb_limits_finish(&l);
	BB_CHECK_STR(l.cgroup, "v2");
	BB_CHECK_NEAR(l.quota_cpus, 1.5, 1e-12);
	BB_CHECK(strstr(l.quota_file, "/v2/ci/cpu.max") != NULL);
	BB_CHECK_STR(l.cpuset, "0-3,8");
	BB_CHECK_INT(l.cpuset_count, 5);
	BB_CHECK_INT(l.memory_max, 536870912LL);
	BB_CHECK_INT(l.cpus_allowed, 2); /* ceil(1.5) */

	/* no quota anywhere: the cpuset and the affinity decide */
	put("v2/ci/cpu.max", "max 100000\n");
	memset(&l, 0, sizeof(l));
	l.online = 16;
	l.affinity_count = 16;
	bb_limits_read_v2(&l, mount, "/ci/job");
	bb_limits_finish(&l);
	BB_CHECK_NEAR(l.quota_cpus, 0, 0);
	BB_CHECK_INT(l.cpus_allowed, 5);
	l.affinity_count = 1;
	bb_limits_finish(&l);
	BB_CHECK_INT(l.cpus_allowed, 1);
}

static void v1(void)
{
	bb_limits l = {0};
	char cpu[512], mem[512];

	dir("cpu");
	dir("cpu/bb");
	put("cpu/cpu.cfs_quota_us", "-1\n");
	put("cpu/cpu.cfs_period_us", "100000\n");
	put("cpu/bb/cpu.cfs_quota_us", "50000\n");
	put("cpu/bb/cpu.cfs_period_us", "100000\n");
	dir("memory");
	put("memory/memory.limit_in_bytes", "9223372036854771712\n");
	snprintf(cpu, sizeof(cpu), "%s/cpu", tmp);
	snprintf(mem, sizeof(mem), "%s/memory", tmp);

	l.online = 2;
	l.affinity_count = 2;
	bb_limits_read_v1(&l, cpu, "/bb", NULL, NULL, mem, "/");
	bb_limits_finish(&l);
	BB_CHECK_STR(l.cgroup, "v1");
	BB_CHECK_NEAR(l.quota_cpus, 0.5, 1e-12);
	BB_CHECK_INT(l.memory_max, 0); /* the huge value means no limit */
	BB_CHECK_INT(l.cpus_allowed, 1);
}

/* JSON round trip and the summary line. */
static void json(void)
{
	bb_limits l = {.online = 2,
	               .affinity_count = 1,
	               .quota_cpus = 0.5,
	               .memory_max = 0,
	               .cpus_allowed = 1};
	snprintf(l.affinity, sizeof(l.affinity), "0");
	snprintf(l.cgroup, sizeof(l.cgroup), "v2");
	snprintf(l.thp_enabled, sizeof(l.thp_enabled), "madvise");
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	char err[128], line[256];
	bb_jw_init(&w, &sb, 0);
	bb_limits_to_json(&l, &w);
	bb_json *v = bb_json_parse(sb.buf, sb.len, err, sizeof(err));
	BB_CHECK(v != NULL);
	bb_limits back;
	bb_limits_from_json(v, &back);
	BB_CHECK_INT(back.cpus_allowed, 1);
	BB_CHECK_INT(back.affinity_count, 1);
	BB_CHECK_STR(back.affinity, "0");
	BB_CHECK_NEAR(back.quota_cpus, 0.5, 1e-12);
	BB_CHECK_INT(back.memory_max, 0);
	BB_CHECK_STR(back.thp_enabled, "madvise");
	bb_limits_summary(&back, line, sizeof(line));
	printf("summary: %s\n", line);
	BB_CHECK(strstr(line, "1 of 2 online (affinity 0; cgroup v2 CPU quota 0.5") == line);
	bb_json_free(v);
	bb_strbuf_release(&sb);
}

static void real(void)
{
	bb_limits l;
	cpu_set_t set;
	char line[512];
	bb_limits_probe(&l);
	BB_CHECK(sched_getaffinity(0, sizeof(set), &set) == 0);
	BB_CHECK_INT(l.affinity_count, CPU_COUNT(&set));
	BB_CHECK(l.cpus_allowed >= 1 && l.cpus_allowed <= CPU_COUNT(&set));
	BB_CHECK_INT(bb_cpus_allowed(), l.cpus_allowed);
	printf("this process: %s\n", bb_limits_summary(&l, line, sizeof(line)));
}

int main(void)
{
	BB_CHECK(mkdtemp(tmp) != NULL);
	parsers();
	v2();
	v1();
	json();
	real();
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: cannot remove '%s'\n", tmp);
	return bb_test_done();
}
