/*
 * Host disturbance of a pass (see disturb.h): steal time from /proc/stat and a calibration
 * spin's CPU time against its wall time.
 */
#include "harness/engine/disturb.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

#include "common/clock.h"

void bb_steal_mark_now(bb_steal_mark *m)
{
	unsigned long long v[10] = {0};
	m->known = 0;
	m->steal = m->total = 0;
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return;
	int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
	               &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 8)
		return;
	for (int i = 0; i < 8; i++)
		m->total += v[i];
	m->steal = v[7];
	m->known = 1;
}

double bb_steal_share(const bb_steal_mark *from, const bb_steal_mark *to)
{
	if (!from->known || !to->known || to->total <= from->total || to->steal < from->steal)
		return NAN;
	return (double)(to->steal - from->steal) / (double)(to->total - from->total);
}

static double thread_cpu(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return NAN;
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double bb_calib_ratio(double seconds)
{
	double c0 = thread_cpu(), t0 = bb_now(), t;
	volatile double sink = 0;
	do {
		for (int i = 0; i < 1000; i++)
			sink += i;
		t = bb_now();
	} while (t - t0 < seconds);
	double c1 = thread_cpu();
	(void)sink;
	return isnan(c0) || isnan(c1) || !(t > t0) ? NAN : (c1 - c0) / (t - t0);
}

int bb_pass_disturbed(double steal, double calib)
{
	return (!isnan(steal) && steal > BB_STEAL_LIMIT) ||
	       (!isnan(calib) && calib < BB_CALIB_LIMIT);
}
