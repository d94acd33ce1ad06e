/*
 * Internal to harness/host: the event tables and the perf_event/PAPI helpers that the
 * availability probe (counters.c) and the measurement session (counters_session.c) share.
 */
#ifndef BB_HARNESS_HOST_COUNTERS_IMPL_H
#define BB_HARNESS_HOST_COUNTERS_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "harness/host/counters.h"

/* A Linux perf_event event we know how to open. */
typedef struct bb_perf_event_def {
	const char *name;       /* perf's name: "task-clock" */
	const char *value_name; /* in bb_counter_values: "perf_task_clock" */
	const char *unit;
	uint32_t type; /* PERF_TYPE_SOFTWARE / PERF_TYPE_HARDWARE */
	uint64_t config;
	int hardware;
	int kernel_only; /* counted in kernel mode only: useless with exclude_kernel */
} bb_perf_event_def;

extern const bb_perf_event_def bb_perf_events[];
extern const int bb_perf_nevents;

/* Open d for task tid (0: the calling thread), counting from now, inherited by threads the
 * task creates later.  Kernel-mode counting is tried first; if perf_event_paranoid refuses
 * it, user-only counting is tried (unless d->kernel_only) and *user_only is set.
 * Returns the fd, or -1 with errno set. */
int bb_perf_open(const bb_perf_event_def *d, pid_t tid, int *user_only);

/* errno text for a failed bb_perf_open, with the likely cause, into buf. */
void bb_perf_explain(int err, const bb_perf_event_def *d, char *buf, size_t size);

/* /proc/sys/kernel/perf_event_paranoid, or INT_MIN if it cannot be read. */
int bb_perf_paranoid(void);

/* A PAPI preset we ask for.  Presets in one group measure the same thing; the session adds
 * the first available one of each group (PAPI_DP_OPS, else PAPI_FP_OPS). */
typedef struct bb_papi_preset_def {
	const char *name;
	int group;
} bb_papi_preset_def;

extern const bb_papi_preset_def bb_papi_presets[];
extern const int bb_papi_npresets;

/* Initialise PAPI once per process.  Returns 1 if PAPI is usable; 0 otherwise with the reason
 * in why (also when built without PAPI). */
int bb_papi_ready(char *why, size_t size);

#endif
