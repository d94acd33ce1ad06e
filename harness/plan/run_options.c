/*
 * Turning `run`/`suite` options into an engine plan (see run_options.h).  Every bad value is
 * reported before anything runs, naming the option and what it takes.
 */
#include "harness/plan/run_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/catalog.h"
#include "backends/omp_runtime.h"
#include "common/error.h"
#include "common/number.h"
#include "common/json.h"
#include "harness/host/limits.h"
#include "harness/host/topology.h"

/* Thread counts above the cores are allowed (oversubscription is one of the things measured)
 * up to this many. */
enum { MAX_THREADS = 256 };

/* What "all" threads means: the host's cores (hwloc's, else the online CPUs), but never more
 * than the CPUs this process may use (affinity, cgroup quota and cpuset): under taskset or in
 * a container sized below the host, "all" is what the process can run, as the engine counts
 * it for the oversubscription mark. */
static int host_cores(void)
{
	int cores = bb_topology_cores(NULL, 0), allowed = bb_cpus_allowed();
	return allowed < cores ? allowed : cores;
}

/* "1,all,2xall" -> {1, cores, 2*cores}, duplicates removed.  On failure *out is NULL and *n 0:
 * the plan that holds them is released afterwards, and must not free them again. */
static int parse_threads(const char *text, int **out, size_t *n, char *err, size_t errlen)
{
	int cores = host_cores();
	*out = NULL;
	*n = 0;
	const char *p = text;
	while (*p) {
		size_t len = strcspn(p, ",");
		char item[32];
		/* an item too long for item[] is refused, shown cut: its cut prefix could read as a
		 * count ("0000...0001x" as 1) */
		int too_long = len >= sizeof(item);
		if (too_long)
			snprintf(item, sizeof(item), "%.24s...", p);
		else
			snprintf(item, sizeof(item), "%.*s", (int)len, p);
		int v = 0;
		long l;
		char why[160];
		if (!strcmp(item, "all"))
			v = cores;
		else if (!strcmp(item, "2xall"))
			v = 2 * cores;
		else {
			if (bb_parse_long(p, len, 1, MAX_THREADS, 0, &l, why, sizeof(why))) {
				snprintf(err, errlen, "--threads takes counts from 1 to %d, 'all' or '2xall', not '%s'",
					 MAX_THREADS, item);
				free(*out);
				*out = NULL;
				*n = 0;
				return -1;
			}
			v = (int)l;
		}
		int dup = 0;
		for (size_t i = 0; i < *n; i++)
			dup |= (*out)[i] == v;
		if (!dup) {
			*out = bb_xrealloc(*out, (*n + 1) * sizeof(int));
			(*out)[(*n)++] = v;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (!*n) {
		snprintf(err, errlen, "--threads needs at least one count");
		return -1;
	}
	return 0;
}

/* "none,gomp,llvm,/path/libomp.so" -> each checked by name (a path is tried by the worker),
 * duplicates removed; "none" is a runtime like the others (the cells without one). */
static int parse_omps(const char *text, char ***out, size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, ",");
		char *item = bb_xasprintf("%.*s", (int)len, p);
		p += len + (p[len] == ',');
		char why[256];
		if (!*item || bb_omp_name_check(item, why, sizeof(why))) {
			snprintf(err, errlen, "--omp: %s", *item ? why : "empty item in the list");
			free(item);
			return -1;
		}
		char *canonical = bb_xstrdup(bb_omp_canonical(item)); /* iomp is filed as intel */
		free(item);
		item = canonical;
		int dup = 0;
		for (size_t i = 0; i < *n; i++)
			dup |= !strcmp((*out)[i], item);
		if (dup) {
			free(item);
			continue;
		}
		*out = bb_xrealloc(*out, (*n + 1) * sizeof(char *));
		(*out)[(*n)++] = item;
	}
	if (!*n) {
		snprintf(err, errlen, "--omp needs at least one runtime (%s)", bb_omp_names());
		return -1;
	}
	return 0;
}

int bb_default_specs(bb_backend_spec **specs, size_t *n)
{
	char err[256];
	*specs = bb_xcalloc(bb_catalog_count(), sizeof(bb_backend_spec));
	*n = 0;
	for (size_t i = 0; i < bb_catalog_count(); i++) {
		const bb_catalog_entry *e = bb_catalog_at(i);
		if ((e->flags & BB_CAT_DEFAULT) && bb_catalog_installed(e) &&
		    bb_spec_parse(e->name, &(*specs)[*n], err, sizeof(err)) == 0)
			(*n)++;
	}
	return *n ? 0 : -1;
}

int bb_run_plan_build(const bb_command *cmd, const bb_opts *o, const char *workloads,
		      const char *threads_default, double budget_default, double target_default,
		      int passes_default, const char *kind, bb_run_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	char err[512];
	const char *backends = bb_opt_str(o, "backends", NULL);
	if (backends) {
		if (bb_spec_parse_list(backends, &plan->specs, &plan->n_specs, err, sizeof(err)))
			return bb_usage_error(cmd, "%s", err);
	} else if (bb_default_specs(&plan->specs, &plan->n_specs)) {
		return bb_usage_error(cmd, "no backend installed; name one with --backends");
	}
	const char *sizes = bb_opt_str(o, "sizes", NULL);
	if (bb_workload_specs_expand(workloads, sizes, &plan->cells, &plan->n_cells, err, sizeof(err)))
		return bb_usage_error(cmd, "%s", err);
	if (!plan->n_cells)
		return bb_usage_error(cmd, "no workloads to run");
	const char *threads = bb_opt_str(o, "threads", threads_default);
	if (parse_threads(threads, &plan->threads, &plan->n_threads, err, sizeof(err)))
		return bb_usage_error(cmd, "%s", err);
	const char *omp = bb_opt_str(o, "omp", NULL);
	if (omp && parse_omps(omp, &plan->omps, &plan->n_omps, err, sizeof(err)))
		return bb_usage_error(cmd, "%s", err);

	bb_engine_opts *eo = &plan->eo;
	bb_measure_opts_default(&eo->measure);
	double target_pct;
	if (bb_opt_positive(cmd, o, "budget", "a number", budget_default, 3600, &eo->measure.budget_s) ||
	    bb_opt_positive(cmd, o, "target", "a number", target_default * 100, 100, &target_pct) ||
	    bb_opt_positive(cmd, o, "timeout", "a number", 120, 86400, &eo->cell_timeout))
		return BB_EXIT_USAGE;
	eo->measure.target_rel = target_pct / 100;
	long passes;
	if (bb_opt_long(o, "passes", passes_default, 1, BB_ENGINE_MAX_PASSES, &passes))
		return BB_EXIT_USAGE;
	eo->passes = (int)passes;
	double half_ram = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGE_SIZE) / 2;
	double gib;
	if (bb_opt_positive(cmd, o, "max-memory", "a number", half_ram / (1 << 30), 1 << 20, &gib))
		return BB_EXIT_USAGE;
	eo->max_memory = gib * (1 << 30);

	eo->db_path = bb_opt_db(o);
	eo->kind = kind;
	eo->label = bb_opt_str(o, "label", NULL);
	eo->json = bb_opt_flag(o, "json");
	eo->specs = plan->specs;
	eo->n_specs = plan->n_specs;
	eo->cells = plan->cells;
	eo->n_cells = plan->n_cells;
	eo->threads = plan->threads;
	eo->n_threads = plan->n_threads;
	eo->omps = (const char *const *)plan->omps;
	eo->n_omps = plan->n_omps;

	/* blasbench sets the thread variables itself: they are not inherited */
	bb_env_plan_build(plan->specs, plan->n_specs, 1, bb_opt_flag(o, "clean-env"), &plan->env);
	eo->env = &plan->env;

	/* what --resume needs to plan the same cells again */
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_key(&w, "backends");
	bb_jw_array_begin(&w);
	for (size_t i = 0; i < plan->n_specs; i++)
		bb_jw_string(&w, plan->specs[i].text);
	bb_jw_array_end(&w);
	bb_jw_kv_string(&w, "workloads", workloads);
	bb_jw_kv_string(&w, "sizes", sizes);
	bb_jw_kv_string(&w, "threads", threads);
	bb_jw_kv_string(&w, "omp", omp);
	bb_jw_kv_double(&w, "budget", eo->measure.budget_s);
	bb_jw_kv_double(&w, "target", eo->measure.target_rel);
	bb_jw_kv_double(&w, "timeout", eo->cell_timeout);
	bb_jw_kv_int(&w, "passes", eo->passes);
	bb_jw_kv_double(&w, "max_memory", eo->max_memory);
	bb_env_plan_json(&plan->env, &w);
	bb_jw_object_end(&w);
	plan->options_json = bb_strbuf_detach(&sb, NULL);
	eo->options_json = plan->options_json;
	return 0;
}

void bb_run_plan_release(bb_run_plan *plan)
{
	bb_spec_list_free(plan->specs, plan->n_specs);
	free(plan->cells);
	free(plan->threads);
	for (size_t i = 0; i < plan->n_omps; i++)
		free(plan->omps[i]);
	free(plan->omps);
	free(plan->options_json);
	free(plan->command);
	bb_env_plan_release(&plan->env);
	memset(plan, 0, sizeof(*plan));
}

char *bb_command_line(int argc, char **argv)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_strbuf_adds(&sb, "blasbench");
	for (int i = 0; i < argc; i++) {
		int plain = argv[i][0] && strspn(argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
							  "0123456789-_=.,:/+") == strlen(argv[i]);
		if (plain) {
			bb_strbuf_addf(&sb, " %s", argv[i]);
		} else {
			bb_strbuf_adds(&sb, " '");
			for (const char *p = argv[i]; *p; p++)
				if (*p == '\'')
					bb_strbuf_adds(&sb, "'\\''");
				else
					bb_strbuf_addc(&sb, *p);
			bb_strbuf_addc(&sb, '\'');
		}
	}
	return bb_strbuf_detach(&sb, NULL);
}
