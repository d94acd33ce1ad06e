/*
 * The probed record of a backend as JSON: what a worker sends the controller, what `list
 * --json` prints and what runs store.  Unknown properties are null, never a guess.
 */
#include "backends/backend.h"

#include <stdlib.h>

static void kv_tri(bb_json_writer *w, const char *key, bb_tri t)
{
	bb_jw_key(w, key);
	if (t == BB_UNKNOWN)
		bb_jw_null(w);
	else
		bb_jw_bool(w, t == BB_YES);
}

static void kv_count(bb_json_writer *w, const char *key, int v)
{
	bb_jw_key(w, key);
	if (v > 0)
		bb_jw_int(w, v);
	else
		bb_jw_null(w);
}

static void write_env(bb_json_writer *w, const char *key, const bb_env_var *v, size_t n)
{
	bb_jw_key(w, key);
	bb_jw_object_begin(w);
	for (size_t i = 0; i < n; i++)
		bb_jw_kv_string(w, v[i].name, v[i].value);
	bb_jw_object_end(w);
}

static void write_abi(const bb_backend *b, bb_json_writer *w)
{
	bb_jw_key(w, "abi");
	bb_jw_object_begin(w);
	bb_jw_kv_string(w, "prefix", b->suffix_known == BB_YES ? b->prefix : NULL);
	bb_jw_kv_string(w, "suffix", b->suffix_known == BB_YES ? b->suffix : NULL);
	bb_jw_kv_string(w, "integer", b->int_bits == 32 ? "LP64" : b->int_bits == 64 ? "ILP64" : NULL);
	kv_count(w, "int_bits", b->int_bits);
	bb_jw_kv_string(w, "real_return", b->real_return == BB_REAL_FLOAT    ? "float"
					  : b->real_return == BB_REAL_DOUBLE ? "double (f2c/g77)"
									     : NULL);
	bb_jw_kv_string(w, "complex_return", b->complex_return == BB_COMPLEX_REGISTERS ? "registers"
					     : b->complex_return == BB_COMPLEX_HIDDEN_ARG
						     ? "hidden argument (f2c/g77)"
						     : NULL);
	kv_tri(w, "cblas", b->cblas);
	kv_tri(w, "lapack", b->lapack);
	bb_jw_object_end(w);
}

static void write_objects(const bb_backend *b, bb_json_writer *w)
{
	bb_jw_key(w, "objects");
	bb_jw_array_begin(w);
	for (size_t i = 0; i < b->n_objects; i++) {
		const bb_object *o = &b->objects[i];
		bb_jw_object_begin(w);
		bb_jw_kv_string(w, "path", o->path);
		bb_jw_kv_string(w, "realpath", o->realpath);
		bb_jw_kv_string(w, "soname", o->soname);
		bb_jw_kv_bool(w, "own", o->own);
		bb_jw_kv_int(w, "size", o->size);
		bb_jw_kv_string(w, "sha256", o->sha256[0] ? o->sha256 : NULL);
		bb_jw_key(w, "needed");
		bb_jw_array_begin(w);
		for (size_t k = 0; k < o->n_needed; k++)
			bb_jw_string(w, o->needed[k]);
		bb_jw_array_end(w);
		bb_jw_object_end(w);
	}
	bb_jw_array_end(w);
}

static void write_routines(const bb_backend *b, bb_json_writer *w)
{
	bb_jw_key(w, "routines");
	bb_jw_object_begin(w);
	for (int pass = 1; pass >= 0; pass--) {
		bb_jw_key(w, pass ? "supported" : "unsupported");
		bb_jw_array_begin(w);
		for (int r = 0; r < BB_ROUTINE_COUNT; r++)
			if (b->slots[r].supported == pass)
				bb_jw_string(w, bb_routines[r].name);
		bb_jw_array_end(w);
	}
	bb_jw_object_end(w);
}

/* The threads the library started against the CPUs the process may use, and the process's
 * limits as the caller measured them.  The flag is about the library's default (what users'
 * programs get): not when the worker had set the thread variables before loading. */
static void write_pool(const bb_backend *b, bb_json_writer *w)
{
	kv_count(w, "threads_started", b->threads_started);
	bb_jw_kv_string(w, "threads_started_under",
			b->threads_from_env ? "blasbench's thread variables" : "library default");
	kv_count(w, "cpus_allowed", b->cpus_allowed);
	char *flag = b->threads_from_env ? NULL
					 : bb_pool_flag(b->family, b->threading, b->threads_started,
							b->cpus_allowed);
	bb_jw_kv_string(w, "threads_flag", flag);
	free(flag);
	bb_jw_key(w, "limits");
	bb_jw_raw(w, b->limits_json);
}

void bb_backend_to_json(const bb_backend *b, bb_json_writer *w)
{
	bb_jw_object_begin(w);
	bb_jw_kv_string(w, "spec", b->spec.text);
	bb_jw_kv_string(w, "alias", b->spec.alias);
	bb_jw_kv_string(w, "name", b->spec.name);
	bb_jw_kv_string(w, "path", b->spec.path);
	bb_jw_key(w, "env");
	bb_jw_object_begin(w);
	for (size_t i = 0; i < b->spec.n_env; i++)
		bb_jw_kv_string(w, b->spec.env[i].name, b->spec.env[i].value);
	bb_jw_object_end(w);

	/* what the process brought with it and the stack reads (a spec's own pairs are "env") */
	write_env(w, "inherited_env", b->inherited_env, b->n_inherited_env);
	bb_jw_kv_bool(w, "clean_env", b->clean_env);
	if (b->clean_env)
		write_env(w, "dropped_env", b->dropped_env, b->n_dropped_env);

	bb_jw_kv_string(w, "family", b->family);
	bb_jw_kv_string(w, "version", b->version);
	bb_jw_kv_string(w, "lapack_version", b->lapack_version);
	bb_jw_kv_string(w, "config", b->config);
	bb_jw_kv_string(w, "kernel", b->kernel);
	write_abi(b, w);

	bb_jw_key(w, "threads");
	bb_jw_object_begin(w);
	bb_jw_kv_string(w, "layer", b->threading);
	bb_jw_kv_string(w, "api", b->thread_api);
	kv_count(w, "default", b->threads_default);
	kv_count(w, "requested", b->threads_requested);
	kv_count(w, "effective", b->threads_effective);
	bb_jw_object_end(w);
	write_pool(b, w);

	bb_jw_kv_string(w, "omp_runtime", b->omp_runtime);
	bb_jw_kv_string(w, "fortran_runtime", b->fortran_runtime);
	bb_jw_kv_string(w, "lapack_blas", b->lapack_blas);
	/* a LAPACK layered on the BLAS: what was asked for and the file it came from */
	bb_jw_kv_string(w, "lapack_layer", b->lapack_layer);
	bb_jw_kv_string(w, "lapack_file", b->lapack_file >= 0 ? b->files[b->lapack_file] : NULL);

	bb_jw_key(w, "files");
	bb_jw_array_begin(w);
	for (size_t i = 0; i < b->n_files; i++) {
		bb_jw_object_begin(w);
		bb_jw_kv_string(w, "path", b->files[i]);
		bb_jw_kv_string(w, "role", b->own[i] ? "own" : "preloaded dependency");
		bb_jw_object_end(w);
	}
	bb_jw_array_end(w);
	write_objects(b, w);
	write_routines(b, w);

	bb_jw_key(w, "notes");
	bb_jw_array_begin(w);
	for (size_t i = 0; i < b->n_notes; i++)
		bb_jw_string(w, b->notes[i]);
	bb_jw_array_end(w);
	bb_jw_object_end(w);
}
