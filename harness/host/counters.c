/*
 * Counter availability for `blasbench info`, and the perf_event/PAPI helpers the measurement
 * session shares (counters_impl.h).  The event tables below are the only lists of events:
 * the probe, the session and the JSON all walk them.
 */
#include "harness/host/counters_impl.h"

#include <errno.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "build_config.h"
#include "common/error.h"

#if BB_HAVE_PAPI
#include <papi.h>
#endif

/* ---- event tables ---------------------------------------------------------------------- */

/* SW(perf name, value name, unit, PERF_COUNT_SW_x, counted in the kernel only) */
#define SW(name, value, unit, config, kernel_only)                                                 \
	{                                                                                          \
		name, value, unit, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_##config, 0, kernel_only      \
	}
#define HW(name, value, config)                                                                    \
	{                                                                                          \
		name, value, "count", PERF_TYPE_HARDWARE, PERF_COUNT_HW_##config, 1, 0             \
	}

const bb_perf_event_def bb_perf_events[] = {
    SW("task-clock", "perf_task_clock", "ns", TASK_CLOCK, 0),
    SW("context-switches", "perf_context_switches", "count", CONTEXT_SWITCHES, 1),
    SW("cpu-migrations", "perf_cpu_migrations", "count", CPU_MIGRATIONS, 1),
    SW("page-faults", "perf_page_faults", "count", PAGE_FAULTS, 0),
    HW("cycles", "perf_cycles", CPU_CYCLES),
    HW("instructions", "perf_instructions", INSTRUCTIONS),
};
#undef SW
#undef HW
const int bb_perf_nevents = (int)(sizeof(bb_perf_events) / sizeof(bb_perf_events[0]));

const bb_papi_preset_def bb_papi_presets[] = {
    {"PAPI_TOT_CYC", 0}, {"PAPI_TOT_INS", 1}, {"PAPI_DP_OPS", 2},
    {"PAPI_FP_OPS", 2},  {"PAPI_L1_DCM", 3},  {"PAPI_L2_DCM", 4},
    {"PAPI_L2_TCM", 4},  {"PAPI_L3_DCM", 5},  {"PAPI_L3_TCM", 5},
};
const int bb_papi_npresets = (int)(sizeof(bb_papi_presets) / sizeof(bb_papi_presets[0]));

_Static_assert(sizeof(bb_perf_events) / sizeof(bb_perf_events[0]) <= BB_PERF_EVENTS_MAX,
               "bb_counters_info.perf is too small");
_Static_assert(sizeof(bb_papi_presets) / sizeof(bb_papi_presets[0]) <= BB_PAPI_PRESETS_MAX,
               "bb_counters_info.presets is too small");

/* ---- perf_event helpers ---------------------------------------------------------------- */

static int perf_open_attr(const bb_perf_event_def *d, pid_t tid, int exclude_kernel)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = d->type;
	a.config = d->config;
	a.inherit = 1;
	a.exclude_kernel = (unsigned)exclude_kernel;
	a.exclude_hv = 1;
	/* Hardware events may be multiplexed; the times let the session scale them. */
	a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	return (int)syscall(SYS_perf_event_open, &a, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

int bb_perf_open(const bb_perf_event_def *d, pid_t tid, int *user_only)
{
	int fd = perf_open_attr(d, tid, 0);

	*user_only = 0;
	if (fd >= 0 || (errno != EACCES && errno != EPERM) || d->kernel_only)
		return fd;
	fd = perf_open_attr(d, tid, 1);
	if (fd >= 0)
		*user_only = 1;
	return fd;
}

void bb_perf_explain(int err, const bb_perf_event_def *d, char *buf, size_t size)
{
	const char *why = "";
	int paranoid;

	switch (err) {
	case ENOENT:
	case EOPNOTSUPP:
	case ENODEV:
		if (d->hardware)
			why = " (no hardware PMU: a virtual machine without PMU passthrough?)";
		break;
	case EACCES:
	case EPERM:
		paranoid = bb_perf_paranoid();
		if (paranoid != INT_MIN) {
			snprintf(
			    buf, size, "%s (perf_event_paranoid=%d%s)", strerror(err), paranoid,
			    d->kernel_only ? ", and this event counts in the kernel only" : "");
			return;
		}
		break;
	case ENOSYS:
		why = " (kernel built without perf_event)";
		break;
	case EMFILE:
		why = " (too many open files)";
		break;
	}
	snprintf(buf, size, "%s%s", strerror(err), why);
}

int bb_perf_paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int v;

	if (!f)
		return INT_MIN;
	if (fscanf(f, "%d", &v) != 1)
		v = INT_MIN;
	fclose(f);
	return v;
}

/* ---- PAPI ------------------------------------------------------------------------------ */

#if BB_HAVE_PAPI
static pthread_once_t papi_once = PTHREAD_ONCE_INIT;
static int papi_ok;
static char papi_failure[160];

static void papi_init(void)
{
	int ret;

	if (PAPI_is_initialized() != PAPI_NOT_INITED) {
		papi_ok = 1; /* someone in this process did it already */
		return;
	}
	ret = PAPI_library_init(PAPI_VER_CURRENT);
	if (ret == PAPI_VER_CURRENT) {
		papi_ok = 1;
		return;
	}
	if (ret > 0)
		snprintf(papi_failure, sizeof(papi_failure),
		         "PAPI_library_init: library version %d.%d does not match the headers",
		         PAPI_VERSION_MAJOR(ret), PAPI_VERSION_MINOR(ret));
	else
		snprintf(papi_failure, sizeof(papi_failure), "PAPI_library_init: %s",
		         PAPI_strerror(ret));
}
#endif

int bb_papi_ready(char *why, size_t size)
{
#if BB_HAVE_PAPI
	pthread_once(&papi_once, papi_init);
	if (!papi_ok)
		snprintf(why, size, "%s", papi_failure);
	return papi_ok;
#else
	snprintf(why, size, "blasbench was built without PAPI");
	return 0;
#endif
}

/* ---- availability ---------------------------------------------------------------------- */

static void probe_papi(bb_counters_info *ci)
{
	ci->npresets = bb_papi_npresets;
	for (int i = 0; i < bb_papi_npresets; i++) {
		ci->presets[i].name = bb_papi_presets[i].name;
		ci->presets[i].hardware = 1;
	}

	ci->papi_initialized = bb_papi_ready(ci->papi_error, sizeof(ci->papi_error));
	if (!ci->papi_initialized) {
		for (int i = 0; i < ci->npresets; i++)
			snprintf(ci->presets[i].reason, sizeof(ci->presets[i].reason),
			         "PAPI is not usable");
		return;
	}
#if BB_HAVE_PAPI
	int v = PAPI_get_opt(PAPI_LIB_VERSION, NULL);
	snprintf(ci->papi_version, sizeof(ci->papi_version), "%d.%d.%d.%d", PAPI_VERSION_MAJOR(v),
	         PAPI_VERSION_MINOR(v), PAPI_VERSION_REVISION(v), PAPI_VERSION_INCREMENT(v));

	int n = PAPI_num_components();
	ci->components = bb_xcalloc(n > 0 ? (size_t)n : 1, sizeof(*ci->components));
	for (int i = 0; i < n; i++) {
		const PAPI_component_info_t *pc = PAPI_get_component_info(i);
		bb_papi_component *c = &ci->components[ci->ncomponents];
		if (!pc)
			continue;
		c->name = bb_xstrdup(pc->name);
		c->description = bb_xstrdup(pc->description);
		c->disabled = pc->disabled;
		c->disabled_reason = bb_xstrdup(pc->disabled ? pc->disabled_reason : "");
		c->native_events = pc->num_native_events;
		c->counters = pc->num_cntrs;
		ci->ncomponents++;
	}

	for (int i = 0; i < ci->npresets; i++) {
		bb_counter_status *s = &ci->presets[i];
		int code, ret = PAPI_event_name_to_code((char *)s->name, &code);
		if (ret == PAPI_OK)
			ret = PAPI_query_event(code);
		s->available = ret == PAPI_OK;
		if (!s->available)
			snprintf(s->reason, sizeof(s->reason), "%s", PAPI_strerror(ret));
		if (s->available)
			ci->hardware_ok = 1;
	}
#endif
}

static void probe_perf(bb_counters_info *ci)
{
	int hw_errno = 0;

	ci->perf_event_paranoid = bb_perf_paranoid();
	ci->nperf = bb_perf_nevents;
	for (int i = 0; i < bb_perf_nevents; i++) {
		const bb_perf_event_def *d = &bb_perf_events[i];
		bb_counter_status *s = &ci->perf[i];
		int fd = bb_perf_open(d, 0, &s->user_only);

		s->name = d->name;
		s->hardware = d->hardware;
		if (fd < 0) {
			if (d->hardware && !hw_errno)
				hw_errno = errno;
			bb_perf_explain(errno, d, s->reason, sizeof(s->reason));
			continue;
		}
		close(fd);
		s->available = 1;
		if (d->hardware)
			ci->hardware_ok = 1;
		else
			ci->software_ok = 1;
	}

	if (ci->hardware_ok)
		return;
	if (hw_errno == ENOENT || hw_errno == EOPNOTSUPP || hw_errno == ENODEV)
		snprintf(ci->hint, sizeof(ci->hint),
		         "the kernel exposes no hardware PMU (usual in virtual machines)");
	else if (hw_errno == EACCES || hw_errno == EPERM)
		snprintf(ci->hint, sizeof(ci->hint),
		         "perf_event_paranoid=%d forbids hardware counters for this user",
		         ci->perf_event_paranoid);
}

void bb_counters_probe(bb_counters_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->papi_compiled = BB_HAVE_PAPI;
	probe_perf(ci);
	probe_papi(ci);
}

void bb_counters_info_release(bb_counters_info *ci)
{
	for (int i = 0; i < ci->ncomponents; i++) {
		free(ci->components[i].name);
		free(ci->components[i].description);
		free(ci->components[i].disabled_reason);
	}
	free(ci->components);
	ci->components = NULL;
	ci->ncomponents = 0;
}

static void status_to_json(bb_json_writer *w, const bb_counter_status *s, int n, int perf)
{
	bb_jw_array_begin(w);
	for (int i = 0; i < n; i++) {
		bb_jw_object_begin(w);
		bb_jw_kv_string(w, "name", s[i].name);
		bb_jw_kv_bool(w, "available", s[i].available);
		if (perf && s[i].available)
			bb_jw_kv_bool(w, "user_only", s[i].user_only);
		if (!s[i].available)
			bb_jw_kv_string(w, "reason", s[i].reason);
		bb_jw_object_end(w);
	}
	bb_jw_array_end(w);
}

void bb_counters_info_to_json(const bb_counters_info *ci, bb_json_writer *w)
{
	bb_jw_object_begin(w);
	bb_jw_key(w, "papi");
	bb_jw_object_begin(w);
	bb_jw_kv_bool(w, "compiled", ci->papi_compiled);
	bb_jw_kv_bool(w, "initialized", ci->papi_initialized);
	if (ci->papi_initialized)
		bb_jw_kv_string(w, "version", ci->papi_version);
	else
		bb_jw_kv_string(w, "error", ci->papi_error);
	bb_jw_key(w, "components");
	bb_jw_array_begin(w);
	for (int i = 0; i < ci->ncomponents; i++) {
		const bb_papi_component *c = &ci->components[i];
		bb_jw_object_begin(w);
		bb_jw_kv_string(w, "name", c->name);
		bb_jw_kv_string(w, "description", c->description);
		bb_jw_kv_bool(w, "disabled", c->disabled != 0);
		if (c->disabled)
			bb_jw_kv_string(w, "disabled_reason", c->disabled_reason);
		bb_jw_kv_int(w, "native_events", c->native_events);
		bb_jw_kv_int(w, "counters", c->counters);
		bb_jw_object_end(w);
	}
	bb_jw_array_end(w);
	bb_jw_key(w, "presets");
	status_to_json(w, ci->presets, ci->npresets, 0);
	bb_jw_object_end(w);

	bb_jw_key(w, "perf_event");
	bb_jw_object_begin(w);
	bb_jw_key(w, "paranoid");
	if (ci->perf_event_paranoid == INT_MIN)
		bb_jw_null(w);
	else
		bb_jw_int(w, ci->perf_event_paranoid);
	bb_jw_key(w, "events");
	status_to_json(w, ci->perf, ci->nperf, 1);
	bb_jw_object_end(w);

	bb_jw_kv_bool(w, "software_ok", ci->software_ok);
	bb_jw_kv_bool(w, "hardware_ok", ci->hardware_ok);
	if (ci->hint[0])
		bb_jw_kv_string(w, "hint", ci->hint);
	bb_jw_object_end(w);
}
