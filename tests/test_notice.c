/* The notice parser: front matter, body, and the update thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "diag.h"
#include "fixture.h"
#include "notice.h"
#include "text.h"
#include "util.h"
#include "yml.h"

#define NY "America/New_York"

/* Parses a notice that must have no problem, in a site in zone. */
static void parse_in(struct nb_notice *n, const char *text, const char *zone)
{
	struct nb_diags diags = NB_DIAGS_INIT;

	if (nb_notice_parse(n, "content/2010/test.md", text, strlen(text), zone, &diags) < 0)
		fail_msg("line %d: %s", diags.items[0].line, diags.items[0].message);
	nb_diags_clear(&diags);
}

static void parse(struct nb_notice *n, const char *text)
{
	parse_in(n, text, NY);
}

/* Parses text that must fail with one problem on line; returns the message. */
static char *parse_bad(const char *text, int line)
{
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_notice n;
	char *msg;

	assert_int_equal(nb_notice_parse(&n, "content/2010/test.md", text, strlen(text), NY,
					 &diags), -1);
	if (diags.count != 1)
		fail_msg("expected one problem, got %zu (first: %s)", diags.count,
			 diags.count ? diags.items[0].message : "none");
	assert_int_equal(diags.items[0].line, line);
	assert_non_null(diags.items[0].hint);
	msg = nb_diag_format(&diags.items[0]);
	nb_diags_clear(&diags);
	nb_notice_release(&n);
	return msg;
}

static void expect_bad(const char *text, int line, const char *part)
{
	char *msg = parse_bad(text, line);

	if (!strstr(msg, part))
		fail_msg("message '%s' lacks '%s'", msg, part);
	free(msg);
}

#define FM "---\ntitle: T\nservers: [SCROOGE]\nkind: incident\nstatus: resolved\n"
#define FM_CANCELLED_INCIDENT "---\ntitle: T\nservers: [SCROOGE]\nkind: incident\nstatus: cancelled\n---\nX.\n"

static void test_front_matter(void **state)
{
	struct nb_notice n;

	(void)state;
	parse(&n, "---\n"
		  "title: SCROOGE storage array failure\n"
		  "servers: [SCROOGE, LOUIE]\n"
		  "kind: maintenance\n"
		  "status: in-progress\n"
		  "severity: major\n"
		  "# a comment line\n"
		  "date: 2010-10-15T06:30-04:00\n"
		  "window: {start: 2010-10-10T09:00-04:00, end: 2010-10-10T12:00-04:00}\n"
		  "---\n"
		  "Body.\n");
	assert_string_equal(n.title, "SCROOGE storage array failure");
	assert_int_equal(n.server_count, 2);
	assert_string_equal(n.servers[0], "SCROOGE");
	assert_string_equal(n.servers[1], "LOUIE");
	assert_int_equal(n.servers_line, 3);
	assert_int_equal(n.kind, NB_MAINTENANCE);
	assert_int_equal(n.status, NB_IN_PROGRESS);
	assert_true(nb_notice_status_is_open(n.status));
	assert_int_equal(n.severity, NB_MAJOR);
	assert_true(n.has_date);
	assert_int_equal(n.published, fx_utc(2010, 10, 15, 10, 30));
	assert_int_equal(n.published_source, NB_TIME_FRONT_MATTER);
	assert_true(n.has_window);
	assert_int_equal(n.window_start, fx_utc(2010, 10, 10, 13, 0));
	assert_int_equal(n.window_end, fx_utc(2010, 10, 10, 16, 0));
	assert_string_equal(n.body, "Body.\n");
	assert_int_equal(n.body_line, 11);
	assert_int_equal(n.update_count, 0);
	assert_string_equal(n.slug, "test");
	nb_notice_release(&n);

	/* a block list, kind left out (an incident), CRLF line ends */
	parse(&n, "---\r\ntitle: T\r\nservers:\r\n  - LOUIE\r\nstatus: investigating\r\n---\r\nB\r\n");
	assert_int_equal(n.kind, NB_INCIDENT);
	assert_string_equal(n.servers[0], "LOUIE");
	assert_false(n.has_date);
	assert_int_equal(n.published_source, NB_TIME_UNSET);
	nb_notice_release(&n);
}

static void test_thread_forms(void **state)
{
	struct nb_notice n;

	(void)state;
	parse(&n, FM "date: 2010-10-10T06:30-04:00\n---\n"
		  "We are rebooting.\n"
		  "Second line of the notice.\n"
		  "\n"
		  "Update 6:47 AM: Plain form.\n"
		  "\n"
		  "**Update 7:40 AM:** Bold form,\n"
		  "two lines.\n"
		  "\n"
		  "A second paragraph of the same update.\n"
		  "\n"
		  "**Update 8:30 AM**: Bold closed before the colon.\n"
		  "\n"
		  "## Update 10/11/2010 1:24 AM Eastern\n"
		  "\n"
		  "Heading form.\n"
		  "\n"
		  "Update: No stamp.\n"
		  "\n"
		  "10/14/2010 9:06 AM EST \u2013 Legacy dash form.\n");
	assert_string_equal(n.body, "We are rebooting.\nSecond line of the notice.\n");
	assert_int_equal(n.update_count, 6);
	assert_string_equal(n.updates[0].stamp_text, "6:47 AM");
	assert_string_equal(n.updates[0].markdown, "Plain form.\n");
	assert_int_equal(n.updates[0].line, 11);
	assert_int_equal(n.updates[0].time, fx_utc(2010, 10, 10, 10, 47));
	assert_int_equal(n.updates[0].source, NB_TIME_DAY_FROM_TEXT);
	assert_string_equal(n.updates[1].stamp_text, "7:40 AM");
	assert_string_equal(n.updates[1].markdown,
			    "Bold form,\ntwo lines.\n\nA second paragraph of the same update.\n");
	assert_string_equal(n.updates[2].stamp_text, "8:30 AM");
	assert_string_equal(n.updates[2].markdown, "Bold closed before the colon.\n");
	assert_string_equal(n.updates[3].stamp_text, "10/11/2010 1:24 AM Eastern");
	assert_string_equal(n.updates[3].markdown, "Heading form.\n");
	assert_int_equal(n.updates[3].time, fx_utc(2010, 10, 11, 5, 24));
	assert_int_equal(n.updates[3].source, NB_TIME_STATED);
	assert_string_equal(n.updates[4].stamp_text, "");
	assert_string_equal(n.updates[4].markdown, "No stamp.\n");
	assert_int_equal(n.updates[4].source, NB_TIME_UNSET);
	assert_string_equal(n.updates[5].stamp_text, "10/14/2010 9:06 AM EST");
	assert_string_equal(n.updates[5].markdown, "Legacy dash form.\n");
	assert_int_equal(n.updates[5].time, fx_utc(2010, 10, 14, 13, 6));
	assert_int_equal(n.updates[5].line, 26);
	nb_notice_release(&n);
}

static void test_not_updates(void **state)
{
	struct nb_notice n;

	(void)state;
	parse(&n, FM "---\n"
		  "- Update upgrade daemon.\n"
		  "- Update 2: a list item is body text\n"
		  "\n"
		  "Updated 6:47 AM: not the word Update.\n"
		  "\n"
		  "Update regarding the move: no stamp digits, so text.\n"
		  "\n"
		  "Update your DNS records to the new address.\n"
		  "\n"
		  "Update [ticket 8173](https://tickets.example/8173) was closed.\n"
		  "\n"
		  "    Update 6:47 AM: inside a code block\n"
		  "\n"
		  "> Update 6:47 AM: inside a quote\n"
		  "\n"
		  "10 users saw errors - this is text, not a stamp\n"
		  "\n"
		  "### Update 6:47 AM\n"
		  "\n"
		  "Update 3 servers to the new build tonight.\n"
		  "\n"
		  "Update 8173 was closed.\n"
		  "\n"
		  "Update (west coast): no digit in the parentheses, so text.\n"
		  "\n"
		  "- Update - 6:47 AM: a list item never warns\n"
		  "\n"
		  "> Update 6:47 AM - nor does a quote\n");
	assert_int_equal(n.update_count, 0);
	assert_non_null(strstr(n.body, "Update upgrade daemon."));
	assert_non_null(strstr(n.body, "Update 8173 was closed."));
	nb_notice_release(&n);
}

/* Stamps in parentheses and brackets; leads that cannot be read warn. */
static void test_bracketed_and_unread_leads(void **state)
{
	struct nb_notice n;

	(void)state;
	parse(&n, FM "date: 2021-06-01T09:00-04:00\n---\n"
		  "N.\n\n"
		  "Update (6/2/2021 10:00 AM): In parentheses.\n\n"
		  "**Update [6/2/2021 11:00 AM]:** In brackets, bold.\n\n"
		  "**Update (12:30 PM)**: Closed before the colon.\n\n"
		  "## Update (6/3/2021 9:00 AM Eastern)\n\n"
		  "A heading.\n");
	assert_int_equal(n.update_count, 4);
	assert_string_equal(n.body, "N.\n");
	assert_string_equal(n.updates[0].stamp_text, "6/2/2021 10:00 AM");
	assert_string_equal(n.updates[0].markdown, "In parentheses.\n");
	assert_int_equal(n.updates[0].time, fx_utc(2021, 6, 2, 14, 0));
	assert_string_equal(n.updates[1].stamp_text, "6/2/2021 11:00 AM");
	assert_string_equal(n.updates[1].markdown, "In brackets, bold.\n");
	assert_string_equal(n.updates[2].stamp_text, "12:30 PM");
	assert_int_equal(n.updates[2].time, fx_utc(2021, 6, 2, 16, 30));
	assert_string_equal(n.updates[3].stamp_text, "6/3/2021 9:00 AM Eastern");
	assert_string_equal(n.updates[3].markdown, "A heading.\n");
	nb_notice_release(&n);

	/* in parentheses, a stamp that does not parse is named */
	expect_bad(FM "---\nN.\n\nUpdate (6/2/2021 10:00 XM): x.\n", 9,
		   "unparseable stamp '6/2/2021 10:00 XM'");
	/* looks like an update, is not read as one: a problem, not text */
	expect_bad(FM "---\nN.\n\nUpdate - 6:47 AM: a dash first.\n", 9,
		   "'Update - 6:47 AM: a dash first.' starts like an update but is "
		   "not read as one \u2014 write the stamp, then a colon");
	expect_bad(FM "---\nN.\n\nUpdate 6:47 AM - no colon.\n", 9, "starts like an update");
	expect_bad(FM "---\nN.\n\nUpdate 9am no colon.\n", 9, "starts like an update");
	expect_bad(FM "---\nN.\n\n**Update 6:47 AM** - no colon.\n", 9, "starts like an update");
	expect_bad(FM "---\nN.\n\nUpdate (6:47 AM) no colon.\n", 9, "starts like an update");
	expect_bad(FM "---\nN.\n\nUpdate 6:47 AM *EST*: Markdown in the stamp.\n", 9,
		   "starts like an update");
	expect_bad(FM "---\nN.\n\nUpdate 10/16/2010 1:24 AM then a long sentence with no colon.\n",
		   9, "'Update 10/16/2010 1:24 AM then a long se\u2026' starts");
	expect_bad(FM "---\nN.\n\n## Update - 6:47 AM\n\nx.\n", 9, "starts like an update");
	/* lone CRs end lines for cmark, not for the line index (found by fuzz_notice) */
	{
		struct nb_buf text = NB_BUF_INIT;
		int i;

		nb_buf_puts(&text, FM "---\nA");
		for (i = 0; i < 200; i++)
			nb_buf_puts(&text, "\rUpdate 6:47 AM: b");
		nb_buf_puts(&text, "\r\r\rD\n");
		parse(&n, text.ptr);
		assert_int_equal(n.update_count, 0);
		nb_notice_release(&n);
		nb_buf_release(&text);
	}
	/* an update's lead on a later line of a paragraph: a blank line is missing */
	expect_bad(FM "---\nN.\n\nWithin a paragraph,\nUpdate 6:47 AM: on a later line.\n", 10,
		   "'Update 6:47 AM: on a later line.' is inside a paragraph, so it is not read "
		   "as an update \u2014 leave a blank line before it");
	expect_bad(FM "---\nN.\n\nUpdate 6:00 AM: first.\n**Update:** second.\n", 10,
		   "inside a paragraph");
}

static void test_day_lines(void **state)
{
	struct nb_notice n;

	(void)state;
	parse(&n, FM "date: 2010-09-02T20:00-04:00\n---\n"
		  "Notice.\n"
		  "\n"
		  "Update 4:00 AM Eastern: a.\n"
		  "\n"
		  "Friday 9/3/10\n"
		  "\n"
		  "Update 11:42 PM Eastern: b.\n"
		  "\n"
		  "Sunday 9/5/10\n"
		  "\n"
		  "Update 1:25 PM Eastern: c.\n"
		  "\n"
		  "Update 9:27 PM Eastern: d.\n");
	assert_int_equal(n.update_count, 4);
	assert_int_equal(n.updates[0].time, fx_utc(2010, 9, 3, 8, 0));
	assert_int_equal(n.updates[1].time, fx_utc(2010, 9, 4, 3, 42));
	assert_int_equal(n.updates[2].time, fx_utc(2010, 9, 5, 17, 25));
	assert_int_equal(n.updates[3].time, fx_utc(2010, 9, 6, 1, 27));
	/* day lines are not part of any text */
	assert_string_equal(n.updates[0].markdown, "a.\n");
	assert_string_equal(n.updates[1].markdown, "b.\n");
	nb_notice_release(&n);
}

static void test_text_dating(void **state)
{
	struct nb_notice n;

	(void)state;
	/* across midnight, with a weekday, and across the end of DST */
	parse(&n, FM "date: 2010-11-06T22:00-04:00\n---\n"
		  "N.\n\n"
		  "Update 11:30 PM: same evening.\n\n"
		  "Update 1:15 AM: after midnight, still EDT.\n\n"
		  "Update 9:00 AM: EST now.\n\n"
		  "Update 8:00 AM Eastern Wednesday: the next Wednesday.\n");
	assert_int_equal(n.updates[0].time, fx_utc(2010, 11, 7, 3, 30));
	assert_int_equal(n.updates[1].time, fx_utc(2010, 11, 7, 5, 15));
	assert_int_equal(n.updates[2].time, fx_utc(2010, 11, 7, 14, 0));
	assert_int_equal(n.updates[3].time, fx_utc(2010, 11, 10, 13, 0));
	nb_notice_release(&n);

	/* without date:, time-only stamps wait for the commit that adds them */
	parse(&n, FM "---\nN.\n\nUpdate 6:47 AM: x.\n\nUpdate 10/16/2010 1:24 AM Eastern: y.\n");
	assert_int_equal(n.updates[0].source, NB_TIME_UNSET);
	assert_string_equal(n.updates[0].stamp_text, "6:47 AM");
	assert_int_equal(n.updates[1].source, NB_TIME_STATED);
	nb_notice_release(&n);
}

/*
 * The nights clocks change, in New York in 2010 (zdump -v
 * America/New_York): on 14 March 2:00 AM EST (07:00Z) became 3:00 AM EDT,
 * so 2:00-2:59 AM never happened; on 7 November 2:00 AM EDT (06:00Z)
 * became 1:00 AM EST, so 1:00-1:59 AM happened twice, at 05:xxZ (EDT) and
 * 06:xxZ (EST).  Expects each update's instant; a wrong one is printed
 * with every other before the test fails.
 */
static void expect_times(const struct nb_notice *n, const int64_t *want, size_t count)
{
	size_t i, wrong = 0;

	assert_int_equal(n->update_count, count);
	for (i = 0; i < count; i++) {
		if (n->updates[i].time == want[i])
			continue;
		print_message("update %zu '%s': got %lld, want %lld (%+lld s)\n", i + 1,
			      n->updates[i].stamp_text, (long long)n->updates[i].time,
			      (long long)want[i], (long long)(n->updates[i].time - want[i]));
		wrong++;
	}
	if (wrong)
		fail_msg("%zu of %zu updates dated wrong", wrong, count);
}

#define MAR14(h, m) fx_utc(2010, 3, 14, h, m)
#define NOV7(h, m) fx_utc(2010, 11, 7, h, m)

static void test_spring_forward_text_dated(void **state)
{
	static const char thread[] =
		FM "date: 2010-03-14T01:00-05:00\n---\nN.\n\n"
		"Update 1:30 AM%s: a.\n\n"
		"Update 2:30 AM%s: b.\n\n"
		"Update 3:15 AM%s: c.\n\n"
		"Update 3:45 AM%s: d.\n\n"
		"Update 11:00 PM%s: e.\n";
	/* 1:30 EST.  2:30 never happened: read with the offset before the
	 * change, 3:30 EDT (07:30Z); with the offset after it, 1:30 EST
	 * (06:30Z), not after 1:30 AM, so the first.  3:15 AM follows 2:30 AM
	 * on the wall clock: the same night (07:15Z), not the 15th, and
	 * neither is anything after it. */
	const int64_t want[] = {
		MAR14(6, 30), MAR14(7, 30), MAR14(7, 15), MAR14(7, 45), fx_utc(2010, 3, 15, 3, 0),
	};
	const char *zones[][2] = { { "America/New_York", "" }, { "UTC", " Eastern" },
				   { "UTC", " ET" }, { "America/New_York", " Eastern" } };
	struct nb_notice n;
	char text[1024];
	size_t i;

	(void)state;
	for (i = 0; i < NB_ARRAY_LEN(zones); i++) {
		const char *z = zones[i][1];

		snprintf(text, sizeof(text), thread, z, z, z, z, z);
		print_message("site zone %s, stamps in '%s'\n", zones[i][0], z);
		parse_in(&n, text, zones[i][0]);
		expect_times(&n, want, NB_ARRAY_LEN(want));
		nb_notice_release(&n);
	}
}

static void test_fall_back_text_dated(void **state)
{
	/* 0:50 EDT; 1:20 both times after it: no letter, the first; 1:50 the
	 * first too.  The first 1:10 (05:10Z) is before 1:50 EDT, the second
	 * (EST, 06:10Z) after: it wins, on the 7th, not the 8th, and so do
	 * 1:40 (EST) and 2:10 after it. */
	const int64_t want[] = {
		NOV7(4, 50), NOV7(5, 20), NOV7(5, 50), NOV7(6, 10), NOV7(6, 40), NOV7(7, 10),
	};
	struct nb_notice n;

	(void)state;
	parse(&n, FM "date: 2010-11-06T23:00-04:00\n---\nN.\n\n"
		  "Update 12:50 AM: a.\n\nUpdate 1:20 AM: b.\n\nUpdate 1:50 AM: c.\n\n"
		  "Update 1:10 AM: d.\n\nUpdate 1:40 AM: e.\n\nUpdate 2:10 AM: f.\n");
	expect_times(&n, want, NB_ARRAY_LEN(want));
	nb_notice_release(&n);

	/* zones written, the site in UTC.  "1:40 AM EDT" after 1:10 AM EST:
	 * 1:40 EDT (05:40Z) was before it; only 1:40 EST (06:40Z) is after,
	 * and the letter gives way, as operators write EDT loosely */
	parse_in(&n, FM "date: 2010-11-06T23:00-04:00\n---\nN.\n\n"
		     "Update 12:50 AM Eastern: a.\n\nUpdate 1:20 AM EDT: b.\n\n"
		     "Update 1:50 AM Eastern: c.\n\nUpdate 1:10 AM ET: d.\n\n"
		     "Update 1:40 AM EDT: e.\n\nUpdate 2:10 AM Eastern: f.\n", "UTC");
	expect_times(&n, want, NB_ARRAY_LEN(want));
	nb_notice_release(&n);

	/* the letter picks when both are after the update before */
	parse(&n, FM "date: 2010-11-06T23:00-04:00\n---\nN.\n\n"
		  "Update 12:50 AM: a.\n\nUpdate 1:20 AM EST: b.\n\nUpdate 1:50 AM EDT: c.\n\n"
		  "Update 1:10 AM: d.\n\nUpdate 1:40 AM: e.\n\nUpdate 2:10 AM: f.\n");
	{
		/* 1:20 EST (06:20Z); then 1:50 EDT (05:50Z) is before it, 1:50
		 * EST after; 1:10 AM is before 1:20 EST both times: the 8th */
		const int64_t w[] = {
			NOV7(4, 50), NOV7(6, 20), NOV7(6, 50), fx_utc(2010, 11, 8, 6, 10),
			fx_utc(2010, 11, 8, 6, 40), fx_utc(2010, 11, 8, 7, 10),
		};

		expect_times(&n, w, NB_ARRAY_LEN(w));
	}
	nb_notice_release(&n);

	/* stamps with a date: the occurrence after the update before */
	parse(&n, FM "date: 2010-11-06T23:00-04:00\n---\nN.\n\n"
		  "Update 11/7/2010 1:50 AM: c.\n\nUpdate 11/7/2010 1:10 AM: d.\n\n"
		  "Update 11/7/2010 1:40 AM Eastern: e.\n");
	{
		const int64_t w[] = { NOV7(5, 50), NOV7(6, 10), NOV7(6, 40) };

		expect_times(&n, w, NB_ARRAY_LEN(w));
	}
	nb_notice_release(&n);
}

static void test_problems(void **state)
{
	(void)state;
	expect_bad("no front matter\n", 1, "no front matter");
	expect_bad("---\ntitle: T\n", 1, "not closed");
	expect_bad("---\ntitle: [unclosed\nservers: [A]\n---\n", 3, "invalid YAML");
	expect_bad(FM "severty: major\n---\n", 6, "did you mean 'severity'?");
	expect_bad(FM "colour: red\n---\n", 6, "notice keys are title, servers");
	expect_bad("---\ntitle: T\nservers: [A]\nkind: incident\nstatus: completed\n---\n", 5,
		   "invalid incident status 'completed'");
	expect_bad("---\ntitle: T\nservers: [A]\nkind: maintenance\nstatus: resolvd\n---\n", 5,
		   "one of: scheduled, in-progress, completed");
	expect_bad("---\ntitle: T\nservers: [A]\nkind: outage\nstatus: resolved\n---\n", 4,
		   "invalid kind 'outage'");
	expect_bad("---\nservers: [A]\nstatus: resolved\n---\n", 2, "no title");
	expect_bad("---\ntitle: T\nstatus: resolved\n---\n", 2, "names no server");
	expect_bad("---\ntitle: T\nservers: [A]\n---\n", 2, "no status");
	expect_bad(FM "---\nN.\n\nUpdate 25:99 PM: x.\n", 9, "unparseable stamp '25:99 PM'");
	expect_bad(FM "---\nN.\n\n**Update 9/12/10:** x.\n", 9, "has a date but no time");
	expect_bad(FM "date: 2010-10-10T06:30-04:00\n---\nN.\n\nUpdate 10/9/2010 6:47 AM: x.\n",
		   10, "before the notice was published");
	expect_bad(FM "date: tomorrow\n---\n", 6, "in date");
	/* date: names 2:30 AM on the night it never happened, read as 3:30
	 * EDT; 3:15 AM follows it on the wall clock, so the same night, 15
	 * minutes before the date: said, rather than moved to the next day */
	expect_bad(FM "date: 2010-03-14T02:30\n---\nN.\n\nUpdate 3:15 AM: x.\n", 10,
		   "update '3:15 AM' is dated before the notice was published");
	expect_bad(FM "date: 2010-10-10\n---\nN.\n\nUpdate Friday 9/4/10 1:00 PM: x.\n", 10,
		   "is a Saturday, not a Friday");
	expect_bad(FM "window: {start: 2010-10-10T09:00-04:00, end: 2010-10-10T12:00-04:00}\n---\n",
		   6, "only maintenance notices have a window");
	expect_bad("---\ntitle: T\nservers: [A]\nkind: maintenance\nstatus: scheduled\n"
		   "window: {start: 2010-10-10T09:00-04:00, end: 2010-10-10T08:00-04:00}\n---\n",
		   6, "ends before it starts");
	expect_bad("---\ntitle: T\nservers: [A, A]\nstatus: resolved\n---\n", 3, "listed twice");
	expect_bad("---\ntitle: T\ntitle: U\nservers: [A]\nstatus: resolved\n---\n", 3,
		   "appears twice");
	expect_bad("---\ntitle: &a T\nservers: [*a]\nstatus: resolved\n---\n", 3, "aliases");
	expect_bad(FM "---\nok\n\xff\xfe bad bytes\n", 8, "invalid UTF-8");
	/* what nocblog new wrote for the operator to replace */
	expect_bad(FM "---\n" NB_PLACEHOLDER_INCIDENT "\n", 7,
		   "the placeholder 'Describe what users see and what you are doing about it.' from "
		   "nocblog new is still here \u2014 write the notice's own text in its place");
	expect_bad(FM "---\nThe work.\n\nUpdate: " NB_PLACEHOLDER_MAINTENANCE "\n", 9,
		   "the placeholder 'Describe the work");
}

static void test_bytes(void **state)
{
	static const char nul[] = FM "---\nN.\n\0more\n";
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_notice n;
	size_t big = NB_NOTICE_MAX_BYTES + 1;
	char *huge = malloc(big);

	(void)state;
	assert_int_equal(nb_notice_parse(&n, "content/x.md", nul, sizeof(nul) - 1, NY, &diags), -1);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.items[0].line, 8);
	assert_non_null(strstr(diags.items[0].message, "NUL"));
	nb_notice_release(&n);
	nb_diags_clear(&diags);

	memset(huge, 'a', big);
	assert_int_equal(nb_notice_parse(&n, "content/x.md", huge, big, NY, &diags), -1);
	assert_int_equal(diags.count, 1);
	assert_non_null(strstr(diags.items[0].message, "limited to"));
	nb_notice_release(&n);
	nb_diags_clear(&diags);
	free(huge);
}

/* buf, of size bytes, all 'a' but for s at `at`; 0 when s does not fit in len. */
static int place(char *buf, size_t size, size_t len, size_t at, const char *s)
{
	if (at + strlen(s) > len)
		return 0;
	memset(buf, 'a', size);
	memcpy(buf + at, s, strlen(s));
	return 1;
}

/*
 * The byte checks skip eight bytes at a time: a bad byte at every offset
 * of a buffer (first and last word, across a word's edge, in the tail
 * shorter than a word) is found at that offset, and tabs, line ends and
 * every length of valid multibyte character are not.
 */
static void test_byte_scans(void **state)
{
	static const char *const bad_utf8[] = { "\xff", "\xc0\x80", "\xed\xa0\x80", "\xe2\x82",
						"\xf4\x90\x80\x80", "\x80" };
	static const char *const good[] = { "\t", "\n", "\r", "\xc3\xa9", "\xe2\x82\xac",
					    "\xf0\x9f\x9a\x92", " ", "~" };
	char buf[64];
	size_t len, at, k;

	(void)state;
	for (len = 1; len <= 40; len++) {
		for (at = 0; at < len; at++) {
			memset(buf, 'a', sizeof(buf));
			buf[at] = '\x01';
			assert_int_equal(nb_control_find(buf, len), at);
			buf[at] = '\x1f';
			assert_int_equal(nb_control_find(buf, len), at);
			assert_int_equal(nb_utf8_check(buf, len), len);
			buf[at] = '\t';
			assert_int_equal(nb_control_find(buf, len), len);
			for (k = 0; k < sizeof(bad_utf8) / sizeof(*bad_utf8); k++) {
				if (!place(buf, sizeof(buf), len, at, bad_utf8[k]))
					continue;
				assert_int_equal(nb_utf8_check(buf, len), at);
				/* cut short by the end: invalid where it starts */
				if (strlen(bad_utf8[k]) > 1)
					assert_int_equal(nb_utf8_check(buf, at + strlen(bad_utf8[k]) - 1), at);
			}
			for (k = 0; k < sizeof(good) / sizeof(*good); k++) {
				if (!place(buf, sizeof(buf), len, at, good[k]))
					continue;
				assert_int_equal(nb_utf8_check(buf, len), len);
				assert_int_equal(nb_control_find(buf, len), len);
			}
		}
	}
	assert_int_equal(nb_utf8_check("", 0), 0);
	assert_int_equal(nb_control_find("", 0), 0);
}

/*
 * The walk's memo of front matters gives the tree parsed before for the
 * same bytes and first line, a new one otherwise, and keeps no document
 * with a problem (the second try reports it again, on its line).
 */
static void test_yml_memo(void **state)
{
	static const char a[] = "title: A\nstatus: open\n", b[] = "title: B\n", bad[] = "title: [\n";
	struct nb_yml_memo *memo = calloc(1, sizeof(*memo));
	const struct nb_yml *t1, *t2, *t3, *t4;
	struct nb_buf why = NB_BUF_INIT;
	int line, k;

	(void)state;
	assert_int_equal(nb_yml_parse_memo(memo, &t1, a, strlen(a), 2, &why, &line), 0);
	assert_int_equal(nb_yml_parse_memo(memo, &t2, a, strlen(a), 2, &why, &line), 0);
	assert_ptr_equal(t1, t2);
	assert_string_equal(nb_yml_get(t2, "status")->scalar, "open");
	assert_int_equal(nb_yml_get(t2, "status")->line, 3);
	/* the same bytes lower in the file: lines differ, so another tree */
	assert_int_equal(nb_yml_parse_memo(memo, &t3, a, strlen(a), 5, &why, &line), 0);
	assert_int_equal(nb_yml_get(t3, "status")->line, 6);
	assert_int_equal(nb_yml_parse_memo(memo, &t4, b, strlen(b), 2, &why, &line), 0);
	assert_string_equal(nb_yml_get(t4, "title")->scalar, "B");
	for (k = 0; k < 2; k++) {
		line = 0;
		assert_int_equal(nb_yml_parse_memo(memo, &t4, bad, strlen(bad), 2, &why, &line), -1);
		assert_null(t4);
		assert_true(line >= 2);
	}
	nb_yml_memo_release(memo);
	nb_buf_release(&why);
	free(memo);
}

/*
 * A front matter of as many keys as the limits allow (a notice just under
 * 1 MiB), the last one repeated.  Finding the repeat used to compare every
 * key with every other: minutes for one push.  SIGALRM fails the test.
 */
static void test_many_keys(void **state)
{
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_buf text = NB_BUF_INIT;
	struct nb_notice n;
	int i, keys = 95000;

	(void)state;
	nb_buf_puts(&text, FM);
	for (i = 0; i < keys; i++)
		nb_buf_printf(&text, "k%d: 1\n", i);
	nb_buf_puts(&text, "k7: 2\n---\nbody\n");
	assert_true(text.len < NB_NOTICE_MAX_BYTES);
	alarm(10);
	assert_int_equal(nb_notice_parse(&n, "content/2010/test.md", text.ptr, text.len, NY,
					 &diags), -1);
	alarm(0);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.items[0].line, 6 + keys);
	assert_non_null(strstr(diags.items[0].message, "key 'k7' appears twice (first on line 13)"));
	nb_notice_release(&n);
	nb_diags_clear(&diags);
	nb_buf_release(&text);
}

/* author: names who wrote a notice git cannot attribute; cancelled is a
 * maintenance status. */
static void test_author_and_cancelled(void **state)
{
	struct nb_notice n;

	(void)state;
	parse(&n, FM "author: Ann Operator\n---\nText.\n");
	assert_string_equal(n.stated_author, "Ann Operator");
	nb_notice_release(&n);
	parse(&n, FM "---\nText.\n");
	assert_null(n.stated_author);
	nb_notice_release(&n);
	expect_bad(FM "author: \"\"\n---\nText.\n", 6, "the author is empty");
	expect_bad(FM "author: [Ann, Bob]\n---\nText.\n", 6, "'author' must be text");
	parse(&n, "---\ntitle: T\nservers: [SCROOGE]\nkind: maintenance\nstatus: cancelled\n---\nOff.\n");
	assert_int_equal(n.status, NB_CANCELLED);
	assert_false(nb_notice_status_is_open(n.status));
	nb_notice_release(&n);
	expect_bad(FM_CANCELLED_INCIDENT, 5, "cancelled");
}

/* Merge conflicts git left, and bidirectional controls in a title, are
 * refused; in a body they cannot reach past their own run of text. */
static void test_conflicts_and_bidi(void **state)
{
	char *html;

	(void)state;
	expect_bad(FM "---\nText.\n<<<<<<< HEAD\nUpdate: ours.\n=======\nUpdate: theirs.\n"
		   ">>>>>>> branch\n", 8, "merge conflict marker");
	expect_bad("<<<<<<< HEAD\n" FM "---\nText.\n", 1, "merge conflict marker");
	/* a heading's underline is not a conflict */
	{
		struct nb_notice n;

		parse(&n, FM "---\nTitle\n=======\n\nText.\n");
		nb_notice_release(&n);
	}
	expect_bad("---\ntitle: \"Fixed \u202eSEKIM\"\nservers: [SCROOGE]\nstatus: resolved\n"
		   "---\nText.\n", 2, "bidirectional control character (U+202E) in the title");
	html = nb_text_html("Mail to \u202eevil.com\u202c is fine. Also \u2067x and *bold*.\n"
			    "\nA \u202ereversed [link](https://e.example/) end.\n", 0);
	/* balanced: left as written; open at the end of a run: closed there */
	assert_non_null(strstr(html, "Mail to \u202eevil.com\u202c is fine. Also \u2067x and "
				     "\u2069<em>bold</em>"));
	assert_non_null(strstr(html, "A \u202ereversed \u202c<a href"));
	free(html);
}

static void test_slugs(void **state)
{
	char *s;

	(void)state;
	s = nb_notice_slug("content/2010/SCROOGE Storage  Failure.md");
	assert_string_equal(s, "scrooge-storage-failure");
	free(s);
	s = nb_notice_slug("content/2010/2010-10-10-disk-full.md");
	assert_string_equal(s, "2010-10-10-disk-full");
	free(s);
	s = nb_notice_slug("content/2010/..md");
	assert_string_equal(s, "");
	free(s);
	s = nb_notice_slug("content/--x--.md");
	assert_string_equal(s, "x");
	free(s);
	s = nb_notice_slug("content/..hidden.md");
	assert_string_equal(s, "hidden");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_front_matter),
		cmocka_unit_test(test_byte_scans),
		cmocka_unit_test(test_yml_memo),
		cmocka_unit_test(test_thread_forms),
		cmocka_unit_test(test_not_updates),
		cmocka_unit_test(test_bracketed_and_unread_leads),
		cmocka_unit_test(test_day_lines),
		cmocka_unit_test(test_text_dating),
		cmocka_unit_test(test_spring_forward_text_dated),
		cmocka_unit_test(test_fall_back_text_dated),
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_slugs),
		cmocka_unit_test(test_author_and_cancelled),
		cmocka_unit_test(test_conflicts_and_bidi),
	};

	return cmocka_run_group_tests_name("notice", tests, NULL, NULL);
}
