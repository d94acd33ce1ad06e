/*
 * What a loaded file is to `inspect` (BLAS, LAPACK, OpenMP runtime or other), read from the
 * symbols it defines, never from its name: the wheels rename both files and symbols
 * (libscipy_openblas64_-32a4b2a6.so defining scipy_dgemm_64_).  And which wheel a file came
 * from: the dist-info RECORD of its site-packages directory that lists it.
 */
#include "harness/inspect/inspect.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/elf.h"
#include "common/error.h"

static int defines_affixed(const bb_elf *e, const char *base)
{
	static const char *const pre[] = {"", "scipy_"}, *const suf[] = {"_", "64_", "_64_", "_64"};
	char name[64];
	for (size_t i = 0; i < 2; i++)
		for (size_t k = 0; k < 4; k++) {
			snprintf(name, sizeof(name), "%s%s%s", pre[i], base, suf[k]);
			if (bb_elf_defines(e, name))
				return 1;
		}
	return 0;
}

bb_inspect_kind bb_inspect_classify(const char *path)
{
	bb_elf e;
	char err[160];
	bb_inspect_kind k = BB_INSPECT_OTHER;
	if (bb_elf_read(path, &e, err, sizeof(err)) == 0) {
		if (defines_affixed(&e, "dgemm"))
			k = BB_INSPECT_BLAS;
		else if (defines_affixed(&e, "dgetrf"))
			k = BB_INSPECT_LAPACK;
		else if (bb_elf_defines(&e, "omp_get_max_threads") &&
		         (bb_elf_defines(&e, "GOMP_parallel") ||
		          bb_elf_defines(&e, "__kmpc_fork_call")))
			k = BB_INSPECT_OPENMP;
	}
	bb_elf_release(&e);
	return k;
}

/* threadpoolctl 3.8's filename_prefixes, all controllers: what it finds by file name. */
int bb_inspect_name_known(const char *path)
{
	static const char *const prefixes[] = {
	    "libopenblas", "libblas",      "libscipy_openblas", "openblas", "libblis", "libmkl_rt",
	    "mkl_rt",      "libflexiblas", "libiomp",           "libgomp",  "libomp",  "vcomp"};
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(base, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

const char *bb_inspect_kind_name(bb_inspect_kind k)
{
	static const char *const names[] = {"other", "blas", "lapack", "openmp"};
	return names[k];
}

/* "Name Version" from a dist-info directory's METADATA; NULL if unreadable. */
static char *dist_name(const char *distinfo)
{
	char *path = bb_xasprintf("%s/METADATA", distinfo);
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return NULL;
	char line[512], name[200] = "", version[100] = "";
	while (fgets(line, sizeof(line), f) && line[0] != '\n') {
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, "Name: ", 6))
			snprintf(name, sizeof(name), "%.199s", line + 6);
		else if (!strncmp(line, "Version: ", 9))
			snprintf(version, sizeof(version), "%.99s", line + 9);
	}
	fclose(f);
	return *name ? bb_xasprintf("%s %s", name, version) : NULL;
}

static int record_lists(const char *distinfo, const char *rel)
{
	char *path = bb_xasprintf("%s/RECORD", distinfo);
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return 0;
	char line[4096];
	size_t n = strlen(rel);
	int found = 0;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, rel, n) && line[n] == ',';
	fclose(f);
	return found;
}

char *bb_inspect_wheel_of(const char *path)
{
	static const char *const roots[] = {"/site-packages/", "/dist-packages/"};
	for (size_t i = 0; i < 2; i++) {
		const char *at = strstr(path, roots[i]);
		if (!at)
			continue;
		char *site = bb_xasprintf("%.*s", (int)(at - path + strlen(roots[i]) - 1), path);
		const char *rel = at + strlen(roots[i]);
		char *found = NULL;
		DIR *d = opendir(site);
		for (struct dirent *e; d && !found && (e = readdir(d));) {
			size_t n = strlen(e->d_name);
			if (n < 10 || strcmp(e->d_name + n - 10, ".dist-info"))
				continue;
			char *di = bb_xasprintf("%s/%s", site, e->d_name);
			if (record_lists(di, rel))
				found = dist_name(di);
			free(di);
		}
		if (d)
			closedir(d);
		free(site);
		if (found)
			return found;
	}
	return NULL;
}
