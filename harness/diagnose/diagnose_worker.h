/* The worker's `scenario JOBFILE` task (harness/diagnose/diagnose_worker.c). */
#ifndef BB_HARNESS_DIAGNOSE_WORKER_H
#define BB_HARNESS_DIAGNOSE_WORKER_H

/* Returns the worker's exit code: 0 when the scenario result was reported, 1 otherwise. */
int bb_worker_task_scenario(const char *jobfile);

#endif
