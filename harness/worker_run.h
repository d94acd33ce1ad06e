/* The worker's `run` task: measure a job's cells on one backend configuration (worker_run.c). */
#ifndef BB_HARNESS_WORKER_RUN_H
#define BB_HARNESS_WORKER_RUN_H

/* Returns the worker's exit code: 0, or 1 when the backend could not be loaded. */
int bb_worker_task_run(const char *jobfile);

#endif
