/*
 * Fuzz target: workload specs (workloads/spec.c), as given to --workloads and --sizes.  The
 * input is the spec list, optionally followed by a newline and the --sizes text.  What expands
 * must be a non-empty list of at most 100000 cells that each name a workload and one of its
 * precisions, and whose key (bb_cell_workload_key) can be written.  Everything is freed.
 */
#include "fuzz_util.h"
#include "workloads/workload.h"

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
			if (i < 64) { /* keys cost a validate each: a sample is enough */
				char key[256];
				bb_cell_workload_key(&cells[i], key, sizeof(key));
				BB_FUZZ_CHECK(*key);
			}
		}
		free(cells);
	} else {
		BB_FUZZ_CHECK(*err);
	}
	free(specs);
	return 0;
}
