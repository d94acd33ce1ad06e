/*
 * The inherited environment of a planned run (see env_plan.h).
 */
#include "harness/plan/env_plan.h"

#include <stdlib.h>
#include <string.h>

#include "backends/inherited_env.h"
#include "common/error.h"
#include "common/strbuf.h"

static size_t index_of(const bb_env_plan *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->vars[i].name, name))
			return i;
	return p->n;
}

void bb_env_plan_build(const bb_backend_spec *specs, size_t n_specs, int threads, int clean,
                       bb_env_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->clean = clean;
	for (size_t s = 0; s < n_specs; s++) {
		bb_env_var *cand = NULL, *read = NULL;
		size_t n_cand = bb_env_candidates(&specs[s], threads, &cand);
		char **files = NULL;
		size_t n_files = bb_env_spec_files(&specs[s], &files);
		/* a built-in backend (no file) loads nothing that could read a variable */
		size_t n_read = n_files ? bb_env_read_by(cand, n_cand, (const char *const *)files,
		                                         n_files, &read)
		                        : 0;
		for (size_t i = 0; i < n_read; i++) {
			size_t k = index_of(p, read[i].name);
			if (k == p->n) {
				bb_env_vars_add(&p->vars, &p->n, read[i].name, read[i].value);
				p->readers = bb_xrealloc(p->readers, p->n * sizeof(char *));
				p->readers[k] = bb_xstrdup(specs[s].alias);
			} else {
				char *r = bb_xasprintf("%s, %s", p->readers[k], specs[s].alias);
				free(p->readers[k]);
				p->readers[k] = r;
			}
		}
		bb_env_vars_free(cand, n_cand);
		bb_env_vars_free(read, n_read);
		for (size_t i = 0; i < n_files; i++)
			free(files[i]);
		free(files);
	}
}

void bb_env_plan_release(bb_env_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->readers[i]);
	free(p->readers);
	bb_env_vars_free(p->vars, p->n);
	memset(p, 0, sizeof(*p));
}

void bb_env_plan_warn(const bb_env_plan *p, FILE *f)
{
	if (!p->n)
		return;
	bb_strbuf sb = BB_STRBUF_INIT;
	for (size_t i = 0; i < p->n; i++)
		bb_strbuf_addf(&sb, "%s%s=%s (read by %s)", i ? ", " : "", p->vars[i].name,
		               p->vars[i].value, p->readers[i]);
	if (p->clean)
		fprintf(f, "--clean-env: not passed to the libraries: %s\n", sb.buf);
	else
		fprintf(f,
		        "inherited from the environment and kept: %s; --clean-env measures the "
		        "libraries' defaults\n",
		        sb.buf);
	bb_strbuf_release(&sb);
}

static void write_vars(const bb_env_plan *p, bb_json_writer *w, const char *key, int any)
{
	bb_jw_key(w, key);
	bb_jw_object_begin(w);
	for (size_t i = 0; any && i < p->n; i++)
		bb_jw_kv_string(w, p->vars[i].name, p->vars[i].value);
	bb_jw_object_end(w);
}

void bb_env_plan_json(const bb_env_plan *p, bb_json_writer *w)
{
	bb_jw_kv_bool(w, "clean_env", p->clean);
	write_vars(p, w, "inherited_env", !p->clean);
	if (p->clean)
		write_vars(p, w, "dropped_env", 1);
}
