/*
 * Host probe and its JSON form (see host.h); the human-readable form is in host_print.c.
 *
 * Sources: uname, gnu_get_libc_version, /proc/cpuinfo (model, vendor, hypervisor flag), sysfs
 * (clock source, cpufreq), clock_getres and a timed loop of clock_gettime, sysconf for memory,
 * hwloc for the topology and the counter probe.  Every source may be missing; the field then
 * says "unknown" rather than guessing.
 */
#include "harness/host/host.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#include "common/error.h"
#include "common/sha256.h"

#define CPUFREQ_DIR "/sys/devices/system/cpu/cpu0/cpufreq"

/* First line of a small text file, trailing whitespace removed, into buf.  Returns 0, or -1
 * (buf = "") if the file cannot be read. */
static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return -1;
	if (!fgets(buf, (int)size, f)) {
		fclose(f);
		buf[0] = '\0';
		return -1;
	}
	fclose(f);
	n = strlen(buf);
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

/* A number from a sysfs file, or 0 when it cannot be read. */
static double read_number(const char *path)
{
	char buf[64];

	return read_line(path, buf, sizeof(buf)) ? 0 : strtod(buf, NULL);
}

/* Does the space-separated list contain word? */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || isspace((unsigned char)p[-1])) &&
		    (p[n] == '\0' || isspace((unsigned char)p[n])))
			return 1;
	return 0;
}

/* The first "model name", "vendor_id", "cpu MHz" and "flags" of /proc/cpuinfo. */
static void probe_cpuinfo(bb_host *h)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char *line = NULL;
	size_t cap = 0;
	int seen_flags = 0;

	h->hypervisor = -1;
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		char *colon = strchr(line, ':');
		char *key = line, *val;
		size_t n;
		if (!colon)
			continue;
		*colon = '\0';
		for (n = strlen(key); n && isspace((unsigned char)key[n - 1]);)
			key[--n] = '\0';
		for (val = colon + 1; isspace((unsigned char)*val);)
			val++;
		for (n = strlen(val); n && isspace((unsigned char)val[n - 1]);)
			val[--n] = '\0';

		if (!strcmp(key, "model name") && !h->cpu_model[0]) {
			snprintf(h->cpu_model, sizeof(h->cpu_model), "%s", val);
			h->cpu_model_source = "/proc/cpuinfo";
		} else if (!strcmp(key, "vendor_id") && !h->cpu_vendor[0]) {
			snprintf(h->cpu_vendor, sizeof(h->cpu_vendor), "%s", val);
		} else if (!strcmp(key, "cpu MHz") && !h->cpuinfo_mhz) {
			h->cpuinfo_mhz = strtod(val, NULL);
		} else if (!strcmp(key, "flags") && !seen_flags) {
			/* x86 only; elsewhere there is no such line and we say "unknown" */
			seen_flags = 1;
			h->hypervisor = has_word(val, "hypervisor");
		}
	}
	free(line);
	fclose(f);
}

static void probe_os(bb_host *h)
{
	struct utsname u;

	if (gethostname(h->hostname, sizeof(h->hostname)) < 0)
		h->hostname[0] = '\0';
	h->hostname[sizeof(h->hostname) - 1] = '\0';
	if (uname(&u) == 0) {
		snprintf(h->os_name, sizeof(h->os_name), "%s", u.sysname);
		snprintf(h->os_release, sizeof(h->os_release), "%s", u.release);
		snprintf(h->kernel_version, sizeof(h->kernel_version), "%s", u.version);
		snprintf(h->machine, sizeof(h->machine), "%s", u.machine);
	}
#ifdef __GLIBC__
	snprintf(h->libc_version, sizeof(h->libc_version), "glibc %s", gnu_get_libc_version());
#endif
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	h->memory_bytes = pages > 0 && page > 0 ? (long long)pages * page : 0;
}

static double ts_ns(struct timespec t)
{
	return 1e9 * (double)t.tv_sec + (double)t.tv_nsec;
}

/* Cost of one clock_gettime: the best of several batches, so that an interruption during one
 * batch does not count.  This probes the system call under bb_now() (common/clock.h), so it
 * calls clock_gettime itself. */
static double clock_cost_ns(void)
{
	enum { BATCHES = 5, CALLS = 20000 };
	double best = INFINITY;

	for (int b = 0; b < BATCHES; b++) {
		struct timespec t0, t1, t;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int i = 0; i < CALLS; i++)
			clock_gettime(CLOCK_MONOTONIC, &t);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double per = (ts_ns(t1) - ts_ns(t0)) / CALLS;
		if (per < best)
			best = per;
	}
	return best;
}

static void probe_clock(bb_host *h)
{
	struct timespec res;

	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
	          h->clocksource, sizeof(h->clocksource));
	h->clock_resolution_ns = clock_getres(CLOCK_MONOTONIC, &res) == 0 ? ts_ns(res) : 0;
	h->clock_cost_ns = clock_cost_ns();
}

static void probe_cpufreq(bb_host *h)
{
	char buf[16];

	h->have_cpufreq = access(CPUFREQ_DIR, F_OK) == 0;
	h->turbo = -1;
	if (read_line("/sys/devices/system/cpu/cpufreq/boost", buf, sizeof(buf)) == 0)
		h->turbo = atoi(buf) != 0;
	else if (read_line("/sys/devices/system/cpu/intel_pstate/no_turbo", buf, sizeof(buf)) == 0)
		h->turbo = atoi(buf) == 0;
	if (!h->have_cpufreq)
		return;
	h->freq_min_mhz = read_number(CPUFREQ_DIR "/cpuinfo_min_freq") / 1000; /* files say kHz */
	h->freq_max_mhz = read_number(CPUFREQ_DIR "/cpuinfo_max_freq") / 1000;
	h->freq_cur_mhz = read_number(CPUFREQ_DIR "/scaling_cur_freq") / 1000;
	read_line(CPUFREQ_DIR "/scaling_governor", h->freq_governor, sizeof(h->freq_governor));
	read_line(CPUFREQ_DIR "/scaling_driver", h->freq_driver, sizeof(h->freq_driver));
}

/* What identifies the machine for comparisons: a change in any of these makes results of two
 * runs incomparable (or at least suspect). */
static void make_fingerprint(bb_host *h)
{
	const bb_topology *t = &h->topology;
	uint8_t digest[32];
	char hex[65];
	bb_sha256 sha;

	snprintf(h->fingerprint_source, sizeof(h->fingerprint_source),
	         "cpu=%s;arch=%s;packages=%d;cores=%d;pus=%d;l1d=%lld;l2=%lld;l3=%lld;kernel=%s",
	         h->cpu_model, h->machine, t->packages, t->cores, t->pus, t->l1d.size, t->l2.size,
	         t->l3.size, h->os_release);
	bb_sha256_init(&sha);
	bb_sha256_update(&sha, h->fingerprint_source, strlen(h->fingerprint_source));
	bb_sha256_final(&sha, digest);
	bb_sha256_hex(digest, hex);
	memcpy(h->fingerprint, hex, 16);
	h->fingerprint[16] = '\0';
}

int bb_host_probe(bb_host *h)
{
	int status = 0;

	memset(h, 0, sizeof(*h));
	h->cpu_model_source = "none";
	probe_os(h);
	probe_cpuinfo(h);
	probe_clock(h);
	probe_cpufreq(h);
	if (bb_topology_probe(&h->topology) == 0)
		h->have_topology = 1;
	else
		status = -1;
	h->cores = bb_topology_cores(h->topology_source, sizeof(h->topology_source));
	if (!h->cpu_model[0] && h->topology.cpu_model[0]) {
		snprintf(h->cpu_model, sizeof(h->cpu_model), "%s", h->topology.cpu_model);
		h->cpu_model_source = "hwloc";
	}
	if (!h->cpu_model[0])
		snprintf(h->cpu_model, sizeof(h->cpu_model), "unknown");
	if (!h->cpu_vendor[0])
		snprintf(h->cpu_vendor, sizeof(h->cpu_vendor), "%s", h->topology.cpu_vendor);
	bb_counters_probe(&h->counters);
	bb_limits_probe(&h->limits);
	make_fingerprint(h);
	return status;
}

static void kv_tristate(bb_json_writer *w, const char *key, int v)
{
	if (v < 0) {
		bb_jw_key(w, key);
		bb_jw_null(w);
	} else {
		bb_jw_kv_bool(w, key, v);
	}
}

/* A string member, null when empty (unknown). */
static void kv_known(bb_json_writer *w, const char *key, const char *s)
{
	bb_jw_kv_string(w, key, s[0] ? s : NULL);
}

void bb_host_to_json(const bb_host *h, bb_json_writer *w)
{
	bb_jw_kv_string(w, "fingerprint", h->fingerprint);
	bb_jw_kv_string(w, "fingerprint_source", h->fingerprint_source);
	bb_jw_kv_string(w, "hostname", h->hostname);
	kv_known(w, "os", h->os_name);
	kv_known(w, "os_release", h->os_release);
	kv_known(w, "kernel_version", h->kernel_version);
	kv_known(w, "machine", h->machine);
	kv_known(w, "libc_version", h->libc_version);
	bb_jw_kv_string(w, "cpu_model", h->cpu_model);
	bb_jw_kv_string(w, "cpu_model_source", h->cpu_model_source);
	kv_known(w, "cpu_vendor", h->cpu_vendor);
	kv_tristate(w, "hypervisor", h->hypervisor);
	bb_jw_kv_int(w, "memory_bytes", h->memory_bytes);

	bb_jw_key(w, "clock");
	bb_jw_object_begin(w);
	kv_known(w, "source", h->clocksource);
	bb_jw_kv_double(w, "resolution_ns", h->clock_resolution_ns);
	bb_jw_kv_double(w, "gettime_cost_ns", h->clock_cost_ns);
	bb_jw_object_end(w);

	bb_jw_key(w, "cpu_frequency");
	bb_jw_object_begin(w);
	bb_jw_kv_bool(w, "cpufreq", h->have_cpufreq);
	if (h->have_cpufreq) {
		bb_jw_kv_double(w, "min_mhz", h->freq_min_mhz);
		bb_jw_kv_double(w, "max_mhz", h->freq_max_mhz);
		bb_jw_kv_double(w, "cur_mhz", h->freq_cur_mhz);
		kv_known(w, "governor", h->freq_governor);
		kv_known(w, "driver", h->freq_driver);
	}
	kv_tristate(w, "turbo", h->turbo);
	bb_jw_key(w, "cpuinfo_mhz");
	if (h->cpuinfo_mhz > 0)
		bb_jw_double(w, h->cpuinfo_mhz);
	else
		bb_jw_null(w);
	bb_jw_object_end(w);

	bb_jw_key(w, "topology");
	if (h->have_topology)
		bb_topology_to_json(&h->topology, w);
	else
		bb_jw_null(w);
	bb_jw_kv_string(w, "topology_source", h->topology_source);
	bb_jw_kv_int(w, "cores", h->cores);
	bb_jw_key(w, "counters");
	bb_counters_info_to_json(&h->counters, w);
	bb_jw_key(w, "limits");
	bb_limits_to_json(&h->limits, w);
}

void bb_host_release(bb_host *h)
{
	bb_counters_info_release(&h->counters);
}
