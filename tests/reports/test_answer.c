/* The answer of a run (reports/answer.c) on a run built in memory: rows side by side and
 * grouped, the fastest marked, ratios, short labels, and the notes (failed, skipped merged per
 * backend and reason, LAPACK used, scaling) with what to do. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/answer.h"
#include "test_util.h"

static const char *family(const char *routine)
{
	if (strstr(routine, "gemm"))
		return "blas3";
	if (strstr(routine, "dot"))
		return "blas1";
	return strstr(routine, "getrf") || strstr(routine, "potrf") ? "lapack" : NULL;
}

static bb_db_report_cell cell(size_t backend, const char *key, const char *routine, int threads,
                              const char *status, double gflops, const char *error)
{
	bb_db_report_cell c = {0};
	c.backend = backend;
	c.workload_key = (char *)key;
	c.routine = (char *)routine;
	c.threads = threads;
	c.status = (char *)status;
	c.error = (char *)error;
	c.gflops = gflops;
	c.flops = 1e9;
	c.pct_peak = NAN;
	return c;
}

/* A stand-in for diagnose's list: overrides for "mkl" only. */
static int mkl_only(const char *fam, const char *version)
{
	(void)version;
	return fam && !strcmp(fam, "mkl");
}

static const bb_answer_note *note(const bb_answer *a, const char *kind, const char *needle)
{
	for (size_t i = 0; i < a->n_notes; i++)
		if (!strcmp(a->notes[i].kind, kind) && strstr(a->notes[i].text, needle))
			return &a->notes[i];
	return NULL;
}

int main(void)
{
	const char *g = "dgemm:m=512,n=512,k=512,ta=N,tb=N", *d = "ddot:n=1000",
	           *lu = "dgetrf:m=256,n=256", *ch = "dpotrf:n=256,uplo=U";
	bb_db_report_backend backends[2] = {
	    {1, "ob", "openblas",
	     "{\"lapack_blas\":\"/x/libopenblasp.so\",\"lapack_version\":\"3.11.0\"}"},
	    {2, "bl", "blis+lapack=none", "{}"},
	};
	bb_db_report_cell cells[] = {
	    cell(0, g, "dgemm", 1, "ok", 50, NULL),
	    cell(0, g, "dgemm", 2, "ok", 100, NULL),
	    cell(0, d, "ddot", 1, "ok", 10, NULL),
	    cell(0, lu, "dgetrf", 1, "ok", 20, NULL),
	    cell(0, ch, "dpotrf", 1, "crash", NAN, "worker killed by SIGSEGV"),
	    cell(1, g, "dgemm", 1, "ok", 40, NULL),
	    cell(1, g, "dgemm", 2, "ok", 44, NULL),
	    cell(1, d, "ddot", 1, "ok", 12, NULL),
	    cell(1, lu, "dgetrf", 1, "skipped", NAN, "backend has no dgetrf"),
	    cell(1, ch, "dpotrf", 1, "skipped", NAN, "backend has no dpotrf"),
	};
	bb_db_report_run run = {.id = 7,
	                        .backends = backends,
	                        .n_backends = 2,
	                        .cells = cells,
	                        .n_cells = sizeof(cells) / sizeof(cells[0])};
	bb_answer a;
	bb_answer_build(&a, &run, family, NULL);
	/* a group slower on 2 threads than on 1: said once, with its median and worst */
	const char *d2 = "ddot:n=99";
	bb_db_report_cell slow[] = {
	    cell(0, d, "ddot", 2, "ok", 2, NULL),
	    cell(0, d2, "ddot", 1, "ok", 10, NULL),
	    cell(0, d2, "ddot", 2, "ok", 3, NULL),
	};
	bb_db_report_run run2 = {
	    .id = 8, .backends = backends, .n_backends = 1, .cells = slow, .n_cells = 3};
	bb_db_report_cell both[4] = {cells[2], slow[0], slow[1], slow[2]};
	run2.cells = both;
	run2.n_cells = 4;
	bb_answer a2;
	bb_answer_build(&a2, &run2, family, NULL);
	BB_CHECK(note(&a2, "scaling",
	              "ob: BLAS-1 runs slower on 2 threads than on 1 (median 0.3x over "
	              "2 workloads; ddot 1000: 0.2x)") != NULL);
	for (size_t i = 0; i < a2.n_notes; i++)
		printf("%s: %s\n", a2.notes[i].kind, a2.notes[i].text);
	bb_answer_release(&a2);
	BB_CHECK_INT(a.n_cols, 2);
	BB_CHECK_INT(a.n_rows, 5); /* dgemm t=1, t=2, ddot, dgetrf, dpotrf: one row each */
	BB_CHECK_INT(a.failed, 1);
	BB_CHECK_INT(a.skipped, 2);
	/* grouped: BLAS-1 first, then BLAS-3 (t=1 before t=2), then LAPACK */
	BB_CHECK_INT(a.rows[0].group, BB_ANSWER_BLAS1);
	BB_CHECK_STR(a.rows[1].label, "dgemm 512");
	BB_CHECK_INT(a.rows[1].threads, 1);
	BB_CHECK_INT(a.rows[2].threads, 2);
	BB_CHECK_INT(a.rows[3].group, BB_ANSWER_LAPACK);
	BB_CHECK_STR(a.rows[4].label, "dpotrf 256");
	/* the fastest marked, the others' ratio to it */
	char buf[64];
	BB_CHECK_INT(a.rows[0].best, 1);
	bb_answer_ratio_text(&a.rows[0], 1, buf, sizeof(buf));
	BB_CHECK_STR(buf, "*");
	bb_answer_ratio_text(&a.rows[0], 0, buf, sizeof(buf));
	BB_CHECK_STR(buf, "0.83x");
	bb_answer_cell_text(&a, &a.rows[3], 1, 1, buf, sizeof(buf));
	BB_CHECK_STR(buf, "skipped");
	BB_CHECK_INT(a.rows[4].best, -1); /* nothing ok: no fastest */
	/* notes: what went wrong, with the command that repeats it; skipped cells of one
	 * backend and kind on one line with the fix; the LAPACK used; scaling of bl's GEMM */
	BB_CHECK(note(&a, "failed", "ob: 1 cell failed (1 crash), first dpotrf 256 t=1") != NULL);
	BB_CHECK(note(&a, "failed",
	              "blasbench run --backends 'openblas' --workloads "
	              "'dpotrf:n=256,uplo=U' --threads 1") != NULL);
	BB_CHECK(note(&a, "skipped",
	              "bl: 2 cells skipped: the backend has no dgetrf, dpotrf; "
	              "put a LAPACK on it") != NULL);
	BB_CHECK(note(&a, "lapack",
	              "ob: its own LAPACK 3.11.0; its BLAS calls reach "
	              "libopenblasp.so") != NULL);
	BB_CHECK(note(&a, "skipped", "--backends 'blis+lapack=flame'") != NULL);
	BB_CHECK(note(&a, "lapack", "bl: ") == NULL); /* no LAPACK cell measured on bl */
	BB_CHECK(note(&a, "scaling", "bl: dgemm 512 is 1.10x as fast on 2 threads") != NULL);
	BB_CHECK(note(&a, "scaling", "ob: ") == NULL);        /* 2.00x on 2 threads scales */
	BB_CHECK(note(&a, "scaling", "runs slower") == NULL); /* no group slower on 2 threads */
	for (size_t i = 0; i < a.n_notes; i++)
		printf("%s: %s\n", a.notes[i].kind, a.notes[i].text);
	/* a GEMM far below peak: the diagnose command that tries overrides where the lookup has
	 * some (mkl here), "no kernel override" where it has none, no claim without a lookup */
	{
		bb_db_report_backend pb[2] = {
		    {1, "m", "mkl", "{\"family\":\"mkl\",\"version\":\"x\"}"},
		    {2, "o", "openblas", "{\"family\":\"openblas\"}"}};
		bb_db_report_cell pc[2] = {cell(0, g, "dgemm", 1, "ok", 5, NULL),
		                           cell(1, g, "dgemm", 1, "ok", 6, NULL)};
		pc[0].pct_peak = 9, pc[1].pct_peak = 10;
		bb_db_report_run prun = {
		    .id = 8, .backends = pb, .n_backends = 2, .cells = pc, .n_cells = 2};
		bb_answer p;
		bb_answer_build(&p, &prun, family, mkl_only);
		BB_CHECK(note(&p, "peak", "m: its best one-thread GEMM (dgemm 512) reaches 9%") !=
		         NULL);
		BB_CHECK(note(&p, "peak",
		              "--backends 'mkl' --scenarios kernel-selection tries its kernel "
		              "overrides") != NULL);
		BB_CHECK(
		    note(&p, "peak",
		         "o: its best one-thread GEMM (dgemm 512) reaches 10% of the measured "
		         "peak; blasbench knows no kernel override for it (family openblas)") !=
		    NULL);
		bb_answer_release(&p);
		bb_answer_build(&p, &prun, family, NULL);
		BB_CHECK(note(&p, "peak", "kernel-selection measures it") != NULL);
		BB_CHECK(note(&p, "peak", "override") == NULL);
		bb_answer_release(&p);
	}
	/* the table fits 100 columns */
	FILE *f = tmpfile();
	bb_answer_print(&a, f, 100);
	rewind(f);
	char line[512];
	int widest = 0, rows = 0;
	while (fgets(line, sizeof(line), f))
		if (!strchr(line, ':') || strstr(line, "  ")) {
			rows++;
			if (line[0] != 'F' && line[0] != 'S' && line[0] != 'L' && line[0] != 'T' &&
			    (int)strlen(line) - 1 > widest)
				widest = (int)strlen(line) - 1;
		}
	fclose(f);
	BB_CHECK(rows > 5);
	BB_CHECK(widest <= 100);
	bb_answer_release(&a);
	return bb_test_done();
}
