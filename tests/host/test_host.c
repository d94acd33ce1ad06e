/*
 * test_host: the host probe succeeds, its fingerprint is stable from one probe to the next,
 * its JSON parses and round-trips the main fields, and the printed form fits 100 columns.
 */
#include <ctype.h>
#include <stdio.h>
#include <unistd.h>

#include "common/json.h"
#include "harness/host/host.h"
#include "tests/test_util.h"

static void check_json(const bb_host *h, int pretty)
{
	bb_strbuf sb = BB_STRBUF_INIT;
	bb_json_writer w;
	char err[128];

	bb_jw_init(&w, &sb, pretty);
	bb_jw_object_begin(&w);
	bb_host_to_json(h, &w);
	bb_jw_key(&w, "peak"); /* what `info` adds after the host fields */
	bb_jw_null(&w);
	bb_jw_object_end(&w);

	bb_json *v = bb_json_parse(sb.buf, sb.len, err, sizeof(err));
	BB_CHECK(v != NULL);
	if (!v) {
		fprintf(stderr, "bad JSON (%s):\n%s\n", err, sb.buf);
		bb_strbuf_release(&sb);
		return;
	}
	if (pretty)
		printf("%s\n", sb.buf);
	BB_CHECK_STR(bb_json_str(bb_json_get(v, "fingerprint"), NULL), h->fingerprint);
	BB_CHECK_STR(bb_json_str(bb_json_get(v, "cpu_model"), NULL), h->cpu_model);
	BB_CHECK_STR(bb_json_str(bb_json_get(v, "hostname"), NULL), h->hostname);
	BB_CHECK_INT(bb_json_int(bb_json_get(v, "memory_bytes"), -1), h->memory_bytes);
	const bb_json *topo = bb_json_get(v, "topology");
	BB_CHECK_INT(bb_json_int(bb_json_get(topo, "cores"), -1), h->topology.cores);
	const bb_json *clock = bb_json_get(v, "clock");
	BB_CHECK(bb_json_num(bb_json_get(clock, "gettime_cost_ns"), -1) > 0);
	const bb_json *counters = bb_json_get(v, "counters");
	BB_CHECK(bb_json_len(bb_json_get(bb_json_get(counters, "perf_event"), "events")) >= 4);
	BB_CHECK_INT(bb_json_bool(bb_json_get(counters, "hardware_ok"), -1),
	             h->counters.hardware_ok);
	BB_CHECK(bb_json_is_null(bb_json_get(v, "peak")) && bb_json_get(v, "peak"));
	bb_json_free(v);
	bb_strbuf_release(&sb);
}

static void check_print(const bb_host *h)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int lines = 0, longest = 0;

	BB_CHECK(f != NULL);
	if (!f)
		return;
	bb_host_print(h, f);
	fclose(f);
	fputs(text, stdout);
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		if (n > longest)
			longest = n;
		lines++;
		p += n + (nl != NULL);
	}
	printf("%d lines, longest %d columns\n", lines, longest);
	BB_CHECK(longest <= 100);
	BB_CHECK(strchr(text, '\t') == NULL);
	const char *sections[] = {"CPU\n", "Topology\n", "Caches\n",
	                          "OS\n",  "Clock\n",    "Counters\n"};
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		BB_CHECK(strstr(text, sections[i]) != NULL);
	free(text);
}

int main(void)
{
	bb_host a, b;

	BB_CHECK_INT(bb_host_probe(&a), 0);
	BB_CHECK_INT(bb_host_probe(&b), 0);
	BB_CHECK(a.hostname[0] != '\0');
	BB_CHECK_STR(a.os_name, "Linux");
	BB_CHECK(a.os_release[0] != '\0');
	BB_CHECK(a.cpu_model[0] != '\0');
	BB_CHECK(a.memory_bytes > (64LL << 20));
	BB_CHECK(a.clock_resolution_ns > 0 && a.clock_resolution_ns <= 1e6);
	BB_CHECK(a.clock_cost_ns > 0 && a.clock_cost_ns < 1e4);
	BB_CHECK(a.hypervisor >= -1 && a.hypervisor <= 1);
	BB_CHECK(a.have_topology);

	BB_CHECK_INT(strlen(a.fingerprint), 16);
	for (const char *p = a.fingerprint; *p; p++)
		BB_CHECK(isxdigit((unsigned char)*p));
	BB_CHECK_STR(a.fingerprint, b.fingerprint);
	BB_CHECK_STR(a.fingerprint_source, b.fingerprint_source);
	BB_CHECK(strstr(a.fingerprint_source, a.os_release) != NULL);

	check_json(&a, 0);
	check_json(&a, 1);
	check_print(&a);
	bb_host_release(&a);
	bb_host_release(&b);
	return bb_test_done();
}
