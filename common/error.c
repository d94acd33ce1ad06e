/*
 * Diagnostics and checked allocation shared by every layer.  Messages go to stderr so that
 * stdout stays clean for tables and --json output.
 */
#include "common/error.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int verbosity;

void bb_set_verbosity(int level) { verbosity = level; }
int bb_verbosity(void) { return verbosity; }

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int bb_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
	return -1;
}

void bb_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void bb_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("note: ", fmt, ap);
	va_end(ap);
}

void bb_verbose(const char *fmt, ...)
{
	if (verbosity < 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

void bb_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("fatal: ", fmt, ap);
	va_end(ap);
	exit(3);
}

static void *checked(void *p, size_t n)
{
	if (!p && n)
		bb_die("out of memory allocating %zu bytes", n);
	return p;
}

void *bb_xmalloc(size_t n) { return checked(malloc(n ? n : 1), n); }
void *bb_xcalloc(size_t n, size_t size) { return checked(calloc(n ? n : 1, size ? size : 1), n * size); }
void *bb_xrealloc(void *p, size_t n) { return checked(realloc(p, n ? n : 1), n); }
char *bb_xstrdup(const char *s) { return s ? checked(strdup(s), strlen(s) + 1) : NULL; }

char *bb_xvasprintf(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		bb_die("out of memory formatting a string");
	return s;
}

char *bb_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = bb_xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}
