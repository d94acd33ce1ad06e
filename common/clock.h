/*
 * The one clock blasbench measures and waits with: seconds from CLOCK_MONOTONIC, which no
 * settimeofday, NTP step or suspend bookkeeping moves backwards.  Every timed region (the
 * measurement loop, scenarios, peak loops), deadline and progress display reads it.
 *
 * It is static inline, not a function in common/: the measurement loop reads it on both sides
 * of every timed sample, and a call into a static library would add a call to each sample
 * that the old file-local copies did not have.
 */
#ifndef BB_COMMON_CLOCK_H
#define BB_COMMON_CLOCK_H

#include <time.h>

/* Seconds since an arbitrary fixed point (boot); only differences mean anything. */
static inline double bb_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
