/*
 * Workload catalog and spec expansion, no library needed: names, precisions, geometric
 * ranges, continuation items, --sizes, errors with suggestions, cell keys, flop counts.
 */
#include "test_util.h"
#include "workloads/workload.h"

static char err[512];

/* The names of catalog.def, in its order: what the catalog must hold, read from the list itself
 * so that a new entry is checked without editing this test. */
static const char *const catalog_names[] = {
#define BB_WORKLOAD(n) #n,
#include "workloads/catalog.def"
#undef BB_WORKLOAD
};
#define N_CATALOG (sizeof(catalog_names) / sizeof(catalog_names[0]))

/* Expand specs; returns the number of cells (-1 on error, message in err). */
static long expand(const char *specs, const char *sizes, bb_cell_workload **cells)
{
	size_t n = 0;
	err[0] = '\0';
	if (bb_workload_specs_expand(specs, sizes, cells, &n, err, sizeof(err)))
		return -1;
	return (long)n;
}

static void expect_count(const char *specs, const char *sizes, long want)
{
	bb_cell_workload *c = NULL;
	long n = expand(specs, sizes, &c);
	if (n != want)
		fprintf(stderr, "  '%s' (sizes %s): %ld cells, %s\n", specs, sizes ? sizes : "-", n,
		        err);
	BB_CHECK_INT(n, want);
	free(c);
}

/* The spec fails and the message contains `part`. */
static void expect_error(const char *specs, const char *sizes, const char *part)
{
	bb_cell_workload *c = NULL;
	long n = expand(specs, sizes, &c);
	BB_CHECK_INT(n, -1);
	BB_CHECK(c == NULL);
	if (!strstr(err, part))
		fprintf(stderr, "  '%s': error \"%s\", expected \"%s\"\n", specs, err, part);
	BB_CHECK(strstr(err, part) != NULL);
}

/* The key of the only cell of `specs`. */
static void expect_key(const char *specs, const char *want)
{
	bb_cell_workload *c = NULL;
	long n = expand(specs, NULL, &c);
	BB_CHECK_INT(n, 1);
	if (n == 1) {
		char key[256];
		bb_cell_workload_key(&c[0], key, sizeof(key));
		BB_CHECK_STR(key, want);
	}
	free(c);
}

static void test_catalog(void)
{
	/* the table is catalog.def, entry for entry, none missing: a workload whose file is not
	 * linked fails to link, one left out of the table fails here */
	BB_CHECK(N_CATALOG > 0);
	BB_CHECK_INT(bb_workload_count(), N_CATALOG);
	for (size_t i = 0; i < N_CATALOG; i++) {
		const bb_workload *w = bb_workload_at(i);
		BB_CHECK(w && !strcmp(w->name, catalog_names[i]));
		BB_CHECK(bb_workload_find(catalog_names[i]) == w);
	}
	BB_CHECK(bb_workload_at(N_CATALOG) == NULL);
	const bb_workload *g = bb_workload_find("gemm");
	BB_CHECK(g && !strcmp(g->family, "blas3"));
	BB_CHECK(bb_workload_find("dgemm") == NULL);
	BB_CHECK_STR(bb_workload_routine_name(bb_workload_find("ger"), 'c'), "cgeru");
	BB_CHECK_STR(bb_workload_routine_name(bb_workload_find("nrm2"), 'z'), "dznrm2");
	BB_CHECK_STR(bb_workload_routine_name(bb_workload_find("dot"), 'z'), "zdotc");
	BB_CHECK(bb_workload_routine_name(g, 'x') == NULL);
	BB_CHECK_INT(bb_prec_index('s'), 0);
	BB_CHECK_INT(bb_prec_index('z'), 3);
	BB_CHECK_INT(bb_prec_index('q'), -1);
	BB_CHECK_STR(bb_workload_suggest("gemn"), "gemm");
	BB_CHECK_STR(bb_workload_suggest("dgem"), "dgemm");
	BB_CHECK(bb_workload_suggest("completely-different") == NULL);
	/* every workload: a family that test_blas_workloads (blas*) or test_lapack_workloads
	 * (lapack) exercises, its entry points, a routine for some precision, and a complete,
	 * valid default shape with positive flops and bytes */
	for (size_t i = 0; i < bb_workload_count(); i++) {
		const bb_workload *w = bb_workload_at(i);
		if (!w) {
			BB_CHECK(!"bb_workload_at() within the count");
			continue;
		}
		int family = !strcmp(w->family, "blas1") || !strcmp(w->family, "blas2") ||
		             !strcmp(w->family, "blas3") || !strcmp(w->family, "lapack");
		if (!family)
			fprintf(stderr, "  %s: family '%s' has no workload test\n", w->name,
			        w->family);
		BB_CHECK(family);
		BB_CHECK(w->keys && w->keys[0] && w->summary && w->summary[0]);
		BB_CHECK(w->complete && w->validate && w->flops && w->bytes && w->create);
		int precs = 0;
		for (const char *p = "sdcz"; *p; p++)
			precs += bb_workload_routine_name(w, *p) != NULL;
		BB_CHECK(precs > 0);
		bb_shape s = {.n = 100};
		w->complete(&s);
		char why[256] = "";
		BB_CHECK_INT(w->validate(&s, why, sizeof(why)), 0);
		for (const char *p = "sdcz"; *p; p++)
			if (bb_workload_routine_name(w, *p)) {
				BB_CHECK(w->flops(*p, &s) > 0);
				BB_CHECK(w->bytes(*p, &s) > 0);
			}
	}
}

static void test_flops(void)
{
	bb_shape s = {.m = 10, .n = 20, .k = 30};
	const bb_workload *w = bb_workload_find("gemm");
	w->complete(&s);
	BB_CHECK_NEAR(w->flops('d', &s), 2.0 * 10 * 20 * 30, 1e-6);
	BB_CHECK_NEAR(w->flops('z', &s), 8.0 * 10 * 20 * 30, 1e-6);
	BB_CHECK_NEAR(w->bytes('d', &s), 8.0 * (10 * 30 + 30 * 20 + 10 * 20), 1e-6);
	bb_shape t = {.m = 10, .n = 20, .side = 'R'};
	w = bb_workload_find("trsm");
	w->complete(&t);
	BB_CHECK_NEAR(w->flops('d', &t), 10.0 * 20 * 20, 1e-6);
	BB_CHECK_NEAR(w->flops('c', &t), 4.0 * 10 * 20 * 20 + 2.0 * 10 * 20, 1e-6);
	bb_shape y = {.n = 20, .k = 5};
	w = bb_workload_find("syrk");
	w->complete(&y);
	BB_CHECK_NEAR(w->flops('s', &y), 5.0 * 20 * 21, 1e-6);
	BB_CHECK_NEAR(w->flops('z', &y), 4 * 5.0 * 20 * 21, 1e-6);
	bb_shape m = {.m = 10, .n = 20, .side = 'L'};
	w = bb_workload_find("symm");
	w->complete(&m);
	BB_CHECK_NEAR(w->flops('d', &m), 2.0 * 10 * 10 * 20, 1e-6);
	bb_shape v = {.n = 1000};
	w = bb_workload_find("dot");
	w->complete(&v);
	BB_CHECK_NEAR(w->flops('d', &v), 2000, 1e-6);
	BB_CHECK_NEAR(w->flops('c', &v), 8000, 1e-6);
	BB_CHECK_NEAR(bb_workload_find("nrm2")->flops('z', &v), 4000, 1e-6);
	BB_CHECK_NEAR(bb_workload_find("trsv")->flops('d', &v), 1e6, 1e-6);
}

static void test_expansion(void)
{
	bb_cell_workload *c = NULL;
	BB_CHECK_INT(expand("dgemm", NULL, &c), 1);
	if (c) {
		BB_CHECK(c[0].w == bb_workload_find("gemm"));
		BB_CHECK_INT(c[0].prec, 'd');
		BB_CHECK_INT(c[0].shape.n, 1000);
		BB_CHECK_INT(c[0].shape.m, 1000);
		BB_CHECK_INT(c[0].shape.k, 1000);
		BB_CHECK_INT(c[0].shape.ta, 'N');
		BB_CHECK_INT(c[0].shape.lda, 1000);
	}
	free(c);

	BB_CHECK_INT(expand("gemm", NULL, &c), 4);
	if (c) {
		BB_CHECK_INT(c[0].prec, 's');
		BB_CHECK_INT(c[3].prec, 'z');
	}
	free(c);

	BB_CHECK_INT(expand("dgemm:n=64..4096", NULL, &c), 7);
	if (c) {
		BB_CHECK_INT(c[0].shape.n, 64);
		BB_CHECK_INT(c[1].shape.n, 128);
		BB_CHECK_INT(c[6].shape.n, 4096);
		BB_CHECK_INT(c[6].shape.m, 4096);
	}
	free(c);

	BB_CHECK_INT(expand("dgemm:m=20000,n=32,k=32,ta=T", NULL, &c), 1);
	if (c) {
		BB_CHECK_INT(c[0].shape.m, 20000);
		BB_CHECK_INT(c[0].shape.n, 32);
		BB_CHECK_INT(c[0].shape.k, 32);
		BB_CHECK_INT(c[0].shape.ta, 'T');
		BB_CHECK_INT(c[0].shape.lda, 32); /* A is k x m */
		BB_CHECK_INT(c[0].shape.ldc, 20000);
	}
	free(c);

	BB_CHECK_INT(expand("dgemm,ddot:n=100000,zgemm", NULL, &c), 3);
	if (c) {
		BB_CHECK(c[1].w == bb_workload_find("dot"));
		BB_CHECK_INT(c[1].shape.n, 100000);
		BB_CHECK_INT(c[1].shape.inc, 1);
		BB_CHECK_INT(c[2].prec, 'z');
	}
	free(c);

	BB_CHECK_INT(expand("ddot:n=1e5,inc=2", NULL, &c), 1);
	if (c) {
		BB_CHECK_INT(c[0].shape.n, 100000);
		BB_CHECK_INT(c[0].shape.inc, 2);
	}
	free(c);

	/* ranges on several keys multiply; the last key varies fastest */
	BB_CHECK_INT(expand("sgemm:n=64..256,k=8..16", NULL, &c), 6);
	if (c) {
		BB_CHECK_INT(c[0].shape.n, 64);
		BB_CHECK_INT(c[0].shape.k, 8);
		BB_CHECK_INT(c[1].shape.k, 16);
		BB_CHECK_INT(c[5].shape.n, 256);
	}
	free(c);

	/* --sizes gives n to the specs without one */
	BB_CHECK_INT(expand("dgemm,sgemv:m=10,ddot:n=7", "64,128", &c), 5);
	if (c) {
		BB_CHECK_INT(c[1].shape.n, 128);
		BB_CHECK_INT(c[2].shape.m, 10);
		BB_CHECK_INT(c[3].shape.n, 128);
		BB_CHECK_INT(c[4].shape.n, 7);
	}
	free(c);
	expect_count("dgemm", "64..1024", 5);
	expect_count("dgemm", "64..1000", 4); /* doubling never passes the upper end */
	expect_count("dgemm", "100,64..128,3000", 4);
	expect_count("gemm,trsm:side=R,uplo=L", "32", 8);

	/* names: routine names, precision + workload name, case */
	expect_count("cgeru", NULL, 1);
	expect_count("cger", NULL, 1);
	expect_count("dznrm2", NULL, 1);
	expect_count("znrm2", NULL, 1);
	expect_count("DGEMM:TA=t", NULL, 1);
	expect_count("dot", NULL, 4);
	expect_count("zheevd", NULL, 1);
	expect_count("syevd", NULL, 4);
}

static void test_errors(void)
{
	expect_error("dgem", NULL, "unknown workload 'dgem'; did you mean 'dgemm'?");
	expect_error("gemn", NULL, "did you mean 'gemm'?");
	expect_error("qqqqqqqqq", NULL, "unknown workload 'qqqqqqqqq'");
	expect_error("dgemv:k=5", NULL, "gemv takes m, n, ta, lda; not 'k'");
	expect_error("dgemv:m=5,k=5", NULL, "gemv takes m, n, ta, lda; not 'k'");
	expect_error("ddot:n=10,bogus=1", NULL, "dot takes n, inc; not 'bogus'");
	expect_error("dgemm:n=abc", NULL, "n value 'abc' is not a number");
	/* a negative number is a number: it is refused as not positive */
	expect_error("dgemm:n=-5", NULL, "'dgemm:n=-5': n must be positive, not -5");
	expect_error("dgemm:n=-5..64", NULL, "must be positive, not -5");
	/* overflow is an error naming the limit, not a wrapped value or "more than 40 values" */
	expect_error("dgemm:n=99999999999999999999", NULL,
	             "n '99999999999999999999' is too large (at most 2147483647)");
	expect_error("dgemm:n=1e30", NULL, "too large");
	expect_error("dgemm:n=2147483648", NULL, "too large (at most 2147483647)");
	/* the doubling of a range ending near the top of a long must not overflow */
	expect_error("dgemm:n=4611686018427387904..9223372036854775807", NULL, "too large");
	expect_count("dgemm:n=1073741824..2147483647", NULL, 1);
	expect_count("ddot:n=1..2147483647", NULL, 31);
	/* given but empty is an error, not the default size */
	expect_error("dgemm:", NULL, "'dgemm:': nothing after ':'");
	expect_error("dgemm", "", "sizes '': no size given");
	expect_error("dgemm", "64,", "sizes '64,': empty item");
	expect_error("dgemm", "64,,128", "empty item");
	expect_error("dgemm:n=512..64", NULL, "range '512..64' is not A..B");
	expect_error("dgemm:m=0,n=5", NULL, "m must be positive, not 0");
	expect_error("dgemm", "1..1e9,1..1e9", "more than 40 values");
	expect_error("dgemm:n=0", NULL, "n must be positive");
	expect_error("dgemm:ta=X", NULL, "ta must be N, T or C, not 'X'");
	expect_error("dgemm:ta=TT", NULL, "ta takes one letter");
	expect_error("dtrsm:side=Q", NULL, "side must be L or R, not 'Q'");
	expect_error("dgemm:n=100,lda=50", NULL, "lda 50 is less than the 100 rows");
	expect_error("dgemm:n=10,n=20", NULL, "n given twice");
	expect_error("n=5,dgemm", NULL, "'n=5' continues no workload spec");
	expect_error("dgemm,,sgemm", NULL, "empty item");
	expect_error("dgemm,", NULL, "empty item");
	expect_error("", NULL, "no workloads");
	expect_error("dgemm:n", NULL, "is not key=value");
	expect_error("dgemm", "64,x", "sizes '64,x'");
	/* the item named in the message */
	expect_error("ddot,dgemm:n=100,ldc=3", NULL, "'dgemm:n=100,ldc=3'");
	/* values past what a BLAS integer holds are refused as such (found by fuzzing: strtol
	 * saturated, then the doubling loop overflowed a signed long), and a range doubles up to
	 * that cap only */
	expect_error("dgemm:n=99999999999999999999", NULL, "n '99999999999999999999' is too large");
	expect_error("ddot", "64,1e15..99999999999999999999", "is too large");
	expect_count("ddot:n=1073741824..2147483647", NULL, 1);
	expect_count("ddot:n=1073741823..2147483647", NULL, 2);
	/* a product of ranges that would take gigabytes is refused before a cell is made (found
	 * by fuzzing: 32 million cells, 2.7 GB, here); 31^3 shapes x 4 precisions = 119164 */
	expect_error("gemm:m=1..1073741824,n=1..1073741824,k=1..1073741824,"
	             "lda=1073741824..2147483647,ldb=1073741824..2147483647,"
	             "ldc=1073741824..2147483647",
	             NULL, "expand to more than 100000 cells");
	/* ... counted over the whole list: 28830 cells each, 115320 for four */
	expect_count("dgemm:m=1..1073741824,n=1..1073741824,k=1..536870912", NULL, 28830);
	expect_error("dgemm:m=1..1073741824,n=1..1073741824,k=1..536870912,"
	             "sgemm:m=1..1073741824,n=1..1073741824,k=1..536870912,"
	             "cgemm:m=1..1073741824,n=1..1073741824,k=1..536870912,"
	             "zgemm:m=1..1073741824,n=1..1073741824,k=1..536870912",
	             NULL, "'zgemm:m=1..1073741824,n=1..1073741824,k=1..536870912': the "
	                   "workloads expand to more than 100000 cells");
	expect_count("dgemm:m=1..512,n=1..512,k=1..512", NULL, 1000);
}

static void test_keys(void)
{
	/* the LAPACK workloads go through the same, generic code */
	expect_key("dgesv:n=100,nrhs=5", "dgesv:n=100,nrhs=5");
	expect_error("dgesv:k=3", NULL, "gesv takes n, nrhs, lda, ldb; not 'k'");
	expect_key("zheevd:n=50,jobz=n", "zheevd:n=50,jobz=N,uplo=U");
	expect_error("syev", NULL, "did you mean 'syevd'?");
	expect_key("dgemm:n=1000", "dgemm:m=1000,n=1000,k=1000,ta=N,tb=N");
	expect_key("dgemm:m=20000,n=32,k=32,ta=T", "dgemm:m=20000,n=32,k=32,ta=T,tb=N");
	expect_key("dgemm:n=100,ldc=128", "dgemm:m=100,n=100,k=100,ta=N,tb=N,ldc=128");
	expect_key("ddot:n=10", "ddot:n=10");
	expect_key("zdot:n=10,inc=3", "zdotc:n=10,inc=3");
	expect_key("cger:m=5,n=6", "cgeru:m=5,n=6");
	expect_key("strsv:n=50,uplo=l", "strsv:n=50,uplo=L,ta=N,diag=N");
	expect_key("dsymm:m=10,n=20,side=R", "dsymm:m=10,n=20,side=R,uplo=U");
	expect_key("dsymm:m=10,n=20,side=R,lda=20", "dsymm:m=10,n=20,side=R,uplo=U");
	expect_key("dsymm:m=10,n=20,side=R,lda=21", "dsymm:m=10,n=20,side=R,uplo=U,lda=21");
	expect_key("csyrk:n=8,k=3,ta=T", "csyrk:n=8,k=3,uplo=U,ta=T");
	expect_key("ztrsm:m=4,n=5,side=R,diag=U", "ztrsm:m=4,n=5,side=R,uplo=U,ta=N,diag=U");
}

int main(void)
{
	test_catalog();
	test_flops();
	test_expansion();
	test_errors();
	test_keys();
	return bb_test_done();
}
