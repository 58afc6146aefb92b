#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avail.h"
#include "buf.h"
#include "content.h"
#include "feed.h"
#include "json.h"
#include "map.h"
#include "model.h"
#include "notice.h"
#include "publish.h"
#include "site.h"
#include "tz.h"
#include "util.h"

/* Incidents and maintenances in the full lists: the most recent, as many
 * as Statuspage gives. */
#define API_RECENT 50
#define API_DIR "api/v2/"
/* The cState release whose index.json (API 2.0) the file follows. */
#define CSTATE_VERSION "6.0.1"

const char *const nb_api_files[] = {
	API_DIR "summary.json",
	API_DIR "status.json",
	API_DIR "components.json",
	API_DIR "incidents.json",
	API_DIR "incidents/unresolved.json",
	API_DIR "scheduled-maintenances.json",
	API_DIR "scheduled-maintenances/upcoming.json",
	API_DIR "scheduled-maintenances/active.json",
	"index.json",
	NULL,
};

struct api {
	const struct nb_model *m;
	const struct nb_site *site;
	const char *zone;
	char page_id[NB_JSON_ID];
	char (*server_ids)[NB_JSON_ID]; /* by server view */
	json_t **components;            /* by server view, made on first use */
	uint64_t key;                   /* what every file shows (see api_key) */
};

/* Which notices a list holds. */
enum pick { PICK_INCIDENTS, PICK_UNRESOLVED, PICK_MAINTENANCE, PICK_UPCOMING, PICK_ACTIVE };

static json_t *str(const char *s)
{
	return nb_json_str(s);
}

static json_t *when(const struct api *a, int64_t t)
{
	return nb_json_time(a->zone, t);
}

/* ---- ids: made from the feeds' ids, so a rename keeps them ---- */

static void feed_id_of(struct nb_buf *out, const struct api *a, const char *dir)
{
	nb_buf_printf(out, "%s%satom.xml", a->site->base_url, dir);
}

static void notice_id(char out[NB_JSON_ID], const struct api *a, const struct nb_notice *n)
{
	char *fid = nb_feed_id_of(a->site, n);

	nb_json_id(out, fid);
	free(fid);
}

static void update_id(char out[NB_JSON_ID], const struct api *a, const struct nb_event *e)
{
	char *fid = nb_feed_event_id(a->m, e);

	nb_json_id(out, fid);
	free(fid);
}

/* ---- the page and its status ---- */

/* The site's address as Statuspage and cState write it: no final '/'. */
static void site_url(struct nb_buf *out, const struct api *a)
{
	nb_buf_puts(out, a->site->base_url);
	if (out->len > 1 && out->ptr[out->len - 1] == '/')
		nb_buf_truncate(out, out->len - 1);
}

static json_t *page(const struct api *a)
{
	json_t *p = json_object();
	struct nb_buf url = NB_BUF_INIT;

	site_url(&url, a);
	nb_json_set(p, "id", str(a->page_id));
	nb_json_set(p, "name", str(a->site->title));
	nb_json_set(p, "url", str(url.ptr));
	nb_json_set(p, "time_zone", str(a->zone));
	nb_json_set(p, "updated_at", when(a, a->m->updated ? a->m->updated :
					  a->m->content->commit_time));
	nb_buf_release(&url);
	return p;
}

/* The worst severity of the open incidents among idx (all open notices
 * when idx is NULL); -1 when none is open. */
static int worst_open(const struct nb_model *m, const size_t *idx, size_t count)
{
	int worst = -1;
	size_t i;

	for (i = 0; i < count; i++) {
		const struct nb_notice *n = m->items[idx ? idx[i] : m->open[i]].notice;

		if (n->kind == NB_INCIDENT && nb_notice_status_is_open(n->status) &&
		    (int)n->severity > worst)
			worst = (int)n->severity;
	}
	return worst;
}

/* Statuspage's indicator follows the worst open incident: a minor one, or
 * one of no severity, "minor"; maintenance in progress, with no incident
 * open, "maintenance". */
static json_t *status(const struct api *a)
{
	static const char *const names[][2] = {
		{ "none", "All Systems Operational" },
		{ "minor", "Minor Service Outage" },
		{ "major", "Partial System Outage" },
		{ "critical", "Major System Outage" },
		{ "maintenance", "Service Under Maintenance" },
	};
	int worst = worst_open(a->m, NULL, a->m->open_count), k;
	json_t *s = json_object();

	if (worst >= 0)
		k = worst == NB_CRITICAL ? 3 : worst == NB_MAJOR ? 2 : 1;
	else
		k = a->m->state == NB_STATE_MAINTENANCE ? 4 : 0;
	nb_json_set(s, "indicator", str(names[k][0]));
	nb_json_set(s, "description", str(names[k][1]));
	return s;
}

/* ---- components: the servers, groups as component groups ---- */

/* An outage is a major one while a critical incident is open, partial
 * while a major one is. */
static const char *component_status(const struct api *a, const struct nb_server_view *sv)
{
	switch (sv->state) {
	case NB_OUTAGE:
		return worst_open(a->m, sv->items, sv->count) == NB_CRITICAL ? "major_outage" :
									     "partial_outage";
	case NB_DEGRADED:
		return "degraded_performance";
	case NB_STATE_MAINTENANCE:
		return "under_maintenance";
	default:
		return "operational";
	}
}

/* When the server first appears: when site.yaml first declared it, or its
 * oldest notice's publication if that is earlier; with neither known, when
 * site.yaml last changed. */
static int64_t component_created(const struct api *a, const struct nb_server_view *sv)
{
	const struct nb_content *c = a->m->content;
	int64_t t = sv->server->since;

	if (sv->count) {
		int64_t first = a->m->items[sv->items[sv->count - 1]].notice->published;

		if (!t || first < t)
			t = first;
	}
	if (t)
		return t;
	return c->site_changed ? c->site_changed : c->commit_time;
}

static int64_t component_updated(const struct api *a, const struct nb_server_view *sv)
{
	int64_t t = component_created(a, sv);
	size_t i;

	for (i = 0; i < sv->count; i++)
		if (a->m->items[sv->items[i]].updated > t)
			t = a->m->items[sv->items[i]].updated;
	return t;
}

/* An extra of nocblog's, which Statuspage's readers pass over: for each
 * period ("30d", "90d", "365d"), the percentage available and the minutes
 * in each state. */
static json_t *availability(const struct nb_avail *av)
{
	json_t *o = json_object();
	int p;

	for (p = 0; p < NB_AVAIL_PERIODS; p++) {
		const struct nb_avail_period *per = &av->period[p];
		json_t *v = json_object();
		char key[16];

		snprintf(key, sizeof(key), "%dd", nb_avail_period_days[p]);
		nb_json_set(v, "percent", json_real((double)per->hundredths / 100));
		nb_json_set(v, "outage_minutes", json_integer(per->outage / 60));
		nb_json_set(v, "degraded_minutes", json_integer(per->degraded / 60));
		nb_json_set(v, "maintenance_minutes", json_integer(per->maintenance / 60));
		nb_json_set(v, "counted_minutes", json_integer(per->counted / 60));
		nb_json_set(o, key, v);
	}
	return o;
}

static json_t *component(const struct api *a, size_t s)
{
	const struct nb_server_view *sv = &a->m->servers[s];
	const struct nb_server *g = sv->server->group ?
				    nb_site_server(a->site, sv->server->group) : NULL;
	json_t *c = json_object();
	size_t i;

	nb_json_set(c, "id", str(a->server_ids[s]));
	nb_json_set(c, "name", str(sv->server->name));
	nb_json_set(c, "status", str(component_status(a, sv)));
	nb_json_set(c, "created_at", when(a, component_created(a, sv)));
	nb_json_set(c, "updated_at", when(a, component_updated(a, sv)));
	nb_json_set(c, "position", json_integer((json_int_t)s + 1));
	nb_json_set(c, "description", str(sv->server->description));
	nb_json_set(c, "showcase", json_true());
	nb_json_set(c, "start_date", json_null());
	nb_json_set(c, "group_id", g ? str(a->server_ids[g - a->site->servers]) : json_null());
	nb_json_set(c, "page_id", str(a->page_id));
	nb_json_set(c, "group", json_boolean(sv->member_count > 0));
	nb_json_set(c, "only_show_if_degraded", json_false());
	if (sv->member_count) {
		json_t *members = json_array();

		for (i = 0; i < sv->member_count; i++)
			json_array_append_new(members, str(a->server_ids[sv->members[i]]));
		nb_json_set(c, "components", members);
	}
	return c;
}

/* The component of server view s (a new reference). */
static json_t *component_ref(struct api *a, size_t s)
{
	if (!a->components[s])
		a->components[s] = component(a, s);
	return json_incref(a->components[s]);
}

static json_t *components(struct api *a)
{
	json_t *list = json_array();
	size_t s;

	for (s = 0; s < a->m->server_count; s++) {
		json_t *c = component_ref(a, s);

		/* the list of components has their availability; a notice's
		 * components do not (so that only the files with this list change
		 * as time passes) */
		if (a->m->avail) {
			json_t *with = json_copy(c);

			json_decref(c);
			c = with;
			nb_json_set(c, "availability", availability(&a->m->avail[s]));
		}
		json_array_append_new(list, c);
	}
	return list;
}

/* ---- incidents and maintenances ---- */

/* Statuspage's name of a status: a cancelled maintenance is completed
 * there (its updates say it was cancelled). */
static const char *status_name(enum nb_status st)
{
	switch (st) {
	case NB_INVESTIGATING: return "investigating";
	case NB_IDENTIFIED: return "identified";
	case NB_MONITORING: return "monitoring";
	case NB_RESOLVED: return "resolved";
	case NB_SCHEDULED: return "scheduled";
	case NB_IN_PROGRESS: return "in_progress";
	case NB_COMPLETED:
	case NB_CANCELLED: return "completed";
	}
	return "investigating";
}

/* The notice's status at t, by its status changes. */
static enum nb_status status_at(const struct nb_notice *n, int64_t t)
{
	enum nb_status st = n->status_change_count ? n->status_changes[0].status : n->status;
	size_t i;

	for (i = 1; i < n->status_change_count; i++)
		if (n->status_changes[i].time <= t)
			st = n->status_changes[i].status;
	return st;
}

static int64_t monitoring_at(const struct nb_notice *n)
{
	size_t i;

	for (i = 0; i < n->status_change_count; i++)
		if (n->status_changes[i].status == NB_MONITORING)
			return n->status_changes[i].time;
	return 0;
}

static json_t *incident_update(const struct api *a, const struct nb_item *it,
			       const struct nb_event *e, const char *incident)
{
	const struct nb_notice *n = it->notice;
	struct nb_buf title = NB_BUF_INIT, html = NB_BUF_INIT, plain = NB_BUF_INIT;
	json_t *u = json_object();
	char id[NB_JSON_ID];
	enum nb_status st = e->kind == NB_EVENT_STATUS ? e->status :
			    e->kind == NB_EVENT_OPENED ? status_at(n, n->published) :
							 status_at(n, e->time);

	nb_feed_event_text(a->m, e, 1, &title, &html, &plain);
	while (html.len && html.ptr[html.len - 1] == '\n')
		nb_buf_truncate(&html, html.len - 1);
	update_id(id, a, e);
	nb_json_set(u, "id", str(id));
	nb_json_set(u, "status", str(status_name(st)));
	nb_json_set(u, "body", str(nb_buf_cstr(&plain)));
	nb_json_set(u, "body_html", str(nb_buf_cstr(&html)));
	nb_json_set(u, "incident_id", str(incident));
	nb_json_set(u, "created_at", when(a, e->time));
	nb_json_set(u, "updated_at", when(a, e->updated));
	nb_json_set(u, "display_at", when(a, e->time));
	nb_json_set(u, "affected_components", json_null());
	nb_json_set(u, "deliver_notifications", json_true());
	nb_json_set(u, "custom_tweet", json_null());
	nb_json_set(u, "tweet_id", json_null());
	nb_buf_release(&title);
	nb_buf_release(&html);
	nb_buf_release(&plain);
	return u;
}

static json_t *incident_updates(const struct api *a, const struct nb_item *it,
				const char *incident)
{
	size_t *order = nb_calloc(it->event_count + 1, sizeof(*order)), i;
	json_t *list = json_array();

	for (i = 0; i < it->event_count; i++)
		order[i] = it->first_event + i;
	nb_sort_r(order, it->event_count, sizeof(*order), nb_model_event_newer, (void *)a->m);
	for (i = 0; i < it->event_count; i++)
		json_array_append_new(list, incident_update(a, it, &a->m->events[order[i]], incident));
	free(order);
	return list;
}

static const char *impact(const struct nb_notice *n)
{
	if (n->kind == NB_MAINTENANCE)
		return "maintenance";
	switch (n->severity) {
	case NB_MINOR: return "minor";
	case NB_MAJOR: return "major";
	case NB_CRITICAL: return "critical";
	default: return "none";
	}
}

/* The components a notice names, in site.yaml order. */
static json_t *affected(struct api *a, const struct nb_notice *n)
{
	json_t *list = json_array();
	size_t s, i;

	for (s = 0; s < a->m->server_count; s++)
		for (i = 0; i < n->server_count; i++)
			if (strcmp(n->servers[i], a->m->servers[s].server->id) == 0) {
				json_array_append_new(list, component_ref(a, s));
				break;
			}
	return list;
}

static json_t *incident(struct api *a, const struct nb_item *it)
{
	const struct nb_notice *n = it->notice;
	int mnt = n->kind == NB_MAINTENANCE;
	struct nb_buf link = NB_BUF_INIT;
	json_t *o = json_object();
	char id[NB_JSON_ID];

	notice_id(id, a, n);
	nb_buf_printf(&link, "%s%s", a->site->base_url, it->url);
	nb_json_set(o, "id", str(id));
	nb_json_set(o, "name", str(n->title));
	nb_json_set(o, "status", str(status_name(n->status)));
	nb_json_set(o, "created_at", when(a, n->published));
	nb_json_set(o, "updated_at", when(a, it->updated));
	nb_json_set(o, "monitoring_at", when(a, monitoring_at(n)));
	nb_json_set(o, "resolved_at", when(a, it->resolved));
	nb_json_set(o, "impact", str(impact(n)));
	nb_json_set(o, "shortlink", str(link.ptr));
	nb_json_set(o, "started_at", when(a, n->published));
	nb_json_set(o, "page_id", str(a->page_id));
	nb_json_set(o, "incident_updates", incident_updates(a, it, id));
	nb_json_set(o, "components", affected(a, n));
	if (mnt) {
		/* a maintenance with no window: from its publication to its end */
		nb_json_set(o, "scheduled_for", when(a, n->has_window ? n->window_start :
							   n->published));
		nb_json_set(o, "scheduled_until", when(a, n->has_window ? n->window_end :
							     it->resolved));
	}
	nb_buf_release(&link);
	return o;
}

static int picked(const struct nb_notice *n, enum pick pick)
{
	switch (pick) {
	case PICK_INCIDENTS: return n->kind == NB_INCIDENT;
	case PICK_UNRESOLVED: return n->kind == NB_INCIDENT && nb_notice_status_is_open(n->status);
	case PICK_MAINTENANCE: return n->kind == NB_MAINTENANCE;
	case PICK_UPCOMING: return n->kind == NB_MAINTENANCE && n->status == NB_SCHEDULED;
	case PICK_ACTIVE: return n->kind == NB_MAINTENANCE && n->status == NB_IN_PROGRESS;
	}
	return 0;
}

/* The notices pick takes, newest published first; the full lists only
 * the most recent. */
static json_t *incidents(struct api *a, enum pick pick)
{
	size_t limit = pick == PICK_INCIDENTS || pick == PICK_MAINTENANCE ? API_RECENT : SIZE_MAX;
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < a->m->count && json_array_size(list) < limit; i++)
		if (picked(a->m->items[i].notice, pick))
			json_array_append_new(list, incident(a, &a->m->items[i]));
	return list;
}

/* ---- cState's index.json ---- */

/* cState's word for a state: its systems are "down", "disrupted", "notice"
 * (maintenance, as its informational notices) or "ok". */
static const char *cstate_status(enum nb_state st)
{
	switch (st) {
	case NB_OUTAGE: return "down";
	case NB_DEGRADED: return "disrupted";
	case NB_STATE_MAINTENANCE: return "notice";
	default: return "ok";
	}
}

/* A time as cState writes one (Go's time.Time.String(), in the site's
 * zone): "2010-10-16 01:24:00 -0400 EDT". */
static json_t *cstate_time(const struct api *a, int64_t t)
{
	char out[64];

	nb_tz_format(out, sizeof(out), "%Y-%m-%d %H:%M:%S %z %Z", a->zone, t);
	return str(out);
}

static json_t *cstate_issue(const struct api *a, const struct nb_item *it)
{
	const struct nb_notice *n = it->notice;
	const char *base = strrchr(n->path, '/');
	struct nb_buf link = NB_BUF_INIT;
	json_t *o = json_object(), *names = json_array();
	size_t i;

	for (i = 0; i < n->server_count; i++) {
		const struct nb_server *sv = nb_site_server(a->site, n->servers[i]);

		json_array_append_new(names, str(sv ? sv->name : n->servers[i]));
	}
	nb_buf_printf(&link, "%s%s", a->site->base_url, it->url);
	nb_json_set(o, "is", str("issue"));
	nb_json_set(o, "title", str(n->title));
	nb_json_set(o, "createdAt", cstate_time(a, n->published));
	nb_json_set(o, "lastMod", cstate_time(a, it->updated));
	nb_json_set(o, "permalink", str(link.ptr));
	nb_json_set(o, "severity", str(n->kind == NB_MAINTENANCE ? "notice" :
				       n->severity >= NB_MAJOR ? "down" : "disrupted"));
	nb_json_set(o, "resolved", json_false());
	nb_json_set(o, "informational", json_boolean(n->kind == NB_MAINTENANCE));
	/* what cState writes for an issue not yet resolved */
	nb_json_set(o, "resolvedAt", str("<no value>"));
	nb_json_set(o, "affected", names);
	nb_json_set(o, "filename", str(base ? base + 1 : n->path));
	nb_buf_release(&link);
	return o;
}

/* The category a server is listed under: its group's name (a group's own
 * for a group), or none. */
static const char *category_of(const struct api *a, const struct nb_server_view *sv)
{
	const struct nb_server *g = sv->server->group ?
				    nb_site_server(a->site, sv->server->group) : NULL;

	if (g)
		return g->name;
	return sv->member_count ? sv->server->name : NULL;
}

static json_t *cstate_category(const char *name, const char *description, int hide)
{
	json_t *c = json_object();

	nb_json_set(c, "name", str(name));
	if (description)
		nb_json_set(c, "description", str(description));
	nb_json_set(c, "hideTitle", json_boolean(hide));
	nb_json_set(c, "closedByDefault", json_false());
	return c;
}

/* Groups as categories, in site.yaml order, then the servers in none. */
#define CSTATE_NO_CATEGORY "Uncategorized"

static json_t *cstate_index(struct api *a)
{
	const struct nb_model *m = a->m;
	json_t *d = json_object(), *cats = json_array(), *systems = json_array();
	struct nb_buf url = NB_BUF_INIT;
	size_t s, i;
	int loose = 0;

	site_url(&url, a);
	for (s = 0; s < m->server_count; s++) {
		const struct nb_server_view *sv = &m->servers[s];
		const char *cat = category_of(a, sv);
		json_t *sys = json_object(), *issues = json_array();

		if (sv->member_count)
			json_array_append_new(cats, cstate_category(sv->server->name,
								     sv->server->description, 0));
		loose |= !cat;
		for (i = 0; i < sv->count; i++)
			if (nb_notice_status_is_open(m->items[sv->items[i]].notice->status))
				json_array_append_new(issues, cstate_issue(a, &m->items[sv->items[i]]));
		nb_json_set(sys, "name", str(sv->server->name));
		if (sv->server->description)
			nb_json_set(sys, "description", str(sv->server->description));
		nb_json_set(sys, "category", str(cat ? cat : CSTATE_NO_CATEGORY));
		nb_json_set(sys, "status", str(cstate_status(sv->state)));
		nb_json_set(sys, "unresolvedIssues", issues);
		json_array_append_new(systems, sys);
	}
	if (loose)
		json_array_append_new(cats, cstate_category(CSTATE_NO_CATEGORY, NULL, 1));
	nb_json_set(d, "is", str("index"));
	nb_json_set(d, "cStateVersion", str(CSTATE_VERSION));
	nb_json_set(d, "apiVersion", str("2.0"));
	nb_json_set(d, "title", str(a->site->title));
	nb_json_set(d, "languageCodeHTML", str("en"));
	nb_json_set(d, "languageCode", str("en"));
	nb_json_set(d, "baseURL", str(url.ptr));
	nb_json_set(d, "description", str(a->site->title));
	nb_json_set(d, "summaryStatus", str(cstate_status(m->state)));
	nb_json_set(d, "categories", cats);
	nb_json_set(d, "pinnedIssues", json_array());
	nb_json_set(d, "systems", systems);
	nb_buf_release(&url);
	return d;
}

/* ---- the files ---- */

/* Keys in the order Statuspage's pages serve them. */
static json_t *document(struct api *a, const char *file)
{
	json_t *d;

	if (strcmp(file, "index.json") == 0)
		return cstate_index(a);
	d = json_object();
	nb_json_set(d, "page", page(a));
	if (strcmp(file, "summary.json") == 0) {
		json_t *mnt = incidents(a, PICK_ACTIVE), *upcoming = incidents(a, PICK_UPCOMING);

		json_array_extend(mnt, upcoming);
		json_decref(upcoming);
		nb_json_set(d, "components", components(a));
		nb_json_set(d, "incidents", incidents(a, PICK_UNRESOLVED));
		nb_json_set(d, "scheduled_maintenances", mnt);
		nb_json_set(d, "status", status(a));
	} else if (strcmp(file, "status.json") == 0) {
		nb_json_set(d, "status", status(a));
	} else if (strcmp(file, "components.json") == 0) {
		nb_json_set(d, "components", components(a));
	} else if (strcmp(file, "incidents.json") == 0) {
		nb_json_set(d, "incidents", incidents(a, PICK_INCIDENTS));
	} else if (strcmp(file, "incidents/unresolved.json") == 0) {
		nb_json_set(d, "incidents", incidents(a, PICK_UNRESOLVED));
	} else if (strcmp(file, "scheduled-maintenances.json") == 0) {
		nb_json_set(d, "scheduled_maintenances", incidents(a, PICK_MAINTENANCE));
	} else if (strcmp(file, "scheduled-maintenances/upcoming.json") == 0) {
		nb_json_set(d, "scheduled_maintenances", incidents(a, PICK_UPCOMING));
	} else {
		nb_json_set(d, "scheduled_maintenances", incidents(a, PICK_ACTIVE));
	}
	return d;
}

/*
 * What the files show, as a key: every notice (its digest covers its
 * text, dates, address and state), the time a server with no notice takes,
 * with the theme, program and site.yaml (the shape).
 */
static uint64_t api_key(const struct nb_model *m)
{
	uint64_t h = nb_hash_add_str(nb_hash_add64(NB_HASH_START, m->shape), "api");
	size_t i;

	for (i = 0; i < m->count; i++)
		h = nb_hash_add64(h, m->items[i].digest);
	h = nb_hash_add64(h, m->count);
	h = nb_hash_add64(h, (uint64_t)m->content->site_changed);
	return nb_hash_add64(h, (uint64_t)(m->count ? 0 : m->content->commit_time));
}

/* The files with the list of components show their availability too. */
static int shows_availability(const char *rel)
{
	return nb_ends_with(rel, "/summary.json") || nb_ends_with(rel, "/components.json");
}

static int write_file(struct api *a, const char *rel, struct nb_publish *pub,
		      struct nb_diags *diags)
{
	uint64_t h = a->key;
	uint64_t key;
	size_t i;

	for (i = 0; shows_availability(rel) && a->m->avail && i < a->m->server_count; i++)
		h = nb_hash_add64(h, a->m->avail[i].digest);
	key = nb_hash_end(nb_hash_add_str(h, rel));

	if (nb_publish_reuse(pub, rel, key))
		return 0;
	return nb_json_write(pub, rel, document(a, strncmp(rel, API_DIR, strlen(API_DIR)) == 0 ?
						   rel + strlen(API_DIR) : rel),
			     key, diags);
}

int nb_api_write_all(const struct nb_model *m, struct nb_publish *pub, struct nb_diags *diags)
{
	struct api a;
	struct nb_buf b = NB_BUF_INIT;
	size_t s;
	int rc = 0;
	const char *const *f;

	memset(&a, 0, sizeof(a));
	a.m = m;
	a.site = &m->content->site;
	a.zone = a.site->timezone ? a.site->timezone : "UTC";
	a.key = api_key(m);
	feed_id_of(&b, &a, "");
	nb_json_id(a.page_id, b.ptr);
	a.server_ids = nb_calloc(m->server_count + 1, sizeof(*a.server_ids));
	a.components = nb_calloc(m->server_count + 1, sizeof(*a.components));
	for (s = 0; s < m->server_count; s++) {
		nb_buf_truncate(&b, 0);
		feed_id_of(&b, &a, m->servers[s].url);
		nb_json_id(a.server_ids[s], b.ptr);
	}
	for (f = nb_api_files; *f && rc == 0; f++)
		rc = write_file(&a, *f, pub, diags);
	for (s = 0; s < m->server_count; s++)
		json_decref(a.components[s]);
	free(a.components);
	free(a.server_ids);
	nb_buf_release(&b);
	return rc;
}
