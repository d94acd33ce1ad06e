/*
 * OpenMP runtimes loaded explicitly, the way an application's own OpenMP code brings one into
 * a process next to a BLAS: GCC's libgomp, LLVM's libomp (Debian's libomp5), Intel's libiomp5
 * where present, or any runtime by path.  The harness links none of them (DESIGN.md, process
 * model); a worker loads one with RTLD_LOCAL, as Python loads extension modules, and drives
 * parallel regions through GOMP_parallel, the entry point GCC-compiled code calls and that
 * both libgomp and libomp export.
 *
 * Worker side:
 *   bb_omp_runtime rt;
 *   if (bb_omp_load(&rt, "gomp", err, sizeof(err))) ...;
 *   bb_omp_parallel(&rt, 2, fn, data);     fn(data) runs on 2 threads of that runtime
 *   bb_omp_release(&rt);
 */
#ifndef BB_BACKENDS_OMP_RUNTIME_H
#define BB_BACKENDS_OMP_RUNTIME_H

#include <stddef.h>

/* The runtimes known by name, once: BB_OMP_RUNTIME(name, file, description).  A known file
 * already mapped in the process is used as it is; otherwise it is searched where
 * bb_libpath_search() looks (the intel-openmp wheel puts libiomp5.so in the Python
 * environment's lib/, oneAPI in $MKLROOT/../../compiler), then left to the dynamic linker. */
#define BB_OMP_RUNTIMES(X)                                                                         \
	X("gomp", "libgomp.so.1", "GCC libgomp")                                                  \
	X("llvm", "libomp.so.5", "LLVM libomp")                                                   \
	X("intel", "libiomp5.so", "Intel libiomp5")
/* Other names accepted for a runtime: BB_OMP_ALIAS(alias, name).  "iomp" was the first name
 * of Intel's runtime here; runs recorded with it stay readable. */
#define BB_OMP_ALIASES(X) X("iomp", "intel")

/* The names as help text says them, made from the two lists: "gomp, llvm, intel, or a path
 * (iomp = intel)". */
#define BB_OMP_HELP_NAME_(n, f, d) n ", "
#define BB_OMP_HELP_ALIAS_(a, n) " (" a " = " n ")"
#define BB_OMP_NAMES_HELP BB_OMP_RUNTIMES(BB_OMP_HELP_NAME_) "or a path" BB_OMP_ALIASES(BB_OMP_HELP_ALIAS_)

typedef struct bb_omp_runtime {
	char name[16];  /* "gomp", "llvm", "intel", or "path" for a runtime named by its file */
	char *file;     /* as passed to dlopen */
	char *realpath; /* the file actually mapped (libiomp5.so may be LLVM's libomp) */
	void *handle;
	int was_loaded; /* the process had it mapped before (a backend links it): one shared copy */
	void (*gomp_parallel)(void (*fn)(void *), void *data, unsigned nthreads, unsigned flags);
	int (*thread_num)(void);
	int (*max_threads)(void);
	void (*set_num_threads)(int);
} bb_omp_runtime;

/* 1 when name is "none" or empty: no runtime asked for. */
int bb_omp_is_none(const char *name);
/* Check a runtime name ("gomp", "llvm", "intel", an alias, "none", or a path containing '/') without
 * loading it; 0, or -1 with a one-line reason (an unknown name gets a suggestion). */
int bb_omp_name_check(const char *name, char *err, size_t errlen);
/* Load the runtime `name` (RTLD_LOCAL|RTLD_NOW) and resolve its entry points.
 * Returns 0, or -1 with a reason in err (rt is then released).  Release with bb_omp_release(). */
int bb_omp_load(bb_omp_runtime *rt, const char *name, char *err, size_t errlen);
void bb_omp_release(bb_omp_runtime *rt);
/* Run fn(data) on nthreads threads of rt (a parallel region) and return when all are done.
 * nthreads 0: the runtime's default team size. */
void bb_omp_parallel(const bb_omp_runtime *rt, int nthreads, void (*fn)(void *), void *data);
/* The calling thread's number inside a region of rt (0 outside). */
int bb_omp_thread_num(const bb_omp_runtime *rt);
/* The canonical name of a known runtime or alias ("iomp" -> "intel"); name itself otherwise. */
const char *bb_omp_canonical(const char *name);
/* A comma-separated list of the known runtime names, for help and errors. */
const char *bb_omp_names(void);

#endif
