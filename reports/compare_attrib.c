/*
 * What differs between the two backends behind a compared cell (bb_cmp_attribution): version,
 * config, kernel, threading layer and count, OpenMP runtime, environment overrides, the
 * inherited environment (and --clean-env), what the process could use (CPUs allowed, affinity,
 * cgroup quota and cpuset, memory limit, THP) and the sha256 of the backend's own files, read
 * from the backend records the probe stored.  `compare` prints it next to each verdict so a
 * regression comes with its likely cause.  Contract in reports/compare.h.
 */
#include "reports/compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

/* A record value as text for "a -> b": strings as is, numbers %g, absent/null "unset". */
static void value_text(const bb_json *v, char *buf, size_t len)
{
	if (!v || bb_json_is_null(v))
		snprintf(buf, len, "unset");
	else if (v->type == BB_JSON_STRING)
		snprintf(buf, len, "%s", v->string);
	else if (v->type == BB_JSON_NUMBER)
		snprintf(buf, len, "%g", v->number);
	else if (v->type == BB_JSON_BOOL)
		snprintf(buf, len, "%s", v->boolean ? "true" : "false");
	else
		snprintf(buf, len, "?");
}

static void diff_value(bb_strbuf *out, const char *name, const bb_json *a, const bb_json *b)
{
	char ta[256], tb[256];
	value_text(a, ta, sizeof(ta));
	value_text(b, tb, sizeof(tb));
	if (!strcmp(ta, tb))
		return;
	bb_strbuf_addf(out, "%s%s %s -> %s", out->len ? "; " : "", name, ta, tb);
}

/* The sha256 of the record's own files, in order, "," separated (12 hex digits each). */
static void own_hashes(const bb_json *rec, bb_strbuf *out)
{
	const bb_json *objs = bb_json_get(rec, "objects");
	for (size_t i = 0; i < bb_json_len(objs); i++) {
		const bb_json *o = bb_json_at(objs, i);
		if (!bb_json_bool(bb_json_get(o, "own"), 0))
			continue;
		bb_strbuf_addf(out, "%s%.12s", out->len ? "," : "",
		               bb_json_str(bb_json_get(o, "sha256"), "unknown"));
	}
}

/* The inherited environment (variables the process brought with it that the stack reads, not
 * a spec's): each variable whose value differs, "unset" where one side does not have it, and
 * whether --clean-env dropped them.  A record from before these were recorded says so rather
 * than passing for an empty environment. */
static void diff_inherited(bb_strbuf *out, const bb_json *a, const bb_json *b)
{
	const bb_json *ia = bb_json_get(a, "inherited_env"), *ib = bb_json_get(b, "inherited_env");
	if (!a || !b)
		return;
	if (!ia != !ib) {
		const bb_json *has = ia ? ia : ib;
		if (has->n)
			bb_strbuf_addf(out, "%senv inherited: not recorded in the %s run",
			               out->len ? "; " : "", ia ? "candidate" : "base");
		return;
	}
	for (size_t i = 0; ia && i < ia->n; i++) {
		char name[160];
		snprintf(name, sizeof(name), "env inherited %s", ia->keys[i]);
		diff_value(out, name, ia->items[i], bb_json_get(ib, ia->keys[i]));
	}
	for (size_t i = 0; ib && i < ib->n; i++) {
		if (bb_json_get(ia, ib->keys[i]))
			continue; /* already compared above */
		char name[160];
		snprintf(name, sizeof(name), "env inherited %s", ib->keys[i]);
		diff_value(out, name, NULL, ib->items[i]);
	}
	int ca = bb_json_bool(bb_json_get(a, "clean_env"), 0),
	    cb = bb_json_bool(bb_json_get(b, "clean_env"), 0);
	if (ca != cb)
		bb_strbuf_addf(out, "%s--clean-env %s -> %s", out->len ? "; " : "",
		               ca ? "on" : "off", cb ? "on" : "off");
}

static bb_json *parse_record(const char *text)
{
	char err[128];
	return text ? bb_json_parse(text, strlen(text), err, sizeof(err)) : NULL;
}

char *bb_cmp_env_attribution(const char *base_record, const char *cand_record)
{
	bb_json *a = parse_record(base_record), *b = parse_record(cand_record);
	bb_strbuf out = BB_STRBUF_INIT;
	diff_inherited(&out, a, b);
	bb_json_free(a);
	bb_json_free(b);
	return bb_strbuf_detach(&out, NULL);
}

/* What the process could use in each run (the limits the worker measured): CPUs allowed,
 * affinity, cgroup CPU quota, cpuset, memory limit, THP.  Records from before these were
 * measured have none: nothing is said then. */
static void diff_limits(bb_strbuf *out, const bb_json *la, const bb_json *lb)
{
	if (!la || !lb || bb_json_is_null(la) || bb_json_is_null(lb))
		return;
	diff_value(out, "cpus_allowed", bb_json_get(la, "cpus_allowed"),
		   bb_json_get(lb, "cpus_allowed"));
	diff_value(out, "affinity", bb_json_get(bb_json_get(la, "affinity"), "list"),
		   bb_json_get(bb_json_get(lb, "affinity"), "list"));
	diff_value(out, "cpu_quota", bb_json_get(la, "cpu_quota"), bb_json_get(lb, "cpu_quota"));
	diff_value(out, "cpuset", bb_json_get(la, "cpuset"), bb_json_get(lb, "cpuset"));
	diff_value(out, "memory_max", bb_json_get(la, "memory_max"), bb_json_get(lb, "memory_max"));
	diff_value(out, "thp", bb_json_get(bb_json_get(la, "thp"), "enabled"),
		   bb_json_get(bb_json_get(lb, "thp"), "enabled"));
	diff_value(out, "thp_defrag", bb_json_get(bb_json_get(la, "thp"), "defrag"),
		   bb_json_get(bb_json_get(lb, "thp"), "defrag"));
}

char *bb_cmp_limits_differ(const char *base_record, const char *cand_record)
{
	bb_json *a = parse_record(base_record), *b = parse_record(cand_record);
	bb_strbuf out = BB_STRBUF_INIT;
	diff_limits(&out, bb_json_get(a, "limits"), bb_json_get(b, "limits"));
	bb_json_free(a);
	bb_json_free(b);
	return bb_strbuf_detach(&out, NULL);
}

char *bb_cmp_attribution(const char *base_record, const char *cand_record)
{
	char err[128];
	bb_json *a =
	    base_record ? bb_json_parse(base_record, strlen(base_record), err, sizeof(err)) : NULL;
	bb_json *b =
	    cand_record ? bb_json_parse(cand_record, strlen(cand_record), err, sizeof(err)) : NULL;
	bb_strbuf out = BB_STRBUF_INIT;
	static const char *const fields[] = {"version", "config", "kernel", "omp_runtime"};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		diff_value(&out, fields[i], bb_json_get(a, fields[i]), bb_json_get(b, fields[i]));
		if (i == 2) {
			const bb_json *ta = bb_json_get(a, "threads"),
			              *tb = bb_json_get(b, "threads");
			diff_value(&out, "threads.layer", bb_json_get(ta, "layer"),
			           bb_json_get(tb, "layer"));
			diff_value(&out, "threads.effective", bb_json_get(ta, "effective"),
			           bb_json_get(tb, "effective"));
		}
	}
	const bb_json *ea = bb_json_get(a, "env"), *eb = bb_json_get(b, "env");
	for (size_t i = 0; ea && i < ea->n; i++) {
		char name[160];
		snprintf(name, sizeof(name), "env %s", ea->keys[i]);
		diff_value(&out, name, ea->items[i], bb_json_get(eb, ea->keys[i]));
	}
	for (size_t i = 0; eb && i < eb->n; i++) {
		if (bb_json_get(ea, eb->keys[i]))
			continue; /* already compared above */
		char name[160];
		snprintf(name, sizeof(name), "env %s", eb->keys[i]);
		diff_value(&out, name, NULL, eb->items[i]);
	}
	diff_inherited(&out, a, b);
	diff_limits(&out, bb_json_get(a, "limits"), bb_json_get(b, "limits"));
	bb_strbuf ha = BB_STRBUF_INIT, hb = BB_STRBUF_INIT;
	own_hashes(a, &ha);
	own_hashes(b, &hb);
	if (strcmp(ha.buf, hb.buf))
		bb_strbuf_addf(&out, "%ssha256 %s -> %s", out.len ? "; " : "",
		               ha.len ? ha.buf : "unknown", hb.len ? hb.buf : "unknown");
	bb_strbuf_release(&ha);
	bb_strbuf_release(&hb);
	bb_json_free(a);
	bb_json_free(b);
	return bb_strbuf_detach(&out, NULL);
}
