/*
 * Workloads: a routine x precision x shape x data, with its flop count (LAPACK Working Note
 * 41), its memory need, the call through a backend's probed ABI, and the check of its result.
 * workloads/catalog.def lists the workloads once; it drives spec parsing, flop counts, `help`
 * text and the presets.  workloads/ knows nothing about timing or SQLite.
 *
 * Life of one cell (in a worker):
 *   bb_instance *in = bb_instance_create(def, prec, &shape, backend, copies, seed, err, len);
 *   bb_instance_reset(in);           untimed: (re)build every copy's inputs (in-place routines)
 *   bb_instance_run(in, i);          one call on copy i (0 <= i < copies): what is timed
 *   bb_instance_check(in, &res, why, len);   the result of the last run on copy 0 is right?
 *   bb_instance_destroy(in);
 * Routines that overwrite their inputs (trsv, trsm, LAPACK) need a reset before each copy is
 * run again; the others may be run repeatedly on copy 0.
 */
#ifndef BB_WORKLOADS_WORKLOAD_H
#define BB_WORKLOADS_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "backends/backend.h"

/* Shape parameters.  0 / '\0' means "not given": bb_shape_complete() fills defaults. */
typedef struct bb_shape {
	long m, n, k;  /* dimensions; their meaning per workload is in catalog.def */
	long nrhs;     /* gesv: right-hand sides */
	long inc;      /* BLAS-1/2 vector stride (default 1) */
	long lda, ldb, ldc; /* leading dimensions (default: tight) */
	char ta, tb;   /* 'N', 'T', 'C' */
	char side;     /* 'L', 'R' */
	char uplo;     /* 'U', 'L' */
	char diag;     /* 'N', 'U' */
	char jobz;     /* syevd: 'V' or 'N'; gesdd: 'A', 'S', 'O', 'N' */
} bb_shape;

typedef struct bb_instance bb_instance;

/* One workload.  `routine[p]` is the function-table slot for precision p in "sdcz" order
 * (BB_ROUTINE_COUNT where the precision does not exist). */
typedef struct bb_workload {
	const char *name;       /* "gemm" */
	const char *family;     /* "blas1", "blas2", "blas3", "lapack" */
	const char *keys;       /* shape keys users may give, e.g. "m,n,k,ta,tb,lda,ldb,ldc" */
	const char *summary;    /* one line for help */
	bb_routine routine[4];
	int in_place;           /* the call overwrites its inputs */
	/* Fill the unset fields of s from s->n (the "size") and the workload's defaults. */
	void (*complete)(bb_shape *s);
	/* Refuse shapes the routine cannot take; 0 or -1 with a reason. */
	int (*validate)(const bb_shape *s, char *why, size_t len);
	double (*flops)(char prec, const bb_shape *s);   /* per call, LAWN 41 */
	double (*bytes)(char prec, const bb_shape *s);   /* memory one copy needs, bytes */
	bb_instance *(*create)(const struct bb_workload *w, char prec, const bb_shape *s,
			       bb_backend *b, int copies, uint64_t seed, char *err, size_t errlen);
} bb_workload;

/* The instance header every workload's instance starts with. */
struct bb_instance {
	const bb_workload *w;
	char prec;
	bb_shape shape;
	bb_backend *backend;
	int copies;
	void (*reset)(bb_instance *in);
	void (*run)(bb_instance *in, int copy);
	int (*check)(bb_instance *in, double *residual, char *why, size_t len); /* 0 ok, 1 wrong */
	void (*destroy)(bb_instance *in);
};

/* Catalog: every workload of catalog.def, in its order; bb_workload_at() returns NULL when
 * i >= bb_workload_count(). */
size_t bb_workload_count(void);
const bb_workload *bb_workload_at(size_t i);
const bb_workload *bb_workload_find(const char *name);  /* "gemm" */
const char *bb_workload_suggest(const char *name);      /* closest name, or NULL */
int bb_prec_index(char prec);                            /* 's'->0 ... 'z'->3, -1 otherwise */
/* Routine name for a precision ("dgemm", "zheevd", "cgeru", "dznrm2"), or NULL. */
const char *bb_workload_routine_name(const bb_workload *w, char prec);

/* Thin wrappers over the instance's function pointers. */
bb_instance *bb_instance_create(const bb_workload *w, char prec, const bb_shape *s,
				bb_backend *b, int copies, uint64_t seed, char *err, size_t errlen);
void bb_instance_reset(bb_instance *in);
void bb_instance_run(bb_instance *in, int copy);
int bb_instance_check(bb_instance *in, double *residual, char *why, size_t len);
void bb_instance_destroy(bb_instance *in);

/* ---- workload specs (`dgemm`, `gemm`, `dgemm:n=64..4096`, `dgemm:m=20000,n=32,k=32,ta=T`) */

/* One concrete cell workload: which workload, which precision, which shape. */
typedef struct bb_cell_workload {
	const bb_workload *w;
	char prec;
	bb_shape shape;   /* completed */
} bb_cell_workload;

/* A stable text key for a cell workload, used to match cells across runs:
 * "dgemm:m=1000,n=1000,k=1000,ta=N,tb=N" (only the workload's keys, in catalog order). */
void bb_cell_workload_key(const bb_cell_workload *c, char *buf, size_t len);

/* Expand a list of workload specs (comma-separated; a comma-separated item with '=' and no ':'
 * continues the previous spec) into cells.  `sizes` (NULL: not given; "" is an error) is the --sizes shorthand:
 * comma-separated values or A..B ranges for n, applied to specs that give no n.  Geometric
 * ranges double: 64..4096 = 64,128,...,4096.  Returns 0 and a malloc'd array the caller frees,
 * or -1 with a reason (unknown workload with the closest name, a key the workload does not
 * take, a bad value, a value above LONG_MAX, more than 100000 cells in all). */
int bb_workload_specs_expand(const char *specs, const char *sizes, bb_cell_workload **out,
			     size_t *n, char *err, size_t errlen);

#endif
