/*
 * FMA-throughput loops in portable C, the level every CPU supports.
 *
 * Written for the compiler's auto-vectoriser at the baseline ISA: the accumulators are a small
 * array updated by a fixed-length inner loop, which becomes vector multiply and add (or FMA where
 * the baseline has it, e.g. aarch64) on registers.  The counts fill 12 baseline vector registers
 * (SSE2 on x86_64: 2 doubles / 4 floats), enough to cover multiply+add latency on two ports.
 * CMake compiles this file with -O3: GCC's -O2 vectorises the inner loop but leaves the array in
 * memory; -O3 unrolls it completely so the accumulators live in registers.
 * The result measures what plain C gets, not the machine's peak.
 */
#include "kernels/peak_kernels.h"

/* The loops touch only their own array, in bounds, so there is nothing for the sanitizers to
 * check; left instrumented, the array stays in memory between redzones and bounds checks, and the
 * figure of a sanitizer build would measure the sanitizer. */
#if defined(__GNUC__)
#define NO_SANITIZE __attribute__((no_sanitize("address", "undefined")))
#else
#define NO_SANITIZE
#endif

#define NACC_D 24 /* double accumulators: 12 vectors of 2 */
#define NACC_S 48 /* float accumulators: 12 vectors of 4 */

NO_SANITIZE double bb_dpeak_generic(long long iters, double mul, double add)
{
	double acc[NACC_D];
	double sum = 0;

	/* Distinct start values (0, add, 2 add, ...), or the compiler may merge equal chains. */
	for (int j = 0; j < NACC_D; j++)
		acc[j] = j * add;

	for (long long i = 0; i < iters; i++)
		for (int j = 0; j < NACC_D; j++)
			acc[j] = acc[j] * mul + add;
	for (int j = 0; j < NACC_D; j++)
		sum += acc[j];
	bb_peak_consume(sum);
	return 2.0 * NACC_D * (double)iters;
}

NO_SANITIZE double bb_speak_generic(long long iters, double mul, double add)
{
	const float m = (float)mul, a = (float)add;
	float acc[NACC_S];
	double sum = 0;

	for (int j = 0; j < NACC_S; j++)
		acc[j] = (float)j * a;

	for (long long i = 0; i < iters; i++)
		for (int j = 0; j < NACC_S; j++)
			acc[j] = acc[j] * m + a;
	for (int j = 0; j < NACC_S; j++)
		sum += acc[j];
	bb_peak_consume(sum);
	return 2.0 * NACC_S * (double)iters;
}
