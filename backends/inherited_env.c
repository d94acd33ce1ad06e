/*
 * Inherited environment (see inherited_env.h).  A variable counts when the stack reads it.
 * Two sources, because neither is enough alone:
 *  - the libraries' own strings (.rodata, .dynstr of every object in the stack): they find
 *    what nobody listed (libgomp's GOMP_SPINCOUNT, libgfortran's GFORTRAN_*, glibc's
 *    GLIBC_TUNABLES, a vendor library's private switches) and follow each library version;
 *  - a fixed list of the loader's variables (always: the loader is in every stack, and reads
 *    them before any of our code runs) and the families' prefixes (OPENBLAS_, OMP_...: counted
 *    for a stack whose strings hold the prefix at all): a name can be built at run time
 *    ("OPENBLAS_" + "VERBOSE"), or stored with no boundary before it (OpenBLAS 0.3.21 has
 *    "...SINGLE_THREADEDOPENBLAS_VERBOSE"), so its word is not in the strings.
 * A name matches in the strings only as a whole word, so PATH is not "read" because a library
 * mentions LD_LIBRARY_PATH; the basics every process has (PATH, HOME, LANG...) never count.
 */
#include "backends/inherited_env.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/catalog.h"
#include "backends/elf.h"
#include "common/error.h"
#include "common/strbuf.h"

extern char **environ;

const char *const bb_env_thread_vars[] = {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                          "BLIS_NUM_THREADS", "MKL_NUM_THREADS"};
const size_t bb_env_n_thread_vars = sizeof(bb_env_thread_vars) / sizeof(bb_env_thread_vars[0]);

static const char *const loader_vars[] = {"LD_PRELOAD",      "LD_LIBRARY_PATH", "LD_BIND_NOW",
                                          "LD_BIND_NOT",     "LD_AUDIT",        "LD_HWCAP_MASK",
                                          "LD_DYNAMIC_WEAK", "GLIBC_TUNABLES",  NULL};
static const char *const prefixes[] = {"OPENBLAS_", "GOTO_",     "GOTOBLAS_", "BLIS_",
                                       "MKL_",      "OMP_",      "GOMP_",     "KMP_",
                                       "FLAME_",    "LIBFLAME_", NULL};
/* What every process has and no library's numbers depend on; dropping them would also break
 * the worker (PATH, HOME) for nothing. */
static const char *const generic_vars[] = {
    "PATH",    "HOME",   "PWD",     "OLDPWD",          "SHELL",   "USER",
    "LOGNAME", "TERM",   "LANG",    "LANGUAGE",        "TZ",      "TMPDIR",
    "SHLVL",   "_",      "DISPLAY", "HOSTNAME",        "COLUMNS", "LINES",
    "MAIL",    "EDITOR", "NLSPATH", "POSIXLY_CORRECT", NULL};

static int in_list(const char *name, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(name, list[i]))
			return 1;
	return 0;
}

int bb_env_loader_name(const char *name)
{
	return in_list(name, loader_vars);
}

/* The index of the family prefix `name` starts with, or -1. */
static int prefix_of(const char *name)
{
	for (int i = 0; prefixes[i]; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return i;
	return -1;
}

static int generic_name(const char *name)
{
	return in_list(name, generic_vars) || !strncmp(name, "LC_", 3) ||
	       !strncmp(name, "BLASBENCH_", 10);
}

void bb_env_vars_add(bb_env_var **v, size_t *n, const char *name, const char *value)
{
	*v = bb_xrealloc(*v, (*n + 1) * sizeof(bb_env_var));
	(*v)[*n].name = bb_xstrdup(name);
	(*v)[*n].value = bb_xstrdup(value);
	(*n)++;
}

void bb_env_vars_free(bb_env_var *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

char *bb_env_vars_text(const bb_env_var *v, size_t n)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		bb_strbuf_addf(&sb, "%s%s=%s", i ? ", " : "", v[i].name, v[i].value);
	return bb_strbuf_detach(&sb, NULL);
}

size_t bb_env_candidates(const bb_backend_spec *spec, int threads, bb_env_var **out)
{
	*out = NULL;
	size_t n = 0;
	for (char **e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || eq == *e)
			continue;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(eq - *e), *e);
		if (generic_name(name))
			continue;
		int set_by_us = 0;
		for (size_t i = 0; spec && i < spec->n_env && !set_by_us; i++)
			set_by_us = !strcmp(spec->env[i].name, name);
		for (size_t i = 0; threads > 0 && i < bb_env_n_thread_vars && !set_by_us; i++)
			set_by_us = !strcmp(bb_env_thread_vars[i], name);
		if (!set_by_us)
			bb_env_vars_add(out, &n, name, eq + 1);
	}
	return n;
}

typedef struct scan {
	const bb_env_var *cand;
	size_t n;
	int *hit;
	int family[sizeof(prefixes) / sizeof(prefixes[0])]; /* the prefix occurs in the strings */
} scan;

static int word_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static void scan_section(const char *data, size_t len, void *ctx)
{
	scan *s = ctx;
	for (size_t i = 0; prefixes[i]; i++)
		s->family[i] |= memmem(data, len, prefixes[i], strlen(prefixes[i])) != NULL;
	for (size_t i = 0; i < s->n; i++) {
		if (s->hit[i])
			continue;
		size_t nl = strlen(s->cand[i].name);
		if (nl < 3)
			continue; /* "CI", "OK": too short to tell a variable from a word */
		const char *p = data, *end = data + len;
		while (p < end && (p = memmem(p, (size_t)(end - p), s->cand[i].name, nl))) {
			/* a name getenv() is given ends its C string (the linker may share its tail with
			 * a longer string, so the left may be a word's end: the prefixes cover that) */
			int left = p == data || !word_char(p[-1]);
			int right = p + nl == end || p[nl] == '\0';
			if (left && right) {
				s->hit[i] = 1;
				break;
			}
			p++;
		}
	}
}

size_t bb_env_read_by(const bb_env_var *cand, size_t n_cand, const char *const *files,
                      size_t n_files, bb_env_var **out)
{
	*out = NULL;
	size_t n = 0;
	int *hit = bb_xcalloc(n_cand + 1, sizeof(int));
	for (size_t i = 0; i < n_cand; i++)
		hit[i] = bb_env_loader_name(cand[i].name);
	scan s = {.cand = cand, .n = n_cand, .hit = hit};
	for (size_t f = 0; f < n_files; f++)
		bb_elf_scan_strings(files[f], scan_section, &s);
	for (size_t i = 0; i < n_cand; i++) {
		int p = prefix_of(cand[i].name);
		hit[i] |= p >= 0 && s.family[p];
	}
	for (size_t i = 0; i < n_cand; i++)
		if (hit[i])
			bb_env_vars_add(out, &n, cand[i].name, cand[i].value);
	free(hit);
	return n;
}

/* ---- the files a spec would load, without loading ----------------------------------------- */

typedef struct found_set {
	char **files;   /* real paths */
	char **sonames; /* DT_SONAME of each, NULL if none */
	size_t n;
} found_set;

static void add_file(found_set *f, const char *path)
{
	char real[PATH_MAX];
	if (!realpath(path, real))
		return;
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->files[i], real))
			return;
	bb_elf elf;
	char err[128];
	int ok = bb_elf_read(real, &elf, err, sizeof(err)) == 0;
	f->files = bb_xrealloc(f->files, (f->n + 1) * sizeof(char *));
	f->sonames = bb_xrealloc(f->sonames, (f->n + 1) * sizeof(char *));
	f->files[f->n] = bb_xstrdup(real);
	f->sonames[f->n] = ok && elf.soname ? bb_xstrdup(elf.soname) : NULL;
	f->n++;
	bb_elf_release(&elf);
}

/* Where the loader would find `soname` needed by `from`: an object already loaded under that
 * soname, else a usual search (not ld.so.cache). */
static int find_needed(const found_set *f, const char *from, const char *soname, char *out,
                       size_t len)
{
	for (size_t i = 0; f && i < f->n; i++)
		if (f->sonames[i] && !strcmp(f->sonames[i], soname)) {
			snprintf(out, len, "%s", f->files[i]);
			return 1;
		}
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", from);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	const char *llp = getenv("LD_LIBRARY_PATH");
	bb_strbuf path = BB_STRBUF_INIT;
	bb_strbuf_addf(&path,
	               "%s:%s:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:"
	               "/usr/lib64:/lib:/usr/lib:/usr/local/lib",
	               dir, llp ? llp : "");
	int found = 0;
	for (char *save = NULL, *d = strtok_r(path.buf, ":", &save); d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", d, soname);
		found = access(out, R_OK) == 0;
	}
	bb_strbuf_release(&path);
	return found;
}

size_t bb_env_spec_files(const bb_backend_spec *spec, char ***files)
{
	found_set f = {0};
	const bb_catalog_entry *e = spec->name ? bb_catalog_find(spec->name) : NULL;
	if (spec->path) {
		add_file(&f, spec->path);
	} else if (e) {
		const char *const *lists[] = {e->preload, e->files};
		for (size_t l = 0; l < 2; l++)
			for (size_t i = 0; i < 3 && lists[l][i]; i++) {
				char found[PATH_MAX];
				char *p = bb_catalog_locate(e, lists[l][i]);
				if (p && strchr(p, '/'))
					add_file(&f, p);
				else if (find_needed(&f, "/", lists[l][i], found, sizeof(found)))
					add_file(&f,
					         found); /* a bare soname: the loader's search */
				free(p);
			}
	}
	/* breadth-first through DT_NEEDED */
	for (size_t i = 0; i < f.n; i++) {
		bb_elf elf;
		char err[128], found[PATH_MAX];
		if (bb_elf_read(f.files[i], &elf, err, sizeof(err)) == 0)
			for (size_t k = 0; k < elf.n_needed; k++)
				if (find_needed(&f, f.files[i], elf.needed[k], found,
				                sizeof(found)))
					add_file(&f, found);
		bb_elf_release(&elf);
	}
	for (size_t i = 0; i < f.n; i++)
		free(f.sonames[i]);
	free(f.sonames);
	*files = f.files;
	return f.n;
}
