/*
 * Writing a run's HTML report (see report_page.h): shared by `report --html` and the end of
 * `suite`, which writes one by default next to the database.
 */
#include "harness/report/report_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_config.h"
#include "common/error.h"
#include "common/json.h"
#include "common/output.h"
#include "harness/diagnose/diagnose_plan.h"
#include "harness/host/peak/peak.h"
#include "workloads/workload.h"

const char *bb_report_routine_family(const char *routine)
{
	/* the workload one of whose precisions calls it: "zdotc" is dot's, "zheevd" syevd's */
	static const char precs[] = "sdcz";
	for (size_t i = 0; routine && i < bb_workload_count(); i++)
		for (size_t p = 0; p < 4; p++) {
			const char *name = bb_workload_routine_name(bb_workload_at(i), precs[p]);
			if (name && !strcmp(name, routine))
				return bb_workload_at(i)->family;
		}
	return NULL;
}

int bb_report_kernel_overrides(const char *family, const char *version)
{
	const bb_kernel_override *ov[1];
	return family && bb_kernel_overrides(family, version, ov, 1) > 0;
}

/* The measured levels of a peak, for the host section. */
static size_t peak_levels(const bb_peak *pp, bb_html_peak_level *levels, int *threads)
{
	const bb_peak p = *pp;
	size_t n = 0;
	*threads = p.threads;
	for (int i = 0; i < BB_ISA_COUNT; i++)
		if (p.isa[i].measured)
			levels[n++] =
			    (bb_html_peak_level){bb_isa_name((bb_isa)i), p.isa[i].d.core,
			                         p.isa[i].d.all, p.isa[i].s.core, p.isa[i].s.all};
	return n;
}

/*
 * The peak of the host section: the run's own (options_json "peak": the figure its % of peak
 * was computed against, or its disturbed measurement when there was none) with a note saying
 * which; a run from before the peak was kept per run shows the host's stored one.  *note is
 * malloc'd.
 */
static size_t run_peak(const bb_db_report_run *run, bb_html_peak_level *levels, int *threads,
                       char **note)
{
	bb_json *opts = run->options_json
	                    ? bb_json_parse(run->options_json, strlen(run->options_json), NULL, 0)
	                    : NULL;
	bb_peak_choice c;
	bb_peak p;
	size_t n = 0;
	char brief[256];
	*threads = 0;
	*note = NULL;
	if (bb_peak_choice_from_json(bb_json_get(opts, "peak"), &c) == 0) {
		const bb_peak *shown = c.source == BB_PEAK_NONE ? &c.measured : &c.used;
		n = peak_levels(shown, levels, threads);
		bb_peak_brief(shown, brief, sizeof(brief));
		if (c.source == BB_PEAK_RUN)
			*note = bb_xasprintf("%% of peak is computed against this run's own peak "
			                     "measurement, judged undisturbed: %s.",
			                     brief);
		else if (c.source == BB_PEAK_HOST)
			*note = bb_xasprintf(
			    "This run's peak measurement was disturbed (%s): %% of peak "
			    "is computed against this host's best-known undisturbed "
			    "peak%s%s: %s.",
			    c.why, *c.used.measured_at ? " of " : "", c.used.measured_at, brief);
		else
			*note = bb_xasprintf(
			    "This run's peak measurement was disturbed (%s) and the "
			    "host had no undisturbed peak on record: %% of peak is not "
			    "given.  The disturbed measurement: %s.",
			    c.why, brief);
		if (c.source == BB_PEAK_NONE)
			n = 0;
	} else if (bb_peak_from_json(run->peak_json, &p) == 0) {
		n = peak_levels(&p, levels, threads);
		*note =
		    bb_xasprintf("This run was made before the peak was measured per run: %% of "
		                 "peak is computed against the host's stored peak, which may have "
		                 "been measured on a busy machine.");
	}
	bb_json_free(opts);
	return n;
}

int bb_report_page_write(const bb_db_report_run *run, const bb_cmp_report *cmp, bb_output *out,
                         const char *gpdir, int progress, bb_html_result *res, size_t *bytes,
                         int *built, char *err, size_t errlen)
{
	const char *gnuplot = getenv("BLASBENCH_GNUPLOT");
	char generator[64], *peak_note = NULL;
	bb_html_peak_level levels[BB_ISA_COUNT];
	bb_strbuf page = BB_STRBUF_INIT;
	snprintf(generator, sizeof(generator), "blasbench %s", BB_VERSION);
	bb_html_input in = {
	    .run = run,
	    .peak = levels,
	    .cmp = cmp,
	    .gnuplot = gnuplot && *gnuplot ? gnuplot : "gnuplot",
	    .gnuplot_dir = gpdir,
	    .progress = progress,
	    .generator = generator,
	    .family = bb_report_routine_family,
	    .overrides = bb_report_kernel_overrides,
	};
	in.n_peak = run_peak(run, levels, &in.peak_threads, &peak_note);
	in.peak_note = peak_note;
	*built = 0;
	int rc = bb_html_report(&in, &page, res, err, errlen);
	free(peak_note);
	if (rc) {
		bb_strbuf_release(&page);
		return -1;
	}
	*built = 1;
	if (*res->charts_missing)
		bb_warning("the report has no charts: %s", res->charts_missing);
	*bytes = page.len;
	rc = bb_output_write(out, page.buf, page.len, err, errlen) ||
	     bb_output_commit(out, err, errlen);
	bb_strbuf_release(&page);
	return rc ? -1 : 0;
}

char *bb_report_default_path(const char *db_path, long long run_id)
{
	const char *slash = strrchr(db_path, '/');
	const char *base = slash ? slash + 1 : db_path;
	const char *dot = strrchr(base, '.');
	int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
	int dir = slash ? (int)(slash - db_path) + 1 : 0;
	for (int i = 1;; i++) {
		char *p =
		    i == 1 ? bb_xasprintf("%.*s%.*s-run%lld.html", dir, db_path, stem, base, run_id)
		           : bb_xasprintf("%.*s%.*s-run%lld-%d.html", dir, db_path, stem, base,
		                          run_id, i);
		if (access(p, F_OK) != 0)
			return p; /* never over a file the user has */
		free(p);
	}
}
