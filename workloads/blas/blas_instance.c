/*
 * The BLAS instance layout (see blas_instance.h): operands with one buffer per copy,
 * deterministic data, reset, destroy, the checks every BLAS workload shares, and the test hook
 * that plants a fault.
 */
#include "workloads/blas/blas_instance.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "workloads/blas/blas_check.h"

bb_blas *bb_blas_new(const bb_workload *w, char prec, const bb_shape *s, bb_backend *b, int copies,
                     uint64_t seed, const long *dims, char *err, size_t errlen)
{
	int p = bb_prec_index(prec);
	const char *name = bb_workload_routine_name(w, prec);
	if (p < 0 || !name || copies < 1) {
		snprintf(err, errlen, "%s: no precision '%c' or no copies", w->name, prec);
		return NULL;
	}
	for (const long *d = dims; *d >= 0; d++)
		if (b->int_bits == 32 && *d > INT32_MAX) {
			snprintf(err, errlen,
			         "%s: dimension %ld does not fit the backend's 32-bit "
			         "integers",
			         name, *d);
			return NULL;
		}
	bb_blas *B = bb_xcalloc(1, sizeof(*B));
	B->h.w = w;
	B->h.prec = prec;
	B->h.shape = *s;
	B->h.backend = b;
	B->h.copies = copies;
	B->h.reset = bb_blas_reset;
	B->h.destroy = bb_blas_destroy;
	B->fn = b->slots[w->routine[p]].fn;
	snprintf(B->name, sizeof(B->name), "%s", name);
	B->seed = seed;
	B->out = -1;
	B->runs = bb_xcalloc((size_t)copies, sizeof(long));
	B->result = bb_xcalloc((size_t)copies, sizeof(double complex));
	for (int i = 0; i < 4; i++)
		B->ch[i][0] = 'N';
	return B;
}

int bb_blas_operand(bb_blas *B, const char *name, long rows, long cols, long ld, int fill,
                    char diag, int written)
{
	if (B->n_ops >= BB_BLAS_MAX_OPERANDS)
		bb_die("bb_blas_operand: more than %d operands", BB_BLAS_MAX_OPERANDS);
	bb_operand *o = &B->op[B->n_ops];
	o->name = name;
	o->rows = rows;
	o->cols = cols;
	o->ld = ld;
	o->fill = fill;
	o->diag = diag;
	o->part = 'G';
	o->written = written;
	return B->n_ops++;
}

static size_t count(const bb_operand *o)
{
	return (size_t)o->ld * (size_t)(o->cols - 1) + (size_t)o->rows;
}

void bb_blas_regenerate(const bb_blas *B, int i, void *buf)
{
	const bb_operand *o = &B->op[i];
	char prec = B->h.prec;
	size_t n = count(o);
	bb_rng r;
	bb_rng_seed(&r, B->seed + 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1));
	if (o->fill == BB_FILL_CONST) {
		for (size_t e = 0; e < n; e++)
			bb_set_elem(prec, buf, e, CMPLXL(0.75, bb_prec_complex(prec) ? 0.75 : 0));
		return;
	}
	bb_fill(prec, buf, n, &r);
	if (o->fill == BB_FILL_POSITIVE)
		for (size_t e = 0; e < n; e++) {
			bb_xc v = bb_elem(prec, buf, e);
			bb_set_elem(prec, buf, e, CMPLXL((creall(v) + 1) / 2, (cimagl(v) + 1) / 2));
		}
	if (o->fill == BB_FILL_COARSE || o->fill == BB_FILL_FINE) {
		long double q = o->fill == BB_FILL_COARSE ? 16 : 16384;
		for (size_t e = 0; e < n; e++) {
			bb_xc v = bb_elem(prec, buf, e);
			bb_set_elem(prec, buf, e,
			            CMPLXL(roundl(creall(v) * q) / q, roundl(cimagl(v) * q) / q));
		}
	}
	if (o->fill == BB_FILL_TRI) {
		long d = o->rows < o->cols ? o->rows : o->cols;
		if (o->diag == 'U') {
			long double scale = 1.0L / (long double)o->rows;
			for (size_t e = 0; e < n; e++)
				bb_set_elem(prec, buf, e, bb_elem(prec, buf, e) * scale);
		} else {
			for (long j = 0; j < d; j++) {
				size_t e = (size_t)j * (size_t)o->ld + (size_t)j;
				bb_set_elem(prec, buf, e,
				            bb_elem(prec, buf, e) + (long double)o->rows);
			}
		}
	}
}

void bb_blas_fill_all(bb_blas *B)
{
	size_t es = bb_prec_size(B->h.prec);
	for (int i = 0; i < B->n_ops; i++) {
		bb_operand *o = &B->op[i];
		size_t bytes = count(o) * es;
		o->data = bb_xcalloc((size_t)B->h.copies, sizeof(void *));
		for (int c = 0; c < B->h.copies; c++)
			o->data[c] = bb_buf_alloc(bytes);
		bb_blas_regenerate(B, i, o->data[0]);
		for (int c = 1; c < B->h.copies; c++)
			memcpy(o->data[c], o->data[0], bytes);
		if (o->written) {
			o->pristine = bb_buf_alloc(bytes);
			memcpy(o->pristine, o->data[0], bytes);
		}
	}
}

void bb_blas_reset(bb_instance *in)
{
	bb_blas *B = (bb_blas *)in;
	size_t es = bb_prec_size(in->prec);
	for (int i = 0; i < B->n_ops; i++) {
		bb_operand *o = &B->op[i];
		if (!o->written)
			continue;
		for (int c = 0; c < in->copies; c++)
			memcpy(o->data[c], o->pristine, count(o) * es);
	}
	for (int c = 0; c < in->copies; c++) {
		B->runs[c] = 0;
		B->result[c] = 0;
	}
}

void bb_blas_destroy(bb_instance *in)
{
	if (!in)
		return;
	bb_blas *B = (bb_blas *)in;
	for (int i = 0; i < B->n_ops; i++) {
		bb_operand *o = &B->op[i];
		for (int c = 0; o->data && c < in->copies; c++)
			bb_buf_free(o->data[c]);
		free(o->data);
		bb_buf_free(o->pristine);
	}
	free(B->runs);
	free(B->result);
	free(B);
}

void bb_scalar_set(char prec, bb_scalar *s, bb_xc v)
{
	switch (prec) {
	case 's':
		s->s = (float)creall(v);
		break;
	case 'd':
		s->d = (double)creall(v);
		break;
	case 'c':
		s->c = (float)creall(v) + (float)cimagl(v) * I;
		break;
	case 'z':
		s->z = (double)creall(v) + (double)cimagl(v) * I;
		break;
	}
}

int bb_blas_letter_bad(const char *key, char v, const char *allowed, char *why, size_t len)
{
	if (v && strchr(allowed, v))
		return 0;
	char list[16] = "";
	for (size_t i = 0; allowed[i] && i < 5; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%c",
		         !i               ? ""
		         : allowed[i + 1] ? ", "
		                          : " or ",
		         allowed[i]);
	snprintf(why, len, "%s must be %s, not '%c'", key, list, v ? v : '?');
	return -1;
}

int bb_blas_dim_bad(const char *key, long v, char *why, size_t len)
{
	if (v >= 1)
		return 0;
	snprintf(why, len, "%s must be positive, not %ld", key, v);
	return -1;
}

int bb_blas_ld_bad(const char *key, long ld, long rows, char *why, size_t len)
{
	if (ld >= rows && ld >= 1)
		return 0;
	snprintf(why, len, "%s %ld is less than the %ld rows it must hold", key, ld, rows);
	return -1;
}

char bb_blas_upper(char c, char dflt)
{
	return c ? (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c) : dflt;
}

double bb_blas_flops(char prec, double mults, double adds)
{
	return bb_prec_complex(prec) ? 6 * mults + 2 * adds : mults + adds;
}

void bb_blas_product_scalars(bb_blas *B)
{
	char prec = B->h.prec;
	B->xalpha = bb_prec_complex(prec) ? CMPLXL(0.5, 0.25) : 0.5;
	bb_scalar_set(prec, &B->alpha, B->xalpha);
	bb_scalar_set(prec, &B->beta, 0);
}

/* Is element (i, j) in the part of the operand the routine defines? */
static int in_part(const bb_operand *o, long i, long j)
{
	return o->part == 'G' || (o->part == 'U' ? i <= j : i >= j);
}

int bb_blas_nonfinite(const bb_blas *B, int i, char *why, size_t len)
{
	const bb_operand *o = &B->op[i];
	for (long j = 0; j < o->cols; j++)
		for (long r = 0; r < o->rows; r++) {
			if (!in_part(o, r, j))
				continue;
			bb_xc v =
			    bb_elem(B->h.prec, o->data[0], (size_t)j * (size_t)o->ld + (size_t)r);
			if (isfinite(creall(v)) && isfinite(cimagl(v)))
				continue;
			snprintf(why, len, "%s: %s in %s(%ld,%ld)", B->name,
			         isnan(creall(v)) || isnan(cimagl(v)) ? "NaN" : "Inf", o->name,
			         r + 1, j + 1);
			return 1;
		}
	return 0;
}

int bb_blas_inputs_changed(const bb_blas *B, char *why, size_t len)
{
	size_t es = bb_prec_size(B->h.prec);
	for (int i = 0; i < B->n_ops; i++) {
		const bb_operand *o = &B->op[i];
		if (o->written)
			continue;
		size_t bytes = count(o) * es;
		void *buf = bb_buf_alloc(bytes);
		bb_blas_regenerate(B, i, buf);
		int changed = memcmp(buf, o->data[0], bytes) != 0;
		bb_buf_free(buf);
		if (changed) {
			snprintf(why, len, "%s: the input %s was modified", B->name, o->name);
			return 1;
		}
	}
	return 0;
}

int bb_blas_outside_changed(const bb_blas *B, int i, char *why, size_t len)
{
	const bb_operand *o = &B->op[i];
	size_t es = bb_prec_size(B->h.prec);
	for (long j = 0; j < o->cols; j++)
		for (long r = 0; r < o->rows; r++) {
			if (in_part(o, r, j))
				continue;
			size_t e = ((size_t)j * (size_t)o->ld + (size_t)r) * es;
			if (memcmp((const char *)o->data[0] + e, (const char *)o->pristine + e,
			           es)) {
				snprintf(why, len,
				         "%s: %s(%ld,%ld) outside the %s triangle was "
				         "written",
				         B->name, o->name, r + 1, j + 1,
				         o->part == 'U' ? "upper" : "lower");
				return 1;
			}
		}
	return 0;
}

int bb_blas_verdict(const bb_blas *B, const char *what, double res, double limit, char *why,
                    size_t len)
{
	if (res <= limit)
		return 0;
	snprintf(why, len, "%s: %s residual %.3g above %g", B->name, what, res, limit);
	return 1;
}

/* The output element of largest magnitude in copy 0 (within the defined part). */
static size_t largest(const bb_blas *B, const bb_operand *o)
{
	size_t best = 0;
	long double bm = -1;
	for (long j = 0; j < o->cols; j++)
		for (long r = 0; r < o->rows; r++) {
			if (!in_part(o, r, j))
				continue;
			size_t e = (size_t)j * (size_t)o->ld + (size_t)r;
			bb_xc v = bb_elem(B->h.prec, o->data[0], e);
			long double m = fabsl(creall(v)) + fabsl(cimagl(v));
			if (m > bm) {
				bm = m;
				best = e;
			}
		}
	return best;
}

int bb_blas_plant_fault(bb_instance *in, bb_blas_fault kind)
{
	if (!in || strncmp(in->w->family, "blas", 4) != 0)
		return -1;
	bb_blas *B = (bb_blas *)in;
	char prec = in->prec;
	if (B->out < 0) {
		B->result[0] = kind == BB_FAULT_NAN ? NAN : B->result[0] * (1 + 1e-3);
		return 0;
	}
	const bb_operand *o = &B->op[B->out];
	size_t e = largest(B, o);
	bb_xc v = bb_elem(prec, o->data[0], e);
	bb_set_elem(prec, o->data[0], e, kind == BB_FAULT_NAN ? NAN : v * (1 + 1e-3L));
	return 0;
}
