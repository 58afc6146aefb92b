/*
 * import: another status page's history made nocblog notices.  A reader
 * (import_cstate.c, import_statuspage.c) fills a struct nb_import with the
 * servers and, per incident, its opening and its later events; nb_import_run
 * writes each notice as it stood after each event and commits them in time
 * order, the event's time as the author date (or writes the files only,
 * text-dated), after checking the result as `nocblog check` would.
 */
#ifndef NB_IMPORT_H
#define NB_IMPORT_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct nb_buf;

/* An instant as the source wrote it: UTC seconds and the offset. */
struct nb_import_time {
	int64_t at;
	int offset;        /* seconds east of UTC */
};

/* A message or a status change, after the opening. */
struct nb_import_event {
	struct nb_import_time when;
	char *status;      /* the nocblog status after it, or NULL: unchanged */
	char *text;        /* Markdown, or NULL: a status change only */
};

struct nb_import_notice {
	char *source;      /* for reports: the source file */
	int line;          /* its line, or 0 */
	char *ref;         /* the source's id, for reports and commits, or NULL */
	char *path;        /* content/YYYY/NAME.md */
	char *title;
	char **servers;    /* server ids (struct nb_import's) */
	size_t server_count;
	int maintenance;
	const char *severity;      /* minor, major, critical or NULL */
	int has_window;
	struct nb_import_time window_start, window_end;
	struct nb_import_time opened;
	char *status;      /* at the opening */
	char *body;        /* the opening message ("" for none) */
	struct nb_import_event *events;    /* in time order */
	size_t event_count, event_alloc;
	int escape;        /* write lines that would start an update as text */
};

struct nb_import_server {
	char *id;
	char *name;
	char *description; /* or NULL */
	char *group;       /* a server id, or NULL */
};

struct nb_import {
	const char *from;          /* "cState", "Statuspage" */
	char *author;              /* the source's name: who wrote every message */
	char *email;               /* the commits' author's address, or NULL */
	struct nb_import_server *servers;
	size_t server_count, server_alloc;
	struct nb_import_notice *notices;
	size_t count, alloc;
	struct nb_diags notes;     /* what was mapped with a choice, or left out */
	int failed;                /* an item or file could not be read */
};

/* What nb_import_run did. */
struct nb_import_result {
	size_t added;      /* notices new to the repository */
	size_t extended;   /* notices that got new events */
	size_t unchanged;  /* already imported, nothing new */
	size_t left;       /* changed since their import: left as they are */
	size_t commits;
	size_t servers;    /* servers declared in site.yaml */
};

/* What nb_import_run returns besides 0. */
enum { NB_IMPORT_CONTENT = 1, NB_IMPORT_ENV = 3 };

/* The server id for a name ("Media Proxy" -> "Media-Proxy"); "" when the
 * name has no letter or digit. */
char *nb_import_server_id(const char *name);
/* Declares a server (once per id; id NULL: made from the name) and
 * returns its id, owned by imp. */
const char *nb_import_add_server(struct nb_import *imp, const char *id, const char *name,
				 const char *description, const char *group);
/* The commits' author's address from the source's URL: noreply@its host. */
void nb_import_set_email(struct nb_import *imp, const char *url);
/* A new notice, zeroed, owned by imp. */
struct nb_import_notice *nb_import_add_notice(struct nb_import *imp);
/* Appends an event; status and text are copied (either may be NULL). */
void nb_import_add_event(struct nb_import_notice *n, struct nb_import_time when,
			 const char *status, const char *text);
/* A notice's status after all its events. */
const char *nb_import_status(const struct nb_import_notice *n);
/* Sorts a notice's events by time, keeping the order of equal times. */
void nb_import_sort_events(struct nb_import_notice *n);
/* Adds a server id to the notice (once). */
void nb_import_notice_server(struct nb_import_notice *n, const char *id);
/*
 * Reads "2018-05-25 05:54:00", "2018-05-25T05:54", "2024-12-27T09:43:40.482Z",
 * "2021-12-07T11:07:15.773-07:00" or a date alone; without a zone, in
 * zone (an IANA name).  Returns 0, or -1 when it is none of these.
 */
int nb_import_parse_time(struct nb_import_time *out, const char *s, const char *zone);
/* The civil year of t as the source wrote it. */
int nb_import_year(struct nb_import_time t);

/* The readers: 0, or -1 with the problem in diags (nothing to import). */
int nb_import_cstate(struct nb_import *imp, const char *dir, struct nb_diags *diags);
int nb_import_statuspage(struct nb_import *imp, char *const *files, size_t count,
			 struct nb_diags *diags);

/* The same from bytes (for the fuzz target): one cState issue file named
 * name, read with no config.yml, in UTC; one Statuspage JSON document. */
int nb_import_cstate_issue(struct nb_import *imp, const char *name, const char *text,
			   size_t len);
int nb_import_statuspage_json(struct nb_import *imp, const char *name, const char *text,
			      size_t len, struct nb_diags *diags);

/* A notice's file as it stands after its opening and k events; dated:
 * text-dated, with date: (--no-commit). */
void nb_import_render(struct nb_buf *out, const struct nb_import *imp,
		      const struct nb_import_notice *n, size_t k, int dated);

/*
 * Brings what imp holds into the repository (see doc/import.md): returns
 * 0, NB_IMPORT_CONTENT (the result would not pass check: nothing written)
 * or NB_IMPORT_ENV, with the problems in diags.
 */
int nb_import_run(struct nb_import *imp, git_repository *repo, int no_commit,
		  struct nb_import_result *res, struct nb_diags *diags);

void nb_import_release(struct nb_import *imp);

#endif
