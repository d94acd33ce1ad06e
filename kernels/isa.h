/*
 * Kernel ISA levels: which family of blasbench's SIMD kernels runs on this host.
 *
 * The levels are one list, BB_ISA_LIST, newest first; the enum, the names and every loop over
 * levels follow it, so enum order is preference order.  bb_isa_select() is the one place that
 * decides which level to use (BLASBENCH_KERNEL override, then CPU features newest to oldest,
 * then portable C); the optimized GEMM and the peak measurement dispatch through it.
 */
#ifndef BB_KERNELS_ISA_H
#define BB_KERNELS_ISA_H

#include <stddef.h>

#include "kernels/cpu_features.h"

/* X(ID, "name", "cpu features it needs" or NULL for none) */
#define BB_ISA_LIST(X)                                                                             \
	X(AVX512, "avx512", "avx512f")                                                             \
	X(AVX2, "avx2", "avx2 and fma")                                                            \
	X(GENERIC, "generic", NULL)

/* Formatted by hand: clang-format cannot see through the X-macro expansion. */
/* clang-format off */
typedef enum bb_isa {
#define BB_ISA_ENUM(id, name, needs) BB_ISA_##id,
	BB_ISA_LIST(BB_ISA_ENUM)
#undef BB_ISA_ENUM
	BB_ISA_COUNT
} bb_isa;
/* clang-format on */

/* The environment variable that forces a level. */
#define BB_ISA_ENV "BLASBENCH_KERNEL"

/* "avx512", "avx2", "generic"; "unknown" for a value outside the enum. */
const char *bb_isa_name(bb_isa isa);

/* The level named name (case-insensitive), or -1 when name is NULL or names no level. */
int bb_isa_from_name(const char *name);

/* 1 when the CPU features in f can run kernels of this level. */
int bb_isa_supported_by(const bb_cpu_features *f, bb_isa isa);

/* 1 when this host (features detected now) can run kernels of this level. */
int bb_isa_supported(bb_isa isa);

/* The newest level this host supports, ignoring BLASBENCH_KERNEL; BB_ISA_GENERIC at worst. */
bb_isa bb_isa_best(void);

/*
 * Choose the kernel level for features f and the override value env (NULL or "" = not set).
 * On success stores the level in *out, a one-line reason in why ("avx512: cpu has avx512f
 * (BLASBENCH_KERNEL not set)") and returns 0.  An override that names no level, or a level f
 * cannot run, is refused: the message (naming the valid values) is printed with bb_error(),
 * also stored in why, *out is left alone and -1 returned; there is no silent fallback.
 * why may be NULL when whylen is 0.
 */
int bb_isa_select_for(const bb_cpu_features *f, const char *env, bb_isa *out, char *why,
                      size_t whylen);

/* bb_isa_select_for() with this host's features and getenv(BLASBENCH_KERNEL). */
int bb_isa_select(bb_isa *out, char *why, size_t whylen);

#endif
