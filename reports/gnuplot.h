/*
 * Charts through gnuplot: a small chart model (lines with error bars, or labelled bars with
 * error bars), the data file and script that draw it, and running gnuplot to get the chart as
 * SVG for an HTML page.
 *
 * Files: for a chart named N in DIR, DIR/N.dat holds the numbers and DIR/N.gp the script.
 * `gnuplot DIR/N.gp` works from any directory (the script finds its data next to itself through
 * ARG0, falling back to the absolute DIR it was written in) and writes DIR/N.svg; several
 * scripts can be given to one gnuplot (each starts with `reset`).  With bb_stdout=1 defined
 * (`gnuplot -e bb_stdout=1 N.gp`) the SVG goes to standard output: that is how the report
 * renders, so the page and the scripts draw the same picture.
 *
 * Every string from outside (titles, series names, bar labels) is written as a gnuplot
 * single-quoted string (bb_gp_quote) with the terminal in `noenhanced` mode, so no character
 * in a label is interpreted by gnuplot; gnuplot's SVG terminal escapes '<' and '&' in text.
 */
#ifndef BB_REPORTS_GNUPLOT_H
#define BB_REPORTS_GNUPLOT_H

#include <stddef.h>

#include "common/strbuf.h"

typedef enum bb_gp_kind {
	BB_GP_LINES, /* one line per series, x numeric; error bars where lo/hi are given */
	BB_GP_BARS,  /* one bar per point of the first series, labelled, with error bars */
} bb_gp_kind;

typedef struct bb_gp_point {
	double x, y;
	double lo, hi; /* error bar; NAN: none (drawn as y..y) */
	char *label;   /* BARS: the bar's label */
	unsigned color; /* BARS: 0xRRGGBB */
} bb_gp_point;

typedef struct bb_gp_series {
	char *title;
	bb_gp_point *pts;
	size_t n, alloc;
} bb_gp_series;

typedef struct bb_gp_hline {
	double y;
	char *label;
} bb_gp_hline;

#define BB_GP_MAX_HLINES 4

typedef struct bb_gp_chart {
	bb_gp_kind kind;
	char *name; /* file stem: made of [a-z0-9-] by bb_gp_chart_new() */
	char *title, *xlabel, *ylabel;
	int log2x;          /* LINES: logarithmic x axis, base 2 */
	int integer_x;      /* LINES: x tics on whole numbers only (thread counts) */
	double y2_scale;    /* > 0: a right-hand axis showing y * y2_scale ... */
	char *y2label;      /* ... with this label */
	bb_gp_hline hlines[BB_GP_MAX_HLINES]; /* dashed horizontal reference lines */
	int n_hlines;
	bb_gp_series *series;
	size_t n_series;
} bb_gp_chart;

/* A new empty chart; strings are copied; `name` is reduced to [a-z0-9-].  Free with
 * bb_gp_chart_free(). */
bb_gp_chart *bb_gp_chart_new(bb_gp_kind kind, const char *name, const char *title,
			     const char *xlabel, const char *ylabel);
void bb_gp_chart_free(bb_gp_chart *c);
/* A new series (title copied; NULL: no title in the key); valid until the next call. */
bb_gp_series *bb_gp_series_add(bb_gp_chart *c, const char *title);
void bb_gp_point_add(bb_gp_series *s, double x, double y, double lo, double hi,
		     const char *label, unsigned color);
void bb_gp_hline_add(bb_gp_chart *c, double y, const char *label);
void bb_gp_set_y2(bb_gp_chart *c, double scale, const char *label);
/* Points in all series. */
size_t bb_gp_chart_points(const bb_gp_chart *c);

/* Append s as a gnuplot single-quoted string: ' doubled, control characters and invalid UTF-8
 * bytes replaced (by a space and '?'), so a label can neither end the string nor the line.
 * NULL is written as ''. */
void bb_gp_quote(bb_strbuf *out, const char *s);

/* The data file and the script of c; `dir` is where they will live (the script's fallback when
 * gnuplot does not give it its own path). */
void bb_gp_data(const bb_gp_chart *c, bb_strbuf *out);
void bb_gp_script(const bb_gp_chart *c, const char *dir, bb_strbuf *out);
/* Write DIR/name.dat and DIR/name.gp, each whole or not at all and never over a database
 * (bb_write_file_atomic()).  Returns 0, or -1 with "cannot write 'f': reason" or "refusing to
 * write 'f': it is ..." in err. */
int bb_gp_write(const bb_gp_chart *c, const char *dir, char *err, size_t errlen);

/* Whether `prog` can be run: a path (with '/') must be an executable file; a bare name is
 * searched in $PATH.  Returns 1, or 0 with the reason in why ("'x' not found in PATH"). */
int bb_gp_available(const char *prog, char *why, size_t whylen);

/* Run `prog -e bb_stdout=1 DIR/name.gp` (written by bb_gp_write) with a time limit and return
 * the chart as one <svg> element (no XML prolog), its ids prefixed with id_prefix so several
 * charts can share one HTML page.  Returns 0 with *svg malloc'd (caller frees), or -1 with the
 * reason in err (gnuplot's first error line, exit status, timeout, or output that is not a
 * plain SVG). */
int bb_gp_render_svg(const char *prog, const char *dir, const bb_gp_chart *c,
		     const char *id_prefix, char **svg, char *err, size_t errlen);

#endif
