/*
 * build: what the commands do with a repository: load a commit's content
 * (or the work tree's, or the index's) and date it from the history; and
 * build the site from it: under the lock, the commit resolved once, an
 * up-to-date site left alone, the theme checked, pages and feeds written
 * on two threads, the new site swapped in.
 */
#ifndef NB_BUILD_H
#define NB_BUILD_H

#include <git2.h>
#include <stddef.h>

#include "content.h"
#include "diag.h"
#include "notify.h"
#include "render.h"

struct nb_buf;
struct nb_history;

#define NB_VERSION "0.1.0"

/* What went wrong, as the command line's exit codes say it. */
enum { NB_BUILD_CONTENT = 1, NB_BUILD_ENV = 3 };

/* Where the content comes from. */
struct nb_source {
	const char *repo;    /* a folder of the repository; NULL: the current one */
	const char *rev;     /* the commit ("HEAD"...) */
	int worktree;        /* the work tree's changes over it, dated now */
	int index;           /* the index's changes over it */
	int use_cache;       /* start the walk from the history cache */
	int keep_cache;      /* leave the cache as it is (a look at an older commit) */
};

/* What every command works on. */
struct nb_loaded {
	git_repository *repo;
	struct nb_content content;
	struct nb_history *history;  /* NULL when not loaded */
	int walked;                  /* the walk read commits the cache had not */
	struct nb_diags diags;       /* the problems, for the caller to print */
};

/*
 * Opens the repository, loads the content of the source and dates it from
 * the history (walked from the cache, which is saved when the walk read
 * anything new).  Returns 0, NB_BUILD_CONTENT or NB_BUILD_ENV, with the
 * problems in l->diags; release l with nb_build_release either way.
 */
int nb_build_load(struct nb_loaded *l, const struct nb_source *src);
/*
 * What a walk found worth telling the operator, a line each: a rewritten
 * history, and commits read as a notice withdrawn and a new one where a
 * rename may have been meant (a few at most: a first walk reads every
 * commit).  Nothing when the walk read nothing new.
 */
void nb_build_report(struct nb_buf *out, const struct nb_loaded *l);
/* Frees what l holds (its problems too: print them first). */
void nb_build_release(struct nb_loaded *l);

/*
 * What a built site depends on besides the content: the commit, the
 * theme's files, and this program (its bytes).  The caller frees it.
 */
char *nb_build_stamp(const char *commit_hex, const char *theme);

struct nb_build_options {
	struct nb_source src;
	const char *out;             /* NULL: out/ at the top of the work tree */
	const char *theme;           /* NULL: found by nb_theme_find */
	nb_progress_fn progress;     /* or NULL */
	void *payload;
	int no_notify;               /* tell no webhook (the record is left as it is) */
};

struct nb_build_result {
	char *out;                   /* the folder built (the caller frees it) */
	int up_to_date;              /* the live site was built from the same */
	size_t notices, written, kept;
	struct nb_notify_result notify; /* after publishing (release its report) */
};

/*
 * Builds the site into o->out.  Returns 0, NB_BUILD_CONTENT or
 * NB_BUILD_ENV, with the problems in l->diags (release l with
 * nb_build_release, and r->out with free, either way).
 */
int nb_build_site(struct nb_loaded *l, const struct nb_build_options *o,
		  struct nb_build_result *r);

/*
 * nocblog notify: with preview, writes into it what the next notification
 * of src's commit would tell (since: what that commit did not have);
 * without, tells it now, as a build does after publishing (r says how it
 * went).  Returns 0, NB_BUILD_CONTENT or NB_BUILD_ENV.
 */
int nb_build_notify(struct nb_loaded *l, const struct nb_source *src, const char *since,
		    struct nb_buf *preview, struct nb_notify_result *r);

#endif
