/*
 * `blasbench diagnose [--backends B] [--scenarios S] [--threads N] [--omp R] [--db F]
 * [--emit-repro DIR] [--json]`: the threading scenarios of workloads/scenarios.def run against
 * each backend, pathologies re-run with their mitigations, everything recorded as a run of
 * kind "diagnose", and the findings printed most severe first (harness/diagnose/diagnose_run.c does
 * the work for one backend; harness/diagnose/diagnose_findings.c the words).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/omp_runtime.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/output.h"
#include "harness/cli/command.h"
#include "harness/plan/env_plan.h"
#include "harness/host/limits.h"
#include "harness/diagnose/diagnose_cmd.h"
#include "harness/diagnose/diagnose_run.h"
#include "harness/diagnose/repro/diagnose_repro.h"
#include "harness/engine/host_record.h"
#include "harness/plan/run_options.h"
#include "build_config.h"
#include "harness/worker/worker.h"
#include "backends/omp_runtime.h"
#include "backends/spec.h"

#define MAX_SCENARIOS 32

/* --scenarios: names from the list, comma-separated ("all" or absent: every one; "none": the
 * probes' flags only). */
static int parse_scenarios(const char *text, const bb_scenario **out, size_t *n)
{
	*n = 0;
	if (text && !strcmp(text, "none")) /* the probes' flags only */
		return 0;
	if (!text || !strcmp(text, "all")) {
		for (size_t i = 0; i < bb_scenario_count() && *n < MAX_SCENARIOS; i++)
			out[(*n)++] = bb_scenario_at(i);
		return 0;
	}
	char *copy = bb_xstrdup(text), *save = NULL;
	int rc = 0;
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const bb_scenario *s = bb_scenario_find(name);
		if (!s) {
			const char *near = bb_scenario_suggest(name);
			rc = bb_usage_error(&bb_cmd_diagnose, "unknown scenario '%s'%s%s%s", name,
					    near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
			break;
		}
		int dup = 0;
		for (size_t i = 0; i < *n; i++)
			dup |= out[i] == s;
		if (!dup && *n < MAX_SCENARIOS)
			out[(*n)++] = s;
	}
	free(copy);
	return rc;
}

static char *options_json(const bb_opts *o, const bb_diag_defaults *d, const bb_env_plan *env)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "backends", bb_opt_str(o, "backends", NULL));
	bb_jw_kv_string(&w, "scenarios", bb_opt_str(o, "scenarios", "all"));
	bb_jw_kv_int(&w, "threads", d->threads);
	bb_jw_kv_string(&w, "omp", d->omp);
	if (d->omp2)
		bb_jw_kv_string(&w, "omp2", d->omp2);
	bb_jw_kv_int(&w, "size", d->n);
	bb_jw_kv_int(&w, "kernel_size", d->kernel_n);
	bb_jw_kv_int(&w, "rounds", d->rounds);
	bb_jw_kv_double(&w, "block", d->block_s);
	bb_jw_kv_double(&w, "fork_timeout", d->fork_timeout_s);
	bb_env_plan_json(env, &w);
	bb_jw_object_end(&w);
	return bb_strbuf_detach(&sb, NULL);
}

static int cmd_diagnose(bb_opts *o)
{
	char err[512];
	const bb_scenario *scen[MAX_SCENARIOS];
	size_t n_scen;
	bb_diag_cmd cmdlibs = {0};
	if (o->nargs && bb_opt_str(o, "backends", NULL))
		return bb_usage_error(&bb_cmd_diagnose, "--backends and a command exclude each other: "
				      "with -- CMD the backends are the libraries CMD loaded");
	if (o->nargs) {
		char cerr[1024];
		int crc = bb_diag_cmd_inspect(o->args, &cmdlibs, cerr, sizeof(cerr));
		if (crc) {
			bb_error("%s", cerr);
			return crc;
		}
		fputs(cmdlibs.said, stderr);
		if (!cmdlibs.n) {
			bb_error("'%s' loaded no BLAS library: nothing to diagnose", o->args[0]);
			bb_diag_cmd_release(&cmdlibs);
			return BB_EXIT_FAILED;
		}
	}
	const char *scen_text = bb_opt_str(o, "scenarios", NULL);
	char *cmd_scen = NULL;
	if (o->nargs && !scen_text) /* what applies to what CMD loaded */
		scen_text = cmd_scen = bb_xasprintf("%s%s%s", cmdlibs.n > 1 ? "dual-pool," : "",
						    cmdlibs.omp ? "omp-handover,nested,fork," : "",
						    cmdlibs.n_omp > 1 ? "mixed-omp," : "");
	if (cmd_scen && !*cmd_scen)
		scen_text = "none";
	else if (cmd_scen)
		cmd_scen[strlen(cmd_scen) - 1] = 0;
	int bad_scen = parse_scenarios(scen_text, scen, &n_scen);
	free(cmd_scen);
	if (bad_scen) {
		bb_diag_cmd_release(&cmdlibs);
		return BB_EXIT_USAGE;
	}
	long ncpu = bb_cpus_allowed(); /* not the online CPUs: taskset, a CPU quota */
	bb_diag_ctx c = {.mitigate = !bb_opt_flag(o, "no-mitigations"), .progress = 1};
	bb_diag_defaults *d = &c.d;
	long threads, rounds;
	if (bb_opt_long(o, "threads", ncpu > 0 ? ncpu : 1, 1, 256, &threads) ||
	    bb_opt_long(o, "size", 0, 8, 8192, &d->n) ||
	    bb_opt_long(o, "kernel-size", 0, 64, 8192, &d->kernel_n) ||
	    bb_opt_long(o, "rounds", 3, 1, 50, &rounds))
		return BB_EXIT_USAGE;
	d->threads = (int)threads;
	d->rounds = (int)rounds;
	d->omp = bb_omp_canonical(bb_opt_str(o, "omp", cmdlibs.omp ? cmdlibs.omp : "gomp"));
	d->pair = cmdlibs.pair;
	d->pair_abi = cmdlibs.pair_abi;
	d->settle_s = 0.25;
	const bb_command *cmd = &bb_cmd_diagnose;
	if (bb_opt_positive(cmd, o, "block", "seconds", 0.2, 60, &d->block_s) ||
	    bb_opt_positive(cmd, o, "fork-timeout", "seconds", 5, 600, &d->fork_timeout_s) ||
	    bb_opt_positive(cmd, o, "timeout", "seconds", 120, 86400, &c.timeout))
		return BB_EXIT_USAGE;
	if (bb_omp_name_check(d->omp, err, sizeof(err)) || bb_omp_is_none(d->omp))
		return bb_usage_error(&bb_cmd_diagnose, "%s",
				      bb_omp_is_none(d->omp) ? "--omp needs a runtime (" BB_OMP_NAMES_HELP "): "
							       "the scenarios are about one"
							     : err);
	d->omp2 = bb_omp_canonical(bb_opt_str(o, "omp2", NULL));
	if (d->omp2 && (bb_omp_name_check(d->omp2, err, sizeof(err)) || bb_omp_is_none(d->omp2)))
		return bb_usage_error(cmd, "--omp2: %s", bb_omp_is_none(d->omp2) ? "mixed-omp needs a "
				      "second runtime (" BB_OMP_NAMES_HELP ")" : err);
	c.emit_dir = bb_opt_str(o, "emit-repro", NULL);
	char *cmd_line = o->nargs ? bb_command_line(o->nargs, o->args) : NULL;
	c.cmd = cmd_line ? cmd_line + strlen("blasbench ") : NULL; /* CMD, shell-quoted */
	/* before anything is measured: a directory that cannot take the programs is refused */
	if (c.emit_dir) {
		int bad = bb_mkdir_p(c.emit_dir, err, sizeof(err));
		if (!bad && access(c.emit_dir, W_OK)) {
			snprintf(err, sizeof(err), "%s", strerror(errno));
			bad = 1;
		}
		if (bad)
			return bb_usage_error(cmd, "cannot create or write to '%s' (--emit-repro): %s",
					      c.emit_dir, err);
	}
	bb_backend_spec *specs = NULL;
	size_t n_specs = 0;
	const char *backends = bb_opt_str(o, "backends", NULL);
	if (cmdlibs.n) {
		specs = cmdlibs.specs; /* taken: freed with the other specs */
		n_specs = cmdlibs.n;
		cmdlibs.specs = NULL;
		cmdlibs.n = 0;
	} else if (backends ? bb_spec_parse_list(backends, &specs, &n_specs, err, sizeof(err))
		     : bb_default_specs(&specs, &n_specs))
		return bb_usage_error(&bb_cmd_diagnose, "%s",
				      backends ? err : "no backend installed; name one with --backends");
	/* every program --emit-repro could write, checked before anything is measured: none may
	 * replace a database (--db is protected already) */
	for (size_t i = 0; c.emit_dir && i < n_specs; i++)
		for (size_t k = 0; k <= n_scen; k++) {
			const char *name = k < n_scen ? scen[k]->name : "kernel-selection";
			char *p = bb_repro_path(c.emit_dir, name, specs[i].alias);
			int refused = bb_output_check(p, err, sizeof(err));
			free(p);
			if (refused) {
				bb_spec_list_free(specs, n_specs);
				return bb_usage_error(cmd, "%s", err);
			}
		}
	int json = bb_opt_flag(o, "json");
	const char *db_path = bb_opt_db(o);

	/* the scenarios set the thread variables themselves; the rest is said once, up front */
	bb_env_plan env;
	bb_env_plan_build(specs, n_specs, d->threads, bb_opt_flag(o, "clean-env"), &env);
	bb_worker_clean_env = env.clean;
	bb_env_plan_warn(&env, stderr);
	int rc = BB_EXIT_INTERNAL;
	char *command = bb_command_line(o->argc, o->argv), *opts = options_json(o, d, &env);
	bb_env_plan_release(&env);
	if (bb_db_open(db_path, &c.db, err, sizeof(err))) {
		rc = bb_input_error("%s", err);
		goto done;
	}
	int label_rc = bb_db_label_check(c.db, bb_opt_str(o, "label", NULL), err, sizeof(err));
	if (label_rc) {
		rc = label_rc > 0 ? bb_input_error("%s", err) : bb_internal_error("%s", err);
		goto done;
	}
	bb_peak peak;
	int64_t host_id;
	if (bb_host_record(c.db, json, &peak, &d->cores, &host_id))
		goto done;
	c.peak_core = bb_peak_best(&peak, 'd', 0);
	char *limits_json = NULL, *flags_json = NULL;
	bb_limits_header(specs, n_specs, json, &limits_json, &flags_json);
	free(limits_json);
	free(flags_json);
	bb_owner self;
	bb_owner_self(&self);
	bb_db_run_new rn = {host_id, bb_opt_str(o, "label", NULL), command, "diagnose", opts, BB_VERSION,
			    &self};
	if (bb_db_run_begin(c.db, &rn, &c.run_id, err, sizeof(err))) {
		bb_error("%s", err);
		goto done;
	}
	c.report.run_id = c.run_id;
	c.report.db_path = bb_xstrdup(db_path);
	c.steps = n_specs * n_scen;
	for (size_t k = 0; c.d.pair && k < n_scen; k++)
		c.steps -= (scen[k]->needs & BB_SCN_COPY) ? n_specs - 1 : 0;
	bb_worker_catch_signals();
	for (size_t i = 0; i < n_specs && !c.interrupted; i++) {
		/* -- CMD: dual-pool runs once, the first library beside the second */
		const bb_scenario *mine[MAX_SCENARIOS];
		size_t n_mine = 0;
		for (size_t k = 0; k < n_scen; k++)
			if (!(i > 0 && c.d.pair && (scen[k]->needs & BB_SCN_COPY)))
				mine[n_mine++] = scen[k];
		if (bb_diag_backend(&c, &specs[i], mine, n_mine) < 0)
			c.interrupted = 1;
	}
	/* what finished is committed already; only the run's status is missing */
	int status_lost = bb_db_run_set_status(c.db, c.run_id, c.interrupted ? "interrupted" : "complete",
					       err, sizeof(err)) != 0;
	if (status_lost)
		bb_error("%s", err);
	bb_diag_report_sort(&c.report);
	if (json) {
		bb_strbuf sb = BB_STRBUF_INIT;
		bb_diag_report_json(&c.report, &sb);
		printf("%s\n", sb.buf);
		bb_strbuf_release(&sb);
	} else {
		if (c.progress)
			fputc('\n', stderr);
		bb_diag_report_print(&c.report, stdout);
	}
	if (c.interrupted)
		fprintf(stderr, "interrupted: what finished is recorded in run %lld\n", (long long)c.run_id);
	rc = c.interrupted ? BB_EXIT_INTERRUPTED : status_lost ? BB_EXIT_INTERNAL : c.failed ? BB_EXIT_FAILED : BB_EXIT_OK;
done:
	free(cmd_line);
	bb_diag_cmd_release(&cmdlibs);
	bb_diag_report_release(&c.report);
	if (c.db)
		bb_db_close(c.db);
	bb_spec_list_free(specs, n_specs);
	free(command);
	free(opts);
	return rc;
}

/* The scenarios (workloads/scenarios.def) and the mitigations (harness/diagnose/mitigations.def)
 * for the help; the README's copy is checked against this by tests/harness/test_readme.sh. */
static void diagnose_help_tables(FILE *out)
{
	int width = 0;
	for (size_t i = 0; i < bb_scenario_count(); i++)
		if ((int)strlen(bb_scenario_at(i)->name) > width)
			width = (int)strlen(bb_scenario_at(i)->name);
	for (size_t i = 0; i < bb_mitigation_count(); i++)
		if ((int)strlen(bb_mitigation_name(i)) > width)
			width = (int)strlen(bb_mitigation_name(i));
	fputs("\nscenarios (--scenarios), each with the mitigations it is re-run with:\n", out);
	for (size_t i = 0; i < bb_scenario_count(); i++) {
		const bb_scenario *s = bb_scenario_at(i);
		bb_strbuf sb = BB_STRBUF_INIT;
		bb_strbuf_addf(&sb, "%s (%s)", s->summary, s->reference);
		if (*s->mitigations)
			bb_strbuf_addf(&sb, "; tries ");
		for (const char *m = s->mitigations; *m; m++) /* "a,b" as "a, b" */
			bb_strbuf_addf(&sb, "%.*s%c", *m == ',', ",", *m == ',' ? ' ' : *m);
		char *text = bb_strbuf_detach(&sb, NULL);
		bb_help_item(out, s->name, width, text);
		free(text);
	}
	fputs("\nmitigations:\n", out);
	for (size_t i = 0; i < bb_mitigation_count(); i++) {
		const char *name = bb_mitigation_name(i), *var, *value;
		char *text = bb_mitigation_env(name, &var, &value)
				     ? bb_xasprintf("%s=%s: %s", var, value, bb_mitigation_summary(name))
				     : bb_xstrdup(bb_mitigation_summary(name));
		bb_help_item(out, name, width, text);
		free(text);
	}
}

static const bb_option diagnose_options[] = {
	{"backends", 'b', "B", "backend specs, comma-separated (" BB_SPEC_SYNTAX
			       "; default: one of each family installed)"},
	{"scenarios", 'S', "S", "scenarios, comma-separated, from the list above; all (default); none (probe flags only)"},
	{"threads", 't', "N", "cores the scenarios use: BLAS threads and OpenMP team size (default: all)"},
	{"omp", 0, "R", "the application's OpenMP runtime (default gomp): " BB_OMP_NAMES_HELP},
	{"omp2", 0, "R", "mixed-omp's second runtime (default: llvm, or gomp when --omp is llvm); "
			 "intel next to llvm is the 'OMP: Error #15' case"},
	{"size", 0, "N", "dgemm size of the threading scenarios (default: 64 for dual-pool, 256 for the others)"},
	{"kernel-size", 0, "N", "dgemm size of kernel-selection (default 1000)"},
	{"rounds", 0, "R", "baseline/pathology block pairs per scenario (default 3)"},
	{"block", 0, "SEC", "time of one measured block (default 0.2)"},
	{"fork-timeout", 0, "SEC", "a forked child not done by then is hung (default 5)"},
	{"timeout", 0, "SEC", "a scenario's worker is killed after SEC seconds (default 120)"},
	{"no-mitigations", 0, NULL, "measure the pathologies only, do not re-run them with mitigations"},
	{"emit-repro", 0, "DIR",
	 "write a C program reproducing each finding into DIR (never over a database)"},
	{"label", 'l', "L", "a label for the run, not used by another run in the database"},
	{"clean-env", 0, NULL, "drop the inherited variables the libraries read in the workers (their defaults)"},
	{"json", 0, NULL, "print the findings as JSON"},
	{0},
};

const bb_command bb_cmd_diagnose = {
	.name = "diagnose",
	.fn = cmd_diagnose,
	.flags = BB_CMD_DB | BB_CMD_PYTHON,
	.options = diagnose_options,
	.args_usage = "[-- CMD [ARGS...]]",
	.max_args = -1,
	.summary = "reproduce and explain threading pathologies; say which mitigation works",
	.description =
		"Each scenario runs in its own worker and measures, in that one process, a clean\n"
		"baseline and the pathological arrangement of the same work in alternating blocks.\n"
		"A slowdown whose 95% CI clears 1.25x (or a hung child) is a finding; it is re-run\n"
		"with each mitigation its scenario lists and the findings say which one helps and by\n"
		"how much.  The probes alone flag two OpenMP runtimes or the same library twice in a\n"
		"stack, pthreads and OpenMP layers mixed, a LAPACK bound to another BLAS and a thread\n"
		"count that did not take.  Every measurement is a cell of a run of kind 'diagnose'\n"
		"('blasbench report RUN --html F' charts it).\n"
		"With -- CMD, the backends are the BLAS files CMD loaded (as `inspect` finds them),\n"
		"named after the wheel each came from; --omp defaults to the OpenMP runtime CMD\n"
		"loaded; dual-pool runs the first file beside the second (their shared-copy\n"
		"mitigation only where their ABIs agree), and the scenarios default to those that\n"
		"apply: dual-pool with two BLAS, omp-handover, nested and fork with a runtime,\n"
		"mixed-omp with two.  A CMD not found exits 127, one not executable 126.\n"
		"Exit code: 0 when everything could be measured (findings or not), 1 when a\n"
		"backend or a scenario could not (the rest as in 'blasbench help': exit codes).",
	.help_tables = diagnose_help_tables,
};
