/*
 * Cache blocksizes of the optimized GEMM, from the analytical model of Low et al. (ACM TOMS
 * 43(2), 2016): the KC x NR sliver of packed B stays in L1 (about half of it), with the MR x KC
 * sliver of A streaming through the ways left to it; the MC x KC block
 * of packed A takes about half of L2; the KC x NC panel of packed B about half of L3 (capped).
 * The driver then evens the blocks out over each call's m, n and k (opt_gemm_body.h).
 * Cache sizes come from sysconf (glibc reads CPUID leaf 4 on x86); unknown sizes fall back to
 * common values rather than failing, and bb_opt_cache_assumed() says which (the opt backend's
 * record and `blasbench list` show it).
 */
#include "kernels/opt/opt_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"

#define NC_MAX 8192 /* a larger NC saves nothing and costs a larger B buffer */

/* The caches the blocks derive from, and the size assumed when sysconf does not know one. */
enum { L1D, L2, L3, N_CACHES };
static const struct {
	int name;
	const char *level;
	long fallback;
} caches[N_CACHES] = {
    [L1D] = {_SC_LEVEL1_DCACHE_SIZE, "L1d", 32 << 10},
    [L2] = {_SC_LEVEL2_CACHE_SIZE, "L2", 1 << 20},
    [L3] = {_SC_LEVEL3_CACHE_SIZE, "L3", 8 << 20},
};

static long cache_size(int c)
{
	long v = sysconf(caches[c].name);
	return v > 0 ? v : caches[c].fallback;
}

int bb_opt_cache_assumed(char *buf, size_t len)
{
	int n = 0;
	size_t used = 0;
	buf[0] = 0;
	const char *env = getenv(BB_OPT_BLOCKS_ENV);
	if (env && *env) /* the blocks are the user's: no cache size matters */
		return 0;
	for (int c = 0; c < N_CACHES; c++) {
		if (sysconf(caches[c].name) > 0)
			continue;
		long f = caches[c].fallback;
		int mib = f >= 1 << 20;
		snprintf(buf + used, len - used, "%s%s %ld %s",
		         n++ ? ", " : "cache size unknown to sysconf, assumed: ", caches[c].level,
		         mib ? f >> 20 : f >> 10, mib ? "MiB" : "KiB");
		used = strlen(buf);
	}
	return n;
}

static long round_down(long v, long q, long min)
{
	v -= v % q;
	return v < min ? min : v;
}

static long round_up(long v, long q)
{
	return (v + q - 1) / q * q;
}

int bb_opt_blocks_for(int mr, int nr, size_t elsize, bb_opt_blocks *out)
{
	const long l1 = cache_size(L1D), l2 = cache_size(L2), l3 = cache_size(L3);
	const long s = (long)elsize;

	/*
	 * KC: with the L1 associativity W and line size C known, Low et al.'s rule: the A sliver
	 * gets C_Ar = floor((W - 1) / (1 + nr/mr)) ways, one way stays for C and the B sliver the
	 * rest, so neither evicts the other; KC = C_Ar * sets * C / (mr * size).  Otherwise by
	 * capacity: B sliver <= L1/2 and both slivers <= L1.  A multiple of 8 for the k loop.
	 * (On a 48 KiB 12-way L1 with the 16 x 14 kernel: KC = 160.  KC = 272, a B sliver of 5/8
	 * of L1, was as fast on a quiet core and 6-10% slower with the other hyperthread busy.)
	 */
	const long w1 = sysconf(_SC_LEVEL1_DCACHE_ASSOC), c1 = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
	long kc;
	if (w1 > 1 && c1 > 0 && l1 % (w1 * c1) == 0) {
		long car = (w1 - 1) * mr / (mr + nr);
		kc = car * (l1 / (w1 * c1)) * c1 / (mr * s);
	} else {
		kc = l1 / 2 / (nr * s);
		if (kc > l1 / ((mr + nr) * s))
			kc = l1 / ((mr + nr) * s);
	}
	out->kc = round_down(kc, 8, 8);
	out->mc = round_down(l2 / 2 / (out->kc * s), mr, mr);
	long nc = l3 / 2 / (out->kc * s);
	out->nc = round_down(nc < NC_MAX ? nc : NC_MAX, nr, nr);

	const char *env = getenv(BB_OPT_BLOCKS_ENV);
	if (!env || !*env)
		return 0;
	long mc, kc2, nc2;
	char tail;
	if (sscanf(env, "%ld,%ld,%ld%c", &mc, &kc2, &nc2, &tail) != 3 || mc < 1 || kc2 < 1 ||
	    nc2 < 1 || mc > 1000000 || kc2 > 1000000 || nc2 > 1000000)
		return bb_error("invalid %s '%s': expected MC,KC,NC, three positive integers",
		                BB_OPT_BLOCKS_ENV, env);
	out->mc = round_up(mc, mr);
	out->kc = kc2;
	out->nc = round_up(nc2, nr);
	return 0;
}
