/*
 * Building the answer of a run (see answer.h): the side-by-side rows, and the notes on what
 * needs attention.  Every note says what it saw in this run's cells and records; where the run
 * cannot tell a cause, the note says what to look at, not a cause.
 */
#include "reports/answer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "common/number.h"
#include "common/strbuf.h"

const char *const bb_answer_group_names[BB_ANSWER_GROUPS] = {"BLAS-1", "BLAS-2", "BLAS-3", "LAPACK",
                                                             "other"};

/* A cell is far below the peak under this % of it (its best GEMM at one thread). */
#define FAR_BELOW_PCT 50.0
/* Thread scaling does not scale when the speedup is under this share of the thread count. */
#define SCALING_SHARE 0.6

static int group_of(bb_answer_family_fn family, const char *routine)
{
	const char *f = family && routine ? family(routine) : NULL;
	if (!f)
		return BB_ANSWER_OTHER;
	static const char *const names[] = {"blas1", "blas2", "blas3", "lapack"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(f, names[i]))
			return i;
	return BB_ANSWER_OTHER;
}

/* "dgemm:m=1024,n=1024,k=1024,ta=N,tb=N" -> "dgemm 1024"; options at their usual value
 * (no transpose, upper, left, non-unit, vectors wanted) are left out. */
static void short_label(const char *key, char *buf, size_t len)
{
	static const char *const usual[] = {"ta=N",   "tb=N",   "uplo=U", "side=L",
	                                    "diag=N", "jobz=V", NULL};
	const char *colon = strchr(key, ':');
	if (!colon) {
		snprintf(buf, len, "%s", key);
		return;
	}
	long m = -1, n = -1, k = -1;
	bb_strbuf rest = BB_STRBUF_INIT;
	for (const char *p = colon + 1; *p;) {
		size_t l = strcspn(p, ",");
		char item[64];
		snprintf(item, sizeof(item), "%.*s", (int)l, p);
		p += l + (p[l] == ',');
		int skip = 0;
		for (size_t i = 0; usual[i]; i++)
			skip |= !strcmp(item, usual[i]);
		if (item[0] == 'm' && item[1] == '=')
			m = atol(item + 2);
		else if (item[0] == 'n' && item[1] == '=')
			n = atol(item + 2);
		else if (item[0] == 'k' && item[1] == '=')
			k = atol(item + 2);
		else if (!skip)
			bb_strbuf_addf(&rest, " %s", item);
	}
	int square = n >= 0 && (m < 0 || m == n) && (k < 0 || k == n);
	if (square)
		snprintf(buf, len, "%.*s %ld%s", (int)(colon - key), key, n,
		         rest.len ? rest.buf : "");
	else
		snprintf(buf, len, "%.*s m=%ld,n=%ld%s%.0ld%s", (int)(colon - key), key, m, n,
		         k >= 0 ? ",k=" : "", k >= 0 ? k : 0, rest.len ? rest.buf : "");
	bb_strbuf_release(&rest);
}

static int is_ok(const bb_db_report_cell *c)
{
	return c && !strcmp(c->status, "ok");
}
static int is_failed(const bb_db_report_cell *c)
{
	return c && strcmp(c->status, "ok") && strcmp(c->status, "skipped") &&
	       strcmp(c->status, "partial");
}

static int row_cmp(const void *pa, const void *pb)
{
	const bb_answer_row *a = pa, *b = pb;
	if (a->group != b->group)
		return a->group - b->group;
	return a->order < b->order ? -1 : a->order > b->order;
}

static void add_note(bb_answer *a, const char *kind, char *text)
{
	a->notes = bb_xrealloc(a->notes, (a->n_notes + 1) * sizeof(*a->notes));
	a->notes[a->n_notes++] = (bb_answer_note){kind, text};
}

static const char *alias_of(const bb_answer *a, size_t col)
{
	return a->run->backends[a->col_backend[col]].alias;
}

static const char *base_name(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p;
}

/* Failed cells, one line per backend: how many of each outcome, and the first one. */
static void note_failed(bb_answer *a)
{
	static const char *const kinds[] = {"wrong", "crash", "hang", "error"};
	for (size_t col = 0; col < a->n_cols; col++) {
		int counts[5] = {0}, total = 0;
		const bb_answer_row *first = NULL;
		for (size_t r = 0; r < a->n_rows; r++) {
			const bb_db_report_cell *c = a->rows[r].cells[col];
			if (!is_failed(c))
				continue;
			int k = 4;
			for (int i = 0; i < 4; i++)
				if (!strcmp(c->status, kinds[i]))
					k = i;
			counts[k]++;
			total++;
			if (!first)
				first = &a->rows[r];
		}
		if (!total)
			continue;
		bb_strbuf sb = BB_STRBUF_INIT;
		bb_strbuf_addf(&sb, "%s: %d cell%s failed (", alias_of(a, col), total,
		               bb_plural(total));
		int any = 0;
		for (int i = 0; i < 5; i++)
			if (counts[i])
				bb_strbuf_addf(&sb, "%s%d %s", any++ ? ", " : "", counts[i],
				               i < 4 ? kinds[i] : "other");
		const bb_db_report_cell *c = first->cells[col];
		bb_strbuf_addf(&sb,
		               "), first %s t=%d: %s: %.120s; repeat it: blasbench run --backends "
		               "'%s' --workloads '%s' --threads %d",
		               first->label, first->threads, c->status,
		               c->error ? c->error : "no reason recorded",
		               a->run->backends[a->col_backend[col]].spec, first->key,
		               first->threads);
		add_note(a, "failed", bb_strbuf_detach(&sb, NULL));
	}
}

/* A backend whose best one-thread GEMM is far below the measured peak. */
static void note_peak(bb_answer *a, bb_answer_overrides_fn has_overrides)
{
	for (size_t col = 0; col < a->n_cols; col++) {
		const bb_answer_row *best = NULL;
		for (size_t r = 0; r < a->n_rows; r++) {
			const bb_answer_row *row = &a->rows[r];
			const bb_db_report_cell *c = row->cells[col];
			if (row->group != BB_ANSWER_BLAS3 || row->threads != 1 || !is_ok(c) ||
			    !strstr(c->routine, "gemm") || isnan(c->pct_peak))
				continue;
			if (!best || c->pct_peak > best->cells[col]->pct_peak)
				best = row;
		}
		if (!best || best->cells[col]->pct_peak >= FAR_BELOW_PCT)
			continue;
		const bb_db_report_backend *be = &a->run->backends[a->col_backend[col]];
		bb_json *rec = be->record_json ? bb_json_parse(be->record_json,
		                                               strlen(be->record_json), NULL, 0)
		                               : NULL;
		const char *family = bb_json_str(bb_json_get(rec, "family"), "");
		const char *version = bb_json_str(bb_json_get(rec, "version"), NULL);
		int overrides = has_overrides ? has_overrides(family, version) : -1;
		char *text;
		if (overrides < 0)
			text = bb_xasprintf(
			    "%s: its best one-thread GEMM (%s) reaches %.0f%% of the measured "
			    "peak; blasbench diagnose --backends '%s' --scenarios kernel-selection "
			    "measures it",
			    be->alias, best->label, best->cells[col]->pct_peak, be->spec);
		else if (overrides)
			text = bb_xasprintf(
			    "%s: its best one-thread GEMM (%s) reaches %.0f%% of the measured "
			    "peak; blasbench diagnose --backends '%s' --scenarios "
			    "kernel-selection tries its kernel overrides",
			    be->alias, best->label, best->cells[col]->pct_peak, be->spec);
		else
			text = bb_xasprintf(
			    "%s: its best one-thread GEMM (%s) reaches %.0f%% of the measured "
			    "peak; blasbench knows no kernel override for it (family %s)",
			    be->alias, best->label, best->cells[col]->pct_peak,
			    *family ? family : "unknown");
		bb_json_free(rec);
		add_note(a, "peak", text);
	}
}

/* The ok cell of column col for workload key at `threads`, or NULL. */
static const bb_db_report_cell *find_cell(const bb_answer *a, size_t col, const char *key,
                                          int threads)
{
	for (size_t r = 0; r < a->n_rows; r++)
		if (a->rows[r].threads == threads && !a->rows[r].omp &&
		    !strcmp(a->rows[r].key, key) && is_ok(a->rows[r].cells[col]))
			return a->rows[r].cells[col];
	return NULL;
}

/* Thread scaling of the largest GEMM measured at one thread and at the most threads. */
static void note_scaling(bb_answer *a)
{
	int tmax = 1;
	for (size_t r = 0; r < a->n_rows; r++)
		if (a->rows[r].threads > tmax)
			tmax = a->rows[r].threads;
	if (tmax < 2)
		return;
	for (size_t col = 0; col < a->n_cols; col++) {
		const bb_db_report_cell *one = NULL, *many = NULL;
		const char *label = NULL;
		for (size_t r = 0; r < a->n_rows; r++) {
			const bb_answer_row *row = &a->rows[r];
			const bb_db_report_cell *c = row->cells[col];
			if (row->group != BB_ANSWER_BLAS3 || row->threads != 1 || !is_ok(c) ||
			    !strstr(c->routine, "gemm") || (one && c->flops <= one->flops))
				continue;
			const bb_db_report_cell *m = find_cell(a, col, row->key, tmax);
			if (m) {
				one = c;
				many = m;
				label = row->label;
			}
		}
		if (!one)
			continue;
		double speedup = many->gflops / one->gflops;
		if (speedup >= SCALING_SHARE * tmax)
			continue;
		const char *alias = alias_of(a, col);
		char *text;
		if (many->threads_effective && many->threads_effective < tmax)
			text = bb_xasprintf(
			    "%s: %s is %.2fx as fast on %d threads as on 1: the library "
			    "ran %d thread%s (asked %d); blasbench list --backends '%s' "
			    "--threads %d shows why",
			    alias, label, speedup, tmax, many->threads_effective,
			    bb_plural(many->threads_effective), tmax,
			    a->run->backends[a->col_backend[col]].spec, tmax);
		else
			text = bb_xasprintf(
			    "%s: %s is %.2fx as fast on %d threads as on 1 (ideal %dx): it "
			    "does not scale; the run cannot tell whether the library or "
			    "other work on the cores is the cause (blasbench diagnose "
			    "--backends '%s' --scenarios background-load measures the "
			    "latter)",
			    alias, label, speedup, tmax, tmax,
			    a->run->backends[a->col_backend[col]].spec);
		add_note(a, "scaling", text);
	}
}

static int dbl_cmp(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return a < b ? -1 : a > b;
}

/* A group of workloads that runs slower on the most threads than on one (the median over its
 * workloads of the speed ratio): more threads costing speed is worth a line of its own. */
static void note_slower(bb_answer *a, int tmax)
{
	for (size_t col = 0; col < a->n_cols; col++)
		for (int grp = 0; grp < BB_ANSWER_GROUPS; grp++) {
			double *ratios = bb_xcalloc(a->n_rows + 1, sizeof(double));
			size_t n = 0;
			const bb_answer_row *worst = NULL;
			double worst_ratio = 0;
			for (size_t r = 0; r < a->n_rows; r++) {
				const bb_answer_row *row = &a->rows[r];
				if (row->group != grp || row->threads != 1 ||
				    !is_ok(row->cells[col]))
					continue;
				const bb_db_report_cell *m = find_cell(a, col, row->key, tmax);
				if (!m || !(row->cells[col]->gflops > 0))
					continue;
				ratios[n++] = m->gflops / row->cells[col]->gflops;
				if (!worst || ratios[n - 1] < worst_ratio) {
					worst = row;
					worst_ratio = ratios[n - 1];
				}
			}
			qsort(ratios, n, sizeof(double), dbl_cmp);
			double median = n ? ratios[n / 2] : 1;
			free(ratios);
			if (n < 2 || median >= 0.8)
				continue;
			add_note(a, "scaling",
			         bb_xasprintf(
			             "%s: %s runs slower on %d threads than on 1 (median %.2gx "
			             "over %zu workloads; %s: %.2gx); the run cannot tell whether "
			             "the library or other work on the cores is the cause",
			             alias_of(a, col), bb_answer_group_names[grp], tmax, median, n,
			             worst->label, worst_ratio));
		}
}

/* Variables inherited from the environment that the libraries read (the run's options). */
static void note_inherited(bb_answer *a)
{
	bb_json *opts = a->run->options_json ? bb_json_parse(a->run->options_json,
	                                                     strlen(a->run->options_json), NULL, 0)
	                                     : NULL;
	int clean = bb_json_bool(bb_json_get(opts, "clean_env"), 0);
	const bb_json *env = bb_json_get(opts, clean ? "dropped_env" : "inherited_env");
	if (env && env->type == BB_JSON_OBJECT && env->n) {
		bb_strbuf sb = BB_STRBUF_INIT;
		for (size_t i = 0; i < env->n; i++)
			bb_strbuf_addf(&sb, "%s%s=%s", i ? ", " : "", env->keys[i],
			               bb_json_str(env->items[i], ""));
		add_note(
		    a, "inherited",
		    clean
		        ? bb_xasprintf("--clean-env dropped %s: the libraries ran with their "
		                       "defaults",
		                       sb.buf)
		        : bb_xasprintf("inherited from the environment and read by the libraries: "
		                       "%s; they shaped this run (--clean-env measures the "
		                       "defaults)",
		                       sb.buf));
		bb_strbuf_release(&sb);
	}
	bb_json_free(opts);
}

/* Skipped cells: one line per backend and reason.  "backend has no dgetrf" lines of one
 * backend are one line naming the routines. */
static void note_skipped(bb_answer *a)
{
	for (size_t col = 0; col < a->n_cols; col++) {
		bb_strbuf missing = BB_STRBUF_INIT;
		int n_missing = 0, lapack_missing = 0, blas_missing = 0;
		char **reasons = NULL;
		int *counts = NULL;
		size_t n_reasons = 0;
		for (size_t r = 0; r < a->n_rows; r++) {
			const bb_db_report_cell *c = a->rows[r].cells[col];
			if (!c || strcmp(c->status, "skipped"))
				continue;
			const char *why = c->error ? c->error : "no reason recorded";
			if (!strncmp(why, "backend has no ", 15)) {
				n_missing++;
				lapack_missing |= a->rows[r].group == BB_ANSWER_LAPACK;
				blas_missing |= a->rows[r].group != BB_ANSWER_LAPACK;
				char word[72];
				snprintf(word, sizeof(word), "%s,", why + 15);
				char hay[4096];
				snprintf(hay, sizeof(hay), "%s,", missing.buf ? missing.buf : "");
				if (!strstr(hay, word) && missing.len < 200)
					bb_strbuf_addf(&missing, "%s%s", missing.len ? ", " : "",
					               why + 15);
				continue;
			}
			size_t i = 0;
			while (i < n_reasons && strcmp(reasons[i], why))
				i++;
			if (i == n_reasons) {
				reasons = bb_xrealloc(reasons, (n_reasons + 1) * sizeof(char *));
				counts = bb_xrealloc(counts, (n_reasons + 1) * sizeof(int));
				reasons[n_reasons] = bb_xstrdup(why);
				counts[n_reasons++] = 0;
			}
			counts[i]++;
		}
		const char *alias = alias_of(a, col);
		/* a LAPACK can be put on a BLAS that has every BLAS routine asked for (not on
		 * blasbench's own kernels, which are GEMM only) */
		if (n_missing && lapack_missing && !blas_missing) {
			/* the same spec with a LAPACK put on it */
			const char *spec = a->run->backends[a->col_backend[col]].spec;
			const char *none = spec ? strstr(spec, "+lapack=none") : NULL;
			char *fix = none ? bb_xasprintf("%.*s+lapack=flame%s", (int)(none - spec),
			                                spec, none + strlen("+lapack=none"))
			                 : bb_xasprintf("%s+lapack=flame", spec ? spec : alias);
			add_note(a, "skipped",
			         bb_xasprintf("%s: %d cell%s skipped: the backend has no %s; put a "
			                      "LAPACK on it: --backends '%s' (or +lapack=netlib)",
			                      alias, n_missing, bb_plural(n_missing), missing.buf,
			                      fix));
			free(fix);
		} else if (n_missing) {
			add_note(a, "skipped",
			         bb_xasprintf("%s: %d cell%s skipped: the backend has no %s; its "
			                      "library does not export them",
			                      alias, n_missing, bb_plural(n_missing), missing.buf));
		}
		for (size_t i = 0; i < n_reasons; i++) {
			int memory = strstr(reasons[i], "--max-memory") != NULL;
			add_note(a, "skipped",
			         bb_xasprintf("%s: %d cell%s skipped: %s%s", alias, counts[i],
			                      bb_plural(counts[i]), reasons[i],
			                      memory ? "; raise --max-memory or leave that size out"
			                             : ""));
			free(reasons[i]);
		}
		free(reasons);
		free(counts);
		bb_strbuf_release(&missing);
	}
}

/* Which LAPACK each backend with LAPACK cells used, and the BLAS its calls reached. */
static void note_lapack(bb_answer *a)
{
	for (size_t col = 0; col < a->n_cols; col++) {
		int any = 0;
		for (size_t r = 0; r < a->n_rows; r++)
			any |= a->rows[r].group == BB_ANSWER_LAPACK && is_ok(a->rows[r].cells[col]);
		if (!any)
			continue;
		const bb_db_report_backend *be = &a->run->backends[a->col_backend[col]];
		bb_json *rec = be->record_json ? bb_json_parse(be->record_json,
		                                               strlen(be->record_json), NULL, 0)
		                               : NULL;
		const char *file = bb_json_str(bb_json_get(rec, "lapack_file"), NULL);
		const char *layer = bb_json_str(bb_json_get(rec, "lapack_layer"), NULL);
		const char *bound = bb_json_str(bb_json_get(rec, "lapack_blas"), NULL);
		const char *version = bb_json_str(bb_json_get(rec, "lapack_version"), NULL);
		char *text;
		if (layer)
			text = bb_xasprintf(
			    "%s: LAPACK %s%s%s (%s), layered; its BLAS calls reach %s", be->alias,
			    layer, version ? " " : "", version ? version : "",
			    base_name(file ? file : layer), bound ? base_name(bound) : "?");
		else
			text = bb_xasprintf("%s: its own LAPACK%s%s; its BLAS calls reach %s",
			                    be->alias, version ? " " : "", version ? version : "",
			                    bound ? base_name(bound) : "? (not probed)");
		bb_json_free(rec);
		add_note(a, "lapack", text);
	}
}

void bb_answer_build(bb_answer *a, const bb_db_report_run *run, bb_answer_family_fn family,
                     bb_answer_overrides_fn overrides)
{
	memset(a, 0, sizeof(*a));
	a->run = run;
	/* a column per backend that has cells, in the run's order */
	a->col_backend = bb_xcalloc(run->n_backends + 1, sizeof(size_t));
	for (size_t b = 0; b < run->n_backends; b++) {
		int has = 0;
		for (size_t i = 0; i < run->n_cells && !has; i++)
			has = run->cells[i].backend == b;
		if (has)
			a->col_backend[a->n_cols++] = b;
	}
	for (size_t i = 0; i < run->n_cells; i++) {
		const bb_db_report_cell *c = &run->cells[i];
		if (!strcmp(c->status, "partial"))
			continue;
		a->ok += is_ok(c);
		a->failed += is_failed(c);
		a->skipped += !strcmp(c->status, "skipped");
		a->any_pct |= is_ok(c) && !isnan(c->pct_peak);
		size_t col = 0;
		while (col < a->n_cols && a->col_backend[col] != c->backend)
			col++;
		bb_answer_row *row = NULL;
		for (size_t r = 0; r < a->n_rows && !row; r++) {
			bb_answer_row *x = &a->rows[r];
			if (x->threads == c->threads && !strcmp(x->key, c->workload_key) &&
			    !strcmp(x->omp ? x->omp : "", c->omp_runtime ? c->omp_runtime : ""))
				row = x;
		}
		if (!row) {
			a->rows = bb_xrealloc(a->rows, (a->n_rows + 1) * sizeof(*a->rows));
			row = &a->rows[a->n_rows];
			memset(row, 0, sizeof(*row));
			row->order = a->n_rows++;
			row->key = c->workload_key;
			row->threads = c->threads;
			row->omp = c->omp_runtime;
			row->group = group_of(family, c->routine);
			row->cells = bb_xcalloc(a->n_cols + 1, sizeof(*row->cells));
			short_label(c->workload_key, row->label, sizeof(row->label));
		}
		row->cells[col] = c;
	}
	/* rows of one workload side by side: order by group, then first appearance of the key */
	for (size_t r = 0; r < a->n_rows; r++) {
		size_t first = r; /* rows were made in order: row q's first appearance is q */
		for (size_t q = 0; q < r; q++)
			if (!strcmp(a->rows[q].key, a->rows[r].key)) {
				first = q;
				break;
			}
		a->rows[r].order = first * 1024 + (size_t)a->rows[r].threads % 1024;
	}
	qsort(a->rows, a->n_rows, sizeof(*a->rows), row_cmp);
	for (size_t r = 0; r < a->n_rows; r++) {
		bb_answer_row *row = &a->rows[r];
		row->best = -1;
		for (size_t col = 0; col < a->n_cols; col++)
			if (is_ok(row->cells[col]) &&
			    (row->best < 0 ||
			     row->cells[col]->gflops > row->cells[row->best]->gflops))
				row->best = (int)col;
	}
	note_failed(a);
	note_peak(a, overrides);
	note_scaling(a);
	int tmax = 1;
	for (size_t r = 0; r < a->n_rows; r++)
		if (a->rows[r].threads > tmax)
			tmax = a->rows[r].threads;
	if (tmax > 1)
		note_slower(a, tmax);
	note_inherited(a);
	note_skipped(a);
	note_lapack(a);
}

void bb_answer_release(bb_answer *a)
{
	for (size_t r = 0; r < a->n_rows; r++)
		free(a->rows[r].cells);
	for (size_t i = 0; i < a->n_notes; i++)
		free(a->notes[i].text);
	free(a->rows);
	free(a->notes);
	free(a->col_backend);
	memset(a, 0, sizeof(*a));
}
