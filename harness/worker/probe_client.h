/*
 * Probing a backend from the controller: one worker per backend, so a library that aborts,
 * crashes or hangs while being loaded or probed costs that worker only.
 */
#ifndef BB_HARNESS_PROBE_CLIENT_H
#define BB_HARNESS_PROBE_CLIENT_H

#include "backends/spec.h"
#include "common/json.h"
#include "common/strbuf.h"

#define BB_PROBE_TIMEOUT_DEFAULT 60.0

/* Probe `spec` in a worker that sets `threads` (0: leave the library's default).
 * Returns 0 with the parsed backend record in *record (caller frees with bb_json_free), or
 * -1 with a one-line reason in `why` ("crashed (SIGSEGV) while probing integer width: ..."). */
int bb_probe_in_worker(const bb_backend_spec *spec, int threads, double timeout, bb_json **record,
		       bb_strbuf *why);

#endif
