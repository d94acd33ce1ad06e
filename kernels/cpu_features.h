/*
 * CPU feature detection: which SIMD instruction sets this CPU has *and* the operating system
 * enables (a feature whose register state the OS does not save is reported absent).
 *
 * Used by kernels/isa.c to choose a kernel level and by `blasbench info` to describe the host.
 * The list of features is written once, in BB_CPU_FEATURE_LIST; the struct fields, the names
 * printed and the detection all follow it.  On non-x86_64 builds every flag is 0 and the vendor
 * and model are "unknown".
 */
#ifndef BB_KERNELS_CPU_FEATURES_H
#define BB_KERNELS_CPU_FEATURES_H

#include <stddef.h>

/* X(field): one entry per feature, oldest first; the field name is also the printed name. */
#define BB_CPU_FEATURE_LIST(X)                                                                     \
	X(sse2)                                                                                    \
	X(avx)                                                                                     \
	X(fma)                                                                                     \
	X(avx2)                                                                                    \
	X(avx512f)                                                                                 \
	X(avx512dq)                                                                                \
	X(avx512bw)                                                                                \
	X(avx512vl)

typedef struct bb_cpu_features {
#define BB_CPU_FEATURE_FIELD(name) unsigned char name; /* 1: usable (cpu has it, os enables it) */
	BB_CPU_FEATURE_LIST(BB_CPU_FEATURE_FIELD)
#undef BB_CPU_FEATURE_FIELD
	char vendor[13]; /* cpuid vendor, e.g. "GenuineIntel"; "unknown" when not x86_64 */
	char model[49];  /* cpuid brand string, trimmed; "unknown" when the cpu has none */
} bb_cpu_features;

/* Fill f from cpuid and xgetbv.  Never fails: what cannot be detected is reported absent. */
void bb_cpu_features_detect(bb_cpu_features *f);

/*
 * Write the names of the features present in f, separated by single spaces ("sse2 avx fma"),
 * into buf (always NUL-terminated when len > 0; "" when none).  Returns the length the full
 * string needs, like snprintf, so a result >= len means it was truncated.
 */
size_t bb_cpu_features_str(const bb_cpu_features *f, char *buf, size_t len);

#endif
