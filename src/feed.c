#include "feed.h"

#include <libical/ical.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "content.h"
#include "diag.h"
#include "model.h"
#include "notice.h"
#include "publish.h"
#include "site.h"
#include "text.h"
#include "tz.h"
#include "util.h"

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
};

/* ---- ids and times ---- */

static void host_of(struct nb_buf *out, const char *url)
{
	const char *p = strstr(url, "://"), *end;

	p = p ? p + 3 : url;
	end = p + strcspn(p, "/:?#");
	for (; p < end; p++)
		nb_buf_putc(out, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
}

char *nb_feed_notice_id(const struct nb_site *site, const char *first_path, int64_t added)
{
	struct nb_buf id = NB_BUF_INIT;
	char day[16];
	const char *p;

	nb_tz_format(day, sizeof(day), "%Y-%m-%d", "UTC", added);
	nb_buf_puts(&id, "tag:");
	host_of(&id, site->base_url);
	nb_buf_printf(&id, ",%s:/", day);
	for (p = first_path; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/", c))
			nb_buf_putc(&id, (char)c);
		else
			nb_buf_printf(&id, "%%%02X", c);
	}
	return nb_buf_detach(&id);
}

static char *notice_id(const struct scope *s, const struct nb_notice *n)
{
	return nb_feed_notice_id(s->site, n->first_path ? n->first_path : n->path, n->added);
}

/* An update's id: the notice's, the commit that added it, and its place
 * among that commit's updates, so edits and insertions change no id. */
static char *update_id(const char *notice, const struct nb_notice *n, size_t i)
{
	struct nb_buf id = NB_BUF_INIT;
	const char *commit = n->updates[i].commit;
	size_t j, k = 1;

	for (j = 0; j < i; j++)
		k += strcmp(n->updates[j].commit, commit) == 0;
	nb_buf_printf(&id, "%s/update/%.12s-%zu", notice, commit[0] ? commit : "worktree", k);
	return nb_buf_detach(&id);
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

static int64_t update_updated(const struct nb_update *u)
{
	return u->edited > u->time ? u->edited : u->time;
}

/* ---- writing XML ---- */

struct xml {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
};

static int xml_begin(struct xml *x)
{
	x->buf = xmlBufferCreate();
	x->w = x->buf ? xmlNewTextWriterMemory(x->buf, 0) : NULL;
	if (!x->w)
		return -1;
	xmlTextWriterSetIndent(x->w, 1);
	xmlTextWriterSetIndentString(x->w, BAD_CAST "  ");
	return xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0 ? -1 : 0;
}

static int xml_end(struct xml *x, struct nb_publish *pub, const char *rel,
		   struct nb_diags *diags)
{
	int rc = -1;

	if (x->w && xmlTextWriterEndDocument(x->w) >= 0) {
		xmlFreeTextWriter(x->w);
		x->w = NULL;
		rc = nb_publish_write(pub, rel, (const char *)xmlBufferContent(x->buf),
				      (size_t)xmlBufferLength(x->buf), diags);
	} else {
		nb_diags_add(diags, rel, 0, "this is a bug in nocblog; please report it",
			     "cannot write the feed");
	}
	if (x->w)
		xmlFreeTextWriter(x->w);
	if (x->buf)
		xmlBufferFree(x->buf);
	return rc;
}

/*
 * Every piece of text goes out through these three.  libxml2's writer
 * escapes markup but passes control characters and broken UTF-8 (a commit
 * author, a YAML "\x01", a file name) through, which would make the whole
 * feed unreadable: they are replaced here.
 */
static void element(xmlTextWriterPtr w, const char *name, const char *text)
{
	char *clean = nb_utf8_clean(text);

	xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST clean);
	free(clean);
}

static void attribute(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *clean = nb_utf8_clean(value);

	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST clean);
	free(clean);
}

static void text_node(xmlTextWriterPtr w, const char *text)
{
	char *clean = nb_utf8_clean(text);

	xmlTextWriterWriteString(w, BAD_CAST clean);
	free(clean);
}

static void atom_link(xmlTextWriterPtr w, const char *rel, const char *href, const char *type)
{
	xmlTextWriterStartElement(w, BAD_CAST "link");
	attribute(w, "rel", rel);
	attribute(w, "href", href);
	if (type)
		attribute(w, "type", type);
	xmlTextWriterEndElement(w);
}

static void person(xmlTextWriterPtr w, const char *tag, const char *name)
{
	xmlTextWriterStartElement(w, BAD_CAST tag);
	element(w, "name", name);
	xmlTextWriterEndElement(w);
}

static void categories(xmlTextWriterPtr w, const struct scope *s, const struct nb_notice *n)
{
	struct nb_buf scheme = NB_BUF_INIT;
	size_t i;

	nb_buf_printf(&scheme, "%sservers/", s->site->base_url);
	for (i = 0; i < n->server_count; i++) {
		const struct nb_server *sv = nb_site_server(s->site, n->servers[i]);

		xmlTextWriterStartElement(w, BAD_CAST "category");
		attribute(w, "term", n->servers[i]);
		attribute(w, "scheme", scheme.ptr);
		attribute(w, "label", sv ? sv->name : n->servers[i]);
		xmlTextWriterEndElement(w);
	}
	nb_buf_release(&scheme);
}

static const char *status_label(enum nb_status s)
{
	static const char *const labels[] = {
		"Investigating", "Identified", "Monitoring", "Resolved",
		"Scheduled", "In progress", "Completed",
	};

	return labels[s];
}

/* The whole thread as HTML, newest update first. */
static void thread_html(struct nb_buf *out, const struct scope *s, const struct nb_item *it)
{
	const struct nb_notice *n = it->notice;
	char t[64];
	size_t i;

	nb_buf_printf(out, "<p><strong>%s</strong></p>\n", status_label(n->status));
	for (i = n->update_count; i-- > 0;) {
		const struct nb_update *u = &n->updates[i];
		const char *html = it->update_html[i];
		struct nb_buf who = NB_BUF_INIT;

		when(t, sizeof(t), s->site, u->time);
		if (u->author)
			nb_buf_puts(&who, u->author);
		/* the author is text from a commit: escape it */
		nb_buf_printf(out, "<h3>%s", t);
		if (who.len) {
			char *esc = (char *)xmlEncodeSpecialChars(NULL, BAD_CAST who.ptr);

			nb_buf_printf(out, " \u2014 %s", esc);
			xmlFree(esc);
		}
		nb_buf_printf(out, "</h3>\n%s\n", html);
		if (u->edited) {
			when(t, sizeof(t), s->site, u->edited);
			nb_buf_printf(out, "<p><em>Edited %s</em></p>\n", t);
		}
		nb_buf_release(&who);
	}
	when(t, sizeof(t), s->site, n->published);
	nb_buf_printf(out, "<h3>%s%s</h3>\n%s\n", n->update_count ? "First notice, " : "", t,
		      it->body_html);
}

static void summary_text(struct nb_buf *out, const struct scope *s, const struct nb_item *it)
{
	const struct nb_notice *n = it->notice;
	char t[64];

	nb_buf_printf(out, "%s. ", status_label(n->status));
	if (n->update_count) {
		when(t, sizeof(t), s->site, n->updates[n->update_count - 1].time);
		nb_buf_printf(out, "Latest update, %s: %s", t, it->update_summary[n->update_count - 1]);
	} else {
		nb_buf_puts(out, it->body_summary);
	}
}

/* ---- Atom: one entry per notice ---- */

static const struct nb_model *sort_m;

static int newest_updated(const void *a, const void *b)
{
	const struct nb_item *x = &sort_m->items[*(const size_t *)a];
	const struct nb_item *y = &sort_m->items[*(const size_t *)b];

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
	sort_m = s->m;
	nb_sort(order, s->count, sizeof(*order), newest_updated);
	*count = s->count < (size_t)limit ? s->count : (size_t)limit;
	return order;
}

static int64_t feed_updated(const struct scope *s, const size_t *order, size_t count)
{
	/* never the build clock: the newest entry, else the commit */
	return count ? s->m->items[order[0]].updated : s->m->content->commit_time;
}

static void feed_head(xmlTextWriterPtr w, const struct scope *s, const char *file,
		      const char *title, int64_t updated)
{
	struct nb_buf self = NB_BUF_INIT, alt = NB_BUF_INIT;
	char t[32];

	nb_buf_printf(&self, "%s%s%s", s->site->base_url, s->dir, file);
	nb_buf_printf(&alt, "%s%s", s->site->base_url, s->dir);
	element(w, "id", self.ptr);
	element(w, "title", title);
	iso(t, sizeof(t), updated);
	element(w, "updated", t);
	atom_link(w, "self", self.ptr, "application/atom+xml");
	atom_link(w, "alternate", alt.ptr, "text/html");
	person(w, "author", s->site->author);
	element(w, "generator", "nocblog");
	nb_buf_release(&self);
	nb_buf_release(&alt);
}

static void tombstones(xmlTextWriterPtr w, const struct scope *s)
{
	const struct nb_content *c = s->m->content;
	int64_t since = c->commit_time - (int64_t)s->site->tombstone_days * 86400;
	size_t i;

	for (i = 0; i < c->withdrawn_count; i++) {
		const struct nb_withdrawn *wd = &c->withdrawn[i];
		char *id;
		char t[32];
		struct nb_buf comment = NB_BUF_INIT;

		if (wd->withdrawn < since)
			continue;
		id = nb_feed_notice_id(s->site, wd->first_path, wd->added);
		iso(t, sizeof(t), wd->withdrawn);
		xmlTextWriterStartElementNS(w, BAD_CAST "at", BAD_CAST "deleted-entry", NULL);
		attribute(w, "ref", id);
		attribute(w, "when", t);
		xmlTextWriterStartElementNS(w, BAD_CAST "at", BAD_CAST "by", NULL);
		element(w, "name", wd->author);
		xmlTextWriterEndElement(w);
		nb_buf_printf(&comment, "Withdrawn: %s", wd->title);
		xmlTextWriterStartElementNS(w, BAD_CAST "at", BAD_CAST "comment", NULL);
		text_node(w, comment.ptr);
		xmlTextWriterEndElement(w);
		xmlTextWriterEndElement(w);
		nb_buf_release(&comment);
		free(id);
	}
}

static void notice_entry(xmlTextWriterPtr w, const struct scope *s, const struct nb_item *it)
{
	const struct nb_notice *n = it->notice;
	struct nb_buf url = NB_BUF_INIT, html = NB_BUF_INIT, sum = NB_BUF_INIT;
	char *id = notice_id(s, n);
	char t[32];

	nb_buf_printf(&url, "%s%s", s->site->base_url, it->url);
	xmlTextWriterStartElement(w, BAD_CAST "entry");
	element(w, "id", id);
	element(w, "title", n->title);
	iso(t, sizeof(t), n->published);
	element(w, "published", t);
	iso(t, sizeof(t), it->updated);
	element(w, "updated", t);
	person(w, "author", n->author ? n->author : s->site->author);
	atom_link(w, "alternate", url.ptr, "text/html");
	categories(w, s, n);
	summary_text(&sum, s, it);
	element(w, "summary", sum.ptr);
	thread_html(&html, s, it);
	xmlTextWriterStartElement(w, BAD_CAST "content");
	attribute(w, "type", "html");
	text_node(w, html.ptr);
	xmlTextWriterEndElement(w);
	xmlTextWriterEndElement(w);
	free(id);
	nb_buf_release(&url);
	nb_buf_release(&html);
	nb_buf_release(&sum);
}

static int atom_notices(const struct scope *s, struct nb_publish *pub, struct nb_diags *diags)
{
	struct nb_buf rel = NB_BUF_INIT;
	struct xml x = { NULL, NULL };
	size_t count, i, *order = by_updated(s, &count, s->site->feed_entries);
	int rc;

	if (xml_begin(&x) == 0) {
		xmlTextWriterStartElementNS(x.w, NULL, BAD_CAST "feed", BAD_CAST ATOM_NS);
		if (s->site_wide)
			attribute(x.w, "xmlns:at", AT_NS);
		feed_head(x.w, s, "atom.xml", s->title, feed_updated(s, order, count));
		if (s->site_wide)
			tombstones(x.w, s);
		for (i = 0; i < count; i++)
			notice_entry(x.w, s, &s->m->items[order[i]]);
		xmlTextWriterEndElement(x.w);
	}
	nb_buf_printf(&rel, "%satom.xml", s->dir);
	rc = xml_end(&x, pub, rel.ptr, diags);
	nb_buf_release(&rel);
	free(order);
	return rc;
}

/* ---- Atom: one entry per update ---- */

struct update_ref {
	size_t item;
	size_t update;
	int64_t time;
};

static int newest_update(const void *a, const void *b)
{
	const struct update_ref *x = a, *y = b;
	const struct nb_item *ix = &sort_m->items[x->item], *iy = &sort_m->items[y->item];
	int c;

	if (x->time != y->time)
		return x->time < y->time ? 1 : -1;
	c = strcmp(ix->notice->path, iy->notice->path);
	return c ? c : (x->update < y->update) - (x->update > y->update);
}

static struct update_ref *updates_of(const struct scope *s, size_t *count)
{
	struct update_ref *refs = NULL;
	size_t alloc = 0, n = 0, i, j;

	for (i = 0; i < s->count; i++) {
		const struct nb_notice *notice = s->m->items[s->items[i]].notice;

		for (j = 0; j < notice->update_count; j++) {
			nb_grow_array(&refs, &alloc, n + 1, sizeof(*refs));
			refs[n].item = s->items[i];
			refs[n].update = j;
			refs[n++].time = notice->updates[j].time;
		}
	}
	sort_m = s->m;
	nb_sort(refs, n, sizeof(*refs), newest_update);
	*count = n < (size_t)s->site->feed_updates ? n : (size_t)s->site->feed_updates;
	return refs;
}

static void update_entry(xmlTextWriterPtr w, const struct scope *s, const struct update_ref *r)
{
	const struct nb_item *it = &s->m->items[r->item];
	const struct nb_notice *n = it->notice;
	const struct nb_update *u = &n->updates[r->update];
	struct nb_buf url = NB_BUF_INIT, anchor = NB_BUF_INIT, title = NB_BUF_INIT;
	char *nid = notice_id(s, n), *id = update_id(nid, n, r->update);
	char t[64];

	nb_buf_printf(&url, "%s%s", s->site->base_url, it->url);
	nb_buf_printf(&anchor, "%s#update-%zu", url.ptr, r->update + 1);
	when(t, sizeof(t), s->site, u->time);
	nb_buf_printf(&title, "%s \u2014 update %s", n->title, t);
	xmlTextWriterStartElement(w, BAD_CAST "entry");
	element(w, "id", id);
	element(w, "title", title.ptr);
	iso(t, sizeof(t), u->time);
	element(w, "published", t);
	iso(t, sizeof(t), update_updated(u));
	element(w, "updated", t);
	person(w, "author", u->author ? u->author : s->site->author);
	atom_link(w, "alternate", anchor.ptr, "text/html");
	atom_link(w, "related", url.ptr, "text/html");
	xmlTextWriterStartElementNS(w, BAD_CAST "thr", BAD_CAST "in-reply-to", NULL);
	attribute(w, "ref", nid);
	attribute(w, "href", url.ptr);
	attribute(w, "type", "text/html");
	xmlTextWriterEndElement(w);
	categories(w, s, n);
	element(w, "summary", it->update_summary[r->update]);
	xmlTextWriterStartElement(w, BAD_CAST "content");
	attribute(w, "type", "html");
	text_node(w, it->update_html[r->update]);
	xmlTextWriterEndElement(w);
	xmlTextWriterEndElement(w);
	free(id);
	free(nid);
	nb_buf_release(&url);
	nb_buf_release(&anchor);
	nb_buf_release(&title);
}

static int atom_updates(const struct scope *s, struct nb_publish *pub, struct nb_diags *diags)
{
	struct nb_buf rel = NB_BUF_INIT, title = NB_BUF_INIT;
	struct xml x = { NULL, NULL };
	size_t count, i;
	struct update_ref *refs = updates_of(s, &count);
	int rc;

	if (xml_begin(&x) == 0) {
		int64_t updated = s->m->content->commit_time;

		for (i = 0; i < count; i++)
			if (i == 0 || update_updated(&s->m->items[refs[i].item].notice->updates[refs[i].update]) > updated)
				updated = update_updated(&s->m->items[refs[i].item].notice->updates[refs[i].update]);
		xmlTextWriterStartElementNS(x.w, NULL, BAD_CAST "feed", BAD_CAST ATOM_NS);
		attribute(x.w, "xmlns:thr", THR_NS);
		nb_buf_printf(&title, "%s: every update", s->title);
		feed_head(x.w, s, "updates.xml", title.ptr, updated);
		for (i = 0; i < count; i++)
			update_entry(x.w, s, &refs[i]);
		xmlTextWriterEndElement(x.w);
	}
	nb_buf_printf(&rel, "%supdates.xml", s->dir);
	rc = xml_end(&x, pub, rel.ptr, diags);
	nb_buf_release(&rel);
	nb_buf_release(&title);
	free(refs);
	return rc;
}

/* ---- RSS 2.0 ---- */

static void rfc822(char *out, size_t size, int64_t t)
{
	nb_tz_format(out, size, "%a, %d %b %Y %H:%M:%S +0000", "UTC", t);
}

static int rss(const struct scope *s, struct nb_publish *pub, struct nb_diags *diags)
{
	struct nb_buf rel = NB_BUF_INIT, self = NB_BUF_INIT, alt = NB_BUF_INIT;
	struct xml x = { NULL, NULL };
	size_t count, i, j, *order = by_updated(s, &count, s->site->feed_entries);
	char t[64];
	int rc;

	nb_buf_printf(&self, "%s%srss.xml", s->site->base_url, s->dir);
	nb_buf_printf(&alt, "%s%s", s->site->base_url, s->dir);
	if (xml_begin(&x) == 0) {
		xmlTextWriterStartElement(x.w, BAD_CAST "rss");
		attribute(x.w, "version", "2.0");
		attribute(x.w, "xmlns:atom", ATOM_NS);
		xmlTextWriterStartElement(x.w, BAD_CAST "channel");
		element(x.w, "title", s->title);
		element(x.w, "link", alt.ptr);
		element(x.w, "description", s->title);
		element(x.w, "language", "en");
		rfc822(t, sizeof(t), feed_updated(s, order, count));
		element(x.w, "lastBuildDate", t);
		xmlTextWriterStartElementNS(x.w, BAD_CAST "atom", BAD_CAST "link", NULL);
		attribute(x.w, "href", self.ptr);
		attribute(x.w, "rel", "self");
		attribute(x.w, "type", "application/rss+xml");
		xmlTextWriterEndElement(x.w);
		for (i = 0; i < count; i++) {
			const struct nb_item *it = &s->m->items[order[i]];
			const struct nb_notice *n = it->notice;
			struct nb_buf url = NB_BUF_INIT, html = NB_BUF_INIT;
			char *id = notice_id(s, n);

			nb_buf_printf(&url, "%s%s", s->site->base_url, it->url);
			thread_html(&html, s, it);
			xmlTextWriterStartElement(x.w, BAD_CAST "item");
			element(x.w, "title", n->title);
			element(x.w, "link", url.ptr);
			xmlTextWriterStartElement(x.w, BAD_CAST "guid");
			attribute(x.w, "isPermaLink", "false");
			text_node(x.w, id);
			xmlTextWriterEndElement(x.w);
			rfc822(t, sizeof(t), n->published);
			element(x.w, "pubDate", t);
			for (j = 0; j < n->server_count; j++)
				element(x.w, "category", n->servers[j]);
			element(x.w, "description", html.ptr);
			xmlTextWriterEndElement(x.w);
			free(id);
			nb_buf_release(&url);
			nb_buf_release(&html);
		}
		xmlTextWriterEndElement(x.w);
		xmlTextWriterEndElement(x.w);
	}
	nb_buf_printf(&rel, "%srss.xml", s->dir);
	rc = xml_end(&x, pub, rel.ptr, diags);
	nb_buf_release(&rel);
	nb_buf_release(&self);
	nb_buf_release(&alt);
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

static icalcomponent *window_event(const struct scope *s, const struct nb_item *it)
{
	const struct nb_notice *n = it->notice;
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	struct nb_buf url = NB_BUF_INIT, desc = NB_BUF_INIT, cats = NB_BUF_INIT;
	char *id = notice_id(s, n), *text = nb_text_summary(n->body, 600);
	size_t i;

	nb_buf_printf(&url, "%s%s", s->site->base_url, it->url);
	nb_buf_printf(&desc, "%s\n\n%s", text, url.ptr);
	for (i = 0; i < n->server_count; i++)
		nb_buf_printf(&cats, "%s%s", i ? "," : "", n->servers[i]);
	icalcomponent_add_property(ev, text_property(icalproperty_new_uid, id));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(it->updated)));
	icalcomponent_add_property(ev, icalproperty_new_dtstart(utc_time(n->window_start)));
	icalcomponent_add_property(ev, icalproperty_new_dtend(utc_time(n->window_end)));
	icalcomponent_add_property(ev, text_property(icalproperty_new_summary, n->title));
	icalcomponent_add_property(ev, text_property(icalproperty_new_description, desc.ptr));
	icalcomponent_add_property(ev, text_property(icalproperty_new_url, url.ptr));
	icalcomponent_add_property(ev, icalproperty_new_sequence((int)n->window_changes));
	icalcomponent_add_property(ev, icalproperty_new_status(
		n->status == NB_SCHEDULED ? ICAL_STATUS_TENTATIVE : ICAL_STATUS_CONFIRMED));
	if (cats.len)
		icalcomponent_add_property(ev, text_property(icalproperty_new_categories, cats.ptr));
	free(id);
	free(text);
	nb_buf_release(&url);
	nb_buf_release(&desc);
	nb_buf_release(&cats);
	return ev;
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

static int calendar(const struct scope *s, struct nb_publish *pub, struct nb_diags *diags)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	struct nb_buf rel = NB_BUF_INIT, name = NB_BUF_INIT;
	icalproperty *p;
	char *text;
	size_t i;
	int rc;

	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//nocblog//NOC status//EN"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	nb_buf_printf(&name, "%s: maintenance", s->title);
	p = text_property(icalproperty_new_x, name.ptr);
	icalproperty_set_x_name(p, "X-WR-CALNAME");
	icalcomponent_add_property(cal, p);
	for (i = 0; i < s->count; i++) {
		const struct nb_item *it = &s->m->items[s->items[i]];

		if (it->notice->kind == NB_MAINTENANCE && it->notice->has_window)
			icalcomponent_add_component(cal, window_event(s, it));
	}
	text = icalcomponent_as_ical_string_r(cal);
	repair_folds(text);
	nb_buf_printf(&rel, "%smaintenance.ics", s->dir);
	rc = nb_publish_write(pub, rel.ptr, text, strlen(text), diags);
	free(text);
	icalcomponent_free(cal);
	nb_buf_release(&rel);
	nb_buf_release(&name);
	return rc;
}

/* ---- all of them ---- */

static int write_scope(const struct scope *s, struct nb_publish *pub, struct nb_diags *diags)
{
	if (atom_notices(s, pub, diags) < 0 || rss(s, pub, diags) < 0 ||
	    atom_updates(s, pub, diags) < 0 || calendar(s, pub, diags) < 0)
		return -1;
	return 0;
}

int nb_feed_write_all(const struct nb_model *m, struct nb_publish *pub,
		      struct nb_diags *diags)
{
	const struct nb_site *site = &m->content->site;
	size_t *all = nb_calloc(m->count + 1, sizeof(*all)), i;
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
	rc = write_scope(&s, pub, diags);
	for (i = 0; rc == 0 && i < m->server_count; i++) {
		const struct nb_server_view *sv = &m->servers[i];
		struct nb_buf dir = NB_BUF_INIT, title = NB_BUF_INIT;

		nb_buf_printf(&dir, "servers/%s/", sv->server->id);
		nb_buf_printf(&title, "%s: %s", site->title, sv->server->name);
		s.dir = dir.ptr;
		s.title = title.ptr;
		s.items = sv->items;
		s.count = sv->count;
		s.site_wide = 0;
		rc = write_scope(&s, pub, diags);
		nb_buf_release(&dir);
		nb_buf_release(&title);
	}
	free(all);
	return rc;
}
