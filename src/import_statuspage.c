/* import from Statuspage: the public API's JSON (summary.json,
 * components.json, incidents.json, scheduled-maintenances.json), through
 * jansson (doc/import.md says what becomes what). */
#include "import.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "scaffold.h"
#include "util.h"

#define GENERAL "general"
#define MAX_FILE (64u << 20)

struct sp {
	struct nb_import *imp;
	json_t *components;        /* id -> component, from every file */
	json_t *incidents;         /* id -> [incident, file, maintenance], the fullest copy */
	json_t *order;             /* incident ids, in the order first seen */
};

static const char *str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Reports what was done with incident ref (NULL: the file) of file. */
static void note(struct sp *sp, const char *file, const char *ref, const char *hint,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void note(struct sp *sp, const char *file, const char *ref, const char *hint,
		 const char *fmt, ...)
{
	struct nb_buf what = NB_BUF_INIT;
	va_list ap;

	if (ref)
		nb_buf_printf(&what, "incident %s: ", ref);
	va_start(ap, fmt);
	nb_buf_vprintf(&what, fmt, ap);
	va_end(ap);
	nb_diags_add(&sp->imp->notes, file, 0, hint, "%s", what.ptr);
	nb_buf_release(&what);
}

static void take_components(struct sp *sp, const json_t *list)
{
	size_t i;
	json_t *c;

	json_array_foreach(list, i, c) {
		const char *id = str(c, "id");

		if (id && str(c, "name") && !json_object_get(sp->components, id))
			json_object_set(sp->components, id, c);
	}
}

static void take_incidents(struct sp *sp, const json_t *list, const char *file, int maintenance)
{
	size_t i;
	json_t *inc;

	json_array_foreach(list, i, inc) {
		const char *id = str(inc, "id");
		json_t *had, *ups = json_object_get(inc, "incident_updates");

		if (!id || !str(inc, "name")) {
			nb_diags_add(&sp->imp->notes, file, 0, "the rest is imported",
				     "item %zu has no id or name: not imported", i);
			sp->imp->failed = 1;
			continue;
		}
		take_components(sp, json_object_get(inc, "components"));
		had = json_object_get(sp->incidents, id);
		if (had && json_array_size(json_object_get(json_array_get(had, 0), "incident_updates")) >=
				   json_array_size(ups))
			continue;
		if (!had)
			json_array_append_new(sp->order, json_string(id));
		json_object_set_new(sp->incidents, id,
				    json_pack("[O s b]", inc, file, maintenance ||
					      json_object_get(inc, "scheduled_for") != NULL));
	}
}

static int read_json(struct sp *sp, const char *file, const char *text, size_t len,
		     struct nb_diags *diags)
{
	json_error_t err;
	json_t *root;
	int used = 0;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (!root || !json_is_object(root)) {
		nb_diags_add(diags, file, root ? 1 : err.line, "give the JSON a Statuspage page's API returns",
			     "%s", root ? "not a JSON object" : err.text);
		json_decref(root);
		return -1;
	}
	if (!sp->imp->author && str(json_object_get(root, "page"), "name"))
		sp->imp->author = nb_strdup(str(json_object_get(root, "page"), "name"));
	if (!sp->imp->email && str(json_object_get(root, "page"), "url"))
		nb_import_set_email(sp->imp, str(json_object_get(root, "page"), "url"));
	if (json_is_array(json_object_get(root, "components"))) {
		take_components(sp, json_object_get(root, "components"));
		used = 1;
	}
	if (json_is_array(json_object_get(root, "incidents"))) {
		take_incidents(sp, json_object_get(root, "incidents"), file, 0);
		used = 1;
	}
	if (json_is_array(json_object_get(root, "scheduled_maintenances"))) {
		take_incidents(sp, json_object_get(root, "scheduled_maintenances"), file, 1);
		used = 1;
	}
	json_decref(root);
	if (!used)
		return nb_diags_add(diags, file, 0,
				    "give summary.json, components.json, incidents.json or scheduled-maintenances.json",
				    "holds no components, incidents or scheduled_maintenances");
	return 0;
}

static int read_file(struct sp *sp, const char *file, struct nb_diags *diags)
{
	struct nb_buf text = NB_BUF_INIT;
	int rc;

	if (nb_buf_read_file(&text, file, MAX_FILE) < 0)
		rc = nb_diags_add(diags, file, 0, "give the JSON a Statuspage page's API returns",
				  "cannot read it");
	else
		rc = read_json(sp, file, text.ptr, text.len, diags);
	nb_buf_release(&text);
	return rc;
}

/* The server of a component id (and its group's), or NULL. */
static const char *server_of(struct sp *sp, const char *cid)
{
	const json_t *c = json_object_get(sp->components, cid), *g;
	const char *group = NULL, *gid;

	if (!c)
		return NULL;
	gid = str(c, "group_id");
	g = gid ? json_object_get(sp->components, gid) : NULL;
	if (g)
		group = nb_import_add_server(sp->imp, NULL, str(g, "name"), str(g, "description"), NULL);
	return nb_import_add_server(sp->imp, NULL, str(c, "name"), str(c, "description"), group);
}

/* The server of an affected component no list names: its name, which is
 * "Group - Component" for a member of a group. */
static const char *server_named(struct sp *sp, const char *name)
{
	const char *dash = strstr(name, " - ");
	const char *group = NULL;
	char *g;

	if (!dash || !dash[3])
		return nb_import_add_server(sp->imp, NULL, name, NULL, NULL);
	g = nb_strndup(name, (size_t)(dash - name));
	group = nb_import_add_server(sp->imp, NULL, g, NULL, NULL);
	free(g);
	return nb_import_add_server(sp->imp, NULL, dash + 3, NULL, group);
}

/* nocblog's status for a Statuspage one, for an incident or a
 * maintenance; NULL when the kind has none such. */
static const char *status_of(const char *s, int maintenance)
{
	static const struct {
		const char *statuspage, *incident, *maintenance;
	} map[] = {
		{ "investigating", "investigating", NULL },
		{ "identified", "identified", NULL },
		{ "monitoring", "monitoring", NULL },
		{ "resolved", "resolved", "completed" },
		{ "postmortem", "resolved", "completed" },
		{ "scheduled", NULL, "scheduled" },
		{ "in_progress", NULL, "in-progress" },
		{ "verifying", NULL, "in-progress" },
		{ "completed", NULL, "completed" },
	};
	size_t i;

	for (i = 0; s && i < sizeof(map) / sizeof(*map); i++)
		if (strcmp(s, map[i].statuspage) == 0)
			return maintenance ? map[i].maintenance : map[i].incident;
	return NULL;
}

/* An incident's severity for its impact (none: NULL). */
static const char *severity_of(const char *impact)
{
	static const char *const severities[] = { "minor", "major", "critical" };
	size_t i;

	for (i = 0; impact && i < 3; i++)
		if (strcmp(impact, severities[i]) == 0)
			return severities[i];
	return NULL;
}

struct upd {
	struct nb_import_time when;
	size_t seq;                   /* oldest first, for equal times */
	const json_t *u;
};

static int update_order(const void *a, const void *b)
{
	const struct upd *x = a, *y = b;

	if (x->when.at != y->when.at)
		return (x->when.at > y->when.at) - (x->when.at < y->when.at);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int read_time(struct nb_import_time *t, const json_t *obj, const char *key)
{
	const char *s = str(obj, key);

	return s && nb_import_parse_time(t, s, "UTC") == 0 ? 0 : -1;
}

/* An incident's updates that have a time, oldest first (equal times in
 * the reverse of the API's newest-first order); *count of them. */
static struct upd *updates_of(struct sp *sp, const json_t *inc, const char *file,
			      const char *id, size_t *count)
{
	const json_t *ups = json_object_get(inc, "incident_updates"), *u;
	size_t n = json_array_size(ups), i;
	struct upd *list = nb_calloc(n ? n : 1, sizeof(*list));

	*count = 0;
	json_array_foreach(ups, i, u) {
		struct upd *x = &list[*count];

		if (read_time(&x->when, u, "display_at") < 0 &&
		    read_time(&x->when, u, "created_at") < 0) {
			note(sp, file, id, "the update is left out", "update %s has no time it can read",
			     str(u, "id") ? str(u, "id") : "?");
			continue;
		}
		x->seq = n - i;
		x->u = u;
		(*count)++;
	}
	nb_sort(list, *count, sizeof(*list), update_order);
	return list;
}

/* The servers of an incident: its components, else those its updates
 * name, else the server for none. */
static void incident_servers(struct sp *sp, struct nb_import_notice *n, const json_t *inc,
		       const struct upd *list, size_t count)
{
	const json_t *c, *a;
	size_t i, j;

	json_array_foreach(json_object_get(inc, "components"), i, c) {
		const char *sid = str(c, "id") ? server_of(sp, str(c, "id")) : NULL;

		if (sid)
			nb_import_notice_server(n, sid);
	}
	for (i = 0; !n->server_count && i < count; i++)
		json_array_foreach(json_object_get(list[i].u, "affected_components"), j, a) {
			const char *sid = str(a, "code") ? server_of(sp, str(a, "code")) : NULL;

			if (!sid && str(a, "name") && *str(a, "name"))
				sid = server_named(sp, str(a, "name"));
			if (sid)
				nb_import_notice_server(n, sid);
		}
	if (!n->server_count) {
		note(sp, n->source, n->ref, NULL,
		     "names no component: filed under the server '" GENERAL "'");
		nb_import_notice_server(n, nb_import_add_server(sp->imp, GENERAL, "General", NULL, NULL));
	}
}

static void make_notice(struct sp *sp, const char *id, const json_t *entry)
{
	const json_t *inc = json_array_get(entry, 0);
	const char *file = json_string_value(json_array_get(entry, 1));
	int maintenance = json_is_true(json_array_get(entry, 2));
	struct nb_import_notice *n;
	struct upd *list;
	struct nb_import_time created, end;
	struct nb_buf path = NB_BUF_INIT;
	const char *status, *final;
	size_t count, i;

	if (read_time(&created, inc, "created_at") < 0) {
		note(sp, file, id, "the rest is imported", "created_at cannot be read: not imported");
		sp->imp->failed = 1;
		return;
	}
	list = updates_of(sp, inc, file, id, &count);
	n = nb_import_add_notice(sp->imp);
	n->source = nb_strdup(file);
	n->ref = nb_strdup(id);
	n->title = nb_strdup(str(inc, "name"));
	n->maintenance = maintenance;
	if (!maintenance)
		n->severity = severity_of(str(inc, "impact"));
	if (maintenance) {
		if (read_time(&n->window_start, inc, "scheduled_for") == 0 &&
		    read_time(&n->window_end, inc, "scheduled_until") == 0 &&
		    n->window_end.at > n->window_start.at)
			n->has_window = 1;
		else
			note(sp, file, id, "the notice has no window",
			     "scheduled_for/scheduled_until cannot be read, or make no time span");
	}
	incident_servers(sp, n, inc, list, count);
	final = status_of(str(inc, "status"), maintenance);
	if (!final) {
		note(sp, file, id, NULL, "status '%s' is not one of its kind's: imported as resolved",
		     str(inc, "status") ? str(inc, "status") : "");
		final = maintenance ? "completed" : "resolved";
	}
	/* the oldest update opens it; with none, it opens empty, as it ends */
	if (count) {
		status = status_of(str(list[0].u, "status"), maintenance);
		n->opened = list[0].when;
		n->status = nb_strdup(status ? status : maintenance ? "scheduled" : "investigating");
		n->body = nb_strdup(str(list[0].u, "body") ? str(list[0].u, "body") : "");
	} else {
		n->opened = created;
		n->status = nb_strdup(final);
		n->body = nb_strdup("");
	}
	for (i = 1; i < count; i++) {
		const char *body = str(list[i].u, "body");

		status = status_of(str(list[i].u, "status"), maintenance);
		if (!status && str(list[i].u, "status"))
			note(sp, file, id, "the update keeps the status before it",
			     "update status '%s' is unknown", str(list[i].u, "status"));
		nb_import_add_event(n, list[i].when, status, body ? body : "");
	}
	/* an end its updates do not say: at resolved_at, else updated_at */
	if (count && strcmp(nb_import_status(n), final) != 0) {
		struct nb_import_time last = n->event_count ? n->events[n->event_count - 1].when
							    : n->opened;

		if ((strcmp(final, "resolved") != 0 || read_time(&end, inc, "resolved_at") < 0) &&
		    read_time(&end, inc, "updated_at") < 0)
			end = last;
		nb_import_add_event(n, end.at < last.at ? last : end, final, NULL);
	}
	if (str(inc, "postmortem_body") && *str(inc, "postmortem_body"))
		note(sp, file, id, NULL, "postmortem_body has no place in a nocblog notice: left out");
	nb_buf_printf(&path, "content/%04d/", nb_import_year(n->opened));
	nb_scaffold_slug(&path, n->title);
	if (path.ptr[path.len - 1] != '/')
		nb_buf_putc(&path, '-');
	nb_scaffold_slug(&path, id);
	nb_buf_puts(&path, ".md");
	n->path = nb_buf_detach(&path);
	free(list);
}

/* Reads files (or, with text, the one JSON document text of len bytes,
 * named files[0]), then makes the servers and notices. */
static int import(struct nb_import *imp, char *const *files, size_t count, const char *text,
		  size_t len, struct nb_diags *diags)
{
	struct sp sp;
	const char *key;
	json_t *c, *id;
	size_t i;
	int rc = 0;

	memset(&sp, 0, sizeof(sp));
	sp.imp = imp;
	imp->from = "Statuspage";
	sp.components = json_object();
	sp.incidents = json_object();
	sp.order = json_array();
	/* a file that cannot be read is reported; the others are imported */
	rc = -1;
	for (i = 0; i < count; i++)
		if ((text ? read_json(&sp, files[i], text, len, diags)
			  : read_file(&sp, files[i], diags)) < 0)
			imp->failed = 1;
		else
			rc = 0;
	if (rc == 0) {
		if (!imp->author)
			imp->author = nb_strdup("Statuspage");
		/* every component, groups with their members, in the order given */
		json_object_foreach(sp.components, key, c)
			if (!json_is_true(json_object_get(c, "group")))
				server_of(&sp, key);
			else
				nb_import_add_server(imp, NULL, str(c, "name"), str(c, "description"), NULL);
		json_array_foreach(sp.order, i, id)
			make_notice(&sp, json_string_value(id),
				    json_object_get(sp.incidents, json_string_value(id)));
	}
	json_decref(sp.components);
	json_decref(sp.incidents);
	json_decref(sp.order);
	return rc;
}

int nb_import_statuspage(struct nb_import *imp, char *const *files, size_t count,
			 struct nb_diags *diags)
{
	return import(imp, files, count, NULL, 0, diags);
}

int nb_import_statuspage_json(struct nb_import *imp, const char *name, const char *text,
			      size_t len, struct nb_diags *diags)
{
	char *files[1] = { (char *)name };

	return import(imp, files, 1, text, len, diags);
}
