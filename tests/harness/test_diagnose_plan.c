/* The parts of `diagnose` that need no worker: every mitigation a scenario names exists and
 * applies as documented, kernel overrides follow the library version, outcomes are judged by
 * their CI, findings rank most severe first, and the probes' flags fire on synthetic records
 * (and stay quiet on a clean one). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/diagnose/diagnose_env.h"
#include "harness/diagnose/diagnose_findings.h"
#include "harness/diagnose/diagnose_plan.h"
#include "kernels/isa.h"
#include "test_util.h"

static void every_named_mitigation_exists(void)
{
	for (size_t i = 0; i < bb_scenario_count(); i++) {
		const bb_scenario *s = bb_scenario_at(i);
		char *copy = strdup(s->mitigations), *save = NULL;
		for (char *m = strtok_r(copy, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
			if (!bb_mitigation_known(m))
				fprintf(stderr, "  scenario %s names unknown mitigation '%s'\n", s->name, m);
			BB_CHECK(bb_mitigation_known(m));
		}
		free(copy);
		BB_CHECK(s->size > 0);
	}
}

static bb_json *parse(const char *text)
{
	char err[128];
	bb_json *j = bb_json_parse(text, strlen(text), err, sizeof(err));
	if (!j)
		fprintf(stderr, "  bad test JSON: %s\n", err);
	return j;
}

static void mitigations_apply(void)
{
	bb_diag_defaults d = {.threads = 2, .cores = 2, .omp = "gomp", .block_s = 0.1, .rounds = 2};
	bb_backend_spec spec;
	char err[256], why[256];
	BB_CHECK(bb_spec_parse("ob=openblas+X=1", &spec, err, sizeof(err)) == 0);
	bb_json *pthreads = parse("{\"family\":\"openblas\",\"threads\":{\"layer\":\"pthreads\"}}");
	bb_json *serial = parse("{\"family\":\"atlas\",\"threads\":{\"layer\":\"serial\"}}");

	bb_diag_job j;
	bb_diag_job_init(&j, bb_scenario_find("mixed-omp"), &spec, &d);
	BB_CHECK(!strcmp(j.omp, "gomp") && !strcmp(j.omp2, "llvm"));
	BB_CHECK_INT(j.n, bb_scenario_find("mixed-omp")->size);
	BB_CHECK(bb_diag_mitigate(&j, "passive", pthreads, why, sizeof(why)) == 0);
	BB_CHECK(!strcmp(j.spec, "ob=openblas+X=1+OMP_WAIT_POLICY=passive"));
	BB_CHECK(!strcmp(j.alias, "ob"));
	BB_CHECK(!strcmp(j.mitigation, "passive"));
	bb_diag_job_release(&j);

	bb_diag_job_init(&j, bb_scenario_find("fork"), &spec, &d);
	BB_CHECK(bb_diag_mitigate(&j, "llvm-runtime", pthreads, why, sizeof(why)) == 0);
	BB_CHECK(!strcmp(j.omp, "llvm"));
	BB_CHECK(bb_diag_mitigate(&j, "llvm-runtime", pthreads, why, sizeof(why)) == 1);
	bb_diag_job_release(&j);

	/* the OpenMP build keeps the alias and the environment; only catalog names have one */
	bb_diag_job_init(&j, bb_scenario_find("nested"), &spec, &d);
	int rc = bb_diag_mitigate(&j, "omp-flavour", pthreads, why, sizeof(why));
	if (rc == 0)
		BB_CHECK(!strcmp(j.spec, "openblas-openmp+X=1"));
	else
		BB_CHECK(strstr(why, "not installed") != NULL);
	BB_CHECK(!strcmp(j.alias, "ob"));
	bb_diag_job_release(&j);
	bb_backend_spec path;
	BB_CHECK(bb_spec_parse("/opt/x/libblas.so", &path, err, sizeof(err)) == 0);
	bb_diag_job_init(&j, bb_scenario_find("nested"), &path, &d);
	BB_CHECK(bb_diag_mitigate(&j, "omp-flavour", pthreads, why, sizeof(why)) == 1);
	BB_CHECK(strstr(why, "by path") != NULL);
	bb_diag_job_release(&j);
	bb_spec_release(&path);

	bb_diag_job_init(&j, bb_scenario_find("background-load"), &spec, &d);
	BB_CHECK(bb_diag_mitigate(&j, "one-core-free", pthreads, why, sizeof(why)) == 0);
	BB_CHECK_INT(j.threads, 1);
	BB_CHECK(bb_diag_mitigate(&j, "inner-1", serial, why, sizeof(why)) == 1);
	BB_CHECK(bb_diag_mitigate(&j, "no-such-thing", pthreads, why, sizeof(why)) == -1);
	bb_diag_job_release(&j);

	/* OpenBLAS's variables are not offered to other libraries */
	bb_diag_job_init(&j, bb_scenario_find("dual-pool"), &spec, &d);
	BB_CHECK(bb_diag_mitigate(&j, "thread-timeout", serial, why, sizeof(why)) == 1);
	BB_CHECK(bb_diag_mitigate(&j, "shared-copy", pthreads, why, sizeof(why)) == 0);
	BB_CHECK(j.shared_copy == 1);
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_diag_job_json(&j, &sb);
	bb_json *job = parse(sb.buf);
	BB_CHECK(bb_json_bool(bb_json_get(job, "shared_copy"), 0) == 1);
	BB_CHECK(!strcmp(bb_json_str(bb_json_get(job, "scenario"), ""), "dual-pool"));
	bb_json_free(job);
	bb_strbuf_release(&sb);
	bb_diag_job_release(&j);

	/* diagnose -- CMD: dual-pool's pair goes to the worker; one shared copy only where the
	 * pair's ABIs agree */
	bb_diag_defaults dp = d;
	dp.pair = "scipy=/x/libscipy_openblas.so";
	dp.pair_abi = "'numpy' and 'scipy' differ in ABI";
	bb_diag_job_init(&j, bb_scenario_find("dual-pool"), &spec, &dp);
	bb_strbuf_init(&sb);
	bb_diag_job_json(&j, &sb);
	job = parse(sb.buf);
	BB_CHECK(!strcmp(bb_json_str(bb_json_get(job, "spec2"), ""), dp.pair));
	bb_json_free(job);
	bb_strbuf_release(&sb);
	BB_CHECK(bb_diag_mitigate(&j, "shared-copy", pthreads, why, sizeof(why)) == 1);
	BB_CHECK(strstr(why, "differ in ABI") != NULL && j.shared_copy == 0);
	bb_diag_job_release(&j);
	dp.pair_abi = NULL;
	bb_diag_job_init(&j, bb_scenario_find("dual-pool"), &spec, &dp);
	BB_CHECK(bb_diag_mitigate(&j, "shared-copy", pthreads, why, sizeof(why)) == 0 && j.shared_copy);
	bb_diag_job_release(&j);
	bb_diag_job_init(&j, bb_scenario_find("omp-handover"), &spec, &dp);
	BB_CHECK(j.spec2 == NULL); /* the pair is dual-pool's only */
	bb_diag_job_release(&j);

	bb_json_free(pthreads);
	bb_json_free(serial);
	bb_spec_release(&spec);
}

static int has_value(const bb_kernel_override **o, size_t n, const char *value)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(o[i]->value, value))
			return 1;
	return 0;
}

static void kernel_overrides(void)
{
	const bb_kernel_override *o[16];
	size_t n = bb_kernel_overrides("blis", "0.9.0", o, 16);
	BB_CHECK(n > 0 || !bb_isa_supported(BB_ISA_AVX2));
	BB_CHECK(!has_value(o, n, "skx") && !has_value(o, n, "haswell")); /* 0.9 reads numbers */
	if (bb_isa_supported(BB_ISA_AVX2))
		BB_CHECK(has_value(o, n, "3"));
	n = bb_kernel_overrides("blis", "1.0.1", o, 16);
	BB_CHECK(!has_value(o, n, "0") && !has_value(o, n, "3"));
	if (bb_isa_supported(BB_ISA_AVX512))
		BB_CHECK(has_value(o, n, "skx"));
	n = bb_kernel_overrides("openblas", "0.3.21", o, 16);
	if (bb_isa_supported(BB_ISA_AVX512))
		BB_CHECK(!strcmp(o[0]->value, "SapphireRapids"));
	for (size_t i = 0; i < n; i++)
		BB_CHECK(!strcmp(o[i]->var, "OPENBLAS_CORETYPE"));
	BB_CHECK_INT(bb_kernel_overrides("atlas", "3.10.3", o, 16), 0);
	BB_CHECK_INT(bb_kernel_overrides(NULL, NULL, o, 16), 0);
}

static bb_diag_outcome outcome(const char *status, double s, double lo, double hi, int hung)
{
	bb_diag_outcome o;
	memset(&o, 0, sizeof(o));
	snprintf(o.status, sizeof(o.status), "%s", status);
	o.slowdown = s;
	o.ci_low = lo;
	o.ci_high = hi;
	o.hung_children = hung;
	o.gflops = NAN; /* as bb_diag_exec leaves it for a threading scenario */
	o.base_median = 1e-3;
	o.path_median = s * 1e-3;
	return o;
}

static void judging(void)
{
	bb_diag_outcome o = outcome("ok", 3.0, 2.5, 3.5, 0);
	BB_CHECK_INT(bb_diag_judge(&o), BB_DIAG_SEVERE);
	o = outcome("ok", 1.6, 1.3, 1.9, 0);
	BB_CHECK_INT(bb_diag_judge(&o), BB_DIAG_MODERATE);
	o = outcome("ok", 1.6, 1.2, 1.9, 0); /* the CI reaches below 1.25: not confident */
	BB_CHECK_INT(bb_diag_judge(&o), BB_DIAG_MILD_LVL);
	o = outcome("ok", 1.3, 0.9, 1.8, 0);
	BB_CHECK_INT(bb_diag_judge(&o), -1);
	o = outcome("hang", NAN, NAN, NAN, 2);
	BB_CHECK_INT(bb_diag_judge(&o), BB_DIAG_SEVERE);
	o = outcome("hang", NAN, NAN, NAN, 0); /* the worker itself hung: not a finding */
	BB_CHECK_INT(bb_diag_judge(&o), -1);
	BB_CHECK(!bb_diag_outcome_measured(&o));

	/* a mitigation helps when it removes most of the excess time */
	bb_diag_outcome patho = outcome("ok", 3.0, 2.8, 3.2, 0), m = outcome("ok", 1.1, 1.0, 1.2, 0);
	bb_diag_try t;
	bb_diag_try_fill(&t, "passive", "OMP_WAIT_POLICY=passive", &m, NULL, 1e-3, &patho);
	BB_CHECK(t.helps);
	BB_CHECK(fabs(t.vs_clean - 1.1) < 1e-9);
	free(t.name), free(t.setting), free(t.status);
	m = outcome("ok", 2.7, 2.5, 2.9, 0);
	bb_diag_try_fill(&t, "x", NULL, &m, NULL, 1e-3, &patho);
	BB_CHECK(!t.helps);
	free(t.name), free(t.setting), free(t.status);
	bb_diag_outcome hang = outcome("hang", NAN, NAN, NAN, 1), fixed = outcome("ok", 1, 1, 1, 0);
	bb_diag_try_fill(&t, "llvm-runtime", NULL, &fixed, NULL, 1e-3, &hang);
	BB_CHECK(t.helps);
	free(t.name), free(t.setting), free(t.status);
}

/* n samples around m seconds, spread +-spread (deterministic); malloc'd */
static double *samples(double m, double spread, size_t n)
{
	double *x = malloc(n * sizeof(double));
	for (size_t i = 0; i < n; i++)
		x[i] = m * (1 + spread * ((double)(i % 7) - 3) / 3);
	return x;
}

/* An outcome with raw samples: clean baseline at base_ms, pathology at path_ms. */
static bb_diag_outcome sampled(double base_ms, double path_ms, double spread)
{
	bb_diag_outcome o = outcome("ok", path_ms / base_ms, NAN, NAN, 0);
	o.n_base = o.n_path = 21;
	o.base = samples(base_ms * 1e-3, spread, o.n_base);
	o.path = samples(path_ms * 1e-3, spread, o.n_path);
	o.base_median = base_ms * 1e-3;
	o.path_median = path_ms * 1e-3;
	return o;
}

static void try_free(bb_diag_try *t)
{
	free(t->name), free(t->setting), free(t->status), free(t->error);
}

/* Mitigations on one scale: each one's time against the unmitigated time and the clean
 * baseline of the unmitigated job, with CIs; helping is told from removing. */
static void mitigations_judged(void)
{
	bb_diag_outcome patho = sampled(1.0, 2.0, 0.03); /* 2x the clean time */
	bb_diag_outcome part = sampled(1.7, 1.72, 0.03); /* its own baseline moved: 14% less */
	bb_diag_outcome gone = sampled(0.9, 1.02, 0.03); /* back at the clean time */
	bb_diag_outcome same = sampled(1.0, 1.95, 0.10); /* within the noise of the unmitigated */
	bb_diag_try t[3];
	bb_diag_try_fill(&t[0], "omp-flavour", "--backends openblas-openmp", &part, NULL,
			 patho.base_median, &patho);
	bb_diag_try_fill(&t[1], "passive", "OMP_WAIT_POLICY=passive", &gone, NULL,
			 patho.base_median, &patho);
	bb_diag_try_fill(&t[2], "inner-1", NULL, &same, NULL, patho.base_median, &patho);

	/* helps, does not remove: 0.86x the unmitigated time, still 1.72x the clean one */
	BB_CHECK(t[0].helps && !t[0].removes);
	BB_CHECK(fabs(t[0].vs_patho - 0.86) < 1e-9 && t[0].vs_patho_high < 1);
	BB_CHECK(fabs(t[0].vs_clean - 1.72) < 1e-9 && t[0].vs_clean_low > 1.5);
	char *fix = bb_diag_fix_text(&t[0], 0, 2.0);
	BB_CHECK(fix && strstr(fix, "helps but does not remove it") && strstr(fix, "cuts the time by 14%") &&
		 strstr(fix, "0.86x"));
	free(fix);
	/* removes: back within what the judge calls clean */
	BB_CHECK(t[1].helps && t[1].removes && t[1].vs_clean_low < BB_DIAG_MILD);
	/* the CI against the unmitigated time reaches 1: not beyond the noise */
	BB_CHECK(!t[2].helps && !t[2].removes && t[2].vs_patho_high >= 1);
	char text[600];
	bb_diag_try_text(&t[2], text, sizeof(text));
	BB_CHECK(!strstr(text, "helps") && strstr(text, "the unmitigated time"));

	/* the best is the lowest time; without the remover, the one that only helps */
	BB_CHECK(bb_diag_best_try(t, 3) == &t[1]);
	fix = bb_diag_fix_text(bb_diag_best_try(t, 3), 0, 2.0);
	BB_CHECK(fix && strstr(fix, "passive (OMP_WAIT_POLICY=passive) removes it"));
	free(fix);
	t[1].helps = 0;
	BB_CHECK(bb_diag_best_try(t, 3) == &t[0]);
	BB_CHECK(bb_diag_best_try(&t[2], 1) == NULL && bb_diag_fix_text(NULL, 0, 2.0) == NULL);

	/* in a finding: fix names the helper with its figure, the JSON carries both scales */
	bb_diag_report r;
	memset(&r, 0, sizeof(r));
	bb_diag_defaults d = {.threads = 2, .cores = 2, .omp = "gomp", .block_s = 0.1, .rounds = 2};
	bb_backend_spec spec;
	char err[256];
	BB_CHECK(bb_spec_parse("openblas", &spec, err, sizeof(err)) == 0);
	bb_diag_job j;
	bb_diag_job_init(&j, bb_scenario_find("omp-handover"), &spec, &d);
	bb_diag_try *tries = calloc(2, sizeof(*tries));
	tries[0] = t[0];
	tries[1] = t[2];
	patho.ci_low = 1.9, patho.ci_high = 2.1;
	bb_diag_finding_scenario(&r, &j, &patho, BB_DIAG_SEVERE, tries, 2, "blasbench diagnose");
	BB_CHECK(r.findings[0].fix && strstr(r.findings[0].fix, "omp-flavour") &&
		 strstr(r.findings[0].fix, "helps but does not remove it"));
	BB_CHECK(strstr(r.findings[0].mechanism, "supported by the measurement: omp-flavour"));
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_diag_report_json(&r, &sb);
	bb_json *js = parse(sb.buf);
	const bb_json *tj = bb_json_at(bb_json_get(bb_json_at(bb_json_get(js, "findings"), 0), "tried"), 0);
	BB_CHECK(bb_json_bool(bb_json_get(tj, "helps"), 0) && !bb_json_bool(bb_json_get(tj, "removes"), 1));
	BB_CHECK(bb_json_num(bb_json_get(tj, "vs_unmitigated_ci_high"), 9) < 1);
	BB_CHECK(bb_json_num(bb_json_get(tj, "vs_clean_ci_low"), 0) > 1.5);
	bb_json_free(js);
	bb_strbuf_release(&sb);
	/* only a try that does not help: the mechanism is not asserted */
	bb_diag_try *none = calloc(1, sizeof(*none));
	bb_diag_try_fill(none, "inner-1", NULL, &same, NULL, patho.base_median, &patho);
	bb_diag_finding_scenario(&r, &j, &patho, BB_DIAG_SEVERE, none, 1, "blasbench diagnose");
	BB_CHECK(strstr(r.findings[1].mechanism, "not confirmed here") && !r.findings[1].fix);

	/* an inherited wait policy that the helping mitigation changes is named as the cause */
	char *was = getenv("OMP_WAIT_POLICY") ? strdup(getenv("OMP_WAIT_POLICY")) : NULL;
	setenv("OMP_WAIT_POLICY", "active", 1);
	bb_diag_try *pas = calloc(1, sizeof(*pas));
	bb_diag_try_fill(pas, "passive", "OMP_WAIT_POLICY=passive", &gone, NULL, patho.base_median,
			 &patho);
	bb_diag_finding_scenario(&r, &j, &patho, BB_DIAG_SEVERE, pas, 1, "blasbench diagnose");
	bb_diag_env_finding(&r.findings[2], 2);
	BB_CHECK(r.findings[2].cause && strstr(r.findings[2].cause, "OMP_WAIT_POLICY=active, inherited"));
	BB_CHECK(r.findings[2].environment && strstr(r.findings[2].environment, "OMP_WAIT_POLICY=active"));
	bb_diag_env_finding(&r.findings[0], 2); /* omp-flavour sets no variable: no cause named */
	BB_CHECK(!r.findings[0].cause);
	if (was)
		setenv("OMP_WAIT_POLICY", was, 1);
	else
		unsetenv("OMP_WAIT_POLICY");
	free(was);

	bb_diag_report_release(&r);
	bb_diag_job_release(&j);
	bb_spec_release(&spec);
	try_free(&t[1]);
	bb_diag_outcome *os[] = {&patho, &part, &gone, &same};
	for (size_t i = 0; i < 4; i++)
		free(os[i]->base), free(os[i]->path);
}

/* setenv for this process only, restoring what the machine had afterwards */
static char *saved_env(const char *var)
{
	const char *v = getenv(var);
	return v ? strdup(v) : NULL;
}

static void restore_env(const char *var, char *was)
{
	if (was)
		setenv(var, was, 1);
	else
		unsetenv(var);
	free(was);
}

/* kernel-selection's words follow the evidence: a forced kernel names the variable and what
 * the library selects without it; "does not recognise this CPU" only when nothing is forced
 * and the kernel is known to be older than this CPU runs. */
static void kernel_words(void)
{
	char err[256];
	bb_backend_spec spec;
	bb_diag_env_setting f[4];
	char *was = saved_env("OPENBLAS_CORETYPE");

	setenv("OPENBLAS_CORETYPE", "Haswell", 1);
	BB_CHECK(bb_spec_parse("openblas", &spec, err, sizeof(err)) == 0);
	BB_CHECK_INT(bb_diag_kernel_forced("openblas", &spec, f, 4), 1);
	BB_CHECK(!strcmp(f[0].var, "OPENBLAS_CORETYPE") && !strcmp(f[0].value, "Haswell") &&
		 !f[0].from_spec);
	BB_CHECK_INT(bb_diag_kernel_forced("blis", &spec, f, 4), 0); /* BLIS does not read it */
	bb_spec_release(&spec);
	BB_CHECK(bb_spec_parse("ob=openblas+OPENBLAS_CORETYPE=Zen+X=1", &spec, err, sizeof(err)) == 0);
	BB_CHECK_INT(bb_diag_kernel_forced("openblas", &spec, f, 4), 1);
	BB_CHECK(!strcmp(f[0].value, "Zen") && f[0].from_spec); /* the spec wins */
	char *without = bb_diag_spec_without(&spec, "OPENBLAS_CORETYPE");
	BB_CHECK(!strcmp(without, "openblas+X=1"));
	free(without);
	bb_spec_release(&spec);
	unsetenv("OPENBLAS_CORETYPE");
	BB_CHECK(bb_spec_parse("openblas", &spec, err, sizeof(err)) == 0);
	BB_CHECK_INT(bb_diag_kernel_forced("openblas", &spec, f, 4), 0);
	bb_spec_release(&spec);
	restore_env("OPENBLAS_CORETYPE", was);

	/* forced from the environment, faster without it */
	bb_diag_env_setting haswell = {"OPENBLAS_CORETYPE", "Haswell", 0};
	bb_diag_kernel_facts k = {.family = "openblas", .version = "0.3.21", .kernel = "Haswell",
				  .forced = &haswell, .n_forced = 1, .own_kernel = "Cooperlake",
				  .factor = 1.7, .ci_low = 1.6, .ci_high = 1.8};
	char *cause, *mech;
	bb_diag_kernel_words(&k, &cause, &mech);
	BB_CHECK(strstr(cause, "OPENBLAS_CORETYPE=Haswell is set in the environment") &&
		 strstr(cause, "without it this OpenBLAS selects Cooperlake, 1.70x faster"));
	BB_CHECK(!strstr(mech, "does not recognise") && strstr(mech, "environment forces"));
	free(cause), free(mech);
	/* forced, no faster beyond the noise: still the variable, never the fallback */
	k.factor = 1.02, k.ci_low = 0.97, k.ci_high = 1.06;
	bb_diag_kernel_words(&k, &cause, &mech);
	BB_CHECK(strstr(cause, "OPENBLAS_CORETYPE=Haswell") && strstr(cause, "no faster beyond"));
	BB_CHECK(!strstr(mech, "does not recognise"));
	free(cause), free(mech);

	/* nothing forced: the library's own choice, judged against what this CPU runs */
	k = (bb_diag_kernel_facts){.family = "openblas", .version = "0.3.21", .kernel = "Haswell",
				   .factor = NAN, .ci_low = NAN, .ci_high = NAN};
	bb_diag_kernel_words(&k, &cause, &mech);
	BB_CHECK(strstr(cause, "no kernel override is in effect") && !strstr(cause, "CORETYPE"));
	BB_CHECK(!!strstr(mech, "does not recognise this CPU") == bb_isa_supported(BB_ISA_AVX512));
	free(cause), free(mech);
	k.kernel = "Cooperlake"; /* the newest kind: never the fallback sentence */
	bb_diag_kernel_words(&k, &cause, &mech);
	BB_CHECK(!strstr(mech, "does not recognise"));
	free(cause), free(mech);
	k.kernel = "Zen5"; /* unknown to blasbench: it says it cannot tell */
	bb_diag_kernel_words(&k, &cause, &mech);
	BB_CHECK(strstr(mech, "cannot tell") && !strstr(mech, "does not recognise"));
	free(cause), free(mech);

	/* a mitigation the environment already applies does not apply */
	was = saved_env("OMP_WAIT_POLICY");
	setenv("OMP_WAIT_POLICY", "passive", 1);
	bb_diag_defaults d = {.threads = 2, .cores = 2, .omp = "gomp", .block_s = 0.1, .rounds = 2};
	BB_CHECK(bb_spec_parse("openblas", &spec, err, sizeof(err)) == 0);
	bb_diag_job j;
	bb_diag_job_init(&j, bb_scenario_find("omp-handover"), &spec, &d);
	char why[256];
	BB_CHECK(bb_diag_mitigate(&j, "passive", NULL, why, sizeof(why)) == 1 &&
		 strstr(why, "inherited"));
	char *env = bb_diag_env_inherited(2, 1);
	BB_CHECK(env && strstr(env, "OMP_WAIT_POLICY=passive"));
	free(env);
	bb_diag_job_unset(&j, "OPENBLAS_CORETYPE");
	bb_diag_job_unset(&j, "BLIS_ARCH_TYPE");
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_diag_job_json(&j, &sb);
	BB_CHECK(strstr(sb.buf, "\"unset\":\"OPENBLAS_CORETYPE,BLIS_ARCH_TYPE\""));
	bb_strbuf_release(&sb);
	bb_diag_job_release(&j);
	bb_spec_release(&spec);
	restore_env("OMP_WAIT_POLICY", was);
}

static bb_diag_report flags_of(const char *record)
{
	bb_diag_report r;
	memset(&r, 0, sizeof(r));
	bb_json *j = parse(record);
	bb_diag_stack_flags(&r, "b", "b", j, NULL);
	bb_json_free(j);
	return r;
}

static int flagged(const bb_diag_report *r, const char *name)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (!strcmp(r->findings[i].name, name))
			return 1;
	return 0;
}

static void stack_flags(void)
{
	bb_diag_report r = flags_of(
	    "{\"threads\":{\"layer\":\"pthreads\",\"requested\":2,\"effective\":2},"
	    "\"omp_runtime\":\"libgomp.so.1\",\"abi\":{\"lapack\":true},"
	    "\"lapack_blas\":\"/other/libblas.so.3\",\"files\":[{\"path\":\"/x/libb.so\"}],"
	    "\"objects\":[{\"path\":\"/x/libb.so\",\"realpath\":\"/x/libb.so\",\"own\":true,"
	    "\"soname\":\"libb.so\",\"sha256\":\"aa\"},"
	    "{\"path\":\"/l/libgomp.so.1\",\"realpath\":\"/l/libgomp.so.1\",\"soname\":\"libgomp.so.1\",\"sha256\":\"bb\"},"
	    "{\"path\":\"/l/libomp.so.5\",\"realpath\":\"/l/libomp.so.5\",\"soname\":\"libomp.so.5\",\"sha256\":\"cc\"},"
	    "{\"path\":\"/y/libb.so\",\"realpath\":\"/y/libb.so\",\"soname\":\"libb2.so\",\"sha256\":\"aa\"},"
	    "{\"path\":\"/other/libblas.so.3\",\"realpath\":\"/other/libblas.so.3\",\"soname\":\"libblas.so.3\",\"sha256\":\"dd\"}]}");
	BB_CHECK(flagged(&r, "two-openmp-runtimes"));
	BB_CHECK(flagged(&r, "library-twice"));
	BB_CHECK(flagged(&r, "mixed-layers"));
	BB_CHECK(flagged(&r, "lapack-other-blas"));
	BB_CHECK(!flagged(&r, "threads-not-set"));
	bb_diag_report_release(&r);

	/* a wheel's renamed copy of libgomp next to the system's: two copies of one runtime */
	r = flags_of("{\"threads\":{\"layer\":\"openmp\"},\"omp_runtime\":\"libgomp.so.1\","
		     "\"objects\":[{\"realpath\":\"/l/libgomp.so.1\",\"soname\":\"libgomp.so.1\"},"
		     "{\"realpath\":\"/w/libgomp-a34b3233.so.1.0.0\",\"soname\":\"libgomp-a34b3233.so.1.0.0\"}]}");
	BB_CHECK(flagged(&r, "two-openmp-runtimes"));
	BB_CHECK(r.n_findings && strstr(r.findings[0].title, "two copies of GCC libgomp") != NULL);
	bb_diag_report_release(&r);

	r = flags_of("{\"threads\":{\"layer\":\"pthreads\",\"requested\":4,\"effective\":2},"
		     "\"abi\":{\"lapack\":true},\"lapack_blas\":\"/x/libb.so\","
		     "\"objects\":[{\"path\":\"/x/libb.so\",\"realpath\":\"/x/libb.so\",\"own\":true}]}");
	BB_CHECK_INT(r.n_findings, 1);
	BB_CHECK(flagged(&r, "threads-not-set") && r.findings[0].level == BB_DIAG_WARNING);
	bb_diag_report_release(&r);

	r = flags_of("{\"threads\":{\"layer\":\"openmp\",\"requested\":2,\"effective\":2},"
		     "\"omp_runtime\":\"libgomp.so.1\",\"abi\":{\"lapack\":false},"
		     "\"objects\":[{\"path\":\"/x/libb.so\",\"realpath\":\"/x/libb.so\",\"own\":true},"
		     "{\"path\":\"/l/libgomp.so.1\",\"realpath\":\"/l/libgomp.so.1\",\"soname\":\"libgomp.so.1\"}]}");
	BB_CHECK_INT(r.n_findings, 0); /* an OpenMP BLAS with its one runtime is clean */
	bb_diag_report_release(&r);
}

static void ranking(void)
{
	bb_diag_report r;
	memset(&r, 0, sizeof(r));
	bb_diag_add_finding(&r, BB_DIAG_WARNING, 1, "stack", "a", "mixed-layers");
	bb_diag_add_finding(&r, BB_DIAG_MODERATE, 1.5, "slowdown", "a", "nested");
	bb_diag_add_finding(&r, BB_DIAG_SEVERE, 1001, "hang", "a", "fork");
	bb_diag_add_finding(&r, BB_DIAG_SEVERE, 3.0, "slowdown", "a", "dual-pool");
	bb_diag_report_sort(&r);
	BB_CHECK(!strcmp(r.findings[0].name, "fork"));
	BB_CHECK(!strcmp(r.findings[1].name, "dual-pool"));
	BB_CHECK(!strcmp(r.findings[2].name, "nested"));
	BB_CHECK(!strcmp(r.findings[3].name, "mixed-layers"));
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_diag_report_json(&r, &sb);
	bb_json *j = parse(sb.buf);
	BB_CHECK(j && bb_json_len(bb_json_get(j, "findings")) == 4);
	bb_json_free(j);
	bb_strbuf_release(&sb);
	bb_diag_report_release(&r);
}

int main(void)
{
	every_named_mitigation_exists();
	mitigations_apply();
	kernel_overrides();
	judging();
	mitigations_judged();
	kernel_words();
	stack_flags();
	ranking();
	return bb_test_done();
}
