/*
 * The host record: everything `blasbench info` says about the machine, stored with every run
 * so results can be traced to the machine that produced them.  CPU, OS, libc, clock, CPU
 * frequency policy, hypervisor, memory, topology (topology.h) and counter availability
 * (counters.h), plus a fingerprint that changes when the machine (or its kernel) does.
 *
 * The measured peak FLOP/s lives in peak.h; callers add it next to the host fields.
 */
#ifndef BB_HARNESS_HOST_HOST_H
#define BB_HARNESS_HOST_HOST_H

#include <stdio.h>

#include "common/json.h"
#include "harness/host/counters.h"
#include "harness/host/limits.h"
#include "harness/host/topology.h"

typedef struct bb_host {
	char hostname[256];
	char os_name[65];         /* uname sysname: "Linux" */
	char os_release[128];     /* uname release: the kernel release, "6.1.0-18-amd64" */
	char kernel_version[256]; /* uname version: "#1 SMP PREEMPT_DYNAMIC Debian ..." */
	char machine[65];         /* uname machine: "x86_64" */
	char libc_version[64];    /* "glibc 2.36" */

	char cpu_model[256];          /* "unknown" if neither source has it */
	const char *cpu_model_source; /* "/proc/cpuinfo", "hwloc" or "none" (static) */
	char cpu_vendor[64];          /* "" if unknown */
	int hypervisor;               /* 1 yes, 0 no, -1 unknown (no cpuinfo flags line) */

	char clocksource[64];       /* current_clocksource, "" if unreadable */
	double clock_resolution_ns; /* clock_getres(CLOCK_MONOTONIC) */
	double clock_cost_ns;       /* one clock_gettime(CLOCK_MONOTONIC) call, best of batches */

	int have_cpufreq; /* /sys/devices/system/cpu/cpu0/cpufreq exists */
	double freq_min_mhz, freq_max_mhz, freq_cur_mhz; /* cpu0; 0 when unreadable */
	char freq_governor[64];
	char freq_driver[64];
	int turbo;          /* 1 on, 0 off, -1 unknown (cpufreq/boost, intel_pstate) */
	double cpuinfo_mhz; /* "cpu MHz" of /proc/cpuinfo, 0 if absent */

	long long memory_bytes; /* sysconf physical pages x page size */

	int have_topology; /* bb_topology_probe() succeeded */
	bb_topology topology;
	int cores;                 /* bb_topology_cores(): hwloc's, else the online CPUs */
	char topology_source[320]; /* where cores came from: "hwloc" or "sysconf (...): why" */
	bb_counters_info counters;
	bb_limits
	    limits; /* what this process may use (affinity, cgroup, THP): not in the fingerprint */

	char fingerprint[17]; /* 16 hex digits of SHA-256(fingerprint_source) */
	char fingerprint_source[512];
} bb_host;

/* Fill h.  Returns 0; -1 after bb_error() only when the topology cannot be read (h is still
 * filled as far as possible and must be released).  Unknown fields are "", 0 or -1 as the
 * field says.  Takes a few milliseconds (clock cost measurement, perf and PAPI probes).
 * Release with bb_host_release(). */
int bb_host_probe(bb_host *h);

/* Write the host fields as members of the JSON object the caller has begun, so the caller can
 * add more members (the peak) before ending it. */
void bb_host_to_json(const bb_host *h, bb_json_writer *w);

/* Human-readable "key: value" sections (CPU, topology, caches, OS, clock, counters), at most
 * 100 columns wide. */
void bb_host_print(const bb_host *h, FILE *out);

void bb_host_release(bb_host *h);

#endif
