/*
 * What a comparison lacks (reports/compare_gaps.c), on runs built in memory: a complete pair
 * that covers the base has no gap; a candidate that is not complete (running, or no status at
 * all), base cells absent from the candidate or skipped there, and shared cells measured on
 * neither side are each a gap with its sentence ("1 cell of base run 1 missing from candidate
 * run 2"); one run compared with itself is one incomplete run, not two; JUnit reports a missing
 * cell and each run-wide gap as an error, JSON under "warnings".
 */
#include <math.h>
#include <string.h>

#include "reports/compare.h"
#include "test_util.h"

static double samples[8] = {1e-3, 1.01e-3, 0.99e-3, 1e-3, 1.02e-3, 0.98e-3, 1e-3, 1e-3};

/* A cell of backend "a", workload w, with samples when status is "ok". */
static bb_db_cmp_cell cell(const char *w, const char *status)
{
	int ok = !strcmp(status, "ok");
	static char keys[16][64];
	static int n;
	char *key = keys[n++ % 16];
	snprintf(key, 64, "a|%s|t=1", w);
	return (bb_db_cmp_cell){.cell_key = key,
	                        .alias = "a",
	                        .workload_key = (char *)w,
	                        .status = (char *)status,
	                        .threads = 1,
	                        .median_s = ok ? 1e-3 : NAN,
	                        .ci_low_s = NAN,
	                        .ci_high_s = NAN,
	                        .samples = ok ? samples : NULL,
	                        .n_samples = ok ? 8 : 0};
}

static bb_db_cmp_run run(int64_t id, const char *status, bb_db_cmp_cell *cells, size_t n)
{
	return (bb_db_cmp_run){
	    .id = id, .db_path = "t.db", .status = (char *)status, .cells = cells, .n_cells = n};
}

static int contains(const char *s, const char *sub)
{
	return s && strstr(s, sub) != NULL;
}

int main(void)
{
	bb_cmp_report rep;
	char text[512];
	bb_strbuf sb = BB_STRBUF_INIT;

	/* complete on both sides, every base cell measured in the candidate: no gap */
	bb_db_cmp_cell bc[] = {cell("w1", "ok"), cell("w2", "ok"), cell("w3", "skipped")};
	bb_db_cmp_cell cc[] = {cell("w1", "ok"), cell("w2", "ok"), cell("w3", "skipped")};
	bb_db_cmp_run base = run(1, "complete", bc, 3), cand = run(2, "complete", cc, 3);
	bb_cmp_report_build(&rep, &base, &cand, NULL, 0, 0.05);
	BB_CHECK_INT(rep.matched, 3);
	BB_CHECK_INT(rep.measured, 2);
	BB_CHECK_INT(bb_cmp_n_gaps(&rep), 0);
	bb_cmp_gap_text(&rep, BB_CMP_GAP_MISSING, text, sizeof(text));
	BB_CHECK_STR(text, "");
	bb_cmp_write_junit(&rep, &sb);
	BB_CHECK(!contains(sb.buf, "<error"));
	BB_CHECK(contains(sb.buf, "errors=\"0\""));
	bb_strbuf_reset(&sb);
	bb_cmp_write_json(&rep, &sb);
	BB_CHECK(contains(sb.buf, "\"warnings\": []") || contains(sb.buf, "\"warnings\":[]"));
	bb_strbuf_reset(&sb);
	bb_cmp_report_release(&rep);

	/* a killed candidate: running, one cell recorded -> incomplete and one cell missing */
	cand = run(2, "running", cc, 1);
	bb_cmp_report_build(&rep, &base, &cand, NULL, 0, 0.05);
	BB_CHECK(!bb_cmp_has_gap(&rep, BB_CMP_GAP_BASE_INCOMPLETE));
	BB_CHECK(bb_cmp_has_gap(&rep, BB_CMP_GAP_CAND_INCOMPLETE));
	BB_CHECK(bb_cmp_has_gap(&rep, BB_CMP_GAP_MISSING));
	BB_CHECK(!bb_cmp_has_gap(&rep, BB_CMP_GAP_UNMEASURED));
	BB_CHECK_INT(rep.missing, 2);
	bb_cmp_gap_text(&rep, BB_CMP_GAP_CAND_INCOMPLETE, text, sizeof(text));
	BB_CHECK(contains(text, "candidate run 2 in t.db is not complete (status 'running')"));
	bb_cmp_gap_text(&rep, BB_CMP_GAP_MISSING, text, sizeof(text));
	BB_CHECK(contains(text, "2 cells of base run 1 missing from candidate run 2"));
	BB_CHECK(contains(text, "a w2 t=1") && contains(text, "a w3 t=1"));
	bb_cmp_write_junit(&rep, &sb);
	/* 3 cells + the run-wide gap; errors: two missing cells and the incomplete candidate */
	BB_CHECK(contains(sb.buf, "tests=\"4\" failures=\"0\" errors=\"3\""));
	BB_CHECK(contains(sb.buf, "<error type=\"missing\""));
	BB_CHECK(contains(sb.buf, "name=\"candidate_incomplete\""));
	bb_strbuf_reset(&sb);
	bb_cmp_write_json(&rep, &sb);
	BB_CHECK(contains(sb.buf, "\"gap\": \"missing_cells\"") ||
	         contains(sb.buf, "\"gap\":\"missing_cells\""));
	bb_strbuf_reset(&sb);
	bb_cmp_report_release(&rep);

	/* a status blasbench does not know, and none at all: not complete */
	cand = run(2, "abandoned", cc, 3);
	bb_cmp_report_build(&rep, &base, &cand, NULL, 0, 0.05);
	BB_CHECK_INT(bb_cmp_n_gaps(&rep), 1);
	bb_cmp_report_release(&rep);
	cand = run(2, NULL, cc, 3);
	bb_cmp_report_build(&rep, &base, &cand, NULL, 0, 0.05);
	BB_CHECK(bb_cmp_has_gap(&rep, BB_CMP_GAP_CAND_INCOMPLETE));
	bb_cmp_report_release(&rep);

	/* a base cell skipped in the candidate is missing (one: singular), and says so */
	bb_db_cmp_cell cs[] = {cell("w1", "ok"), cell("w2", "skipped"), cell("w3", "skipped")};
	cand = run(2, "complete", cs, 3);
	bb_cmp_report_build(&rep, &base, &cand, NULL, 0, 0.05);
	bb_cmp_gap_text(&rep, BB_CMP_GAP_MISSING, text, sizeof(text));
	BB_CHECK(contains(text, "1 cell of base run 1 missing from candidate run 2"));
	BB_CHECK(contains(text, "a w2 t=1 (skipped)"));
	bb_cmp_report_release(&rep);

	/* every shared cell skipped on both sides: nothing measured */
	bb_db_cmp_cell sb1[] = {cell("w3", "skipped"), cell("w4", "skipped")};
	bb_db_cmp_cell sc1[] = {cell("w3", "skipped"), cell("w4", "skipped")};
	base = run(1, "complete", sb1, 2);
	cand = run(2, "complete", sc1, 2);
	bb_cmp_report_build(&rep, &base, &cand, NULL, 0, 0.05);
	BB_CHECK_INT(rep.matched, 2);
	BB_CHECK_INT(rep.measured, 0);
	BB_CHECK_INT(bb_cmp_n_gaps(&rep), 1);
	bb_cmp_gap_text(&rep, BB_CMP_GAP_UNMEASURED, text, sizeof(text));
	BB_CHECK(contains(text, "none of the 2 cells the runs share is measured on both sides"));
	BB_CHECK_STR(rep.rows[0].r.why, "not measured on either side");
	bb_cmp_write_junit(&rep, &sb);
	BB_CHECK(contains(sb.buf, "<error type=\"nothing_measured\""));
	bb_strbuf_reset(&sb);
	bb_cmp_report_release(&rep);

	/* one run against itself (compare --pair): one incomplete run, said once */
	base = run(1, "interrupted", bc, 3);
	bb_cmp_report_build(&rep, &base, &base, NULL, 0, 0.05);
	BB_CHECK(bb_cmp_has_gap(&rep, BB_CMP_GAP_BASE_INCOMPLETE));
	BB_CHECK(!bb_cmp_has_gap(&rep, BB_CMP_GAP_CAND_INCOMPLETE));
	bb_cmp_report_release(&rep);

	bb_strbuf_release(&sb);
	return bb_test_done();
}
