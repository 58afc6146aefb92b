#include "content.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "noticecache.h"
#include "repo.h"
#include "util.h"

static int load_site(struct nb_content *c, git_repository *repo,
		     const struct nb_repo_file *files, size_t count,
		     struct nb_diags *diags)
{
	char *text = NULL;
	size_t len, i;
	int rc;

	for (i = 0; i < count; i++)
		if (strcmp(files[i].path, NB_SITE_PATH) == 0)
			break;
	if (i == count) {
		nb_diags_add(diags, NB_SITE_PATH, 0,
			     "create it with title, base_url, timezone and servers",
			     "the site has no site.yaml");
		return -1;
	}
	if (files[i].mode == GIT_FILEMODE_LINK || files[i].mode == GIT_FILEMODE_COMMIT) {
		nb_diags_add(diags, NB_SITE_PATH, 0, "commit the file itself",
			     "site.yaml is a symlink or submodule");
		return -1;
	}
	rc = nb_repo_read_file(&text, &len, repo, &files[i], NB_SITE_MAX_BYTES, diags);
	if (rc == 1)
		nb_diags_add(diags, NB_SITE_PATH, 0, "keep site.yaml under the limit",
			     "the file is %zu bytes; the limit is %u", len, NB_SITE_MAX_BYTES);
	if (rc != 0)
		return -1;
	rc = nb_site_load(&c->site, text, len, NB_SITE_PATH, diags);
	free(text);
	return rc;
}

static int refuse_special(const struct nb_repo_file *f, struct nb_diags *diags)
{
	if (f->mode == GIT_FILEMODE_LINK)
		return nb_diags_add(diags, f->path, 0,
				    "replace the link with the file itself (git rm, then add the file)",
				    "symlink inside content/");
	if (f->mode == GIT_FILEMODE_COMMIT)
		return nb_diags_add(diags, f->path, 0,
				    "remove the submodule; content/ holds plain files only",
				    "submodule inside content/");
	return 0;
}

static void check_servers(const struct nb_content *c, const struct nb_notice *n,
			  struct nb_diags *diags)
{
	size_t i;

	for (i = 0; i < n->server_count; i++) {
		const char *near;
		struct nb_buf hint = NB_BUF_INIT;

		if (nb_site_server(&c->site, n->servers[i]))
			continue;
		near = nb_site_suggest_server(&c->site, n->servers[i]);
		if (near)
			nb_buf_printf(&hint, "did you mean '%s'?", near);
		else
			nb_buf_printf(&hint, "declare it under servers: in %s", NB_SITE_PATH);
		nb_diags_add(diags, n->path, n->servers_line, hint.ptr,
			     "unknown server '%s'", n->servers[i]);
		nb_buf_release(&hint);
	}
}

static void check_future(const struct nb_content *c, const struct nb_notice *n,
			 struct nb_diags *diags)
{
	if (n->has_date && n->published > c->commit_time + NB_FUTURE_SLACK)
		nb_diags_add(diags, n->path, n->date_line,
			     "correct the date, or leave date: out to use the commit's time",
			     "date: is later than the commit that holds it");
}

static int slug_cmp(const void *a, const void *b)
{
	const struct nb_notice *const *x = a, *const *y = b;
	int c = strcmp((*x)->slug, (*y)->slug);

	return c ? c : strcmp((*x)->path, (*y)->path);
}

static void check_slugs(const struct nb_content *c, struct nb_diags *diags)
{
	const struct nb_notice **order = nb_calloc(c->count, sizeof(*order));
	size_t i;

	for (i = 0; i < c->count; i++)
		order[i] = &c->notices[i];
	nb_sort(order, c->count, sizeof(*order), slug_cmp);
	for (i = 1; i < c->count; i++) {
		struct nb_buf hint = NB_BUF_INIT;

		if (!*order[i]->slug || strcmp(order[i]->slug, order[i - 1]->slug) != 0)
			continue;
		nb_buf_printf(&hint, "rename one of them: %s has the same slug",
			      order[i - 1]->path);
		nb_diags_add(diags, order[i]->path, 0, hint.ptr,
			     "two notices share the slug '%s'", order[i]->slug);
		nb_buf_release(&hint);
	}
	free(order);
}

static void load_notice(struct nb_content *c, git_repository *repo,
			const struct nb_repo_file *f, struct nb_noticecache *nc,
			struct nb_diags *diags)
{
	const char *zone = c->site.timezone ? c->site.timezone : "UTC";
	struct nb_notice *n = &c->notices[c->count];
	size_t before = diags->count, len;
	char *text = NULL;
	int rc;

	if (nb_noticecache_get(nc, &f->id, f->path, n))
		goto checks;
	rc = nb_repo_read_file(&text, &len, repo, f, NB_NOTICE_MAX_BYTES, diags);
	if (rc == 1)
		nb_diags_add(diags, f->path, 0, "split it into several notices",
			     "the file is %zu bytes; notices are limited to %u",
			     len, NB_NOTICE_MAX_BYTES);
	if (rc != 0)
		return;
	if (nb_notice_parse(n, f->path, text, len, zone, diags) < 0 && !n->title) {
		/* nothing usable: keep it out of the checks that follow */
		nb_notice_release(n);
		free(text);
		return;
	}
	if (diags->count == before)
		nb_noticecache_put(nc, &f->id, n);
	free(text);
checks:
	c->count++;
	if (c->site.servers)
		check_servers(c, n, diags);
	check_future(c, n, diags);
}

int nb_content_load_files(struct nb_content *c, git_repository *repo,
			  const struct nb_repo_file *files, size_t count,
			  int64_t commit_time, int use_cache, struct nb_diags *diags)
{
	struct nb_noticecache *nc = NULL;
	size_t i, before = diags->count;

	memset(c, 0, sizeof(*c));
	c->commit_time = commit_time;
	load_site(c, repo, files, count, diags);
	if (use_cache && c->site.timezone)
		nc = nb_noticecache_open(repo, c->site.timezone);
	c->notices = nb_calloc(count, sizeof(*c->notices));
	for (i = 0; i < count; i++) {
		if (refuse_special(&files[i], diags) < 0 || !nb_ends_with(files[i].path, ".md"))
			continue;
		load_notice(c, repo, &files[i], nc, diags);
	}
	nb_noticecache_save(nc);
	nb_noticecache_free(nc);
	check_slugs(c, diags);
	return diags->count > before ? -1 : 0;
}

int nb_content_load(struct nb_content *c, git_repository *repo, git_commit *commit,
		    int use_cache, struct nb_diags *diags)
{
	struct nb_repo_file *files = NULL;
	size_t count = 0, before = diags->count;
	int rc;

	memset(c, 0, sizeof(*c));
	/* the listing adds a problem for each file it cannot take */
	rc = nb_repo_list(&files, &count, repo, commit, NB_CONTENT_DIR, diags);
	if (rc == 1)
		nb_diags_add(diags, NB_CONTENT_DIR, 0,
			     "put site.yaml and the notices under content/",
			     "the commit has no content/ folder");
	if (rc != 0)
		return -1;
	rc = nb_content_load_files(c, repo, files, count, (int64_t)git_commit_time(commit),
				   use_cache, diags);
	nb_repo_files_free(files, count);
	return rc < 0 || diags->count > before ? -1 : 0;
}

int nb_content_recently_withdrawn(const struct nb_content *c, int64_t when)
{
	return when >= c->commit_time - (int64_t)c->site.tombstone_days * 86400;
}

void nb_content_read_withdrawn(struct nb_content *c, git_repository *repo)
{
	const char *zone = c->site.timezone ? c->site.timezone : "UTC";
	size_t i;

	for (i = 0; i < c->withdrawn_count; i++) {
		struct nb_withdrawn *w = &c->withdrawn[i];
		struct nb_diags ignored = NB_DIAGS_INIT;
		struct nb_notice *n;
		char *text = NULL;
		size_t len;

		if (!w->has_last || !nb_content_recently_withdrawn(c, w->withdrawn) ||
		    nb_repo_read(&text, &len, repo, &w->last, NB_NOTICE_MAX_BYTES, &ignored) != 0) {
			nb_diags_clear(&ignored);
			continue;
		}
		n = nb_calloc(1, sizeof(*n));
		if (nb_notice_parse(n, w->path, text, len, zone, &ignored) == 0) {
			w->notice = n;
		} else {
			nb_notice_release(n);
			free(n);
		}
		nb_diags_clear(&ignored);
		free(text);
	}
}

void nb_content_release(struct nb_content *c)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		nb_notice_release(&c->notices[i]);
	free(c->notices);
	for (i = 0; i < c->withdrawn_count; i++) {
		if (c->withdrawn[i].notice) {
			nb_notice_release(c->withdrawn[i].notice);
			free(c->withdrawn[i].notice);
		}
		free(c->withdrawn[i].first_path);
		free(c->withdrawn[i].path);
		free(c->withdrawn[i].title);
		free(c->withdrawn[i].author);
	}
	free(c->withdrawn);
	nb_site_release(&c->site);
	memset(c, 0, sizeof(*c));
}
