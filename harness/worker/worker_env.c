/*
 * A worker's preparation (see worker_env.h).  The thread variables are one list
 * (backends/inherited_env.c): every layer a backend may be built on reads its own.  What the
 * process inherited is noted before anything is set, so a spec's or blasbench's own settings
 * are never reported as inherited.
 */
#include "harness/worker/worker_env.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/inherited_env.h"
#include "common/error.h"
#include "common/strbuf.h"

/* What the worker inherited (candidates), and what --clean-env removed so far, across
 * re-executions. */
static bb_env_var *inherited;
static size_t n_inherited;
static bb_env_var *dropped;
static size_t n_dropped;

static int clean_mode(void)
{
	const char *c = getenv("BLASBENCH_CLEAN_ENV");
	return c && !strcmp(c, "1");
}

/* The dropped list a previous execution of this worker passed on. */
static void read_dropped(void)
{
	const char *d = getenv("BLASBENCH_ENV_DROPPED");
	char err[128];
	bb_json *j = d ? bb_json_parse(d, strlen(d), err, sizeof(err)) : NULL;
	for (size_t i = 0; j && j->type == BB_JSON_OBJECT && i < j->n; i++)
		bb_env_vars_add(&dropped, &n_dropped, j->keys[i], bb_json_str(j->items[i], ""));
	bb_json_free(j);
}

/* Start this worker again, with the same arguments, in the environment as it is now. */
static void reexec(void)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &sb, 0);
	bb_jw_object_begin(&w);
	for (size_t i = 0; i < n_dropped; i++)
		bb_jw_kv_string(&w, dropped[i].name, dropped[i].value);
	bb_jw_object_end(&w);
	setenv("BLASBENCH_ENV_DROPPED", sb.buf, 1);
	bb_strbuf_release(&sb);

	FILE *f = fopen("/proc/self/cmdline", "r");
	if (!f)
		return;
	bb_strbuf args = BB_STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		bb_strbuf_add(&args, buf, n);
	fclose(f);
	size_t argc = 0;
	for (size_t i = 0; i < args.len; i++)
		argc += args.buf[i] == 0;
	char **argv = bb_xcalloc(argc + 1, sizeof(char *));
	for (size_t i = 0, k = 0; i < args.len && k < argc; i += strlen(args.buf + i) + 1)
		argv[k++] = args.buf + i;
	fflush(NULL);
	execv("/proc/self/exe", argv);
	bb_error("cannot restart the worker without the inherited environment: %s",
	         strerror(errno));
	_exit(127);
}

static void drop(const bb_env_var *v)
{
	bb_verbose("  --clean-env: unset %s", v->name);
	bb_env_vars_add(&dropped, &n_dropped, v->name, v->value);
	unsetenv(v->name);
}

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
	n_inherited = bb_env_candidates(spec, threads, &inherited);
	if (clean_mode() && spec) {
		/* what the files the spec names read, before loading them; what they pull in that
		 * this estimate misses is caught on the link map (bb_worker_env_record) */
		read_dropped();
		char **files = NULL;
		size_t n_files = bb_env_spec_files(spec, &files);
		bb_env_var *read = NULL;
		size_t n_read = bb_env_read_by(inherited, n_inherited, (const char *const *)files,
		                               n_files, &read);
		int loader = 0;
		for (size_t i = 0; i < n_read; i++) {
			loader |= bb_env_loader_name(read[i].name);
			drop(&read[i]);
		}
		bb_env_vars_free(read, n_read);
		for (size_t i = 0; i < n_files; i++)
			free(files[i]);
		free(files);
		bb_env_vars_free(inherited, n_inherited);
		n_inherited = bb_env_candidates(spec, threads, &inherited);
		if (loader)
			reexec();
	}
	if (threads > 0) {
		char v[16];
		snprintf(v, sizeof(v), "%d", threads);
		for (size_t i = 0; i < bb_env_n_thread_vars; i++)
			setenv(bb_env_thread_vars[i], v, 1);
	}
	for (size_t i = 0; spec && i < spec->n_env; i++)
		setenv(spec->env[i].name, spec->env[i].value, 1);
}

void bb_worker_env_record(bb_backend *b)
{
	b->clean_env = clean_mode();
	const char **files = bb_xcalloc(b->n_objects + 1, sizeof(char *));
	for (size_t i = 0; i < b->n_objects; i++)
		files[i] = b->objects[i].realpath;
	bb_env_var *read = NULL;
	/* a built-in backend loads nothing: nothing can read the environment */
	size_t n_read =
	    b->n_objects ? bb_env_read_by(inherited, n_inherited, files, b->n_objects, &read) : 0;
	free(files);
	if (b->clean_env && n_read) {
		for (size_t i = 0; i < n_read; i++)
			drop(&read[i]);
		reexec();
	}
	b->inherited_env = read;
	b->n_inherited_env = n_read;
	for (size_t i = 0; i < n_dropped; i++)
		bb_env_vars_add(&b->dropped_env, &b->n_dropped_env, dropped[i].name,
		                dropped[i].value);
}
