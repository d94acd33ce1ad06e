/*
 * The environment a diagnosis runs in, as evidence (harness/diagnose/diagnose_env.c): which
 * kernel overrides, thread counts, wait policies and preloaded libraries are in effect in the
 * workers, whether the backend's spec set them or blasbench inherited them from its own
 * environment, and the words of a kernel-selection finding that follow from that evidence
 * only ("the environment forced X" is never reported as "the library selected X").
 *
 * Inherited values are read from the controller's own environment, which every worker
 * inherits (the seam where a recorded per-run environment can take over).
 *
 *   bb_diag_env_setting forced[4];
 *   size_t n = bb_diag_kernel_forced("openblas", spec, forced, 4);
 *   ... measure once more with bb_diag_job_unset() / bb_diag_spec_without() ...
 *   bb_diag_kernel_words(&facts, &cause, &mechanism);
 */
#ifndef BB_HARNESS_DIAGNOSE_ENV_H
#define BB_HARNESS_DIAGNOSE_ENV_H

#include <stddef.h>

#include "backends/spec.h"
#include "common/json.h"
#include "common/strbuf.h"
#include "harness/diagnose/diagnose_findings.h"

/* One setting in effect: VAR=VALUE and where it came from. */
typedef struct bb_diag_env_setting {
	const char *var;
	const char *value; /* points into the environment or the spec */
	int from_spec;     /* 1: the spec sets it; 0: inherited from blasbench's environment */
} bb_diag_env_setting;

/* The kernel overrides in effect for a backend of `family` (NULL unknown: every family's)
 * under spec: the spec's pairs, else the inherited variables.  Returns how many were written
 * to out (at most max). */
size_t bb_diag_kernel_forced(const char *family, const bb_backend_spec *spec,
                             bb_diag_env_setting *out, size_t max);

/* "OPENBLAS_CORETYPE=Haswell is set in the environment" / "... is set by the spec", joined
 * with " and " for several, into out. */
void bb_diag_env_said(const bb_diag_env_setting *s, size_t n, bb_strbuf *out);

/* The spec's text without the pairs that set var.  Caller frees. */
char *bb_diag_spec_without(const bb_backend_spec *spec, const char *var);

/* The inherited thread variables, wait policies and preloads in effect in diagnose's workers,
 * in one sentence naming each with its value and what it may do ("OMP_WAIT_POLICY=active
 * (idle OpenMP threads spin) ..."), or NULL when none is set.  threads: diagnose's --threads,
 * to which the workers set the usual thread variables themselves.  brief: only
 * "VAR=VALUE, ..." of those in effect in the workers as inherited.  Caller frees. */
char *bb_diag_env_inherited(int threads, int brief);

/* For a mitigation that sets var: the inherited value of var when it differs from the one the
 * mitigation sets (that inherited setting is then part of the cause when the mitigation
 * helps), else NULL. */
const char *bb_diag_env_inherited_other(const char *var, const char *value);

/* A threading finding's inherited settings: named in f->environment, and named in f->cause
 * when its best mitigation helps by setting one of them to another value (OMP_WAIT_POLICY=
 * active inherited, passive helps).  threads: as for bb_diag_env_inherited. */
void bb_diag_env_finding(bb_diag_finding *f, int threads);

/* Flags an LD_PRELOAD that takes over the backend: a preloaded library that provides dgemm
 * (every figure is then of it, not of the backend) or an OpenMP runtime (the backend's
 * OpenMP calls go to it).  record: the backend's probed record. */
void bb_diag_env_preload_flags(bb_diag_report *r, const char *alias, const char *spec,
                               const bb_json *record);

/* 1 when the library at realpath_ is one of LD_PRELOAD's (inherited), else 0. */
int bb_diag_env_preloaded(const char *realpath_);

/* What kernel-selection measured, for its words. */
typedef struct bb_diag_kernel_facts {
	const char *family, *version;      /* the probed library (NULL unknown) */
	const char *kernel;                /* what it selected as run */
	const bb_diag_env_setting *forced; /* the overrides in effect (bb_diag_kernel_forced) */
	size_t n_forced;
	const char *own_kernel;         /* selected with them removed; NULL: not measured */
	const char *own_error;          /* why that measurement failed, NULL */
	double factor, ci_low, ci_high; /* time as run over time without them; NAN unmeasured */
	int override_faster;            /* a documented override beat the library's own choice */
} bb_diag_kernel_facts;

/* The cause and mechanism sentences the facts support (caller frees both): a forced kernel
 * names the variable and what the library selects without it; the "does not recognise this
 * CPU" mechanism only when nothing is forced and the kernel is known to be of an older kind
 * than this CPU runs; "cannot tell" when the kernel's kind is unknown. */
void bb_diag_kernel_words(const bb_diag_kernel_facts *k, char **cause, char **mechanism);

#endif
