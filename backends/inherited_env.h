/*
 * The environment a stack inherits: which of the variables set in this process the loaded
 * libraries and runtimes read (OpenBLAS, BLIS, MKL, OpenMP, libflame, the dynamic loader...),
 * apart from what blasbench or a spec sets.  Workers call it on the link map they loaded (the
 * backend record's "inherited_env"); the controller calls it on the files a spec would load,
 * found without loading them, to warn before a run and for `info`.
 */
#ifndef BB_BACKENDS_INHERITED_ENV_H
#define BB_BACKENDS_INHERITED_ENV_H

#include <stddef.h>

#include "backends/spec.h"

/* The thread-count variables blasbench sets itself when it is given a thread count (one for
 * every threading layer a backend may be built on). */
extern const char *const bb_env_thread_vars[];
extern const size_t bb_env_n_thread_vars;

/* 1 for a variable of the dynamic loader (LD_PRELOAD, LD_LIBRARY_PATH, GLIBC_TUNABLES...):
 * read by every stack, and before any of our code runs. */
int bb_env_loader_name(const char *name);

/* The process's environment entries that can shape a stack: all of environ except
 * blasbench's own (BLASBENCH_*), the basics every process has (PATH, HOME, LANG...), the
 * spec's VAR=VALUE names and, when threads > 0, the thread variables blasbench sets.  The
 * caller frees with bb_env_vars_free(). */
size_t bb_env_candidates(const bb_backend_spec *spec, int threads, bb_env_var **out);

/* Which candidates the stack made of files[] reads: named in their strings, a loader variable,
 * or a name with a family prefix (OPENBLAS_, BLIS_, OMP_...) that the strings hold.
 * Returns a new list (in the candidates' order); caller frees with bb_env_vars_free(). */
size_t bb_env_read_by(const bb_env_var *cand, size_t n_cand, const char *const *files,
                      size_t n_files, bb_env_var **out);

/* The files `spec` would load, without loading them: its own files (and preloads), then
 * their DT_NEEDED found the way the loader mostly finds them (the needing file's directory,
 * LD_LIBRARY_PATH, the system library directories).  An estimate for warnings before a run;
 * a worker reads the real link map.  Caller frees each and the array. */
size_t bb_env_spec_files(const bb_backend_spec *spec, char ***files);

void bb_env_vars_add(bb_env_var **v, size_t *n, const char *name, const char *value);
void bb_env_vars_free(bb_env_var *v, size_t n);
/* "A=x, B=y" into a new string (caller frees). */
char *bb_env_vars_text(const bb_env_var *v, size_t n);

#endif
