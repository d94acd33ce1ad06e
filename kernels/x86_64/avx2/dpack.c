/*
 * The AVX2 dgemm packing kernel: an mn x k block (element (i,p) at src[i*rs + p*cs]) into
 * micro-panels of w rows, dst[(i/w)*w*k + p*w + i%w], the last panel zero-padded.
 *
 * Copy case (rs == 1): each column of the block is read whole and dealt out to the panels, 4
 * doubles per ymm, masked (AVX vmaskmov) only at the panel edge.  Transposition case (cs == 1):
 * 4 rows x 4 k steps transposed in registers (kernels/x86_64/pack_avx2.h).  Other strides:
 * scalar.  Compiled with -mavx2 -mfma -O2 (kernels/CMakeLists.txt).
 * Contract: see bb_dpack_fn in kernels/opt/opt_ukr.h.
 */
#include <immintrin.h>

#include "kernels/opt/opt_ukr.h"
#include "kernels/x86_64/pack_avx2.h"

static void pack_copy(int w, long mn, long k, const double *src, long cs, double *dst)
{
	for (long p = 0; p < k; p++) {
		const double *s = src + p * cs;
		double *d = dst + p * w;
		if (p + 1 < k) /* the next column: runs of MC elements are short too */
			bb_x86_prefetch_run(s + cs, mn * 8);
		for (long i0 = 0; i0 < mn; i0 += w, d += (long)w * k)
			for (int v = 0; v < w; v += 4) {
				const long n = mn - i0 - v;
				const __m256d x =
				    n >= 4 ? _mm256_loadu_pd(s + i0 + v)
				           : _mm256_maskload_pd(s + i0 + v, bb_x86_lanes4(n));
				if (w - v >= 4)
					_mm256_storeu_pd(d + v, x);
				else
					_mm256_maskstore_pd(d + v, bb_x86_lanes4(w - v), x);
			}
	}
}

/*
 * One panel, rows (<= w) rows read along k (cs == 1): 4 x 4 blocks transposed in registers,
 * the 4-row strips of one k block side by side so every row of the panel streams at once;
 * each k block asks for the same bytes of the next panel (bb_x86_prefetch_step).
 */
static void pack_trans_panel(int w, long rows, long k, const double *s, long rs, double *d,
                             const double *next, long next_rows)
{
	for (long p = 0; p < k; p += 4) {
		const long kb = k - p < 4 ? k - p : 4;
		bb_x86_prefetch_step((const char *)next, next_rows, rs * (long)sizeof(*s),
		                     p * (long)sizeof(*s), kb * (long)sizeof(*s));
		const __m256i lm = bb_x86_lanes4(kb);
		for (int v = 0; v < w; v += 4) {
			const __m256i sm = bb_x86_lanes4(w - v);
			__m256d r[4];
			#pragma GCC unroll 8
			for (int q = 0; q < 4; q++) {
				const double *row = s + (v + q) * rs + p;
				r[q] = v + q >= rows ? _mm256_setzero_pd()
				       : kb == 4     ? _mm256_loadu_pd(row)
				                     : _mm256_maskload_pd(row, lm);
			}
			bb_x86_transpose4_pd(r);
			#pragma GCC unroll 8
			for (int q = 0; q < kb; q++)
				if (w - v >= 4)
					_mm256_storeu_pd(d + (p + q) * w + v, r[q]);
				else
					_mm256_maskstore_pd(d + (p + q) * w + v, sm, r[q]);
		}
	}
}

void bb_dpack_avx2(int w, long mn, long k, const double *src, long rs, long cs, double *dst)
{
	if (rs == 1) {
		pack_copy(w, mn, k, src, cs, dst);
		return;
	}
	for (long i0 = 0; i0 < mn; i0 += w, dst += (long)w * k) {
		const long rows = mn - i0 < w ? mn - i0 : w;
		if (cs == 1) {
			const long next_rows = bb_x86_next_panel_rows(mn, i0, w);
			pack_trans_panel(w, rows, k, src + i0 * rs, rs, dst,
			                 next_rows ? src + (i0 + w) * rs : NULL, next_rows);
			continue;
		}
		for (long p = 0; p < k; p++)
			for (long i = 0; i < w; i++)
				dst[p * w + i] = i < rows ? src[(i0 + i) * rs + p * cs] : 0;
	}
}
