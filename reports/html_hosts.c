/*
 * The "Hosts" section of the HTML report, for a database holding several hosts (one merged by
 * `blasbench merge`): one table per host class -- hosts with the same CPU model -- with each
 * host's measured peak, its runs and the fastest cell it measured, the run's own host marked.
 * A database of one host has no such section: the Host section says it all.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/html_internal.h"

static void gflops_td(bb_strbuf *out, double v)
{
	char buf[32];
	if (isnan(v))
		snprintf(buf, sizeof(buf), "-");
	else
		snprintf(buf, sizeof(buf), "%.1f", v);
	bb_html_td(out, "num", buf);
}

static int same_class(const bb_db_report_host *a, const bb_db_report_host *b)
{
	const char *x = a->cpu_model ? a->cpu_model : "", *y = b->cpu_model ? b->cpu_model : "";
	return !strcmp(x, y);
}

void bb_html_hosts_section(bb_strbuf *out, const bb_db_report_run *run)
{
	size_t classes = 0;
	if (run->n_hosts < 2)
		return;
	for (size_t i = 0; i < run->n_hosts; i++)
		classes += !i || !same_class(&run->hosts[i - 1], &run->hosts[i]);
	bb_strbuf_addf(out,
	               "<section id=\"hosts\">\n<h2>Hosts</h2>\n<p>This database holds %zu hosts "
	               "in %zu host class%s (hosts with the same CPU model); peaks are each "
	               "host's own, measured on all its cores.</p>\n",
	               run->n_hosts, classes, classes == 1 ? "" : "es");
	for (size_t i = 0; i < run->n_hosts; i++) {
		const bb_db_report_host *h = &run->hosts[i];
		if (!i || !same_class(&run->hosts[i - 1], h)) {
			size_t n = 0;
			for (size_t j = i; j < run->n_hosts && same_class(h, &run->hosts[j]); j++)
				n++;
			if (i)
				bb_strbuf_adds(out, "</tbody></table>\n");
			bb_strbuf_adds(out, "<h3 class=\"host-class\">");
			bb_html_escape(out, h->cpu_model ? h->cpu_model : "unknown CPU");
			bb_strbuf_addf(out, " (%zu host%s)</h3>\n", n, n == 1 ? "" : "s");
			bb_html_table_begin(
			    out, NULL,
			    (const char *[]){"host", "fingerprint", "runs", "peak FP64 GFLOP/s",
			                     "peak FP32 GFLOP/s", "best cell GFLOP/s", NULL});
		}
		int own = run->host_fingerprint && h->fingerprint &&
		          !strcmp(run->host_fingerprint, h->fingerprint);
		char name[320], runs[24];
		snprintf(name, sizeof(name), "%s%s", h->hostname ? h->hostname : "?",
		         own ? " (this run)" : "");
		snprintf(runs, sizeof(runs), "%d", h->runs);
		bb_strbuf_adds(out, "<tr>");
		bb_html_td(out, NULL, name);
		bb_html_td(out, "mono", h->fingerprint);
		bb_html_td(out, "num", runs);
		gflops_td(out, h->peak_d);
		gflops_td(out, h->peak_s);
		gflops_td(out, h->best_gflops);
		bb_strbuf_adds(out, "</tr>\n");
	}
	bb_strbuf_adds(out, "</tbody></table>\n</section>\n");
}
