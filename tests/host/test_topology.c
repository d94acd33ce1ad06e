/*
 * test_topology: the hwloc probe gives plausible counts and caches, agrees with the kernel on
 * the number of hardware threads, serialises to valid JSON, and pinning really pins.
 */
#include <sched.h>
#include <unistd.h>

#include "common/json.h"
#include "harness/host/topology.h"
#include "tests/test_util.h"

static int is_pow2(long long v)
{
	return v > 0 && (v & (v - 1)) == 0;
}

static void check_cache(const char *name, const bb_cache_level *c, int cores)
{
	if (!c->count) { /* the contract: a level hwloc does not report is all zero */
		printf("%s: not reported\n", name);
		BB_CHECK(c->size == 0 && c->line_size == 0 && c->cores_sharing == 0);
		return;
	}
	printf("%s: %lld bytes x %d, line %d, %d cores sharing\n", name, c->size, c->count,
	       c->line_size, c->cores_sharing);
	BB_CHECK(c->size >= 1024);
	BB_CHECK(c->size <= (4LL << 30));
	BB_CHECK(c->count >= 1 && c->count <= cores);
	BB_CHECK(c->cores_sharing >= 1 && c->cores_sharing <= cores);
	BB_CHECK(c->line_size == 0 ||
	         (is_pow2(c->line_size) && c->line_size >= 16 && c->line_size <= 256));
}

static int affinity_count(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return -1;
	return CPU_COUNT(&set);
}

static void check_binding(const bb_topology *t)
{
	cpu_set_t saved, now;

	if (t->cores < 1) /* main's check on the count failed already; nothing to bind to */
		return;
	BB_CHECK(sched_getaffinity(0, sizeof(saved), &saved) == 0);
	BB_CHECK_INT(bb_topology_bind_thread_to_core(t->cores - 1), 0);
	BB_CHECK(sched_getaffinity(0, sizeof(now), &now) == 0);
	/* One core: as many PUs as that core has, at least one. */
	BB_CHECK(CPU_COUNT(&now) >= 1);
	BB_CHECK(CPU_COUNT(&now) <= t->pus / t->cores + (t->pus % t->cores != 0));

	/* Out of range fails with a message, and changes nothing. */
	BB_CHECK_INT(bb_topology_bind_thread_to_core(t->cores), -1);
	BB_CHECK_INT(bb_topology_bind_thread_to_core(-1), -1);
	sched_setaffinity(0, sizeof(saved), &saved);
}

static void check_json(const bb_topology *t)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	char err[128];

	bb_jw_init(&w, &sb, 0);
	bb_topology_to_json(t, &w);
	bb_json *v = bb_json_parse(sb.buf, sb.len, err, sizeof(err));
	BB_CHECK(v != NULL);
	if (!v)
		fprintf(stderr, "bad JSON (%s): %s\n", err, sb.buf);
	BB_CHECK_INT(bb_json_int(bb_json_get(v, "cores"), -1), t->cores);
	BB_CHECK_INT(bb_json_int(bb_json_get(v, "pus"), -1), t->pus);
	BB_CHECK_STR(bb_json_str(bb_json_get(v, "cpu_model"), NULL), t->cpu_model);
	/* each cache level: its size, or null when hwloc does not report it */
	const char *keys[] = {"l1d", "l2", "l3"};
	const bb_cache_level *levels[] = {&t->l1d, &t->l2, &t->l3};
	for (int i = 0; i < 3; i++) {
		const bb_json *c = bb_json_get(v, keys[i]);
		BB_CHECK(c != NULL);
		if (levels[i]->count)
			BB_CHECK_INT(bb_json_int(bb_json_get(c, "size_bytes"), -1), levels[i]->size);
		else
			BB_CHECK(c && c->type == BB_JSON_NULL);
	}
	bb_json_free(v);
	bb_strbuf_release(&sb);
}

int main(void)
{
	bb_topology t;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int allowed = affinity_count();

	BB_CHECK_INT(bb_topology_probe(&t), 0);
	printf("packages %d, cores %d, PUs %d, NUMA nodes %d, model \"%s\", online %ld, "
	       "allowed %d\n",
	       t.packages, t.cores, t.pus, t.numa_nodes, t.cpu_model, online, allowed);
	BB_CHECK(t.packages >= 1);
	BB_CHECK(t.cores >= 1);
	BB_CHECK(t.cores <= t.pus);
	BB_CHECK(t.numa_nodes >= 1);
	/* hwloc counts the PUs this process may use: all online ones, unless a cpuset cgroup
	 * (a container) restricts them, and then the affinity mask says the same. */
	BB_CHECK(t.pus == online || t.pus == allowed);

	check_cache("L1d", &t.l1d, t.cores);
	check_cache("L2", &t.l2, t.cores);
	check_cache("L3", &t.l3, t.cores);
	if (t.l1d.count && t.l2.count)
		BB_CHECK(t.l1d.size <= t.l2.size);
	if (t.l2.count && t.l3.count)
		BB_CHECK(t.l2.size <= t.l3.size);
	if (t.l1d.count && t.l3.count)
		BB_CHECK(t.l1d.size <= t.l3.size);
	BB_CHECK(t.l1d_per_core <= t.l1d.size);
	BB_CHECK(t.l2_per_core <= t.l2.size);
	BB_CHECK(t.l3_shared == t.l3.size);
	BB_CHECK(t.l1d.count ? t.l1d_per_core > 0 : t.l1d_per_core == 0);

	/* the core count the engine uses is hwloc's, and says so */
	char source[320];
	BB_CHECK_INT(bb_topology_cores(source, sizeof(source)), t.cores);
	BB_CHECK_STR(source, "hwloc");

	check_json(&t);
	check_binding(&t);
	return bb_test_done();
}
