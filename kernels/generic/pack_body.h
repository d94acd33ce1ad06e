/*
 * The body of the portable packing kernels (kernels/generic/dpack.c, spack.c), written once
 * for the element type T: an mn x k block (element (i,p) at src[i*rs + p*cs]) into
 * micro-panels of w rows, dst[(i/w)*w*k + p*w + i%w], the last panel zero-padded.
 * The including file defines T and BB_PACK_NAME; both are undefined at the end.
 */
void BB_PACK_NAME(int w, long mn, long k, const T *src, long rs, long cs, T *dst)
{
	if (rs == 1) {
		/*
		 * The panels' direction is contiguous: read each column of the block whole (one
		 * stream the hardware prefetcher follows) and deal it out to the panels; a panel
		 * at a time would touch k pages for a cache line or two each and wait on each.
		 */
		for (long p = 0; p < k; p++) {
			const T *s = src + p * cs;
			T *d = dst + p * w;
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
			const T *s = src + (i0 + i) * rs;
			for (long p = 0; p < k; p++)
				dst[p * w + i] = s[p * cs];
		}
		for (long i = rows; i < w; i++)
			for (long p = 0; p < k; p++)
				dst[p * w + i] = 0;
	}
}

#undef T
#undef BB_PACK_NAME
