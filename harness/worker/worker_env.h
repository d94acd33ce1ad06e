/* What every worker task does before loading anything (harness/worker/worker_env.c): read its JSON
 * job file, and set the environment a library reads only at load time. */
#ifndef BB_HARNESS_WORKER_ENV_H
#define BB_HARNESS_WORKER_ENV_H

#include <stddef.h>

#include "backends/backend.h"
#include "backends/spec.h"
#include "common/json.h"

/* Read and parse a job file; NULL with the reason in err.  Free with bb_json_free(). */
bb_json *bb_worker_read_job(const char *path, char *err, size_t errlen);
/* Set the thread-count variables of every known threading layer to `threads` (when > 0), then
 * the spec's own VAR=VALUE pairs, which therefore win.  Before that, takes note of what the
 * process inherited (bb_env_candidates()); under --clean-env (the controller sets
 * BLASBENCH_CLEAN_ENV=1) removes the loader's and the known families' variables at once, and
 * re-executes the worker when a loader variable was among them (the loader read it at start). */
void bb_worker_set_env(const bb_backend_spec *spec, int threads);

/* After bb_backend_probe_stack(): fill b's inherited_env (the noted variables its link map
 * reads) and, under --clean-env, dropped_env.  A variable found only now in the libraries'
 * strings was seen by their constructors: under --clean-env it is removed and the worker
 * re-executes itself (same arguments; the dropped list travels in BLASBENCH_ENV_DROPPED), so
 * the library loads without it.  Returns only when nothing is left to drop. */
void bb_worker_env_record(bb_backend *b);

#endif
