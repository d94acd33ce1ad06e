/*
 * ABI probes, by behaviour: symbol naming (prefix/suffix), integer width (LP64 or ILP64),
 * how REAL and COMPLEX functions return, CBLAS and LAPACK presence.  Each call is arranged so
 * that the wrong hypothesis is harmless (see each probe), and a probe that cannot tell leaves
 * the property unknown rather than guessing.
 */
#include "backends/backend.h"

#include <complex.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"

void (*bb_backend_stage_hook)(const char *stage);

void bb_backend_stage(const char *stage)
{
	bb_verbose(" probing %s", stage);
	if (bb_backend_stage_hook)
		bb_backend_stage_hook(stage);
}

static const char *const prefixes[] = {"", "scipy_"};
static const char *const suffixes[] = {"_", "64_", "_64_", "_64", ""};
/* routines whose presence identifies the naming scheme */
static const char *const key_routines[] = {"dgemm", "isamax", "ddot", "dgetrf", "dpotrf"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void *bb_backend_sym(const bb_backend *b, const char *base)
{
	char name[64];
	snprintf(name, sizeof(name), "%s%s%s", b->prefix, base, b->suffix);
	return bb_backend_sym_exact(b, name);
}

/* OpenBLAS built with SYMBOLPREFIX/SYMBOLSUFFIX (the scipy-openblas wheels) renames its own
 * entry points too: scipy_openblas_get_config64_ beside scipy_dgemm_64_.  The build's suffix is
 * the Fortran suffix without its leading underscore ("_64_" -> "64_", "_" -> ""). */
static void *sym_in(const bb_backend *b, size_t i, const char *name)
{
	return b->handles[i] ? dlsym(b->handles[i], name) : NULL;
}

void *bb_backend_sym_vendor_in(const bb_backend *b, size_t i, const char *name)
{
	void *p = sym_in(b, i, name);
	if (p || b->suffix_known != BB_YES)
		return p;
	const char *s = b->suffix;
	const char *build = !strcmp(s, "_") ? "" : (s[0] == '_' && s[1]) ? s + 1 : s;
	char full[96];
	snprintf(full, sizeof(full), "%s%s%s", b->prefix, name, build);
	p = sym_in(b, i, full);
	if (!p && strcmp(build, s)) {
		snprintf(full, sizeof(full), "%s%s%s", b->prefix, name, s);
		p = sym_in(b, i, full);
	}
	return p;
}

void *bb_backend_sym_vendor(const bb_backend *b, const char *name)
{
	for (int pass = 1; pass >= 0; pass--)
		for (size_t i = 0; i < b->n_files; i++)
			if (b->own[i] == pass) {
				void *p = bb_backend_sym_vendor_in(b, i, name);
				if (p)
					return p;
			}
	return NULL;
}

static int probe_naming(bb_backend *b, char *err, size_t errlen)
{
	size_t best = 0, best_p = 0, best_s = 0;
	/* a catalog entry may name one of several schemes a library exports (MKL: dgemm_64) */
	const char *want = b->entry && (b->entry->flags & BB_CAT_SUFFIX_64) ? "_64" : NULL;
	for (size_t p = 0; p < COUNT(prefixes); p++)
		for (size_t s = 0; s < COUNT(suffixes); s++) {
			if (want && strcmp(want, suffixes[s]))
				continue;
			size_t found = 0;
			for (size_t k = 0; k < COUNT(key_routines); k++) {
				char name[64];
				snprintf(name, sizeof(name), "%s%s%s", prefixes[p], key_routines[k],
					 suffixes[s]);
				found += bb_backend_sym_exact(b, name) != NULL;
			}
			if (found > best) {
				best = found;
				best_p = p;
				best_s = s;
			}
		}
	if (!best && want) {
		snprintf(err, errlen, "exports no BLAS or LAPACK symbols with suffix '%s' (looked for "
			 "dgemm%s, isamax%s, ddot%s, dgetrf%s, dpotrf%s)", want, want, want, want, want, want);
		return -1;
	}
	if (!best) {
		snprintf(err, errlen,
			 "exports no BLAS or LAPACK symbols (looked for dgemm_, isamax_, ddot_, "
			 "dgetrf_, dpotrf_ with suffixes _, 64_, _64_, _64 and none)");
		return -1;
	}
	snprintf(b->prefix, sizeof(b->prefix), "%s", prefixes[best_p]);
	snprintf(b->suffix, sizeof(b->suffix), "%s", suffixes[best_s]);
	b->suffix_known = BB_YES;
	bb_verbose("  -> symbols named %sdgemm%s", b->prefix, b->suffix);
	return 0;
}

static void fill_slots(bb_backend *b)
{
	for (int r = 0; r < BB_ROUTINE_COUNT; r++) {
		char name[64];
		snprintf(name, sizeof(name), "%.15s%.20s%.7s", b->prefix, bb_routines[r].name, b->suffix);
		/* a layered LAPACK's routines come from it, not from a BLAS that has its own */
		void *p = NULL;
		if (b->lapack_file >= 0 && bb_routines[r].layer == BB_LAYER_LAPACK)
			p = dlsym(b->handles[b->lapack_file], name);
		if (!p)
			p = bb_backend_sym_exact(b, name);
		if (!p)
			continue;
		b->slots[r].fn = (bb_fn)p;
		b->slots[r].supported = 1;
		snprintf(b->slots[r].symbol, sizeof(b->slots[r].symbol), "%s", name);
	}
}

/*
 * LP64 or ILP64: call i?amax with an 8-byte n whose low half is 3 and whose high half is all
 * ones.  An LP64 library reads n = 3 and returns the index of the largest |x| (3); an ILP64
 * library reads a negative n and returns 0 without touching x.  Either way nothing is read out
 * of bounds.  A first call with n = 2 (the same under both readings) checks the routine works.
 */
static void probe_int_width(bb_backend *b)
{
	bb_backend_stage("integer width");
	typedef int64_t (*isamax_fn)(const int64_t *n, const float *x, const int64_t *incx);
	typedef int64_t (*idamax_fn)(const int64_t *n, const double *x, const int64_t *incx);
	int64_t one = 1, two = 2;
	int64_t tricky = (int64_t)((UINT64_C(0xFFFFFFFF) << 32) | 3u);
	int64_t sane, r;
	if (b->slots[BB_R_isamax].supported) {
		isamax_fn f = (isamax_fn)b->slots[BB_R_isamax].fn;
		float xs[3] = {1.0f, -9.0f, 3.0f}, xt[3] = {1.0f, -2.0f, 7.0f};
		sane = f(&two, xs, &one);
		r = f(&tricky, xt, &one);
	} else if (b->slots[BB_R_idamax].supported) {
		idamax_fn f = (idamax_fn)b->slots[BB_R_idamax].fn;
		double xs[3] = {1.0, -9.0, 3.0}, xt[3] = {1.0, -2.0, 7.0};
		sane = f(&two, xs, &one);
		r = f(&tricky, xt, &one);
	} else {
		bb_backend_note(b, "integer width unknown: no isamax/idamax to probe with");
		return;
	}
	if ((int32_t)sane != 2) {
		bb_backend_note(b, "integer width unknown: i?amax(n=2) returned %d, expected 2",
				(int)(int32_t)sane);
		return;
	}
	if ((int32_t)r == 3) {
		b->int_bits = 32;
		bb_verbose("  -> detected LP64 (32-bit integers)");
	} else if (r == 0) {
		b->int_bits = 64;
		bb_verbose("  -> detected ILP64 (64-bit integers)");
	} else {
		bb_backend_note(b, "integer width unknown: i?amax returned %lld for the probe",
				(long long)r);
	}
}

/*
 * REAL functions: call sdot on one pair (1.5 * 2.0 = 3.0) through a float-returning pointer.
 * gfortran's convention gives 3.0f; an f2c/g77 library returns a double, whose low 32 bits
 * read as a float are 0.0f; then the double-returning reading must give 3.0.
 */
static void probe_real_return(bb_backend *b)
{
	bb_backend_stage("REAL function return convention");
	if (!b->slots[BB_R_sdot].supported || !b->int_bits) {
		bb_backend_note(b, "REAL return convention unknown: %s",
				b->int_bits ? "no sdot to probe with" : "integer width unknown");
		return;
	}
	typedef float (*sdot_f)(const int64_t *, const float *, const int64_t *, const float *,
				const int64_t *);
	typedef double (*sdot_d)(const int64_t *, const float *, const int64_t *, const float *,
				 const int64_t *);
	int64_t n = 1, inc = 1;
	float x[1] = {1.5f}, y[1] = {2.0f};
	float rf = ((sdot_f)b->slots[BB_R_sdot].fn)(&n, x, &inc, y, &inc);
	if (rf == 3.0f) {
		b->real_return = BB_REAL_FLOAT;
		bb_verbose("  -> REAL functions return float (gfortran convention)");
		return;
	}
	double rd = ((sdot_d)b->slots[BB_R_sdot].fn)(&n, x, &inc, y, &inc);
	if (rd == 3.0) {
		b->real_return = BB_REAL_DOUBLE;
		bb_verbose("  -> REAL functions return double (f2c/g77 convention)");
		return;
	}
	bb_backend_note(b, "REAL return convention unknown: sdot gave %g (as float), %g (as double)",
			(double)rf, rd);
}

/*
 * COMPLEX functions: first call zdotc as if the result went through a hidden first argument,
 * with that buffer filled with 0xFF bytes.  A register-returning library then reads the
 * buffer as n = -1 and returns at once without writing anything; a hidden-argument library
 * writes conj(1+2i)*(3+4i) = 11-2i into it.  Only then is the register-returning call made.
 */
static void probe_complex_return(bb_backend *b)
{
	bb_backend_stage("COMPLEX function return convention");
	if (!b->slots[BB_R_zdotc].supported || !b->int_bits) {
		bb_backend_note(b, "COMPLEX return convention unknown: %s",
				b->int_bits ? "no zdotc to probe with" : "integer width unknown");
		return;
	}
	typedef void (*zdotc_hidden)(double complex *, const int64_t *, const double complex *,
				     const int64_t *, const double complex *, const int64_t *);
	typedef double complex (*zdotc_reg)(const int64_t *, const double complex *, const int64_t *,
					    const double complex *, const int64_t *);
	int64_t n = 1, inc = 1;
	double complex x[1] = {1.0 + 2.0 * I}, y[1] = {3.0 + 4.0 * I};
	double complex want = 11.0 - 2.0 * I;
	double complex ret;
	memset(&ret, 0xFF, sizeof(ret));
	((zdotc_hidden)b->slots[BB_R_zdotc].fn)(&ret, &n, x, &inc, y, &inc);
	if (ret == want) {
		b->complex_return = BB_COMPLEX_HIDDEN_ARG;
		bb_verbose("  -> COMPLEX functions return through a hidden first argument");
		return;
	}
	double complex r = ((zdotc_reg)b->slots[BB_R_zdotc].fn)(&n, x, &inc, y, &inc);
	if (r == want) {
		b->complex_return = BB_COMPLEX_REGISTERS;
		bb_verbose("  -> COMPLEX functions return in registers (gfortran convention)");
		return;
	}
	bb_backend_note(b, "COMPLEX return convention unknown: zdotc gave %g%+gi", creal(r), cimag(r));
}

int bb_backend_probe_abi(bb_backend *b, char *err, size_t errlen)
{
	if (b->entry && (b->entry->flags & BB_CAT_BUILTIN))
		return 0; /* known by construction */
	bb_backend_stage("symbol names");
	if (probe_naming(b, err, errlen))
		return -1;
	fill_slots(b);
	probe_int_width(b);
	probe_real_return(b);
	probe_complex_return(b);
	b->cblas = bb_backend_sym_exact(b, "cblas_dgemm") || bb_backend_sym_exact(b, "cblas_sgemm")
			   ? BB_YES
			   : BB_NO;
	b->lapack = b->slots[BB_R_dgetrf].supported || b->slots[BB_R_sgetrf].supported ? BB_YES : BB_NO;
	return 0;
}

int bb_backend_abi_known(const bb_backend *b, bb_routine r)
{
	if (!b->slots[r].supported || b->suffix_known != BB_YES || !b->int_bits)
		return 0;
	switch (bb_routines[r].result) {
	case BB_RESULT_REAL:
		return b->real_return != BB_REAL_UNKNOWN;
	case BB_RESULT_COMPLEX:
		return b->complex_return != BB_COMPLEX_UNKNOWN;
	default:
		return 1;
	}
}
