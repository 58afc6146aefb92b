#include "render.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "avail.h"
#include "buf.h"
#include "content.h"
#include "diag.h"
#include "map.h"
#include "model.h"
#include "notice.h"
#include "publish.h"
#include "site.h"
#include "store.h"
#include "tmpl.h"
#include "tz.h"
#include "util.h"
#include "xml.h"

#define NB_THEME_FILE_MAX (8u << 20)

struct ctx {
	const struct nb_model *m;
	const struct nb_site *site;
	const char *zone;
	const char *theme_dir;
	struct nb_publish *pub;
	struct nb_diags *diags;
	nb_progress_fn progress;
	void *payload;
	size_t done, total;
	struct nb_tmpl_set *templates;
	struct nb_tmpl_arena *arena;  /* the data of the page being made */
	struct nb_tmpl_arena *keep;   /* data shared by many pages */
	struct nb_tmpl_memo memo;     /* the model's fragments, for cards */
};

/* ---- the fields pages have ---- */

/*
 * Every key of every page's data, sorted.  A theme naming another is
 * refused (a misspelt {{titel}} would render as nothing), and every key
 * the data below sets must be here (checked as it is set).
 */
static const char *const fields[] = {
	"anchor", "anchor_href", "as_of", "author", "availability", "badge", "badge_endpoint",
	"base_url", "body", "by", "canonical", "count", "current", "days", "degraded",
	"description", "duration", "edited", "end", "feeds", "first_page", "group", "h",
	"has_latest", "has_members", "has_notices", "has_open", "has_strips", "has_updates", "href",
	"id", "incidents", "iso", "kind", "kind_label", "label", "last_update", "latest",
	"latest_box", "linked", "maintenance", "member", "members", "name", "nav_archive",
	"nav_home", "nav_servers", "newer", "notice", "notices", "older", "one",
	"one_update", "open", "outage", "overall", "overall_label", "overall_text", "overdue",
	"page_count", "page_number", "page_title", "pager", "percent", "period", "planned",
	"published", "resolved",
	"resolved_label", "root", "server", "servers", "severity", "severity_label",
	"site", "start", "state", "state_label", "status", "status_label", "status_since",
	"strip", "summary", "target", "text", "time", "timezone", "title", "ttr", "type",
	"update_count", "updated", "updates", "url", "window", "x", "y", "year", "years",
};

static int known_field(const char *name, size_t len)
{
	char key[64];

	if (len >= sizeof(key))
		return 0;
	memcpy(key, name, len);
	key[len] = '\0';
	{
		const char *k = key;

		return bsearch(&k, fields, NB_ARRAY_LEN(fields), sizeof(*fields), nb_str_order) != NULL;
	}
}

/* key, once it is known to be in fields[]. */
static const char *field(const char *key)
{
	assert(known_field(key, strlen(key)));
	return key;
}

/* ---- data for the templates, in the page's arena ---- */

static struct nb_tmpl_value *d_map(struct ctx *x)
{
	return nb_tmpl_map_new(x->arena);
}

static struct nb_tmpl_value *d_list(struct ctx *x)
{
	return nb_tmpl_list_new(x->arena);
}

static void d_set(struct nb_tmpl_value *map, const char *key, struct nb_tmpl_value *v)
{
	nb_tmpl_map_set(map, field(key), v);
}

/* Sets a string; a NULL one sets null, which hides the key of an outer
 * context (a card without an author must not show the page's). */
static void d_str(struct nb_tmpl_value *map, const char *key, const char *s)
{
	nb_tmpl_map_set_str(map, field(key), s);
}

static void d_null(struct ctx *x, struct nb_tmpl_value *map, const char *key)
{
	nb_tmpl_map_set(map, field(key), nb_tmpl_null(x->arena));
}

#define d_strf(map, key, ...) nb_tmpl_map_set_strf(map, field(key), __VA_ARGS__)
#define d_bool(map, key, on) nb_tmpl_map_set_bool(map, field(key), on)
#define d_push nb_tmpl_list_push

/* ---- formatting ---- */

/* {iso: 2010-10-10T06:47:00-04:00, text: Sun 10 Oct 2010, 06:47 EDT} */
static struct nb_tmpl_value *d_time(struct ctx *x, int64_t t)
{
	struct nb_tmpl_value *v = d_map(x);
	char iso[40], text[64];
	size_t n;

	n = nb_tz_format(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S%z", x->zone, t);
	if (n >= 5) {
		/* -0400 -> -04:00 */
		memmove(iso + n - 1, iso + n - 2, 3);
		iso[n - 2] = ':';
	}
	nb_tz_format(text, sizeof(text), "%a %-d %b %Y, %H:%M %Z", x->zone, t);
	d_str(v, "iso", iso);
	d_str(v, "text", text);
	return v;
}


/* ---- notices ---- */

static struct nb_tmpl_value *d_server_link(struct ctx *x, const struct nb_server *sv,
					   const char *root)
{
	struct nb_tmpl_value *v = d_map(x);

	d_str(v, "id", sv->id);
	d_str(v, "name", sv->name);
	{
		struct nb_buf url = NB_BUF_INIT;

		nb_model_server_url(&url, sv->id);
		d_strf(v, "href", "%s%s", root, url.ptr);
		nb_buf_release(&url);
	}
	return v;
}

static struct nb_tmpl_value *d_servers_of(struct ctx *x, const struct nb_notice *n,
					  const char *root)
{
	struct nb_tmpl_value *list = d_list(x);
	size_t i;

	for (i = 0; i < n->server_count; i++) {
		const struct nb_server *sv = nb_site_server(x->site, n->servers[i]);

		if (sv)
			d_push(list, d_server_link(x, sv, root));
	}
	return list;
}

/* What a card and a notice page both show, into v. */
static void d_notice_fields(struct ctx *x, const struct nb_item *it, const char *root,
			    struct nb_tmpl_value *v)
{
	const struct nb_notice *n = it->notice;

	d_str(v, "title", n->title);
	d_strf(v, "href", "%s%s", root, it->url);
	d_strf(v, "url", "%s%s", x->site->base_url, it->url);
	d_str(v, "kind", nb_notice_kind_name(n->kind));
	d_str(v, "kind_label", nb_notice_kind_label(n->kind));
	d_str(v, "status", nb_notice_status_name(n->status));
	d_str(v, "status_label", nb_notice_status_label(n->status));
	d_bool(v, "open", nb_notice_status_is_open(n->status));
	if (n->severity != NB_SEVERITY_NONE) {
		d_str(v, "severity", nb_notice_severity_name(n->severity));
		d_str(v, "severity_label", nb_notice_severity_label(n->severity));
	} else {
		d_null(x, v, "severity");
	}
	d_set(v, "servers", d_servers_of(x, n, root));
	d_bool(v, "overdue", it->overdue);
	if (it->window_text) {
		struct nb_tmpl_value *w = d_map(x);

		d_str(w, "text", it->window_text);
		d_set(w, "start", d_time(x, n->window_start));
		d_set(w, "end", d_time(x, n->window_end));
		d_set(v, "window", w);
	} else {
		d_null(x, v, "window");
	}
	d_set(v, "published", d_time(x, n->published));
	d_set(v, "updated", d_time(x, it->updated));
	if (n->update_count)
		d_strf(v, "update_count", "%zu", n->update_count);
	else
		d_null(x, v, "update_count");
	d_bool(v, "one_update", n->update_count == 1);
}

static struct nb_tmpl_value *d_notice_common(struct ctx *x, const struct nb_item *it,
					     const char *root)
{
	struct nb_tmpl_value *v = d_map(x);

	d_notice_fields(x, it, root, v);
	return v;
}

/* A card's fields, made only when the card is rendered (not when the
 * fragments have it). */
static void fill_card(struct nb_tmpl_value *v, void *ud, const void *item, const void *root)
{
	struct ctx *x = ud;
	const struct nb_item *it = item;
	const struct nb_notice *n = it->notice;

	d_notice_fields(x, it, root, v);
	if (n->update_count) {
		const struct nb_update *u = &n->updates[n->update_count - 1];
		struct nb_tmpl_value *latest = d_map(x);

		d_set(latest, "time", d_time(x, u->time));
		d_str(latest, "summary", nb_model_card_summary(x->m, it));
		d_set(v, "last_update", latest);
	} else {
		d_null(x, v, "last_update");
	}
}

static struct nb_tmpl_value *d_card(struct ctx *x, const struct nb_item *it, const char *root)
{
	struct nb_tmpl_value *v = d_map(x);

	/* all a card shows: the notice's item, where the page is, the shape */
	if (x->memo.ud) {
		uint64_t tag = nb_model_item_tag(x->m, it);

		nb_tmpl_map_set_memo(v, nb_hash_end(nb_hash_add_str(
			nb_hash_add_str(nb_hash_add64(NB_HASH_START, tag), "card"), root)), tag);
		nb_tmpl_map_set_fill(v, fill_card, x, it, root);
	} else {
		fill_card(v, x, it, root);
	}
	return v;
}

static struct nb_tmpl_value *d_cards(struct ctx *x, const size_t *items, size_t count,
				     const char *root)
{
	struct nb_tmpl_value *list = d_list(x);
	size_t i;

	for (i = 0; i < count; i++)
		d_push(list, d_card(x, &x->m->items[items ? items[i] : i], root));
	return list;
}

static struct nb_tmpl_value *d_edit(struct ctx *x, int64_t when, const char *by)
{
	struct nb_tmpl_value *v = d_time(x, when);

	d_str(v, "by", by);
	return v;
}

/* One update of the thread; its link is page (the notice's address, or
 * "" on the notice's own page) and its anchor. */
static struct nb_tmpl_value *d_update(struct ctx *x, const struct nb_item *it, size_t i,
				      const char *page)
{
	const struct nb_update *u = &it->notice->updates[i];
	struct nb_tmpl_value *uv = d_map(x);

	d_strf(uv, "anchor", "update-%zu", i + 1);
	d_strf(uv, "anchor_href", "%s#update-%zu", page, i + 1);
	d_set(uv, "time", d_time(x, u->time));
	d_str(uv, "author", u->author);
	if (u->edited)
		d_set(uv, "edited", d_edit(x, u->edited, u->edited_by));
	else
		d_null(x, uv, "edited");
	d_str(uv, "body", it->update_html[i]);
	return uv;
}

static struct nb_tmpl_value *d_notice(struct ctx *x, const struct nb_item *it,
				      const char *root)
{
	const struct nb_notice *n = it->notice;
	struct nb_tmpl_value *v = d_notice_common(x, it, root), *updates = d_list(x);
	size_t i;

	nb_model_text(x->m, it);
	d_str(v, "body", it->body_html);
	d_str(v, "author", n->author);
	d_null(x, v, "status_since");
	d_null(x, v, "edited");
	d_null(x, v, "resolved");
	d_null(x, v, "latest_box");
	if (it->status_since)
		d_set(v, "status_since", d_time(x, it->status_since));
	if (n->edited)
		d_set(v, "edited", d_edit(x, n->edited, n->edited_by));
	if (it->resolved && n->kind == NB_INCIDENT && it->resolved >= n->published) {
		struct nb_tmpl_value *r = d_map(x);
		struct nb_buf d = NB_BUF_INIT;

		nb_model_duration(&d, it->resolved - n->published);
		d_set(r, "time", d_time(x, it->resolved));
		d_str(r, "duration", d.ptr);
		d_str(r, "resolved_label", "Resolved");
		d_set(v, "resolved", r);
		nb_buf_release(&d);
	}
	for (i = 0; i < n->update_count; i++) {
		const struct nb_update *u = &n->updates[i];

		d_push(updates, d_update(x, it, i, ""));
		if (i + 1 == n->update_count) {
			struct nb_tmpl_value *latest = d_map(x);

			d_set(latest, "time", d_time(x, u->time));
			d_strf(latest, "anchor", "update-%zu", i + 1);
			if (n->update_count > 3)
				d_set(v, "latest_box", latest);
		}
	}
	d_set(v, "updates", updates);
	d_bool(v, "has_updates", n->update_count > 0);
	return v;
}

/* ---- pages ---- */

/* The feeds of a folder ("" for the site, "servers/X/"), for autodiscovery. */
static void d_feeds(struct ctx *x, struct nb_tmpl_value *list, const char *dir,
		    const char *name)
{
	static const char *const feeds[][3] = {
		{ "atom.xml", "application/atom+xml", "%s (Atom)" },
		{ "rss.xml", "application/rss+xml", "%s (RSS)" },
		{ "feed.json", "application/feed+json", "%s (JSON Feed)" },
		{ "updates.xml", "application/atom+xml", "%s: every update (Atom)" },
	};
	size_t i;

	for (i = 0; i < NB_ARRAY_LEN(feeds); i++) {
		struct nb_tmpl_value *f = d_map(x);

		d_strf(f, "href", "%s%s%s", x->site->base_url, dir, feeds[i][0]);
		d_str(f, "type", feeds[i][1]);
		d_strf(f, "title", feeds[i][2], name);
		d_push(list, f);
	}
}

/* The data every page has.  rel is the page's path ("2010/10/x/"). */
static struct nb_tmpl_value *d_page(struct ctx *x, const char *rel, const char *title)
{
	struct nb_tmpl_value *v = d_map(x), *site = d_map(x), *feeds = d_list(x);
	struct nb_buf root = NB_BUF_INIT;
	const char *p;

	for (p = rel; *p; p++)
		if (*p == '/')
			nb_buf_puts(&root, "../");
	d_str(v, "root", root.len ? root.ptr : "./");
	d_str(site, "title", x->site->title);
	d_str(site, "base_url", x->site->base_url);
	d_str(site, "timezone", x->site->timezone);
	d_str(site, "author", x->site->author);
	d_set(v, "site", site);
	d_str(v, "page_title", title);
	d_strf(v, "canonical", "%s%s", x->site->base_url, rel);
	d_feeds(x, feeds, "", x->site->title);
	d_set(v, "feeds", feeds);
	nb_buf_release(&root);
	return v;
}

static const char *root_of(struct nb_tmpl_value *page)
{
	return nb_tmpl_value_str(nb_tmpl_map_get(page, "root"));
}

/* When the data a page shows last changed: for a page that shows the
 * state now, the commit built; else its newest notice's latest activity. */
static void as_of(struct ctx *x, struct nb_tmpl_value *page, int64_t t)
{
	if (t)
		d_set(page, "as_of", d_time(x, t));
}

static int64_t newest(const struct ctx *x, const size_t *idx, size_t count)
{
	int64_t t = 0;
	size_t i;

	for (i = 0; i < count; i++)
		if (x->m->items[idx[i]].updated > t)
			t = x->m->items[idx[i]].updated;
	return t;
}

static void progress(struct ctx *x)
{
	x->done++;
	if (x->progress)
		x->progress(x->done, x->total, x->payload);
}

/* ---- what each page shows, as a key: a page whose key the live site has
 * is not rendered again ---- */

static uint64_t key_start(const struct ctx *x, const char *kind)
{
	return nb_hash_add_str(nb_hash_add64(NB_HASH_START, x->m->shape), kind);
}

/* The items at idx (or the first count when idx is NULL), in order. */
static uint64_t key_items(const struct ctx *x, uint64_t h, const size_t *idx, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		h = nb_hash_add64(h, x->m->items[idx ? idx[i] : i].digest);
	return nb_hash_add64(h, count);
}

/* What a server's line and page show of it: with its availability, which
 * moves with the commit's time. */
static uint64_t key_server(const struct ctx *x, uint64_t h, size_t s)
{
	const struct nb_server_view *sv = &x->m->servers[s];
	uint64_t facts[] = { sv->state, sv->count, sv->open, sv->incidents, sv->maintenance,
			     (uint64_t)sv->resolve_total, sv->resolved_count,
			     x->m->avail ? x->m->avail[s].digest : 0 };

	return nb_hash_add(h, facts, sizeof(facts));
}

/* A page that shows the state now is as of the commit built. */
static uint64_t key_now(const struct ctx *x, uint64_t h)
{
	return nb_hash_add64(h, (uint64_t)x->m->content->commit_time);
}

/* Cards made before, in the model's fragments. */
static int memo_get(void *ud, uint64_t key, struct nb_buf *out)
{
	return nb_store_get(ud, &key, out);
}

static void memo_put(void *ud, uint64_t key, uint64_t group, const char *text, size_t len)
{
	nb_store_put(ud, &key, group, text, len);
}

/* 1 when the live site has rel from the same key: linked, nothing to do. */
static int reused(struct ctx *x, const char *rel, uint64_t key)
{
	if (!nb_publish_reuse(x->pub, rel, key))
		return 0;
	progress(x);
	return 1;
}

/* Renders template `name` with data into the file rel, made from what key
 * (not yet ended) holds, and starts the next page's data afresh. */
static int emit(struct ctx *x, const char *name, struct nb_tmpl_value *data, const char *rel,
		uint64_t key)
{
	struct nb_tmpl_data d = nb_tmpl_value_data(data);
	struct nb_buf out = NB_BUF_INIT;
	int rc;

	if (x->memo.ud)
		d.memo = &x->memo;
	rc = nb_tmpl_set_render(x->templates, name, &d, &out, x->diags);
	if (rc == 0)
		rc = nb_publish_write_key(x->pub, rel, nb_buf_cstr(&out), out.len, nb_hash_end(key),
					  x->diags);
	nb_tmpl_arena_free(x->arena);
	x->arena = nb_tmpl_arena_new();
	nb_buf_release(&out);
	progress(x);
	return rc;
}

static size_t page_count(const struct nb_model *m)
{
	return m->closed_count ? (m->closed_count + NB_PER_PAGE - 1) / NB_PER_PAGE : 1;
}

/* What the home page says of the site's state; the open notices are
 * listed below the text, one or more. */
static void overall(const struct nb_model *m, const char **label_out, const char **text)
{
	switch (m->state) {
	case NB_OUTAGE:
	case NB_DEGRADED:
		*label_out = m->state == NB_OUTAGE ? "Major service disruption" :
						     "Some services are affected";
		*text = nb_plural(m->open_count, "We are working on it; the notice below has the latest.",
				  "We are working on it; the notices below have the latest.");
		break;
	case NB_STATE_MAINTENANCE:
		*label_out = "Maintenance in progress";
		*text = nb_plural(m->open_count, "Planned work is under way; see the notice below.",
				  "Planned work is under way; see the notices below.");
		break;
	default:
		*label_out = "All systems operational";
		*text = "No incident is open.";
	}
}

static int home_pages(struct ctx *x)
{
	size_t pages = page_count(x->m), p;

	for (p = 1; p <= pages; p++) {
		struct nb_buf rel = NB_BUF_INIT, file = NB_BUF_INIT;
		struct nb_tmpl_value *v;
		size_t first = (p - 1) * NB_PER_PAGE, count = x->m->closed_count - first;
		const char *state_label, *state_text;
		uint64_t key = key_start(x, "home");
		int rc;

		if (p > 1)
			nb_buf_printf(&rel, "page/%zu/", p);
		nb_buf_printf(&file, "%sindex.html", nb_buf_cstr(&rel));
		if (count > NB_PER_PAGE)
			count = NB_PER_PAGE;
		key = nb_hash_add64(nb_hash_add64(nb_hash_add64(key, p), pages), x->m->state);
		key = key_items(x, key, x->m->closed + first, count);
		if (p == 1)
			key = key_now(x, key_items(x, key, x->m->open, x->m->open_count));
		if (reused(x, file.ptr, nb_hash_end(key))) {
			nb_buf_release(&rel);
			nb_buf_release(&file);
			continue;
		}
		v = d_page(x, nb_buf_cstr(&rel), x->site->title);
		d_bool(v, "nav_home", 1);
		d_bool(v, "first_page", p == 1);
		as_of(x, v, p == 1 ? x->m->content->commit_time : newest(x, x->m->closed + first, count));
		if (p > 1)
			d_strf(v, "page_number", "%zu", p);
		if (pages > 1) {
			struct nb_tmpl_value *pager = d_map(x);

			d_strf(pager, "page_number", "%zu", p);
			d_strf(pager, "page_count", "%zu", pages);
			if (p == 2)
				d_str(pager, "newer", root_of(v));
			else if (p > 2)
				d_strf(pager, "newer", "%spage/%zu/", root_of(v), p - 1);
			if (p < pages)
				d_strf(pager, "older", "%spage/%zu/", root_of(v), p + 1);
			d_set(v, "pager", pager);
		}
		d_strf(v, "page_count", "%zu", pages);
		overall(x->m, &state_label, &state_text);
		d_str(v, "overall", nb_model_state_name(x->m->state));
		d_str(v, "overall_label", state_label);
		d_str(v, "overall_text", state_text);
		/* the open notices on the first page only: any change to one
		 * changes that page, not every page of the listing */
		d_bool(v, "has_open", p == 1 && x->m->open_count > 0);
		if (p == 1)
			d_set(v, "open", d_cards(x, x->m->open, x->m->open_count, root_of(v)));
		d_bool(v, "has_latest", count > 0);
		d_set(v, "latest", d_cards(x, x->m->closed + first, count, root_of(v)));
		rc = emit(x, "home", v, file.ptr, key);
		nb_buf_release(&rel);
		nb_buf_release(&file);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int notice_pages(struct ctx *x)
{
	size_t i;

	for (i = 0; i < x->m->count; i++) {
		const struct nb_item *it = &x->m->items[i];
		struct nb_tmpl_value *v;
		struct nb_buf file = NB_BUF_INIT;
		uint64_t key = nb_hash_add64(key_start(x, "notice"), it->digest);
		int rc = 0;

		nb_buf_printf(&file, "%sindex.html", it->url);
		if (reused(x, file.ptr, nb_hash_end(key))) {
			nb_buf_release(&file);
			continue;
		}
		v = d_page(x, it->url, it->notice->title);
		d_set(v, "notice", d_notice(x, it, root_of(v)));
		as_of(x, v, it->updated);
		rc = emit(x, "notice", v, file.ptr, key);
		nb_buf_release(&file);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int redirect_pages(struct ctx *x)
{
	size_t i;

	for (i = 0; i < x->m->redirect_count; i++) {
		const struct nb_redirect *r = &x->m->redirects[i];
		struct nb_tmpl_value *v;
		struct nb_buf file = NB_BUF_INIT;
		uint64_t key = nb_hash_add_str(nb_hash_add_str(key_start(x, "redirect"), r->from), r->to);
		int rc;

		nb_buf_printf(&file, "%sindex.html", r->from);
		if (reused(x, file.ptr, nb_hash_end(key))) {
			nb_buf_release(&file);
			continue;
		}
		v = d_page(x, r->from, "Moved");
		d_strf(v, "target", "%s%s", root_of(v), r->to);
		d_strf(v, "canonical", "%s%s", x->site->base_url, r->to);
		rc = emit(x, "redirect", v, file.ptr, key);
		nb_buf_release(&file);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Where a folder's badge is, and its shields.io endpoint JSON's address as
 * a query parameter (img.shields.io/endpoint?url=...). */
static void badge_urls(struct ctx *x, struct nb_tmpl_value *v, const char *dir)
{
	struct nb_buf json = NB_BUF_INIT, query = NB_BUF_INIT;

	d_strf(v, "badge", "%s%sbadge.svg", x->site->base_url, dir);
	nb_buf_printf(&json, "%s%sbadge.json", x->site->base_url, dir);
	nb_buf_put_percent(&query, json.ptr, "");
	d_str(v, "badge_endpoint", query.ptr);
	nb_buf_release(&json);
	nb_buf_release(&query);
}

static void ttr(struct nb_tmpl_value *v, const struct nb_server_view *s)
{
	struct nb_buf b = NB_BUF_INIT;

	if (s->resolved_count)
		nb_model_duration(&b, s->resolve_total / (int64_t)s->resolved_count);
	else
		nb_buf_puts(&b, "\u2014");
	d_str(v, "ttr", b.ptr);
	nb_buf_release(&b);
}

/* ---- availability ---- */

static void d_minutes(struct nb_tmpl_value *v, const char *key, int64_t seconds)
{
	d_strf(v, key, "%lld min", (long long)(seconds / 60));
}

static struct nb_tmpl_value *d_availability(struct ctx *x, const struct nb_avail *a)
{
	struct nb_tmpl_value *list = d_list(x);
	int p;

	for (p = 0; p < NB_AVAIL_PERIODS; p++) {
		struct nb_tmpl_value *v = d_map(x);
		char pct[16];

		nb_avail_percent(pct, sizeof(pct), a->period[p].hundredths);
		d_strf(v, "period", "%d days", nb_avail_period_days[p]);
		d_str(v, "percent", pct);
		d_minutes(v, "outage", a->period[p].outage);
		d_minutes(v, "degraded", a->period[p].degraded);
		d_minutes(v, "planned", a->period[p].maintenance);
		d_push(list, v);
	}
	return list;
}

/* A day's mark: the worse its day, the taller, so the strip reads without
 * its colours; a day before the server was listed, the lowest. */
#define STRIP_HEIGHT 24
#define STRIP_STEP 5

static int mark_height(const struct nb_avail_day *d)
{
	if (!d->counted)
		return 4;
	switch (d->worst) {
	case NB_OUTAGE: return STRIP_HEIGHT;
	case NB_DEGRADED: return 18;
	case NB_STATE_MAINTENANCE: return 13;
	default: return 8;
	}
}

/* "Fri 15 Oct 2010: outage 2 h (120 min), degraded 30 min" */
static void day_label(struct nb_buf *out, const struct nb_avail_day *d, const char *name)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	static const char *const wdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	const char *sep = ": ";

	nb_buf_printf(out, "%s %d %s %d", wdays[nb_tz_weekday(d->year, d->month, d->day)], d->day,
		      months[d->month - 1], d->year);
	if (!d->counted) {
		nb_buf_printf(out, ": before %s was listed", name);
		return;
	}
	if (d->outage) {
		nb_buf_printf(out, "%soutage %lld min", sep, (long long)(d->outage / 60));
		sep = ", ";
	}
	if (d->degraded) {
		nb_buf_printf(out, "%sdegraded %lld min", sep, (long long)(d->degraded / 60));
		sep = ", ";
	}
	if (d->maintenance) {
		nb_buf_printf(out, "%smaintenance %lld min", sep, (long long)(d->maintenance / 60));
		sep = ", ";
	}
	if (*sep == ':' && d->worst != NB_OPERATIONAL)
		nb_buf_printf(out, ": %s, begun as this was built", nb_model_state_name(d->worst));
	else if (*sep == ':')
		nb_buf_puts(out, ": operational");
}

static struct nb_tmpl_value *d_strip(struct ctx *x, const struct nb_avail *a, const char *name,
				     const char *root)
{
	struct nb_tmpl_value *strip = d_map(x), *days = d_list(x);
	int i;

	d_strf(strip, "label", "%s, the last %d days", name, NB_AVAIL_DAYS);
	for (i = 0; i < NB_AVAIL_DAYS; i++) {
		const struct nb_avail_day *d = &a->days[i];
		struct nb_tmpl_value *v = d_map(x);
		struct nb_buf label = NB_BUF_INIT;
		int h = mark_height(d), linked = d->counted && d->worst != NB_OPERATIONAL;

		day_label(&label, d, name);
		d_strf(v, "x", "%d", i * STRIP_STEP);
		d_strf(v, "y", "%d", STRIP_HEIGHT - h);
		d_strf(v, "h", "%d", h);
		d_str(v, "state", d->counted ? nb_model_state_name(d->worst) : "unlisted");
		d_str(v, "label", label.ptr);
		/* to the notice behind the day's worst state */
		d_bool(v, "linked", linked);
		if (linked)
			d_strf(v, "href", "%s%s", root, x->m->items[d->item].url);
		else
			d_str(v, "href", "");
		d_push(days, v);
		nb_buf_release(&label);
	}
	d_set(strip, "days", days);
	return strip;
}

/* The servers' index draws every server's strip up to this many servers
 * (90 marks each); past it, each server's own page still does. */
#define STRIPS_ON_INDEX 200

static struct nb_tmpl_value *d_server(struct ctx *x, size_t s, const char *root, int strip)
{
	const struct nb_server_view *sv = &x->m->servers[s];
	struct nb_tmpl_value *v = d_server_link(x, sv->server, root), *members = d_list(x);
	size_t i;

	d_str(v, "description", sv->server->description);
	d_str(v, "state", nb_model_state_name(sv->state));
	d_str(v, "state_label", nb_model_state_label(sv->state));
	d_strf(v, "open", "%zu", sv->open);
	d_strf(v, "incidents", "%zu", sv->incidents);
	d_strf(v, "maintenance", "%zu", sv->maintenance);
	ttr(v, sv);
	d_bool(v, "member", sv->server->group != NULL);
	d_null(x, v, "group");
	if (sv->server->group) {
		const struct nb_server *g = nb_site_server(x->site, sv->server->group);

		if (g)
			d_set(v, "group", d_server_link(x, g, root));
	}
	for (i = 0; i < sv->member_count; i++)
		d_push(members, d_server_link(x, x->m->servers[sv->members[i]].server, root));
	d_set(v, "members", members);
	d_bool(v, "has_members", sv->member_count > 0);
	badge_urls(x, v, sv->url);
	if (x->m->avail) {
		d_set(v, "availability", d_availability(x, &x->m->avail[s]));
		if (strip)
			d_set(v, "strip", d_strip(x, &x->m->avail[s], sv->server->name, root));
		else
			d_null(x, v, "strip");
	}
	return v;
}

/* The servers' index: every server's line, and the open notices. */
static int servers_index(struct ctx *x)
{
	struct nb_tmpl_value *v, *list;
	uint64_t key = key_start(x, "servers");
	size_t s, g;
	int strips = x->m->server_count <= STRIPS_ON_INDEX;

	for (s = 0; s < x->m->server_count; s++)
		key = key_server(x, key, s);
	key = key_now(x, key_items(x, key, x->m->open, x->m->open_count));
	if (reused(x, NB_MODEL_SERVERS_URL "index.html", nb_hash_end(key)))
		return 0;
	v = d_page(x, NB_MODEL_SERVERS_URL, "Servers");
	list = d_list(x);
	/* each top-level server, then its members */
	for (s = 0; s < x->m->server_count; s++) {
		const struct nb_server_view *sv = &x->m->servers[s];

		if (sv->server->group && nb_site_server(x->site, sv->server->group))
			continue;
		d_push(list, d_server(x, s, root_of(v), strips));
		for (g = 0; g < sv->member_count; g++)
			d_push(list, d_server(x, sv->members[g], root_of(v), strips));
	}
	d_set(v, "servers", list);
	as_of(x, v, x->m->content->commit_time);
	d_bool(v, "nav_servers", 1);
	d_bool(v, "has_open", x->m->open_count > 0);
	d_bool(v, "has_strips", strips);
	d_set(v, "open", d_cards(x, x->m->open, x->m->open_count, root_of(v)));
	return emit(x, "servers", v, NB_MODEL_SERVERS_URL "index.html", key);
}

static int server_pages(struct ctx *x)
{
	struct nb_tmpl_value *v;
	size_t s;
	int rc;

	if (servers_index(x) < 0)
		return -1;
	for (s = 0; s < x->m->server_count; s++) {
		const struct nb_server_view *sv = &x->m->servers[s];
		struct nb_buf file = NB_BUF_INIT;
		uint64_t key = key_items(x, key_now(x, key_server(x, key_start(x, "server"), s)),
					 sv->items, sv->count);

		nb_buf_printf(&file, "%sindex.html", sv->url);
		key = nb_hash_add64(key, s);
		if (reused(x, file.ptr, nb_hash_end(key))) {
			nb_buf_release(&file);
			continue;
		}
		v = d_page(x, sv->url, sv->server->name);
		d_feeds(x, nb_tmpl_map_get(v, "feeds"), sv->url, sv->server->name);
		d_set(v, "server", d_server(x, s, root_of(v), 1));
		as_of(x, v, x->m->content->commit_time);
		d_bool(v, "nav_servers", 1);
		d_bool(v, "has_notices", sv->count > 0);
		d_set(v, "notices", d_cards(x, sv->items, sv->count, root_of(v)));
		rc = emit(x, "server", v, file.ptr, key);
		nb_buf_release(&file);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static struct nb_tmpl_value *d_years(struct ctx *x, const char *root, int current)
{
	struct nb_tmpl_value *list = d_list(x);
	struct nb_buf url = NB_BUF_INIT;
	size_t i, j;

	for (i = 0; i < x->m->year_count; i++) {
		struct nb_tmpl_value *y = d_map(x);
		size_t count = 0;

		for (j = 0; j < x->m->count; j++)
			count += x->m->items[j].year == x->m->years[i];
		d_strf(y, "year", "%d", x->m->years[i]);
		nb_buf_truncate(&url, 0);
		nb_model_year_url(&url, x->m->years[i]);
		d_strf(y, "href", "%s%s", root, url.ptr);
		d_strf(y, "count", "%zu", count);
		d_bool(y, "current", x->m->years[i] == current);
		d_push(list, y);
	}
	nb_buf_release(&url);
	return list;
}

/* What every archive page shows of the years: each, and how many notices. */
static uint64_t key_years(const struct ctx *x, uint64_t h)
{
	size_t i;

	h = nb_hash_add64(h, x->m->year_count);
	for (i = 0; i < x->m->count; i++)
		h = nb_hash_add64(h, (uint64_t)x->m->items[i].year);
	return h;
}

static int archive_pages(struct ctx *x)
{
	struct nb_tmpl_value *v;
	uint64_t years = key_years(x, key_start(x, "archive"));
	size_t i, j;

	if (!reused(x, NB_MODEL_ARCHIVE_URL "index.html", nb_hash_end(years))) {
		v = d_page(x, NB_MODEL_ARCHIVE_URL, "Archive");
		d_set(v, "years", d_years(x, root_of(v), 0));
		d_bool(v, "nav_archive", 1);
		if (emit(x, "archive", v, NB_MODEL_ARCHIVE_URL "index.html", years) < 0)
			return -1;
	}
	for (i = 0; i < x->m->year_count; i++) {
		int year = x->m->years[i];
		struct nb_buf rel = NB_BUF_INIT, file = NB_BUF_INIT;
		size_t *idx = nb_calloc(x->m->count + 1, sizeof(*idx)), n = 0;
		uint64_t key;
		int rc = 0;

		for (j = 0; j < x->m->count; j++)
			if (x->m->items[j].year == year)
				idx[n++] = j;
		nb_model_year_url(&rel, year);
		nb_buf_printf(&file, "%sindex.html", rel.ptr);
		key = key_items(x, nb_hash_add64(years, (uint64_t)year), idx, n);
		if (!reused(x, file.ptr, nb_hash_end(key))) {
			v = d_page(x, rel.ptr, "Archive");
			d_strf(v, "year", "%d", year);
			d_set(v, "years", d_years(x, root_of(v), year));
			d_bool(v, "nav_archive", 1);
			d_bool(v, "has_notices", n > 0);
			d_strf(v, "count", "%zu", n);
			d_bool(v, "one", n == 1);
			d_set(v, "notices", d_cards(x, idx, n, root_of(v)));
			as_of(x, v, newest(x, idx, n));
			rc = emit(x, "archive", v, file.ptr, key);
		}
		free(idx);
		nb_buf_release(&rel);
		nb_buf_release(&file);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int not_found_page(struct ctx *x)
{
	struct nb_tmpl_value *v;
	uint64_t key = key_start(x, "404");

	if (reused(x, "404.html", nb_hash_end(key)))
		return 0;
	v = d_page(x, "", "Not found");
	/* served for any missing address: links must not be relative */
	d_str(v, "root", x->site->base_url);
	d_strf(v, "canonical", "%s404.html", x->site->base_url);
	return emit(x, "404", v, "404.html", key);
}

/* ---- sitemap.xml ---- */

static void sitemap_url(xmlTextWriterPtr w, const struct ctx *x, const char *rel, int64_t t)
{
	char iso[40];
	struct nb_buf loc = NB_BUF_INIT;

	nb_buf_printf(&loc, "%s%s", x->site->base_url, rel);
	xmlTextWriterStartElement(w, BAD_CAST "url");
	nb_xml_element(w, "loc", loc.ptr);
	if (t) {
		nb_tz_format(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", "UTC", t);
		nb_xml_element(w, "lastmod", iso);
	}
	xmlTextWriterEndElement(w);
	nb_buf_release(&loc);
}

static int sitemap(struct ctx *x)
{
	struct nb_xml xml = { NULL, NULL };
	struct nb_buf rel = NB_BUF_INIT;
	uint64_t key = key_items(x, key_years(x, key_start(x, "sitemap")), NULL, x->m->count);
	size_t i;
	int rc;

	for (i = 0; i < x->m->server_count; i++)
		key = nb_hash_add64(key, x->m->servers[i].count ? x->m->servers[i].items[0] : SIZE_MAX);
	if (reused(x, "sitemap.xml", nb_hash_end(key)))
		return 0;
	if (nb_xml_begin(&xml) == 0) {
		xmlTextWriterPtr w = xml.w;

		xmlTextWriterStartElementNS(w, NULL, BAD_CAST "urlset",
					    BAD_CAST "http://www.sitemaps.org/schemas/sitemap/0.9");
		sitemap_url(w, x, "", x->m->updated);
		sitemap_url(w, x, NB_MODEL_SERVERS_URL, x->m->updated);
		for (i = 0; i < x->m->server_count; i++) {
			const struct nb_server_view *sv = &x->m->servers[i];

			sitemap_url(w, x, sv->url, sv->count ? x->m->items[sv->items[0]].updated : 0);
		}
		sitemap_url(w, x, NB_MODEL_ARCHIVE_URL, 0);
		for (i = 0; i < x->m->year_count; i++) {
			nb_buf_truncate(&rel, 0);
			nb_model_year_url(&rel, x->m->years[i]);
			sitemap_url(w, x, rel.ptr, 0);
		}
		for (i = 0; i < x->m->count; i++)
			sitemap_url(w, x, x->m->items[i].url, x->m->items[i].updated);
		xmlTextWriterEndElement(w);
	}
	rc = nb_xml_end(&xml, x->pub, "sitemap.xml", nb_hash_end(key), x->diags);
	nb_buf_release(&rel);
	progress(x);
	return rc;
}

/* ---- the theme's static files ---- */

static int copy_file(struct ctx *x, const char *path, const char *rel)
{
	struct nb_buf data = NB_BUF_INIT;
	int rc = -1;

	if (nb_buf_read_file(&data, path, NB_THEME_FILE_MAX) < 0 || data.len > NB_THEME_FILE_MAX)
		nb_diags_add(x->diags, path, 0, "keep theme files under 8 MiB and readable",
			     "cannot read the theme file, or it is too large");
	else
		rc = nb_publish_write(x->pub, rel, nb_buf_cstr(&data), data.len, x->diags);
	nb_buf_release(&data);
	return rc;
}

static int static_files(struct ctx *x)
{
	char **stack = NULL;
	size_t depth = 0, alloc = 0, base;
	struct nb_buf root = NB_BUF_INIT;
	int rc = 0;

	nb_buf_printf(&root, "%s/static", x->theme_dir);
	base = root.len + 1;
	nb_grow_array(&stack, &alloc, 1, sizeof(*stack));
	stack[depth++] = nb_buf_detach(&root);
	while (depth) {
		char *dir = stack[--depth];
		struct dirent **names = NULL;
		int n = scandir(dir, &names, NULL, alphasort), i;

		for (i = 0; i < n; i++) {
			struct nb_buf path = NB_BUF_INIT;
			struct stat st;

			if (names[i]->d_name[0] == '.') {
				free(names[i]);
				continue;
			}
			nb_buf_printf(&path, "%s/%s", dir, names[i]->d_name);
			free(names[i]);
			if (lstat(path.ptr, &st) < 0)
				continue;
			if (S_ISDIR(st.st_mode)) {
				nb_grow_array(&stack, &alloc, depth + 1, sizeof(*stack));
				stack[depth++] = nb_buf_detach(&path);
				continue;
			}
			if (S_ISREG(st.st_mode) && rc == 0)
				rc = copy_file(x, path.ptr, path.ptr + base);
			nb_buf_release(&path);
		}
		free(names);
		free(dir);
	}
	free(stack);
	return rc;
}

/* ---- the whole site ---- */

static size_t render_count(const struct nb_model *m)
{
	return page_count(m) + m->count + m->redirect_count + 1 + m->server_count + 1 +
	       m->year_count + 1 + 1;
}

/* Reads templates/<name>.mustache of the theme. */
static int read_template(void *ud, const char *name, struct nb_buf *text,
			 struct nb_buf *path, struct nb_diags *diags)
{
	const struct ctx *x = ud;
	size_t i;

	for (i = 0; name[i]; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '-' || name[i] == '_'))
			return 0; /* not a template name: missing */
	nb_buf_printf(path, "%s/templates/%s.mustache", x->theme_dir, name);
	if (nb_buf_read_file(text, path->ptr, NB_THEME_FILE_MAX) < 0) {
		if (errno == ENOENT)
			return 0;
	} else if (text->len <= NB_THEME_FILE_MAX) {
		return 1;
	}
	return nb_diags_add(diags, path->ptr, 0, "keep templates under 8 MiB and readable",
			    "cannot read the template");
}

/* ---- the thread alone, for feeds ---- */

struct nb_render_thread {
	struct ctx x;
};

struct nb_render_thread *nb_render_thread_new(const struct nb_model *m, const char *theme_dir)
{
	struct nb_render_thread *t = nb_calloc(1, sizeof(*t));

	t->x.m = m;
	t->x.site = &m->content->site;
	t->x.zone = t->x.site->timezone;
	t->x.theme_dir = theme_dir;
	t->x.templates = nb_tmpl_set_new(read_template, &t->x);
	t->x.arena = nb_tmpl_arena_new();
	return t;
}

int nb_render_thread(struct nb_render_thread *t, const struct nb_item *it, struct nb_buf *out,
		     struct nb_diags *diags)
{
	struct ctx *x = &t->x;
	struct nb_tmpl_value *v = d_map(x), *updates = d_list(x);
	struct nb_tmpl_data data;
	struct nb_buf page = NB_BUF_INIT;
	size_t i;
	int rc;

	nb_buf_printf(&page, "%s%s", x->site->base_url, it->url);
	nb_model_text(x->m, it);
	for (i = it->notice->update_count; i-- > 0;)
		d_push(updates, d_update(x, it, i, page.ptr));
	d_set(v, "updates", updates);
	data = nb_tmpl_value_data(v);
	rc = nb_tmpl_set_render(x->templates, "thread", &data, out, diags);
	nb_tmpl_arena_free(x->arena);
	x->arena = nb_tmpl_arena_new();
	nb_buf_release(&page);
	return rc;
}

void nb_render_thread_free(struct nb_render_thread *t)
{
	if (!t)
		return;
	nb_tmpl_set_free(t->x.templates);
	nb_tmpl_arena_free(t->x.arena);
	free(t);
}

/* ---- a theme's names, checked before anything is rendered ---- */

static const char *const pages[] = {
	"home", "notice", "redirect", "servers", "server", "archive", "404",
	"thread", /* the feeds' */
};

struct theme_check {
	struct nb_tmpl_set *set;
	struct nb_diags *diags;
	const char *path;           /* of the template being read */
	char **queue;               /* templates to read: pages, then what they include */
	size_t count, alloc;
	struct nb_map queued;
	int problems;
};

static void check_queue(struct theme_check *c, const char *name)
{
	if (nb_map_gets(&c->queued, name, NULL))
		return;
	nb_map_sets(&c->queued, name, 1);
	nb_grow_array(&c->queue, &c->alloc, c->count + 1, sizeof(*c->queue));
	c->queue[c->count++] = nb_strdup(name);
}

/* Every part of a dotted name must be a field some page has. */
static void check_name(struct theme_check *c, const char *name, int line)
{
	const char *part = name;

	if (strcmp(name, ".") == 0)
		return;
	while (*part) {
		size_t len = strcspn(part, ".");

		if (!known_field(part, len)) {
			char *word = nb_strndup(part, len);
			const char *near = nb_suggest(word, fields, NB_ARRAY_LEN(fields));
			struct nb_buf hint = NB_BUF_INIT;

			if (near)
				nb_buf_printf(&hint, "did you mean '%s'?", near);
			else
				nb_buf_puts(&hint, "see the fields each page has in doc/themes.md");
			nb_diags_add(c->diags, c->path, line, hint.ptr,
				     "'%s' is not a field of any page: it would render as nothing", word);
			c->problems++;
			free(word);
			nb_buf_release(&hint);
		}
		part += len + (part[len] == '.');
	}
}

static void check_tag(void *ud, enum nb_tmpl_tag kind, const char *name, int line)
{
	struct theme_check *c = ud;
	const struct nb_tmpl *t = NULL;

	if (kind == NB_TMPL_NAME) {
		check_name(c, name, line);
		return;
	}
	if (nb_tmpl_set_get(c->set, name, &t, c->diags) < 0) {
		c->problems++;
	} else if (!t) {
		struct nb_buf hint = NB_BUF_INIT;

		nb_buf_printf(&hint, "add templates/%s.mustache to the theme, or remove the tag",
			      name);
		nb_diags_add(c->diags, c->path, line, hint.ptr,
			     "%s '%s' not found: it would render as nothing",
			     kind == NB_TMPL_PARTIAL ? "partial" : "parent", name);
		nb_buf_release(&hint);
		c->problems++;
	} else {
		check_queue(c, name);
	}
}

int nb_render_check_theme(const char *theme_dir, struct nb_diags *diags)
{
	struct ctx x;
	struct theme_check c;
	struct nb_buf path = NB_BUF_INIT;
	size_t i;

	memset(&x, 0, sizeof(x));
	memset(&c, 0, sizeof(c));
	x.theme_dir = theme_dir;
	c.set = nb_tmpl_set_new(read_template, &x);
	c.diags = diags;
	for (i = 0; i < NB_ARRAY_LEN(pages); i++)
		check_queue(&c, pages[i]);
	for (i = 0; i < c.count; i++) {
		const struct nb_tmpl *t = NULL;

		nb_buf_truncate(&path, 0);
		nb_buf_printf(&path, "%s/templates/%s.mustache", theme_dir, c.queue[i]);
		if (nb_tmpl_set_get(c.set, c.queue[i], &t, diags) < 0) {
			c.problems++;
		} else if (!t) {
			nb_diags_add(diags, path.ptr, 0, "add it to the theme",
				     "the theme has no '%s' page template", c.queue[i]);
			c.problems++;
		} else {
			c.path = path.ptr;
			nb_tmpl_each_tag(t, check_tag, &c);
		}
	}
	for (i = 0; i < c.count; i++)
		free(c.queue[i]);
	free(c.queue);
	nb_map_release(&c.queued);
	nb_tmpl_set_free(c.set);
	nb_buf_release(&path);
	return c.problems ? -1 : 0;
}

int nb_render_site(const struct nb_model *m, const char *theme_dir,
		   struct nb_publish *pub, nb_progress_fn progress_fn, void *payload,
		   struct nb_diags *diags)
{
	struct ctx x;
	int rc = -1;

	memset(&x, 0, sizeof(x));
	x.m = m;
	x.site = &m->content->site;
	x.zone = x.site->timezone;
	x.theme_dir = theme_dir;
	x.pub = pub;
	x.diags = diags;
	x.progress = progress_fn;
	x.payload = payload;
	x.total = render_count(m);
	x.templates = nb_tmpl_set_new(read_template, &x);
	x.arena = nb_tmpl_arena_new();
	x.keep = nb_tmpl_arena_new();
	if (m->fragments) {
		x.memo.get = memo_get;
		x.memo.put = memo_put;
		x.memo.ud = m->fragments;
	}
	if (home_pages(&x) == 0 && notice_pages(&x) == 0 && redirect_pages(&x) == 0 &&
	    server_pages(&x) == 0 && archive_pages(&x) == 0 && not_found_page(&x) == 0 &&
	    sitemap(&x) == 0 && static_files(&x) == 0)
		rc = 0;
	nb_tmpl_set_free(x.templates);
	nb_tmpl_arena_free(x.arena);
	nb_tmpl_arena_free(x.keep);
	return rc;
}
