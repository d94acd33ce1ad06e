/*
 * A loaded BLAS/LAPACK backend: its function table (one slot per routine in routines.def, never
 * NULL) and the properties probed from its behaviour.  Everything here runs inside a worker
 * process: loading and probing may crash or hang, which costs that worker, not the run.
 *
 * Life cycle (worker side):
 *   bb_backend b; bb_backend_init(&b, &spec);
 *   bb_backend_load(&b)          resolve files, dlopen, fill the slots
 *   bb_backend_probe_abi(&b)     suffix, LP64/ILP64, return conventions, CBLAS, LAPACK
 *   bb_backend_probe_info(&b, n) family, version, config, kernel, threading, thread counts
 *   bb_backend_probe_stack(&b)   shared objects pulled in, runtimes, LAPACK's BLAS, hashes
 *   bb_backend_to_json(&b, w);   bb_backend_release(&b);
 * Each probe that cannot tell leaves the property UNKNOWN and says so in the notes; callers
 * refuse to run a routine whose ABI is unknown (bb_backend_abi_known()).
 */
#ifndef BB_BACKENDS_BACKEND_H
#define BB_BACKENDS_BACKEND_H

#include <stddef.h>

#include "backends/catalog.h"
#include "backends/spec.h"
#include "common/json.h"

typedef enum bb_layer { BB_LAYER_BLAS, BB_LAYER_LAPACK } bb_layer;
typedef enum bb_result_kind {
	BB_RESULT_VOID,
	BB_RESULT_INT,
	BB_RESULT_DOUBLE,
	BB_RESULT_REAL,
	BB_RESULT_COMPLEX,
} bb_result_kind;

typedef enum bb_routine {
#define BB_ROUTINE(n, l, r) BB_R_##n,
#include "backends/routines.def"
#undef BB_ROUTINE
	BB_ROUTINE_COUNT
} bb_routine;

typedef struct bb_routine_info {
	const char *name;
	bb_layer layer;
	bb_result_kind result;
} bb_routine_info;

extern const bb_routine_info bb_routines[BB_ROUTINE_COUNT];

typedef void (*bb_fn)(void);

/* One function-table slot.  An absent routine points at bb_routine_unsupported(), which
 * aborts with a message: a slot is never NULL and never silently something else. */
typedef struct bb_slot {
	bb_fn fn;
	int supported;
	char symbol[64]; /* the symbol it was found under ("dgemm_"), "" if unsupported */
} bb_slot;

void bb_routine_unsupported(void);

typedef enum bb_tri { BB_UNKNOWN = -1, BB_NO = 0, BB_YES = 1 } bb_tri;

/* How REAL functions (sdot, snrm2) return: gfortran returns float, f2c/g77 double. */
typedef enum bb_real_return { BB_REAL_UNKNOWN, BB_REAL_FLOAT, BB_REAL_DOUBLE } bb_real_return;
/* How COMPLEX functions (zdotc) return: in registers, or through a hidden first argument. */
typedef enum bb_complex_return {
	BB_COMPLEX_UNKNOWN,
	BB_COMPLEX_REGISTERS,
	BB_COMPLEX_HIDDEN_ARG,
} bb_complex_return;

/* One shared object in the backend's stack graph. */
typedef struct bb_object {
	char *path;     /* as loaded (link map name) */
	char *realpath; /* symlinks resolved */
	char *soname;   /* DT_SONAME, or NULL */
	char **needed;  /* DT_NEEDED names */
	size_t n_needed;
	long long size;
	char sha256[65]; /* "" when not hashed */
	int own;         /* one of the backend's own files (not a dependency) */
} bb_object;

#define BB_MAX_HANDLES 6

typedef struct bb_backend {
	bb_backend_spec spec;
	const bb_catalog_entry *entry; /* NULL when the spec names a path */

	/* what was dlopen'ed, in order: preloads (global), then the backend's own files */
	char *files[BB_MAX_HANDLES];
	void *handles[BB_MAX_HANDLES];
	int own[BB_MAX_HANDLES]; /* 1: the backend's file; 0: a preloaded dependency; -1: loaded
				  * only to satisfy a name another file needs, never searched */
	size_t n_files;
	/* a LAPACK layered on the BLAS (spec +lapack=, or the catalog's partner): its index in
	 * files[] (-1 none) and what it is ("flame", a path); LAPACK routines come from it first */
	int lapack_file;
	char *lapack_layer;

	bb_slot slots[BB_ROUTINE_COUNT];

	/* ABI (bb_backend_probe_abi): symbol = prefix + routine + suffix ("" "dgemm" "_") */
	char prefix[16];
	char suffix[8];
	bb_tri suffix_known;
	int int_bits; /* 32 (LP64), 64 (ILP64), 0 unknown */
	bb_real_return real_return;
	bb_complex_return complex_return;
	bb_tri cblas;
	bb_tri lapack;

	/* configuration (bb_backend_probe_info); NULL = unknown */
	char *family;   /* "openblas", "blis", "mkl", "atlas", "libflame", "blasbench", NULL */
	char *version;
	char *config;   /* build configuration string as the library states it */
	char *kernel;   /* selected kernel / architecture */
	char *lapack_version;
	char *threading;  /* "pthreads", "openmp", "serial", NULL unknown */
	char *thread_api; /* the call used to set threads */
	int threads_default;   /* before blasbench set anything; 0 unknown */
	int threads_requested; /* what blasbench asked for; 0 if it did not ask */
	int threads_effective; /* read back after setting; 0 unknown */
	int tasks_at_init;     /* threads of the process before loading (bb_backend_init) */
	int threads_started;   /* threads after one dgemm, before blasbench set a count; 0 unknown */
	int threads_from_env;  /* the worker set the thread variables before loading */
	int cpus_allowed;      /* the CPUs the process may use, set by the caller; 0 unknown */
	char *limits_json;     /* the process's limits as a JSON object, set by the caller */

	/* stack (bb_backend_probe_stack) */
	bb_object *objects;
	size_t n_objects;
	char *omp_runtime;     /* soname of the OpenMP runtime in the stack, NULL if none */
	char *fortran_runtime; /* soname of the Fortran runtime, NULL if none */
	char *lapack_blas;     /* file LAPACK's dgemm reference resolved to, NULL if no LAPACK */

	/* inherited environment (filled by the worker, backends/inherited_env.h): variables set in
	 * the process that this stack reads, apart from the spec's and blasbench's own */
	bb_env_var *inherited_env; /* kept: the library saw them */
	size_t n_inherited_env;
	bb_env_var *dropped_env; /* --clean-env: removed before loading */
	size_t n_dropped_env;
	int clean_env;

	char **notes; /* what the probes could not tell or found odd, for the record */
	size_t n_notes;
} bb_backend;

void bb_backend_init(bb_backend *b, const bb_backend_spec *spec);
void bb_backend_release(bb_backend *b);
void bb_backend_note(bb_backend *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Each returns 0, or -1 with a one-line reason in err (the backend cannot be used). */
int bb_backend_load(bb_backend *b, char *err, size_t errlen);
int bb_backend_probe_abi(bb_backend *b, char *err, size_t errlen);
void bb_backend_probe_info(bb_backend *b, int want_threads);
void bb_backend_probe_stack(bb_backend *b);
/* Call dgemm once (large enough to start the library's pool) and count the threads started
 * into threads_started (pool.c).  Called by bb_backend_probe_info() before it sets a count. */
void bb_backend_probe_pool(bb_backend *b);
/* Threads of this process (/proc/self/task); 0 if unreadable. */
int bb_process_threads(void);
/* The variable that sets the thread count of a library of this family and threading layer
 * ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", ...), NULL if none is known. */
const char *bb_thread_variable(const char *family, const char *layer);
/* "starts 2 threads by default, more than the 1 CPU ...; set OPENBLAS_NUM_THREADS=1" when
 * started > allowed (both known), else NULL; "by default" becomes "(VAR=N is set in its
 * environment)" when this process has the variable.  Caller frees. */
char *bb_pool_flag(const char *family, const char *layer, int started, int allowed);

/* Called with the name of each probe step before it starts, so a crash can be placed
 * ("crashed while probing integer width").  NULL: nobody listens. */
extern void (*bb_backend_stage_hook)(const char *stage);
void bb_backend_stage(const char *stage);

/* 1 when the backend provides routine r and every ABI property a call to it needs is known
 * (integer width always; the return convention for REAL and COMPLEX functions). */
int bb_backend_abi_known(const bb_backend *b, bb_routine r);
/* Set the library's thread count through its own API; returns the count read back, 0 unknown. */
int bb_backend_set_threads(bb_backend *b, int n);
int bb_backend_get_threads(bb_backend *b);

/* Look up `base` + the probed suffix in the backend's files (own files first). */
void *bb_backend_sym(const bb_backend *b, const char *base);
/* The LAPACK layered on a catalog BLAS entry e for spec: the spec's +lapack=, else e's partner;
 * NULL for none (also for "none"). */
const char *bb_backend_lapack_layer(const bb_backend_spec *spec, const bb_catalog_entry *e);
/* Look up an exact symbol name in the backend's files, own files first; NULL if absent. */
void *bb_backend_sym_exact(const bb_backend *b, const char *name);
/* A vendor entry point ("openblas_get_config") under its plain name or renamed with the probed
 * prefix and the build's symbol suffix (scipy_openblas_get_config64_); NULL if absent.
 * The _in form looks only in file i.  Needs bb_backend_probe_abi() first for the renamed form. */
void *bb_backend_sym_vendor(const bb_backend *b, const char *name);
void *bb_backend_sym_vendor_in(const bb_backend *b, size_t i, const char *name);

void bb_backend_to_json(const bb_backend *b, bb_json_writer *w);

#endif
