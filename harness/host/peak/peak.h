/*
 * Measured peak floating-point rate of this host: for every kernel ISA level the CPU supports
 * and both precisions, the GFLOP/s of an FMA-throughput loop (kernels/peak_kernels.h) on one
 * core and on all cores at once.  `blasbench info` prints it, the database stores it per host,
 * and reports give each result as a percentage of it.
 *
 * Peak = the best rate observed over a few repetitions, not a mean: the loop has no memory
 * traffic, so anything slower than the best was disturbed (other processes, frequency ramp).
 * The spread of the repetitions (min, median, max) is kept with it, with the CPU time the
 * hypervisor stole and other processes used while it ran: bb_peak_judge() (peak_judge.c) tells
 * from them whether the best run can be trusted; a best run taken on a busy machine is too low,
 * and every percentage of it too high.
 */
#ifndef BB_HARNESS_HOST_PEAK_H
#define BB_HARNESS_HOST_PEAK_H

#include <stdio.h>

#include "common/json.h"
#include "kernels/isa.h"

/* Length of one timed run in seconds when bb_peak_measure() is given seconds <= 0.  The whole
 * measurement takes 10 runs (5 core + 5 all cores) per level and precision, plus calibration:
 * ~3 s for three levels. */
#define BB_PEAK_DEFAULT_SECONDS 0.05

/* GFLOP/s of the timed runs of one figure; all 0 when not known (a record from before they
 * were kept) */
typedef struct bb_peak_spread {
	double min, median, max;
} bb_peak_spread;

typedef struct bb_peak_rate {
	double core; /* GFLOP/s of one thread (the best run) */
	double all;  /* GFLOP/s of bb_peak.threads threads together (the best run) */
	bb_peak_spread core_runs, all_runs;
} bb_peak_rate;

typedef struct bb_peak {
	int threads;    /* threads of the "all" figures */
	double seconds; /* target length of one timed run */
	int repeats;    /* timed runs per figure; 0 unknown (a record from an older blasbench) */
	double steal;   /* share of the CPU time of the measurement stolen by the hypervisor
			 * (/proc/stat), NAN unknown */
	double others;  /* share of all CPUs' time used by other processes meanwhile, NAN unknown */
	char measured_at[32]; /* "2026-12-05T05:00:00Z" of the measurement (of a best-known: of
			       * its latest undisturbed one), "" unknown */
	char version[32];     /* blasbench version that measured it, "" unknown */
	int undisturbed;      /* 1 judged undisturbed (a best-known peak: one of the measurements
			       * merged in was), 0 judged disturbed, -1 not judged */
	struct {
		int measured; /* 1: the cpu supports this level and it was measured */
		bb_peak_rate d, s;
	} isa[BB_ISA_COUNT];
} bb_peak;

/*
 * Measure p for every level bb_isa_supported() accepts.  nthreads <= 0 means the number of
 * online CPUs.  Each timed run lasts about seconds (<= 0: BB_PEAK_DEFAULT_SECONDS); the "all"
 * figure starts nthreads threads together behind a barrier and divides the flops of all of
 * them by the time of the slowest.  Returns 0, or -1 with a message when a thread cannot be
 * started (p then holds what was measured before).
 */
int bb_peak_measure(bb_peak *p, int nthreads, double seconds);

/* The highest rate over the measured levels in precision prec ('s'/'d'), of one core or of all
 * cores; 0 when nothing was measured. */
double bb_peak_best(const bb_peak *p, char prec, int all_cores);

/* Write p as one JSON object: {"threads": n, "repeats": 5, "seconds": s, "steal": x,
 * "others": y, "measured_at": t, "version": v, "avx512": {"double": {"core": x, "all": y,
 * "core_runs": {"min": a, "median": b, "max": c}, "all_runs": {...}}, "single": {...}}, ...,
 * "generic": {...}}; a level not measured is null, unknown numbers are null. */
void bb_peak_to_json(const bb_peak *p, bb_json_writer *w);

/* Read back what bb_peak_to_json() wrote (levels absent or null are not measured).  Returns 0,
 * or -1 (p zeroed) when json is NULL or not such an object. */
int bb_peak_from_json(const char *json, bb_peak *p);
/* The same from a parsed value (a member of a larger document). */
int bb_peak_from_json_value(const bb_json *v, bb_peak *p);

/* Print p as a small aligned table of GFLOP/s, one line per level, then the spread of the
 * repeated runs (min..median..max) when known. */
void bb_peak_print(const bb_peak *p, FILE *out);

/* ---- trust (peak_judge.c) ------------------------------------------------------------------ */

/* Thresholds of bb_peak_judge(): a peak measurement is disturbed when, for a figure
 * percentages are computed against (the best level of each precision), the median run is more
 * than SPREAD below the best run, the all-core figure is below SCALING x threads x the per-core
 * one, or the figure is below KNOWN x the host's best-known figure; or when more than STEAL of
 * its CPU time was stolen by the hypervisor (a steady loss the spread cannot show).  The CPU
 * time other processes used is recorded and shown, not judged: best-of-5 runs spread over
 * seconds reach the peak on a busy 2-core VM (others 70-80%) when its median does, and the
 * spread and scaling checks see the runs it did disturb. */
#define BB_PEAK_SPREAD_MAX 0.10
#define BB_PEAK_SCALING_MIN 0.80
#define BB_PEAK_KNOWN_MIN 0.80
#define BB_PEAK_STEAL_MAX 0.10

/*
 * Judge whether p was measured undisturbed.  known: the host's best-known undisturbed peak
 * (NULL or nothing measured: none; it is only used when its thread count is p's).  Returns 1
 * and the reasons in why ("avx512 double all cores: 30.9 GFLOP/s, below 0.8 x 2 threads x 57.2
 * per core; ..."), or 0 and why = "".
 */
int bb_peak_judge(const bb_peak *p, const bb_peak *known, char *why, size_t len);

/* Raise every figure of best to p's where p's is higher (with its spread); best's other fields
 * become p's.  A peak measurement can only come out too low, never too high, so the best of
 * several is the better estimate.  best may be all zero (nothing known yet). */
void bb_peak_merge_best(bb_peak *best, const bb_peak *p);

/* A cell above this % of the peak it is computed against shows that the peak figure is too
 * low (measured while the machine was busy): the run summary and the report mark its % of peak
 * with "!" and a note. */
#define BB_PEAK_ABOVE_PCT 105.0

/* Where the figure percentages are computed against comes from. */
typedef enum bb_peak_source {
	BB_PEAK_NONE, /* no figure to trust: percentages are not given ("?") */
	BB_PEAK_RUN,  /* this run's undisturbed measurement */
	BB_PEAK_HOST, /* the host's best-known undisturbed peak (this run's was disturbed) */
} bb_peak_source;

typedef struct bb_peak_choice {
	bb_peak_source source;
	bb_peak used;      /* what percentages are computed against; zeroed for BB_PEAK_NONE */
	bb_peak measured;  /* this run's measurement (its last attempt), judged */
	int attempts;      /* measurements taken (a disturbed one is taken again, bounded) */
	char why[768];     /* why measured was judged disturbed; "" */
	char note[512];    /* what happened to the host's stored peak, ""; e.g. "not used: ..." */
	bb_peak host_best; /* the host's best-known peak after this run: what the host row keeps */
} bb_peak_choice;

/* Name of a source as stored and printed: "run", "host", "none". */
const char *bb_peak_source_name(bb_peak_source s);

/*
 * Choose the figure of a run from its judged measurement (measured->undisturbed 0/1, why the
 * reasons when 0) and the host's stored best-known peak (NULL: none).  A stored peak counts only
 * when it was measured by this blasbench version with as many threads and its spread kept; the
 * host's new best-known is the best of it and measured (merge).  An undisturbed measurement is
 * used; else the best-known when it holds an undisturbed measurement; else none.
 */
void bb_peak_choose(const bb_peak *measured, const char *why, const bb_peak *stored,
		    bb_peak_choice *c);

/* Write c as {"source", "attempts", "disturbed", "why", "note", "measured", "used"}; read it
 * back (host_best is not kept; returns -1 when v is not such an object). */
void bb_peak_choice_to_json(const bb_peak_choice *c, bb_json_writer *w);
int bb_peak_choice_from_json(const bb_json *v, bb_peak_choice *c);

/* What a run says about its peak, one line per entry: "peak: this run's measurement, avx512
 * ...", or the reasons the measurement was disturbed and what the percentages are computed
 * against.  Written to out, each line prefixed with prefix. */
void bb_peak_choice_print(const bb_peak_choice *c, const char *prefix, FILE *out);

/* The one-line summary of the figure percentages are computed against: "avx512 double 57.2
 * GFLOP/s per core (5 runs 55.0..56.9..57.2), 114.0 on 2 threads (...)". */
void bb_peak_brief(const bb_peak *p, char *buf, size_t len);

#endif
