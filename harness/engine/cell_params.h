/*
 * The parameters of a measured cell beyond its workload and thread count: how many passes it
 * took, whether it asked for more threads than the host has cores, the OpenMP runtime
 * co-loaded next to the backend, and the wait-policy knobs in effect for its worker.  They are
 * stored as one JSON object (cell.params_json) built in one function, bb_cell_params_json(),
 * so keys added later land in the same object:
 *   {"threads":4,"passes":3,"oversubscribed":true,"cores":2,"omp":"llvm",
 *    "omp_realpath":"/usr/lib/llvm-16/lib/libomp.so.5","omp_shared":false,
 *    "env":{"OMP_WAIT_POLICY":"passive"}}
 * Keys that do not apply are left out ("oversubscribed" only when true, "omp..." only with a
 * runtime, "env" only when a knob is set).
 */
#ifndef BB_HARNESS_CELL_PARAMS_H
#define BB_HARNESS_CELL_PARAMS_H

#include <stddef.h>

#include "backends/spec.h"

/* The wait-policy knobs recorded with each cell, once: how long idle OpenMP / BLAS threads
 * spin before they sleep, which decides what a co-running pool costs. */
#define BB_WAIT_VARS(X)                                                                            \
	X("OMP_WAIT_POLICY")                                                                       \
	X("GOMP_SPINCOUNT")                                                                        \
	X("OPENBLAS_THREAD_TIMEOUT")                                                               \
	X("KMP_BLOCKTIME")

#define BB_CELL_ONE(v) +1
enum { BB_WAIT_VARS_COUNT = 0 BB_WAIT_VARS(BB_CELL_ONE) };
#undef BB_CELL_ONE

typedef struct bb_cell_params {
	int threads;              /* requested */
	int passes;               /* passes measured (0: the cell did not finish) */
	int cores;                /* the host's cores, 0 unknown: threads above it = oversubscribed */
	const char *omp;          /* the co-loaded runtime ("gomp", "llvm", "intel" or a path), NULL none */
	const char *omp_realpath; /* the file it was loaded from, NULL unknown */
	int omp_shared;           /* 1: the backend uses the same copy, 0: its own or none, -1 unknown */
	bb_env_var env[BB_WAIT_VARS_COUNT]; /* the knobs set for the worker (pointers not owned) */
	size_t n_env;
} bb_cell_params;

/* 1 when threads exceed a known core count. */
int bb_cell_oversubscribed(int threads, int cores);

/* The wait-policy knobs a worker for `spec` will see: the spec's own +VAR=VALUE (the last one
 * given wins), else the value inherited from this process's environment.  Fills p->env and
 * p->n_env with pointers into spec and the environment, in BB_WAIT_VARS order. */
void bb_cell_wait_env(const bb_backend_spec *spec, bb_cell_params *p);

/* The parameters as one JSON object; caller frees. */
char *bb_cell_params_json(const bb_cell_params *p);

/* The co-loaded runtime against the one the backend links, for the terminal.  In full (the
 * progress line): "omp=llvm (backend links libgomp.so.1: two runtimes)", "omp=gomp (backend
 * links libgomp.so.1: one shared copy)", "omp=gomp (backend links no OpenMP runtime)";
 * brief (a table column): "llvm (2 runtimes)", "gomp (shared)", "gomp".
 * backend_omp: the backend's runtime soname, NULL none; backend_known: 0 when no backend
 * record arrived (then only the name); shared as in bb_cell_params.omp_shared. */
void bb_cell_omp_describe(const char *omp, const char *backend_omp, int backend_known, int shared,
			  int brief, char *buf, size_t len);

#endif
