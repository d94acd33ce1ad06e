/*
 * The inspect report as text (bb_inspect_print): one line for the process, one table row per
 * BLAS, LAPACK and OpenMP library (values read inside the process first, the file's probed
 * record where the process gave none), then the flags and what could not be told.
 */
#include "harness/inspect/inspect.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "reports/table.h"

static const char *s(const bb_json *o, const char *k)
{
	return bb_json_str(bb_json_get(o, k), NULL);
}

void bb_inspect_print(const bb_json *doc, FILE *out)
{
	const bb_json *sig = bb_json_get(doc, "signal");
	if (bb_json_get(doc, "pid"))
		fprintf(out, "process %lld:", bb_json_int(bb_json_get(doc, "pid"), 0));
	else if (!bb_json_is_null(sig))
		fprintf(out, "command killed by SIG%s after %.0f ms:", bb_json_str(sig, "?"),
		        bb_json_num(bb_json_get(doc, "wall_ms"), 0));
	else
		fprintf(out, "command exited %lld after %.0f ms:",
		        bb_json_int(bb_json_get(doc, "exit_code"), 0),
		        bb_json_num(bb_json_get(doc, "wall_ms"), 0));
	long long cpus = bb_json_int(bb_json_get(doc, "cpus_allowed"), 0);
	long long threads = bb_json_int(bb_json_get(doc, "threads"), 0);
	if (cpus)
		fprintf(out, " %lld CPU%s allowed,", cpus, cpus == 1 ? "" : "s");
	if (threads)
		fprintf(out, " %lld thread%s%s,", threads, threads == 1 ? "" : "s",
		        bb_json_get(doc, "pid") ? "" : " at exit");
	const bb_json *libs = bb_json_get(doc, "libraries");
	fprintf(out, " %zu BLAS/LAPACK/OpenMP librar%s, %lld other shared objects\n",
	        bb_json_len(libs), bb_json_len(libs) == 1 ? "y" : "ies",
	        bb_json_int(bb_json_get(doc, "other_objects"), 0));
	bb_table t;
	bb_table_init(&t,
	              (const char *[]){"KIND", "FAMILY", "VERSION", "KERNEL", "THREADING", "INT",
	                               "AFFIXES", "THREADS", "OPENMP", "WHEEL", "FILE", NULL});
	for (size_t i = 0; i < bb_json_len(libs); i++) {
		const bb_json *l = bb_json_at(libs, i), *rec = bb_json_get(l, "record"),
		              *in = bb_json_get(l, "in_process"), *abi = bb_json_get(rec, "abi");
		char threads_s[32] = "?", affixes[48] = "";
		long long th = bb_json_int(bb_json_get(in, "threads"), 0);
		if (th)
			snprintf(threads_s, sizeof(threads_s), "%lld", th);
		if (abi)
			snprintf(affixes, sizeof(affixes), "%sdgemm%s",
			         bb_json_str(bb_json_get(abi, "prefix"), ""),
			         bb_json_str(bb_json_get(abi, "suffix"), ""));
		const char *kernel = s(in, "kernel") ? s(in, "kernel") : s(rec, "kernel");
		const char *family = s(rec, "family") ? s(rec, "family") : s(l, "runtime");
		const char *file = s(l, "realpath");
		const char *slash = file ? strrchr(file, '/') : NULL;
		bb_table_row(&t, (const char *[]){
		                     s(l, "kind"),
		                     family,
		                     s(rec, "version"),
		                     kernel,
		                     s(in, "threading"),
		                     bb_json_str(bb_json_get(abi, "integer"), NULL),
		                     abi ? affixes : NULL,
		                     threads_s,
		                     s(rec, "omp_runtime"),
		                     s(l, "wheel"),
		                     slash ? slash + 1 : file,
		                 });
	}
	bb_table_print(&t, out);
	bb_table_release(&t);
	for (size_t i = 0; i < bb_json_len(libs); i++) {
		const bb_json *l = bb_json_at(libs, i);
		fprintf(out, "  %s", s(l, "realpath"));
		if (!bb_json_bool(bb_json_get(l, "name_known_to_threadpoolctl"), 1))
			fprintf(out,
			        " (found by its symbols: threadpoolctl's file-name prefixes do not "
			        "match it)");
		if (s(l, "front_for"))
			fprintf(out, " (the interface of %s: one library)", s(l, "front_for"));
		fputc('\n', out);
		if (s(l, "error"))
			fprintf(out, "    could not be probed: %s\n", s(l, "error"));
	}
	const bb_json *flags = bb_json_get(doc, "flags");
	for (size_t i = 0; i < bb_json_len(flags); i++)
		fprintf(out, "warning: %s: %s\n", s(bb_json_at(flags, i), "flag"),
		        s(bb_json_at(flags, i), "text"));
	const bb_json *cannot = bb_json_get(doc, "cannot_tell");
	for (size_t i = 0; i < bb_json_len(cannot); i++)
		fprintf(out, "cannot tell: %s\n", bb_json_str(bb_json_at(cannot, i), ""));
}
