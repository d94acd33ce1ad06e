/*
 * Event counters: what this machine lets us count, and a measurement session around a cell.
 *
 * Availability (bb_counters_probe) is what `blasbench info` shows: the PAPI components with
 * the reason PAPI gives for each disabled one, which PAPI presets exist, perf_event_paranoid,
 * and which Linux perf_event events this process can open (with errno text when not).
 *
 * A session (bb_counters_open .. start .. stop .. close) is what the engine wraps around each
 * cell.  It always measures wall time (bb_now(), CLOCK_MONOTONIC) and getrusage(RUSAGE_SELF)
 * deltas; it adds perf software counters for every thread of the process and PAPI hardware
 * presets when they work.  What cannot be counted is left out of the values and explained once
 * by bb_counters_note().  Nothing here aborts because a counter is missing: virtual machines
 * often expose no PMU and the run goes on without hardware counters.
 */
#ifndef BB_HARNESS_HOST_COUNTERS_H
#define BB_HARNESS_HOST_COUNTERS_H

#include <stdint.h>
#include <sys/resource.h>

#include "common/json.h"

/* ---- availability ---------------------------------------------------------------------- */

/* A PAPI component as PAPI_get_component_info() describes it. */
typedef struct bb_papi_component {
	char *name;
	char *description;
	int disabled;          /* PAPI's code, 0 when the component is usable */
	char *disabled_reason; /* PAPI's own words, "" when enabled */
	int native_events;
	int counters; /* hardware counters it drives */
} bb_papi_component;

/* One event we tried: a PAPI preset or a perf_event event. */
typedef struct bb_counter_status {
	const char *name; /* "PAPI_TOT_CYC", "task-clock" (static) */
	int available;
	int hardware;     /* a hardware (PMU) event; PAPI presets always are */
	int user_only;    /* perf: opened only with exclude_kernel (perf_event_paranoid) */
	char reason[160]; /* why not, "" when available */
} bb_counter_status;

#define BB_PAPI_PRESETS_MAX 10
#define BB_PERF_EVENTS_MAX 8

typedef struct bb_counters_info {
	int papi_compiled;    /* built with PAPI (BB_HAVE_PAPI) */
	int papi_initialized; /* PAPI_library_init succeeded */
	char papi_version[32];
	char papi_error[160]; /* why PAPI is not usable, "" if it is */
	int ncomponents;
	bb_papi_component *components;
	int npresets;
	bb_counter_status presets[BB_PAPI_PRESETS_MAX];
	int perf_event_paranoid; /* INT_MIN if unreadable */
	int nperf;
	bb_counter_status perf[BB_PERF_EVENTS_MAX];
	int software_ok; /* at least one perf software event opens */
	int hardware_ok; /* some hardware counter works (PAPI preset or perf) */
	char hint[160];  /* a likely cause when hardware counters fail, or "" */
} bb_counters_info;

/* Fill ci.  Never fails: what cannot be found out is recorded as unavailable with a reason.
 * Release with bb_counters_info_release(). */
void bb_counters_probe(bb_counters_info *ci);
void bb_counters_info_release(bb_counters_info *ci);

/* Write ci as one JSON object value (the caller writes the key, if any). */
void bb_counters_info_to_json(const bb_counters_info *ci, bb_json_writer *w);

/* ---- measurement session --------------------------------------------------------------- */

enum {
	BB_COUNTERS_SOFTWARE = 1u << 0, /* perf software events: task-clock, context switches... */
	BB_COUNTERS_HARDWARE = 1u << 1, /* PAPI presets (cycles, instructions, FP ops, misses) */
	BB_COUNTERS_ALL = BB_COUNTERS_SOFTWARE | BB_COUNTERS_HARDWARE,
};

/* One measured quantity.  name and unit are static strings. */
typedef struct bb_counter_value {
	const char *name; /* "wall_time", "cpu_time", "perf_task_clock", "PAPI_TOT_CYC" */
	double value;
	const char *unit; /* "s", "ns", "count" */
} bb_counter_value;

#define BB_COUNTER_VALUES_MAX 40

typedef struct bb_counter_values {
	int n;
	bb_counter_value v[BB_COUNTER_VALUES_MAX];
} bb_counter_values;

/* Value named name, or dflt if it was not measured. */
double bb_counter_values_get(const bb_counter_values *cv, const char *name, double dflt);
/* Process CPU time (user + system) divided by wall time: about the number of busy threads. */
double bb_counter_values_cpu_ratio(const bb_counter_values *cv);

typedef struct bb_perf_counter bb_perf_counter;

/* A session.  Fields are private to counters_session.c. */
typedef struct bb_counters {
	unsigned want;
	int nperf;             /* perf events opened */
	bb_perf_counter *perf; /* [nperf] */
	int papi_eventset;     /* -1 (PAPI_NULL) when no PAPI event set */
	int npapi;
	const char *papi_names[BB_PAPI_PRESETS_MAX];
	int started;
	double t0; /* bb_now() at start */
	struct rusage ru0;
	char *note; /* NULL when everything requested is counted */
} bb_counters;

/* Open a session counting what is available among want (BB_COUNTERS_*), for the whole
 * process: perf events are attached to every thread that exists now, with `inherit`, so
 * threads created later are counted too (PAPI: see bb_counters_note()).  Always returns 0:
 * a missing counter is not an error, it is left out and explained by bb_counters_note().
 * Start, stop and close from the thread that opened (PAPI event sets belong to a thread).
 * Close with bb_counters_close(). */
int bb_counters_open(bb_counters *c, unsigned want);

/* Start an interval; start/stop may be repeated.  Returns 0, or -1 after bb_error(). */
int bb_counters_start(bb_counters *c);

/* End the interval begun by bb_counters_start() and fill out with its deltas: wall time,
 * rusage (CPU time, context switches, page faults), then the perf and PAPI counters that
 * were opened.  Returns 0, or -1 after bb_error() (then out holds what could be read). */
int bb_counters_stop(bb_counters *c, bb_counter_values *out);

/* One line on what is not counted and why, or NULL when everything requested is counted.
 * Owned by c; valid until bb_counters_close(). */
const char *bb_counters_note(const bb_counters *c);

void bb_counters_close(bb_counters *c);

#endif
