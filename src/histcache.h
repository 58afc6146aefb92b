/*
 * histcache: the history kept in the repository's git folder, keyed by the
 * commit it is up to, so the next walk reads only newer commits; a build
 * appends what its walk changed.  nb_histcache_serialize gives the history
 * as canonical text (the same history, the same bytes) to compare walks.
 */
#ifndef NB_HISTCACHE_H
#define NB_HISTCACHE_H

#include <git2.h>

struct nb_buf;
struct nb_history;

/* Bump when what the walk derives from a version changes: old caches
 * are then ignored and rebuilt. */
#define NB_HISTCACHE_FORMAT 11
#define NB_HISTCACHE_PATH "nocblog/history"

/* Writes the cache for the commit walked: what changed since the cache
 * h was read from, appended, or the whole history.  Returns 0 or -1 (then
 * the next walk is simply a full one). */
int nb_histcache_save(const struct nb_history *h, git_repository *repo);
/* The history as canonical text (names and notices sorted). */
void nb_histcache_serialize(const struct nb_history *h, struct nb_buf *out);
/* Loads the cache into an empty history; -1 when it is missing, of
 * another format or damaged (empty the history then). */
int nb_histcache_load(struct nb_history *h, git_repository *repo);

#endif
