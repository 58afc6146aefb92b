/*
 * walk: one walk over the commits reachable from a revision, filling a
 * history (history.h): which commits changed which notice files (and
 * site.yaml), read from the trees (treediff.h); what each version of a
 * notice says (versions.h); renames, edits, updates, status changes.  It
 * starts from the cache (histcache.h) when the cache's commit is an
 * ancestor of the one walked, and saves nothing itself.
 */
#ifndef NB_WALK_H
#define NB_WALK_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

struct nb_diags;
struct nb_history;
struct nb_repo_file;

/*
 * Walks the history reachable from commit.  With use_cache, starts from
 * what the cache holds when its commit is an ancestor of this one.
 * Returns 0, or -1 with a problem (a shallow clone, an unreadable object)
 * in diags.  Free *out with nb_history_free.
 */
int nb_walk_history(struct nb_history **out, git_repository *repo, git_commit *commit,
		    int use_cache, struct nb_diags *diags);

/*
 * Adds the uncommitted changes (work vs head files, both under content/
 * and sorted by path, as nb_repo_list and nb_repo_list_worktree give them)
 * to h as one more change, at time now by author.
 */
void nb_walk_worktree(struct nb_history *h, git_repository *repo,
		      const struct nb_repo_file *head, size_t head_count,
		      const struct nb_repo_file *work, size_t work_count, int64_t now,
		      const char *author);

#endif
