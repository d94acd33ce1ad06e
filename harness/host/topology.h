/*
 * Machine topology from hwloc: packages, cores, hardware threads, NUMA nodes and the data
 * caches, as `blasbench info` reports them and as the GEMM kernels size their blocks from.
 *
 * One hwloc topology is loaded per process, on first use, and shared by the probe and by
 * bb_topology_bind_thread_to_core(); it lives until the process exits.  A bb_topology holds
 * plain values only, so it can be copied and needs no release.
 */
#ifndef BB_HARNESS_HOST_TOPOLOGY_H
#define BB_HARNESS_HOST_TOPOLOGY_H

#include "common/json.h"

/* One level of data (or unified) cache.  All zero when hwloc does not report the level. */
typedef struct bb_cache_level {
	long long size;    /* bytes of one instance; the smallest instance if they differ */
	int count;         /* instances in the machine */
	int line_size;     /* bytes, 0 if unknown */
	int cores_sharing; /* cores under one (the smallest) instance */
} bb_cache_level;

typedef struct bb_topology {
	int packages;
	int cores;
	int pus; /* hardware threads this process may use (hwloc's allowed set) */
	int numa_nodes;
	bb_cache_level l1d, l2, l3;
	/* What one core can count on, for blocksizes: an instance divided by the cores sharing
	 * it.  l3_shared is one whole L3 instance (shared by l3.cores_sharing cores). */
	long long l1d_per_core;
	long long l2_per_core;
	long long l3_shared;
	char cpu_model[128]; /* hwloc "CPUModel" of the first package, "" if absent */
	char cpu_vendor[64]; /* hwloc "CPUVendor", "" if absent */
	char hwloc_api_version[32];
} bb_topology;

/* Fill t from hwloc.  Returns 0, or -1 after bb_error() with hwloc's reason (t is then all
 * zero).  Fields hwloc does not provide are 0 or "". */
int bb_topology_probe(bb_topology *t);

/*
 * The cores this host has, for thread counts ("all") and the peak: hwloc's count, else the
 * online CPUs from sysconf (hardware threads, not cores).  source (len bytes, may be NULL)
 * says which: "hwloc", or "sysconf (online CPUs): cannot read the machine topology: WHY".
 * Never below 1; prints nothing (bb_topology_probe says why hwloc failed).
 */
int bb_topology_cores(char *source, size_t len);

/* Write t as one JSON object value (the caller writes the key, if any). */
void bb_topology_to_json(const bb_topology *t, bb_json_writer *w);

/* Bind the calling thread to the PUs of core core_index (hwloc logical index, 0-based, in
 * the order bb_topology counts cores).  Returns 0, or -1 after bb_error() saying why. */
int bb_topology_bind_thread_to_core(int core_index);

#endif
