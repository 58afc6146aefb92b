/*
 * The history walk on repositories built here, commit by commit, with
 * controlled author times, zones and authors.
 */
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
#include "content.h"
#include "diag.h"
#include "fixture.h"
#include "dating.h"
#include "histcache.h"
#include "history.h"
#include "walk.h"
#include "repo.h"
#include "util.h"

#define EDT (-240)
#define EST (-300)

struct dated {
	git_repository *repo;
	struct nb_content c;
	struct nb_history *h;
	struct nb_diags diags;
};

/* Loads HEAD's content and dates it from the history; expects no problem
 * unless allow_problems. */
static void date_repo_opt(struct dated *x, struct fx_repo *r, int use_cache, int allow_problems)
{
	git_commit *commit = NULL;

	memset(x, 0, sizeof(*x));
	assert_int_equal(nb_repo_open(&x->repo, r->dir, &x->diags), 0);
	assert_int_equal(nb_repo_commit(&commit, x->repo, "HEAD", &x->diags), 0);
	nb_content_load(&x->c, x->repo, commit, use_cache, &x->diags);
	assert_int_equal(nb_walk_history(&x->h, x->repo, commit, use_cache, &x->diags), 0);
	nb_dating_apply(x->h, &x->c, &x->diags);
	git_commit_free(commit);
	if (!allow_problems && x->diags.count)
		fail_msg("%s:%d: %s", x->diags.items[0].path ? x->diags.items[0].path : "",
			 x->diags.items[0].line, x->diags.items[0].message);
}

static void date_repo(struct dated *x, struct fx_repo *r)
{
	date_repo_opt(x, r, 0, 0);
}

static void dated_free(struct dated *x)
{
	nb_content_release(&x->c);
	nb_history_free(x->h);
	nb_diags_clear(&x->diags);
	nb_repo_close(x->repo);
}

static const struct nb_notice *find(const struct dated *x, const char *path)
{
	size_t i;

	for (i = 0; i < x->c.count; i++)
		if (strcmp(x->c.notices[i].path, path) == 0)
			return &x->c.notices[i];
	fail_msg("no notice %s", path);
	return NULL;
}

/* A notice file; body and updates follow the front matter. */
static void write_notice(struct fx_repo *r, const char *path, const char *title,
			 const char *status, const char *rest)
{
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "---\ntitle: %s\nservers: [SCROOGE]\nstatus: %s\n---\n%s", title,
		      status, rest);
	fx_write(r, path, b.ptr);
	nb_buf_release(&b);
}

static void new_repo(struct fx_repo *r)
{
	fx_repo_init(r);
	fx_write(r, "content/site.yaml", fx_site_yaml);
}

#define ARRAY "content/2010/array.md"
#define BODY "The storage array behind SCROOGE is failing and mail is delayed.\n" \
	"We are moving the busiest mailboxes to the spare array while we look.\n"

static void test_git_dated(void **state)
{
	struct fx_repo r;
	struct dated x;
	const struct nb_notice *n;

	(void)state;
	new_repo(&r);
	write_notice(&r, ARRAY, "Array failure", "investigating", BODY);
	fx_commit_as(&r, "add", fx_utc(2010, 10, 15, 12, 0), EDT, "Ann Operator");
	write_notice(&r, ARRAY, "Array failure", "investigating",
		     BODY "\nUpdate 9:05 AM: Replacing drives.\n");
	fx_commit_as(&r, "u1", fx_utc(2010, 10, 15, 13, 10), EDT, "Bob Sysadmin");
	write_notice(&r, ARRAY, "Array failure", "identified",
		     BODY "\nUpdate 9:05 AM: Replacing drives.\n\nUpdate: Drives replaced.\n");
	fx_commit_as(&r, "u2", fx_utc(2010, 10, 15, 14, 30), EDT, "Chen Oncall");
	write_notice(&r, ARRAY, "Array failure", "resolved",
		     BODY "\nUpdate 9:05 AM: Replacing drives.\n\nUpdate: Drives replaced.\n\n"
		     "**Update 10/15/2010 10:55 AM Eastern:** Restored.\n");
	fx_commit_as(&r, "u3", fx_utc(2010, 10, 15, 15, 0), EDT, "Dana Netops");
	date_repo(&x, &r);

	n = find(&x, ARRAY);
	assert_int_equal(n->published, fx_utc(2010, 10, 15, 12, 0));
	assert_int_equal(n->published_source, NB_TIME_COMMIT);
	assert_string_equal(n->author, "Ann Operator");
	assert_string_equal(n->first_path, ARRAY);
	assert_int_equal(n->old_path_count, 0);
	assert_int_equal(n->edited, 0);
	assert_int_equal(n->update_count, 3);
	/* a time of day: the day of the commit that added it */
	assert_int_equal(n->updates[0].time, fx_utc(2010, 10, 15, 13, 5));
	assert_int_equal(n->updates[0].source, NB_TIME_DAY_FROM_COMMIT);
	assert_string_equal(n->updates[0].author, "Bob Sysadmin");
	/* no stamp: the commit's time */
	assert_int_equal(n->updates[1].time, fx_utc(2010, 10, 15, 14, 30));
	assert_int_equal(n->updates[1].source, NB_TIME_COMMIT);
	assert_string_equal(n->updates[1].author, "Chen Oncall");
	/* a full stamp: itself */
	assert_int_equal(n->updates[2].time, fx_utc(2010, 10, 15, 14, 55));
	assert_int_equal(n->updates[2].source, NB_TIME_STATED);
	assert_string_equal(n->updates[2].author, "Dana Netops");
	assert_int_equal(n->updates[2].edited, 0);
	/* every commit that changed it */
	assert_int_equal(n->commit_count, 4);
	assert_int_equal(n->commits[0].time, fx_utc(2010, 10, 15, 12, 0));
	assert_string_equal(n->commits[3].author, "Dana Netops");
	assert_int_equal(strlen(n->commits[3].id), 40);
	assert_string_equal(n->updates[2].commit, n->commits[3].id);
	/* status changes dated by the commits that made them */
	assert_int_equal(n->status_change_count, 3);
	assert_int_equal(n->status_changes[0].status, NB_INVESTIGATING);
	assert_int_equal(n->status_changes[0].time, fx_utc(2010, 10, 15, 12, 0));
	assert_int_equal(n->status_changes[1].status, NB_IDENTIFIED);
	assert_string_equal(n->status_changes[1].author, "Chen Oncall");
	assert_int_equal(n->status_changes[2].status, NB_RESOLVED);
	assert_int_equal(n->status_changes[2].time, fx_utc(2010, 10, 15, 15, 0));
	assert_string_equal(n->status_changes[2].author, "Dana Netops");
	dated_free(&x);
	fx_repo_free(&r);
}

static void test_midnight_and_dst(void **state)
{
	struct fx_repo r;
	struct dated x;
	const struct nb_notice *n;

	(void)state;
	new_repo(&r);
	/* 2010-11-06 20:00 EDT */
	write_notice(&r, "content/fall.md", "Fall", "investigating", "N.\n");
	fx_commit(&r, "add", fx_utc(2010, 11, 7, 0, 0), EDT);
	/* committed 00:10 EDT on the 7th: 11:50 PM was the day before */
	write_notice(&r, "content/fall.md", "Fall", "investigating",
		     "N.\n\nUpdate 11:50 PM: late.\n");
	fx_commit(&r, "u", fx_utc(2010, 11, 7, 4, 10), EDT);
	/* committed 09:00 EST: 1:30 AM that day happened twice; the first */
	write_notice(&r, "content/fall.md", "Fall", "investigating",
		     "N.\n\nUpdate 11:50 PM: late.\n\nUpdate 1:30 AM: repeated hour.\n");
	fx_commit(&r, "u", fx_utc(2010, 11, 7, 14, 0), EST);
	write_notice(&r, "content/fall.md", "Fall", "investigating",
		     "N.\n\nUpdate 11:50 PM: late.\n\nUpdate 1:30 AM: repeated hour.\n\n"
		     "Update 8:59 AM EST: standard time.\n");
	fx_commit(&r, "u", fx_utc(2010, 11, 7, 14, 5), EST);

	/* 2010-03-13 22:00 EST; committed 03:10 EDT, after the jump */
	write_notice(&r, "content/spring.md", "Spring", "investigating", "N.\n");
	fx_commit(&r, "add", fx_utc(2010, 3, 14, 3, 0), EST);
	write_notice(&r, "content/spring.md", "Spring", "investigating",
		     "N.\n\nUpdate 1:55 AM: before the jump.\n");
	fx_commit(&r, "u", fx_utc(2010, 3, 14, 7, 10), EDT);

	/* a weekday reaches back to that day */
	write_notice(&r, "content/week.md", "Week", "investigating", "N.\n");
	fx_commit(&r, "add", fx_utc(2010, 8, 22, 16, 0), EDT);
	write_notice(&r, "content/week.md", "Week", "investigating",
		     "N.\n\nUpdate 11:00 PM Eastern Sunday: on Sunday night.\n");
	fx_commit(&r, "u", fx_utc(2010, 8, 23, 12, 0), EDT);
	date_repo(&x, &r);

	n = find(&x, "content/fall.md");
	assert_int_equal(n->updates[0].time, fx_utc(2010, 11, 7, 3, 50));
	assert_int_equal(n->updates[1].time, fx_utc(2010, 11, 7, 5, 30));
	assert_int_equal(n->updates[2].time, fx_utc(2010, 11, 7, 13, 59));
	n = find(&x, "content/spring.md");
	assert_int_equal(n->updates[0].time, fx_utc(2010, 3, 14, 6, 55));
	n = find(&x, "content/week.md");
	assert_int_equal(n->updates[0].time, fx_utc(2010, 8, 23, 3, 0));
	dated_free(&x);
	fx_repo_free(&r);
}

/* ---- the nights clocks change ----
 *
 * New York in 2010 (zdump -v America/New_York): clocks went forward on
 * 14 March at 02:00 EST (07:00Z) to 03:00 EDT, so 2:00-2:59 AM never
 * happened; they went back on 7 November at 02:00 EDT (06:00Z) to 01:00
 * EST, so 1:00-1:59 AM happened twice, at 05:xxZ (EDT) and 06:xxZ (EST).
 */

/* site.yaml with the given time zone. */
static void write_site(struct fx_repo *r, const char *zone)
{
	struct nb_buf b = NB_BUF_INIT;
	const char *line = strstr(fx_site_yaml, "timezone: ");
	const char *end = strchr(line, '\n');

	nb_buf_printf(&b, "%.*stimezone: %s%s", (int)(line - fx_site_yaml), fx_site_yaml,
		      zone, end);
	fx_write(r, "content/site.yaml", b.ptr);
	nb_buf_release(&b);
}

struct git_case {
	const char *zone;     /* the site's */
	const char *update;   /* the paragraph a second commit appends */
	int64_t added;        /* author time of the commit adding the notice */
	int64_t committed;    /* author time of the commit adding the update */
	int offset;           /* both commits' offset, minutes east */
	int64_t want;         /* the update's instant, worked out by hand */
};

/* Dates a notice added at c->added and its update at c->committed; 0 when
 * the update is at c->want and nothing is reported, else -1 with what was
 * printed. */
static int git_case(const struct git_case *c)
{
	struct fx_repo r;
	struct dated x;
	struct nb_buf text = NB_BUF_INIT;
	const struct nb_notice *n;
	int rc = 0;

	fx_repo_init(&r);
	write_site(&r, c->zone);
	write_notice(&r, ARRAY, "Array", "investigating", BODY);
	fx_commit(&r, "add", c->added, c->offset);
	nb_buf_printf(&text, BODY "\n%s\n", c->update);
	write_notice(&r, ARRAY, "Array", "investigating", text.ptr);
	fx_commit(&r, "update", c->committed, c->offset);
	date_repo_opt(&x, &r, 0, 1);
	n = find(&x, ARRAY);
	assert_int_equal(n->update_count, 1);
	if (n->updates[0].time != c->want || x.diags.count) {
		print_message("'%s' (site zone %s) committed at %lld: got %lld, want %lld "
			      "(%+lld s)%s%s\n", c->update, c->zone, (long long)c->committed,
			      (long long)n->updates[0].time, (long long)c->want,
			      (long long)(n->updates[0].time - c->want),
			      x.diags.count ? "; reported: " : "",
			      x.diags.count ? x.diags.items[0].message : "");
		rc = -1;
	}
	dated_free(&x);
	fx_repo_free(&r);
	nb_buf_release(&text);
	return rc;
}

static void expect_git_cases(const struct git_case *cases, size_t count)
{
	size_t i, failed = 0;

	for (i = 0; i < count; i++)
		failed += git_case(&cases[i]) < 0;
	if (failed)
		fail_msg("%zu of %zu cases dated wrong", failed, count);
}

#define NYZ "America/New_York"

/* UTC instants on the two nights */
#define MAR14(h, m) fx_utc(2010, 3, 14, h, m)
#define NOV7(h, m) fx_utc(2010, 11, 7, h, m)

static void test_spring_forward_git_dated(void **state)
{
	const struct git_case cases[] = {
		/* notice at 1:30 AM EST (06:30Z); "2:50 AM" committed at 3:05
		 * AM EDT (07:05Z).  Read with the offset before the change,
		 * 2:50 is 3:50 EDT (07:50Z), 45 minutes after the commit; with
		 * the offset after it, 1:50 EST (06:50Z), 15 minutes before:
		 * only that reading is at or before the commit, so it wins.
		 * Never 2:50 EST on the 13th, nearly a day before the notice. */
		{ NYZ, "Update 2:50 AM: Drives swapped.", MAR14(6, 30), MAR14(7, 5), EDT,
		  MAR14(6, 50) },
		{ NYZ, "Update 2:50 AM Eastern: Drives swapped.", MAR14(6, 30), MAR14(7, 5), EDT,
		  MAR14(6, 50) },
		{ NYZ, "Update 2:50 AM EST: Drives swapped.", MAR14(6, 30), MAR14(7, 5), EDT,
		  MAR14(6, 50) },
		/* the same stamp committed at 3:55 EDT (07:55Z): the reading
		 * before the change, 3:50 EDT (07:50Z), is before the commit */
		{ NYZ, "Update 2:50 AM: Drives swapped.", MAR14(6, 30), MAR14(7, 55), EDT,
		  MAR14(7, 50) },
		/* "1:55 AM" (EST, 06:55Z) committed at 3:01 EDT (07:01Z) */
		{ NYZ, "Update 1:55 AM: Before the jump.", MAR14(6, 30), MAR14(7, 1), EDT,
		  MAR14(6, 55) },
		/* "3:10 AM" (EDT, 07:10Z) committed at 3:05 EDT: five minutes
		 * ahead of the commit's clock is "written a little before
		 * committing", not the 13th */
		{ NYZ, "Update 3:10 AM: After the jump.", MAR14(6, 30), MAR14(7, 5), EDT,
		  MAR14(7, 10) },
		/* a site in UTC, the stamp in Eastern: the same instants */
		{ "UTC", "Update 2:50 AM Eastern: Drives swapped.", MAR14(6, 30), MAR14(7, 5), 0,
		  MAR14(6, 50) },
		{ "UTC", "Update 3:10 AM ET: After the jump.", MAR14(6, 30), MAR14(7, 5), 0,
		  MAR14(7, 10) },
		/* a stamp with a date: the same choice between the readings */
		{ NYZ, "Update 3/14/2010 2:50 AM: Drives swapped.", MAR14(6, 30), MAR14(7, 5), EDT,
		  MAR14(6, 50) },
		{ "UTC", "Update 3/14/2010 2:50 AM Eastern: Drives swapped.", MAR14(6, 30),
		  MAR14(7, 5), 0, MAR14(6, 50) },
	};

	(void)state;
	expect_git_cases(cases, NB_ARRAY_LEN(cases));
}

static void test_fall_back_git_dated(void **state)
{
	const struct git_case cases[] = {
		/* notice at 0:30 AM EDT (04:30Z).  "1:30 AM EST" committed at
		 * 1:45 AM EDT (05:45Z): 1:30 EST (06:30Z) is still ahead, the
		 * 1:30 before it (EDT, 05:30Z) is behind: the one at or before
		 * the commit wins, on the 7th, not the 6th */
		{ NYZ, "Update 1:30 AM EST: Rebooting.", NOV7(4, 30), NOV7(5, 45), EDT,
		  NOV7(5, 30) },
		{ "UTC", "Update 1:30 AM EST: Rebooting.", NOV7(4, 30), NOV7(5, 45), 0,
		  NOV7(5, 30) },
		/* committed at 1:40 AM EST (06:40Z): both are before it; EST
		 * picks the second */
		{ NYZ, "Update 1:30 AM EST: Rebooting.", NOV7(4, 30), NOV7(6, 40), EST,
		  NOV7(6, 30) },
		/* no letter: the first, whenever both are before the commit */
		{ NYZ, "Update 1:30 AM: Rebooting.", NOV7(4, 30), NOV7(6, 40), EST, NOV7(5, 30) },
		{ NYZ, "Update 1:30 AM Eastern: Rebooting.", NOV7(4, 30), NOV7(6, 40), EST,
		  NOV7(5, 30) },
		{ "UTC", "Update 1:30 AM Eastern: Rebooting.", NOV7(4, 30), NOV7(6, 40), 0,
		  NOV7(5, 30) },
		/* "1:50 AM EST" committed at 1:40 AM EST: ten minutes ahead of
		 * the commit, within the tolerance, so the letter still picks */
		{ NYZ, "Update 1:50 AM EST: Rebooting.", NOV7(4, 30), NOV7(6, 40), EST,
		  NOV7(6, 50) },
		/* "1:50 AM" committed at 1:40 AM EDT (05:40Z): the first 1:50
		 * (05:50Z) is within the tolerance */
		{ NYZ, "Update 1:50 AM: Rebooting.", NOV7(4, 30), NOV7(5, 40), EDT, NOV7(5, 50) },
		/* a stamp with a date: the same choice between the occurrences */
		{ NYZ, "Update 11/7/2010 1:30 AM EST: Rebooting.", NOV7(4, 30), NOV7(5, 45), EDT,
		  NOV7(5, 30) },
	};

	(void)state;
	expect_git_cases(cases, NB_ARRAY_LEN(cases));
}

/* A thread written through the spring-forward night, committed update by
 * update a few minutes after each was written: nothing after the change
 * slips. */
static void test_thread_through_the_change(void **state)
{
	static const char *const updates[] = {
		"Update 1:40 AM: a.", "Update 1:58 AM: b.", "Update 3:04 AM: c.",
		"Update 3:30 AM: d.", "Update 4:15 AM: e.",
	};
	/* commits at 1:45 EST, 3:01 EDT, 3:06 EDT, 3:33 EDT, 4:20 EDT */
	const int64_t commits[] = {
		MAR14(6, 45), MAR14(7, 1), MAR14(7, 6), MAR14(7, 33), MAR14(8, 20),
	};
	/* 1:40 and 1:58 EST, then 3:04, 3:30 and 4:15 EDT */
	const int64_t want[] = {
		MAR14(6, 40), MAR14(6, 58), MAR14(7, 4), MAR14(7, 30), MAR14(8, 15),
	};
	struct nb_buf text = NB_BUF_INIT;
	struct fx_repo r;
	struct dated x;
	const struct nb_notice *n;
	size_t i;

	(void)state;
	new_repo(&r);
	nb_buf_puts(&text, BODY);
	write_notice(&r, ARRAY, "Array", "investigating", text.ptr);
	fx_commit(&r, "add", MAR14(6, 30), EST);
	for (i = 0; i < NB_ARRAY_LEN(updates); i++) {
		nb_buf_printf(&text, "\n%s\n", updates[i]);
		write_notice(&r, ARRAY, "Array", "investigating", text.ptr);
		fx_commit(&r, "update", commits[i], commits[i] < MAR14(7, 0) ? EST : EDT);
	}
	date_repo(&x, &r);
	n = find(&x, ARRAY);
	assert_int_equal(n->update_count, NB_ARRAY_LEN(updates));
	for (i = 0; i < NB_ARRAY_LEN(updates); i++)
		if (n->updates[i].time != want[i])
			fail_msg("'%s': got %lld, want %lld", updates[i],
				 (long long)n->updates[i].time, (long long)want[i]);
	dated_free(&x);
	fx_repo_free(&r);
	nb_buf_release(&text);
}

#define LONG_BODY \
	"The storage array behind SCROOGE reported failing drives this morning.\n" \
	"Mail for about a third of the mailboxes is delayed while the array rebuilds.\n" \
	"We are moving the busiest mailboxes to the spare array and will post here.\n"

/*
 * An imported notice: its author: names who wrote it and the updates it
 * came with, which the commit that imported them cannot; what is added
 * later is by whoever committed it.
 */
static void test_stated_author(void **state)
{
	struct fx_repo r;
	struct dated x;
	const struct nb_notice *n;
	const char *head = "---\ntitle: Old outage\nservers: [SCROOGE]\nstatus: %s\n"
			   "date: 2010-10-15T06:30-04:00\nauthor: Ann Operator\n---\n" BODY
			   "\nUpdate 7:00 AM: Drives ordered.\n\nUpdate 8:00 AM: Drives in.\n%s";
	struct nb_buf text = NB_BUF_INIT;

	(void)state;
	new_repo(&r);
	nb_buf_printf(&text, head, "identified", "");
	fx_write(&r, ARRAY, text.ptr);
	fx_commit_as(&r, "import", fx_utc(2023, 1, 1, 12, 0), 0, "Import Bot");
	nb_buf_truncate(&text, 0);
	nb_buf_printf(&text, head, "resolved", "\nUpdate: Closed after the import.\n");
	fx_write(&r, ARRAY, text.ptr);
	fx_commit_as(&r, "close", fx_utc(2023, 1, 2, 12, 0), 0, "Bob Sysadmin");
	date_repo(&x, &r);
	n = find(&x, ARRAY);
	assert_string_equal(n->author, "Ann Operator");
	assert_int_equal(n->update_count, 3);
	assert_string_equal(n->updates[0].author, "Ann Operator");
	assert_string_equal(n->updates[1].author, "Ann Operator");
	assert_string_equal(n->updates[2].author, "Bob Sysadmin");
	assert_int_equal(n->status_change_count, 2);
	assert_string_equal(n->status_changes[0].author, "Ann Operator");
	assert_string_equal(n->status_changes[1].author, "Bob Sysadmin");
	dated_free(&x);
	nb_buf_release(&text);
	fx_repo_free(&r);
}

/*
 * Two updates with the same words are two updates, each with the time and
 * author of the commit that added it; and after an update is edited, a new
 * update that says what the old text said is a new update, not the edited
 * one again.
 */
static void test_repeated_update_text(void **state)
{
	struct fx_repo r;
	struct dated x;
	const struct nb_notice *n;

	(void)state;
	new_repo(&r);
	write_notice(&r, ARRAY, "Array failure", "investigating", BODY);
	fx_commit_as(&r, "add", fx_utc(2010, 10, 15, 14, 0), EDT, "Ann Operator");
	write_notice(&r, ARRAY, "Array failure", "investigating",
		     BODY "\nUpdate: Still investigating.\n");
	fx_commit_as(&r, "u1", fx_utc(2010, 10, 15, 14, 30), EDT, "Ann Operator");
	write_notice(&r, ARRAY, "Array failure", "investigating",
		     BODY "\nUpdate: Still investigating.\n\nUpdate: Still investigating.\n");
	fx_commit_as(&r, "u2", fx_utc(2010, 10, 15, 15, 30), EDT, "Bob Sysadmin");
	/* the second edited (which of two equal updates was edited cannot be
	 * told when it is the first); then a third in the second's old words */
	write_notice(&r, ARRAY, "Array failure", "investigating",
		     BODY "\nUpdate: Still investigating.\n\nUpdate: Still investigating the array.\n");
	fx_commit_as(&r, "edit", fx_utc(2010, 10, 15, 16, 0), EDT, "Chen Oncall");
	write_notice(&r, ARRAY, "Array failure", "investigating",
		     BODY "\nUpdate: Still investigating.\n\nUpdate: Still investigating the array.\n"
		     "\nUpdate: Still investigating.\n");
	fx_commit_as(&r, "u3", fx_utc(2010, 10, 15, 17, 0), EDT, "Dana Netops");
	date_repo(&x, &r);
	n = find(&x, ARRAY);
	assert_int_equal(n->update_count, 3);
	assert_int_equal(n->updates[0].time, fx_utc(2010, 10, 15, 14, 30));
	assert_string_equal(n->updates[0].author, "Ann Operator");
	assert_int_equal(n->updates[0].edited, 0);
	assert_int_equal(n->updates[1].time, fx_utc(2010, 10, 15, 15, 30));
	assert_string_equal(n->updates[1].author, "Bob Sysadmin");
	assert_int_equal(n->updates[1].edited, fx_utc(2010, 10, 15, 16, 0));
	assert_int_equal(n->updates[2].time, fx_utc(2010, 10, 15, 17, 0));
	assert_string_equal(n->updates[2].author, "Dana Netops");
	assert_int_equal(n->updates[2].edited, 0);
	dated_free(&x);
	fx_repo_free(&r);
}

/*
 * Renamed and rewritten in one commit, beyond git's similarity: still the
 * same notice when the title, or the opening paragraph, stays.  A file
 * deleted and another added that share neither are two notices.
 */
static void test_rewritten_rename(void **state)
{
	struct fx_repo r;
	struct dated x;
	const struct nb_notice *n;

	(void)state;
	new_repo(&r);
	write_notice(&r, ARRAY, "Array failure", "investigating", BODY);
	write_notice(&r, "content/2010/cas.md", "CAS certificate", "investigating",
		     "The certificate on the CAS array expires tonight.\n\nWe renew it at 9.\n");
	fx_write(&r, "content/2010/other.md",
		 "---\ntitle: Webmail slow\nservers: [LOUIE]\nstatus: monitoring\nseverity: minor\n---\n"
		 "Webmail pages take half a minute to load for users on LOUIE.\n"
		 "We are looking at the load balancer and the IIS logs.\n"
		 "The mailbox servers themselves answer quickly.\n");
	fx_commit_as(&r, "add", fx_utc(2010, 10, 15, 12, 0), EDT, "Ann Operator");
	fx_remove(&r, ARRAY);
	fx_remove(&r, "content/2010/cas.md");
	fx_remove(&r, "content/2010/other.md");
	/* the same title, every word of the text new */
	write_notice(&r, "content/2010/storage.md", "Array failure", "resolved",
		     "Disks were swapped overnight; mail flows again.\n\nUpdate: Closed.\n");
	/* the same opening paragraph, a new title and the rest new */
	write_notice(&r, "content/2010/cert.md", "Certificate renewed", "resolved",
		     "The certificate on the CAS array expires tonight.\n\n"
		     "Renewed at 21:00 without an outage; nothing else to do.\n");
	fx_write(&r, "content/2010/new.md",
		 "---\ntitle: Spam filter update\nservers: [SCROOGE]\nkind: maintenance\n"
		 "status: scheduled\n---\n"
		 "Tonight the spam filter rules are replaced; expect a few false positives.\n"
		 "Quarantine reports go out as usual in the morning, an hour late.\n"
		 "Nothing needs doing on your side.\n");
	fx_commit_as(&r, "rewrite", fx_utc(2010, 10, 16, 12, 0), EDT, "Bob Sysadmin");
	date_repo(&x, &r);
	n = find(&x, "content/2010/storage.md");
	assert_string_equal(n->first_path, ARRAY);
	assert_int_equal(n->published, fx_utc(2010, 10, 15, 12, 0));
	n = find(&x, "content/2010/cert.md");
	assert_string_equal(n->first_path, "content/2010/cas.md");
	n = find(&x, "content/2010/new.md");
	assert_string_equal(n->first_path, "content/2010/new.md");
	assert_int_equal(n->published, fx_utc(2010, 10, 16, 12, 0));
	assert_int_equal(x.c.withdrawn_count, 1);
	assert_string_equal(x.c.withdrawn[0].first_path, "content/2010/other.md");
	/* and the walk says so, for check to tell the operator */
	assert_int_equal(nb_history_stats(x.h)->split_count, 1);
	assert_string_equal(nb_history_stats(x.h)->splits[0].deleted, "content/2010/other.md");
	assert_string_equal(nb_history_stats(x.h)->splits[0].added, "content/2010/new.md");
	dated_free(&x);
	fx_repo_free(&r);
}

static void test_rename(void **state)
{
	struct fx_repo r;
	struct dated x;
	const struct nb_notice *n;

	(void)state;
	new_repo(&r);
	write_notice(&r, "content/2010/old-name.md", "Array", "investigating", LONG_BODY);
	fx_commit_as(&r, "add", fx_utc(2010, 10, 15, 12, 0), EDT, "Ann Operator");
	write_notice(&r, "content/2010/old-name.md", "Array", "investigating",
		     LONG_BODY "\nUpdate: first.\n");
	fx_commit_as(&r, "u", fx_utc(2010, 10, 15, 13, 0), EDT, "Bob Sysadmin");
	/* a pure rename */
	fx_remove(&r, "content/2010/old-name.md");
	write_notice(&r, "content/2010/mid-name.md", "Array", "investigating",
		     LONG_BODY "\nUpdate: first.\n");
	fx_commit_as(&r, "rename", fx_utc(2010, 10, 15, 14, 0), EDT, "Chen Oncall");
	/* a rename with an edit: new title, one more update */
	fx_remove(&r, "content/2010/mid-name.md");
	write_notice(&r, "content/2010/new-name.md", "SCROOGE array failure", "investigating",
		     LONG_BODY "\nUpdate: first.\n\nUpdate: second.\n");
	fx_commit_as(&r, "rename and edit", fx_utc(2010, 10, 15, 15, 0), EDT, "Dana Netops");
	date_repo(&x, &r);

	assert_int_equal(x.c.count, 1);
	assert_int_equal(x.c.withdrawn_count, 0);
	n = find(&x, "content/2010/new-name.md");
	assert_string_equal(n->first_path, "content/2010/old-name.md");
	assert_int_equal(n->published, fx_utc(2010, 10, 15, 12, 0));
	assert_string_equal(n->author, "Ann Operator");
	assert_int_equal(n->old_path_count, 2);
	assert_int_equal(n->commit_count, 4);
	assert_string_equal(n->old_paths[0], "content/2010/mid-name.md");
	assert_string_equal(n->old_paths[1], "content/2010/old-name.md");
	assert_int_equal(n->updates[0].time, fx_utc(2010, 10, 15, 13, 0));
	assert_string_equal(n->updates[0].author, "Bob Sysadmin");
	assert_int_equal(n->updates[1].time, fx_utc(2010, 10, 15, 15, 0));
	assert_string_equal(n->updates[1].author, "Dana Netops");
	/* the title changed: an edit of the notice */
	assert_int_equal(n->edited, fx_utc(2010, 10, 15, 15, 0));
	assert_string_equal(n->edited_by, "Dana Netops");
	dated_free(&x);
	fx_repo_free(&r);
}

static void test_delete_and_readd(void **state)
{
	struct fx_repo r;
	struct dated x;
	const struct nb_notice *n;

	(void)state;
	new_repo(&r);
	write_notice(&r, "content/a.md", "Kept", "investigating", "A.\n");
	write_notice(&r, "content/b.md", "Withdrawn", "investigating", "B.\n");
	write_notice(&r, "content/c.md", "Back again", "investigating", "C.\n");
	fx_commit(&r, "add", fx_utc(2010, 10, 15, 12, 0), EDT);
	fx_remove(&r, "content/b.md");
	fx_remove(&r, "content/c.md");
	fx_commit_as(&r, "delete", fx_utc(2010, 10, 16, 12, 0), EDT, "Dana Netops");
	write_notice(&r, "content/c.md", "Back again", "investigating", "C.\n");
	fx_commit(&r, "re-add", fx_utc(2010, 10, 17, 12, 0), EDT);
	date_repo(&x, &r);

	assert_int_equal(x.c.count, 2);
	assert_int_equal(x.c.withdrawn_count, 1);
	assert_string_equal(x.c.withdrawn[0].first_path, "content/b.md");
	assert_string_equal(x.c.withdrawn[0].title, "Withdrawn");
	assert_int_equal(x.c.withdrawn[0].added, fx_utc(2010, 10, 15, 12, 0));
	assert_int_equal(x.c.withdrawn[0].withdrawn, fx_utc(2010, 10, 16, 12, 0));
	assert_string_equal(x.c.withdrawn[0].author, "Dana Netops");
	/* back at its path: the same notice, first published the first time */
	n = find(&x, "content/c.md");
	assert_int_equal(n->published, fx_utc(2010, 10, 15, 12, 0));
	dated_free(&x);
	fx_repo_free(&r);
}

static void test_content_missing_at_some_commits(void **state)
{
	struct fx_repo r;
	struct dated x;

	(void)state;
	fx_repo_init(&r);
	fx_write(&r, "README.md", "no content yet\n");
	fx_commit(&r, "readme", fx_utc(2010, 10, 1, 12, 0), EDT);
	fx_write(&r, "content/site.yaml", fx_site_yaml);
	write_notice(&r, "content/a.md", "A", "investigating", "A.\n");
	fx_commit(&r, "content", fx_utc(2010, 10, 2, 12, 0), EDT);
	fx_remove(&r, "content/a.md");
	fx_remove(&r, "content/site.yaml");
	fx_commit(&r, "no content", fx_utc(2010, 10, 3, 12, 0), EDT);
	fx_write(&r, "content/site.yaml", fx_site_yaml);
	write_notice(&r, "content/a.md", "A", "investigating", "A.\n");
	fx_commit(&r, "content back", fx_utc(2010, 10, 4, 12, 0), EDT);
	date_repo(&x, &r);
	assert_int_equal(find(&x, "content/a.md")->published, fx_utc(2010, 10, 2, 12, 0));
	assert_int_equal(x.c.withdrawn_count, 0);
	dated_free(&x);
	fx_repo_free(&r);
}

static void test_merge(void **state)
{
	static const char *const branch[] = { "checkout", "-q", "-b", "side", NULL };
	static const char *const back[] = { "checkout", "-q", "-", NULL };
	static const char *const merge[] = { "merge", "-q", "--no-ff", "-m", "merge side",
					     "side", NULL };
	struct fx_repo r;
	struct dated x;
	const struct nb_notice *n;

	(void)state;
	new_repo(&r);
	write_notice(&r, ARRAY, "Array", "investigating", BODY);
	fx_commit(&r, "add", fx_utc(2010, 10, 15, 12, 0), EDT);
	assert_int_equal(fx_git(&r, fx_utc(2010, 10, 15, 12, 1), branch), 0);
	write_notice(&r, ARRAY, "Array", "investigating", BODY "\nUpdate: from the branch.\n");
	fx_commit_as(&r, "branch update", fx_utc(2010, 10, 15, 13, 0), EDT, "Bob Sysadmin");
	assert_int_equal(fx_git(&r, fx_utc(2010, 10, 15, 13, 1), back), 0);
	write_notice(&r, "content/other.md", "Other", "investigating", "O.\n");
	fx_commit(&r, "other", fx_utc(2010, 10, 15, 14, 0), EDT);
	assert_int_equal(fx_git(&r, fx_utc(2010, 10, 15, 18, 0), merge), 0);
	date_repo(&x, &r);

	n = find(&x, ARRAY);
	assert_int_equal(n->update_count, 1);
	/* the branch's commit, not the merge */
	assert_int_equal(n->updates[0].time, fx_utc(2010, 10, 15, 13, 0));
	assert_string_equal(n->updates[0].author, "Bob Sysadmin");
	assert_int_equal(find(&x, "content/other.md")->published, fx_utc(2010, 10, 15, 14, 0));
	dated_free(&x);
	fx_repo_free(&r);
}

static void test_out_of_order_and_thread_edits(void **state)
{
	struct fx_repo r;
	struct dated x;
	const struct nb_notice *n;

	(void)state;
	new_repo(&r);
	write_notice(&r, ARRAY, "Array", "investigating", BODY);
	fx_commit(&r, "add", fx_utc(2010, 10, 15, 10, 0), 0);
	write_notice(&r, ARRAY, "Array", "investigating", BODY "\nUpdate: one.\n");
	fx_commit(&r, "u1", fx_utc(2010, 10, 15, 12, 0), 0);
	/* committed after, authored before (a rebase) */
	write_notice(&r, ARRAY, "Array", "investigating",
		     BODY "\nUpdate: one.\n\nUpdate: three.\n");
	fx_commit(&r, "u3", fx_utc(2010, 10, 15, 11, 0), 0);
	/* inserted between two older ones */
	write_notice(&r, ARRAY, "Array", "investigating",
		     BODY "\nUpdate: one.\n\nUpdate: two, written late.\n\nUpdate: three.\n");
	fx_commit_as(&r, "u2", fx_utc(2010, 10, 15, 13, 0), 0, "Bob Sysadmin");
	/* an update removed, another's text corrected, the body corrected */
	write_notice(&r, ARRAY, "Array", "investigating",
		     "The storage array behind SCROOGE is failing; mail is delayed.\n"
		     "We are moving the busiest mailboxes to the spare array while we look.\n"
		     "\nUpdate: one, corrected.\n\nUpdate: three.\n");
	fx_commit_as(&r, "edit", fx_utc(2010, 10, 15, 14, 0), 0, "Chen Oncall");
	date_repo(&x, &r);

	n = find(&x, ARRAY);
	assert_int_equal(n->update_count, 2);
	assert_int_equal(n->updates[0].time, fx_utc(2010, 10, 15, 12, 0));
	assert_int_equal(n->updates[0].edited, fx_utc(2010, 10, 15, 14, 0));
	assert_string_equal(n->updates[0].edited_by, "Chen Oncall");
	assert_int_equal(n->updates[1].time, fx_utc(2010, 10, 15, 11, 0));
	assert_int_equal(n->updates[1].edited, 0);
	assert_int_equal(n->edited, fx_utc(2010, 10, 15, 14, 0));
	dated_free(&x);

	/* before the removal: the inserted one has its own commit */
	{
		static const char *const reset[] = { "reset", "-q", "--hard", "HEAD~1", NULL };

		assert_int_equal(fx_git(&r, fx_utc(2010, 10, 15, 15, 0), reset), 0);
	}
	date_repo(&x, &r);
	n = find(&x, ARRAY);
	assert_int_equal(n->update_count, 3);
	assert_int_equal(n->updates[1].time, fx_utc(2010, 10, 15, 13, 0));
	assert_string_equal(n->updates[1].author, "Bob Sysadmin");
	assert_int_equal(n->updates[0].edited, 0);
	dated_free(&x);
	fx_repo_free(&r);
}

static void test_stamp_problems_from_history(void **state)
{
	struct fx_repo r;
	struct dated x;

	(void)state;
	new_repo(&r);
	write_notice(&r, ARRAY, "Array", "investigating", BODY);
	fx_commit(&r, "add", fx_utc(2010, 10, 15, 12, 0), EDT);
	write_notice(&r, ARRAY, "Array", "investigating",
		     BODY "\nUpdate 10/13/2010 9:00 AM: two days before the notice.\n");
	fx_commit(&r, "u", fx_utc(2010, 10, 15, 13, 0), EDT);
	date_repo_opt(&x, &r, 0, 1);
	assert_int_equal(x.diags.count, 1);
	assert_int_equal(x.diags.items[0].line, 9);
	assert_non_null(strstr(x.diags.items[0].message, "dated before the notice was published"));
	dated_free(&x);
	fx_repo_free(&r);
}

static void serialize(struct dated *x, struct nb_buf *out)
{
	nb_buf_truncate(out, 0);
	nb_histcache_serialize(x->h, out);
}

/* Walks with the cache and without; both must give the same bytes. */
static void expect_cache_matches(struct fx_repo *r, size_t new_commits, int from_cache)
{
	struct nb_buf cached = NB_BUF_INIT, full = NB_BUF_INIT;
	struct dated x, y;

	date_repo_opt(&x, r, 1, 0);
	assert_int_equal(nb_history_stats(x.h)->from_cache, from_cache);
	if (from_cache)
		assert_int_equal(nb_history_stats(x.h)->commits, new_commits);
	assert_int_equal(nb_histcache_save(x.h, x.repo), 0);
	serialize(&x, &cached);
	date_repo_opt(&y, r, 0, 0);
	serialize(&y, &full);
	if (strcmp(cached.ptr, full.ptr) != 0)
		fail_msg("incremental:\n%s\nfull:\n%s", cached.ptr, full.ptr);
	dated_free(&x);
	dated_free(&y);
	nb_buf_release(&cached);
	nb_buf_release(&full);
}

static void test_incremental_cache(void **state)
{
	static const char *const fork_old[] = { "checkout", "-q", "-b", "late", "HEAD~1", NULL };
	static const char *const back[] = { "checkout", "-q", "-", NULL };
	static const char *const merge[] = { "merge", "-q", "--no-ff", "-m", "merge late",
					     "late", NULL };
	static const char *const rewind[] = { "reset", "-q", "--hard", "HEAD~3", NULL };
	struct fx_repo r;
	char *cache;
	int64_t t = fx_utc(2010, 10, 15, 12, 0);

	(void)state;
	new_repo(&r);
	write_notice(&r, ARRAY, "Array", "investigating", BODY);
	write_notice(&r, "content/gone.md", "Gone", "investigating", "G.\n");
	fx_commit(&r, "add", t, EDT);
	write_notice(&r, ARRAY, "Array", "identified", BODY "\nUpdate: one.\n");
	fx_commit(&r, "u1", t += 3600, EDT);
	expect_cache_matches(&r, 0, 0); /* no cache yet: a full walk */
	expect_cache_matches(&r, 0, 1); /* nothing new */

	/* an update, a rename, a deletion */
	write_notice(&r, ARRAY, "Array", "resolved", BODY "\nUpdate: one.\n\nUpdate: two.\n");
	fx_commit(&r, "u2", t += 3600, EDT);
	fx_remove(&r, ARRAY);
	write_notice(&r, "content/2010/array-renamed.md", "Array", "resolved",
		     BODY "\nUpdate: one.\n\nUpdate: two.\n");
	fx_commit(&r, "rename", t += 3600, EDT);
	fx_remove(&r, "content/gone.md");
	fx_commit(&r, "delete", t += 3600, EDT);
	expect_cache_matches(&r, 3, 1);

	/* a branch forked before the cached commit, merged after it */
	assert_int_equal(fx_git(&r, t += 60, fork_old), 0);
	write_notice(&r, "content/late.md", "Late", "investigating", "L.\n");
	fx_commit_as(&r, "late branch", t - 7200, EDT, "Bob Sysadmin");
	assert_int_equal(fx_git(&r, t += 60, back), 0);
	assert_int_equal(fx_git(&r, t += 3600, merge), 0);
	expect_cache_matches(&r, 2, 1);

	/* a force-push: the cached commit is no longer an ancestor */
	assert_int_equal(fx_git(&r, t += 60, rewind), 0);
	write_notice(&r, "content/new.md", "New", "investigating", "N.\n");
	fx_commit(&r, "rewritten", t += 3600, EDT);
	expect_cache_matches(&r, 0, 0);

	/* a damaged cache: a full walk */
	cache = malloc(strlen(r.dir) + 64);
	sprintf(cache, "%s/.git/%s", r.dir, NB_HISTCACHE_PATH);
	{
		FILE *f = fopen(cache, "wb");

		assert_non_null(f);
		fputs("nocblog-history\t1\ntip\tnot-an-id\nnotice\tx\n", f);
		fclose(f);
	}
	expect_cache_matches(&r, 0, 0);
	free(cache);
	fx_repo_free(&r);
}

static void test_shallow_clone(void **state)
{
	struct fx_repo r;
	struct nb_buf url = NB_BUF_INIT, target = NB_BUF_INIT;
	char *out = NULL;
	int status;

	(void)state;
	new_repo(&r);
	write_notice(&r, ARRAY, "Array", "investigating", BODY);
	fx_commit(&r, "add", fx_utc(2010, 10, 15, 12, 0), EDT);
	write_notice(&r, ARRAY, "Array", "resolved", BODY "\nUpdate: done.\n");
	fx_commit(&r, "u", fx_utc(2010, 10, 15, 13, 0), EDT);
	nb_buf_printf(&url, "file://%s", r.dir);
	nb_buf_printf(&target, "%s/shallow", r.dir);
	{
		const char *args[] = { "clone", "-q", "--depth", "1", url.ptr, target.ptr, NULL };

		assert_int_equal(fx_git(&r, 0, args), 0);
	}
	{
		const char *args[] = { "check", "--repo", target.ptr, NULL };

		status = fx_run(&out, args);
	}
	if (status != 3 || !strstr(out, "shallow clone") || !strstr(out, "git fetch --unshallow"))
		fail_msg("status %d: %s", status, out);
	free(out);
	nb_buf_release(&url);
	nb_buf_release(&target);
	fx_repo_free(&r);
}

static void test_worktree_preview(void **state)
{
	static const char *const name[] = { "config", "user.name", "Eve Storage", NULL };
	struct fx_repo r;
	char *out = NULL;
	int64_t now = (int64_t)time(NULL);
	const char *row;
	int status;

	(void)state;
	new_repo(&r);
	write_notice(&r, ARRAY, "Array", "investigating", BODY);
	fx_commit(&r, "add", fx_utc(2010, 10, 15, 12, 0), EDT);
	assert_int_equal(fx_git(&r, 0, name), 0);
	write_notice(&r, ARRAY, "Array", "investigating", BODY "\nUpdate: not committed yet.\n");
	{
		const char *args[] = { "history", "--repo", r.dir, "--worktree", "--tsv", NULL };

		status = fx_run(&out, args);
	}
	assert_int_equal(status, 0);
	row = strstr(out, ARRAY "\t1\t");
	if (!row || !strstr(row, "\tEve Storage\tnone\t"))
		fail_msg("no preview row in:\n%s", out);
	/* dated now */
	{
		char iso[32];

		assert_int_equal(sscanf(row + strlen(ARRAY "\t1\t"), "%31s", iso), 1);
		assert_true(llabs(fx_utc_iso(iso) - now) < 300);
	}
	free(out);
	/* without --worktree: the committed state */
	{
		const char *args[] = { "history", "--repo", r.dir, "--tsv", NULL };

		status = fx_run(&out, args);
	}
	assert_int_equal(status, 0);
	assert_null(strstr(out, ARRAY "\t1\t"));
	free(out);
	fx_repo_free(&r);
}

static void test_history_view(void **state)
{
	struct fx_repo r;
	char *out = NULL;
	int status;

	(void)state;
	new_repo(&r);
	write_notice(&r, "content/2010/old-name.md", "Array", "investigating", LONG_BODY);
	fx_commit_as(&r, "add", fx_utc(2010, 10, 15, 12, 0), EDT, "Ann Operator");
	fx_remove(&r, "content/2010/old-name.md");
	write_notice(&r, "content/2010/new-name.md", "Array", "resolved",
		     LONG_BODY "\nUpdate 9:05 AM: Replaced.\n");
	fx_commit_as(&r, "rename", fx_utc(2010, 10, 15, 13, 10), EDT, "Bob Sysadmin");
	{
		const char *args[] = { "history", "--repo", r.dir, "content/2010/new-name.md", NULL };

		status = fx_run(&out, args);
	}
	assert_int_equal(status, 0);
	if (!strstr(out, "first published as content/2010/old-name.md") ||
	    !strstr(out, "published  2010-10-15 08:00 EDT (2010-10-15T12:00:00Z) from the commit that added it") ||
	    !strstr(out, "status     resolved      2010-10-15 09:10 EDT") ||
	    !strstr(out, "\"9:05 AM\"\n    time     2010-10-15 09:05 EDT (2010-10-15T13:05:00Z) "
			 "from the stamp's time, the date from the commit that added it") ||
	    !strstr(out, "by Bob Sysadmin"))
		fail_msg("history view:\n%s", out);
	free(out);
	fx_repo_free(&r);
}

/* ---- the generator's truth ---- */

struct row {
	char key[600];     /* path and item */
	char instant[32];
	char author[64];
	char style[16];    /* commit, full, time or none */
	char first[512];
};

static size_t read_rows(const char *text, struct row **rows)
{
	size_t n = 0, alloc = 64;
	const char *p = strchr(text, '\n');

	*rows = calloc(alloc, sizeof(**rows));
	while (p && p[1]) {
		char path[512], item[16];
		struct row *r;

		p++;
		if (n == alloc)
			*rows = realloc(*rows, (alloc *= 2) * sizeof(**rows));
		r = &(*rows)[n];
		if (sscanf(p, "%511[^\t]\t%15[^\t]\t%31[^\t]\t%63[^\t]\t%15[^\t]\t%511[^\n]", path,
			   item, r->instant, r->author, r->style, r->first) != 6)
			fail_msg("bad row: %.80s", p);
		snprintf(r->key, sizeof(r->key), "%s#%s", path, item);
		n++;
		p = strchr(p, '\n');
	}
	return n;
}

static void test_generated_truth(void **state)
{
	struct fx_repo r;
	struct nb_buf gen = NB_BUF_INIT, truth = NB_BUF_INIT, cmd = NB_BUF_INIT;
	struct row *want, *got;
	size_t nw, ng, i, j;
	char *out = NULL, *text;
	int status;
	FILE *f;

	(void)state;
	fx_repo_init(&r);
	nb_buf_printf(&gen, "%s/bench/gen-history.py", fx_srcdir());
	if (access(gen.ptr, R_OK) != 0)
		fail_msg("no history generator at %s: run the tests from the top of the "
			 "source tree, or set SRCDIR to it", gen.ptr);
	nb_buf_printf(&truth, "%s/truth.tsv", r.dir);
	nb_buf_printf(&cmd, "python3 '%s' '%s/gen' --incidents 60 --commits 400 --layout year "
		      "--truth '%s' >/dev/null", gen.ptr, r.dir, truth.ptr);
	if (system(cmd.ptr) != 0)
		fail_msg("the generator failed: %s", cmd.ptr);
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "%s/gen", r.dir);
	{
		const char *args[] = { "history", "--repo", cmd.ptr, "--tsv", "--no-cache", NULL };

		status = fx_run(&out, args);
	}
	assert_int_equal(status, 0);
	f = fopen(truth.ptr, "rb");
	assert_non_null(f);
	text = calloc(1, 1 << 22);
	assert_true(fread(text, 1, (1 << 22) - 1, f) > 0);
	fclose(f);
	nw = read_rows(text, &want);
	ng = read_rows(out, &got);
	assert_true(nw > 300);
	assert_int_equal(nw, ng);
	for (i = 0; i < nw; i++) {
		for (j = 0; j < ng; j++)
			if (strcmp(want[i].key, got[j].key) == 0)
				break;
		if (j == ng)
			fail_msg("nocblog has no %s", want[i].key);
		if (strcmp(want[i].instant, got[j].instant) || strcmp(want[i].author, got[j].author) ||
		    strcmp(want[i].style, got[j].style) || strcmp(want[i].first, got[j].first))
			fail_msg("%s: truth %s %s %s %s, nocblog %s %s %s %s", want[i].key,
				 want[i].instant, want[i].author, want[i].style, want[i].first,
				 got[j].instant, got[j].author, got[j].style, got[j].first);
	}
	free(want);
	free(got);
	free(text);
	free(out);
	nb_buf_release(&gen);
	nb_buf_release(&truth);
	nb_buf_release(&cmd);
	fx_repo_free(&r);
}

/* The generator: the same arguments give the same commits, and git finds nothing wrong. */
static void test_generator(void **state)
{
	struct fx_repo r;
	struct nb_buf cmd = NB_BUF_INIT;
	char *out = NULL;
	int status;

	(void)state;
	fx_repo_init(&r);
	nb_buf_printf(&cmd, "g='%s'; for k in 1 2; do python3 '%s/bench/gen-history.py' \"$g/g$k\" "
		      "--incidents 40 --commits 300 --seed 7 --no-checkout 2>/dev/null || exit 1; done && "
		      "git -C \"$g/g1\" fsck --full --strict 2>&1 && git -C \"$g/g1\" rev-parse main && "
		      "git -C \"$g/g2\" rev-parse main && git -C \"$g/g1\" rev-list --count main",
		      r.dir, fx_srcdir());
	status = fx_sh(cmd.ptr, &out);
	if (status != 0)
		fail_msg("generator or fsck failed:\n%s", out);
	{
		char first[64], second[64];
		int count;

		if (sscanf(out, "%63s %63s %d", first, second, &count) != 3)
			fail_msg("unexpected output:\n%s", out);
		assert_string_equal(first, second);
		assert_int_equal(count, 300);
	}
	free(out);
	nb_buf_release(&cmd);
	fx_repo_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_git_dated),
		cmocka_unit_test(test_midnight_and_dst),
		cmocka_unit_test(test_spring_forward_git_dated),
		cmocka_unit_test(test_fall_back_git_dated),
		cmocka_unit_test(test_thread_through_the_change),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_delete_and_readd),
		cmocka_unit_test(test_content_missing_at_some_commits),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_out_of_order_and_thread_edits),
		cmocka_unit_test(test_stamp_problems_from_history),
		cmocka_unit_test(test_incremental_cache),
		cmocka_unit_test(test_shallow_clone),
		cmocka_unit_test(test_worktree_preview),
		cmocka_unit_test(test_history_view),
		cmocka_unit_test(test_generated_truth),
		cmocka_unit_test(test_stated_author),
		cmocka_unit_test(test_repeated_update_text),
		cmocka_unit_test(test_rewritten_rename),
		cmocka_unit_test(test_generator),
	};

	return cmocka_run_group_tests_name("history", tests, NULL, NULL);
}
