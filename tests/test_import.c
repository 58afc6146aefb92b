/*
 * nocblog import (doc/import.md): a cState site and a Statuspage page's API
 * files, written here from each project's documented formats (cState's
 * README and example site; the Statuspage v2 schema of tests/data/schemas,
 * which the files are checked against), are imported into repositories
 * made with `nocblog init`.  Every expected value below is worked out by
 * hand from the fixture's text and doc/import.md: the commits and their
 * author dates, the servers site.yaml gains, each notice's front matter,
 * and after a build every incident, update and time in `nocblog history`,
 * updates.xml, atom.xml, the calendar and the notice pages; and that
 * `nocblog check` passes.  Then: the reports on standard error (file and
 * line), importing again changes nothing, a newer incidents.json adds
 * exactly its new update as one commit and leaves a notice changed by hand
 * as it is, an uncommitted change is never overwritten, --no-commit writes
 * text-dated files and commits nothing, a source that cannot be read
 * leaves the rest imported, and the exit statuses.
 *
 * The fixtures' tricky parts.  cState: an issue dated 2017 whose track
 * stamps are in 2018 (filed under 2017, opening at `date` with no text);
 * an issue with no update at all, resolved by `resolvedWhen` alone (a
 * commit that changes only status:); an informational notice naming no
 * system (filed under `general`) with `pin: true`; an `*Update* -`
 * paragraph (keeps the status and its label); a `*Resolved* -` label on a
 * line of its own, as cState's example writes it; an affected name that is
 * no system; systems in a category, in an `untitled: true` category and in
 * a category named like a system; a draft.  Statuspage: a component group
 * with members; an incident with three updates newest first, display_at
 * at -05:00 with milliseconds (one update's display_at earlier than its
 * created_at, a body with CRLF and two paragraphs); an incident with no
 * update; one with `components: []` whose update names its component; one
 * naming none; an unresolved incident that summary.json holds again with
 * fewer updates; a maintenance with updates scheduled, in_progress,
 * completed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yaml.h>

#include "buf.h"
#include "fixture.h"
#include "util.h"

/* whoever runs the import: the committer of its commits */
#define IMPORTER "Imp Orter"
#define IMPORTER_EMAIL "imp@harbour.example"
/* the site.yaml commit of each target repository */
#define SITE_TIME fx_utc(2017, 1, 1, 0, 0)
/* `nocblog init` writes base_url https://status.example.com/ */
#define TAG "tag:status.example.com,"

/* ---- running things ---- */

static void expect_has(const char *text, const char *needle, const char *what)
{
	if (!strstr(text, needle))
		fail_msg("%s: no\n  %s\nin:\n%s", what, needle, text);
}

static void expect_lacks(const char *text, const char *needle, const char *what)
{
	if (strstr(text, needle))
		fail_msg("%s: unexpected\n  %s\nin:\n%s", what, needle, text);
}

static void expect_text(const char *got, const char *want, const char *what)
{
	if (strcmp(got, want) != 0)
		fail_msg("%s: got:\n%s\nwanted:\n%s", what, got, want);
}

/* A shell command's output; fails the test unless it exits 0. */
static char *sh_ok(const char *cmd)
{
	char *out = NULL;
	int rc = fx_sh(cmd, &out);

	if (rc != 0)
		fail_msg("%s: exit %d:\n%s", cmd, rc, out ? out : "");
	return out;
}

/* `git -C dir ARGS` (the caller frees). */
static char *git_out(const struct fx_repo *r, const char *args)
{
	struct nb_buf cmd = NB_BUF_INIT;
	char *out;

	nb_buf_printf(&cmd, "git -C '%s' %s 2>&1", r->dir, args);
	out = sh_ok(cmd.ptr);
	nb_buf_release(&cmd);
	return out;
}

static size_t commit_count(const struct fx_repo *r)
{
	char *log = git_out(r, "rev-list --count HEAD");
	size_t n = (size_t)strtoul(log, NULL, 10);

	free(log);
	return n;
}

/* `nocblog import --repo DIR ARGS...`: its exit status; what it said
 * (stdout and stderr) in *said. */
static int import(const struct fx_repo *r, char **said, const char *const *rest)
{
	const char *args[24] = { "import", "--repo", r->dir };
	size_t n = 3;

	while (*rest && n < NB_ARRAY_LEN(args) - 1)
		args[n++] = *rest++;
	args[n] = NULL;
	return fx_run(said, args);
}

static char *import_ok(const struct fx_repo *r, const char *const *rest)
{
	char *said = NULL;
	int rc = import(r, &said, rest);

	if (rc != 0)
		fail_msg("nocblog import: exit %d:\n%s", rc, said);
	return said;
}

/* `nocblog ARGS...` with --repo DIR after the command; must exit 0. */
static char *nocblog_ok(const struct fx_repo *r, const char *command, const char *a1,
			const char *a2)
{
	const char *args[] = { command, "--repo", r->dir, a1, a2, NULL };
	char *said = NULL;
	int rc = fx_run(&said, args);

	if (rc != 0)
		fail_msg("nocblog %s %s %s: exit %d:\n%s", command, a1 ? a1 : "", a2 ? a2 : "",
			 rc, said);
	return said;
}

/* Writes JSON written with ' for " (the fixture's texts hold no '). */
static void write_json(struct fx_repo *r, const char *path, const char *text)
{
	char *s = nb_strdup(text), *p;

	for (p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	fx_write(r, path, s);
	free(s);
}

/* Every folder a test makes, removed after it however it ended. */
static struct fx_repo made_repos[8];
static size_t made_count;

static void made(struct fx_repo *r)
{
	fx_repo_init(r);
	assert_true(made_count < NB_ARRAY_LEN(made_repos));
	made_repos[made_count++] = *r;
}

static int remove_made(void **state)
{
	(void)state;
	while (made_count)
		fx_repo_free(&made_repos[--made_count]);
	return 0;
}

/*
 * A content repository as `nocblog init DIR` makes it (site.yaml with
 * servers MAIL and MAIL1 in group MAIL, time zone Etc/UTC, base_url
 * https://status.example.com/), committed at SITE_TIME, with the
 * importer's identity in its git configuration.
 */
static void target(struct fx_repo *r)
{
	const char *args[] = { "init", NULL, NULL };
	struct nb_buf cmd = NB_BUF_INIT;
	char *said = NULL;
	int rc;

	made(r);
	args[1] = r->dir;
	rc = fx_run(&said, args);
	if (rc != 0)
		fail_msg("nocblog init: exit %d:\n%s", rc, said);
	free(said);
	nb_buf_printf(&cmd, "git -C '%s' config user.name '" IMPORTER "' && "
		      "git -C '%s' config user.email '" IMPORTER_EMAIL "'", r->dir, r->dir);
	free(sh_ok(cmd.ptr));
	nb_buf_release(&cmd);
	fx_commit(r, "site", SITE_TIME, 0);
}

/* ---- YAML, read with libyaml (not nocblog's reader) ---- */

static yaml_node_t *yget(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);

		if (k && k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

/* A scalar as written, a sequence of scalars as "a,b", else "-". */
static void yput(struct nb_buf *b, yaml_document_t *d, yaml_node_t *n)
{
	yaml_node_item_t *i;

	if (!n) {
		nb_buf_puts(b, "-");
	} else if (n->type == YAML_SCALAR_NODE) {
		nb_buf_puts(b, (char *)n->data.scalar.value);
	} else if (n->type == YAML_SEQUENCE_NODE) {
		for (i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
			if (i > n->data.sequence.items.start)
				nb_buf_putc(b, ',');
			yput(b, d, yaml_document_get_node(d, *i));
		}
	} else {
		nb_buf_puts(b, "{...}");
	}
}

static void yload(yaml_document_t *d, const char *text, size_t len, const char *what)
{
	yaml_parser_t parser;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, d) || !yaml_document_get_root_node(d))
		fail_msg("%s is not YAML: %s (line %zu):\n%s", what,
			 parser.problem ? parser.problem : "empty", parser.problem_mark.line + 1, text);
	yaml_parser_delete(&parser);
}

/* Lines "ID|..." in the order of their ids. */
static int cmp_id(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t nx = strcspn(x, "|"), ny = strcspn(y, "|");
	int c = strncmp(x, y, nx < ny ? nx : ny);

	return c ? c : (nx > ny) - (nx < ny);
}

/*
 * The servers of content/site.yaml, one line each, by id: "ID|GROUP" (or
 * "ID|NAME|GROUP|DESCRIPTION" with full), "-" where a key is absent.
 */
static char *servers_of(const struct fx_repo *r, int full)
{
	char *text = fx_file_at(r->dir, "content/site.yaml");
	yaml_document_t d;
	yaml_node_t *servers;
	yaml_node_pair_t *p;
	char *lines[64];
	size_t n = 0, i;
	struct nb_buf out = NB_BUF_INIT;

	yload(&d, text, strlen(text), "content/site.yaml");
	servers = yget(&d, yaml_document_get_root_node(&d), "servers");
	if (!servers || servers->type != YAML_MAPPING_NODE)
		fail_msg("site.yaml has no servers:\n%s", text);
	for (p = servers->data.mapping.pairs.start; p < servers->data.mapping.pairs.top && n < 64; p++) {
		yaml_node_t *v = yaml_document_get_node(&d, p->value);
		struct nb_buf l = NB_BUF_INIT;

		yput(&l, &d, yaml_document_get_node(&d, p->key));
		if (full) {
			nb_buf_putc(&l, '|');
			yput(&l, &d, yget(&d, v, "name"));
		}
		nb_buf_putc(&l, '|');
		yput(&l, &d, yget(&d, v, "group"));
		if (full) {
			nb_buf_putc(&l, '|');
			yput(&l, &d, yget(&d, v, "description"));
		}
		lines[n++] = nb_buf_detach(&l);
	}
	qsort(lines, n, sizeof(lines[0]), cmp_id);
	for (i = 0; i < n; i++) {
		nb_buf_printf(&out, "%s\n", lines[i]);
		free(lines[i]);
	}
	yaml_document_delete(&d);
	free(text);
	return nb_buf_detach(&out);
}

/* One server's line of servers_of(r, 1). */
static void expect_server(const char *full, const char *line)
{
	struct nb_buf l = NB_BUF_INIT;

	nb_buf_printf(&l, "\n%s\n", line);
	if (strncmp(full, l.ptr + 1, l.len - 1) != 0 && !strstr(full, l.ptr))
		fail_msg("site.yaml: no server\n  %s\nin:\n%s", line, full);
	nb_buf_release(&l);
}

/*
 * A notice's front matter: "title|servers|kind|status|severity|author|date"
 * ("-" where absent; kind "incident" when absent, its default; date "date"
 * when there is one).
 */
static char *front_matter(const char *dir, const char *path)
{
	char *text = fx_file_at(dir, path), *end;
	yaml_document_t d;
	yaml_node_t *root, *kind;
	struct nb_buf out = NB_BUF_INIT;
	static const char *const keys[] = { "title", "servers" };
	size_t i;

	if (strncmp(text, "---\n", 4) != 0 || !(end = strstr(text + 3, "\n---\n")))
		fail_msg("%s has no front matter:\n%s", path, text);
	yload(&d, text + 4, (size_t)(end + 1 - (text + 4)), path);
	root = yaml_document_get_root_node(&d);
	for (i = 0; i < NB_ARRAY_LEN(keys); i++) {
		yput(&out, &d, yget(&d, root, keys[i]));
		nb_buf_putc(&out, '|');
	}
	kind = yget(&d, root, "kind");
	if (kind)
		yput(&out, &d, kind);
	else
		nb_buf_puts(&out, "incident");
	nb_buf_putc(&out, '|');
	yput(&out, &d, yget(&d, root, "status"));
	nb_buf_putc(&out, '|');
	yput(&out, &d, yget(&d, root, "severity"));
	nb_buf_putc(&out, '|');
	yput(&out, &d, yget(&d, root, "author"));
	nb_buf_puts(&out, yget(&d, root, "date") ? "|date" : "|-");
	yaml_document_delete(&d);
	free(text);
	return nb_buf_detach(&out);
}

static void expect_front_matter(const char *dir, const char *path, const char *want)
{
	char *got = front_matter(dir, path);

	expect_text(got, want, path);
	free(got);
}

/* ---- the commits ---- */

struct ev {
	int64_t at;          /* author time */
	const char *subject; /* ending in '*': a prefix */
};

static int subject_is(const char *got, const char *want)
{
	size_t n = strlen(want);

	return want[n - 1] == '*' ? strncmp(got, want, n - 1) == 0 : strcmp(got, want) == 0;
}

/*
 * The commits after the site's, oldest first: author time and subject as
 * listed; but for the first (the servers'), authored by `author` <`email`>
 * and committed by the importer.
 */
static void expect_commits(const struct fx_repo *r, const char *author, const char *email,
			   const struct ev *evs, size_t n)
{
	char *log = git_out(r, "log --reverse --format='%at|%an|%ae|%cn|%s'");
	char *line = strchr(log, '\n'), *next;
	size_t i;

	assert_non_null(line); /* past the site's commit */
	line++;
	for (i = 0; i < n; i++, line = next) {
		char an[128], ae[128], cn[128], subject[512];
		long long at;

		next = strchr(line, '\n');
		if (!next)
			fail_msg("commit %zu of %zu (%s) missing:\n%s", i + 1, n, evs[i].subject, log);
		*next++ = '\0';
		an[0] = ae[0] = cn[0] = subject[0] = '\0';
		if (sscanf(line, "%lld|%127[^|]|%127[^|]|%127[^|]|%511[^\n]", &at, an, ae, cn,
			   subject) != 5 &&
		    sscanf(line, "%lld|%127[^|]||%127[^|]|%511[^\n]", &at, an, cn, subject) != 4)
			fail_msg("cannot read the commit line '%s'", line);
		if (at != evs[i].at || !subject_is(subject, evs[i].subject) ||
		    (i > 0 && (strcmp(an, author) != 0 || strcmp(ae, email) != 0 ||
			       strcmp(cn, IMPORTER) != 0)))
			fail_msg("commit %zu:\n  %s\nwanted\n  %lld|%s|%s|" IMPORTER "|%s\nall:\n%s", i + 1,
				 line, (long long)evs[i].at, i > 0 ? author : "(any)", i > 0 ? email : "(any)",
				 evs[i].subject, log);
	}
	if (*line)
		fail_msg("more commits than the %zu events:\n%s", n, line);
	free(log);
}

/* The commit authored at `at` (the caller frees). */
static char *commit_at(const struct fx_repo *r, int64_t at)
{
	char *log = git_out(r, "log --format='%at %H'"), *p, *id = NULL;
	char key[32];

	snprintf(key, sizeof(key), "%lld ", (long long)at);
	for (p = log; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, strlen(key)) == 0) {
			id = nb_strndup(p + strlen(key), 40);
			break;
		}
	if (!id)
		fail_msg("no commit at %lld:\n%s", (long long)at, log);
	free(log);
	return id;
}

/* ---- feeds, pages, history, reports ---- */

/* The <entry> of a feed whose <id> is id (the caller frees). */
static char *entry_of(const char *feed, const char *id, const char *what)
{
	struct nb_buf key = NB_BUF_INIT;
	const char *at, *from, *to;
	char *e;

	nb_buf_printf(&key, "<id>%s</id>", id);
	at = strstr(feed, key.ptr);
	if (!at)
		fail_msg("%s: no entry %s in:\n%s", what, id, feed);
	for (from = at; from > feed && strncmp(from, "<entry>", 7) != 0; from--)
		;
	to = strstr(at, "</entry>");
	assert_non_null(to);
	e = nb_strndup(from, (size_t)(to - from));
	nb_buf_release(&key);
	return e;
}

/* The entry `notice` + `suffix` of updates.xml is published at `utc` and
 * holds `text` (NULL: nothing to check). */
static void expect_event(const char *feed, const char *notice, const char *suffix,
			 const char *utc, const char *text)
{
	struct nb_buf id = NB_BUF_INIT, pub = NB_BUF_INIT;
	char *e;

	nb_buf_printf(&id, "%s%s", notice, suffix);
	e = entry_of(feed, id.ptr, "updates.xml");
	nb_buf_printf(&pub, "<published>%s</published>", utc);
	expect_has(e, pub.ptr, id.ptr);
	if (text)
		expect_has(e, text, id.ptr);
	free(e);
	nb_buf_release(&id);
	nb_buf_release(&pub);
}

/* The notice's entry of atom.xml: published, updated, and its texts
 * (NULL-terminated). */
static void expect_notice_entry(const char *feed, const char *notice, const char *published,
				const char *updated, const char *const *texts)
{
	struct nb_buf s = NB_BUF_INIT;
	char *e = entry_of(feed, notice, "atom.xml");

	nb_buf_printf(&s, "<published>%s</published>", published);
	expect_has(e, s.ptr, notice);
	nb_buf_truncate(&s, 0);
	nb_buf_printf(&s, "<updated>%s</updated>", updated);
	expect_has(e, s.ptr, notice);
	for (; *texts; texts++)
		expect_has(e, *texts, notice);
	free(e);
	nb_buf_release(&s);
}

/* A notice's page holds each text and each time (site zone Etc/UTC). */
static void expect_page(const char *out, const char *page, const char *const *texts,
			const char *const *times)
{
	char *html = fx_file_at(out, page);

	for (; *texts; texts++)
		expect_has(html, *texts, page);
	for (; *times; times++) {
		struct nb_buf t = NB_BUF_INIT;

		nb_buf_printf(&t, "<time datetime=\"%s+00:00\">", *times);
		expect_has(html, t.ptr, page);
		nb_buf_release(&t);
	}
	free(html);
}

/* A "status" line of `nocblog history`. */
static void expect_status(const char *hist, const char *status, const char *shown,
			  const char *utc)
{
	struct nb_buf l = NB_BUF_INIT;

	nb_buf_printf(&l, "  status     %-13s %s UTC (%s)", status, shown, utc);
	expect_has(hist, l.ptr, "history");
	nb_buf_release(&l);
}

/* An update of `nocblog history`: its stamp as written, its time. */
static void expect_update(const char *hist, const char *stamp, const char *shown, const char *utc)
{
	struct nb_buf l = NB_BUF_INIT;

	nb_buf_printf(&l, "\"%s\"\n    time     %s UTC (%s) from the stamp's date and time\n",
		      stamp, shown, utc);
	expect_has(hist, l.ptr, "history");
	nb_buf_release(&l);
}

/*
 * A report line of the import: it names `file` then one of the lines
 * (0-terminated; none: any line, or none) and holds `word`.
 */
static void expect_report(const char *said, const char *file, const int *lines, const char *word)
{
	const char *p;

	for (p = said; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		size_t len = strcspn(p, "\n");
		char *line = nb_strndup(p, len);
		const char *at = strstr(line, file);
		int ok = 0;

		if (at && strstr(line, word)) {
			const char *rest = at + strlen(file);

			if (!lines[0]) {
				ok = 1;
			} else if (*rest == ':') {
				size_t i;

				for (i = 0; lines[i]; i++)
					ok |= atoi(rest + 1) == lines[i];
			}
		}
		free(line);
		if (ok)
			return;
	}
	fail_msg("no report naming %s (line %d) and '%s' in:\n%s", file, lines[0], word, said);
}

/* The VEVENT of a calendar whose UID is uid, its lines unfolded (the
 * caller frees). */
static char *vevent(const char *ics, const char *uid)
{
	struct nb_buf flat = NB_BUF_INIT, key = NB_BUF_INIT;
	const char *p, *at, *from, *to;
	char *ev;

	for (p = ics; *p; p++) {
		if (strncmp(p, "\r\n ", 3) == 0)
			p += 2;
		else
			nb_buf_putc(&flat, *p);
	}
	nb_buf_printf(&key, "\nUID:%s\r\n", uid);
	at = strstr(flat.ptr, key.ptr);
	if (!at)
		fail_msg("no event %s in:\n%s", uid, flat.ptr);
	for (from = at; from > flat.ptr && strncmp(from, "BEGIN:VEVENT", 12) != 0; from--)
		;
	to = strstr(at, "END:VEVENT");
	assert_non_null(to);
	ev = nb_strndup(from, (size_t)(to - from));
	nb_buf_release(&flat);
	nb_buf_release(&key);
	return ev;
}

/* A notice's text after its front matter (blank lines skipped) opens with
 * `opening`, before any update. */
static void expect_opening(const char *text, const char *opening, const char *path)
{
	const char *body = strstr(text + 3, "\n---\n");

	assert_non_null(body);
	body += 5;
	while (*body == '\n')
		body++;
	if (strncmp(body, opening, strlen(opening)) != 0)
		fail_msg("%s does not open with\n  %s\nbut:\n%s", path, opening, text);
}

static char *snapshot(const struct fx_repo *r)
{
	struct nb_buf dir = NB_BUF_INIT, snap = NB_BUF_INIT;

	nb_buf_printf(&dir, "%s/content", r->dir);
	fx_snapshot(dir.ptr, &snap);
	nb_buf_release(&dir);
	return nb_buf_detach(&snap);
}

/* ======================================================================
 * cState
 * ====================================================================== */

/*
 * Harbour Status, a cState site.  No timeZone in config.yml: its times are
 * UTC.  Systems: Gateway and Media Proxy in North Coast, Storage in the
 * category Storage (a category named like a system: group Storage-group),
 * API in the untitled category Loose Ends (on its own).
 */
static const char cstate_config[] =
	"# Harbour's status page\n"
	"title: Harbour Status\n"
	"baseURL: https://status.harbour.example\n"
	"languageCode: en\n"
	"defaultContentLanguage: en\n"
	"buildFuture: true\n"
	"enableGitInfo: false\n"
	"\n"
	"params:\n"
	"  categories:\n"
	"    - name: North Coast\n"
	"      description: Servers by the north quay.\n"
	"      closed: true\n"
	"    - name: Storage\n"
	"      description: Where the files live.\n"
	"    - name: Loose Ends\n"
	"      untitled: true\n"
	"\n"
	"  systems:\n"
	"    - name: Gateway\n"
	"      description: The front door.\n"
	"      category: North Coast\n"
	"    - name: Media Proxy\n"
	"      description: Images, audio and video.\n"
	"      category: North Coast\n"
	"    - name: Storage\n"
	"      category: Storage\n"
	"    - name: API\n"
	"      description: Programmatic access.\n"
	"      category: Loose Ends\n"
	"\n"
	"  enableUptimeHistogram: true\n"
	"  dateFormat: January 2, 2006 at 3:04 PM\n";

/* Dated 31 December 2017, its messages on 1 January 2018; no text before
 * the first labelled paragraph, whose time is not `date`: it opens at
 * `date` with no text. */
static const char cstate_new_year[] =
	"---\n"
	"title: New Year gateway outage\n"
	"date: 2017-12-31 23:50:00\n"
	"resolved: true\n"
	"resolvedWhen: 2018-01-01 01:30:00\n"
	"severity: down\n"
	"affected:\n"
	"  - Gateway\n"
	"section: issue\n"
	"---\n"
	"\n"
	"*Resolved* - Traffic through the gateway is back to normal. {{< track \"2018-01-01 01:30:00\" >}}\n"
	"\n"
	"*Monitoring* - A standby unit took over and we are watching it. {{< track \"2018-01-01 00:45:00\" >}}\n"
	"\n"
	"*Investigating* - The gateway stopped answering at midnight. {{< track \"2018-01-01 00:05:00\" >}}\n";

/* No update at all; resolved at resolvedWhen by no message. */
static const char cstate_slow_api[] =
	"---\n"
	"title: Slow API responses\n"
	"date: 2018-01-01 00:30:00\n"
	"resolved: true\n"
	"resolvedWhen: 2018-01-01 02:00:00\n"
	"severity: disrupted\n"
	"affected:\n"
	"  - API\n"
	"  - Storage\n"
	"section: issue\n"
	"---\n"
	"\n"
	"Some API calls take several seconds. We are looking into it.\n";

/* The oldest update at `date`: the opening message.  An *Update* label;
 * a *Resolved* label on a line of its own; CDN (line 9) is no system. */
static const char cstate_media[] =
	"---\n"
	"title: Media uploads failing\n"
	"date: 2018-05-20 14:00:00\n"
	"resolved: true\n"
	"resolvedWhen: 2018-05-20 16:10:00\n"
	"severity: notice\n"
	"affected:\n"
	"  - Media Proxy\n"
	"  - CDN\n"
	"section: issue\n"
	"---\n"
	"\n"
	"*Resolved* -\n"
	"Uploads work again. {{< track \"2018-05-20 16:10:00\" >}}\n"
	"\n"
	"*Update* - The storage cluster is rebuilding, uploads are still slow. {{< track \"2018-05-20 15:20:00\" >}}\n"
	"\n"
	"*Identified* - A full disk on the storage cluster rejects new files. {{< track \"2018-05-20 14:30:00\" >}}\n"
	"\n"
	"*Investigating* - Uploads of images and video fail. {{< track \"2018-05-20 14:00:00\" >}}\n";

/* Informational, pinned (line 5), naming no system. */
static const char cstate_address[] =
	"---\n"
	"title: New status page address\n"
	"date: 2018-06-01 08:00:00\n"
	"informational: true\n"
	"pin: true\n"
	"section: issue\n"
	"---\n"
	"\n"
	"This status page now lives at a new address.\n";

/* A draft (line 4): not imported. */
static const char cstate_draft[] =
	"---\n"
	"title: Notes for the next outage\n"
	"date: 2018-07-01 10:00:00\n"
	"draft: true\n"
	"resolved: false\n"
	"severity: notice\n"
	"affected:\n"
	"  - API\n"
	"section: issue\n"
	"---\n"
	"\n"
	"Nothing to see yet.\n";

static void cstate_site(struct fx_repo *src)
{
	made(src);
	fx_write(src, "site/config.yml", cstate_config);
	fx_write(src, "site/content/issues/2017-12-31-new-year-outage.md", cstate_new_year);
	fx_write(src, "site/content/issues/2018-01-01-slow-api.md", cstate_slow_api);
	fx_write(src, "site/content/issues/2018-05-20-media-uploads.md", cstate_media);
	fx_write(src, "site/content/issues/2018-06-01-new-address.md", cstate_address);
	fx_write(src, "site/content/issues/2018-07-01-next-steps.md", cstate_draft);
}

#define NY "content/2017/2017-12-31-new-year-outage.md"
#define SA "content/2018/2018-01-01-slow-api.md"
#define MU "content/2018/2018-05-20-media-uploads.md"
#define NA "content/2018/2018-06-01-new-address.md"
#define NY_ID TAG "2017-12-31:/" NY
#define SA_ID TAG "2018-01-01:/" SA
#define MU_ID TAG "2018-05-20:/" MU
#define NA_ID TAG "2018-06-01:/" NA

static void test_cstate(void **state)
{
	struct fx_repo r, src;
	struct nb_buf dir = NB_BUF_INIT, out = NB_BUF_INIT;
	/* the commits, in time order (the two January notices interleave) */
	const struct ev evs[] = {
		/* a second before the first event */
		{ fx_utc(2017, 12, 31, 23, 49) + 59, "import: servers from cState" },
		{ fx_utc(2017, 12, 31, 23, 50), "import: New Year gateway outage (opened)" },
		/* investigating */
		{ fx_utc(2018, 1, 1, 0, 5), "import: New Year gateway outage (update*" },
		{ fx_utc(2018, 1, 1, 0, 30), "import: Slow API responses (opened)" },
		{ fx_utc(2018, 1, 1, 0, 45), "import: New Year gateway outage (update, monitoring)" },
		/* resolved */
		{ fx_utc(2018, 1, 1, 1, 30), "import: New Year gateway outage (update*" },
		/* resolvedWhen alone: a status change with no message */
		{ fx_utc(2018, 1, 1, 2, 0), "import: Slow API responses (resolved)" },
		/* its oldest update, at `date` */
		{ fx_utc(2018, 5, 20, 14, 0), "import: Media uploads failing (opened)" },
		/* identified */
		{ fx_utc(2018, 5, 20, 14, 30), "import: Media uploads failing (update*" },
		/* *Update* */
		{ fx_utc(2018, 5, 20, 15, 20), "import: Media uploads failing (update*" },
		/* resolved */
		{ fx_utc(2018, 5, 20, 16, 10), "import: Media uploads failing (update*" },
		/* informational: resolved from the start */
		{ fx_utc(2018, 6, 1, 8, 0), "import: New status page address (opened)" },
	};
	char *said, *text, *hist, *feed, *before, *again, *id;
	const char *rest[] = { "cstate", NULL, NULL };

	(void)state;
	target(&r);
	cstate_site(&src);
	nb_buf_printf(&dir, "%s/site", src.dir);
	nb_buf_printf(&out, "%s/out", src.dir);
	rest[1] = dir.ptr;
	said = import_ok(&r, rest);

	/* ---- reports: per file, with the line where there is one ---- */
	expect_report(said, "2018-06-01-new-address.md", (const int[]){ 5, 0 }, "pin");
	expect_report(said, "2018-06-01-new-address.md", (const int[]){ 0 }, "general");
	/* the name itself (line 9), or its key (line 7) */
	expect_report(said, "2018-05-20-media-uploads.md", (const int[]){ 9, 7, 0 }, "CDN");
	expect_report(said, "2018-07-01-next-steps.md", (const int[]){ 0 }, "draft");

	/* ---- one commit per event, at its time, by the source's name ---- */
	expect_commits(&r, "Harbour Status", "noreply@status.harbour.example", evs, NB_ARRAY_LEN(evs));
	assert_int_equal(commit_count(&r), 1 + NB_ARRAY_LEN(evs));
	/* the work tree and the index match the last commit */
	text = git_out(&r, "status --porcelain --untracked-files=all");
	expect_text(text, "", "git status after the import");
	free(text);
	/* resolvedWhen without a message: a commit that changes only status: */
	id = commit_at(&r, fx_utc(2018, 1, 1, 2, 0));
	{
		struct nb_buf args = NB_BUF_INIT;

		nb_buf_printf(&args, "show --format= --numstat %s", id);
		text = git_out(&r, args.ptr);
		expect_text(text, "1\t1\t" SA "\n", "the status-only commit");
		free(text);
		nb_buf_truncate(&args, 0);
		nb_buf_printf(&args, "show --format= -U0 %s", id);
		text = git_out(&r, args.ptr);
		expect_has(text, "\n-status: investigating\n+status: resolved\n", "the status-only commit");
		free(text);
		nb_buf_release(&args);
	}
	free(id);

	/* ---- servers: systems, their categories as groups, CDN, general ---- */
	text = servers_of(&r, 0);
	expect_text(text,
		    "API|-\n"
		    "CDN|-\n"
		    "Gateway|North-Coast\n"
		    "MAIL|-\n"
		    "MAIL1|MAIL\n"
		    "Media-Proxy|North-Coast\n"
		    "North-Coast|-\n"
		    "Storage|Storage-group\n"
		    "Storage-group|-\n"
		    "general|-\n",
		    "site.yaml's servers (id|group)");
	free(text);
	text = servers_of(&r, 1);
	expect_server(text, "Gateway|Gateway|North-Coast|The front door.");
	expect_server(text, "Media-Proxy|Media Proxy|North-Coast|Images, audio and video.");
	expect_server(text, "API|API|-|Programmatic access.");
	expect_has(text, "North-Coast|North Coast|", "site.yaml");
	expect_has(text, "CDN|CDN|", "site.yaml");
	expect_has(text, "general|General|", "site.yaml");
	free(text);

	/* ---- the notices ---- */
	expect_front_matter(r.dir, NY, "New Year gateway outage|Gateway|incident|resolved|major|Harbour Status|-");
	expect_front_matter(r.dir, SA, "Slow API responses|API,Storage|incident|resolved|minor|Harbour Status|-");
	expect_front_matter(r.dir, MU, "Media uploads failing|Media-Proxy,CDN|incident|resolved|-|Harbour Status|-");
	expect_front_matter(r.dir, NA, "New status page address|general|incident|resolved|-|Harbour Status|-");
	text = git_out(&r, "ls-files content");
	expect_text(text, NY "\n" SA "\n" MU "\n" NA "\ncontent/site.yaml\n", "the files");
	free(text);
	/* each message oldest first, with its full stamp; labels dropped but
	 * *Update*'s; the shortcode gone */
	text = fx_file_at(r.dir, NY);
	expect_has(text, "\nUpdate 2018-01-01 00:05 UTC: The gateway stopped answering at midnight.",
		   NY);
	expect_has(text, "\nUpdate 2018-01-01 00:45 UTC: A standby unit took over and we are watching it.",
		   NY);
	expect_has(text, "\nUpdate 2018-01-01 01:30 UTC: Traffic through the gateway is back to normal.",
		   NY);
	assert_true(strstr(text, "00:05 UTC:") < strstr(text, "00:45 UTC:"));
	assert_true(strstr(text, "00:45 UTC:") < strstr(text, "01:30 UTC:"));
	expect_lacks(text, "track", NY);
	expect_lacks(text, "*Resolved*", NY);
	free(text);
	text = fx_file_at(r.dir, MU);
	expect_opening(text, "Uploads of images and video fail.\n", MU);
	expect_has(text, "\nUpdate 2018-05-20 14:30 UTC: A full disk on the storage cluster rejects new files.", MU);
	/* the label kept as written */
	expect_has(text, "\nUpdate 2018-05-20 15:20 UTC: *Update* - The storage cluster is rebuilding, "
			 "uploads are still slow.", MU);
	expect_has(text, "\nUpdate 2018-05-20 16:10 UTC: Uploads work again.", MU);
	expect_lacks(text, "{{<", MU);
	free(text);
	text = fx_file_at(r.dir, SA);
	expect_opening(text, "Some API calls take several seconds. We are looking into it.\n", SA);
	expect_lacks(text, "Update", SA);
	free(text);

	/* ---- every imported notice passes check ---- */
	free(nocblog_ok(&r, "check", NULL, NULL));

	/* ---- the history dates them from the commits ---- */
	hist = nocblog_ok(&r, "history", NY, NULL);
	expect_has(hist, "published  2017-12-31 23:50 UTC (2017-12-31T23:50:00Z) from the commit that added it",
		   NY);
	expect_status(hist, "investigating", "2017-12-31 23:50", "2017-12-31T23:50:00Z");
	expect_status(hist, "monitoring", "2018-01-01 00:45", "2018-01-01T00:45:00Z");
	expect_status(hist, "resolved", "2018-01-01 01:30", "2018-01-01T01:30:00Z");
	expect_update(hist, "2018-01-01 00:05 UTC", "2018-01-01 00:05", "2018-01-01T00:05:00Z");
	expect_update(hist, "2018-01-01 00:45 UTC", "2018-01-01 00:45", "2018-01-01T00:45:00Z");
	expect_update(hist, "2018-01-01 01:30 UTC", "2018-01-01 01:30", "2018-01-01T01:30:00Z");
	free(hist);
	hist = nocblog_ok(&r, "history", SA, NULL);
	expect_has(hist, "published  2018-01-01 00:30 UTC (2018-01-01T00:30:00Z)", SA);
	expect_status(hist, "investigating", "2018-01-01 00:30", "2018-01-01T00:30:00Z");
	expect_status(hist, "resolved", "2018-01-01 02:00", "2018-01-01T02:00:00Z");
	free(hist);
	hist = nocblog_ok(&r, "history", MU, NULL);
	expect_has(hist, "published  2018-05-20 14:00 UTC (2018-05-20T14:00:00Z)", MU);
	expect_status(hist, "investigating", "2018-05-20 14:00", "2018-05-20T14:00:00Z");
	expect_status(hist, "identified", "2018-05-20 14:30", "2018-05-20T14:30:00Z");
	expect_status(hist, "resolved", "2018-05-20 16:10", "2018-05-20T16:10:00Z");
	expect_update(hist, "2018-05-20 14:30 UTC", "2018-05-20 14:30", "2018-05-20T14:30:00Z");
	expect_update(hist, "2018-05-20 15:20 UTC", "2018-05-20 15:20", "2018-05-20T15:20:00Z");
	expect_update(hist, "2018-05-20 16:10 UTC", "2018-05-20 16:10", "2018-05-20T16:10:00Z");
	/* *Update* kept the status: identified once, then resolved */
	expect_lacks(hist, "  status     identified    2018-05-20 15:20", MU);
	free(hist);
	hist = nocblog_ok(&r, "history", NA, NULL);
	expect_has(hist, "published  2018-06-01 08:00 UTC (2018-06-01T08:00:00Z)", NA);
	expect_status(hist, "resolved", "2018-06-01 08:00", "2018-06-01T08:00:00Z");
	free(hist);

	/* ---- the built site: every event in updates.xml, at its time ---- */
	fx_build(&r, out.ptr);
	feed = fx_file_at(out.ptr, "updates.xml");
	expect_event(feed, NY_ID, "/opened", "2017-12-31T23:50:00Z", NULL);
	expect_event(feed, NY_ID, "/update/20180101T000500Z-1", "2018-01-01T00:05:00Z",
		     "The gateway stopped answering at midnight.");
	expect_event(feed, NY_ID, "/update/20180101T004500Z-1", "2018-01-01T00:45:00Z",
		     "A standby unit took over and we are watching it.");
	expect_event(feed, NY_ID, "/status/monitoring-1", "2018-01-01T00:45:00Z", NULL);
	expect_event(feed, NY_ID, "/update/20180101T013000Z-1", "2018-01-01T01:30:00Z",
		     "Traffic through the gateway is back to normal.");
	expect_event(feed, NY_ID, "/status/resolved-1", "2018-01-01T01:30:00Z", NULL);
	expect_event(feed, SA_ID, "/opened", "2018-01-01T00:30:00Z",
		     "Some API calls take several seconds. We are looking into it.");
	expect_event(feed, SA_ID, "/status/resolved-1", "2018-01-01T02:00:00Z", NULL);
	expect_event(feed, MU_ID, "/opened", "2018-05-20T14:00:00Z", "Uploads of images and video fail.");
	expect_event(feed, MU_ID, "/update/20180520T143000Z-1", "2018-05-20T14:30:00Z",
		     "A full disk on the storage cluster rejects new files.");
	expect_event(feed, MU_ID, "/status/identified-1", "2018-05-20T14:30:00Z", NULL);
	expect_event(feed, MU_ID, "/update/20180520T152000Z-1", "2018-05-20T15:20:00Z",
		     "The storage cluster is rebuilding, uploads are still slow.");
	expect_event(feed, MU_ID, "/update/20180520T161000Z-1", "2018-05-20T16:10:00Z",
		     "Uploads work again.");
	expect_event(feed, MU_ID, "/status/resolved-1", "2018-05-20T16:10:00Z", NULL);
	expect_event(feed, NA_ID, "/opened", "2018-06-01T08:00:00Z",
		     "This status page now lives at a new address.");
	/* nothing more: NY opened, 3 updates, monitoring, resolved; SA opened,
	 * resolved; MU opened, 3 updates, identified, resolved; NA opened and
	 * closed at once */
	{
		size_t n = 0;
		const char *p;

		for (p = feed; (p = strstr(p, "<entry>")); p++)
			n++;
		assert_int_equal(n, 6 + 2 + 6 + 2);
	}
	free(feed);

	/* atom.xml: each notice, published and last changed, with its thread */
	feed = fx_file_at(out.ptr, "atom.xml");
	expect_notice_entry(feed, NY_ID, "2017-12-31T23:50:00Z", "2018-01-01T01:30:00Z",
			    (const char *const[]){ "The gateway stopped answering at midnight.",
						   "A standby unit took over and we are watching it.",
						   "Traffic through the gateway is back to normal.", NULL });
	expect_notice_entry(feed, SA_ID, "2018-01-01T00:30:00Z", "2018-01-01T02:00:00Z",
			    (const char *const[]){ "Some API calls take several seconds.", NULL });
	expect_notice_entry(feed, MU_ID, "2018-05-20T14:00:00Z", "2018-05-20T16:10:00Z",
			    (const char *const[]){ "Uploads of images and video fail.",
						   "A full disk on the storage cluster rejects new files.",
						   "The storage cluster is rebuilding, uploads are still slow.",
						   "Uploads work again.", NULL });
	expect_notice_entry(feed, NA_ID, "2018-06-01T08:00:00Z", "2018-06-01T08:00:00Z",
			    (const char *const[]){ "This status page now lives at a new address.", NULL });
	free(feed);

	/* the pages: under the month each was published, every message and time */
	expect_page(out.ptr, "2017/12/2017-12-31-new-year-outage/index.html",
		    (const char *const[]){ "The gateway stopped answering at midnight.",
					   "A standby unit took over and we are watching it.",
					   "Traffic through the gateway is back to normal.", NULL },
		    (const char *const[]){ "2017-12-31T23:50:00", "2018-01-01T00:05:00",
					   "2018-01-01T00:45:00", "2018-01-01T01:30:00", NULL });
	expect_page(out.ptr, "2018/01/2018-01-01-slow-api/index.html",
		    (const char *const[]){ "Some API calls take several seconds. We are looking into it.",
					   NULL },
		    (const char *const[]){ "2018-01-01T00:30:00", "2018-01-01T02:00:00", NULL });
	expect_page(out.ptr, "2018/05/2018-05-20-media-uploads/index.html",
		    (const char *const[]){ "Uploads of images and video fail.",
					   "A full disk on the storage cluster rejects new files.",
					   "<em>Update</em> - The storage cluster is rebuilding, uploads are still slow.",
					   "Uploads work again.", NULL },
		    (const char *const[]){ "2018-05-20T14:00:00", "2018-05-20T14:30:00",
					   "2018-05-20T15:20:00", "2018-05-20T16:10:00", NULL });
	expect_page(out.ptr, "2018/06/2018-06-01-new-address/index.html",
		    (const char *const[]){ "This status page now lives at a new address.", NULL },
		    (const char *const[]){ "2018-06-01T08:00:00", NULL });
	/* the group's page lists its members' notices */
	text = fx_file_at(out.ptr, "servers/North-Coast/index.html");
	expect_has(text, "New Year gateway outage", "North-Coast's page");
	expect_has(text, "Media uploads failing", "North-Coast's page");
	free(text);

	/* ---- importing again: nothing new (the reports again, on standard
	 * error) ---- */
	before = snapshot(&r);
	free(said);
	{
		const char *bin = getenv("NOCBLOG");
		struct nb_buf cmd = NB_BUF_INIT;
		int rc;

		nb_buf_printf(&cmd, "'%s' import --repo '%s' cstate '%s' 2>&1 >/dev/null",
			      bin ? bin : "./nocblog", r.dir, dir.ptr);
		rc = fx_sh(cmd.ptr, &said);
		if (rc != 0)
			fail_msg("importing again: exit %d:\n%s", rc, said);
		nb_buf_release(&cmd);
	}
	expect_report(said, "2018-06-01-new-address.md", (const int[]){ 5, 0 }, "pin");
	assert_int_equal(commit_count(&r), 1 + NB_ARRAY_LEN(evs));
	again = snapshot(&r);
	expect_text(again, before, "content/ after importing again");
	text = git_out(&r, "status --porcelain --untracked-files=all");
	expect_text(text, "", "git status after importing again");
	free(text);
	free(before);
	free(again);

	free(said);
	nb_buf_release(&dir);
	nb_buf_release(&out);
}

/* ======================================================================
 * Statuspage
 * ====================================================================== */

/*
 * Quayside Cloud (time zone America/Chicago: CDT, -05:00, in June 2024).
 * Components: the group Data Plane with Object Storage and Block Volumes,
 * and API Gateway on its own.  JSON below is written with ' for ".
 */
#define SP_PAGE "'page': {'id': 'qsc2page0001', 'name': 'Quayside Cloud', " \
	"'url': 'https://status.quayside.example', 'time_zone': 'America/Chicago', " \
	"'updated_at': '2024-06-25T09:00:00.000-05:00'}"
#define SP_COMP(id, name, status, pos, desc, gid) \
	"{'id': '" id "', 'name': '" name "', 'status': '" status "', " \
	"'created_at': '2023-01-10T08:00:00.000-06:00', 'updated_at': '2024-06-20T17:05:30.000-05:00', " \
	"'position': " pos ", 'description': " desc ", 'showcase': false, 'start_date': null, " \
	"'group_id': " gid ", 'page_id': 'qsc2page0001', 'group': false, 'only_show_if_degraded': false}"
#define SP_GROUP \
	"{'id': 'grp1dataplan', 'name': 'Data Plane', 'status': 'operational', " \
	"'created_at': '2023-01-10T08:00:00.000-06:00', 'updated_at': '2024-06-10T08:00:00.000-05:00', " \
	"'position': 1, 'description': 'Storage for everything.', 'showcase': false, 'start_date': null, " \
	"'group_id': null, 'page_id': 'qsc2page0001', 'group': true, 'only_show_if_degraded': false, " \
	"'components': ['cmp1objstore', 'cmp2blockvol']}"
#define SP_OBJ SP_COMP("cmp1objstore", "Object Storage", "operational", "1", \
		       "'Buckets and objects.'", "'grp1dataplan'")
#define SP_BLOCK SP_COMP("cmp2blockvol", "Block Volumes", "operational", "2", "null", "'grp1dataplan'")
#define SP_GW(status) SP_COMP("cmp3apigatew", "API Gateway", status, "2", "null", "null")

#define SP_UPDATE(id, inc, status, at, created, body, affected) \
	"{'id': '" id "', 'status': '" status "', 'body': '" body "', 'incident_id': '" inc "', " \
	"'created_at': '" created "', 'updated_at': '" created "', 'display_at': '" at "', " \
	"'affected_components': " affected ", 'deliver_notifications': true, 'custom_tweet': null, " \
	"'tweet_id': null}"
#define SP_INCIDENT(id, name, status, impact, created, updated, monitoring, resolved, updates, comps) \
	"{'id': '" id "', 'name': '" name "', 'status': '" status "', 'created_at': '" created "', " \
	"'updated_at': '" updated "', 'monitoring_at': " monitoring ", 'resolved_at': " resolved ", " \
	"'impact': '" impact "', 'shortlink': 'https://stspg.io/" id "', 'started_at': '" created "', " \
	"'page_id': 'qsc2page0001', 'incident_updates': [" updates "], 'components': [" comps "], " \
	"'reminder_intervals': null}"

/* Three updates, newest first; the monitoring one displayed at 10:15:00
 * though posted at 10:16:30, its body in two paragraphs with CRLF. */
#define I1_UPDATES \
	SP_UPDATE("u1r7k2res003", "r7k2m9x4q1wd", "resolved", "2024-06-03T11:02:09.518-05:00", \
		  "2024-06-03T11:02:09.518-05:00", "Latency is back to normal. This incident is resolved.", \
		  "[{'code': 'cmp1objstore', 'name': 'Data Plane - Object Storage', " \
		  "'old_status': 'degraded_performance', 'new_status': 'operational'}]") ", " \
	SP_UPDATE("u1r7k2mon002", "r7k2m9x4q1wd", "monitoring", "2024-06-03T10:15:00.000-05:00", \
		  "2024-06-03T10:16:30.120-05:00", \
		  "A fix has been rolled out.\\r\\n\\r\\nWe are monitoring the results.\\r\\n\\r\\n" \
		  "Update 10:40 AM: nothing new since.", "null") ", " \
	SP_UPDATE("u1r7k2inv001", "r7k2m9x4q1wd", "investigating", "2024-06-03T09:12:41.305-05:00", \
		  "2024-06-03T09:12:41.305-05:00", \
		  "We are investigating elevated latency on object storage reads.", \
		  "[{'code': 'cmp1objstore', 'name': 'Data Plane - Object Storage', " \
		  "'old_status': 'operational', 'new_status': 'degraded_performance'}]")
#define I1(status, updates) \
	SP_INCIDENT("r7k2m9x4q1wd", "Elevated storage latency", status, "major", \
		    "2024-06-03T09:12:41.305-05:00", "2024-06-03T11:02:09.530-05:00", \
		    "'2024-06-03T10:16:30.120-05:00'", "'2024-06-03T11:02:09.518-05:00'", updates, SP_OBJ)
/* No update at all. */
#define I2 \
	SP_INCIDENT("n0upd8te5zzz", "Block volume attach delays", "resolved", "minor", \
		    "2024-06-10T07:30:00.000-05:00", "2024-06-10T08:00:00.000-05:00", "null", \
		    "'2024-06-10T08:00:00.000-05:00'", "", SP_BLOCK)
/* Unresolved; `components: []`, its first update names API Gateway. */
#define I3_IDENTIFIED \
	SP_UPDATE("u3gw5tide002", "gw5t8errs0a1", "identified", "2024-06-20T17:05:30.000-05:00", \
		  "2024-06-20T17:05:30.000-05:00", \
		  "The faulty release has been found and is being rolled back.", "null")
#define I3_INVESTIGATING \
	SP_UPDATE("u3gw5tinv001", "gw5t8errs0a1", "investigating", "2024-06-20T16:45:00.000-05:00", \
		  "2024-06-20T16:45:00.000-05:00", "Some API requests fail with errors.", \
		  "[{'code': 'cmp3apigatew', 'name': 'API Gateway', 'old_status': 'operational', " \
		  "'new_status': 'major_outage'}]")
#define I3_MONITORING \
	SP_UPDATE("u3gw5tmon003", "gw5t8errs0a1", "monitoring", "2024-06-20T18:00:00.000-05:00", \
		  "2024-06-20T18:00:00.000-05:00", "Errors have stopped and we are watching.", "null")
#define I3(status, updated, monitoring, updates) \
	SP_INCIDENT("gw5t8errs0a1", "API gateway errors", status, "critical", \
		    "2024-06-20T16:45:00.000-05:00", updated, monitoring, "null", updates, "")
/* Impact none, naming no component. */
#define I4 \
	SP_INCIDENT("inf0n0t1ce42", "Certificate rotation finished", "resolved", "none", \
		    "2024-06-25T09:00:00.000-05:00", "2024-06-25T09:00:00.000-05:00", "null", \
		    "'2024-06-25T09:00:00.000-05:00'", \
		    SP_UPDATE("u4inf0res001", "inf0n0t1ce42", "resolved", "2024-06-25T09:00:00.000-05:00", \
			      "2024-06-25T09:00:00.000-05:00", \
			      "Certificates were rotated, no action is needed.", "null"), "")

/* GET /api/v2/incidents.json: newest first. */
static const char sp_incidents[] =
	"{" SP_PAGE ", 'incidents': [\n"
	I4 ",\n"
	I3("identified", "2024-06-20T17:05:30.000-05:00", "null", I3_IDENTIFIED ", " I3_INVESTIGATING) ",\n"
	I2 ",\n"
	I1("resolved", I1_UPDATES) "\n"
	"]}\n";

/* The same a little later: I3 monitoring; I1 has a postmortem. */
static const char sp_incidents_later[] =
	"{" SP_PAGE ", 'incidents': [\n"
	I4 ",\n"
	I3("monitoring", "2024-06-20T18:00:00.000-05:00", "'2024-06-20T18:00:00.000-05:00'",
	   I3_MONITORING ", " I3_IDENTIFIED ", " I3_INVESTIGATING) ",\n"
	I2 ",\n"
	I1("postmortem",
	   SP_UPDATE("u1r7k2pm0004", "r7k2m9x4q1wd", "postmortem", "2024-06-05T12:00:00.000-05:00",
		     "2024-06-05T12:00:00.000-05:00", "The cause was a misconfigured cache.", "null")
	   ", " I1_UPDATES) "\n"
	"]}\n";

/* GET /api/v2/summary.json, taken while I3 was being investigated: it
 * holds I3 again, with one update. */
static const char sp_summary[] =
	"{" SP_PAGE ",\n"
	"'status': {'indicator': 'critical', 'description': 'Major System Outage'},\n"
	"'components': [" SP_GROUP ",\n" SP_OBJ ",\n" SP_BLOCK ",\n" SP_GW("major_outage") "],\n"
	"'incidents': [" I3("investigating", "2024-06-20T16:45:00.000-05:00", "null", I3_INVESTIGATING) "],\n"
	"'scheduled_maintenances': []}\n";

/* GET /api/v2/scheduled-maintenances.json. */
static const char sp_maintenances[] =
	"{" SP_PAGE ", 'scheduled_maintenances': [\n"
	"{'id': 'mnt4db8upgr2', 'name': 'Database upgrade', 'status': 'completed', "
	"'created_at': '2024-06-08T12:00:00.000-05:00', 'updated_at': '2024-06-15T23:41:00.000-05:00', "
	"'monitoring_at': null, 'resolved_at': '2024-06-15T23:41:00.000-05:00', 'impact': 'maintenance', "
	"'shortlink': 'https://stspg.io/mnt4db8u', 'started_at': '2024-06-08T12:00:00.000-05:00', "
	"'page_id': 'qsc2page0001', 'incident_updates': ["
	SP_UPDATE("u5mnt4cmp003", "mnt4db8upgr2", "completed", "2024-06-15T23:41:00.000-05:00",
		  "2024-06-15T23:41:00.000-05:00", "The upgrade is complete.", "null") ", "
	SP_UPDATE("u5mnt4inp002", "mnt4db8upgr2", "in_progress", "2024-06-15T22:00:12.000-05:00",
		  "2024-06-15T22:00:12.000-05:00", "The upgrade has started.", "null") ", "
	SP_UPDATE("u5mnt4sch001", "mnt4db8upgr2", "scheduled", "2024-06-08T12:00:00.000-05:00",
		  "2024-06-08T12:00:00.000-05:00",
		  "We will upgrade the database cluster. Volumes may pause for a few seconds.", "null")
	"], 'components': [" SP_BLOCK "], 'reminder_intervals': null, "
	"'scheduled_for': '2024-06-15T22:00:00.000-05:00', 'scheduled_until': '2024-06-16T00:00:00.000-05:00', "
	"'scheduled_remind_prior': true, 'scheduled_reminded_at': '2024-06-15T21:00:00.000-05:00', "
	"'scheduled_auto_in_progress': true, 'scheduled_auto_completed': false}\n"
	"]}\n";

static void statuspage_files(struct fx_repo *src)
{
	made(src);
	write_json(src, "api/incidents.json", sp_incidents);
	write_json(src, "api/summary.json", sp_summary);
	write_json(src, "api/scheduled-maintenances.json", sp_maintenances);
	write_json(src, "later/incidents.json", sp_incidents_later);
}

/* Each fixture file passes its definition of the Statuspage v2 schema. */
static void validate(struct fx_repo *src, const char *const *pairs, int want_ok)
{
	static const char script[] =
		"import json, sys, jsonschema\n"
		"schema = json.load(open(sys.argv[1]))\n"
		"bad = 0\n"
		"for arg in sys.argv[2:]:\n"
		"    d, path = arg.split('=', 1)\n"
		"    v = jsonschema.Draft202012Validator({'$ref': '#/$defs/' + d, '$defs': schema['$defs']},\n"
		"        format_checker=jsonschema.FormatChecker())\n"
		"    for e in v.iter_errors(json.load(open(path))):\n"
		"        print('%s: /%s: %s' % (path, '/'.join(map(str, e.absolute_path)), e.message))\n"
		"        bad = 1\n"
		"sys.exit(bad)\n";
	struct nb_buf cmd = NB_BUF_INIT;
	char *said = NULL;
	int rc;

	fx_write(src, "validate.py", script);
	nb_buf_printf(&cmd, "python3 '%s/validate.py' '%s/tests/data/schemas/statuspage-v2.schema.json'",
		      src->dir, fx_srcdir());
	for (; *pairs; pairs += 2)
		nb_buf_printf(&cmd, " '%s=%s/%s'", pairs[0], src->dir, pairs[1]);
	nb_buf_puts(&cmd, " 2>&1");
	rc = fx_sh(cmd.ptr, &said);
	if (want_ok && rc != 0)
		fail_msg("the fixture is not in Statuspage's format:\n%s", said);
	if (!want_ok && rc != 1)
		fail_msg("the schema check accepts what it must refuse (%d):\n%s", rc, said);
	free(said);
	nb_buf_release(&cmd);
}

#define P1 "content/2024/elevated-storage-latency-r7k2m9x4q1wd.md"
#define P2 "content/2024/block-volume-attach-delays-n0upd8te5zzz.md"
#define P3 "content/2024/api-gateway-errors-gw5t8errs0a1.md"
#define P4 "content/2024/certificate-rotation-finished-inf0n0t1ce42.md"
#define PM "content/2024/database-upgrade-mnt4db8upgr2.md"
#define P1_ID TAG "2024-06-03:/" P1
#define P2_ID TAG "2024-06-10:/" P2
#define P3_ID TAG "2024-06-20:/" P3
#define P4_ID TAG "2024-06-25:/" P4
#define PM_ID TAG "2024-06-08:/" PM

static void test_statuspage(void **state)
{
	struct fx_repo r, src;
	struct nb_buf out = NB_BUF_INIT, inc = NB_BUF_INIT, sum = NB_BUF_INIT, mnt = NB_BUF_INIT,
		      later = NB_BUF_INIT;
	/* -05:00 is five hours behind UTC; milliseconds dropped */
	const struct ev evs[] = {
		/* a second before the first event */
		{ fx_utc(2024, 6, 3, 14, 12) + 40, "import: servers from*" },
		/* 09:12:41.305-05:00 */
		{ fx_utc(2024, 6, 3, 14, 12) + 41, "import: Elevated storage latency (opened)" },
		/* display_at, not created_at */
		{ fx_utc(2024, 6, 3, 15, 15), "import: Elevated storage latency (update, monitoring)" },
		/* resolved */
		{ fx_utc(2024, 6, 3, 16, 2) + 9, "import: Elevated storage latency (update*" },
		{ fx_utc(2024, 6, 8, 17, 0), "import: Database upgrade (opened)" },
		/* no update: opened at created_at, resolved */
		{ fx_utc(2024, 6, 10, 12, 30), "import: Block volume attach delays (opened)" },
		/* in progress: 22:00:12-05:00 on the 15th */
		{ fx_utc(2024, 6, 16, 3, 0) + 12, "import: Database upgrade (update*" },
		/* completed */
		{ fx_utc(2024, 6, 16, 4, 41), "import: Database upgrade (update*" },
		{ fx_utc(2024, 6, 20, 21, 45), "import: API gateway errors (opened)" },
		/* identified */
		{ fx_utc(2024, 6, 20, 22, 5) + 30, "import: API gateway errors (update*" },
		{ fx_utc(2024, 6, 25, 14, 0), "import: Certificate rotation finished (opened)" },
	};
	char *said, *text, *hist, *feed, *before, *again, *p1_edited;
	size_t count;

	(void)state;
	statuspage_files(&src);
	/* the fixture is what the API documents (and the check can refuse) */
	validate(&src, (const char *const[]){ "incidents_endpoint", "api/incidents.json",
					      "incidents_endpoint", "later/incidents.json",
					      "summary", "api/summary.json",
					      "scheduled_maintenances_endpoint",
					      "api/scheduled-maintenances.json", NULL }, 1);
	validate(&src, (const char *const[]){ "summary", "api/incidents.json", NULL }, 0);

	target(&r);
	nb_buf_printf(&out, "%s/out", src.dir);
	nb_buf_printf(&inc, "%s/api/incidents.json", src.dir);
	nb_buf_printf(&sum, "%s/api/summary.json", src.dir);
	nb_buf_printf(&mnt, "%s/api/scheduled-maintenances.json", src.dir);
	nb_buf_printf(&later, "%s/later/incidents.json", src.dir);
	/* in any order: the summary (components, and I3 again) in the middle */
	said = import_ok(&r, (const char *const[]){ "statuspage", inc.ptr, sum.ptr, mnt.ptr, NULL });
	/* I4 names no component: general, reported with its id */
	expect_report(said, "inf0n0t1ce42", (const int[]){ 0 }, "general");

	/* ---- the commits ---- */
	expect_commits(&r, "Quayside Cloud", "noreply@status.quayside.example", evs, NB_ARRAY_LEN(evs));
	assert_int_equal(commit_count(&r), 1 + NB_ARRAY_LEN(evs));
	text = git_out(&r, "status --porcelain --untracked-files=all");
	expect_text(text, "", "git status after the import");
	free(text);

	/* ---- servers: the group and its members, general ---- */
	text = servers_of(&r, 0);
	expect_text(text,
		    "API-Gateway|-\n"
		    "Block-Volumes|Data-Plane\n"
		    "Data-Plane|-\n"
		    "MAIL|-\n"
		    "MAIL1|MAIL\n"
		    "Object-Storage|Data-Plane\n"
		    "general|-\n",
		    "site.yaml's servers (id|group)");
	free(text);
	text = servers_of(&r, 1);
	expect_has(text, "Data-Plane|Data Plane|-|", "site.yaml");
	expect_has(text, "Object-Storage|Object Storage|Data-Plane|", "site.yaml");
	expect_has(text, "Block-Volumes|Block Volumes|Data-Plane|", "site.yaml");
	expect_has(text, "API-Gateway|API Gateway|-|", "site.yaml");
	expect_has(text, "general|General|", "site.yaml");
	free(text);

	/* ---- the notices ---- */
	expect_front_matter(r.dir, P1, "Elevated storage latency|Object-Storage|incident|resolved|major|Quayside Cloud|-");
	expect_front_matter(r.dir, P2, "Block volume attach delays|Block-Volumes|incident|resolved|minor|Quayside Cloud|-");
	/* the copy with the most updates: identified, not the summary's */
	expect_front_matter(r.dir, P3, "API gateway errors|API-Gateway|incident|identified|critical|Quayside Cloud|-");
	expect_front_matter(r.dir, P4, "Certificate rotation finished|general|incident|resolved|-|Quayside Cloud|-");
	expect_front_matter(r.dir, PM, "Database upgrade|Block-Volumes|maintenance|completed|-|Quayside Cloud|-");
	text = git_out(&r, "ls-files content");
	expect_text(text, P3 "\n" P2 "\n" P4 "\n" PM "\n" P1 "\ncontent/site.yaml\n", "the files");
	free(text);
	text = fx_file_at(r.dir, P1);
	expect_opening(text, "We are investigating elevated latency on object storage reads.\n", P1);
	/* the offset Statuspage wrote; seconds only when not :00; CRLF gone */
	expect_has(text, "\nUpdate 2024-06-03 10:15 -05:00: A fix has been rolled out.\n\n"
			 "We are monitoring the results.\n", P1);
	expect_has(text, "\nUpdate 2024-06-03 11:02:09 -05:00: Latency is back to normal. "
			 "This incident is resolved.", P1);
	expect_lacks(text, "\r", P1);
	/* the body's third paragraph would start an update of its own: its U
	 * is written as a character reference, and it stays text */
	expect_has(text, "We are monitoring the results.\n\n&#85;pdate 10:40 AM: nothing new since.\n",
		   P1);
	free(text);
	text = fx_file_at(r.dir, PM);
	expect_opening(text, "We will upgrade the database cluster. Volumes may pause for a few seconds.\n", PM);
	expect_has(text, "\nUpdate 2024-06-15 22:00:12 -05:00: The upgrade has started.", PM);
	expect_has(text, "\nUpdate 2024-06-15 23:41 -05:00: The upgrade is complete.", PM);
	free(text);
	text = fx_file_at(r.dir, P3);
	expect_opening(text, "Some API requests fail with errors.\n", P3);
	expect_has(text, "\nUpdate 2024-06-20 17:05:30 -05:00: The faulty release has been found and is "
			 "being rolled back.", P3);
	free(text);

	free(nocblog_ok(&r, "check", NULL, NULL));

	/* ---- history ---- */
	hist = nocblog_ok(&r, "history", P1, NULL);
	expect_has(hist, "published  2024-06-03 14:12 UTC (2024-06-03T14:12:41Z) from the commit that added it", P1);
	expect_status(hist, "investigating", "2024-06-03 14:12", "2024-06-03T14:12:41Z");
	expect_status(hist, "monitoring", "2024-06-03 15:15", "2024-06-03T15:15:00Z");
	expect_status(hist, "resolved", "2024-06-03 16:02", "2024-06-03T16:02:09Z");
	expect_update(hist, "2024-06-03 10:15 -05:00", "2024-06-03 15:15", "2024-06-03T15:15:00Z");
	expect_update(hist, "2024-06-03 11:02:09 -05:00", "2024-06-03 16:02", "2024-06-03T16:02:09Z");
	expect_lacks(hist, "update 3", P1);
	expect_lacks(hist, "10:40", P1);
	free(hist);
	hist = nocblog_ok(&r, "history", P2, NULL);
	expect_has(hist, "published  2024-06-10 12:30 UTC (2024-06-10T12:30:00Z)", P2);
	expect_status(hist, "resolved", "2024-06-10 12:30", "2024-06-10T12:30:00Z");
	free(hist);
	hist = nocblog_ok(&r, "history", PM, NULL);
	expect_has(hist, "published  2024-06-08 17:00 UTC (2024-06-08T17:00:00Z)", PM);
	expect_status(hist, "scheduled", "2024-06-08 17:00", "2024-06-08T17:00:00Z");
	expect_status(hist, "in-progress", "2024-06-16 03:00", "2024-06-16T03:00:12Z");
	expect_status(hist, "completed", "2024-06-16 04:41", "2024-06-16T04:41:00Z");
	expect_update(hist, "2024-06-15 22:00:12 -05:00", "2024-06-16 03:00", "2024-06-16T03:00:12Z");
	expect_update(hist, "2024-06-15 23:41 -05:00", "2024-06-16 04:41", "2024-06-16T04:41:00Z");
	free(hist);
	hist = nocblog_ok(&r, "history", P3, NULL);
	expect_status(hist, "investigating", "2024-06-20 21:45", "2024-06-20T21:45:00Z");
	expect_status(hist, "identified", "2024-06-20 22:05", "2024-06-20T22:05:30Z");
	free(hist);

	/* ---- the built site ---- */
	fx_build(&r, out.ptr);
	feed = fx_file_at(out.ptr, "updates.xml");
	expect_event(feed, P1_ID, "/opened", "2024-06-03T14:12:41Z",
		     "We are investigating elevated latency on object storage reads.");
	expect_event(feed, P1_ID, "/update/20240603T151500Z-1", "2024-06-03T15:15:00Z",
		     "We are monitoring the results.");
	expect_event(feed, P1_ID, "/status/monitoring-1", "2024-06-03T15:15:00Z", NULL);
	expect_event(feed, P1_ID, "/update/20240603T160209Z-1", "2024-06-03T16:02:09Z",
		     "Latency is back to normal. This incident is resolved.");
	expect_event(feed, P1_ID, "/status/resolved-1", "2024-06-03T16:02:09Z", NULL);
	expect_event(feed, PM_ID, "/opened", "2024-06-08T17:00:00Z",
		     "We will upgrade the database cluster.");
	expect_event(feed, PM_ID, "/update/20240616T030012Z-1", "2024-06-16T03:00:12Z",
		     "The upgrade has started.");
	expect_event(feed, PM_ID, "/update/20240616T044100Z-1", "2024-06-16T04:41:00Z",
		     "The upgrade is complete.");
	expect_event(feed, PM_ID, "/status/completed-1", "2024-06-16T04:41:00Z", NULL);
	expect_event(feed, P2_ID, "/opened", "2024-06-10T12:30:00Z", NULL);
	expect_event(feed, P3_ID, "/opened", "2024-06-20T21:45:00Z", "Some API requests fail with errors.");
	expect_event(feed, P3_ID, "/update/20240620T220530Z-1", "2024-06-20T22:05:30Z",
		     "The faulty release has been found and is being rolled back.");
	expect_event(feed, P3_ID, "/status/identified-1", "2024-06-20T22:05:30Z", NULL);
	expect_event(feed, P4_ID, "/opened", "2024-06-25T14:00:00Z",
		     "Certificates were rotated, no action is needed.");
	free(feed);
	feed = fx_file_at(out.ptr, "atom.xml");
	expect_notice_entry(feed, P1_ID, "2024-06-03T14:12:41Z", "2024-06-03T16:02:09Z",
			    (const char *const[]){ "We are investigating elevated latency",
						   "A fix has been rolled out.",
						   "We are monitoring the results.",
						   "Latency is back to normal.", NULL });
	expect_notice_entry(feed, PM_ID, "2024-06-08T17:00:00Z", "2024-06-16T04:41:00Z",
			    (const char *const[]){ "The upgrade has started.", "The upgrade is complete.",
						   NULL });
	expect_notice_entry(feed, P2_ID, "2024-06-10T12:30:00Z", "2024-06-10T12:30:00Z",
			    (const char *const[]){ NULL });
	expect_notice_entry(feed, P3_ID, "2024-06-20T21:45:00Z", "2024-06-20T22:05:30Z",
			    (const char *const[]){ "Some API requests fail with errors.",
						   "The faulty release has been found", NULL });
	free(feed);
	expect_page(out.ptr, "2024/06/elevated-storage-latency-r7k2m9x4q1wd/index.html",
		    (const char *const[]){ "We are investigating elevated latency on object storage reads.",
					   "<p>A fix has been rolled out.</p>",
					   "<p>We are monitoring the results.</p>",
					   "<p>Update 10:40 AM: nothing new since.</p>",
					   "Latency is back to normal. This incident is resolved.", NULL },
		    (const char *const[]){ "2024-06-03T14:12:41", "2024-06-03T15:15:00",
					   "2024-06-03T16:02:09", NULL });
	expect_page(out.ptr, "2024/06/database-upgrade-mnt4db8upgr2/index.html",
		    (const char *const[]){ "We will upgrade the database cluster.",
					   "The upgrade has started.", "The upgrade is complete.", NULL },
		    (const char *const[]){ "2024-06-08T17:00:00", "2024-06-16T03:00:12",
					   "2024-06-16T04:41:00", NULL });
	expect_page(out.ptr, "2024/06/api-gateway-errors-gw5t8errs0a1/index.html",
		    (const char *const[]){ "Some API requests fail with errors.",
					   "The faulty release has been found and is being rolled back.",
					   NULL },
		    (const char *const[]){ "2024-06-20T21:45:00", "2024-06-20T22:05:30", NULL });
	/* the window, scheduled_for to scheduled_until; completed at 04:41 */
	text = fx_file_at(out.ptr, "maintenance.ics");
	{
		char *ev = vevent(text, "tag:status.example.com\\,2024-06-08:/" PM);

		expect_has(ev, "\nDTSTART:20240616T030000Z\r\n", "maintenance.ics");
		expect_has(ev, "\nDTEND:20240616T044100Z\r\n", "maintenance.ics");
		free(ev);
	}
	free(text);
	text = fx_file_at(out.ptr, "servers/Data-Plane/index.html");
	expect_has(text, "Elevated storage latency", "Data-Plane's page");
	expect_has(text, "Database upgrade", "Data-Plane's page");
	free(text);

	/* ---- importing again: nothing new ---- */
	before = snapshot(&r);
	free(said);
	said = import_ok(&r, (const char *const[]){ "statuspage", mnt.ptr, sum.ptr, inc.ptr, NULL });
	assert_int_equal(commit_count(&r), 1 + NB_ARRAY_LEN(evs));
	again = snapshot(&r);
	expect_text(again, before, "content/ after importing again");
	free(before);
	free(again);
	free(said);

	/* ---- a newer incidents.json: I3's monitoring update, one commit;
	 * I1 changed by hand since is left as it is, and reported ---- */
	text = fx_file_at(r.dir, P1);
	{
		struct nb_buf b = NB_BUF_INIT;

		nb_buf_printf(&b, "%s\nUpdate 2024-07-01 09:00 UTC: Credits were issued to affected customers.\n",
			      text);
		fx_write(&r, P1, b.ptr);
		p1_edited = nb_buf_detach(&b);
	}
	free(text);
	fx_commit(&r, "P1: credits", fx_utc(2024, 7, 1, 9, 0), 0);
	count = commit_count(&r);
	/* first with an uncommitted change in P3, which gets a new event: the
	 * work tree's P3 is not what the import wrote, so it is left as it is
	 * and reported, and nothing is committed */
	text = fx_file_at(r.dir, P3);
	{
		struct nb_buf b = NB_BUF_INIT;
		char *kept;
		int rc;

		nb_buf_printf(&b, "%s\nUpdate: a note not yet committed.\n", text);
		fx_write(&r, P3, b.ptr);
		rc = import(&r, &said, (const char *const[]){ "statuspage", later.ptr, sum.ptr, mnt.ptr,
							      NULL });
		if (rc != 0)
			fail_msg("import over an uncommitted change in %s: exit %d:\n%s", P3, rc, said);
		expect_report(said, P3, (const int[]){ 0 }, "differs from what the import writes");
		free(said);
		assert_int_equal(commit_count(&r), count);
		kept = fx_file_at(r.dir, P3);
		expect_text(kept, b.ptr, "a notice with uncommitted changes");
		free(kept);
		/* deleted from the work tree but not in git: 3, nothing done */
		fx_remove(&r, P3);
		rc = import(&r, &said, (const char *const[]){ "statuspage", later.ptr, sum.ptr, mnt.ptr,
							      NULL });
		if (rc != 3)
			fail_msg("import over an uncommitted deletion of %s: exit %d:\n%s", P3, rc, said);
		expect_report(said, P3, (const int[]){ 0 }, "");
		free(said);
		assert_int_equal(commit_count(&r), count);
		fx_write(&r, P3, text);
		nb_buf_release(&b);
	}
	free(text);
	said = import_ok(&r, (const char *const[]){ "statuspage", later.ptr, sum.ptr, mnt.ptr, NULL });
	assert_int_equal(commit_count(&r), count + 1);
	expect_report(said, "r7k2m9x4q1wd", (const int[]){ 0 }, "");
	text = git_out(&r, "log -1 --format='%at|%an|%s' --numstat");
	{
		/* 18:00-05:00: the status and the update's paragraph */
		struct nb_buf want = NB_BUF_INIT;

		nb_buf_printf(&want, "%lld|Quayside Cloud|import: API gateway errors (update, monitoring)\n"
			      "\n3\t1\t" P3 "\n", (long long)fx_utc(2024, 6, 20, 23, 0));
		expect_text(text, want.ptr, "the new commit");
		nb_buf_release(&want);
	}
	free(text);
	text = fx_file_at(r.dir, P1);
	expect_text(text, p1_edited, "the notice changed by hand");
	free(text);
	text = fx_file_at(r.dir, P3);
	expect_has(text, "\nUpdate 2024-06-20 17:05:30 -05:00: The faulty release has been found and is "
			 "being rolled back.\n\nUpdate 2024-06-20 18:00 -05:00: Errors have stopped and we "
			 "are watching.", P3);
	expect_has(text, "\nstatus: monitoring\n", P3);
	free(text);
	free(nocblog_ok(&r, "check", NULL, NULL));
	fx_build(&r, out.ptr);
	feed = fx_file_at(out.ptr, "updates.xml");
	expect_event(feed, P3_ID, "/update/20240620T230000Z-1", "2024-06-20T23:00:00Z",
		     "Errors have stopped and we are watching.");
	expect_event(feed, P3_ID, "/status/monitoring-1", "2024-06-20T23:00:00Z", NULL);
	free(feed);
	/* and once more: nothing */
	free(said);
	before = snapshot(&r);
	said = import_ok(&r, (const char *const[]){ "statuspage", later.ptr, sum.ptr, mnt.ptr, NULL });
	assert_int_equal(commit_count(&r), count + 1);
	again = snapshot(&r);
	expect_text(again, before, "content/ after importing the newer file again");

	free(before);
	free(again);
	free(p1_edited);
	free(said);
	nb_buf_release(&out);
	nb_buf_release(&inc);
	nb_buf_release(&sum);
	nb_buf_release(&mnt);
	nb_buf_release(&later);
}

/* ======================================================================
 * --no-commit
 * ====================================================================== */

static void test_no_commit_cstate(void **state)
{
	struct fx_repo r, src;
	struct nb_buf dir = NB_BUF_INIT;
	char *said, *text, *hist, *head;

	(void)state;
	target(&r);
	cstate_site(&src);
	nb_buf_printf(&dir, "%s/site", src.dir);
	head = git_out(&r, "rev-parse HEAD");
	said = import_ok(&r, (const char *const[]){ "--no-commit", "cstate", dir.ptr, NULL });
	assert_int_equal(commit_count(&r), 1);
	text = git_out(&r, "rev-parse HEAD");
	expect_text(text, head, "HEAD after --no-commit");
	free(text);
	/* the files in the work tree only */
	text = git_out(&r, "status --porcelain --untracked-files=all");
	expect_text(text,
		    " M content/site.yaml\n"
		    "?? " NY "\n"
		    "?? " SA "\n"
		    "?? " MU "\n"
		    "?? " NA "\n",
		    "git status after --no-commit");
	free(text);
	text = servers_of(&r, 0);
	expect_has(text, "Gateway|North-Coast\n", "site.yaml");
	expect_has(text, "general|-\n", "site.yaml");
	free(text);
	/* text-dated: date: and a full stamp on every update */
	expect_front_matter(r.dir, NY, "New Year gateway outage|Gateway|incident|resolved|major|Harbour Status|date");
	expect_front_matter(r.dir, SA, "Slow API responses|API,Storage|incident|resolved|minor|Harbour Status|date");
	expect_front_matter(r.dir, MU, "Media uploads failing|Media-Proxy,CDN|incident|resolved|-|Harbour Status|date");
	expect_front_matter(r.dir, NA, "New status page address|general|incident|resolved|-|Harbour Status|date");
	text = fx_file_at(r.dir, NY);
	expect_has(text, "\nUpdate 2018-01-01 00:05 UTC: The gateway stopped answering at midnight.", NY);
	expect_has(text, "\nUpdate 2018-01-01 00:45 UTC: A standby unit took over", NY);
	expect_has(text, "\nUpdate 2018-01-01 01:30 UTC: Traffic through the gateway", NY);
	free(text);
	free(nocblog_ok(&r, "check", "--worktree", NULL));
	/* and read so: date: publishes, the stamps date the updates */
	hist = nocblog_ok(&r, "history", "--worktree", NY);
	expect_has(hist, "published  2017-12-31 23:50 UTC (2017-12-31T23:50:00Z)", NY);
	expect_update(hist, "2018-01-01 00:05 UTC", "2018-01-01 00:05", "2018-01-01T00:05:00Z");
	expect_update(hist, "2018-01-01 00:45 UTC", "2018-01-01 00:45", "2018-01-01T00:45:00Z");
	expect_update(hist, "2018-01-01 01:30 UTC", "2018-01-01 01:30", "2018-01-01T01:30:00Z");
	free(hist);
	hist = nocblog_ok(&r, "history", "--worktree", SA);
	expect_has(hist, "published  2018-01-01 00:30 UTC (2018-01-01T00:30:00Z)", SA);
	free(hist);
	hist = nocblog_ok(&r, "history", "--worktree", MU);
	expect_has(hist, "published  2018-05-20 14:00 UTC (2018-05-20T14:00:00Z)", MU);
	expect_update(hist, "2018-05-20 14:30 UTC", "2018-05-20 14:30", "2018-05-20T14:30:00Z");
	expect_update(hist, "2018-05-20 15:20 UTC", "2018-05-20 15:20", "2018-05-20T15:20:00Z");
	expect_update(hist, "2018-05-20 16:10 UTC", "2018-05-20 16:10", "2018-05-20T16:10:00Z");
	free(hist);
	free(said);
	free(head);
	nb_buf_release(&dir);
}

/* Without summary.json: the servers from the components the incidents
 * name (no group: nothing says what grp1dataplan is called). */
static void test_no_commit_statuspage(void **state)
{
	struct fx_repo q, sp;
	struct nb_buf inc = NB_BUF_INIT, mnt = NB_BUF_INIT;
	char *said, *text, *hist;

	(void)state;
	target(&q);
	statuspage_files(&sp);
	nb_buf_printf(&inc, "%s/api/incidents.json", sp.dir);
	nb_buf_printf(&mnt, "%s/api/scheduled-maintenances.json", sp.dir);
	said = import_ok(&q, (const char *const[]){ "--no-commit", "statuspage", inc.ptr, mnt.ptr, NULL });
	assert_int_equal(commit_count(&q), 1);
	text = git_out(&q, "status --porcelain --untracked-files=all");
	expect_text(text,
		    " M content/site.yaml\n"
		    "?? " P3 "\n"
		    "?? " P2 "\n"
		    "?? " P4 "\n"
		    "?? " PM "\n"
		    "?? " P1 "\n",
		    "git status after --no-commit");
	free(text);
	expect_front_matter(q.dir, P1, "Elevated storage latency|Object-Storage|incident|resolved|major|Quayside Cloud|date");
	expect_front_matter(q.dir, P2, "Block volume attach delays|Block-Volumes|incident|resolved|minor|Quayside Cloud|date");
	expect_front_matter(q.dir, PM, "Database upgrade|Block-Volumes|maintenance|completed|-|Quayside Cloud|date");
	text = fx_file_at(q.dir, P1);
	expect_has(text, "\nUpdate 2024-06-03 10:15 -05:00: A fix has been rolled out.\n\n"
			 "We are monitoring the results.\n", P1);
	expect_has(text, "\nUpdate 2024-06-03 11:02:09 -05:00: Latency is back to normal.", P1);
	free(text);
	free(nocblog_ok(&q, "check", "--worktree", NULL));
	hist = nocblog_ok(&q, "history", "--worktree", P1);
	expect_has(hist, "published  2024-06-03 14:12 UTC (2024-06-03T14:12:41Z)", P1);
	expect_update(hist, "2024-06-03 10:15 -05:00", "2024-06-03 15:15", "2024-06-03T15:15:00Z");
	expect_update(hist, "2024-06-03 11:02:09 -05:00", "2024-06-03 16:02", "2024-06-03T16:02:09Z");
	free(hist);
	hist = nocblog_ok(&q, "history", "--worktree", PM);
	expect_has(hist, "published  2024-06-08 17:00 UTC (2024-06-08T17:00:00Z)", PM);
	expect_update(hist, "2024-06-15 22:00:12 -05:00", "2024-06-16 03:00", "2024-06-16T03:00:12Z");
	free(hist);
	hist = nocblog_ok(&q, "history", "--worktree", P2);
	expect_has(hist, "published  2024-06-10 12:30 UTC (2024-06-10T12:30:00Z)", P2);
	free(hist);
	text = servers_of(&q, 0);
	expect_has(text, "Block-Volumes|", "site.yaml");
	expect_has(text, "Object-Storage|", "site.yaml");
	expect_has(text, "general|", "site.yaml");
	/* components: [], its update's affected_components name API Gateway */
	expect_has(text, "API-Gateway|", "site.yaml");
	free(text);
	expect_front_matter(q.dir, P3, "API gateway errors|API-Gateway|incident|identified|critical|Quayside Cloud|date");
	free(said);

	nb_buf_release(&inc);
	nb_buf_release(&mnt);
}

/* ======================================================================
 * Refusals and what cannot be read
 * ====================================================================== */

static void test_refusals(void **state)
{
	struct fx_repo r, bare, src;
	struct nb_buf dir = NB_BUF_INIT;
	char *said = NULL;

	(void)state;
	target(&r);
	cstate_site(&src);
	nb_buf_printf(&dir, "%s/site", src.dir);
	/* usage: 2 */
	assert_int_equal(import(&r, &said, (const char *const[]){ NULL }), 2);
	free(said);
	assert_int_equal(import(&r, &said, (const char *const[]){ "wordpress", dir.ptr, NULL }), 2);
	free(said);
	assert_int_equal(import(&r, &said, (const char *const[]){ "cstate", NULL }), 2);
	free(said);
	assert_int_equal(commit_count(&r), 1);

	/* no content/site.yaml: 3, nothing committed */
	made(&bare);
	fx_write(&bare, "README", "not a content repository\n");
	fx_commit(&bare, "readme", SITE_TIME, 0);
	assert_int_equal(import(&bare, &said, (const char *const[]){ "cstate", dir.ptr, NULL }), 3);
	free(said);
	assert_int_equal(commit_count(&bare), 1);

	nb_buf_release(&dir);
}

/* An issue that cannot be read (its front matter never closed): 1, the
 * rest imported. */
static void test_unreadable_cstate(void **state)
{
	struct fx_repo r, src;
	struct nb_buf dir = NB_BUF_INIT;
	char *said = NULL;

	(void)state;
	target(&r);
	cstate_site(&src);
	fx_write(&src, "site/content/issues/2018-08-01-broken.md",
		 "---\ntitle: Never closed\ndate: 2018-08-01 10:00:00\n\nText.\n");
	nb_buf_printf(&dir, "%s/site", src.dir);
	if (import(&r, &said, (const char *const[]){ "cstate", dir.ptr, NULL }) != 1)
		fail_msg("an issue that cannot be read: not exit 1:\n%s", said);
	expect_report(said, "2018-08-01-broken.md", (const int[]){ 0 }, "");
	free(said);
	said = git_out(&r, "ls-files content");
	expect_text(said, NY "\n" SA "\n" MU "\n" NA "\ncontent/site.yaml\n", "the files imported");
	free(said);
	free(nocblog_ok(&r, "check", NULL, NULL));

	nb_buf_release(&dir);
}

/* A JSON file that cannot be read beside one that can: 1, the rest
 * imported. */
static void test_unreadable_statuspage(void **state)
{
	struct fx_repo r, src;
	struct nb_buf inc = NB_BUF_INIT, bad = NB_BUF_INIT;
	char *said = NULL;

	(void)state;
	target(&r);
	made(&src);
	fx_write(&src, "api/broken.json", "{\"page\": {\"id\": \"qsc2page0001\",");
	write_json(&src, "api/incidents.json", "{" SP_PAGE ", 'incidents': [" I4 "]}\n");
	nb_buf_printf(&bad, "%s/api/broken.json", src.dir);
	nb_buf_printf(&inc, "%s/api/incidents.json", src.dir);
	if (import(&r, &said, (const char *const[]){ "statuspage", bad.ptr, inc.ptr, NULL }) != 1)
		fail_msg("a file that cannot be read: not exit 1:\n%s", said);
	expect_report(said, "broken.json", (const int[]){ 0 }, "");
	free(said);
	said = git_out(&r, "ls-files content");
	expect_text(said, P4 "\ncontent/site.yaml\n", "the files imported");
	free(said);
	free(nocblog_ok(&r, "check", NULL, NULL));

	nb_buf_release(&inc);
	nb_buf_release(&bad);
}

/* The instants of a feed's entries, sorted, each once, a line each. */
static char *published_of(const char *out, const char *feed)
{
	struct nb_buf cmd = NB_BUF_INIT;
	char *list;

	nb_buf_printf(&cmd, "grep -o '<published>[^<]*' '%s/%s' | sort -u", out, feed);
	list = sh_ok(cmd.ptr);
	nb_buf_release(&cmd);
	return list;
}

/*
 * A round trip: the sample site's Statuspage-shaped API (what nocblog
 * itself serves) imported into a new repository gives a site whose
 * events in updates.xml (each notice opened, each update, each status
 * change) are at the instants of the sample site's, and whose site.yaml
 * has the sample's servers and groups.  (Not one for one: the API says a
 * status change as an update with a text, "Status: Resolved, ...", as
 * Statuspage does, which comes back as an update at the same instant.)
 */
static void test_round_trip(void **state)
{
	struct fx_repo src, r;
	struct nb_buf out = NB_BUF_INIT, api = NB_BUF_INIT, sum = NB_BUF_INIT, inc = NB_BUF_INIT,
		      mnt = NB_BUF_INIT, out2 = NB_BUF_INIT;
	char *want, *got, *site;

	(void)state;
	made(&src);
	fx_copy_tree(&src, "content", "content");
	fx_commit(&src, "sample", fx_utc(2010, 11, 21, 12, 0), -300);
	nb_buf_printf(&out, "%s/out", src.dir);
	fx_build(&src, out.ptr);
	nb_buf_printf(&api, "%s/api/v2", out.ptr);
	nb_buf_printf(&sum, "%s/summary.json", api.ptr);
	nb_buf_printf(&inc, "%s/incidents.json", api.ptr);
	nb_buf_printf(&mnt, "%s/scheduled-maintenances.json", api.ptr);
	target(&r);
	free(import_ok(&r, (const char *const[]){ "statuspage", sum.ptr, inc.ptr, mnt.ptr, NULL }));
	free(nocblog_ok(&r, "check", NULL, NULL));
	nb_buf_printf(&out2, "%s/out", r.dir);
	fx_build(&r, out2.ptr);
	want = published_of(out.ptr, "updates.xml");
	got = published_of(out2.ptr, "updates.xml");
	/* the sample: 20 notices, each opened, its updates, its status changes */
	assert_true(fx_count_lines(want) > 60);
	expect_text(got, want, "the events' times after a round trip");
	free(want);
	free(got);
	site = fx_file_at(r.dir, "content/site.yaml");
	expect_has(site, "  LOUIECAS3: {name: \"LOUIECAS3\", group: LOUIE,", "site.yaml");
	expect_has(site, "  DEWEYHUB: {name: \"DEWEYHUB\", group: DEWEY,", "site.yaml");
	expect_has(site, "  SCROOGE: {name: \"SCROOGE\", description: \"Exchange 2007 mailbox server\"}",
		   "site.yaml");
	free(site);
	nb_buf_release(&out);
	nb_buf_release(&out2);
	nb_buf_release(&api);
	nb_buf_release(&sum);
	nb_buf_release(&inc);
	nb_buf_release(&mnt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_cstate, remove_made),
		cmocka_unit_test_teardown(test_statuspage, remove_made),
		cmocka_unit_test_teardown(test_no_commit_cstate, remove_made),
		cmocka_unit_test_teardown(test_no_commit_statuspage, remove_made),
		cmocka_unit_test_teardown(test_refusals, remove_made),
		cmocka_unit_test_teardown(test_unreadable_cstate, remove_made),
		cmocka_unit_test_teardown(test_unreadable_statuspage, remove_made),
		cmocka_unit_test_teardown(test_round_trip, remove_made),
	};

	/* the importer, should it read its identity from the environment */
	setenv("GIT_COMMITTER_NAME", IMPORTER, 1);
	setenv("GIT_COMMITTER_EMAIL", IMPORTER_EMAIL, 1);
	return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
