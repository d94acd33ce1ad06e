/*
 * The command table and option parsing shared by every command (git's model).
 *
 * Each command lives in harness/cmd/cmd_<name>.c and defines one `const bb_command bb_cmd_<name>`
 * holding its function, its options and its help text.  harness/cli/commands.def lists the commands
 * once; that list drives dispatch, `blasbench help` and the closest-name suggestion for typos.
 * The parser handles what every command shares: --help/-h, --verbose/-v, `--opt value`,
 * `--opt=value`, unknown options (closest valid name suggested, exit code 2), and the options a
 * command's flags ask for (BB_CMD_DB: --db, checked as bb_opt_db() says).  No helper here
 * exits the process: errors are printed and returned as BB_EXIT_USAGE.
 */
#ifndef BB_HARNESS_COMMAND_H
#define BB_HARNESS_COMMAND_H

#include <stdio.h>

/* Exit codes of the blasbench process, one per kind of failure, the same in every command.
 * What each means is written once, in bb_exit_codes[] (command_table.c), which `blasbench help`
 * prints and the README copies.  Call sites do not pick numbers: they return through the
 * helper of the kind (bb_usage_error, bb_input_error, bb_internal_error). */
enum {
	BB_EXIT_OK = 0,
	BB_EXIT_FAILED = 1,       /* the command ran, but something it examined failed */
	BB_EXIT_USAGE = 2,        /* bad command line, or a file the user named that cannot be
				   * used (a database that cannot be opened, a run not found, an
				   * output that cannot be created) */
	BB_EXIT_INTERNAL = 3,     /* blasbench or its environment could not finish what it began */
	BB_EXIT_INTERRUPTED = 130, /* SIGINT/SIGTERM: what finished is kept, no verdict */
};

/* The exit code table: what `blasbench help` prints under "exit codes". */
typedef struct bb_exit_code_doc {
	int code;
	const char *meaning;
} bb_exit_code_doc;
extern const bb_exit_code_doc bb_exit_codes[]; /* ends with a NULL meaning */

typedef struct bb_option {
	const char *name;  /* long name without "--" */
	char short_name;   /* 0 if none */
	const char *arg;   /* metavariable ("B", "FILE") if the option takes a value, else NULL */
	const char *help;  /* one line */
} bb_option;

#define BB_MAX_OPTIONS 32

/* What the parser found: values by option index, positional arguments in order. */
typedef struct bb_opts {
	const bb_option *spec;
	int count;                           /* options in spec */
	const char *value[BB_MAX_OPTIONS];   /* last value given, NULL if absent */
	int given[BB_MAX_OPTIONS];           /* how many times given */
	char **args;                         /* positional arguments (points into argv) */
	int nargs;
	int argc;                            /* the command's own argv, for the record */
	char **argv;
} bb_opts;

typedef struct bb_command {
	const char *name;
	int (*fn)(bb_opts *opts);
	const bb_option *options;    /* terminated by a zero entry; may be NULL */
	const char *args_usage;      /* positional arguments for the usage line; NULL: none */
	int max_args;                /* -1: any number */
	const char *summary;         /* one line for `blasbench help` */
	const char *description;     /* paragraph(s) for `blasbench help CMD`; may be NULL */
	/* Help generated from a table (scenarios, presets...), printed after the description;
	 * may be NULL.  Each section starts with a blank line. */
	void (*help_tables)(FILE *out);
	/* Options the command refuses to run without (it checks and says so itself), NULL-ended;
	 * the synopsis shows them unbracketed.  May be NULL. */
	const char *const *required;
	unsigned flags;              /* BB_CMD_* */
} bb_command;

#define BB_CMD_HIDDEN 0x1u /* internal (worker mode): not listed in help */
#define BB_CMD_DB 0x2u     /* reads the results database: --db FILE is added to its options */
#define BB_CMD_PYTHON 0x4u /* loads catalog backends: --python PATH is added (backends/pyenv.h) */

/* The results database the command was given: --db, else $BLASBENCH_DB, else ./blasbench.db
 * (bb_db_default_path()).  For commands with BB_CMD_DB, whose parser has already refused a name
 * SQLite would not keep ('', ':memory:', 'file:' URIs, an empty BLASBENCH_DB; exit code 2) and
 * protected the path from the command's outputs (common/output.h). */
const char *bb_opt_db(const bb_opts *o);

/* Option lookups by long name.  Asking for a name the command does not declare is a bug. */
const char *bb_opt_str(const bb_opts *o, const char *name, const char *dflt);
int bb_opt_flag(const bb_opts *o, const char *name);
/* Set an option's value as if it had been given (used to replay a recorded run's options).
 * The value is not copied: it must outlive o. */
void bb_opt_set(bb_opts *o, const char *name, const char *value);
/* Parse an integer option from min to max into *out (dflt when absent).  Returns 0, or
 * BB_EXIT_USAGE after printing the error when it is malformed or out of range. */
int bb_opt_long(const bb_opts *o, const char *name, long dflt, long min, long max, long *out);

/* How a run is named on the command line (runs, compare, report, gate, suite --resume): the
 * paragraph their help shares, which db/query.c's bb_db_run_resolve() implements. */
#define BB_HELP_RUN_REF                                                                        \
	"A run is named by its id, its label or 'latest' (the newest run).  A label names one\n" \
	"run: run, suite, gate and diagnose refuse a --label another run of the database has\n"  \
	"(exit code 2); in a database from before that rule, a label used twice means the\n"    \
	"latest run with it."

/* Every command's record, declared from the one list. */
#define BB_COMMAND(n) extern const bb_command bb_cmd_##n;
#include "harness/cli/commands.def"
#undef BB_COMMAND

/* The command table (from commands.def), NULL-terminated, and lookup by name. */
extern const bb_command *const bb_commands[];
const bb_command *bb_command_find(const char *name);

/* Parse argv (argv[0] is the command name) for cmd.  Returns 0, or BB_EXIT_USAGE after
 * printing the error; a request for --help prints the help and returns -1. */
int bb_opts_parse(const bb_command *cmd, int argc, char **argv, bb_opts *o);

void bb_help_command(const bb_command *cmd, FILE *out);
void bb_help_overview(FILE *out);
/* One entry of a generated help list: "  NAME  text", NAME padded to name_width, the text
 * wrapped at spaces to 100 columns with its continuation lines under its first word. */
void bb_help_item(FILE *out, const char *name, int name_width, const char *text);
/* The command's usage line with every option it takes ("blasbench run [--backends B] ..."),
 * wrapped at 100 columns under the first option; --help and --verbose left out. */
void bb_help_synopsis(const bb_command *cmd, FILE *out);

/* The visible command closest to a mistyped name, or NULL. */
const char *bb_command_suggest(const char *word);

/* A number option above 0 and at most max: dflt when absent, else a usage error
 * ("--NAME takes WHAT above 0 and at most MAX, not 'x'") returning BB_EXIT_USAGE. */
int bb_opt_positive(const bb_command *cmd, const bb_opts *o, const char *name, const char *what,
		    double dflt, double max, double *out);

/* Usage error: prints "error: ..." plus a hint and returns BB_EXIT_USAGE. */
int bb_usage_error(const bb_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A file the user named cannot be used (a database that cannot be opened or is not
 * blasbench's, a run or label that does not exist, a label already taken, an output file that
 * cannot be created): prints
 * "error: ..." and returns BB_EXIT_USAGE, without the help hint (the command line was fine). */
int bb_input_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* blasbench or its environment could not finish what it began (a write that failed once its
 * file was open, a result the database refused): prints "error: ..." and returns
 * BB_EXIT_INTERNAL. */
int bb_internal_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write text to an output file the user named, whole (replacing it through a temporary file)
 * or, with append, at its end; never over a database (common/output.h).  Returns 0, or after
 * printing why: BB_EXIT_USAGE when the file is refused or cannot be created, BB_EXIT_INTERNAL
 * when writing it fails once it is open. */
int bb_cli_write_output(const bb_command *cmd, const char *path, const char *text, size_t len,
			int append);

#endif
