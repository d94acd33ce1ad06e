/*
 * The portable dgemm packing kernel, plain C: an mn x k block (element (i,p) at
 * src[i*rs + p*cs]) into micro-panels of w rows, dst[(i/w)*w*k + p*w + i%w], the last panel
 * zero-padded.  Compiled with -O3 (kernels/CMakeLists.txt) so the copy case vectorizes for the
 * baseline ISA.  Builds and runs on any CPU; the fallback of kernels/opt/opt_registry.c.
 * Contract: see bb_dpack_fn in kernels/opt/opt_ukr.h.
 */
#include "kernels/opt/opt_ukr.h"

void bb_dpack_generic(int w, long mn, long k, const double *src, long rs, long cs, double *dst)
{
	if (rs == 1) {
		/*
		 * The panels' direction is contiguous: read each column of the block whole (one
		 * stream the hardware prefetcher follows) and deal it out to the panels; a panel
		 * at a time would touch k pages for a cache line or two each and wait on each.
		 */
		for (long p = 0; p < k; p++) {
			const double *s = src + p * cs;
			double *d = dst + p * w;
			for (long i0 = 0; i0 < mn; i0 += w, d += (long)w * k) {
				const long rows = mn - i0 < w ? mn - i0 : w;
				for (long i = 0; i < rows; i++)
					d[i] = s[i0 + i];
				for (long i = rows; i < w; i++)
					d[i] = 0;
			}
		}
		return;
	}
	/* k is contiguous (cs == 1) or nothing is: read along k, write with stride w */
	for (long i0 = 0; i0 < mn; i0 += w, dst += (long)w * k) {
		const long rows = mn - i0 < w ? mn - i0 : w;
		for (long i = 0; i < rows; i++) {
			const double *s = src + (i0 + i) * rs;
			for (long p = 0; p < k; p++)
				dst[p * w + i] = s[p * cs];
		}
		for (long i = rows; i < w; i++)
			for (long p = 0; p < k; p++)
				dst[p * w + i] = 0;
	}
}
