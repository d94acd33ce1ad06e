/*
 * Whether a peak measurement can be trusted (see harness/host/peak/peak.h): the disturbance
 * judgement on the figures that percentages are computed against, the host's best-known peak as
 * the best of several measurements, and the one-line summary the run header prints.  Pure
 * functions of bb_peak values: tests/host/test_peak_judge.c feeds them synthetic figures.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/number.h"
#include "harness/host/peak/peak.h"

/* Append one "; "-separated reason to why. */
static void add_reason(char *why, size_t len, const char *fmt, ...)
{
	size_t n = strlen(why);
	if (n + 3 >= len)
		return;
	if (n) {
		memcpy(why + n, "; ", 3);
		n += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why + n, len - n, fmt, ap);
	va_end(ap);
}

static const char *prec_name(int q)
{
	return q ? "single" : "double";
}

static const bb_peak_rate *rate_of(const bb_peak *p, int i, int q)
{
	return q ? &p->isa[i].s : &p->isa[i].d;
}

int bb_peak_judge(const bb_peak *p, const bb_peak *known, char *why, size_t len)
{
	if (len)
		*why = 0;
	if (known && (known->threads != p->threads || bb_peak_best(known, 'd', 0) <= 0))
		known = NULL;
	/* the worst case of each check, said once */
	double worst_spread = 0, worst_scaling = 1, worst_known = 1;
	char spread_why[200] = "", scaling_why[200] = "", known_why[200] = "";

	/* only the figures percentages are computed against: the best level of each precision,
	 * per core and on all cores (a slower level's figures change no percentage) */
	for (int q = 0; q < 2; q++) {
		const char prec = q ? 's' : 'd';
		const double best_core = bb_peak_best(p, prec, 0),
		             best_all = bb_peak_best(p, prec, 1);
		for (int i = 0; i < BB_ISA_COUNT; i++) {
			if (!p->isa[i].measured)
				continue;
			const bb_peak_rate *r = rate_of(p, i, q);
			const char *level = bb_isa_name((bb_isa)i);
			for (int all = 0; all < 2; all++) {
				const double g = all ? r->all : r->core;
				if (g <= 0 || g != (all ? best_all : best_core))
					continue;
				const bb_peak_spread *s = all ? &r->all_runs : &r->core_runs;
				const double gap = s->max > 0 ? (s->max - s->median) / s->max : 0;
				if (p->repeats > 1 && gap > BB_PEAK_SPREAD_MAX &&
				    gap > worst_spread) {
					worst_spread = gap;
					snprintf(spread_why, sizeof(spread_why),
					         "%s %s %s: the median of %d runs (%.1f GFLOP/s) "
					         "is %.0f%% "
					         "below the best (%.1f; slowest %.1f)",
					         level, prec_name(q),
					         all ? "all cores" : "one core", p->repeats,
					         s->median, 100 * gap, s->max, s->min);
				}
			}
			if (r->all == best_all && p->threads > 1 && r->core > 0) {
				const double ratio = r->all / (p->threads * r->core);
				if (ratio < BB_PEAK_SCALING_MIN && ratio < worst_scaling) {
					worst_scaling = ratio;
					snprintf(
					    scaling_why, sizeof(scaling_why),
					    "%s %s on %d threads: %.1f GFLOP/s, %.2f x %d x the "
					    "%.1f of one core (below %.2f)",
					    level, prec_name(q), p->threads, r->all, ratio,
					    p->threads, r->core, BB_PEAK_SCALING_MIN);
				}
			}
		}
		if (!known)
			continue;
		for (int all = 0; all < 2; all++) {
			const double g = all ? best_all : best_core;
			const double k = bb_peak_best(known, prec, all);
			if (k > 0 && g < BB_PEAK_KNOWN_MIN * k && g / k < worst_known) {
				worst_known = g / k;
				snprintf(
				    known_why, sizeof(known_why),
				    "%s %s: %.1f GFLOP/s, %.0f%% of this host's best-known %.1f",
				    prec_name(q), all ? "on all cores" : "per core", g, 100 * g / k,
				    k);
			}
		}
	}
	int disturbed = 0;
	const char *parts[3] = {spread_why, scaling_why, known_why};
	for (int k = 0; k < 3; k++)
		if (*parts[k]) {
			add_reason(why, len, "%s", parts[k]);
			disturbed = 1;
		}
	if (isfinite(p->steal) && p->steal > BB_PEAK_STEAL_MAX) {
		add_reason(why, len, "the hypervisor stole %.0f%% of the CPU time meanwhile",
		           100 * p->steal);
		disturbed = 1;
	}
	return disturbed;
}

static void raise_to(double *best, bb_peak_spread *best_runs, double g, const bb_peak_spread *runs)
{
	if (g > *best) {
		*best = g;
		*best_runs = *runs;
	}
}

void bb_peak_merge_best(bb_peak *best, const bb_peak *p)
{
	if (best->threads != p->threads) {
		*best = *p;
		return;
	}
	bb_peak old = *best;
	*best = *p;
	for (int i = 0; i < BB_ISA_COUNT; i++) {
		if (!old.isa[i].measured)
			continue;
		best->isa[i].measured = 1;
		for (int q = 0; q < 2; q++) {
			bb_peak_rate *b = q ? &best->isa[i].s : &best->isa[i].d;
			const bb_peak_rate *o = rate_of(&old, i, q);
			raise_to(&b->core, &b->core_runs, o->core, &o->core_runs);
			raise_to(&b->all, &b->all_runs, o->all, &o->all_runs);
		}
	}
}

static void runs_brief(const bb_peak *p, const bb_peak_spread *s, char *buf, size_t len)
{
	if (p->repeats && s->max > 0)
		snprintf(buf, len, " (%d runs %.1f..%.1f..%.1f)", p->repeats, s->min, s->median,
		         s->max);
	else
		snprintf(buf, len, "%s", "");
}

void bb_peak_brief(const bb_peak *p, char *buf, size_t len)
{
	int level = -1;
	for (int i = 0; i < BB_ISA_COUNT; i++)
		if (p->isa[i].measured && (level < 0 || p->isa[i].d.core > p->isa[level].d.core))
			level = i;
	if (level < 0) {
		snprintf(buf, len, "not measured");
		return;
	}
	const bb_peak_rate *r = &p->isa[level].d;
	char c[64], a[64];
	runs_brief(p, &r->core_runs, c, sizeof(c));
	runs_brief(p, &r->all_runs, a, sizeof(a));
	snprintf(buf, len, "%s double %.1f GFLOP/s per core%s, %.1f on %d thread%s%s",
	         bb_isa_name((bb_isa)level), r->core, c, r->all, p->threads, bb_plural(p->threads),
	         a);
}
