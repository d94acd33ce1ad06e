/*
 * Judging what diagnose measured (see diagnose_findings.h): whether an unmitigated outcome is
 * a pathology, and how every mitigation tried on it does on one scale.  A mitigation's
 * pathological time for the same work is set against the unmitigated pathological time and
 * against the clean baseline of the unmitigated job, each as a ratio of medians with a
 * bootstrap 95% CI from the raw per-operation times.  A mitigation helps when its CI against
 * the unmitigated time lies wholly below 1 (it lowers the time beyond the noise), and removes
 * the pathology when, besides, its time is one the judge would call clean.  `fix` names the
 * best one, with its figures, in either case.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/stats.h"
#include "harness/diagnose/diagnose_findings.h"

#define BOOTSTRAP_RESAMPLES 2000
#define BOOTSTRAP_SEED 0x5eedULL
/* Without raw samples (older records, synthetic outcomes) the point estimate must beat the
 * unmitigated time by this factor to count as beyond the noise. */
#define POINT_MARGIN 1.15

int bb_diag_outcome_measured(const bb_diag_outcome *o)
{
	return !strcmp(o->status, "ok") || (!strcmp(o->status, "hang") && o->hung_children > 0);
}

int bb_diag_judge(const bb_diag_outcome *o)
{
	if (!strcmp(o->status, "hang") && o->hung_children > 0)
		return BB_DIAG_SEVERE;
	if (strcmp(o->status, "ok") || !isfinite(o->ci_low))
		return -1;
	if (o->ci_low >= BB_DIAG_PATHOLOGY)
		return o->slowdown >= 2 ? BB_DIAG_SEVERE : BB_DIAG_MODERATE;
	if (o->ci_low >= BB_DIAG_MILD)
		return BB_DIAG_MILD_LVL;
	return -1;
}

/* The ratio of medians b over a with its CI, when both have samples; 0 when it cannot be. */
static int ratio_ci(const double *a, size_t na, const double *b, size_t nb, double *r, double *lo,
                    double *hi)
{
	if (!a || !b || !na || !nb)
		return 0;
	double ma = bb_median(a, na), mb = bb_median(b, nb);
	if (!(ma > 0) || !isfinite(mb))
		return 0;
	*r = mb / ma;
	bb_bootstrap_ratio_ci(a, na, b, nb, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, lo, hi);
	return 1;
}

void bb_diag_try_fill(bb_diag_try *t, const char *name, const char *setting,
                      const bb_diag_outcome *o, const char *why, double clean_median,
                      const bb_diag_outcome *pathology)
{
	memset(t, 0, sizeof(*t));
	t->name = bb_xstrdup(name);
	t->setting = bb_xstrdup(setting ? setting : name);
	t->slowdown = t->ci_low = t->ci_high = t->vs_clean = t->gflops = t->pct_peak = NAN;
	t->vs_clean_low = t->vs_clean_high = t->vs_patho = t->vs_patho_low = t->vs_patho_high = NAN;
	if (!o) {
		t->status = bb_xstrdup("n/a");
		t->error = bb_xstrdup(why ? why : "does not apply");
		return;
	}
	t->status = bb_xstrdup(o->status);
	t->error = o->error ? bb_xstrdup(o->error) : NULL;
	t->slowdown = o->slowdown;
	t->ci_low = o->ci_low;
	t->ci_high = o->ci_high;
	t->hung_children = o->hung_children;
	t->gflops = o->gflops;
	if (clean_median > 0 && isfinite(o->path_median))
		t->vs_clean = o->path_median / clean_median;
	if (!pathology)
		return;
	if (strcmp(o->status, "ok"))
		return;
	int clean_ci = ratio_ci(pathology->base, pathology->n_base, o->path, o->n_path,
	                        &t->vs_clean, &t->vs_clean_low, &t->vs_clean_high);
	if (!strcmp(pathology->status,
	            "hang")) { /* no time to compare with: the hang ends or not */
		t->helps = t->removes = o->hung_children == 0;
		return;
	}
	int patho_ci = ratio_ci(pathology->path, pathology->n_path, o->path, o->n_path,
	                        &t->vs_patho, &t->vs_patho_low, &t->vs_patho_high);
	if (!patho_ci && pathology->path_median > 0 && isfinite(o->path_median))
		t->vs_patho = o->path_median / pathology->path_median;
	if (patho_ci)
		t->helps = t->vs_patho_high < 1;
	else
		t->helps = isfinite(t->vs_patho) && t->vs_patho * POINT_MARGIN < 1;
	/* removed: what remains is below what the judge calls even a mild finding */
	double clean_low = clean_ci ? t->vs_clean_low : t->vs_clean;
	t->removes = t->helps && isfinite(clean_low) && clean_low < BB_DIAG_MILD;
}

const bb_diag_try *bb_diag_best_try(const bb_diag_try *t, size_t n)
{
	const bb_diag_try *best = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!t[i].helps)
			continue;
		/* a hang fixed has no time: the first that fixes it is as good as any */
		double v = isfinite(t[i].vs_patho) ? t[i].vs_patho : 1e9;
		double b = best && isfinite(best->vs_patho) ? best->vs_patho : 1e9;
		if (!best || v < b)
			best = &t[i];
	}
	return best;
}

/* "0.86x the unmitigated time (95% CI 0.82-0.90)", without the CI when there is none. */
static void scale_text(char *buf, size_t len, double r, double lo, double hi, const char *what)
{
	if (isfinite(lo) && isfinite(hi))
		snprintf(buf, len, "%.2fx %s (95%% CI %.2f-%.2f)", r, what, lo, hi);
	else
		snprintf(buf, len, "%.2fx %s", r, what);
}

char *bb_diag_fix_text(const bb_diag_try *best, int hung, double slowdown)
{
	if (!best)
		return NULL;
	if (hung)
		return bb_xasprintf("%s (%s): no child hung", best->name, best->setting);
	char vp[96], vc[96];
	scale_text(vp, sizeof(vp), best->vs_patho, best->vs_patho_low, best->vs_patho_high,
	           "the unmitigated time");
	scale_text(vc, sizeof(vc), best->vs_clean, best->vs_clean_low, best->vs_clean_high,
	           "the clean time");
	if (best->removes)
		return bb_xasprintf("%s (%s) removes it: %s, from %.2fx; %s", best->name,
		                    best->setting, vc, slowdown, vp);
	return bb_xasprintf("%s (%s) helps but does not remove it: it cuts the time by %.0f%%, to "
	                    "%s; still %s",
	                    best->name, best->setting, 100 * (1 - best->vs_patho), vp, vc);
}

void bb_diag_try_text(const bb_diag_try *t, char *buf, size_t len)
{
	char vp[96], vc[96];
	if (!strcmp(t->status, "n/a")) {
		snprintf(buf, len, "does not apply: %s", t->error);
	} else if (!strcmp(t->status, "hang") && t->hung_children > 0) {
		snprintf(buf, len, "still hangs (%d child%s killed)", t->hung_children,
		         t->hung_children == 1 ? "" : "ren");
	} else if (strcmp(t->status, "ok")) {
		snprintf(buf, len, "could not run (%s): %s", t->status, t->error ? t->error : "?");
	} else if (isfinite(t->gflops)) {
		snprintf(buf, len, "%.1f GFLOP/s (%.0f%% of peak), kernel %s%s", t->gflops,
		         t->pct_peak, t->kernel ? t->kernel : "?", t->helps ? "  <- helps" : "");
	} else if (!isfinite(t->vs_patho) && !isfinite(t->vs_clean)) { /* an abort: nothing to scale */
		snprintf(buf, len, "ran: %.2fx (%.2f-%.2f) against its own baseline", t->slowdown,
		         t->ci_low, t->ci_high);
	} else if (!isfinite(t->vs_patho)) { /* a hang pathology */
		scale_text(vc, sizeof(vc), t->vs_clean, t->vs_clean_low, t->vs_clean_high,
		           "the clean time");
		snprintf(buf, len, "no child hung%s%s%s", isfinite(t->vs_clean) ? ", " : "",
		         isfinite(t->vs_clean) ? vc : "", t->helps ? "  <- removes it" : "");
	} else {
		scale_text(vp, sizeof(vp), t->vs_patho, t->vs_patho_low, t->vs_patho_high,
		           "the unmitigated time");
		scale_text(vc, sizeof(vc), t->vs_clean, t->vs_clean_low, t->vs_clean_high,
		           "the clean time");
		snprintf(buf, len, "%s, %s; %.2fx against its own baseline%s", vp, vc, t->slowdown,
		         t->removes ? "  <- removes it"
		         : t->helps ? "  <- helps"
		                    : "");
	}
}
