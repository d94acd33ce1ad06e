/*
 * FMA-throughput loops: the kernels that measure a core's peak floating-point rate.
 *
 * Each loop updates a set of independent accumulators, acc = acc * mul + add, enough of them to
 * keep every FMA unit busy despite the instruction latency, and touches no memory.  One file per
 * ISA level (kernels/x86_64/peak_avx512.c, peak_avx2.c, kernels/generic/peak_generic.c), one
 * function per precision, all with the same signature; bb_peak_kernel_run() dispatches through a
 * table indexed by bb_isa.  harness/host/peak/peak.c times them.
 */
#ifndef BB_KERNELS_PEAK_KERNELS_H
#define BB_KERNELS_PEAK_KERNELS_H

#include "kernels/isa.h"

/*
 * Run the loop of level isa in precision prec ('d' double, 's' single) for iters iterations and
 * return the number of floating-point operations it performed (an FMA counts as two).
 * The caller makes sure bb_isa_supported(isa) first: running a level the cpu lacks faults.
 * Returns -1 for a level not compiled into this build (x86 levels on other machines), a
 * precision other than 's'/'d', or iters < 0.
 */
double bb_peak_kernel_run(bb_isa isa, char prec, long long iters);

/* ---- for the kernel files only ---------------------------------------------------------- */

/*
 * One loop: iters iterations of acc = acc * mul + add on every accumulator (accumulators start
 * at 0); passes the sum of the accumulators to bb_peak_consume() and returns the flop count.
 * mul and add come from the caller at run time so the compiler cannot fold the loop.
 */
typedef double (*bb_peak_kernel_fn)(long long iters, double mul, double add);

double bb_dpeak_avx512(long long iters, double mul, double add);
double bb_speak_avx512(long long iters, double mul, double add);
double bb_dpeak_avx2(long long iters, double mul, double add);
double bb_speak_avx2(long long iters, double mul, double add);
double bb_dpeak_generic(long long iters, double mul, double add);
double bb_speak_generic(long long iters, double mul, double add);

/* The sink: stores x where the compiler cannot see it is never read. */
void bb_peak_consume(double x);

#endif
