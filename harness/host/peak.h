/*
 * Measured peak floating-point rate of this host: for every kernel ISA level the CPU supports
 * and both precisions, the GFLOP/s of an FMA-throughput loop (kernels/peak_kernels.h) on one
 * core and on all cores at once.  `blasbench info` prints it, the database stores it per host,
 * and reports give each result as a percentage of it.
 *
 * Peak = the best rate observed over a few repetitions, not a mean: the loop has no memory
 * traffic, so anything slower than the best was disturbed (other processes, frequency ramp).
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

typedef struct bb_peak_rate {
	double core; /* GFLOP/s of one thread */
	double all;  /* GFLOP/s of bb_peak.threads threads together */
} bb_peak_rate;

typedef struct bb_peak {
	int threads;    /* threads of the "all" figures */
	double seconds; /* target length of one timed run */
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

/* Write p as one JSON object: {"threads": n, "avx512": {"double": {"core": x, "all": y},
 * "single": {...}}, ..., "generic": {...}}; a level not measured is null. */
void bb_peak_to_json(const bb_peak *p, bb_json_writer *w);

/* Read back what bb_peak_to_json() wrote (levels absent or null are not measured).  Returns 0,
 * or -1 (p zeroed) when json is NULL or not such an object. */
int bb_peak_from_json(const char *json, bb_peak *p);

/* Print p as a small aligned table of GFLOP/s, one line per level. */
void bb_peak_print(const bb_peak *p, FILE *out);

#endif
