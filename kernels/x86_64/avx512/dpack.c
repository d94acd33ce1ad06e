/*
 * The AVX-512 dgemm packing kernel: an mn x k block (element (i,p) at src[i*rs + p*cs]) into
 * micro-panels of w rows, dst[(i/w)*w*k + p*w + i%w], the last panel zero-padded.
 *
 * Copy case (rs == 1): each column of the block is read whole and dealt out to the panels, 8
 * doubles per zmm, with masked loads for the panel edge (they also write the zero padding) and
 * masked stores for a w that is not a multiple of 8; whole panels of the kernel's MR rows
 * take plain loads and stores: on Zen 5 masked loads that miss the cache cost far more (a
 * 2000 x 2000 A packed at 7.4 GB/s with them, 11 without; the transposition case likewise).
 * Transposition case (cs == 1): 8 rows x 8 k steps are loaded as 8 zmm, transposed in registers (24
 * shuffles) and stored as 8 rows of a panel; a scalar copy does each element with one load and one
 * store, this does 8 with 4 shuffles.  Other strides: scalar.  Compiled with -mavx512f -O2
 * (kernels/CMakeLists.txt). Contract: see bb_dpack_fn in kernels/opt/opt_ukr.h.
 */
#include <immintrin.h>

#include "kernels/opt/opt_ukr.h"
#include "kernels/x86_64/pack_avx2.h"

#ifndef __AVX512F__
#error "avx512/dpack.c must be compiled with -mavx512f"
#endif

/* The first n of 8 lanes (none for n <= 0, all for n >= 8). */
static inline __mmask8 lanes(long n)
{
	return n >= 8 ? (__mmask8)0xff : n <= 0 ? (__mmask8)0 : (__mmask8)((1u << n) - 1);
}

/* r[q][j] becomes r[j][q]. */
static inline void transpose8(__m512d r[8])
{
	__m512d t[8], u[8];
	#pragma GCC unroll 8
	for (int q = 0; q < 8; q += 2) {
		t[q] = _mm512_unpacklo_pd(r[q], r[q + 1]);     /* pairs of elements 0, 2, 4, 6 */
		t[q + 1] = _mm512_unpackhi_pd(r[q], r[q + 1]); /* pairs of elements 1, 3, 5, 7 */
	}
	#pragma GCC unroll 8
	for (int q = 0; q < 8; q += 4) {
		u[q] = _mm512_shuffle_f64x2(t[q], t[q + 2], 0x88);         /* elements 0, 4 */
		u[q + 1] = _mm512_shuffle_f64x2(t[q], t[q + 2], 0xdd);     /* elements 2, 6 */
		u[q + 2] = _mm512_shuffle_f64x2(t[q + 1], t[q + 3], 0x88); /* 1, 5 */
		u[q + 3] = _mm512_shuffle_f64x2(t[q + 1], t[q + 3], 0xdd); /* 3, 7 */
	}
	r[0] = _mm512_shuffle_f64x2(u[0], u[4], 0x88);
	r[4] = _mm512_shuffle_f64x2(u[0], u[4], 0xdd);
	r[2] = _mm512_shuffle_f64x2(u[1], u[5], 0x88);
	r[6] = _mm512_shuffle_f64x2(u[1], u[5], 0xdd);
	r[1] = _mm512_shuffle_f64x2(u[2], u[6], 0x88);
	r[5] = _mm512_shuffle_f64x2(u[2], u[6], 0xdd);
	r[3] = _mm512_shuffle_f64x2(u[3], u[7], 0x88);
	r[7] = _mm512_shuffle_f64x2(u[3], u[7], 0xdd);
}

/* Whole panels of w = 8 v rows: plain loads and stores only, unrolled for the kernel's MR. */
static inline __attribute__((always_inline)) long copy_whole(int v, long mn, const double *s,
                                                             double *d, long step)
{
	long i0 = 0;
	for (; i0 + 8 * v <= mn; i0 += 8 * v, d += step)
		#pragma GCC unroll 4
		for (int q = 0; q < v; q++)
			_mm512_storeu_pd(d + 8 * q, _mm512_loadu_pd(s + i0 + 8 * q));
	return i0;
}

static void pack_copy(int w, long mn, long k, const double *src, long cs, double *dst)
{
	for (long p = 0; p < k; p++) {
		const double *s = src + p * cs;
		double *d = dst + p * w;
		if (p + 1 < k) /* the next column: runs of MC elements are short too */
			bb_x86_prefetch_run(s + cs, mn * 8);
		long i0 = w == 16 ? copy_whole(2, mn, s, d, 16 * k) : 0;
		for (d += i0 * k; i0 < mn; i0 += w, d += (long)w * k)
			for (int v = 0; v < w; v += 8) {
				const __m512d x =
				    _mm512_maskz_loadu_pd(lanes(mn - i0 - v), s + i0 + v);
				_mm512_mask_storeu_pd(d + v, lanes(w - v), x);
			}
	}
}

/*
 * One panel, rows (<= w) rows read along k (cs == 1): 8 x 8 blocks transposed in registers.
 * The 8-row strips of one k block are done side by side, so every row of the panel streams at
 * once: as many misses in flight as rows (a strip at a time spent 40% more time here); each k
 * block asks for the same bytes of the next panel (bb_x86_prefetch_step).
 */
static void pack_trans_panel(int w, long rows, long k, const double *s, long rs, double *d,
                             const double *next, long next_rows)
{
	for (long p = 0; p < k; p += 8) {
		const long kb = k - p < 8 ? k - p : 8;
		bb_x86_prefetch_step((const char *)next, next_rows, rs * (long)sizeof(*s),
		                     p * (long)sizeof(*s), kb * (long)sizeof(*s));
		const __mmask8 lm = lanes(kb);
		for (int v = 0; v < w; v += 8) {
			__m512d r[8];
			#pragma GCC unroll 8
			for (int q = 0; q < 8; q++) {
				const double *row = s + (v + q) * rs + p;
				r[q] = v + q >= rows ? _mm512_setzero_pd()
				       : kb == 8     ? _mm512_loadu_pd(row)
				                     : _mm512_maskz_loadu_pd(lm, row);
			}
			transpose8(r);
			#pragma GCC unroll 8
			for (int q = 0; q < kb; q++)
				if (w - v >= 8)
					_mm512_storeu_pd(d + (p + q) * w + v, r[q]);
				else
					_mm512_mask_storeu_pd(d + (p + q) * w + v, lanes(w - v),
					                      r[q]);
		}
	}
}

void bb_dpack_avx512(int w, long mn, long k, const double *src, long rs, long cs, double *dst)
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
