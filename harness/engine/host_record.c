/*
 * The host record of a run (see host_record.h): the peak is measured once per host and kept
 * in the database, so every run on the host reports its percentages against the same figure.
 */
#include "harness/engine/host_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/error.h"
#include "common/json.h"
#include "harness/host/host.h"

int bb_host_record(bb_db *db, int quiet, bb_peak *peak, int *cores, int64_t *host_id)
{
	bb_host host;
	bb_host_probe(&host);
	*cores = host.cores;
	char err[512];
	char *peak_json = NULL;
	if (bb_db_host_peak(db, host.fingerprint, &peak_json, err, sizeof(err)) != 0 || !peak_json) {
		if (!quiet)
			fprintf(stderr, "measuring this host's peak FLOP/s (once per host)...\n");
		bb_peak_measure(peak, *cores, 0);
		bb_strbuf sb = BB_STRBUF_INIT;
		bb_json_writer w;
		bb_jw_init(&w, &sb, 0);
		bb_peak_to_json(peak, &w);
		peak_json = bb_strbuf_detach(&sb, NULL);
	} else {
		bb_peak_from_json(peak_json, peak);
	}
	/* threads beyond the CPUs this process may use are oversubscribed too (the peak above
	 * is the host's, measured on all its cores) */
	if (host.limits.cpus_allowed < *cores)
		*cores = host.limits.cpus_allowed;

	bb_strbuf hs = BB_STRBUF_INIT;
	bb_json_writer w;
	bb_jw_init(&w, &hs, 0);
	bb_jw_object_begin(&w);
	bb_host_to_json(&host, &w);
	bb_jw_object_end(&w);
	int rc = bb_db_host_upsert(db, host.fingerprint, hs.buf, peak_json, host_id, err, sizeof(err));
	if (rc)
		bb_error("%s", err);
	bb_strbuf_release(&hs);
	free(peak_json);
	bb_host_release(&host);
	return rc;
}
