/*
 * A cell's parameters as one JSON object, and the terminal's line about a co-loaded OpenMP
 * runtime (see cell_params.h).  Pure functions of their arguments and the environment: the
 * controller calls them when it records a cell.
 */
#include "harness/engine/cell_params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

static const char *const wait_vars[] = {
#define BB_CELL_NAME(v) v,
	BB_WAIT_VARS(BB_CELL_NAME)
#undef BB_CELL_NAME
};

int bb_cell_oversubscribed(int threads, int cores) { return cores > 0 && threads > cores; }

void bb_cell_wait_env(const bb_backend_spec *spec, bb_cell_params *p)
{
	p->n_env = 0;
	for (size_t i = 0; i < BB_WAIT_VARS_COUNT; i++) {
		const char *value = getenv(wait_vars[i]);
		for (size_t k = 0; spec && k < spec->n_env; k++)
			if (!strcmp(spec->env[k].name, wait_vars[i]))
				value = spec->env[k].value; /* set in the worker after the inherited one */
		if (value)
			p->env[p->n_env++] = (bb_env_var){(char *)wait_vars[i], (char *)value};
	}
}

char *bb_cell_params_json(const bb_cell_params *p)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	bb_jw_kv_int(&w, "threads", p->threads);
	bb_jw_kv_int(&w, "passes", p->passes);
	if (bb_cell_oversubscribed(p->threads, p->cores)) {
		bb_jw_kv_bool(&w, "oversubscribed", 1);
		bb_jw_kv_int(&w, "cores", p->cores);
	}
	if (p->omp) {
		bb_jw_kv_string(&w, "omp", p->omp);
		if (p->omp_realpath)
			bb_jw_kv_string(&w, "omp_realpath", p->omp_realpath);
		if (p->omp_shared >= 0)
			bb_jw_kv_bool(&w, "omp_shared", p->omp_shared);
	}
	if (p->n_env) {
		bb_jw_key(&w, "env");
		bb_jw_object_begin(&w);
		for (size_t i = 0; i < p->n_env; i++)
			bb_jw_kv_string(&w, p->env[i].name, p->env[i].value);
		bb_jw_object_end(&w);
	}
	bb_jw_object_end(&w);
	return bb_strbuf_detach(&sb, NULL);
}

void bb_cell_omp_describe(const char *omp, const char *backend_omp, int backend_known, int shared,
			  int brief, char *buf, size_t len)
{
	if (brief)
		snprintf(buf, len, "%s%s", omp,
			 !backend_known || !backend_omp || shared < 0 ? ""
			 : shared ? " (shared)" : " (2 runtimes)");
	else if (!backend_known)
		snprintf(buf, len, "omp=%s", omp);
	else if (!backend_omp)
		snprintf(buf, len, "omp=%s (backend links no OpenMP runtime)", omp);
	else
		snprintf(buf, len, "omp=%s (backend links %s%s)", omp, backend_omp,
			 shared > 0 ? ": one shared copy" : shared == 0 ? ": two runtimes" : "");
}
