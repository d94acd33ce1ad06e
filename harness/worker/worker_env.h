/* What every worker task does before loading anything (harness/worker/worker_env.c): read its JSON
 * job file, and set the environment a library reads only at load time. */
#ifndef BB_HARNESS_WORKER_ENV_H
#define BB_HARNESS_WORKER_ENV_H

#include <stddef.h>

#include "backends/spec.h"
#include "common/json.h"

/* Read and parse a job file; NULL with the reason in err.  Free with bb_json_free(). */
bb_json *bb_worker_read_job(const char *path, char *err, size_t errlen);
/* Set the thread-count variables of every known threading layer to `threads` (when > 0), then
 * the spec's own VAR=VALUE pairs, which therefore win. */
void bb_worker_set_env(const bb_backend_spec *spec, int threads);

#endif
