/*
 * `blasbench list [--backends B] [--threads N] [--clean-env] [--json]`: every catalog backend
 * installed here (or those named), each loaded and probed in its own worker, one line each,
 * then the inherited variables each one reads; --json prints the whole probed records.  A backend that cannot be probed gets a one-line error naming the spec
 * and the reason; the others are still listed and the exit code is 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/catalog.h"
#include "backends/spec.h"
#include "build_config.h"
#include "common/error.h"
#include "common/json.h"
#include "harness/cli/command.h"
#include "harness/host/limits.h"
#include "harness/worker/probe_client.h"
#include "harness/worker/worker.h"
#include "reports/table.h"

typedef struct listed {
	bb_backend_spec spec;
	bb_json *record; /* NULL if probing failed */
	bb_strbuf why;
} listed;

/* Paths are long: drop the system library directory the catalog names are relative to. */
static const char *short_path(const char *p)
{
	size_t n = strlen(BB_MULTIARCH_LIBDIR);
	if (p && !strncmp(p, BB_MULTIARCH_LIBDIR, n) && p[n] == '/')
		return p + n + 1;
	return p;
}

/* The CPUs this process may use, and each backend whose default pool is larger. */
static void print_pool_flags(listed *items, size_t n)
{
	bb_limits l;
	char line[512];
	bb_limits_probe(&l);
	printf("\nCPUs this process may use: %s\n", bb_limits_summary(&l, line, sizeof(line)));
	for (size_t i = 0; i < n; i++) {
		const char *flag = bb_json_str(bb_json_get(items[i].record, "threads_flag"), NULL);
		if (flag)
			printf("warning: %s %s\n", items[i].spec.alias, flag);
	}
}

static void print_table(listed *items, size_t n)
{
	bb_table t;
	bb_table_init(&t, (const char *[]){"BACKEND", "VERSION", "KERNEL", "THREADING", "INT",
					   "COMPLEX", "OPENMP", "THREADS", "LAPACK -> BLAS", NULL});
	for (size_t i = 0; i < n; i++) {
		const bb_json *r = items[i].record;
		if (!r)
			continue;
		const bb_json *abi = bb_json_get(r, "abi"), *th = bb_json_get(r, "threads");
		const char *version = bb_json_str(bb_json_get(r, "version"), NULL);
		char lapack_only[48];
		if (!version && bb_json_str(bb_json_get(r, "lapack_version"), NULL)) {
			snprintf(lapack_only, sizeof(lapack_only), "LAPACK %s",
				 bb_json_str(bb_json_get(r, "lapack_version"), ""));
			version = lapack_only;
		}
		char threads[32];
		long long eff = bb_json_int(bb_json_get(th, "effective"), 0);
		long long req = bb_json_int(bb_json_get(th, "requested"), 0);
		if (!eff)
			snprintf(threads, sizeof(threads), "?");
		else if (req && eff != req)
			snprintf(threads, sizeof(threads), "%lld (asked %lld)", eff, req);
		else
			snprintf(threads, sizeof(threads), "%lld", eff);
		/* how zdotc returns, in a word: "registers" or "hidden" (argument) */
		const char *cret = bb_json_str(bb_json_get(abi, "complex_return"), NULL);
		char complex_ret[16];
		if (cret)
			snprintf(complex_ret, sizeof(complex_ret), "%.*s", (int)strcspn(cret, " "), cret);
		const char *lapack = bb_json_str(bb_json_get(r, "lapack_blas"), NULL);
		int has_lapack = bb_json_bool(bb_json_get(abi, "lapack"), 0);
		/* a layered LAPACK: "flame -> blis-pthread/libblis.so.4" (the layer, then the BLAS
		 * its calls were bound to) */
		const char *layer = bb_json_str(bb_json_get(r, "lapack_layer"), NULL);
		char layered[600];
		if (has_lapack && layer) {
			snprintf(layered, sizeof(layered), "%s -> %s",
				 strchr(layer, '/') ? short_path(layer) : layer,
				 lapack ? short_path(lapack) : "?");
			lapack = layered;
		} else if (has_lapack) {
			lapack = lapack ? short_path(lapack) : NULL;
		}
		bb_table_row(&t, (const char *[]){
					 bb_json_str(bb_json_get(r, "alias"), "?"),
					 version,
					 bb_json_str(bb_json_get(r, "kernel"), NULL),
					 bb_json_str(bb_json_get(th, "layer"), NULL),
					 bb_json_str(bb_json_get(abi, "integer"), NULL),
					 cret ? complex_ret : NULL,
					 bb_json_str(bb_json_get(r, "omp_runtime"), NULL),
					 threads,
					 has_lapack ? lapack : "no LAPACK",
				 });
	}
	bb_table_print(&t, stdout);
	bb_table_release(&t);
	/* what the process brought with it and the stack reads, kept or dropped (--clean-env) */
	for (size_t i = 0; i < n; i++) {
		const bb_json *r = items[i].record;
		const char *what[] = {"inherited_env", "dropped_env"};
		const char *how[] = {"inherited: %s: %s (kept: the library sees it; --clean-env drops it)\n",
				     "inherited: %s: %s (dropped: --clean-env)\n"};
		for (size_t k = 0; k < 2; k++) {
			const bb_json *env = bb_json_get(r, what[k]);
			if (!env || env->type != BB_JSON_OBJECT || !env->n)
				continue;
			bb_strbuf sb = BB_STRBUF_INIT;
			for (size_t v = 0; v < env->n; v++)
				bb_strbuf_addf(&sb, "%s%s=%s", v ? ", " : "", env->keys[v],
					       bb_json_str(env->items[v], ""));
			printf(how[k], items[i].spec.alias, sb.buf);
			bb_strbuf_release(&sb);
		}
	}
	print_pool_flags(items, n);
	/* what the probes could not tell or found odd */
	for (size_t i = 0; i < n; i++) {
		const bb_json *notes = bb_json_get(items[i].record, "notes");
		for (size_t k = 0; k < bb_json_len(notes); k++)
			printf("note: %s: %s\n", items[i].spec.alias, bb_json_str(bb_json_at(notes, k), ""));
	}
}

static void print_json(listed *items, size_t n, const char *const *missing, size_t n_missing)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 1);
	bb_jw_object_begin(&w);
	bb_jw_key(&w, "backends");
	bb_jw_array_begin(&w);
	for (size_t i = 0; i < n; i++) {
		if (items[i].record) {
			bb_jw_value(&w, items[i].record);
		} else {
			bb_jw_object_begin(&w);
			bb_jw_kv_string(&w, "spec", items[i].spec.text);
			bb_jw_kv_string(&w, "alias", items[i].spec.alias);
			bb_jw_kv_string(&w, "error", items[i].why.buf);
			bb_jw_object_end(&w);
		}
	}
	bb_jw_array_end(&w);
	bb_jw_key(&w, "not_installed");
	bb_jw_array_begin(&w);
	for (size_t i = 0; i < n_missing; i++)
		bb_jw_string(&w, missing[i]);
	bb_jw_array_end(&w);
	bb_limits l;
	bb_limits_probe(&l);
	bb_jw_key(&w, "limits");
	bb_limits_to_json(&l, &w);
	bb_jw_object_end(&w);
	printf("%s\n", sb.buf);
	bb_strbuf_release(&sb);
}

static int cmd_list(bb_opts *o)
{
	const char *backends = bb_opt_str(o, "backends", NULL);
	long threads_l, timeout_l;
	if (bb_opt_long(o, "threads", bb_cpus_allowed(), 0, 4096, &threads_l) ||
	    bb_opt_long(o, "timeout", (long)BB_PROBE_TIMEOUT_DEFAULT, 1, 86400, &timeout_l))
		return BB_EXIT_USAGE;
	int threads = (int)threads_l;
	double timeout = (double)timeout_l;
	int json = bb_opt_flag(o, "json");
	bb_worker_clean_env = bb_opt_flag(o, "clean-env");

	bb_backend_spec *specs = NULL;
	size_t n = 0;
	const char *missing[64];
	size_t n_missing = 0;
	char err[512];
	if (backends) {
		if (bb_spec_parse_list(backends, &specs, &n, err, sizeof(err)))
			return bb_usage_error(&bb_cmd_list, "%s", err);
	} else {
		specs = bb_xcalloc(bb_catalog_count(), sizeof(*specs));
		for (size_t i = 0; i < bb_catalog_count(); i++) {
			const bb_catalog_entry *e = bb_catalog_at(i);
			if (!bb_catalog_installed(e)) {
				if (n_missing < 64)
					missing[n_missing++] = e->name;
				continue;
			}
			if (bb_spec_parse(e->name, &specs[n], err, sizeof(err)) == 0)
				n++;
		}
	}

	listed *items = bb_xcalloc(n, sizeof(listed));
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		items[i].spec = specs[i];
		bb_strbuf_init(&items[i].why);
		if (!json && isatty(STDERR_FILENO))
			fprintf(stderr, "\rprobing %zu/%zu: %-40.40s", i + 1, n, specs[i].text);
		if (bb_probe_in_worker(&specs[i], threads, timeout, &items[i].record, &items[i].why))
			failed++;
	}
	if (!json && isatty(STDERR_FILENO))
		fprintf(stderr, "\r%60s\r", "");

	for (size_t i = 0; i < n; i++)
		if (!items[i].record)
			bb_error("backend '%s': %s", items[i].spec.text, items[i].why.buf);
	if (json) {
		print_json(items, n, missing, n_missing);
	} else {
		print_table(items, n);
		if (n_missing) {
			printf("\nnot installed:");
			for (size_t i = 0; i < n_missing; i++)
				printf(" %s", missing[i]);
			printf("\n");
		}
	}
	for (size_t i = 0; i < n; i++) {
		bb_json_free(items[i].record);
		bb_strbuf_release(&items[i].why);
	}
	free(items);
	bb_spec_list_free(specs, n);
	return failed ? BB_EXIT_FAILED : BB_EXIT_OK;
}

static const bb_option list_options[] = {
	{"backends", 'b', "B", "comma-separated backend specs (" BB_SPEC_SYNTAX
			       "); default: all installed"},
	{"threads", 't', "N", "thread count to set through each backend's API before reading it back (default: the CPUs this process may use; 0: leave default)"},
	{"timeout", 0, "SEC", "seconds a backend may take to load and be probed (default 60)"},
	{"clean-env", 0, NULL, "drop the inherited variables each library reads before loading it (its default configuration)"},
	{"json", 0, NULL, "print the whole probed records as JSON"},
	{0},
};

const bb_command bb_cmd_list = {
	.name = "list",
	.fn = cmd_list,
	.options = list_options,
	.max_args = 0,
	.summary = "backends found on this machine, loaded and probed",
	.description =
		"Each backend is loaded in its own worker process and probed by behaviour: symbol\n"
		"naming, LP64/ILP64, return conventions, CBLAS/LAPACK, version, kernel, threading\n"
		"layer and the effective thread count, the shared objects it pulled in, and which\n"
		"BLAS its LAPACK resolved to.  Properties a probe cannot tell are shown as '-'.\n"
		"Backend specs: a catalog name (openblas, openblas-openmp, openblas64, blis, flame,\n"
		"atlas, netlib, system, mkl, ref ...), a path to a shared library, an alias\n"
		"(new=/opt/ob/libopenblas.so) and environment set before loading\n"
		"(skx=openblas+OPENBLAS_CORETYPE=SkylakeX), and a LAPACK put on a chosen BLAS\n"
		"(blis+lapack=flame, blis+lapack=netlib, blis+lapack=none; BLIS gets libflame unless\n"
		"told otherwise): LAPACK -> BLAS then shows the layer and the BLAS its calls reach.\n"
		"Variables inherited from the environment that a backend's libraries read are kept\n"
		"(that is what programs get) and listed after the table; --clean-env drops them.\n"
		"Wheels (scipy-openblas32, scipy-openblas64, numpy-vendored, scipy-vendored, mkl)\n"
		"are found in the Python environment: --python PATH, else $VIRTUAL_ENV, else\n"
		"$CONDA_PREFIX.",
	.flags = BB_CMD_PYTHON,
};
