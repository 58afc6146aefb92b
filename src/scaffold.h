/* scaffold: a new notice's file, ready for an operator to fill in, and a
 * new content repository. */
#ifndef NB_SCAFFOLD_H
#define NB_SCAFFOLD_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

struct nb_site;
struct nb_diags;
struct nb_buf;

struct nb_repo_file;

/* A YAML double-quoted scalar of s, appended to out (line ends and tabs
 * made spaces). */
void nb_scaffold_quoted(struct nb_buf *out, const char *s);

/* A notice among files whose slug is path's (a new notice there would
 * collide with it), or NULL. */
const char *nb_scaffold_slug_taken(const struct nb_repo_file *files, size_t count,
				   const char *path);

/* A file name made of a title, appended to out: lower case, each run of
 * other characters than ASCII letters and digits one '-', none at the
 * ends ("SCROOGE storage failure!" -> "scrooge-storage-failure"). */
void nb_scaffold_slug(struct nb_buf *out, const char *title);

/*
 * The path (content/YYYY/slug.md, YYYY the year of now in the site's zone)
 * and text of a new notice titled title about the servers (ids, checked
 * against the site: an unknown one is a problem with the nearest name).
 * Returns 0, or -1 with problems in diags.
 */
int nb_scaffold_notice(struct nb_buf *path, struct nb_buf *text, const struct nb_site *site,
		       const char *const *servers, size_t server_count, int maintenance,
		       const char *title, int64_t now, struct nb_diags *diags);

/* What nb_scaffold_init and nb_scaffold_new return besides 0. */
enum {
	NB_SCAFFOLD_REFUSED = -1, /* a file is there, or the folder is no place for one */
	NB_SCAFFOLD_IO = -2,      /* something could not be written */
};

/* The content/site.yaml of a new site: every key, each with a comment;
 * zone is its timezone. */
void nb_scaffold_site_yaml(struct nb_buf *text, const char *zone);

/*
 * The lines a .gitignore holding existing (NULL for none) lacks to keep
 * what builds leave beside out/ (out/, out.lock, out.stage/) untracked,
 * appended to add; nothing when none is missing.
 */
void nb_scaffold_gitignore(struct nb_buf *add, const char *existing);

/*
 * nocblog init: makes dir a content repository: a git repository when it
 * is in none, content/site.yaml (in this machine's time zone, from TZ or
 * /etc/localtime, else UTC), the .gitignore lines above, and the
 * pre-commit hook calling the nocblog at self.  Overwrites nothing: a
 * content/site.yaml, or a pre-commit hook nocblog did not write, is refused
 * before anything is written.  Appends one line per thing done to done.
 * Returns 0, or one of the codes above with the problems in diags.
 */
int nb_scaffold_init(struct nb_buf *done, const char *dir, const char *self,
		     struct nb_diags *diags);

/*
 * nocblog new: writes the new notice (nb_scaffold_notice, against the
 * work tree's site.yaml) into the work tree of repo and its path (from
 * the work tree's top) into path.  A notice whose slug another file
 * already has is refused; nothing is overwritten.  Returns 0, or one of
 * the codes above with the problems in diags.
 */
int nb_scaffold_new(struct nb_buf *path, git_repository *repo, char *const *servers,
		    size_t server_count, int maintenance, const char *title, int64_t now,
		    struct nb_diags *diags);

#endif
