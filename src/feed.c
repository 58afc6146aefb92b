#include "feed.h"

#include <libical/ical.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "content.h"
#include "diag.h"
#include "json.h"
#include "model.h"
#include "notice.h"
#include "publish.h"
#include "render.h"
#include "site.h"
#include "store.h"
#include "text.h"
#include "tz.h"
#include "util.h"
#include "xml.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define THR_NS "http://purl.org/syndication/thread/1.0"
#define AT_NS "http://purl.org/atompub/tombstones/1.0"

/* The feeds of one folder: the site's, or one server's. */
struct scope {
	const struct nb_model *m;
	const struct nb_site *site;
	const char *dir;         /* "" or "servers/ID/" */
	const char *title;       /* the feed's title */
	const size_t *items;     /* indexes into m->items */
	size_t count;
	int site_wide;           /* tombstones go in the site's feed only */
	const struct nb_server_view *sv; /* the server's feeds: it; the site's: NULL */
	struct threads *threads;
	uint64_t key;            /* what its feeds show (see scope_key) */
	uint64_t calendar_key;   /* what its calendar shows */
};

/* Each notice's thread in HTML, made once for all the feeds that carry it,
 * by the renderer the pages use.  With the fragments store, a notice's
 * Atom entry, RSS item and JSON Feed item are each made once in a build
 * (the other feeds copy them): its thread goes once all are made. */
#define THREAD_USES 3

struct threads {
	struct nb_render_thread *renderer;
	char **html;             /* by item; NULL until made, or once used */
	unsigned char *uses;     /* by item: entries made from it */
	struct nb_diags *diags;
};

/* The key of one of the scope's files. */
static uint64_t file_key(const struct scope *s, const char *name)
{
	return nb_hash_end(nb_hash_add_str(strcmp(name, "maintenance.ics") == 0 ? s->calendar_key :
					   s->key, name));
}

/* ---- ids and times ---- */

char *nb_feed_notice_id(const struct nb_site *site, const char *first_path, int64_t added)
{
	struct nb_buf id = NB_BUF_INIT;
	char day[16];

	nb_tz_format(day, sizeof(day), "%Y-%m-%d", "UTC", added);
	nb_buf_puts(&id, "tag:");
	nb_site_host(&id, site);
	nb_buf_printf(&id, ",%s:/", day);
	nb_buf_put_percent(&id, first_path, "/");
	return nb_buf_detach(&id);
}

int nb_feed_is_feed(const char *rel, size_t len)
{
	static const char *const names[] = { "atom.xml", "rss.xml", "feed.json", "updates.xml" };
	size_t i, n;

	for (i = 0; i < NB_ARRAY_LEN(names); i++) {
		n = strlen(names[i]);
		if (len >= n && memcmp(rel + len - n, names[i], n) == 0 &&
		    (len == n || rel[len - n - 1] == '/'))
			return 1;
	}
	return 0;
}

char *nb_feed_id_of(const struct nb_site *site, const struct nb_notice *n)
{
	return nb_feed_notice_id(site, n->first_path ? n->first_path : n->path, n->added);
}

char *nb_feed_event_notice_id(const struct nb_model *m, const struct nb_event *e)
{
	const struct nb_site *site = &m->content->site;
	const struct nb_withdrawn *w;

	if (e->kind != NB_EVENT_WITHDRAWN)
		return nb_feed_id_of(site, m->items[e->item].notice);
	w = &m->content->withdrawn[e->item];
	return nb_feed_notice_id(site, w->first_path, w->added);
}

char *nb_feed_event_id(const struct nb_model *m, const struct nb_event *e)
{
	char *nid = nb_feed_event_notice_id(m, e);
	struct nb_buf id = NB_BUF_INIT;

	nb_buf_printf(&id, "%s/%s", nid, e->key);
	free(nid);
	return nb_buf_detach(&id);
}

static char *notice_id(const struct scope *s, const struct nb_notice *n)
{
	return nb_feed_id_of(s->site, n);
}

static void iso(char *out, size_t size, int64_t t)
{
	nb_tz_format(out, size, "%Y-%m-%dT%H:%M:%SZ", "UTC", t);
}

/* "Sun 10 Oct 2010, 06:47 EDT" */
static void when(char *out, size_t size, const struct nb_site *site, int64_t t)
{
	nb_tz_format(out, size, "%a %-d %b %Y, %H:%M %Z", site->timezone, t);
}

/* <content type="html">, the HTML escaped as text. */
static void html_content(xmlTextWriterPtr w, const char *html)
{
	xmlTextWriterStartElement(w, BAD_CAST "content");
	nb_xml_attribute(w, "type", "html");
	nb_xml_text(w, html);
	xmlTextWriterEndElement(w);
}

static void atom_link(xmlTextWriterPtr w, const char *rel, const char *href, const char *type)
{
	xmlTextWriterStartElement(w, BAD_CAST "link");
	nb_xml_attribute(w, "rel", rel);
	nb_xml_attribute(w, "href", href);
	if (type)
		nb_xml_attribute(w, "type", type);
	xmlTextWriterEndElement(w);
}

static void person(xmlTextWriterPtr w, const char *tag, const char *name)
{
	xmlTextWriterStartElement(w, BAD_CAST tag);
	nb_xml_element(w, "name", name);
	xmlTextWriterEndElement(w);
}

static void categories(xmlTextWriterPtr w, const struct scope *s, const struct nb_notice *n)
{
	struct nb_buf scheme = NB_BUF_INIT;
	size_t i;

	nb_buf_printf(&scheme, "%s" NB_MODEL_SERVERS_URL, s->site->base_url);
	for (i = 0; i < n->server_count; i++) {
		const struct nb_server *sv = nb_site_server(s->site, n->servers[i]);

		xmlTextWriterStartElement(w, BAD_CAST "category");
		nb_xml_attribute(w, "term", n->servers[i]);
		nb_xml_attribute(w, "scheme", scheme.ptr);
		nb_xml_attribute(w, "label", sv ? sv->name : n->servers[i]);
		xmlTextWriterEndElement(w);
	}
	nb_buf_release(&scheme);
}

/* "Scheduled", or "Scheduled, overdue" once the window has passed. */
static void status_text(struct nb_buf *out, const struct nb_item *it)
{
	nb_buf_puts(out, nb_notice_status_label(it->notice->status));
	if (it->overdue)
		nb_buf_puts(out, ", overdue: the window has ended");
}

/* The status, and a maintenance notice's window, as the thread opens. */
static void status_html(struct nb_buf *out, const struct nb_item *it)
{
	nb_buf_puts(out, "<p><strong>");
	status_text(out, it);
	nb_buf_puts(out, "</strong></p>\n");
	if (it->window_text)
		nb_buf_printf(out, "<p>Window: %s</p>\n", it->window_text);
}

/* The status a notice was published with (its current one if unknown). */
static enum nb_status first_status(const struct nb_notice *n)
{
	return n->status_change_count ? n->status_changes[0].status : n->status;
}

/* The whole thread as HTML: the status and window, the updates newest
 * first as the notice's page shows them, then the notice itself. */
static void thread_html(struct nb_buf *out, const struct scope *s, const struct nb_item *it)
{
	const struct nb_notice *n = it->notice;
	size_t i = (size_t)(it - s->m->items);
	char **made = &s->threads->html[i];

	if (!*made) {
		struct nb_buf b = NB_BUF_INIT;
		char t[64];

		nb_model_text(s->m, it);
		status_html(&b, it);
		if (n->update_count)
			nb_render_thread(s->threads->renderer, it, &b, s->threads->diags);
		when(t, sizeof(t), s->site, n->published);
		nb_buf_printf(&b, "<h3>%s%s</h3>\n%s\n", n->update_count ? "First notice, " : "", t,
			      it->body_html);
		*made = nb_buf_detach(&b);
	}
	nb_buf_puts(out, *made);
	/* made again should it be asked for once more */
	if (s->m->fragments && ++s->threads->uses[i] == THREAD_USES) {
		free(*made);
		*made = NULL;
	}
}

static void summary_text(struct nb_buf *out, const struct scope *s, const struct nb_item *it)
{
	const struct nb_notice *n = it->notice;
	char t[64];

	nb_model_text(s->m, it);
	status_text(out, it);
	nb_buf_puts(out, ". ");
	if (it->window_text)
		nb_buf_printf(out, "Window: %s. ", it->window_text);
	if (n->update_count) {
		when(t, sizeof(t), s->site, n->updates[n->update_count - 1].time);
		nb_buf_printf(out, "Latest update, %s: %s", t, it->update_summary[n->update_count - 1]);
	} else {
		nb_buf_puts(out, it->body_summary);
	}
}

/* ---- Atom: one entry per notice ---- */

static int newest_updated(const void *a, const void *b, void *model)
{
	const struct nb_model *m = model;
	const struct nb_item *x = &m->items[*(const size_t *)a];
	const struct nb_item *y = &m->items[*(const size_t *)b];

	if (x->updated != y->updated)
		return x->updated < y->updated ? 1 : -1;
	return strcmp(x->notice->path, y->notice->path);
}

/* The scope's notices, latest activity first, at most `limit`. */
static size_t *by_updated(const struct scope *s, size_t *count, long limit)
{
	size_t *order = nb_calloc(s->count + 1, sizeof(*order));

	if (s->count)
		memcpy(order, s->items, s->count * sizeof(*order));
	nb_sort_r(order, s->count, sizeof(*order), newest_updated, (void *)s->m);
	*count = s->count < (size_t)limit ? s->count : (size_t)limit;
	return order;
}

/*
 * A feed's updated: its newest entry's, or tombstone's.  Never the build
 * clock nor the commit built: an empty feed takes the time site.yaml,
 * which defines it, last changed, so a commit elsewhere leaves it as it is.
 */
static int64_t feed_updated(const struct scope *s, int64_t newest)
{
	const struct nb_content *c = s->m->content;

	if (newest)
		return newest;
	return c->site_changed ? c->site_changed : c->commit_time;
}

/* The newest withdrawal the scope's atom.xml shows as a tombstone; 0 none. */
static int64_t newest_tombstone(const struct scope *s)
{
	const struct nb_content *c = s->m->content;
	int64_t newest = 0;
	size_t i;

	for (i = 0; s->site_wide && i < c->withdrawn_count; i++)
		if (nb_content_recently_withdrawn(c, c->withdrawn[i].withdrawn) &&
		    c->withdrawn[i].withdrawn > newest)
			newest = c->withdrawn[i].withdrawn;
	return newest;
}

static void feed_head(xmlTextWriterPtr w, const struct scope *s, const char *file,
		      const char *title, int64_t updated)
{
	struct nb_buf self = NB_BUF_INIT, alt = NB_BUF_INIT;
	char t[32];

	nb_buf_printf(&self, "%s%s%s", s->site->base_url, s->dir, file);
	nb_buf_printf(&alt, "%s%s", s->site->base_url, s->dir);
	nb_xml_element(w, "id", self.ptr);
	nb_xml_element(w, "title", title);
	iso(t, sizeof(t), updated);
	nb_xml_element(w, "updated", t);
	atom_link(w, "self", self.ptr, "application/atom+xml");
	if (s->site->hub)
		atom_link(w, "hub", s->site->hub, NULL);
	atom_link(w, "alternate", alt.ptr, "text/html");
	person(w, "author", s->site->author);
	nb_xml_element(w, "generator", "nocblog");
	nb_buf_release(&self);
	nb_buf_release(&alt);
}

static void tombstones(xmlTextWriterPtr w, const struct scope *s)
{
	const struct nb_content *c = s->m->content;
	size_t i;

	for (i = 0; i < c->withdrawn_count; i++) {
		const struct nb_withdrawn *wd = &c->withdrawn[i];
		char *id;
		char t[32];
		struct nb_buf comment = NB_BUF_INIT;

		if (!nb_content_recently_withdrawn(c, wd->withdrawn))
			continue;
		id = nb_feed_notice_id(s->site, wd->first_path, wd->added);
		iso(t, sizeof(t), wd->withdrawn);
		xmlTextWriterStartElementNS(w, BAD_CAST "at", BAD_CAST "deleted-entry", NULL);
		nb_xml_attribute(w, "ref", id);
		nb_xml_attribute(w, "when", t);
		xmlTextWriterStartElementNS(w, BAD_CAST "at", BAD_CAST "by", NULL);
		nb_xml_element(w, "name", wd->author);
		xmlTextWriterEndElement(w);
		nb_buf_printf(&comment, "Withdrawn: %s", wd->title);
		xmlTextWriterStartElementNS(w, BAD_CAST "at", BAD_CAST "comment", NULL);
		nb_xml_text(w, comment.ptr);
		xmlTextWriterEndElement(w);
		xmlTextWriterEndElement(w);
		nb_buf_release(&comment);
		free(id);
	}
}

/*
 * Entries are written alone and put into their feeds as text: one made for
 * the site's feed serves its servers' feeds, and the builds after (kept in
 * the fragments with its notice version's tag; an entry with no tag, a
 * withdrawal's, is made every time).
 */
struct entry_arg {
	const struct scope *s;
	const void *what;
};

/* The key in the fragments of what kind of text was made from a tag. */
static uint64_t fragment_key(uint64_t tag, const char *kind)
{
	return nb_hash_end(nb_hash_add_str(nb_hash_add64(NB_HASH_START, tag), kind));
}

static int put_entry(struct nb_buf *out, const struct scope *s, uint64_t tag, const char *kind,
		     int depth, void (*write)(xmlTextWriterPtr w, const void *arg),
		     const void *what)
{
	struct nb_store *st = s->m->fragments;
	struct entry_arg a = { s, what };
	uint64_t key = fragment_key(tag, kind);
	size_t from = out->len;

	if (tag && nb_store_get(st, &key, out))
		return 0;
	if (nb_xml_fragment(out, depth, write, &a) < 0)
		return -1;
	if (tag)
		nb_store_put(st, &key, tag, out->ptr + from, out->len - from);
	return 0;
}

static int entry_failed(struct nb_xml *x, const char *rel, struct nb_diags *diags)
{
	if (x->w)
		xmlFreeTextWriter(x->w);
	if (x->buf)
		xmlBufferFree(x->buf);
	return nb_diags_add(diags, rel, 0, "this is a bug in nocblog; please report it",
			    "cannot write an entry of the feed");
}

static void notice_entry(xmlTextWriterPtr w, const struct scope *s, const struct nb_item *it)
{
	const struct nb_notice *n = it->notice;
	struct nb_buf url = NB_BUF_INIT, html = NB_BUF_INIT, sum = NB_BUF_INIT;
	char *id = notice_id(s, n);
	char t[32];

	nb_buf_printf(&url, "%s%s", s->site->base_url, it->url);
	xmlTextWriterStartElement(w, BAD_CAST "entry");
	nb_xml_element(w, "id", id);
	nb_xml_element(w, "title", n->title);
	iso(t, sizeof(t), n->published);
	nb_xml_element(w, "published", t);
	iso(t, sizeof(t), it->updated);
	nb_xml_element(w, "updated", t);
	person(w, "author", n->author ? n->author : s->site->author);
	atom_link(w, "alternate", url.ptr, "text/html");
	categories(w, s, n);
	summary_text(&sum, s, it);
	nb_xml_element(w, "summary", sum.ptr);
	thread_html(&html, s, it);
	html_content(w, html.ptr);
	xmlTextWriterEndElement(w);
	free(id);
	nb_buf_release(&url);
	nb_buf_release(&html);
	nb_buf_release(&sum);
}

static void write_notice_entry(xmlTextWriterPtr w, const void *arg)
{
	const struct entry_arg *a = arg;

	notice_entry(w, a->s, a->what);
}

static int atom_notices(const struct scope *s, struct nb_publish *pub, struct nb_diags *diags)
{
	struct nb_buf rel = NB_BUF_INIT, entries = NB_BUF_INIT;
	int ok = 1;
	struct nb_xml x = { NULL, NULL };
	size_t count, i, *order = by_updated(s, &count, s->site->feed_entries);
	int64_t gone = newest_tombstone(s), newest = count ? s->m->items[order[0]].updated : 0;
	int rc;

	if (nb_xml_begin(&x) == 0) {
		xmlTextWriterStartElementNS(x.w, NULL, BAD_CAST "feed", BAD_CAST ATOM_NS);
		if (gone)
			nb_xml_attribute(x.w, "xmlns:at", AT_NS);
		feed_head(x.w, s, "atom.xml", s->title, feed_updated(s, gone > newest ? gone : newest));
		if (gone)
			tombstones(x.w, s);
		xmlTextWriterEndElement(x.w);
	}
	for (i = 0; i < count && ok; i++) {
		const struct nb_item *it = &s->m->items[order[i]];

		ok = put_entry(&entries, s, nb_model_item_tag(s->m, it), "atom", 1, write_notice_entry,
			       it) == 0;
	}
	nb_buf_printf(&rel, "%satom.xml", s->dir);
	rc = ok ? nb_xml_end_with(&x, "</feed>", &entries, pub, rel.ptr, file_key(s, "atom.xml"),
				  diags) : entry_failed(&x, rel.ptr, diags);
	nb_buf_release(&rel);
	nb_buf_release(&entries);
	free(order);
	return rc;
}

/* ---- Atom: one entry per event ---- */

/* 1 when a withdrawn notice named the scope's server (or a member). */
static int withdrawn_in_scope(const struct scope *s, const struct nb_withdrawn *w)
{
	const struct nb_server_view *sv = s->sv;
	size_t i, j;

	if (!sv)
		return 1;
	for (i = 0; w->notice && i < w->notice->server_count; i++) {
		const char *id = w->notice->servers[i];

		if (strcmp(id, sv->server->id) == 0)
			return 1;
		for (j = 0; j < sv->member_count; j++)
			if (strcmp(id, s->m->servers[sv->members[j]].server->id) == 0)
				return 1;
	}
	return 0;
}

/* The scope's events, newest first, at most feed_updates of them. */
static size_t *events_of(const struct scope *s, size_t *count)
{
	const struct nb_model *m = s->m;
	size_t *order = nb_calloc(m->event_count + 1, sizeof(*order)), n = 0, i, j;

	if (!s->sv) {
		if (m->event_count)
			memcpy(order, m->event_order, m->event_count * sizeof(*order));
		n = m->event_count;
	} else {
		for (i = 0; i < s->count; i++) {
			const struct nb_item *it = &m->items[s->items[i]];

			for (j = 0; j < it->event_count; j++)
				order[n++] = it->first_event + j;
		}
		for (i = 0; i < m->event_count; i++)
			if (m->events[i].kind == NB_EVENT_WITHDRAWN &&
			    withdrawn_in_scope(s, &m->content->withdrawn[m->events[i].item]))
				order[n++] = i;
		nb_sort_r(order, n, sizeof(*order), nb_model_event_newer, (void *)m);
	}
	*count = n < (size_t)s->site->feed_updates ? n : (size_t)s->site->feed_updates;
	return order;
}

void nb_feed_event_text(const struct nb_model *m, const struct nb_event *e, int full,
			struct nb_buf *title, struct nb_buf *html, struct nb_buf *plain)
{
	const struct nb_site *site = &m->content->site;
	const struct nb_item *it = e->kind == NB_EVENT_WITHDRAWN ? NULL : &m->items[e->item];
	const struct nb_notice *n = it ? it->notice : NULL;
	const char *zone = site->timezone;
	char t[64], *win = NULL, *whole = NULL;

	if (it)
		nb_model_text(m, it);
	when(t, sizeof(t), site, e->time);
	switch (e->kind) {
	case NB_EVENT_OPENED:
		if (n->kind == NB_MAINTENANCE && n->has_window) {
			/* the window as first announced, before any move */
			const struct nb_window_move *first =
				n->window_changes && n->window_moves ? &n->window_moves[0] : NULL;

			win = nb_model_window_text(zone, first ? first->from_start : n->window_start,
						   first ? first->from_end : n->window_end);
			nb_buf_printf(title, "maintenance scheduled for %s", win);
		} else {
			nb_buf_puts(title, n->kind == NB_MAINTENANCE ? "maintenance announced" : "opened");
		}
		/* as it was published: its first status (which whole text goes
		 * without: it goes where a status has its own place) and window */
		if (!full) {
			nb_buf_printf(html, "<p><strong>%s</strong></p>\n",
				      nb_notice_status_label(first_status(n)));
			nb_buf_printf(plain, "%s. ", nb_notice_status_label(first_status(n)));
		}
		if (win) {
			nb_buf_printf(html, "<p>Window: %s</p>\n", win);
			nb_buf_printf(plain, "Window: %s. ", win);
		}
		nb_buf_printf(html, "%s\n", it->body_html);
		if (full)
			whole = nb_text_summary(n->body, SIZE_MAX / 2);
		nb_buf_puts(plain, whole ? whole : it->body_summary);
		break;
	case NB_EVENT_UPDATE:
		nb_buf_printf(title, "update %s", t);
		nb_buf_printf(html, "%s\n", it->update_html[e->index]);
		if (full)
			whole = nb_text_summary(n->updates[e->index].markdown, SIZE_MAX / 2);
		nb_buf_puts(plain, whole ? whole : it->update_summary[e->index]);
		break;
	case NB_EVENT_MOVED: {
		const struct nb_window_move *mv = &n->window_moves[e->index];
		char *was = nb_model_window_text(zone, mv->from_start, mv->from_end);

		win = nb_model_window_text(zone, mv->to_start, mv->to_end);
		nb_buf_printf(title, "maintenance moved to %s", win);
		nb_buf_printf(plain, "The maintenance window moved to %s (it was %s).", win, was);
		free(was);
		break;
	}
	case NB_EVENT_STATUS:
		if (n->kind == NB_MAINTENANCE)
			nb_buf_puts(title, e->status == NB_IN_PROGRESS ? "maintenance started" :
					   e->status == NB_COMPLETED ? "maintenance completed" :
					   e->status == NB_CANCELLED ? "maintenance cancelled" :
					   "maintenance scheduled again");
		else
			nb_buf_puts(title, e->status == NB_RESOLVED ? "resolved" :
					   e->status == NB_IDENTIFIED ? "identified" :
					   e->status == NB_MONITORING ? "monitoring" :
					   "investigating again");
		nb_buf_printf(plain, "Status: %s, %s.", nb_notice_status_label(e->status), t);
		if (e->status == NB_RESOLVED && e->time >= n->published) {
			nb_buf_puts(plain, " Resolved after ");
			nb_model_duration(plain, e->time - n->published);
			nb_buf_puts(plain, ".");
		}
		break;
	case NB_EVENT_WITHDRAWN: {
		const struct nb_withdrawn *w = &m->content->withdrawn[e->item];
		int mnt = w->notice && w->notice->kind == NB_MAINTENANCE;

		nb_buf_puts(title, mnt ? "maintenance cancelled: notice withdrawn" : "withdrawn");
		nb_buf_printf(plain, "This %s was withdrawn, %s: it is no longer on the site.",
			      mnt ? "maintenance" : "notice", t);
		break;
	}
	}
	if (!html->len) {
		nb_buf_puts(html, "<p>");
		nb_xml_escape_into(html, nb_buf_cstr(plain));
		nb_buf_puts(html, "</p>\n");
	}
	free(win);
	free(whole);
}

static void event_entry(xmlTextWriterPtr w, const struct scope *s, const struct nb_event *e)
{
	const struct nb_withdrawn *wd = e->kind == NB_EVENT_WITHDRAWN ?
					&s->m->content->withdrawn[e->item] : NULL;
	const struct nb_item *it = wd ? NULL : &s->m->items[e->item];
	const struct nb_notice *n = it ? it->notice : wd->notice;
	struct nb_buf url = NB_BUF_INIT, link = NB_BUF_INIT, title = NB_BUF_INIT, id = NB_BUF_INIT;
	struct nb_buf html = NB_BUF_INIT, sum = NB_BUF_INIT;
	char *nid = nb_feed_event_notice_id(s->m, e);
	char t[32];

	nb_buf_printf(&id, "%s/%s", nid, e->key);
	nb_buf_printf(&title, "%s \u2014 ", wd ? wd->title : n->title);
	nb_feed_event_text(s->m, e, 0, &title, &html, &sum);
	if (it) {
		nb_buf_printf(&url, "%s%s", s->site->base_url, it->url);
		nb_buf_puts(&link, url.ptr);
		if (e->kind == NB_EVENT_UPDATE)
			nb_buf_printf(&link, "#update-%zu", e->index + 1);
	}
	xmlTextWriterStartElement(w, BAD_CAST "entry");
	nb_xml_element(w, "id", id.ptr);
	nb_xml_element(w, "title", title.ptr);
	iso(t, sizeof(t), e->time);
	nb_xml_element(w, "published", t);
	iso(t, sizeof(t), e->updated);
	nb_xml_element(w, "updated", t);
	person(w, "author", e->author && *e->author ? e->author : s->site->author);
	if (it) {
		atom_link(w, "alternate", link.ptr, "text/html");
		atom_link(w, "related", url.ptr, "text/html");
	}
	xmlTextWriterStartElementNS(w, BAD_CAST "thr", BAD_CAST "in-reply-to", NULL);
	nb_xml_attribute(w, "ref", nid);
	if (it) {
		nb_xml_attribute(w, "href", url.ptr);
		nb_xml_attribute(w, "type", "text/html");
	}
	xmlTextWriterEndElement(w);
	if (n)
		categories(w, s, n);
	nb_xml_element(w, "summary", nb_buf_cstr(&sum));
	html_content(w, html.ptr);
	xmlTextWriterEndElement(w);
	free(nid);
	nb_buf_release(&url);
	nb_buf_release(&link);
	nb_buf_release(&title);
	nb_buf_release(&id);
	nb_buf_release(&html);
	nb_buf_release(&sum);
}

static void write_event_entry(xmlTextWriterPtr w, const void *arg)
{
	const struct entry_arg *a = arg;

	event_entry(w, a->s, a->what);
}

static int atom_updates(const struct scope *s, struct nb_publish *pub, struct nb_diags *diags)
{
	struct nb_buf rel = NB_BUF_INIT, title = NB_BUF_INIT, entries = NB_BUF_INIT;
	int ok = 1;
	struct nb_xml x = { NULL, NULL };
	size_t count, i, *order = events_of(s, &count);
	int64_t newest = 0;
	int rc;

	for (i = 0; i < count; i++)
		if (s->m->events[order[i]].updated > newest)
			newest = s->m->events[order[i]].updated;
	if (nb_xml_begin(&x) == 0) {
		xmlTextWriterStartElementNS(x.w, NULL, BAD_CAST "feed", BAD_CAST ATOM_NS);
		nb_xml_attribute(x.w, "xmlns:thr", THR_NS);
		nb_buf_printf(&title, "%s: every update", s->title);
		feed_head(x.w, s, "updates.xml", title.ptr, feed_updated(s, newest));
		xmlTextWriterEndElement(x.w);
	}
	for (i = 0; i < count && ok; i++) {
		const struct nb_event *e = &s->m->events[order[i]];
		uint64_t tag = e->kind == NB_EVENT_WITHDRAWN ? 0 :
			       nb_model_item_tag(s->m, &s->m->items[e->item]);
		struct nb_buf kind = NB_BUF_INIT;

		nb_buf_printf(&kind, "event %s", e->key);
		ok = put_entry(&entries, s, tag, kind.ptr, 1, write_event_entry, e) == 0;
		nb_buf_release(&kind);
	}
	nb_buf_printf(&rel, "%supdates.xml", s->dir);
	rc = ok ? nb_xml_end_with(&x, "</feed>", &entries, pub, rel.ptr,
				  file_key(s, "updates.xml"), diags) :
		  entry_failed(&x, rel.ptr, diags);
	nb_buf_release(&rel);
	nb_buf_release(&title);
	nb_buf_release(&entries);
	free(order);
	return rc;
}

/* ---- RSS 2.0 ---- */

static void rfc822(char *out, size_t size, int64_t t)
{
	nb_tz_format(out, size, "%a, %d %b %Y %H:%M:%S +0000", "UTC", t);
}

static void write_rss_item(xmlTextWriterPtr w, const void *arg)
{
	const struct entry_arg *a = arg;
	const struct nb_item *it = a->what;
	const struct nb_notice *n = it->notice;
	struct nb_buf url = NB_BUF_INIT, html = NB_BUF_INIT;
	char *id = notice_id(a->s, n);
	char t[64];
	size_t j;

	nb_buf_printf(&url, "%s%s", a->s->site->base_url, it->url);
	thread_html(&html, a->s, it);
	xmlTextWriterStartElement(w, BAD_CAST "item");
	nb_xml_element(w, "title", n->title);
	nb_xml_element(w, "link", url.ptr);
	xmlTextWriterStartElement(w, BAD_CAST "guid");
	nb_xml_attribute(w, "isPermaLink", "false");
	nb_xml_text(w, id);
	xmlTextWriterEndElement(w);
	rfc822(t, sizeof(t), n->published);
	nb_xml_element(w, "pubDate", t);
	for (j = 0; j < n->server_count; j++)
		nb_xml_element(w, "category", n->servers[j]);
	nb_xml_element(w, "description", html.ptr);
	xmlTextWriterEndElement(w);
	free(id);
	nb_buf_release(&url);
	nb_buf_release(&html);
}

static int rss(const struct scope *s, struct nb_publish *pub, struct nb_diags *diags)
{
	struct nb_buf rel = NB_BUF_INIT, self = NB_BUF_INIT, alt = NB_BUF_INIT;
	struct nb_buf items = NB_BUF_INIT;
	struct nb_xml x = { NULL, NULL };
	size_t count, i, *order = by_updated(s, &count, s->site->feed_entries);
	char t[64];
	int rc, ok = 1;

	nb_buf_printf(&self, "%s%srss.xml", s->site->base_url, s->dir);
	nb_buf_printf(&alt, "%s%s", s->site->base_url, s->dir);
	if (nb_xml_begin(&x) == 0) {
		xmlTextWriterStartElement(x.w, BAD_CAST "rss");
		nb_xml_attribute(x.w, "version", "2.0");
		nb_xml_attribute(x.w, "xmlns:atom", ATOM_NS);
		xmlTextWriterStartElement(x.w, BAD_CAST "channel");
		nb_xml_element(x.w, "title", s->title);
		nb_xml_element(x.w, "link", alt.ptr);
		nb_xml_element(x.w, "description", s->title);
		nb_xml_element(x.w, "language", "en");
		rfc822(t, sizeof(t), feed_updated(s, count ? s->m->items[order[0]].updated : 0));
		nb_xml_element(x.w, "lastBuildDate", t);
		xmlTextWriterStartElementNS(x.w, BAD_CAST "atom", BAD_CAST "link", NULL);
		nb_xml_attribute(x.w, "href", self.ptr);
		nb_xml_attribute(x.w, "rel", "self");
		nb_xml_attribute(x.w, "type", "application/rss+xml");
		xmlTextWriterEndElement(x.w);
		if (s->site->hub) {
			xmlTextWriterStartElementNS(x.w, BAD_CAST "atom", BAD_CAST "link", NULL);
			nb_xml_attribute(x.w, "href", s->site->hub);
			nb_xml_attribute(x.w, "rel", "hub");
			xmlTextWriterEndElement(x.w);
		}
		xmlTextWriterEndElement(x.w);
		xmlTextWriterEndElement(x.w);
	}
	for (i = 0; i < count && ok; i++) {
		const struct nb_item *it = &s->m->items[order[i]];

		ok = put_entry(&items, s, nb_model_item_tag(s->m, it), "rss", 2, write_rss_item,
			       it) == 0;
	}
	nb_buf_printf(&rel, "%srss.xml", s->dir);
	rc = ok ? nb_xml_end_with(&x, "</channel>", &items, pub, rel.ptr, file_key(s, "rss.xml"),
				  diags) : entry_failed(&x, rel.ptr, diags);
	nb_buf_release(&rel);
	nb_buf_release(&items);
	nb_buf_release(&self);
	nb_buf_release(&alt);
	free(order);
	return rc;
}

/* ---- JSON Feed 1.1 ---- */

static json_t *json_item(const struct scope *s, const struct nb_item *it)
{
	const struct nb_notice *n = it->notice;
	struct nb_buf url = NB_BUF_INIT, html = NB_BUF_INIT, sum = NB_BUF_INIT;
	json_t *o = json_object(), *author = json_object(), *tags = json_array();
	char *id = notice_id(s, n);
	char t[32];
	size_t j;

	nb_buf_printf(&url, "%s%s", s->site->base_url, it->url);
	thread_html(&html, s, it);
	summary_text(&sum, s, it);
	nb_json_set(o, "id", nb_json_str(id));
	nb_json_set(o, "url", nb_json_str(url.ptr));
	nb_json_set(o, "title", nb_json_str(n->title));
	nb_json_set(o, "content_html", nb_json_str(html.ptr));
	nb_json_set(o, "summary", nb_json_str(sum.ptr));
	iso(t, sizeof(t), n->published);
	nb_json_set(o, "date_published", nb_json_str(t));
	iso(t, sizeof(t), it->updated);
	nb_json_set(o, "date_modified", nb_json_str(t));
	nb_json_set(author, "name", nb_json_str(n->author ? n->author : s->site->author));
	nb_json_set(o, "authors", json_pack("[o]", author));
	for (j = 0; j < n->server_count; j++)
		json_array_append_new(tags, nb_json_str(n->servers[j]));
	nb_json_set(o, "tags", tags);
	free(id);
	nb_buf_release(&url);
	nb_buf_release(&html);
	nb_buf_release(&sum);
	return o;
}

/* A notice's item, from the fragments when made before (see put_entry). */
static int put_json_item(struct nb_buf *out, const struct scope *s, const struct nb_item *it)
{
	uint64_t tag = nb_model_item_tag(s->m, it), key = fragment_key(tag, "json");
	size_t from = out->len;
	json_t *o;
	int rc;

	if (nb_store_get(s->m->fragments, &key, out))
		return 0;
	o = json_item(s, it);
	rc = nb_json_put(out, o);
	json_decref(o);
	if (rc == 0)
		nb_store_put(s->m->fragments, &key, tag, out->ptr + from, out->len - from);
	return rc;
}

/*
 * The same notices as atom.xml.  The feed's head is written by jansson,
 * then the items, each written by jansson alone (or copied from the
 * fragments), are put in its last member: the bytes jansson would write
 * for the whole.
 */
static int json_feed(const struct scope *s, struct nb_publish *pub, struct nb_diags *diags)
{
	struct nb_buf rel = NB_BUF_INIT, url = NB_BUF_INIT, out = NB_BUF_INIT;
	size_t count, i, *order = by_updated(s, &count, s->site->feed_entries);
	json_t *head = json_object(), *author = json_object();
	int rc = 0;

	nb_buf_printf(&url, "%s%s", s->site->base_url, s->dir);
	nb_json_set(head, "version", json_string("https://jsonfeed.org/version/1.1"));
	nb_json_set(head, "title", nb_json_str(s->title));
	nb_json_set(head, "home_page_url", nb_json_str(url.ptr));
	nb_buf_puts(&url, "feed.json");
	nb_json_set(head, "feed_url", nb_json_str(url.ptr));
	nb_json_set(head, "language", json_string("en"));
	if (s->site->hub) {
		json_t *hub = json_object();

		nb_json_set(hub, "type", json_string("WebSub"));
		nb_json_set(hub, "url", nb_json_str(s->site->hub));
		nb_json_set(head, "hubs", json_pack("[o]", hub));
	}
	nb_json_set(author, "name", nb_json_str(s->site->author));
	nb_json_set(head, "authors", json_pack("[o]", author));
	if (nb_json_put(&out, head) < 0 || !out.len || out.ptr[out.len - 1] != '}')
		rc = -1;
	if (rc == 0) {
		nb_buf_truncate(&out, out.len - 1);
		nb_buf_puts(&out, ",\"items\":[");
	}
	for (i = 0; i < count && rc == 0; i++) {
		if (i)
			nb_buf_putc(&out, ',');
		rc = put_json_item(&out, s, &s->m->items[order[i]]);
	}
	nb_buf_printf(&rel, "%sfeed.json", s->dir);
	if (rc == 0) {
		nb_buf_puts(&out, "]}\n");
		rc = nb_publish_write_key(pub, rel.ptr, out.ptr, out.len, file_key(s, "feed.json"),
					  diags);
	} else {
		rc = nb_diags_add(diags, rel.ptr, 0, "this is a bug in nocblog; please report it",
				  "cannot write the JSON feed");
	}
	json_decref(head);
	nb_buf_release(&rel);
	nb_buf_release(&url);
	nb_buf_release(&out);
	free(order);
	return rc;
}

/* ---- iCalendar ---- */

static struct icaltimetype utc_time(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone());
}

/*
 * Text for a calendar property.  libical escapes line feeds, commas and
 * semicolons and folds long lines, but writes other control characters and
 * broken UTF-8 as they are: those become U+FFFD, and a carriage return
 * (allowed in XML, not in iCalendar text) a line feed.  The caller frees it.
 */
static char *ical_text(const char *text)
{
	char *clean = nb_utf8_clean(text), *r, *w;

	for (r = w = clean; *r; r++) {
		if (*r != '\r')
			*w++ = *r;
		else if (r[1] != '\n')
			*w++ = '\n';
	}
	*w = '\0';
	return clean;
}

static icalproperty *text_property(icalproperty *(*make)(const char *), const char *text)
{
	char *clean = ical_text(text);
	icalproperty *p = make(clean);

	free(clean);
	return p;
}

/* One maintenance window as a calendar event.  A window moved or
 * cancelled raises SEQUENCE, so calendars replace what they hold. */
struct window_fields {
	const char *id, *title, *url, *description;
	char *const *servers;
	size_t server_count;
	int64_t stamp, start, end;
	int sequence;
	icalproperty_status status;
};

static icalcomponent *window_event(const struct window_fields *f)
{
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	struct nb_buf cats = NB_BUF_INIT;
	size_t i;

	for (i = 0; i < f->server_count; i++)
		nb_buf_printf(&cats, "%s%s", i ? "," : "", f->servers[i]);
	icalcomponent_add_property(ev, text_property(icalproperty_new_uid, f->id));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(f->stamp)));
	icalcomponent_add_property(ev, icalproperty_new_dtstart(utc_time(f->start)));
	icalcomponent_add_property(ev, icalproperty_new_dtend(utc_time(f->end)));
	icalcomponent_add_property(ev, text_property(icalproperty_new_summary, f->title));
	icalcomponent_add_property(ev, text_property(icalproperty_new_description, f->description));
	if (f->url)
		icalcomponent_add_property(ev, text_property(icalproperty_new_url, f->url));
	icalcomponent_add_property(ev, icalproperty_new_sequence(f->sequence));
	icalcomponent_add_property(ev, icalproperty_new_status(f->status));
	if (cats.len)
		icalcomponent_add_property(ev, text_property(icalproperty_new_categories, cats.ptr));
	nb_buf_release(&cats);
	return ev;
}

/*
 * A maintenance notice's event: tentative while scheduled, cancelled when
 * cancelled, else confirmed; a completed one ends when it completed.
 */
static icalcomponent *notice_event(const struct scope *s, const struct nb_item *it)
{
	const struct nb_notice *n = it->notice;
	struct nb_buf url = NB_BUF_INIT, desc = NB_BUF_INIT;
	char *id = notice_id(s, n), *text = nb_text_summary(n->body, 600);
	struct window_fields f;
	icalcomponent *ev;

	nb_buf_printf(&url, "%s%s", s->site->base_url, it->url);
	nb_buf_printf(&desc, "%s\n\n%s", text, url.ptr);
	memset(&f, 0, sizeof(f));
	f.id = id;
	f.title = n->title;
	f.url = url.ptr;
	f.description = desc.ptr;
	f.servers = n->servers;
	f.server_count = n->server_count;
	f.stamp = it->updated;
	f.start = n->window_start;
	f.end = n->status == NB_COMPLETED && it->resolved > n->window_start ? it->resolved :
									      n->window_end;
	f.sequence = (int)n->window_changes + (n->status == NB_CANCELLED);
	f.status = n->status == NB_SCHEDULED ? ICAL_STATUS_TENTATIVE :
		   n->status == NB_CANCELLED ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED;
	ev = window_event(&f);
	free(id);
	free(text);
	nb_buf_release(&url);
	nb_buf_release(&desc);
	return ev;
}

/* A maintenance notice withdrawn lately: its event, cancelled, so that
 * subscribed calendars drop it. */
static icalcomponent *withdrawn_event(const struct scope *s, const struct nb_withdrawn *w)
{
	const struct nb_notice *n = w->notice;
	struct nb_buf desc = NB_BUF_INIT;
	char *id = nb_feed_notice_id(s->site, w->first_path, w->added);
	struct window_fields f;
	icalcomponent *ev;
	char t[64];

	when(t, sizeof(t), s->site, w->withdrawn);
	nb_buf_printf(&desc, "Cancelled: the notice was withdrawn, %s.", t);
	memset(&f, 0, sizeof(f));
	f.id = id;
	f.title = n->title;
	f.description = desc.ptr;
	f.servers = n->servers;
	f.server_count = n->server_count;
	f.stamp = w->withdrawn;
	f.start = n->window_start;
	f.end = n->window_end;
	f.sequence = (int)w->window_changes + 1;
	f.status = ICAL_STATUS_CANCELLED;
	ev = window_event(&f);
	free(id);
	nb_buf_release(&desc);
	return ev;
}

/*
 * RFC 5545 wants at least one component in a calendar.  One with no
 * event gets the UTC zone its events would use: valid, and nothing shows.
 */
static icalcomponent *utc_zone(void)
{
	icalcomponent *zone = icalcomponent_new(ICAL_VTIMEZONE_COMPONENT);
	icalcomponent *std = icalcomponent_new(ICAL_XSTANDARD_COMPONENT);
	struct icaltimetype epoch = icaltime_from_string("19700101T000000");

	icalcomponent_add_property(zone, icalproperty_new_tzid("UTC"));
	icalcomponent_add_property(std, icalproperty_new_dtstart(epoch));
	icalcomponent_add_property(std, icalproperty_new_tzoffsetfrom(0));
	icalcomponent_add_property(std, icalproperty_new_tzoffsetto(0));
	icalcomponent_add_property(std, icalproperty_new_tzname("UTC"));
	icalcomponent_add_component(zone, std);
	return zone;
}

/*
 * libical before 4.0.3 (libical PR #1338) can fold a line inside or right
 * before its own line end, when the line's length falls on a fold: a title
 * of 73 characters gave "CR CR LF SP LF", which breaks parsers, and one of
 * 74 an empty continuation line "CR LF SP CR LF", which some servers
 * refuse.  Both become a plain CRLF, in place.  Property values cannot hold
 * either sequence: libical escapes line feeds and drops carriage returns.
 */
static void repair_folds(char *text)
{
	char *r = text, *w = text;

	while (*r) {
		if (strncmp(r, "\r\r\n \n", 5) == 0 || strncmp(r, "\r\n \r\n", 5) == 0) {
			memcpy(w, "\r\n", 2);
			w += 2;
			r += 5;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/* Appends component c as text, and frees it. */
static void put_component(struct nb_buf *out, icalcomponent *c)
{
	char *text = icalcomponent_as_ical_string_r(c);

	repair_folds(text);
	nb_buf_puts(out, text);
	free(text);
	icalcomponent_free(c);
}

/* A maintenance notice's event as text: made once for every calendar that
 * holds it, and kept in the fragments for the builds after. */
static void put_notice_event(const struct scope *s, const struct nb_item *it, struct nb_buf *out)
{
	struct nb_store *st = s->m->fragments;
	uint64_t tag = nb_model_item_tag(s->m, it);
	uint64_t key = fragment_key(tag, "vevent");
	size_t from = out->len;

	if (nb_store_get(st, &key, out))
		return;
	put_component(out, notice_event(s, it));
	nb_store_put(st, &key, tag, out->ptr + from, out->len - from);
}

/*
 * A calendar is written as libical writes a VCALENDAR: its properties,
 * then each event as libical writes it alone (the same bytes), which lets
 * an event be made once for every calendar and build.
 */
static int calendar(const struct scope *s, struct nb_publish *pub, struct nb_diags *diags)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	const struct nb_content *c = s->m->content;
	struct nb_buf rel = NB_BUF_INIT, name = NB_BUF_INIT, text = NB_BUF_INIT;
	static const char end[] = "END:VCALENDAR\r\n";
	icalproperty *p;
	size_t i, events = 0;
	int rc;

	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//nocblog//NOC status//EN"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	nb_buf_printf(&name, "%s: maintenance", s->title);
	p = text_property(icalproperty_new_x, name.ptr);
	icalproperty_set_x_name(p, "X-WR-CALNAME");
	icalcomponent_add_property(cal, p);
	put_component(&text, cal);
	if (text.len < strlen(end) || strcmp(text.ptr + text.len - strlen(end), end) != 0) {
		nb_buf_release(&text);
		nb_buf_release(&name);
		return nb_diags_add(diags, "maintenance.ics", 0, "this is a bug in nocblog",
				    "libical wrote a calendar that does not end with %s", "END:VCALENDAR");
	}
	nb_buf_truncate(&text, text.len - strlen(end));
	for (i = 0; i < s->count; i++) {
		const struct nb_item *it = &s->m->items[s->items[i]];

		if (it->notice->kind == NB_MAINTENANCE && it->notice->has_window) {
			put_notice_event(s, it, &text);
			events++;
		}
	}
	for (i = 0; i < c->withdrawn_count; i++) {
		const struct nb_withdrawn *w = &c->withdrawn[i];

		if (w->notice && w->notice->kind == NB_MAINTENANCE && w->notice->has_window &&
		    nb_content_recently_withdrawn(c, w->withdrawn) && withdrawn_in_scope(s, w)) {
			put_component(&text, withdrawn_event(s, w));
			events++;
		}
	}
	if (!events)
		put_component(&text, utc_zone());
	nb_buf_puts(&text, end);
	nb_buf_printf(&rel, "%smaintenance.ics", s->dir);
	rc = nb_publish_write_key(pub, rel.ptr, text.ptr, text.len,
				  file_key(s, "maintenance.ics"), diags);
	nb_buf_release(&text);
	nb_buf_release(&rel);
	nb_buf_release(&name);
	return rc;
}

/* ---- all of them ---- */

/*
 * What a scope's feeds show, as a key: the items in it, every event of
 * theirs (in their digests), the withdrawals it tells of, and the time an
 * empty feed takes; with the theme, program and site.yaml (the shape).
 */
static uint64_t scope_key(const struct scope *s, int calendar)
{
	const struct nb_content *c = s->m->content;
	uint64_t h = nb_hash_add_str(nb_hash_add64(NB_HASH_START, s->m->shape), "feeds");
	size_t i;

	h = nb_hash_add_str(nb_hash_add_str(h, s->dir), s->title);
	/* the calendar shows maintenance windows alone, with no time of its own */
	h = nb_hash_add64(h, (uint64_t)calendar);
	if (!calendar)
		h = nb_hash_add64(nb_hash_add64(h, (uint64_t)feed_updated(s, 0)), s->count);
	for (i = 0; i < s->count; i++) {
		const struct nb_item *it = &s->m->items[s->items[i]];

		if (!calendar || (it->notice->kind == NB_MAINTENANCE && it->notice->has_window))
			h = nb_hash_add64(h, it->digest);
	}
	for (i = 0; i < c->withdrawn_count; i++) {
		const struct nb_withdrawn *w = &c->withdrawn[i];

		if (!nb_content_recently_withdrawn(c, w->withdrawn) || !withdrawn_in_scope(s, w) ||
		    (calendar && !(w->notice && w->notice->kind == NB_MAINTENANCE)))
			continue;
		h = nb_hash_add_str(nb_hash_add_str(h, w->first_path), w->title);
		h = nb_hash_add_str(nb_hash_add_str(h, w->author), w->path);
		h = nb_hash_add64(nb_hash_add64(h, (uint64_t)w->withdrawn), (uint64_t)w->added);
		h = nb_hash_add64(h, w->notice ? w->notice->text_hash : 0);
		h = nb_hash_add64(h, w->window_changes);
	}
	return h;
}

/* 1 when the live site has the scope's file from the same key (linked). */
static int reused(const struct scope *s, struct nb_publish *pub, const char *name)
{
	struct nb_buf rel = NB_BUF_INIT;
	int same;

	nb_buf_printf(&rel, "%s%s", s->dir, name);
	same = nb_publish_reuse(pub, rel.ptr, file_key(s, name));
	nb_buf_release(&rel);
	return same;
}

static int write_scope(struct scope *s, struct nb_publish *pub, struct nb_diags *diags)
{
	s->key = scope_key(s, 0);
	s->calendar_key = scope_key(s, 1);
	if ((!reused(s, pub, "atom.xml") && atom_notices(s, pub, diags) < 0) ||
	    (!reused(s, pub, "rss.xml") && rss(s, pub, diags) < 0) ||
	    (!reused(s, pub, "feed.json") && json_feed(s, pub, diags) < 0) ||
	    (!reused(s, pub, "updates.xml") && atom_updates(s, pub, diags) < 0) ||
	    (!reused(s, pub, "maintenance.ics") && calendar(s, pub, diags) < 0))
		return -1;
	return 0;
}

int nb_feed_write_all(const struct nb_model *m, const char *theme, struct nb_publish *pub,
		      struct nb_diags *diags)
{
	const struct nb_site *site = &m->content->site;
	size_t *all = nb_calloc(m->count + 1, sizeof(*all)), i;
	struct threads threads = { nb_render_thread_new(m, theme),
				   nb_calloc(m->count + 1, sizeof(char *)),
				   nb_calloc(m->count + 1, 1), diags };
	struct scope s;
	int rc = 0;

	for (i = 0; i < m->count; i++)
		all[i] = i;
	memset(&s, 0, sizeof(s));
	s.m = m;
	s.site = site;
	s.dir = "";
	s.title = site->title;
	s.items = all;
	s.count = m->count;
	s.site_wide = 1;
	s.threads = &threads;
	rc = write_scope(&s, pub, diags);
	for (i = 0; rc == 0 && i < m->server_count; i++) {
		const struct nb_server_view *sv = &m->servers[i];
		struct nb_buf title = NB_BUF_INIT;

		nb_buf_printf(&title, "%s: %s", site->title, sv->server->name);
		s.dir = sv->url;
		s.title = title.ptr;
		s.items = sv->items;
		s.count = sv->count;
		s.site_wide = 0;
		s.sv = sv;
		rc = write_scope(&s, pub, diags);
		nb_buf_release(&title);
	}
	for (i = 0; i < m->count; i++)
		free(threads.html[i]);
	free(threads.html);
	free(threads.uses);
	nb_render_thread_free(threads.renderer);
	free(all);
	return rc;
}
