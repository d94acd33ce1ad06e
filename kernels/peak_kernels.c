/*
 * Dispatch table for the FMA-throughput loops (see kernels/peak_kernels.h) and their sink.
 *
 * Slots start empty ("not compiled in") and each level fills the ones it has; the x86_64 files
 * exist only when CMake compiled them, which it says with BB_KERNELS_X86_64.
 */
#include "kernels/peak_kernels.h"

/* Formatted by hand: clang-format indents initializers that contain #if oddly. */
/* clang-format off */
static const struct {
	bb_peak_kernel_fn d, s;
} peak_table[BB_ISA_COUNT] = {
#if BB_KERNELS_X86_64
	[BB_ISA_AVX512] = {bb_dpeak_avx512, bb_speak_avx512},
	[BB_ISA_AVX2] = {bb_dpeak_avx2, bb_speak_avx2},
#endif
	[BB_ISA_GENERIC] = {bb_dpeak_generic, bb_speak_generic},
};
/* clang-format on */

/*
 * mul and add are read at run time so no loop can be folded; acc = acc * mul + add then climbs
 * from 0 towards add / (1 - mul) = 1 and stays there: no overflow, no subnormals, in either
 * precision (both values are exact in float).
 */
static volatile double peak_mul = 1.0 - 1.0 / 1024;
static volatile double peak_add = 1.0 / 1024;

/* Per thread, so concurrent loops never write the same location. */
static _Thread_local volatile double peak_sink;

void bb_peak_consume(double x)
{
	peak_sink = x;
}

double bb_peak_kernel_run(bb_isa isa, char prec, long long iters)
{
	if ((int)isa < 0 || isa >= BB_ISA_COUNT || iters < 0)
		return -1;
	bb_peak_kernel_fn fn = prec == 'd'   ? peak_table[isa].d
	                       : prec == 's' ? peak_table[isa].s
	                                     : 0;
	if (!fn)
		return -1;
	return fn(iters, peak_mul, peak_add);
}
