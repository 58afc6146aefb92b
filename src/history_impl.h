/*
 * history_impl: what the history walk (history.c) and its cache
 * (histcache.c) share.  Private to those two files.
 */
#ifndef NB_HISTORY_IMPL_H
#define NB_HISTORY_IMPL_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

#include "history.h"
#include "map.h"

/* Bump when what the walk derives from a version changes: old caches
 * are then ignored and rebuilt. */
#define NB_CACHE_FORMAT 9
#define NB_VERSION_SLOTS 512       /* parsed notice versions kept while walking */
#define NB_RAW_SLOTS 8             /* raw tree objects kept while walking */

struct sig {
	int64_t time;      /* author time */
	int offset;        /* minutes east of UTC */
	size_t name;       /* index into names */
	size_t email;
	git_oid commit;
};

struct hupdate {
	struct sig intro;  /* the commit that first had it */
	int has_edit;
	struct sig edit;   /* the latest commit that changed its text */
};

struct hstatus {
	char *status;
	struct sig sig;
};

struct hmove {
	struct sig sig;
	int64_t from_start, from_end, to_start, to_end;
};

struct hnotice {
	char *first_path;  /* identity */
	char *path;        /* latest path */
	char **old_paths;
	size_t old_count, old_alloc;
	struct sig added;
	int has_edit;
	struct sig edit;   /* latest change of title or text */
	struct hstatus *statuses;
	size_t status_count, status_alloc;
	int deleted;
	struct sig deleted_sig;
	char *title;       /* latest title */
	int has_valid;
	git_oid last_valid; /* latest version whose front matter parsed */
	struct hupdate *updates;
	size_t update_count, update_alloc;
	struct nb_map keys; /* update key -> index into updates */
	struct hmove *moves; /* each move of its maintenance window */
	size_t move_count, move_alloc;
	struct sig *changes; /* every commit that changed its file */
	size_t change_count, change_alloc;
};

struct version;

/* A tree object's bytes, read without parsing it. */
struct raw_tree {
	git_oid id;
	git_odb_object *obj;
	const unsigned char *data;
	size_t len;
	/* where each entry ends, once known: found by a binary search instead
	 * of parsing every entry before a change */
	uint32_t *ends;
	size_t end_count, end_alloc;
	int indexed;
};

/* What reading commits' content trees needs; one per thread, each with
 * its own repository handle. */
struct treereader {
	git_repository *repo;
	git_odb *odb;
	struct raw_tree raw[NB_RAW_SLOTS]; /* trees read last: a commit's are its child's parent's */
	int raw_next;
	struct nb_map trees;         /* commit id -> index into tree_ids */
	git_oid *tree_ids;           /* content tree of each commit seen; zero: none */
	size_t tree_count, tree_alloc;
};

struct nb_history {
	int has_tip;
	git_oid tip;
	struct hnotice *notices;
	size_t count, alloc;
	struct nb_map paths;         /* path -> notice holding it last */
	char **names;
	size_t name_count, name_alloc;
	struct nb_map name_index;
	int has_site_change;
	struct sig site_change;      /* the latest commit that changed site.yaml */
	struct nb_history_stats stats;
	/* while walking only */
	git_repository *repo;
	struct treereader tr;        /* reads trees when no second thread does */
	struct version *versions[NB_VERSION_SLOTS];
};

/* Orders signatures by author time, then commit id. */
int nb_hsig_cmp(const struct sig *a, const struct sig *b);
/* Records a commit that changed a notice's file. */
void nb_hnotice_add_change(struct hnotice *n, const struct sig *sig);
/* Records a move of a notice's maintenance window. */
void nb_hnotice_add_move(struct hnotice *n, const struct hmove *move);
/* Records a commit that changed site.yaml; the latest is kept. */
void nb_history_site_changed(struct nb_history *h, const struct sig *sig);
/* Records an earlier path of a notice, once. */
void nb_hnotice_add_old_path(struct hnotice *n, const char *path);
/* Puts what the order of walking could change into one order. */
void nb_history_normalize(struct nb_history *h);
/* Loads the cache into an empty history; -1 when it is missing, of
 * another format or damaged (the history is then left for history_clear). */
int nb_history_load(struct nb_history *h, git_repository *repo);

#endif
