/*
 * `blasbench inspect`: the BLAS, LAPACK and OpenMP libraries a live process uses.
 *
 * inspect_launch.c runs CMD with the probe library (inspect_probe.c) injected and collects what
 * it wrote at exit, plus the shared objects seen in /proc/PID/maps while CMD ran (what is left
 * when CMD crashes or leaves through _exit); inspect_pid.c reads the same from outside for
 * --pid; inspect_report.c classifies each file, probes it in a worker the way `list` does,
 * adds the values read inside the process, raises the stack flags and prints text or JSON.
 * `diagnose -- CMD` uses bb_inspect_launch() and the classified files too.
 */
#ifndef BB_HARNESS_INSPECT_H
#define BB_HARNESS_INSPECT_H

#include <stddef.h>
#include <stdio.h>

#include "common/json.h"
#include "common/strbuf.h"

/* Exit codes of inspect (and diagnose -- CMD) when CMD or PID cannot be used, as a shell
 * has them: 127 not found, 126 found but may not be run / read. */
#define BB_EXIT_NOT_FOUND 127
#define BB_EXIT_NOT_PERMITTED 126

typedef struct bb_inspect_value {
	char *key, *value;
} bb_inspect_value;

typedef struct bb_inspect_object {
	char *path;               /* as the loader named it */
	int seen_in_process;      /* in the probe's dl_iterate_phdr walk at exit */
	bb_inspect_value *values; /* read through the library's own getters inside the process */
	size_t n_values;
} bb_inspect_object;

typedef struct bb_inspect_result {
	bb_inspect_object *objects;
	size_t n_objects;
	int probe_ran;       /* the probe wrote its record at exit */
	int exit_code;       /* CMD's, -1 if killed by a signal */
	int signal;          /* the signal that killed CMD, 0 if none */
	int threads_at_exit; /* threads of the process when it exited (0 unknown) */
	int cpus_allowed;    /* CPUs the process could use (0 unknown) */
	double wall_ms;      /* CMD's run time as blasbench saw it */
	long pid;            /* --pid: the process; 0 for CMD */
	char *probe_exe;     /* the program the probe started in */
	char *last_exe;      /* the program the process ran when last seen (an exec changes it) */
	char **cannot_tell;  /* what could not be read (--pid), for the report */
	size_t n_cannot_tell;
} bb_inspect_result;

/* Run argv (argv[0] searched in PATH as execvp does) with the probe injected, passing its
 * standard streams through.  Returns 0 when CMD ran (whatever its exit), or BB_EXIT_NOT_FOUND /
 * BB_EXIT_NOT_PERMITTED / BB_EXIT_INTERNAL with a one-line reason in err.  Release with
 * bb_inspect_result_release(). */
int bb_inspect_launch(char *const argv[], bb_inspect_result *r, char *err, size_t errlen);
/* Read a running process from outside.  Same return convention. */
int bb_inspect_pid(long pid, bb_inspect_result *r, char *err, size_t errlen);
void bb_inspect_result_release(bb_inspect_result *r);
const char *bb_inspect_value_of(const bb_inspect_object *o, const char *key);

/* What a file is to inspect, from the symbols it defines. */
typedef enum bb_inspect_kind {
	BB_INSPECT_OTHER = 0,
	BB_INSPECT_BLAS = 1,   /* defines dgemm under some affixes (maybe LAPACK too) */
	BB_INSPECT_LAPACK = 2, /* defines dgetrf but no dgemm */
	BB_INSPECT_OPENMP = 3, /* defines the OpenMP API */
} bb_inspect_kind;
bb_inspect_kind bb_inspect_classify(const char *path);
const char *bb_inspect_kind_name(bb_inspect_kind k);
/* 1 when threadpoolctl (3.8) would find the file by its name's prefix; blasbench finds BLAS,
 * LAPACK and OpenMP files by the symbols they define, whatever their names. */
int bb_inspect_name_known(const char *path);

/* The wheel (Python distribution) a file came from: the X.libs/ directory or the dist-info
 * RECORD of its site-packages; NULL if none.  Caller frees. */
char *bb_inspect_wheel_of(const char *path);

/* Classify, probe (in workers) and judge: the whole report as JSON in *doc (caller frees with
 * bb_json_free).  Returns 0, or -1 with a reason in err. */
int bb_inspect_report(const bb_inspect_result *r, char *const argv[], bb_json **doc, char *err,
                      size_t errlen);
void bb_inspect_print(const bb_json *doc, FILE *out);

#endif
