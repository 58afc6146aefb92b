#include "avail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "map.h"
#include "notice.h"
#include "site.h"
#include "tz.h"
#include "util.h"

#define DAY 86400

const int nb_avail_period_days[NB_AVAIL_PERIODS] = { 30, 90, 365 };

/* A time a notice put a server in a state. */
struct span {
	int64_t start, end;
	enum nb_state state;
	size_t item;
};

/* Which state wins when two are at once: the rule of a server's state. */
static int rank(enum nb_state st)
{
	switch (st) {
	case NB_OUTAGE: return 3;
	case NB_DEGRADED: return 2;
	case NB_STATE_MAINTENANCE: return 1;
	default: return 0;
	}
}

/* When maintenance started: its status set to in progress, else (added in
 * progress, or written up afterwards) its publication. */
static int64_t started(const struct nb_notice *n)
{
	size_t i;

	for (i = 0; i < n->status_change_count; i++)
		if (n->status_changes[i].status == NB_IN_PROGRESS)
			return n->status_changes[i].time;
	return n->published;
}

/* The span an item puts its servers in, up to now; 0 when none. */
static int span_of(const struct nb_model *m, size_t i, int64_t now, struct span *s)
{
	const struct nb_item *it = &m->items[i];
	const struct nb_notice *n = it->notice;

	s->item = i;
	if (n->kind == NB_INCIDENT) {
		/* open from its publication to its resolution: one added already
		 * resolved, to its last update (the model's `resolved`) */
		s->start = n->published;
		s->end = it->resolved ? it->resolved : now;
		s->state = n->severity >= NB_MAJOR ? NB_OUTAGE : NB_DEGRADED;
	} else if (n->status == NB_COMPLETED) {
		s->start = n->has_window ? n->window_start : started(n);
		s->end = n->has_window ? n->window_end : it->resolved;
		s->state = NB_STATE_MAINTENANCE;
	} else if (n->status == NB_IN_PROGRESS) {
		s->start = started(n);
		s->end = now;
		s->state = NB_STATE_MAINTENANCE;
	} else {
		return 0;
	}
	if (s->end > now)
		s->end = now;
	/* open as the commit is built: its day shows it, however short */
	return s->start < s->end || (s->start == now && !it->resolved);
}

static int by_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void add_state(int64_t *outage, int64_t *degraded, int64_t *maintenance,
		      enum nb_state st, int64_t seconds)
{
	if (st == NB_OUTAGE)
		*outage += seconds;
	else if (st == NB_DEGRADED)
		*degraded += seconds;
	else if (st == NB_STATE_MAINTENANCE)
		*maintenance += seconds;
}

static int64_t overlap(int64_t a, int64_t b, int64_t from, int64_t to)
{
	int64_t lo = a > from ? a : from, hi = b < to ? b : to;

	return hi > lo ? hi - lo : 0;
}

/* The bounds of the last NB_AVAIL_DAYS days in zone, the last the day of
 * now: bounds[i] to bounds[i + 1] is days[i]. */
static void day_bounds(struct nb_avail *a, const char *zone, int64_t now, int64_t *bounds)
{
	struct nb_tz_civil c;
	int64_t today;
	int i;

	nb_tz_from_utc(zone, now, &c, NULL);
	today = nb_tz_days_from_civil(c.year, c.month, c.day);
	for (i = 0; i <= NB_AVAIL_DAYS; i++) {
		struct nb_tz_civil d = { 0, 0, 0, 0, 0, 0 };

		nb_tz_civil_from_days(today - (NB_AVAIL_DAYS - 1) + i, &d.year, &d.month, &d.day);
		bounds[i] = nb_tz_to_utc(zone, &d, -1);
		if (i < NB_AVAIL_DAYS) {
			a->days[i].year = d.year;
			a->days[i].month = d.month;
			a->days[i].day = d.day;
		}
	}
}

/* Each stretch of time between two ends of spans, in the worst state of
 * the spans over it (and the notice behind it), into the periods and days. */
static void sweep(struct nb_avail *a, const struct span *spans, size_t count, int64_t now,
		  int64_t since, const int64_t *bounds)
{
	int64_t *ends = nb_calloc(2 * count + 1, sizeof(*ends));
	size_t n = 0, i, j;
	int p, d;

	for (i = 0; i < count; i++) {
		ends[n++] = spans[i].start;
		ends[n++] = spans[i].end;
	}
	nb_sort(ends, n, sizeof(*ends), by_time);
	for (i = 0; i + 1 < n; i++) {
		int64_t from = ends[i], to = ends[i + 1];
		enum nb_state st = NB_OPERATIONAL;
		size_t item = 0;

		if (from >= to)
			continue;
		for (j = 0; j < count; j++)
			if (spans[j].start <= from && spans[j].end >= to &&
			    rank(spans[j].state) > rank(st)) {
				st = spans[j].state;
				item = spans[j].item;
			}
		if (st == NB_OPERATIONAL)
			continue;
		for (p = 0; p < NB_AVAIL_PERIODS; p++) {
			struct nb_avail_period *per = &a->period[p];
			int64_t start = now - (int64_t)nb_avail_period_days[p] * DAY;

			add_state(&per->outage, &per->degraded, &per->maintenance, st,
				  overlap(from, to, start > since ? start : since, now));
		}
		for (d = 0; d < NB_AVAIL_DAYS; d++) {
			struct nb_avail_day *day = &a->days[d];
			int64_t secs = overlap(from, to, bounds[d] > since ? bounds[d] : since,
					       bounds[d + 1]);

			if (!secs)
				continue;
			add_state(&day->outage, &day->degraded, &day->maintenance, st, secs);
			if (rank(st) > rank(day->worst)) {
				day->worst = st;
				day->item = item;
			}
		}
	}
	free(ends);
}

static uint64_t digest_of(const struct nb_avail *a)
{
	uint64_t h = NB_HASH_START;
	int i;

	for (i = 0; i < NB_AVAIL_PERIODS; i++) {
		const struct nb_avail_period *p = &a->period[i];
		int64_t v[] = { p->counted, p->outage, p->degraded, p->maintenance, p->hundredths };

		h = nb_hash_add(h, v, sizeof(v));
	}
	for (i = 0; i < NB_AVAIL_DAYS; i++) {
		const struct nb_avail_day *d = &a->days[i];
		int64_t v[] = { d->year, d->month, d->day, d->counted, d->worst,
				d->outage, d->degraded, d->maintenance, (int64_t)d->item };

		h = nb_hash_add(h, v, sizeof(v));
	}
	return nb_hash_end(h);
}

static void server_avail(struct nb_avail *a, const struct nb_model *m,
			 const struct nb_server_view *sv, int64_t now)
{
	const char *zone = m->content->site.timezone ? m->content->site.timezone : "UTC";
	int64_t since = sv->server->since, bounds[NB_AVAIL_DAYS + 1];
	int64_t oldest = now - (int64_t)nb_avail_period_days[NB_AVAIL_PERIODS - 1] * DAY;
	struct span *spans = nb_calloc(sv->count + 1, sizeof(*spans));
	size_t n = 0, i;
	int p;

	memset(a, 0, sizeof(*a));
	day_bounds(a, zone, now, bounds);
	if (bounds[0] < oldest)
		oldest = bounds[0];
	for (i = 0; i < sv->count; i++)
		if (span_of(m, sv->items[i], now, &spans[n]) && spans[n].end > oldest)
			n++;
	sweep(a, spans, n, now, since, bounds);
	for (i = 0; i < n; i++) {
		struct nb_avail_day *today = &a->days[NB_AVAIL_DAYS - 1];

		if (spans[i].end == now && rank(spans[i].state) > rank(today->worst) &&
		    now >= since) {
			today->worst = spans[i].state;
			today->item = spans[i].item;
		}
	}
	for (p = 0; p < NB_AVAIL_PERIODS; p++) {
		struct nb_avail_period *per = &a->period[p];
		int64_t start = now - (int64_t)nb_avail_period_days[p] * DAY;
		int64_t basis;

		per->counted = now - (start > since ? start : since);
		if (per->counted < 0)
			per->counted = 0;
		basis = per->counted - per->maintenance;
		per->hundredths = basis > 0 ? (long)((basis - per->outage) * 10000 / basis) : 10000;
	}
	for (i = 0; i < NB_AVAIL_DAYS; i++)
		a->days[i].counted = bounds[i + 1] > since && bounds[i] < now;
	a->digest = digest_of(a);
	free(spans);
}

void nb_avail_build(struct nb_model *m)
{
	int64_t now = m->content->commit_time;
	size_t s;

	m->avail = nb_calloc(m->server_count + 1, sizeof(*m->avail));
	for (s = 0; s < m->server_count; s++)
		server_avail(&m->avail[s], m, &m->servers[s], now);
}

void nb_avail_percent(char *out, size_t size, long hundredths)
{
	snprintf(out, size, "%ld.%02ld%%", hundredths / 100, hundredths % 100);
}
