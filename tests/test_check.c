/*
 * `nocblog check` on real repositories built here: the sample content
 * passes silently; each bad input gives one clear line and exit 1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "fixture.h"

/* 2010-10-15 12:00 UTC */
#define T0 1287144000

static const char good[] =
	"---\ntitle: SCROOGE storage array failure\nservers: [SCROOGE]\nkind: incident\n"
	"status: resolved\ndate: 2010-10-10T06:30-04:00\n---\n"
	"We are rebooting.\n\nUpdate 6:47 AM: Replacing the array.\n";

/* A repository with site.yaml, one good notice and the given file. */
static void setup_repo(struct fx_repo *r, const char *path, const char *text)
{
	fx_repo_init(r);
	fx_write(r, "content/site.yaml", fx_site_yaml);
	fx_write(r, "content/2010/good.md", good);
	if (path)
		fx_write(r, path, text);
}

/* Runs check; expects exit 1 and exactly one line starting with
 * `where` (path:line:) and containing `part`. */
static void expect_one_at_head(struct fx_repo *r, const char *where, const char *part)
{
	const char *args[] = { "check", "--repo", r->dir, NULL };
	char *out = NULL;
	int status;

	status = fx_run(&out, args);
	if (status != 1 || fx_count_lines(out) != 1 || strncmp(out, where, strlen(where)) != 0 ||
	    !strstr(out, part) || !strstr(out, " \u2014 "))
		fail_msg("status %d, output:\n%s\nwanted one line '%s...%s'", status, out, where, part);
	free(out);
	fx_repo_free(r);
}

/* Commits the work tree, then as expect_one_at_head. */
static void expect_one(struct fx_repo *r, const char *where, const char *part)
{
	fx_commit(r, "content", T0, -240);
	expect_one_at_head(r, where, part);
}

static void bad_notice(const char *text, const char *where, const char *part)
{
	struct fx_repo r;

	setup_repo(&r, "content/2010/bad.md", text);
	expect_one(&r, where, part);
}

#define FM "---\ntitle: T\nservers: [SCROOGE]\nkind: incident\nstatus: resolved\n"

static void test_sample_content_passes(void **state)
{
	struct fx_repo r;
	char *out = NULL;
	int status;

	(void)state;
	fx_repo_init(&r);
	fx_copy_tree(&r, "content", "content");
	fx_commit(&r, "sample content", 1700000000, 0);
	{
		const char *args[] = { "check", "--repo", r.dir, NULL };

		status = fx_run(&out, args);
	}
	if (status != 0 || out[0])
		fail_msg("status %d, output:\n%s", status, out);
	free(out);
	fx_repo_free(&r);
}

static void test_front_matter_problems(void **state)
{
	(void)state;
	bad_notice("---\ntitle: [oops\nservers: [SCROOGE]\n---\n", "content/2010/bad.md:3:",
		   "invalid YAML: did not find expected ',' or ']' (in the list or mapping opened on line 2)");
	bad_notice("no front matter at all\n", "content/2010/bad.md:1:", "no front matter");
	bad_notice(FM "sevrity: major\n---\n", "content/2010/bad.md:6:",
		   "unknown key 'sevrity' \u2014 did you mean 'severity'?");
	bad_notice("---\ntitle: T\nservers: [SCROOGE]\nkind: maintenance\nstatus: resolved\n---\n",
		   "content/2010/bad.md:5:", "invalid maintenance status 'resolved'");
	bad_notice("---\ntitle: T\nservers: [SCROOGE]\nstatus: investigating\n"
		   "severity: huge\n---\n", "content/2010/bad.md:5:", "invalid severity 'huge'");
}

static void test_unknown_server(void **state)
{
	(void)state;
	bad_notice("---\ntitle: T\nservers: [LOUIE, SCROOG]\nstatus: resolved\n---\n",
		   "content/2010/bad.md:3:",
		   "unknown server 'SCROOG' \u2014 did you mean 'SCROOGE'?");
	bad_notice("---\ntitle: T\nservers: [NOSUCHTHING]\nstatus: resolved\n---\n",
		   "content/2010/bad.md:3:", "declare it under servers: in content/site.yaml");
}

static void test_stamp_problems(void **state)
{
	(void)state;
	bad_notice(FM "---\nN.\n\nUpdate 6:47 AM: ok\n\n**Update 13:47 PM:** no\n",
		   "content/2010/bad.md:11:", "unparseable stamp '13:47 PM'");
	/* the commit is 2010-10-15 08:00 EDT */
	bad_notice(FM "---\nN.\n\nUpdate 10/16/2010 1:24 AM Eastern: too soon\n",
		   "content/2010/bad.md:9:", "is in the future");
	bad_notice(FM "date: 2011-01-01T00:00Z\n---\nN.\n", "content/2010/bad.md:6:",
		   "later than the commit");
	bad_notice(FM "date: 2010-10-10T06:30-04:00\n---\nN.\n\nUpdate 10/9/2010 1:00 PM: early\n",
		   "content/2010/bad.md:10:", "before the notice was published");
	/* a paragraph that looks like an update is never folded silently */
	bad_notice(FM "---\nN.\n\nUpdate 6:47 AM: ok\n\nUpdate - 7:10 AM: a dash\n",
		   "content/2010/bad.md:11:", "'Update - 7:10 AM: a dash' starts like an update but "
		   "is not read as one \u2014 write the stamp, then a colon");
	bad_notice(FM "---\nN.\n\nUpdate 6:47 AM: ok\nUpdate 7:10 AM: no blank line\n",
		   "content/2010/bad.md:10:", "is inside a paragraph, so it is not read as an update "
		   "\u2014 leave a blank line before it");
}

/* A stamp in parentheses is read as the stamp. */
static void test_stamp_in_parentheses(void **state)
{
	struct fx_repo r;
	char *out = NULL;

	(void)state;
	setup_repo(&r, "content/2010/paren.md",
		   FM "date: 2010-10-10T06:30-04:00\n---\nN.\n\n"
		   "Update (10/10/2010 7:00 AM): the first.\n\n"
		   "Update [10/10/2010 8:00 AM]: the second.\n");
	fx_commit(&r, "content", T0, -240);
	{
		const char *check[] = { "check", "--repo", r.dir, NULL };

		if (fx_run(&out, check) != 0 || *out)
			fail_msg("check: %s", out);
		free(out);
	}
	{
		const char *history[] = { "history", "--repo", r.dir, "content/2010/paren.md", NULL };

		assert_int_equal(fx_run(&out, history), 0);
	}
	if (!strstr(out, "update 1 (line 10) \"10/10/2010 7:00 AM\"\n    time     2010-10-10 07:00 EDT") ||
	    !strstr(out, "update 2 (line 12) \"10/10/2010 8:00 AM\"\n    time     2010-10-10 08:00 EDT"))
		fail_msg("history:\n%s", out);
	free(out);
	fx_repo_free(&r);
}

/*
 * The nights clocks change, in New York in 2010 (zdump -v
 * America/New_York): 14 March 2:00 AM EST (07:00Z) became 3:00 AM EDT;
 * 7 November 2:00 AM EDT (06:00Z) became 1:00 AM EST.
 */

/* A repository whose site is in zone, with a notice at path added at
 * `added` and the update appended at `committed`. */
static void night_repo(struct fx_repo *r, const char *zone, const char *path, int64_t added,
		       int64_t committed, const char *update)
{
	char site[1024], text[1024];
	const char *line = strstr(fx_site_yaml, "timezone: ");

	fx_repo_init(r);
	snprintf(site, sizeof(site), "%.*stimezone: %s%s", (int)(line - fx_site_yaml),
		 fx_site_yaml, zone, strchr(line, '\n'));
	fx_write(r, "content/site.yaml", site);
	snprintf(text, sizeof(text), FM "---\nN.\n");
	fx_write(r, path, text);
	fx_commit(r, "add", added, 0);
	snprintf(text, sizeof(text), FM "---\nN.\n\n%s\n", update);
	fx_write(r, path, text);
	fx_commit(r, "update", committed, 0);
}

static void expect_clean(struct fx_repo *r)
{
	const char *args[] = { "check", "--repo", r->dir, NULL };
	char *out = NULL;
	int status = fx_run(&out, args);

	if (status != 0 || out[0])
		fail_msg("status %d, output:\n%s", status, out);
	free(out);
	fx_repo_free(r);
}

#define MAR14(h, m) fx_utc(2010, 3, 14, h, m)
#define NOV7(h, m) fx_utc(2010, 11, 7, h, m)
#define NIGHT "content/2010/night.md"

static void test_clock_change_nights(void **state)
{
	struct fx_repo r;

	(void)state;
	/* written a little before the commit, so nothing to say: "2:50 AM"
	 * committed at 3:05 EDT is 1:50 EST (its reading after the change);
	 * "3:10 AM" five minutes ahead of the commit's clock; "1:30 AM EST"
	 * committed at 1:45 EDT is the 1:30 that had passed */
	night_repo(&r, "America/New_York", NIGHT, MAR14(6, 30), MAR14(7, 5), "Update 2:50 AM: x.");
	expect_clean(&r);
	night_repo(&r, "UTC", NIGHT, MAR14(6, 30), MAR14(7, 5), "Update 2:50 AM Eastern: x.");
	expect_clean(&r);
	night_repo(&r, "America/New_York", NIGHT, MAR14(6, 30), MAR14(7, 5), "Update 3:10 AM: x.");
	expect_clean(&r);
	night_repo(&r, "America/New_York", NIGHT, MAR14(6, 30), MAR14(7, 5),
		   "Update 3/14/2010 2:50 AM: x.");
	expect_clean(&r);
	night_repo(&r, "America/New_York", NIGHT, NOV7(4, 30), NOV7(5, 45),
		   "Update 1:30 AM EST: x.");
	expect_clean(&r);
	night_repo(&r, "UTC", NIGHT, NOV7(4, 30), NOV7(5, 45), "Update 1:30 AM EST: x.");
	expect_clean(&r);
	night_repo(&r, "America/New_York", NIGHT, NOV7(4, 30), NOV7(5, 45),
		   "Update 11/7/2010 1:30 AM EST: x.");
	expect_clean(&r);

	/* "3:40 AM" committed at 3:05 EDT: 3:40 EDT is 35 minutes ahead of
	 * the commit, past the tolerance, so the day before (3:40 EST on
	 * the 13th, 08:40Z), nearly 22 hours before the notice: the message
	 * says which time it was read as, and the commit's */
	night_repo(&r, "America/New_York", NIGHT, MAR14(6, 30), MAR14(7, 5), "Update 3:40 AM: x.");
	expect_one_at_head(&r, NIGHT ":9: update '3:40 AM' is dated before the notice was "
			   "published: read as 2010-03-13 03:40 EST, the latest such time before "
			   "the commit that added it (2010-03-14 03:05 EDT)",
			   "correct the stamp's time, or give its date");
	/* with a date it stays, and is in the future */
	night_repo(&r, "America/New_York", NIGHT, MAR14(6, 30), MAR14(7, 5),
		   "Update 3/14/2010 3:40 AM: x.");
	expect_one_at_head(&r, NIGHT ":9: stamp '3/14/2010 3:40 AM' is in the future: "
			   "2010-03-14 03:40 EDT, later than the commit that added the update "
			   "(2010-03-14 03:05 EDT)", "correct the stamp's date or time");
	/* committed at 1:20 EDT: 1:50 EDT is 30 minutes ahead, 1:50 EST
	 * 90; neither is within the tolerance, so the letter's, shown in the
	 * stamp's zone although the site's is UTC */
	night_repo(&r, "UTC", NIGHT, NOV7(4, 30), NOV7(5, 20), "Update 11/7/2010 1:50 AM EST: x.");
	expect_one_at_head(&r, NIGHT ":9: stamp '11/7/2010 1:50 AM EST' is in the future: "
			   "2010-11-07 01:50 EST, later than the commit that added the update "
			   "(2010-11-07 01:20 EDT)", "correct the stamp's date or time");
}

static void test_bytes(void **state)
{
	static const char nul[] = FM "---\nN.\n\0x\n";
	struct fx_repo r;
	char *big;
	size_t n = (1u << 20) + 10;

	(void)state;
	bad_notice(FM "---\nfine\n\xe2\x28\xa1 broken\n", "content/2010/bad.md:8:",
		   "invalid UTF-8");

	setup_repo(&r, NULL, NULL);
	fx_write_bytes(&r, "content/2010/bad.md", nul, sizeof(nul) - 1);
	expect_one(&r, "content/2010/bad.md:8:", "NUL byte");

	setup_repo(&r, NULL, NULL);
	big = malloc(n);
	memset(big, 'x', n);
	fx_write_bytes(&r, "content/2010/bad.md", big, n);
	free(big);
	expect_one(&r, "content/2010/bad.md:", "limited to 1048576");
}

/* Writes a tree object of one or two blob entries, as given (names git
 * itself would never write included). */
static void raw_tree(git_repository *repo, git_oid *out, const char *a, const git_oid *ida,
		     const char *b, const git_oid *idb, const char *mode_a)
{
	struct nb_buf t = NB_BUF_INIT;
	git_odb *odb = NULL;

	nb_buf_printf(&t, "%s %s", mode_a, a);
	nb_buf_put(&t, "", 1);
	nb_buf_put(&t, (const char *)ida->id, GIT_OID_RAWSZ);
	if (b) {
		nb_buf_printf(&t, "100644 %s", b);
		nb_buf_put(&t, "", 1);
		nb_buf_put(&t, (const char *)idb->id, GIT_OID_RAWSZ);
	}
	assert_int_equal(git_repository_odb(&odb, repo), 0);
	assert_int_equal(git_odb_write(out, odb, t.ptr, t.len, GIT_OBJECT_TREE), 0);
	git_odb_free(odb);
	nb_buf_release(&t);
}

/* A tree entry named "..": only a hand-made tree holds one, and the
 * problem says so rather than blaming a backslash. */
static void test_dot_dot_entry(void **state)
{
	struct fx_repo r;
	git_oid site, notice, content, root, commit;
	git_signature *sig = NULL;
	git_tree *tree = NULL;

	(void)state;
	fx_repo_init(&r);
	assert_int_equal(git_blob_create_from_buffer(&site, r.repo, fx_site_yaml,
						     strlen(fx_site_yaml)), 0);
	assert_int_equal(git_blob_create_from_buffer(&notice, r.repo, FM "---\nX.\n",
						     strlen(FM "---\nX.\n")), 0);
	raw_tree(r.repo, &content, "..", &notice, "site.yaml", &site, "100644");
	raw_tree(r.repo, &root, "content", &content, NULL, NULL, "40000");
	assert_int_equal(git_tree_lookup(&tree, r.repo, &root), 0);
	assert_int_equal(git_signature_new(&sig, "Ann Operator", "ann@example.com", T0, 0), 0);
	assert_int_equal(git_commit_create(&commit, r.repo, "HEAD", sig, sig, NULL, "dots", tree,
					   0, NULL), 0);
	git_signature_free(sig);
	git_tree_free(tree);
	expect_one_at_head(&r, "content/..:", "'.' and '..' name folders");
}

static void test_tree_problems(void **state)
{
	struct fx_repo r;

	(void)state;
	setup_repo(&r, NULL, NULL);
	fx_symlink(&r, "content/2010/passwd.md", "/etc/passwd");
	expect_one(&r, "content/2010/passwd.md:", "symlink inside content/");

	setup_repo(&r, NULL, NULL);
	fx_symlink(&r, "content/up", "../..");
	expect_one(&r, "content/up:", "symlink inside content/");

	setup_repo(&r, NULL, NULL);
	fx_commit_gitlink(&r, "content/vendor", T0 - 10);
	expect_one_at_head(&r, "content/vendor:", "submodule inside content/");

	/* the same slug in two folders, and one differing in case */
	setup_repo(&r, "content/2011/good.md", good);
	expect_one(&r, "content/2011/good.md:", "two notices share the slug 'good'");
	setup_repo(&r, "content/2010/GOOD.md", good);
	expect_one(&r, "content/2010/good.md:", "share the slug 'good'");

	/* a name that gives no slug (and so no path under out/) */
	setup_repo(&r, "content/2010/-.md", good);
	expect_one(&r, "content/2010/-.md:", "gives no slug");
}

static void test_site_problems(void **state)
{
	struct fx_repo r;

	(void)state;
	fx_repo_init(&r);
	fx_write(&r, "content/site.yaml", "title: T\nbase_url: https://x/\ntimezone: Mars/Base\n"
					  "servers: {SCROOGE: {}}\n");
	fx_write(&r, "content/2010/good.md", good);
	expect_one(&r, "content/site.yaml:3:", "unknown time zone 'Mars/Base'");

	fx_repo_init(&r);
	fx_write(&r, "content/2010/good.md", good);
	expect_one(&r, "content/site.yaml:", "no site.yaml");

	fx_repo_init(&r);
	fx_write(&r, "README.md", "nothing here\n");
	expect_one(&r, "content:", "no content/ folder");
}

static void test_environment(void **state)
{
	struct fx_repo r;
	char *out = NULL;
	int status;

	(void)state;
	fx_repo_init(&r);
	{
		const char *args[] = { "check", "--repo", r.dir, NULL };

		status = fx_run(&out, args);
		assert_int_equal(status, 3);
		assert_non_null(strstr(out, "the repository has no commits yet"));
		assert_int_equal(fx_count_lines(out), 1);
		free(out);
	}
	/* still empty, HEAD on a branch init.defaultBranch does not name */
	{
		const char *head[] = { "symbolic-ref", "HEAD", "refs/heads/not-the-default", NULL };
		const char *args[] = { "check", "--repo", r.dir, NULL };

		assert_int_equal(fx_git(&r, T0, head), 0);
		status = fx_run(&out, args);
		if (status != 3 || !strstr(out, "the repository has no commits yet"))
			fail_msg("status %d: %s", status, out);
		free(out);
	}
	/* a post-receive hook publishing into a folder whose parent is missing */
	{
		const char *args[] = { "hooks", "install", "--repo", r.dir, "--post-receive",
				       "/nonexistent/place/www", NULL };

		status = fx_run(&out, args);
		if (status != 3 || !strstr(out, "/nonexistent/place/www: cannot make the output "
					      "folder: No such file or directory"))
			fail_msg("status %d: %s", status, out);
		free(out);
	}
	fx_write(&r, "content/site.yaml", fx_site_yaml);
	fx_commit(&r, "site", T0, 0);
	{
		const char *args[] = { "check", "--repo", r.dir, "--rev", "nosuchbranch", NULL };

		status = fx_run(&out, args);
		assert_int_equal(status, 3);
		assert_non_null(strstr(out, "unknown revision 'nosuchbranch'"));
		free(out);
	}
	{
		const char *args[] = { "check", "--repo", "/nonexistent/place", NULL };

		status = fx_run(&out, args);
		assert_int_equal(status, 3);
		assert_non_null(strstr(out, "no git repository at '/nonexistent/place'"));
		free(out);
	}
	{
		const char *args[] = { "check", "--bogus", NULL };

		status = fx_run(&out, args);
		assert_int_equal(status, 2);
		free(out);
	}
	fx_repo_free(&r);
}

static void test_reads_the_commit_not_the_work_tree(void **state)
{
	struct fx_repo r;
	char *out = NULL;
	int status;

	(void)state;
	setup_repo(&r, NULL, NULL);
	fx_commit(&r, "good", T0, 0);
	/* a broken file left uncommitted changes nothing */
	fx_write(&r, "content/2010/wip.md", "not a notice\n");
	{
		const char *args[] = { "check", "--repo", r.dir, NULL };

		status = fx_run(&out, args);
		assert_int_equal(status, 0);
		assert_string_equal(out, "");
		free(out);
	}
	/* once committed it is caught; the older revision still passes */
	fx_commit(&r, "wip", T0 + 60, 0);
	{
		const char *args[] = { "check", "--repo", r.dir, NULL };
		const char *old[] = { "check", "--repo", r.dir, "--rev", "HEAD~1", NULL };

		status = fx_run(&out, args);
		assert_int_equal(status, 1);
		assert_non_null(strstr(out, "content/2010/wip.md:1: the notice has no front matter"));
		free(out);
		status = fx_run(&out, old);
		assert_int_equal(status, 0);
		free(out);
	}
	fx_repo_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_content_passes),
		cmocka_unit_test(test_front_matter_problems),
		cmocka_unit_test(test_unknown_server),
		cmocka_unit_test(test_stamp_problems),
		cmocka_unit_test(test_clock_change_nights),
		cmocka_unit_test(test_stamp_in_parentheses),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_tree_problems),
		cmocka_unit_test(test_dot_dot_entry),
		cmocka_unit_test(test_site_problems),
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_reads_the_commit_not_the_work_tree),
	};

	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
