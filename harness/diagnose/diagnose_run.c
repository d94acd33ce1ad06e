/*
 * One backend through `diagnose` (see diagnose_run.h).  Each job runs in its own worker, so a
 * scenario that crashes, hangs or cannot load costs that job only; every outcome is committed
 * to the database before the next job starts.  kernel-selection (a forced kernel measured
 * without its override, or the documented overrides tried) stays here, past ~500 lines,
 * because it shares the worker, record and progress plumbing of the threading scenarios; its
 * words are chosen in diagnose_env.c.
 */
#include "harness/diagnose/diagnose_run.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/stats.h"
#include "harness/diagnose/diagnose_env.h"
#include "harness/diagnose/diagnose_exec.h"
#include "harness/diagnose/repro/diagnose_repro.h"
#include "harness/worker/probe_client.h"
#include "harness/worker/worker.h"

/* Per backend: its spec, record and backend row. */
typedef struct diag_backend {
	const bb_backend_spec *spec;
	bb_json *record;
	int64_t backend_id;
	const char *layer;  /* threads.layer of the record */
} diag_backend;

static void progress(bb_diag_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(bb_diag_ctx *c, const char *fmt, ...)
{
	if (!c->progress)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

/* What an outcome says in one short phrase, for the progress line. */
static const char *outcome_brief(const bb_diag_outcome *o, char *buf, size_t len)
{
	if (!strcmp(o->status, "hang") && o->hung_children)
		snprintf(buf, len, "%d forked child%s hung", o->hung_children,
			 o->hung_children == 1 ? "" : "ren");
	else if (strcmp(o->status, "ok"))
		snprintf(buf, len, "%s: %s", o->status, o->error ? o->error : "?");
	else if (isfinite(o->gflops))
		snprintf(buf, len, "%.1f GFLOP/s, kernel %s", o->gflops,
			 bb_json_str(bb_json_get(o->result, "kernel"), "?"));
	else
		snprintf(buf, len, "%.2fx (%.2f-%.2f)", o->slowdown, o->ci_low, o->ci_high);
	return buf;
}

/* Run a job and record it.  vs_clean: see bb_diag_record.  Returns -1 if interrupted (o is
 * then released); otherwise the caller releases o. */
static int exec_record(bb_diag_ctx *c, diag_backend *b, const bb_diag_job *j, double clean_median,
		       bb_diag_outcome *o)
{
	if (bb_diag_exec(j, c->timeout, o)) { /* interrupted: nothing to record */
		c->interrupted = 1;
		bb_diag_outcome_release(o);
		return -1;
	}
	double vs_clean = clean_median > 0 && isfinite(o->path_median) ? o->path_median / clean_median
								       : NAN;
	char err[512];
	double peak = j->scenario || j->prec != 's' ? c->peak_core : 2 * c->peak_core;
	if (bb_diag_record(c->db, c->run_id, b->backend_id, j, o, vs_clean, peak, err,
			   sizeof(err))) {
		bb_error("%s", err);
		c->failed++;
	}
	return 0;
}

/* ---- reproduction programs ----------------------------------------------------------------- */

static void emit_repro(bb_diag_ctx *c, diag_backend *b, const bb_diag_job *j,
		       const bb_diag_outcome *o, const char *kernel_setting, bb_diag_finding *f)
{
	if (!c->emit_dir)
		return;
	if (j->spec2 && !j->shared_copy) {
		/* dual_pool.c loads two copies of one file, with one integer width */
		bb_warning("no reproduction program for '%s': the program loads two copies of one "
			   "file, not the two files this process loaded ('%s' beside '%s'); `%s` "
			   "reproduces it", f->title, j->spec, j->spec2, f->reproduce ? f->reproduce : "?");
		return;
	}
	bb_strbuf env = BB_STRBUF_INIT;
	for (size_t i = 0; i < b->spec->n_env; i++)
		bb_strbuf_addf(&env, "%s%s=%s", i ? " " : "", b->spec->env[i].name,
			       b->spec->env[i].value);
	char kvar[128] = "", *kval = NULL;
	if (kernel_setting) {
		snprintf(kvar, sizeof(kvar), "%s", kernel_setting);
		kval = strchr(kvar, '=');
		if (kval)
			*kval++ = '\0';
	}
	const bb_json *r = o->result;
	bb_repro_input in = {
	    .scenario = j->scenario ? j->scenario->name : "kernel-selection",
	    .alias = j->alias,
	    .blas_path = bb_json_str(bb_json_get(r, "dgemm_file"), NULL),
	    .blas_symbol = bb_json_str(bb_json_get(r, "dgemm_symbol"), NULL),
	    .int_bits = (int)bb_json_int(bb_json_get(bb_json_get(b->record, "abi"), "int_bits"), 32),
	    .set_threads_symbol = bb_json_str(bb_json_get(bb_json_get(b->record, "threads"), "api"), NULL),
	    .omp_path = bb_json_str(bb_json_get(r, "omp_realpath"), NULL),
	    .omp2_path = bb_json_str(bb_json_get(r, "omp2_realpath"), NULL),
	    .threads = j->threads,
	    .n = j->n,
	    .env = env.buf ? env.buf : "",
	    .slowdown = o->slowdown,
	    .hung = !strcmp(o->status, "hang"),
	    .kernel_var = kernel_setting ? kvar : NULL,
	    .kernel_value = kval,
	};
	char *path = NULL, err[512];
	if (bb_repro_write(c->emit_dir, &in, &path, err, sizeof(err))) {
		bb_warning("no reproduction program for '%s': %s", f->title, err);
	} else {
		f->repro_file = path;
		f->repro_build = bb_repro_build_line(path);
	}
	bb_strbuf_release(&env);
}

static char *reproduce_line(const bb_diag_ctx *c, const diag_backend *b, const char *scenario)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	if (c->cmd) /* the same files again: what CMD loads */
		bb_strbuf_addf(&sb, "blasbench diagnose --scenarios %s --threads %d", scenario,
			       c->d.threads);
	else
		bb_strbuf_addf(&sb, "blasbench diagnose --backends '%s' --scenarios %s --threads %d",
			       b->spec->text, scenario, c->d.threads);
	if (strcmp(c->d.omp, "gomp") && !c->cmd)
		bb_strbuf_addf(&sb, " --omp '%s'", c->d.omp);
	if (c->d.omp2)
		bb_strbuf_addf(&sb, " --omp2 '%s'", c->d.omp2);
	if (c->d.n > 0)
		bb_strbuf_addf(&sb, " --size %ld", c->d.n);
	if (c->d.kernel_n > 0)
		bb_strbuf_addf(&sb, " --kernel-size %ld", c->d.kernel_n);
	if (c->cmd)
		bb_strbuf_addf(&sb, " -- %s", c->cmd);
	return bb_strbuf_detach(&sb, NULL);
}

/* MKL takes the GNU threading layer by itself when libgomp is in the process before it, even
 * under MKL_THREADING_LAYER=INTEL: for an application's OpenMP loop next to MKL's own layer
 * (omp-handover, nested), MKL is loaded first, as when numpy with MKL is imported before a
 * module built with GCC's OpenMP. */
static void job_order(const diag_backend *b, bb_diag_job *j)
{
	const char *family = bb_json_str(bb_json_get(b->record, "family"), "");
	j->backend_first = j->scenario && !strcmp(family, "mkl") &&
			   (!strcmp(j->scenario->name, "omp-handover") || !strcmp(j->scenario->name, "nested"));
}

/* The unmitigated job of scenario s (NULL: kernel-selection), with its progress line.
 * Returns 0 with j and o to release, or -1 when interrupted (nothing to release). */
static int first_job(bb_diag_ctx *c, diag_backend *b, const bb_scenario *s, bb_diag_job *j,
		     bb_diag_outcome *o)
{
	bb_diag_job_init(j, s, b->spec, &c->d);
	job_order(b, j);
	progress(c, "[%zu/%zu] %-16s %-16s ", ++c->step, c->steps, b->spec->alias,
		 s ? s->name : "kernel-selection");
	if (exec_record(c, b, j, 0, o)) {
		bb_diag_job_release(j);
		return -1;
	}
	char brief[600];
	progress(c, "%s\n", outcome_brief(o, brief, sizeof(brief)));
	return 0;
}

/* ---- the threading scenarios ------------------------------------------------------------------ */

/* Why scenario s is not run on this backend, or NULL when it is. */
static const char *not_applicable(bb_diag_ctx *c, const diag_backend *b, const bb_scenario *s)
{
	int serial = b->layer && !strcmp(b->layer, "serial");
	int openmp = b->layer && !strcmp(b->layer, "openmp");
	if (serial && strcmp(s->name, "fork") && strcmp(s->name, "mixed-omp"))
		return "a single-threaded build has no thread pool to fight over the cores";
	if (!strcmp(s->name, "mixed-omp") && !openmp) {
		if (c->mixed_omp_done)
			return "measured once already: without an OpenMP BLAS it does not depend on the "
			       "backend";
		c->mixed_omp_done = 1;
	}
	return NULL;
}

/* The mitigations of a pathology, each in its own worker. */
static size_t try_mitigations(bb_diag_ctx *c, diag_backend *b, const bb_diag_job *base,
			      const bb_diag_outcome *patho, bb_diag_try **tries_out)
{
	const char *list = base->scenario->mitigations;
	bb_diag_try *tries = NULL;
	size_t n = 0;
	char *copy = bb_xstrdup(list ? list : ""), *save = NULL;
	for (char *name = strtok_r(copy, ",", &save); name && !c->interrupted;
	     name = strtok_r(NULL, ",", &save)) {
		if (!strcmp(name, "duplicate-ok") && !patho->refusal)
			continue; /* only for a runtime that aborted the process */
		tries = bb_xrealloc(tries, (n + 1) * sizeof(*tries));
		bb_diag_job j;
		char why[512], setting[256];
		bb_diag_job_init(&j, base->scenario, b->spec, &c->d);
		job_order(b, &j);
		int rc = bb_diag_mitigate(&j, name, b->record, why, sizeof(why));
		bb_mitigation_setting(name, &j, setting, sizeof(setting));
		if (rc) {
			bb_diag_try_fill(&tries[n++], name, setting, NULL, why, 0, NULL);
			progress(c, "      %-15s does not apply: %s\n", name, why);
			bb_diag_job_release(&j);
			continue;
		}
		bb_diag_outcome o;
		if (exec_record(c, b, &j, patho->base_median, &o) == 0) {
			bb_diag_try_fill(&tries[n++], name, setting, &o, NULL, patho->base_median, patho);
			char brief[600];
			const bb_diag_try *t = &tries[n - 1];
			char scale[64] = "";
			if (isfinite(t->vs_patho))
				snprintf(scale, sizeof(scale), "; %.2fx the unmitigated time", t->vs_patho);
			progress(c, "      %-15s %s%s%s\n", name, outcome_brief(&o, brief, sizeof(brief)),
				 scale, t->removes ? "  <- removes it" : t->helps ? "  <- helps" : "");
		}
		bb_diag_outcome_release(&o);
		bb_diag_job_release(&j);
	}
	free(copy);
	*tries_out = tries;
	return n;
}

static void scenario(bb_diag_ctx *c, diag_backend *b, const bb_scenario *s)
{
	const char *skip = not_applicable(c, b, s);
	if (skip) {
		bb_diag_add_clean(&c->report, "%s on %s: not run: %s", s->name, b->spec->alias, skip);
		return;
	}
	bb_diag_job j;
	bb_diag_outcome o;
	if (first_job(c, b, s, &j, &o))
		return;
	int level = bb_diag_judge(&o);
	if (o.refusal) { /* a runtime aborted the process: that is the finding */
		bb_diag_try *tries = NULL;
		size_t n_tries = c->mitigate ? try_mitigations(c, b, &j, &o, &tries) : 0;
		char *repro = reproduce_line(c, b, s->name);
		bb_diag_finding_abort(&c->report, &j, &o, tries, n_tries, repro);
		free(repro);
	} else if (level < 0 && !bb_diag_outcome_measured(&o)) {
		c->failed++;
		bb_diag_add_error(&c->report, "%s on %s: %s: %s", s->name, b->spec->alias, o.status,
				  o.error ? o.error : "?");
	} else if (level < 0) {
		/* a CI spanning more than a factor 2 says the times scattered (a thread pool
		 * waiting on a descheduled thread, a host taking the CPU): no verdict either way */
		int noisy = !(o.ci_high <= 2 * o.ci_low);
		char *env = bb_diag_env_inherited(c->d.threads, 1);
		bb_diag_add_clean(&c->report, "%s on %s: %.2fx (%.2f-%.2f)%s%s%s%s", s->name, b->spec->alias,
				  o.slowdown, o.ci_low, o.ci_high,
				  noisy ? ": inconclusive, the times scatter too much here to tell" : "",
				  env ? " (inherited " : "", env ? env : "",
				  env ? " in effect: it may hide a pathology)" : "");
		free(env);
	} else {
		bb_diag_try *tries = NULL;
		size_t n_tries = 0;
		if (c->mitigate && level >= BB_DIAG_MODERATE)
			n_tries = try_mitigations(c, b, &j, &o, &tries);
		char *repro = reproduce_line(c, b, s->name);
		bb_diag_finding_scenario(&c->report, &j, &o, level, tries, n_tries, repro);
		free(repro);
		bb_diag_env_finding(&c->report.findings[c->report.n_findings - 1], c->d.threads);
		emit_repro(c, b, &j, &o, NULL,
			   &c->report.findings[c->report.n_findings - 1]);
	}
	bb_diag_outcome_release(&o);
	bb_diag_job_release(&j);
}

/* ---- kernel-selection ------------------------------------------------------------------------------ */

/* The peak the kernel probe's gemm is judged against: the measured double-precision peak per
 * core; sgemm runs twice the lanes through the same FMA units. */
static double kernel_peak(const bb_diag_ctx *c)
{
	return c->d.kernel_prec == 's' ? 2 * c->peak_core : c->peak_core;
}

/* The library measured once more with the kernel overrides in effect removed (inherited ones
 * unset in the worker, the spec's dropped): what it selects by itself, and how much faster
 * that is than as run (time as run over time without, CI from the raw times).  Fills the
 * facts and a try; returns 0, or -1 when interrupted. */
static int without_overrides(bb_diag_ctx *c, diag_backend *b, const bb_diag_outcome *o,
			     bb_diag_kernel_facts *k, bb_diag_try *t)
{
	bb_diag_job w;
	bb_diag_job_init(&w, NULL, b->spec, &c->d);
	bb_strbuf name = BB_STRBUF_INIT, setting = BB_STRBUF_INIT;
	bb_strbuf_adds(&name, "without");
	bb_strbuf_adds(&setting, "env");
	for (size_t i = 0; i < k->n_forced; i++) {
		const bb_diag_env_setting *f = &k->forced[i];
		bb_strbuf_addf(&name, " %s", f->var);
		bb_strbuf_addf(&setting, " -u %s", f->var);
		if (f->from_spec) {
			char *spec = bb_diag_spec_without(b->spec, f->var);
			free(w.spec);
			w.spec = spec;
		}
		if (getenv(f->var))
			bb_diag_job_unset(&w, f->var);
	}
	w.mitigation = name.buf;
	bb_diag_outcome ko;
	int rc = exec_record(c, b, &w, 0, &ko);
	if (rc == 0) {
		char brief[600];
		progress(c, "      %-22s %s\n", name.buf, outcome_brief(&ko, brief, sizeof(brief)));
		bb_diag_try_fill(t, name.buf, setting.buf, &ko, NULL, 0, NULL);
		t->pct_peak = kernel_peak(c) > 0 ? 100 * ko.gflops / kernel_peak(c) : NAN;
		t->kernel = bb_xstrdup(bb_json_str(bb_json_get(ko.result, "kernel"), "?"));
		if (!strcmp(ko.status, "ok") && isfinite(ko.gflops)) {
			k->own_kernel = t->kernel;
			k->factor = o->path_median / ko.path_median;
			bb_bootstrap_ratio_ci(ko.path, ko.n_path, o->path, o->n_path, 2000, 0x5eedULL,
					      &k->ci_low, &k->ci_high);
			t->helps = k->ci_low > 1;
		} else {
			k->own_error = t->error ? t->error : t->status;
		}
		bb_diag_outcome_release(&ko);
	}
	bb_diag_job_release(&w);
	bb_strbuf_release(&name);
	bb_strbuf_release(&setting);
	return rc;
}

/* kernel-selection under a kernel override in effect: always a finding that names the
 * variable as the cause, with what the library selects without it. */
static void kernel_forced(bb_diag_ctx *c, diag_backend *b, const bb_diag_job *j,
			  const bb_diag_outcome *o, bb_diag_kernel_facts *k)
{
	const char *kernel = k->kernel;
	bb_diag_try *t = bb_xcalloc(1, sizeof(*t));
	if (without_overrides(c, b, o, k, t)) {
		free(t);
		return;
	}
	size_t n_tries = t->name ? 1 : 0;
	bb_diag_level level = BB_DIAG_INFO;
	if (isfinite(k->ci_low) && k->ci_low >= BB_DIAG_PATHOLOGY)
		level = k->factor >= 2 ? BB_DIAG_SEVERE : BB_DIAG_MODERATE;
	else if (isfinite(k->ci_low) && k->ci_low >= BB_DIAG_MILD)
		level = BB_DIAG_MILD_LVL;
	bb_diag_finding *f = bb_diag_add_finding(&c->report, level,
						 isfinite(k->factor) ? k->factor : 1.0, "kernel",
						 b->spec->alias, "kernel-selection");
	f->tries = t;
	f->n_tries = n_tries;
	f->slowdown = k->factor;
	f->ci_low = k->ci_low;
	f->ci_high = k->ci_high;
	bb_strbuf vars = BB_STRBUF_INIT;
	for (size_t i = 0; i < k->n_forced; i++)
		bb_strbuf_addf(&vars, "%s%s=%s", i ? ", " : "", k->forced[i].var, k->forced[i].value);
	char who[160]; /* the backend, and the gemm when it is not the usual dgemm */
	snprintf(who, sizeof(who), "%s%s", b->spec->alias, j->prec == 's' ? " sgemm" : "");
	if (k->own_kernel && isfinite(k->ci_low))
		bb_diag_set(&f->title, "%s: kernel %s forced by %s; without it %s, %.2fx %s", who,
			    kernel, vars.buf, k->own_kernel,
			    k->ci_low > 1 || k->ci_high >= 1 ? k->factor : 1 / k->factor,
			    k->ci_low > 1 ? "faster" : k->ci_high < 1 ? "slower" : "as fast, within the noise");
	else
		bb_diag_set(&f->title, "%s: kernel %s forced by %s", who, kernel, vars.buf);
	bb_diag_set(&f->seen, "%cgemm n=%ld on one thread: %.1f GFLOP/s with kernel %s as run (%.0f%% "
		    "of a measured peak of %.1f GFLOP/s per core)", j->prec, j->n, o->gflops, kernel,
		    kernel_peak(c) > 0 ? 100 * o->gflops / kernel_peak(c) : NAN, kernel_peak(c));
	if (n_tries && isfinite(t->gflops))
		bb_diag_set(&f->seen, "%s; without the override: %.1f GFLOP/s with kernel %s", f->seen,
			    t->gflops, t->kernel);
	bb_diag_kernel_words(k, &f->cause, &f->mechanism);
	if (t->helps)
		bb_diag_set(&f->fix, "remove the override (%s): kernel %s, %.1f GFLOP/s, %.2fx faster",
			    t->setting, t->kernel, t->gflops, k->factor);
	else if (isfinite(k->ci_high) && k->ci_high < 1)
		bb_diag_set(&f->fix, "none needed on this CPU: the override is faster here than the "
			    "library's own choice (%s)", t->kernel);
	else if (isfinite(k->ci_low))
		bb_diag_set(&f->fix, "none needed on this CPU: without the override the time is the "
			    "same within the noise (it may matter on another CPU)");
	char *repro = reproduce_line(c, b, "kernel-selection");
	bb_strbuf pre = BB_STRBUF_INIT;
	for (size_t i = 0; i < k->n_forced; i++)
		if (!k->forced[i].from_spec)
			bb_strbuf_addf(&pre, "%s=%s ", k->forced[i].var, k->forced[i].value);
	bb_diag_set(&f->reproduce, "%s%s", pre.len ? pre.buf : "", repro);
	bb_strbuf_release(&pre);
	free(repro);
	bb_strbuf_release(&vars);
}

/* kernel-selection with c->d.kernel_prec's gemm ('d', or 's' for MKL). */
static void kernel_selection(bb_diag_ctx *c, diag_backend *b)
{
	bb_diag_job j;
	bb_diag_outcome o;
	char brief[600];
	if (first_job(c, b, NULL, &j, &o))
		return;
	const char *kernel = bb_json_str(bb_json_get(o.result, "kernel"), "unknown");
	double pct = kernel_peak(c) > 0 ? 100 * o.gflops / kernel_peak(c) : NAN;
	const char *family = bb_json_str(bb_json_get(b->record, "family"), NULL);
	const char *version = bb_json_str(bb_json_get(b->record, "version"), NULL);
	bb_diag_env_setting forced[8];
	bb_diag_kernel_facts k = {.family = family, .version = version, .kernel = kernel,
				  .forced = forced, .factor = NAN, .ci_low = NAN, .ci_high = NAN};
	k.n_forced = bb_diag_kernel_forced(family, b->spec, forced, 8);
	if (strcmp(o.status, "ok") || !isfinite(o.gflops)) {
		c->failed++;
		bb_diag_add_error(&c->report, "kernel-selection on %s: %s: %s", b->spec->alias, o.status,
				  o.error ? o.error : "?");
		goto done;
	}
	if (k.n_forced) {
		kernel_forced(c, b, &j, &o, &k);
		goto done;
	}
	if (!(c->peak_core > 0)) { /* no peak this run can trust (harness/host/peak/peak.h) */
		bb_diag_add_clean(&c->report, "kernel-selection on %s: kernel %s, %.1f GFLOP/s for "
				  "%cgemm n=%ld on one thread; no kernel override in effect: the library "
				  "selected it; %% of peak not known (this run's peak measurement was "
				  "disturbed): cannot tell whether the kernel is slow",
				  b->spec->alias, kernel, o.gflops, j.prec, j.n);
		goto done;
	}
	if (!(pct < BB_DIAG_KERNEL_PCT)) {
		bb_diag_add_clean(&c->report, "kernel-selection on %s: kernel %s, %.1f GFLOP/s (%.0f%% of "
				  "peak) for %cgemm n=%ld on one thread; no kernel override in effect: "
				  "the library selected it", b->spec->alias, kernel, o.gflops, pct, j.prec, j.n);
		goto done;
	}
	const bb_kernel_override *ov[16];
	size_t n_ov = bb_kernel_overrides(family, version, ov, 16);
	bb_diag_try *tries = bb_xcalloc(n_ov ? n_ov : 1, sizeof(*tries));
	size_t n_tries = 0;
	const bb_diag_try *best = NULL;
	for (size_t i = 0; i < n_ov && !c->interrupted; i++) {
		bb_diag_job kj;
		bb_diag_job_init(&kj, NULL, b->spec, &c->d);
		bb_diag_job_add_env(&kj, ov[i]->var, ov[i]->value);
		char setting[128];
		snprintf(setting, sizeof(setting), "%s=%s", ov[i]->var, ov[i]->value);
		kj.mitigation = setting;
		bb_diag_outcome ko;
		if (exec_record(c, b, &kj, 0, &ko) == 0) {
			bb_diag_try *t = &tries[n_tries++];
			bb_diag_try_fill(t, setting, ov[i]->meaning, &ko, NULL, 0, NULL);
			t->pct_peak = kernel_peak(c) > 0 ? 100 * ko.gflops / kernel_peak(c) : NAN;
			t->kernel = bb_xstrdup(bb_json_str(bb_json_get(ko.result, "kernel"), "?"));
			t->helps = !strcmp(ko.status, "ok") && ko.gflops >= 1.2 * o.gflops;
			if (t->helps && (!best || t->gflops > best->gflops))
				best = t;
			progress(c, "      %-22s %s%s\n", setting, outcome_brief(&ko, brief, sizeof(brief)),
				 t->helps ? "  <- helps" : "");
		}
		bb_diag_outcome_release(&ko);
		bb_diag_job_release(&kj);
	}
	k.override_faster = best != NULL;
	double factor = best ? best->gflops / o.gflops : NAN;
	bb_diag_level level = !best ? BB_DIAG_INFO : factor >= 2 ? BB_DIAG_SEVERE : BB_DIAG_MODERATE;
	const bb_scenario *s = bb_scenario_find("kernel-selection");
	bb_diag_finding *f = bb_diag_add_finding(&c->report, level, best ? factor : 0.9, "kernel",
						 b->spec->alias, "kernel-selection");
	f->tries = tries;
	f->n_tries = n_tries;
	f->slowdown = factor;
	if (best)
		bb_diag_set(&f->title, "%s: kernel %s runs %cgemm at %.0f%% of peak; %s is %.1fx faster",
			    b->spec->alias, kernel, j.prec, pct, best->name, factor);
	else
		bb_diag_set(&f->title, "%s: kernel %s runs %cgemm at %.0f%% of peak", b->spec->alias,
			    kernel, j.prec, pct);
	bb_diag_set(&f->seen, "%cgemm n=%ld on one thread: %.1f GFLOP/s with the kernel the library "
		    "selects (%s), against a measured peak of %.1f GFLOP/s per core%s",
		    j.prec, j.n, o.gflops, kernel, kernel_peak(c),
		    j.prec == 's' ? " (single precision: twice the double-precision peak)" : "");
	if (n_ov) {
		bb_diag_kernel_words(&k, &f->cause, &f->mechanism);
		bb_diag_set(&f->reference, "%s", s->reference);
	} else {
		bb_diag_set(&f->mechanism, "blasbench knows no documented kernel override for this "
			    "library: it cannot tell whether kernel %s is the best this CPU runs", kernel);
	}
	if (best)
		bb_diag_set(&f->fix, "%s (%s, kernel %s): %.1f GFLOP/s, %.0f%% of peak", best->name,
			    best->setting, best->kernel, best->gflops, best->pct_peak);
	char *repro = reproduce_line(c, b, "kernel-selection");
	bb_diag_set(&f->reproduce, "%s", repro);
	free(repro);
	if (best)
		emit_repro(c, b, &j, &o, best->name, f);
done:
	bb_diag_outcome_release(&o);
	bb_diag_job_release(&j);
}

/* ---- the backend --------------------------------------------------------------------------------- */

/* The threading layer of the library LAPACK's dgemm resolved to, when that is not one of the
 * backend's own files (probed in a worker of its own); NULL otherwise. */
static char *lapack_blas_layer(const bb_json *record)
{
	const char *lb = bb_json_str(bb_json_get(record, "lapack_blas"), NULL);
	const bb_json *objects = bb_json_get(record, "objects");
	if (!lb)
		return NULL;
	for (size_t i = 0; i < bb_json_len(objects); i++) {
		const bb_json *o = bb_json_at(objects, i);
		const char *rp = bb_json_str(bb_json_get(o, "realpath"), "");
		if (!strcmp(rp, lb) && bb_json_bool(bb_json_get(o, "own"), 0))
			return NULL;
	}
	bb_backend_spec spec;
	char err[256];
	if (bb_spec_parse(lb, &spec, err, sizeof(err)))
		return NULL;
	bb_json *rec = NULL;
	bb_strbuf why = BB_STRBUF_INIT;
	char *layer = NULL;
	if (bb_probe_in_worker(&spec, 0, BB_PROBE_TIMEOUT_DEFAULT, &rec, &why) == 0) {
		const char *l = bb_json_str(bb_json_get(bb_json_get(rec, "threads"), "layer"), NULL);
		layer = l ? bb_xstrdup(l) : NULL;
	}
	bb_json_free(rec);
	bb_strbuf_release(&why);
	bb_spec_release(&spec);
	return layer;
}

int bb_diag_backend(bb_diag_ctx *c, const bb_backend_spec *spec, const bb_scenario *const *scen,
		    size_t n_scen)
{
	diag_backend b = {.spec = spec};
	bb_strbuf why = BB_STRBUF_INIT;
	char err[512];
	progress(c, "probing %s...\n", spec->text);
	if (bb_probe_in_worker(spec, c->d.threads, BB_PROBE_TIMEOUT_DEFAULT, &b.record, &why)) {
		c->failed++;
		bb_diag_add_error(&c->report, "%s: could not be loaded: %s", spec->alias, why.buf);
		bb_strbuf_release(&why);
		c->step += n_scen;
		return bb_interrupted ? -1 : 0;
	}
	bb_strbuf_release(&why);
	bb_strbuf rec = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &rec, 0);
	bb_jw_value(&w, b.record);
	if (bb_db_backend_add(c->db, c->run_id, spec->alias, spec->text, rec.buf, &b.backend_id, err,
			      sizeof(err))) {
		bb_error("%s", err);
		c->failed++;
	}
	bb_strbuf_release(&rec);
	b.layer = bb_json_str(bb_json_get(bb_json_get(b.record, "threads"), "layer"), NULL);

	char *lb_layer = lapack_blas_layer(b.record);
	bb_diag_stack_flags(&c->report, spec->alias, spec->text, b.record, lb_layer);
	bb_diag_env_preload_flags(&c->report, spec->alias, spec->text, b.record);
	free(lb_layer);

	for (size_t i = 0; i < n_scen && !c->interrupted && !bb_interrupted; i++) {
		if (scen[i]->needs & BB_SCN_CONTROLLER) {
			kernel_selection(c, &b);
			/* MKL: sgemm too, where slow code paths on non-Intel CPUs were reported */
			const char *family = bb_json_str(bb_json_get(b.record, "family"), "");
			if (!strcmp(family, "mkl") && !c->interrupted && !bb_interrupted) {
				c->steps++; /* known only now, from the probe */
				c->d.kernel_prec = 's';
				kernel_selection(c, &b);
				c->d.kernel_prec = 'd';
			}
		}
		else
			scenario(c, &b, scen[i]);
	}
	bb_json_free(b.record);
	return c->interrupted || bb_interrupted ? -1 : 0;
}
