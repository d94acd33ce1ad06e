/*
 * The benchmark engine, controller side (see engine.h): the host record, the plan (groups of
 * cells, minus those a resumed run already has), the passes over the groups, the summary.
 * One group = one backend spec at one thread count with one co-loaded OpenMP runtime = one
 * worker process; running a group and recording its cells is engine_group.c.
 */
#include "harness/engine/engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/omp_runtime.h"
#include "build_config.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"
#include "common/number.h"
#include "common/owner.h"
#include "common/stats.h"
#include "harness/cli/command.h"
#include "harness/engine/engine_internal.h"
#include "harness/engine/host_record.h"
#include "harness/plan/env_plan.h"
#include "harness/worker/worker.h"

void bb_engine_cell_key(const char *alias, const bb_cell_workload *c, int threads, const char *omp,
			char *buf, size_t len)
{
	char wk[256];
	bb_cell_workload_key(c, wk, sizeof(wk));
	if (omp)
		snprintf(buf, len, "%s|%s|t=%d|omp=%s", alias, wk, threads, omp);
	else
		snprintf(buf, len, "%s|%s|t=%d", alias, wk, threads);
}

/* ---- the peak ---------------------------------------------------------------------------- */

/* A resumed run's stored peak choice (options_json "peak"), so its new cells are computed
 * against the figure its first cells were; 0 when it has none (a run from an older blasbench:
 * the peak is measured). */
static int stored_peak_choice(bb_db *db, int64_t run_id, bb_peak_choice *c)
{
	bb_db_run_info ri;
	char err[512];
	if (bb_db_run_get(db, run_id, &ri, err, sizeof(err)))
		return 0;
	bb_json *opts = ri.options_json ? bb_json_parse(ri.options_json, strlen(ri.options_json),
							NULL, 0)
					: NULL;
	int found = bb_peak_choice_from_json(bb_json_get(opts, "peak"), c) == 0;
	bb_json_free(opts);
	bb_db_run_info_release(&ri);
	return found;
}

/* The run's options (options_json, one JSON object) with the peak choice added as "peak". */
static char *options_with_peak(const char *options_json, const bb_peak_choice *c)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	const char *o = options_json ? options_json : "{}";
	const char *end = strrchr(o, '}');
	if (!end)
		end = o + strlen(o);
	bb_strbuf_add(&sb, o, (size_t)(end - o));
	for (const char *p = o; p < end; p++)
		if (*p != '{' && *p != ' ' && *p != '\n') {
			bb_strbuf_adds(&sb, ",");
			break;
		}
	bb_strbuf_adds(&sb, "\"peak\":");
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_peak_choice_to_json(c, &w);
	bb_strbuf_adds(&sb, "}");
	return bb_strbuf_detach(&sb, NULL);
}

/* ---- the run ---------------------------------------------------------------------------- */

static int contains(char **keys, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(keys[i], key))
			return 1;
	return 0;
}

static void free_keys(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* A partial cell of a resumed run starts from the passes it has: its samples, the pass of
 * each, and each pass's median.  Returns the number of passes it has. */
static int resume_partial(bb_engine_cell *pc, const bb_db_partial *p, int passes)
{
	pc->samples = bb_xmalloc((p->n_samples + 1) * sizeof(double));
	pc->sample_pass = bb_xmalloc((p->n_samples + 1) * sizeof(int));
	memcpy(pc->samples, p->samples, p->n_samples * sizeof(double));
	memcpy(pc->sample_pass, p->pass, p->n_samples * sizeof(int));
	pc->n_samples = p->n_samples;
	/* passes are measured in order, so the ones kept are 0 .. k-1 */
	for (size_t start = 0; start < p->n_samples && pc->passes < passes - 1;) {
		size_t end = start;
		while (end < p->n_samples && p->pass[end] == p->pass[start])
			end++;
		/* how the host behaved in a pass measured before the interrupt is not kept */
		pc->pass_info[pc->passes] = (bb_db_pass){pc->passes, -1, NAN, NAN, 0};
		pc->pass_median[pc->passes++] = bb_median(p->samples + start, end - start);
		start = end;
	}
	return pc->passes;
}

/* The plan: one group per backend spec x thread count x OpenMP runtime, in that order (a
 * spec's variants run side by side); cells already recorded are left out, and partial ones
 * start from the passes they have (resume). */
static bb_engine_group *plan_groups(bb_engine_state *e, int64_t *backend_ids, char **done_keys,
				    size_t n_done, const bb_db_partial *partials, size_t n_partials,
				    size_t *n_groups)
{
	const bb_engine_opts *o = e->o;
	size_t n_omps = o->n_omps ? o->n_omps : 1;
	*n_groups = o->n_specs * o->n_threads * n_omps;
	bb_engine_group *groups = bb_xcalloc(*n_groups, sizeof(bb_engine_group));
	bb_engine_group *g = groups;
	char err[512];
	for (size_t s = 0; s < o->n_specs; s++) {
		if (o->resume_run &&
		    bb_db_backend_find(e->db, e->run_id, o->specs[s].alias, &backend_ids[s], err, sizeof(err)))
			bb_error("%s", err);
		for (size_t t = 0; t < o->n_threads; t++)
			for (size_t r = 0; r < n_omps; r++, g++) {
				g->e = e;
				g->spec = &o->specs[s];
				g->threads = o->threads[t];
				g->omp = o->n_omps && !bb_omp_is_none(o->omps[r]) ? o->omps[r] : NULL;
				g->omp_shared = -1;
				g->backend_id = &backend_ids[s];
				g->cells = bb_xcalloc(o->n_cells, sizeof(bb_engine_cell));
				for (size_t c = 0; c < o->n_cells; c++) {
					bb_engine_cell *pc = &g->cells[g->n];
					pc->c = &o->cells[c];
					pc->target = o->passes;
					bb_cell_workload_key(pc->c, pc->wkey, sizeof(pc->wkey));
					bb_engine_cell_key(g->spec->alias, pc->c, g->threads, g->omp, pc->key,
							   sizeof(pc->key));
					if (contains(done_keys, n_done, pc->key))
						continue; /* its slot is taken by the next cell */
					for (size_t i = 0; i < n_partials; i++)
						if (!strcmp(partials[i].cell_key, pc->key))
							e->partial_passes +=
							    (size_t)resume_partial(pc, &partials[i], o->passes);
					e->total += (size_t)(o->passes - pc->passes);
					g->n++;
				}
				/* cells that would need more memory than allowed are refused, not run */
				for (size_t i = 0; i < g->n; i++) {
					const bb_cell_workload *c = g->cells[i].c;
					if (2.0 * c->w->bytes(c->prec, &c->shape) > o->max_memory) /* pristine + working */
						g->cells[i].done = 2;
				}
			}
	}
	return groups;
}

/* Record the cells refused for their memory (done == 2) as skipped. */
static void record_refused(bb_engine_group *g)
{
	const bb_engine_opts *o = g->e->o;
	char err[512];
	for (size_t i = 0; i < g->n; i++) {
		if (g->cells[i].done != 2)
			continue;
		const bb_cell_workload *c = g->cells[i].c;
		char why[256];
		snprintf(why, sizeof(why), "needs %.1f GiB, more than the limit of %.1f GiB (--max-memory)",
			 2.0 * c->w->bytes(c->prec, &c->shape) / (1 << 30), o->max_memory / (1 << 30));
		/* nothing ran: a backend row for the skipped cells */
		if (!*g->backend_id &&
		    bb_db_backend_add(g->e->db, g->e->run_id, g->spec->alias, g->spec->text,
				      "{\"note\":\"not loaded: every cell was skipped\"}", g->backend_id, err,
				      sizeof(err))) {
			bb_error("%s", err);
			g->e->db_errors++;
		}
		bb_engine_record(g, &g->cells[i], "skipped", why, NULL);
	}
}

/* ---- the passes, interleaved -------------------------------------------------------------- */

/* splitmix64, for the order of the groups in each pass. */
static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* The groups per backend spec: thread counts x OpenMP runtimes. */
static size_t n_blocks(const bb_engine_opts *o)
{
	return o->n_threads * (o->n_omps ? o->n_omps : 1);
}

/* Fisher-Yates shuffle of v[0..n). */
static void shuffle(size_t *v, size_t n, uint64_t *rng)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(next_random(rng) % i), t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* Passes from..to-1 over every group, pass after pass.  Within a pass the blocks (one thread
 * count x OpenMP runtime: the groups whose cells are compared with each other) run in an
 * order drawn anew, and within a block its backends in an order drawn anew, so a host phase
 * falls on the backends alike and the two passes of a pair are measured next to each other,
 * not a whole pass apart.  plan_groups() lays the groups out spec-major, so group g is spec
 * g / n_blocks of block g % n_blocks.  A group with no cell in a pass starts no worker.
 * Returns -1 when interrupted. */
static int run_passes(bb_engine_group *groups, size_t n_groups, size_t n_blocks, int from, int to,
		      uint64_t *rng)
{
	size_t n_specs = n_blocks ? n_groups / n_blocks : 0;
	size_t *blocks = bb_xmalloc((n_blocks + 1) * sizeof(size_t));
	size_t *specs = bb_xmalloc((n_specs + 1) * sizeof(size_t));
	int rc = 0;
	for (int pass = from; pass < to && !rc; pass++) {
		for (size_t b = 0; b < n_blocks; b++)
			blocks[b] = b;
		shuffle(blocks, n_blocks, rng);
		for (size_t k = 0; k < n_blocks && !rc; k++) {
			for (size_t s = 0; s < n_specs; s++)
				specs[s] = s;
			shuffle(specs, n_specs, rng);
			for (size_t s = 0; s < n_specs && !rc; s++) {
				bb_engine_group *g = &groups[specs[s] * n_blocks + blocks[k]];
				g->pass = pass;
				if (bb_engine_group_run(g) < 0)
					rc = -1;
			}
		}
	}
	free(blocks);
	free(specs);
	return rc;
}

/* One round of re-measuring: show the judge every cell, measure the extra passes it asks
 * for.  Returns 1 when passes were measured (ask again), 0 when the judge wants none. */
static int remeasure_round(bb_engine_state *e, bb_engine_group *groups, size_t n_groups,
			   uint64_t *rng, int *interrupted)
{
	size_t n = 0;
	for (size_t gi = 0; gi < n_groups; gi++)
		n += groups[gi].n;
	bb_engine_view *v = bb_xcalloc(n ? n : 1, sizeof(*v));
	bb_engine_cell **cell = bb_xcalloc(n ? n : 1, sizeof(*cell));
	size_t k = 0;
	for (size_t gi = 0; gi < n_groups; gi++)
		for (size_t i = 0; i < groups[gi].n; i++, k++) {
			bb_engine_cell *pc = &groups[gi].cells[i];
			cell[k] = pc;
			v[k] = (bb_engine_view){
				.alias = groups[gi].spec->alias,
				.key = pc->key,
				.ok = pc->recorded_ok && pc->done == 1 && pc->passes >= pc->target,
				.passes = pc->passes,
				.samples = pc->samples,
				.sample_pass = pc->sample_pass,
				.n_samples = pc->n_samples,
				.disturbed = pc->disturbed,
				.n_disturbed = pc->n_disturbed,
			};
		}
	double elapsed = bb_now() - e->t0;
	double cost = e->finished ? elapsed / (double)e->finished : 0;
	int wanted = e->o->judge(e->o->judge_arg, v, n, elapsed, cost);
	int from = BB_ENGINE_PASS_SLOTS, to = 0;
	for (size_t i = 0; wanted && i < n; i++) {
		bb_engine_cell *pc = cell[i];
		int more = v[i].more;
		if (more <= 0 || !v[i].ok)
			continue;
		if (pc->target + more > BB_ENGINE_PASS_SLOTS)
			more = BB_ENGINE_PASS_SLOTS - pc->target;
		if (more <= 0)
			continue;
		pc->target += more;
		pc->done = 0;
		e->total += (size_t)more;
		if (pc->passes < from)
			from = pc->passes;
		if (pc->target > to)
			to = pc->target;
	}
	free(v);
	free(cell);
	if (from >= to)
		return 0;
	if (run_passes(groups, n_groups, n_blocks(e->o), from, to, rng) < 0)
		*interrupted = 1;
	return !*interrupted;
}

int bb_engine_run(const bb_engine_opts *o)
{
	bb_engine_state e = {.o = o, .t0 = bb_now(), .tty = isatty(STDERR_FILENO),
			     .quiet = o->json || o->quiet};
	char err[512];
	if (bb_db_open(o->db_path, &e.db, err, sizeof(err)))
		return bb_input_error("%s", err); /* nothing done yet: a --db that cannot be used */
	/* a label that cannot be the new run's is refused before the host is even looked at */
	int quiet = o->json || o->quiet;
	int label_rc = o->resume_run ? 0 : bb_db_label_check(e.db, o->label, err, sizeof(err));
	if (label_rc) {
		bb_db_close(e.db);
		return label_rc > 0 ? bb_input_error("%s", err) : bb_internal_error("%s", err);
	}
	/* said once, before anything is measured: what the libraries will see that the user did
	 * not write on this command line */
	bb_worker_clean_env = o->env && o->env->clean;
	if (o->env && !o->quiet)
		bb_env_plan_warn(o->env, stderr);
	int64_t host_id = 0;
	bb_peak_choice stored;
	int reuse = o->resume_run && stored_peak_choice(e.db, o->resume_run, &stored);
	if (bb_host_record_peak(e.db, quiet, reuse ? &stored : NULL, &e.peak_choice, &e.cores,
				&host_id)) {
		bb_db_close(e.db);
		return BB_EXIT_INTERNAL;
	}
	e.peak = e.peak_choice.used;
	if (!quiet)
		bb_peak_choice_print(&e.peak_choice, "", stderr);
	char **done_keys = NULL;
	size_t n_done = 0, n_partials = 0;
	bb_db_partial *partials = NULL;
	bb_owner self; /* the run's owner: `runs` tells a killed controller's run from a live one */
	bb_owner_self(&self);
	if (o->resume_run) {
		e.run_id = o->resume_run;
		if (bb_db_cell_keys(e.db, e.run_id, &done_keys, &n_done, err, sizeof(err)) ||
		    bb_db_partials(e.db, e.run_id, &partials, &n_partials, err, sizeof(err))) {
			bb_error("%s", err);
			free_keys(done_keys, n_done);
			bb_db_close(e.db);
			return BB_EXIT_INTERNAL;
		}
		/* before anything is measured: a run still measured by another controller, or one
		 * that cannot be marked running, is not resumed */
		bb_owner holder;
		int claim = bb_db_run_claim(e.db, e.run_id, &self, &holder, err, sizeof(err));
		if (claim) {
			bb_error("%s", err);
			free_keys(done_keys, n_done);
			bb_db_partials_free(partials, n_partials);
			bb_db_close(e.db);
			return claim > 0 ? BB_EXIT_USAGE : BB_EXIT_INTERNAL;
		}
	} else {
		char *options = options_with_peak(o->options_json, &e.peak_choice);
		bb_db_run_new rn = {host_id, o->label, o->command, o->kind, options, BB_VERSION,
				    &self};
		int begun = bb_db_run_begin(e.db, &rn, &e.run_id, err, sizeof(err));
		free(options);
		if (begun) {
			bb_error("%s", err);
			bb_db_close(e.db);
			return BB_EXIT_INTERNAL;
		}
	}
	bb_engine_results_init(&e.results, e.run_id, bb_db_path(e.db), e.cores);
	e.results.env = o->env;
	bb_limits_header(o->specs, o->n_specs, quiet, &e.results.limits_json, &e.results.pool_flags);
	e.results.peak = &e.peak_choice;

	int64_t *backend_ids = bb_xcalloc(o->n_specs, sizeof(int64_t));
	size_t n_groups;
	bb_engine_group *groups =
	    plan_groups(&e, backend_ids, done_keys, n_done, partials, n_partials, &n_groups);
	size_t to_go = 0;
	for (size_t gi = 0; gi < n_groups; gi++)
		to_go += groups[gi].n;
	if (o->resume_run && !quiet && !n_partials)
		fprintf(stderr, "resuming run %lld: %zu cell%s recorded, %zu to go\n",
			(long long)e.run_id, n_done, bb_plural((long long)n_done), to_go);
	else if (o->resume_run && !quiet)
		fprintf(stderr,
			"resuming run %lld: %zu cell%s recorded, %zu to go, %zu of them partial (%zu "
			"pass%s kept, %zu pass%s to measure)\n",
			(long long)e.run_id, n_done, bb_plural((long long)n_done), to_go, n_partials,
			e.partial_passes, e.partial_passes == 1 ? "" : "es", e.total,
			e.total == 1 ? "" : "es");

	bb_worker_catch_signals();
	uint64_t rng = o->measure.seed ^ (uint64_t)e.run_id * 0x9E3779B97F4A7C15ULL;
	int interrupted = run_passes(groups, n_groups, n_blocks(o), 0, o->passes, &rng) < 0;
	while (o->judge && !interrupted && remeasure_round(&e, groups, n_groups, &rng, &interrupted))
		;
	for (size_t gi = 0; gi < n_groups && !interrupted; gi++)
		record_refused(&groups[gi]);
	bb_engine_progress_done(e.tty, quiet);

	const char *status = interrupted ? "interrupted" : e.db_errors ? "failed" : "complete";
	/* the cells are committed already; only the run's status is missing */
	int status_lost = bb_db_run_set_status(e.db, e.run_id, status, err, sizeof(err)) != 0;
	if (status_lost)
		bb_error("%s", err);
	int failed = o->no_cell_table && !o->json ? bb_engine_results_failed(&e.results)
						  : bb_engine_results_print(&e.results, status, o->json);
	size_t partial = 0;
	for (size_t gi = 0; gi < n_groups; gi++)
		for (size_t i = 0; i < groups[gi].n; i++)
			partial += !groups[gi].cells[i].done && groups[gi].cells[i].passes > 0 &&
				   !groups[gi].cells[i].recorded_ok;
	if (interrupted && !quiet && partial)
		fprintf(stderr,
			"interrupted: %zu cell%s recorded, %zu partial (their finished passes kept); "
			"continue with --resume %lld\n",
			e.results.n, bb_plural((long long)e.results.n), partial, (long long)e.run_id);
	else if (interrupted && !quiet)
		fprintf(stderr, "interrupted: %zu cell%s recorded; continue with --resume %lld\n",
			e.results.n, bb_plural((long long)e.results.n), (long long)e.run_id);

	for (size_t gi = 0; gi < n_groups; gi++)
		bb_engine_group_release(&groups[gi]);
	free(groups);
	free(backend_ids);
	free_keys(done_keys, n_done);
	bb_db_partials_free(partials, n_partials);
	bb_engine_results_release(&e.results);
	bb_db_close(e.db);
	if (e.db_errors && !status_lost)
		bb_error("%d result%s could not be recorded in '%s': the run is marked failed",
			 e.db_errors, bb_plural(e.db_errors), o->db_path);
	else if (e.db_errors)
		bb_error("%d result%s could not be recorded in '%s'", e.db_errors, bb_plural(e.db_errors),
			 o->db_path);
	if (interrupted)
		return BB_EXIT_INTERRUPTED;
	return e.db_errors || status_lost ? BB_EXIT_INTERNAL : failed ? BB_EXIT_FAILED : BB_EXIT_OK;
}
