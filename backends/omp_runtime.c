/*
 * Explicitly loaded OpenMP runtimes (see omp_runtime.h).  A runtime already mapped into the
 * process (because a backend's DT_NEEDED pulled it in) is the same object dlopen returns: that
 * is reported as was_loaded, since "one shared copy" is itself a mitigation diagnose tries.
 */
#include "backends/omp_runtime.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/catalog.h"
#include "common/error.h"
#include "common/suggest.h"

typedef struct omp_known {
	const char *name, *file, *description;
} omp_known;

static const omp_known known[] = {
#define X(n, f, d) {n, f, d},
	BB_OMP_RUNTIMES(X)
#undef X
};
#define N_KNOWN (sizeof(known) / sizeof(known[0]))

static const struct {
	const char *alias, *name;
} aliases[] = {
#define X(a, n) {a, n},
	BB_OMP_ALIASES(X)
#undef X
};
#define N_ALIASES (sizeof(aliases) / sizeof(aliases[0]))

int bb_omp_is_none(const char *name) { return !name || !*name || !strcmp(name, "none"); }

const char *bb_omp_names(void)
{
	static char names[128];
	if (!names[0]) {
		size_t off = 0;
		for (size_t i = 0; i < N_KNOWN; i++)
			off += (size_t)snprintf(names + off, sizeof(names) - off, "%s, ", known[i].name);
		off += (size_t)snprintf(names + off, sizeof(names) - off, "none or a path");
		for (size_t i = 0; i < N_ALIASES; i++)
			off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s = %s%s",
						i ? ", " : " (", aliases[i].alias, aliases[i].name,
						i + 1 == N_ALIASES ? ")" : "");
	}
	return names;
}

const char *bb_omp_canonical(const char *name)
{
	for (size_t i = 0; name && i < N_ALIASES; i++)
		if (!strcmp(aliases[i].alias, name))
			return aliases[i].name;
	return name;
}

static const omp_known *find_known(const char *name)
{
	name = bb_omp_canonical(name);
	for (size_t i = 0; i < N_KNOWN; i++)
		if (!strcmp(known[i].name, name))
			return &known[i];
	return NULL;
}

int bb_omp_name_check(const char *name, char *err, size_t errlen)
{
	if (bb_omp_is_none(name) || strchr(name, '/') || find_known(name))
		return 0;
	const char *names[N_KNOWN + N_ALIASES + 1];
	for (size_t i = 0; i < N_KNOWN; i++)
		names[i] = known[i].name;
	for (size_t i = 0; i < N_ALIASES; i++)
		names[N_KNOWN + i] = aliases[i].alias;
	names[N_KNOWN + N_ALIASES] = "none";
	const char *close = bb_closest_name(name, names, (int)(N_KNOWN + N_ALIASES + 1));
	snprintf(err, errlen, "unknown OpenMP runtime '%s'%s%s%s (known: %s)", name,
		 close ? ": did you mean '" : "", close ? close : "", close ? "'?" : "", bb_omp_names());
	return -1;
}

/* The library stays mapped: a runtime that ran a region keeps its pool threads parked inside
 * its code, and unmapping it under them crashes the process at exit. */
void bb_omp_release(bb_omp_runtime *rt)
{
	free(rt->file);
	free(rt->realpath);
	memset(rt, 0, sizeof(*rt));
}

int bb_omp_load(bb_omp_runtime *rt, const char *name, char *err, size_t errlen)
{
	memset(rt, 0, sizeof(*rt));
	if (bb_omp_name_check(name, err, errlen))
		return -1;
	if (bb_omp_is_none(name)) {
		snprintf(err, errlen, "no OpenMP runtime asked for");
		return -1;
	}
	const omp_known *k = strchr(name, '/') ? NULL : find_known(name);
	snprintf(rt->name, sizeof(rt->name), "%s", k ? k->name : "path");
	rt->file = bb_xstrdup(k ? k->file : name);
	void *before = dlopen(rt->file, RTLD_NOW | RTLD_NOLOAD);
	if (before) {
		rt->was_loaded = 1;
		dlclose(before);
	} else if (k) {
		/* not mapped yet: the copy where libraries are looked for, else the linker's */
		char *found = bb_libpath_search(k->file);
		if (found) {
			free(rt->file);
			rt->file = found;
			before = dlopen(rt->file, RTLD_NOW | RTLD_NOLOAD);
			if (before) {
				rt->was_loaded = 1;
				dlclose(before);
			}
		}
	}
	rt->handle = dlopen(rt->file, RTLD_NOW | RTLD_LOCAL);
	if (!rt->handle) {
		snprintf(err, errlen, "cannot load OpenMP runtime '%s' (%s): %s", name, rt->file,
			 dlerror());
		bb_omp_release(rt);
		return -1;
	}
	*(void **)&rt->gomp_parallel = dlsym(rt->handle, "GOMP_parallel");
	*(void **)&rt->thread_num = dlsym(rt->handle, "omp_get_thread_num");
	*(void **)&rt->max_threads = dlsym(rt->handle, "omp_get_max_threads");
	*(void **)&rt->set_num_threads = dlsym(rt->handle, "omp_set_num_threads");
	if (!rt->gomp_parallel || !rt->thread_num || !rt->max_threads || !rt->set_num_threads) {
		snprintf(err, errlen,
			 "'%s' is not an OpenMP runtime this harness can drive: it lacks "
			 "GOMP_parallel or omp_get_thread_num/omp_get_max_threads/omp_set_num_threads",
			 rt->file);
		bb_omp_release(rt);
		return -1;
	}
	Dl_info info;
	if (dladdr(*(void **)&rt->gomp_parallel, &info) && info.dli_fname) {
		char *rp = realpath(info.dli_fname, NULL);
		rt->realpath = rp ? rp : bb_xstrdup(info.dli_fname);
	} else {
		rt->realpath = bb_xstrdup(rt->file);
	}
	return 0;
}

void bb_omp_parallel(const bb_omp_runtime *rt, int nthreads, void (*fn)(void *), void *data)
{
	rt->gomp_parallel(fn, data, nthreads > 0 ? (unsigned)nthreads : 0u, 0u);
}

int bb_omp_thread_num(const bb_omp_runtime *rt) { return rt->thread_num(); }
