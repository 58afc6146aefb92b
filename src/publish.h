/*
 * publish: builds a site in a staging folder beside the output folder and
 * swaps it in at once, under a lock, so a reader sees the old site or the
 * new one, never a mix, and a failed build leaves the old one in place.
 */
#ifndef NB_PUBLISH_H
#define NB_PUBLISH_H

#include <stddef.h>

struct nb_diags;

struct nb_publish {
	char *out;    /* the published folder */
	char *stage;  /* the folder being written */
	int lock_fd;
	size_t written;   /* files written anew */
	size_t kept;      /* files the same as in the live site, linked over */
	int io_failed;    /* a problem added was the file system's (ENOSPC, EROFS...) */
};

#define NB_PUBLISH_INIT { NULL, NULL, -1, 0, 0, 0 }

/* Takes the lock (waiting for another build), removes what killed builds
 * left behind, and makes the staging folder. */
int nb_publish_begin(struct nb_publish *p, const char *out, struct nb_diags *diags);
/* Writes one file at a relative path ("2010/10/slug/index.html").  A file
 * whose bytes equal the live site's is hard-linked from it instead, so its
 * modification time stays. */
int nb_publish_write(struct nb_publish *p, const char *rel, const char *data,
		     size_t len, struct nb_diags *diags);
/* Swaps the staging folder in and removes the old site. */
int nb_publish_commit(struct nb_publish *p, struct nb_diags *diags);
/* Removes the staging folder (if any) and releases the lock.  Always safe. */
void nb_publish_release(struct nb_publish *p);

#endif
