/*
 * Whether the host disturbed a pass: the share of the CPUs' time the hypervisor stole while a
 * cell was measured (the "steal" column of /proc/stat), and the CPU time a calibration spin
 * of the controller got against its wall time just before the pass's worker started (nothing
 * of ours runs then: a spin that gets less than its CPU means another process or the host
 * took it).  The engine records both with every pass (the pass table, schema 5); a disturbed
 * pass is left out of a comparison and, under a judge (gate), measured again.
 */
#ifndef BB_HARNESS_DISTURB_H
#define BB_HARNESS_DISTURB_H

#define BB_STEAL_LIMIT 0.10 /* a pass with more of the CPUs' time stolen is disturbed */
#define BB_CALIB_LIMIT 0.50 /* a calibration spin that got less of a CPU: disturbed */
#define BB_CALIB_SECONDS 0.004

typedef struct bb_steal_mark {
	unsigned long long steal, total; /* jiffies summed over the CPUs */
	int known;
} bb_steal_mark;

/* Read the "cpu" line of /proc/stat into m (known = 0 when it cannot be read). */
void bb_steal_mark_now(bb_steal_mark *m);
/* The share of the CPUs' time stolen between two marks; NAN when unknown or no time passed. */
double bb_steal_share(const bb_steal_mark *from, const bb_steal_mark *to);
/* Spin for `seconds` of wall time; returns this thread's CPU time over that wall time (about
 * 1 on an idle host, below when something else had the CPU); NAN when the clock fails. */
double bb_calib_ratio(double seconds);
/* 1 when steal or calib (either may be NAN: not known, not held against the pass) is beyond
 * its limit. */
int bb_pass_disturbed(double steal, double calib);

#endif
