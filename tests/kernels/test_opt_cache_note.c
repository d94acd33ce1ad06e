/*
 * test_opt_cache_note: the optimized GEMM says when its blocks rest on an assumed cache size.
 * This program defines sysconf() itself, so the opt code linked into it asks that one: a cache
 * level can be made "unknown" (sysconf returns 0, as in a VM without CPUID leaf 4) and the
 * kernel name and bb_opt_cache_assumed() must then name it and the size assumed.
 */
#include <unistd.h>

#include "kernels/opt/opt_internal.h"
#include "kernels/opt_kernels.h"
#include "test_util.h"

long __sysconf(int name); /* glibc's own, which sysconf() below wraps */

static int hidden = -1; /* the sysconf name answered with 0 ("unknown"), -1 none */

long sysconf(int name)
{
	return name == hidden ? 0 : __sysconf(name);
}

int main(void)
{
	char buf[128];
	if (__sysconf(_SC_LEVEL1_DCACHE_SIZE) <= 0 || __sysconf(_SC_LEVEL2_CACHE_SIZE) <= 0 ||
	    __sysconf(_SC_LEVEL3_CACHE_SIZE) <= 0)
		BB_TEST_SKIP("this host's sysconf does not know every cache size: the known case "
		             "cannot be checked");
	unsetenv(BB_OPT_BLOCKS_ENV);

	/* every size known: nothing assumed, nothing said */
	BB_CHECK_INT(bb_opt_cache_assumed(buf, sizeof(buf)), 0);
	BB_CHECK_STR(buf, "");
	bb_opt_reset();
	BB_CHECK(strstr(bb_opt_kernel_name(), "assumed") == NULL);

	/* L2 unknown: the note names it and the size assumed, in the kernel name too */
	hidden = _SC_LEVEL2_CACHE_SIZE;
	BB_CHECK_INT(bb_opt_cache_assumed(buf, sizeof(buf)), 1);
	BB_CHECK_STR(buf, "cache size unknown to sysconf, assumed: L2 1 MiB");
	bb_opt_reset();
	const char *name = bb_opt_kernel_name();
	printf("%s\n", name);
	if (strncmp(name, "none", 4) != 0) /* a host with no kernel level has no blocks to report */
		BB_CHECK(strstr(name, "; cache size unknown to sysconf, assumed: L2 1 MiB") !=
		         NULL);
	bb_opt_blocks blk;
	BB_CHECK_INT(bb_opt_blocks_for(8, 6, sizeof(double), &blk), 0);
	/* MC from the 1 MiB assumed: its packed A block about half of it, a multiple of MR */
	BB_CHECK_INT(blk.mc, (1 << 20) / 2 / (blk.kc * (long)sizeof(double)) / 8 * 8);

	/* L1d unknown instead: said in KiB */
	hidden = _SC_LEVEL1_DCACHE_SIZE;
	BB_CHECK_INT(bb_opt_cache_assumed(buf, sizeof(buf)), 1);
	BB_CHECK_STR(buf, "cache size unknown to sysconf, assumed: L1d 32 KiB");

	/* blocks set by the user: no cache size matters, nothing is said */
	setenv(BB_OPT_BLOCKS_ENV, "96,64,512", 1);
	BB_CHECK_INT(bb_opt_cache_assumed(buf, sizeof(buf)), 0);
	bb_opt_reset();
	BB_CHECK(strstr(bb_opt_kernel_name(), "assumed") == NULL);
	return bb_test_done();
}
