/*
 * The portable sgemm micro-kernel, 4 x 4, plain C: C(4x4) := alpha * A(4xk) B(kx4) + beta * C.
 *
 * A and B are packed micro-panels (4 contiguous floats per k step each).  The 16 accumulators
 * are a fixed-size array the compiler keeps in registers once the i/j loops are unrolled
 * (compiled with -O3, kernels/CMakeLists.txt).  Builds and runs on any CPU; the fallback of
 * kernels/opt/opt_registry.c.
 * Contract (every bb_?gemm_ukr_*): k >= 0; c(i,j) is c[i*rs_c + j*cs_c]; beta == 0 means C is
 * written without being read.  Edge tiles are the caller's business (kernels/opt/).
 */
#include "kernels/opt/opt_ukr.h"

#define MR 4
#define NR 4

void bb_sgemm_ukr_generic_4x4(long k, const float *a, const float *b, float *c, long rs_c,
                              long cs_c, const float *alpha, const float *beta)
{
	float ab[MR * NR] = {0};

	for (long p = 0; p < k; p++) {
		for (int j = 0; j < NR; j++)
			for (int i = 0; i < MR; i++)
				ab[i + j * MR] += a[i] * b[j];
		a += MR;
		b += NR;
	}
	const float al = *alpha, be = *beta;
	for (int j = 0; j < NR; j++)
		for (int i = 0; i < MR; i++) {
			float *cij = c + i * rs_c + j * cs_c;
			*cij = be == 0 ? al * ab[i + j * MR] : al * ab[i + j * MR] + be * *cij;
		}
}
