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
	assert_int_equal(entries_in(p.ptr), 62);
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

	/* one entry per update, each threaded to its notice */
	text = feed_of(out.ptr, "updates.xml");
	assert_int_equal(count_lines_with(text, "entry\t"), 2);
	expect_line(text, "\t2010-10-10T13:00:00Z\t2010-10-10T13:00:00Z\tSCROOGE\n");
	expect_line(text, "\t2010-10-12T12:00:00Z\t2010-10-12T12:00:00Z\tSCROOGE\n");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_site_feeds),
		cmocka_unit_test(test_fixture_feeds),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_calendar_folding),
		cmocka_unit_test(test_new_update_reaches_subscribers),
	};

	return cmocka_run_group_tests_name("feeds", tests, NULL, NULL);
}
