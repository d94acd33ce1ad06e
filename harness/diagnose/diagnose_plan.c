/*
 * Jobs of `diagnose`, the mitigations applied to them and the kernel overrides tried (see
 * diagnose_plan.h).  The mitigation list is harness/diagnose/mitigations.def; this file knows how to
 * apply each kind.  The override list is below, once.
 */
#include "harness/diagnose/diagnose_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/catalog.h"
#include "common/error.h"
#include "kernels/isa.h"

typedef enum mit_kind { ENV, INNER1, SHARED, FLAVOUR, LLVM, CORE_FREE } mit_kind;

typedef struct mitigation {
	const char *name;
	mit_kind kind;
	const char *var, *value;
	const char *summary;
} mitigation;

static const mitigation mitigations[] = {
#define BB_MITIGATION(name, kind, var, value, summary) {name, kind, var, value, summary},
#include "harness/diagnose/mitigations.def"
#undef BB_MITIGATION
};
#define N_MITIGATIONS (sizeof(mitigations) / sizeof(mitigations[0]))

/* The documented kernel overrides, newest kernel first within a family.  BLIS before 1.0
 * reads BLIS_ARCH_TYPE as the number of its arch_t enum (0 skx, 3 haswell, 6 zen3) and turns
 * a name into 0; from 1.0 it takes the configuration's name. */
static const bb_kernel_override overrides[] = {
	{"openblas", "OPENBLAS_CORETYPE", "SapphireRapids", "avx512", NULL, NULL, "Sapphire Rapids kernels (AVX-512)"},
	{"openblas", "OPENBLAS_CORETYPE", "Cooperlake", "avx512", NULL, NULL, "Cooper Lake kernels (AVX-512)"},
	{"openblas", "OPENBLAS_CORETYPE", "SkylakeX", "avx512", NULL, NULL, "Skylake-X kernels (AVX-512)"},
	{"openblas", "OPENBLAS_CORETYPE", "Zen", "avx2", NULL, NULL, "Zen kernels (AVX2)"},
	{"openblas", "OPENBLAS_CORETYPE", "Haswell", "avx2", NULL, NULL, "Haswell kernels (AVX2)"},
	{"blis", "BLIS_ARCH_TYPE", "0", "avx512", NULL, "1.0", "the skx configuration (AVX-512)"},
	{"blis", "BLIS_ARCH_TYPE", "6", "avx2", NULL, "1.0", "the zen3 configuration (AVX2)"},
	{"blis", "BLIS_ARCH_TYPE", "3", "avx2", NULL, "1.0", "the haswell configuration (AVX2)"},
	{"blis", "BLIS_ARCH_TYPE", "skx", "avx512", "1.0", NULL, "the skx configuration (AVX-512)"},
	{"blis", "BLIS_ARCH_TYPE", "zen3", "avx2", "1.0", NULL, "the zen3 configuration (AVX2)"},
	{"blis", "BLIS_ARCH_TYPE", "haswell", "avx2", "1.0", NULL, "the haswell configuration (AVX2)"},
	/* MKL: MKL_ENABLE_INSTRUCTIONS caps the instruction set its dispatcher may use; MKL_CBWR
	 * fixes a reproducibility branch (on a CPU MKL has no branch for it falls back to AUTO,
	 * which the probed kernel shows) */
	{"mkl", "MKL_ENABLE_INSTRUCTIONS", "AVX512", "avx512", NULL, NULL, "AVX-512 code paths allowed"},
	{"mkl", "MKL_ENABLE_INSTRUCTIONS", "AVX2", "avx2", NULL, NULL, "at most AVX2 code paths"},
	{"mkl", "MKL_ENABLE_INSTRUCTIONS", "SSE4_2", "generic", NULL, NULL, "at most SSE4.2 code paths"},
	{"mkl", "MKL_CBWR", "AVX512", "avx512", NULL, NULL, "the AVX-512 reproducibility branch"},
	{"mkl", "MKL_CBWR", "AVX2", "avx2", NULL, NULL, "the AVX2 reproducibility branch"},
	{"mkl", "MKL_CBWR", "COMPATIBLE", "generic", NULL, NULL, "the compatible (SSE2) reproducibility branch"},
};

/* ---- jobs ---------------------------------------------------------------------------------- */

static const char *other_runtime(const char *omp)
{
	return strcmp(omp, "llvm") ? "llvm" : "gomp";
}

void bb_diag_job_init(bb_diag_job *j, const bb_scenario *s, const bb_backend_spec *spec,
		      const bb_diag_defaults *d)
{
	memset(j, 0, sizeof(*j));
	j->scenario = s;
	j->spec = bb_xstrdup(spec->text);
	j->alias = bb_xstrdup(spec->alias);
	j->mitigation = "none";
	j->threads = s ? d->threads : 1;
	j->omp = bb_xstrdup(s && (s->needs & BB_SCN_OMP) ? d->omp : "none");
	j->omp2 = bb_xstrdup(s && (s->needs & BB_SCN_OMP2) ? (d->omp2 ? d->omp2 : other_runtime(d->omp))
						     : "none");
	const bb_scenario *ks = bb_scenario_find("kernel-selection");
	j->n = s ? (d->n > 0 ? d->n : s->size) : (d->kernel_n > 0 ? d->kernel_n : ks ? ks->size : 1000);
	j->prec = !s && d->kernel_prec == 's' ? 's' : 'd';
	j->block_s = s ? d->block_s : 2 * d->block_s;
	j->settle_s = d->settle_s;
	j->rounds = s ? d->rounds : 1;
	j->fork_timeout_s = d->fork_timeout_s;
	if (s && (s->needs & BB_SCN_COPY) && d->pair) {
		j->spec2 = bb_xstrdup(d->pair);
		j->pair_abi = d->pair_abi;
	}
}

void bb_diag_job_release(bb_diag_job *j)
{
	free(j->spec);
	free(j->unset);
	free(j->alias);
	free(j->omp);
	free(j->omp2);
	free(j->spec2);
	memset(j, 0, sizeof(*j));
}

void bb_diag_job_add_env(bb_diag_job *j, const char *var, const char *value)
{
	char *spec = bb_xasprintf("%s+%s=%s", j->spec, var, value);
	free(j->spec);
	j->spec = spec;
}

void bb_diag_job_unset(bb_diag_job *j, const char *var)
{
	char *u = j->unset ? bb_xasprintf("%s,%s", j->unset, var) : bb_xstrdup(var);
	free(j->unset);
	j->unset = u;
}

void bb_diag_job_json(const bb_diag_job *j, bb_strbuf *out)
{
	bb_json_writer w;
	bb_jw_init(&w, out, 0);
	bb_jw_object_begin(&w);
	bb_jw_kv_string(&w, "scenario", j->scenario ? j->scenario->name : "kernel");
	bb_jw_kv_string(&w, "spec", j->spec);
	if (j->unset)
		bb_jw_kv_string(&w, "unset", j->unset);
	bb_jw_kv_int(&w, "threads", j->threads);
	bb_jw_kv_int(&w, "inner_threads", j->inner_threads);
	bb_jw_kv_string(&w, "omp", j->omp);
	bb_jw_kv_string(&w, "omp2", j->omp2);
	bb_jw_kv_bool(&w, "shared_copy", j->shared_copy);
	if (j->spec2)
		bb_jw_kv_string(&w, "spec2", j->spec2);
	if (j->backend_first)
		bb_jw_kv_bool(&w, "backend_first", 1);
	bb_jw_kv_int(&w, "n", j->n);
	if (j->prec == 's')
		bb_jw_kv_string(&w, "precision", "s");
	bb_jw_kv_double(&w, "block_s", j->block_s);
	bb_jw_kv_int(&w, "rounds", j->rounds);
	bb_jw_kv_double(&w, "settle_s", j->settle_s);
	bb_jw_kv_double(&w, "fork_timeout_s", j->fork_timeout_s);
	bb_jw_object_end(&w);
}

/* ---- mitigations ---------------------------------------------------------------------------- */

static const mitigation *find_mitigation(const char *name)
{
	for (size_t i = 0; i < N_MITIGATIONS; i++)
		if (!strcmp(mitigations[i].name, name))
			return &mitigations[i];
	return NULL;
}

size_t bb_mitigation_count(void) { return N_MITIGATIONS; }
const char *bb_mitigation_name(size_t i) { return i < N_MITIGATIONS ? mitigations[i].name : NULL; }
int bb_mitigation_known(const char *name) { return find_mitigation(name) != NULL; }

const char *bb_mitigation_summary(const char *name)
{
	const mitigation *m = find_mitigation(name);
	return m ? m->summary : "";
}

int bb_mitigation_env(const char *name, const char **var, const char **value)
{
	const mitigation *m = find_mitigation(name);
	if (!m || m->kind != ENV)
		return 0;
	*var = m->var;
	*value = m->value;
	return 1;
}

const char *bb_mitigation_setting(const char *name, const bb_diag_job *j, char *buf, size_t len)
{
	const mitigation *m = find_mitigation(name);
	if (!m) {
		snprintf(buf, len, "%s", name); /* a kernel override: already VAR=VALUE */
		return buf;
	}
	switch (m->kind) {
	case ENV: snprintf(buf, len, "%s=%s", m->var, m->value); break;
	case INNER1: snprintf(buf, len, "BLAS threads = 1"); break;
	case SHARED: snprintf(buf, len, "one shared copy of the library"); break;
	case FLAVOUR: snprintf(buf, len, "--backends %s", j ? j->spec : "<openmp build>"); break;
	case LLVM: snprintf(buf, len, "LLVM libomp as the application's OpenMP runtime"); break;
	case CORE_FREE: snprintf(buf, len, "BLAS threads = %d", j ? j->threads : 1); break;
	}
	return buf;
}

/* The OpenMP build of a catalog backend: "openblas" and "openblas-pthread" -> "openblas-openmp",
 * when the catalog has it and it is installed.  NULL otherwise (why says so). */
static const char *openmp_flavour(const char *name, char *why, size_t whylen)
{
	if (!name) {
		snprintf(why, whylen, "a library given by path has no known OpenMP build");
		return NULL;
	}
	char base[64];
	snprintf(base, sizeof(base), "%s", name);
	char *dash = strrchr(base, '-');
	if (dash && (!strcmp(dash, "-pthread") || !strcmp(dash, "-serial")))
		*dash = '\0';
	char flavour[80];
	snprintf(flavour, sizeof(flavour), "%s-openmp", base);
	const bb_catalog_entry *e = bb_catalog_find(flavour);
	if (!e || !strcmp(name, flavour)) {
		snprintf(why, whylen, "%s", e ? "the backend already is the OpenMP build"
					      : "the catalog has no OpenMP build of it");
		return NULL;
	}
	if (!bb_catalog_installed(e)) {
		snprintf(why, whylen, "%s is not installed (%s)", flavour, bb_catalog_source(e));
		return NULL;
	}
	return e->name;
}

int bb_diag_mitigate(bb_diag_job *j, const char *name, const bb_json *record, char *why,
		     size_t whylen)
{
	const mitigation *m = find_mitigation(name);
	if (!m) {
		snprintf(why, whylen, "unknown mitigation '%s'", name);
		return -1;
	}
	const char *layer = bb_json_str(bb_json_get(bb_json_get(record, "threads"), "layer"), NULL);
	const char *family = bb_json_str(bb_json_get(record, "family"), NULL);
	switch (m->kind) {
	case ENV:
		if (!strncmp(m->var, "OPENBLAS_", 9) && family && strcmp(family, "openblas")) {
			snprintf(why, whylen, "%s is read by OpenBLAS only", m->var);
			return 1;
		}
		if (!strncmp(m->var, "MKL_", 4) && (!family || strcmp(family, "mkl"))) {
			snprintf(why, whylen, "%s is read by MKL only", m->var);
			return 1;
		}
		if (getenv(m->var) && !strcmp(getenv(m->var), m->value)) {
			snprintf(why, whylen, "%s=%s is inherited from the environment: the unmitigated "
				 "run has it already", m->var, m->value);
			return 1;
		}
		bb_diag_job_add_env(j, m->var, m->value);
		break;
	case INNER1:
		if (layer && !strcmp(layer, "serial")) {
			snprintf(why, whylen, "the backend is single-threaded already");
			return 1;
		}
		j->inner_threads = 1;
		break;
	case SHARED:
		if (j->spec2 && j->pair_abi) {
			snprintf(why, whylen, "%s", j->pair_abi);
			return 1;
		}
		j->shared_copy = 1;
		break;
	case FLAVOUR: {
		if (layer && !strcmp(layer, "openmp")) {
			snprintf(why, whylen, "the backend is an OpenMP build already");
			return 1;
		}
		bb_backend_spec spec;
		char err[256];
		if (bb_spec_parse(j->spec, &spec, err, sizeof(err))) {
			snprintf(why, whylen, "%s", err);
			return 1;
		}
		const char *flavour = openmp_flavour(spec.name, why, whylen);
		if (flavour) {
			bb_strbuf sb = BB_STRBUF_INIT;
			bb_strbuf_adds(&sb, flavour);
			for (size_t i = 0; i < spec.n_env; i++)
				bb_strbuf_addf(&sb, "+%s=%s", spec.env[i].name, spec.env[i].value);
			free(j->spec);
			j->spec = bb_strbuf_detach(&sb, NULL);
		}
		bb_spec_release(&spec);
		if (!flavour)
			return 1;
		break;
	}
	case LLVM:
		if (!strcmp(j->omp, "llvm")) {
			snprintf(why, whylen, "the application's runtime is LLVM libomp already");
			return 1;
		}
		free(j->omp);
		j->omp = bb_xstrdup("llvm");
		break;
	case CORE_FREE:
		if (j->threads < 2) {
			snprintf(why, whylen, "the BLAS uses one core only");
			return 1;
		}
		j->threads--;
		break;
	}
	j->mitigation = m->name;
	return 0;
}

/* ---- kernel overrides ------------------------------------------------------------------------- */

/* Compare dotted version strings numerically ("0.9.0" < "1.0"; "1" == "1.0"). */
static int version_cmp(const char *a, const char *b)
{
	for (;;) {
		char *ea, *eb;
		long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);
		if (x != y)
			return x < y ? -1 : 1;
		int more_a = *ea == '.', more_b = *eb == '.';
		if (!more_a && !more_b)
			return 0;
		a = more_a ? ea + 1 : "0";
		b = more_b ? eb + 1 : "0";
	}
}

static size_t overrides_of(const char *family, const char *version, int this_cpu,
			   const bb_kernel_override **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof(overrides) / sizeof(overrides[0]) && n < max; i++) {
		const bb_kernel_override *o = &overrides[i];
		if (!family || strcmp(o->family, family))
			continue;
		int isa = bb_isa_from_name(o->isa);
		if (isa < 0 || (this_cpu && !bb_isa_supported((bb_isa)isa)))
			continue;
		if (version && o->from_version && version_cmp(version, o->from_version) < 0)
			continue;
		if (version && o->before_version && version_cmp(version, o->before_version) >= 0)
			continue;
		out[n++] = o;
	}
	return n;
}

size_t bb_kernel_overrides(const char *family, const char *version,
			   const bb_kernel_override **out, size_t max)
{
	return overrides_of(family, version, 1, out, max);
}

size_t bb_kernel_overrides_all(const char *family, const char *version,
			       const bb_kernel_override **out, size_t max)
{
	return overrides_of(family, version, 0, out, max);
}
