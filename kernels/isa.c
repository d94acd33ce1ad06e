/*
 * Kernel ISA levels: names, what each level needs from the CPU, and the selection order.
 * See kernels/isa.h.
 */
#include "kernels/isa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"

/* Formatted by hand: clang-format cannot see through the X-macro expansion. */
/* clang-format off */
static const struct {
	const char *name;
	const char *needs;
} isa_info[BB_ISA_COUNT] = {
#define BB_ISA_INFO(id, name, needs) [BB_ISA_##id] = {name, needs},
	BB_ISA_LIST(BB_ISA_INFO)
#undef BB_ISA_INFO
};
/* clang-format on */

const char *bb_isa_name(bb_isa isa)
{
	if ((int)isa < 0 || isa >= BB_ISA_COUNT)
		return "unknown";
	return isa_info[isa].name;
}

int bb_isa_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < BB_ISA_COUNT; i++)
		if (strcasecmp(name, isa_info[i].name) == 0)
			return i;
	return -1;
}

int bb_isa_supported_by(const bb_cpu_features *f, bb_isa isa)
{
	switch (isa) {
	case BB_ISA_AVX512:
		return f->avx512f;
	case BB_ISA_AVX2:
		return f->avx2 && f->fma;
	case BB_ISA_GENERIC:
		return 1;
	case BB_ISA_COUNT:
		break;
	}
	return 0;
}

int bb_isa_supported(bb_isa isa)
{
	bb_cpu_features f;
	bb_cpu_features_detect(&f);
	return bb_isa_supported_by(&f, isa);
}

/* Append the names of all levels (or of those f supports) as "a, b, c" to buf. */
static void list_levels(char *buf, size_t len, const bb_cpu_features *only_supported_by)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < BB_ISA_COUNT && used < len; i++) {
		if (only_supported_by && !bb_isa_supported_by(only_supported_by, i))
			continue;
		int n =
		    snprintf(buf + used, len - used, "%s%s", used ? ", " : "", isa_info[i].name);
		used += n > 0 ? (size_t)n : 0;
	}
}

static void set_why(char *why, size_t whylen, const char *msg)
{
	if (why && whylen > 0)
		snprintf(why, whylen, "%s", msg);
}

int bb_isa_select_for(const bb_cpu_features *f, const char *env, bb_isa *out, char *why,
                      size_t whylen)
{
	char msg[256], levels[64];

	/* 1. An explicit override wins, but only for a level this cpu can run. */
	if (env && *env) {
		int isa = bb_isa_from_name(env);
		if (isa < 0) {
			list_levels(levels, sizeof(levels), NULL);
			snprintf(msg, sizeof(msg), "%s='%s' names no kernel level (valid: %s)",
			         BB_ISA_ENV, env, levels);
			set_why(why, whylen, msg);
			return bb_error("%s", msg);
		}
		if (!bb_isa_supported_by(f, isa)) {
			list_levels(levels, sizeof(levels), f);
			snprintf(msg, sizeof(msg),
			         "%s='%s' is not supported by this cpu: %s needs %s "
			         "(supported here: %s)",
			         BB_ISA_ENV, env, isa_info[isa].name, isa_info[isa].needs, levels);
			set_why(why, whylen, msg);
			return bb_error("%s", msg);
		}
		if (isa_info[isa].needs)
			snprintf(msg, sizeof(msg), "%s: forced by %s=%s (cpu has %s)",
			         isa_info[isa].name, BB_ISA_ENV, env, isa_info[isa].needs);
		else
			snprintf(msg, sizeof(msg), "%s: forced by %s=%s (portable c)",
			         isa_info[isa].name, BB_ISA_ENV, env);
		set_why(why, whylen, msg);
		*out = isa;
		return 0;
	}

	/* 2. Otherwise the newest level the cpu supports; 3. generic needs nothing, so always. */
	for (int i = 0; i < BB_ISA_COUNT; i++) {
		if (!bb_isa_supported_by(f, i))
			continue;
		if (!isa_info[i].needs)
			snprintf(msg, sizeof(msg),
			         "generic: cpu has no simd level blasbench has kernels for "
			         "(%s not set)",
			         BB_ISA_ENV);
		else
			snprintf(msg, sizeof(msg), "%s: cpu has %s (%s not set)", isa_info[i].name,
			         isa_info[i].needs, BB_ISA_ENV);
		set_why(why, whylen, msg);
		*out = i;
		return 0;
	}
	/* Unreachable while generic needs nothing; say so rather than guess. */
	set_why(why, whylen, "no kernel level can run on this cpu");
	return bb_error("no kernel level can run on this cpu");
}

int bb_isa_select(bb_isa *out, char *why, size_t whylen)
{
	bb_cpu_features f;
	bb_cpu_features_detect(&f);
	return bb_isa_select_for(&f, getenv(BB_ISA_ENV), out, why, whylen);
}

bb_isa bb_isa_best(void)
{
	bb_cpu_features f;
	bb_isa isa = BB_ISA_GENERIC;
	bb_cpu_features_detect(&f);
	bb_isa_select_for(&f, NULL, &isa, NULL, 0);
	return isa;
}
