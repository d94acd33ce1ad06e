/*
 * test_compare_attrib: bb_cmp_attribution names what the process could use when it differs
 * between the two backend records (CPUs allowed, affinity, cgroup CPU quota, THP), says
 * nothing when the limits agree, and nothing about limits when a record predates them;
 * bb_cmp_limits_differ says only the limits (compare prints it once per comparison).
 */
#include <stdlib.h>
#include <string.h>

#include "reports/compare.h"
#include "tests/test_util.h"

#define REC(allowed, aff, quota, thp)                                                              \
	"{\"version\":\"0.3.21\",\"limits\":{\"cpus_allowed\":" allowed                            \
	",\"affinity\":{\"count\":" allowed ",\"list\":\"" aff "\"},\"cpu_quota\":" quota          \
	",\"cpuset\":\"0-1\",\"memory_max\":\"max\",\"thp\":{\"enabled\":\"" thp                   \
	"\",\"defrag\":\"madvise\"}}}"

int main(void)
{
	char *s = bb_cmp_attribution(REC("1", "0", "null", "madvise"),
	                             REC("2", "0-1", "null", "madvise"));
	BB_CHECK_STR(s, "cpus_allowed 1 -> 2; affinity 0 -> 0-1");
	free(s);
	s = bb_cmp_attribution(REC("2", "0-1", "null", "madvise"),
	                       REC("1", "0-1", "0.5", "always"));
	BB_CHECK_STR(s, "cpus_allowed 2 -> 1; cpu_quota unset -> 0.5; thp madvise -> always");
	free(s);
	s = bb_cmp_attribution(REC("2", "0-1", "null", "madvise"),
	                       REC("2", "0-1", "null", "madvise"));
	BB_CHECK_STR(s, "");
	free(s);
	s = bb_cmp_attribution("{\"version\":\"0.3.21\"}", REC("2", "0-1", "null", "madvise"));
	BB_CHECK_STR(s, "");
	free(s);
	s = bb_cmp_limits_differ(REC("1", "0", "null", "madvise"),
	                         REC("2", "0-1", "null", "madvise"));
	BB_CHECK_STR(s, "cpus_allowed 1 -> 2; affinity 0 -> 0-1");
	free(s);
	s = bb_cmp_limits_differ("{\"version\":\"0.3.20\"}", REC("2", "0-1", "null", "madvise"));
	BB_CHECK_STR(s, ""); /* not the version: only what the process could use */
	free(s);
	return bb_test_done();
}
