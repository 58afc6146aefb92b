/*
 * content: everything under content/ in one commit: site.yaml and every
 * notice, parsed and checked against each other.
 */
#ifndef NB_CONTENT_H
#define NB_CONTENT_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

#include "notice.h"
#include "site.h"

struct nb_diags;

#define NB_CONTENT_DIR "content"
/* how long before the commit that published a notice (without date:) its
 * updates may be stamped: operators write first and commit later.  How far
 * after its commit a stamp may be is NB_FUTURE_SLACK (stamp.h), which
 * dating uses too. */
#define NB_COMMIT_LAG (12 * 3600)

/* A notice whose file was deleted: it leaves the pages, feeds say so. */
struct nb_withdrawn {
	char *first_path;           /* its identity */
	char *path;                 /* its last path */
	char *title;                /* its last title */
	int64_t added;              /* author time of the commit that added it */
	int64_t withdrawn;          /* author time of the commit that deleted it */
	char *author;               /* who deleted it */
	int has_last;
	git_oid last;               /* its last version that parsed */
	size_t window_changes;      /* times its maintenance window moved */
	struct nb_notice *notice;   /* that version, read for a recent withdrawal
	                               (nb_content_read_withdrawn); else NULL */
};

struct nb_content {
	struct nb_site site;
	struct nb_notice *notices;  /* in path order */
	size_t count;
	int64_t commit_time;        /* committer time of the commit read */
	struct nb_withdrawn *withdrawn; /* filled by the history walk */
	size_t withdrawn_count;
	int64_t site_changed;       /* author time of the latest commit that changed
	                               site.yaml, from the history walk; 0 unknown */
};

/*
 * Reads and checks the content of commit.  With use_cache, notices parsed
 * by an earlier run (the notice cache, by blob id) are not read and parsed
 * again.  Returns 0, or -1 with every problem found added to diags; what
 * could be read is kept either way.  Release with nb_content_release.
 */
int nb_content_load(struct nb_content *c, git_repository *repo, git_commit *commit,
		    int use_cache, struct nb_diags *diags);

struct nb_repo_file;

/* The same from a list of files (a commit's or the work tree's); commit_time
 * is the time `date:` may not pass. */
int nb_content_load_files(struct nb_content *c, git_repository *repo,
			  const struct nb_repo_file *files, size_t count,
			  int64_t commit_time, int use_cache, struct nb_diags *diags);
/*
 * Reads the last version of each notice withdrawn within the site's
 * tombstone_days of the commit (its servers, kind and window), for feeds
 * and calendars to say it is gone.  A version that cannot be read is left
 * out: the notice is still withdrawn, only less is said about it.
 */
void nb_content_read_withdrawn(struct nb_content *c, git_repository *repo);
/* 1 when a notice withdrawn at `when` is still announced as withdrawn. */
int nb_content_recently_withdrawn(const struct nb_content *c, int64_t when);
void nb_content_release(struct nb_content *c);

#endif
