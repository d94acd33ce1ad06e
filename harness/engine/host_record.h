/* The host a run is measured on, recorded in the database with its measured peak
 * (harness/engine/host_record.c): shared by the engine (run, suite, gate) and diagnose. */
#ifndef BB_HARNESS_HOST_RECORD_H
#define BB_HARNESS_HOST_RECORD_H

#include <stdint.h>

#include "db/db.h"
#include "harness/host/peak.h"

/* Probe this host, take its peak from the database or measure it (once per host; a note on
 * stderr unless quiet), and upsert the host row.  Fills *peak, *cores (hwloc's core count, or
 * the online CPUs; at most the CPUs this process may use) and *host_id.  Returns 0, or -1 after printing the database error. */
int bb_host_record(bb_db *db, int quiet, bb_peak *peak, int *cores, int64_t *host_id);

#endif
