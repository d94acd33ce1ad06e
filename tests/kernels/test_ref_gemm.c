/*
 * test_ref_gemm: the reference GEMM (kernels/ref/ref_gemm.c) in all four precisions, against
 * hand-computed results and against an independent naive formula evaluated in long double, for
 * every transpose pair, padded leading dimensions, alpha/beta cases (beta = 0 over NaN), empty
 * and 1x1 shapes, and invalid arguments (C must stay untouched).
 */
#include <complex.h>
#include <float.h>
#include <stdlib.h>

#include "kernels/ref_kernels.h"
#include "tests/test_util.h"

typedef long double _Complex lcplx;

#define SENTINEL 777.0L /* fills C's padding rows, which GEMM must never write */

/* ---- deterministic data ---------------------------------------------------------------- */

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

/* A value in [-1, 1) (xorshift64*). */
static double rng_value(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 0x2545f4914f6cdd1dULL) >> 11) * 0x1p-52 - 1.0;
}

static int is_complex(char p)
{
	return p == 'c' || p == 'z';
}
static int is_single(char p)
{
	return p == 's' || p == 'c';
}
static long double eps_of(char p)
{
	return is_single(p) ? FLT_EPSILON : DBL_EPSILON;
}

/* A random element exactly representable in precision p (imaginary part 0 for real p). */
static lcplx rng_elem(char p)
{
	double re = rng_value(), im = is_complex(p) ? rng_value() : 0;
	if (is_single(p))
		re = (float)re, im = (float)im;
	return re + im * I;
}

/* ---- calling the routine under test on long double complex matrices -------------------- */

static void *pack(char p, const lcplx *x, size_t n)
{
	size_t size = p == 's'   ? sizeof(float)
	              : p == 'd' ? sizeof(double)
	              : p == 'c' ? sizeof(float _Complex)
	                         : sizeof(double _Complex);
	void *buf = malloc((n ? n : 1) * size);
	for (size_t i = 0; i < n; i++) {
		switch (p) {
		case 's':
			((float *)buf)[i] = (float)creall(x[i]);
			break;
		case 'd':
			((double *)buf)[i] = (double)creall(x[i]);
			break;
		case 'c':
			((float _Complex *)buf)[i] = (float _Complex)x[i];
			break;
		case 'z':
			((double _Complex *)buf)[i] = (double _Complex)x[i];
			break;
		}
	}
	return buf;
}

static void unpack(char p, void *buf, lcplx *x, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (p) {
		case 's':
			x[i] = ((float *)buf)[i];
			break;
		case 'd':
			x[i] = ((double *)buf)[i];
			break;
		case 'c':
			x[i] = ((float _Complex *)buf)[i];
			break;
		case 'z':
			x[i] = ((double _Complex *)buf)[i];
			break;
		}
	}
	free(buf);
}

struct gemm_args {
	char p; /* precision letter */
	char ta[2], tb[2];
	int m, n, k, lda, ldb, ldc;
	int acols, bcols; /* columns of A and B as stored */
	lcplx alpha, beta;
};

static int notrans(char t)
{
	return t == 'N' || t == 'n';
}

/* Columns of A and B as stored for the transposes and sizes in g. */
static void set_cols(struct gemm_args *g)
{
	g->acols = notrans(g->ta[0]) ? g->k : g->m;
	g->bcols = notrans(g->tb[0]) ? g->n : g->k;
}

/* C := bb_ref_?gemm(A, B, C) in precision g->p; c has g->ldc * g->n elements. */
static void call_gemm(const struct gemm_args *g, const lcplx *a, const lcplx *b, lcplx *c)
{
	size_t na = (size_t)g->lda * (size_t)g->acols, nb = (size_t)g->ldb * (size_t)g->bcols;
	size_t nc = (size_t)g->ldc * (size_t)(g->n > 0 ? g->n : 0);
	void *pa = pack(g->p, a, na), *pb = pack(g->p, b, nb), *pc = pack(g->p, c, nc);

	switch (g->p) {
	case 's': {
		float al = (float)creall(g->alpha), be = (float)creall(g->beta);
		bb_ref_sgemm(g->ta, g->tb, &g->m, &g->n, &g->k, &al, pa, &g->lda, pb, &g->ldb, &be,
		             pc, &g->ldc);
		break;
	}
	case 'd': {
		double al = (double)creall(g->alpha), be = (double)creall(g->beta);
		bb_ref_dgemm(g->ta, g->tb, &g->m, &g->n, &g->k, &al, pa, &g->lda, pb, &g->ldb, &be,
		             pc, &g->ldc);
		break;
	}
	case 'c': {
		float _Complex al = (float _Complex)g->alpha, be = (float _Complex)g->beta;
		bb_ref_cgemm(g->ta, g->tb, &g->m, &g->n, &g->k, &al, pa, &g->lda, pb, &g->ldb, &be,
		             pc, &g->ldc);
		break;
	}
	case 'z': {
		double _Complex al = (double _Complex)g->alpha, be = (double _Complex)g->beta;
		bb_ref_zgemm(g->ta, g->tb, &g->m, &g->n, &g->k, &al, pa, &g->lda, pb, &g->ldb, &be,
		             pc, &g->ldc);
		break;
	}
	}
	free(pa);
	free(pb);
	unpack(g->p, pc, c, nc);
}

/* ---- the independent formula ----------------------------------------------------------- */

/* op(X)(r, s) for X stored with leading dimension ld, straight from the definition. */
static lcplx op_elem(char t, const lcplx *x, int ld, int r, int s)
{
	switch (t) {
	case 'N':
	case 'n':
		return x[r + (size_t)s * ld];
	case 'T':
	case 't':
		return x[s + (size_t)r * ld];
	default:
		return conjl(x[s + (size_t)r * ld]);
	}
}

/*
 * Compare got (the routine's C) with alpha op(A) op(B) + beta C0 computed here in long double,
 * element by element, with the bound 4 (k + 2) eps (|alpha| sum |op(A)||op(B)| + |beta||C0|);
 * beta = 0 ignores C0 (it may hold NaN).  Padding rows must still hold SENTINEL.  Returns the
 * number of bad elements and prints the first.
 */
static int compare(const struct gemm_args *g, const lcplx *a, const lcplx *b, const lcplx *c0,
                   const lcplx *got)
{
	int bad = 0;
	for (int j = 0; j < g->n; j++) {
		for (int i = 0; i < g->ldc; i++) {
			size_t ij = i + (size_t)j * g->ldc;
			lcplx want;
			long double bound;
			if (i >= g->m) {
				want = SENTINEL;
				bound = 0;
			} else {
				lcplx sum = 0;
				long double mag = 0;
				for (int l = 0; l < g->k; l++) {
					lcplx x = op_elem(g->ta[0], a, g->lda, i, l);
					lcplx y = op_elem(g->tb[0], b, g->ldb, l, j);
					sum += x * y;
					mag += cabsl(x) * cabsl(y);
				}
				want = g->alpha * sum;
				bound = cabsl(g->alpha) * mag;
				if (g->beta != 0) {
					want += g->beta * c0[ij];
					bound += cabsl(g->beta) * cabsl(c0[ij]);
				}
				bound *= 4 * (g->k + 2) * eps_of(g->p);
			}
			if (!(cabsl(got[ij] - want) <= bound)) {
				if (!bad)
					fprintf(stderr,
					        "%cgemm %s%s m=%d n=%d k=%d lda=%d ldb=%d ldc=%d "
					        "alpha=%g%+gi beta=%g%+gi: C(%d,%d) = %g%+gi, "
					        "expected %g%+gi (bound %g)\n",
					        g->p, g->ta, g->tb, g->m, g->n, g->k, g->lda,
					        g->ldb, g->ldc, (double)creall(g->alpha),
					        (double)cimagl(g->alpha), (double)creall(g->beta),
					        (double)cimagl(g->beta), i, j,
					        (double)creall(got[ij]), (double)cimagl(got[ij]),
					        (double)creall(want), (double)cimagl(want),
					        (double)bound);
				bad++;
			}
		}
	}
	return bad;
}

static lcplx *new_matrix(size_t n)
{
	return calloc(n ? n : 1, sizeof(lcplx));
}

/*
 * One case: random A and B, C random (or NaN when beta == 0) with SENTINEL padding; call and
 * compare.  With plant_fault, perturb the result first and return 1 if compare() caught it.
 */
static int run_case(struct gemm_args *g, int plant_fault)
{
	set_cols(g);
	size_t na = (size_t)g->lda * g->acols, nb = (size_t)g->ldb * g->bcols;
	size_t nc = (size_t)g->ldc * g->n;
	lcplx *a = new_matrix(na), *b = new_matrix(nb), *c0 = new_matrix(nc), *c = new_matrix(nc);

	for (size_t i = 0; i < na; i++)
		a[i] = rng_elem(g->p);
	for (size_t i = 0; i < nb; i++)
		b[i] = rng_elem(g->p);
	for (size_t i = 0; i < nc; i++) {
		int pad = (int)(i % g->ldc) >= g->m;
		c0[i] = pad ? SENTINEL : g->beta == 0 ? NAN : rng_elem(g->p);
		c[i] = c0[i];
	}
	call_gemm(g, a, b, c);
	if (plant_fault && nc > 0)
		c[0] += 1e-3L;
	int bad = compare(g, a, b, c0, c);

	free(a);
	free(b);
	free(c0);
	free(c);
	return plant_fault ? bad > 0 : bad == 0;
}

/* ---- the cases ------------------------------------------------------------------------- */

/* Arguments for op(A) m x k and op(B) k x n, each leading dimension pad larger than needed. */
static struct gemm_args make_args(char p, const char *ta, const char *tb, int m, int n, int k,
                                  int pad, lcplx alpha, lcplx beta)
{
	struct gemm_args g = {.p = p, .m = m, .n = n, .k = k, .alpha = alpha, .beta = beta};
	g.ta[0] = ta[0];
	g.tb[0] = tb[0];
	set_cols(&g);
	int rowsa = notrans(ta[0]) ? m : k, rowsb = notrans(tb[0]) ? k : n;
	g.lda = (rowsa > 1 ? rowsa : 1) + pad;
	g.ldb = (rowsb > 1 ? rowsb : 1) + pad;
	g.ldc = (m > 1 ? m : 1) + pad;
	return g;
}

/* Every shape, padding and alpha/beta pair for one precision and transpose pair; returns the
 * number of failed cases and adds the number run to *cases. */
static int formula_cases(char p, const char *ta, const char *tb, int *cases)
{
	static const int shapes[][3] = {{0, 3, 2}, {3, 0, 2}, {3, 2, 0}, {1, 1, 1},
	                                {1, 5, 1}, {5, 1, 7}, {4, 3, 5}, {17, 13, 11}};
	static const lcplx ab[][2] = {{1, 0},
	                              {1, 1},
	                              {0, 0},
	                              {0, 2.5},
	                              {1.5, -0.5},
	                              {-2, 1},
	                              {0.5 + 0.25 * I, 0.75 - 1.0 * I}};
	int failed = 0;

	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		for (size_t x = 0; x < sizeof(ab) / sizeof(ab[0]); x++) {
			if (!is_complex(p) && (cimagl(ab[x][0]) || cimagl(ab[x][1])))
				continue;
			for (int pad = 0; pad <= 3; pad += 3) {
				struct gemm_args g =
				    make_args(p, ta, tb, shapes[s][0], shapes[s][1], shapes[s][2],
				              pad, ab[x][0], ab[x][1]);
				failed += !run_case(&g, 0);
				(*cases)++;
			}
		}
	}
	return failed;
}

static void test_against_formula(void)
{
	static const char *trans[] = {"N", "T", "C"};
	int cases = 0, failed = 0;

	for (const char *p = "sdcz"; *p; p++)
		for (int ta = 0; ta < 3; ta++)
			for (int tb = 0; tb < 3; tb++)
				failed += formula_cases(*p, trans[ta], trans[tb], &cases);
	printf("%d cases against the long double formula, %d failed\n", cases, failed);
	BB_CHECK(cases > 1000);
	BB_CHECK_INT(failed, 0);

	/* Lower-case transposes mean the same. */
	struct gemm_args g = make_args('z', "c", "t", 6, 5, 4, 1, 1 - I, 0.5);
	BB_CHECK(run_case(&g, 0));
	g = make_args('s', "n", "c", 6, 5, 4, 0, 2, 0);
	BB_CHECK(run_case(&g, 0));
	/* A larger case exercises longer dot products. */
	g = make_args('d', "T", "N", 70, 65, 130, 2, -1.25, 0.5);
	BB_CHECK(run_case(&g, 0));

	/* The comparison itself can fail: a planted error of 1e-3 is caught. */
	g = make_args('d', "N", "N", 4, 4, 4, 0, 1, 1);
	fprintf(stderr, "(a planted fault follows; its message is expected)\n");
	BB_CHECK(run_case(&g, 1));
}

static void test_hand_computed(void)
{
	/* A = [1 2; 3 4], B = [5 6; 7 8], column-major. */
	const double a[] = {1, 3, 2, 4}, b[] = {5, 7, 6, 8};
	const int two = 2, one = 1;
	const double d1 = 1, d0 = 0;
	double c[4] = {NAN, NAN, NAN, NAN};

	bb_ref_dgemm("N", "N", &two, &two, &two, &d1, a, &two, b, &two, &d0, c, &two);
	BB_CHECK(c[0] == 19 && c[1] == 43 && c[2] == 22 && c[3] == 50);
	bb_ref_dgemm("T", "N", &two, &two, &two, &d1, a, &two, b, &two, &d0, c, &two);
	BB_CHECK(c[0] == 26 && c[1] == 38 && c[2] == 30 && c[3] == 44);
	bb_ref_dgemm("N", "T", &two, &two, &two, &d1, a, &two, b, &two, &d0, c, &two);
	BB_CHECK(c[0] == 17 && c[1] == 39 && c[2] == 23 && c[3] == 53);

	/* 1x1x1: 2 * 2 * 5 + 3 * 1 = 23. */
	const float fa = 2, fb = 5, falpha = 2, fbeta = 3;
	float fc = 1;
	bb_ref_sgemm("T", "C", &one, &one, &one, &falpha, &fa, &one, &fb, &one, &fbeta, &fc, &one);
	BB_CHECK(fc == 23);

	/* Complex: (1+2i)^H (3-i) = 1-7i, (1+2i)^T (3-i) = 5+5i, (1+2i) (3-i)^H = 1+7i. */
	const double _Complex za = 1 + 2 * I, zb = 3 - I, z1 = 1, z0 = 0;
	double _Complex zc = NAN;
	bb_ref_zgemm("C", "N", &one, &one, &one, &z1, &za, &one, &zb, &one, &z0, &zc, &one);
	BB_CHECK(zc == 1 - 7 * I);
	bb_ref_zgemm("T", "N", &one, &one, &one, &z1, &za, &one, &zb, &one, &z0, &zc, &one);
	BB_CHECK(zc == 5 + 5 * I);
	const float _Complex ca = 1 + 2 * I, cb = 3 - I, c1 = 1, cbeta = I;
	float _Complex cc = 2;
	bb_ref_cgemm("N", "C", &one, &one, &one, &c1, &ca, &one, &cb, &one, &cbeta, &cc, &one);
	BB_CHECK(cc == 1 + 9 * I); /* 1+7i + i*2 */

	/* alpha = 0, beta = 0 over NaN: zeros; alpha = 0, beta = 2: only scales. */
	double nc[4] = {NAN, NAN, NAN, NAN}, sc[4] = {1, 2, 3, 4};
	const double dtwo = 2;
	bb_ref_dgemm("N", "N", &two, &two, &two, &d0, a, &two, b, &two, &d0, nc, &two);
	BB_CHECK(nc[0] == 0 && nc[1] == 0 && nc[2] == 0 && nc[3] == 0);
	double nanb[4] = {NAN, NAN, NAN, NAN};
	bb_ref_dgemm("N", "N", &two, &two, &two, &d0, a, &two, nanb, &two, &dtwo, sc, &two);
	BB_CHECK(sc[0] == 2 && sc[1] == 4 && sc[2] == 6 && sc[3] == 8);
}

static void test_bad_arguments(void)
{
	const double a[16] = {0}, b[16] = {0}, alpha = 1, beta = 0;
	double c[16];
	const int m = 3, n = 3, k = 3, neg = -1, small = 2, ld = 4;
	int untouched = 1;

	fprintf(stderr, "(warnings about illegal values follow; they are expected)\n");
	for (int i = 0; i < 16; i++)
		c[i] = SENTINEL;
	bb_ref_dgemm("X", "N", &m, &n, &k, &alpha, a, &ld, b, &ld, &beta, c, &ld);
	bb_ref_dgemm("N", "?", &m, &n, &k, &alpha, a, &ld, b, &ld, &beta, c, &ld);
	bb_ref_dgemm("N", "N", &neg, &n, &k, &alpha, a, &ld, b, &ld, &beta, c, &ld);
	bb_ref_dgemm("N", "N", &m, &neg, &k, &alpha, a, &ld, b, &ld, &beta, c, &ld);
	bb_ref_dgemm("N", "N", &m, &n, &neg, &alpha, a, &ld, b, &ld, &beta, c, &ld);
	bb_ref_dgemm("N", "N", &m, &n, &k, &alpha, a, &small, b, &ld, &beta, c, &ld);
	bb_ref_dgemm("N", "N", &m, &n, &k, &alpha, a, &ld, b, &small, &beta, c, &ld);
	bb_ref_dgemm("N", "N", &m, &n, &k, &alpha, a, &ld, b, &ld, &beta, c, &small);
	bb_ref_dgemm("T", "N", &m, &n, &k, &alpha, a, &small, b, &ld, &beta, c, &ld);
	for (int i = 0; i < 16; i++)
		untouched &= c[i] == SENTINEL;
	BB_CHECK(untouched);
}

int main(void)
{
	test_hand_computed();
	test_bad_arguments();
	test_against_formula();
	return bb_test_done();
}
