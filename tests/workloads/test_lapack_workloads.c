/*
 * The LAPACK workloads (getrf, potrf, geqrf, gesv, syevd, gesdd) against one real library, in
 * this process: test_lapack_workloads BACKEND (a catalog name), or --unit for the parts that
 * need no library (complete, validate, flop counts).
 * For every precision and a few shapes (square, tall, wide, padded leading dimensions, each
 * jobz / uplo): create, reset, run every copy, and the check passes, again after a reset.
 * Then faults are planted in copy 0's outputs, one at a time: the largest element of each
 * checked output off by 1e-3 relative, then a NaN; each must be reported wrong and pass again
 * once restored.  potrf on a matrix that is not positive definite must report the info.
 * Prints the largest residual of correct results and the smallest of planted faults per
 * routine.  Every LAPACK workload of the catalog (family lapack) must have shapes here: a new
 * one fails this test, --unit included, until it has.  Exits 77 when the backend is not
 * installed.
 */
#include <complex.h>

#include "backends/backend.h"
#include "workloads/data.h"
#include "workloads/lapack/lapack_check.h"
#include "workloads/workload.h"
#include "test_util.h"

#define COPIES 2
#define SEED 20240607u

static const char precs[] = "sdcz";

/* The catalog's size, from catalog.def itself. */
enum {
	N_CATALOG = 0
#define BB_WORKLOAD(n) +1
#include "workloads/catalog.def"
#undef BB_WORKLOAD
};

/* Shapes per LAPACK workload (complete() fills the rest): square, tall, wide, padded leading
 * dimensions, each jobz / uplo. */
#define MAX_SHAPES 8
static const struct {
	const char *name;
	bb_shape s[MAX_SHAPES]; /* up to the first with neither m nor n */
} cases[] = {
    {"getrf", {{.n = 33}, {.n = 96, .lda = 99}, {.m = 96, .n = 40}, {.m = 40, .n = 96, .lda = 41}}},
    {"potrf", {{.n = 33}, {.n = 96, .uplo = 'L', .lda = 101}}},
    {"geqrf", {{.n = 33}, {.n = 96, .lda = 97}, {.m = 96, .n = 40}, {.m = 40, .n = 96}}},
    {"gesv", {{.n = 33}, {.n = 96, .nrhs = 3, .lda = 98, .ldb = 100}}},
    {"syevd",
     {{.n = 33},
      {.n = 96, .uplo = 'L', .lda = 97},
      {.n = 33, .jobz = 'N'},
      {.n = 96, .jobz = 'N', .uplo = 'L'}}},
    {"gesdd",
     {{.n = 33},
      {.n = 96, .lda = 98},
      {.m = 96, .n = 40},
      {.m = 40, .n = 96, .jobz = 'A'},
      {.m = 96, .n = 40, .jobz = 'O'},
      {.m = 40, .n = 96, .jobz = 'O'},
      {.m = 96, .n = 33, .jobz = 'N'}}},
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* per workload (catalog index) and precision: largest residual of a correct result, smallest
 * of a fault, and the smallest ratio of a caught fault's residual to the limit it exceeded */
static double ok_max[N_CATALOG][4], fault_min[N_CATALOG][4], margin_min[N_CATALOG][4];

static int is_lapack(const bb_workload *w)
{
	return !strcmp(w->family, "lapack");
}

/* The shapes of workload w (a row of cases[]), NULL when it has none. */
static const bb_shape *shapes_of(const bb_workload *w)
{
	for (size_t i = 0; i < N_CASES; i++)
		if (!strcmp(cases[i].name, w->name))
			return cases[i].s;
	return NULL;
}

/* Every row of cases[] names a LAPACK workload and every LAPACK workload of the catalog has a
 * row; the catalog has some (none fails too). */
static void check_coverage(void)
{
	BB_CHECK_INT(bb_workload_count(), N_CATALOG);
	for (size_t i = 0; i < N_CASES; i++) {
		const bb_workload *w = bb_workload_find(cases[i].name);
		if (!w || !is_lapack(w))
			fprintf(stderr, "  shapes for '%s', not a LAPACK workload\n",
			        cases[i].name);
		BB_CHECK(w && is_lapack(w));
	}
	size_t n = 0;
	for (size_t i = 0; i < bb_workload_count(); i++) {
		const bb_workload *w = bb_workload_at(i);
		if (!is_lapack(w))
			continue; /* test_blas_workloads */
		n++;
		if (!shapes_of(w))
			fprintf(stderr, "  %s: no shapes in this test\n", w->name);
		BB_CHECK(shapes_of(w) != NULL);
	}
	BB_CHECK(n > 0);
}

static void describe(const char *wname, char prec, const bb_shape *s, char *buf, size_t len)
{
	snprintf(buf, len, "%c%s m=%ld n=%ld nrhs=%ld lda=%ld ldb=%ld uplo=%c jobz=%c", prec, wname,
	         s->m, s->n, s->nrhs, s->lda, s->ldb, s->uplo ? s->uplo : '-',
	         s->jobz ? s->jobz : '-');
}

/* The element of largest magnitude within the output's part; its index. */
static size_t largest(const bb_lapack_output *o)
{
	size_t best = 0;
	long double bv = -1;
	for (long j = 0; j < o->n; j++) {
		long lo = o->part == 'L' ? j : 0;
		long hi = o->part == 'U' ? (j < o->m - 1 ? j : o->m - 1) : o->m - 1;
		for (long i = lo; i <= hi; i++) {
			size_t idx = (size_t)(i + j * o->ld);
			long double v = cabsl(bb_elem(o->prec, o->p, idx));
			if (v > bv) {
				bv = v;
				best = idx;
			}
		}
	}
	return best;
}

static int check(bb_instance *in, double *res, char *why, size_t len)
{
	why[0] = '\0';
	return bb_instance_check(in, res, why, len);
}

/* Plant faults in every checked output of copy 0: each must be caught, each restored. */
static void plant_faults(bb_instance *in, size_t wi, int pi, const char *label)
{
	bb_lapack_output out[BB_LAPACK_MAX_OUTPUTS];
	int n = bb_lapack_outputs(in, 0, out);
	BB_CHECK(n >= 1);
	char why[256];
	double res;
	for (int k = 0; k < n; k++) {
		const bb_lapack_output *o = &out[k];
		size_t idx = largest(o);
		bb_xc v = bb_elem(o->prec, o->p, idx);
		bb_set_elem(o->prec, o->p, idx, v * (1 + 1e-3L));
		int rc = check(in, &res, why, sizeof(why));
		BB_CHECK_INT(rc, 1);
		if (rc != 1)
			fprintf(stderr, "  %s: %s(%zu) * (1 + 1e-3) not caught: residual %.3g\n",
			        label, o->name, idx, res);
		else {
			double r, lim;
			const char *at = strstr(why, "residual ");
			if (res < fault_min[wi][pi])
				fault_min[wi][pi] = res;
			if (at && sscanf(at, "residual %lf exceeds %lf", &r, &lim) == 2 &&
			    r / lim < margin_min[wi][pi])
				margin_min[wi][pi] = r / lim;
		}
		bb_set_elem(o->prec, o->p, idx, NAN);
		rc = check(in, &res, why, sizeof(why));
		BB_CHECK_INT(rc, 1);
		BB_CHECK(strstr(why, "not finite") != NULL);
		bb_set_elem(o->prec, o->p, idx, v);
		rc = check(in, &res, why, sizeof(why));
		BB_CHECK_INT(rc, 0);
		if (rc)
			fprintf(stderr, "  %s: restored %s still wrong: %s\n", label, o->name, why);
	}
}

static void one_case(bb_backend *b, size_t wi, char prec, bb_shape s)
{
	const bb_workload *w = bb_workload_at(wi);
	const char *wname = w->name;
	int pi = bb_prec_index(prec);
	char label[160], why[256], err[256];
	w->complete(&s);
	describe(wname, prec, &s, label, sizeof(label));
	BB_CHECK_INT(w->validate(&s, why, sizeof(why)), 0);
	bb_instance *in = bb_instance_create(w, prec, &s, b, COPIES, SEED, err, sizeof(err));
	BB_CHECK(in != NULL);
	if (!in) {
		fprintf(stderr, "  %s: create: %s\n", label, err);
		return;
	}
	double res = -1;
	for (int round = 0; round < 2; round++) { /* the second shows reset() restores inputs */
		bb_instance_reset(in);
		for (int i = 0; i < COPIES; i++)
			bb_instance_run(in, i);
		int rc = check(in, &res, why, sizeof(why));
		BB_CHECK_INT(rc, 0);
		if (rc)
			fprintf(stderr, "  %s: %s\n", label, why);
		else if (res > ok_max[wi][pi])
			ok_max[wi][pi] = res;
	}
	if (getenv("BB_TEST_VERBOSE"))
		printf("%-70s residual %.3g\n", label, res);
	plant_faults(in, wi, pi, label);
	bb_instance_destroy(in);
}

/* potrf on a matrix whose leading minor of order n/2 + 1 is not positive definite. */
static void potrf_not_definite(bb_backend *b, char prec, char uplo)
{
	const bb_workload *w = bb_workload_find("potrf");
	bb_shape s = {.n = 33, .uplo = uplo};
	w->complete(&s);
	char err[256], why[256], want[64];
	bb_instance *in = bb_instance_create(w, prec, &s, b, 1, SEED, err, sizeof(err));
	BB_CHECK(in != NULL);
	if (!in)
		return;
	bb_instance_reset(in);
	bb_lapack_output o[BB_LAPACK_MAX_OUTPUTS];
	bb_lapack_outputs(in, 0, o); /* the matrix is the input as well */
	long j = s.n / 2;
	bb_set_elem(prec, o[0].p, (size_t)(j + j * o[0].ld), -1);
	bb_instance_run(in, 0);
	double res;
	BB_CHECK_INT(check(in, &res, why, sizeof(why)), 1);
	snprintf(want, sizeof(want), "info = %ld", j + 1);
	BB_CHECK(strstr(why, want) != NULL);
	if (!strstr(why, want))
		fprintf(stderr, "  %cpotrf uplo=%c: expected '%s' in '%s'\n", prec, uplo, want,
		        why);
	bb_instance_destroy(in);
}

static void run_all(bb_backend *b)
{
	check_coverage();
	size_t n_workloads = bb_workload_count() < N_CATALOG ? bb_workload_count() : N_CATALOG;
	for (const char *p = precs; *p; p++) {
		char c = *p;
		for (size_t wi = 0; wi < n_workloads; wi++) {
			const bb_workload *w = bb_workload_at(wi);
			const bb_shape *s = is_lapack(w) ? shapes_of(w) : NULL;
			for (int si = 0; s && si < MAX_SHAPES && (s[si].m || s[si].n); si++)
				one_case(b, wi, c, s[si]);
		}
		potrf_not_definite(b, c, 'U');
		potrf_not_definite(b, c, 'L');
	}
	printf("%-6s %4s %12s %12s %14s\n", "", "prec", "max ok", "min fault", "fault/limit");
	for (size_t w = 0; w < n_workloads; w++)
		for (int p = 0; is_lapack(bb_workload_at(w)) && p < 4; p++)
			printf("%-6s %4c %12.3g %12.3g %14.3g\n", bb_workload_at(w)->name, precs[p],
			       ok_max[w][p], fault_min[w][p], margin_min[w][p]);
}

/* complete, validate and flop counts: no library needed. */
static void unit(void)
{
	char why[256];
	bb_shape s = {.n = 100};
	const bb_workload *getrf = bb_workload_find("getrf"), *potrf = bb_workload_find("potrf"),
	                  *geqrf = bb_workload_find("geqrf"), *gesv = bb_workload_find("gesv"),
	                  *syevd = bb_workload_find("syevd"), *gesdd = bb_workload_find("gesdd");
	BB_CHECK(getrf && potrf && geqrf && gesv && syevd && gesdd);
	if (!(getrf && potrf && geqrf && gesv && syevd && gesdd))
		return;
	getrf->complete(&s);
	BB_CHECK_INT(s.m, 100);
	BB_CHECK_INT(s.lda, 100);
	BB_CHECK_INT(getrf->validate(&s, why, sizeof(why)), 0);
	s.lda = 99;
	BB_CHECK_INT(getrf->validate(&s, why, sizeof(why)), -1);
	BB_CHECK(strstr(why, "lda") != NULL);
	/* leading terms: getrf 2/3 n^3, potrf 1/3 n^3, geqrf 4/3 n^3, complex about 4 times */
	double n = 1000, n3 = n * n * n;
	bb_shape q = {.n = 1000};
	getrf->complete(&q);
	BB_CHECK_NEAR(getrf->flops('d', &q) / n3, 2.0 / 3, 0.01);
	BB_CHECK_NEAR(getrf->flops('z', &q) / n3, 8.0 / 3, 0.04);
	BB_CHECK_NEAR(geqrf->flops('d', &q) / n3, 4.0 / 3, 0.01);
	q = (bb_shape){.m = 2000, .n = 1000};
	getrf->complete(&q);
	bb_shape t = {.m = 1000, .n = 2000};
	getrf->complete(&t);
	BB_CHECK_NEAR(getrf->flops('d', &q), getrf->flops('d', &t), 1e-6 * getrf->flops('d', &q));
	BB_CHECK_NEAR(geqrf->flops('d', &q) / n3, 2 * 2 - 2.0 / 3, 0.01); /* 2mn^2 - 2/3 n^3 */
	q = (bb_shape){.n = 1000};
	potrf->complete(&q);
	BB_CHECK(q.uplo == 'U');
	BB_CHECK_NEAR(potrf->flops('d', &q) / n3, 1.0 / 3, 0.01);
	q = (bb_shape){.n = 1000};
	gesv->complete(&q);
	BB_CHECK_INT(q.nrhs, 1);
	BB_CHECK_NEAR(gesv->flops('d', &q) / n3, 2.0 / 3, 0.01);
	q = (bb_shape){.n = 1000};
	syevd->complete(&q);
	BB_CHECK(q.jobz == 'V' && q.uplo == 'U');
	BB_CHECK_NEAR(syevd->flops('d', &q) / n3, 4.0 / 3 + 4.0 / 3 + 2, 0.01);
	q.jobz = 'N';
	BB_CHECK_NEAR(syevd->flops('d', &q) / n3, 4.0 / 3, 0.01);
	q.jobz = 'X';
	BB_CHECK_INT(syevd->validate(&q, why, sizeof(why)), -1);
	q = (bb_shape){.n = 1000};
	gesdd->complete(&q);
	BB_CHECK(q.jobz == 'S' && q.m == 1000);
	BB_CHECK_NEAR(gesdd->flops('d', &q) / n3, 8.0 / 3 + 8.0 / 3 + 2 + 2, 0.01);
	q.jobz = 'N';
	BB_CHECK_NEAR(gesdd->flops('d', &q) / n3, 8.0 / 3, 0.01);
	q.jobz = 'Q';
	BB_CHECK_INT(gesdd->validate(&q, why, sizeof(why)), -1);
	q = (bb_shape){.n = 10, .uplo = 'x'};
	potrf->complete(&q);
	BB_CHECK_INT(potrf->validate(&q, why, sizeof(why)), -1);
	/* every LAPACK workload of the catalog, and every one has shapes for the library runs */
	check_coverage();
	for (size_t i = 0; i < bb_workload_count(); i++) {
		const bb_workload *w = bb_workload_at(i);
		if (!is_lapack(w))
			continue;
		BB_CHECK(w->in_place);
		bb_shape z = {.n = 64};
		w->complete(&z);
		BB_CHECK(w->bytes('d', &z) >= 8.0 * 64 * 64);
		bb_shape zero = {.n = 0};
		w->complete(&zero);
		BB_CHECK_INT(w->validate(&zero, why, sizeof(why)), -1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_lapack_workloads BACKEND|--unit\n");
		return 2;
	}
	if (!strcmp(argv[1], "--unit")) {
		unit();
		return bb_test_done();
	}
	bb_backend_spec spec;
	char err[512];
	if (bb_spec_parse(argv[1], &spec, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (spec.name && !bb_catalog_installed(bb_catalog_find(spec.name)))
		BB_TEST_SKIP("backend not installed");
	for (size_t w = 0; w < N_CATALOG; w++)
		for (int p = 0; p < 4; p++)
			fault_min[w][p] = margin_min[w][p] = INFINITY;
	bb_backend b;
	bb_backend_init(&b, &spec);
	bb_spec_release(&spec);
	if (bb_backend_load(&b, err, sizeof(err)) || bb_backend_probe_abi(&b, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		bb_backend_release(&b);
		return 1;
	}
	if (b.lapack != BB_YES) {
		bb_backend_release(&b);
		BB_TEST_SKIP("backend has no LAPACK");
	}
	printf("%s: %d-bit integers\n", argv[1], b.int_bits);
	run_all(&b);
	bb_backend_release(&b);
	return bb_test_done();
}
