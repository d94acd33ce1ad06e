/*
 * test_topology_fallback: when hwloc cannot read the topology, the core count falls back to
 * the online CPUs from sysconf and says so, in bb_topology_cores() and in the host record.
 * This program defines hwloc_get_api_version() itself, so harness/host/topology.c linked into
 * it sees an hwloc of another major version and refuses to load the topology, as it would
 * with a mismatched libhwloc.
 */
#include <hwloc.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"
#include "harness/host/host.h"
#include "harness/host/topology.h"
#include "tests/test_util.h"

unsigned hwloc_get_api_version(void)
{
	return (HWLOC_API_VERSION & 0xffff0000u) + 0x10000u; /* the next major version */
}

int main(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	char source[320];
	bb_topology t;

	BB_CHECK_INT(bb_topology_probe(&t), -1); /* says why on stderr */
	BB_CHECK_INT(t.cores, 0);
	BB_CHECK_INT(bb_topology_cores(source, sizeof(source)), online > 0 ? online : 1);
	printf("source: %s\n", source);
	const char *want = "sysconf (online CPUs): cannot read the machine topology: hwloc library "
	                   "is version ";
	BB_CHECK(strncmp(source, want, strlen(want)) == 0);

	/* the host record: no topology, and the cores it has said with their source */
	bb_host h;
	BB_CHECK_INT(bb_host_probe(&h), -1);
	BB_CHECK_INT(h.have_topology, 0);
	BB_CHECK_STR(h.topology_source, source);
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	char err[128];
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_host_to_json(&h, &w);
	bb_jw_object_end(&w);
	bb_json *v = bb_json_parse(sb.buf, sb.len, err, sizeof(err));
	BB_CHECK(v != NULL);
	BB_CHECK(bb_json_get(v, "topology") != NULL &&
	         bb_json_get(v, "topology")->type == BB_JSON_NULL);
	BB_CHECK_STR(bb_json_str(bb_json_get(v, "topology_source"), NULL), source);
	BB_CHECK_INT(bb_json_int(bb_json_get(v, "cores"), -1), online > 0 ? online : 1);
	bb_json_free(v);
	bb_strbuf_release(&sb);
	bb_host_release(&h);
	return bb_test_done();
}
