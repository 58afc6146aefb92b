/*
 * history: what a walk over the commits learned, kept from one run to the
 * next: for every notice, when and by whom it was added (following
 * renames), each commit that changed it, its status changes and window
 * moves, when each update first appeared and was last edited, its
 * deletion; the authors' names, interned; the last change of site.yaml.
 * The walk (walk.c) makes it, the cache (histcache.c) saves and loads it,
 * dating (dating.c) reads it.
 */
#ifndef NB_HISTORY_H
#define NB_HISTORY_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

#include "map.h"

/* A commit as the history remembers it. */
struct nb_hsig {
	int64_t time;      /* author time */
	int offset;        /* minutes east of UTC */
	size_t name;       /* index into the history's names */
	size_t email;
	git_oid commit;    /* zero for the work tree */
};

struct nb_hupdate {
	struct nb_hsig intro;  /* the commit that first had it */
	int has_edit;
	struct nb_hsig edit;   /* the latest commit that changed its text */
};

struct nb_hstatus {
	char *status;
	struct nb_hsig sig;
};

struct nb_hmove {
	struct nb_hsig sig;
	int64_t from_start, from_end, to_start, to_end;
};

struct nb_hnotice {
	char *first_path;  /* identity */
	char *path;        /* latest path */
	char **old_paths;
	size_t old_count, old_alloc;
	struct nb_hsig added;
	int has_edit;
	struct nb_hsig edit;   /* latest change of title or text */
	struct nb_hstatus *statuses;
	size_t status_count, status_alloc;
	int deleted;
	struct nb_hsig deleted_sig;
	char *title;       /* latest title */
	int has_valid;
	git_oid last_valid; /* latest version whose front matter parsed */
	struct nb_hupdate *updates;
	size_t update_count, update_alloc;
	struct nb_map keys; /* update key -> index into updates */
	struct nb_hmove *moves; /* each move of its maintenance window */
	size_t move_count, move_alloc;
	struct nb_hsig *changes; /* every commit that changed its file */
	size_t change_count, change_alloc;
	int dirty;         /* made or changed since the history cache was read
	                      (every change of a notice adds to changes) */
};

/* What the last walk did (not saved). */
struct nb_history_stats {
	size_t commits;          /* commits walked this time */
	size_t content_commits;  /* of those, commits that changed content/ */
	size_t versions_parsed;  /* notice versions parsed */
	int from_cache;          /* 1: started from the cache */
	/* the cache's commit is no longer an ancestor of the one walked, nor a
	 * descendant (a force-push, an amend, a rebase): walked again from
	 * the first commit */
	int rewritten;
	char cached_tip[41];     /* the commit the cache was at */
	char first[41];          /* the first commit walked again */
	size_t lost_updates;     /* updates the cache knew that the history no
	                            longer has (their feed entries are gone) */
	/* commits walked this time that delete a notice and add another the
	 * walk cannot call the same (no shared title, opening paragraph or
	 * most of the text): each is read as one withdrawn, one new */
	struct nb_history_split {
		char commit[41];
		char *deleted, *added;   /* the first of each */
	} *splits;
	size_t split_count, split_alloc;
};

/* A server id site.yaml declared, and the first commit that did. */
struct nb_hserver {
	char *id;
	struct nb_hsig sig;
};

struct nb_history {
	int has_tip;
	git_oid tip;                 /* the commit it is up to */
	struct nb_hnotice *notices;
	size_t count, alloc;
	struct nb_map paths;         /* path -> notice holding it last */
	char **names;
	size_t name_count, name_alloc;
	struct nb_map name_index;
	int has_site_change;
	struct nb_hsig site_change;  /* the latest commit that changed site.yaml */
	struct nb_hserver *servers;  /* every server site.yaml ever declared */
	size_t server_count, server_alloc;
	struct nb_map server_index;  /* id -> index into servers */
	struct nb_history_stats stats;
	/* the history cache it was read from: names then, and the bytes of its
	 * first snapshot and of the whole file (see histcache.h) */
	struct nb_history_cache {
		int read;
		size_t names, base_len, len;
	} cache;
};

/* An empty history (also for a repository with no commit yet).  Free it
 * with nb_history_free. */
struct nb_history *nb_history_new(void);
/* Empties it: no notices, names or tip (the stats stay). */
void nb_history_clear(struct nb_history *h);
void nb_history_free(struct nb_history *h);
const struct nb_history_stats *nb_history_stats(const struct nb_history *h);

/* The index of a name (made UTF-8 that XML can hold), added if new. */
size_t nb_history_intern(struct nb_history *h, const char *raw);
/* A copy of the name at idx ("" if none); the caller frees it. */
char *nb_history_name(const struct nb_history *h, size_t idx);
/* Orders commits by author time, then id. */
int nb_history_sig_cmp(const struct nb_hsig *a, const struct nb_hsig *b);

/* A new notice first added at path by sig; its index. */
size_t nb_history_notice_new(struct nb_history *h, const char *path, const struct nb_hsig *sig);
/* A new update of n, known by key, first in sig; its index. */
size_t nb_history_update_new(struct nb_hnotice *n, uint64_t key, const struct nb_hsig *sig);
/* Keeps the later of *edit and sig as the latest edit. */
void nb_history_note_edit(int *has, struct nb_hsig *edit, const struct nb_hsig *sig);
/* Records an earlier path of a notice, once. */
void nb_history_add_old_path(struct nb_hnotice *n, const char *path);
/* Records a move of a notice's maintenance window. */
void nb_history_add_move(struct nb_hnotice *n, const struct nb_hmove *move);
/* Records a commit that changed a notice's file. */
void nb_history_add_change(struct nb_hnotice *n, const struct nb_hsig *sig);
/* Empties a notice (its strings and lists freed), to be filled again. */
void nb_history_notice_reset(struct nb_hnotice *n);
/* Records a commit that changed site.yaml; the latest is kept. */
void nb_history_site_changed(struct nb_history *h, const struct nb_hsig *sig);
/* site.yaml declares server id in sig: kept when it is the first (by
 * author time) to. */
void nb_history_server_declared(struct nb_history *h, const char *id, const struct nb_hsig *sig);
/* When site.yaml first declared id; 0 when no commit did. */
int64_t nb_history_server_since(const struct nb_history *h, const char *id);
/* Puts what the order of walking could change into one order. */
void nb_history_normalize(struct nb_history *h);

#endif
