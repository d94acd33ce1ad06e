/*
 * gate's judge (bb_engine_judge, engine.h): after the planned passes it compares each
 * candidate cell with its baseline -- the baseline's cell in the same run (interleaved, pass i
 * of each a pair) or a stored run's -- and asks for more passes of the cells that are
 * inconclusive, of a regression not yet confirmed by a re-measurement, and of a pair with a
 * pass the host disturbed; it asks again after each round until every cell is conclusive or
 * the total budget would be exceeded.  Afterwards gate reads what it concluded.
 */
#ifndef BB_HARNESS_REMEASURE_H
#define BB_HARNESS_REMEASURE_H

#include <stddef.h>

#include "db/db.h"
#include "harness/engine/engine.h"
#include "reports/compare.h"

#define BB_REMEASURE_MAX_ROUNDS 8 /* without a budget, at most this many rounds */
#define BB_REMEASURE_DISTURBED 2  /* extra passes a pair gets for disturbed passes, at most */

typedef struct bb_remeasure_cell {
	char *key;         /* the candidate cell's key */
	int regression_at; /* round it was first a regression at, -1 never */
	int confirmed;     /* a regression still after a round of fresh passes */
	int disturbed_given;
} bb_remeasure_cell;

typedef struct bb_remeasure {
	/* set by the caller */
	const bb_cmp_pair *pairs; /* interleaved: base alias -> candidate alias, in one run */
	size_t n_pairs;
	const bb_db_cmp_run *stored; /* else: the stored baseline, cells matched by alias */
	double threshold;
	double budget_total;  /* seconds for the whole run; 0: BB_REMEASURE_MAX_ROUNDS rounds */
	int step;             /* more pairs per round for an inconclusive cell, at least */
	int inconclusive_too; /* re-measure inconclusive cells (else only regressions to confirm
	                       * and disturbed pairs) */
	/* what it did */
	int rounds;       /* times it judged */
	int rounds_asked; /* of those, rounds that asked for more passes */
	int budget_spent; /* stopped with cells still inconclusive or unconfirmed */
	int extra_passes; /* passes asked for, over all cells */
	double planned_s; /* seconds the planned passes took (the run's time at the first round) */
	bb_remeasure_cell *cells;
	size_t n_cells;
} bb_remeasure;

int bb_remeasure_judge(void *arg, bb_engine_view *cells, size_t n, double elapsed,
                       double pass_cost);
/* Whether the candidate cell `key` was confirmed a regression by a re-measurement. */
int bb_remeasure_confirmed(const bb_remeasure *rm, const char *key);
void bb_remeasure_release(bb_remeasure *rm);

#endif
