/*
 * gnuplot charts (reports/gnuplot.h), the writing half: the chart model, its data file and its
 * script.  Running gnuplot on the script is reports/gnuplot_run.c.
 */
#include "reports/gnuplot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/output.h"
#include "common/stats.h"
#include "reports/html.h"

#define GP_WIDTH 760
#define GP_HEIGHT 420
#define GP_LABEL_CHAR_PX 7         /* width of a character of a bar label (font 11), roughly */

/* ---- the model ------------------------------------------------------------------------- */

bb_gp_chart *bb_gp_chart_new(bb_gp_kind kind, const char *name, const char *title,
			     const char *xlabel, const char *ylabel)
{
	bb_gp_chart *c = bb_xcalloc(1, sizeof(*c));
	c->kind = kind;
	c->name = bb_xstrdup(name && *name ? name : "chart");
	for (char *p = c->name; *p; p++) {
		char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		*p = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ? ch : '-';
	}
	c->title = bb_xstrdup(title ? title : "");
	c->xlabel = bb_xstrdup(xlabel ? xlabel : "");
	c->ylabel = bb_xstrdup(ylabel ? ylabel : "");
	return c;
}

void bb_gp_chart_free(bb_gp_chart *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_series; i++) {
		for (size_t k = 0; k < c->series[i].n; k++)
			free(c->series[i].pts[k].label);
		free(c->series[i].pts);
		free(c->series[i].title);
	}
	for (int i = 0; i < c->n_hlines; i++)
		free(c->hlines[i].label);
	free(c->series);
	free(c->name);
	free(c->title);
	free(c->xlabel);
	free(c->ylabel);
	free(c->y2label);
	free(c);
}

bb_gp_series *bb_gp_series_add(bb_gp_chart *c, const char *title)
{
	c->series = bb_xrealloc(c->series, (c->n_series + 1) * sizeof(*c->series));
	bb_gp_series *s = &c->series[c->n_series++];
	memset(s, 0, sizeof(*s));
	s->title = title ? bb_xstrdup(title) : NULL;
	return s;
}

void bb_gp_point_add(bb_gp_series *s, double x, double y, double lo, double hi,
		     const char *label, unsigned color)
{
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 16;
		s->pts = bb_xrealloc(s->pts, s->alloc * sizeof(*s->pts));
	}
	s->pts[s->n++] = (bb_gp_point){x, y, lo, hi, label ? bb_xstrdup(label) : NULL, color};
}

void bb_gp_hline_add(bb_gp_chart *c, double y, const char *label)
{
	if (c->n_hlines < BB_GP_MAX_HLINES && isfinite(y))
		c->hlines[c->n_hlines++] = (bb_gp_hline){y, bb_xstrdup(label ? label : "")};
}

void bb_gp_set_y2(bb_gp_chart *c, double scale, const char *label)
{
	c->y2_scale = scale;
	free(c->y2label);
	c->y2label = bb_xstrdup(label ? label : "");
}

size_t bb_gp_chart_points(const bb_gp_chart *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n_series; i++)
		n += c->series[i].n;
	return n;
}

/* ---- data and script ------------------------------------------------------------------- */

void bb_gp_quote(bb_strbuf *out, const char *s)
{
	bb_strbuf_addc(out, '\'');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
		size_t len = bb_utf8_seq_len((const char *)p);
		if (!len) {
			bb_strbuf_addc(out, '?');
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			bb_strbuf_addc(out, ' ');
			p++;
		} else if (*p == '\'') {
			bb_strbuf_adds(out, "''");
			p++;
		} else {
			bb_strbuf_add(out, p, len);
			p += len;
		}
	}
	bb_strbuf_addc(out, '\'');
}

/* A comment line: outside text with control characters (a newline would end the comment)
 * flattened. */
static void comment(bb_strbuf *out, const char *what, const char *s)
{
	bb_strbuf_addf(out, "# %s", what);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
		bb_strbuf_addc(out, *p < 0x20 || *p == 0x7f ? ' ' : (char)*p);
	bb_strbuf_addc(out, '\n');
}

static int point_order(const void *a, const void *b)
{
	double x = ((const bb_gp_point *)a)->x, y = ((const bb_gp_point *)b)->x;
	return (x > y) - (x < y);
}

static void data_row(bb_strbuf *out, double x, const bb_gp_point *p, int with_color)
{
	double lo = isfinite(p->lo) ? p->lo : p->y, hi = isfinite(p->hi) ? p->hi : p->y;
	bb_strbuf_addf(out, "%.10g %.10g %.10g %.10g", x, p->y, lo, hi);
	if (with_color)
		bb_strbuf_addf(out, " %u", p->color & 0xffffffu);
	bb_strbuf_addc(out, '\n');
}

void bb_gp_data(const bb_gp_chart *c, bb_strbuf *out)
{
	comment(out, "blasbench chart data: ", c->title);
	if (c->kind == BB_GP_BARS) {
		bb_strbuf_adds(out, "# columns: bar value low high color(0xRRGGBB)\n");
		const bb_gp_series *s = c->n_series ? &c->series[0] : NULL;
		for (size_t i = 0; s && i < s->n; i++) {
			char what[32];
			snprintf(what, sizeof(what), "bar %zu: ", i);
			comment(out, what, s->pts[i].label);
		}
		for (size_t i = 0; s && i < s->n; i++)
			data_row(out, (double)i, &s->pts[i], 1);
		return;
	}
	bb_strbuf_adds(out, "# columns: x y low high; one block (gnuplot index) per series\n");
	for (size_t i = 0; i < c->n_series; i++) {
		const bb_gp_series *s = &c->series[i];
		char what[32];
		snprintf(what, sizeof(what), "index %zu: ", i);
		comment(out, what, s->title);
	}
	for (size_t i = 0; i < c->n_series; i++) {
		const bb_gp_series *s = &c->series[i];
		bb_gp_point *sorted = bb_xmalloc((s->n ? s->n : 1) * sizeof(*sorted));
		memcpy(sorted, s->pts, s->n * sizeof(*sorted));
		qsort(sorted, s->n, sizeof(*sorted), point_order);
		if (i)
			bb_strbuf_adds(out, "\n\n");
		for (size_t k = 0; k < s->n; k++)
			data_row(out, sorted[k].x, &sorted[k], 0);
		if (!s->n) /* an empty block would shift the index of the next */
			bb_strbuf_adds(out, "NaN NaN NaN NaN\n");
		free(sorted);
	}
}

/* The top of the y axis: the largest value, error bar or reference line, plus a margin. */
static double y_top(const bb_gp_chart *c)
{
	double top = 0;
	for (size_t i = 0; i < c->n_series; i++)
		for (size_t k = 0; k < c->series[i].n; k++) {
			const bb_gp_point *p = &c->series[i].pts[k];
			if (isfinite(p->y) && p->y > top)
				top = p->y;
			if (isfinite(p->hi) && p->hi > top)
				top = p->hi;
		}
	for (int i = 0; i < c->n_hlines; i++)
		if (c->hlines[i].y > top)
			top = c->hlines[i].y;
	return top > 0 ? top * 1.1 : 1;
}

/* Explicit x tics at the distinct x values of a line chart (sizes, thread counts), when few. */
static void x_tics(const bb_gp_chart *c, bb_strbuf *out)
{
	size_t n = bb_gp_chart_points(c), nd = 0;
	double *xs = bb_xmalloc((n ? n : 1) * sizeof(double));
	for (size_t i = 0; i < c->n_series; i++)
		for (size_t k = 0; k < c->series[i].n; k++) {
			double x = c->series[i].pts[k].x;
			size_t j = 0;
			while (j < nd && xs[j] != x)
				j++;
			if (j == nd && isfinite(x))
				xs[nd++] = x;
		}
	if (nd && nd <= 16) {
		qsort(xs, nd, sizeof(double), bb_double_cmp);
		bb_strbuf_adds(out, "set xtics (");
		for (size_t j = 0; j < nd; j++)
			bb_strbuf_addf(out, "%s%.10g", j ? ", " : "", xs[j]);
		bb_strbuf_adds(out, ")\n");
	}
	free(xs);
}

static void plot_lines(const bb_gp_chart *c, bb_strbuf *out, const char *dat)
{
	if (c->log2x)
		bb_strbuf_adds(out, "set logscale x 2\nset offsets graph 0.04, graph 0.04, 0, 0\n");
	else
		bb_strbuf_adds(out, "set offsets graph 0.06, graph 0.06, 0, 0\n");
	x_tics(c, out);
	bb_strbuf_adds(out, "set format x '%g'\nset key below\n");
	bb_strbuf_adds(out, "plot ");
	for (size_t i = 0; i < c->n_series; i++) {
		bb_strbuf_addf(out, "%s%s index %zu using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.7 ",
			       i ? ", \\\n     " : "", dat, i);
		if (c->series[i].title) {
			bb_strbuf_adds(out, "title ");
			bb_gp_quote(out, c->series[i].title);
		} else {
			bb_strbuf_adds(out, "notitle");
		}
	}
	if (!c->n_series)
		bb_strbuf_adds(out, "NaN notitle");
	bb_strbuf_addc(out, '\n');
}

static void plot_bars(const bb_gp_chart *c, bb_strbuf *out, const char *dat)
{
	const bb_gp_series *s = c->n_series ? &c->series[0] : NULL;
	size_t n = s ? s->n : 0;
	bb_strbuf_addf(out, "set xrange [-0.6:%.1f]\n", n ? (double)n - 0.4 : 0.6);
	bb_strbuf_adds(out, "set style fill solid 0.7 border -1\nset boxwidth 0.7\n"
			    "set key off\nset xtics rotate by 90 right scale 0 (");
	for (size_t i = 0; i < n; i++) {
		bb_strbuf_adds(out, i ? ", " : "");
		bb_gp_quote(out, s->pts[i].label ? s->pts[i].label : "");
		bb_strbuf_addf(out, " %zu", i);
	}
	bb_strbuf_adds(out, ")\n");
	if (!n) {
		bb_strbuf_adds(out, "plot NaN notitle\n");
		return;
	}
	bb_strbuf_addf(out,
		       "plot %s using 1:2:5 with boxes lc rgb variable notitle, \\\n"
		       "     %s using 1:2:3:4 with yerrorbars lc rgb '#222222' pt 7 ps 0.4 lw 1.5 notitle\n",
		       dat, dat);
}

void bb_gp_script(const bb_gp_chart *c, const char *dir, bb_strbuf *out)
{
	size_t nbars = c->kind == BB_GP_BARS && c->n_series ? c->series[0].n : 0;
	int width = GP_WIDTH, height = GP_HEIGHT;
	if (c->kind == BB_GP_BARS) {
		/* bar labels are written upwards below the axis: room for the longest */
		size_t longest = 0;
		for (size_t i = 0; i < nbars; i++) {
			const char *l = c->series[0].pts[i].label;
			size_t len = l ? strlen(l) : 0;
			longest = len > longest ? len : longest;
		}
		width = 160 + 34 * (int)(nbars < 60 ? nbars : 60);
		width = width < GP_WIDTH ? GP_WIDTH : width;
		height += 20 + GP_LABEL_CHAR_PX * (int)(longest < 60 ? longest : 60);
	}
	comment(out, "blasbench chart: ", c->title);
	bb_strbuf_addf(out,
		       "# Re-plot with `gnuplot %s.gp` from any directory: writes %s.svg next to "
		       "this script\n# (data in %s.dat).  `gnuplot -e bb_stdout=1 %s.gp` writes the "
		       "SVG to standard output.\n",
		       c->name, c->name, c->name, c->name);
	bb_strbuf_adds(out, "reset\nset encoding utf8\n# the directory of this script\nbb_dir = ");
	bb_gp_quote(out, dir);
	bb_strbuf_adds(out,
		       "\nif (exists(\"ARG0\") && strlen(ARG0) > 0) {\n"
		       "\tbb_i = strlen(ARG0)\n"
		       "\twhile (bb_i > 0 && ARG0[bb_i:bb_i] ne '/') { bb_i = bb_i - 1 }\n"
		       "\tbb_dir = bb_i > 1 ? ARG0[1:bb_i-1] : (bb_i == 1 ? '' : '.')\n"
		       "}\n");
	bb_strbuf_addf(out,
		       "set terminal svg size %d,%d noenhanced font 'sans,11' background "
		       "'#ffffff'\n",
		       width, height);
	bb_strbuf_addf(out,
		       "if (exists(\"bb_stdout\") && bb_stdout) { set output } else { set output "
		       "bb_dir.'/%s.svg' }\n",
		       c->name);
	bb_strbuf_adds(out, "set title ");
	bb_gp_quote(out, c->title);
	bb_strbuf_adds(out, "\nset xlabel ");
	bb_gp_quote(out, c->xlabel);
	bb_strbuf_adds(out, "\nset ylabel ");
	bb_gp_quote(out, c->ylabel);
	bb_strbuf_addf(out, "\nset grid ytics lc rgb '#dddddd'\nset yrange [0:%.6g]\n", y_top(c));
	if (c->y2_scale > 0) {
		/* gnuplot puts a linked axis's tics where the y tics fall (57.5286...): give
		 * it a round step of its own, about six tics over the range */
		double raw = y_top(c) * c->y2_scale / 6, mag = pow(10, floor(log10(raw)));
		double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag
											: 10 * mag;
		bb_strbuf_addf(out,
			       "set link y2 via y*%.10g inverse y/%.10g\nset ytics nomirror\n"
			       "set y2tics %.6g format '%%g%%%%'\nset y2label ",
			       c->y2_scale, c->y2_scale, step);
		bb_gp_quote(out, c->y2label);
		bb_strbuf_addc(out, '\n');
	}
	for (int i = 0; i < c->n_hlines; i++) {
		bb_strbuf_addf(out,
			       "set arrow from graph 0, first %.10g to graph 1, first %.10g nohead "
			       "dt 2 lw 1.5 lc rgb '#b03030' front\nset label ",
			       c->hlines[i].y, c->hlines[i].y);
		bb_gp_quote(out, c->hlines[i].label);
		/* left, right, left...: labels of nearby lines (1 and 1.05) must not overlap */
		bb_strbuf_addf(out, " at graph %s, first %.10g %s offset 0,0.7 tc rgb '#b03030' front\n",
			       i % 2 ? "0.99" : "0.01", c->hlines[i].y, i % 2 ? "right" : "left");
	}
	char *dat = bb_xasprintf("bb_dir.'/%s.dat'", c->name);
	if (c->kind == BB_GP_BARS)
		plot_bars(c, out, dat);
	else
		plot_lines(c, out, dat);
	free(dat);
	bb_strbuf_adds(out, "unset output\n");
}

/* Whole or not at all, and never over a database (common/output.h). */
static int write_file(const char *path, const bb_strbuf *sb, char *err, size_t errlen)
{
	return bb_write_file_atomic(path, sb->buf, sb->len, err, errlen) ? -1 : 0;
}

int bb_gp_write(const bb_gp_chart *c, const char *dir, char *err, size_t errlen)
{
	bb_strbuf data = BB_STRBUF_INIT, script = BB_STRBUF_INIT;
	bb_gp_data(c, &data);
	bb_gp_script(c, dir, &script);
	char *dp = bb_xasprintf("%s/%s.dat", dir, c->name);
	char *gp = bb_xasprintf("%s/%s.gp", dir, c->name);
	int rc = write_file(dp, &data, err, errlen) || write_file(gp, &script, err, errlen) ? -1 : 0;
	free(dp);
	free(gp);
	bb_strbuf_release(&data);
	bb_strbuf_release(&script);
	return rc;
}
