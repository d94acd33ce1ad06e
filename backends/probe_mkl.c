/*
 * oneMKL probes (see probe_mkl.h).  libmkl_rt is a dispatcher: on its first call it loads an
 * interface layer (libmkl_intel_lp64, _gf_lp64, ...: the integer width and the complex-return
 * convention), a threading layer (libmkl_intel_thread, _gnu_thread, _sequential, _tbb_thread)
 * with its runtime, libmkl_core, and on the first compute call one kernel library per ISA
 * (libmkl_avx512, libmkl_avx2, ..., libmkl_def for the generic path MKL takes on CPUs it
 * has no branch for).  What is in effect is read back from MKL and from the link map, never
 * assumed from the environment: MKL ignores a layer variable it does not understand.
 */
#include "backends/probe_mkl.h"

#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backends/catalog.h"
#include "common/error.h"

/* MKL_Get_Version's record (mkl_types.h's MKLVersion) */
typedef struct mkl_version {
	int major, minor, update;
	const char *product_status, *build, *processor, *platform;
} mkl_version;

/* The threading layers mkl_set_threading_layer reports, and the runtime each loads. */
static const struct {
	const char *name, *runtime, *generic;
} threading_layers[] = {
    {"intel", "libiomp5", "openmp"}, {"sequential", NULL, "serial"}, {"pgi", "libpgmp", "openmp"},
    {"gnu", "libgomp", "openmp"},    {"tbb", "libtbb", "tbb"},
};
#define N_LAYERS (sizeof(threading_layers) / sizeof(threading_layers[0]))

/* MKL_CBWR_* branch constants (mkl_cbwr.h) */
static const char *cbwr_name(int v)
{
	switch (v) {
	case 1:
		return "OFF";
	case 2:
		return "AUTO";
	case 3:
		return "COMPATIBLE";
	case 4:
		return "SSE2";
	case 6:
		return "SSSE3";
	case 7:
		return "SSE4_1";
	case 8:
		return "SSE4_2";
	case 9:
		return "AVX";
	case 10:
		return "AVX2";
	case 11:
		return "AVX512_MIC";
	case 12:
		return "AVX512";
	case 13:
		return "AVX512_MIC_E1";
	case 14:
		return "AVX512_E1";
	default:
		return NULL;
	}
}

static const char *branch_text(int v, char *buf, size_t len)
{
	const char *name = cbwr_name(v);
	if (!name)
		snprintf(buf, len, v < 0 ? "unknown" : "%d", v);
	return name ? name : buf;
}

/* After initialisation mkl_set_*_layer() change nothing and return the layer in effect;
 * -1 when the function is absent. */
static int layer_query(bb_backend *b, const char *fn)
{
	int (*q)(int) = (int (*)(int))bb_backend_sym_exact(b, fn);
	return q ? q(0) : -1;
}

static int threading_layer(bb_backend *b)
{
	return layer_query(b, "MKL_Set_Threading_Layer");
}

/* libmkl_<what>.so.N libraries that are not a per-ISA kernel library */
static int is_kernel_lib(const char *base)
{
	static const char *const not_kernel[] = {"rt.",         "core.", "intel_", "gf_",
	                                         "sequential.", "vml_",  "blacs",  "cdft",
	                                         "scalapack",   "sycl",  NULL};
	if (strncmp(base, "libmkl_", 7))
		return 0;
	const char *what = base + 7;
	for (size_t i = 0; not_kernel[i]; i++)
		if (!strncmp(what, not_kernel[i], strlen(not_kernel[i])))
			return 0;
	return !strstr(what, "_thread.");
}

typedef struct scan {
	char kernel[64];    /* "avx512", "def", ... */
	char interface[64]; /* "intel_lp64", "gf_lp64", ... */
	char threading[64]; /* "intel_thread", "sequential", ... */
} scan;

static void copy_what(char *dst, size_t len, const char *base)
{
	const char *what = base + 7;
	snprintf(dst, len, "%.*s", (int)strcspn(what, "."), what);
}

static int scan_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	scan *s = data;
	const char *slash = strrchr(info->dlpi_name, '/');
	const char *base = slash ? slash + 1 : info->dlpi_name;
	if (strncmp(base, "libmkl_", 7))
		return 0;
	if (is_kernel_lib(base) && !s->kernel[0])
		copy_what(s->kernel, sizeof(s->kernel), base);
	else if ((!strncmp(base + 7, "intel_", 6) || !strncmp(base + 7, "gf_", 3)) &&
	         !strstr(base, "_thread.") && !s->interface[0])
		copy_what(s->interface, sizeof(s->interface), base);
	else if ((strstr(base, "_thread.") || !strncmp(base + 7, "sequential.", 11)) &&
	         !s->threading[0])
		copy_what(s->threading, sizeof(s->threading), base);
	return 0;
}

/* One small dgemm through the probed ABI: MKL loads its kernel library on the first compute
 * call, not before. */
static void first_dgemm(bb_backend *b)
{
	if (!b->slots[BB_R_dgemm].supported || !b->int_bits)
		return;
	enum { N = 32 };
	static double a[N * N], c[N * N];
	double one = 1, zero = 0;
	if (b->int_bits == 64) {
		int64_t n = N;
		((void (*)(const char *, const char *, const int64_t *, const int64_t *,
		           const int64_t *, const double *, const double *, const int64_t *,
		           const double *, const int64_t *, const double *, double *,
		           const int64_t *))b->slots[BB_R_dgemm]
		     .fn)("N", "N", &n, &n, &n, &one, a, &n, a, &n, &zero, c, &n);
	} else {
		int32_t n = N;
		((void (*)(const char *, const char *, const int32_t *, const int32_t *,
		           const int32_t *, const double *, const double *, const int32_t *,
		           const double *, const int32_t *, const double *, double *,
		           const int32_t *))b->slots[BB_R_dgemm]
		     .fn)("N", "N", &n, &n, &n, &one, a, &n, a, &n, &zero, c, &n);
	}
}

/* Does mkl_set_num_threads_local(1) bound this thread's count, and does 0 lift it again? */
static const char *local_limit(bb_backend *b)
{
	int (*local)(int) = (int (*)(int))bb_backend_sym_exact(b, "MKL_Set_Num_Threads_Local");
	int (*max)(void) = (int (*)(void))bb_backend_sym_exact(b, "MKL_Get_Max_Threads");
	if (!local || !max)
		return "thread-local limit: no mkl_set_num_threads_local";
	int before = max();
	int prev = local(1);
	int limited = max();
	local(prev);
	int after = max();
	if (limited == 1 && after == before)
		return "thread-local limit honoured (mkl_set_num_threads_local)";
	bb_backend_note(b,
	                "mkl_set_num_threads_local(1): mkl_get_max_threads() went %d -> %d -> %d",
	                before, limited, after);
	return "thread-local limit not honoured";
}

void bb_mkl_info(bb_backend *b)
{
	/* the version as MKL's own string says it ("2026.2-Product"); the record has the build */
	void (*vstr)(char *, int) =
	    (void (*)(char *, int))bb_backend_sym_exact(b, "mkl_get_version_string");
	char buf[256] = "";
	if (vstr)
		vstr(buf, (int)sizeof(buf) - 1);
	const char *at = strstr(buf, "Version ");
	char tok[32];
	if (at && sscanf(at + 8, "%31s", tok) == 1)
		b->version = bb_xstrdup(tok);
	else
		bb_backend_note(b, "MKL version unknown: mkl_get_version_string gave '%s'", buf);
	void (*getv)(mkl_version *) =
	    (void (*)(mkl_version *))bb_backend_sym_exact(b, "MKL_Get_Version");
	mkl_version v = {0};
	if (getv)
		getv(&v);

	first_dgemm(b);
	scan s = {{0}, {0}, {0}};
	dl_iterate_phdr(scan_object, &s);

	int iface = layer_query(b, "MKL_Set_Interface_Layer");
	const char *iface_name = iface < 0   ? "unknown"
	                         : iface & 2 ? (iface & 1 ? "GNU,ILP64" : "GNU,LP64")
	                                     : (iface & 1 ? "ILP64" : "LP64");
	int tl = threading_layer(b);
	const char *tl_name = tl >= 0 && (size_t)tl < N_LAYERS ? threading_layers[tl].name : NULL;
	if (tl_name) {
		b->threading = bb_xstrdup(threading_layers[tl].generic);
		bb_verbose("  -> MKL threading layer %s (%s)", tl_name,
		           s.threading[0] ? s.threading : "?");
	} else {
		bb_backend_note(
		    b, "MKL threading layer unknown: mkl_set_threading_layer reported %d", tl);
	}

	/* the CNR branch in effect (MKL_CBWR; OFF by default) and the one AUTO would take here */
	int (*auto_branch)(void) =
	    (int (*)(void))bb_backend_sym_exact(b, "mkl_cbwr_get_auto_branch");
	int (*cbwr_get)(const int *) =
	    (int (*)(const int *))bb_backend_sym_exact(b, "mkl_cbwr_get");
	const int what = 1; /* MKL_CBWR_BRANCH */
	char abuf[32], cbuf[32];
	const char *aname = branch_text(auto_branch ? auto_branch() : -1, abuf, sizeof(abuf));
	int cur = cbwr_get ? cbwr_get(&what) : -1;
	const char *cname = branch_text(cur, cbuf, sizeof(cbuf));
	if (s.kernel[0]) {
		b->kernel =
		    cur > 1 ? bb_xasprintf("%s, CNR %s", s.kernel, cname) : bb_xstrdup(s.kernel);
		bb_verbose(
		    "  -> MKL dispatched dgemm to libmkl_%s; CNR branch %s (AUTO would take %s)",
		    s.kernel, cname, aname);
	} else {
		bb_backend_note(
		    b, "MKL kernel unknown: no libmkl_<isa> library loaded after one dgemm");
	}
	b->config = bb_xasprintf(
	    "oneMKL %d.%d.%d build %s for %s; interface %s (%s)%s, threading "
	    "%s (%s); CNR branch %s, mkl_cbwr_get_auto_branch() = %s; %s",
	    v.major, v.minor, v.update, v.build ? v.build : "?", v.processor ? v.processor : "?",
	    iface_name, s.interface[0] ? s.interface : "not loaded",
	    !strcmp(b->suffix, "_64") ? " for unsuffixed names, ILP64 for the _64 ones" : "",
	    tl_name ? tl_name : "unknown", s.threading[0] ? s.threading : "not loaded", cname,
	    aname, local_limit(b));
}

void bb_mkl_preload_runtime(bb_backend *b)
{
	const char *layer = getenv("MKL_THREADING_LAYER");
	if (!layer || strcasecmp(layer, "TBB") ||
	    !bb_backend_sym_exact(b, "mkl_get_version_string"))
		return;
	char *tbb = bb_libpath_search("libtbb.so.12");
	if (tbb && dlopen(tbb, RTLD_NOW | RTLD_LOCAL))
		bb_verbose("  -> MKL_THREADING_LAYER=TBB: %s mapped for MKL's TBB layer", tbb);
	else
		bb_backend_note(b, "MKL_THREADING_LAYER=TBB: %s",
		                tbb ? dlerror() : "no libtbb.so.12 found");
	free(tbb);
}

int bb_mkl_get_threads(bb_backend *b)
{
	int (*get)(void) = (int (*)(void))bb_backend_sym_exact(b, "MKL_Get_Max_Threads");
	return get ? get() : 0;
}

void bb_mkl_set_threads(bb_backend *b, int n)
{
	void (*set)(int) = (void (*)(int))bb_backend_sym_exact(b, "MKL_Set_Num_Threads");
	if (set)
		set(n);
}

int bb_mkl_runtime_object(bb_backend *b, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (!strncmp(base, "libmkl_", 7))
		return 1;
	int tl = threading_layer(b);
	const char *rt = tl >= 0 && (size_t)tl < N_LAYERS ? threading_layers[tl].runtime : NULL;
	return rt && !strncmp(base, rt, strlen(rt)) && base[strlen(rt)] == '.';
}
