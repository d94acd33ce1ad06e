/*
 * `blasbench info [--json] [--no-peak] [--peak-seconds S]`: the host as blasbench sees it:
 * CPU and ISA features, topology and caches (hwloc), OS and clock, counters available (PAPI
 * components, perf_event), the kernel level blasbench's own kernels would use, and the
 * measured peak FLOP/s per ISA level, double and single, one core and all cores, and the
 * inherited variables the installed catalog libraries read (read from their files, not loaded).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/catalog.h"
#include "backends/spec.h"
#include "common/error.h"
#include "common/json.h"
#include "common/number.h"
#include "harness/cli/command.h"
#include "harness/host/host.h"
#include "harness/host/peak/peak.h"
#include "harness/plan/env_plan.h"
#include "kernels/cpu_features.h"
#include "kernels/isa.h"

static int cmd_info(bb_opts *o)
{
	int json = bb_opt_flag(o, "json");
	int peak_wanted = !bb_opt_flag(o, "no-peak");
	double seconds = 0;
	const char *s = bb_opt_str(o, "peak-seconds", NULL);
	if (s) {
		char why[160];
		if (bb_parse_double(s, strlen(s), 0, 10, 0, &seconds, why, sizeof(why)))
			return bb_usage_error(&bb_cmd_info, "--peak-seconds takes a number of seconds "
							    "above 0 and at most 10, not '%s'", s);
	}

	bb_host host;
	int rc = bb_host_probe(&host);
	bb_cpu_features f;
	bb_cpu_features_detect(&f);
	char features[512];
	bb_cpu_features_str(&f, features, sizeof(features));
	bb_isa isa;
	char why[256];
	int isa_ok = bb_isa_select(&isa, why, sizeof(why)) == 0;

	/* what this process would hand every catalog library installed here */
	bb_backend_spec *specs = bb_xcalloc(bb_catalog_count(), sizeof(*specs));
	size_t n_specs = 0;
	for (size_t i = 0; i < bb_catalog_count(); i++)
		if (bb_catalog_installed(bb_catalog_at(i)) &&
		    bb_spec_parse(bb_catalog_at(i)->name, &specs[n_specs], why, sizeof(why)) == 0)
			n_specs++;
	bb_env_plan env;
	bb_env_plan_build(specs, n_specs, 0, 0, &env);
	bb_spec_list_free(specs, n_specs);

	bb_peak peak;
	int have_peak = 0;
	char disturbed[768] = "";
	if (peak_wanted) {
		if (!json && isatty(STDERR_FILENO))
			fprintf(stderr, "measuring peak FLOP/s...\r");
		have_peak = bb_peak_measure(&peak, host.cores, seconds) == 0;
		if (have_peak)
			peak.undisturbed = !bb_peak_judge(&peak, NULL, disturbed, sizeof(disturbed));
		if (!json && isatty(STDERR_FILENO))
			fprintf(stderr, "%30s\r", "");
	}

	if (json) {
		bb_strbuf sb = BB_STRBUF_INIT;
		bb_json_writer w;
		bb_jw_init(&w, &sb, 1);
		bb_jw_object_begin(&w);
		bb_host_to_json(&host, &w);
		bb_jw_kv_string(&w, "isa_features", features);
		bb_jw_kv_string(&w, "kernel_level", isa_ok ? bb_isa_name(isa) : NULL);
		bb_jw_kv_string(&w, "kernel_level_reason", why);
		bb_jw_key(&w, "inherited_env");
		bb_jw_object_begin(&w);
		for (size_t i = 0; i < env.n; i++)
			bb_jw_kv_string(&w, env.vars[i].name, env.vars[i].value);
		bb_jw_object_end(&w);
		bb_jw_key(&w, "inherited_env_read_by");
		bb_jw_object_begin(&w);
		for (size_t i = 0; i < env.n; i++)
			bb_jw_kv_string(&w, env.vars[i].name, env.readers[i]);
		bb_jw_object_end(&w);
		bb_jw_key(&w, "peak_gflops");
		if (have_peak)
			bb_peak_to_json(&peak, &w);
		else
			bb_jw_null(&w);
		bb_jw_kv_string(&w, "peak_disturbed", *disturbed ? disturbed : NULL);
		bb_jw_object_end(&w);
		printf("%s\n", sb.buf);
		bb_strbuf_release(&sb);
	} else {
		bb_host_print(&host, stdout);
		printf("\nISA features:  %s\n", features);
		printf("kernel level:  %s\n", why);
		printf("\ninherited environment read by the installed libraries:%s\n",
		       env.n ? "" : " none");
		for (size_t i = 0; i < env.n; i++)
			printf("  %s=%s (read by %s)\n", env.vars[i].name, env.vars[i].value,
			       env.readers[i]);
		if (env.n)
			printf("  kept by run, suite, list and diagnose; --clean-env drops them\n");
		if (have_peak) {
			printf("\nmeasured peak (GFLOP/s, FMA-throughput loop):\n");
			bb_peak_print(&peak, stdout);
			if (*disturbed)
				printf("disturbed: %s\n(these figures are too low: measure again on a "
				       "quieter machine)\n", disturbed);
		} else if (peak_wanted) {
			printf("\nmeasured peak: not available (see the error above)\n");
		}
	}
	bb_host_release(&host);
	bb_env_plan_release(&env);
	if (!isa_ok)
		bb_error("%s", why);
	return rc || !isa_ok || (peak_wanted && !have_peak) ? BB_EXIT_FAILED : BB_EXIT_OK;
}

static const bb_option info_options[] = {
	{"json", 0, NULL, "print the host record as JSON"},
	{"no-peak", 0, NULL, "skip the peak FLOP/s measurement (about 2 s)"},
	{"peak-seconds", 0, "S", "length of one timed peak run (default 0.05)"},
	{0},
};

const bb_command bb_cmd_info = {
	.name = "info",
	.fn = cmd_info,
	.options = info_options,
	.max_args = 0,
	.summary = "host: topology, ISA, measured peak FLOP/s, counters available",
	.description =
		"The peak is the best rate of an FMA-throughput loop per ISA level (avx512, avx2,\n"
		"generic C), double and single precision, on one core and on all cores together;\n"
		"results elsewhere are given as a percentage of it.  Each figure is the best of 5\n"
		"timed runs; their spread (min..median..max) and the CPU time the hypervisor stole\n"
		"and other processes used meanwhile are shown, and a measurement whose spread or\n"
		"all-core scaling shows it was disturbed says so.  BLASBENCH_KERNEL=avx2|avx512|\n"
		"generic forces the level blasbench's own kernels use.\n"
		"Also listed: the variables set in this environment that the installed libraries\n"
		"read (found in their files' strings, plus the loader's and the families' prefixes).",
};
