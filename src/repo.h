/* repo: the git repository: open it, resolve revisions, list and read files. */
#ifndef NB_REPO_H
#define NB_REPO_H

#include <git2.h>
#include <stddef.h>

struct nb_diags;

struct nb_repo_file {
	char *path;        /* repository-relative, '/'-separated */
	git_oid id;
	git_filemode_t mode;
	char *data;        /* the bytes, for a file read from the work tree */
	size_t len;
};

/*
 * Opens the repository holding dir (or the current directory when NULL).
 * Returns 0, or -1 with the problem in diags.  Close it with nb_repo_close.
 */
int nb_repo_open(git_repository **out, const char *dir, struct nb_diags *diags);
void nb_repo_close(git_repository *repo);

/*
 * Opens the repository whose work tree's top is dir, for nocblog init.
 * Returns 0 (close it with nb_repo_close), 1 when dir is in no repository
 * (one may be made there), -1 with the problem in diags when dir is a bare
 * repository or inside another repository's work tree.
 */
int nb_repo_open_top(git_repository **out, const char *dir, struct nb_diags *diags);
/* Makes an empty repository at dir (and dir); 0, or -1 with a problem. */
int nb_repo_create(git_repository **out, const char *dir, struct nb_diags *diags);
/* The path of rel in the repository's git folder (where nocblog keeps its
 * caches, under nocblog/).  The caller frees it. */
char *nb_repo_git_path(git_repository *repo, const char *rel);
/* A second handle on the same repository, for another thread (a handle is
 * used by one thread at a time).  Free it with git_repository_free. */
int nb_repo_reopen(git_repository **out, git_repository *repo);

/* The commit rev names; -1 and a problem for an empty repository or an
 * unknown revision. */
int nb_repo_commit(git_commit **out, git_repository *repo, const char *rev,
		   struct nb_diags *diags);

/*
 * Every file below dir ("content") in the commit's tree, sorted by path:
 * blobs, and symlinks and submodules for the caller to refuse.  Names that
 * could escape the folder are problems.  Returns 0 with *out (free with
 * nb_repo_files_free), 1 when dir does not exist, -1 on failure.
 */
int nb_repo_list(struct nb_repo_file **out, size_t *count, git_repository *repo,
		 git_commit *commit, const char *dir, struct nb_diags *diags);
void nb_repo_files_free(struct nb_repo_file *files, size_t count);

/* The same for a tree (the index's, for a commit about to be made). */
int nb_repo_list_tree(struct nb_repo_file **out, size_t *count, git_repository *repo,
		      git_tree *root, const char *dir, struct nb_diags *diags);

/* The tree the index would commit (its objects are written). */
int nb_repo_index_tree(git_tree **out, git_repository *repo, struct nb_diags *diags);

/*
 * The same for the work tree's folder dir: each file's bytes (when not over
 * max bytes; len is set either way) and the id git would give them.
 * Returns 0, 1 when there is no work tree folder, -1 on failure.
 */
int nb_repo_list_worktree(struct nb_repo_file **out, size_t *count, git_repository *repo,
			  const char *dir, size_t max, struct nb_diags *diags);

/*
 * Reads a blob.  Returns 0 with its bytes in *data (the caller frees; NUL
 * after the last byte), 1 when it is larger than max bytes (*len set),
 * -1 on failure.
 */
int nb_repo_read(char **data, size_t *len, git_repository *repo,
		 const git_oid *id, size_t max, struct nb_diags *diags);

/* The same for a listed file: its work tree bytes when it has them, else
 * its blob. */
int nb_repo_read_file(char **data, size_t *len, git_repository *repo,
		      const struct nb_repo_file *f, size_t max, struct nb_diags *diags);

#endif
