/* The host a run is measured on, recorded in the database with its peak (harness/engine/
 * host_record.c): shared by the engine (run, suite, gate) and diagnose. */
#ifndef BB_HARNESS_HOST_RECORD_H
#define BB_HARNESS_HOST_RECORD_H

#include <stdint.h>

#include "backends/spec.h"
#include "db/db.h"
#include "harness/host/peak/peak.h"

/* Measurements of the peak a run takes at most: a disturbed one is taken again once. */
#define BB_HOST_PEAK_ATTEMPTS 2

/*
 * Probe this host, measure its peak for this run (a note on stderr unless quiet; again when
 * the first measurement was disturbed, up to BB_HOST_PEAK_ATTEMPTS) and choose the figure
 * percentages are computed against (bb_peak_choose(): this measurement, else the host's
 * best-known undisturbed peak, else none), and upsert the host row with the host's new
 * best-known peak.  reuse (a resumed run's stored choice): no measurement, reuse is the choice.
 * Fills *choice, *cores (hwloc's core count, or the online CPUs; at most the CPUs this
 * process may use) and *host_id.  Returns 0, or -1
 * after printing the database error.
 */
int bb_host_record_peak(bb_db *db, int quiet, const bb_peak_choice *reuse, bb_peak_choice *choice,
			int *cores, int64_t *host_id);

/* The same, for callers that want only the figure: *peak = the chosen one (zeroed: none). */
int bb_host_record(bb_db *db, int quiet, bb_peak *peak, int *cores, int64_t *host_id);

/* Under a restriction (fewer CPUs allowed than online, or a CPU quota), say on stderr (unless
 * quiet) the CPUs this process may use and each backend whose default pool is larger, with
 * the variable that fixes it (one probe worker per backend).  Fills *limits_json (the limits
 * object) and *flags_json (an array of {"backend","flag"}); caller frees both. */
void bb_limits_header(const bb_backend_spec *specs, size_t n_specs, int quiet, char **limits_json,
		      char **flags_json);
#endif
