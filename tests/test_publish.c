/*
 * Publishing: a reader never sees a missing or half-written page, a killed
 * build leaves the old site, unchanged pages keep their files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "fixture.h"
#include "util.h"

#define READER_SECONDS 20    /* the reader stops by itself after this */
#define KILLS 12             /* builds killed at random points */

struct site {
	struct fx_repo repo;
	char out[512];
	int64_t t;
};

static void generate(struct site *s, int incidents, int commits)
{
	struct nb_buf cmd = NB_BUF_INIT, gen = NB_BUF_INIT;

	fx_repo_init(&s->repo);
	nb_buf_printf(&gen, "%s/bench/gen-history.py", fx_srcdir());
	/* the generator makes the repository itself: replace the empty one */
	git_repository_free(s->repo.repo);
	s->repo.repo = NULL;
	nb_buf_printf(&cmd, "rm -rf '%s' && python3 '%s' '%s' --incidents %d --commits %d "
		      ">/dev/null", s->repo.dir, gen.ptr, s->repo.dir, incidents, commits);
	if (system(cmd.ptr) != 0)
		fail_msg("the generator failed: %s", cmd.ptr);
	assert_int_equal(git_repository_open(&s->repo.repo, s->repo.dir), 0);
	snprintf(s->out, sizeof(s->out), "%s/out", s->repo.dir);
	s->t = 1893456000; /* 2030: after the generated history */
	nb_buf_release(&cmd);
	nb_buf_release(&gen);
}

static int build(struct site *s, int quiet_ok)
{
	const char *args[] = { "build", "--repo", s->repo.dir, "--out", s->out, "--quiet", NULL };
	char *out = NULL;
	int status = fx_run(&out, args);

	if (status != 0 && !quiet_ok)
		fail_msg("build failed (%d): %s", status, out);
	free(out);
	return status;
}

/* Appends an update to the first notice and commits. */
static void new_update(struct site *s, int n)
{
	struct nb_buf path = NB_BUF_INIT, text = NB_BUF_INIT;
	struct dirent *e;
	char *data;
	DIR *d;
	FILE *f;

	nb_buf_printf(&path, "%s/content", s->repo.dir);
	d = opendir(path.ptr);
	assert_non_null(d);
	while ((e = readdir(d)) && !strstr(e->d_name, ".md"))
		;
	assert_non_null(e);
	nb_buf_printf(&path, "/%s", e->d_name);
	closedir(d);
	data = fx_slurp(path.ptr);
	assert_non_null(data);
	nb_buf_printf(&text, "%s\nUpdate: publishing test %d.\n", data, n);
	f = fopen(path.ptr, "wb");
	fputs(text.ptr, f);
	fclose(f);
	fx_commit(&s->repo, "update", s->t += 600, 0);
	free(data);
	nb_buf_release(&path);
	nb_buf_release(&text);
}

#define snapshot fx_snapshot

/* A page is whole when it ends the way every page ends. */
static int page_whole(const char *path)
{
	char tail[16];
	long size;
	FILE *f = fopen(path, "rb");
	int ok;

	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	ok = size > 8 && fseek(f, size - 8, SEEK_SET) == 0 && fread(tail, 1, 8, f) == 8 &&
	     memcmp(tail, "</html>\n", 8) == 0;
	fclose(f);
	return ok;
}

static void test_reader_never_sees_a_mix(void **state)
{
	struct site s;
	char pages[4][600];
	pid_t reader;
	int status, i;

	(void)state;
	generate(&s, 80, 400);
	build(&s, 0);
	snprintf(pages[0], sizeof(pages[0]), "%s/index.html", s.out);
	snprintf(pages[1], sizeof(pages[1]), "%s/servers/index.html", s.out);
	snprintf(pages[2], sizeof(pages[2]), "%s/servers/LOUIE/index.html", s.out);
	snprintf(pages[3], sizeof(pages[3]), "%s/404.html", s.out);
	for (i = 0; i < 4; i++)
		if (!page_whole(pages[i]))
			fail_msg("no page %s after the first build", pages[i]);
	reader = fork();
	assert_true(reader >= 0);
	if (reader == 0) {
		time_t end = time(NULL) + READER_SECONDS;
		long reads = 0;

		/* reads until the parent stops it, or the time is up */
		while (time(NULL) < end) {
			for (i = 0; i < 4; i++, reads++)
				if (!page_whole(pages[i])) {
					fprintf(stderr, "reader: %s missing or partial after %ld reads\n",
						pages[i], reads);
					_exit(1);
				}
		}
		_exit(0);
	}
	for (i = 0; i < 6; i++) {
		new_update(&s, i);
		build(&s, 0);
	}
	kill(reader, SIGTERM);
	assert_int_equal(waitpid(reader, &status, 0), reader);
	/* killed by our signal: it never found a bad page */
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	fx_repo_free(&s.repo);
}

static void test_killed_build_leaves_old_site(void **state)
{
	struct nb_buf before = NB_BUF_INIT, after = NB_BUF_INIT;
	const char *args[8];
	struct site s;
	int delay, landed = 0;

	(void)state;
	generate(&s, 120, 600);
	build(&s, 0);
	new_update(&s, 100);
	snapshot(s.out, &before);
	for (delay = 0; delay <= 60; delay += 4) {
		pid_t pid;
		int status;

		args[0] = getenv("NOCBLOG") ? getenv("NOCBLOG") : "./nocblog";
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			const char *argv[] = { args[0], "build", "--repo", s.repo.dir, "--out", s.out,
					       "--quiet", "--no-cache", NULL };

			execv(argv[0], (char *const *)argv);
			_exit(127);
		}
		usleep((useconds_t)delay * 1000);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		if (WIFSIGNALED(status))
			landed++;
		nb_buf_truncate(&after, 0);
		snapshot(s.out, &after);
		/* killed: the old site; finished: the new one; never a mix */
		if (WIFSIGNALED(status) &&
		    (after.len != before.len || memcmp(after.ptr, before.ptr, before.len) != 0))
			fail_msg("a build killed after %d ms changed the site", delay);
		if (!WIFSIGNALED(status))
			break;
	}
	assert_true(landed > 0);
	/* the next build succeeds and leaves nothing but its lock and the
	 * staging folder it will reuse */
	build(&s, 0);
	fx_expect_no_debris(s.out);
	nb_buf_release(&before);
	nb_buf_release(&after);
	fx_repo_free(&s.repo);
}

/* Starts a build of rev into s->out (with one more option, or NULL);
 * returns its pid. */
static pid_t spawn_build_with(struct site *s, const char *rev, const char *option)
{
	const char *bin = getenv("NOCBLOG") ? getenv("NOCBLOG") : "./nocblog";
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		const char *argv[] = { bin, "build", "--repo", s->repo.dir, "--rev", rev, "--out",
				       s->out, "--quiet", option, NULL };
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static pid_t spawn_build(struct site *s, const char *rev)
{
	return spawn_build_with(s, rev, NULL);
}

static int wait_build(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void head_id(struct site *s, char *hex)
{
	git_object *obj = NULL;

	assert_int_equal(git_revparse_single(&obj, s->repo.repo, "HEAD"), 0);
	git_oid_tostr(hex, GIT_OID_HEXSZ + 1, git_object_id(obj));
	git_object_free(obj);
}

static int same_site(struct site *s, const struct nb_buf *want)
{
	struct nb_buf now = NB_BUF_INIT;
	int same;

	snapshot(s->out, &now);
	same = now.len == want->len && memcmp(now.ptr, want->ptr, now.len) == 0;
	nb_buf_release(&now);
	return same;
}

/* Two commits, a and b, and the site each gives, byte for byte. */
struct two_sites {
	char rev[2][GIT_OID_HEXSZ + 1];
	struct nb_buf snap[2];
};

static void two_sites(struct site *s, struct two_sites *t)
{
	int i;

	head_id(s, t->rev[0]);
	new_update(s, 200);
	head_id(s, t->rev[1]);
	for (i = 1; i >= 0; i--) {
		t->snap[i] = (struct nb_buf)NB_BUF_INIT;
		assert_int_equal(wait_build(spawn_build(s, t->rev[i])), 0);
		snapshot(s->out, &t->snap[i]);
	}
}

static void two_sites_release(struct two_sites *t)
{
	nb_buf_release(&t->snap[0]);
	nb_buf_release(&t->snap[1]);
}

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/*
 * Builds of one commit and the other, each killed at a random point of its
 * run (a build's length measured first): killed, the live site is the one
 * before, byte for byte; finished, it is the new one.  NOCBLOG_SEED
 * repeats a run.
 */
static void test_killed_at_random_points(void **state)
{
	struct two_sites t;
	struct timespec start;
	struct site s;
	unsigned seed = getenv("NOCBLOG_SEED") ? (unsigned)atoi(getenv("NOCBLOG_SEED"))
					       : (unsigned)time(NULL);
	int live = 0, i, killed = 0, swapped = 0;
	long span;

	(void)state;
	generate(&s, 60, 300);
	two_sites(&s, &t);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(wait_build(spawn_build(&s, t.rev[1])), 0);
	span = elapsed_ms(&start) * 5 / 4 + 1;
	srand(seed);
	for (i = 0; i < KILLS; i++) {
		long delay = rand() % span;
		pid_t pid = spawn_build(&s, t.rev[!live]);
		int status;

		usleep((useconds_t)delay * 1000);
		kill(pid, SIGKILL);
		status = wait_build(pid);
		if (WIFSIGNALED(status)) {
			killed++;
			if (same_site(&s, &t.snap[live]))
				continue;
			/* killed after its swap, before it exited: the new site */
			swapped++;
		} else {
			assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		}
		live = !live;
		if (!same_site(&s, &t.snap[live]))
			fail_msg("a build %s after %ld ms left a mix of two sites (seed %u)",
				 WIFSIGNALED(status) ? "killed" : "that finished", delay, seed);
	}
	print_message("%d builds of %d killed (%d after the swap), at random points of %ld ms "
		      "(NOCBLOG_SEED=%u)\n", killed, KILLS, swapped, span, seed);
	/* what the killed builds left does not stop the next, which clears it */
	assert_int_equal(wait_build(spawn_build(&s, t.rev[!live])), 0);
	assert_true(same_site(&s, &t.snap[!live]));
	fx_expect_no_debris(s.out);
	two_sites_release(&t);
	fx_repo_free(&s.repo);
}

static void test_unchanged_pages_keep_their_files(void **state)
{
	struct site s;
	struct stat a, b, c, d;
	char index[600], updates[600];

	(void)state;
	generate(&s, 30, 120);
	build(&s, 0);
	snprintf(index, sizeof(index), "%s/404.html", s.out);
	snprintf(updates, sizeof(updates), "%s/updates.xml", s.out);
	assert_int_equal(stat(index, &a), 0);
	assert_int_equal(stat(updates, &c), 0);
	sleep(1);
	new_update(&s, 1);
	build(&s, 0);
	assert_int_equal(stat(index, &b), 0);
	assert_int_equal(stat(updates, &d), 0);
	/* 404.html did not change: the same file, untouched */
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_mtime, b.st_mtime);
	/* the feed of updates did: a new file */
	assert_true(c.st_ino != d.st_ino);
	fx_repo_free(&s.repo);
}

static void test_two_builds_at_once(void **state)
{
	struct site s;
	pid_t a, b;
	int sa, sb;

	(void)state;
	generate(&s, 40, 200);
	a = fork();
	if (a == 0)
		_exit(build(&s, 1));
	b = fork();
	if (b == 0)
		_exit(build(&s, 1));
	waitpid(a, &sa, 0);
	waitpid(b, &sb, 0);
	assert_true(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
	assert_true(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
	{
		char path[600];

		snprintf(path, sizeof(path), "%s/index.html", s.out);
		assert_true(page_whole(path));
	}
	/* then builds of two commits at once: the lock makes one wait, and
	 * the site is one of the two, whole, never a mix */
	{
		struct two_sites t;
		int round;

		two_sites(&s, &t);
		for (round = 0; round < 3; round++) {
			a = spawn_build(&s, t.rev[0]);
			b = spawn_build(&s, t.rev[1]);
			sa = wait_build(a);
			sb = wait_build(b);
			assert_true(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
			assert_true(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
			if (!same_site(&s, &t.snap[0]) && !same_site(&s, &t.snap[1]))
				fail_msg("two builds at once left a site that is neither commit's");
			fx_expect_no_debris(s.out);
		}
		two_sites_release(&t);
	}
	fx_repo_free(&s.repo);
}

/* The live site equals a build of the same commit into a new folder. */
static void expect_same_as_fresh(struct site *s, const char *when)
{
	struct nb_buf live = NB_BUF_INIT, fresh = NB_BUF_INIT, cmd = NB_BUF_INIT;
	struct site f = *s;

	snprintf(f.out, sizeof(f.out), "%s/fresh", s->repo.dir);
	nb_buf_printf(&cmd, "rm -rf '%s' '%s.stage'", f.out, f.out);
	assert_int_equal(fx_sh(cmd.ptr, NULL), 0);
	build(&f, 0);
	snapshot(s->out, &live);
	snapshot(f.out, &fresh);
	if (strcmp(live.ptr, fresh.ptr) != 0)
		fail_msg("%s: the live site differs from a build into a new folder", when);
	nb_buf_release(&live);
	nb_buf_release(&fresh);
	nb_buf_release(&cmd);
}

static void sabotage(const char *stage, const char *rel, const char *text)
{
	struct nb_buf path = NB_BUF_INIT, cmd = NB_BUF_INIT;
	FILE *f;

	/* the whole top entry goes: "404.html/x" replaces the file 404.html */
	nb_buf_printf(&cmd, "rm -rf '%s/%.*s' && mkdir -p \"$(dirname '%s/%s')\"", stage,
		      (int)strcspn(rel, "/"), rel, stage, rel);
	assert_int_equal(fx_sh(cmd.ptr, NULL), 0);
	nb_buf_printf(&path, "%s/%s", stage, rel);
	f = fopen(path.ptr, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	nb_buf_release(&path);
	nb_buf_release(&cmd);
}

/* The site a build replaces is the next build's staging folder: brought
 * up to date, with or without its file list, whatever was left in it. */
static void test_old_site_becomes_the_next_stage(void **state)
{
	struct nb_buf stage = NB_BUF_INIT, path = NB_BUF_INIT, cmd = NB_BUF_INIT;
	struct stat st;
	struct site s;

	(void)state;
	generate(&s, 30, 120);
	nb_buf_printf(&stage, "%s.stage", s.out);
	build(&s, 0);
	new_update(&s, 1);
	build(&s, 0);
	assert_int_equal(stat(stage.ptr, &st), 0);
	expect_same_as_fresh(&s, "after one update");
	new_update(&s, 2);
	build(&s, 0);
	expect_same_as_fresh(&s, "after two updates");
	/* a notice removed: its page leaves the site */
	nb_buf_printf(&cmd, "cd '%s' && git rm -q \"$(ls content/*.md | head -n 1)\"",
		      s.repo.dir);
	assert_int_equal(fx_sh(cmd.ptr, NULL), 0);
	fx_commit(&s.repo, "withdrawn", s.t += 600, 0);
	build(&s, 0);
	expect_same_as_fresh(&s, "after a removal");
	/* what a killed build leaves: no file list, stray files, a file where
	 * a folder goes, a folder where a file goes */
	nb_buf_printf(&path, "%s/.nocblog-files", stage.ptr);
	unlink(path.ptr);
	sabotage(stage.ptr, "junk/page/index.html", "stray");
	sabotage(stage.ptr, "servers", "a file where a folder goes");
	sabotage(stage.ptr, "404.html/x", "a folder where a file goes");
	sabotage(stage.ptr, "style.css", "half a file");
	new_update(&s, 3);
	build(&s, 0);
	expect_same_as_fresh(&s, "after a damaged staging folder");
	new_update(&s, 4);
	build(&s, 0);
	expect_same_as_fresh(&s, "the build after that");
	nb_buf_release(&stage);
	nb_buf_release(&path);
	nb_buf_release(&cmd);
	fx_repo_free(&s.repo);
}

/* ---- incremental builds equal cold ones ---- */

/* Builds r into out (incrementally, from what the last build left), then
 * into a new folder with no history cache, and compares every byte. */
static void expect_incremental_is_cold(struct fx_repo *r, const char *theme, const char *when)
{
	struct nb_buf out = NB_BUF_INIT, cold = NB_BUF_INIT, a = NB_BUF_INIT, b = NB_BUF_INIT;
	struct nb_buf cmd = NB_BUF_INIT;
	char *said = NULL;

	nb_buf_printf(&out, "%s/out", r->dir);
	nb_buf_printf(&cold, "%s/cold", r->dir);
	nb_buf_printf(&cmd, "rm -rf '%s' '%s.stage' '%s.lock'", cold.ptr, cold.ptr, cold.ptr);
	assert_int_equal(fx_sh(cmd.ptr, NULL), 0);
	{
		const char *inc[] = { "build", "--repo", r->dir, "--out", out.ptr, "--theme", theme,
				      "-q", NULL };
		const char *full[] = { "build", "--repo", r->dir, "--out", cold.ptr, "--theme",
				       theme, "--no-cache", "-q", NULL };

		if (fx_run(&said, inc) != 0)
			fail_msg("%s: the build failed: %s", when, said);
		free(said);
		if (fx_run(&said, full) != 0)
			fail_msg("%s: the cold build failed: %s", when, said);
		free(said);
	}
	snapshot(out.ptr, &a);
	snapshot(cold.ptr, &b);
	if (strcmp(a.ptr, b.ptr) != 0) {
		nb_buf_truncate(&cmd, 0);
		nb_buf_printf(&cmd, "diff -r '%s' '%s' | head -40", out.ptr, cold.ptr);
		(void)fx_sh(cmd.ptr, &said);
		fail_msg("%s: the incremental build differs from a cold one:\n%s", when, said);
	}
	nb_buf_release(&out);
	nb_buf_release(&cold);
	nb_buf_release(&a);
	nb_buf_release(&b);
	nb_buf_release(&cmd);
}

static void write_notice(struct fx_repo *r, const char *path, const char *title,
			 const char *server, const char *status, const char *rest)
{
	struct nb_buf text = NB_BUF_INIT;

	nb_buf_printf(&text, "---\ntitle: %s\nservers: [%s]\nstatus: %s\n---\nThe text of %s.\n%s",
		      title, server, status, title, rest);
	fx_write(r, path, text.ptr);
	nb_buf_release(&text);
}

/* The maintenance notice content/2010/w.md, its window an hour from 22:00
 * New York time on 2010-10-DAY. */
static void write_window(struct fx_repo *r, int day)
{
	struct nb_buf text = NB_BUF_INIT;

	nb_buf_printf(&text, "---\ntitle: Window\nservers: [LOUIECAS3]\nkind: maintenance\n"
		      "status: scheduled\nwindow: {start: 2010-10-%02dT22:00-04:00, "
		      "end: 2010-10-%02dT23:00-04:00}\n---\nWork.\n", day, day);
	fx_write(r, "content/2010/w.md", text.ptr);
	nb_buf_release(&text);
}

/*
 * After every kind of change an incremental build (pages and feeds whose
 * inputs did not change are linked, not rendered) publishes exactly what
 * a cold build does: an update, an edit, a status change, a rename, a
 * deletion, a maintenance window moved and then overdue, a theme changed,
 * site.yaml changed, a force-push, a damaged history cache, notice cache,
 * fragment cache and lock file, and time passing a withdrawal's
 * tombstone_days.
 */
static void test_incremental_equals_cold(void **state)
{
	struct fx_repo r;
	struct nb_buf theme = NB_BUF_INIT, cmd = NB_BUF_INIT;
	int64_t t = fx_utc(2010, 10, 10, 12, 0);
	int i;

	(void)state;
	fx_repo_init(&r);
	fx_copy_tree(&r, "themes/default", "theme");
	nb_buf_printf(&theme, "%s/theme", r.dir);
	fx_write(&r, ".gitignore", "/out/\n/out.*\n/cold/\n/cold.*\n/theme/\n");
	fx_write(&r, "content/site.yaml", fx_site_yaml);
	for (i = 0; i < 25; i++) {
		char path[64], title[32];

		snprintf(path, sizeof(path), "content/2010/n%02d.md", i);
		snprintf(title, sizeof(title), "Notice %02d", i);
		write_notice(&r, path, title, i % 3 ? "LOUIE" : "SCROOGE", i % 4 ? "resolved" :
			     "investigating", "");
	}
	write_window(&r, 20);
	fx_commit(&r, "start", t, 0);
	expect_incremental_is_cold(&r, theme.ptr, "the first build");
	write_notice(&r, "content/2010/n00.md", "Notice 00", "SCROOGE", "investigating",
		     "\nUpdate: first look.\n");
	fx_commit(&r, "update", t += 3600, 0);
	expect_incremental_is_cold(&r, theme.ptr, "an update");
	write_notice(&r, "content/2010/n00.md", "Notice 00", "SCROOGE", "investigating",
		     "\nUpdate: a first look.\n");
	fx_commit(&r, "edit", t += 3600, 0);
	expect_incremental_is_cold(&r, theme.ptr, "an edit");
	write_notice(&r, "content/2010/n00.md", "Notice 00", "SCROOGE", "resolved",
		     "\nUpdate: a first look.\n\nUpdate: fixed.\n");
	fx_commit(&r, "resolve", t += 3600, 0);
	expect_incremental_is_cold(&r, theme.ptr, "a status change");
	fx_remove(&r, "content/2010/n05.md");
	write_notice(&r, "content/2010/renamed.md", "Notice 05", "LOUIE", "resolved", "");
	fx_commit(&r, "rename", t += 3600, 0);
	expect_incremental_is_cold(&r, theme.ptr, "a rename");
	fx_remove(&r, "content/2010/n07.md");
	fx_commit(&r, "withdraw", t += 3600, 0);
	expect_incremental_is_cold(&r, theme.ptr, "a deletion");
	write_window(&r, 21);
	fx_commit(&r, "move the window", t += 3600, 0);
	expect_incremental_is_cold(&r, theme.ptr, "a moved window");
	/* time passes: the window is over (overdue), nothing else changed */
	fx_write(&r, "README", "notes\n");
	fx_commit(&r, "later", t = fx_utc(2010, 10, 25, 12, 0), 0);
	expect_incremental_is_cold(&r, theme.ptr, "a window overdue");
	fx_write(&r, "theme/static/style.css", "body { color: black; }\n");
	fx_write(&r, "theme/templates/404.mustache",
		 "{{<base}}\n{{$content}}\n<h1>Gone</h1>\n{{/content}}\n{{/base}}\n");
	expect_incremental_is_cold(&r, theme.ptr, "a changed theme");
	fx_write(&r, "content/site.yaml", "title: Another NOC\nbase_url: https://noc.example.org/\n"
		 "timezone: Europe/Berlin\nservers:\n  LOUIE: {name: Louie}\n"
		 "  LOUIECAS3: {name: LOUIECAS3, group: LOUIE}\n  SCROOGE: {name: Scrooge}\n");
	fx_commit(&r, "site", t += 3600, 0);
	expect_incremental_is_cold(&r, theme.ptr, "a changed site.yaml");
	/* a force-push: back two commits, then another commit */
	{
		const char *reset[] = { "reset", "-q", "--hard", "HEAD~2", NULL };

		assert_int_equal(fx_git(&r, t, reset), 0);
	}
	write_notice(&r, "content/2010/n01.md", "Notice 01", "LOUIE", "resolved",
		     "\nUpdate: after a force-push.\n");
	fx_commit(&r, "rewritten", t += 3600, 0);
	expect_incremental_is_cold(&r, theme.ptr, "a force-push");
	/* damaged: the history cache, the notice cache and the fragments (a
	 * byte changed in every record's text, then the files cut short, an
	 * index too) and the lock file's keys */
	nb_buf_printf(&cmd, "cd '%s' && printf 'nocblog-history\\t9\\ngarbage' > .git/nocblog/history && "
		      "sed -i 's/^[0-9a-f]\\{16\\} /0000000000000000 /' out.lock && "
		      "sed -i 's/The text of/The text 0f/g' .git/nocblog/notices && "
		      "truncate -s -7 .git/nocblog/notices && "
		      "sed -i 's/Notice 0/Notice O/g; s/Work\\./W0rk./g' .git/nocblog/fragments && "
		      "truncate -s -7 .git/nocblog/fragments && "
		      "truncate -s -5 .git/nocblog/notices.idx", r.dir);
	assert_int_equal(fx_sh(cmd.ptr, NULL), 0);
	write_notice(&r, "content/2010/n02.md", "Notice 02", "SCROOGE", "resolved",
		     "\nUpdate: after damage.\n");
	fx_commit(&r, "after damage", t += 3600, 0);
	expect_incremental_is_cold(&r, theme.ptr, "a damaged cache and lock file");
	/* time passes beyond tombstone_days: the withdrawal leaves the feeds */
	fx_write(&r, "README", "much later\n");
	fx_commit(&r, "months later", t += 90 * 86400, 0);
	expect_incremental_is_cold(&r, theme.ptr, "tombstones expired");
	nb_buf_release(&theme);
	nb_buf_release(&cmd);
	fx_repo_free(&r);
}

/* A repository of one committed notice. */
static void one_notice_repo(struct fx_repo *r)
{
	fx_repo_init(r);
	fx_write(r, "content/site.yaml", fx_site_yaml);
	fx_write(r, "content/2010/a.md",
		 "---\ntitle: A\nservers: [LOUIE]\nstatus: resolved\n---\nFixed.\n");
	fx_commit(r, "a", fx_utc(2010, 10, 10, 12, 0), 0);
}

/* Builds with the theme at theme; returns what nocblog said. */
static char *build_with_theme(struct fx_repo *r, const char *out, const char *theme)
{
	const char *args[] = { "build", "--repo", r->dir, "--out", out, "--theme", theme, NULL };
	char *text = NULL;

	if (fx_run(&text, args) != 0)
		fail_msg("build failed: %s", text);
	return text;
}

/* A build of what the live site already shows does nothing; a site
 * replaced by hand, or a change to any byte of a theme file, however
 * large, is not "nothing". */
static void test_up_to_date_sees_every_theme_byte(void **state)
{
	struct nb_buf out = NB_BUF_INIT, theme = NB_BUF_INIT, big = NB_BUF_INIT;
	struct fx_repo r;
	char *said, *data;
	size_t size = 5u << 20; /* past any small-file limit */

	(void)state;
	one_notice_repo(&r);
	fx_copy_tree(&r, "themes/default", "theme");
	nb_buf_printf(&out, "%s/out", r.dir);
	nb_buf_printf(&theme, "%s/theme", r.dir);
	data = nb_malloc(size);
	memset(data, 'a', size);
	fx_write_bytes(&r, "theme/static/big.txt", data, size);
	free(build_with_theme(&r, out.ptr, theme.ptr));
	said = build_with_theme(&r, out.ptr, theme.ptr);
	if (!strstr(said, "is up to date"))
		fail_msg("a second build of the same commit and theme did work: %s", said);
	free(said);
	/* a site removed or replaced by hand is not the one the stamp names */
	nb_buf_printf(&big, "rm -rf '%s' && mkdir '%s'", out.ptr, out.ptr);
	assert_int_equal(fx_sh(big.ptr, NULL), 0);
	said = build_with_theme(&r, out.ptr, theme.ptr);
	if (strstr(said, "is up to date"))
		fail_msg("the site was replaced by an empty folder, and the build did nothing");
	free(said);
	nb_buf_truncate(&big, 0);
	data[size - 1] = 'b';
	fx_write_bytes(&r, "theme/static/big.txt", data, size);
	said = build_with_theme(&r, out.ptr, theme.ptr);
	if (strstr(said, "is up to date"))
		fail_msg("the last byte of a theme file changed, and the build did nothing");
	free(said);
	nb_buf_printf(&big, "%s/big.txt", out.ptr);
	free(data);
	data = fx_slurp(big.ptr);
	assert_non_null(data);
	assert_int_equal(data[size - 1], 'b');
	free(data);
	nb_buf_release(&out);
	nb_buf_release(&theme);
	nb_buf_release(&big);
	fx_repo_free(&r);
}

/*
 * Two pushes close together: each starts a build of the branch (as the
 * post-receive hook does), the second 20 ms after the first.  The first
 * reads the whole history (no cache), the second only the new commit, so
 * the second is ready to publish first.  Whatever order they finish in,
 * the live site ends at the newest commit.
 */
static void test_newest_push_wins(void **state)
{
	struct site s;
	struct nb_buf path = NB_BUF_INIT, want = NB_BUF_INIT;
	int round;

	(void)state;
	generate(&s, 60, 300);
	/* commits are made while builds write out/: keep it out of them */
	fx_write(&s.repo, ".gitignore", "/out/\n/out.lock\n/out.stage/\n");
	build(&s, 0);
	nb_buf_printf(&path, "%s/updates.xml", s.out);
	for (round = 0; round < 8; round++) {
		pid_t a, b;
		char *feed;

		new_update(&s, 2 * round);
		a = spawn_build_with(&s, "HEAD", "--no-cache");
		usleep(20000);
		new_update(&s, 2 * round + 1);
		b = spawn_build(&s, "HEAD");
		assert_true(WIFEXITED(wait_build(a)));
		assert_true(WIFEXITED(wait_build(b)));
		nb_buf_truncate(&want, 0);
		nb_buf_printf(&want, "publishing test %d.", 2 * round + 1);
		feed = fx_slurp(path.ptr);
		assert_non_null(feed);
		if (!strstr(feed, want.ptr))
			fail_msg("round %d: the live site is not the newest push", round);
		free(feed);
	}
	nb_buf_release(&path);
	nb_buf_release(&want);
	fx_repo_free(&s.repo);
}

/* Runs a build into out; returns its exit status and what it said. */
static int build_status(struct fx_repo *r, const char *out, char **said)
{
	struct nb_buf theme = NB_BUF_INIT;
	int status;

	nb_buf_printf(&theme, "%s/themes/default", fx_srcdir());
	{
		const char *args[] = { "build", "--repo", r->dir, "--out", out, "--theme", theme.ptr,
				       NULL };

		status = fx_run(said, args);
	}
	nb_buf_release(&theme);
	return status;
}

/* An output path the swap cannot replace is refused before anything is
 * made: a symbolic link (the link would be replaced, not the site), a
 * file, a path in a folder that does not exist. */
static void test_unusable_out_refused(void **state)
{
	static const char *const cases[][3] = {
		{ "link", "ln -s real '%s'", "is a symbolic link" },
		{ "file", "echo hello > '%s'", "exists and is not a folder" },
		{ "missing/out", ":", "does not exist" },
	};
	struct fx_repo r;
	size_t i;

	(void)state;
	one_notice_repo(&r);
	fx_write(&r, "real/keep.txt", "the folder the link points to\n");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nb_buf out = NB_BUF_INIT, cmd = NB_BUF_INIT, stage = NB_BUF_INIT;
		struct stat st;
		char *said = NULL;

		nb_buf_printf(&out, "%s/%s", r.dir, cases[i][0]);
		nb_buf_printf(&cmd, "cd '%s' && ", r.dir);
		nb_buf_printf(&cmd, cases[i][1], out.ptr);
		assert_int_equal(fx_sh(cmd.ptr, NULL), 0);
		if (build_status(&r, out.ptr, &said) != 3 || !strstr(said, cases[i][2]))
			fail_msg("--out %s: expected exit 3 and \"%s\": %s", cases[i][0], cases[i][2],
				 said);
		nb_buf_printf(&stage, "%s.stage", out.ptr);
		if (lstat(stage.ptr, &st) == 0)
			fail_msg("--out %s: a staging folder was made", cases[i][0]);
		free(said);
		nb_buf_release(&out);
		nb_buf_release(&cmd);
		nb_buf_release(&stage);
	}
	{
		struct nb_buf path = NB_BUF_INIT;
		char *kept;

		nb_buf_printf(&path, "%s/real/keep.txt", r.dir);
		kept = fx_slurp(path.ptr);
		assert_non_null(kept);
		assert_string_equal(kept, "the folder the link points to\n");
		free(kept);
		nb_buf_truncate(&path, 0);
		nb_buf_printf(&path, "%s/real/index.html", r.dir);
		assert_null(fx_slurp(path.ptr));
		nb_buf_release(&path);
	}
	fx_repo_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_never_sees_a_mix),
		cmocka_unit_test(test_killed_build_leaves_old_site),
		cmocka_unit_test(test_killed_at_random_points),
		cmocka_unit_test(test_unchanged_pages_keep_their_files),
		cmocka_unit_test(test_two_builds_at_once),
		cmocka_unit_test(test_old_site_becomes_the_next_stage),
		cmocka_unit_test(test_up_to_date_sees_every_theme_byte),
		cmocka_unit_test(test_unusable_out_refused),
		cmocka_unit_test(test_newest_push_wins),
		cmocka_unit_test(test_incremental_equals_cold),
	};

	return cmocka_run_group_tests_name("publish", tests, NULL, NULL);
}
