/*
 * Feeds as subscribers read them: valid Atom (RFC 4287 + RFC 4685) by the
 * schema, parsed by sfeed and by feedparser, calendars by icalendar; ids
 * that survive renames and retitles; one new update, one new entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <libical/ical.h>

#include "buf.h"
#include "fixture.h"

#define EDT (-240)

#define build fx_build

/* Runs a shell command; returns its output, fails the test on a bad exit. */
static char *sh(const char *cmd)
{
	char *out = NULL;

	if (fx_sh(cmd, &out) != 0)
		fail_msg("'%s' failed:\n%s", cmd, out);
	return out;
}

static const char *schema(struct nb_buf *b)
{
	nb_buf_printf(b, "%s/tests/data/schemas/atom-thr.rng", fx_srcdir());
	return b->ptr;
}

/* What feedcheck.py reads in a file: its output lines. */
static char *read_feed(const char *path)
{
	struct nb_buf cmd = NB_BUF_INIT;
	char *out;

	nb_buf_printf(&cmd, "/usr/bin/python3 '%s/tests/feedcheck.py' '%s'", fx_srcdir(), path);
	out = sh(cmd.ptr);
	nb_buf_release(&cmd);
	return out;
}

static size_t count_lines_with(const char *text, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);
	const char *p = text;

	while (p && *p) {
		n += strncmp(p, prefix, len) == 0;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return n;
}

struct checked {
	size_t atom, rss, ics;
};

/* Every feed of a built site: the schema, sfeed, feedparser, icalendar;
 * sfeed and feedparser count the same entries. */
static void check_file(const char *rel, const char *full, void *payload)
{
	struct checked *c = payload;
	struct nb_buf cmd = NB_BUF_INIT, rng = NB_BUF_INIT;
	char *parsed, *lines;
	size_t entries;

	if (!strstr(rel, ".xml") && !strstr(rel, ".ics"))
		return;
	if (strcmp(rel, "/sitemap.xml") == 0)
		return;
	parsed = read_feed(full);
	if (strstr(rel, ".ics")) {
		c->ics++;
		free(parsed);
		return;
	}
	entries = count_lines_with(parsed, "entry\t");
	nb_buf_printf(&cmd, "sfeed < '%s'", full);
	lines = sh(cmd.ptr);
	if (fx_count_lines(lines) != entries)
		fail_msg("%s: sfeed reads %zu items, feedparser %zu", rel, fx_count_lines(lines),
			 entries);
	free(lines);
	if (strstr(rel, "rss.xml")) {
		c->rss++;
	} else {
		nb_buf_truncate(&cmd, 0);
		nb_buf_printf(&cmd, "xmllint --noout --relaxng '%s' '%s' 2>&1", schema(&rng), full);
		free(sh(cmd.ptr));
		c->atom++;
	}
	free(parsed);
	nb_buf_release(&cmd);
	nb_buf_release(&rng);
}

static size_t entries_in(const char *path)
{
	char *parsed = read_feed(path);
	size_t n = count_lines_with(parsed, "entry\t");

	free(parsed);
	return n;
}

static void test_sample_site_feeds(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, p = NB_BUF_INIT;
	struct checked c = { 0, 0, 0 };
	char *cal;

	(void)state;
	fx_repo_init(&r);
	fx_copy_tree(&r, "content", "content");
	fx_commit(&r, "sample content", fx_utc(2023, 1, 1, 0, 0), 0);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	fx_walk(out.ptr, check_file, &c);
	/* the site and each of its ten servers: atom.xml and updates.xml */
	assert_int_equal(c.atom, 22);
	assert_int_equal(c.rss, 11);
	assert_int_equal(c.ics, 11);
	/* every notice and every update of the sample */
	nb_buf_printf(&p, "%s/atom.xml", out.ptr);
	assert_int_equal(entries_in(p.ptr), 20);
	nb_buf_truncate(&p, 0);
	nb_buf_printf(&p, "%s/updates.xml", out.ptr);
	/* each of the 20 notices opened and (all are closed) closed, and
	 * each of the 62 updates */
	assert_int_equal(entries_in(p.ptr), 20 + 62 + 20);
	nb_buf_truncate(&p, 0);
	nb_buf_printf(&p, "%s/servers/SCROOGE/atom.xml", out.ptr);
	assert_int_equal(entries_in(p.ptr), 8);
	nb_buf_truncate(&p, 0);
	nb_buf_printf(&p, "%s/servers/LOUIE/atom.xml", out.ptr);
	assert_int_equal(entries_in(p.ptr), 6);
	nb_buf_truncate(&p, 0);
	nb_buf_printf(&p, "%s/maintenance.ics", out.ptr);
	cal = read_feed(p.ptr);
	assert_int_equal(count_lines_with(cal, "event\t"), 4);
	/* the 10/10/10 window, 9 AM to noon Eastern */
	assert_non_null(strstr(cal, "weekend-maintenance-on-deweyhub-scrooge-donald-and-launchpad.md\t"
				    "2010-10-10T13:00:00Z\t2010-10-10T16:00:00Z\t0\tCONFIRMED"));
	free(cal);
	nb_buf_release(&out);
	nb_buf_release(&p);
	fx_repo_free(&r);
}

/* ---- a fixture with a rename, a retitle, a deletion and a moved window ---- */

#define ARRAY_ID "tag:noc.example.com,2010-10-10:/content/2010/array.md"
#define GONE_ID "tag:noc.example.com,2010-10-11:/content/2010/gone.md"
#define MAINT_ID "tag:noc.example.com,2010-10-14:/content/2010/maint.md"

static const char body[] =
	"The storage array behind SCROOGE is failing and mail is delayed for some users.\n"
	"We are moving the busiest mailboxes to the spare array while we look into it.\n";

static void notice(struct fx_repo *r, const char *path, const char *title, const char *server,
		   const char *status, const char *rest)
{
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "---\ntitle: %s\nservers: [%s]\nstatus: %s\n---\n%s%s", title, server,
		      status, body, rest);
	fx_write(r, path, b.ptr);
	nb_buf_release(&b);
}

static void maint(struct fx_repo *r, const char *start, const char *end)
{
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "---\ntitle: CAS certificate renewal\nservers: [LOUIECAS3]\n"
		      "kind: maintenance\nstatus: scheduled\nwindow: {start: %s, end: %s}\n---\n"
		      "We renew the certificate on LOUIECAS3.\n", start, end);
	fx_write(r, "content/2010/maint.md", b.ptr);
	nb_buf_release(&b);
}

static void fixture(struct fx_repo *r)
{
	fx_repo_init(r);
	fx_write(r, "content/site.yaml", fx_site_yaml);
	notice(r, "content/2010/array.md", "Array trouble", "SCROOGE", "investigating", "");
	fx_commit(r, "add", fx_utc(2010, 10, 10, 12, 0), EDT);
	notice(r, "content/2010/array.md", "Array trouble", "SCROOGE", "investigating",
	       "\nUpdate: one.\n");
	fx_commit(r, "one", fx_utc(2010, 10, 10, 13, 0), EDT);
	notice(r, "content/2010/gone.md", "A notice posted in error", "LOUIE", "investigating", "");
	fx_commit(r, "gone", fx_utc(2010, 10, 11, 12, 0), EDT);
	fx_remove(r, "content/2010/array.md");
	notice(r, "content/2010/array-failure.md", "SCROOGE storage array failure", "SCROOGE",
	       "resolved", "\nUpdate: one.\n\nUpdate: two.\n");
	fx_commit(r, "rename, retitle, resolve", fx_utc(2010, 10, 12, 12, 0), EDT);
	fx_remove(r, "content/2010/gone.md");
	fx_commit(r, "withdraw", fx_utc(2010, 10, 13, 12, 0), EDT);
	maint(r, "2010-10-20T21:00-04:00", "2010-10-20T23:00-04:00");
	fx_commit(r, "maintenance", fx_utc(2010, 10, 14, 12, 0), EDT);
	maint(r, "2010-10-20T22:00-04:00", "2010-10-20T23:30-04:00");
	fx_commit(r, "move the window", fx_utc(2010, 10, 15, 12, 0), EDT);
}

static char *feed_of(const char *out, const char *rel)
{
	struct nb_buf p = NB_BUF_INIT;
	char *text;

	nb_buf_printf(&p, "%s/%s", out, rel);
	text = read_feed(p.ptr);
	nb_buf_release(&p);
	return text;
}

static void expect_line(const char *text, const char *line)
{
	if (!strstr(text, line))
		fail_msg("no '%s' in:\n%s", line, text);
}

static void test_fixture_feeds(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, p = NB_BUF_INIT;
	struct checked c = { 0, 0, 0 };
	char *text, *raw;

	(void)state;
	fixture(&r);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	fx_walk(out.ptr, check_file, &c);
	assert_int_equal(c.atom, 8);

	/* one entry per notice, the latest activity first */
	text = feed_of(out.ptr, "atom.xml");
	assert_int_equal(count_lines_with(text, "entry\t"), 2);
	expect_line(text, "\t" MAINT_ID "\t2010-10-14T12:00:00Z\t2010-10-15T12:00:00Z\tLOUIECAS3\n");
	/* renamed and retitled: the id it was first published with */
	expect_line(text, "\t" ARRAY_ID "\t2010-10-10T12:00:00Z\t2010-10-12T12:00:00Z\tSCROOGE\n");
	assert_true(strstr(text, MAINT_ID) < strstr(text, ARRAY_ID));
	free(text);
	/* the withdrawn notice, as a tombstone */
	nb_buf_printf(&p, "%s/atom.xml", out.ptr);
	raw = fx_slurp(p.ptr);
	expect_line(raw, "<at:deleted-entry ref=\"" GONE_ID "\" when=\"2010-10-13T12:00:00Z\">");
	free(raw);

	/* one entry per event, newest first, each threaded to its notice: the
	 * window moved (10/15), the maintenance announced (10/14), the
	 * withdrawal (10/13), the array's resolution and its second update in
	 * one commit (10/12: the status after the update it came with), its
	 * first update (10/10 13:00) and its opening (10/10 12:00) */
	text = feed_of(out.ptr, "updates.xml");
	assert_int_equal(count_lines_with(text, "entry\t"), 7);
	{
		const char *const order[] = {
			"\t" MAINT_ID "/moved-1\t2010-10-15T12:00:00Z\t2010-10-15T12:00:00Z\tLOUIECAS3\n",
			"\t" MAINT_ID "/opened\t2010-10-14T12:00:00Z\t2010-10-14T12:00:00Z\tLOUIECAS3\n",
			"\t" GONE_ID "/withdrawn-2010-10-13T12:00:00Z\t2010-10-13T12:00:00Z\t"
			"2010-10-13T12:00:00Z\tLOUIE\n",
			"\t" ARRAY_ID "/status/resolved-1\t2010-10-12T12:00:00Z\t2010-10-12T12:00:00Z\tSCROOGE\n",
			"\t2010-10-12T12:00:00Z\t2010-10-12T12:00:00Z\tSCROOGE\n",
			"\t2010-10-10T13:00:00Z\t2010-10-10T13:00:00Z\tSCROOGE\n",
			"\t" ARRAY_ID "/opened\t2010-10-10T12:00:00Z\t2010-10-10T12:00:00Z\tSCROOGE\n",
		};
		const char *at = text;
		size_t k;

		for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
			const char *found = strstr(at, order[k]);

			if (!found)
				fail_msg("no '%s' after entry %zu in:\n%s", order[k], k, text);
			at = found + 1;
		}
	}
	free(text);
	nb_buf_truncate(&p, 0);
	nb_buf_printf(&p, "%s/updates.xml", out.ptr);
	raw = fx_slurp(p.ptr);
	expect_line(raw, "<thr:in-reply-to ref=\"" ARRAY_ID "\"");
	free(raw);

	/* RSS: the same notices, guids the Atom ids */
	text = feed_of(out.ptr, "rss.xml");
	expect_line(text, "\t" ARRAY_ID "\t2010-10-10T12:00:00Z\t");
	free(text);

	/* a group's feed holds its members' notices */
	text = feed_of(out.ptr, "servers/LOUIE/atom.xml");
	assert_int_equal(count_lines_with(text, "entry\t"), 1);
	expect_line(text, "\t" MAINT_ID "\t");
	free(text);
	text = feed_of(out.ptr, "servers/SCROOGE/updates.xml");
	assert_int_equal(count_lines_with(text, "entry\t"), 4);
	free(text);
	/* the withdrawn notice named LOUIE; the maintenance is on a member */
	text = feed_of(out.ptr, "servers/LOUIE/updates.xml");
	assert_int_equal(count_lines_with(text, "entry\t"), 3);
	expect_line(text, "\t" GONE_ID "/withdrawn-2010-10-13T12:00:00Z\t");
	free(text);
	text = feed_of(out.ptr, "servers/LOUIECAS3/updates.xml");
	assert_int_equal(count_lines_with(text, "entry\t"), 2);
	free(text);

	/* the window moved once: SEQUENCE 1, times in UTC */
	text = feed_of(out.ptr, "maintenance.ics");
	expect_line(text, "\t" MAINT_ID "\t2010-10-21T02:00:00Z\t2010-10-21T03:30:00Z\t1\tTENTATIVE\n");
	free(text);
	text = feed_of(out.ptr, "servers/LOUIECAS3/maintenance.ics");
	assert_int_equal(count_lines_with(text, "event\t"), 1);
	free(text);
	nb_buf_release(&out);
	nb_buf_release(&p);
	fx_repo_free(&r);
}

/*
 * Text that passes every check but is no XML: a commit author's Latin-1
 * name with a control character, "]]>".  The feeds stay well-formed, with
 * U+FFFD where a character cannot go.  (check refuses control characters
 * in notices and site.yaml: tests/test_hostile.c.)
 */
static void test_hostile_text(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, p = NB_BUF_INIT;
	struct checked c = { 0, 0, 0 };
	char *raw;
	size_t i;

	(void)state;
	fx_repo_init(&r);
	fx_write(&r, "content/site.yaml",
		 "title: \"NOC ]]>\"\n"
		 "base_url: https://noc.example.com/\n"
		 "timezone: America/New_York\n"
		 "servers:\n"
		 "  LOUIE: {name: \"LOUIE ]]>\"}\n");
	fx_write(&r, "content/2010/bell.md",
		 "---\n"
		 "title: \"Bell and ]]> <b>\"\n"
		 "servers: [LOUIE]\n"
		 "kind: maintenance\n"
		 "status: scheduled\n"
		 "window: {start: 2010-10-20T22:00-04:00, end: 2010-10-20T23:00-04:00}\n"
		 "---\n"
		 "Text with ]]> in it.\n"
		 "\n"
		 "Update: more ]]> here.\n");
	fx_commit_as(&r, "hostile", fx_utc(2010, 10, 14, 12, 0), EDT, "Jos\xe9 \x01Operator");
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	fx_walk(out.ptr, check_file, &c);
	assert_int_equal(c.atom, 4);
	assert_int_equal(c.rss, 2);
	nb_buf_printf(&p, "%s/atom.xml", out.ptr);
	raw = fx_slurp(p.ptr);
	expect_line(raw, "<title>Bell and ]]&gt; &lt;b&gt;</title>");
	expect_line(raw, "<name>Jos\xef\xbf\xbd \xef\xbf\xbdOperator</name>");
	free(raw);
	/* the calendar: no control character but the CRLF ending each line */
	nb_buf_truncate(&p, 0);
	nb_buf_printf(&p, "%s/maintenance.ics", out.ptr);
	raw = fx_slurp(p.ptr);
	expect_line(raw, "SUMMARY:Bell and ]]> <b>\r\n");
	expect_line(raw, "X-WR-CALNAME:NOC ]]>: maintenance\r\n");
	for (i = 0; raw[i]; i++)
		if ((unsigned char)raw[i] < 0x20 && !(raw[i] == '\r' && raw[i + 1] == '\n') &&
		    !(raw[i] == '\n' && i && raw[i - 1] == '\r'))
			fail_msg("control character 0x%02x at %zu in:\n%s", raw[i], i, raw);
	free(raw);
	nb_buf_release(&out);
	nb_buf_release(&p);
	fx_repo_free(&r);
}

/* A notice of the fixture's site, maintenance on LOUIE, with that title. */
static void write_maintenance(struct fx_repo *r, const char *path, const char *title)
{
	struct nb_buf text = NB_BUF_INIT;

	nb_buf_printf(&text, "---\ntitle: %s\nservers: [LOUIE]\nkind: maintenance\n"
		      "status: scheduled\n"
		      "window: {start: 2010-10-20T22:00-04:00, end: 2010-10-20T23:00-04:00}\n"
		      "---\nReboots.\n", title);
	fx_write(r, path, text.ptr);
	nb_buf_release(&text);
}

/*
 * Titles whose SUMMARY line ends where libical 3.0 folds: it used to fold
 * inside the line end (73 characters) or leave an empty continuation line
 * (74).  Every line must end with CRLF, and no continuation be empty.
 */
static void test_calendar_folding(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, p = NB_BUF_INIT;
	char t73[74], t74[75], *raw;
	size_t i;

	(void)state;
	memset(t73, 'x', 73);
	t73[73] = '\0';
	memset(t74, 'y', 74);
	t74[74] = '\0';
	fx_repo_init(&r);
	fx_write(&r, "content/site.yaml", fx_site_yaml);
	write_maintenance(&r, "content/2010/a.md", t73);
	write_maintenance(&r, "content/2010/b.md", t74);
	fx_commit(&r, "two windows", fx_utc(2010, 10, 14, 12, 0), EDT);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	nb_buf_printf(&p, "%s/maintenance.ics", out.ptr);
	raw = fx_slurp(p.ptr);
	for (i = 0; raw[i]; i++) {
		if ((raw[i] == '\r') != (raw[i + 1] == '\n') && raw[i] != '\n')
			fail_msg("bare CR or LF at %zu in:\n%s", i, raw);
		if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r'))
			fail_msg("bare LF at %zu in:\n%s", i, raw);
	}
	if (strstr(raw, "\r\n \r\n"))
		fail_msg("an empty continuation line in:\n%s", raw);
	expect_line(raw, "SUMMARY:");
	free(raw);
	nb_buf_release(&out);
	nb_buf_release(&p);
	fx_repo_free(&r);
}

/* The ids (or guids) of a parsed feed, one per line, in file order. */
static char *ids_of(const char *parsed)
{
	struct nb_buf ids = NB_BUF_INIT;
	const char *p = parsed;

	while ((p = strstr(p, "entry\t"))) {
		const char *id = strchr(p + 6, '\t') + 1, *end = strchr(id, '\t');

		nb_buf_put(&ids, id, (size_t)(end - id));
		nb_buf_putc(&ids, '\n');
		p = end;
	}
	return nb_buf_detach(&ids);
}

static void test_new_update_reaches_subscribers(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT;
	char *atom1, *atom2, *upd1, *upd2, *rss1, *rss2, *ids1, *ids2, *g1, *g2, *line;

	(void)state;
	fixture(&r);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	atom1 = feed_of(out.ptr, "atom.xml");
	upd1 = feed_of(out.ptr, "updates.xml");
	rss1 = feed_of(out.ptr, "rss.xml");
	notice(&r, "content/2010/array-failure.md", "SCROOGE storage array failure", "SCROOGE",
	       "resolved", "\nUpdate: one.\n\nUpdate: two.\n\nUpdate: three, a follow-up.\n");
	fx_commit_as(&r, "three", fx_utc(2010, 10, 16, 12, 0), EDT, "Bob Sysadmin");
	build(&r, out.ptr);
	atom2 = feed_of(out.ptr, "atom.xml");
	upd2 = feed_of(out.ptr, "updates.xml");
	rss2 = feed_of(out.ptr, "rss.xml");

	/* the notice keeps its id, with a later updated */
	expect_line(atom1, "\t" ARRAY_ID "\t2010-10-10T12:00:00Z\t2010-10-12T12:00:00Z\t");
	expect_line(atom2, "\t" ARRAY_ID "\t2010-10-10T12:00:00Z\t2010-10-16T12:00:00Z\t");
	/* exactly one new entry in updates.xml, every old one still there */
	ids1 = ids_of(upd1);
	ids2 = ids_of(upd2);
	assert_int_equal(fx_count_lines(ids2), fx_count_lines(ids1) + 1);
	for (line = strtok(ids1, "\n"); line; line = strtok(NULL, "\n"))
		if (!strstr(ids2, line))
			fail_msg("update entry %s disappeared", line);
	expect_line(upd2, "\t2010-10-16T12:00:00Z\t2010-10-16T12:00:00Z\tSCROOGE\n");
	/* RSS guids unchanged */
	g1 = ids_of(rss1);
	g2 = ids_of(rss2);
	for (line = strtok(g1, "\n"); line; line = strtok(NULL, "\n"))
		if (!strstr(g2, line))
			fail_msg("RSS guid %s changed", line);
	free(atom1);
	free(atom2);
	free(upd1);
	free(upd2);
	free(rss1);
	free(rss2);
	free(ids1);
	free(ids2);
	free(g1);
	free(g2);
	nb_buf_release(&out);
	fx_repo_free(&r);
}


/* The <title> of the entry whose <id> is id, in a feed's raw XML; the
 * caller frees it.  Fails when there is no such entry. */
static char *title_of(const char *raw, const char *id)
{
	struct nb_buf want = NB_BUF_INIT;
	const char *at, *start, *end;
	char *title;

	nb_buf_printf(&want, "<id>%s</id>", id);
	at = strstr(raw, want.ptr);
	if (!at)
		fail_msg("no entry %s in:\n%s", id, raw);
	start = strstr(at, "<title>");
	assert_non_null(start);
	start += 7;
	end = strstr(start, "</title>");
	title = strndup(start, (size_t)(end - start));
	nb_buf_release(&want);
	return title;
}

/* The one id in `after` that `before` lacks; fails unless there is
 * exactly one, and unless every id of `before` is still there. */
static char *one_new_id(const char *before, const char *after)
{
	char *b = ids_of(before ? before : ""), *a = ids_of(after), *line, *save = NULL;
	char *found = NULL;

	for (line = strtok_r(b, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strstr(a, line))
			fail_msg("entry %s disappeared", line);
	free(b);
	b = ids_of(before ? before : "");
	assert_int_equal(fx_count_lines(a), fx_count_lines(b) + 1);
	for (line = strtok_r(a, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strstr(b, line))
			found = strdup(line);
	assert_non_null(found);
	free(a);
	free(b);
	return found;
}

#define X_ID "tag:noc.example.com,2010-10-10:/content/2010/x.md"

static void write_x(struct fx_repo *r, const char *status, const char *rest)
{
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "---\ntitle: Mail delayed\nservers: [LOUIECAS3]\nstatus: %s\n"
		      "severity: minor\n---\nMail to LOUIE is delayed.\n%s", status, rest);
	fx_write(r, "content/2010/x.md", b.ptr);
	nb_buf_release(&b);
}

/*
 * A partner who reads only updates.xml learns that the incident opened,
 * each update, that it was resolved, and that it was withdrawn: each poll
 * finds exactly one new entry, first, saying what happened, and the
 * entries it saw before keep their ids (until the withdrawal, which is
 * then the notice's only entry).  The group's feed carries the same.
 */
static void test_every_event_reaches_updates(void **state)
{
	static const char *const feeds[] = { "updates.xml", "servers/LOUIE/updates.xml" };
	const char *const want_id[] = { X_ID "/opened", NULL, X_ID "/status/resolved-1" };
	const char *const want_title[] = { "Mail delayed \u2014 opened",
					   "Mail delayed \u2014 update Sun 10 Oct 2010, 09:00 EDT",
					   "Mail delayed \u2014 resolved" };
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT;
	char *before[2] = { NULL, NULL }, *raw;
	size_t step, f;

	(void)state;
	fx_repo_init(&r);
	fx_write(&r, "content/site.yaml", fx_site_yaml);
	nb_buf_printf(&out, "%s/out", r.dir);
	for (step = 0; step < 4; step++) {
		if (step == 0)
			write_x(&r, "investigating", "");
		else if (step == 1)
			write_x(&r, "investigating", "\nUpdate 9:00 AM: A queue is stuck; we are on it.\n");
		else if (step == 2)
			write_x(&r, "resolved", "\nUpdate 9:00 AM: A queue is stuck; we are on it.\n");
		else
			fx_remove(&r, "content/2010/x.md");
		fx_commit_as(&r, "step", fx_utc(2010, 10, 10, 12 + (int)step, 0), EDT, "Ann Operator");
		build(&r, out.ptr);
		for (f = 0; f < 2; f++) {
			/* withdrawn, the notice's earlier entries leave with it: the
			 * withdrawal is all that is left to say */
			char *now = feed_of(out.ptr, feeds[f]);
			char *id = one_new_id(step < 3 ? before[f] : NULL, now), *title;

			raw = fx_file_at(out.ptr, feeds[f]);
			title = title_of(raw, id);
			if (step < 3 && want_id[step] && strcmp(id, want_id[step]) != 0)
				fail_msg("step %zu: new entry %s, not %s", step, id, want_id[step]);
			if (step == 1 && strncmp(id, X_ID "/update/", strlen(X_ID "/update/")) != 0)
				fail_msg("the update's entry is %s", id);
			if (step < 3 && strcmp(title, want_title[step]) != 0)
				fail_msg("step %zu: title '%s', not '%s'", step, title, want_title[step]);
			if (step == 3) {
				assert_string_equal(id, X_ID "/withdrawn-2010-10-10T15:00:00Z");
				assert_string_equal(title, "Mail delayed \u2014 withdrawn");
			}
			/* the newest entry comes first */
			{
				const char *first = strstr(now, "entry\t"), *at = strstr(now, id);

				assert_non_null(first);
				assert_true(at && at < strchr(first, '\n'));
			}
			free(before[f]);
			before[f] = step < 3 ? now : NULL;
			if (step == 3)
				free(now);
			free(id);
			free(title);
			free(raw);
		}
	}
	/* threaded to the notice, which is withdrawn now: a reference only */
	raw = fx_file_at(out.ptr, "updates.xml");
	expect_line(raw, "<thr:in-reply-to ref=\"" X_ID "\"/>");
	free(raw);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

/* What libical makes of a calendar file: every component counted; fails
 * when it does not parse. */
static int libical_components(const char *path)
{
	char *text = fx_slurp(path);
	icalcomponent *cal = text ? icalparser_parse_string(text) : NULL;
	int n;

	if (!cal || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT)
		fail_msg("libical cannot read %s", path);
	n = icalcomponent_count_components(cal, ICAL_ANY_COMPONENT);
	icalcomponent_free(cal);
	free(text);
	return n;
}

static void write_window(struct fx_repo *r, const char *path, const char *title,
			 const char *status, const char *start, const char *end, const char *rest)
{
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "---\ntitle: %s\nservers: [LOUIECAS3]\nkind: maintenance\nstatus: %s\n"
		      "window: {start: %s, end: %s}\n---\nWork on LOUIECAS3.\n%s",
		      title, status, start, end, rest);
	fx_write(r, path, b.ptr);
	nb_buf_release(&b);
}

#define CERT_ID "tag:noc.example.com,2010-10-14:/content/2010/cert.md"
#define DISK_ID "tag:noc.example.com,2010-10-14:/content/2010/disk.md"
#define RAM_ID "tag:noc.example.com,2010-10-14:/content/2010/ram.md"

/*
 * Maintenance as partners see it: the window (in the site's zone, the
 * zone named) in every entry and card; overdue once a scheduled window has
 * passed; cancelled and withdrawn ones cancelled in the calendars; a
 * completed one ending when it completed.  A calendar with no event is
 * still one that icalendar and libical read.
 */
static void test_maintenance_states(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, p = NB_BUF_INIT;
	char *text, *raw, *title;

	(void)state;
	fx_repo_init(&r);
	fx_write(&r, "content/site.yaml", fx_site_yaml);
	/* 10/14: three windows announced, on 10/20 (Eastern, EDT) */
	write_window(&r, "content/2010/cert.md", "Certificate renewal", "scheduled",
		     "2010-10-20T22:00-04:00", "2010-10-20T23:00-04:00", "");
	write_window(&r, "content/2010/disk.md", "Disk swap", "scheduled",
		     "2010-10-20T10:00-04:00", "2010-10-20T12:00-04:00", "");
	write_window(&r, "content/2010/ram.md", "Memory upgrade", "scheduled",
		     "2010-10-20T14:00-04:00", "2010-10-20T15:00-04:00", "");
	fx_commit(&r, "three windows", fx_utc(2010, 10, 14, 12, 0), EDT);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	/* the window in the entry's content and summary, Atom and RSS, and on the cards */
	raw = fx_file_at(out.ptr, "atom.xml");
	expect_line(raw, "<summary>Scheduled. Window: Wed 20 Oct 2010, 22:00 to 23:00 EDT.");
	expect_line(raw, "&lt;p&gt;Window: Wed 20 Oct 2010, 22:00 to 23:00 EDT&lt;/p&gt;");
	free(raw);
	raw = fx_file_at(out.ptr, "rss.xml");
	expect_line(raw, "&lt;p&gt;Window: Wed 20 Oct 2010, 10:00 to 12:00 EDT&lt;/p&gt;");
	free(raw);
	raw = fx_file_at(out.ptr, "index.html");
	expect_line(raw, "<span class=\"label\">Window</span> Wed 20 Oct 2010, 14:00 to 15:00 EDT</p>");
	if (strstr(raw, "Overdue"))
		fail_msg("nothing is overdue yet:\n%s", raw);
	free(raw);
	raw = fx_file_at(out.ptr, "updates.xml");
	title = title_of(raw, CERT_ID "/opened");
	assert_string_equal(title, "Certificate renewal \u2014 maintenance scheduled for "
				   "Wed 20 Oct 2010, 22:00 to 23:00 EDT");
	free(title);
	free(raw);

	/* 10/20 10:05 the disk swap starts, 11:00 it is done (an hour early);
	 * the certificate is cancelled; the memory upgrade withdrawn */
	write_window(&r, "content/2010/disk.md", "Disk swap", "in-progress",
		     "2010-10-20T10:00-04:00", "2010-10-20T12:00-04:00", "");
	fx_commit(&r, "start", fx_utc(2010, 10, 20, 14, 5), EDT);
	write_window(&r, "content/2010/disk.md", "Disk swap", "completed",
		     "2010-10-20T10:00-04:00", "2010-10-20T12:00-04:00", "");
	fx_commit(&r, "done", fx_utc(2010, 10, 20, 15, 0), EDT);
	write_window(&r, "content/2010/cert.md", "Certificate renewal", "cancelled",
		     "2010-10-20T22:00-04:00", "2010-10-20T23:00-04:00", "");
	fx_commit(&r, "cancel", fx_utc(2010, 10, 20, 15, 30), EDT);
	fx_remove(&r, "content/2010/ram.md");
	fx_commit(&r, "withdraw", fx_utc(2010, 10, 20, 16, 0), EDT);
	build(&r, out.ptr);
	text = feed_of(out.ptr, "maintenance.ics");
	/* ends when it completed, 11:00 EDT */
	expect_line(text, "\t" DISK_ID "\t2010-10-20T14:00:00Z\t2010-10-20T15:00:00Z\t0\tCONFIRMED\n");
	/* cancelled: a change calendars must take, so SEQUENCE goes up */
	expect_line(text, "\t" CERT_ID "\t2010-10-21T02:00:00Z\t2010-10-21T03:00:00Z\t1\tCANCELLED\n");
	/* withdrawn: still there, cancelled, for tombstone_days */
	expect_line(text, "\t" RAM_ID "\t2010-10-20T18:00:00Z\t2010-10-20T19:00:00Z\t1\tCANCELLED\n");
	free(text);
	text = feed_of(out.ptr, "servers/LOUIE/maintenance.ics");
	expect_line(text, "\t" RAM_ID "\t");
	free(text);
	raw = fx_file_at(out.ptr, "updates.xml");
	title = title_of(raw, DISK_ID "/status/in-progress-1");
	assert_string_equal(title, "Disk swap \u2014 maintenance started");
	free(title);
	title = title_of(raw, DISK_ID "/status/completed-1");
	assert_string_equal(title, "Disk swap \u2014 maintenance completed");
	free(title);
	title = title_of(raw, CERT_ID "/status/cancelled-1");
	assert_string_equal(title, "Certificate renewal \u2014 maintenance cancelled");
	free(title);
	title = title_of(raw, RAM_ID "/withdrawn-2010-10-20T16:00:00Z");
	assert_string_equal(title, "Memory upgrade \u2014 maintenance cancelled: notice withdrawn");
	free(title);
	free(raw);

	/* a window that passed while the notice still says scheduled */
	write_window(&r, "content/2010/late.md", "Switch firmware", "scheduled",
		     "2010-10-21T08:00-04:00", "2010-10-21T09:00-04:00", "");
	fx_commit(&r, "late", fx_utc(2010, 10, 20, 17, 0), EDT);
	fx_write(&r, "README", "nothing to do with the site\n");
	fx_commit(&r, "later", fx_utc(2010, 10, 21, 14, 0), EDT);
	build(&r, out.ptr);
	raw = fx_file_at(out.ptr, "index.html");
	expect_line(raw, "<span class=\"badge scheduled\">Scheduled</span> "
			 "<span class=\"badge overdue\">Overdue</span>");
	free(raw);
	raw = fx_file_at(out.ptr, "atom.xml");
	expect_line(raw, "<summary>Scheduled, overdue: the window has ended. Window: Thu 21 Oct 2010, "
			 "08:00 to 09:00 EDT.");
	free(raw);

	/* a server with no maintenance: a calendar with no event, yet valid */
	nb_buf_printf(&p, "%s/servers/SCROOGE/maintenance.ics", out.ptr);
	text = read_feed(p.ptr);
	expect_line(text, "\tics\t0\n");
	free(text);
	assert_int_equal(libical_components(p.ptr), 1);
	/* and the others with their events */
	nb_buf_truncate(&p, 0);
	nb_buf_printf(&p, "%s/maintenance.ics", out.ptr);
	assert_int_equal(libical_components(p.ptr), 4);
	nb_buf_release(&out);
	nb_buf_release(&p);
	fx_repo_free(&r);
}

/*
 * An empty feed does not change for nothing: a commit outside content/,
 * or one to another server's notices, leaves it byte for byte; only a
 * change to site.yaml, which defines it, dates it anew.  No tombstone, no
 * tombstone namespace.
 */
static void test_empty_feeds_stay_put(void **state)
{
	static const char *const files[] = { "servers/SCROOGE/atom.xml", "servers/SCROOGE/rss.xml",
					     "servers/SCROOGE/updates.xml",
					     "servers/SCROOGE/maintenance.ics" };
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT;
	char *was[4], *raw;
	size_t i;

	(void)state;
	fx_repo_init(&r);
	fx_write(&r, "content/site.yaml", fx_site_yaml);
	fx_commit(&r, "site", fx_utc(2010, 10, 1, 12, 0), EDT);
	write_x(&r, "investigating", "");
	fx_commit(&r, "LOUIE's notice", fx_utc(2010, 10, 10, 12, 0), EDT);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	for (i = 0; i < 4; i++)
		was[i] = fx_file_at(out.ptr, files[i]);
	expect_line(was[0], "<updated>2010-10-01T12:00:00Z</updated>");
	raw = fx_file_at(out.ptr, "atom.xml");
	if (strstr(raw, "tombstones"))
		fail_msg("a tombstone namespace with no tombstone:\n%s", raw);
	free(raw);
	write_x(&r, "identified", "\nUpdate: found it.\n");
	fx_commit(&r, "LOUIE again", fx_utc(2010, 10, 10, 13, 0), EDT);
	fx_write(&r, "README", "notes\n");
	fx_commit(&r, "outside content", fx_utc(2010, 10, 11, 12, 0), EDT);
	build(&r, out.ptr);
	for (i = 0; i < 4; i++) {
		raw = fx_file_at(out.ptr, files[i]);
		if (strcmp(raw, was[i]) != 0)
			fail_msg("%s changed:\n%s\nwas:\n%s", files[i], raw, was[i]);
		free(raw);
	}
	/* site.yaml changed: the feeds it defines are dated by that change */
	fx_write(&r, "content/site.yaml", "title: Other NOC\nbase_url: https://noc.example.com/\n"
		 "timezone: America/New_York\nservers:\n  LOUIE: {name: LOUIE}\n"
		 "  LOUIECAS3: {name: LOUIECAS3, group: LOUIE}\n  SCROOGE: {name: SCROOGE}\n");
	fx_commit(&r, "retitle", fx_utc(2010, 10, 12, 12, 0), EDT);
	build(&r, out.ptr);
	raw = fx_file_at(out.ptr, files[0]);
	expect_line(raw, "<updated>2010-10-12T12:00:00Z</updated>");
	free(raw);
	for (i = 0; i < 4; i++)
		free(was[i]);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

/*
 * RFC 6721: a reader keeps an entry deleted unless it comes back updated
 * after the deletion.  A notice withdrawn, then restored (git revert),
 * comes back with an updated no earlier than the restoring commit, and
 * with no tombstone.
 */
static void test_restored_after_tombstone(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT;
	char *raw, *text;

	(void)state;
	fx_repo_init(&r);
	fx_write(&r, "content/site.yaml", fx_site_yaml);
	write_x(&r, "investigating", "");
	fx_commit(&r, "add", fx_utc(2010, 10, 10, 12, 0), EDT);
	fx_remove(&r, "content/2010/x.md");
	fx_commit(&r, "withdraw", fx_utc(2010, 10, 11, 12, 0), EDT);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	raw = fx_file_at(out.ptr, "atom.xml");
	expect_line(raw, "<at:deleted-entry ref=\"" X_ID "\" when=\"2010-10-11T12:00:00Z\">");
	free(raw);
	{
		const char *args[] = { "revert", "--no-edit", "HEAD", NULL };

		assert_int_equal(fx_git(&r, fx_utc(2010, 10, 12, 12, 0), args), 0);
	}
	build(&r, out.ptr);
	text = feed_of(out.ptr, "atom.xml");
	expect_line(text, "\t" X_ID "\t2010-10-10T12:00:00Z\t2010-10-12T12:00:00Z\t");
	free(text);
	raw = fx_file_at(out.ptr, "atom.xml");
	if (strstr(raw, "deleted-entry"))
		fail_msg("a tombstone for a notice that is back:\n%s", raw);
	free(raw);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

/*
 * `git commit --amend` to fix a typo during an outage, then a force-push:
 * every update entry keeps its id (ids hold the author time of the commit
 * that added the update, which the amend keeps, not its hash), the
 * amended one included, with its new text; the build says the history was
 * rewritten and where the walk started again.
 */
static void test_amend_keeps_update_ids(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, theme = NB_BUF_INIT;
	char *before, *after, *ids1, *ids2, *said = NULL, *raw;
	int64_t t3 = fx_utc(2010, 10, 10, 14, 0);

	(void)state;
	fx_repo_init(&r);
	fx_write(&r, "content/site.yaml", fx_site_yaml);
	write_x(&r, "investigating", "");
	fx_commit(&r, "add", fx_utc(2010, 10, 10, 12, 0), EDT);
	write_x(&r, "investigating", "\nUpdate: A queue is stuck.\n");
	fx_commit(&r, "one", fx_utc(2010, 10, 10, 13, 0), EDT);
	write_x(&r, "identified", "\nUpdate: A queue is stuck.\n\nUpdate: Teh queue is moving.\n"
		"\nUpdate: Watching it.\n");
	fx_commit(&r, "two", t3, EDT);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	before = feed_of(out.ptr, "updates.xml");
	/* the typo fixed in the last commit, amended (the author time stays) */
	write_x(&r, "identified", "\nUpdate: A queue is stuck.\n\nUpdate: The queue is moving.\n"
		"\nUpdate: Watching it.\n");
	{
		const char *add[] = { "add", "-A", NULL };
		const char *amend[] = { "commit", "-q", "--amend", "--no-edit", NULL };

		assert_int_equal(fx_git(&r, t3, add), 0);
		assert_int_equal(fx_git(&r, t3, amend), 0);
	}
	nb_buf_printf(&theme, "%s/themes/default", fx_srcdir());
	{
		const char *args[] = { "build", "--repo", r.dir, "--out", out.ptr, "--theme",
				       theme.ptr, NULL };

		assert_int_equal(fx_run(&said, args), 0);
	}
	if (!strstr(said, "the history was rewritten") || !strstr(said, "walked again from"))
		fail_msg("the rewrite was not reported: %s", said);
	after = feed_of(out.ptr, "updates.xml");
	ids1 = ids_of(before);
	ids2 = ids_of(after);
	assert_string_equal(ids1, ids2);
	assert_non_null(strstr(ids2, X_ID "/update/20101010T140000Z-2\n"));
	raw = fx_file_at(out.ptr, "updates.xml");
	expect_line(raw, "The queue is moving.");
	free(raw);
	free(before);
	free(after);
	free(ids1);
	free(ids2);
	free(said);
	nb_buf_release(&out);
	nb_buf_release(&theme);
	fx_repo_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_site_feeds),
		cmocka_unit_test(test_fixture_feeds),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_calendar_folding),
		cmocka_unit_test(test_new_update_reaches_subscribers),
		cmocka_unit_test(test_every_event_reaches_updates),
		cmocka_unit_test(test_maintenance_states),
		cmocka_unit_test(test_empty_feeds_stay_put),
		cmocka_unit_test(test_restored_after_tombstone),
		cmocka_unit_test(test_amend_keeps_update_ids),
	};

	return cmocka_run_group_tests_name("feeds", tests, NULL, NULL);
}
