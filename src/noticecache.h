/*
 * noticecache: notices as parsed, kept in the repository's git folder by
 * blob id, so that a build reads and parses only the notice files that
 * changed since the last one.  Only a parse with no problem is kept, and
 * only for one site zone (the zone dates some stamps): a cache of another
 * zone, format or program is ignored and made anew.
 */
#ifndef NB_NOTICECACHE_H
#define NB_NOTICECACHE_H

#include <git2.h>

struct nb_notice;
struct nb_noticecache;

#define NB_NOTICECACHE_PATH "nocblog/notices"

/* The cache of repo for notices parsed in zone (empty when there is none
 * that fits).  Free it with nb_noticecache_free. */
struct nb_noticecache *nb_noticecache_open(git_repository *repo, const char *zone);
/* Fills n (as nb_notice_parse would from the blob's bytes) with the blob
 * id's notice, at path; 1 when the cache has it, else 0 and n untouched. */
int nb_noticecache_get(struct nb_noticecache *nc, const git_oid *id, const char *path,
		       struct nb_notice *n);
/* Keeps the notice the blob id parsed into, with no problem. */
void nb_noticecache_put(struct nb_noticecache *nc, const git_oid *id, const struct nb_notice *n);
/* Writes what is new: appended, or the whole file anew when most of it is
 * no longer used.  Best effort: 0, or -1 (the next build parses more). */
int nb_noticecache_save(struct nb_noticecache *nc);
void nb_noticecache_free(struct nb_noticecache *nc);

#endif
