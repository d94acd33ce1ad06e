/*
 * The process limits (limits.h) as JSON, read back from JSON (compare, reports), and as the
 * one-line summary `list`, `run` and `diagnose` print.
 */
#include "harness/host/limits.h"

#include <string.h>

#include "common/strbuf.h"

static void kv_text(bb_json_writer *w, const char *key, const char *s)
{
	bb_jw_kv_string(w, key, s[0] ? s : NULL);
}

void bb_limits_to_json(const bb_limits *l, bb_json_writer *w)
{
	bb_jw_object_begin(w);
	bb_jw_kv_int(w, "cpus_allowed", l->cpus_allowed);
	bb_jw_kv_int(w, "online_cpus", l->online);
	bb_jw_key(w, "affinity");
	bb_jw_object_begin(w);
	bb_jw_kv_int(w, "count", l->affinity_count);
	kv_text(w, "list", l->affinity);
	bb_jw_object_end(w);
	kv_text(w, "cgroup", l->cgroup);
	kv_text(w, "cgroup_path", l->cgroup_path);
	bb_jw_key(w, "cpu_quota"); /* CPUs; null: no quota */
	if (l->quota_cpus > 0)
		bb_jw_double(w, l->quota_cpus);
	else
		bb_jw_null(w);
	kv_text(w, "cpu_quota_file", l->quota_file);
	kv_text(w, "cpuset", l->cpuset);
	bb_jw_key(w, "memory_max"); /* bytes, "max" (no limit) or null (unknown) */
	if (l->memory_max > 0)
		bb_jw_int(w, l->memory_max);
	else if (l->memory_max == 0)
		bb_jw_string(w, "max");
	else
		bb_jw_null(w);
	kv_text(w, "memory_max_file", l->memory_file);
	bb_jw_key(w, "thp");
	bb_jw_object_begin(w);
	kv_text(w, "enabled", l->thp_enabled);
	kv_text(w, "defrag", l->thp_defrag);
	bb_jw_object_end(w);
	bb_jw_object_end(w);
}

static void copy_str(char *dst, size_t size, const bb_json *v)
{
	snprintf(dst, size, "%s", bb_json_str(v, ""));
}

void bb_limits_from_json(const bb_json *v, bb_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->memory_max = -1;
	if (!v)
		return;
	l->cpus_allowed = (int)bb_json_int(bb_json_get(v, "cpus_allowed"), 0);
	l->online = (int)bb_json_int(bb_json_get(v, "online_cpus"), 0);
	const bb_json *a = bb_json_get(v, "affinity");
	l->affinity_count = (int)bb_json_int(bb_json_get(a, "count"), 0);
	copy_str(l->affinity, sizeof(l->affinity), bb_json_get(a, "list"));
	copy_str(l->cgroup, sizeof(l->cgroup), bb_json_get(v, "cgroup"));
	copy_str(l->cgroup_path, sizeof(l->cgroup_path), bb_json_get(v, "cgroup_path"));
	l->quota_cpus = bb_json_num(bb_json_get(v, "cpu_quota"), 0);
	copy_str(l->quota_file, sizeof(l->quota_file), bb_json_get(v, "cpu_quota_file"));
	copy_str(l->cpuset, sizeof(l->cpuset), bb_json_get(v, "cpuset"));
	int n = l->cpuset[0] ? bb_cpulist_count(l->cpuset) : 0;
	l->cpuset_count = n > 0 ? n : 0;
	const bb_json *m = bb_json_get(v, "memory_max");
	if (m && m->type == BB_JSON_STRING)
		l->memory_max = 0;
	else if (m && m->type == BB_JSON_NUMBER)
		l->memory_max = (long long)m->number;
	copy_str(l->memory_file, sizeof(l->memory_file), bb_json_get(v, "memory_max_file"));
	const bb_json *t = bb_json_get(v, "thp");
	copy_str(l->thp_enabled, sizeof(l->thp_enabled), bb_json_get(t, "enabled"));
	copy_str(l->thp_defrag, sizeof(l->thp_defrag), bb_json_get(t, "defrag"));
}

char *bb_limits_summary(const bb_limits *l, char *buf, size_t size)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	if (!l->cpus_allowed) {
		snprintf(buf, size, "unknown");
		return buf;
	}
	bb_strbuf_addf(&sb, "%d of %d online (affinity %s", l->cpus_allowed, l->online,
	               l->affinity[0] ? l->affinity : "unknown");
	if (l->quota_cpus > 0)
		bb_strbuf_addf(&sb, "; cgroup %s CPU quota %.3g", l->cgroup, l->quota_cpus);
	else if (l->cgroup[0])
		bb_strbuf_addf(&sb, "; no cgroup CPU quota");
	if (l->cpuset[0] && l->cpuset_count != l->online)
		bb_strbuf_addf(&sb, "; cpuset %s", l->cpuset);
	if (l->memory_max > 0)
		bb_strbuf_addf(&sb, "; memory limit %.1f GiB", (double)l->memory_max / (1 << 30));
	bb_strbuf_addf(&sb, "; THP %s)", l->thp_enabled[0] ? l->thp_enabled : "unknown");
	snprintf(buf, size, "%s", sb.buf);
	bb_strbuf_release(&sb);
	return buf;
}
