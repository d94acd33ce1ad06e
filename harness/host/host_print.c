/*
 * bb_host_print(): the host record as aligned "key  value" lines in sections, the way
 * `blasbench info` shows it.  Long values wrap under the value column so that every line fits
 * in 100 columns.
 */
#include "harness/host/host.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/number.h"
#include "common/strbuf.h"

#define KEY_WIDTH 20
#define LINE_WIDTH 100
#define VALUE_COLUMN (2 + KEY_WIDTH + 1)

static void section(FILE *out, const char *title)
{
	fprintf(out, "%s\n", title);
}

/* One "  key  value" entry; the value wraps at spaces, continuation lines are indented to the
 * value column.  An explicit '\n' in the value starts a new line too. */
static void kv(FILE *out, const char *key, const char *fmt, ...) BB_PRINTF(3, 4);
static void kv(FILE *out, const char *key, const char *fmt, ...)
{
	const size_t room = LINE_WIDTH - VALUE_COLUMN;
	bb_strbuf val = BB_STRBUF_INIT;
	const char *p;
	int first = 1;
	va_list ap;

	va_start(ap, fmt);
	bb_strbuf_vaddf(&val, fmt, ap);
	va_end(ap);
	p = val.buf;
	do {
		size_t take = strcspn(p, "\n");
		if (take > room) {
			size_t cut = room;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			take = cut ? cut : room; /* one word longer than the room: break it */
		}
		fprintf(out, "  %-*s %.*s\n", KEY_WIDTH, first ? key : "", (int)take, p);
		p += take;
		while (*p == ' ' || *p == '\n')
			p++;
		first = 0;
	} while (*p);
	bb_strbuf_release(&val);
}

/* "48 KiB", "2 MiB", "5.2 GiB" into buf. */
static const char *size_str(long long n, char *buf, size_t size)
{
	static const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;
	double v = (double)n;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (v == (double)(long long)v)
		snprintf(buf, size, "%lld %s", (long long)v, unit[u]);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
	return buf;
}

static const char *yes_no_unknown(int v)
{
	return v < 0 ? "unknown" : v ? "yes" : "no";
}

static void print_cpu(const bb_host *h, FILE *out)
{
	section(out, "CPU");
	kv(out, "model", "%s (from %s)", h->cpu_model, h->cpu_model_source);
	kv(out, "vendor", "%s", h->cpu_vendor[0] ? h->cpu_vendor : "unknown");
	kv(out, "hypervisor", "%s%s", yes_no_unknown(h->hypervisor),
	   h->hypervisor > 0 ? " (cpuinfo flag \"hypervisor\")" : "");
	if (h->have_cpufreq)
		kv(out, "frequency", "%.0f..%.0f MHz, now %.0f MHz, governor %s, driver %s",
		   h->freq_min_mhz, h->freq_max_mhz, h->freq_cur_mhz,
		   h->freq_governor[0] ? h->freq_governor : "unknown",
		   h->freq_driver[0] ? h->freq_driver : "unknown");
	else if (h->cpuinfo_mhz > 0)
		kv(out, "frequency", "unknown (no cpufreq in sysfs; /proc/cpuinfo says %.0f MHz)",
		   h->cpuinfo_mhz);
	else
		kv(out, "frequency", "unknown (no cpufreq in sysfs)");
	kv(out, "turbo", "%s", yes_no_unknown(h->turbo));
}

static void print_cache(FILE *out, const char *name, const bb_cache_level *c)
{
	char sz[32];

	if (!c->count) {
		kv(out, name, "unknown");
		return;
	}
	kv(out, name, "%s x %d, %d B lines, %s %d core%s", size_str(c->size, sz, sizeof(sz)),
	   c->count, c->line_size, c->cores_sharing > 1 ? "shared by" : "private to",
	   c->cores_sharing, c->cores_sharing > 1 ? "s" : "");
}

static void print_topology(const bb_host *h, FILE *out)
{
	const bb_topology *t = &h->topology;
	char a[32], b[32], c[32];

	section(out, "Topology");
	if (!h->have_topology) {
		kv(out, "hwloc", "unknown (the topology could not be read)");
		kv(out, "cores", "%d, from %s", h->cores, h->topology_source);
		kv(out, "memory", "%s", size_str(h->memory_bytes, a, sizeof(a)));
		return;
	}
	kv(out, "source", "%s", h->topology_source);
	kv(out, "packages", "%d", t->packages);
	kv(out, "cores", "%d", t->cores);
	kv(out, "hardware threads", "%d (%d per core)", t->pus, t->cores ? t->pus / t->cores : 0);
	kv(out, "NUMA nodes", "%d", t->numa_nodes);
	kv(out, "memory", "%s", size_str(h->memory_bytes, a, sizeof(a)));

	section(out, "Caches");
	print_cache(out, "L1d", &t->l1d);
	print_cache(out, "L2", &t->l2);
	print_cache(out, "L3", &t->l3);
	kv(out, "per core", "L1d %s, L2 %s, L3 %s shared by %d core%s",
	   size_str(t->l1d_per_core, a, sizeof(a)), size_str(t->l2_per_core, b, sizeof(b)),
	   size_str(t->l3_shared, c, sizeof(c)), t->l3.cores_sharing,
	   bb_plural(t->l3.cores_sharing));
}

static void print_os(const bb_host *h, FILE *out)
{
	section(out, "OS");
	kv(out, "hostname", "%s", h->hostname);
	kv(out, "system", "%s %s %s", h->os_name, h->os_release, h->machine);
	kv(out, "kernel version", "%s", h->kernel_version);
	kv(out, "libc", "%s", h->libc_version[0] ? h->libc_version : "unknown");
	if (h->have_topology)
		kv(out, "hwloc API", "%s", h->topology.hwloc_api_version);
	kv(out, "fingerprint", "%s", h->fingerprint);
}

static void print_clock(const bb_host *h, FILE *out)
{
	section(out, "Clock");
	kv(out, "source", "%s", h->clocksource[0] ? h->clocksource : "unknown");
	kv(out, "resolution", "%.0f ns (CLOCK_MONOTONIC)", h->clock_resolution_ns);
	kv(out, "clock_gettime cost", "%.1f ns per call", h->clock_cost_ns);
}

static const char *paranoid_meaning(int level)
{
	if (level <= -1)
		return "no restrictions";
	if (level == 0)
		return "no raw tracepoints for users";
	if (level == 1)
		return "no system-wide CPU events for users";
	if (level == 2)
		return "users: own processes, no kernel profiling";
	return "perf_event_open refused to users";
}

/* The perf events of one kind: "a, b, c" for those that open, then "x, y: reason" on a line
 * of its own for each distinct reason the others fail. */
static void perf_kind(const bb_counters_info *ci, int hardware, bb_strbuf *sb)
{
	const bb_counter_status *e = ci->perf;
	int navail = 0;

	for (int i = 0; i < ci->nperf; i++)
		if (e[i].hardware == hardware && e[i].available)
			bb_strbuf_addf(sb, "%s%s%s", navail++ ? ", " : "", e[i].name,
			               e[i].user_only ? " (user space only)" : "");
	if (!navail)
		bb_strbuf_adds(sb, "none");
	for (int i = 0; i < ci->nperf; i++) {
		int seen = 0;
		if (e[i].hardware != hardware || e[i].available)
			continue;
		for (int k = 0; k < i && !seen; k++)
			seen = e[k].hardware == hardware && !e[k].available &&
			       !strcmp(e[k].reason, e[i].reason);
		if (seen)
			continue;
		bb_strbuf_addf(sb, "\n%s", e[i].name);
		for (int k = i + 1; k < ci->nperf; k++)
			if (e[k].hardware == hardware && !e[k].available &&
			    !strcmp(e[k].reason, e[i].reason))
				bb_strbuf_addf(sb, ", %s", e[k].name);
		bb_strbuf_addf(sb, ": %s", e[i].reason);
	}
}

static void print_counters(const bb_host *h, FILE *out)
{
	const bb_counters_info *ci = &h->counters;
	bb_strbuf sb = BB_STRBUF_INIT;

	section(out, "Counters");
	if (ci->perf_event_paranoid == INT_MIN)
		kv(out, "perf_event_paranoid", "unknown");
	else
		kv(out, "perf_event_paranoid", "%d (%s)", ci->perf_event_paranoid,
		   paranoid_meaning(ci->perf_event_paranoid));
	perf_kind(ci, 0, &sb);
	kv(out, "perf software", "%s", sb.buf);
	bb_strbuf_reset(&sb);
	perf_kind(ci, 1, &sb);
	kv(out, "perf hardware", "%s", sb.buf);
	bb_strbuf_reset(&sb);

	if (!ci->papi_compiled) {
		kv(out, "PAPI", "not built in");
	} else if (!ci->papi_initialized) {
		kv(out, "PAPI", "not usable: %s", ci->papi_error);
	} else {
		kv(out, "PAPI", "%s", ci->papi_version);
		for (int i = 0; i < ci->ncomponents; i++) {
			const bb_papi_component *c = &ci->components[i];
			if (c->disabled)
				bb_strbuf_addf(&sb, "%s%s: disabled: %s", i ? "\n" : "", c->name,
				               c->disabled_reason);
			else
				bb_strbuf_addf(&sb, "%s%s: enabled, %d native events, %d counters",
				               i ? "\n" : "", c->name, c->native_events,
				               c->counters);
		}
		kv(out, "PAPI components", "%s", ci->ncomponents ? sb.buf : "none");
		bb_strbuf_reset(&sb);
		int navail = 0;
		for (int i = 0; i < ci->npresets; i++)
			if (ci->presets[i].available)
				bb_strbuf_addf(&sb, "%s%s", navail++ ? " " : "",
				               ci->presets[i].name);
		if (navail < ci->npresets) {
			bb_strbuf_adds(&sb, navail ? "; missing:" : "none of");
			for (int i = 0; i < ci->npresets; i++)
				if (!ci->presets[i].available)
					bb_strbuf_addf(&sb, " %s", ci->presets[i].name);
		}
		kv(out, "PAPI presets", "%s", sb.buf);
		bb_strbuf_reset(&sb);
	}
	if (ci->hardware_ok)
		kv(out, "hardware counters", "yes");
	else
		kv(out, "hardware counters", "no%s%s", ci->hint[0] ? ": " : "", ci->hint);
	bb_strbuf_release(&sb);
}

/* What this process may use, which a container, taskset or a batch system makes less than
 * the machine has. */
static void print_limits(const bb_host *h, FILE *out)
{
	const bb_limits *l = &h->limits;
	char a[32];

	section(out, "This process may use");
	kv(out, "CPUs", "%d (the least of affinity, cgroup quota and cpuset; %d online)",
	   l->cpus_allowed, l->online);
	kv(out, "affinity", "%s (%d CPU%s)", l->affinity[0] ? l->affinity : "unknown",
	   l->affinity_count, bb_plural(l->affinity_count));
	kv(out, "cgroup", "%s%s%s", l->cgroup[0] ? l->cgroup : "none found",
	   l->cgroup[0] ? " " : "", l->cgroup_path);
	if (l->quota_cpus > 0)
		kv(out, "CPU quota", "%.3g CPUs (%s)", l->quota_cpus, l->quota_file);
	else
		kv(out, "CPU quota", "%s", l->cgroup[0] ? "none" : "unknown");
	kv(out, "cpuset", "%s", l->cpuset[0] ? l->cpuset : "unknown");
	if (l->memory_max > 0)
		kv(out, "memory limit", "%s (%s)", size_str(l->memory_max, a, sizeof(a)),
		   l->memory_file);
	else
		kv(out, "memory limit", "%s", l->memory_max == 0 ? "none" : "unknown");
	kv(out, "huge pages (THP)", "transparent: enabled %s, defrag %s",
	   l->thp_enabled[0] ? l->thp_enabled : "unknown",
	   l->thp_defrag[0] ? l->thp_defrag : "unknown");
}

void bb_host_print(const bb_host *h, FILE *out)
{
	print_cpu(h, out);
	print_topology(h, out);
	print_os(h, out);
	print_clock(h, out);
	print_counters(h, out);
	print_limits(h, out);
}
