/*
 * Helpers of the AVX2 and AVX-512 packing kernels (kernels/x86_64/{avx2,avx512}/?pack.c):
 * masks for AVX's masked loads and stores, in-register transpositions of 4 x 4 doubles and
 * 8 x 8 floats, and the prefetches of the next column or panel to pack.  Static inline, for
 * files compiled with -mavx2 (or -mavx512f) only.
 */
#ifndef BB_KERNELS_X86_64_PACK_AVX2_H
#define BB_KERNELS_X86_64_PACK_AVX2_H

#include <immintrin.h>

#ifndef __AVX2__
#error "pack_avx2.h needs -mavx2"
#endif

/*
 * Ask for bytes bytes from s: the next column of a block read down its columns (the copy case),
 * before its packing.  The runs are short (MC elements), too short for the hardware prefetcher
 * to get going.  Measured on Zen 5, 2000 x 2000 doubles: A packed at 13 GB/s instead of 6
 * (AVX2, MC = 168).
 */
static inline void bb_x86_prefetch_run(const void *s, long bytes)
{
	for (long o = 0; o < bytes; o += 64)
		_mm_prefetch((const char *)s + o, _MM_HINT_T0);
}

/*
 * The next panel of a block read along k (rows rows, rs bytes apart), a step at a time: while
 * a transposing loop packs bytes [off, off + len) of each row of this panel, ask for the same
 * bytes of the next one (the caller clamps off + len to the row's end).  A steady trickle of
 * requests: asking for the whole next panel before packing this one issued hundreds at once
 * and stalled on them.  Measured on Zen 5 (2-core VM), dgemm's B (14-row panels, KC = 143,
 * from memory): 1000 x 1000 packed at 16-19 GB/s instead of 8-12, 2000 x 2000 at 17-20
 * instead of 11; with no prefetch at all it was 5.5.
 */
static inline void bb_x86_prefetch_step(const char *next, long rows, long rs, long off, long len)
{
	for (long r = 0; r < rows; r++) {
		const char *row = next + r * rs;
		if (off == 0)
			_mm_prefetch(row, _MM_HINT_T0);
		_mm_prefetch(row + off + len - 1, _MM_HINT_T0);
	}
}

/* Rows of the panel after the one at row i0 of an mn-row block cut in panels of w: 0 at the end. */
static inline long bb_x86_next_panel_rows(long mn, long i0, int w)
{
	const long left = mn - i0 - w;
	return left <= 0 ? 0 : left < w ? left : w;
}

/* For _mm256_mask{load,store}_ps: the first n of 8 lanes (none for n <= 0, all for n >= 8). */
static inline __m256i bb_x86_lanes8(long n)
{
	const int c = n < 0 ? 0 : n > 8 ? 8 : (int)n;
	return _mm256_cmpgt_epi32(_mm256_set1_epi32(c), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* For _mm256_mask{load,store}_pd: the first n of 4 lanes. */
static inline __m256i bb_x86_lanes4(long n)
{
	const long long c = n < 0 ? 0 : n > 4 ? 4 : n;
	return _mm256_cmpgt_epi64(_mm256_set1_epi64x(c), _mm256_setr_epi64x(0, 1, 2, 3));
}

/* r[q][j] becomes r[j][q], 8 x 8 floats. */
static inline void bb_x86_transpose8_ps(__m256 r[8])
{
	__m256 t[8], u[8];
#pragma GCC unroll 8
	for (int q = 0; q < 8; q += 2) {
		t[q] = _mm256_unpacklo_ps(r[q], r[q + 1]);
		t[q + 1] = _mm256_unpackhi_ps(r[q], r[q + 1]);
	}
#pragma GCC unroll 8
	for (int q = 0; q < 8; q += 4) {
		u[q] = _mm256_shuffle_ps(t[q], t[q + 2], _MM_SHUFFLE(1, 0, 1, 0));
		u[q + 1] = _mm256_shuffle_ps(t[q], t[q + 2], _MM_SHUFFLE(3, 2, 3, 2));
		u[q + 2] = _mm256_shuffle_ps(t[q + 1], t[q + 3], _MM_SHUFFLE(1, 0, 1, 0));
		u[q + 3] = _mm256_shuffle_ps(t[q + 1], t[q + 3], _MM_SHUFFLE(3, 2, 3, 2));
	}
#pragma GCC unroll 8
	for (int q = 0; q < 4; q++) {
		r[q] = _mm256_permute2f128_ps(u[q], u[q + 4], 0x20);
		r[q + 4] = _mm256_permute2f128_ps(u[q], u[q + 4], 0x31);
	}
}

/* r[q][j] becomes r[j][q], 4 x 4 doubles. */
static inline void bb_x86_transpose4_pd(__m256d r[4])
{
	const __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
	const __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
	r[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
	r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
	r[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
	r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

#endif
