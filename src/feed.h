/*
 * feed: what partners subscribe to.  For the site and for every server
 * (a group's feeds hold its members' notices): atom.xml (one entry per
 * notice), rss.xml (the same in RSS 2.0), updates.xml (one Atom entry per
 * update, threaded to its notice, RFC 4685) and maintenance.ics (RFC 5545).
 * The site's atom.xml also carries withdrawn notices (RFC 6721).
 */
#ifndef NB_FEED_H
#define NB_FEED_H

#include <stddef.h>
#include <stdint.h>

struct nb_buf;
struct nb_event;
struct nb_model;
struct nb_notice;
struct nb_publish;
struct nb_diags;
struct nb_site;

/* Writes every feed into the staging folder; each notice's thread as the
 * theme's "thread" template renders it.  Returns 0, or -1. */
int nb_feed_write_all(const struct nb_model *m, const char *theme, struct nb_publish *pub,
		      struct nb_diags *diags);

/*
 * A notice's id: a tag: URI from the site's host, the day its file was
 * first committed (UTC) and the path it was first committed under, so it
 * never changes after publication, renames and retitles included.
 * The caller frees it.
 */
char *nb_feed_notice_id(const struct nb_site *site, const char *first_path, int64_t added);
/* Whether rel (len bytes, from the site's root) is one of the feeds
 * (atom.xml, rss.xml, feed.json, updates.xml, the site's or a server's). */
int nb_feed_is_feed(const char *rel, size_t len);
/* The id of notice n (from its first path, or its path before it has one). */
char *nb_feed_id_of(const struct nb_site *site, const struct nb_notice *n);
/* The id of the notice event e of m is about, withdrawn or not. */
char *nb_feed_event_notice_id(const struct nb_model *m, const struct nb_event *e);
/* The id of event e of m, as updates.xml has it: its notice's, "/", its key. */
char *nb_feed_event_id(const struct nb_model *m, const struct nb_event *e);

/*
 * What an event says, as updates.xml has it: its title after the notice's
 * ("update Sun 10 Oct 2010, 06:47 EDT"), its content as HTML and as plain
 * text; the opening (with the status it opened with) and updates with a
 * summary of their text; or, when full, with all of their text and the
 * opening without its status, for formats that give a status its own
 * field.  Events other than those are one sentence.
 */
void nb_feed_event_text(const struct nb_model *m, const struct nb_event *e, int full,
			struct nb_buf *title, struct nb_buf *html, struct nb_buf *plain);

#endif
