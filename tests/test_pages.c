/*
 * The pages: golden files for a small site, escaping of hostile text,
 * byte-identical builds, and every page of the sample site valid HTML.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "fixture.h"

#define EDT (-240)

#define slurp fx_slurp

#define build fx_build

static void add_name(const char *rel, const char *full, void *payload)
{
	(void)full;
	nb_buf_printf(payload, "%s\n", rel);
}

/* Every file below dir, relative paths, sorted. */
static void list_files(const char *dir, struct nb_buf *out)
{
	fx_walk(dir, add_name, out);
}

/* ---- a small site, its pages compared with reviewed golden files ---- */

static const char small_site[] =
	"title: Example NOC\n"
	"base_url: https://noc.example.com/\n"
	"timezone: America/New_York\n"
	"author: Example NOC\n"
	"servers:\n"
	"  LOUIE:     {name: LOUIE, description: Exchange 2010 network}\n"
	"  LOUIECAS3: {name: LOUIECAS3, group: LOUIE}\n"
	"  SCROOGE:   {name: SCROOGE, description: Exchange 2007 mailbox server}\n";

static void small_repo(struct fx_repo *r)
{
	fx_repo_init(r);
	fx_write(r, "content/site.yaml", small_site);
	fx_write(r, "content/2010/scrooge-array.md",
		 "---\ntitle: SCROOGE storage array failure\nservers: [SCROOGE]\n"
		 "status: investigating\nseverity: major\n---\n"
		 "We are rebooting the servers in the SCROOGE network.\n");
	fx_commit_as(r, "add", fx_utc(2010, 10, 10, 10, 30), EDT, "Ann Operator");
	fx_write(r, "content/2010/louie-cas.md",
		 "---\ntitle: LOUIECAS3 joins the CAS array\nservers: [LOUIECAS3]\n"
		 "kind: maintenance\nstatus: completed\n"
		 "window: {start: 2010-10-12T21:00-04:00, end: 2010-10-12T23:00-04:00}\n---\n"
		 "Tonight we add **LOUIECAS3** to the CAS array.\n");
	fx_commit_as(r, "add", fx_utc(2010, 10, 11, 14, 0), EDT, "Bob Sysadmin");
	fx_write(r, "content/2010/scrooge-array.md",
		 "---\ntitle: SCROOGE storage array failure\nservers: [SCROOGE]\n"
		 "status: resolved\nseverity: major\n---\n"
		 "We are rebooting the servers in the SCROOGE network.\n\n"
		 "Update 6:47 AM: We are replacing the storage array.\n\n"
		 "Update: Service is restored.\n");
	fx_commit_as(r, "resolve", fx_utc(2010, 10, 10, 14, 0), EDT, "Chen Oncall");
	/* renamed: the old address redirects */
	fx_remove(r, "content/2010/scrooge-array.md");
	fx_write(r, "content/2010/scrooge-storage.md",
		 "---\ntitle: SCROOGE storage array failure\nservers: [SCROOGE]\n"
		 "status: resolved\nseverity: major\n---\n"
		 "We are rebooting the servers in the SCROOGE network.\n\n"
		 "Update 6:47 AM: We are replacing the storage array.\n\n"
		 "Update: Service is restored.\n");
	fx_commit_as(r, "rename", fx_utc(2010, 10, 12, 9, 0), EDT, "Ann Operator");
	fx_write(r, "content/2010/louie-latency.md",
		 "---\ntitle: Slow OWA on LOUIE\nservers: [LOUIE]\nstatus: identified\n"
		 "severity: minor\n---\nOWA is slow for some users.\n");
	fx_commit_as(r, "add", fx_utc(2010, 10, 13, 13, 0), EDT, "Dana Netops");
}

static void expect_golden(const char *out, const char *rel, const char *golden)
{
	struct nb_buf path = NB_BUF_INIT, gpath = NB_BUF_INIT;
	char *got, *want;

	nb_buf_printf(&path, "%s/%s", out, rel);
	nb_buf_printf(&gpath, "%s/tests/golden/%s", fx_srcdir(), golden);
	got = slurp(path.ptr);
	want = slurp(gpath.ptr);
	if (!got)
		fail_msg("no %s", path.ptr);
	if (getenv("NOCBLOG_GOLDEN_WRITE")) {
		/* to review a change by reading it: git diff tests/golden */
		FILE *f = fopen(gpath.ptr, "wb");

		if (f) {
			fputs(got, f);
			fclose(f);
		}
		free(want);
		want = slurp(gpath.ptr);
	}
	if (!want)
		fail_msg("no golden file %s", gpath.ptr);
	if (strcmp(got, want) != 0)
		fail_msg("%s differs from tests/golden/%s:\n%s", rel, golden, got);
	free(got);
	free(want);
	nb_buf_release(&path);
	nb_buf_release(&gpath);
}

static void test_golden_pages(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, files = NB_BUF_INIT;

	(void)state;
	small_repo(&r);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	list_files(out.ptr, &files);
	if (strcmp(files.ptr,
		   "/.nocblog-files\n"
		   "/2010/10/louie-cas/index.html\n"
		   "/2010/10/louie-latency/index.html\n"
		   "/2010/10/scrooge-array/index.html\n"
		   "/2010/10/scrooge-storage/index.html\n"
		   "/404.html\n"
		   "/api/v2/components.json\n"
		   "/api/v2/incidents/unresolved.json\n"
		   "/api/v2/incidents.json\n"
		   "/api/v2/scheduled-maintenances/active.json\n"
		   "/api/v2/scheduled-maintenances/upcoming.json\n"
		   "/api/v2/scheduled-maintenances.json\n"
		   "/api/v2/status.json\n"
		   "/api/v2/summary.json\n"
		   "/archive/2010/index.html\n"
		   "/archive/index.html\n"
		   "/atom.xml\n"
		   "/badge.json\n"
		   "/badge.svg\n"
		   "/feed.json\n"
		   "/index.html\n"
		   "/index.json\n"
		   "/maintenance.ics\n"
		   "/rss.xml\n"
		   "/servers/LOUIE/atom.xml\n"
		   "/servers/LOUIE/badge.json\n"
		   "/servers/LOUIE/badge.svg\n"
		   "/servers/LOUIE/feed.json\n"
		   "/servers/LOUIE/index.html\n"
		   "/servers/LOUIE/maintenance.ics\n"
		   "/servers/LOUIE/rss.xml\n"
		   "/servers/LOUIE/updates.xml\n"
		   "/servers/LOUIE/uptime.json\n"
		   "/servers/LOUIE/uptime.svg\n"
		   "/servers/LOUIECAS3/atom.xml\n"
		   "/servers/LOUIECAS3/badge.json\n"
		   "/servers/LOUIECAS3/badge.svg\n"
		   "/servers/LOUIECAS3/feed.json\n"
		   "/servers/LOUIECAS3/index.html\n"
		   "/servers/LOUIECAS3/maintenance.ics\n"
		   "/servers/LOUIECAS3/rss.xml\n"
		   "/servers/LOUIECAS3/updates.xml\n"
		   "/servers/LOUIECAS3/uptime.json\n"
		   "/servers/LOUIECAS3/uptime.svg\n"
		   "/servers/SCROOGE/atom.xml\n"
		   "/servers/SCROOGE/badge.json\n"
		   "/servers/SCROOGE/badge.svg\n"
		   "/servers/SCROOGE/feed.json\n"
		   "/servers/SCROOGE/index.html\n"
		   "/servers/SCROOGE/maintenance.ics\n"
		   "/servers/SCROOGE/rss.xml\n"
		   "/servers/SCROOGE/updates.xml\n"
		   "/servers/SCROOGE/uptime.json\n"
		   "/servers/SCROOGE/uptime.svg\n"
		   "/servers/index.html\n"
		   "/sitemap.xml\n"
		   "/style.css\n"
		   "/updates.xml\n") != 0)
		fail_msg("files written:\n%s", files.ptr);
	expect_golden(out.ptr, "index.html", "index.html");
	expect_golden(out.ptr, "2010/10/scrooge-storage/index.html", "notice.html");
	expect_golden(out.ptr, "2010/10/scrooge-array/index.html", "redirect.html");
	expect_golden(out.ptr, "2010/10/louie-cas/index.html", "maintenance.html");
	expect_golden(out.ptr, "servers/index.html", "servers.html");
	expect_golden(out.ptr, "servers/LOUIE/index.html", "server-group.html");
	expect_golden(out.ptr, "sitemap.xml", "sitemap.xml");
	nb_buf_release(&out);
	nb_buf_release(&files);
	fx_repo_free(&r);
}

/* ---- hostile text ---- */

/* Inside every tag of a file: no script element, no event handler
 * attribute, no javascript: address. */
static void check_inert(const char *rel, const char *full, void *payload)
{
	char *text, *p;

	(void)payload;
	if (!strstr(rel, ".html") && !strstr(rel, ".xml") && !strstr(rel, ".svg"))
		return; /* calendars and JSON are text: no markup to run */
	text = slurp(full);
	for (p = text; (p = strchr(p, '<')); p++) {
		char *end = strchr(p, '>'), *tag, *q;

		if (!end)
			break;
		tag = strndup(p, (size_t)(end - p));
		/* the one image of the theme: a server's own badge */
		if (strncasecmp(tag, "<script", 7) == 0 ||
		    (strncasecmp(tag, "<img", 4) == 0 && strncmp(tag, "<img src=\"badge.svg\" ", 21) != 0) ||
		    strncasecmp(tag, "<iframe", 7) == 0 || strcasestr(tag, "javascript:"))
			fail_msg("%s holds live markup: %s>", rel, tag);
		for (q = tag; (q = strcasestr(q, " on")); q++) {
			char *r = q + 3;

			while (*r >= 'a' && *r <= 'z')
				r++;
			if (r > q + 3 && *r == '=')
				fail_msg("%s holds an event handler: %s>", rel, tag);
		}
		free(tag);
	}
	free(text);
}

static void test_hostile_text_is_inert(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, page = NB_BUF_INIT;
	char *text;

	(void)state;
	fx_repo_init(&r);
	fx_write(&r, "content/site.yaml",
		 "title: \"<script>alert('site')</script> NOC\"\n"
		 "base_url: https://noc.example.com/\n"
		 "timezone: UTC\n"
		 "servers:\n"
		 "  EVIL: {name: \"<script>alert('name')</script>\", "
		 "description: \"<img src=x onerror=alert(1)>\"}\n");
	fx_write(&r, "content/x.md",
		 "---\ntitle: \"<script>alert('title')</script>\"\nservers: [EVIL]\n"
		 "status: investigating\n---\n"
		 "<script>alert('body')</script>\n\n"
		 "<img src=x onerror=alert(2)>\n\n"
		 "[click](javascript:alert(3)) and <a href=\"javascript:alert(4)\">raw</a>\n\n"
		 "Update: <iframe src=\"https://evil.example/\"></iframe> "
		 "[more](JAVASCRIPT:alert(5))\n");
	/* git refuses angle brackets in names; quotes get through */
	fx_commit_as(&r, "add", fx_utc(2020, 1, 1, 0, 0), 0, "Mallory \" onmouseover=\"alert('author')");
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	fx_walk(out.ptr, check_inert, NULL);
	/* the text itself is shown, escaped */
	nb_buf_printf(&page, "%s/2020/01/x/index.html", out.ptr);
	text = slurp(page.ptr);
	assert_non_null(text);
	assert_non_null(strstr(text, "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"));
	assert_non_null(strstr(text, "Mallory &quot; onmouseover=&quot;alert(&#39;author&#39;)"));
	free(text);
	nb_buf_release(&out);
	nb_buf_release(&page);
	fx_repo_free(&r);
}

/* ---- counts agree with their nouns ---- */

/* No "1 notices", "1 updates", "1 files" or "1 pages" in a file. */
static void check_singulars(const char *rel, const char *full, void *payload)
{
	static const char *const nouns[] = { "notices", "updates", "files", "pages" };
	char *text = slurp(full);
	size_t i;

	(void)payload;
	for (i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i++) {
		const char *p = text;
		char want[32];

		snprintf(want, sizeof(want), "1 %s", nouns[i]);
		while ((p = strstr(p, want))) {
			if (p == text || p[-1] < '0' || p[-1] > '9')
				fail_msg("%s says '%s'", rel, want);
			p++;
		}
	}
	free(text);
}

/* Builds, expecting the summary line to hold `summary`; returns a page. */
static char *build_counted(struct fx_repo *r, const char *out, const char *summary, const char *rel)
{
	struct nb_buf theme = NB_BUF_INIT, page = NB_BUF_INIT;
	char *text = NULL;
	int status;

	nb_buf_printf(&theme, "%s/themes/default", fx_srcdir());
	{
		const char *args[] = { "build", "--repo", r->dir, "--out", out, "--theme", theme.ptr,
				       NULL };

		status = fx_run(&text, args);
	}
	if (status != 0 || !strstr(text, summary))
		fail_msg("status %d, wanted '%s' in:\n%s", status, summary, text);
	free(text);
	fx_walk(out, check_singulars, NULL);
	nb_buf_printf(&page, "%s/%s", out, rel);
	text = slurp(page.ptr);
	assert_non_null(text);
	nb_buf_release(&theme);
	nb_buf_release(&page);
	return text;
}

static void expect_in(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' is not in:\n%s", part, text);
}

static void test_counts_agree(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT;
	char *home, *archive;

	(void)state;
	fx_repo_init(&r);
	fx_write(&r, "content/site.yaml", small_site);
	fx_write(&r, "content/2010/slow-owa.md",
		 "---\ntitle: Slow OWA\nservers: [LOUIE]\nstatus: investigating\nseverity: minor\n---\n"
		 "OWA is slow.\n\nUpdate: Looking into it.\n");
	fx_commit(&r, "one", fx_utc(2010, 10, 10, 12, 0), EDT);
	nb_buf_printf(&out, "%s/out", r.dir);
	home = build_counted(&r, out.ptr, "nocblog: 1 notice, ", "index.html");
	expect_in(home, "the notice below has the latest.");
	expect_in(home, " \u00b7 1 update</p>");
	free(home);
	archive = fx_slurp_at(out.ptr, "archive/2010/index.html");
	expect_in(archive, "<h2>1 notice</h2>");
	free(archive);

	fx_write(&r, "content/2010/slow-owa.md",
		 "---\ntitle: Slow OWA\nservers: [LOUIE]\nstatus: investigating\nseverity: minor\n---\n"
		 "OWA is slow.\n\nUpdate: Looking into it.\n\nUpdate: A disk is full.\n");
	fx_write(&r, "content/2010/mail-queue.md",
		 "---\ntitle: Mail queue\nservers: [SCROOGE]\nstatus: identified\nseverity: minor\n---\n"
		 "Mail is queued.\n");
	fx_commit(&r, "two", fx_utc(2010, 10, 10, 13, 0), EDT);
	home = build_counted(&r, out.ptr, "nocblog: 2 notices, ", "index.html");
	expect_in(home, "the notices below have the latest.");
	expect_in(home, " \u00b7 2 updates</p>");
	free(home);
	archive = fx_slurp_at(out.ptr, "archive/2010/index.html");
	expect_in(archive, "<h2>2 notices</h2>");
	free(archive);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

/* ---- determinism ---- */

#define snapshot fx_snapshot

static void test_same_commit_same_bytes(void **state)
{
	struct fx_repo r;
	struct nb_buf a = NB_BUF_INIT, b = NB_BUF_INIT, c = NB_BUF_INIT;
	struct nb_buf sa = NB_BUF_INIT, sb = NB_BUF_INIT, sc = NB_BUF_INIT;
	struct nb_buf clone = NB_BUF_INIT;
	struct fx_repo second;

	(void)state;
	small_repo(&r);
	fx_copy_tree(&r, "content", "content");
	fx_commit(&r, "sample content too", fx_utc(2023, 1, 1, 0, 0), 0);
	nb_buf_printf(&a, "%s/out-a", r.dir);
	nb_buf_printf(&b, "%s/out-b", r.dir);
	build(&r, a.ptr);
	sleep(1);
	build(&r, b.ptr);
	snapshot(a.ptr, &sa);
	snapshot(b.ptr, &sb);
	if (strcmp(sa.ptr, sb.ptr) != 0)
		fail_msg("two builds of one commit differ");
	/* a second clone, elsewhere, with no cache */
	fx_repo_init(&second);
	nb_buf_printf(&clone, "%s/clone", second.dir);
	{
		const char *args[] = { "clone", "-q", r.dir, clone.ptr, NULL };

		assert_int_equal(fx_git(&second, 0, args), 0);
	}
	/* built by another program: the same source, another binary (a
	 * byte more at its end, a later time), as on another machine */
	{
		struct fx_repo cl = { clone.ptr, NULL };
		struct nb_buf prog = NB_BUF_INIT, cmd = NB_BUF_INIT;
		char *was = strdup(getenv("NOCBLOG"));

		nb_buf_printf(&prog, "%s/nocblog-copy", second.dir);
		nb_buf_printf(&cmd, "cp '%s' '%s' && printf x >> '%s'", was, prog.ptr, prog.ptr);
		assert_int_equal(fx_sh(cmd.ptr, NULL), 0);
		setenv("NOCBLOG", prog.ptr, 1);
		nb_buf_printf(&c, "%s/out-c", second.dir);
		build(&cl, c.ptr);
		setenv("NOCBLOG", was, 1);
		free(was);
		nb_buf_release(&prog);
		nb_buf_release(&cmd);
	}
	snapshot(c.ptr, &sc);
	if (strcmp(sa.ptr, sc.ptr) != 0)
		fail_msg("a build from a second clone differs");
	nb_buf_release(&a);
	nb_buf_release(&b);
	nb_buf_release(&c);
	nb_buf_release(&sa);
	nb_buf_release(&sb);
	nb_buf_release(&sc);
	nb_buf_release(&clone);
	fx_repo_free(&second);
	fx_repo_free(&r);
}

/* ---- valid HTML ---- */

static void tidy_page(const char *rel, const char *full, void *payload)
{
	struct nb_buf cmd = NB_BUF_INIT;
	int status;

	if (!strstr(rel, ".html"))
		return;
	nb_buf_printf(&cmd, "tidy -errors -quiet '%s' >/dev/null 2>&1", full);
	status = system(cmd.ptr);
	/* tidy: 0 clean, 1 warnings, 2 errors */
	if (!WIFEXITED(status) || WEXITSTATUS(status) >= 2) {
		nb_buf_truncate(&cmd, 0);
		nb_buf_printf(&cmd, "tidy -errors -quiet '%s'", full);
		(void)system(cmd.ptr); /* shows tidy's report */
		fail_msg("tidy finds errors in %s", rel);
	}
	(*(int *)payload)++;
	nb_buf_release(&cmd);
}

static void test_sample_site_is_valid_html(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT;
	int checked = 0;

	(void)state;
	fx_repo_init(&r);
	fx_copy_tree(&r, "content", "content");
	fx_commit(&r, "sample content", fx_utc(2023, 1, 1, 0, 0), 0);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	fx_walk(out.ptr, tidy_page, &checked);
	assert_true(checked > 30);
	/* the Nu checker too, where make could install it */
	if (getenv("NOCBLOG_VNU") && *getenv("NOCBLOG_VNU")) {
		struct nb_buf cmd = NB_BUF_INIT;
		int status;

		nb_buf_printf(&cmd, "java -jar '%s' --skip-non-html --errors-only '%s'",
			      getenv("NOCBLOG_VNU"), out.ptr);
		status = system(cmd.ptr);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail_msg("the Nu checker finds errors in the sample site");
		nb_buf_release(&cmd);
	} else {
		printf("the Nu HTML checker is not installed: tidy only\n");
	}
	nb_buf_release(&out);
	fx_repo_free(&r);
}

static void test_template_error_names_file_and_line(void **state)
{
	struct fx_repo r;
	struct nb_buf theme = NB_BUF_INIT, cmd = NB_BUF_INIT, out = NB_BUF_INIT;
	char *text = NULL;
	int status;

	(void)state;
	small_repo(&r);
	nb_buf_printf(&theme, "%s/theme", r.dir);
	nb_buf_printf(&cmd, "cp -r '%s/themes/default' '%s'", fx_srcdir(), theme.ptr);
	assert_int_equal(system(cmd.ptr), 0);
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "%s/templates/notice.mustache", theme.ptr);
	{
		FILE *f = fopen(cmd.ptr, "wb");

		assert_non_null(f);
		fputs("{{<base}}\n{{$content}}\n<h1>{{title}}</h1>\n{{#notice}}\n{{/content}}\n{{/base}}\n", f);
		fclose(f);
	}
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr); /* a good site first */
	{
		const char *args[] = { "build", "--repo", r.dir, "--out", out.ptr, "--theme", theme.ptr,
				       NULL };

		status = fx_run(&text, args);
	}
	if (status != 1 || !strstr(text, "templates/notice.mustache:5:") ||
	    !strstr(text, "opened on line 4"))
		fail_msg("status %d: %s", status, text);
	free(text);
	/* the published site is still the good one */
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "%s/2010/10/scrooge-storage/index.html", out.ptr);
	text = slurp(cmd.ptr);
	assert_non_null(text);
	assert_non_null(strstr(text, "We are rebooting"));
	free(text);
	nb_buf_release(&theme);
	nb_buf_release(&cmd);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

/* Writes a theme file (relative to the theme) with text. */
static void theme_file(const char *theme, const char *rel, const char *text)
{
	struct nb_buf path = NB_BUF_INIT;
	FILE *f;

	nb_buf_printf(&path, "%s/%s", theme, rel);
	f = fopen(path.ptr, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	nb_buf_release(&path);
}

/*
 * A theme that would render something as nothing is refused before
 * anything is built: a missing partial, a field no page has (a misspelt
 * name).  The build and `check --theme` name the template and line; the
 * default theme passes.
 */
static void test_theme_names_checked(void **state)
{
	struct fx_repo r;
	struct nb_buf theme = NB_BUF_INIT, cmd = NB_BUF_INIT, out = NB_BUF_INIT;
	char *text = NULL;
	int status;

	(void)state;
	small_repo(&r);
	nb_buf_printf(&theme, "%s/theme", r.dir);
	nb_buf_printf(&cmd, "cp -r '%s/themes/default' '%s' && rm '%s/templates/badge.mustache'",
		      fx_srcdir(), theme.ptr, theme.ptr);
	assert_int_equal(system(cmd.ptr), 0);
	theme_file(theme.ptr, "templates/404.mustache",
		   "{{<base}}\n{{$content}}\n<h1>{{site.titel}}</h1>\n{{/content}}\n{{/base}}\n");
	nb_buf_printf(&out, "%s/out", r.dir);
	{
		const char *args[] = { "build", "--repo", r.dir, "--out", out.ptr, "--theme", theme.ptr,
				       NULL };

		status = fx_run(&text, args);
	}
	if (status != 1 || !strstr(text, "templates/card.mustache:3: partial 'badge' not found") ||
	    !strstr(text, "templates/404.mustache:3: 'titel' is not a field of any page") ||
	    !strstr(text, "did you mean 'title'?"))
		fail_msg("status %d: %s", status, text);
	free(text);
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "%s/index.html", out.ptr);
	assert_null(slurp(cmd.ptr));
	{
		const char *args[] = { "check", "--repo", r.dir, "--theme", theme.ptr, NULL };

		status = fx_run(&text, args);
	}
	if (status != 1 || !strstr(text, "templates/notice.mustache:8: partial 'badge' not found"))
		fail_msg("check --theme: status %d: %s", status, text);
	free(text);
	nb_buf_truncate(&theme, 0);
	nb_buf_printf(&theme, "%s/themes/default", fx_srcdir());
	{
		const char *args[] = { "check", "--repo", r.dir, "-t", theme.ptr, NULL };

		status = fx_run(&text, args);
	}
	if (status != 0)
		fail_msg("the default theme: status %d: %s", status, text);
	free(text);
	nb_buf_release(&theme);
	nb_buf_release(&cmd);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_pages),
		cmocka_unit_test(test_hostile_text_is_inert),
		cmocka_unit_test(test_counts_agree),
		cmocka_unit_test(test_same_commit_same_bytes),
		cmocka_unit_test(test_sample_site_is_valid_html),
		cmocka_unit_test(test_template_error_names_file_and_line),
		cmocka_unit_test(test_theme_names_checked),
	};

	return cmocka_run_group_tests_name("pages", tests, NULL, NULL);
}
