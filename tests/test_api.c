/*
 * Status that tools read: api/v2/ checked against a schema written from
 * Statuspage's public API and field by field against what the fixture's
 * commits say; cState's index.json; JSON Feed; badges and their shields.io
 * endpoint JSON; ids that survive a rename; and real readers: Statuspage's
 * own status widget in Chromium, reading the site nginx serves, and the
 * badges as Chromium draws them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "badge.h"
#include "buf.h"
#include "fixture.h"
#include "util.h"

#define EDT (-240)

#define build fx_build

/* fixture.c's site (LOUIE a group with LOUIECAS3, SCROOGE), and DONALD,
 * whose name is not ASCII. */
#define DONALD "  DONALD:    {name: \"Dönald façade\"}\n"

static void write_incident(struct fx_repo *r, const char *path, const char *title,
			   const char *server, const char *severity, const char *status,
			   const char *rest)
{
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "---\ntitle: %s\nservers: [%s]\nkind: incident\nseverity: %s\n"
		      "status: %s\n---\nUsers of %s cannot reach their mail.\n%s",
		      title, server, severity, status, server, rest);
	fx_write(r, path, b.ptr);
	nb_buf_release(&b);
}

static void write_window(struct fx_repo *r, const char *path, const char *title,
			 const char *server, const char *status, const char *start,
			 const char *end)
{
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "---\ntitle: %s\nservers: [%s]\nkind: maintenance\nstatus: %s\n"
		      "window: {start: %s, end: %s}\n---\nWork on %s.\n",
		      title, server, status, start, end, server);
	fx_write(r, path, b.ptr);
	nb_buf_release(&b);
}

/*
 * 10/10 an old major outage of LOUIE, resolved two hours later; 10/14 two
 * windows announced (LOUIE on 10/30, DONALD on 10/15); 10/15 09:00 EDT a
 * critical incident on SCROOGE; 10:00 it is identified, with an update, a
 * minor one opens on LOUIECAS3 and DONALD's work starts; 11:30 LOUIECAS3's
 * is being monitored.
 */
static void fixture(struct fx_repo *r)
{
	struct nb_buf site = NB_BUF_INIT;

	fx_repo_init(r);
	nb_buf_printf(&site, "%s" DONALD, fx_site_yaml);
	fx_write(r, "content/site.yaml", site.ptr);
	nb_buf_release(&site);
	write_incident(r, "content/2010/old.md", "Old outage", "LOUIE", "major", "investigating", "");
	fx_commit(r, "old", fx_utc(2010, 10, 10, 12, 0), EDT);
	write_incident(r, "content/2010/old.md", "Old outage", "LOUIE", "major", "resolved",
		       "\nUpdate: fixed.\n");
	fx_commit(r, "old fixed", fx_utc(2010, 10, 10, 14, 0), EDT);
	write_window(r, "content/2010/later.md", "Later work", "LOUIE", "scheduled",
		     "2010-10-30T22:00-04:00", "2010-10-30T23:00-04:00");
	write_window(r, "content/2010/now.md", "Work now", "DONALD", "scheduled",
		     "2010-10-15T10:00-04:00", "2010-10-15T12:00-04:00");
	fx_commit(r, "windows", fx_utc(2010, 10, 14, 12, 0), EDT);
	write_incident(r, "content/2010/down.md", "SCROOGE down", "SCROOGE", "critical",
		       "investigating", "");
	fx_commit(r, "down", fx_utc(2010, 10, 15, 13, 0), EDT);
	write_incident(r, "content/2010/down.md", "SCROOGE down", "SCROOGE", "critical",
		       "identified", "\nUpdate: we found the failed disk.\n");
	write_incident(r, "content/2010/slow.md", "LOUIECAS3 slow", "LOUIECAS3", "minor",
		       "investigating", "");
	write_window(r, "content/2010/now.md", "Work now", "DONALD", "in-progress",
		     "2010-10-15T10:00-04:00", "2010-10-15T12:00-04:00");
	fx_commit(r, "identified", fx_utc(2010, 10, 15, 14, 0), EDT);
	write_incident(r, "content/2010/slow.md", "LOUIECAS3 slow", "LOUIECAS3", "minor",
		       "monitoring", "");
	fx_commit(r, "monitoring", fx_utc(2010, 10, 15, 15, 30), EDT);
}

/* ---- reading what was written ---- */

static json_t *load(const char *out, const char *rel)
{
	struct nb_buf p = NB_BUF_INIT;
	json_error_t err;
	json_t *v;

	nb_buf_printf(&p, "%s/%s", out, rel);
	v = json_load_file(p.ptr, JSON_REJECT_DUPLICATES, &err);
	if (!v)
		fail_msg("%s: line %d: %s", p.ptr, err.line, err.text);
	nb_buf_release(&p);
	return v;
}

/* The member at a path of keys and array indexes ("incidents.0.name"). */
static json_t *at(json_t *v, const char *path)
{
	char *copy = strdup(path), *save = NULL, *key;

	for (key = strtok_r(copy, ".", &save); key && v; key = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, (size_t)atoi(key)) : json_object_get(v, key);
	if (!v)
		fail_msg("no %s", path);
	free(copy);
	return v;
}

static void expect_str(json_t *v, const char *path, const char *want)
{
	json_t *got = at(v, path);

	if (!json_is_string(got) || strcmp(json_string_value(got), want) != 0) {
		char *text = json_dumps(got, JSON_ENCODE_ANY);

		fail_msg("%s: %s, wanted \"%s\"", path, text, want);
	}
}

static void expect_null(json_t *v, const char *path)
{
	if (!json_is_null(at(v, path)))
		fail_msg("%s is not null", path);
}

static size_t size_of(json_t *v, const char *path)
{
	json_t *a = at(v, path);

	if (!json_is_array(a))
		fail_msg("%s is not a list", path);
	return json_array_size(a);
}

/* Runs tests/apicheck.py over a site; returns its exit status, its output
 * in *out. */
static int apicheck(const char *site, char **out)
{
	struct nb_buf cmd = NB_BUF_INIT;
	const char *extra = getenv("NOCBLOG_JSONFEED_SCHEMA");
	int rc;

	nb_buf_printf(&cmd, "/usr/bin/python3 '%s/tests/apicheck.py' '%s'", fx_srcdir(), site);
	if (extra && *extra)
		nb_buf_printf(&cmd, " --jsonfeed-schema '%s'", extra);
	nb_buf_puts(&cmd, " 2>&1");
	rc = fx_sh(cmd.ptr, out);
	nb_buf_release(&cmd);
	return rc;
}

static void expect_valid(const char *site)
{
	char *out = NULL;

	if (apicheck(site, &out) != 0)
		fail_msg("apicheck.py %s:\n%s", site, out);
	free(out);
}

/* ---- the sample site ---- */

static void test_sample_site(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT;
	json_t *sum, *idx;
	size_t i;

	(void)state;
	fx_repo_init(&r);
	fx_copy_tree(&r, "content", "content");
	fx_commit(&r, "sample", fx_utc(2010, 11, 21, 12, 0), EDT);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	expect_valid(out.ptr);
	sum = load(out.ptr, "api/v2/summary.json");
	expect_str(sum, "page.name", "ExchangeDefender Network Operations");
	expect_str(sum, "page.url", "https://noc.example.com");
	expect_str(sum, "page.time_zone", "America/New_York");
	/* the last thing that happened: 11/20 06:00 EST */
	expect_str(sum, "page.updated_at", "2010-11-20T06:00:00.000-05:00");
	expect_str(sum, "status.indicator", "none");
	expect_str(sum, "status.description", "All Systems Operational");
	assert_int_equal(size_of(sum, "incidents"), 0);
	for (i = 0; i < size_of(sum, "components"); i++) {
		char path[64];

		snprintf(path, sizeof(path), "components.%zu.status", i);
		expect_str(sum, path, "operational");
	}
	idx = load(out.ptr, "index.json");
	expect_str(idx, "summaryStatus", "ok");
	expect_str(idx, "baseURL", "https://noc.example.com");
	json_decref(sum);
	json_decref(idx);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

/* ---- the fixture, field by field ---- */

/* The index of the component named name in a list. */
static size_t component_named(json_t *list, const char *name)
{
	size_t i;

	for (i = 0; i < json_array_size(list); i++)
		if (strcmp(json_string_value(at(json_array_get(list, i), "name")), name) == 0)
			return i;
	fail_msg("no component %s", name);
	return 0;
}

static void expect_component(json_t *sum, const char *name, const char *status)
{
	json_t *list = at(sum, "components");
	json_t *c = json_array_get(list, component_named(list, name));

	expect_str(c, "status", status);
}

static void test_fixture_statuspage(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT;
	json_t *sum, *all, *unresolved, *mnt, *active, *upcoming, *louie, *cas, *u;
	const char *down_id, *slow_id;

	(void)state;
	fixture(&r);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	expect_valid(out.ptr);
	sum = load(out.ptr, "api/v2/summary.json");
	/* the worst open incident is SCROOGE's, critical */
	expect_str(sum, "status.indicator", "critical");
	expect_str(sum, "status.description", "Major System Outage");
	expect_str(sum, "page.updated_at", "2010-10-15T11:30:00.000-04:00");
	/* servers as components: a critical incident is a major outage, a minor
	 * one degraded performance, maintenance in progress under maintenance;
	 * a group takes its member's state */
	expect_component(sum, "SCROOGE", "major_outage");
	expect_component(sum, "LOUIECAS3", "degraded_performance");
	expect_component(sum, "LOUIE", "degraded_performance");
	expect_component(sum, "Dönald façade", "under_maintenance");
	louie = json_array_get(at(sum, "components"), component_named(at(sum, "components"), "LOUIE"));
	cas = json_array_get(at(sum, "components"), component_named(at(sum, "components"), "LOUIECAS3"));
	assert_true(json_is_true(at(louie, "group")));
	expect_null(louie, "group_id");
	assert_int_equal(size_of(louie, "components"), 1);
	expect_str(louie, "components.0", json_string_value(at(cas, "id")));
	expect_str(cas, "group_id", json_string_value(at(louie, "id")));
	assert_true(json_is_false(at(cas, "group")));

	/* unresolved: the two open incidents, newest first */
	unresolved = load(out.ptr, "api/v2/incidents/unresolved.json");
	assert_int_equal(size_of(unresolved, "incidents"), 2);
	expect_str(unresolved, "incidents.0.name", "LOUIECAS3 slow");
	expect_str(unresolved, "incidents.0.status", "monitoring");
	expect_str(unresolved, "incidents.0.impact", "minor");
	expect_str(unresolved, "incidents.0.monitoring_at", "2010-10-15T11:30:00.000-04:00");
	expect_null(unresolved, "incidents.0.resolved_at");
	expect_str(unresolved, "incidents.1.name", "SCROOGE down");
	expect_str(unresolved, "incidents.1.status", "identified");
	expect_str(unresolved, "incidents.1.impact", "critical");
	expect_str(unresolved, "incidents.1.created_at", "2010-10-15T09:00:00.000-04:00");
	expect_str(unresolved, "incidents.1.updated_at", "2010-10-15T10:00:00.000-04:00");
	expect_null(unresolved, "incidents.1.monitoring_at");
	expect_str(unresolved, "incidents.1.shortlink",
		   "https://noc.example.com/2010/10/down/");
	expect_str(unresolved, "incidents.1.components.0.name", "SCROOGE");
	/* its thread, newest first: identified and the update in one commit
	 * (the status change listed first), then the opening */
	assert_int_equal(size_of(unresolved, "incidents.1.incident_updates"), 3);
	u = at(unresolved, "incidents.1.incident_updates");
	expect_str(u, "0.status", "identified");
	expect_str(u, "0.created_at", "2010-10-15T10:00:00.000-04:00");
	expect_str(u, "1.status", "identified");
	expect_str(u, "1.body", "we found the failed disk.");
	expect_str(u, "1.body_html", "<p>we found the failed disk.</p>");
	expect_str(u, "2.status", "investigating");
	expect_str(u, "2.body", "Users of SCROOGE cannot reach their mail.");
	expect_str(u, "2.display_at", "2010-10-15T09:00:00.000-04:00");
	down_id = json_string_value(at(unresolved, "incidents.1.id"));
	slow_id = json_string_value(at(unresolved, "incidents.0.id"));
	expect_str(u, "0.incident_id", down_id);

	/* every incident, the resolved one last */
	all = load(out.ptr, "api/v2/incidents.json");
	assert_int_equal(size_of(all, "incidents"), 3);
	expect_str(all, "incidents.0.id", slow_id);
	expect_str(all, "incidents.1.id", down_id);
	expect_str(all, "incidents.2.name", "Old outage");
	expect_str(all, "incidents.2.status", "resolved");
	expect_str(all, "incidents.2.impact", "major");
	expect_str(all, "incidents.2.resolved_at", "2010-10-10T10:00:00.000-04:00");
	expect_str(all, "incidents.2.incident_updates.0.status", "resolved");
	assert_int_equal(size_of(sum, "incidents"), 2);
	expect_str(sum, "incidents.0.id", slow_id);

	/* maintenance: DONALD's in progress, LOUIE's to come */
	active = load(out.ptr, "api/v2/scheduled-maintenances/active.json");
	assert_int_equal(size_of(active, "scheduled_maintenances"), 1);
	expect_str(active, "scheduled_maintenances.0.name", "Work now");
	expect_str(active, "scheduled_maintenances.0.status", "in_progress");
	expect_str(active, "scheduled_maintenances.0.impact", "maintenance");
	expect_str(active, "scheduled_maintenances.0.scheduled_for", "2010-10-15T10:00:00.000-04:00");
	expect_str(active, "scheduled_maintenances.0.scheduled_until", "2010-10-15T12:00:00.000-04:00");
	upcoming = load(out.ptr, "api/v2/scheduled-maintenances/upcoming.json");
	assert_int_equal(size_of(upcoming, "scheduled_maintenances"), 1);
	expect_str(upcoming, "scheduled_maintenances.0.name", "Later work");
	expect_str(upcoming, "scheduled_maintenances.0.status", "scheduled");
	expect_str(upcoming, "scheduled_maintenances.0.scheduled_for", "2010-10-30T22:00:00.000-04:00");
	mnt = load(out.ptr, "api/v2/scheduled-maintenances.json");
	assert_int_equal(size_of(mnt, "scheduled_maintenances"), 2);
	assert_int_equal(size_of(sum, "scheduled_maintenances"), 2);
	expect_str(sum, "scheduled_maintenances.0.name", "Work now");
	expect_str(sum, "scheduled_maintenances.1.name", "Later work");

	json_decref(sum);
	json_decref(all);
	json_decref(unresolved);
	json_decref(mnt);
	json_decref(active);
	json_decref(upcoming);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

static void test_fixture_cstate_feeds_badges(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, p = NB_BUF_INIT;
	json_t *idx, *feed, *badge;
	char *svg;

	(void)state;
	fixture(&r);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	idx = load(out.ptr, "index.json");
	expect_str(idx, "summaryStatus", "down");
	/* site.yaml order; LOUIE a category with LOUIECAS3, the others in none */
	expect_str(idx, "categories.0.name", "LOUIE");
	expect_str(idx, "categories.1.name", "Uncategorized");
	expect_str(idx, "systems.0.name", "LOUIE");
	expect_str(idx, "systems.0.status", "disrupted");
	expect_str(idx, "systems.1.category", "LOUIE");
	expect_str(idx, "systems.2.name", "SCROOGE");
	expect_str(idx, "systems.2.category", "Uncategorized");
	expect_str(idx, "systems.2.status", "down");
	expect_str(idx, "systems.2.unresolvedIssues.0.title", "SCROOGE down");
	expect_str(idx, "systems.2.unresolvedIssues.0.severity", "down");
	expect_str(idx, "systems.2.unresolvedIssues.0.createdAt", "2010-10-15 09:00:00 -0400 EDT");
	expect_str(idx, "systems.2.unresolvedIssues.0.filename", "down.md");
	expect_str(idx, "systems.3.status", "notice");
	expect_str(idx, "systems.3.unresolvedIssues.0.severity", "notice");

	/* JSON Feed: a server's notices, latest activity first */
	feed = load(out.ptr, "servers/LOUIE/feed.json");
	expect_str(feed, "version", "https://jsonfeed.org/version/1.1");
	expect_str(feed, "feed_url", "https://noc.example.com/servers/LOUIE/feed.json");
	assert_int_equal(size_of(feed, "items"), 3);
	expect_str(feed, "items.0.title", "LOUIECAS3 slow");
	expect_str(feed, "items.0.id", "tag:noc.example.com,2010-10-15:/content/2010/slow.md");
	expect_str(feed, "items.0.date_modified", "2010-10-15T15:30:00Z");

	/* badges */
	badge = load(out.ptr, "servers/SCROOGE/badge.json");
	expect_str(badge, "label", "SCROOGE");
	expect_str(badge, "message", "outage");
	expect_str(badge, "color", "red");
	nb_buf_printf(&p, "%s/servers/SCROOGE/badge.svg", out.ptr);
	svg = fx_slurp(p.ptr);
	assert_non_null(strstr(svg, "role=\"img\""));
	assert_non_null(strstr(svg, "aria-label=\"SCROOGE: outage\""));
	assert_non_null(strstr(svg, "<title>SCROOGE: outage</title>"));
	free(svg);
	json_decref(idx);
	json_decref(feed);
	json_decref(badge);
	nb_buf_release(&p);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

/* Ids come from the feeds' ids: a renamed notice keeps its incident id and
 * its updates', and its shortlink follows it. */
static void test_ids_survive_rename(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, p = NB_BUF_INIT;
	json_t *before, *after;
	char *text;

	(void)state;
	fixture(&r);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	before = load(out.ptr, "api/v2/incidents.json");
	nb_buf_printf(&p, "%s/content/2010/down.md", r.dir);
	text = fx_slurp(p.ptr);
	fx_remove(&r, "content/2010/down.md");
	fx_write(&r, "content/2010/scrooge-disk.md", text);
	fx_commit(&r, "rename", fx_utc(2010, 10, 15, 16, 0), EDT);
	build(&r, out.ptr);
	after = load(out.ptr, "api/v2/incidents.json");
	expect_str(after, "incidents.1.name", "SCROOGE down");
	expect_str(after, "incidents.1.id", json_string_value(at(before, "incidents.1.id")));
	expect_str(after, "incidents.1.incident_updates.1.id",
		   json_string_value(at(before, "incidents.1.incident_updates.1.id")));
	expect_str(after, "incidents.1.shortlink", "https://noc.example.com/2010/10/scrooge-disk/");
	free(text);
	json_decref(before);
	json_decref(after);
	nb_buf_release(&p);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

/* The checker finds what it is there to find: each file broken one way. */
static void test_checker_catches(void **state)
{
	static const struct {
		const char *file, *from, *to, *says;
	} breaks[] = {
		{ "api/v2/incidents/unresolved.json", "\"status\":\"monitoring\"",
		  "\"status\":\"resolved\"", "is resolved" },
		{ "api/v2/summary.json", "\"indicator\":\"critical\"", "\"indicator\":\"minor\"",
		  "worst open incident wants critical" },
		{ "api/v2/components.json", "\"status\":\"major_outage\"", "\"status\":\"down\"",
		  "'down' is not one of" },
		{ "index.json", "\"summaryStatus\":\"down\"", "\"summaryStatus\":\"ok\"",
		  "better than a system's down" },
		{ "feed.json", "\"version\":\"https://jsonfeed.org/version/1.1\"", "\"version\":\"1.1\"",
		  "was expected" },
		{ "badge.json", "\"schemaVersion\":1", "\"schemaVersion\":1,\"link\":\"x\"",
		  "Additional properties" },
	};
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, cmd = NB_BUF_INIT;
	size_t i;

	(void)state;
	fixture(&r);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	for (i = 0; i < NB_ARRAY_LEN(breaks); i++) {
		char *said = NULL;

		nb_buf_truncate(&cmd, 0);
		nb_buf_printf(&cmd, "rm -rf '%s/broken' && cp -rL '%s' '%s/broken' && "
			      "/usr/bin/python3 -c 'import sys; p=sys.argv[1]; t=open(p).read(); "
			      "assert sys.argv[2] in t, sys.argv[2]; "
			      "open(p,\"w\").write(t.replace(sys.argv[2], sys.argv[3], 1))' "
			      "'%s/broken/%s' '%s' '%s'",
			      r.dir, out.ptr, r.dir, r.dir, breaks[i].file, breaks[i].from, breaks[i].to);
		if (fx_sh(cmd.ptr, &said) != 0)
			fail_msg("cannot break %s:\n%s", breaks[i].file, said);
		free(said);
		nb_buf_truncate(&cmd, 0);
		nb_buf_printf(&cmd, "%s/broken", r.dir);
		if (apicheck(cmd.ptr, &said) == 0 || !strstr(said, breaks[i].says))
			fail_msg("apicheck.py let %s through (%s):\n%s", breaks[i].file, breaks[i].to,
				 said);
		free(said);
	}
	nb_buf_release(&cmd);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

/* ---- real readers ---- */

static int serve(void **state)
{
	return fx_serve(state, fixture, 7);
}

/*
 * Statuspage's own embeddable widget (npm @statuspage/status-widget, as
 * published), pointed at the site nginx serves: it reads summary.json and
 * shows the page's status.
 */
static void test_statuspage_widget(void **state)
{
	const char *widget = getenv("NOCBLOG_WIDGET");
	struct fx_served *s = *state;
	struct nb_buf html = NB_BUF_INIT, dst = NB_BUF_INIT;
	char *text, *js;

	if (!widget || !*widget) {
		print_message("skipped: npm did not install @statuspage/status-widget (make consumers)\n");
		skip();
	}
	js = fx_slurp(widget);
	assert_non_null(js);
	fx_write(&(struct fx_repo){ s->out, NULL }, "check/status-widget.js", js);
	free(js);
	nb_buf_printf(&html,
		      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>widget</title></head>"
		      "<body><statuspage-widget id=\"w\" src=\"http://127.0.0.1:%d/\"></statuspage-widget>"
		      "<pre id=\"out\"></pre><script src=\"/check/status-widget.js\"></script><script>"
		      "setTimeout(function () {"
		      " var root = document.getElementById('w').shadowRoot;"
		      " var dot = root && root.querySelector('.status-indicator');"
		      " var said = root && root.querySelector('.status-text');"
		      " document.getElementById('out').textContent = (dot ? dot.className : 'no widget') +"
		      "  '|' + (said ? said.textContent.trim() : '');"
		      "}, 3000);</script></body></html>",
		      s->port);
	text = fx_served_run(s, "widget.html", html.ptr, 10000);
	assert_string_equal(text, "status-indicator critical|Major System Outage");
	free(text);
	nb_buf_release(&html);
	nb_buf_release(&dst);
}

/*
 * The badges as Chromium draws them: each image is as wide as it says;
 * each text, drawn in the browser's own font without being fitted, fits
 * its box and is within a pixel or two of the width it was given.
 */
static void test_badges_in_chromium(void **state)
{
	static const char page[] =
		"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>badges</title></head>"
		"<body><pre id=\"out\"></pre><script>"
		"var files = ['/badge.svg', '/servers/LOUIE/badge.svg', '/servers/LOUIECAS3/badge.svg',"
		" '/servers/SCROOGE/badge.svg', '/servers/DONALD/badge.svg'];"
		"var lines = [];"
		"function one(f) {"
		" return new Promise(function (ok) {"
		"  var img = new Image();"
		"  img.onload = function () { ok(img.naturalWidth + 'x' + img.naturalHeight); };"
		"  img.onerror = function () { ok('broken'); };"
		"  img.src = f;"
		" }).then(function (size) {"
		"  return fetch(f).then(function (r) { return r.text(); }).then(function (text) {"
		"   var svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;"
		"   document.body.appendChild(svg);"
		"   var rects = svg.querySelectorAll('rect'), texts = svg.querySelectorAll('text');"
		"   var line = f + ' ' + size + ' ' + svg.getAttribute('width') + 'x' +"
		"    svg.getAttribute('height');"
		"   texts.forEach(function (t, i) {"
		"    var given = parseFloat(t.getAttribute('textLength'));"
		"    t.removeAttribute('textLength'); t.removeAttribute('lengthAdjust');"
		"    line += ' ' + rects[i].getAttribute('width') + ':' + given.toFixed(1) + ':' +"
		"     t.getComputedTextLength().toFixed(1);"
		"   });"
		"   lines.push(line);"
		"  });"
		" });"
		"}"
		"Promise.all(files.map(one)).then(function () {"
		" document.getElementById('out').textContent = lines.sort().join('\\n') + '\\n';"
		"});</script></body></html>";
	struct fx_served *s = *state;
	char *text, *line;
	int count = 0;

	text = fx_served_run(s, "badges.html", page, 10000);
	if (getenv("NOCBLOG_SHOW"))
		print_message("%s", text);
	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		char file[128];
		int iw, ih, sw, sh, n, used = 0, box;
		double given, drawn;
		const char *p;

		if (sscanf(line, "%127s %dx%d %dx%d%n", file, &iw, &ih, &sw, &sh, &used) != 5)
			fail_msg("cannot read '%s'", line);
		if (iw != sw || ih != sh || sh != NB_BADGE_HEIGHT)
			fail_msg("%s: drawn %dx%d, says %dx%d", file, iw, ih, sw, sh);
		for (p = line + used, n = 0; sscanf(p, " %d:%lf:%lf%n", &box, &given, &drawn, &used) == 3;
		     p += used, n++) {
			if (drawn > box - 2 || drawn > given + 0.5 || drawn < given - 2.5)
				fail_msg("%s text %d: box %d, given %.1f, drawn %.1f", file, n, box,
					 given, drawn);
		}
		if (n != 2)
			fail_msg("%s: %d texts in '%s'", file, n, line);
		count++;
	}
	assert_int_equal(count, 5);
	free(text);
}

/* Widths the tests can say by hand: DejaVu Sans 11 px. */
static void test_badge_widths(void **state)
{
	(void)state;
	/* s t a t u s: 5.8 + 4.4 + 6.8 + 4.4 + 7.0 + 5.8 */
	assert_int_equal(nb_badge_text_width("status"), 342);
	/* o (6.8) and the accented letters' own widths: ö 6.8, ç 6.1 */
	assert_int_equal(nb_badge_text_width("\xc3\xb6"), nb_badge_text_width("o"));
	assert_int_equal(nb_badge_text_width("\xc3\xa7"), 61);
	/* another script: an em each */
	assert_int_equal(nb_badge_text_width("\xe6\x9d\xb1\xe4\xba\xac"), 220);
	/* padding 6 each side, each text rounded up to a pixel */
	assert_int_equal(nb_badge_width("status", "outage"), (35 + 12) + (39 + 12));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_badge_widths),
		cmocka_unit_test(test_sample_site),
		cmocka_unit_test(test_fixture_statuspage),
		cmocka_unit_test(test_fixture_cstate_feeds_badges),
		cmocka_unit_test(test_ids_survive_rename),
		cmocka_unit_test(test_checker_catches),
		cmocka_unit_test_setup_teardown(test_statuspage_widget, serve, fx_unserve),
		cmocka_unit_test_setup_teardown(test_badges_in_chromium, serve, fx_unserve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
