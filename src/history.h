/*
 * history: one walk over the commits reachable from a revision, learning
 * for every notice when it was added (following renames), when each update
 * first appeared and who wrote it, every edit, status change and deletion.
 * What a walk learned is kept in the repository's git directory, keyed by
 * the last commit walked, so the next walk reads only newer commits.
 */
#ifndef NB_HISTORY_H
#define NB_HISTORY_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

struct nb_content;
struct nb_diags;
struct nb_repo_file;
struct nb_buf;

struct nb_history;

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

#define NB_HISTORY_CACHE "nocblog/history"

/*
 * Walks the history reachable from commit.  With use_cache, starts from
 * what the cache holds when its commit is an ancestor of this one.
 * Returns 0, or -1 with a problem
 * (a shallow clone, an unreadable object) in diags.  Free with
 * nb_history_free.
 */
int nb_history_walk(struct nb_history **out, git_repository *repo, git_commit *commit,
		    int use_cache, struct nb_diags *diags);

/* A history with no commits, for the first commit of a repository. */
struct nb_history *nb_history_empty(git_repository *repo);

/*
 * Adds the work tree's uncommitted changes (worktree vs head files, both
 * under content/ and sorted by path, as nb_repo_list and
 * nb_repo_list_worktree give them) as one more change, at time now by author.
 */
void nb_history_add_worktree(struct nb_history *h, const struct nb_repo_file *head,
			     size_t head_count, const struct nb_repo_file *work,
			     size_t work_count, int64_t now, const char *author);

/* Writes the cache for the commit walked.  Returns 0 or -1 (then the next
 * walk is simply a full one). */
int nb_history_save(const struct nb_history *h, git_repository *repo);

/* The cache's exact text: what nb_history_save writes. */
void nb_history_serialize(const struct nb_history *h, struct nb_buf *out);

/*
 * Dates the notices of c from the history: publication, updates, authors,
 * edits, status changes, old paths; lists the withdrawn notices; adds the
 * problems only history shows (an update before its notice, a stamp later
 * than the commit that added it).
 */
int nb_history_apply(const struct nb_history *h, struct nb_content *c,
		     struct nb_diags *diags);

const struct nb_history_stats *nb_history_stats(const struct nb_history *h);
void nb_history_free(struct nb_history *h);

#endif
