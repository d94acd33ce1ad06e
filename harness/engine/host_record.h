/* The host a run is measured on, recorded in the database with its measured peak
 * (harness/engine/host_record.c): shared by the engine (run, suite, gate) and diagnose. */
#ifndef BB_HARNESS_HOST_RECORD_H
#define BB_HARNESS_HOST_RECORD_H

#include <stdint.h>

#include "backends/spec.h"
#include "db/db.h"
#include "harness/host/peak.h"

/* Probe this host, take its peak from the database or measure it (once per host; a note on
 * stderr unless quiet), and upsert the host row.  Fills *peak, *cores (hwloc's core count, or
 * the online CPUs; at most the CPUs this process may use) and *host_id.  Returns 0, or -1 after printing the database error. */
int bb_host_record(bb_db *db, int quiet, bb_peak *peak, int *cores, int64_t *host_id);

/* Under a restriction (fewer CPUs allowed than online, or a CPU quota), say on stderr (unless
 * quiet) the CPUs this process may use and each backend whose default pool is larger, with
 * the variable that fixes it (one probe worker per backend).  Fills *limits_json (the limits
 * object) and *flags_json (an array of {"backend","flag"}); caller frees both. */
void bb_limits_header(const bb_backend_spec *specs, size_t n_specs, int quiet, char **limits_json,
		      char **flags_json);
#endif
