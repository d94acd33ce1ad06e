/*
 * A worker's preparation (see worker_env.h).  The thread variables are one list: every layer
 * a backend may be built on reads its own.
 */
#include "harness/worker/worker_env.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

static const char *const thread_vars[] = {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
					  "BLIS_NUM_THREADS", "MKL_NUM_THREADS"};

bb_json *bb_worker_read_job(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read the job file '%s': %s", path, strerror(errno));
		return NULL;
	}
	bb_strbuf sb = BB_STRBUF_INIT;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		bb_strbuf_add(&sb, buf, n);
	fclose(f);
	bb_json *job = bb_json_parse(sb.buf ? sb.buf : "", sb.len, err, errlen);
	bb_strbuf_release(&sb);
	return job;
}

void bb_worker_set_env(const bb_backend_spec *spec, int threads)
{
	if (threads > 0) {
		char v[16];
		snprintf(v, sizeof(v), "%d", threads);
		for (size_t i = 0; i < sizeof(thread_vars) / sizeof(thread_vars[0]); i++)
			setenv(thread_vars[i], v, 1);
	}
	for (size_t i = 0; spec && i < spec->n_env; i++)
		setenv(spec->env[i].name, spec->env[i].value, 1);
}
