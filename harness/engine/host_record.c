/*
 * The host record of a run (see host_record.h).  The peak is measured in every run (~1-3 s on
 * a 2-core VM, little next to a run): a figure measured once and kept for the host made every
 * later run's percentages wrong when that one measurement fell on a busy moment (158% of peak
 * seen).  The host row keeps the best-known peak (the best of all measurements, and whether one
 * of them was undisturbed) for runs whose own measurement is disturbed.
 */
#include "harness/engine/host_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_config.h"
#include "common/error.h"
#include "common/json.h"
#include "harness/host/host.h"
#include "harness/host/limits.h"
#include "harness/worker/probe_client.h"

/* Measure and judge until undisturbed or out of attempts; the best of the attempts is kept
 * (a measurement only comes out too low).  stored: the host's best-known, NULL none. */
static void measure(bb_peak *m, char *why, size_t len, const bb_peak *stored, int cores, int quiet,
                    int *attempts)
{
	const bb_peak *known = stored && stored->undisturbed == 1 && stored->repeats &&
	                               !strcmp(stored->version, BB_VERSION)
	                           ? stored
	                           : NULL;
	bb_peak best;
	memset(&best, 0, sizeof(best));
	for (*attempts = 1;; ++*attempts) {
		if (!quiet)
			fprintf(stderr, "measuring this host's peak FLOP/s...%s\n",
			        *attempts > 1 ? " (again)" : "");
		bb_peak_measure(m, cores, 0);
		bb_peak_merge_best(&best, m);
		int disturbed = bb_peak_judge(&best, known, why, len);
		best.undisturbed = !disturbed;
		if (!disturbed || *attempts >= BB_HOST_PEAK_ATTEMPTS)
			break;
		if (!quiet)
			fprintf(stderr, "peak measurement disturbed: %s\n", why);
	}
	*m = best;
}

int bb_host_record_peak(bb_db *db, int quiet, const bb_peak_choice *reuse, bb_peak_choice *choice,
                        int *cores, int64_t *host_id)
{
	bb_host host;
	bb_host_probe(&host);
	*cores = host.cores;
	char err[512];
	char *stored_json = NULL;
	bb_peak stored;
	int have_stored =
	    bb_db_host_peak(db, host.fingerprint, &stored_json, err, sizeof(err)) == 0 &&
	    bb_peak_from_json(stored_json, &stored) == 0;
	free(stored_json);

	char *peak_json = NULL; /* NULL keeps the stored one (a resumed run measures nothing) */
	if (reuse) {
		*choice = *reuse;
	} else {
		bb_peak m;
		char why[768] = "";
		int attempts;
		measure(&m, why, sizeof(why), have_stored ? &stored : NULL, *cores, quiet,
		        &attempts);
		bb_peak_choose(&m, why, have_stored ? &stored : NULL, choice);
		choice->attempts = attempts;
		bb_strbuf sb = BB_STRBUF_INIT;
		bb_json_writer w;
		bb_jw_init(&w, &sb, 0);
		bb_peak_to_json(&choice->host_best, &w);
		peak_json = bb_strbuf_detach(&sb, NULL);
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
	int rc =
	    bb_db_host_upsert(db, host.fingerprint, hs.buf, peak_json, host_id, err, sizeof(err));
	if (rc)
		bb_error("%s", err);
	bb_strbuf_release(&hs);
	free(peak_json);
	bb_host_release(&host);
	return rc;
}

/* The header of a run and of diagnose (contract in host_record.h).  The engine sets the thread
 * counts of its own cells; the flag is about the library's default, what users' programs get. */
void bb_limits_header(const bb_backend_spec *specs, size_t n_specs, int quiet, char **limits_json,
		      char **flags_json)
{
	bb_limits l;
	char line[512];
	bb_strbuf sb = BB_STRBUF_INIT, flags = BB_STRBUF_INIT;
	bb_json_writer w, fw;
	bb_limits_probe(&l);
	bb_jw_init(&w, &sb, 0);
	bb_limits_to_json(&l, &w);
	*limits_json = bb_strbuf_detach(&sb, NULL);
	int restricted = l.cpus_allowed < l.online || l.quota_cpus > 0;
	if (restricted && !quiet)
		fprintf(stderr, "CPUs this process may use: %s\n",
			bb_limits_summary(&l, line, sizeof(line)));
	bb_jw_init(&fw, &flags, 0);
	bb_jw_array_begin(&fw);
	for (size_t s = 0; restricted && s < n_specs; s++) {
		bb_json *rec = NULL;
		bb_strbuf why = BB_STRBUF_INIT;
		if (bb_probe_in_worker(&specs[s], 0, BB_PROBE_TIMEOUT_DEFAULT, &rec, &why) == 0) {
			const char *flag = bb_json_str(bb_json_get(rec, "threads_flag"), NULL);
			if (flag && !quiet)
				fprintf(stderr, "warning: %s %s\n", specs[s].alias, flag);
			if (flag) {
				bb_jw_object_begin(&fw);
				bb_jw_kv_string(&fw, "backend", specs[s].alias);
				bb_jw_kv_string(&fw, "flag", flag);
				bb_jw_object_end(&fw);
			}
		}
		bb_json_free(rec);
		bb_strbuf_release(&why);
	}
	bb_jw_array_end(&fw);
	*flags_json = bb_strbuf_detach(&flags, NULL);
}

int bb_host_record(bb_db *db, int quiet, bb_peak *peak, int *cores, int64_t *host_id)
{
	bb_peak_choice c;
	int rc = bb_host_record_peak(db, quiet, NULL, &c, cores, host_id);
	if (!quiet)
		bb_peak_choice_print(&c, "", stderr);
	*peak = c.used;
	return rc;
}
