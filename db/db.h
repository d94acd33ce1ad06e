/*
 * The results database: SQLite, schema versioned with PRAGMA user_version and identified by
 * PRAGMA application_id, forward-only migrations, WAL mode and a busy timeout so several runs
 * can share one file.  The controller is the only writer; each finished cell is committed in
 * its own short transaction with its samples and counters.  Every outside string is bound as
 * a parameter, never pasted into SQL.
 *
 * Tables (see db/schema.c): host, run, backend, cell, sample, counter.
 */
#ifndef BB_DB_DB_H
#define BB_DB_DB_H

#include <stddef.h>
#include <stdint.h>

#include "common/owner.h"

typedef struct bb_db bb_db;

/* Default path: $BLASBENCH_DB when set (even empty: bb_db_path_check() refuses that), else
 * "blasbench.db" in the current directory. */
const char *bb_db_default_path(void);
/* Whether path names a database file that outlives the process.  SQLite would take '' and
 * ':memory:' as a temporary database and a name starting 'file:' as a URI (which can say
 * mode=memory): a run recorded there is lost when blasbench exits.  Returns 0, or -1 with
 * the reason in err ("cannot use database '': the name is empty").  bb_db_open() and
 * bb_db_open_readonly() check it too. */
int bb_db_path_check(const char *path, char *err, size_t errlen);

/* Open (creating and migrating as needed).  Refuses a path bb_db_path_check() refuses and,
 * leaving the file untouched, a file that is not SQLite, a SQLite database that is not
 * blasbench's (other application_id, or tables but no id), and one from a newer schema.  The
 * path is protected from every output of the process (bb_output_protect(); so is that of
 * bb_db_open_readonly()).  Returns 0, or -1 with the reason in err. */
int bb_db_open(const char *path, bb_db **out, char *err, size_t errlen);
/* Open an existing database read-only for queries (runs, compare, report); same refusals;
 * never creates or migrates.  A database at an older schema (from 1 on) is read as it is:
 * what later schemas added reads as unknown (a run's owner). */
int bb_db_open_readonly(const char *path, bb_db **out, char *err, size_t errlen);
/* Open an existing database for `runs`: read-write (migrating an older schema, which is what
 * the read-only open's hint tells users to do) when this process can write it and its
 * directory, else read-only.  Never creates a file.  Returns 0, or -1 with the reason in err. */
int bb_db_open_upgrade(const char *path, bb_db **out, char *err, size_t errlen);
void bb_db_close(bb_db *db);
const char *bb_db_path(const bb_db *db);
int bb_db_schema_version(void);

/* ---- writes (each its own transaction; -1 with err on failure) ------------------------- */

/* The host record, keyed by fingerprint; the newest JSON wins.  *id gets the row id. */
int bb_db_host_upsert(bb_db *db, const char *fingerprint, const char *host_json,
		      const char *peak_json, int64_t *id, char *err, size_t errlen);

typedef struct bb_db_run_new {
	int64_t host_id;
	const char *label;        /* may be NULL */
	const char *command;      /* the command line as typed */
	const char *kind;         /* "run", "suite", "diagnose", "gate" */
	const char *options_json; /* what is needed to plan the same run again (--resume) */
	const char *version;      /* blasbench version */
	const bb_owner *owner;    /* the process measuring it (bb_owner_self()); NULL unknown */
} bb_db_run_new;

/* A new run with status "running".  *id gets the run id.  Refuses (-1, the reason in err) a
 * label bb_db_label_check() refuses; that check is repeated under the write lock. */
int bb_db_run_begin(bb_db *db, const bb_db_run_new *r, int64_t *id, char *err, size_t errlen);
/* Can a new run take this label (NULL: no label, always)?  Not when it is empty, reads as a
 * run reference (a number, 'latest') or is already some run's: a label names one run.
 * Returns 0, 1 with the reason in err ("... label 'x' is taken by run 3 ..."), or -1 with
 * err on a database error.  Callers check before measuring, to refuse before any work. */
int bb_db_label_check(bb_db *db, const char *label, char *err, size_t errlen);
/* Take over run_id to measure more of it (--resume): in one transaction, refuse it while its
 * status is "running" and its owner is alive or cannot be judged from here (another host),
 * else record `self` as its owner and mark it running.  A run recorded without an owner (by
 * an older blasbench) is taken over.  Returns 0 taken; 1 refused, with *holder the owner it
 * has (and err saying why); -1 with err on a database error. */
int bb_db_run_claim(bb_db *db, int64_t run_id, const bb_owner *self, bb_owner *holder, char *err,
		    size_t errlen);
/* status: "running", "complete", "interrupted", "failed"; also sets finished time unless running.
 * Returns 0, or -1 with err = "cannot mark run N STATUS in 'PATH': cause" (the run unchanged). */
int bb_db_run_set_status(bb_db *db, int64_t run_id, const char *status, char *err, size_t errlen);

/* A backend of a run: its spec, alias and full probed record (JSON).  Returns 0 with *id set,
 * or -1 with err = "cannot record backend 'ALIAS' of run N in 'PATH': cause". */
int bb_db_backend_add(bb_db *db, int64_t run_id, const char *alias, const char *spec,
		      const char *record_json, int64_t *id, char *err, size_t errlen);

typedef struct bb_db_counter {
	const char *name;
	double value;
	const char *unit;
} bb_db_counter;

/* One finished cell with its raw samples and counters, in one transaction. */
/* How one pass of a cell went (the pass table, schema 5): when it ran among the run's workers
 * (seq), what the host took meanwhile, and whether that disturbed it. */
typedef struct bb_db_pass {
	int pass;
	int seq;        /* the run's n-th worker start (the interleaved order), -1 unknown */
	double steal;   /* share of the CPUs' time the hypervisor stole during it; NAN unknown */
	double calib;   /* CPU time / wall time of the controller's calibration spins; NAN */
	int disturbed;  /* steal or calibration beyond the limits (harness/engine/disturb.c) */
} bb_db_pass;

typedef struct bb_db_cell {
	int64_t run_id;
	int64_t backend_id;
	const char *cell_key;     /* identity within a run: alias|workload|threads|omp|params */
	const char *workload_key; /* "dgemm:m=...,n=...,k=...,ta=N,tb=N" */
	const char *routine;      /* "dgemm" */
	char prec;                /* 's', 'd', 'c', 'z' */
	long m, n, k;
	int threads;              /* requested */
	int threads_effective;    /* read back from the library, 0 unknown */
	const char *omp_runtime;  /* co-loaded OpenMP runtime, NULL none */
	const char *params_json;  /* scenario/environment parameters, NULL none */
	const char *status;       /* ok, wrong, crash, hang, error, skipped; partial: some of its
				   * passes measured, more to come (no speed: not a result) */
	const char *error;        /* reason for anything but ok, else NULL */
	double flops;             /* per call */
	int calls_per_sample;
	double median_s, min_s, mad_s, ci_low_s, ci_high_s; /* per call; NAN if no samples */
	double gflops, pct_peak;  /* NAN when not ok */
	double residual;          /* the check's scaled residual, NAN if none */
	const double *samples;    /* seconds per call, in the order taken */
	const int *sample_pass;   /* the pass (0, 1 ...) that took each sample; NULL unknown */
	size_t n_samples;
	const bb_db_counter *counters;
	size_t n_counters;
	const struct bb_db_pass *passes; /* how each pass went (schema 5); may be NULL */
	size_t n_passes;
	int replace; /* a cell measured again (more passes): its earlier row of any status goes */
} bb_db_cell;

/* Write a cell; a partial cell already recorded under its key is replaced (its samples and
 * counters with it), any other is refused ("it is already recorded in run N"). */
int bb_db_cell_add(bb_db *db, const bb_db_cell *c, int64_t *id, char *err, size_t errlen);

/* ---- queries ------------------------------------------------------------------------- */

typedef struct bb_db_run_info {
	int64_t id;
	char *label, *kind, *status, *started, *finished, *command, *backends, *options_json;
	char *host_fingerprint;
	char *host_name; /* the hostname its host record gives; may be NULL */
	int cells, cells_ok, cells_failed; /* failed = wrong + crash + hang + error */
	int cells_partial;                 /* some passes measured (interrupted): not results */
	bb_owner owner; /* the process measuring it; pid 0 when not recorded */
} bb_db_run_info;

/* Whether a run is being measured: its status as stored, except that a "running" run whose
 * controller has ended is "abandoned".  Fills buf with the status for a person: "running",
 * "abandoned (controller 1234 gone)", "running (controller 1234 on host H)", "complete"...
 * Returns the one-word status ("abandoned" or the stored one). */
const char *bb_db_run_liveness(const bb_db_run_info *ri, bb_owner_state *state, char *buf,
			       size_t len);

/* All runs, oldest first.  Caller frees with bb_db_run_infos_free(). */
int bb_db_runs(bb_db *db, bb_db_run_info **out, size_t *n, char *err, size_t errlen);
void bb_db_run_infos_free(bb_db_run_info *runs, size_t n);
/* A run by reference: a number (id), "latest", or a label.  A label names one run (a new run
 * cannot take one already used); in a database from before that rule, the newest run with it. */
int bb_db_run_resolve(bb_db *db, const char *ref, int64_t *run_id, char *err, size_t errlen);
/* One run; caller frees its strings with bb_db_run_info_release(). */
int bb_db_run_get(bb_db *db, int64_t run_id, bb_db_run_info *out, char *err, size_t errlen);
/* Free the strings of one bb_db_run_info (from bb_db_run_get) and zero it. */
void bb_db_run_info_release(bb_db_run_info *ri);
/* The id of a run's backend by alias (*id = 0 when the run has none): a resumed run files its
 * new cells under the backend row it already has. */
int bb_db_backend_find(bb_db *db, int64_t run_id, const char *alias, int64_t *id, char *err,
		       size_t errlen);
/* Cell keys already recorded for a run, partial cells excepted (resume skips them).  Caller
 * frees each and the array. */
int bb_db_cell_keys(bb_db *db, int64_t run_id, char ***keys, size_t *n, char *err, size_t errlen);

/* A cell of which some passes are recorded (status "partial"): resume measures the rest. */
typedef struct bb_db_partial {
	char *cell_key;
	double *samples; /* in the order taken */
	int *pass;       /* the pass of each sample */
	size_t n_samples;
} bb_db_partial;

/* The partial cells of a run.  Caller frees with bb_db_partials_free(). */
int bb_db_partials(bb_db *db, int64_t run_id, bb_db_partial **out, size_t *n, char *err,
		   size_t errlen);
void bb_db_partials_free(bb_db_partial *p, size_t n);

/* The stored peak JSON of the host with this fingerprint: *peak_json = malloc'd text, or NULL
 * when the host is unknown or has no peak.  Returns 0, or -1 with err on a database error. */
int bb_db_host_peak(bb_db *db, const char *fingerprint, char **peak_json, char *err, size_t errlen);

/* The raw handle, for queries reports build themselves (read-only use). */
struct sqlite3 *bb_db_handle(bb_db *db);

/* ---- merge: many databases into one (db/merge.c) -------------------------------------- */

typedef struct bb_db_merge bb_db_merge;

/* What one input brought: runs added, replaced (the input's copy was further along) and
 * skipped (already there), and the cells and samples copied. */
typedef struct bb_db_merge_stats {
	long long runs_added, runs_replaced, runs_skipped, cells, samples;
} bb_db_merge_stats;

/* The merged database, counted once it is complete. */
typedef struct bb_db_merge_totals {
	long long hosts, runs, cells, samples;
} bb_db_merge_totals;

/* Can `path` be merged?  Refuses (-1, err naming it) what bb_db_open_readonly() refuses (not
 * SQLite, not blasbench's, newer schema, empty) and a database that fails PRAGMA quick_check
 * or lacks a table.  Reads only. */
int bb_db_merge_check(const char *path, char *err, size_t errlen);
/* Start merging into `out` (which may not exist yet): the work is done in a temporary file
 * beside it, a copy of out migrated to this schema (out itself is checked as bb_db_open()
 * does, migrated in place, and otherwise not written).  Returns 0 with *m, or -1 with err. */
int bb_db_merge_begin(const char *out, bb_db_merge **m, char *err, size_t errlen);
/* Merge one checked input, in one transaction; see db/merge.c for the identity rules.
 * Returns 0 with *s filled, or -1 with err (the merge should then be aborted). */
int bb_db_merge_add(bb_db_merge *m, const char *in, bb_db_merge_stats *s, char *err,
		    size_t errlen);
/* Check the result's foreign keys, count it into *t and rename it over out; frees m either
 * way.  Returns 0, or -1 with err and out as it was. */
int bb_db_merge_finish(bb_db_merge *m, bb_db_merge_totals *t, char *err, size_t errlen);
/* Drop the temporary file and free m (NULL is fine).  out is as it was. */
void bb_db_merge_abort(bb_db_merge *m);

/* ---- compare: the cells of a run with their samples (db/compare_query.c) ---------------- */

typedef struct bb_db_cmp_backend {
	char *alias;
	char *record_json; /* the probed backend record; NULL if none was stored */
} bb_db_cmp_backend;

typedef struct bb_db_cmp_cell {
	char *cell_key;     /* "alias|workload-key|t=N" */
	char *alias;
	char *workload_key;
	char *status;       /* ok, wrong, crash, hang, error, skipped */
	char *error;        /* NULL when ok */
	int threads;
	double median_s;    /* NAN when not ok */
	double ci_low_s, ci_high_s; /* the cell's recorded CI, which covers every pass; NAN if none */
	double *samples;    /* seconds per call, in the order taken; NULL when n_samples == 0 */
	int *sample_pass;   /* the pass of each sample; NULL when not recorded (schema < 3) */
	size_t n_samples;
	int *disturbed;     /* passes flagged disturbed (schema >= 5); NULL when none */
	size_t n_disturbed;
	size_t backend;     /* index into bb_db_cmp_run.backends */
} bb_db_cmp_cell;

typedef struct bb_db_cmp_run {
	int64_t id;
	char *db_path;
	char *label;            /* may be NULL */
	char *status;
	char *host_fingerprint; /* may be NULL */
	char *options_json;     /* the run's options (its peak is "peak"); may be NULL */
	bb_db_cmp_backend *backends;
	size_t n_backends;
	bb_db_cmp_cell *cells;  /* ordered by cell id */
	size_t n_cells;
} bb_db_cmp_run;

/* Open `path` read-only, resolve `ref` (id, "latest" or label) and load that run's backends,
 * cells and raw samples into *out.  Returns 0 (caller frees with bb_db_cmp_run_release()), or
 * -1 with the reason in err and *out zeroed. */
int bb_db_cmp_run_load(const char *path, const char *ref, bb_db_cmp_run *out, char *err,
		       size_t errlen);
void bb_db_cmp_run_release(bb_db_cmp_run *r);

/* ---- end of compare block ------------------------------------------------------------------ */

#endif
