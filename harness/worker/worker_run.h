/* The worker's tasks (worker_run.c): probe one backend; measure a job's cells on one backend
 * configuration. */
#ifndef BB_HARNESS_WORKER_RUN_H
#define BB_HARNESS_WORKER_RUN_H

#include "backends/backend.h"

/* Returns the worker's exit code: 0, or 1 when the backend could not be loaded. */
int bb_worker_task_run(const char *jobfile);
/* Returns 0, or 1 when the backend could not be loaded or probed (reported as an error line). */
int bb_worker_task_probe(const char *spec_text, int threads);

/* Emit {"type":"backend","backend":{...}}: the probed record of a loaded backend. */
void bb_worker_emit_backend(const bb_backend *b);

#endif
