/*
 * notify: telling subscribers, once each, what a published commit brought.
 * The news are the events of updates.xml (a notice opened, an update, a
 * window moved, a status reached, a notice withdrawn) that no earlier
 * notification saw, oldest first, each with its updates.xml id; they go to
 * the webhooks site.yaml names, after the site is live.
 *
 * What was told is kept in the git folder (NB_NOTIFY_PATH, written whole
 * and renamed): the last commit notified, the ids seen (those of the last
 * NB_NOTIFY_DAYS days: an event dated earlier than that before the commit
 * notified is history, not news), and the deliveries that failed, tried
 * again by later builds in order, NB_NOTIFY_TRIES times at most.  The
 * first notification of a site sends nothing: it marks what is there as
 * seen.  Ids survive amends, rebases and force-pushes, so nothing is told
 * twice.
 */
#ifndef NB_NOTIFY_H
#define NB_NOTIFY_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct nb_model;

#define NB_NOTIFY_PATH "nocblog/notified"
#define NB_NOTIFY_LOCK "nocblog/notified.lock"
#define NB_NOTIFY_DAYS 30
#define NB_NOTIFY_TRIES 5
#define NB_NOTIFY_TIMEOUT_MS 10000  /* one delivery */
#define NB_NOTIFY_BUDGET_MS 60000   /* all of a build's; the rest wait */

struct nb_notify_result {
	int ran;                 /* 0: nothing to do (no channel, an older commit) */
	int first;               /* the first: what was there marked as seen */
	size_t news;             /* new events */
	size_t sent, failed, waiting; /* deliveries made, failed (tried again
	                            later), and left for the next build */
	size_t pinged;           /* feeds the hub was told of */
	struct nb_buf report;    /* a line per failure, for the build's summary
	                            (the caller releases it) */
};

/*
 * Tells m's news (m built from commit, in repo) to the site's webhooks,
 * and the site's WebSub hub of each feed among written (the files a build
 * wrote anew, from the site's root, a line each; or NULL).  Never fails
 * the build: what went wrong is in r.  Returns 0, or -1 when the record of
 * what was told could not be read or written (no webhook is called then).
 */
int nb_notify_run(const struct nb_model *m, git_repository *repo, const git_oid *commit,
		  const char *written, struct nb_notify_result *r);

/* Whether deliveries that failed wait in repo's record (a build of the
 * commit already live then loads it to try them again). */
int nb_notify_pending(git_repository *repo);

/*
 * What the next notification would tell, a line each ("ID\tKIND\tTITLE"),
 * into out: m's events that the record has not seen, or with since, those
 * that since's model did not have.  Returns the number of events.
 */
size_t nb_notify_preview(const struct nb_model *m, git_repository *repo,
			 const struct nb_model *since, struct nb_buf *out);

#endif
