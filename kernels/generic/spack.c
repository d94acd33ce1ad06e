/*
 * The portable sgemm packing kernel, plain C: an mn x k block (element (i,p) at
 * src[i*rs + p*cs]) into micro-panels of w rows, dst[(i/w)*w*k + p*w + i%w], the last panel
 * zero-padded.  Compiled with -O3 (kernels/CMakeLists.txt) so the copy case vectorizes for the
 * baseline ISA.  Builds and runs on any CPU; the fallback of kernels/opt/opt_registry.c.
 * Contract: see bb_spack_fn in kernels/opt/opt_ukr.h.
 */
#include "kernels/opt/opt_ukr.h"

#define T float
#define BB_PACK_NAME bb_spack_generic
#include "kernels/generic/pack_body.h"
