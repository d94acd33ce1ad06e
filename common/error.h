/*
 * Error and diagnostic messages, git style: "error: cannot open database 'x': reason".
 * Lower case, no full stop, the subject quoted, the cause after a colon.
 *
 * bb_error() prints and returns -1 so callers can write `return bb_error(...)`.
 * bb_verbose() prints only when the verbosity level set with bb_set_verbosity() is >= 1;
 * it is how probes say each step (" -> detected ILP64").
 */
#ifndef BB_COMMON_ERROR_H
#define BB_COMMON_ERROR_H

#include <stdarg.h>
#include <stdio.h>

#define BB_PRINTF(f, a) __attribute__((format(printf, f, a)))

int bb_error(const char *fmt, ...) BB_PRINTF(1, 2);
void bb_warning(const char *fmt, ...) BB_PRINTF(1, 2);
void bb_note(const char *fmt, ...) BB_PRINTF(1, 2);
void bb_verbose(const char *fmt, ...) BB_PRINTF(1, 2);
_Noreturn void bb_die(const char *fmt, ...) BB_PRINTF(1, 2);

void bb_set_verbosity(int level);
int bb_verbosity(void);

/* Allocation that cannot fail silently: on exhaustion these print and exit(3). */
void *bb_xmalloc(size_t n);
void *bb_xcalloc(size_t n, size_t size);
void *bb_xrealloc(void *p, size_t n);
char *bb_xstrdup(const char *s);
char *bb_xasprintf(const char *fmt, ...) BB_PRINTF(1, 2);
char *bb_xvasprintf(const char *fmt, va_list ap) BB_PRINTF(1, 0);

#endif
