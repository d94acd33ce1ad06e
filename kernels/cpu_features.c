/*
 * CPU feature detection through cpuid and xgetbv (x86_64); a stub reporting nothing elsewhere.
 *
 * A flag is set only when the CPU reports the instructions *and* XCR0 shows that the OS saves
 * the matching register state (SSE/AVX for ymm, opmask/zmm for AVX-512): a hypervisor or kernel
 * may hide AVX-512 state even on a CPU that has it, and executing it then faults.
 */
#include "kernels/cpu_features.h"

#include <stdio.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

/* XCR0 bits: 1 = SSE (xmm), 2 = AVX (upper ymm), 5-7 = AVX-512 (opmask, upper zmm, zmm16-31). */
#define XCR0_AVX 0x06u
#define XCR0_AVX512 0xe6u

static unsigned long long read_xcr0(void)
{
	unsigned int lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((unsigned long long)hi << 32) | lo;
}

/* Copy the 48-byte brand string (leaves 0x80000002-4) without leading or trailing spaces. */
static void read_brand(char *model, size_t len)
{
	unsigned int r[12] = {0};
	char raw[49];

	snprintf(model, len, "unknown");
	for (unsigned int i = 0; i < 3; i++)
		if (!__get_cpuid(0x80000002u + i, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2],
		                 &r[4 * i + 3]))
			return;
	memcpy(raw, r, 48);
	raw[48] = '\0';

	char *s = raw;
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	if (n > 0)
		snprintf(model, len, "%s", s);
}

void bb_cpu_features_detect(bb_cpu_features *f)
{
	unsigned int a, b, c, d;

	memset(f, 0, sizeof(*f));
	snprintf(f->vendor, sizeof(f->vendor), "unknown");
	read_brand(f->model, sizeof(f->model));

	if (!__get_cpuid(0, &a, &b, &c, &d))
		return;
	memcpy(f->vendor, &b, 4);
	memcpy(f->vendor + 4, &d, 4);
	memcpy(f->vendor + 8, &c, 4);
	f->vendor[12] = '\0';

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return;
	f->sse2 = (d >> 26) & 1;
	int osxsave = (c >> 27) & 1;
	unsigned long long xcr0 = osxsave ? read_xcr0() : 0;
	int os_avx = (xcr0 & XCR0_AVX) == XCR0_AVX;
	int os_avx512 = (xcr0 & XCR0_AVX512) == XCR0_AVX512;
	f->avx = os_avx && ((c >> 28) & 1);
	f->fma = os_avx && ((c >> 12) & 1);

	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return;
	f->avx2 = os_avx && ((b >> 5) & 1);
	f->avx512f = os_avx512 && ((b >> 16) & 1);
	f->avx512dq = os_avx512 && ((b >> 17) & 1);
	f->avx512bw = os_avx512 && ((b >> 30) & 1);
	f->avx512vl = os_avx512 && ((b >> 31) & 1);
}

#else

void bb_cpu_features_detect(bb_cpu_features *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->vendor, sizeof(f->vendor), "unknown");
	snprintf(f->model, sizeof(f->model), "unknown");
}

#endif

size_t bb_cpu_features_str(const bb_cpu_features *f, char *buf, size_t len)
{
	size_t need = 0;

	if (len > 0)
		buf[0] = '\0';
#define BB_CPU_FEATURE_APPEND(name)                                                                \
	if (f->name) {                                                                             \
		const char *sep = need ? " " : "";                                                 \
		if (need < len)                                                                    \
			snprintf(buf + need, len - need, "%s%s", sep, #name);                      \
		need += strlen(sep) + strlen(#name);                                               \
	}
	BB_CPU_FEATURE_LIST(BB_CPU_FEATURE_APPEND)
#undef BB_CPU_FEATURE_APPEND
	return need;
}
