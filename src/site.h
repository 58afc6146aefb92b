/* site: content/site.yaml: the site's settings and its servers. */
#ifndef NB_SITE_H
#define NB_SITE_H

#include <stddef.h>
#include <stdint.h>

#include "map.h"

struct nb_buf;

struct nb_diags;

#define NB_SITE_PATH "content/site.yaml"
#define NB_SITE_MAX_BYTES (4u << 20)
#define NB_SERVER_ID_MAX 64
#define NB_FEED_ENTRIES 100
#define NB_FEED_UPDATES 500
#define NB_TOMBSTONE_DAYS 30
#define NB_FEED_MAX 100000

struct nb_server {
	char *id;          /* the key in site.yaml: LOUIECAS3 */
	char *name;        /* display name; the id when not given */
	char *group;       /* id of the server it belongs to, or NULL */
	char *description; /* or NULL */
	int group_line;    /* where group: is in site.yaml, for problems */
	int64_t since;     /* when site.yaml first declared it (the history
	                      walk's), 0 when unknown */
};

/* How a webhook's body is shaped: nocblog's own JSON (signed when a secret
 * is given), or the text Slack's or Microsoft Teams' incoming webhooks take. */
enum nb_hook_format { NB_HOOK_JSON, NB_HOOK_SLACK, NB_HOOK_TEAMS };

/*
 * A webhook that hears of every new notice, update and status change
 * (site.yaml's notify: webhooks:).  Secrets are never written in site.yaml:
 * a URL that is one (Slack's, Teams') and the signing key are read, when
 * sending, from the environment variable or file named here.
 */
struct nb_hook {
	char *url;           /* given in site.yaml, or NULL */
	char *url_env, *url_file;        /* else where the URL is */
	char *secret_env, *secret_file;  /* where the HMAC key is; none: unsigned */
	enum nb_hook_format format;
	char **servers;      /* only notices naming one of these (a group: or one
	                        of its members); none: every notice */
	size_t server_count;
	int line;            /* where it is in site.yaml */
};

/* An e-mail list (site.yaml's notify: email: lists:): each new event is
 * one message to its addresses. */
struct nb_mail_list {
	char **to;           /* addresses */
	size_t to_count;
	char **servers;      /* scope, as a webhook's */
	size_t server_count;
	char *unsubscribe;   /* List-Unsubscribe's URL (mailto: or https:), or
	                        NULL: mailto:FROM?subject=unsubscribe */
	int line;
};

/* How e-mail goes out (site.yaml's notify: email:): an SMTP server, with
 * STARTTLS required unless the URL is smtps:// or starttls: false (a relay
 * on the same host); the password, like every secret, from a variable or a
 * file. */
struct nb_email {
	char *smtp;          /* smtp://host:587 or smtps://host:465 */
	char *from;          /* an address, optionally "Name <address>" */
	int starttls;
	char *user;          /* for AUTH, or NULL */
	char *password_env, *password_file;
	char *ca_file;       /* a CA bundle to trust instead of the system's */
	struct nb_mail_list *lists;
	size_t list_count;
	int line;
};

struct nb_site {
	char *title;
	char *base_url;    /* always ends with '/' */
	char *timezone;    /* IANA name */
	char *author;      /* feed author when a commit gives none */
	int unsafe_html;   /* pass raw HTML and any link through Markdown */
	long feed_entries; /* notices in each notice feed */
	long feed_updates; /* updates in each update feed */
	long tombstone_days; /* how long a withdrawn notice stays in the site feed */
	struct nb_server *servers; /* in site.yaml order */
	size_t server_count;
	struct nb_map index;       /* id -> index into servers */
	char *hub;                 /* notify: hub: the WebSub hub, or NULL */
	struct nb_hook *hooks;     /* notify: webhooks: */
	size_t hook_count;
	struct nb_email *email;    /* notify: email:, or NULL */
	uint64_t text_hash;        /* what identifies site.yaml's bytes */
};

/*
 * Loads site.yaml from text.  Returns 0, or -1 with every problem added to
 * diags (named by path).  Release the site with nb_site_release.
 */
int nb_site_load(struct nb_site *site, const char *text, size_t len,
		 const char *path, struct nb_diags *diags);
void nb_site_release(struct nb_site *site);

/* The server with that id, or NULL. */
const struct nb_server *nb_site_server(const struct nb_site *site, const char *id);
/* Appends the host of base_url, lowercase ("noc.example.com"). */
void nb_site_host(struct nb_buf *out, const struct nb_site *site);
/* The declared id nearest to id, for "did you mean", or NULL. */
const char *nb_site_suggest_server(const struct nb_site *site, const char *id);

#endif
