/*
 * Writing a run's HTML report: what `report --html FILE` and the end of `suite` share.  The
 * peak shown with the host (the run's own choice, see harness/host/peak/peak.h), the workload
 * families the answer table groups by, and the page built by reports/html.c and written
 * through common/output.h (never over a database, never half-written).
 */
#ifndef BB_HARNESS_REPORT_PAGE_H
#define BB_HARNESS_REPORT_PAGE_H

#include <stddef.h>

#include "common/output.h"
#include "db/report_query.h"
#include "reports/compare.h"
#include "reports/html.h"

/* The family of a routine ("dgemm" -> "blas3"), from the workload catalog; NULL unknown.
 * The answer table (reports/answer.h) groups its rows by it. */
const char *bb_report_routine_family(const char *routine);

/* 1 when diagnose's kernel-selection has overrides to try for a library of this family and
 * version (bb_kernel_overrides(), the one list); the answer says so, or that it has none. */
int bb_report_kernel_overrides(const char *family, const char *version);

/* Build the page of run (with cmp: its comparison, or NULL) and write it to html, already
 * checked and opened by the caller in out (bb_output_open).  gpdir: keep the gnuplot files
 * there, or NULL.  progress: say on stderr when drawing is slow.  Commits out on success.
 * Returns 0; -1 with err set when the page cannot be built or written (*written_page 1 when
 * it was built: then the disk failed). */
int bb_report_page_write(const bb_db_report_run *run, const bb_cmp_report *cmp,
			 bb_output *out, const char *gpdir, int progress,
			 bb_html_result *res, size_t *bytes, int *built, char *err, size_t errlen);

/* A name for the report of run `run_id` next to the database at db_path that no file has
 * yet: "DIR/STEM-run3.html", else "DIR/STEM-run3-2.html" ...  Caller frees. */
char *bb_report_default_path(const char *db_path, long long run_id);

#endif
