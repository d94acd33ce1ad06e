/*
 * The figure a run's percentages are computed against (see bb_peak_choose() in
 * harness/host/peak/peak.h): this run's peak measurement when it was undisturbed, else the host's
 * best-known undisturbed peak, else none; stored with the run (run.options_json "peak") and
 * printed in the run header.  Pure functions of bb_peak values, unit-tested in
 * tests/host/test_peak_judge.c.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "harness/host/peak/peak.h"

const char *bb_peak_source_name(bb_peak_source s)
{
	return s == BB_PEAK_RUN ? "run" : s == BB_PEAK_HOST ? "host" : "none";
}

static bb_peak_source source_from_name(const char *s)
{
	return !strcmp(s, "run") ? BB_PEAK_RUN : !strcmp(s, "host") ? BB_PEAK_HOST : BB_PEAK_NONE;
}

void bb_peak_choose(const bb_peak *measured, const char *why, const bb_peak *stored,
                    bb_peak_choice *c)
{
	memset(c, 0, sizeof(*c));
	c->measured = *measured;
	snprintf(c->why, sizeof(c->why), "%s", measured->undisturbed == 1 ? "" : why ? why : "");
	int usable = stored && bb_peak_best(stored, 'd', 0) > 0;
	if (usable && (!stored->repeats || strcmp(stored->version, measured->version))) {
		snprintf(
		    c->note, sizeof(c->note),
		    "this host's stored peak was measured by %s%s, without the spread of its runs: "
		    "not used",
		    *stored->version ? "blasbench " : "an older blasbench", stored->version);
		usable = 0;
	} else if (usable && stored->threads != measured->threads) {
		snprintf(c->note, sizeof(c->note),
		         "this host's stored peak was measured on %d threads, not %d: not used",
		         stored->threads, measured->threads);
		usable = 0;
	} else if (usable && stored->undisturbed == 1 && measured->undisturbed == 1 &&
	           bb_peak_best(stored, 'd', 0) <
	               BB_PEAK_KNOWN_MIN * bb_peak_best(measured, 'd', 0))
		snprintf(
		    c->note, sizeof(c->note),
		    "this host's stored best-known peak (%.1f GFLOP/s double per core) was far "
		    "below this run's undisturbed %.1f: it was measured on a busy machine; raised",
		    bb_peak_best(stored, 'd', 0), bb_peak_best(measured, 'd', 0));

	/* a measurement can only come out too low: the best of all is the best-known */
	c->host_best = *measured;
	if (usable) {
		bb_peak_merge_best(&c->host_best, stored);
		c->host_best.undisturbed = stored->undisturbed == 1 || measured->undisturbed == 1;
		/* when and how: of the latest undisturbed measurement in it */
		if (measured->undisturbed == 1 || stored->undisturbed != 1) {
			memcpy(c->host_best.measured_at, measured->measured_at,
			       sizeof(c->host_best.measured_at));
			c->host_best.steal = measured->steal;
			c->host_best.others = measured->others;
		}
	}
	if (measured->undisturbed == 1) {
		c->source = BB_PEAK_RUN;
		c->used = *measured;
	} else if (c->host_best.undisturbed == 1) {
		c->source = BB_PEAK_HOST;
		c->used = c->host_best;
	} else {
		c->source = BB_PEAK_NONE;
	}
}

void bb_peak_choice_to_json(const bb_peak_choice *c, bb_json_writer *w)
{
	bb_jw_object_begin(w);
	bb_jw_kv_string(w, "source", bb_peak_source_name(c->source));
	bb_jw_kv_int(w, "attempts", c->attempts);
	bb_jw_kv_bool(w, "disturbed", c->measured.undisturbed != 1);
	bb_jw_kv_string(w, "why", *c->why ? c->why : NULL);
	bb_jw_kv_string(w, "note", *c->note ? c->note : NULL);
	bb_jw_key(w, "measured");
	bb_peak_to_json(&c->measured, w);
	bb_jw_key(w, "used");
	if (c->source == BB_PEAK_NONE)
		bb_jw_null(w);
	else
		bb_peak_to_json(&c->used, w);
	bb_jw_object_end(w);
}

int bb_peak_choice_from_json(const bb_json *v, bb_peak_choice *c)
{
	memset(c, 0, sizeof(*c));
	if (!v || v->type != BB_JSON_OBJECT)
		return -1;
	c->source = source_from_name(bb_json_str(bb_json_get(v, "source"), "none"));
	c->attempts = (int)bb_json_int(bb_json_get(v, "attempts"), 0);
	snprintf(c->why, sizeof(c->why), "%s", bb_json_str(bb_json_get(v, "why"), ""));
	snprintf(c->note, sizeof(c->note), "%s", bb_json_str(bb_json_get(v, "note"), ""));
	bb_peak_from_json_value(bb_json_get(v, "measured"), &c->measured);
	if (c->source != BB_PEAK_NONE && bb_peak_from_json_value(bb_json_get(v, "used"), &c->used))
		c->source = BB_PEAK_NONE;
	return 0;
}

void bb_peak_choice_print(const bb_peak_choice *c, const char *prefix, FILE *out)
{
	char m[256], u[256];
	bb_peak_brief(&c->measured, m, sizeof(m));
	bb_peak_brief(&c->used, u, sizeof(u));
	const char *again = c->attempts > 1 ? ", measured again" : "";
	switch (c->source) {
	case BB_PEAK_RUN:
		fprintf(out, "%speak: measured in this run%s: %s\n", prefix,
		        c->attempts > 1 ? " (the first measurement was disturbed)" : "", m);
		break;
	case BB_PEAK_HOST:
		fprintf(out, "%speak: this run's measurement was disturbed%s (%s): %s\n", prefix,
		        again, c->why, m);
		fprintf(out,
		        "%s%%PEAK is computed against this host's best-known undisturbed peak%s%s: "
		        "%s\n",
		        prefix, *c->used.measured_at ? " of " : "", c->used.measured_at, u);
		break;
	case BB_PEAK_NONE:
		fprintf(out, "%speak: this run's measurement was disturbed%s (%s): %s\n", prefix,
		        again, c->why, m);
		fprintf(out,
		        "%s%%PEAK is not given (\"?\"): this host has no undisturbed peak on "
		        "record; run again on a quieter machine\n",
		        prefix);
		break;
	}
	if (*c->note)
		fprintf(out, "%speak: %s\n", prefix, c->note);
}
