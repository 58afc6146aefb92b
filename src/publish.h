/*
 * publish: builds a site in a staging folder beside the output folder and
 * swaps it in at once, under a lock, so a reader sees the old site or the
 * new one, never a mix, and a failed build leaves the old one in place.
 */
#ifndef NB_PUBLISH_H
#define NB_PUBLISH_H

#include <pthread.h>
#include <stddef.h>

#include "buf.h"
#include "map.h"

struct nb_diags;

struct nb_publish {
	char *out;    /* the published folder */
	char *stage;  /* the folder being written: the site before the live one */
	int lock_fd;
	size_t written;   /* files written anew */
	size_t kept;      /* files the same as in the live site, linked over */
	struct nb_map made;      /* the files this build wrote, by relative path */
	struct nb_buf old_files; /* the staging folder's file list, one per line */
	int old_known;           /* old_files lists every file of the staging folder */
	int fresh;               /* the staging folder was made empty by this build */
	int io_failed;    /* a problem added was the file system's (ENOSPC, EROFS...) */
	pthread_mutex_t lock;    /* pages and feeds are written from two threads */
	struct nb_map live_keys; /* the live site's files by the key of what made them */
	struct nb_map keys;      /* this build's */
	struct nb_buf written_paths; /* the files written anew (not linked), a path a line */
};

#define NB_PUBLISH_INIT { NULL, NULL, -1, 0, 0, NB_MAP_INIT, NB_BUF_INIT, 0, 0, 0, \
			   PTHREAD_MUTEX_INITIALIZER, NB_MAP_INIT, NB_MAP_INIT, NB_BUF_INIT }

/* The list of a site's files, kept in it so the next build knows what to
 * remove without walking the folder. */
#define NB_FILE_LIST ".nocblog-files"

/* Checks the output path and takes the lock beside it, waiting for
 * another build to finish.  What a build decides under the lock (which
 * commit a branch is at) no other build can change under it. */
int nb_publish_lock(struct nb_publish *p, const char *out, struct nb_diags *diags);
/* Takes the lock if nb_publish_lock did not, and readies the staging
 * folder: the site the live one replaced, kept to be brought up to date
 * (most of its folders and files stay), or a new folder. */
int nb_publish_begin(struct nb_publish *p, const char *out, struct nb_diags *diags);
/* Writes one file at a relative path (from any thread) ("2010/10/slug/index.html").  A file
 * whose bytes equal the live site's is hard-linked from it instead, so its
 * modification time stays. */
int nb_publish_write(struct nb_publish *p, const char *rel, const char *data,
		     size_t len, struct nb_diags *diags);
/*
 * A file made from inputs that key identifies (a hash of everything the
 * file shows): when the live site has it from the same inputs, it is
 * linked into the staging folder as it is, and there is nothing to render
 * (1); else 0, and the caller writes it with nb_publish_write_key.  The
 * keys are kept beside the site with its stamp, for the live folder only.
 */
int nb_publish_reuse(struct nb_publish *p, const char *rel, uint64_t key);
/* nb_publish_write, remembering the key of what made the file. */
int nb_publish_write_key(struct nb_publish *p, const char *rel, const char *data, size_t len,
			 uint64_t key, struct nb_diags *diags);

/*
 * Removes from the staging folder what this build did not write, and swaps
 * it in; the old site becomes the next build's staging folder.  stamp (or
 * NULL) says what the site was built from (commit, theme, program): it is
 * kept beside the site, in the lock file, never in the site itself, so the
 * published files depend on the commit and theme alone.
 */
int nb_publish_commit(struct nb_publish *p, const char *stamp, struct nb_diags *diags);
/* 1 when the site at out is the one a build with this stamp published, and
 * still in place (not removed or replaced since). */
int nb_publish_is_current(const char *out, const char *stamp);
/*
 * After a failed build, gives back what it took: removes from the staging
 * folder every file this build wrote there but links to the live site
 * (which cost nothing), with the folders that leaves empty, or the whole
 * folder if this build made it, and says what it removed in diags.  The
 * file system then holds no more than before the build.
 */
void nb_publish_abandon(struct nb_publish *p, struct nb_diags *diags);
/* Releases the lock and memory.  Always safe; a staging folder a failed
 * build left is brought up to date by the next one. */
void nb_publish_release(struct nb_publish *p);

#endif
