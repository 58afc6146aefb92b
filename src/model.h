/*
 * model: what the pages and feeds show, derived once from the dated
 * content: each notice's address and latest activity, the order of the
 * lists, each server's notices and state, the archive years, redirects.
 */
#ifndef NB_MODEL_H
#define NB_MODEL_H

#include <stddef.h>
#include <stdint.h>

struct nb_content;
struct nb_notice;
struct nb_server;

#define NB_MODEL_SUMMARY 300
#define NB_MODEL_CARD 180

struct nb_item {
	const struct nb_notice *notice;
	char *url;               /* "2010/10/slug/", from the site's root */
	int year;                /* of publication, in the site's zone */
	int64_t updated;         /* latest update, edit or status change */
	int64_t status_since;    /* when the current status was reached; 0 unknown */
	int64_t resolved;        /* when it was resolved or completed; 0 if open */
	/* Markdown made once, for every page and feed that shows it */
	char *body_html;
	char *body_summary;      /* plain text, NB_MODEL_SUMMARY bytes at most */
	char **update_html;      /* one per update */
	char **update_summary;
	char *card_summary;      /* the latest update's, NB_MODEL_CARD bytes at most */
};

struct nb_server_view {
	const struct nb_server *server;
	size_t *items;           /* indexes into the model's items, newest first;
	                            a group also holds its members' notices */
	size_t count;
	size_t open;             /* of those, open incidents and maintenance */
	size_t incidents, maintenance;
	int64_t resolve_total;   /* summed time to resolve, over `resolved_count` */
	size_t resolved_count;
	const char *state;       /* "operational", "degraded", "outage", "maintenance" */
	size_t *members;         /* indexes of the servers in this group */
	size_t member_count;
};

struct nb_redirect {
	char *from;              /* an old address: "2010/10/old-slug/" */
	char *to;                /* the notice's address now */
};

struct nb_model {
	const struct nb_content *content;
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
};

/* Builds the model; it points into c, which must outlive it. */
void nb_model_build(struct nb_model *m, const struct nb_content *c);
void nb_model_release(struct nb_model *m);

#endif
