/*
 * A small ELF64 reader for dynamic-linking facts (see elf.h).  The file is mapped read-only
 * and every offset is bounds-checked: a truncated or hostile file yields an error, not a crash.
 */
#include "backends/elf.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"

typedef struct mapped {
	const unsigned char *data;
	size_t size;
} mapped;

static int in_range(const mapped *m, uint64_t off, uint64_t len)
{
	return off <= m->size && len <= m->size - off;
}

static const char *str_at(const mapped *m, const Elf64_Shdr *strtab, uint64_t idx)
{
	if (!strtab || idx >= strtab->sh_size || !in_range(m, strtab->sh_offset, strtab->sh_size))
		return NULL;
	const char *s = (const char *)m->data + strtab->sh_offset + idx;
	/* must be NUL-terminated inside the table */
	if (!memchr(s, 0, strtab->sh_size - idx))
		return NULL;
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* e_machine of the running program: a library for another machine cannot be loaded. */
static int own_machine(void)
{
	static int machine = -1;
	if (machine >= 0)
		return machine;
	machine = 0;
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		Elf64_Ehdr h;
		if (read(fd, &h, sizeof(h)) == (ssize_t)sizeof(h))
			machine = h.e_machine;
		close(fd);
	}
	return machine;
}

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

static void push(char ***list, size_t *n, const char *s)
{
	*list = bb_xrealloc(*list, (*n + 1) * sizeof(char *));
	(*list)[(*n)++] = bb_xstrdup(s);
}

static int parse(const mapped *m, bb_elf *e, char *err, size_t errlen)
{
	if (m->size < 4 || memcmp(m->data, ELFMAG, SELFMAG) != 0)
		return fail(err, errlen, "not an ELF file");
	if (m->size < sizeof(Elf64_Ehdr) || m->data[EI_CLASS] != ELFCLASS64)
		return fail(err, errlen, "not a 64-bit ELF object");
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)m->data;
	if (h->e_type != ET_DYN)
		return fail(err, errlen, h->e_type == ET_EXEC ? "an executable, not a shared library"
					 : h->e_type == ET_REL ? "an object file, not a shared library"
								 : "not a shared library");
	if (own_machine() && h->e_machine != own_machine())
		return fail(err, errlen, "built for another machine architecture");
	if (h->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_range(m, h->e_shoff, (uint64_t)h->e_shnum * sizeof(Elf64_Shdr)))
		return fail(err, errlen, "truncated or malformed ELF section table");
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(m->data + h->e_shoff);
	size_t nsh = h->e_shnum;

	const Elf64_Shdr *dynsym = NULL, *dynamic = NULL;
	size_t dynsym_idx = 0;
	for (size_t i = 0; i < nsh; i++) {
		if (sh[i].sh_type == SHT_DYNSYM) {
			dynsym = &sh[i];
			dynsym_idx = i;
		} else if (sh[i].sh_type == SHT_DYNAMIC) {
			dynamic = &sh[i];
		}
	}
	if (!dynamic || !dynsym)
		return fail(err, errlen, "has no dynamic section: not a shared library");

	/* dynamic entries: NEEDED and SONAME */
	if (dynamic->sh_link >= nsh || !in_range(m, dynamic->sh_offset, dynamic->sh_size))
		return fail(err, errlen, "malformed dynamic section");
	const Elf64_Shdr *dynstr = &sh[dynamic->sh_link];
	const Elf64_Dyn *dyn = (const Elf64_Dyn *)(m->data + dynamic->sh_offset);
	for (size_t i = 0; i < dynamic->sh_size / sizeof(Elf64_Dyn) && dyn[i].d_tag != DT_NULL; i++) {
		if (dyn[i].d_tag != DT_NEEDED && dyn[i].d_tag != DT_SONAME)
			continue;
		const char *s = str_at(m, dynstr, dyn[i].d_un.d_val);
		if (!s)
			continue;
		if (dyn[i].d_tag == DT_NEEDED)
			push(&e->needed, &e->n_needed, s);
		else if (!e->soname)
			e->soname = bb_xstrdup(s);
	}

	/* dynamic symbols */
	if (dynsym->sh_link >= nsh || !in_range(m, dynsym->sh_offset, dynsym->sh_size) ||
	    dynsym->sh_entsize != sizeof(Elf64_Sym))
		return fail(err, errlen, "malformed dynamic symbol table");
	const Elf64_Shdr *symstr = &sh[dynsym->sh_link];
	const Elf64_Sym *sym = (const Elf64_Sym *)(m->data + dynsym->sh_offset);
	size_t nsym = dynsym->sh_size / sizeof(Elf64_Sym);
	e->symnames = bb_xcalloc(nsym, sizeof(char *));
	e->n_symnames = nsym;
	for (size_t i = 1; i < nsym; i++) {
		const char *name = str_at(m, symstr, sym[i].st_name);
		if (!name || !*name)
			continue;
		e->symnames[i] = bb_xstrdup(name);
		int bind = ELF64_ST_BIND(sym[i].st_info);
		if (bind != STB_GLOBAL && bind != STB_WEAK)
			continue;
		if (sym[i].st_shndx == SHN_UNDEF)
			push(&e->imported, &e->n_imported, name);
		else
			push(&e->defined, &e->n_defined, name);
	}
	if (e->n_defined) /* qsort(NULL, 0, ...) is undefined behaviour */
		qsort(e->defined, e->n_defined, sizeof(char *), cmp_str);
	if (e->n_imported)
		qsort(e->imported, e->n_imported, sizeof(char *), cmp_str);

	/* relocations against dynamic symbols (GOT and PLT slots) */
	for (size_t i = 0; i < nsh; i++) {
		if (sh[i].sh_type != SHT_RELA || sh[i].sh_link != dynsym_idx ||
		    sh[i].sh_entsize != sizeof(Elf64_Rela) || !in_range(m, sh[i].sh_offset, sh[i].sh_size))
			continue;
		const Elf64_Rela *r = (const Elf64_Rela *)(m->data + sh[i].sh_offset);
		size_t nr = sh[i].sh_size / sizeof(Elf64_Rela);
		for (size_t k = 0; k < nr; k++) {
			uint32_t s = ELF64_R_SYM(r[k].r_info);
			if (!s || s >= nsym)
				continue;
			e->relocs = bb_xrealloc(e->relocs, (e->n_relocs + 1) * sizeof(bb_elf_reloc));
			e->relocs[e->n_relocs].sym = s;
			e->relocs[e->n_relocs].offset = r[k].r_offset;
			e->n_relocs++;
		}
	}
	return 0;
}

int bb_elf_read(const char *path, bb_elf *e, char *err, size_t errlen)
{
	memset(e, 0, sizeof(*e));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errlen, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
	}
	if (st.st_size == 0) {
		close(fd);
		return fail(err, errlen, "empty file");
	}
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "cannot map: %s", strerror(errno));
		return -1;
	}
	mapped m = {p, (size_t)st.st_size};
	int rc = parse(&m, e, err, errlen);
	munmap(p, (size_t)st.st_size);
	return rc;
}

int bb_elf_scan_strings(const char *path, bb_elf_strings_fn fn, void *ctx)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		close(fd);
		return -1;
	}
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	mapped m = {p, (size_t)st.st_size};
	const Elf64_Ehdr *h = p;
	int rc = -1;
	if (memcmp(m.data, ELFMAG, SELFMAG) != 0 || m.data[EI_CLASS] != ELFCLASS64 ||
	    h->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_range(&m, h->e_shoff, (uint64_t)h->e_shnum * sizeof(Elf64_Shdr)) ||
	    h->e_shstrndx >= h->e_shnum)
		goto cleanup;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(m.data + h->e_shoff);
	for (size_t i = 0; i < h->e_shnum; i++) {
		const char *name = str_at(&m, &sh[h->e_shstrndx], sh[i].sh_name);
		if (!name || sh[i].sh_type == SHT_NOBITS || !in_range(&m, sh[i].sh_offset, sh[i].sh_size))
			continue;
		if (!strncmp(name, ".rodata", 7) || !strcmp(name, ".dynstr"))
			fn((const char *)m.data + sh[i].sh_offset, (size_t)sh[i].sh_size, ctx);
	}
	rc = 0;
cleanup:
	munmap(p, (size_t)st.st_size);
	return rc;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void bb_elf_release(bb_elf *e)
{
	free(e->soname);
	free_list(e->needed, e->n_needed);
	free_list(e->defined, e->n_defined);
	free_list(e->imported, e->n_imported);
	free_list(e->symnames, e->n_symnames);
	free(e->relocs);
	memset(e, 0, sizeof(*e));
}

static int sorted_has(char **list, size_t n, const char *sym)
{
	return n && bsearch(&sym, list, n, sizeof(char *), cmp_str) != NULL;
}

int bb_elf_defines(const bb_elf *e, const char *sym) { return sorted_has(e->defined, e->n_defined, sym); }
int bb_elf_imports(const bb_elf *e, const char *sym) { return sorted_has(e->imported, e->n_imported, sym); }

uint64_t bb_elf_slot_offset(const bb_elf *e, const char *sym)
{
	for (size_t i = 0; i < e->n_relocs; i++) {
		const char *n = e->symnames[e->relocs[i].sym];
		if (n && !strcmp(n, sym))
			return e->relocs[i].offset;
	}
	return 0;
}
