/*
 * What a comparison lacks to vouch for the candidate, beside its verdicts (reports/compare.h):
 * a base or candidate run that is not complete (still running, interrupted, failed, or any
 * status but "complete"), cells of the base missing from the candidate (never recorded there, or
 * skipped where the base measured them), and a comparison whose shared cells carry no
 * measurement on both sides.  None of these is a slower candidate, so no cell verdict says it;
 * each would let a gate pass a candidate it never saw.  `compare` warns with these sentences in
 * every output, `gate` refuses to pass on any of them (harness/cmd/cmd_gate.c).
 */
#include "reports/compare.h"

#include <stdio.h>
#include <string.h>

#include "common/strbuf.h"

/* The two sides are one run (compare --pair within a run): its status is one gap, not two. */
static int same_run(const bb_cmp_report *rep)
{
	const bb_db_cmp_run *b = rep->base, *c = rep->cand;
	return b->id == c->id && b->db_path && c->db_path && !strcmp(b->db_path, c->db_path);
}

int bb_cmp_run_complete(const bb_db_cmp_run *r)
{
	return r->status && !strcmp(r->status, "complete");
}

int bb_cmp_has_gap(const bb_cmp_report *rep, bb_cmp_gap g)
{
	switch (g) {
	case BB_CMP_GAP_BASE_INCOMPLETE:
		return !bb_cmp_run_complete(rep->base);
	case BB_CMP_GAP_CAND_INCOMPLETE:
		return !bb_cmp_run_complete(rep->cand) && !same_run(rep);
	case BB_CMP_GAP_MISSING:
		return rep->missing > 0;
	case BB_CMP_GAP_UNMEASURED:
		return rep->measured == 0;
	case BB_CMP_N_GAPS:
		break;
	}
	return 0;
}

int bb_cmp_n_gaps(const bb_cmp_report *rep)
{
	int n = 0;
	for (int g = 0; g < BB_CMP_N_GAPS; g++)
		n += bb_cmp_has_gap(rep, (bb_cmp_gap)g);
	return n;
}

const char *bb_cmp_gap_name(bb_cmp_gap g)
{
	static const char *const names[] = {"base_incomplete", "candidate_incomplete",
	                                    "missing_cells", "nothing_measured"};
	return (unsigned)g < sizeof(names) / sizeof(names[0]) ? names[g] : "?";
}

static void incomplete_text(const char *side, const bb_db_cmp_run *r, bb_strbuf *sb)
{
	bb_strbuf_addf(sb, "%s run %lld", side, (long long)r->id);
	if (r->label)
		bb_strbuf_addf(sb, " (%s)", r->label);
	bb_strbuf_addf(sb, " in %s is not complete (status '%s'): it may lack cells and passes",
	               r->db_path ? r->db_path : "?", r->status ? r->status : "none");
}

/* "N cells of base run B missing from candidate run C (...): a, b, c and N-3 more" */
static void missing_text(const bb_cmp_report *rep, bb_strbuf *sb)
{
	enum { SHOWN = 3 };
	bb_strbuf_addf(sb,
	               "%d cell%s of base run %lld missing from candidate run %lld (not recorded "
	               "or not measured there): ",
	               rep->missing, rep->missing == 1 ? "" : "s", (long long)rep->base->id,
	               (long long)rep->cand->id);
	int shown = 0;
	for (size_t i = 0; i < rep->n_rows && shown < SHOWN; i++) {
		const bb_cmp_row *row = &rep->rows[i];
		if (row->r.verdict != BB_CMP_MISSING)
			continue;
		bb_strbuf_addf(sb, "%s%s %s", shown ? ", " : "", row->backend, row->workload);
		if (row->cand)
			bb_strbuf_addf(sb, " (%s)", row->cand->status ? row->cand->status : "?");
		shown++;
	}
	if (rep->missing > shown)
		bb_strbuf_addf(sb, " and %d more", rep->missing - shown);
}

static void unmeasured_text(const bb_cmp_report *rep, bb_strbuf *sb)
{
	if (!rep->matched)
		bb_strbuf_adds(sb, "the runs share no cell (cells are matched by backend alias, "
		                   "workload and threads): nothing was compared");
	else if (rep->matched == 1)
		bb_strbuf_adds(sb, "the one cell the runs share is not measured on both sides "
		                   "(skipped, failed or without samples): nothing was compared");
	else
		bb_strbuf_addf(sb,
		               "none of the %d cells the runs share is measured on both sides "
		               "(skipped, failed or without samples): nothing was compared",
		               rep->matched);
}

void bb_cmp_gap_text(const bb_cmp_report *rep, bb_cmp_gap g, char *buf, size_t len)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	if (bb_cmp_has_gap(rep, g)) {
		switch (g) {
		case BB_CMP_GAP_BASE_INCOMPLETE:
			incomplete_text("base", rep->base, &sb);
			break;
		case BB_CMP_GAP_CAND_INCOMPLETE:
			incomplete_text("candidate", rep->cand, &sb);
			break;
		case BB_CMP_GAP_MISSING:
			missing_text(rep, &sb);
			break;
		case BB_CMP_GAP_UNMEASURED:
			unmeasured_text(rep, &sb);
			break;
		case BB_CMP_N_GAPS:
			break;
		}
	}
	snprintf(buf, len, "%s", sb.buf ? sb.buf : "");
	bb_strbuf_release(&sb);
}
