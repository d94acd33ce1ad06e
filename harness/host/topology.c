/*
 * Topology probe and thread pinning on top of hwloc (see topology.h).
 *
 * The hwloc topology is loaded once per process (pthread_once) because loading costs a few
 * milliseconds and pinning happens in every worker thread of every cell.  A loaded topology
 * may be used from several threads at once as long as nobody modifies it; we never do.
 */
#include "harness/host/topology.h"

#include <errno.h>
#include <hwloc.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"

static pthread_once_t topo_once = PTHREAD_ONCE_INIT;
static hwloc_topology_t topo;  /* NULL if loading failed */
static char topo_failure[256]; /* why, when topo is NULL */

static void topo_load(void)
{
	hwloc_topology_t t;
	unsigned runtime = hwloc_get_api_version();

	/* hwloc keeps its ABI within a major version; a mismatch would misread every field. */
	if ((runtime >> 16) != (HWLOC_API_VERSION >> 16)) {
		snprintf(topo_failure, sizeof(topo_failure),
		         "hwloc library is version %u.%u but blasbench was built for %u.%u",
		         runtime >> 16, (runtime >> 8) & 0xff, HWLOC_API_VERSION >> 16,
		         (HWLOC_API_VERSION >> 8) & 0xff);
		return;
	}
	if (hwloc_topology_init(&t) < 0) {
		snprintf(topo_failure, sizeof(topo_failure), "hwloc_topology_init: %s",
		         strerror(errno));
		return;
	}
	/* PCI and OS devices are not needed and make loading several times slower. */
	hwloc_topology_set_io_types_filter(t, HWLOC_TYPE_FILTER_KEEP_NONE);
	if (hwloc_topology_load(t) < 0) {
		snprintf(topo_failure, sizeof(topo_failure), "hwloc_topology_load: %s",
		         strerror(errno));
		hwloc_topology_destroy(t);
		return;
	}
	topo = t;
}

/* The shared topology, or NULL after bb_error() with the reason it could not be loaded. */
static hwloc_topology_t topo_get(void)
{
	pthread_once(&topo_once, topo_load);
	if (!topo)
		bb_error("cannot read the machine topology: %s", topo_failure);
	return topo;
}

int bb_topology_cores(char *source, size_t len)
{
	pthread_once(&topo_once, topo_load);
	int cores = topo ? hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE) : 0;
	if (cores > 0) {
		if (source)
			snprintf(source, len, "hwloc");
		return cores;
	}
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (source)
		snprintf(source, len, "sysconf (online CPUs): %s%s",
		         topo ? "hwloc reports no cores" : "cannot read the machine topology: ",
		         topo ? "" : topo_failure);
	return n > 0 ? (int)n : 1;
}

static int count_type(hwloc_topology_t t, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(t, type);
	return n > 0 ? n : 0; /* -1 means "at several depths": never for the types we ask */
}

/* Describe one cache level: smallest instance, its line size and the cores beneath it. */
static void probe_cache(hwloc_topology_t t, hwloc_obj_type_t type, bb_cache_level *c)
{
	hwloc_obj_t smallest = NULL;
	hwloc_obj_t o = NULL;

	memset(c, 0, sizeof(*c));
	while ((o = hwloc_get_next_obj_by_type(t, type, o)) != NULL) {
		c->count++;
		if (!smallest || o->attr->cache.size < smallest->attr->cache.size)
			smallest = o;
	}
	if (!smallest)
		return;
	c->size = (long long)smallest->attr->cache.size;
	c->line_size = smallest->attr->cache.linesize > 0 ? smallest->attr->cache.linesize : 0;
	c->cores_sharing =
	    hwloc_get_nbobjs_inside_cpuset_by_type(t, smallest->cpuset, HWLOC_OBJ_CORE);
	if (c->cores_sharing < 1)
		c->cores_sharing = 1;
}

/* Copy an info attribute ("CPUModel") from the first package, or from the machine object on
 * platforms where hwloc puts it there. */
static void copy_info(hwloc_topology_t t, const char *name, char *dst, size_t size)
{
	hwloc_obj_t pkg = hwloc_get_obj_by_type(t, HWLOC_OBJ_PACKAGE, 0);
	const char *v = pkg ? hwloc_obj_get_info_by_name(pkg, name) : NULL;

	if (!v)
		v = hwloc_obj_get_info_by_name(hwloc_get_root_obj(t), name);
	snprintf(dst, size, "%s", v ? v : "");
}

int bb_topology_probe(bb_topology *t)
{
	hwloc_topology_t h;
	unsigned v = hwloc_get_api_version();

	memset(t, 0, sizeof(*t));
	h = topo_get();
	if (!h)
		return -1;
	t->packages = count_type(h, HWLOC_OBJ_PACKAGE);
	t->cores = count_type(h, HWLOC_OBJ_CORE);
	t->pus = count_type(h, HWLOC_OBJ_PU);
	t->numa_nodes = count_type(h, HWLOC_OBJ_NUMANODE);
	probe_cache(h, HWLOC_OBJ_L1CACHE, &t->l1d);
	probe_cache(h, HWLOC_OBJ_L2CACHE, &t->l2);
	probe_cache(h, HWLOC_OBJ_L3CACHE, &t->l3);
	t->l1d_per_core = t->l1d.size / (t->l1d.cores_sharing ? t->l1d.cores_sharing : 1);
	t->l2_per_core = t->l2.size / (t->l2.cores_sharing ? t->l2.cores_sharing : 1);
	t->l3_shared = t->l3.size;
	copy_info(h, "CPUModel", t->cpu_model, sizeof(t->cpu_model));
	copy_info(h, "CPUVendor", t->cpu_vendor, sizeof(t->cpu_vendor));
	snprintf(t->hwloc_api_version, sizeof(t->hwloc_api_version), "%u.%u.%u", v >> 16,
	         (v >> 8) & 0xff, v & 0xff);
	return 0;
}

static void cache_to_json(bb_json_writer *w, const char *key, const bb_cache_level *c)
{
	bb_jw_key(w, key);
	if (!c->count) {
		bb_jw_null(w);
		return;
	}
	bb_jw_object_begin(w);
	bb_jw_kv_int(w, "size_bytes", c->size);
	bb_jw_kv_int(w, "count", c->count);
	bb_jw_kv_int(w, "line_size", c->line_size);
	bb_jw_kv_int(w, "cores_sharing", c->cores_sharing);
	bb_jw_object_end(w);
}

void bb_topology_to_json(const bb_topology *t, bb_json_writer *w)
{
	bb_jw_object_begin(w);
	bb_jw_kv_int(w, "packages", t->packages);
	bb_jw_kv_int(w, "cores", t->cores);
	bb_jw_kv_int(w, "pus", t->pus);
	bb_jw_kv_int(w, "numa_nodes", t->numa_nodes);
	cache_to_json(w, "l1d", &t->l1d);
	cache_to_json(w, "l2", &t->l2);
	cache_to_json(w, "l3", &t->l3);
	bb_jw_kv_int(w, "l1d_per_core_bytes", t->l1d_per_core);
	bb_jw_kv_int(w, "l2_per_core_bytes", t->l2_per_core);
	bb_jw_kv_int(w, "l3_shared_bytes", t->l3_shared);
	bb_jw_kv_string(w, "cpu_model", t->cpu_model);
	bb_jw_kv_string(w, "cpu_vendor", t->cpu_vendor);
	bb_jw_kv_string(w, "hwloc_api_version", t->hwloc_api_version);
	bb_jw_object_end(w);
}

int bb_topology_bind_thread_to_core(int core_index)
{
	hwloc_topology_t h = topo_get();
	hwloc_obj_t core;
	int ncores;

	if (!h)
		return -1;
	ncores = count_type(h, HWLOC_OBJ_CORE);
	core =
	    core_index >= 0 ? hwloc_get_obj_by_type(h, HWLOC_OBJ_CORE, (unsigned)core_index) : NULL;
	if (!core)
		return bb_error("cannot bind thread to core %d: the machine has cores 0..%d",
		                core_index, ncores - 1);
	if (hwloc_set_cpubind(h, core->cpuset, HWLOC_CPUBIND_THREAD) < 0)
		return bb_error("cannot bind thread to core %d: %s", core_index, strerror(errno));
	return 0;
}
