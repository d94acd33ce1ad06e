/*
 * The registry of GEMM micro-kernels and packing kernels: one row per ISA level, the only place
 * that knows which kernels (and which MR x NR) each level uses.  The choice of level is bb_isa_select()'s.
 */
#include "kernels/opt/opt_ukr.h"

#include <stddef.h>

/* clang-format off */
static const bb_opt_ukr registry[] = {
#if BB_KERNELS_X86_64
	{BB_ISA_AVX512, 16, 14, bb_dgemm_ukr_avx512_16x14, bb_dpack_avx512, bb_dgemm_direct_avx512,
	                bb_dgemm_ukr_avx512_16x14_top8,
	                32, 14, bb_sgemm_ukr_avx512_32x14, bb_spack_avx512,
	                bb_sgemm_ukr_avx512_32x14_top16},
	{BB_ISA_AVX2,   8, 6, bb_dgemm_ukr_avx2_8x6, bb_dpack_avx2, NULL, NULL,
	                16, 6, bb_sgemm_ukr_avx2_16x6, bb_spack_avx2, NULL},
#endif
	{BB_ISA_GENERIC, 4, 4, bb_dgemm_ukr_generic_4x4, bb_dpack_generic, NULL, NULL,
	                 4, 4, bb_sgemm_ukr_generic_4x4, bb_spack_generic, NULL},
};
/* clang-format on */

const bb_opt_ukr *bb_opt_ukr_for(bb_isa isa)
{
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		if (registry[i].isa == isa)
			return &registry[i];
	return NULL;
}
