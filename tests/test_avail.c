/*
 * Availability from the history: a fixture of incidents of each severity,
 * overlapping incidents, a group whose member has an outage, maintenance
 * with and without a window, an incident across midnight and one across
 * the end of daylight saving time, an incident added already resolved, a
 * server declared late; its figures and daily marks checked against
 * numbers worked out by hand from the commits below.  Then the pages in
 * Chromium: axe finds nothing, the strip fits a phone's width, and every
 * mark has its text.
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
#include <jansson.h>

#include "buf.h"
#include "fixture.h"
#include "util.h"

#define EDT (-240)
#define EST (-300)

#define build fx_build

static void incident(struct fx_repo *r, const char *path, const char *server,
		     const char *severity, const char *status, const char *rest)
{
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "---\ntitle: %s %s\nservers: [%s]\n", server, path, server);
	if (severity) /* NULL: none given */
		nb_buf_printf(&b, "severity: %s\n", severity);
	nb_buf_printf(&b, "status: %s\n%s---\nMail on %s is affected.\n", status, rest, server);
	fx_write(r, path, b.ptr);
	nb_buf_release(&b);
}

/*
 * All times UTC; New York is EDT (-4) until 2010-11-07 06:00Z, then EST.
 *
 * 10/01 00:00  site.yaml: LOUIE (group), LOUIECAS3 (in LOUIE), SCROOGE
 * 10/20 10:00  A: SCROOGE critical, open          10/20 12:00 resolved
 * 10/20 11:00  B: SCROOGE minor, open             10/20 13:00 resolved
 *              (11:00-12:00 is A's outage: the worse state wins)
 * 10/25 03:00  C: LOUIECAS3 major (10/24 23:00 EDT, across midnight)
 *                                                 10/25 05:00 resolved
 * 10/30 02:00-04:00  E: LOUIE maintenance window, written up completed
 * 10/31 22:00  G: DONALD major, open              11/01 02:00 resolved
 * 11/01 00:00  site.yaml declares DONALD (G counts from here: 120 min)
 * 11/02 14:00  F: SCROOGE maintenance, no window, added in progress
 *                                                 11/02 15:30 completed
 * 11/05 16:00  I: SCROOGE minor, added resolved, date: 14:00Z and an
 *              update at 15:00Z: counts 60 min
 * 11/07 05:00  D: SCROOGE, no severity (01:00 EDT; the clocks go back at
 *              06:00Z)                            11/07 07:00 resolved
 *              (02:00 EST: 120 min, all on Sunday 7 November)
 * 11/10 10:00  H: SCROOGE major, still open when built at 11/10 12:00
 */
static void fixture(struct fx_repo *r)
{
	struct nb_buf site = NB_BUF_INIT;

	fx_repo_init(r);
	fx_write(r, "content/site.yaml", fx_site_yaml);
	fx_commit(r, "site", fx_utc(2010, 10, 1, 0, 0), EDT);
	incident(r, "content/2010/a.md", "SCROOGE", "critical", "investigating", "");
	fx_commit(r, "A", fx_utc(2010, 10, 20, 10, 0), EDT);
	incident(r, "content/2010/b.md", "SCROOGE", "minor", "investigating", "");
	fx_commit(r, "B", fx_utc(2010, 10, 20, 11, 0), EDT);
	incident(r, "content/2010/a.md", "SCROOGE", "critical", "resolved", "");
	fx_commit(r, "A done", fx_utc(2010, 10, 20, 12, 0), EDT);
	incident(r, "content/2010/b.md", "SCROOGE", "minor", "resolved", "");
	fx_commit(r, "B done", fx_utc(2010, 10, 20, 13, 0), EDT);
	incident(r, "content/2010/c.md", "LOUIECAS3", "major", "identified", "");
	fx_commit(r, "C", fx_utc(2010, 10, 25, 3, 0), EDT);
	incident(r, "content/2010/c.md", "LOUIECAS3", "major", "resolved", "");
	fx_commit(r, "C done", fx_utc(2010, 10, 25, 5, 0), EDT);
	fx_write(r, "content/2010/e.md",
		 "---\ntitle: LOUIE work\nservers: [LOUIE]\nkind: maintenance\nstatus: completed\n"
		 "window: {start: 2010-10-30T02:00Z, end: 2010-10-30T04:00Z}\n---\nDone.\n");
	fx_commit(r, "E", fx_utc(2010, 10, 30, 5, 0), EDT);
	/* DONALD named before site.yaml has it: check would refuse it, but only
	 * the commit built is checked */
	incident(r, "content/2010/g.md", "DONALD", "major", "investigating", "");
	fx_commit(r, "G", fx_utc(2010, 10, 31, 22, 0), EDT);
	nb_buf_printf(&site, "%s  DONALD:    {name: DONALD}\n", fx_site_yaml);
	fx_write(r, "content/site.yaml", site.ptr);
	fx_commit(r, "DONALD", fx_utc(2010, 11, 1, 0, 0), EDT);
	incident(r, "content/2010/g.md", "DONALD", "major", "resolved", "");
	fx_commit(r, "G done", fx_utc(2010, 11, 1, 2, 0), EDT);
	fx_write(r, "content/2010/f.md",
		 "---\ntitle: SCROOGE disk swap\nservers: [SCROOGE]\nkind: maintenance\n"
		 "status: in-progress\n---\nSwapping a disk.\n");
	fx_commit(r, "F", fx_utc(2010, 11, 2, 14, 0), EDT);
	fx_write(r, "content/2010/f.md",
		 "---\ntitle: SCROOGE disk swap\nservers: [SCROOGE]\nkind: maintenance\n"
		 "status: completed\n---\nSwapping a disk.\n");
	fx_commit(r, "F done", fx_utc(2010, 11, 2, 15, 30), EDT);
	incident(r, "content/2010/i.md", "SCROOGE", "minor", "resolved",
		 "date: 2010-11-05T10:00-04:00\n");
	{
		char *text = NULL;
		struct nb_buf path = NB_BUF_INIT;

		nb_buf_printf(&path, "%s/content/2010/i.md", r->dir);
		text = fx_slurp(path.ptr);
		nb_buf_truncate(&path, 0);
		nb_buf_printf(&path, "%s\nUpdate 11:00 AM: Fixed.\n", text);
		fx_write(r, "content/2010/i.md", path.ptr);
		free(text);
		nb_buf_release(&path);
	}
	fx_commit(r, "I", fx_utc(2010, 11, 5, 16, 0), EDT);
	incident(r, "content/2010/d.md", "SCROOGE", NULL, "investigating", "");
	fx_commit(r, "D", fx_utc(2010, 11, 7, 5, 0), EDT);
	incident(r, "content/2010/d.md", "SCROOGE", NULL, "resolved", "");
	fx_commit(r, "D done", fx_utc(2010, 11, 7, 7, 0), EST);
	incident(r, "content/2010/h.md", "SCROOGE", "major", "investigating", "");
	fx_commit(r, "H", fx_utc(2010, 11, 10, 10, 0), EST);
	fx_write(r, "README", "the commit built\n");
	fx_commit(r, "built", fx_utc(2010, 11, 10, 12, 0), EST);
	nb_buf_release(&site);
}

/* ---- reading what was written ---- */

static json_t *load(const char *out, const char *rel)
{
	struct nb_buf p = NB_BUF_INIT;
	json_error_t err;
	json_t *v;

	nb_buf_printf(&p, "%s/%s", out, rel);
	v = json_load_file(p.ptr, 0, &err);
	if (!v)
		fail_msg("%s: %s", p.ptr, err.text);
	nb_buf_release(&p);
	return v;
}

static json_t *component(json_t *doc, const char *name)
{
	json_t *list = json_object_get(doc, "components");
	size_t i;

	for (i = 0; i < json_array_size(list); i++) {
		json_t *c = json_array_get(list, i);

		if (strcmp(json_string_value(json_object_get(c, "name")), name) == 0)
			return c;
	}
	fail_msg("no component %s", name);
	return NULL;
}

/* Percent and minutes of one period of a component, as the API has them. */
static void expect_period(json_t *doc, const char *name, const char *period, double percent,
			  long counted, long outage, long degraded, long maintenance)
{
	json_t *p = json_object_get(json_object_get(component(doc, name), "availability"), period);
	double got;

	if (!p)
		fail_msg("%s: no availability over %s", name, period);
	got = json_number_value(json_object_get(p, "percent"));
	if (got < percent - 0.001 || got > percent + 0.001)
		fail_msg("%s %s: %.4f%%, worked out %.2f%%", name, period, got, percent);
	assert_int_equal(json_integer_value(json_object_get(p, "counted_minutes")), counted);
	assert_int_equal(json_integer_value(json_object_get(p, "outage_minutes")), outage);
	assert_int_equal(json_integer_value(json_object_get(p, "degraded_minutes")), degraded);
	assert_int_equal(json_integer_value(json_object_get(p, "maintenance_minutes")), maintenance);
}

/* The texts of a page's strip marks, in order, one a line. */
static char *marks_of(const char *page)
{
	struct nb_buf b = NB_BUF_INIT;
	const char *p = strstr(page, "<figure class=\"strip\">"), *end;

	if (!p)
		fail_msg("no strip in:\n%s", page);
	end = strstr(p, "</figure>");
	while ((p = strstr(p, "<title>")) && p < end) {
		const char *q = strstr(p, "</title>");

		nb_buf_put(&b, p + 7, (size_t)(q - p - 7));
		nb_buf_putc(&b, '\n');
		p = q;
	}
	return nb_buf_detach(&b);
}

/* The marks of a page's strip. */
static char *marks_at(const char *out, const char *rel)
{
	char *page = fx_file_at(out, rel), *marks = marks_of(page);

	free(page);
	return marks;
}

static void expect_line(const char *text, const char *line)
{
	struct nb_buf l = NB_BUF_INIT;

	nb_buf_printf(&l, "%s\n", line);
	if (!strstr(text, l.ptr))
		fail_msg("no '%s' in:\n%s", line, text);
	nb_buf_release(&l);
}

/* ---- figures ---- */

/*
 * Worked out by hand, in minutes.  The 30 days run from 10/11 12:00Z to
 * 11/10 12:00Z: 43200; the 90 and 365 days count from site.yaml's first
 * commit, 10/01 00:00Z: 40.5 days, 58320.
 *
 * SCROOGE: outage A 120 + H 120 = 240; degraded B 60 (13:00 less A's hour
 * at 11-12) + I 60 + D 120 = 240; maintenance F 90.
 *   30 d: 1 - 240 / (43200 - 90) = 0.99443...  -> 99.44%
 *   90 d: 1 - 240 / (58320 - 90) = 0.99587...  -> 99.58%
 * LOUIECAS3: outage C 120.  30 d: 1 - 120/43200 -> 99.72%; 90 d: 99.79%.
 * LOUIE, C through its member, and its window E 120:
 *   30 d: 1 - 120 / 43080 -> 99.72%; 90 d: 1 - 120 / 58200 -> 99.79%.
 * DONALD, declared 11/01 00:00Z (9.5 days, 13680): G 00:00-02:00, 120;
 *   1 - 120 / 13680 -> 99.12% over every period.
 */
static void test_figures(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT;
	json_t *doc, *badge;
	char *page;

	(void)state;
	fixture(&r);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	doc = load(out.ptr, "api/v2/components.json");
	expect_period(doc, "SCROOGE", "30d", 99.44, 43200, 240, 240, 90);
	expect_period(doc, "SCROOGE", "90d", 99.58, 58320, 240, 240, 90);
	expect_period(doc, "SCROOGE", "365d", 99.58, 58320, 240, 240, 90);
	expect_period(doc, "LOUIECAS3", "30d", 99.72, 43200, 120, 0, 0);
	expect_period(doc, "LOUIECAS3", "90d", 99.79, 58320, 120, 0, 0);
	expect_period(doc, "LOUIE", "30d", 99.72, 43200, 120, 0, 120);
	expect_period(doc, "LOUIE", "90d", 99.79, 58320, 120, 0, 120);
	expect_period(doc, "DONALD", "30d", 99.12, 13680, 120, 0, 0);
	expect_period(doc, "DONALD", "365d", 99.12, 13680, 120, 0, 0);
	/* a component is created when site.yaml declared it (LOUIE: 10/01
	 * 00:00Z), or at its first notice if that came first (DONALD's G:
	 * 10/31 22:00Z, before its declaration on 11/01) */
	assert_string_equal(json_string_value(json_object_get(component(doc, "LOUIE"), "created_at")),
			    "2010-09-30T20:00:00.000-04:00");
	assert_string_equal(json_string_value(json_object_get(component(doc, "DONALD"), "created_at")),
			    "2010-10-31T18:00:00.000-04:00");
	json_decref(doc);

	/* the badge: 90 days, under 99.9% and not under 99% */
	badge = load(out.ptr, "servers/SCROOGE/uptime.json");
	assert_string_equal(json_string_value(json_object_get(badge, "message")), "99.58% 90d");
	assert_string_equal(json_string_value(json_object_get(badge, "color")), "yellow");
	json_decref(badge);

	/* where people look */
	page = fx_file_at(out.ptr, "servers/SCROOGE/index.html");
	expect_line(page, "<tr><th scope=\"row\">30 days</th><td data-label=\"Available\">99.44%</td>"
			  "<td data-label=\"Outage\">240 min</td><td data-label=\"Degraded\">240 min</td>"
			  "<td data-label=\"Maintenance\">90 min</td></tr>");
	/* mean time to resolve: A 120, B 120, D 120, I 60 (H is open) */
	assert_non_null(strstr(page, "<dt>Mean time to resolve</dt><dd>1 h 45 min</dd>"));
	/* as of the commit built, 07:00 EST */
	assert_non_null(strstr(page, "Data as of <time datetime=\"2010-11-10T07:00:00-05:00\">"));
	free(page);
	page = fx_file_at(out.ptr, "servers/index.html");
	assert_non_null(strstr(page, "<td data-label=\"30 days\">99.44%<span class=\"desc\">outage 240 min</span></td>"));
	assert_non_null(strstr(page, "<td data-label=\"90 days\">99.12%<span class=\"desc\">outage 120 min</span></td>"));
	free(page);
	/* a notice's page: as of its own last change */
	page = fx_file_at(out.ptr, "2010/10/a/index.html");
	assert_non_null(strstr(page, "Data as of <time datetime=\"2010-10-20T08:00:00-04:00\">"));
	free(page);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

/* ---- the marks ---- */

static void test_days(void **state)
{
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT;
	char *page, *marks;

	(void)state;
	fixture(&r);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	page = fx_file_at(out.ptr, "servers/SCROOGE/index.html");
	marks = marks_of(page);
	assert_int_equal(fx_count_lines(marks), 90);
	/* 90 days ending with the commit's, 11/10: from 8/13 */
	assert_true(strncmp(marks, "Fri 13 Aug 2010: before SCROOGE was listed\n", 43) == 0);
	/* declared 10/01 00:00Z, 20:00 EDT on Thursday 9/30: counted from then */
	expect_line(marks, "Wed 29 Sep 2010: before SCROOGE was listed");
	expect_line(marks, "Thu 30 Sep 2010: operational");
	expect_line(marks, "Wed 20 Oct 2010: outage 120 min, degraded 60 min");
	expect_line(marks, "Thu 21 Oct 2010: operational");
	expect_line(marks, "Tue 2 Nov 2010: maintenance 90 min");
	expect_line(marks, "Fri 5 Nov 2010: degraded 60 min");
	/* a 25-hour day: 01:00 EDT to 02:00 EST is two hours */
	expect_line(marks, "Sun 7 Nov 2010: degraded 120 min");
	/* the last, the commit's day */
	assert_true(nb_ends_with(marks, "\nWed 10 Nov 2010: outage 120 min\n"));
	/* the worst of a day links to the notice behind it */
	assert_non_null(strstr(page, "<a href=\"../../2010/10/a/\" aria-label=\"Wed 20 Oct 2010: "
				     "outage 120 min, degraded 60 min\"><rect class=\"outage\""));
	free(marks);
	free(page);

	/* across midnight: an hour on each day */
	marks = marks_at(out.ptr, "servers/LOUIECAS3/index.html");
	expect_line(marks, "Sun 24 Oct 2010: outage 60 min");
	expect_line(marks, "Mon 25 Oct 2010: outage 60 min");
	free(marks);
	/* the group: its member's outage and its own window */
	marks = marks_at(out.ptr, "servers/LOUIE/index.html");
	expect_line(marks, "Sun 24 Oct 2010: outage 60 min");
	expect_line(marks, "Fri 29 Oct 2010: maintenance 120 min");
	free(marks);
	/* declared on Sunday 10/31 at 20:00 EDT: the day before, not counted */
	marks = marks_at(out.ptr, "servers/DONALD/index.html");
	expect_line(marks, "Sat 30 Oct 2010: before DONALD was listed");
	expect_line(marks, "Sun 31 Oct 2010: outage 120 min");
	expect_line(marks, "Mon 1 Nov 2010: operational");
	free(marks);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

/* ---- in a browser ---- */

static int serve(void **state)
{
	return fx_serve(state, fixture, 11);
}

/*
 * axe (axe-core from npm, WCAG 2.1 A and AA rules) over a server's page
 * and the servers' index, each loaded in a frame of the same site.
 */
static void test_axe(void **state)
{
	static const char *const pages[] = { "/servers/SCROOGE/", "/servers/" };
	const char *axe = getenv("NOCBLOG_AXE");
	struct fx_served *s = *state;
	size_t i;
	char *js;

	if (!axe || !*axe) {
		print_message("skipped: npm did not install axe-core (make consumers)\n");
		skip();
	}
	js = fx_slurp(axe);
	assert_non_null(js);
	fx_write(&(struct fx_repo){ s->out, NULL }, "check/axe.min.js", js);
	free(js);
	for (i = 0; i < NB_ARRAY_LEN(pages); i++) {
		struct nb_buf html = NB_BUF_INIT;
		char *said;

		nb_buf_printf(&html,
			      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>axe</title>"
			      "</head><body><pre id=\"out\"></pre>"
			      "<iframe id=\"f\" title=\"page\" src=\"%s\" style=\"width:1280px;height:1600px\"></iframe>"
			      "<script>document.getElementById('f').onload = function () {"
			      " var doc = this.contentDocument, s = doc.createElement('script');"
			      " s.src = '/check/axe.min.js';"
			      " s.onload = function () {"
			      "  doc.defaultView.axe.run(doc, { runOnly: { type: 'tag', values:"
			      "   ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then(function (r) {"
			      "   document.getElementById('out').textContent = 'passes ' + r.passes.length +"
			      "    ' violations ' + r.violations.length + '\\n' + r.violations.map(function (v) {"
			      "     return v.id + ' ' + v.nodes.length + ' ' + v.nodes[0].target; }).join('\\n');"
			      "  });"
			      " };"
			      " doc.head.appendChild(s);"
			      "};</script></body></html>",
			      pages[i]);
		said = fx_served_run(s, "axe.html", html.ptr, 60000);
		if (!strstr(said, " violations 0\n") || strncmp(said, "passes 0 ", 9) == 0)
			fail_msg("axe on %s:\n%s", pages[i], said);
		free(said);
		nb_buf_release(&html);
	}
}

/* The size a PNG says it is. */
static void png_size(const char *path, unsigned *w, unsigned *h)
{
	unsigned char head[24];
	FILE *f = fopen(path, "rb");

	if (!f || fread(head, 1, sizeof(head), f) != sizeof(head) || memcmp(head + 1, "PNG", 3) != 0)
		fail_msg("%s is not a PNG", path);
	fclose(f);
	*w = (unsigned)head[16] << 24 | (unsigned)head[17] << 16 | (unsigned)head[18] << 8 | head[19];
	*h = (unsigned)head[20] << 24 | (unsigned)head[21] << 16 | (unsigned)head[22] << 8 | head[23];
}

/*
 * At a phone's width and a desktop's: the page is no wider than the
 * window (the strip shrinks to fit), every mark is drawn inside its strip
 * with its text, and a screenshot is the window's size (tools/screenshots.sh
 * takes the same ones to look at).
 */
static void test_phone_and_desktop(void **state)
{
	static const int widths[] = { 390, 1280 };
	static const char page[] =
		"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>fit</title></head>"
		"<body style=\"margin:0\"><pre id=\"out\"></pre>"
		"<iframe id=\"f\" title=\"page\" src=\"/servers/SCROOGE/\" style=\"border:0;width:%dpx;height:1200px\"></iframe>"
		"<script>document.getElementById('f').onload = function () {"
		" var doc = this.contentDocument, win = this.contentWindow, bad = [];"
		" var strip = doc.querySelector('.strip svg'), box = strip.getBoundingClientRect();"
		" var marks = strip.querySelectorAll('rect');"
		" marks.forEach(function (m) {"
		"  var r = m.getBoundingClientRect(), t = m.querySelector('title');"
		"  if (!t || !t.textContent.trim()) bad.push('no text');"
		"  if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.width <= 0) bad.push('outside');"
		" });"
		" var wide = [];"
		" doc.querySelectorAll('body *').forEach(function (e) {"
		"  var r = e.getBoundingClientRect();"
		"  if (r.right > win.innerWidth + 0.5 && wide.length < 5)"
		"   wide.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right));"
		" });"
		" document.getElementById('out').textContent = 'page ' + doc.documentElement.scrollWidth +"
		"  ' window ' + win.innerWidth + ' strip ' + Math.round(box.width) + ' marks ' + marks.length +"
		"  ' bad ' + bad.length + ' wide: ' + wide.join(', ');"
		"};</script></body></html>";
	struct fx_served *s = *state;
	size_t i;

	for (i = 0; i < NB_ARRAY_LEN(widths); i++) {
		struct nb_buf html = NB_BUF_INIT, want = NB_BUF_INIT, cmd = NB_BUF_INIT, png = NB_BUF_INIT;
		char *said;
		unsigned w, h;
		int pw, ww, sw, marks, bad;

		nb_buf_printf(&html, page, widths[i]);
		said = fx_served_run(s, "fit.html", html.ptr, 5000);
		if (sscanf(said, "page %d window %d strip %d marks %d bad %d", &pw, &ww, &sw, &marks,
			   &bad) != 5)
			fail_msg("cannot read '%s'", said);
		if (pw > ww || ww != widths[i] || sw > ww || sw < ww / 2 || marks != 90 || bad)
			fail_msg("at %dpx: %s", widths[i], said);
		free(said);
		/* the screenshot, its size */
		nb_buf_printf(&png, "%s/shot-%d.png", s->r.dir, widths[i]);
		nb_buf_printf(&cmd, "d=$(mktemp -d) && timeout 60 chromium --headless --no-sandbox "
			      "--disable-gpu --disable-quic --no-first-run --disable-background-networking "
			      "--disable-component-update --disable-sync --hide-scrollbars "
			      "--user-data-dir=\"$d\" --window-size=%d,1400 --screenshot='%s' "
			      "http://127.0.0.1:%d/servers/SCROOGE/ >/dev/null 2>&1; rm -rf \"$d\"",
			      widths[i], png.ptr, s->port);
		(void)fx_sh(cmd.ptr, NULL);
		png_size(png.ptr, &w, &h);
		assert_int_equal(w, widths[i]);
		assert_int_equal(h, 1400);
		nb_buf_release(&html);
		nb_buf_release(&want);
		nb_buf_release(&cmd);
		nb_buf_release(&png);
	}
}

/* The fixture's pages pass the Nu checker (where make installed it), and
 * tidy. */
static void test_valid_html(void **state)
{
	const char *vnu = getenv("NOCBLOG_VNU");
	struct fx_repo r;
	struct nb_buf out = NB_BUF_INIT, cmd = NB_BUF_INIT;
	char *said = NULL;

	(void)state;
	fixture(&r);
	nb_buf_printf(&out, "%s/out", r.dir);
	build(&r, out.ptr);
	nb_buf_printf(&cmd, "for f in '%s/servers/index.html' '%s/servers/SCROOGE/index.html' "
		      "'%s/servers/LOUIE/index.html'; do tidy -q -e \"$f\" 2>&1 | grep -v '^$' "
		      "| grep -iv 'proprietary attribute\\|<svg>\\|<rect>\\|<title>\\|<figure>\\|<figcaption>'"
		      " && exit 1; done; exit 0", out.ptr, out.ptr, out.ptr);
	if (fx_sh(cmd.ptr, &said) != 0)
		fail_msg("tidy:\n%s", said);
	free(said);
	if (vnu && *vnu) {
		nb_buf_truncate(&cmd, 0);
		nb_buf_printf(&cmd, "java -jar '%s' --skip-non-html --errors-only '%s' 2>&1", vnu,
			      out.ptr);
		if (fx_sh(cmd.ptr, &said) != 0)
			fail_msg("the Nu checker:\n%s", said);
		free(said);
	} else {
		print_message("the Nu HTML checker is not installed: tidy only\n");
	}
	nb_buf_release(&cmd);
	nb_buf_release(&out);
	fx_repo_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_valid_html),
		cmocka_unit_test_setup_teardown(test_axe, serve, fx_unserve),
		cmocka_unit_test_setup_teardown(test_phone_and_desktop, serve, fx_unserve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
