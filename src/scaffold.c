#include "scaffold.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "content.h"
#include "diag.h"
#include "hooks.h"
#include "notice.h"
#include "repo.h"
#include "site.h"
#include "tz.h"
#include "util.h"

void nb_scaffold_quoted(struct nb_buf *out, const char *s)
{
	nb_buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			nb_buf_putc(out, '\\');
		if (*s == '\n' || *s == '\t')
			nb_buf_putc(out, ' ');
		else if (*s != '\r')
			nb_buf_putc(out, *s);
	}
	nb_buf_putc(out, '"');
}

void nb_scaffold_slug(struct nb_buf *out, const char *title)
{
	size_t start = out->len;

	for (; *title; title++) {
		unsigned char c = (unsigned char)*title;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			nb_buf_putc(out, (char)c);
		else if (out->len > start && out->ptr[out->len - 1] != '-')
			nb_buf_putc(out, '-');
	}
	while (out->len > start && out->ptr[out->len - 1] == '-')
		nb_buf_truncate(out, out->len - 1);
}

/* "2010-10-10T21:00-04:00": a day after now, at `hour` in the site's zone. */
static void local_stamp(struct nb_buf *out, const struct nb_site *site, int64_t now, int hour)
{
	struct nb_tz_civil c;
	int64_t t;
	int off;

	nb_tz_from_utc(site->timezone, now + 86400, &c, NULL);
	c.hour = hour;
	c.minute = c.second = 0;
	t = nb_tz_to_utc(site->timezone, &c, -1);
	off = nb_tz_offset(site->timezone, t, NULL);
	nb_buf_printf(out, "%04d-%02d-%02dT%02d:00%c%02d:%02d", c.year, c.month, c.day, hour,
		      off < 0 ? '-' : '+', (off < 0 ? -off : off) / 3600,
		      (off < 0 ? -off : off) % 3600 / 60);
}

int nb_scaffold_notice(struct nb_buf *path, struct nb_buf *text, const struct nb_site *site,
		       const char *const *servers, size_t server_count, int maintenance,
		       const char *title, int64_t now, struct nb_diags *diags)
{
	size_t before = diags->count, i, slug_at;
	struct nb_tz_civil c;

	if (!server_count)
		nb_diags_add(diags, NULL, 0, "name one with --server NAME", "the notice names no server");
	for (i = 0; i < server_count; i++) {
		const char *near;

		if (nb_site_server(site, servers[i]))
			continue;
		near = nb_site_suggest_server(site, servers[i]);
		if (near) {
			struct nb_buf hint = NB_BUF_INIT;

			nb_buf_printf(&hint, "did you mean '%s'?", near);
			nb_diags_add(diags, NULL, 0, hint.ptr, "unknown server '%s'", servers[i]);
			nb_buf_release(&hint);
		} else {
			nb_diags_add(diags, NULL, 0, "declare it under servers: in content/site.yaml",
				     "unknown server '%s'", servers[i]);
		}
	}
	nb_tz_from_utc(site->timezone, now, &c, NULL);
	nb_buf_printf(path, "content/%04d/", c.year);
	slug_at = path->len;
	nb_scaffold_slug(path, title);
	if (path->len == slug_at)
		nb_diags_add(diags, NULL, 0, "give a title with letters or digits",
			     "the title gives no file name");
	nb_buf_puts(path, ".md");
	if (diags->count > before)
		return -1;

	nb_buf_puts(text, "---\ntitle: ");
	nb_scaffold_quoted(text, title);
	nb_buf_puts(text, "\nservers: [");
	for (i = 0; i < server_count; i++)
		nb_buf_printf(text, "%s%s", i ? ", " : "", servers[i]);
	nb_buf_puts(text, "]\n");
	if (maintenance) {
		nb_buf_puts(text, "kind: maintenance\nstatus: scheduled   # scheduled | in-progress | completed | cancelled\n"
			    "window: {start: ");
		local_stamp(text, site, now, 21);
		nb_buf_puts(text, ", end: ");
		local_stamp(text, site, now, 23);
		nb_buf_puts(text, "}   # when the work runs\n---\n" NB_PLACEHOLDER_MAINTENANCE "\n");
	} else {
		nb_buf_puts(text, "kind: incident\nstatus: investigating   # investigating | identified | "
			    "monitoring | resolved\n# severity: major   # minor | major | critical\n"
			    "# Add updates at the end, each a paragraph that starts \"Update 6:47 AM:\"\n"
			    "# (or just \"Update:\" to use the time of the commit).\n---\n"
			    NB_PLACEHOLDER_INCIDENT "\n");
	}
	return 0;
}

/* ---- a new content repository ---- */

/* A YAML line with its comment in a column of their own. */
static void commented(struct nb_buf *text, const char *line, const char *comment)
{
	nb_buf_printf(text, "%-37s # %s\n", line, comment);
}

void nb_scaffold_site_yaml(struct nb_buf *text, const char *zone)
{
	struct nb_buf line = NB_BUF_INIT;

	nb_buf_puts(text, "# The site: nocblog reads this file from each commit.  Set the first\n"
		    "# three keys and the servers; the commented keys show their defaults.\n");
	commented(text, "title: Network Operations", "the site's name, on every page and feed");
	commented(text, "base_url: https://status.example.com/", "where the site is served, ending in /");
	nb_buf_printf(&line, "timezone: %s", zone);
	commented(text, line.ptr, "IANA name: stamps without a zone, and display");
	commented(text, "# author: Network Operations", "feed author when a commit gives none");
	commented(text, "# unsafe_html: false", "true lets raw HTML and any link through Markdown");
	nb_buf_truncate(&line, 0);
	nb_buf_printf(&line, "# feed_entries: %d", NB_FEED_ENTRIES);
	commented(text, line.ptr, "notices in each notice feed");
	nb_buf_truncate(&line, 0);
	nb_buf_printf(&line, "# feed_updates: %d", NB_FEED_UPDATES);
	commented(text, line.ptr, "updates in each update feed");
	nb_buf_truncate(&line, 0);
	nb_buf_printf(&line, "# tombstone_days: %d", NB_TOMBSTONE_DAYS);
	commented(text, line.ptr, "days a withdrawn notice stays in atom.xml");
	commented(text, "servers:", "what notices name: servers: [MAIL]");
	nb_buf_puts(text, "  # ID (letters, digits, - _ .): {name: NAME, description: optional,"
		    " group: optional ID}\n"
		    "  MAIL:  {name: Mail, description: Mail servers}\n"
		    "  MAIL1: {name: MAIL1, group: MAIL}\n");
	nb_buf_release(&line);
}

/* "/out/", "out" and "out/" name the same folder at the top. */
static int same_pattern(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	if (len && line[0] == '/')
		line++, len--;
	if (len && line[len - 1] == '/')
		len--;
	return len == n && memcmp(line, name, n) == 0;
}

static int ignores(const char *existing, const char *name)
{
	const char *p = existing;

	while (p && *p) {
		size_t len = strcspn(p, "\n");

		if (same_pattern(p, len, name))
			return 1;
		p += len + (p[len] == '\n');
	}
	return 0;
}

void nb_scaffold_gitignore(struct nb_buf *add, const char *existing)
{
	static const char *const names[][2] = {
		{ "out", "/out/" }, { "out.lock", "/out.lock" }, { "out.stage", "/out.stage/" },
	};
	size_t i, start = add->len;

	for (i = 0; i < NB_ARRAY_LEN(names); i++)
		if (!ignores(existing, names[i][0]))
			nb_buf_printf(add, "%s\n", names[i][1]);
	if (add->len > start) {
		struct nb_buf head = NB_BUF_INIT;

		nb_buf_puts(&head, "# what nocblog build writes beside the content (never committed)\n");
		nb_buf_put(&head, add->ptr + start, add->len - start);
		nb_buf_truncate(add, start);
		nb_buf_put(add, head.ptr, head.len);
		nb_buf_release(&head);
	}
}

/* This machine's zone: TZ, else the zone /etc/localtime links to, else UTC.
 * The caller frees it. */
static char *local_zone(void)
{
	const char *tz = getenv("TZ");
	char link[512], *at;
	ssize_t n;

	if (tz && *tz == ':')
		tz++;
	if (tz && *tz && *tz != '/' && nb_tz_exists(tz))
		return nb_strdup(tz);
	n = readlink("/etc/localtime", link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		at = strstr(link, "zoneinfo/");
		if (at && nb_tz_exists(at + 9))
			return nb_strdup(at + 9);
	}
	return nb_strdup("UTC");
}

/* What must not be overwritten, checked before anything is written. */
static int refused(const char *top, git_repository *repo, struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT;
	struct stat st;
	int rc = 0;

	nb_buf_printf(&path, "%s%s", top, NB_SITE_PATH);
	if (lstat(path.ptr, &st) == 0)
		rc = nb_diags_add(diags, path.ptr, 0, "this repository has its site already: edit "
				  "that file, or run nocblog init in another folder",
				  "content/site.yaml exists; nocblog init overwrites nothing");
	if (repo && nb_hooks_foreign(repo, "pre-commit")) {
		nb_buf_truncate(&path, 0);
		nb_hooks_path(&path, repo, "pre-commit");
		rc = nb_diags_add(diags, path.ptr, 0, "rename it to pre-commit.local, run nocblog "
				  "init again, and call it from ours (or call nocblog check --index "
				  "from yours)", "a pre-commit hook that is not nocblog's is there");
	}
	nb_buf_release(&path);
	return rc;
}

/* Writes content/site.yaml below top. */
static int write_site_yaml(struct nb_buf *done, const char *top, struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT, text = NB_BUF_INIT;
	char *zone = local_zone();
	int rc = 0;

	nb_buf_printf(&path, "%s%s", top, NB_SITE_PATH);
	nb_scaffold_site_yaml(&text, zone);
	if (nb_make_dirs(path.ptr, strlen(top)) < 0 ||
	    nb_write_file(path.ptr, text.ptr, text.len, 0644, 0) < 0)
		rc = nb_diags_add(diags, path.ptr, 0, "check the folder's permissions",
				  "cannot write site.yaml: %s", strerror(errno));
	else
		nb_buf_printf(done, "wrote %s (time zone %s)\n", path.ptr, zone);
	free(zone);
	nb_buf_release(&path);
	nb_buf_release(&text);
	return rc;
}

/* Adds what .gitignore below top lacks. */
static int write_gitignore(struct nb_buf *done, const char *top, struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT, text = NB_BUF_INIT, add = NB_BUF_INIT;
	int rc = 0, had;

	nb_buf_printf(&path, "%s.gitignore", top);
	had = nb_buf_read_file(&text, path.ptr, NB_SITE_MAX_BYTES) == 0;
	if (!had && errno != ENOENT) {
		rc = nb_diags_add(diags, path.ptr, 0, "check the file's permissions",
				  "cannot read .gitignore: %s", strerror(errno));
		goto cleanup;
	}
	nb_scaffold_gitignore(&add, had ? nb_buf_cstr(&text) : NULL);
	if (!add.len) {
		nb_buf_printf(done, "kept %s: it ignores out/, out.lock and out.stage/ already\n",
			      path.ptr);
		goto cleanup;
	}
	if (text.len && text.ptr[text.len - 1] != '\n')
		nb_buf_putc(&text, '\n');
	nb_buf_put(&text, add.ptr, add.len);
	if (nb_write_file(path.ptr, text.ptr, text.len, 0644, had) < 0) {
		rc = nb_diags_add(diags, path.ptr, 0, "check the folder's permissions",
				  "cannot write .gitignore: %s", strerror(errno));
		goto cleanup;
	}
	nb_buf_printf(done, "%s %s\n", had ? "added out/, out.lock and out.stage/ to" : "wrote",
		      path.ptr);
cleanup:
	nb_buf_release(&path);
	nb_buf_release(&text);
	nb_buf_release(&add);
	return rc;
}

int nb_scaffold_init(struct nb_buf *done, const char *dir, const char *self,
		     struct nb_diags *diags)
{
	struct nb_buf top = NB_BUF_INIT, hook = NB_BUF_INIT;
	git_repository *repo = NULL;
	int rc = NB_SCAFFOLD_REFUSED, found;

	if (!*dir)
		dir = ".";
	found = nb_repo_open_top(&repo, dir, diags);
	if (found < 0)
		goto cleanup;
	/* the work tree's top, ending in '/' */
	nb_buf_puts(&top, found == 0 ? git_repository_workdir(repo) : dir);
	if (top.ptr[top.len - 1] != '/')
		nb_buf_putc(&top, '/');
	if (refused(top.ptr, repo, diags) < 0)
		goto cleanup;
	rc = NB_SCAFFOLD_IO;
	if (found == 1) {
		if (nb_repo_create(&repo, dir, diags) < 0)
			goto cleanup;
		nb_buf_truncate(&top, 0);
		nb_buf_puts(&top, git_repository_workdir(repo));
		nb_buf_printf(done, "made a git repository in %s\n", git_repository_path(repo));
	}
	if (write_site_yaml(done, top.ptr, diags) < 0 || write_gitignore(done, top.ptr, diags) < 0)
		goto cleanup;
	switch (nb_hooks_install(&hook, repo, "pre-commit", self, NULL, diags)) {
	case 0: break;
	case NB_HOOKS_IO: goto cleanup;
	default: rc = NB_SCAFFOLD_REFUSED; goto cleanup;
	}
	nb_buf_printf(done, "wrote %s\n", hook.ptr);
	rc = 0;
cleanup:
	nb_repo_close(repo);
	nb_buf_release(&top);
	nb_buf_release(&hook);
	return rc;
}

/* ---- nocblog new ---- */

const char *nb_scaffold_slug_taken(const struct nb_repo_file *files, size_t count,
				   const char *path)
{
	char *slug = nb_notice_slug(path);
	const char *hit = NULL;
	size_t i;

	for (i = 0; i < count && !hit; i++) {
		char *other = nb_notice_slug(files[i].path);

		if (strstr(files[i].path, ".md") && strcmp(other, slug) == 0)
			hit = files[i].path;
		free(other);
	}
	free(slug);
	return hit;
}

int nb_scaffold_new(struct nb_buf *path, git_repository *repo, char *const *servers,
		    size_t server_count, int maintenance, const char *title, int64_t now,
		    struct nb_diags *diags)
{
	struct nb_buf text = NB_BUF_INIT, full = NB_BUF_INIT, yaml = NB_BUF_INIT;
	struct nb_repo_file *files = NULL;
	const char *workdir = git_repository_workdir(repo), *taken;
	struct nb_site site;
	size_t count = 0;
	int rc = NB_SCAFFOLD_IO;

	memset(&site, 0, sizeof(site));
	if (!workdir) {
		nb_diags_add(diags, NULL, 0, "run it in a clone with a work tree",
			     "the repository is bare");
		goto cleanup;
	}
	nb_buf_printf(&full, "%s%s", workdir, NB_SITE_PATH);
	if (nb_buf_read_file(&yaml, full.ptr, NB_SITE_MAX_BYTES) < 0) {
		nb_diags_add(diags, NB_SITE_PATH, 0, "create it first", "cannot read site.yaml");
		goto cleanup;
	}
	rc = NB_SCAFFOLD_REFUSED;
	if (nb_site_load(&site, nb_buf_cstr(&yaml), yaml.len, NB_SITE_PATH, diags) < 0 ||
	    nb_scaffold_notice(path, &text, &site, (const char *const *)servers, server_count,
			       maintenance, title, now, diags) < 0)
		goto cleanup;
	nb_repo_list_worktree(&files, &count, repo, NB_CONTENT_DIR, NB_NOTICE_MAX_BYTES, diags);
	taken = nb_scaffold_slug_taken(files, count, path->ptr);
	if (taken) {
		nb_diags_add(diags, taken, 0, "choose another title, or edit that notice",
			     "a notice with this file name exists");
		goto cleanup;
	}
	nb_buf_truncate(&full, 0);
	nb_buf_printf(&full, "%s%s", workdir, path->ptr);
	if (nb_make_dirs(full.ptr, strlen(workdir)) < 0 ||
	    nb_write_file(full.ptr, text.ptr, text.len, 0644, 0) < 0) {
		nb_diags_add(diags, path->ptr, 0, "check the folder's permissions",
			     "cannot create the notice: %s", strerror(errno));
		rc = NB_SCAFFOLD_IO;
		goto cleanup;
	}
	rc = 0;
cleanup:
	nb_site_release(&site);
	nb_repo_files_free(files, count);
	nb_buf_release(&text);
	nb_buf_release(&full);
	nb_buf_release(&yaml);
	return rc;
}
