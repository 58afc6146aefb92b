/*
 * Notifications: a webhook receiver and a WebSub hub (tests/receiver.py,
 * on 127.0.0.1) hear of a sequence of pushes (a notice opened, an update,
 * an edit, a resolution, a rebuild of the same commit, an amend built as a
 * force-push would be, a receiver that fails once, one that is down): each
 * event arrives once, in order, signed, and only once the site holding it
 * is live; the build's exit status never depends on a receiver.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "buf.h"
#include "fixture.h"
#include "util.h"

#define EDT (-240)
#define SECRET "correct horse battery staple"
#define HOST "tag:noc.example.com,2010-10-20:/content/2010/scrooge-mail.md/"
#define HOST2 "tag:noc.example.com,2010-10-21:/content/2010/scrooge-mail.md/"

struct receiver {
	pid_t pid;
	int port;
	char *log;
};

/* A server the test starts holds none of the test's output open (a test
 * that fails before stopping it must not keep its reader waiting). */
static void quiet_child(void)
{
	int null = open("/dev/null", O_WRONLY);

	if (null >= 0) {
		dup2(null, 1);
		dup2(null, 2);
		close(null);
	}
}

static void start_receiver(struct receiver *rc, const char *dir, const char *site)
{
	struct nb_buf log = NB_BUF_INIT, portfile = NB_BUF_INIT, script = NB_BUF_INIT;
	char *port = NULL;
	int i;

	nb_buf_printf(&log, "%s/received", dir);
	nb_buf_printf(&portfile, "%s/port", dir);
	nb_buf_printf(&script, "%s/tests/receiver.py", fx_srcdir());
	rc->pid = fork();
	if (rc->pid < 0)
		fail_msg("fork");
	if (rc->pid == 0) {
		quiet_child();
		execl("/usr/bin/python3", "python3", script.ptr, log.ptr, portfile.ptr, site,
		      (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && !(port = fx_slurp(portfile.ptr)); i++)
		usleep(50000);
	if (!port)
		fail_msg("the receiver did not start");
	rc->port = atoi(port);
	rc->log = nb_buf_detach(&log);
	free(port);
	nb_buf_release(&portfile);
	nb_buf_release(&script);
}

static void stop_receiver(struct receiver *rc)
{
	kill(rc->pid, SIGTERM);
	waitpid(rc->pid, NULL, 0);
	free(rc->log);
}

/* What the receiver has had, in order: an array of {path, headers, body,
 * live}. */
static json_t *received(const struct receiver *rc)
{
	json_t *all = json_array();
	char *text = fx_slurp(rc->log), *line, *next;

	for (line = text; line && *line; line = next) {
		json_error_t err;
		json_t *v;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		v = json_loads(line, 0, &err);
		if (!v)
			fail_msg("the receiver's log: %s", err.text);
		json_array_append_new(all, v);
	}
	free(text);
	return all;
}

static const char *field(const json_t *v, const char *key)
{
	const char *s = json_string_value(json_object_get(v, key));

	return s ? s : "";
}

/* The deliveries to one path, as "id" lines (nocblog's JSON) or the first
 * line of the text (Slack's), in order. */
static char *deliveries(const struct receiver *rc, const char *path)
{
	json_t *all = received(rc), *v;
	struct nb_buf out = NB_BUF_INIT;
	size_t i;

	json_array_foreach(all, i, v) {
		json_t *body;
		const char *text;

		if (strcmp(field(v, "path"), path) != 0)
			continue;
		body = json_loads(field(v, "body"), 0, NULL);
		if (!body)
			fail_msg("a body that is not JSON: %s", field(v, "body"));
		if (json_object_get(body, "id"))
			nb_buf_printf(&out, "%s\n", field(body, "id"));
		else if (json_object_get(body, "@type"))
			nb_buf_printf(&out, "%s\n", field(body, "title"));
		else if ((text = field(body, "text")) != NULL)
			nb_buf_printf(&out, "%.*s\n", (int)strcspn(text, "\n"), text);
		json_decref(body);
	}
	json_decref(all);
	if (!out.len)
		nb_buf_puts(&out, "");
	return nb_buf_detach(&out);
}

static void expect_text(const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail_msg("got:\n%s\nwanted:\n%s", got, want);
}

static void site_yaml(struct fx_repo *r, int port)
{
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "%snotify:\n"
		      "  hub: http://127.0.0.1:%d/hub\n"
		      "  webhooks:\n"
		      "    - url: http://127.0.0.1:%d/hook\n"
		      "      secret_file: %s.secret\n"
		      "    - url_env: NB_TEST_SLACK_URL\n"
		      "      format: slack\n"
		      "      servers: [SCROOGE]\n"
		      "    - url: http://127.0.0.1:%d/teams\n"
		      "      format: teams\n"
		      "      servers: [LOUIE]\n",
		      fx_site_yaml, port, port, r->dir, port);
	fx_write(r, "content/site.yaml", b.ptr);
	nb_buf_release(&b);
}

static void notice(struct fx_repo *r, const char *status, const char *updates)
{
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "---\ntitle: SCROOGE mail delayed\nservers: [SCROOGE]\n"
		      "severity: major\nstatus: %s\n---\nMail to SCROOGE is delayed.\n%s",
		      status, updates);
	fx_write(r, "content/2010/scrooge-mail.md", b.ptr);
	nb_buf_release(&b);
}

static int build_says(struct fx_repo *r, const char *out, char **said)
{
	const char *args[] = { "build", "--repo", r->dir, "--out", out, "--theme", NULL, NULL };
	struct nb_buf theme = NB_BUF_INIT;
	int rc;

	nb_buf_printf(&theme, "%s/themes/default", fx_srcdir());
	args[6] = theme.ptr;
	rc = fx_run(said, args);
	nb_buf_release(&theme);
	return rc;
}

/* Builds; the build succeeds whatever the receivers do. */
static char *build(struct fx_repo *r, const char *out)
{
	char *said = NULL;
	int rc = build_says(r, out, &said);

	if (rc != 0)
		fail_msg("build failed (%d):\n%s", rc, said);
	return said;
}

/* Every JSON delivery is signed: the header is HMAC-SHA256 of its body. */
static void check_signatures(const struct receiver *rc)
{
	json_t *all = received(rc), *v;
	size_t i, n = 0;

	json_array_foreach(all, i, v) {
		const char *body = field(v, "body");
		const char *sig = field(json_object_get(v, "headers"), "X-Nocblog-Signature-256");
		unsigned char mac[EVP_MAX_MD_SIZE];
		unsigned len = 0, k;
		struct nb_buf want = NB_BUF_INIT;

		if (strcmp(field(v, "path"), "/hook") != 0)
			continue;
		HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET), (const unsigned char *)body,
		     strlen(body), mac, &len);
		nb_buf_puts(&want, "sha256=");
		for (k = 0; k < len; k++)
			nb_buf_printf(&want, "%02x", mac[k]);
		if (strcmp(sig, want.ptr) != 0)
			fail_msg("signature '%s', wanted '%s'", sig, want.ptr);
		nb_buf_release(&want);
		n++;
	}
	assert_true(n > 0);
	json_decref(all);
}

/* Every delivery came when the live site already showed its event. */
static void check_live_first(const struct receiver *rc)
{
	json_t *all = received(rc), *v;
	size_t i;

	json_array_foreach(all, i, v) {
		json_t *body;
		const char *id;

		if (strcmp(field(v, "path"), "/hook") != 0)
			continue;
		body = json_loads(field(v, "body"), 0, NULL);
		id = field(body, "id");
		if (!strstr(field(v, "live"), id))
			fail_msg("%s was told before the site showed it", id);
		json_decref(body);
	}
	json_decref(all);
}

/* A repository whose site.yaml names the receiver's webhooks and hub,
 * with an old notice, built once: the first build tells nothing. */
struct world {
	struct fx_repo r;
	struct receiver rc;
	char *out;
};

static int world_up(void **state)
{
	struct world *w = nb_calloc(1, sizeof(*w));
	struct nb_buf out = NB_BUF_INIT, slack = NB_BUF_INIT, secret = NB_BUF_INIT;
	char *said, *got;
	FILE *f;

	fx_repo_init(&w->r);
	nb_buf_printf(&out, "%s/out", w->r.dir);
	w->out = nb_buf_detach(&out);
	start_receiver(&w->rc, w->r.dir, w->out);
	*state = w;
	/* the signing key in a file outside the repository, with the newline
	 * an editor leaves */
	nb_buf_printf(&secret, "%s.secret", w->r.dir);
	f = fopen(secret.ptr, "w");
	assert_non_null(f);
	fputs(SECRET "\n", f);
	fclose(f);
	nb_buf_release(&secret);
	nb_buf_printf(&slack, "http://127.0.0.1:%d/flaky", w->rc.port);
	setenv("NB_TEST_SLACK_URL", slack.ptr, 1);
	nb_buf_release(&slack);
	site_yaml(&w->r, w->rc.port);
	fx_write(&w->r, "content/2010/old.md", "---\ntitle: LOUIE old\nservers: [LOUIE]\n"
		 "status: resolved\n---\nLong ago.\n");
	fx_commit(&w->r, "site", fx_utc(2010, 10, 20, 12, 0), EDT);
	said = build(&w->r, w->out);
	assert_non_null(strstr(said, "notifications start from this commit"));
	free(said);
	got = deliveries(&w->rc, "/hook");
	expect_text(got, "");
	free(got);
	return 0;
}

static int world_down(void **state)
{
	struct world *w = *state;
	struct nb_buf secret = NB_BUF_INIT;

	nb_buf_printf(&secret, "%s.secret", w->r.dir);
	unlink(secret.ptr);
	nb_buf_release(&secret);
	stop_receiver(&w->rc);
	fx_repo_free(&w->r);
	free(w->out);
	free(w);
	return 0;
}

static void test_exactly_once(void **state)
{
	struct world *w = *state;
	struct fx_repo r = w->r;
	struct receiver rc = w->rc;
	const char *out = w->out;
	char *said, *got;
	const char *amend[] = { "commit", "-q", "--amend", "-m", "resolved, amended", NULL };

	/* opened: the Slack receiver fails this once */
	notice(&r, "investigating", "");
	fx_commit(&r, "open", fx_utc(2010, 10, 20, 14, 0), EDT);
	said = build(&r, out);
	assert_non_null(strstr(said, "webhook 2 (site.yaml line"));
	assert_non_null(strstr(said, "answered HTTP 500"));
	free(said);

	/* an update: Slack has the opening first, then the update */
	notice(&r, "identified", "\nUpdate 10:20 AM: The queue is draining.\n");
	fx_commit(&r, "update", fx_utc(2010, 10, 20, 14, 30), EDT);
	free(build(&r, out));

	/* the same commit again (a retried hook): nothing */
	free(build(&r, out));

	/* an edit of the update: no news */
	notice(&r, "identified", "\nUpdate 10:20 AM: The queue is draining fast.\n");
	fx_commit(&r, "typo", fx_utc(2010, 10, 20, 14, 40), EDT);
	free(build(&r, out));

	/* resolved, then amended (a force-push): told once */
	notice(&r, "resolved", "\nUpdate 10:20 AM: The queue is draining fast.\n");
	fx_commit(&r, "resolved", fx_utc(2010, 10, 20, 15, 0), EDT);
	free(build(&r, out));
	assert_int_equal(fx_git(&r, fx_utc(2010, 10, 20, 15, 5), amend), 0);
	free(build(&r, out));

	got = deliveries(&rc, "/hook");
	expect_text(got, HOST "opened\n"
		    HOST "update/20101020T143000Z-1\n"
		    HOST "status/identified-1\n"
		    HOST "status/resolved-1\n");
	free(got);
	got = deliveries(&rc, "/flaky");
	/* the failed try, then each once, in order */
	expect_text(got, "*SCROOGE mail delayed \u2014 opened*\n"
		    "*SCROOGE mail delayed \u2014 opened*\n"
		    "*SCROOGE mail delayed \u2014 update Wed 20 Oct 2010, 10:20 EDT*\n"
		    "*SCROOGE mail delayed \u2014 identified*\n"
		    "*SCROOGE mail delayed \u2014 resolved*\n");
	free(got);
	/* scoped to LOUIE: none of SCROOGE's news */
	got = deliveries(&rc, "/teams");
	expect_text(got, "");
	free(got);
	check_signatures(&rc);
	check_live_first(&rc);

}

/* Runs nocblog with args in the repository; its status, its output in *said. */
static int run(struct fx_repo *r, char **said, const char *const *args)
{
	const char *argv[16];
	size_t i, n = 0;

	argv[n++] = args[0];
	argv[n++] = "--repo";
	argv[n++] = r->dir;
	for (i = 1; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return fx_run(said, argv);
}

/*
 * A receiver that is down: the build still publishes and exits 0, says
 * what failed, and tries the same delivery again at each build, in order,
 * until it gives up after NB_NOTIFY_TRIES (5) tries; the others are told.
 */
static void test_receiver_down(void **state)
{
	struct world *w = *state;
	struct nb_buf yaml = NB_BUF_INIT, path = NB_BUF_INIT, thread = NB_BUF_INIT;
	char *said, *got, *page;
	int i;

	nb_buf_printf(&path, "%s/content/site.yaml", w->r.dir);
	page = fx_slurp(path.ptr);
	nb_buf_printf(&yaml, "%s    - url: http://127.0.0.1:%d/down\n", page, w->rc.port);
	free(page);
	fx_write(&w->r, "content/site.yaml", yaml.ptr);
	notice(&w->r, "investigating", "");
	fx_commit(&w->r, "open", fx_utc(2010, 10, 21, 9, 0), EDT);
	said = build(&w->r, w->out);
	if (!strstr(said, "webhook 4 (site.yaml line 20): answered HTTP 503; the next build tries again"))
		fail_msg("the build said:\n%s", said);
	free(said);
	nb_buf_truncate(&path, 0);
	nb_buf_printf(&path, "%s/index.html", w->out);
	page = fx_slurp(path.ptr);
	assert_non_null(strstr(page, "SCROOGE mail delayed"));
	free(page);
	for (i = 1; i <= 4; i++) {
		nb_buf_printf(&thread, "\nUpdate: Still delayed (%d).\n", i);
		notice(&w->r, "identified", thread.ptr);
		fx_commit(&w->r, "update", fx_utc(2010, 10, 21, 9, 10 * i), EDT);
		said = build(&w->r, w->out);
		if (i == 4 && !strstr(said, "webhook 4 (site.yaml line 20): gave up on " HOST2
				      "opened after 5 tries: answered HTTP 503"))
			fail_msg("the build said:\n%s", said);
		free(said);
	}
	/* /down had "opened" five times, then the first update once */
	got = deliveries(&w->rc, "/down");
	expect_text(got, HOST2 "opened\n" HOST2 "opened\n" HOST2 "opened\n" HOST2 "opened\n"
		    HOST2 "opened\n" HOST2 "update/20101021T091000Z-1\n");
	free(got);
	/* the others heard of everything once */
	got = deliveries(&w->rc, "/hook");
	expect_text(got, HOST2 "opened\n"
		    HOST2 "update/20101021T091000Z-1\n" HOST2 "status/identified-1\n"
		    HOST2 "update/20101021T092000Z-1\n"
		    HOST2 "update/20101021T093000Z-1\n"
		    HOST2 "update/20101021T094000Z-1\n");
	free(got);
	nb_buf_release(&yaml);
	nb_buf_release(&path);
	nb_buf_release(&thread);
}

/* What would be told, before any channel is tried. */
static void test_dry_run(void **state)
{
	struct world *w = *state;
	const char *dry[] = { "notify", "--dry-run", NULL };
	const char *since[] = { "notify", "--dry-run", "--since", "HEAD~2", NULL };
	const char *bad[] = { "notify", "--since", "HEAD~1", NULL };
	char *said;

	notice(&w->r, "investigating", "");
	fx_commit(&w->r, "open", fx_utc(2010, 10, 21, 9, 0), EDT);
	notice(&w->r, "resolved", "\nUpdate: Fixed.\n");
	fx_commit(&w->r, "fixed", fx_utc(2010, 10, 21, 10, 0), EDT); /* 06:00 EDT */
	assert_int_equal(run(&w->r, &said, dry), 0);
	expect_text(said, HOST2 "opened\topened\tSCROOGE mail delayed \u2014 opened\n"
		    HOST2 "update/20101021T100000Z-1\tupdate\tSCROOGE mail delayed \u2014 "
		    "update Thu 21 Oct 2010, 06:00 EDT\n"
		    HOST2 "status/resolved-1\tstatus\tSCROOGE mail delayed \u2014 resolved\n");
	free(said);
	/* since the commit before the notice: the same three */
	assert_int_equal(run(&w->r, &said, since), 0);
	assert_int_equal(fx_count_lines(said), 3);
	free(said);
	free(build(&w->r, w->out));
	/* told: nothing left */
	assert_int_equal(run(&w->r, &said, dry), 0);
	expect_text(said, "");
	free(said);
	assert_int_equal(run(&w->r, &said, bad), 2);
	assert_non_null(strstr(said, "--since goes with --dry-run"));
	free(said);
}

/* site.yaml's notify: refuses a secret written in it and what it cannot
 * use, naming the line and the fix. */
static void test_config_errors(void **state)
{
	static const struct {
		const char *yaml, *want;
	} cases[] = {
		{ "    - url: https://hooks.example.com/x\n      secret: hunter2\n",
		  "site.yaml:12: a webhook's secret must not be written in site.yaml" },
		{ "    - url: https://hooks.example.com/x\n      format: discord\n",
		  "site.yaml:12: unknown webhook format 'discord'" },
		{ "    - url: https://hooks.example.com/x\n      servers: [SCROGE]\n",
		  "a webhook names server 'SCROGE', which is not declared" },
		{ "    - secret_env: X\n", "a webhook needs exactly one URL" },
		{ "    - url: ftp://hooks.example.com/x\n", "is not an http(s) URL" },
		{ "    - url: https://a.example.com/\n      urls: x\n", "did you mean 'url'?" },
	};
	const char *check[] = { "check", NULL };
	size_t i;

	(void)state;
	for (i = 0; i < NB_ARRAY_LEN(cases); i++) {
		struct fx_repo r;
		struct nb_buf yaml = NB_BUF_INIT;
		char *said = NULL;

		fx_repo_init(&r);
		nb_buf_printf(&yaml, "%snotify:\n  webhooks:\n%s", fx_site_yaml, cases[i].yaml);
		fx_write(&r, "content/site.yaml", yaml.ptr);
		fx_commit(&r, "site", fx_utc(2010, 10, 20, 12, 0), EDT);
		assert_int_equal(run(&r, &said, check), 1);
		if (!strstr(said, cases[i].want))
			fail_msg("case %zu said:\n%s", i, said);
		free(said);
		nb_buf_release(&yaml);
		fx_repo_free(&r);
	}
}

/* Fails unless the file rel below dir holds text. */
static void expect_in_file(const char *dir, const char *rel, const char *text)
{
	char *held = fx_slurp_at(dir, rel);

	if (!held || !strstr(held, text))
		fail_msg("%s does not hold %s", rel, text);
	free(held);
}

/* The hub's pings, their feed URLs in order ("https://.../atom.xml"). */
static char *pings(const struct receiver *rc)
{
	json_t *all = received(rc), *v;
	struct nb_buf out = NB_BUF_INIT;
	size_t i;

	json_array_foreach(all, i, v) {
		const char *body = field(v, "body");

		if (strcmp(field(v, "path"), "/hub") != 0)
			continue;
		if (strncmp(body, "hub.mode=publish&hub.url=", 25) != 0)
			fail_msg("a ping that is not hub.mode=publish: %s", body);
		nb_buf_printf(&out, "%s\n", body + 25);
	}
	json_decref(all);
	nb_buf_puts(&out, "");
	return nb_buf_detach(&out);
}

/*
 * WebSub: every feed names the hub, the Atom feeds still pass the schema,
 * feedparser finds the hub, JSON Feed lists it; a push pings the hub for
 * the feeds it changed: SCROOGE's and the site's, not LOUIE's.
 */
static void test_websub(void **state)
{
	struct world *w = *state;
	struct nb_buf cmd = NB_BUF_INIT, want = NB_BUF_INIT;
	char *said, *got;
	const char *feeds[] = { "atom.xml", "updates.xml", "servers/SCROOGE/atom.xml",
				"servers/LOUIE/updates.xml" };
	size_t i, before;

	nb_buf_printf(&want, "http://127.0.0.1:%d/hub", w->rc.port);
	for (i = 0; i < NB_ARRAY_LEN(feeds); i++) {
		nb_buf_truncate(&cmd, 0);
		nb_buf_printf(&cmd, "xmllint --noout --relaxng '%s/tests/data/schemas/atom-thr.rng' "
			      "'%s/%s' 2>&1 && /usr/bin/python3 -c 'import feedparser, sys; "
			      "d = feedparser.parse(sys.argv[1]); "
			      "print(\" \".join(l.href for l in d.feed.links if l.rel == \"hub\"))' "
			      "'%s/%s'", fx_srcdir(), w->out, feeds[i], w->out, feeds[i]);
		said = NULL;
		if (fx_sh(cmd.ptr, &said) != 0 || !strstr(said, want.ptr))
			fail_msg("%s: %s", feeds[i], said);
		free(said);
	}
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "<atom:link href=\"%s\" rel=\"hub\"/>", want.ptr);
	expect_in_file(w->out, "servers/SCROOGE/rss.xml", cmd.ptr);
	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "\"hubs\":[{\"type\":\"WebSub\",\"url\":\"%s\"}]", want.ptr);
	expect_in_file(w->out, "feed.json", cmd.ptr);

	got = pings(&w->rc);
	before = fx_count_lines(got);
	free(got);
	notice(&w->r, "investigating", "");
	fx_commit(&w->r, "open", fx_utc(2010, 10, 21, 9, 0), EDT);
	free(build(&w->r, w->out));
	got = pings(&w->rc);
	/* the feeds written anew, in path order, %-encoded */
	{
		const char *p = got;
		size_t k;

		for (k = 0; k < before; k++)
			p = strchr(p, '\n') + 1;
		expect_text(p,
			    "https%3A%2F%2Fnoc.example.com%2Fatom.xml\n"
			    "https%3A%2F%2Fnoc.example.com%2Ffeed.json\n"
			    "https%3A%2F%2Fnoc.example.com%2Frss.xml\n"
			    "https%3A%2F%2Fnoc.example.com%2Fservers%2FSCROOGE%2Fatom.xml\n"
			    "https%3A%2F%2Fnoc.example.com%2Fservers%2FSCROOGE%2Ffeed.json\n"
			    "https%3A%2F%2Fnoc.example.com%2Fservers%2FSCROOGE%2Frss.xml\n"
			    "https%3A%2F%2Fnoc.example.com%2Fservers%2FSCROOGE%2Fupdates.xml\n"
			    "https%3A%2F%2Fnoc.example.com%2Fupdates.xml\n");
	}
	free(got);
	nb_buf_release(&cmd);
	nb_buf_release(&want);
}

/* Commits the clone's work tree at `when` and pushes it (args: extra
 * push options); the push's output in *out. */
static int push(const char *work, int64_t when, const char *commit_opts, const char *push_opts,
		char **out)
{
	struct nb_buf cmd = NB_BUF_INIT;
	int rc;

	nb_buf_printf(&cmd, "cd '%s' && git add -A && ", work);
	/* an amend keeps its author time, as git does */
	if (!*commit_opts)
		nb_buf_printf(&cmd, "GIT_AUTHOR_DATE='@%lld +0000' ", (long long)when);
	nb_buf_printf(&cmd, "GIT_COMMITTER_DATE='@%lld +0000' git -c user.name='Ann Operator' "
		      "-c user.email=ann@noc.example commit -q %s -m notice && "
		      "git push -q %s origin HEAD:main 2>&1", (long long)when, commit_opts, push_opts);
	rc = fx_sh(cmd.ptr, out);
	nb_buf_release(&cmd);
	return rc;
}

/*
 * The same through git: a bare repository with nocblog's hooks, whose
 * post-receive build publishes and notifies; an operator's clone pushes
 * the site, a notice, an update, then amends the update and force-pushes,
 * then resolves.  The receiver hears of each event once, in order.
 */
static void test_pushes(void **state)
{
	struct fx_repo top;
	struct receiver rc;
	struct nb_buf server = NB_BUF_INIT, work = NB_BUF_INIT, www = NB_BUF_INIT;
	struct nb_buf cmd = NB_BUF_INIT, yaml = NB_BUF_INIT, path = NB_BUF_INIT;
	char *said = NULL, *got;
	const char *post[] = { "hooks", "install", "--repo", NULL, "--post-receive", NULL, NULL };
	const char *pre[] = { "hooks", "install", "--repo", NULL, "--pre-receive", NULL };

	(void)state;
	fx_repo_init(&top);
	nb_buf_printf(&server, "%s/server.git", top.dir);
	nb_buf_printf(&work, "%s/work", top.dir);
	nb_buf_printf(&www, "%s/www", top.dir);
	start_receiver(&rc, top.dir, www.ptr);
	nb_buf_printf(&cmd, "git init -q --bare -b main '%s' && git clone -q '%s' '%s' 2>/dev/null",
		      server.ptr, server.ptr, work.ptr);
	assert_int_equal(fx_sh(cmd.ptr, NULL), 0);
	pre[3] = post[3] = server.ptr;
	post[5] = www.ptr;
	assert_int_equal(fx_run(&said, pre), 0);
	free(said);
	assert_int_equal(fx_run(&said, post), 0);
	free(said);

	nb_buf_printf(&yaml, "%snotify:\n  webhooks:\n    - url: http://127.0.0.1:%d/hook\n",
		      fx_site_yaml, rc.port);
	nb_buf_printf(&path, "%s/content/site.yaml", work.ptr);
	nb_make_dirs(path.ptr, strlen(work.ptr));
	{
		FILE *f = fopen(path.ptr, "w");

		assert_non_null(f);
		fputs(yaml.ptr, f);
		fclose(f);
	}
	if (push(work.ptr, fx_utc(2010, 10, 20, 12, 0), "", "", &said) != 0)
		fail_msg("push: %s", said);
	free(said);
	nb_buf_truncate(&path, 0);
	nb_buf_printf(&path, "%s/content/2010/scrooge-mail.md", work.ptr);
	nb_make_dirs(path.ptr, strlen(work.ptr));
#define WRITE(text) do { FILE *f = fopen(path.ptr, "w"); assert_non_null(f); \
		fputs(text, f); fclose(f); } while (0)
	WRITE("---\ntitle: SCROOGE mail delayed\nservers: [SCROOGE]\nstatus: investigating\n---\n"
	      "Mail to SCROOGE is delayed.\n");
	assert_int_equal(push(work.ptr, fx_utc(2010, 10, 20, 14, 0), "", "", &said), 0);
	free(said);
	WRITE("---\ntitle: SCROOGE mail delayed\nservers: [SCROOGE]\nstatus: identified\n---\n"
	      "Mail to SCROOGE is delayed.\n\nUpdate: A disk is full.\n");
	assert_int_equal(push(work.ptr, fx_utc(2010, 10, 20, 14, 30), "", "", &said), 0);
	free(said);
	/* the update amended (its author time kept) and force-pushed */
	WRITE("---\ntitle: SCROOGE mail delayed\nservers: [SCROOGE]\nstatus: identified\n---\n"
	      "Mail to SCROOGE is delayed.\n\nUpdate: A disk on SCROOGE is full.\n");
	assert_int_equal(push(work.ptr, fx_utc(2010, 10, 20, 14, 35), "--amend",
			      "--force", &said), 0);
	free(said);
	WRITE("---\ntitle: SCROOGE mail delayed\nservers: [SCROOGE]\nstatus: resolved\n---\n"
	      "Mail to SCROOGE is delayed.\n\nUpdate: A disk on SCROOGE is full.\n");
	assert_int_equal(push(work.ptr, fx_utc(2010, 10, 20, 15, 0), "", "", &said), 0);
	free(said);
#undef WRITE

	got = deliveries(&rc, "/hook");
	/* the update and the status it set came in one commit: the update first */
	expect_text(got, HOST "opened\n" HOST "update/20101020T143000Z-1\n" HOST "status/identified-1\n"
		    HOST "status/resolved-1\n");
	free(got);
	check_live_first(&rc);
	stop_receiver(&rc);
	nb_buf_release(&server);
	nb_buf_release(&work);
	nb_buf_release(&www);
	nb_buf_release(&cmd);
	nb_buf_release(&yaml);
	nb_buf_release(&path);
	fx_repo_free(&top);
}

/*
 * E-mail: an SMTP server that requires STARTTLS and AUTH (tests/smtpsink.py,
 * aiosmtpd, with a certificate made for the test and trusted through
 * ca_file), two lists, one scoped to SCROOGE.  Each event is one message
 * per list, read back with Python's MIME parser: the subject (a title that
 * is not ASCII), List-Unsubscribe, the plain text and the HTML's link.
 */
static void test_email(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, yaml = NB_BUF_INIT, cmd = NB_BUF_INIT;
	struct nb_buf log = NB_BUF_INIT, portfile = NB_BUF_INIT;
	char *said = NULL, *port = NULL;
	pid_t sink;
	int i;

	(void)state;
	fx_repo_init(&r);
	nb_buf_printf(&out, "%s/out", r.dir);
	nb_buf_printf(&log, "%s/mail", r.dir);
	nb_buf_printf(&portfile, "%s/smtpport", r.dir);
	nb_buf_printf(&cmd, "cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 "
		      "-addext subjectAltName=IP:127.0.0.1 -days 2 -keyout key.pem -out cert.pem "
		      ">/dev/null 2>&1", r.dir);
	assert_int_equal(fx_sh(cmd.ptr, NULL), 0);
	setenv("NB_TEST_SMTP_PASSWORD", "open sesame", 1);
	sink = fork();
	if (sink == 0) {
		struct nb_buf script = NB_BUF_INIT, cert = NB_BUF_INIT, key = NB_BUF_INIT;

		nb_buf_printf(&script, "%s/tests/smtpsink.py", fx_srcdir());
		nb_buf_printf(&cert, "%s/cert.pem", r.dir);
		nb_buf_printf(&key, "%s/key.pem", r.dir);
		quiet_child();
		execl("/usr/bin/python3", "python3", script.ptr, log.ptr, portfile.ptr, cert.ptr,
		      key.ptr, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200 && !(port = fx_slurp(portfile.ptr)); i++)
		usleep(50000);
	if (!port) {
		kill(sink, SIGTERM);
		waitpid(sink, NULL, 0);
		fail_msg("the SMTP sink did not start");
	}
	nb_buf_printf(&yaml, "%snotify:\n  email:\n"
		      "    smtp: smtp://127.0.0.1:%s\n"
		      "    from: Test NOC <noc@example.com>\n"
		      "    user: noc\n"
		      "    password_env: NB_TEST_SMTP_PASSWORD\n"
		      "    ca_file: %s/cert.pem\n"
		      "    lists:\n"
		      "      - to: [partners@example.net, \"Ops <ops@example.org>\"]\n"
		      "      - to: scrooge-users@example.net\n"
		      "        servers: [SCROOGE]\n"
		      "        unsubscribe: https://noc.example.com/unsubscribe\n"
		      "      - to: louie-users@example.net\n"
		      "        servers: [LOUIE]\n", fx_site_yaml, port, r.dir);
	fx_write(&r, "content/site.yaml", yaml.ptr);
	fx_commit(&r, "site", fx_utc(2010, 10, 20, 12, 0), EDT);
	free(build(&r, out.ptr));
	fx_write(&r, "content/2010/scrooge-mail.md", "---\ntitle: SCROOGE délai\nservers: [SCROOGE]\n"
		 "status: investigating\n---\nMail to SCROOGE is late.\n");
	fx_commit(&r, "open", fx_utc(2010, 10, 20, 14, 0), EDT);
	free(build(&r, out.ptr));
	fx_write(&r, "content/2010/scrooge-mail.md", "---\ntitle: SCROOGE délai\nservers: [SCROOGE]\n"
		 "status: investigating\n---\nMail to SCROOGE is late.\n\n"
		 "Update 10:20 AM: The queue is draining.\n");
	fx_commit(&r, "update", fx_utc(2010, 10, 20, 14, 30), EDT);
	free(build(&r, out.ptr));
	free(build(&r, out.ptr));
	kill(sink, SIGTERM);
	waitpid(sink, NULL, 0);

	nb_buf_truncate(&cmd, 0);
	nb_buf_printf(&cmd, "/usr/bin/python3 '%s/tests/mailcheck.py' '%s'", fx_srcdir(), log.ptr);
	assert_int_equal(fx_sh(cmd.ptr, &said), 0);
	expect_text(said,
		"partners@example.net,ops@example.org | tls auth | SCROOGE d\u00e9lai \u2014 opened | "
		"<mailto:noc@example.com?subject=unsubscribe> | SCROOGE d\u00e9lai \u2014 opened | "
		"https://noc.example.com/2010/10/scrooge-mail/\n"
		"scrooge-users@example.net | tls auth | SCROOGE d\u00e9lai \u2014 opened | "
		"<https://noc.example.com/unsubscribe> | SCROOGE d\u00e9lai \u2014 opened | "
		"https://noc.example.com/2010/10/scrooge-mail/\n"
		"partners@example.net,ops@example.org | tls auth | SCROOGE d\u00e9lai \u2014 update "
		"Wed 20 Oct 2010, 10:20 EDT | <mailto:noc@example.com?subject=unsubscribe> | "
		"SCROOGE d\u00e9lai \u2014 update Wed 20 Oct 2010, 10:20 EDT | "
		"https://noc.example.com/2010/10/scrooge-mail/\n"
		"scrooge-users@example.net | tls auth | SCROOGE d\u00e9lai \u2014 update "
		"Wed 20 Oct 2010, 10:20 EDT | <https://noc.example.com/unsubscribe> | "
		"SCROOGE d\u00e9lai \u2014 update Wed 20 Oct 2010, 10:20 EDT | "
		"https://noc.example.com/2010/10/scrooge-mail/\n");
	free(said);
	free(port);
	nb_buf_release(&out);
	nb_buf_release(&yaml);
	nb_buf_release(&cmd);
	nb_buf_release(&log);
	nb_buf_release(&portfile);
	fx_repo_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exactly_once, world_up, world_down),
		cmocka_unit_test_setup_teardown(test_receiver_down, world_up, world_down),
		cmocka_unit_test_setup_teardown(test_dry_run, world_up, world_down),
		cmocka_unit_test_setup_teardown(test_websub, world_up, world_down),
		cmocka_unit_test(test_pushes),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_email),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
