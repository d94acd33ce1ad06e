/*
 * Reading the dynamic-linking facts of a shared object from its file: soname, needed
 * libraries, defined and imported dynamic symbols, and where relocations against a symbol
 * land (so the loader can read which definition a reference was bound to).
 * Used to refuse non-libraries with a clear reason before dlopen, to build the stack graph,
 * and to tell which BLAS a LAPACK library really resolved to.
 */
#ifndef BB_BACKENDS_ELF_H
#define BB_BACKENDS_ELF_H

#include <stddef.h>
#include <stdint.h>

typedef struct bb_elf_reloc {
	uint32_t sym;    /* index into the dynamic symbol table */
	uint64_t offset; /* where the bound address is stored, relative to the load base */
} bb_elf_reloc;

typedef struct bb_elf {
	char *soname;    /* NULL if none */
	char **needed;
	size_t n_needed;
	char **defined;  /* sorted, for bb_elf_defines() */
	size_t n_defined;
	char **imported; /* sorted */
	size_t n_imported;
	char **symnames; /* by dynamic symbol index (for relocations) */
	size_t n_symnames;
	bb_elf_reloc *relocs;
	size_t n_relocs;
} bb_elf;

/* Read `path`.  Returns 0, or -1 with a reason in err ("not an ELF file", "a 32-bit object",
 * "built for another machine", "an executable, not a shared library"...).  The caller frees
 * with bb_elf_release() in both cases. */
int bb_elf_read(const char *path, bb_elf *e, char *err, size_t errlen);
void bb_elf_release(bb_elf *e);

int bb_elf_defines(const bb_elf *e, const char *sym);
int bb_elf_imports(const bb_elf *e, const char *sym);
/* Offset (from the load base) of the first GOT/PLT slot bound to `sym`, or 0 if none. */
uint64_t bb_elf_slot_offset(const bb_elf *e, const char *sym);

/* Call fn(data, len, ctx) with the contents of each string-holding section of `path` (.rodata*
 * and .dynstr): where the names a library passes to getenv() live.  Returns 0, or -1 when the
 * file cannot be read as an ELF64 object (fn not called). */
typedef void (*bb_elf_strings_fn)(const char *data, size_t len, void *ctx);
int bb_elf_scan_strings(const char *path, bb_elf_strings_fn fn, void *ctx);

#endif
