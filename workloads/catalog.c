/*
 * The workload table, built from catalog.def, its lookups, and the bb_instance_* wrappers.
 * Each entry is `bb_workload_<name>`, defined in its routine's file (catalog.def says where).
 */
#include "workloads/workload.h"

#include <stdio.h>
#include <string.h>

#include "common/suggest.h"
#include "workloads/data.h"

#define BB_WORKLOAD(n) extern const bb_workload bb_workload_##n;
#include "workloads/catalog.def"
#undef BB_WORKLOAD

static const bb_workload *const table[] = {
#define BB_WORKLOAD(n) &bb_workload_##n,
#include "workloads/catalog.def"
#undef BB_WORKLOAD
};

#define TABLE_SIZE (sizeof(table) / sizeof(table[0]))

size_t bb_workload_count(void)
{
	return TABLE_SIZE;
}

const bb_workload *bb_workload_at(size_t i)
{
	return i < TABLE_SIZE ? table[i] : NULL;
}

const bb_workload *bb_workload_find(const char *name)
{
	for (size_t t = 0; t < TABLE_SIZE; t++)
		if (!strcmp(table[t]->name, name))
			return table[t];
	return NULL;
}

int bb_prec_index(char prec)
{
	switch (prec) {
	case 's':
		return 0;
	case 'd':
		return 1;
	case 'c':
		return 2;
	case 'z':
		return 3;
	}
	return -1;
}

const char *bb_workload_routine_name(const bb_workload *w, char prec)
{
	int p = bb_prec_index(prec);
	if (!w || p < 0 || w->routine[p] >= BB_ROUTINE_COUNT)
		return NULL;
	return bb_routines[w->routine[p]].name;
}

const char *bb_workload_suggest(const char *name)
{
	/* Workload and routine names ("gemm", "dgemm", "zheevd").  Equally close names are
	 * resolved in favour of the families benchmarks are most often about: "dgem" is "dgemm"
	 * rather than "dgemv". */
	static const char *const order[] = {"blas3", "lapack", "blas2", "blas1"};
	const char *cand[TABLE_SIZE * 5];
	int n = 0;
	for (size_t f = 0; f <= 4; f++)
		for (size_t t = 0; t < TABLE_SIZE; t++) {
			const bb_workload *w = table[t];
			int known = 0;
			for (size_t g = 0; g < 4; g++)
				known |= !strcmp(w->family, order[g]);
			if (f < 4 ? strcmp(w->family, order[f]) != 0 : known)
				continue;
			cand[n++] = w->name;
			for (int p = 0; p < 4; p++)
				if (w->routine[p] < BB_ROUTINE_COUNT)
					cand[n++] = bb_routines[w->routine[p]].name;
		}
	return bb_closest_name(name, cand, n);
}

bb_instance *bb_instance_create(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b,
                                int copies, uint64_t seed, char *err, size_t errlen)
{
	const char *routine = bb_workload_routine_name(w, prec);
	if (!routine) {
		snprintf(err, errlen, "workload '%s' has no precision '%c'", w->name, prec);
		return NULL;
	}
	bb_routine r = w->routine[bb_prec_index(prec)];
	const char *bname = b->spec.alias ? b->spec.alias : b->spec.text ? b->spec.text : "?";
	if (!b->slots[r].supported) {
		snprintf(err, errlen, "backend '%s' has no %s", bname, routine);
		return NULL;
	}
	if (!bb_backend_abi_known(b, r)) {
		const char *what = "symbol naming unknown";
		if (b->suffix_known == BB_YES && !b->int_bits)
			what = "integer width unknown";
		else if (b->suffix_known == BB_YES && bb_routines[r].result == BB_RESULT_REAL)
			what = "REAL return convention unknown";
		else if (b->suffix_known == BB_YES)
			what = "COMPLEX return convention unknown";
		snprintf(err, errlen, "ABI of %s unknown: %s (backend '%s')", routine, what, bname);
		return NULL;
	}
	char why[256];
	if (w->validate(s, why, sizeof(why))) {
		snprintf(err, errlen, "%s: %s", routine, why);
		return NULL;
	}
	if (copies < 1) {
		snprintf(err, errlen, "%s: %d copies", routine, copies);
		return NULL;
	}
	return w->create(w, prec, s, b, copies, seed, err, errlen);
}

void bb_instance_reset(bb_instance *in)
{
	in->reset(in);
}

void bb_instance_run(bb_instance *in, int copy)
{
	in->run(in, copy);
}

int bb_instance_check(bb_instance *in, double *residual, char *why, size_t len)
{
	double r = 0;
	if (len)
		why[0] = '\0';
	int rc = in->check(in, &r, why, len);
	if (residual)
		*residual = r;
	return rc;
}

void bb_instance_destroy(bb_instance *in)
{
	if (in)
		in->destroy(in);
}
