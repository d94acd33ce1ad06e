/*
 * The counter session the engine wraps around each cell (see counters.h).
 *
 * perf_event counters are opened once per (event, thread that exists at open), each with
 * `inherit`, so the sum over them covers the whole process: threads alive at open (a BLAS
 * thread pool created at load time) and threads they create later.  Each interval is the
 * difference of two reads, so counters never need resetting.  PAPI event sets belong to the
 * thread that created them and PAPI allows one running set per thread, so PAPI counts the
 * calling thread plus the threads it creates after open; the note says so when other threads
 * already existed.
 */
#include "harness/host/counters_impl.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "build_config.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/strbuf.h"

#if BB_HAVE_PAPI
#include <papi.h>
#endif

#define MAX_TASKS 1024

typedef struct perf_fd {
	int fd;
	uint64_t value, enabled, running; /* at bb_counters_start() */
} perf_fd;

struct bb_perf_counter {
	const bb_perf_event_def *def;
	int nfd;
	perf_fd *fds;
	int user_only;
};

/* Thread ids of this process, the calling thread first.  Returns how many (at least 1). */
static int list_tasks(pid_t *tids, int max, int *truncated)
{
	pid_t self = (pid_t)syscall(SYS_gettid);
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	*truncated = 0;
	tids[n++] = self;
	if (!d)
		return n;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long tid = strtol(e->d_name, &end, 10);
		if (*end || tid <= 0 || (pid_t)tid == self)
			continue;
		if (n == max) {
			*truncated = 1;
			break;
		}
		tids[n++] = (pid_t)tid;
	}
	closedir(d);
	return n;
}

static void note_add(bb_strbuf *note, const char *fmt, ...) BB_PRINTF(2, 3);
static void note_add(bb_strbuf *note, const char *fmt, ...)
{
	va_list ap;

	if (note->len)
		bb_strbuf_adds(note, "; ");
	va_start(ap, fmt);
	bb_strbuf_vaddf(note, fmt, ap);
	va_end(ap);
}

static void perf_counter_close(bb_perf_counter *p)
{
	for (int i = 0; i < p->nfd; i++)
		close(p->fds[i].fd);
	free(p->fds);
	p->fds = NULL;
	p->nfd = 0;
}

/* Open d on every task.  Returns 1 if it is counted on all of them; 0 with the reason in why
 * (then nothing stays open).  A task that exits meanwhile (ESRCH) is skipped. */
static int perf_counter_open(bb_perf_counter *p, const bb_perf_event_def *d, const pid_t *tids,
                             int ntids, char *why, size_t size)
{
	p->def = d;
	p->nfd = 0;
	p->fds = bb_xcalloc((size_t)ntids, sizeof(*p->fds));
	for (int i = 0; i < ntids; i++) {
		int user_only;
		int fd = bb_perf_open(d, tids[i], &user_only);
		if (fd < 0 && errno == ESRCH && i > 0)
			continue;
		if (fd < 0) {
			bb_perf_explain(errno, d, why, size);
			perf_counter_close(p);
			return 0;
		}
		p->user_only |= user_only;
		p->fds[p->nfd++].fd = fd;
	}
	return 1;
}

/* Open the perf events of one kind (hardware or software) on every task; returns how many.
 * Failures go to note as "perf cycles, instructions: reason", events sharing a reason once. */
static int open_perf_kind(bb_counters *c, int hardware, const pid_t *tids, int ntids,
                          bb_strbuf *note)
{
	char why[BB_PERF_EVENTS_MAX][160];
	const char *failed[BB_PERF_EVENTS_MAX];
	int opened = 0, nfailed = 0;

	for (int i = 0; i < bb_perf_nevents; i++) {
		const bb_perf_event_def *d = &bb_perf_events[i];
		if (d->hardware != hardware)
			continue;
		if (perf_counter_open(&c->perf[c->nperf], d, tids, ntids, why[nfailed],
		                      sizeof(why[0]))) {
			if (hardware && c->perf[c->nperf].user_only)
				note_add(note,
				         "perf %s counts user space only (perf_event_paranoid=%d)",
				         d->name, bb_perf_paranoid());
			c->nperf++;
			opened++;
		} else {
			failed[nfailed++] = d->name;
		}
	}
	for (int i = 0; i < nfailed; i++) {
		int seen = 0;
		for (int k = 0; k < i && !seen; k++)
			seen = !strcmp(why[k], why[i]);
		if (seen)
			continue;
		note_add(note, "perf %s", failed[i]);
		for (int k = i + 1; k < nfailed; k++)
			if (!strcmp(why[k], why[i]))
				bb_strbuf_addf(note, ", %s", failed[k]);
		bb_strbuf_addf(note, ": %s", why[i]);
	}
	return opened;
}

#if BB_HAVE_PAPI
/* Build a PAPI event set with the first available preset of each group.  Returns how many
 * presets were added (0: no event set is kept). */
static int open_papi(bb_counters *c, int ntids, bb_strbuf *note)
{
	int es = PAPI_NULL, ret, last_group = -1, cidx = -1, inherit = 0;
	PAPI_option_t opt;

	if ((ret = PAPI_create_eventset(&es)) != PAPI_OK) {
		note_add(note, "PAPI_create_eventset: %s", PAPI_strerror(ret));
		return 0;
	}
	for (int i = 0; i < bb_papi_npresets; i++) {
		const bb_papi_preset_def *p = &bb_papi_presets[i];
		int code;
		if (p->group == last_group)
			continue; /* an earlier preset already measures this */
		if (PAPI_event_name_to_code((char *)p->name, &code) != PAPI_OK ||
		    PAPI_query_event(code) != PAPI_OK)
			continue;
		if (cidx < 0) {
			/* Inherit is a component option: bind the set before adding events. */
			cidx = PAPI_get_event_component(code);
			if (cidx < 0)
				cidx = 0;
			PAPI_assign_eventset_component(es, cidx);
			memset(&opt, 0, sizeof(opt));
			opt.inherit.eventset = es;
			opt.inherit.inherit = PAPI_INHERIT_ALL;
			ret = PAPI_set_opt(PAPI_INHERIT, &opt);
			if (ret == PAPI_OK)
				inherit = 1;
			else
				note_add(note, "PAPI counts the calling thread only (inherit: %s)",
				         PAPI_strerror(ret));
		}
		ret = PAPI_add_event(es, code);
		if (ret != PAPI_OK) {
			note_add(note, "%s not counted: %s", p->name, PAPI_strerror(ret));
			continue;
		}
		c->papi_names[c->npapi++] = p->name;
		last_group = p->group;
	}
	if (!c->npapi) {
		PAPI_cleanup_eventset(es);
		PAPI_destroy_eventset(&es);
		return 0;
	}
	c->papi_eventset = es;
	if (inherit && ntids > 1)
		note_add(note,
		         "PAPI counts this thread and threads it starts later, not the %d threads "
		         "that already existed",
		         ntids - 1);
	return c->npapi;
}
#endif

/* Why PAPI offers no preset: presets come from the CPU component (perf_event on Linux), so
 * its disabled reason is the real answer when it has one. */
static void papi_no_preset_reason(char *why, size_t size)
{
	snprintf(why, size, "PAPI has no usable preset");
#if BB_HAVE_PAPI
	for (int i = 0; i < PAPI_num_components(); i++) {
		const PAPI_component_info_t *pc = PAPI_get_component_info(i);
		if (pc && pc->disabled && !strcmp(pc->name, "perf_event")) {
			snprintf(why, size, "PAPI %s component disabled: %.300s", pc->name,
			         pc->disabled_reason);
			break;
		}
	}
#endif
}

/* Hardware counters: PAPI presets when PAPI works, else perf cycles and instructions. */
static void open_hardware(bb_counters *c, const pid_t *tids, int ntids, bb_strbuf *note)
{
	char papi_why[512] = "";
	bb_strbuf perf_why = BB_STRBUF_INIT;

	if (bb_papi_ready(papi_why, sizeof(papi_why))) {
#if BB_HAVE_PAPI
		if (open_papi(c, ntids, note))
			return;
#endif
		papi_no_preset_reason(papi_why, sizeof(papi_why));
	}
	if (open_perf_kind(c, 1, tids, ntids, &perf_why)) {
		note_add(note, "hardware counters through perf only (%s)", papi_why);
		if (perf_why.len) /* what perf counts only partly */
			note_add(note, "%s", perf_why.buf);
	} else {
		note_add(note, "no hardware counters: %s; %s", papi_why, perf_why.buf);
	}
	bb_strbuf_release(&perf_why);
}

int bb_counters_open(bb_counters *c, unsigned want)
{
	pid_t *tids = bb_xmalloc(MAX_TASKS * sizeof(*tids));
	bb_strbuf note = BB_STRBUF_INIT;
	int truncated, ntids;

	memset(c, 0, sizeof(*c));
	c->want = want;
	c->papi_eventset = -1;
	c->perf = bb_xcalloc((size_t)bb_perf_nevents, sizeof(*c->perf));
	ntids = list_tasks(tids, MAX_TASKS, &truncated);
	if (truncated)
		note_add(&note, "perf counters cover only the first %d threads", MAX_TASKS);

	if ((want & BB_COUNTERS_SOFTWARE) && !open_perf_kind(c, 0, tids, ntids, &note))
		note_add(&note, "no software counters");
	if (want & BB_COUNTERS_HARDWARE)
		open_hardware(c, tids, ntids, &note);

	free(tids);
	c->note = note.len ? bb_strbuf_detach(&note, NULL) : NULL;
	bb_strbuf_release(&note);
	return 0;
}

/* Read value, time enabled, time running.  Returns 0, or -1 with out all zero. */
static int perf_read(const perf_fd *f, uint64_t out[3])
{
	if (read(f->fd, out, 3 * sizeof(uint64_t)) == 3 * sizeof(uint64_t))
		return 0;
	out[0] = out[1] = out[2] = 0;
	return -1;
}

int bb_counters_start(bb_counters *c)
{
	for (int i = 0; i < c->nperf; i++) {
		for (int j = 0; j < c->perf[i].nfd; j++) {
			perf_fd *f = &c->perf[i].fds[j];
			uint64_t v[3];
			perf_read(f, v);
			f->value = v[0];
			f->enabled = v[1];
			f->running = v[2];
		}
	}
#if BB_HAVE_PAPI
	if (c->papi_eventset >= 0) {
		int ret = PAPI_start(c->papi_eventset);
		if (ret != PAPI_OK)
			return bb_error("cannot start PAPI counters: %s", PAPI_strerror(ret));
	}
#endif
	getrusage(RUSAGE_SELF, &c->ru0);
	c->t0 = bb_now();
	c->started = 1;
	return 0;
}

static void put(bb_counter_values *out, const char *name, double value, const char *unit)
{
	if (out->n == BB_COUNTER_VALUES_MAX)
		return;
	out->v[out->n].name = name;
	out->v[out->n].value = value;
	out->v[out->n].unit = unit;
	out->n++;
}

static double tv_seconds(struct timeval a, struct timeval b)
{
	return (double)(b.tv_sec - a.tv_sec) + 1e-6 * (double)(b.tv_usec - a.tv_usec);
}

/* Sum of one perf event over its tasks since start, scaled where the kernel multiplexed it. */
static double perf_delta(const bb_perf_counter *p)
{
	double sum = 0;

	for (int j = 0; j < p->nfd; j++) {
		const perf_fd *f = &p->fds[j];
		uint64_t v[3];
		if (perf_read(f, v) < 0 || v[0] < f->value)
			continue; /* unreadable now: count nothing rather than garbage */
		double dv = (double)(v[0] - f->value);
		double de = (double)(v[1] - f->enabled), dr = (double)(v[2] - f->running);
		sum += dr > 0 && dr < de ? dv * de / dr : dv;
	}
	return sum;
}

int bb_counters_stop(bb_counters *c, bb_counter_values *out)
{
	struct rusage ru1;
	int status = 0;

	double t1 = bb_now();
	getrusage(RUSAGE_SELF, &ru1);
	out->n = 0;
	if (!c->started)
		return bb_error("counters stopped without being started");
	c->started = 0;

	double user = tv_seconds(c->ru0.ru_utime, ru1.ru_utime);
	double sys = tv_seconds(c->ru0.ru_stime, ru1.ru_stime);
	put(out, "wall_time", t1 - c->t0, "s");
	put(out, "cpu_time", user + sys, "s");
	put(out, "user_time", user, "s");
	put(out, "system_time", sys, "s");
	put(out, "voluntary_context_switches", (double)(ru1.ru_nvcsw - c->ru0.ru_nvcsw), "count");
	put(out, "involuntary_context_switches", (double)(ru1.ru_nivcsw - c->ru0.ru_nivcsw),
	    "count");
	put(out, "minor_page_faults", (double)(ru1.ru_minflt - c->ru0.ru_minflt), "count");
	put(out, "major_page_faults", (double)(ru1.ru_majflt - c->ru0.ru_majflt), "count");

#if BB_HAVE_PAPI
	if (c->papi_eventset >= 0) {
		long long v[BB_PAPI_PRESETS_MAX];
		int ret = PAPI_stop(c->papi_eventset, v);
		if (ret != PAPI_OK)
			status = bb_error("cannot read PAPI counters: %s", PAPI_strerror(ret));
		else
			for (int i = 0; i < c->npapi; i++)
				put(out, c->papi_names[i], (double)v[i], "count");
	}
#endif
	for (int i = 0; i < c->nperf; i++)
		put(out, c->perf[i].def->value_name, perf_delta(&c->perf[i]), c->perf[i].def->unit);
	return status;
}

const char *bb_counters_note(const bb_counters *c)
{
	return c->note;
}

void bb_counters_close(bb_counters *c)
{
	for (int i = 0; i < c->nperf; i++)
		perf_counter_close(&c->perf[i]);
	free(c->perf);
#if BB_HAVE_PAPI
	if (c->papi_eventset >= 0) {
		long long v[BB_PAPI_PRESETS_MAX];
		if (c->started)
			PAPI_stop(c->papi_eventset, v);
		PAPI_cleanup_eventset(c->papi_eventset);
		PAPI_destroy_eventset(&c->papi_eventset);
	}
#endif
	free(c->note);
	memset(c, 0, sizeof(*c));
	c->papi_eventset = -1;
}

double bb_counter_values_get(const bb_counter_values *cv, const char *name, double dflt)
{
	for (int i = 0; i < cv->n; i++)
		if (!strcmp(cv->v[i].name, name))
			return cv->v[i].value;
	return dflt;
}

double bb_counter_values_cpu_ratio(const bb_counter_values *cv)
{
	double wall = bb_counter_values_get(cv, "wall_time", NAN);
	double cpu = bb_counter_values_get(cv, "cpu_time", NAN);

	return wall > 0 ? cpu / wall : NAN;
}
