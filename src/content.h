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
};

struct nb_content {
	struct nb_site site;
	struct nb_notice *notices;  /* in path order */
	size_t count;
	int64_t commit_time;        /* committer time of the commit read */
	struct nb_withdrawn *withdrawn; /* filled by the history walk */
	size_t withdrawn_count;
};

/*
 * Reads and checks the content of commit.  Returns 0, or -1 with every
 * problem found added to diags; what could be read is kept either way.
 * Release with nb_content_release.
 */
int nb_content_load(struct nb_content *c, git_repository *repo,
		    git_commit *commit, struct nb_diags *diags);

struct nb_repo_file;

/* The same from a list of files (a commit's or the work tree's); commit_time
 * is the time `date:` may not pass. */
int nb_content_load_files(struct nb_content *c, git_repository *repo,
			  const struct nb_repo_file *files, size_t count,
			  int64_t commit_time, struct nb_diags *diags);
void nb_content_release(struct nb_content *c);

#endif
