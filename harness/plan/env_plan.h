/*
 * The inherited environment of a planned run (run, suite, diagnose): which variables set in
 * this process the planned backends read, and which backends read each, found from the files
 * the specs name before any worker starts (backends/inherited_env.h).  It gives the one
 * warning at the top of a run's output and the run record's "inherited_env"/"clean_env"; each
 * backend's own record (from its worker's link map) is stored with the backend.
 */
#ifndef BB_HARNESS_PLAN_ENV_PLAN_H
#define BB_HARNESS_PLAN_ENV_PLAN_H

#include <stdio.h>

#include "backends/spec.h"
#include "common/json.h"

typedef struct bb_env_plan {
	bb_env_var *vars; /* in environment order */
	char **readers;   /* per variable: "openblas, blis" (the aliases that read it) */
	size_t n;
	int clean; /* --clean-env: the workers drop them */
} bb_env_plan;

/* Fill p for specs; threads > 0 when blasbench sets the thread variables itself (those are
 * then not inherited).  Release with bb_env_plan_release(). */
void bb_env_plan_build(const bb_backend_spec *specs, size_t n_specs, int threads, int clean,
                       bb_env_plan *p);
void bb_env_plan_release(bb_env_plan *p);

/* The one warning (nothing when no variable is read): "inherited from the environment and
 * kept: OPENBLAS_CORETYPE=Haswell (read by openblas); --clean-env measures the libraries'
 * defaults", or under --clean-env what the workers drop. */
void bb_env_plan_warn(const bb_env_plan *p, FILE *f);

/* "clean_env": bool, "inherited_env": {VAR: value} (kept; {} under --clean-env) and, under
 * --clean-env, "dropped_env": {...}, as keys of the object being written. */
void bb_env_plan_json(const bb_env_plan *p, bb_json_writer *w);

#endif
