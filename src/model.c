#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "content.h"
#include "map.h"
#include "notice.h"
#include "site.h"
#include "store.h"
#include "text.h"
#include "tz.h"
#include "util.h"

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static void item_init(struct nb_item *it, const struct nb_notice *n, const char *zone)
{
	struct nb_tz_civil c;
	struct nb_buf url = NB_BUF_INIT;
	int born = 0;
	size_t i;

	it->notice = n;
	nb_tz_from_utc(zone, n->published, &c, NULL);
	it->year = c.year;
	nb_buf_printf(&url, "%04d/%02d/%s/", c.year, c.month, n->slug);
	it->url = nb_buf_detach(&url);
	it->updated = max64(n->published, n->edited);
	for (i = 0; i < n->update_count; i++) {
		it->updated = max64(it->updated, n->updates[i].time);
		it->updated = max64(it->updated, n->updates[i].edited);
	}
	for (i = 0; i < n->status_change_count; i++) {
		const struct nb_status_change *sc = &n->status_changes[i];

		/* the status it was added with is part of its publication */
		if (i > 0)
			it->updated = max64(it->updated, sc->time);
		if (sc->status == n->status && (i == 0 || n->status_changes[i - 1].status != sc->status)) {
			it->status_since = sc->time;
			born = i == 0;
		}
	}
	if (born) {
		/* it has had this status since it was added: an open notice since
		 * its publication, a closed one (written up afterwards, or imported)
		 * since the last thing it says */
		it->status_since = n->published;
		if (!nb_notice_status_is_open(n->status))
			for (i = 0; i < n->update_count; i++)
				it->status_since = max64(it->status_since, n->updates[i].time);
		/* maintenance written up as completed was done, at the earliest,
		 * when its window ended */
		if (n->status == NB_COMPLETED && n->has_window)
			it->status_since = max64(it->status_since, n->window_end);
	}
	if (!nb_notice_status_is_open(n->status))
		it->resolved = it->status_since ? it->status_since : it->updated;
}

void nb_model_server_url(struct nb_buf *out, const char *id)
{
	nb_buf_printf(out, NB_MODEL_SERVERS_URL "%s/", id);
}

void nb_model_year_url(struct nb_buf *out, int year)
{
	nb_buf_printf(out, NB_MODEL_ARCHIVE_URL "%d/", year);
}

void nb_model_duration(struct nb_buf *out, int64_t seconds)
{
	int64_t min = seconds / 60, h = min / 60, d = h / 24;

	if (d > 0)
		nb_buf_printf(out, "%lld d %lld h", (long long)d, (long long)(h % 24));
	else if (h > 0)
		nb_buf_printf(out, "%lld h %lld min", (long long)h, (long long)(min % 60));
	else
		nb_buf_printf(out, "%lld min", (long long)(min > 0 ? min : 0));
}

char *nb_model_window_text(const char *zone, int64_t start, int64_t end)
{
	struct nb_tz_civil a, b;
	struct nb_buf out = NB_BUF_INIT;
	char day[64], time_a[16], time_b[16], zone_a[16], zone_b[16];

	nb_tz_from_utc(zone, start, &a, NULL);
	nb_tz_from_utc(zone, end, &b, NULL);
	nb_tz_format(day, sizeof(day), "%a %-d %b %Y", zone, start);
	nb_tz_format(time_a, sizeof(time_a), "%H:%M", zone, start);
	nb_tz_format(zone_a, sizeof(zone_a), "%Z", zone, start);
	nb_tz_format(time_b, sizeof(time_b), "%H:%M", zone, end);
	nb_tz_format(zone_b, sizeof(zone_b), "%Z", zone, end);
	nb_buf_printf(&out, "%s, %s", day, time_a);
	if (strcmp(zone_a, zone_b) != 0)
		nb_buf_printf(&out, " %s", zone_a); /* a clock change between */
	nb_buf_puts(&out, " to ");
	if (a.year != b.year || a.month != b.month || a.day != b.day) {
		nb_tz_format(day, sizeof(day), "%a %-d %b %Y", zone, end);
		nb_buf_printf(&out, "%s, ", day);
	}
	nb_buf_printf(&out, "%s %s", time_b, zone_b);
	return nb_buf_detach(&out);
}

static void item_text(struct nb_item *it, int unsafe)
{
	const struct nb_notice *n = it->notice;
	size_t i;

	it->body_html = nb_text_html(n->body, unsafe);
	it->body_summary = nb_text_summary(n->body, NB_MODEL_SUMMARY);
	it->update_html = nb_calloc(n->update_count + 1, sizeof(*it->update_html));
	it->update_summary = nb_calloc(n->update_count + 1, sizeof(*it->update_summary));
	for (i = 0; i < n->update_count; i++) {
		it->update_html[i] = nb_text_html(n->updates[i].markdown, unsafe);
		it->update_summary[i] = nb_text_summary(n->updates[i].markdown, NB_MODEL_SUMMARY);
	}
}

void nb_model_text(const struct nb_model *m, const struct nb_item *it)
{
	struct nb_model *mm = (struct nb_model *)m;

	pthread_mutex_lock(&mm->text_lock);
	if (!it->has_text) {
		item_text((struct nb_item *)it, m->content->site.unsafe_html);
		((struct nb_item *)it)->has_text = 1;
	}
	pthread_mutex_unlock(&mm->text_lock);
}

const char *nb_model_card_summary(const struct nb_model *m, const struct nb_item *it)
{
	struct nb_model *mm = (struct nb_model *)m;
	const struct nb_notice *n = it->notice;
	const char *summary;

	if (!n->update_count)
		return NULL;
	pthread_mutex_lock(&mm->text_lock);
	if (!it->card_summary)
		((struct nb_item *)it)->card_summary =
			nb_text_summary(n->updates[n->update_count - 1].markdown, NB_MODEL_CARD);
	summary = it->card_summary;
	pthread_mutex_unlock(&mm->text_lock);
	return summary;
}

/* Everything about an item a page or feed can show, hashed: its text and
 * path, every date, author and edit the history gave it, its status
 * changes and window moves, and what the model made of them. */
static uint64_t item_digest(const struct nb_item *it)
{
	const struct nb_notice *n = it->notice;
	uint64_t h = NB_HASH_START;
	size_t i;

	h = nb_hash_add64(h, n->text_hash);
	h = nb_hash_add_str(h, n->path);
	h = nb_hash_add_str(h, n->first_path);
	for (i = 0; i < n->old_path_count; i++)
		h = nb_hash_add_str(h, n->old_paths[i]);
	h = nb_hash_add_str(h, n->author);
	h = nb_hash_add_str(h, n->edited_by);
	h = nb_hash_add64(h, (uint64_t)n->added);
	h = nb_hash_add64(h, (uint64_t)n->edited);
	h = nb_hash_add64(h, (uint64_t)n->published);
	h = nb_hash_add64(h, (uint64_t)n->published_source);
	for (i = 0; i < n->update_count; i++) {
		const struct nb_update *u = &n->updates[i];

		h = nb_hash_add64(h, (uint64_t)u->time);
		h = nb_hash_add64(h, (uint64_t)u->source);
		h = nb_hash_add64(h, (uint64_t)u->added);
		h = nb_hash_add64(h, (uint64_t)u->edited);
		h = nb_hash_add_str(h, u->author);
		h = nb_hash_add_str(h, u->edited_by);
		h = nb_hash_add_str(h, u->commit);
	}
	for (i = 0; i < n->status_change_count; i++) {
		h = nb_hash_add64(h, (uint64_t)n->status_changes[i].status);
		h = nb_hash_add64(h, (uint64_t)n->status_changes[i].time);
		h = nb_hash_add_str(h, n->status_changes[i].author);
	}
	for (i = 0; i < n->window_changes && n->window_moves; i++) {
		const struct nb_window_move *mv = &n->window_moves[i];

		h = nb_hash_add64(h, (uint64_t)mv->time);
		h = nb_hash_add_str(h, mv->author);
		h = nb_hash_add(h, &mv->from_start, 4 * sizeof(mv->from_start));
	}
	h = nb_hash_add_str(h, it->url);
	h = nb_hash_add64(h, (uint64_t)it->updated);
	h = nb_hash_add64(h, (uint64_t)it->status_since);
	h = nb_hash_add64(h, (uint64_t)it->resolved);
	h = nb_hash_add64(h, (uint64_t)it->overdue);
	return nb_hash_end(h);
}

uint64_t nb_model_item_tag(const struct nb_model *m, const struct nb_item *it)
{
	return nb_hash_end(nb_hash_add64(nb_hash_add64(NB_HASH_START, m->shape), it->digest));
}

void nb_model_fragments_live(const struct nb_model *m)
{
	size_t i;

	for (i = 0; m->fragments && i < m->count; i++)
		nb_store_live(m->fragments, nb_model_item_tag(m, &m->items[i]));
}

static int newest_first(const void *a, const void *b, void *model)
{
	const struct nb_model *m = model;
	const struct nb_item *x = &m->items[*(const size_t *)a];
	const struct nb_item *y = &m->items[*(const size_t *)b];

	if (x->notice->published != y->notice->published)
		return x->notice->published < y->notice->published ? 1 : -1;
	return strcmp(x->notice->path, y->notice->path);
}

static int item_newest_first(const void *a, const void *b)
{
	const struct nb_item *x = a, *y = b;

	if (x->notice->published != y->notice->published)
		return x->notice->published < y->notice->published ? 1 : -1;
	return strcmp(x->notice->path, y->notice->path);
}

/* Open incidents first, worst and newest first; then maintenance, soonest first. */
static int open_order(const void *a, const void *b, void *model)
{
	const struct nb_item *x = &((const struct nb_model *)model)->items[*(const size_t *)a];
	const struct nb_item *y = &((const struct nb_model *)model)->items[*(const size_t *)b];
	const struct nb_notice *m = x->notice, *n = y->notice;

	if (m->kind != n->kind)
		return m->kind == NB_INCIDENT ? -1 : 1;
	if (m->kind == NB_INCIDENT && m->severity != n->severity)
		return m->severity > n->severity ? -1 : 1;
	if (m->kind == NB_MAINTENANCE && m->has_window && n->has_window &&
	    m->window_start != n->window_start)
		return m->window_start < n->window_start ? -1 : 1;
	return newest_first(a, b, model);
}

static int year_order(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x < y) - (x > y);
}

const char *nb_model_state_name(enum nb_state state)
{
	static const char *const names[] = { "operational", "degraded", "outage", "maintenance" };

	return names[state];
}

const char *nb_model_state_label(enum nb_state state)
{
	static const char *const labels[] = { "Operational", "Degraded", "Outage", "Maintenance" };

	return labels[state];
}

/* The state the open notices among items put their server (or the site) in. */
static enum nb_state state_of(const struct nb_model *m, const size_t *items, size_t count)
{
	enum nb_severity worst = NB_SEVERITY_NONE;
	int incident = 0, maintenance = 0;
	size_t i;

	for (i = 0; i < count; i++) {
		const struct nb_notice *n = m->items[items[i]].notice;

		if (!nb_notice_status_is_open(n->status))
			continue;
		if (n->kind == NB_INCIDENT) {
			incident = 1;
			if (n->severity > worst)
				worst = n->severity;
		} else if (n->status == NB_IN_PROGRESS) {
			maintenance = 1;
		}
	}
	if (incident)
		return worst >= NB_MAJOR ? NB_OUTAGE : NB_DEGRADED;
	return maintenance ? NB_STATE_MAINTENANCE : NB_OPERATIONAL;
}

static void add_to_server(struct nb_model *m, struct nb_server_view *v, size_t *alloc,
			  size_t i)
{
	const struct nb_notice *n = m->items[i].notice;

	if (v->count && v->items[v->count - 1] == i)
		return; /* a group named with one of its members */
	nb_grow_array(&v->items, alloc, v->count + 1, sizeof(*v->items));
	v->items[v->count++] = i;
	if (n->kind == NB_INCIDENT)
		v->incidents++;
	else
		v->maintenance++;
	if (nb_notice_status_is_open(n->status)) {
		v->open++;
	} else if (n->kind == NB_INCIDENT && m->items[i].resolved >= n->published) {
		v->resolve_total += m->items[i].resolved - n->published;
		v->resolved_count++;
	}
}

static void build_servers(struct nb_model *m)
{
	const struct nb_site *site = &m->content->site;
	size_t *alloc = nb_calloc(site->server_count + 1, sizeof(*alloc));
	struct nb_map index = NB_MAP_INIT;
	size_t i, j, s, g;

	m->servers = nb_calloc(site->server_count + 1, sizeof(*m->servers));
	m->server_count = site->server_count;
	for (s = 0; s < site->server_count; s++) {
		struct nb_buf url = NB_BUF_INIT;

		m->servers[s].server = &site->servers[s];
		nb_model_server_url(&url, site->servers[s].id);
		m->servers[s].url = nb_buf_detach(&url);
		nb_map_sets(&index, site->servers[s].id, s);
	}
	/* each group's members counted, then listed: memory grows with the
	 * servers, not with their square */
	for (s = 0; s < site->server_count; s++)
		if (site->servers[s].group && nb_map_gets(&index, site->servers[s].group, &g))
			m->servers[g].member_count++;
	for (s = 0; s < site->server_count; s++) {
		m->servers[s].members = nb_calloc(m->servers[s].member_count + 1, sizeof(size_t));
		m->servers[s].member_count = 0;
	}
	for (s = 0; s < site->server_count; s++) {
		if (site->servers[s].group && nb_map_gets(&index, site->servers[s].group, &g)) {
			struct nb_server_view *gv = &m->servers[g];

			gv->members[gv->member_count++] = s;
		}
	}
	for (i = 0; i < m->count; i++) {
		const struct nb_notice *n = m->items[i].notice;

		for (j = 0; j < n->server_count; j++) {
			if (!nb_map_gets(&index, n->servers[j], &s))
				continue;
			add_to_server(m, &m->servers[s], &alloc[s], i);
			if (site->servers[s].group && nb_map_gets(&index, site->servers[s].group, &g))
				add_to_server(m, &m->servers[g], &alloc[g], i);
		}
	}
	for (s = 0; s < m->server_count; s++)
		m->servers[s].state = state_of(m, m->servers[s].items, m->servers[s].count);
	nb_map_release(&index);
	free(alloc);
}

static void build_redirects(struct nb_model *m, const char *zone)
{
	struct nb_map taken = NB_MAP_INIT;
	size_t i, j, alloc = 0;

	for (i = 0; i < m->count; i++)
		nb_map_sets(&taken, m->items[i].url, i);
	for (i = 0; i < m->count; i++) {
		const struct nb_notice *n = m->items[i].notice;
		struct nb_tz_civil c;

		nb_tz_from_utc(zone, n->published, &c, NULL);
		for (j = 0; j < n->old_path_count; j++) {
			char *slug = nb_notice_slug(n->old_paths[j]);
			struct nb_buf url = NB_BUF_INIT;

			nb_buf_printf(&url, "%04d/%02d/%s/", c.year, c.month, slug);
			free(slug);
			if (nb_map_gets(&taken, url.ptr, NULL)) {
				nb_buf_release(&url);
				continue;
			}
			nb_map_sets(&taken, url.ptr, i);
			nb_grow_array(&m->redirects, &alloc, m->redirect_count + 1,
				      sizeof(*m->redirects));
			m->redirects[m->redirect_count].from = nb_buf_detach(&url);
			m->redirects[m->redirect_count++].to = nb_strdup(m->items[i].url);
		}
	}
	nb_map_release(&taken);
}

/* ---- events: what updates.xml tells ---- */

static struct nb_event *event_new(struct nb_model *m, size_t *alloc, enum nb_event_kind kind,
				  size_t item, int64_t time, const char *author)
{
	struct nb_event *e;

	nb_grow_array(&m->events, alloc, m->event_count + 1, sizeof(*m->events));
	e = &m->events[m->event_count++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->item = item;
	e->time = e->updated = time;
	e->author = author;
	return e;
}

/*
 * An update's key: the author time of the commit that added it and its
 * place among the updates added at that time, so edits and insertions
 * change no key, and neither do `git commit --amend`, a rebase or a
 * cherry-pick, which keep author times (not commit ids).
 */
static char *update_key(const struct nb_notice *n, size_t i, struct nb_map *seen)
{
	struct nb_buf key = NB_BUF_INIT;
	int64_t added = n->updates[i].added;
	size_t k = 0;
	char t[32];

	/* how many updates before it were added at that time: counted as the
	 * thread is read, so that 100k updates cost 100k steps */
	nb_map_get64(seen, (uint64_t)added, &k);
	nb_map_set64(seen, (uint64_t)added, ++k);
	nb_tz_format(t, sizeof(t), "%Y%m%dT%H%M%SZ", "UTC", added);
	nb_buf_printf(&key, "update/%s-%zu", t, k);
	return nb_buf_detach(&key);
}

/* A status reached, keyed by its name and how often the notice reached it. */
static void status_event(struct nb_model *m, size_t *alloc, size_t item, enum nb_status st,
			 int64_t time, const char *author, size_t *reached)
{
	struct nb_event *e = event_new(m, alloc, NB_EVENT_STATUS, item, time, author);
	struct nb_buf key = NB_BUF_INIT;

	e->status = st;
	nb_buf_printf(&key, "status/%s-%zu", nb_notice_status_name(st), ++reached[st]);
	e->key = nb_buf_detach(&key);
}

/*
 * The status changes after publication.  A notice added already closed
 * (written up afterwards, or imported) was closed when its thread ends:
 * that closing is news too, at the time the pages give it.
 */
static void status_events(struct nb_model *m, size_t *alloc, size_t item)
{
	const struct nb_item *it = &m->items[item];
	const struct nb_notice *n = it->notice;
	size_t reached[NB_CANCELLED + 1] = { 0 }, i;
	int have = 0;
	enum nb_status last = n->status;

	for (i = 0; i < n->status_change_count; i++) {
		const struct nb_status_change *sc = &n->status_changes[i];

		if (have && sc->status == last)
			continue;
		if (i > 0)
			status_event(m, alloc, item, sc->status, sc->time, sc->author, reached);
		else if (!nb_notice_status_is_open(sc->status))
			status_event(m, alloc, item, sc->status, it->resolved ? it->resolved : sc->time,
				     sc->author, reached);
		else
			reached[sc->status]++;
		have = 1;
		last = sc->status;
	}
	if (!have && !nb_notice_status_is_open(n->status))
		status_event(m, alloc, item, n->status, it->resolved, n->author, reached);
}

static void item_events(struct nb_model *m, size_t *alloc, size_t item)
{
	struct nb_item *it = &m->items[item];
	const struct nb_notice *n = it->notice;
	struct nb_event *e;
	size_t i;
	struct nb_map seen = NB_MAP_INIT; /* update times -> how many so far */

	it->first_event = m->event_count;
	e = event_new(m, alloc, NB_EVENT_OPENED, item, n->published, n->author);
	e->key = nb_strdup("opened");
	for (i = 0; i < n->update_count; i++) {
		const struct nb_update *u = &n->updates[i];

		e = event_new(m, alloc, NB_EVENT_UPDATE, item, u->time, u->author);
		e->index = i;
		e->updated = max64(u->time, u->edited);
		e->key = update_key(n, i, &seen);
	}
	nb_map_release(&seen);
	for (i = 0; n->window_moves && i < n->window_changes; i++) {
		struct nb_buf key = NB_BUF_INIT;

		e = event_new(m, alloc, NB_EVENT_MOVED, item, n->window_moves[i].time,
			      n->window_moves[i].author);
		e->index = i;
		nb_buf_printf(&key, "moved-%zu", i + 1);
		e->key = nb_buf_detach(&key);
	}
	status_events(m, alloc, item);
	it->event_count = m->event_count - it->first_event;
}

static const char *event_path(const struct nb_model *m, const struct nb_event *e)
{
	if (e->kind == NB_EVENT_WITHDRAWN)
		return m->content->withdrawn[e->item].path;
	return m->items[e->item].notice->path;
}

int nb_model_event_newer(const void *a, const void *b, void *model)
{
	const struct nb_model *m = model;
	const struct nb_event *x = &m->events[*(const size_t *)a];
	const struct nb_event *y = &m->events[*(const size_t *)b];
	int c;

	if (x->time != y->time)
		return x->time < y->time ? 1 : -1;
	c = strcmp(event_path(m, x), event_path(m, y));
	if (c)
		return c;
	/* at one instant, in the order things happen: published, updated,
	 * moved, status changed, withdrawn; newest first */
	if (x->kind != y->kind)
		return x->kind < y->kind ? 1 : -1;
	return (x->index < y->index) - (x->index > y->index);
}

static void build_events(struct nb_model *m)
{
	const struct nb_content *c = m->content;
	size_t alloc = 0, i;

	for (i = 0; i < m->count; i++)
		item_events(m, &alloc, i);
	for (i = 0; i < c->withdrawn_count; i++) {
		const struct nb_withdrawn *w = &c->withdrawn[i];
		struct nb_buf key = NB_BUF_INIT;
		struct nb_event *e;
		char t[32];

		if (!nb_content_recently_withdrawn(c, w->withdrawn))
			continue;
		e = event_new(m, &alloc, NB_EVENT_WITHDRAWN, i, w->withdrawn, w->author);
		nb_tz_format(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", "UTC", w->withdrawn);
		nb_buf_printf(&key, "withdrawn-%s", t);
		e->key = nb_buf_detach(&key);
	}
	m->event_order = nb_calloc(m->event_count + 1, sizeof(*m->event_order));
	for (i = 0; i < m->event_count; i++)
		m->event_order[i] = i;
	nb_sort_r(m->event_order, m->event_count, sizeof(*m->event_order), nb_model_event_newer, m);
}

void nb_model_build(struct nb_model *m, const struct nb_content *c)
{
	const char *zone = c->site.timezone ? c->site.timezone : "UTC";
	size_t i, alloc = 0;

	memset(m, 0, sizeof(*m));
	m->content = c;
	m->items = nb_calloc(c->count + 1, sizeof(*m->items));
	m->count = c->count;
	for (i = 0; i < c->count; i++) {
		struct nb_item *it = &m->items[i];
		const struct nb_notice *n = &c->notices[i];

		item_init(it, n, zone);
		if (n->kind == NB_MAINTENANCE && n->has_window) {
			it->window_text = nb_model_window_text(zone, n->window_start, n->window_end);
			it->overdue = n->status == NB_SCHEDULED && n->window_end <= c->commit_time;
		}
	}
	nb_sort(m->items, m->count, sizeof(*m->items), item_newest_first);
	pthread_mutex_init(&m->text_lock, NULL);
	for (i = 0; i < m->count; i++)
		m->items[i].digest = item_digest(&m->items[i]);
	m->open = nb_calloc(m->count + 1, sizeof(*m->open));
	m->closed = nb_calloc(m->count + 1, sizeof(*m->closed));
	for (i = 0; i < m->count; i++) {
		m->updated = max64(m->updated, m->items[i].updated);
		if (nb_notice_status_is_open(m->items[i].notice->status))
			m->open[m->open_count++] = i;
		else
			m->closed[m->closed_count++] = i;
	}
	nb_sort_r(m->open, m->open_count, sizeof(*m->open), open_order, m);
	m->state = state_of(m, m->open, m->open_count);
	build_servers(m);
	for (i = 0; i < m->count; i++) {
		if (m->year_count && m->years[m->year_count - 1] == m->items[i].year)
			continue;
		nb_grow_array(&m->years, &alloc, m->year_count + 1, sizeof(*m->years));
		m->years[m->year_count++] = m->items[i].year;
	}
	nb_sort(m->years, m->year_count, sizeof(*m->years), year_order);
	build_redirects(m, zone);
	build_events(m);
}

void nb_model_release(struct nb_model *m)
{
	size_t i;

	free(m->avail);
	for (i = 0; i < m->count; i++) {
		struct nb_item *it = &m->items[i];
		size_t j;

		for (j = 0; it->has_text && j < it->notice->update_count; j++) {
			free(it->update_html[j]);
			free(it->update_summary[j]);
		}
		free(it->update_html);
		free(it->update_summary);
		free(it->body_html);
		free(it->body_summary);
		free(it->card_summary);
		free(it->window_text);
		free(it->url);
	}
	for (i = 0; i < m->event_count; i++)
		free(m->events[i].key);
	free(m->events);
	free(m->event_order);
	if (m->content)
		pthread_mutex_destroy(&m->text_lock);
	free(m->items);
	free(m->open);
	free(m->closed);
	for (i = 0; i < m->server_count; i++) {
		free(m->servers[i].url);
		free(m->servers[i].items);
		free(m->servers[i].members);
	}
	free(m->servers);
	free(m->years);
	for (i = 0; i < m->redirect_count; i++) {
		free(m->redirects[i].from);
		free(m->redirects[i].to);
	}
	free(m->redirects);
	memset(m, 0, sizeof(*m));
}
