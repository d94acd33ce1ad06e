/*
 * The BLAS workloads against one library loaded in this process: test_blas_workloads SPEC (a
 * catalog name, or the path of a test fixture: tests/fixtures, whose sdot, zdotc and dgemm
 * exercise the ILP64 and f2c calling conventions).  For every BLAS workload, precision and a few
 * shapes (non-square, transposes, side R, uplo L, unit diagonal, inc 2, padded leading dimensions,
 * one GEMM large enough for the projected check): create, reset, run every copy, run copy 0 again,
 * and the check passes; then faults planted in copy 0's output -- the largest element off by 1e-3
 * relative, one NaN -- must be reported wrong.  Workloads the backend lacks must be refused
 * with a reason (the `ref` backend has GEMM only), and so must a routine whose ABI is unknown.
 * Every BLAS workload of the catalog (family blas*) must have shapes here: a new one fails this
 * test until it has.  Exits 77 when the backend is not installed.
 */
#include "backends/backend.h"
#include "test_util.h"
#include "workloads/blas/blas_instance.h"
#include "workloads/workload.h"

/* The catalog's size, from catalog.def itself. */
enum {
	N_CATALOG = 0
#define BB_WORKLOAD(n) +1
#include "workloads/catalog.def"
#undef BB_WORKLOAD
};

/* largest passing residual per workload (catalog index) and precision */
static double worst[N_CATALOG][4];

/* Shapes per BLAS workload, as spec keys (the spec parser fills the rest). */
static const char *const shapes[][5] = {
    {"dot", "n=1000", "n=777,inc=2", "n=1", NULL},
    {"axpy", "n=1000", "n=777,inc=2", "n=1", NULL},
    {"nrm2", "n=1000", "n=777,inc=2", "n=3", NULL},
    {"gemv", "m=100,n=100", "m=120,n=70,ta=T", "m=70,n=120,ta=C,lda=130", NULL},
    {"ger", "m=100,n=100", "m=120,n=70,lda=128", "m=1,n=9", NULL},
    {"trsv", "n=100", "n=90,uplo=L,ta=T,diag=U", "n=80,ta=C,lda=100", NULL},
    {"gemm", "n=64", "m=70,n=50,k=30,ta=T,tb=C,lda=40", "m=300,n=300,k=200,tb=T", NULL},
    {"symm", "m=64,n=64", "m=50,n=70,side=R,uplo=L", "m=70,n=30,ldb=80,ldc=90", NULL},
    {"syrk", "n=64,k=64", "n=50,k=80,uplo=L,ta=T", "n=40,k=20,ldc=50", NULL},
    {"trsm", "m=64,n=64", "m=50,n=70,side=R,uplo=L,ta=T,diag=U", "m=70,n=40,uplo=L,ta=C", NULL},
};

#define N_SHAPES (sizeof(shapes) / sizeof(shapes[0]))

static int is_blas(const bb_workload *w)
{
	return !strncmp(w->family, "blas", 4);
}

/* The shapes of workload w: its row of shapes[], NULL when it has none. */
static const char *const *shapes_of(const bb_workload *w)
{
	for (size_t i = 0; i < N_SHAPES; i++)
		if (!strcmp(shapes[i][0], w->name))
			return shapes[i];
	return NULL;
}

static bb_instance *make(const bb_cell_workload *c, bb_backend *b, int copies, char *err,
                         size_t len)
{
	return bb_instance_create(c->w, c->prec, &c->shape, b, copies, 1234, err, len);
}

/* One workload, precision and shape: correct result passes, planted faults fail. */
static void exercise(const bb_cell_workload *c, bb_backend *b, size_t wi)
{
	char key[128], err[512], why[512];
	bb_cell_workload_key(c, key, sizeof(key));
	bb_instance *in = make(c, b, 2, err, sizeof(err));
	if (!in) {
		fprintf(stderr, "  %s: create failed: %s\n", key, err);
		BB_CHECK(!"create");
		return;
	}
	double res = -1;
	bb_instance_reset(in);
	bb_instance_run(in, 0);
	bb_instance_run(in, 1);
	int rc = bb_instance_check(in, &res, why, sizeof(why));
	if (rc)
		fprintf(stderr, "  %s: check failed: %s\n", key, why);
	BB_CHECK_INT(rc, 0);
	BB_CHECK(res >= 0 && res <= 10);
	int p = bb_prec_index(c->prec);
	if (!rc && res > worst[wi][p])
		worst[wi][p] = res;

	/* repeated calls on copy 0 (not for in-place routines: they need a reset first) */
	if (!c->w->in_place) {
		for (int i = 0; i < 3; i++)
			bb_instance_run(in, 0);
		rc = bb_instance_check(in, &res, why, sizeof(why));
		if (rc)
			fprintf(stderr, "  %s: check after repeated calls failed: %s\n", key, why);
		BB_CHECK_INT(rc, 0);
	}

	/* a perturbed element */
	bb_instance_reset(in);
	bb_instance_run(in, 0);
	BB_CHECK_INT(bb_blas_plant_fault(in, BB_FAULT_PERTURB), 0);
	rc = bb_instance_check(in, &res, why, sizeof(why));
	if (rc != 1)
		fprintf(stderr, "  %s: perturbation missed (residual %g)\n", key, res);
	BB_CHECK_INT(rc, 1);
	BB_CHECK(why[0] != '\0');

	/* a NaN */
	bb_instance_reset(in);
	bb_instance_run(in, 0);
	BB_CHECK_INT(bb_blas_plant_fault(in, BB_FAULT_NAN), 0);
	rc = bb_instance_check(in, &res, why, sizeof(why));
	if (rc != 1)
		fprintf(stderr, "  %s: NaN missed\n", key);
	BB_CHECK_INT(rc, 1);
	BB_CHECK(strstr(why, "NaN") != NULL || strstr(why, "nan") != NULL);

	/* the reset after a fault restores a passing state */
	bb_instance_reset(in);
	bb_instance_run(in, 0);
	BB_CHECK_INT(bb_instance_check(in, &res, why, sizeof(why)), 0);
	bb_instance_destroy(in);
}

/* The backend lacks the routine: refused with its name, no crash. */
static void expect_refused(const bb_cell_workload *c, bb_backend *b)
{
	char err[512] = "";
	bb_instance *in = make(c, b, 1, err, sizeof(err));
	BB_CHECK(in == NULL);
	const char *routine = bb_workload_routine_name(c->w, c->prec);
	if (!strstr(err, routine))
		fprintf(stderr, "  refusal of %s says \"%s\"\n", routine, err);
	BB_CHECK(strstr(err, routine) != NULL);
	bb_instance_destroy(in);
}

static void test_unknown_abi(bb_backend *b)
{
	if (!b->slots[BB_R_sdot].supported)
		return;
	bb_real_return saved = b->real_return;
	b->real_return = BB_REAL_UNKNOWN;
	bb_shape s = {.n = 10};
	const bb_workload *w = bb_workload_find("dot");
	w->complete(&s);
	char err[256] = "";
	bb_instance *in = bb_instance_create(w, 's', &s, b, 1, 1, err, sizeof(err));
	BB_CHECK(in == NULL);
	BB_CHECK(strstr(err, "ABI of sdot unknown") != NULL);
	b->real_return = saved;
	/* complex syrk with ta=C is herk, not syrk */
	bb_shape y = {.n = 10, .ta = 'C'};
	w = bb_workload_find("syrk");
	w->complete(&y);
	if (b->slots[BB_R_zsyrk].supported) {
		in = bb_instance_create(w, 'z', &y, b, 1, 1, err, sizeof(err));
		BB_CHECK(in == NULL);
		BB_CHECK(strstr(err, "zherk") != NULL);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_blas_workloads SPEC\n");
		return 2;
	}
	bb_backend_spec spec;
	char err[512];
	if (bb_spec_parse(argv[1], &spec, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (spec.name && !bb_catalog_installed(bb_catalog_find(spec.name)))
		BB_TEST_SKIP("backend not installed");
	bb_backend b;
	bb_backend_init(&b, &spec);
	bb_spec_release(&spec);
	if (bb_backend_load(&b, err, sizeof(err)) || bb_backend_probe_abi(&b, err, sizeof(err))) {
		fprintf(stderr, "load: %s\n", err);
		return 1;
	}
	/* every row names a BLAS workload of the catalog */
	for (size_t i = 0; i < N_SHAPES; i++) {
		const bb_workload *w = bb_workload_find(shapes[i][0]);
		if (!w || !is_blas(w))
			fprintf(stderr, "  shapes for '%s', not a BLAS workload\n", shapes[i][0]);
		BB_CHECK(w && is_blas(w));
	}
	/* every BLAS workload of the catalog, in its order */
	BB_CHECK_INT(bb_workload_count(), N_CATALOG);
	size_t tested = 0;
	for (size_t wi = 0; wi < bb_workload_count() && wi < N_CATALOG; wi++) {
		const bb_workload *w = bb_workload_at(wi);
		if (!is_blas(w))
			continue; /* test_lapack_workloads */
		const char *const *ws = shapes_of(w);
		if (!ws) {
			fprintf(stderr, "  %s: no shapes in this test\n", w->name);
			BB_CHECK(!"shapes for every BLAS workload");
			continue;
		}
		tested++;
		for (int si = 1; ws[si]; si++) {
			char spec_text[160];
			snprintf(spec_text, sizeof(spec_text), "%s:%s", w->name, ws[si]);
			bb_cell_workload *cells = NULL;
			size_t n = 0;
			if (bb_workload_specs_expand(spec_text, NULL, &cells, &n, err,
			                             sizeof(err))) {
				fprintf(stderr, "  %s: %s\n", spec_text, err);
				BB_CHECK(!"spec");
				continue;
			}
			for (size_t i = 0; i < n; i++) {
				bb_routine r = w->routine[bb_prec_index(cells[i].prec)];
				if (b.slots[r].supported)
					exercise(&cells[i], &b, wi);
				else
					expect_refused(&cells[i], &b);
			}
			free(cells);
		}
	}
	BB_CHECK(tested > 0);
	test_unknown_abi(&b);
	printf("largest residuals of correct results (limit 10), s d c z:\n");
	for (size_t wi = 0; wi < bb_workload_count() && wi < N_CATALOG; wi++)
		if (is_blas(bb_workload_at(wi)))
			printf("  %-5s %8.3g %8.3g %8.3g %8.3g\n", bb_workload_at(wi)->name,
			       worst[wi][0], worst[wi][1], worst[wi][2], worst[wi][3]);
	bb_backend_release(&b);
	return bb_test_done();
}
