/*
 * Option parsing and one command's help, shared by every command (see command.h).  Help is
 * rendered from the same bb_command record that dispatch uses, so it cannot drift.  The table of
 * all commands is in command_table.c, which only the executable links.
 */
#include "harness/cli/command.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "backends/pyenv.h"
#include "common/error.h"
#include "common/output.h"
#include "common/number.h"
#include "common/suggest.h"
#include "db/db.h"

/* The option BB_CMD_DB adds, after the command's own. */
static const bb_option db_option = {
	"db", 0, "FILE",
	"results database file (default $BLASBENCH_DB or ./blasbench.db; not '' or :memory:)"};

/* The option BB_CMD_PYTHON adds: the Python environment whose wheels' libraries catalog names
 * find (backends/pyenv.h). */
static const bb_option python_option = {
	"python", 0, "PATH",
	"find wheel libraries (scipy-openblas64, mkl...) in this Python's environment "
	"(default: $VIRTUAL_ENV, $CONDA_PREFIX)"};

/* Options every command accepts, appended last. */
static const bb_option common_options[] = {
	{"verbose", 'v', NULL, "say each step (probes, workers); repeat for more"},
	{"help", 'h', NULL, "show this help"},
	{0},
};

static void vprint_error(const char *fmt, va_list ap)
{
	fputs("error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int bb_usage_error(const bb_command *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint_error(fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "see 'blasbench help %s'\n", cmd->name);
	else
		fputs("see 'blasbench help'\n", stderr);
	return BB_EXIT_USAGE;
}

int bb_input_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint_error(fmt, ap);
	va_end(ap);
	return BB_EXIT_USAGE;
}

int bb_internal_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint_error(fmt, ap);
	va_end(ap);
	return BB_EXIT_INTERNAL;
}

int bb_cli_write_output(const bb_command *cmd, const char *path, const char *text, size_t len,
			int append)
{
	char err[512];
	if (append) {
		int rc = bb_append_file(path, text, len, err, sizeof(err));
		if (!rc)
			return 0;
		return rc == BB_OUTPUT_REFUSED ? bb_usage_error(cmd, "%s", err)
					       : bb_input_error("%s", err);
	}
	bb_output out = {0};
	int rc = bb_output_open(&out, path, err, sizeof(err));
	if (rc)
		return rc == BB_OUTPUT_REFUSED ? bb_usage_error(cmd, "%s", err)
					       : bb_input_error("%s", err);
	if (bb_output_write(&out, text, len, err, sizeof(err)) ||
	    (rc = bb_output_commit(&out, err, sizeof(err)))) {
		bb_output_abort(&out);
		return rc == BB_OUTPUT_REFUSED ? bb_usage_error(cmd, "%s", err)
					       : bb_internal_error("%s", err);
	}
	return 0;
}

static int option_count(const bb_option *spec)
{
	int n = 0;
	while (spec && spec[n].name)
		n++;
	return n;
}

/* The merged option list of a command: its own, those its flags add, then the common ones. */
typedef struct merged {
	bb_option opt[BB_MAX_OPTIONS + 1];
	int n;
} merged;

static void merge_options(const bb_command *cmd, merged *m)
{
	m->n = 0;
	for (int i = 0; cmd->options && cmd->options[i].name && m->n < BB_MAX_OPTIONS; i++)
		m->opt[m->n++] = cmd->options[i];
	if ((cmd->flags & BB_CMD_DB) && m->n < BB_MAX_OPTIONS)
		m->opt[m->n++] = db_option;
	if ((cmd->flags & BB_CMD_PYTHON) && m->n < BB_MAX_OPTIONS)
		m->opt[m->n++] = python_option;
	for (int i = 0; common_options[i].name && m->n < BB_MAX_OPTIONS; i++)
		m->opt[m->n++] = common_options[i];
	memset(&m->opt[m->n], 0, sizeof(m->opt[0]));
}

static int find_option(const bb_opts *o, const char *name)
{
	for (int i = 0; i < o->count; i++)
		if (!strcmp(o->spec[i].name, name))
			return i;
	return -1;
}

const char *bb_opt_str(const bb_opts *o, const char *name, const char *dflt)
{
	int i = find_option(o, name);
	if (i < 0)
		bb_die("internal: option '--%s' is not declared", name);
	return o->value[i] ? o->value[i] : dflt;
}

void bb_opt_set(bb_opts *o, const char *name, const char *value)
{
	int i = find_option(o, name);
	if (i < 0)
		bb_die("internal: option '--%s' is not declared", name);
	o->value[i] = value;
	o->given[i] = value != NULL;
}

int bb_opt_flag(const bb_opts *o, const char *name)
{
	int i = find_option(o, name);
	if (i < 0)
		bb_die("internal: option '--%s' is not declared", name);
	return o->given[i];
}

int bb_opt_positive(const bb_command *cmd, const bb_opts *o, const char *name, const char *what,
		    double dflt, double max, double *out)
{
	const char *s = bb_opt_str(o, name, NULL);
	*out = dflt;
	if (!s)
		return 0;
	double v;
	char why[160];
	if (bb_parse_double(s, strlen(s), 0, max, 0, &v, why, sizeof(why)))
		return bb_usage_error(cmd, "--%s takes %s above 0 and at most %g, not '%s'", name, what,
				      max, s);
	*out = v;
	return 0;
}

int bb_opt_long(const bb_opts *o, const char *name, long dflt, long min, long max, long *out)
{
	const char *s = bb_opt_str(o, name, NULL);
	*out = dflt;
	if (!s)
		return 0;
	long v;
	char why[160];
	if (bb_parse_long(s, strlen(s), min, max, 0, &v, why, sizeof(why))) {
		fprintf(stderr, "error: option '--%s' takes a whole number from %ld to %ld, not '%s'\n",
			name, min, max, s);
		return BB_EXIT_USAGE;
	}
	*out = v;
	return 0;
}

const char *bb_opt_db(const bb_opts *o) { return bb_opt_str(o, "db", bb_db_default_path()); }

/* The database of a BB_CMD_DB command (--db, else $BLASBENCH_DB, else ./blasbench.db) must be a
 * file that outlives the process: checked here, before the command runs, so nothing is
 * measured into a temporary database and lost.  An empty BLASBENCH_DB is an error, not the
 * default: it is what an unset variable in a script gives.  The path is then protected from
 * every output the command writes.  Returns 0, or BB_EXIT_USAGE after printing why. */
static int db_option_check(const bb_command *cmd, const bb_opts *o)
{
	char err[512];
	const char *given = bb_opt_str(o, "db", NULL), *env = getenv("BLASBENCH_DB");
	if (!given && env && !*env)
		return bb_usage_error(cmd, "BLASBENCH_DB is set but empty: unset it to use "
					   "./blasbench.db, or set it to a database file");
	const char *path = bb_opt_db(o);
	if (bb_db_path_check(path, err, sizeof(err)))
		return bb_usage_error(cmd, "%s%s", err, given ? "" : " (from BLASBENCH_DB)");
	bb_output_protect(path);
	return 0;
}

static merged parse_merged; /* the spec bb_opts points at; one parse per process */

int bb_opts_parse(const bb_command *cmd, int argc, char **argv, bb_opts *o)
{
	merge_options(cmd, &parse_merged);
	memset(o, 0, sizeof(*o));
	o->spec = parse_merged.opt;
	o->count = parse_merged.n;
	o->args = bb_xcalloc((size_t)argc + 1, sizeof(char *));
	o->argc = argc;
	o->argv = argv;

	int only_args = 0;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (only_args || a[0] != '-' || !a[1]) {
			o->args[o->nargs++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = 1;
			continue;
		}
		int idx = -1;
		const char *inline_val = NULL;
		char name[64];
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
			if (len >= sizeof(name))
				len = sizeof(name) - 1;
			memcpy(name, a + 2, len);
			name[len] = 0;
			inline_val = eq ? eq + 1 : NULL;
			idx = find_option(o, name);
		} else {
			/* short options: one letter each, e.g. -v or -vv */
			for (const char *p = a + 1; *p; p++) {
				int k;
				for (k = 0; k < o->count && o->spec[k].short_name != *p; k++)
					;
				if (k == o->count || o->spec[k].arg) {
					if (k < o->count && !p[1] && i + 1 < argc) {
						o->value[k] = argv[++i];
						o->given[k]++;
						break;
					}
					return bb_usage_error(cmd, "unknown option '-%c' for '%s'", *p,
							      cmd->name);
				}
				o->given[k]++;
			}
			continue;
		}
		if (idx < 0) {
			const char *names[BB_MAX_OPTIONS];
			for (int k = 0; k < o->count; k++)
				names[k] = o->spec[k].name;
			const char *hint = bb_closest_name(name, names, o->count);
			if (hint)
				return bb_usage_error(cmd, "unknown option '--%s' for '%s'; did you mean '--%s'?",
						      name, cmd->name, hint);
			return bb_usage_error(cmd, "unknown option '--%s' for '%s'", name, cmd->name);
		}
		if (o->spec[idx].arg) {
			if (!inline_val) {
				if (i + 1 >= argc)
					return bb_usage_error(cmd, "option '--%s' needs a value (%s)", name,
							      o->spec[idx].arg);
				inline_val = argv[++i];
			}
			o->value[idx] = inline_val;
		} else if (inline_val) {
			return bb_usage_error(cmd, "option '--%s' takes no value", name);
		}
		o->given[idx]++;
	}
	if (bb_opt_flag(o, "help")) {
		bb_help_command(cmd, stdout);
		return -1;
	}
	bb_set_verbosity(bb_opt_flag(o, "verbose"));
	if (cmd->max_args >= 0 && o->nargs > cmd->max_args) {
		if (cmd->max_args == 0)
			return bb_usage_error(cmd, "'%s' takes no arguments, got '%s'", cmd->name,
					      o->args[0]);
		return bb_usage_error(cmd, "too many arguments for '%s'", cmd->name);
	}
	if (cmd->flags & BB_CMD_PYTHON) {
		const char *python = bb_opt_str(o, "python", NULL);
		char err[600];
		if (python && bb_pyenv_use_python(python, err, sizeof(err)))
			return bb_usage_error(cmd, "%s", err);
	}
	if (cmd->flags & BB_CMD_DB)
		return db_option_check(cmd, o);
	return 0;
}

void bb_help_command(const bb_command *cmd, FILE *out)
{
	merged m;
	merge_options(cmd, &m);
	fprintf(out, "usage: blasbench %s%s%s%s\n\n", cmd->name, option_count(cmd->options) ? " [options]" : "",
		cmd->args_usage ? " " : "", cmd->args_usage ? cmd->args_usage : "");
	fprintf(out, "%s\n", cmd->summary);
	if (cmd->description)
		fprintf(out, "\n%s\n", cmd->description);
	if (cmd->help_tables)
		cmd->help_tables(out);
	fputs("\noptions:\n", out);
	for (int i = 0; i < m.n; i++) {
		char left[64];
		const bb_option *op = &m.opt[i];
		if (op->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", op->short_name, op->name,
				 op->arg ? " " : "", op->arg ? op->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", op->name, op->arg ? " " : "",
				 op->arg ? op->arg : "");
		fprintf(out, "  %-28s %s\n", left, op->help);
	}
}

enum { HELP_WIDTH = 100 };

void bb_help_item(FILE *out, const char *name, int name_width, const char *text)
{
	int indent = 2 + name_width + 2;
	int col = fprintf(out, "  %-*s  ", name_width, name);
	int first = 1;
	while (*text) {
		size_t len = strcspn(text, " ");
		if (!first && col + 1 + (int)len > HELP_WIDTH) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)len, text);
		col += (int)len;
		first = 0;
		text += len;
		while (*text == ' ')
			text++;
	}
	fputc('\n', out);
}

void bb_help_synopsis(const bb_command *cmd, FILE *out)
{
	merged m;
	merge_options(cmd, &m);
	char head[64];
	int col = snprintf(head, sizeof(head), "blasbench %s", cmd->name);
	const int indent = col + 1;
	fputs(head, out);
	int first = 1;
	for (int i = 0; i <= m.n; i++) {
		char word[128];
		if (i == m.n) { /* the positional arguments come last */
			if (!cmd->args_usage)
				break;
			snprintf(word, sizeof(word), "%s", cmd->args_usage);
		} else {
			const bb_option *op = &m.opt[i];
			if (!strcmp(op->name, "help") || !strcmp(op->name, "verbose"))
				continue;
			int req = 0;
			for (int k = 0; cmd->required && cmd->required[k]; k++)
				req |= !strcmp(cmd->required[k], op->name);
			snprintf(word, sizeof(word), "%s--%s%s%s%s", req ? "" : "[", op->name,
				 op->arg ? " " : "", op->arg ? op->arg : "", req ? "" : "]");
		}
		int len = (int)strlen(word);
		if (!first && col + 1 + len > HELP_WIDTH) {
			fprintf(out, "\n%*s%s", indent, "", word);
			col = indent + len;
		} else {
			fprintf(out, " %s", word);
			col += 1 + len;
		}
		first = 0;
	}
	fputc('\n', out);
}
