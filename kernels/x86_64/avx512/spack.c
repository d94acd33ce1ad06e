/*
 * The AVX-512 sgemm packing kernel: an mn x k block (element (i,p) at src[i*rs + p*cs]) into
 * micro-panels of w rows, dst[(i/w)*w*k + p*w + i%w], the last panel zero-padded.
 *
 * Copy case (rs == 1): each column of the block is read whole and dealt out to the panels, 16
 * floats per zmm, with masked loads for the panel edge (they also write the zero padding) and
 * masked stores for a w that is not a multiple of 16; whole panels of the kernel's MR rows
 * take plain loads and stores (see avx512/dpack.c).  Transposition case (cs == 1): 8 rows x 8
 * k steps transposed in ymm registers (kernels/x86_64/pack_avx2.h).  Other strides: scalar.
 * Compiled with -mavx512f -O2 (kernels/CMakeLists.txt).
 * Contract: see bb_spack_fn in kernels/opt/opt_ukr.h.
 */
#include <immintrin.h>

#include "kernels/opt/opt_ukr.h"
#include "kernels/x86_64/pack_avx2.h"

#ifndef __AVX512F__
#error "avx512/spack.c must be compiled with -mavx512f"
#endif

/* The first n of 16 lanes (none for n <= 0, all for n >= 16). */
static inline __mmask16 lanes16(long n)
{
	return n >= 16 ? (__mmask16)0xffff : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1);
}

/* Whole panels of w = 16 v rows: plain loads and stores only, unrolled for the kernel's MR. */
static inline __attribute__((always_inline)) long copy_whole(int v, long mn, const float *s,
                                                             float *d, long step)
{
	long i0 = 0;
	for (; i0 + 16 * v <= mn; i0 += 16 * v, d += step)
		#pragma GCC unroll 4
		for (int q = 0; q < v; q++)
			_mm512_storeu_ps(d + 16 * q, _mm512_loadu_ps(s + i0 + 16 * q));
	return i0;
}

static void pack_copy(int w, long mn, long k, const float *src, long cs, float *dst)
{
	for (long p = 0; p < k; p++) {
		const float *s = src + p * cs;
		float *d = dst + p * w;
		if (p + 1 < k) /* the next column: runs of MC elements are short too */
			bb_x86_prefetch_run(s + cs, mn * 4);
		long i0 = w == 32 ? copy_whole(2, mn, s, d, 32 * k) : 0;
		for (d += i0 * k; i0 < mn; i0 += w, d += (long)w * k)
			for (int v = 0; v < w; v += 16) {
				const __m512 x =
				    _mm512_maskz_loadu_ps(lanes16(mn - i0 - v), s + i0 + v);
				_mm512_mask_storeu_ps(d + v, lanes16(w - v), x);
			}
	}
}

/*
 * One panel, rows (<= w) rows read along k (cs == 1): 8 x 8 blocks transposed in registers,
 * the 8-row strips of one k block side by side so every row of the panel streams at once;
 * each k block asks for the same bytes of the next panel (bb_x86_prefetch_step).
 */
static void pack_trans_panel(int w, long rows, long k, const float *s, long rs, float *d,
                             const float *next, long next_rows)
{
	for (long p = 0; p < k; p += 8) {
		const long kb = k - p < 8 ? k - p : 8;
		bb_x86_prefetch_step((const char *)next, next_rows, rs * (long)sizeof(*s),
		                     p * (long)sizeof(*s), kb * (long)sizeof(*s));
		const __m256i lm = bb_x86_lanes8(kb);
		for (int v = 0; v < w; v += 8) {
			const __m256i sm = bb_x86_lanes8(w - v);
			__m256 r[8];
			#pragma GCC unroll 8
			for (int q = 0; q < 8; q++) {
				const float *row = s + (v + q) * rs + p;
				r[q] = v + q >= rows ? _mm256_setzero_ps()
				       : kb == 8     ? _mm256_loadu_ps(row)
				                     : _mm256_maskload_ps(row, lm);
			}
			bb_x86_transpose8_ps(r);
			#pragma GCC unroll 8
			for (int q = 0; q < kb; q++)
				if (w - v >= 8)
					_mm256_storeu_ps(d + (p + q) * w + v, r[q]);
				else
					_mm256_maskstore_ps(d + (p + q) * w + v, sm, r[q]);
		}
	}
}

void bb_spack_avx512(int w, long mn, long k, const float *src, long rs, long cs, float *dst)
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
