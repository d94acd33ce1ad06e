/*
 * What the two halves of the engine share: engine.c plans a run (host, cells, groups, resume)
 * and engine_group.c runs one group through its workers and records the outcomes.  A group is
 * one backend spec at one thread count with one co-loaded OpenMP runtime (or none): one
 * worker process, restarted after a crash or hang for the cells left.
 */
#ifndef BB_HARNESS_ENGINE_INTERNAL_H
#define BB_HARNESS_ENGINE_INTERNAL_H

#include "db/db.h"
#include "harness/engine/engine.h"
#include "harness/engine/disturb.h"
#include "harness/engine/engine_report.h"
#include "harness/host/peak/peak.h"
#include "harness/worker/worker.h"

/* A cell of the plan.  An ok cell is measured in several passes, each in a fresh worker; it is
 * recorded after each pass, as "partial" until the last, so an interrupt keeps the passes that
 * finished (and a resumed run starts from them); any other outcome is recorded at once. */
typedef struct bb_engine_cell {
	const bb_cell_workload *c;
	char key[400];   /* cell key */
	char wkey[256];  /* workload key (what the worker parses) */
	int done;        /* 1 recorded; 2 refused for its memory, recorded as skipped at the end */
	int passes;      /* passes measured so far */
	int target;      /* passes to measure: --passes, more when a judge asks */
	int recorded_ok; /* recorded as ok once: later passes replace that row */
	size_t result_row; /* its row in the summary, when recorded_ok */
	double *samples; /* of all passes so far */
	int *sample_pass; /* the pass of each sample */
	size_t n_samples;
	double pass_median[BB_ENGINE_PASS_SLOTS];
	bb_db_pass pass_info[BB_ENGINE_PASS_SLOTS]; /* how the host behaved in each pass */
	int disturbed[BB_ENGINE_PASS_SLOTS];        /* the passes flagged, n_disturbed of them */
	size_t n_disturbed;
	bb_steal_mark steal0; /* at the cell's start in the current pass */
} bb_engine_cell;

typedef struct bb_engine_state {
	const bb_engine_opts *o;
	bb_db *db;
	int64_t run_id;
	bb_peak_choice peak_choice; /* the run's peak: measured, judged, the figure chosen */
	bb_peak peak; /* the figure percentages are computed against (zeroed: none, "?") */
	int cores;
	bb_engine_results results;
	size_t total, finished; /* passes to measure, and measured */
	size_t partial_passes;  /* passes a resumed run's partial cells already had */
	int db_errors; /* writes that failed: the run cannot claim to be complete */
	int worker_seq; /* workers started so far: the seq of a pass */
	int counters_noted; /* the "what is not counted" note is said once per run */
	double t0;
	int tty;
	int quiet;    /* no progress, no notes (--json or --quiet) */
	int failures; /* cells recorded neither ok nor skipped, for the progress line */
} bb_engine_state;

typedef struct bb_engine_group {
	bb_engine_state *e;
	bb_worker *w;
	const bb_backend_spec *spec;
	int threads;
	const char *omp;     /* the co-loaded OpenMP runtime, NULL none */
	bb_engine_cell *cells;
	size_t n;
	int64_t *backend_id; /* shared by the groups of one spec */
	int pass;            /* the pass being run: cells with passes == pass take part */
	int current;         /* index of the cell the worker is on, -1 none */
	char *load_error;    /* the worker could not load the backend */
	char *omp_error;     /* the worker could not load the OpenMP runtime */
	int started_any;
	int seq;             /* the current worker's place in the run (bb_db_pass.seq) */
	double calib;        /* its calibration spin before it started (disturb.h) */
	/* from the worker's reports, kept for the record of every cell of the group */
	int backend_known;   /* a backend record arrived */
	char *backend_omp;   /* the OpenMP runtime the backend links (soname), NULL none */
	char *omp_realpath;  /* where the co-loaded runtime came from */
	int omp_shared;      /* the backend uses that same copy (1), not (0), unknown (-1) */
} bb_engine_group;

/* Run one pass of a group: restart the worker after each crash or hang until every cell of
 * the pass has an outcome.  Returns -1 if the run was interrupted. */
int bb_engine_group_run(bb_engine_group *g);
/* Record the passes of a cell of g measured so far, as a partial cell. */
void bb_engine_record_partial(bb_engine_group *g, bb_engine_cell *pc, const bb_json *cell);
/* Record one outcome of a cell of g (database first, then the summary); see engine_group.c. */
void bb_engine_record(bb_engine_group *g, bb_engine_cell *pc, const char *status, const char *error,
		      const bb_json *cell);
void bb_engine_group_release(bb_engine_group *g);

#endif
