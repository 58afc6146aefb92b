/* hooks: the git hooks nocblog installs, small shell scripts calling it. */
#ifndef NB_HOOKS_H
#define NB_HOOKS_H

#include <git2.h>

struct nb_buf;
struct nb_diags;

/* What nb_hooks_install returns besides 0. */
enum {
	NB_HOOKS_FOREIGN = -1, /* a hook nocblog did not write is there: left alone */
	NB_HOOKS_BAD_PATH = -2, /* a path the script would hold has a quote */
	NB_HOOKS_IO = -3,      /* the hook could not be written */
};

/*
 * The script of a hook, calling the nocblog at self:
 * "pre-commit" checks what is staged; "pre-receive" checks a push to the
 * branch the site is built from (the bare repository's HEAD, the one
 * "post-receive" builds) and lets other branches through, saying so;
 * "post-receive" builds a push to that branch into out.
 */
void nb_hooks_script(struct nb_buf *script, const char *kind, const char *self, const char *out);

/* Where the repository's hook of that kind is, into path. */
void nb_hooks_path(struct nb_buf *path, git_repository *repo, const char *kind);

/* 1 when the repository has a hook of that kind that nocblog did not write. */
int nb_hooks_foreign(git_repository *repo, const char *kind);

/*
 * Writes the hook of that kind (see nb_hooks_script) into the repository,
 * replacing one nocblog wrote before, through a temporary file.  out (the
 * post-receive hook's output folder) is made if missing and written into
 * the hook by its absolute path.  Returns 0 with the hook's path in path,
 * or one of the codes above with the problem in diags.
 */
int nb_hooks_install(struct nb_buf *path, git_repository *repo, const char *kind,
		     const char *self, const char *out, struct nb_diags *diags);

#endif
