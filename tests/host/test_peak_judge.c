/*
 * test_peak_judge: whether a peak measurement can be trusted, on synthetic figures
 * (harness/host/peak/peak_judge.c, peak_choice.c): the disturbance judgement (spread of the repeats,
 * all-core scaling, far below the host's best-known, steal), the best-known as the best of
 * several measurements, the choice of the figure a run's percentages are computed against, and
 * that choice and the spread through JSON.  Nothing is measured: no load sensitivity.
 */
#include <math.h>
#include <string.h>

#include "build_config.h"
#include "common/json.h"
#include "common/strbuf.h"
#include "harness/host/peak/peak.h"
#include "tests/test_util.h"

/* One figure's runs: best g, median gap below it, slowest at half the gap again. */
static void set_rate(bb_peak_rate *r, double core, double all, double gap)
{
	r->core = core;
	r->all = all;
	r->core_runs = (bb_peak_spread){core * (1 - 1.5 * gap), core * (1 - gap), core};
	r->all_runs = (bb_peak_spread){all * (1 - 1.5 * gap), all * (1 - gap), all};
}

/* A 2-thread measurement: avx512 double core/all (single twice that), avx2 at half, generic at
 * a fifth, each figure's median gap below its best. */
static bb_peak make(double core, double all, double gap)
{
	bb_peak p;
	memset(&p, 0, sizeof(p));
	p.threads = 2;
	p.seconds = 0.05;
	p.repeats = 5;
	p.steal = 0.0;
	p.others = 0.1;
	p.undisturbed = -1;
	snprintf(p.version, sizeof(p.version), "%s", BB_VERSION);
	snprintf(p.measured_at, sizeof(p.measured_at), "2026-12-05T05:00:00Z");
	const double scale[BB_ISA_COUNT] = {
	    [BB_ISA_AVX512] = 1, [BB_ISA_AVX2] = 0.5, [BB_ISA_GENERIC] = 0.2};
	for (int i = 0; i < BB_ISA_COUNT; i++) {
		p.isa[i].measured = 1;
		set_rate(&p.isa[i].d, core * scale[i], all * scale[i], gap);
		set_rate(&p.isa[i].s, 2 * core * scale[i], 2 * all * scale[i], gap);
	}
	return p;
}

static void test_judge(void)
{
	char why[768];

	/* quiet: 57 per core, 114 on 2 threads, repeats within 1% */
	bb_peak quiet = make(57, 114, 0.01);
	BB_CHECK_INT(bb_peak_judge(&quiet, NULL, why, sizeof(why)), 0);
	BB_CHECK_STR(why, "");

	/* the case of the issue: all cores measured at 30.9 while one core gives 57 */
	bb_peak busy = make(57, 30.9, 0.01);
	BB_CHECK_INT(bb_peak_judge(&busy, NULL, why, sizeof(why)), 1);
	BB_CHECK(strstr(why, "avx512 double on 2 threads: 30.9 GFLOP/s") != NULL);
	BB_CHECK(strstr(why, "below 0.80") != NULL);

	/* the repeats disagree: the median 20% below the best */
	bb_peak spread = make(57, 114, 0.20);
	BB_CHECK_INT(bb_peak_judge(&spread, NULL, why, sizeof(why)), 1);
	BB_CHECK(strstr(why, "the median of 5 runs") != NULL && strstr(why, "20% below") != NULL);
	/* a spread no larger than the threshold is the machine, not a disturbance */
	bb_peak edge = make(57, 114, 0.09);
	BB_CHECK_INT(bb_peak_judge(&edge, NULL, why, sizeof(why)), 0);

	/* a slower level's figures change no percentage: not judged */
	bb_peak slow_level = make(57, 114, 0.01);
	slow_level.isa[BB_ISA_AVX2].d.all = 5;
	slow_level.isa[BB_ISA_GENERIC].d.core_runs.median = 1;
	BB_CHECK_INT(bb_peak_judge(&slow_level, NULL, why, sizeof(why)), 0);

	/* far below the host's best-known: uniform slowness the spread cannot show */
	bb_peak known = make(57, 114, 0.01);
	bb_peak low = make(40, 80, 0.01);
	BB_CHECK_INT(bb_peak_judge(&low, NULL, why, sizeof(why)), 0);
	BB_CHECK_INT(bb_peak_judge(&low, &known, why, sizeof(why)), 1);
	BB_CHECK(strstr(why, "70% of this host's best-known 57.0") != NULL);
	bb_peak near = make(50, 100, 0.01); /* 88%: within the noise of turbo and temperature */
	BB_CHECK_INT(bb_peak_judge(&near, &known, why, sizeof(why)), 0);
	known.threads = 4; /* measured with other threads: not comparable */
	BB_CHECK_INT(bb_peak_judge(&low, &known, why, sizeof(why)), 0);

	/* stolen time; other processes' time is shown, not judged */
	bb_peak stolen = make(57, 114, 0.01);
	stolen.steal = 0.15;
	stolen.others = 0.8;
	BB_CHECK_INT(bb_peak_judge(&stolen, NULL, why, sizeof(why)), 1);
	BB_CHECK_STR(why, "the hypervisor stole 15% of the CPU time meanwhile");
	stolen.steal = NAN; /* /proc/stat not readable */
	BB_CHECK_INT(bb_peak_judge(&stolen, NULL, why, sizeof(why)), 0);

	/* a record without its runs (older blasbench): only what it has is judged */
	bb_peak old = make(57, 114, 0.30);
	old.repeats = 0;
	BB_CHECK_INT(bb_peak_judge(&old, NULL, why, sizeof(why)), 0);

	/* several reasons are all given */
	bb_peak both = make(57, 30.9, 0.2);
	BB_CHECK_INT(bb_peak_judge(&both, NULL, why, sizeof(why)), 1);
	BB_CHECK(strstr(why, "median") != NULL && strstr(why, "; ") != NULL &&
	         strstr(why, "on 2 threads") != NULL);
}

static void test_merge(void)
{
	bb_peak best;
	memset(&best, 0, sizeof(best));
	bb_peak a = make(57, 60, 0.01), b = make(40, 114, 0.3);
	bb_peak_merge_best(&best, &a);
	BB_CHECK_NEAR(best.isa[BB_ISA_AVX512].d.core, 57, 0);
	bb_peak_merge_best(&best, &b);
	BB_CHECK_NEAR(best.isa[BB_ISA_AVX512].d.core, 57, 0);
	BB_CHECK_NEAR(best.isa[BB_ISA_AVX512].d.all, 114, 0);
	/* each figure keeps the runs of the measurement it came from */
	BB_CHECK_NEAR(best.isa[BB_ISA_AVX512].d.core_runs.median, 57 * 0.99, 1e-9);
	BB_CHECK_NEAR(best.isa[BB_ISA_AVX512].d.all_runs.median, 114 * 0.7, 1e-9);
	BB_CHECK_NEAR(bb_peak_best(&best, 's', 1), 228, 0);
}

static void test_choose(void)
{
	bb_peak_choice c;
	bb_peak quiet = make(57, 114, 0.01), busy = make(57, 30.9, 0.01);
	quiet.undisturbed = 1;
	busy.undisturbed = 0;

	/* an undisturbed measurement is the run's figure, and the host's best-known */
	bb_peak_choose(&quiet, "", NULL, &c);
	BB_CHECK_INT(c.source, BB_PEAK_RUN);
	BB_CHECK_NEAR(bb_peak_best(&c.used, 'd', 1), 114, 0);
	BB_CHECK_INT(c.host_best.undisturbed, 1);
	BB_CHECK_STR(c.note, "");

	/* disturbed, nothing known: no percentages */
	bb_peak_choose(&busy, "scaling", NULL, &c);
	BB_CHECK_INT(c.source, BB_PEAK_NONE);
	BB_CHECK_STR(c.why, "scaling");
	BB_CHECK_NEAR(bb_peak_best(&c.used, 'd', 1), 0, 0);
	BB_CHECK_INT(c.host_best.undisturbed, 0); /* kept, but not trusted */

	/* disturbed, an undisturbed best-known: that, raised by whatever this run did better */
	bb_peak stored = make(55, 110, 0.01);
	stored.undisturbed = 1;
	bb_peak_choose(&busy, "scaling", &stored, &c);
	BB_CHECK_INT(c.source, BB_PEAK_HOST);
	BB_CHECK_NEAR(bb_peak_best(&c.used, 'd', 0), 57, 0);
	BB_CHECK_NEAR(bb_peak_best(&c.used, 'd', 1), 110, 0);
	BB_CHECK_INT(c.host_best.undisturbed, 1);

	/* a stored peak from an older blasbench (no runs kept, no flag) is not used */
	bb_peak legacy = make(57, 30.9, 0);
	legacy.repeats = 0;
	legacy.version[0] = 0;
	legacy.undisturbed = -1;
	bb_peak_choose(&busy, "scaling", &legacy, &c);
	BB_CHECK_INT(c.source, BB_PEAK_NONE);
	BB_CHECK(strstr(c.note, "older blasbench") != NULL && strstr(c.note, "not used") != NULL);
	bb_peak_choose(&quiet, "", &legacy, &c);
	BB_CHECK_INT(c.source, BB_PEAK_RUN);
	BB_CHECK_NEAR(bb_peak_best(&c.host_best, 'd', 1), 114, 0);

	/* a best-known far below an undisturbed measurement was itself disturbed: raised */
	bb_peak low = make(20, 30, 0.01);
	low.undisturbed = 1;
	snprintf(quiet.measured_at, sizeof(quiet.measured_at), "2026-12-05T07:00:00Z");
	bb_peak_choose(&quiet, "", &low, &c);
	BB_CHECK_STR(c.host_best.measured_at, "2026-12-05T07:00:00Z");
	BB_CHECK_INT(c.source, BB_PEAK_RUN);
	BB_CHECK(strstr(c.note, "raised") != NULL);
	BB_CHECK_NEAR(bb_peak_best(&c.host_best, 'd', 0), 57, 0);

	/* other threads: not comparable */
	bb_peak four = make(57, 228, 0.01);
	four.threads = 4;
	four.undisturbed = 1;
	bb_peak_choose(&busy, "scaling", &four, &c);
	BB_CHECK_INT(c.source, BB_PEAK_NONE);
	BB_CHECK(strstr(c.note, "4 threads") != NULL);
}

static void test_json(void)
{
	bb_peak_choice c, back;
	bb_peak busy = make(57, 30.9, 0.2), stored = make(55, 110, 0.01);
	busy.undisturbed = 0;
	busy.steal = 0.07;
	snprintf(busy.measured_at, sizeof(busy.measured_at), "2026-12-05T06:00:00Z");
	stored.undisturbed = 1;
	bb_peak_choose(&busy, "the reasons", &stored, &c);
	c.attempts = 2;

	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_peak_choice_to_json(&c, &w);
	bb_json *v = bb_json_parse(sb.buf, sb.len, NULL, 0);
	BB_CHECK(v != NULL);
	BB_CHECK_STR(bb_json_str(bb_json_get(v, "source"), ""), "host");
	BB_CHECK_INT(bb_json_bool(bb_json_get(v, "disturbed"), 0), 1);
	const bb_json *runs = bb_json_get(
	    bb_json_get(bb_json_get(bb_json_get(v, "measured"), "avx512"), "double"), "all_runs");
	BB_CHECK_NEAR(bb_json_num(bb_json_get(runs, "median"), 0), 30.9 * 0.8, 1e-9);
	BB_CHECK_NEAR(bb_json_num(bb_json_get(runs, "min"), 0), 30.9 * 0.7, 1e-9);
	BB_CHECK_NEAR(bb_json_num(bb_json_get(runs, "max"), 0), 30.9, 1e-9);

	BB_CHECK_INT(bb_peak_choice_from_json(v, &back), 0);
	BB_CHECK_INT(back.source, BB_PEAK_HOST);
	BB_CHECK_INT(back.attempts, 2);
	BB_CHECK_STR(back.why, "the reasons");
	BB_CHECK_INT(back.measured.undisturbed, 0);
	BB_CHECK_NEAR(back.measured.steal, 0.07, 1e-12);
	BB_CHECK_NEAR(back.measured.isa[BB_ISA_AVX512].d.all_runs.median, 30.9 * 0.8, 1e-9);
	BB_CHECK_NEAR(bb_peak_best(&back.used, 'd', 1), 110, 1e-9);
	/* the best-known says when its undisturbed measurement was taken, not this run's */
	BB_CHECK_STR(back.used.measured_at, "2026-12-05T05:00:00Z");
	BB_CHECK_STR(back.measured.measured_at, "2026-12-05T06:00:00Z");
	bb_json_free(v);
	BB_CHECK_INT(bb_peak_choice_from_json(NULL, &back), -1);

	/* the host's stored best-known: flag and runs survive the database */
	bb_strbuf_release(&sb);
	bb_jw_init(&w, &sb, 0);
	bb_peak_to_json(&c.host_best, &w);
	bb_peak hb;
	BB_CHECK_INT(bb_peak_from_json(sb.buf, &hb), 0);
	BB_CHECK_INT(hb.undisturbed, 1);
	BB_CHECK_INT(hb.repeats, 5);
	BB_CHECK_STR(hb.version, BB_VERSION);
	BB_CHECK_NEAR(hb.isa[BB_ISA_AVX512].d.all, 110, 1e-9);
	/* a record from before: no flag, no runs */
	BB_CHECK_INT(bb_peak_from_json(
	                 "{\"threads\":2,\"avx512\":{\"double\":{\"core\":5,\"all\":9}}}", &hb),
	             0);
	BB_CHECK_INT(hb.undisturbed, -1);
	BB_CHECK_INT(hb.repeats, 0);
	BB_CHECK_NEAR(hb.isa[BB_ISA_AVX512].d.all_runs.max, 0, 0);
	bb_strbuf_release(&sb);

	/* the header says what the percentages are computed against */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bb_peak_choice_print(&c, "", f);
	fclose(f);
	BB_CHECK(strstr(buf, "disturbed") && strstr(buf, "best-known undisturbed peak"));
	BB_CHECK(strstr(buf, "5 runs") != NULL);
	free(buf);
}

int main(void)
{
	test_judge();
	test_merge();
	test_choose();
	test_json();
	return bb_test_done();
}
