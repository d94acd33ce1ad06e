/*
 * The environment as evidence for diagnose's findings (see diagnose_env.h).  The variables
 * are one table: the kernel overrides each library family reads (found in the libraries' own
 * strings: OpenBLAS 0.3 reads OPENBLAS_CORETYPE, BLIS BLIS_ARCH_TYPE), then the thread counts
 * and wait policies every worker inherits.
 */
#include "harness/diagnose/diagnose_env.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "harness/diagnose/diagnose_plan.h"
#include "kernels/isa.h"

typedef enum env_kind { KERNEL, THREADS, WORKER_THREADS, WAIT } env_kind;

static const struct {
	const char *var;
	env_kind kind;
	const char *family; /* KERNEL: the family that reads it */
	const char *effect;
} vars[] = {
    {"OPENBLAS_CORETYPE", KERNEL, "openblas", "forces OpenBLAS's kernel"},
    {"BLIS_ARCH_TYPE", KERNEL, "blis", "forces BLIS's configuration"},
    {"MKL_DEBUG_CPU_TYPE", KERNEL, "mkl", "forces MKL's code path"},
    {"MKL_ENABLE_INSTRUCTIONS", KERNEL, "mkl", "limits MKL's instruction set"},
    {"MKL_CBWR", KERNEL, "mkl", "fixes MKL's code path for reproducibility"},
    /* set to --threads by every worker (harness/worker/worker_env.c): replaced in diagnose */
    {"OMP_NUM_THREADS", WORKER_THREADS, NULL, "OpenMP team size"},
    {"OPENBLAS_NUM_THREADS", WORKER_THREADS, NULL, "OpenBLAS threads"},
    {"BLIS_NUM_THREADS", WORKER_THREADS, NULL, "BLIS threads"},
    {"MKL_NUM_THREADS", WORKER_THREADS, NULL, "MKL threads"},
    /* in effect in every worker as inherited */
    {"GOTO_NUM_THREADS", THREADS, NULL, "OpenBLAS threads when OPENBLAS_NUM_THREADS is unset"},
    {"OMP_THREAD_LIMIT", THREADS, NULL, "caps every OpenMP team"},
    {"OMP_DYNAMIC", THREADS, NULL, "lets OpenMP shrink teams"},
    {"OMP_MAX_ACTIVE_LEVELS", THREADS, NULL, "limits nested OpenMP parallelism"},
    {"OMP_NESTED", THREADS, NULL, "nested OpenMP parallelism"},
    {"OMP_PROC_BIND", THREADS, NULL, "binds OpenMP threads to places"},
    {"OMP_PLACES", THREADS, NULL, "the places OpenMP threads are bound to"},
    {"GOMP_CPU_AFFINITY", THREADS, NULL, "binds libgomp threads to CPUs"},
    {"KMP_AFFINITY", THREADS, NULL, "binds LLVM/Intel OpenMP threads"},
    {"BLIS_JC_NT", THREADS, NULL, "BLIS threads per loop, ahead of BLIS_NUM_THREADS"},
    {"BLIS_IC_NT", THREADS, NULL, "BLIS threads per loop, ahead of BLIS_NUM_THREADS"},
    {"BLIS_JR_NT", THREADS, NULL, "BLIS threads per loop, ahead of BLIS_NUM_THREADS"},
    {"BLIS_IR_NT", THREADS, NULL, "BLIS threads per loop, ahead of BLIS_NUM_THREADS"},
    {"OMP_WAIT_POLICY", WAIT, NULL, "whether idle OpenMP threads spin or sleep"},
    {"GOMP_SPINCOUNT", WAIT, NULL, "how long idle libgomp threads spin"},
    {"KMP_BLOCKTIME", WAIT, NULL, "how long idle LLVM/Intel OpenMP threads spin"},
    {"KMP_LIBRARY", WAIT, NULL, "LLVM/Intel OpenMP's throughput/turnaround mode"},
    {"OPENBLAS_THREAD_TIMEOUT", WAIT, NULL, "how long idle OpenBLAS threads wait"},
    {"LD_PRELOAD", WAIT, NULL, "libraries loaded ahead of the backend"},
};
#define N_VARS (sizeof(vars) / sizeof(vars[0]))

static const char *inherited(const char *var)
{
	const char *v = getenv(var);
	return v && *v ? v : NULL;
}

size_t bb_diag_kernel_forced(const char *family, const bb_backend_spec *spec,
                             bb_diag_env_setting *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < N_VARS && n < max; i++) {
		if (vars[i].kind != KERNEL || (family && strcmp(family, vars[i].family)))
			continue;
		const char *from_spec = NULL;
		for (size_t k = 0; spec && k < spec->n_env; k++)
			if (!strcmp(spec->env[k].name, vars[i].var))
				from_spec =
				    spec->env[k].value; /* the last one wins, as in the worker */
		const char *v = from_spec ? from_spec : inherited(vars[i].var);
		if (v)
			out[n++] = (bb_diag_env_setting){vars[i].var, v, from_spec != NULL};
	}
	return n;
}

void bb_diag_env_said(const bb_diag_env_setting *s, size_t n, bb_strbuf *out)
{
	for (size_t i = 0; i < n; i++)
		bb_strbuf_addf(out, "%s%s=%s is set %s", i ? " and " : "", s[i].var, s[i].value,
		               s[i].from_spec
		                   ? "by the backend's spec"
		                   : "in the environment (inherited by blasbench and its "
		                     "workers)");
}

char *bb_diag_spec_without(const bb_backend_spec *spec, const char *var)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_strbuf_adds(&sb, spec->name ? spec->name : spec->path);
	for (size_t i = 0; i < spec->n_env; i++)
		if (strcmp(spec->env[i].name, var))
			bb_strbuf_addf(&sb, "+%s=%s", spec->env[i].name, spec->env[i].value);
	return bb_strbuf_detach(&sb, NULL);
}

char *bb_diag_env_inherited(int threads, int brief)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	for (size_t i = 0; i < N_VARS; i++) {
		const char *v = vars[i].kind == KERNEL ? NULL : inherited(vars[i].var);
		if (!v || (brief && vars[i].kind == WORKER_THREADS))
			continue;
		if (brief) {
			bb_strbuf_addf(&sb, "%s%s=%s", sb.len ? ", " : "", vars[i].var, v);
			continue;
		}
		bb_strbuf_addf(&sb, "%s%s=%s (%s)", sb.len ? "; " : "", vars[i].var, v,
		               vars[i].effect);
		if (vars[i].kind == WORKER_THREADS && threads > 0)
			bb_strbuf_addf(&sb,
			               ", replaced by %d in diagnose's workers while your programs "
			               "get %s",
			               threads, v);
	}
	if (!sb.len)
		return NULL;
	if (brief)
		return bb_strbuf_detach(&sb, NULL);
	char *body = bb_strbuf_detach(&sb, NULL);
	char *s =
	    bb_xasprintf("inherited from blasbench's environment: %s. Settings like these may "
	                 "cause or hide a pathology",
	                 body);
	free(body);
	return s;
}

const char *bb_diag_env_inherited_other(const char *var, const char *value)
{
	const char *v = inherited(var);
	return v && strcmp(v, value) ? v : NULL;
}

void bb_diag_env_finding(bb_diag_finding *f, int threads)
{
	free(f->environment);
	f->environment = bb_diag_env_inherited(threads, 0);
	const bb_diag_try *best = bb_diag_best_try(f->tries, f->n_tries);
	const char *var, *value, *was;
	if (!best || !bb_mitigation_env(best->name, &var, &value) ||
	    !(was = bb_diag_env_inherited_other(var, value)))
		return;
	bb_diag_set(&f->cause,
	            "%s=%s, inherited from blasbench's environment: setting %s=%s "
	            "instead %s, so the inherited setting is the cause or part of it",
	            var, was, var, value,
	            best->removes ? "removes it" : "lowers the time beyond the noise");
}

/* ---- LD_PRELOAD ------------------------------------------------------------------------------ */

static int is_omp_runtime(const char *soname)
{
	static const char *const stems[] = {"libgomp", "libomp", "libiomp5"};
	for (size_t i = 0; soname && i < sizeof(stems) / sizeof(stems[0]); i++) {
		size_t n = strlen(stems[i]);
		if (!strncmp(soname, stems[i], n) && (soname[n] == '.' || soname[n] == '-'))
			return 1;
	}
	return 0;
}

/* Calls fn(entry, realpath, arg) for each library in LD_PRELOAD until it returns non-zero;
 * returns that value, or 0. */
static int each_preload(int (*fn)(const char *, const char *, void *), void *arg)
{
	const char *pre = inherited("LD_PRELOAD");
	if (!pre)
		return 0;
	char *copy = bb_xstrdup(pre), *save = NULL;
	int rc = 0;
	for (char *p = strtok_r(copy, ": ", &save); p && !rc; p = strtok_r(NULL, ": ", &save)) {
		char real[PATH_MAX];
		if (!realpath(p, real))
			snprintf(real, sizeof(real), "%s", p);
		rc = fn(p, real, arg);
	}
	free(copy);
	return rc;
}

static int is_path(const char *entry, const char *real, void *arg)
{
	(void)entry;
	return !strcmp(real, (const char *)arg);
}

int bb_diag_env_preloaded(const char *realpath_)
{
	return realpath_ && each_preload(is_path, (void *)realpath_);
}

typedef struct preload_ctx {
	bb_diag_report *r;
	const char *alias, *spec;
	const bb_json *record;
} preload_ctx;

static int flag_preload(const char *entry, const char *real, void *arg)
{
	preload_ctx *c = arg;
	const char *lapack_blas = bb_json_str(bb_json_get(c->record, "lapack_blas"), NULL);
	const char *base = strrchr(real, '/');
	int blas = lapack_blas && !strcmp(lapack_blas, real);
	int omp = is_omp_runtime(base ? base + 1 : real);
	if (!blas && !omp)
		return 0;
	bb_diag_finding *f =
	    bb_diag_add_finding(c->r, BB_DIAG_WARNING, 2.0, "stack", c->alias, "preload");
	bb_diag_set(&f->title, "%s: LD_PRELOAD=%s takes over %s", c->alias, entry,
	            blas ? "the BLAS calls the backend makes to itself" : "the OpenMP runtime");
	bb_diag_set(&f->seen, "%s (%s) is preloaded from blasbench's environment and %s", entry,
	            real,
	            blas ? "the backend's own calls to dgemm (LAPACK's) resolve to it"
	                 : "is the OpenMP runtime every OpenMP call of the process goes to");
	bb_diag_set(&f->cause, "LD_PRELOAD=%s, inherited from the environment",
	            getenv("LD_PRELOAD"));
	bb_diag_set(
	    &f->mechanism, "%s",
	    blas ? "a preloaded library comes first in symbol lookup: its BLAS symbols take "
	           "over the calls the backend makes to itself, so figures for this backend are "
	           "partly of the preloaded library"
	         : "a preloaded OpenMP runtime comes first in symbol lookup: the backend's "
	           "OpenMP calls go to it, whichever runtime the backend was built with");
	bb_diag_set(&f->fix, "run without it: env -u LD_PRELOAD blasbench ...");
	bb_diag_set(&f->reproduce, "blasbench list --backends '%s' --json", c->spec);
	return 0;
}

void bb_diag_env_preload_flags(bb_diag_report *r, const char *alias, const char *spec,
                               const bb_json *record)
{
	preload_ctx c = {r, alias, spec, record};
	each_preload(flag_preload, &c);
}

/* ---- kernel-selection's words ------------------------------------------------------------------
 */

/* The kind (ISA level) of a kernel a family reports, by the override values that name it;
 * -1 unknown. */
static int kernel_isa(const char *family, const char *version, const char *kernel)
{
	const bb_kernel_override *ov[16];
	size_t n = bb_kernel_overrides_all(family, version, ov, 16);
	for (size_t i = 0; kernel && i < n; i++)
		if (!strcasecmp(ov[i]->value, kernel))
			return bb_isa_from_name(ov[i]->isa);
	return -1;
}

/* The newest kind of kernel this CPU runs among those the family has; -1 unknown. */
static int newest_isa(const char *family, const char *version)
{
	const bb_kernel_override *ov[16];
	size_t n = bb_kernel_overrides(family, version, ov, 16);
	int best = -1;
	for (size_t i = 0; i < n; i++) {
		int isa = bb_isa_from_name(ov[i]->isa);
		if (isa >= 0 && (best < 0 || isa < best)) /* lower = newer (kernels/isa.h) */
			best = isa;
	}
	return best;
}

/* The family as people write it, for sentences. */
static const char *family_said(const char *family)
{
	static const struct {
		const char *family, *said;
	} names[] = {{"openblas", "this OpenBLAS"}, {"blis", "this BLIS"}, {"mkl", "this MKL"}};
	for (size_t i = 0; family && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(family, names[i].family))
			return names[i].said;
	return "this library";
}

void bb_diag_kernel_words(const bb_diag_kernel_facts *k, char **cause, char **mechanism)
{
	const char *kernel = k->kernel ? k->kernel : "unknown";
	const char *lib = family_said(k->family);
	*cause = *mechanism = NULL;
	if (k->n_forced) {
		bb_strbuf sb = BB_STRBUF_INIT;
		bb_diag_env_said(k->forced, k->n_forced, &sb);
		if (!k->own_kernel)
			bb_strbuf_addf(&sb, "; without it %s could not be measured (%s)", lib,
			               k->own_error ? k->own_error : "?");
		else if (!isfinite(k->ci_low))
			bb_strbuf_addf(&sb, "; without it %s selects %s", lib, k->own_kernel);
		else if (k->ci_low > 1)
			bb_strbuf_addf(&sb,
			               "; without it %s selects %s, %.2fx faster (95%% CI "
			               "%.2f-%.2f)",
			               lib, k->own_kernel, k->factor, k->ci_low, k->ci_high);
		else if (k->ci_high < 1)
			bb_strbuf_addf(&sb,
			               "; without it %s selects %s, %.2fx slower (95%% CI "
			               "%.2f-%.2f)",
			               lib, k->own_kernel, 1 / k->factor, 1 / k->ci_high,
			               1 / k->ci_low);
		else
			bb_strbuf_addf(&sb,
			               "; without it %s selects %s, no faster beyond the "
			               "noise here (%.2fx, 95%% CI %.2f-%.2f)",
			               lib, k->own_kernel, k->factor, k->ci_low, k->ci_high);
		*cause = bb_strbuf_detach(&sb, NULL);
		if (k->family && !strcmp(k->family, "mkl"))
			/* MKL_ENABLE_INSTRUCTIONS caps and MKL_CBWR fixes the path inside the
			 * kernel library: the library file alone does not show it */
			*mechanism = bb_xasprintf(
			    "the environment restricts the code paths MKL may take on this CPU "
			    "(its own choice is not used); the kernel library it loaded (%s) does not "
			    "show which path ran inside it, the time measured without the setting does",
			    kernel);
		else
			*mechanism = bb_xasprintf(
			    "the environment forces kernel %s: the library's own CPU "
			    "detection is bypassed, so %s is not the library's choice for "
			    "this CPU",
			    kernel, kernel);
		return;
	}
	*cause =
	    bb_xasprintf("no kernel override is in effect (none in the spec or the environment): "
	                 "the library selected %s for this CPU itself",
	                 kernel);
	int isa = kernel_isa(k->family, k->version, k->kernel);
	int newest = newest_isa(k->family, k->version);
	if (isa < 0 || newest < 0)
		*mechanism =
		    bb_xasprintf("blasbench cannot tell whether kernel %s is older than this CPU "
		                 "supports: it knows no kernel of that name for this library",
		                 kernel);
	else if (isa > newest)
		*mechanism =
		    bb_xasprintf("the library does not recognise this CPU and falls back to an "
		                 "older kernel: %s is a %s kernel, and this CPU runs the "
		                 "library's %s kernels",
		                 kernel, bb_isa_name((bb_isa)isa), bb_isa_name((bb_isa)newest));
	else
		*mechanism =
		    bb_xasprintf("%s is the newest kind of kernel (%s) this CPU runs that "
		                 "blasbench knows for this library: the low share of peak is not "
		                 "a fallback to an older kernel%s",
		                 kernel, bb_isa_name((bb_isa)isa),
		                 k->override_faster ? "; yet a documented override is faster, "
		                                      "which blasbench cannot explain"
		                                    : "");
}
