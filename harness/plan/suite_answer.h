/*
 * The end of `suite` on the terminal: what needs attention, the side-by-side answer
 * (reports/answer.h), the HTML report written next to the database, and where everything is
 * (database, run, report, the compare command).  Read back from the database, so what is
 * printed is what was recorded.
 */
#ifndef BB_HARNESS_SUITE_ANSWER_H
#define BB_HARNESS_SUITE_ANSWER_H

#include <stdint.h>

typedef struct bb_suite_answer_opts {
	const char *db_path;
	int64_t run_id;
	int report;   /* write the HTML report (not --no-report) */
	int progress; /* stderr is a terminal and not --quiet: say when drawing charts is slow */
} bb_suite_answer_opts;

/* Print the answer of run o->run_id on stdout.  Returns 0; -1 after printing why when the run
 * cannot be read back (its cells are recorded all the same) or its report cannot be
 * written. */
int bb_suite_answer(const bb_suite_answer_opts *o);

#endif
