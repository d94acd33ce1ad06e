/*
 * The CPUs and memory this process may really use, which can be far less than the host has:
 * the affinity mask (taskset, numactl, Slurm), the cgroup CPU quota and cpuset (containers, CI
 * runners), the cgroup memory limit, and the transparent huge pages mode.  A BLAS that sizes
 * its thread pool from the host's CPU count oversubscribes a container sized below the host;
 * the record says so.  `info`, `list`, `run`/`suite` and the backend records show it, and
 * compare names a difference between two runs.
 *
 * The parsers take file contents, so they are tested on fixtures without a real cgroup.
 */
#ifndef BB_HARNESS_HOST_LIMITS_H
#define BB_HARNESS_HOST_LIMITS_H

#include <stdio.h>

#include "common/json.h"

typedef struct bb_limits {
	int online;            /* sysconf(_SC_NPROCESSORS_ONLN), 0 unknown */
	int affinity_count;    /* CPUs in sched_getaffinity's mask, 0 unknown */
	char affinity[256];    /* that mask as a list, "0-1"; "" unknown */
	char cgroup[8];        /* "v2", "v1" or "" (no cgroup file found) */
	char cgroup_path[256]; /* the process's cgroup, "/user.slice/..." */
	double quota_cpus;     /* CPU quota as CPUs (quota / period); 0 none */
	char quota_file[640];  /* the file that set it; "" when none */
	char cpuset[256];      /* cpuset.cpus.effective (v1: cpuset.effective_cpus); "" unknown */
	int cpuset_count;      /* CPUs in it, 0 unknown */
	long long memory_max;  /* bytes; 0 no limit ("max"); -1 unknown */
	char memory_file[640]; /* the file that set it; "" when none */
	char thp_enabled[32];  /* transparent_hugepage/enabled: "always", "madvise", "never"; ""
	                          unknown */
	char thp_defrag[32];   /* transparent_hugepage/defrag, the bracketed mode; "" unknown */
	int cpus_allowed; /* the CPUs this process may use: min(affinity, ceil(quota), cpuset) */
} bb_limits;

/* Fill l from this process: sched_getaffinity, /proc/self/cgroup and /proc/self/mountinfo
 * (cgroup v2, else the v1 cpu, cpuset and memory controllers), sysfs THP.  Never fails: what
 * cannot be read stays unknown.  cpus_allowed is at least 1. */
void bb_limits_probe(bb_limits *l);

/* The CPUs this process may use (bb_limits_probe()'s cpus_allowed): what "all" threads means. */
int bb_cpus_allowed(void);

/* ---- parsers (file contents in, values out), used by the probe and the unit test ---------- */

/* CPUs in a kernel CPU list ("0-3,8" -> 5, "" -> 0); -1 if malformed. */
int bb_cpulist_count(const char *list);
/* cgroup v2 cpu.max ("max 100000" -> 0, "150000 100000" -> 1.5) into *cpus; 0, or -1 if
 * malformed. */
int bb_limits_parse_cpu_max(const char *text, double *cpus);
/* cgroup v2 memory.max ("max" -> 0, "1073741824" -> bytes) into *bytes; 0, or -1 if malformed. */
int bb_limits_parse_memory_max(const char *text, long long *bytes);
/* The bracketed word of a sysfs mode file ("always [madvise] never" -> "madvise") into buf;
 * 0, or -1 (buf "") when there is none. */
int bb_limits_parse_mode(const char *text, char *buf, size_t size);

/* Read the cgroup v2 files of the group `rel` under the hierarchy mounted at `mount`: cpu.max
 * and memory.max of the group and of each parent up to the mount (the tightest wins), and the
 * group's cpuset.cpus.effective.  v1: the same from cpu.cfs_quota_us / cpu.cfs_period_us,
 * memory.limit_in_bytes and cpuset.effective_cpus, each under its controller's mount (NULL:
 * not mounted).  Then compute cpus_allowed.  Used by bb_limits_probe() and by the unit test
 * on fixture directories. */
void bb_limits_read_v2(bb_limits *l, const char *mount, const char *rel);
void bb_limits_read_v1(bb_limits *l, const char *cpu_mount, const char *cpu_rel,
                       const char *cpuset_mount, const char *cpuset_rel, const char *mem_mount,
                       const char *mem_rel);
void bb_limits_finish(bb_limits *l);

/* ---- output (limits_json.c) ---------------------------------------------------------- */

/* Write l as one JSON object. */
void bb_limits_to_json(const bb_limits *l, bb_json_writer *w);
/* Read back what bb_limits_to_json() wrote (v may be NULL: all unknown, cpus_allowed 0). */
void bb_limits_from_json(const bb_json *v, bb_limits *l);
/* "1 of 2 online (affinity 0; cgroup v1 CPU quota 0.5)" into buf.  Returns buf. */
char *bb_limits_summary(const bb_limits *l, char *buf, size_t size);

#endif
