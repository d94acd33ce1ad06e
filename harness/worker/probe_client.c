/*
 * Controller side of backend probing (see probe_client.h): start `__worker probe SPEC`,
 * follow its stage lines, and turn its end into a record or a reason.
 */
#include "harness/worker/probe_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/worker/worker.h"

typedef struct probe_ctx {
	char stage[128];
	bb_json *record;
	char *error;
} probe_ctx;

static int on_line(const char *line, size_t len, void *arg)
{
	probe_ctx *c = arg;
	char err[128];
	bb_json *msg = bb_json_parse(line, len, err, sizeof(err));
	if (!msg)
		return 0; /* not ours: ignore */
	const char *type = bb_json_str(bb_json_get(msg, "type"), "");
	if (!strcmp(type, "stage")) {
		snprintf(c->stage, sizeof(c->stage), "%s", bb_json_str(bb_json_get(msg, "stage"), "?"));
	} else if (!strcmp(type, "error")) {
		free(c->error);
		c->error = bb_xstrdup(bb_json_str(bb_json_get(msg, "message"), "unknown error"));
	} else if (!strcmp(type, "backend")) {
		/* keep the record: take it out of the message */
		bb_json *rec = bb_json_take(msg, "backend");
		if (rec && rec->type == BB_JSON_OBJECT) {
			bb_json_free(c->record);
			c->record = rec;
		} else {
			bb_json_free(rec);
		}
	}
	bb_json_free(msg);
	return 0;
}

int bb_probe_in_worker(const bb_backend_spec *spec, int threads, double timeout, bb_json **record,
		       bb_strbuf *why)
{
	char tbuf[32];
	snprintf(tbuf, sizeof(tbuf), "--threads=%d", threads);
	const char *verbose = bb_verbosity() > 0 ? "-v" : NULL;
	const char *args[] = {"probe", spec->text, tbuf, verbose, NULL};
	bb_worker w;
	if (bb_worker_start(&w, args)) {
		bb_strbuf_adds(why, "could not start a worker");
		return -1;
	}
	probe_ctx c = {.stage = "start"};
	bb_worker_end end;
	bb_worker_wait(&w, timeout, on_line, &c, &end);
	if (bb_verbosity() > 0 && w.log.len)
		fprintf(stderr, "%s", w.log.buf);

	int rc = 0;
	if (c.record && end.exited && end.exit_code == 0) {
		*record = c.record;
		c.record = NULL;
	} else if (c.error) {
		bb_strbuf_adds(why, c.error);
		rc = -1;
	} else {
		char how[96], last[256];
		bb_strbuf_addf(why, "worker %s while probing %s", bb_worker_end_describe(&end, how, sizeof(how)),
			       c.stage);
		if (*bb_worker_last_output(&w, last, sizeof(last)))
			bb_strbuf_addf(why, "; last output: %s", last);
		rc = -1;
	}
	bb_json_free(c.record);
	free(c.error);
	bb_worker_release(&w);
	return rc;
}
