/*
 * model: what the pages and feeds show, derived once from the dated
 * content: each notice's address and latest activity, the order of the
 * lists, each server's notices and state, the archive years, redirects.
 */
#ifndef NB_MODEL_H
#define NB_MODEL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "notice.h"

struct nb_buf;
struct nb_content;
struct nb_store;
struct nb_server;
struct nb_avail;

#define NB_MODEL_SUMMARY 300
#define NB_MODEL_CARD 180

struct nb_item {
	const struct nb_notice *notice;
	char *url;               /* "2010/10/slug/", from the site's root */
	int year;                /* of publication, in the site's zone */
	int64_t updated;         /* latest update, edit or status change */
	int64_t status_since;    /* when the current status was reached; 0 unknown */
	int64_t resolved;        /* when it was resolved or completed; 0 if open */
	uint64_t digest;         /* what identifies all it shows: its text, its
	                            dating, its address and state */
	/* Markdown made once, when a page or feed first needs it
	 * (nb_model_text), for every page and feed that shows it */
	int has_text;
	char *body_html;
	char *body_summary;      /* plain text, NB_MODEL_SUMMARY bytes at most */
	char **update_html;      /* one per update */
	char **update_summary;
	char *card_summary;      /* the latest update's, NB_MODEL_CARD bytes at most */
	char *window_text;       /* maintenance: its window in the site's zone, the zone
	                            named ("Sat 9 Oct 2010, 09:00 to 12:00 EDT"); else NULL */
	int overdue;             /* maintenance still scheduled after its window ended */
	size_t first_event, event_count; /* its events in the model's events */
};

/* What a partner must hear about: each is an entry of updates.xml. */
enum nb_event_kind {
	NB_EVENT_OPENED,     /* the notice was published */
	NB_EVENT_UPDATE,     /* an update was added */
	NB_EVENT_MOVED,      /* the maintenance window moved */
	NB_EVENT_STATUS,     /* the status changed (resolved, maintenance started...) */
	NB_EVENT_WITHDRAWN,  /* the notice's file was deleted */
};

struct nb_event {
	enum nb_event_kind kind;
	size_t item;             /* index into items; for NB_EVENT_WITHDRAWN into
	                            the content's withdrawn notices */
	size_t index;            /* the update or window move */
	enum nb_status status;   /* NB_EVENT_STATUS: the status reached */
	const char *author;      /* who did it, or NULL; points into the content */
	int64_t time;
	int64_t updated;         /* time, or the update's latest edit */
	char *key;               /* its id below the notice's: "opened",
	                            "update/31a02099bcb2-2", "status/resolved-1",
	                            "moved-1", "withdrawn-2010-10-16T05:24:00Z" */
};

/* What a server, or the whole site, is going through: an outage while a
 * major or critical incident is open, degraded for a minor one (or one of
 * no severity), maintenance while maintenance is in progress. */
enum nb_state { NB_OPERATIONAL, NB_DEGRADED, NB_OUTAGE, NB_STATE_MAINTENANCE };

/* "operational", "degraded", "outage", "maintenance" (for CSS classes). */
const char *nb_model_state_name(enum nb_state state);
/* "Operational", "Degraded", "Outage", "Maintenance". */
const char *nb_model_state_label(enum nb_state state);

struct nb_server_view {
	const struct nb_server *server;
	char *url;               /* its page, from the site's root: "servers/ID/" */
	size_t *items;           /* indexes into the model's items, newest first;
	                            a group also holds its members' notices */
	size_t count;
	size_t open;             /* of those, open incidents and maintenance */
	size_t incidents, maintenance;
	int64_t resolve_total;   /* summed time to resolve, over `resolved_count` */
	size_t resolved_count;
	enum nb_state state;
	size_t *members;         /* indexes of the servers in this group */
	size_t member_count;
};

struct nb_redirect {
	char *from;              /* an old address: "2010/10/old-slug/" */
	char *to;                /* the notice's address now */
};

struct nb_model {
	const struct nb_content *content;
	pthread_mutex_t text_lock; /* pages and feeds make items' text from two threads */
	struct nb_item *items;   /* newest published first */
	size_t count;
	size_t *open;            /* open notices: incidents (worst first), then maintenance */
	size_t open_count;
	size_t *closed;          /* the others, newest published first */
	size_t closed_count;
	struct nb_server_view *servers;  /* in site.yaml order */
	size_t server_count;
	int *years;              /* archive years, newest first */
	size_t year_count;
	struct nb_redirect *redirects;
	size_t redirect_count;
	int64_t updated;         /* the latest activity on the site; 0 when empty */
	enum nb_state state;     /* the whole site's, by the same rule as a server's */
	uint64_t shape;          /* what shapes every page and feed besides the
	                            content (the theme, the program, site.yaml),
	                            set by the builder; in every output's key */
	struct nb_store *fragments; /* parts of pages and feeds made by earlier
	                            builds, by key (cards, calendar events), each
	                            tagged with its item (nb_model_item_tag); set
	                            by the builder, or NULL */
	struct nb_avail *avail;  /* by server view, from nb_avail_build, or NULL */
	struct nb_event *events; /* each item's in turn (see nb_item), then the
	                            recent withdrawals */
	size_t event_count;
	size_t *event_order;     /* indexes into events, newest first */
};

/* Makes its Markdown (HTML, summaries) if no page or feed has yet; from
 * any thread. */
void nb_model_text(const struct nb_model *m, const struct nb_item *it);
/* Its card's summary (its latest update's), made on first use: a card
 * needs no more of its Markdown.  NULL when it has no update. */
const char *nb_model_card_summary(const struct nb_model *m, const struct nb_item *it);

/* What identifies everything made from it for this program, theme and
 * site.yaml: the tag of its fragments (see nb_model.fragments). */
uint64_t nb_model_item_tag(const struct nb_model *m, const struct nb_item *it);
/* Tags the fragments of every item the model holds as live (see
 * nb_store_live): fragments of notice versions no longer shown go when the
 * store is next written anew. */
void nb_model_fragments_live(const struct nb_model *m);

/* Orders events newest first (qsort_r's comparator; payload: the model). */
int nb_model_event_newer(const void *a, const void *b, void *model);

/* Addresses from the site's root, made here only: the servers index, a
 * server's page ("servers/ID/"), a year of the archive ("archive/2010/"). */
#define NB_MODEL_SERVERS_URL "servers/"
#define NB_MODEL_ARCHIVE_URL "archive/"
void nb_model_server_url(struct nb_buf *out, const char *id);
void nb_model_year_url(struct nb_buf *out, int year);

/* A time span as people read it: "3 d 4 h", "2 h 15 min", "45 min". */
void nb_model_duration(struct nb_buf *out, int64_t seconds);

/* A window in zone, the zone named: "Sat 9 Oct 2010, 09:00 to 12:00 EDT".
 * The caller frees it. */
char *nb_model_window_text(const char *zone, int64_t start, int64_t end);

/* Builds the model; it points into c, which must outlive it. */
void nb_model_build(struct nb_model *m, const struct nb_content *c);
void nb_model_release(struct nb_model *m);

#endif
