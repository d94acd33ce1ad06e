/*
 * The read side of `blasbench report`: one run loaded whole for an HTML page — the run record,
 * its host (host and peak JSON as stored), its backends with their probed records, and every cell
 * with its summary statistics and scenario parameters.  Raw samples are not loaded (the charts
 * use each cell's recorded median and CI; comparisons go through db/compare_query.c).  The
 * database is opened read-only and closed again before returning.
 */
#ifndef BB_DB_REPORT_QUERY_H
#define BB_DB_REPORT_QUERY_H

#include <stddef.h>
#include <stdint.h>

typedef struct bb_db_report_backend {
	int64_t id;
	char *alias;
	char *spec;
	char *record_json; /* the probed record (backends/backend_json.c); NULL if none stored */
} bb_db_report_backend;

typedef struct bb_db_report_cell {
	int64_t id;
	size_t backend;         /* index into bb_db_report_run.backends */
	char *workload_key;     /* "dgemm:m=64,n=64,k=64,ta=N,tb=N" */
	char *routine;          /* "dgemm" */
	char prec;              /* 's', 'd', 'c', 'z' ('?' if the column was empty) */
	long m, n, k;
	int threads;            /* requested */
	int threads_effective;  /* read back from the library, 0 unknown */
	char *omp_runtime;      /* NULL none */
	char *params_json;      /* scenario/environment parameters, NULL none */
	char *status;           /* ok, wrong, crash, hang, error, skipped */
	char *error;            /* NULL when ok */
	double flops;           /* per call; NAN unknown */
	double median_s, min_s, mad_s, ci_low_s, ci_high_s; /* per call; NAN without samples */
	double gflops, pct_peak; /* NAN when not ok or no peak */
	double residual;         /* NAN if none */
	int n_samples;
} bb_db_report_cell;

/* A host of the database: a merged database holds several, grouped by CPU model (the host
 * class) in the report. */
typedef struct bb_db_report_host {
	char *fingerprint;
	char *hostname, *cpu_model; /* from its host record; NULL unknown */
	double peak_d, peak_s;      /* its best measured FP64/FP32 peak over every ISA level, all
				     * cores (GFLOP/s); NAN when never measured */
	int peak_threads;           /* threads of those figures, 0 unknown */
	int runs;                   /* its runs in the database */
	double best_gflops;         /* the fastest ok cell of those runs, NAN none */
} bb_db_report_host;

typedef struct bb_db_report_run {
	int64_t id;
	char *db_path;
	/* run record; label, finished, options_json may be NULL */
	char *label, *kind, *status, *command, *version, *started, *finished, *options_json;
	/* host record; all NULL when the host row is missing, peak_json NULL when never measured */
	char *host_fingerprint, *host_json, *peak_json;
	bb_db_report_backend *backends; /* by id */
	size_t n_backends;
	bb_db_report_cell *cells;       /* by id */
	size_t n_cells;
	bb_db_report_host *hosts;       /* every host of the database, by CPU model and name */
	size_t n_hosts;
} bb_db_report_run;

/* Open `path` read-only, resolve `ref` (an id, "latest" or a label: bb_db_run_resolve()) and
 * load that run into *out.  Returns 0 (caller frees with bb_db_report_run_release()), or -1
 * with the reason in err ("no run 'x' in 'f.db' (runs: 1..3)", "cannot open database ...")
 * and *out zeroed. */
int bb_db_report_run_load(const char *path, const char *ref, bb_db_report_run *out, char *err,
			  size_t errlen);
void bb_db_report_run_release(bb_db_report_run *r);

#endif
