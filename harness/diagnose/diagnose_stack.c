/*
 * What the probes alone say about a stack (see bb_diag_stack_flags in diagnose_findings.h):
 * read from the probed record (every shared object in the link map with its soname, real path
 * and SHA-256; the threading layer and the thread count read back; the file LAPACK's dgemm
 * was bound to), without running anything.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness/diagnose/diagnose_env.h"
#include "harness/diagnose/diagnose_findings.h"

/* The OpenMP runtimes by soname stem, once: what each is called in a finding.  Wheels vendor
 * renamed copies ("libgomp-a34b3233.so.1.0.0"), so the stem may be followed by '.' or '-'. */
static const struct {
	const char *stem, *name;
} omp_runtimes[] = {
    {"libgomp", "GCC libgomp"},
    {"libomp", "LLVM libomp"},
    {"libiomp5", "Intel libiomp5"},
};

static const char *omp_runtime_of(const char *soname)
{
	for (size_t i = 0; soname && i < sizeof(omp_runtimes) / sizeof(omp_runtimes[0]); i++) {
		size_t n = strlen(omp_runtimes[i].stem);
		if (!strncmp(soname, omp_runtimes[i].stem, n) &&
		    (soname[n] == '.' || soname[n] == '-'))
			return omp_runtimes[i].name;
	}
	return NULL;
}

static const char *obj_str(const bb_json *o, const char *key)
{
	return bb_json_str(bb_json_get(o, key), NULL);
}

static void flag(bb_diag_report *r, bb_diag_level level, const char *alias, const char *spec,
                 const char *name, const char *title, const char *seen, const char *mechanism,
                 const char *fix)
{
	bb_diag_finding *f = bb_diag_add_finding(r, level, level == BB_DIAG_WARNING ? 1.0 : 0.5,
	                                         "stack", alias, name);
	bb_diag_set(&f->title, "%s: %s", alias, title);
	bb_diag_set(&f->seen, "%s", seen);
	bb_diag_set(&f->mechanism, "%s", mechanism);
	if (fix)
		bb_diag_set(&f->fix, "%s", fix);
	bb_diag_set(&f->reproduce, "blasbench list --backends '%s' --json", spec);
}

/* Two OpenMP runtimes among the objects: two kinds, or two copies of one kind. */
static void two_runtimes(bb_diag_report *r, const char *alias, const char *spec,
                         const bb_json *objects)
{
	const char *first = NULL, *first_path = NULL;
	for (size_t i = 0; i < bb_json_len(objects); i++) {
		const bb_json *o = bb_json_at(objects, i);
		const char *rt = omp_runtime_of(obj_str(o, "soname"));
		const char *path = obj_str(o, "realpath") ? obj_str(o, "realpath") : "?";
		if (!rt)
			continue;
		if (!first) {
			first = rt;
			first_path = path;
			continue;
		}
		if (!strcmp(first_path, path))
			continue;
		char seen[1200], title[128];
		snprintf(seen, sizeof(seen), "the stack loads %s (%s) and %s (%s)", first,
		         first_path, rt, path);
		if (strcmp(first, rt))
			snprintf(title, sizeof(title), "two OpenMP runtimes in one stack");
		else
			snprintf(title, sizeof(title), "two copies of %s in one stack", rt);
		flag(r, BB_DIAG_WARNING, alias, spec, "two-openmp-runtimes", title, seen,
		     "each runtime keeps its own thread team; with both active the process runs "
		     "twice as many threads as cores, each spinning while the other works "
		     "(see the mixed-omp scenario)",
		     "build every part against one runtime, or set OMP_WAIT_POLICY=passive");
		return;
	}
}

/* The same library mapped twice: one SHA-256 or one soname at two real paths. */
static void same_library_twice(bb_diag_report *r, const char *alias, const char *spec,
                               const bb_json *objects)
{
	size_t n = bb_json_len(objects);
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++) {
			const bb_json *a = bb_json_at(objects, i), *b = bb_json_at(objects, k);
			const char *ra = obj_str(a, "realpath"), *rb = obj_str(b, "realpath");
			const char *ha = obj_str(a, "sha256"), *hb = obj_str(b, "sha256");
			const char *sa = obj_str(a, "soname"), *sb = obj_str(b, "soname");
			if (!ra || !rb || !strcmp(ra, rb))
				continue;
			int same_hash = ha && hb && !strcmp(ha, hb);
			int same_soname = sa && sb && !strcmp(sa, sb);
			if (!same_hash && !same_soname)
				continue;
			char seen[1200];
			snprintf(seen, sizeof(seen), "%s and %s are %s", ra, rb,
			         same_hash ? "the same file (same SHA-256) at two paths"
			                   : "two libraries with the same soname");
			flag(
			    r, BB_DIAG_WARNING, alias, spec, "library-twice",
			    "the same library loaded twice", seen,
			    "two copies keep two sets of global state: two thread pools for a BLAS "
			    "(see the dual-pool scenario, scipy#15050), two thread teams for an "
			    "OpenMP runtime",
			    "make every part of the stack link one copy");
			return;
		}
}

/* 1 when path is the real path of one of the files the backend names (its own library, or a
 * dependency its catalog entry loads on purpose, as libflame's BLIS). */
static int backend_file(const bb_json *record, const char *path)
{
	const bb_json *files = bb_json_get(record, "files"),
	              *objects = bb_json_get(record, "objects");
	for (size_t i = 0; i < bb_json_len(objects); i++) {
		const bb_json *o = bb_json_at(objects, i);
		const char *rp = obj_str(o, "realpath"), *p = obj_str(o, "path");
		if (!rp || strcmp(rp, path))
			continue;
		if (bb_json_bool(bb_json_get(o, "own"), 0))
			return 1;
		for (size_t k = 0; p && k < bb_json_len(files); k++)
			if (!strcmp(bb_json_str(bb_json_get(bb_json_at(files, k), "path"), ""), p))
				return 1;
	}
	return 0;
}

void bb_diag_stack_flags(bb_diag_report *r, const char *alias, const char *spec,
                         const bb_json *record, const char *lapack_blas_layer)
{
	const bb_json *objects = bb_json_get(record, "objects");
	const bb_json *th = bb_json_get(record, "threads");
	const char *layer = bb_json_str(bb_json_get(th, "layer"), NULL);
	const char *omp = bb_json_str(bb_json_get(record, "omp_runtime"), NULL);
	const char *lapack_blas = bb_json_str(bb_json_get(record, "lapack_blas"), NULL);
	const char *wait = getenv("OMP_WAIT_POLICY");
	int passive = wait && !strcasecmp(wait, "passive");
	char seen[1200];

	two_runtimes(r, alias, spec, objects);
	same_library_twice(r, alias, spec, objects);

	/* pthreads and OpenMP layers in one stack */
	if (layer && !strcmp(layer, "pthreads") && omp) {
		snprintf(
		    seen, sizeof(seen),
		    "the BLAS runs its own pthreads pool while the stack also loads the OpenMP "
		    "runtime %s",
		    omp);
		flag(r, BB_DIAG_WARNING, alias, spec, "mixed-layers",
		     "pthreads BLAS and OpenMP in one stack", seen,
		     passive
		         ? "the OpenMP team and the BLAS pool are two sets of threads; the BLAS "
		           "pool spins after its work and takes the cores from the OpenMP team "
		           "(whose threads OMP_WAIT_POLICY=passive, inherited, puts to sleep; see "
		           "omp-handover, OpenBLAS#3187)"
		         : "the OpenMP team and the BLAS pool are two sets of threads that spin "
		           "after their work and take the cores from each other (see "
		           "omp-handover, OpenBLAS#3187)",
		     passive
		         ? "use the OpenMP build of the BLAS (OMP_WAIT_POLICY=passive is inherited "
		           "already)"
		         : "use the OpenMP build of the BLAS, or OMP_WAIT_POLICY=passive");
	} else if (lapack_blas_layer && !strcmp(lapack_blas_layer, "pthreads") &&
	           ((layer && !strcmp(layer, "openmp")) || omp)) {
		snprintf(
		    seen, sizeof(seen),
		    "LAPACK is threaded with OpenMP (%s) but its dgemm is %s, a pthreads build",
		    omp ? omp : "openmp", lapack_blas ? lapack_blas : "?");
		flag(r, BB_DIAG_WARNING, alias, spec, "mixed-layers",
		     "OpenMP LAPACK over a pthreads BLAS", seen,
		     "LAPACK's OpenMP team and the BLAS's pthreads pool both start threads for "
		     "one factorization; with more threads than cores each waits for the other",
		     "use the OpenMP build of the BLAS under it");
	}

	/* LAPACK bound to another BLAS than the backend's own */
	if (lapack_blas && bb_json_bool(bb_json_get(bb_json_get(record, "abi"), "lapack"), 0) &&
	    !backend_file(record, lapack_blas) &&
	    !bb_diag_env_preloaded(lapack_blas)) { /* then LD_PRELOAD is the cause, flagged apart */
		snprintf(seen, sizeof(seen),
		         "LAPACK's calls to dgemm go to %s, not to a file of '%s'", lapack_blas,
		         spec);
		flag(r, BB_DIAG_WARNING, alias, spec, "lapack-other-blas",
		     "LAPACK bound to another BLAS", seen,
		     "the dynamic linker resolved LAPACK's BLAS symbols to the first library "
		     "that defines them (Debian's alternatives may point libblas.so.3 elsewhere): "
		     "LAPACK speed and threading are that library's",
		     "check `update-alternatives --display libblas.so.3-x86_64-linux-gnu`, or name "
		     "the intended BLAS explicitly");
	}

	/* a thread count that did not take */
	long long req = bb_json_int(bb_json_get(th, "requested"), 0);
	long long eff = bb_json_int(bb_json_get(th, "effective"), 0);
	if (req > 0 && eff > 0 && req != eff) {
		int serial = layer && !strcmp(layer, "serial");
		snprintf(seen, sizeof(seen), "%lld thread%s asked for; the library reports %lld%s",
		         req, req == 1 ? " was" : "s were", eff,
		         serial ? " (a single-threaded build)" : "");
		flag(r, serial ? BB_DIAG_INFO : BB_DIAG_WARNING, alias, spec, "threads-not-set",
		     "the thread setting did not take", seen,
		     serial ? "a single-threaded build ignores thread settings: it uses one core"
		            : "the library ignored or capped the count set through its API and "
		              "environment (a build-time maximum, or a variable it does not read)",
		     serial ? "use a threaded build to use every core" : NULL);
	}
}
