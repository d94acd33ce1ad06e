/*
 * Findings of a diagnosis (see diagnose_findings.h): judging an outcome, the words of a
 * finding, ranking, and the two outputs (terminal text and JSON).
 */
#include "harness/diagnose/diagnose_findings.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

static const char *const level_names[] = {"info", "warning", "mild", "moderate", "severe"};

const char *bb_diag_level_name(bb_diag_level l) { return level_names[l]; }

void bb_diag_set(char **field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = bb_xvasprintf(fmt, ap);
	va_end(ap);
	free(*field);
	*field = s;
}

static void add_line(char ***lines, size_t *n, char *s)
{
	*lines = bb_xrealloc(*lines, (*n + 1) * sizeof(char *));
	(*lines)[(*n)++] = s;
}

void bb_diag_add_clean(bb_diag_report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_line(&r->clean, &r->n_clean, bb_xvasprintf(fmt, ap));
	va_end(ap);
}

void bb_diag_add_error(bb_diag_report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_line(&r->errors, &r->n_errors, bb_xvasprintf(fmt, ap));
	va_end(ap);
}

bb_diag_finding *bb_diag_add_finding(bb_diag_report *r, bb_diag_level level, double severity,
				     const char *kind, const char *alias, const char *name)
{
	r->findings = bb_xrealloc(r->findings, (r->n_findings + 1) * sizeof(*r->findings));
	bb_diag_finding *f = &r->findings[r->n_findings++];
	memset(f, 0, sizeof(*f));
	f->level = level;
	f->severity = severity;
	f->kind = bb_xstrdup(kind);
	f->alias = bb_xstrdup(alias);
	f->name = bb_xstrdup(name);
	f->slowdown = f->ci_low = f->ci_high = NAN;
	return f;
}

/* ---- judging ---------------------------------------------------------------------------------- */

int bb_diag_outcome_measured(const bb_diag_outcome *o)
{
	return !strcmp(o->status, "ok") || (!strcmp(o->status, "hang") && o->hung_children > 0);
}

int bb_diag_judge(const bb_diag_outcome *o)
{
	if (!strcmp(o->status, "hang") && o->hung_children > 0)
		return BB_DIAG_SEVERE;
	if (strcmp(o->status, "ok") || !isfinite(o->ci_low))
		return -1;
	if (o->ci_low >= BB_DIAG_PATHOLOGY)
		return o->slowdown >= 2 ? BB_DIAG_SEVERE : BB_DIAG_MODERATE;
	if (o->ci_low >= BB_DIAG_MILD)
		return BB_DIAG_MILD_LVL;
	return -1;
}

void bb_diag_try_fill(bb_diag_try *t, const char *name, const char *setting,
		      const bb_diag_outcome *o, const char *why, double clean_median,
		      const bb_diag_outcome *pathology)
{
	memset(t, 0, sizeof(*t));
	t->name = bb_xstrdup(name);
	t->setting = bb_xstrdup(setting ? setting : name);
	t->slowdown = t->ci_low = t->ci_high = t->vs_clean = t->gflops = t->pct_peak = NAN;
	if (!o) {
		t->status = bb_xstrdup("n/a");
		t->error = bb_xstrdup(why ? why : "does not apply");
		return;
	}
	t->status = bb_xstrdup(o->status);
	t->error = o->error ? bb_xstrdup(o->error) : NULL;
	t->slowdown = o->slowdown;
	t->ci_low = o->ci_low;
	t->ci_high = o->ci_high;
	t->hung_children = o->hung_children;
	t->gflops = o->gflops;
	if (clean_median > 0 && isfinite(o->path_median))
		t->vs_clean = o->path_median / clean_median;
	if (!pathology)
		return;
	if (!strcmp(pathology->status, "hang")) {
		t->helps = !strcmp(o->status, "ok") && o->hung_children == 0;
	} else if (!strcmp(o->status, "ok") && isfinite(t->vs_clean)) {
		/* removes at least half of the excess time, by a margin the noise does not explain */
		double excess = pathology->slowdown - 1;
		t->helps = t->vs_clean <= 1 + 0.5 * excess && t->vs_clean * 1.15 < pathology->slowdown;
	}
}

/* ---- the words ---------------------------------------------------------------------------------- */

static const char *ms(double s, char *buf, size_t len)
{
	if (!isfinite(s))
		snprintf(buf, len, "-");
	else if (s >= 1e-3)
		snprintf(buf, len, "%.3g ms", s * 1e3);
	else
		snprintf(buf, len, "%.3g us", s * 1e6);
	return buf;
}

/* The best try that helps (lowest time against the clean baseline; a hang fixed counts as
 * best), or NULL. */
static const bb_diag_try *best_try(const bb_diag_try *t, size_t n)
{
	const bb_diag_try *best = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!t[i].helps)
			continue;
		double v = isfinite(t[i].vs_clean) ? t[i].vs_clean : 1e9;
		double b = best && isfinite(best->vs_clean) ? best->vs_clean : 1e9;
		if (!best || v < b)
			best = &t[i];
	}
	return best;
}

void bb_diag_finding_scenario(bb_diag_report *r, const bb_diag_job *j, const bb_diag_outcome *o,
			      int level, bb_diag_try *tries, size_t n_tries, const char *reproduce)
{
	const bb_scenario *s = j->scenario;
	int hung = !strcmp(o->status, "hang");
	double severity = hung ? 1000.0 + o->hung_children : o->slowdown;
	bb_diag_finding *f = bb_diag_add_finding(r, (bb_diag_level)level, severity,
						 hung ? "hang" : "slowdown", j->alias, s->name);
	f->slowdown = o->slowdown;
	f->ci_low = o->ci_low;
	f->ci_high = o->ci_high;
	f->tries = tries;
	f->n_tries = n_tries;
	char b1[32], b2[32];
	if (hung) {
		bb_diag_set(&f->title, "%s on %s: a forked child hung", s->name, j->alias);
		bb_diag_set(&f->seen, "%s: %d child%s never finished and %s killed (%s); %s took %s each",
			    s->pathology, o->hung_children, o->hung_children == 1 ? "" : "ren",
			    o->hung_children == 1 ? "was" : "were", o->error ? o->error : "hung",
			    s->baseline, ms(o->base_median, b1, sizeof(b1)));
	} else {
		bb_diag_set(&f->title, "%s on %s: %.2fx slower", s->name, j->alias, o->slowdown);
		bb_diag_set(&f->seen,
			    "%s: %s per operation, against %s for %s: %.2fx (95%% CI %.2f-%.2f)",
			    s->pathology, ms(o->path_median, b1, sizeof(b1)), ms(o->base_median, b2, sizeof(b2)),
			    s->baseline, o->slowdown, o->ci_low, o->ci_high);
		bb_diag_set(&f->why,
			    "CPU time / wall time %.2f against %.2f in the baseline; per operation "
			    "%.1f involuntary and %.1f voluntary context switches against %.1f and %.1f",
			    o->path_use.cpu_per_wall, o->base_use.cpu_per_wall, o->path_use.ivcsw_per_op,
			    o->path_use.vcsw_per_op, o->base_use.ivcsw_per_op, o->base_use.vcsw_per_op);
	}
	const char *note = bb_json_str(bb_json_get(o->result, "note"), NULL);
	if (note && f->why)
		bb_diag_set(&f->why, "%s (%s)", f->why, note);
	bb_diag_set(&f->mechanism, "%s", s->mechanism);
	bb_diag_set(&f->reference, "%s", s->reference);
	bb_diag_set(&f->reproduce, "%s", reproduce);
	const bb_diag_try *best = best_try(tries, n_tries);
	if (best && hung)
		bb_diag_set(&f->fix, "%s (%s): no child hung", best->name, best->setting);
	else if (best)
		bb_diag_set(&f->fix, "%s (%s): %.2fx the clean time, from %.2fx", best->name,
			    best->setting, best->vs_clean, o->slowdown);
}

/* ---- ranking and output --------------------------------------------------------------------------- */

static int by_severity(const void *a, const void *b)
{
	const bb_diag_finding *x = a, *y = b;
	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	return strcmp(x->title ? x->title : "", y->title ? y->title : "");
}

void bb_diag_report_sort(bb_diag_report *r)
{
	if (r->n_findings > 1)
		qsort(r->findings, r->n_findings, sizeof(*r->findings), by_severity);
}

static void try_text(const bb_diag_try *t, char *buf, size_t len)
{
	if (!strcmp(t->status, "n/a"))
		snprintf(buf, len, "does not apply: %s", t->error);
	else if (!strcmp(t->status, "hang") && t->hung_children > 0)
		snprintf(buf, len, "still hangs (%d child%s killed)", t->hung_children,
			 t->hung_children == 1 ? "" : "ren");
	else if (strcmp(t->status, "ok"))
		snprintf(buf, len, "could not run (%s): %s", t->status, t->error ? t->error : "?");
	else if (isfinite(t->gflops))
		snprintf(buf, len, "%.1f GFLOP/s (%.0f%% of peak), kernel %s", t->gflops, t->pct_peak,
			 t->kernel ? t->kernel : "?");
	else
		snprintf(buf, len, "%.2fx the clean time; %.2fx against its own baseline (%.2f-%.2f)%s",
			 t->vs_clean, t->slowdown, t->ci_low, t->ci_high, t->helps ? "  <- helps" : "");
}

/* "  label      text", the text wrapped under itself at 100 columns. */
static void field(FILE *out, const char *label, const char *text)
{
	if (!text)
		return;
	const int indent = 15, width = 100;
	fprintf(out, "   %-11s ", label);
	int col = indent;
	const char *p = text;
	while (*p) {
		size_t len = strcspn(p, " ");
		if (col > indent && col + 1 + (int)len > width) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, len, out);
		col += (int)len;
		p += len;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

void bb_diag_report_print(const bb_diag_report *r, FILE *out)
{
	if (r->n_findings)
		fprintf(out, "Findings, most severe first (%zu):\n", r->n_findings);
	else
		fprintf(out, "No finding: nothing measured here shows a threading pathology.\n");
	for (size_t i = 0; i < r->n_findings; i++) {
		const bb_diag_finding *f = &r->findings[i];
		fprintf(out, "\n%zu. [%s] %s\n", i + 1, bb_diag_level_name(f->level), f->title);
		field(out, "seen", f->seen);
		field(out, "why", f->why);
		field(out, "mechanism", f->mechanism);
		for (size_t k = 0; k < f->n_tries; k++) {
			char text[600], line[900];
			try_text(&f->tries[k], text, sizeof(text));
			snprintf(line, sizeof(line), "%s (%s): %s", f->tries[k].name, f->tries[k].setting,
				 text);
			field(out, k ? "" : "tried", line);
		}
		if (f->fix)
			field(out, "fix", f->fix);
		else if (f->n_tries)
			field(out, "fix", "none of the mitigations tried removes it");
		else if (!strcmp(f->kind, "hang") || !strcmp(f->kind, "slowdown"))
			field(out, "fix", "no mitigation tried (a mild finding, or --no-mitigations)");
		field(out, "reference", f->reference);
		field(out, "reproduce", f->reproduce);
		if (f->repro_file) {
			char line[2048];
			snprintf(line, sizeof(line), "%s, built with: %s", f->repro_file,
				 f->repro_build ? f->repro_build : "?");
			field(out, "program", line);
		}
	}
	if (r->n_clean) {
		fprintf(out, "\nNo pathology found (slowdown against the scenario's own baseline, "
			     "95%% CI), or not run:\n");
		for (size_t i = 0; i < r->n_clean; i++)
			fprintf(out, "   %s\n", r->clean[i]);
	}
	if (r->n_errors) {
		fprintf(out, "\nCould not be measured:\n");
		for (size_t i = 0; i < r->n_errors; i++)
			fprintf(out, "   %s\n", r->errors[i]);
	}
	if (r->db_path)
		fprintf(out, "\nRecorded as run %lld in %s (blasbench report %lld --db %s --html F)\n",
			(long long)r->run_id, r->db_path, (long long)r->run_id, r->db_path);
}

static void kv_opt(bb_json_writer *w, const char *key, const char *v)
{
	bb_jw_kv_string(w, key, v);
}

static void lines_json(bb_json_writer *w, const char *key, char **lines, size_t n)
{
	bb_jw_key(w, key);
	bb_jw_array_begin(w);
	for (size_t i = 0; i < n; i++)
		bb_jw_string(w, lines[i]);
	bb_jw_array_end(w);
}

void bb_diag_report_json(const bb_diag_report *r, bb_strbuf *out)
{
	bb_json_writer w;
	bb_jw_init(&w, out, 1);
	bb_jw_object_begin(&w);
	bb_jw_kv_int(&w, "run_id", r->run_id);
	kv_opt(&w, "db", r->db_path);
	bb_jw_key(&w, "findings");
	bb_jw_array_begin(&w);
	for (size_t i = 0; i < r->n_findings; i++) {
		const bb_diag_finding *f = &r->findings[i];
		bb_jw_object_begin(&w);
		bb_jw_kv_string(&w, "level", bb_diag_level_name(f->level));
		bb_jw_kv_string(&w, "kind", f->kind);
		bb_jw_kv_string(&w, "backend", f->alias);
		bb_jw_kv_string(&w, "name", f->name);
		bb_jw_kv_string(&w, "title", f->title);
		bb_jw_kv_double(&w, "slowdown", f->slowdown);
		bb_jw_kv_double(&w, "slowdown_ci_low", f->ci_low);
		bb_jw_kv_double(&w, "slowdown_ci_high", f->ci_high);
		kv_opt(&w, "seen", f->seen);
		kv_opt(&w, "why", f->why);
		kv_opt(&w, "mechanism", f->mechanism);
		kv_opt(&w, "fix", f->fix);
		kv_opt(&w, "reference", f->reference);
		kv_opt(&w, "reproduce", f->reproduce);
		kv_opt(&w, "repro_file", f->repro_file);
		kv_opt(&w, "repro_build", f->repro_build);
		bb_jw_key(&w, "tried");
		bb_jw_array_begin(&w);
		for (size_t k = 0; k < f->n_tries; k++) {
			const bb_diag_try *t = &f->tries[k];
			bb_jw_object_begin(&w);
			bb_jw_kv_string(&w, "mitigation", t->name);
			bb_jw_kv_string(&w, "setting", t->setting);
			bb_jw_kv_string(&w, "status", t->status);
			kv_opt(&w, "error", t->error);
			bb_jw_kv_double(&w, "slowdown", t->slowdown);
			bb_jw_kv_double(&w, "slowdown_ci_low", t->ci_low);
			bb_jw_kv_double(&w, "slowdown_ci_high", t->ci_high);
			bb_jw_kv_double(&w, "vs_clean", t->vs_clean);
			bb_jw_kv_double(&w, "gflops", t->gflops);
			bb_jw_kv_double(&w, "pct_peak", t->pct_peak);
			kv_opt(&w, "kernel", t->kernel);
			bb_jw_kv_int(&w, "hung_children", t->hung_children);
			bb_jw_kv_bool(&w, "helps", t->helps);
			bb_jw_object_end(&w);
		}
		bb_jw_array_end(&w);
		bb_jw_object_end(&w);
	}
	bb_jw_array_end(&w);
	lines_json(&w, "clean", r->clean, r->n_clean);
	lines_json(&w, "errors", r->errors, r->n_errors);
	bb_jw_object_end(&w);
}

static void try_release(bb_diag_try *t)
{
	free(t->name);
	free(t->setting);
	free(t->status);
	free(t->error);
	free(t->kernel);
}

void bb_diag_report_release(bb_diag_report *r)
{
	for (size_t i = 0; i < r->n_findings; i++) {
		bb_diag_finding *f = &r->findings[i];
		char **strs[] = {&f->kind, &f->alias, &f->name, &f->title, &f->seen, &f->why,
				 &f->mechanism, &f->reference, &f->fix, &f->reproduce, &f->repro_file,
				 &f->repro_build};
		for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			free(*strs[k]);
		for (size_t k = 0; k < f->n_tries; k++)
			try_release(&f->tries[k]);
		free(f->tries);
	}
	free(r->findings);
	for (size_t i = 0; i < r->n_clean; i++)
		free(r->clean[i]);
	free(r->clean);
	for (size_t i = 0; i < r->n_errors; i++)
		free(r->errors[i]);
	free(r->errors);
	free(r->db_path);
	memset(r, 0, sizeof(*r));
}
