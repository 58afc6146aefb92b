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
/* how far past its commit a stamp may lie before it is "in the future" */
#define NB_FUTURE_SLACK (15 * 60)

struct nb_content {
	struct nb_site site;
	struct nb_notice *notices;  /* in path order */
	size_t count;
	int64_t commit_time;        /* committer time of the commit read */
};

/*
 * Reads and checks the content of commit.  Returns 0, or -1 with every
 * problem found added to diags; what could be read is kept either way.
 * Release with nb_content_release.
 */
int nb_content_load(struct nb_content *c, git_repository *repo,
		    git_commit *commit, struct nb_diags *diags);
void nb_content_release(struct nb_content *c);

#endif
