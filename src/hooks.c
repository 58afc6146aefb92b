#include "hooks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "diag.h"
#include "util.h"

#define NB_HOOK_MARK "# nocblog hook"
#define NB_HOOK_MAX_BYTES (1u << 20)

/* The lines that pick the branch the site is built from: the one the
 * bare repository's HEAD names, as a clone would check out. */
static const char head_lines[] =
	"zero=0000000000000000000000000000000000000000\n"
	"status=0\n"
	"head=$(git symbolic-ref -q HEAD)\n";

static void pre_receive(struct nb_buf *b)
{
	nb_buf_puts(b, head_lines);
	nb_buf_puts(b,
		"site=${head#refs/heads/}\n"
		"[ -n \"$site\" ] || site=\"no branch (HEAD names none)\"\n"
		"while read old new ref; do\n"
		"\t[ \"$new\" = \"$zero\" ] && continue\n"
		"\tcase \"$ref\" in refs/heads/*) ;; *) continue ;; esac\n"
		"\t# only the branch the post-receive hook publishes\n"
		"\tif [ \"$ref\" != \"$head\" ]; then\n"
		"\t\techo \"nocblog: ${ref#refs/heads/} not checked: the site is built from $site\" >&2\n"
		"\t\tcontinue\n"
		"\tfi\n"
		"\techo \"nocblog: checking ${ref#refs/heads/}, the branch the site is built from\" >&2\n"
		"\tif ! \"$nocblog\" check --rev \"$new\"; then\n"
		"\t\techo \"nocblog: push to $ref refused: fix the problems above, commit, "
		"push again\" >&2\n"
		"\t\tstatus=1\n"
		"\tfi\n"
		"done\n"
		"exit $status\n");
}

static void post_receive(struct nb_buf *b, const char *out)
{
	nb_buf_printf(b, "out='%s'\n", out);
	nb_buf_puts(b, head_lines);
	nb_buf_puts(b,
		"while read old new ref; do\n"
		"\t[ \"$ref\" = \"$head\" ] && [ \"$new\" != \"$zero\" ] || continue\n"
		"\t# the branch, not $new: read under the build's lock, so the last\n"
		"\t# build publishes the newest push whatever order builds run in\n"
		"\tif ! \"$nocblog\" build --rev \"$ref\" --out \"$out\" --quiet; then\n"
		"\t\techo \"nocblog: the site was not rebuilt; it still shows the last good push\" >&2\n"
		"\t\tstatus=1\n"
		"\tfi\n"
		"done\n"
		"exit $status\n");
}

void nb_hooks_script(struct nb_buf *b, const char *kind, const char *self, const char *out)
{
	nb_buf_printf(b, "#!/bin/sh\n" NB_HOOK_MARK ": %s (nocblog hooks install writes it again "
		      "safely)\nnocblog='%s'\n", kind, self);
	if (strcmp(kind, "pre-commit") == 0)
		nb_buf_puts(b, "exec \"$nocblog\" check --index\n");
	else if (strcmp(kind, "pre-receive") == 0)
		pre_receive(b);
	else
		post_receive(b, out);
}

void nb_hooks_path(struct nb_buf *path, git_repository *repo, const char *kind)
{
	nb_buf_truncate(path, 0);
	nb_buf_printf(path, "%shooks/%s", git_repository_path(repo), kind);
}

int nb_hooks_foreign(git_repository *repo, const char *kind)
{
	struct nb_buf path = NB_BUF_INIT, old = NB_BUF_INIT;
	int foreign;

	nb_hooks_path(&path, repo, kind);
	foreign = nb_buf_read_file(&old, path.ptr, NB_HOOK_MAX_BYTES) == 0 &&
		  !strstr(nb_buf_cstr(&old), NB_HOOK_MARK);
	nb_buf_release(&path);
	nb_buf_release(&old);
	return foreign;
}

int nb_hooks_install(struct nb_buf *path, git_repository *repo, const char *kind,
		     const char *self, const char *out, struct nb_diags *diags)
{
	struct nb_buf script = NB_BUF_INIT, hint = NB_BUF_INIT, dir = NB_BUF_INIT;
	char real[4096];
	int rc = 0;

	nb_hooks_path(path, repo, kind);
	/* the hook runs elsewhere: the output folder by its absolute path */
	if (out && ((mkdir(out, 0755) < 0 && errno != EEXIST) || !realpath(out, real))) {
		nb_diags_add(diags, out, 0,
			     errno == ENOENT ? "create the folder that holds it first, or pass "
					       "another OUTDIR" :
					       "pass a folder nocblog can create and write",
			     "cannot make the output folder: %s", strerror(errno));
		rc = NB_HOOKS_IO;
		goto cleanup;
	}
	if (out)
		out = real;
	if (strchr(self, '\'') || (out && strchr(out, '\''))) {
		nb_diags_add(diags, NULL, 0, "use paths without quotes", "a path holds a quote");
		rc = NB_HOOKS_BAD_PATH;
		goto cleanup;
	}
	if (nb_hooks_foreign(repo, kind)) {
		nb_buf_printf(&hint, "rename it to %s.local, install again, and call it from ours "
			      "(or call nocblog from yours)", kind);
		nb_diags_add(diags, path->ptr, 0, hint.ptr, "a %s hook that is not nocblog's is there",
			     kind);
		rc = NB_HOOKS_FOREIGN;
		goto cleanup;
	}
	nb_buf_printf(&dir, "%shooks", git_repository_path(repo));
	nb_hooks_script(&script, kind, self, out);
	if ((mkdir(dir.ptr, 0755) < 0 && errno != EEXIST) ||
	    nb_write_file(path->ptr, script.ptr, script.len, 0755, 1) < 0) {
		nb_diags_add(diags, path->ptr, 0, "check the repository's permissions",
			     "cannot write the hook: %s", strerror(errno));
		rc = NB_HOOKS_IO;
	}
cleanup:
	nb_buf_release(&script);
	nb_buf_release(&hint);
	nb_buf_release(&dir);
	return rc;
}
