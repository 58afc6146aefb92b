/*
 * histcache: the history kept in the repository's git folder as canonical
 * text (the same history, the same bytes), keyed by the commit it is up
 * to, so the next walk reads only newer commits.
 */
#ifndef NB_HISTCACHE_H
#define NB_HISTCACHE_H

#include <git2.h>

struct nb_buf;
struct nb_history;

/* Bump when what the walk derives from a version changes: old caches
 * are then ignored and rebuilt. */
#define NB_HISTCACHE_FORMAT 9
#define NB_HISTCACHE_PATH "nocblog/history"

/* Writes the cache for the commit walked.  Returns 0 or -1 (then the next
 * walk is simply a full one). */
int nb_histcache_save(const struct nb_history *h, git_repository *repo);
/* The cache's exact text: what nb_histcache_save writes. */
void nb_histcache_serialize(const struct nb_history *h, struct nb_buf *out);
/* Loads the cache into an empty history; -1 when it is missing, of
 * another format or damaged (empty the history then). */
int nb_histcache_load(struct nb_history *h, git_repository *repo);

#endif
