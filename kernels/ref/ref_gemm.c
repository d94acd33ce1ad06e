/*
 * Reference GEMM in four precisions (see kernels/ref_kernels.h for the contract).
 *
 * The algorithm is written once, in ref_gemm_body.h, and instantiated here for each type, the
 * way BLIS builds its reference kernels: T is the element type, BB_REF_CONJ conjugates (the
 * identity for real types), BB_REF_NAME the function and BB_REF_LETTER the BLAS letter used in
 * messages.
 */
#include "kernels/gemm_args.h"
#include "kernels/ref_kernels.h"

#include <complex.h>

#include "common/error.h"

#define T float
#define BB_REF_NAME bb_ref_sgemm
#define BB_REF_LETTER "s"
#define BB_REF_CONJ(x) (x)
#include "kernels/ref/ref_gemm_body.h"

#define T double
#define BB_REF_NAME bb_ref_dgemm
#define BB_REF_LETTER "d"
#define BB_REF_CONJ(x) (x)
#include "kernels/ref/ref_gemm_body.h"

#define T float _Complex
#define BB_REF_NAME bb_ref_cgemm
#define BB_REF_LETTER "c"
#define BB_REF_CONJ(x) conjf(x)
#include "kernels/ref/ref_gemm_body.h"

#define T double _Complex
#define BB_REF_NAME bb_ref_zgemm
#define BB_REF_LETTER "z"
#define BB_REF_CONJ(x) conj(x)
#include "kernels/ref/ref_gemm_body.h"
