/*
 * The operator's day, end to end: a bare "server" repository with the
 * hooks, a clone, `nocblog new`, commit, push; the post-receive build
 * published to a folder that nginx (contrib/nginx.conf) serves on
 * 127.0.0.1; then an update, then a broken notice the push refuses.
 */
#include <errno.h>
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

struct e2e {
	struct fx_repo top;      /* a temporary folder for everything */
	struct fx_repo server;   /* the bare repository */
	struct fx_repo work;     /* the operator's clone */
	char www[512];
	int port;
	pid_t nginx;
};

#define sh fx_sh

static void nocblog(const char *const *args, int want)
{
	char *out = NULL;
	int status = fx_run(&out, args);

	if (status != want)
		fail_msg("nocblog %s: status %d, wanted %d:\n%s", args[0], status, want, out);
	free(out);
}

static void start_nginx(struct e2e *e)
{
	e->nginx = fx_nginx_start(e->top.dir, e->www, e->port);
}

static int setup(void **state)
{
	struct e2e *e = calloc(1, sizeof(*e));
	struct nb_buf path = NB_BUF_INIT;

	fx_repo_init(&e->top);
	snprintf(e->www, sizeof(e->www), "%s/www", e->top.dir);
	e->port = 20000 + (int)(getpid() % 20000);
	e->server.dir = malloc(strlen(e->top.dir) + 16);
	sprintf(e->server.dir, "%s/server.git", e->top.dir);
	e->work.dir = malloc(strlen(e->top.dir) + 16);
	sprintf(e->work.dir, "%s/work", e->top.dir);
	*state = e;
	nb_buf_release(&path);
	return 0;
}

/* Stops nginx and removes everything, however the test ended. */
static int teardown(void **state)
{
	struct e2e *e = *state;

	fx_nginx_stop(e->nginx);
	free(e->server.dir);
	free(e->work.dir);
	fx_repo_free(&e->top);
	free(e);
	return 0;
}

/* "200 application/atom+xml" for a path on the site. */
static char *get(const struct e2e *e, const char *path, char **body)
{
	struct nb_buf cmd = NB_BUF_INIT;
	char *out = NULL;

	nb_buf_printf(&cmd, "curl -s -o '%s/body' -w '%%{http_code} %%{content_type}' "
		      "http://127.0.0.1:%d/%s", e->top.dir, e->port, path);
	assert_int_equal(sh(cmd.ptr, &out), 0);
	if (body) {
		nb_buf_truncate(&cmd, 0);
		nb_buf_printf(&cmd, "%s/body", e->top.dir);
		*body = fx_slurp(cmd.ptr);
	}
	nb_buf_release(&cmd);
	return out;
}

static void expect_get(const struct e2e *e, const char *path, const char *status_type)
{
	char *got = get(e, path, NULL);

	if (strncmp(got, status_type, strlen(status_type)) != 0)
		fail_msg("GET /%s: '%s', wanted '%s'", path, got, status_type);
	free(got);
}

static int push(struct e2e *e, int64_t when, char **out)
{
	struct nb_buf cmd = NB_BUF_INIT;
	int rc;

	nb_buf_printf(&cmd, "cd '%s' && git add -A && GIT_AUTHOR_DATE='@%lld +0000' "
		      "GIT_COMMITTER_DATE='@%lld +0000' git -c user.name='Ann Operator' "
		      "-c user.email=ann@noc.example commit -qm notice && git push -q origin HEAD 2>&1",
		      e->work.dir, (long long)when, (long long)when);
	rc = sh(cmd.ptr, out);
	nb_buf_release(&cmd);
	return rc;
}

/* Puts text where `nocblog new` left its placeholder in the file at path. */
static void fill_in(const char *path, const char *text)
{
	static const char *const placeholders[] = {
		"Describe what users see and what you are doing about it.",
		"Describe the work, what users will notice, and for how long.",
	};
	struct nb_buf filled = NB_BUF_INIT;
	char *old = fx_slurp(path), *at = NULL;
	size_t i, n = 0;

	assert_non_null(old);
	for (i = 0; i < 2 && !at; i++)
		if ((at = strstr(old, placeholders[i])))
			n = strlen(placeholders[i]);
	if (!at)
		fail_msg("no placeholder in %s:\n%s", path, old);
	nb_buf_put(&filled, old, (size_t)(at - old));
	nb_buf_puts(&filled, text);
	nb_buf_puts(&filled, at + n);
	fx_write_bytes(&(struct fx_repo){ "/", NULL }, path + 1, filled.ptr, filled.len);
	nb_buf_release(&filled);
	free(old);
}

static void test_operator_day(void **state)
{
	struct e2e *e = *state;
	struct nb_buf cmd = NB_BUF_INIT, before = NB_BUF_INIT, after = NB_BUF_INIT, file = NB_BUF_INIT;
	char *out = NULL, *body = NULL, *text;
	int64_t t = fx_utc(2024, 5, 1, 12, 0);

	/* the server: a bare repository, checked on push, built after it */
	nb_buf_printf(&cmd, "git init -q --bare '%s'", e->server.dir);
	assert_int_equal(sh(cmd.ptr, NULL), 0);
	{
		const char *pre[] = { "hooks", "install", "--repo", e->server.dir, "--pre-receive", NULL };
		const char *post[] = { "hooks", "install", "--repo", e->server.dir, "--post-receive",
				       e->www, NULL };

		nocblog(pre, 0);
		nocblog(post, 0);
		nocblog(pre, 0); /* again: harmless */
	}
	/* the operator: clone, site.yaml, a new notice */
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "git clone -q '%s' '%s' 2>/dev/null && mkdir -p '%s/content' && "
		      "cp '%s/content/site.yaml' '%s/content/'", e->server.dir, e->work.dir,
		      e->work.dir, fx_srcdir(), e->work.dir);
	assert_int_equal(sh(cmd.ptr, NULL), 0);
	{
		const char *args[] = { "new", "--repo", e->work.dir, "--server", "SCROOGE",
				       "Mail delays on SCROOGE", NULL };

		out = NULL;
		assert_int_equal(fx_run(&out, args), 0);
		nb_buf_printf(&file, "%s/%.*s", e->work.dir, (int)strcspn(out, "\n"), out);
		free(out);
		fill_in(file.ptr, "Mail to SCROOGE is delayed by up to an hour.");
	}
	if (push(e, t, &out) != 0)
		fail_msg("the first push failed:\n%s", out);
	free(out);

	start_nginx(e);
	expect_get(e, "2024/05/mail-delays-on-scrooge/", "200 text/html");
	expect_get(e, "atom.xml", "200 application/atom+xml");
	expect_get(e, "updates.xml", "200 application/atom+xml");
	expect_get(e, "servers/SCROOGE/rss.xml", "200 application/rss+xml");
	expect_get(e, "maintenance.ics", "200 text/calendar");
	expect_get(e, "no/such/page/", "404 text/html");

	/* an update, pushed, appears */
	text = fx_slurp(file.ptr);
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "%s\nUpdate: The queue is draining.\n", text);
	fx_write_bytes(&(struct fx_repo){ "/", NULL }, file.ptr + 1, cmd.ptr, cmd.len);
	free(text);
	if (push(e, t + 1800, &out) != 0)
		fail_msg("the second push failed:\n%s", out);
	free(out);
	free(get(e, "2024/05/mail-delays-on-scrooge/", &body));
	assert_non_null(strstr(body, "The queue is draining."));
	free(body);

	/* a broken notice: refused, with file and line; the site unchanged */
	fx_snapshot(e->www, &before);
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "content/2024/broken.md");
	{
		struct fx_repo w = { e->work.dir, NULL };

		fx_write(&w, cmd.ptr, "---\ntitle: Broken\nservers: [SCROOG]\nstatus: investigating\n---\nx\n");
	}
	if (push(e, t + 3600, &out) == 0)
		fail_msg("a broken notice was accepted:\n%s", out);
	if (!strstr(out, "content/2024/broken.md:3: unknown server 'SCROOG'") ||
	    !strstr(out, "did you mean 'SCROOGE'?"))
		fail_msg("the refusal does not say where:\n%s", out);
	free(out);
	fx_snapshot(e->www, &after);
	assert_string_equal(before.ptr, after.ptr);
	nb_buf_release(&cmd);
	nb_buf_release(&before);
	nb_buf_release(&after);
	nb_buf_release(&file);
}

static void test_new_and_pre_commit(void **state)
{
	struct e2e *e = *state;
	struct nb_buf cmd = NB_BUF_INIT, hook = NB_BUF_INIT, maint_path = NB_BUF_INIT;
	char *out = NULL, *text;

	nb_buf_printf(&cmd, "git init -q '%s' && mkdir -p '%s/content' && cp '%s/content/site.yaml' "
		      "'%s/content/'", e->work.dir, e->work.dir, fx_srcdir(), e->work.dir);
	assert_int_equal(sh(cmd.ptr, NULL), 0);
	{
		const char *bad[] = { "new", "--repo", e->work.dir, "--server", "LOUI", "Slow OWA", NULL };
		const char *good[] = { "new", "--repo", e->work.dir, "--server", "LOUIE,LOUIECAS3",
				       "Slow OWA", NULL };
		const char *maint[] = { "new", "--repo", e->work.dir, "--maintenance", "--server",
					"SCROOGE", "Defrag on SCROOGE", NULL };

		assert_int_equal(fx_run(&out, bad), 1);
		assert_non_null(strstr(out, "unknown server 'LOUI' \u2014 did you mean 'LOUIE'?"));
		free(out);
		nocblog(good, 0);
		/* never overwrites */
		assert_int_equal(fx_run(&out, good), 1);
		assert_non_null(strstr(out, "a notice with this file name exists"));
		free(out);
		assert_int_equal(fx_run(&out, maint), 0);
		nb_buf_printf(&maint_path, "%.*s", (int)strcspn(out, "\n"), out);
		nb_buf_printf(&hook, "%s/%s", e->work.dir, maint_path.ptr);
		free(out);
		text = fx_slurp(hook.ptr);
		assert_non_null(strstr(text, "kind: maintenance\nstatus: scheduled"));
		assert_non_null(strstr(text, "window: {start: "));
		free(text);
	}
	/* a foreign hook is left alone */
	nb_buf_truncate(&hook, 0);
	nb_buf_printf(&hook, "%s/.git/hooks/pre-commit", e->work.dir);
	{
		struct fx_repo root = { "/", NULL };
		const char *args[] = { "hooks", "install", "--repo", e->work.dir, "--pre-commit", NULL };

		fx_write(&root, hook.ptr + 1, "#!/bin/sh\necho mine\n");
		assert_int_equal(fx_run(&out, args), 1);
		assert_non_null(strstr(out, "is not nocblog's"));
		free(out);
		text = fx_slurp(hook.ptr);
		assert_string_equal(text, "#!/bin/sh\necho mine\n");
		free(text);
		remove(hook.ptr);
		nocblog(args, 0);
	}
	/* the pre-commit hook checks what is staged: the placeholders first */
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "cd '%s' && git add -A && git -c user.name=Ann -c user.email=a@x "
		      "commit -qm first 2>&1", e->work.dir);
	assert_true(sh(cmd.ptr, &out) != 0);
	nb_buf_truncate(&hook, 0);
	nb_buf_printf(&hook, "%s:8: the placeholder 'Describe the work, what users will notice, "
		      "and for how long.' from nocblog new is still here \u2014 write the notice's own "
		      "text in its place", maint_path.ptr);
	if (!strstr(out, hook.ptr) || !strstr(out, "slow-owa.md:10: the placeholder 'Describe "
					      "what users see and what you are doing about it.'"))
		fail_msg("the placeholders were not refused:\n%s", out);
	free(out);
	nb_buf_truncate(&hook, 0);
	nb_buf_printf(&hook, "%s/%s", e->work.dir, maint_path.ptr);
	fill_in(hook.ptr, "We defragment the SCROOGE databases; mail waits for an hour.");
	nb_buf_truncate(&hook, 0);
	nb_buf_printf(&hook, "%s/%s", e->work.dir, maint_path.ptr);
	nb_buf_truncate(&hook, (size_t)(strrchr(hook.ptr, '/') - hook.ptr));
	nb_buf_printf(&hook, "/slow-owa.md");
	fill_in(hook.ptr, "OWA is slow for some users.");
	if (sh(cmd.ptr, &out) != 0)
		fail_msg("a good first commit was refused:\n%s", out);
	free(out);
	{
		struct fx_repo w = { e->work.dir, NULL };

		fx_write(&w, "content/2024/bad.md", "---\ntitle: Bad\nservers: [LOUIE]\nstatus: fixed\n---\n");
	}
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "cd '%s' && git add -A && git -c user.name=Ann -c user.email=a@x "
		      "commit -qm bad 2>&1", e->work.dir);
	assert_true(sh(cmd.ptr, &out) != 0);
	if (!strstr(out, "content/2024/bad.md:4: invalid incident status 'fixed'"))
		fail_msg("the refusal does not say where:\n%s", out);
	free(out);
	nb_buf_release(&cmd);
	nb_buf_release(&hook);
	nb_buf_release(&maint_path);
}

/* Runs a command in the operator's clone; its status, its output in *out. */
static int in_work(struct e2e *e, char **out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int in_work(struct e2e *e, char **out, const char *fmt, ...)
{
	struct nb_buf cmd = NB_BUF_INIT;
	va_list ap;
	int rc;

	nb_buf_printf(&cmd, "cd '%s' && { ", e->work.dir);
	va_start(ap, fmt);
	nb_buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	nb_buf_puts(&cmd, "; } 2>&1");
	rc = sh(cmd.ptr, out);
	nb_buf_release(&cmd);
	return rc;
}

#define COMMIT "git add -A && git -c user.name=Ann -c user.email=a@x commit -qm"

static void expect_push(struct e2e *e, const char *refs, int accepted, const char *const *parts)
{
	char *out = NULL;
	int rc = in_work(e, &out, "git push -q origin %s", refs);

	if ((rc == 0) != accepted)
		fail_msg("git push origin %s: status %d:\n%s", refs, rc, out);
	for (; *parts; parts++)
		if (!strstr(out, *parts))
			fail_msg("git push origin %s: no '%s' in:\n%s", refs, *parts, out);
	free(out);
}

/* The pre-receive hook checks the branch the site is built from, and only it. */
static void test_pre_receive_checks_the_site_branch(void **state)
{
	static const char broken[] = "---\ntitle: Broken\nservers: [SCROOG]\nstatus: investigating\n"
				     "---\nWork in progress.\n";
	struct e2e *e = *state;
	struct fx_repo w = { e->work.dir, NULL };
	struct nb_buf cmd = NB_BUF_INIT;
	char *before = NULL, *after = NULL;

	nb_buf_printf(&cmd, "git init -q --bare '%s' && git --git-dir='%s' symbolic-ref HEAD "
		      "refs/heads/main && git clone -q '%s' '%s' 2>/dev/null", e->server.dir,
		      e->server.dir, e->server.dir, e->work.dir);
	assert_int_equal(sh(cmd.ptr, NULL), 0);
	{
		const char *pre[] = { "hooks", "install", "--repo", e->server.dir, "--pre-receive", NULL };

		nocblog(pre, 0);
	}
	fx_write(&w, "content/site.yaml", fx_site_yaml);
	fx_write(&w, "content/2024/mail.md", "---\ntitle: Mail delays\nservers: [SCROOGE]\n"
		 "status: investigating\n---\nMail is slow.\n");
	assert_int_equal(in_work(e, NULL, "git checkout -q -b main && " COMMIT " first"), 0);
	{
		const char *parts[] = { "nocblog: checking main, the branch the site is built from",
					NULL };

		expect_push(e, "main", 1, parts);
	}
	/* a work-in-progress branch goes through, unchecked, and says so */
	fx_write(&w, "content/2024/broken.md", broken);
	assert_int_equal(in_work(e, NULL, "git checkout -q -b wip && " COMMIT " wip"), 0);
	{
		const char *parts[] = { "nocblog: wip not checked: the site is built from main", NULL };

		expect_push(e, "wip", 1, parts);
	}
	/* both branches in one push: main checked, wip not */
	fx_write(&w, "content/2024/broken.md", "---\ntitle: Still broken\n");
	assert_int_equal(in_work(e, NULL, COMMIT " more && git checkout -q main"), 0);
	fx_write(&w, "content/2024/mail.md", "---\ntitle: Mail delays\nservers: [SCROOGE]\n"
		 "status: resolved\n---\nMail is slow.\n\nUpdate: Mail flows again.\n");
	assert_int_equal(in_work(e, NULL, COMMIT " resolved"), 0);
	{
		const char *parts[] = { "nocblog: checking main, the branch the site is built from",
					"nocblog: wip not checked: the site is built from main", NULL };

		expect_push(e, "main wip", 1, parts);
	}
	/* the broken work merged into main: refused, main stays where it was */
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "git --git-dir='%s' rev-parse main", e->server.dir);
	assert_int_equal(sh(cmd.ptr, &before), 0);
	assert_int_equal(in_work(e, NULL, "git -c user.name=Ann -c user.email=a@x merge -q "
				 "--no-edit wip"), 0);
	{
		const char *parts[] = { "nocblog: checking main", "content/2024/broken.md:",
					"nocblog: push to refs/heads/main refused", NULL };

		expect_push(e, "main", 0, parts);
	}
	assert_int_equal(sh(cmd.ptr, &after), 0);
	assert_string_equal(before, after);
	free(before);
	free(after);
	nb_buf_release(&cmd);
}

/* Runs nocblog, expecting status want and every part in its output. */
static void expect_run(const char *const *args, int want, const char *const *parts)
{
	char *out = NULL;
	int status = fx_run(&out, args);

	if (status != want)
		fail_msg("nocblog %s: status %d, wanted %d:\n%s", args[0], status, want, out);
	for (; *parts; parts++)
		if (!strstr(out, *parts))
			fail_msg("nocblog %s: no '%s' in:\n%s", args[0], *parts, out);
	free(out);
}

/* What git status says of a work tree, untracked files one by one. */
static char *git_status(const char *dir)
{
	struct nb_buf cmd = NB_BUF_INIT;
	char *out = NULL;

	nb_buf_printf(&cmd, "git -C '%s' status --porcelain --untracked-files=all 2>&1", dir);
	assert_int_equal(sh(cmd.ptr, &out), 0);
	nb_buf_release(&cmd);
	return out;
}

/* nocblog init, then the operator's first notice, built with nothing left untracked. */
static void test_init(void **state)
{
	char top[] = "/tmp/nocblog-init-XXXXXX";
	struct nb_buf path = NB_BUF_INIT, out = NB_BUF_INIT, dir = NB_BUF_INIT;
	struct e2e *e = &(struct e2e){ .work.dir = NULL };
	struct fx_repo w = { NULL, NULL };
	char *text = NULL;
	struct stat st;

	(void)state;
	/* not below the other tests' folder, which is a repository */
	assert_non_null(mkdtemp(top));
	nb_buf_printf(&dir, "%s/noc", top);
	e->work.dir = dir.ptr;
	w.dir = dir.ptr;

	{
		const char *init[] = { "init", e->work.dir, NULL };
		const char *made[] = { "made a git repository in", "content/site.yaml",
				       "/.gitignore", "/.git/hooks/pre-commit", "next: ", NULL };
		const char *again[] = { "content/site.yaml: content/site.yaml exists; nocblog init "
					"overwrites nothing \u2014 ", NULL };

		/* a folder that does not exist yet */
		expect_run(init, 0, made);
		expect_run(init, 1, again);
	}
	text = fx_slurp_at(e->work.dir, ".gitignore");
	assert_string_equal(text, "# what nocblog build writes beside the content (never committed)\n"
			    "/out/\n/out.lock\n/out.stage/\n");
	free(text);
	nb_buf_printf(&path, "%s/.git/hooks/pre-commit", e->work.dir);
	assert_int_equal(stat(path.ptr, &st), 0);
	assert_true(st.st_mode & S_IXUSR);
	{
		const char *new_args[] = { "new", "--repo", e->work.dir, "--server", "MAIL",
					   "Mail is slow", NULL };

		assert_int_equal(fx_run(&text, new_args), 0);
		nb_buf_truncate(&path, 0);
		nb_buf_printf(&path, "%s/%.*s", e->work.dir, (int)strcspn(text, "\n"), text);
		free(text);
		fill_in(path.ptr, "Mail to MAIL1 waits in the queue.");
	}
	/* committed with libgit2, built twice (out.stage/ and out.lock are left then) */
	git_libgit2_init();
	assert_int_equal(git_repository_open(&w.repo, e->work.dir), 0);
	fx_commit(&w, "first notice", fx_utc(2024, 5, 1, 12, 0), 0);
	{
		const char *build[] = { "build", "--repo", e->work.dir, NULL };
		const char *built[] = { "nocblog: 1 notice, ", NULL };

		const char *built2[] = { "nocblog: 2 notices, ", NULL };

		expect_run(build, 0, built);
		fx_write(&w, "content/2024/queue.md", "---\ntitle: Queue\nservers: [MAIL1]\n"
			 "status: resolved\n---\nThe queue is empty.\n");
		fx_commit(&w, "second notice", fx_utc(2024, 5, 1, 13, 0), 0);
		expect_run(build, 0, built2);
	}
	nb_buf_printf(&out, "%s/out.stage/index.html", e->work.dir);
	assert_int_equal(stat(out.ptr, &st), 0);
	nb_buf_truncate(&out, 0);
	nb_buf_printf(&out, "%s/out.lock", e->work.dir);
	assert_int_equal(stat(out.ptr, &st), 0);
	text = git_status(e->work.dir);
	if (*text)
		fail_msg("git status after a build:\n%s", text);
	free(text);
	/* and nothing of the build was committed by the second commit */
	nb_buf_truncate(&path, 0);
	nb_buf_printf(&path, "git -C '%s' ls-files", e->work.dir);
	assert_int_equal(sh(path.ptr, &text), 0);
	if (strncmp(text, ".gitignore\n", 11) != 0 || !strstr(text, "\ncontent/site.yaml\n") ||
	    fx_count_lines(text) != 4 || strstr(text, "out"))
		fail_msg("committed:\n%s", text);
	free(text);
	git_repository_free(w.repo);
	git_libgit2_shutdown();
	nb_buf_truncate(&path, 0);
	nb_buf_printf(&path, "rm -rf '%s'", top);
	assert_int_equal(sh(path.ptr, NULL), 0);
	nb_buf_release(&path);
	nb_buf_release(&out);
	nb_buf_release(&dir);
}

/* nocblog init in a repository that has no site yet, and where it must refuse. */
static void test_init_existing(void **state)
{
	struct fx_repo r, f;
	struct nb_buf sub = NB_BUF_INIT;
	char *text = NULL;

	(void)state;
	fx_repo_init(&r);
	fx_write(&r, ".gitignore", "*.tmp\nout/");
	{
		const char *init[] = { "init", r.dir, NULL };
		char *out = NULL;

		setenv("TZ", "Europe/Berlin", 1);
		assert_int_equal(fx_run(&out, init), 0);
		unsetenv("TZ");
		/* the repository is used, not made; out/ was ignored already */
		if (strstr(out, "made a git repository") ||
		    !strstr(out, "added out/, out.lock and out.stage/ to"))
			fail_msg("init in a repository:\n%s", out);
		free(out);
	}
	text = fx_slurp_at(r.dir, ".gitignore");
	assert_string_equal(text, "*.tmp\nout/\n"
			    "# what nocblog build writes beside the content (never committed)\n"
			    "/out.lock\n/out.stage/\n");
	free(text);
	text = fx_slurp_at(r.dir, "content/site.yaml");
	assert_non_null(strstr(text, "\ntimezone: Europe/Berlin "));
	free(text);
	{
		const char *check[] = { "check", "--repo", r.dir, "--worktree", NULL };
		const char *none[] = { NULL };

		expect_run(check, 0, none);
	}
	/* inside another repository's work tree */
	nb_buf_printf(&sub, "%s/sub/site", r.dir);
	{
		const char *init[] = { "init", sub.ptr, NULL };
		const char *inside[] = { "the folder is inside the git repository at", NULL };

		expect_run(init, 1, inside);
	}
	/* a pre-commit hook of someone else's: refused before anything is written */
	fx_repo_init(&f);
	fx_write(&f, ".git/hooks/pre-commit", "#!/bin/sh\necho mine\n");
	{
		const char *init[] = { "init", f.dir, NULL };
		const char *foreign[] = { "/.git/hooks/pre-commit: a pre-commit hook that is not "
					  "nocblog's is there \u2014 rename it", NULL };

		expect_run(init, 1, foreign);
	}
	assert_null(fx_slurp_at(f.dir, "content/site.yaml"));
	assert_null(fx_slurp_at(f.dir, ".gitignore"));
	text = fx_slurp_at(f.dir, ".git/hooks/pre-commit");
	assert_string_equal(text, "#!/bin/sh\necho mine\n");
	free(text);
	nb_buf_release(&sub);
	fx_repo_free(&f);
	fx_repo_free(&r);
}

/* The short options, through the binary. */
static void test_short_options(void **state)
{
	struct e2e *e = *state;
	struct nb_buf theme = NB_BUF_INIT, out = NB_BUF_INIT, out2 = NB_BUF_INIT, page = NB_BUF_INIT;
	struct fx_repo r;
	char *text = NULL;

	fx_repo_init(&r);
	fx_write(&r, "content/site.yaml", fx_site_yaml);
	fx_write(&r, "content/2024/mail.md", "---\ntitle: Mail delays\nservers: [SCROOGE]\n"
		 "status: resolved\n---\nMail was slow.\n");
	fx_commit(&r, "add", fx_utc(2024, 5, 1, 12, 0), 0);
	nb_buf_printf(&theme, "%s/themes/default", fx_srcdir());
	nb_buf_printf(&out, "%s/site", e->top.dir);
	nb_buf_printf(&out2, "%s/site2", e->top.dir);
	nb_buf_printf(&page, "%s/2024/05/mail/index.html", out.ptr);
	{
		const char *version[] = { "-V", NULL }, *long_version[] = { "--version", NULL };
		const char *help[] = { "-h", NULL }, *build_help[] = { "build", "-h", NULL };
		const char *new_help[] = { "new", "-h", NULL }, *hooks_help[] = { "hooks", "-h", NULL };
		const char *quiet[] = { "build", "--repo", r.dir, "-q", "-o", out.ptr, "-t", theme.ptr,
					NULL };
		const char *loud[] = { "build", "--repo", r.dir, "-o", out2.ptr, "-t", theme.ptr, NULL };
		const char *check_q[] = { "check", "--repo", r.dir, "-q", NULL };
		const char *check_o[] = { "check", "--repo", r.dir, "-o", out.ptr, NULL };
		const char *history_t[] = { "history", "--repo", r.dir, "-t", theme.ptr, NULL };

		assert_int_equal(fx_run(&text, version), 0);
		assert_int_equal(strncmp(text, "nocblog ", 8), 0);
		assert_int_equal(fx_count_lines(text), 1);
		free(text);
		assert_int_equal(fx_run(&text, long_version), 0);
		assert_int_equal(strncmp(text, "nocblog ", 8), 0);
		free(text);
		assert_int_equal(fx_run(&text, help), 0);
		assert_int_equal(strncmp(text, "usage: ", 7), 0);
		assert_non_null(strstr(text, "[-q|--quiet]"));
		free(text);
		nocblog(build_help, 0);
		nocblog(new_help, 0);
		nocblog(hooks_help, 0);
		/* -q: nothing printed; -o and -t: the folder and theme given */
		assert_int_equal(fx_run(&text, quiet), 0);
		assert_string_equal(text, "");
		free(text);
		text = fx_slurp(page.ptr);
		assert_non_null(text);
		free(text);
		assert_int_equal(fx_run(&text, loud), 0);
		if (!strstr(text, "nocblog: 1 notice, "))
			fail_msg("no summary line:\n%s", text);
		free(text);
		/* options of build are not check's or history's */
		assert_int_equal(fx_run(&text, check_q), 2);
		assert_non_null(strstr(text, "nocblog: check has no option --quiet"));
		free(text);
		assert_int_equal(fx_run(&text, check_o), 2);
		assert_non_null(strstr(text, "nocblog: check has no option --out"));
		free(text);
		assert_int_equal(fx_run(&text, history_t), 2);
		assert_non_null(strstr(text, "nocblog: history has no option --theme"));
		free(text);
	}
	nb_buf_release(&theme);
	nb_buf_release(&out);
	nb_buf_release(&out2);
	nb_buf_release(&page);
	fx_repo_free(&r);
}

static void test_install(void **state)
{
	struct e2e *e = *state;
	struct nb_buf cmd = NB_BUF_INIT;
	char *out = NULL;

	/* into a prefix; the installed binary finds its theme there */
	nb_buf_printf(&cmd, "make -s -C '%s' install PREFIX='%s/prefix' 2>&1", fx_srcdir(), e->top.dir);
	if (sh(cmd.ptr, &out) != 0)
		fail_msg("make install failed:\n%s", out);
	free(out);
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "git init -q '%s' && mkdir -p '%s/content' && cp -r '%s/content/.' "
		      "'%s/content/' && cd '%s' && git add -A && git -c user.name=Ann -c user.email=a@x "
		      "commit -qm sample && '%s/prefix/bin/nocblog' build --quiet --out '%s/site' 2>&1",
		      e->work.dir, e->work.dir, fx_srcdir(), e->work.dir, e->work.dir, e->top.dir,
		      e->top.dir);
	if (sh(cmd.ptr, &out) != 0)
		fail_msg("the installed nocblog could not build:\n%s", out);
	free(out);
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "%s/site/servers/SCROOGE/index.html", e->top.dir);
	out = fx_slurp(cmd.ptr);
	assert_non_null(out);
	free(out);
	/* the manual page renders without a warning */
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "groff -ww -mandoc -Tutf8 '%s/prefix/share/man/man1/nocblog.1' 2>&1 "
		      ">/dev/null", e->top.dir);
	assert_int_equal(sh(cmd.ptr, &out), 0);
	if (*out)
		fail_msg("groff warns:\n%s", out);
	free(out);
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "MANWIDTH=80 man -l '%s/prefix/share/man/man1/nocblog.1' 2>&1", e->top.dir);
	assert_int_equal(sh(cmd.ptr, &out), 0);
	assert_non_null(strstr(out, "hooks install"));
	free(out);
	nb_buf_release(&cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_operator_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_and_pre_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pre_receive_checks_the_site_branch, setup, teardown),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_init_existing),
		cmocka_unit_test_setup_teardown(test_short_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install, setup, teardown),
	};

	return cmocka_run_group_tests_name("e2e", tests, NULL, NULL);
}
