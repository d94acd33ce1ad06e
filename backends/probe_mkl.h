/*
 * Intel oneMKL probes (probe_mkl.c), called from the generic probes: probe_info.c's family
 * table for version, layers, kernel and thread control; stack.c for the libraries MKL's
 * single dynamic library (libmkl_rt) loads by itself at run time, which no DT_NEEDED entry
 * names (interface, threading, core and per-ISA kernel libraries, and the OpenMP or TBB
 * runtime of its threading layer).
 */
#ifndef BB_BACKENDS_PROBE_MKL_H
#define BB_BACKENDS_PROBE_MKL_H

#include "backends/backend.h"

/* Version and build (MKL_Get_Version), the interface and threading layers in effect (read
 * back from mkl_set_interface_layer / mkl_set_threading_layer, which after initialisation
 * only report), the kernel library MKL dispatched to after one dgemm and its CNR auto
 * branch, and whether the thread-local limit (mkl_set_num_threads_local) is honoured. */
void bb_mkl_info(bb_backend *b);
/* mkl_get_max_threads(), 0 when absent. */
int bb_mkl_get_threads(bb_backend *b);
/* mkl_set_num_threads(n). */
void bb_mkl_set_threads(bb_backend *b, int n);
/* Before MKL's first call: when MKL_THREADING_LAYER asks for TBB, map the libtbb.so.12 found
 * where libraries are searched (the tbb wheel puts it next to libmkl_rt), since MKL's TBB
 * layer names it by soname only and the dynamic linker would not find it there.  Does nothing
 * for a library that is not MKL or for another layer. */
void bb_mkl_preload_runtime(bb_backend *b);
/* 1 when the object at path (a link-map name) was loaded by this MKL backend's dispatcher:
 * a libmkl_* library, or the runtime of the threading layer in effect.  b must be an MKL
 * backend (family "mkl") that has been called at least once. */
int bb_mkl_runtime_object(bb_backend *b, const char *path);

#endif
