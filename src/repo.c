#include "repo.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "diag.h"
#include "util.h"

#define NB_REPO_MAX_DEPTH 64
#define NB_REPO_WINDOW_SIZE (4 << 20)     /* pack bytes mapped together */
#define NB_REPO_MAPPED_LIMIT (32 << 20)   /* pack bytes mapped at once, both handles */
#define NB_REPO_CACHE_LIMIT (2 << 20)     /* parsed objects kept: a walk reads each once or twice */

static const char *git_message(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

int nb_repo_open(git_repository **out, const char *dir, struct nb_diags *diags)
{
	const char *where = dir ? dir : ".";

	*out = NULL;
	git_libgit2_init();
	/* objects are read from a local repository we trust not to be corrupt
	 * in ways hashing would catch; git fsck is the tool for that */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	/* a walk reads each tree once or twice: keep memory small rather than
	 * caching objects and mapping whole packs (mapped pages count as the
	 * process's: an 85 MB pack mapped whole was a fifth of a cold build's
	 * peak at 10k notices) */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)NB_REPO_WINDOW_SIZE);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)NB_REPO_MAPPED_LIMIT);
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)NB_REPO_CACHE_LIMIT);
	/* in a git hook, git says where the repository (and a push's quarantined
	 * objects) are: follow GIT_DIR and the object directories it sets */
	if (!dir && getenv("GIT_DIR") ?
		    git_repository_open_ext(out, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0 :
		    git_repository_open_ext(out, where, 0, NULL) < 0) {
		nb_diags_add(diags, NULL, 0,
			     "run it inside a git repository, or pass --repo DIR",
			     "no git repository at '%s': %s", where, git_message());
		git_libgit2_shutdown();
		return -1;
	}
	return 0;
}

char *nb_repo_git_path(git_repository *repo, const char *rel)
{
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "%s%s", git_repository_path(repo), rel);
	return nb_buf_detach(&b);
}

int nb_repo_reopen(git_repository **out, git_repository *repo)
{
	const char *path = git_repository_path(repo);

	*out = NULL;
	/* in a hook, the same way as the first (with a push's objects) */
	if (getenv("GIT_DIR") &&
	    git_repository_open_ext(out, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) == 0) {
		if (strcmp(git_repository_path(*out), path) == 0)
			return 0;
		git_repository_free(*out);
		*out = NULL;
	}
	return git_repository_open_ext(out, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
}

void nb_repo_close(git_repository *repo)
{
	if (!repo)
		return;
	git_repository_free(repo);
	git_libgit2_shutdown();
}

/* The nearest folder of path (itself or above) that exists; the caller frees. */
static char *existing_folder(const char *path)
{
	char *p = nb_strdup(path), *slash;
	struct stat st;

	while (stat(p, &st) < 0 && (slash = strrchr(p, '/'))) {
		if (slash == p) {
			p[1] = '\0';
			break;
		}
		*slash = '\0';
	}
	if (stat(p, &st) < 0) {
		free(p);
		return nb_strdup(".");
	}
	return p;
}

int nb_repo_open_top(git_repository **out, const char *dir, struct nb_diags *diags)
{
	git_buf found = GIT_BUF_INIT;
	char *near = existing_folder(dir);
	int rc;

	*out = NULL;
	git_libgit2_init();
	rc = git_repository_open_ext(out, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc == 0 && git_repository_is_bare(*out)) {
		nb_diags_add(diags, dir, 0, "run it in a clone with a work tree (on the server, "
			     "nocblog hooks install is all a bare repository needs)",
			     "the repository is bare");
		rc = -1;
	} else if (rc == GIT_ENOTFOUND && git_repository_discover(&found, near, 0, NULL) == 0) {
		nb_diags_add(diags, dir, 0, "content/ is read at the top of a repository: run it "
			     "there, or in a folder outside that repository",
			     "the folder is inside the git repository at '%s'", found.ptr);
		rc = -1;
	} else if (rc == GIT_ENOTFOUND) {
		rc = 1;
	} else if (rc < 0) {
		nb_diags_add(diags, dir, 0, "check the folder and its permissions",
			     "cannot open the repository: %s", git_message());
		rc = -1;
	}
	git_buf_dispose(&found);
	free(near);
	if (rc != 0) {
		git_repository_free(*out);
		*out = NULL;
		git_libgit2_shutdown();
	}
	return rc;
}

int nb_repo_create(git_repository **out, const char *dir, struct nb_diags *diags)
{
	*out = NULL;
	git_libgit2_init();
	if (git_repository_init(out, dir, 0) < 0) {
		nb_diags_add(diags, dir, 0, "check the folder and its permissions",
			     "cannot make a git repository: %s", git_message());
		git_libgit2_shutdown();
		return -1;
	}
	return 0;
}

int nb_repo_commit(git_commit **out, git_repository *repo, const char *rev,
		   struct nb_diags *diags)
{
	git_object *obj = NULL;
	int rc = -1;

	*out = NULL;
	/* HEAD on a branch with no commit: empty, whatever the branch is called
	 * (git_repository_is_empty knows only init.defaultBranch's) */
	if (git_revparse_single(&obj, repo, rev) < 0 &&
	    (git_repository_is_empty(repo) == 1 ||
	     (strcmp(rev, "HEAD") == 0 && git_repository_head_unborn(repo) == 1))) {
		/* (a push's first commit has no ref yet, but is found above) */
		nb_diags_add(diags, NULL, 0, "commit a notice and content/site.yaml first",
			     "the repository has no commits yet");
		return -1;
	}
	if (!obj) {
		nb_diags_add(diags, NULL, 0, "name a branch, tag or commit that exists",
			     "unknown revision '%s': %s", rev, git_message());
		return -1;
	}
	if (git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT) < 0) {
		nb_diags_add(diags, NULL, 0, "name a commit",
			     "'%s' is not a commit: %s", rev, git_message());
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_object_free(obj);
	return rc;
}

void nb_repo_files_free(struct nb_repo_file *files, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		free(files[i].path);
		free(files[i].data);
	}
	free(files);
}

static int safe_name(const char *name)
{
	size_t len = strlen(name);

	return len && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/') &&
	       !strchr(name, '\\') && nb_utf8_check(name, len) == len;
}

/*
 * Refuses a name no path under out/ can come from, naming the file: its
 * bytes that are not printable UTF-8 are shown as \xHH, so the operator
 * can find it (git ls-files shows the same octets).
 */
static int check_name(const char *dir, const char *name, struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT;
	size_t len = strlen(name), i;
	int utf8 = nb_utf8_check(name, len) == len;

	if (safe_name(name))
		return 0;
	nb_buf_printf(&path, "%s/", dir);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && !utf8))
			nb_buf_printf(&path, "\\x%02x", c);
		else
			nb_buf_putc(&path, (char)c);
	}
	nb_diags_add(diags, path.ptr, 0, "rename it (git mv) to UTF-8 without '\\'",
		     "unusable file name: %s",
		     !len ? "it is empty" :
		     strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ? "'.' and '..' name folders" :
		     strchr(name, '/') ? "it holds a slash" :
		     utf8 ? "it holds a backslash" : "invalid UTF-8");
	nb_buf_release(&path);
	return -1;
}

static int file_order(const void *a, const void *b)
{
	return strcmp(((const struct nb_repo_file *)a)->path,
		      ((const struct nb_repo_file *)b)->path);
}

struct pending {
	git_tree *tree;
	char *prefix;
	int depth;
};

int nb_repo_list(struct nb_repo_file **out, size_t *count, git_repository *repo,
		 git_commit *commit, const char *dir, struct nb_diags *diags)
{
	git_tree *root = NULL;
	int rc;

	*out = NULL;
	*count = 0;
	if (git_commit_tree(&root, commit) < 0) {
		nb_diags_add(diags, NULL, 0, "run 'git fsck' on the repository",
			     "cannot read the commit's tree: %s", git_message());
		return -1;
	}
	rc = nb_repo_list_tree(out, count, repo, root, dir, diags);
	git_tree_free(root);
	return rc;
}

int nb_repo_index_tree(git_tree **out, git_repository *repo, struct nb_diags *diags)
{
	git_index *index = NULL;
	git_oid id;
	int rc = -1;

	*out = NULL;
	if (git_repository_index(&index, repo) < 0 || git_index_write_tree(&id, index) < 0 ||
	    git_tree_lookup(out, repo, &id) < 0)
		nb_diags_add(diags, NULL, 0, "resolve conflicts and stage your changes",
			     "cannot read the index: %s", git_message());
	else
		rc = 0;
	git_index_free(index);
	return rc;
}

int nb_repo_list_tree(struct nb_repo_file **out, size_t *count, git_repository *repo,
		      git_tree *root, const char *dir, struct nb_diags *diags)
{
	struct pending *stack = NULL;
	size_t depth = 0, stack_alloc = 0, alloc = 0, i;
	struct nb_repo_file *files = NULL;
	git_tree_entry *entry = NULL;
	int rc = -1;

	*out = NULL;
	*count = 0;
	if (git_tree_entry_bypath(&entry, root, dir) < 0 ||
	    git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
		rc = 1;
		goto cleanup;
	}
	nb_grow_array(&stack, &stack_alloc, 1, sizeof(*stack));
	if (git_tree_lookup(&stack[0].tree, repo, git_tree_entry_id(entry)) < 0) {
		nb_diags_add(diags, dir, 0, "run 'git fsck' on the repository",
			     "cannot read the folder: %s", git_message());
		goto cleanup;
	}
	stack[0].prefix = nb_strdup(dir);
	stack[0].depth = 0;
	depth = 1;
	/* explicit stack: the repository decides how deep folders go */
	while (depth) {
		struct pending cur = stack[--depth];
		size_t n = git_tree_entrycount(cur.tree);

		for (i = n; i-- > 0;) {
			const git_tree_entry *e = git_tree_entry_byindex(cur.tree, i);
			const char *name = git_tree_entry_name(e);
			struct nb_buf path = NB_BUF_INIT;

			nb_buf_printf(&path, "%s/%s", cur.prefix, name);
			if (check_name(cur.prefix, name, diags) < 0) {
				nb_buf_release(&path);
				continue;
			}
			if (git_tree_entry_filemode(e) == GIT_FILEMODE_TREE) {
				if (cur.depth + 1 >= NB_REPO_MAX_DEPTH) {
					nb_diags_add(diags, path.ptr, 0, "use fewer nested folders",
						     "folders nested more than %d deep",
						     NB_REPO_MAX_DEPTH);
					nb_buf_release(&path);
					continue;
				}
				nb_grow_array(&stack, &stack_alloc, depth + 1, sizeof(*stack));
				if (git_tree_lookup(&stack[depth].tree, repo,
						    git_tree_entry_id(e)) < 0) {
					nb_diags_add(diags, path.ptr, 0, "run 'git fsck'",
						     "cannot read the folder: %s", git_message());
					nb_buf_release(&path);
					continue;
				}
				stack[depth].prefix = nb_buf_detach(&path);
				stack[depth].depth = cur.depth + 1;
				depth++;
				continue;
			}
			nb_grow_array(&files, &alloc, *count + 1, sizeof(*files));
			files[*count].path = nb_buf_detach(&path);
			git_oid_cpy(&files[*count].id, git_tree_entry_id(e));
			files[*count].mode = git_tree_entry_filemode(e);
			files[*count].data = NULL;
			files[*count].len = 0;
			(*count)++;
		}
		git_tree_free(cur.tree);
		free(cur.prefix);
	}
	rc = 0;
cleanup:
	while (depth) {
		depth--;
		git_tree_free(stack[depth].tree);
		free(stack[depth].prefix);
	}
	free(stack);
	git_tree_entry_free(entry);
	if (rc == 0) {
		nb_sort(files, *count, sizeof(*files), file_order);
		*out = files;
	} else {
		nb_repo_files_free(files, *count);
		*count = 0;
	}
	return rc;
}

int nb_repo_read(char **data, size_t *len, git_repository *repo,
		 const git_oid *id, size_t max, struct nb_diags *diags)
{
	git_blob *blob = NULL;
	git_object_size_t size;
	git_object_t type;
	git_odb *odb = NULL;
	size_t header_size = 0;
	int rc;

	*data = NULL;
	*len = 0;
	/* the size from the header first: a huge blob is never loaded */
	if (git_repository_odb(&odb, repo) == 0) {
		rc = git_odb_read_header(&header_size, &type, odb, id);
		git_odb_free(odb);
		if (rc == 0 && header_size > max) {
			*len = header_size;
			return 1;
		}
	}
	if (git_blob_lookup(&blob, repo, id) < 0) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), id);
		nb_diags_add(diags, NULL, 0, "run 'git fsck' on the repository",
			     "cannot read blob %s: %s", hex, git_message());
		return -1;
	}
	size = git_blob_rawsize(blob);
	*len = (size_t)size;
	if (size > max) {
		git_blob_free(blob);
		return 1;
	}
	*data = nb_malloc((size_t)size + 1);
	if (size)
		memcpy(*data, git_blob_rawcontent(blob), (size_t)size);
	(*data)[size] = '\0';
	git_blob_free(blob);
	return 0;
}

static int read_file(const char *path, size_t size, char **data)
{
	FILE *f = fopen(path, "rb");
	int rc = -1;

	*data = nb_malloc(size + 1);
	if (f && fread(*data, 1, size, f) == size && !ferror(f))
		rc = 0;
	if (f)
		fclose(f);
	(*data)[size] = '\0';
	return rc;
}

static int add_worktree_file(struct nb_repo_file **files, size_t *count, size_t *alloc,
			     const char *full, const char *rel, const struct stat *st,
			     size_t max, struct nb_diags *diags)
{
	struct nb_repo_file *f;

	nb_grow_array(files, alloc, *count + 1, sizeof(**files));
	f = &(*files)[*count];
	memset(f, 0, sizeof(*f));
	f->path = nb_strdup(rel);
	f->len = (size_t)st->st_size;
	if (S_ISLNK(st->st_mode)) {
		f->mode = GIT_FILEMODE_LINK;
		f->len = 1; /* marks a work tree file */
	} else {
		f->mode = GIT_FILEMODE_BLOB;
		if (f->len <= max) {
			if (read_file(full, f->len, &f->data) < 0) {
				free(f->path);
				free(f->data);
				return nb_diags_add(diags, rel, 0, "check the file's permissions",
						    "cannot read the file: %s", strerror(errno));
			}
			git_odb_hash(&f->id, f->data, f->len, GIT_OBJECT_BLOB);
		}
	}
	(*count)++;
	return 0;
}

int nb_repo_list_worktree(struct nb_repo_file **out, size_t *count, git_repository *repo,
			  const char *dir, size_t max, struct nb_diags *diags)
{
	const char *workdir = git_repository_workdir(repo);
	char **stack = NULL;
	size_t depth = 0, stack_alloc = 0, alloc = 0, root_len;
	struct nb_repo_file *files = NULL;
	struct nb_buf root = NB_BUF_INIT;
	struct stat st;
	int rc = 0;

	*out = NULL;
	*count = 0;
	if (!workdir)
		return 1;
	nb_buf_printf(&root, "%s%s", workdir, dir);
	if (lstat(root.ptr, &st) < 0 || !S_ISDIR(st.st_mode)) {
		nb_buf_release(&root);
		return 1;
	}
	root_len = strlen(workdir);
	nb_grow_array(&stack, &stack_alloc, 1, sizeof(*stack));
	stack[depth++] = nb_buf_detach(&root);
	while (depth) {
		char *cur = stack[--depth];
		DIR *d = opendir(cur);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			struct nb_buf full = NB_BUF_INIT;

			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			if (check_name(cur + root_len, e->d_name, diags) < 0)
				continue;
			nb_buf_printf(&full, "%s/%s", cur, e->d_name);
			if (lstat(full.ptr, &st) == 0 && S_ISDIR(st.st_mode)) {
				nb_grow_array(&stack, &stack_alloc, depth + 1, sizeof(*stack));
				stack[depth++] = nb_buf_detach(&full);
				continue;
			}
			if (lstat(full.ptr, &st) == 0 && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
			    add_worktree_file(&files, count, &alloc, full.ptr, full.ptr + root_len,
					      &st, max, diags) < 0)
				rc = -1;
			nb_buf_release(&full);
		}
		if (d)
			closedir(d);
		free(cur);
	}
	free(stack);
	nb_sort(files, *count, sizeof(*files), file_order);
	*out = files;
	return rc;
}

int nb_repo_read_file(char **data, size_t *len, git_repository *repo,
		      const struct nb_repo_file *f, size_t max, struct nb_diags *diags)
{
	if (!f->data && !f->len)
		return nb_repo_read(data, len, repo, &f->id, max, diags);
	/* a work tree file: read already, unless it was too large */
	*len = f->len;
	*data = f->data && f->len <= max ? nb_strndup(f->data, f->len) : NULL;
	return *data ? 0 : 1;
}
