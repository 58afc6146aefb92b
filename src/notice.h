/*
 * notice: one incident or maintenance notice: front matter, the original
 * text, and the thread of updates with their stamps.
 */
#ifndef NB_NOTICE_H
#define NB_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "stamp.h"

struct nb_diags;

#define NB_NOTICE_MAX_BYTES (1u << 20)
#define NB_STAMP_MAX_LEN 80   /* longest stamp text looked at after "Update" */

/* The bodies `nocblog new` writes for the operator to replace: check
 * refuses a notice that still holds one. */
#define NB_PLACEHOLDER_INCIDENT "Describe what users see and what you are doing about it."
#define NB_PLACEHOLDER_MAINTENANCE "Describe the work, what users will notice, and for how long."

enum nb_kind { NB_INCIDENT, NB_MAINTENANCE };

enum nb_status {
	NB_INVESTIGATING, NB_IDENTIFIED, NB_MONITORING, NB_RESOLVED,
	NB_SCHEDULED, NB_IN_PROGRESS, NB_COMPLETED, NB_CANCELLED,
};

enum nb_severity { NB_SEVERITY_NONE, NB_MINOR, NB_MAJOR, NB_CRITICAL };

/* Where a time came from. */
enum nb_time_source {
	NB_TIME_UNSET,        /* not dated yet: needs the commit that added it */
	NB_TIME_FRONT_MATTER, /* date: in the front matter */
	NB_TIME_STATED,       /* the stamp states date and time */
	NB_TIME_DAY_FROM_TEXT,   /* time stated; date from the text around it */
	NB_TIME_DAY_FROM_COMMIT, /* time stated; date from the commit adding it */
	NB_TIME_COMMIT,       /* no stamp: the author time of that commit */
};

#define NB_COMMIT_HEX 41     /* a commit id in hex, with its NUL */

struct nb_update {
	int line;              /* file line where the update starts */
	/* from the history walk; NULL/0 before it */
	char commit[NB_COMMIT_HEX]; /* the commit that added it; "" for the work tree */
	char *author;          /* who committed it first */
	int64_t added;         /* author time of that commit */
	int64_t edited;        /* author time of the last change to its text, or 0 */
	char *edited_by;
	char *stamp_text;      /* the stamp as written, "" when it has none */
	struct nb_stamp stamp; /* meaningful when stamp_text[0] */
	int64_t day_floor;     /* day (since the epoch) set by a day line above
	                          it, INT64_MIN when none */
	char *markdown;        /* the update's text without its "Update ...:" lead */
	int64_t time;          /* UTC seconds, when source != NB_TIME_UNSET */
	enum nb_time_source source;
};

struct nb_status_change {
	enum nb_status status;
	int64_t time;          /* author time of the commit that set it */
	char *author;
};

/* A commit that moved a maintenance window. */
struct nb_window_move {
	int64_t time;           /* author time of the commit */
	char *author;
	int64_t from_start, from_end, to_start, to_end;
};

/* A commit that changed a notice's file. */
struct nb_commit_ref {
	char id[NB_COMMIT_HEX]; /* "" for the work tree */
	int64_t time;           /* author time */
	char *author;
};

struct nb_notice {
	char *path;            /* in the repository: content/2010/slug.md */
	uint64_t text_hash;    /* what identifies the file's bytes */
	/* from the history walk; NULL/0 before it */
	char *first_path;      /* the path it was first published under: its identity */
	char **old_paths;      /* earlier paths, for redirects */
	size_t old_path_count;
	char *author;          /* who added it: author: in the front matter, else the
	                          commit's author */
	char *stated_author;   /* author: in the front matter, or NULL */
	int64_t added;         /* author time of the commit that added it */
	int64_t edited;        /* last change to its title or text, or 0 */
	char *edited_by;
	struct nb_status_change *status_changes; /* oldest first */
	size_t status_change_count;
	struct nb_window_move *window_moves; /* oldest first */
	size_t window_changes;  /* times its maintenance window moved: their count */
	struct nb_commit_ref *commits; /* every commit that changed it, oldest first */
	size_t commit_count;
	char *slug;
	char *title;
	char **servers;        /* server ids as written */
	size_t server_count;
	int servers_line;
	enum nb_kind kind;
	enum nb_status status;
	int has_status;        /* status: is one of its kind's */
	enum nb_severity severity;
	int has_date;          /* date: given: a text-dated notice */
	int date_line;
	int has_window;
	int64_t window_start, window_end;
	char *body;            /* the notice before its first update (Markdown) */
	int body_line;         /* file line where the body starts */
	struct nb_update *updates;
	size_t update_count;
	int64_t published;
	enum nb_time_source published_source;
};

/*
 * Parses a notice file and dates what its text dates (every stamp with a
 * date; time-only stamps in a file with date:).  Returns 0, or -1 with its
 * problems added to diags.  Release the notice with nb_notice_release, also
 * after a failure.  site_zone is the zone of stamps that name none.
 */
int nb_notice_parse(struct nb_notice *n, const char *path, const char *text,
		    size_t len, const char *site_zone, struct nb_diags *diags);
/* The same, with front matters parsed before taken from memo. */
struct nb_yml_memo;
int nb_notice_parse_memo(struct nb_notice *n, const char *path, const char *text, size_t len,
			 const char *site_zone, struct nb_diags *diags, struct nb_yml_memo *memo);
void nb_notice_release(struct nb_notice *n);

/* The slug of a notice path ("content/2010/Big Outage.md" -> "big-outage");
 * the caller frees it; "" when the name has no letter or digit. */
char *nb_notice_slug(const char *path);

/* What identifies an update's content across versions: its stamp and text. */
uint64_t nb_notice_update_key(const char *stamp_text, const char *markdown);
/* The key of each of a notice's updates (keys[update_count]): its stamp and
 * text, and for an update that repeats an earlier one word for word, which
 * repetition it is, so that two equal updates are two updates. */
void nb_notice_update_keys(const struct nb_notice *n, uint64_t *keys);

const char *nb_notice_kind_name(enum nb_kind kind);
const char *nb_notice_status_name(enum nb_status status);
const char *nb_notice_severity_name(enum nb_severity severity);
/* What people read: "In progress" for in-progress, "Maintenance",
 * "Critical". */
const char *nb_notice_status_label(enum nb_status status);
const char *nb_notice_kind_label(enum nb_kind kind);
const char *nb_notice_severity_label(enum nb_severity severity);
/* The status of that name for the kind; -1 when it is not one of its. */
int nb_notice_status_from_name(enum nb_kind kind, const char *name, enum nb_status *out);
/* 1 for an incident not yet resolved or maintenance not yet completed
 * (nor cancelled). */
int nb_notice_status_is_open(enum nb_status status);

#endif
