/*
 * Fuzz target: workload specs (workloads/spec.c), as given to --workloads and --sizes.  The
 * input is the spec list, optionally followed by a newline and the --sizes text.  What expands
 * must be a non-empty list of at most 100000 cells that each name a workload and one of its
 * precisions, and whose key (bb_cell_workload_key) reads back as that same cell.  Everything
 * is freed.
 */
#include "fuzz_util.h"
#include "workloads/workload.h"

/* The cell's key (what results are filed under) is itself a spec that gives back this one
 * cell: same workload, precision and shape. */
static void check_key(const bb_cell_workload *c)
{
	char key[256], err[512];
	bb_cell_workload_key(c, key, sizeof(key));
	BB_FUZZ_CHECK(*key);
	bb_cell_workload *back;
	size_t n;
	int rc = bb_workload_specs_expand(key, NULL, &back, &n, err, sizeof(err));
	if (rc)
		fprintf(stderr, "key '%s' does not parse: %s\n", key, err);
	BB_FUZZ_CHECK(rc == 0 && n == 1);
	const bb_shape *a = &c->shape, *b = &back[0].shape;
	BB_FUZZ_CHECK(back[0].w == c->w && back[0].prec == c->prec);
	BB_FUZZ_CHECK(a->m == b->m && a->n == b->n && a->k == b->k && a->nrhs == b->nrhs &&
	              a->inc == b->inc && a->lda == b->lda && a->ldb == b->ldb && a->ldc == b->ldc);
	BB_FUZZ_CHECK(a->ta == b->ta && a->tb == b->tb && a->side == b->side &&
	              a->uplo == b->uplo && a->diag == b->diag && a->jobz == b->jobz);
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *specs = bb_fuzz_cstr(data, size);
	char *sizes = strchr(specs, '\n');
	if (sizes)
		*sizes++ = '\0';
	char err[512] = "";
	bb_cell_workload *cells;
	size_t n;
	if (bb_workload_specs_expand(specs, sizes, &cells, &n, err, sizeof(err)) == 0) {
		BB_FUZZ_CHECK(n >= 1 && n <= 100000 && cells); /* the limit workload.h states */
		for (size_t i = 0; i < n; i++) {
			BB_FUZZ_CHECK(cells[i].w && strchr("sdcz", cells[i].prec) && cells[i].prec);
			if (i < 16) /* a key costs an expansion: a sample is enough */
				check_key(&cells[i]);
		}
		free(cells);
	} else {
		BB_FUZZ_CHECK(*err);
	}
	free(specs);
	return 0;
}
