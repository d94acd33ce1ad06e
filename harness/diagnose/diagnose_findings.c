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

const char *bb_diag_level_name(bb_diag_level l)
{
	return level_names[l];
}

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

/* ---- the words ----------------------------------------------------------------------------------
 */

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

/* The scenario's mechanism, with what the mitigations say about it: a mitigation aimed at it
 * that helps supports it; when every one measured fails to help, it is not confirmed here
 * and the finding says so rather than asserting it; untried, it stays "likely". */
static void mechanism_words(bb_diag_finding *f, const bb_scenario *s, const bb_diag_try *tries,
                            size_t n_tries, int hung)
{
	const bb_diag_try *best = bb_diag_best_try(tries, n_tries);
	size_t measured = 0;
	for (size_t i = 0; i < n_tries; i++)
		measured += strcmp(tries[i].status, "n/a") != 0;
	if (best)
		bb_diag_set(&f->mechanism, "%s (supported by the measurement: %s %s)", s->mechanism,
		            best->name, hung ? "ends the hang" : "lowers the time");
	else if (measured)
		bb_diag_set(&f->mechanism,
		            "likely: %s; not confirmed here: none of the mitigations "
		            "tried %s, so the cause may be another",
		            s->mechanism,
		            hung ? "ends the hang" : "lowers the time beyond the noise");
	else
		bb_diag_set(&f->mechanism, "likely (no mitigation tried to test it): %s",
		            s->mechanism);
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
		bb_diag_set(&f->seen,
		            "%s: %d child%s never finished and %s killed (%s); %s took %s each",
		            s->pathology, o->hung_children, o->hung_children == 1 ? "" : "ren",
		            o->hung_children == 1 ? "was" : "were", o->error ? o->error : "hung",
		            s->baseline, ms(o->base_median, b1, sizeof(b1)));
	} else {
		bb_diag_set(&f->title, "%s on %s: %.2fx slower", s->name, j->alias, o->slowdown);
		bb_diag_set(&f->seen,
		            "%s: %s per operation, against %s for %s: %.2fx (95%% CI %.2f-%.2f)",
		            s->pathology, ms(o->path_median, b1, sizeof(b1)),
		            ms(o->base_median, b2, sizeof(b2)), s->baseline, o->slowdown, o->ci_low,
		            o->ci_high);
		bb_diag_set(
		    &f->why,
		    "CPU time / wall time %.2f against %.2f in the baseline; per operation "
		    "%.1f involuntary and %.1f voluntary context switches against %.1f and %.1f",
		    o->path_use.cpu_per_wall, o->base_use.cpu_per_wall, o->path_use.ivcsw_per_op,
		    o->path_use.vcsw_per_op, o->base_use.ivcsw_per_op, o->base_use.vcsw_per_op);
	}
	const char *note = bb_json_str(bb_json_get(o->result, "note"), NULL);
	if (note && f->why)
		bb_diag_set(&f->why, "%s (%s)", f->why, note);
	mechanism_words(f, s, tries, n_tries, hung);
	bb_diag_set(&f->reference, "%s", s->reference);
	bb_diag_set(&f->reproduce, "%s", reproduce);
	f->fix = bb_diag_fix_text(bb_diag_best_try(tries, n_tries), hung, o->slowdown);
}

/* ---- ranking and output
 * --------------------------------------------------------------------------- */

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
		field(out, "cause", f->cause);
		field(out, "mechanism", f->mechanism);
		field(out, "environment", f->environment);
		for (size_t k = 0; k < f->n_tries; k++) {
			char text[600], line[900];
			bb_diag_try_text(&f->tries[k], text, sizeof(text));
			snprintf(line, sizeof(line), "%s (%s): %s", f->tries[k].name,
			         f->tries[k].setting, text);
			field(out, k ? "" : "tried", line);
		}
		if (f->fix)
			field(out, "fix", f->fix);
		else if (f->n_tries)
			field(out, "fix",
			      "none of the mitigations tried lowers the time beyond the noise");
		else if (!strcmp(f->kind, "hang") || !strcmp(f->kind, "slowdown"))
			field(out, "fix",
			      "no mitigation tried (a mild finding, or --no-mitigations)");
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
		fprintf(out,
		        "\nRecorded as run %lld in %s (blasbench report %lld --db %s --html F)\n",
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
		kv_opt(&w, "cause", f->cause);
		kv_opt(&w, "mechanism", f->mechanism);
		kv_opt(&w, "environment", f->environment);
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
			bb_jw_kv_double(&w, "vs_clean_ci_low", t->vs_clean_low);
			bb_jw_kv_double(&w, "vs_clean_ci_high", t->vs_clean_high);
			bb_jw_kv_double(&w, "vs_unmitigated", t->vs_patho);
			bb_jw_kv_double(&w, "vs_unmitigated_ci_low", t->vs_patho_low);
			bb_jw_kv_double(&w, "vs_unmitigated_ci_high", t->vs_patho_high);
			bb_jw_kv_double(&w, "gflops", t->gflops);
			bb_jw_kv_double(&w, "pct_peak", t->pct_peak);
			kv_opt(&w, "kernel", t->kernel);
			bb_jw_kv_int(&w, "hung_children", t->hung_children);
			bb_jw_kv_bool(&w, "helps", t->helps);
			bb_jw_kv_bool(&w, "removes", t->removes);
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
		char **strs[] = {&f->kind,        &f->alias,      &f->name,      &f->title,
		                 &f->seen,        &f->why,        &f->mechanism, &f->cause,
		                 &f->environment, &f->reference,  &f->fix,       &f->reproduce,
		                 &f->repro_file,  &f->repro_build};
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
