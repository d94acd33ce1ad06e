/*
 * Writing a finding's standalone reproduction program (see diagnose_repro.h): a header comment
 * that says what it reproduces (from scenarios.def), what blasbench measured and how to build
 * and run it; then the scenario's program from programs/ (embedded, see
 * diagnose_repro_internal.h) with the finding's values as #defines in place of its
 * `#include "finding.h"`.
 *
 * Every string from outside (paths, symbols, alias, environment) reaches the program either as
 * a C string literal escaped here, or in the comment only when it is plainly printable; nothing
 * in it can end a literal, a comment or a line, or form a trigraph.
 */
#include "harness/diagnose/repro/diagnose_repro.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "common/fs.h"
#include "common/output.h"
#include "common/strbuf.h"
#include "harness/diagnose/repro/diagnose_repro_internal.h"
#include "workloads/scenario.h"

#define COMMENT_WIDTH 92 /* columns of the header comment */

/* ---- escaping ---------------------------------------------------------------------------- */

/* s as a C string literal, quotes included.  Quotes, backslashes and control bytes are
 * escaped (octal: three digits, so the next character cannot join the escape), every '?' is
 * escaped (no trigraph), and a '/' next to a '*' too (the text may also be shown in a
 * comment). */
static void add_c_string(bb_strbuf *sb, const char *s)
{
	bb_strbuf_addc(sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int star_next = *p == '/' && ((p > (const unsigned char *)s && p[-1] == '*') ||
					      p[1] == '*');
		if (*p == '"' || *p == '\\' || *p == '?') {
			bb_strbuf_addc(sb, '\\');
			bb_strbuf_addc(sb, (char)*p);
		} else if (*p < 0x20 || *p >= 0x7f || star_next) {
			bb_strbuf_addf(sb, "\\%03o", *p);
		} else {
			bb_strbuf_addc(sb, (char)*p);
		}
	}
	bb_strbuf_addc(sb, '"');
}

/* 1 when s can appear as it is in a comment and on a shell command line. */
static int plain(const char *s)
{
	if (!*s)
		return 0;
	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+-:=,@%",
			    *p))
			return 0;
	return 1;
}

/* An outside string in the header comment: as it is when plain, else as its C literal. */
static void add_shown(bb_strbuf *sb, const char *s)
{
	if (plain(s))
		bb_strbuf_adds(sb, s);
	else
		add_c_string(sb, s);
}

/* Trusted text (scenarios.def) in the comment, greedily wrapped at spaces; continuation lines
 * are indented to `indent` columns after " * ".  Nothing in it can close the comment. */
static void add_wrapped(bb_strbuf *sb, const char *label, const char *text)
{
	size_t indent = strlen(label), col = 3 + indent;
	bb_strbuf_addf(sb, " * %s", label);
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (!len)
			break;
		if (col > 3 + indent && col + 1 + len > COMMENT_WIDTH) {
			bb_strbuf_addf(sb, "\n * %*s", (int)indent, "");
			col = 3 + indent;
		} else if (col > 3 + indent) {
			bb_strbuf_addc(sb, ' ');
			col++;
		}
		for (size_t i = 0; i < len; i++) {
			char c = p[i];
			int breaks = (c == '*' && p[i + 1] == '/') || (c == '/' && p[i + 1] == '*');
			bb_strbuf_addc(sb, (unsigned char)c < 0x20 ? ' ' : c);
			if (breaks)
				bb_strbuf_addc(sb, ' ');
		}
		col += len;
		p += len;
	}
	bb_strbuf_addc(sb, '\n');
}

/* A word for a shell command line in the comment: as it is when plain, single-quoted when
 * that is safe inside a comment, else NULL (the caller points at the source instead). */
static char *shell_word(const char *s)
{
	if (plain(s))
		return bb_xstrdup(s);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f || strchr("'*\\?", *p))
			return NULL;
	return bb_xasprintf("'%s'", s);
}

/* s quoted for a POSIX shell (caller frees). */
static char *shell_quote(const char *s)
{
	if (plain(s))
		return bb_xstrdup(s);
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_strbuf_addc(&sb, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			bb_strbuf_adds(&sb, "'\\''"); /* end the quote, a quoted quote, reopen */
		else
			bb_strbuf_addc(&sb, *p);
	}
	bb_strbuf_addc(&sb, '\'');
	return bb_strbuf_detach(&sb, NULL);
}

/* ---- the input ----------------------------------------------------------------------------- */

typedef struct repro_env {
	char *buf;          /* the VAR=VALUE words, NUL-separated */
	const char **name;  /* n names, each followed by its value in value[] */
	const char **value;
	size_t n;
} repro_env;

static int env_name_ok(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
	       strlen(s);
}

/* Split "A=1 B=2" into e (release with env_release); 0, or -1 with the reason in err. */
static int env_parse(const char *env, repro_env *e, char *err, size_t errlen)
{
	memset(e, 0, sizeof(*e));
	e->buf = bb_xstrdup(env ? env : "");
	size_t max = strlen(e->buf) / 2 + 1;
	e->name = bb_xcalloc(max, sizeof(char *));
	e->value = bb_xcalloc(max, sizeof(char *));
	for (char *save = NULL, *w = strtok_r(e->buf, " \t\n", &save); w;
	     w = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(w, '=');
		if (eq)
			*eq = '\0';
		if (!eq || !env_name_ok(w)) {
			if (eq)
				*eq = '=';
			snprintf(err, errlen, "environment entry '%s' is not VAR=VALUE", w);
			return -1;
		}
		e->name[e->n] = w;
		e->value[e->n++] = eq + 1;
	}
	return 0;
}

static void env_release(repro_env *e)
{
	free(e->buf);
	free(e->name);
	free(e->value);
	memset(e, 0, sizeof(*e));
}

static int absolute(const char *path) { return path && path[0] == '/'; }

/* The scenario and its program's template, once the input is complete for it; or -1 with
 * the reason. */
static int input_check(const bb_repro_input *in, const bb_scenario **s, bb_repro_template *t,
		       char *err, size_t errlen)
{
	if (!in->scenario || !(*s = bb_scenario_find(in->scenario))) {
		const char *close = in->scenario ? bb_scenario_suggest(in->scenario) : NULL;
		snprintf(err, errlen, "unknown scenario '%s'%s%s%s", in->scenario ? in->scenario : "",
			 close ? ": did you mean '" : "", close ? close : "", close ? "'?" : "");
		return -1;
	}
	if (bb_repro_template_find(in->scenario, t)) {
		snprintf(err, errlen, "no reproduction program for scenario '%s'", in->scenario);
		return -1;
	}
	unsigned needs = t->needs;
	const char *why = NULL;
	if (!absolute(in->blas_path))
		why = "the BLAS library needs an absolute path";
	else if (!in->blas_symbol || !*in->blas_symbol)
		why = "the dgemm symbol is missing";
	else if (in->int_bits != 32 && in->int_bits != 64)
		why = "the INTEGER width must be 32 or 64 bits";
	else if (in->threads < 1 || in->n < 1)
		why = "threads and n must be at least 1";
	else if ((needs & BB_REPRO_OMP) && !absolute(in->omp_path))
		why = "it runs OpenMP regions: the OpenMP runtime needs an absolute path";
	else if ((needs & BB_REPRO_OMP2) && !absolute(in->omp2_path))
		why = "it mixes two OpenMP runtimes: the second one needs an absolute path";
	else if ((needs & BB_REPRO_KERNEL) &&
		 (!in->kernel_var || !env_name_ok(in->kernel_var) || !in->kernel_value))
		why = "it needs the kernel override as a variable name and a value";
	if (why) {
		snprintf(err, errlen, "cannot write a reproduction of '%s': %s", in->scenario, why);
		return -1;
	}
	return 0;
}

/* "repro-<scenario>-<alias>" with the alias reduced to [A-Za-z0-9_-]. */
static char *program_name(const char *scenario, const char *alias)
{
	char *name = bb_xasprintf("repro-%s-%s", scenario, alias && *alias ? alias : "blas");
	for (char *p = name + strlen("repro-") + strlen(scenario) + 1; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", *p))
			*p = '_';
	return name;
}

/* ---- the header comment -------------------------------------------------------------------- */

static void add_measured(bb_strbuf *sb, const bb_repro_input *in, const bb_repro_template *t)
{
	bb_strbuf_adds(sb, " * blasbench measured: ");
	if (in->hung)
		bb_strbuf_adds(sb, "a child forked after parallel work hung and was killed");
	else if (isnan(in->slowdown))
		bb_strbuf_adds(sb, "no slowdown recorded");
	else if (t->needs & BB_REPRO_KERNEL)
		bb_strbuf_addf(sb, "its own kernel %.2fx slower than with the override",
			       in->slowdown);
	else
		bb_strbuf_addf(sb, "the pathology %.2fx slower than the baseline", in->slowdown);
	bb_strbuf_adds(sb, "\n *            (backend ");
	add_shown(sb, in->alias && *in->alias ? in->alias : "blas");
	bb_strbuf_addf(sb, ", %d threads, dgemm n=%ld)\n", in->threads, in->n);
}

/* The Run line; the finding's environment in front of the program when it can be shown. */
static void add_run(bb_strbuf *sb, const repro_env *e, const char *name, const char *args)
{
	bb_strbuf_adds(sb, " * Run:       ");
	int hidden = 0;
	for (size_t i = 0; i < e->n; i++) {
		char *w = shell_word(e->value[i]);
		if (w)
			bb_strbuf_addf(sb, "%s=%s ", e->name[i], w);
		hidden += !w;
		free(w);
	}
	bb_strbuf_addf(sb, "./%s %s\n", name, args);
	if (hidden)
		bb_strbuf_adds(sb, " *            (and the variables of seen_env below)\n");
}

static void add_header(bb_strbuf *sb, const bb_repro_input *in, const bb_scenario *s,
		       const bb_repro_template *t, const repro_env *e, const char *name,
		       const char *build)
{
	unsigned needs = t->needs;
	char *text = bb_xasprintf("%s.c: %s.", name, s->summary);
	bb_strbuf_addf(sb, "/*\n");
	add_wrapped(sb, "", text);
	free(text);
	bb_strbuf_adds(sb, " *\n");
	add_wrapped(sb, "",
		    "Written by `blasbench diagnose --emit-repro` to reproduce one finding without "
		    "blasbench or Python: it needs only libc and the libraries named below, loaded "
		    "with dlopen by absolute path (RTLD_LOCAL, as Python loads extension modules).");
	if (needs & BB_REPRO_OMP)
		add_wrapped(sb, "",
			    "OpenMP regions go through GOMP_parallel, which GCC libgomp and LLVM "
			    "libomp both export: no -fopenmp, one program for either runtime.");
	bb_strbuf_adds(sb, " *\n");
	add_wrapped(sb, "Reported:  ", s->reference);
	add_wrapped(sb, "Baseline:  ", s->baseline);
	add_wrapped(sb, "Pathology: ", s->pathology);
	add_wrapped(sb, "Mechanism: ", s->mechanism);
	bb_strbuf_adds(sb, " *\n");
	add_measured(sb, in, t);
	bb_strbuf_adds(sb, " * Seen with: ");
	for (size_t i = 0; i < e->n; i++) {
		char *w = shell_word(e->value[i]);
		bb_strbuf_addf(sb, "%s%s=%s", i ? " " : "", e->name[i], w ? w : "(see seen_env)");
		free(w);
	}
	bb_strbuf_adds(sb, e->n ? "\n" : "the default environment\n");
	bb_strbuf_adds(sb, " * BLAS:      ");
	add_shown(sb, in->blas_path);
	bb_strbuf_adds(sb, "\n *            ");
	add_shown(sb, in->blas_symbol);
	bb_strbuf_addf(sb, " with %d-bit INTEGER arguments (%s); threads set %s", in->int_bits,
		       in->int_bits == 64 ? "ILP64" : "LP64", in->set_threads_symbol ? "with " : "");
	if (in->set_threads_symbol)
		add_shown(sb, in->set_threads_symbol);
	else
		bb_strbuf_adds(sb, "by nothing (the library's default)");
	bb_strbuf_adds(sb, "\n");
	if (needs & BB_REPRO_OMP) {
		bb_strbuf_adds(sb, " * OpenMP:    ");
		add_shown(sb, in->omp_path);
		bb_strbuf_adds(sb, " (the application's runtime)\n");
	}
	if (needs & BB_REPRO_OMP2) {
		bb_strbuf_adds(sb, " * And:       ");
		add_shown(sb, in->omp2_path);
		bb_strbuf_adds(sb, " (the other runtime)\n");
	}
	if (needs & BB_REPRO_KERNEL) {
		bb_strbuf_addf(sb, " * Override:  %s=", in->kernel_var);
		add_shown(sb, in->kernel_value);
		bb_strbuf_adds(sb, "\n *            (the program sets it itself, in the runs of itself "
				   "it starts)\n");
	}
	bb_strbuf_adds(sb, " *\n * Build:     ");
	bb_strbuf_adds(sb, build);
	bb_strbuf_adds(sb, "\n");
	add_run(sb, e, name, t->args);
	text = bb_xasprintf("%sseconds: measurement time in all (default 2); n: dgemm size "
			    "(default %ld)%s.",
			    e->n ? "The variables must be set when the program starts: the "
				   "libraries read them when they are loaded.  "
				 : "",
			    in->n,
			    (needs & BB_REPRO_TIMEOUT)
				? "; timeout: seconds before a child counts as hung (default 10)"
				: "");
	add_wrapped(sb, "           ", text);
	free(text);
	add_wrapped(sb, "Output:    ",
		    (needs & BB_REPRO_KERNEL)
			? "a few lines, then \"result: baseline_ms=... pathology_ms=... "
			  "slowdown=...\": the baseline is the override, the pathology the "
			  "library's own pick, slowdown = pathology / baseline (medians)."
			: (needs & BB_REPRO_TIMEOUT)
			      ? "a few lines, then \"result: hang\" when a child hangs, else "
				"\"result: baseline_ms=... pathology_ms=... slowdown=...\"."
			      : "a few lines, then \"result: baseline_ms=... pathology_ms=... "
				"slowdown=...\" (slowdown = pathology / baseline, medians).");
	add_wrapped(sb, "Exit:      ",
		    "0 it ran (whether or not it reproduced the finding), 1 it could not measure "
		    "(a wrong dgemm result, a crashed child), 2 it could not load something.");
	bb_strbuf_adds(sb, " */\n");
}

/* The finding as the #defines that stand for the program's `#include "finding.h"` (see
 * programs/finding.h): those the program uses, each string a C literal. */
static void add_finding(bb_strbuf *sb, const bb_repro_input *in, unsigned needs,
			const repro_env *e)
{
	bb_strbuf_adds(sb, "#define REPRO_BLAS_PATH ");
	add_c_string(sb, in->blas_path);
	bb_strbuf_adds(sb, "\n#define REPRO_DGEMM_SYMBOL ");
	add_c_string(sb, in->blas_symbol);
	bb_strbuf_addf(sb, "\n#define REPRO_BLAS_INT int%d_t /* %s */\n", in->int_bits,
		       in->int_bits == 64 ? "ILP64" : "LP64");
	bb_strbuf_adds(sb, "#define REPRO_SET_THREADS_SYMBOL ");
	if (in->set_threads_symbol)
		add_c_string(sb, in->set_threads_symbol);
	else
		bb_strbuf_adds(sb, "NULL /* none known: the library's default */");
	/* BLIS takes a dim_t (64 bits); OpenBLAS and OpenMP an int */
	int wide = in->set_threads_symbol && !strcmp(in->set_threads_symbol,
						     "bli_thread_set_num_threads");
	bb_strbuf_addf(sb, "\n#define REPRO_SET_THREADS_ARG %s\n",
		       wide ? "int64_t /* BLIS's dim_t */" : "int");
	if (needs & BB_REPRO_OMP) {
		bb_strbuf_adds(sb, "#define REPRO_OMP_PATH ");
		add_c_string(sb, in->omp_path);
		bb_strbuf_adds(sb, "\n");
	}
	if (needs & BB_REPRO_OMP2) {
		bb_strbuf_adds(sb, "#define REPRO_OMP2_PATH ");
		add_c_string(sb, in->omp2_path);
		bb_strbuf_adds(sb, "\n");
	}
	if (needs & BB_REPRO_KERNEL) {
		bb_strbuf_adds(sb, "#define REPRO_KERNEL_VAR ");
		add_c_string(sb, in->kernel_var);
		bb_strbuf_adds(sb, "\n#define REPRO_KERNEL_VALUE ");
		add_c_string(sb, in->kernel_value);
		bb_strbuf_adds(sb, "\n");
	}
	bb_strbuf_addf(sb, "#define REPRO_THREADS %d\n#define REPRO_N %ld\n", in->threads, in->n);
	bb_strbuf_adds(sb, "#define REPRO_SEEN_ENV {");
	for (size_t i = 0; i < e->n; i++) {
		add_c_string(sb, e->name[i]);
		bb_strbuf_adds(sb, ", ");
		add_c_string(sb, e->value[i]);
		bb_strbuf_adds(sb, ", ");
	}
	bb_strbuf_adds(sb, "NULL}\n");
}

int bb_repro_write(const char *dir, const bb_repro_input *in, char **path_out, char *err,
		   size_t errlen)
{
	const bb_scenario *s;
	bb_repro_template t;
	repro_env e;
	*path_out = NULL;
	if (!dir || !*dir) {
		snprintf(err, errlen, "no directory given for the reproduction programs");
		return -1;
	}
	if (input_check(in, &s, &t, err, errlen))
		return -1;
	if (env_parse(in->env, &e, err, errlen)) {
		env_release(&e);
		return -1;
	}
	int rc = -1;
	char *name = program_name(in->scenario, in->alias);
	char *path = bb_repro_path(dir, in->scenario, in->alias);
	char *build = bb_repro_build_line(path);
	bb_strbuf sb = BB_STRBUF_INIT;
	add_header(&sb, in, s, &t, &e, name, build);
	/* embed_programs.cmake made sure the line is there, once */
	const char *finding = strstr(t.text, BB_REPRO_FINDING_LINE);
	bb_strbuf_add(&sb, t.text, (size_t)(finding - t.text));
	add_finding(&sb, in, t.needs, &e);
	bb_strbuf_adds(&sb, finding + strlen(BB_REPRO_FINDING_LINE));

	if (bb_mkdir_p(dir, err, errlen))
		goto cleanup;
	/* whole or not at all, and never over a database */
	if (bb_write_file_atomic(path, sb.buf, sb.len, err, errlen))
		goto cleanup;
	*path_out = path;
	path = NULL;
	rc = 0;
cleanup:
	bb_strbuf_release(&sb);
	env_release(&e);
	free(build);
	free(path);
	free(name);
	return rc;
}

char *bb_repro_path(const char *dir, const char *scenario, const char *alias)
{
	char *name = program_name(scenario, alias);
	char *path = bb_xasprintf("%s/%s.c", dir, name);
	free(name);
	return path;
}

char *bb_repro_build_line(const char *c_path)
{
	const char *slash = strrchr(c_path, '/');
	const char *base = slash ? slash + 1 : c_path;
	size_t len = strlen(base);
	if (len > 2 && !strcmp(base + len - 2, ".c"))
		len -= 2;
	char *exe = bb_xasprintf("%.*s", (int)len, base);
	char *qexe = shell_quote(exe), *qsrc = shell_quote(base);
	char *line = bb_xasprintf("cc -O2 -o %s %s -ldl -lpthread", qexe, qsrc);
	free(exe);
	free(qexe);
	free(qsrc);
	return line;
}
