/*
 * Escaping everywhere: XSS and injection payloads in every place text
 * enters a site (site.yaml, server names, titles, bodies, updates, commit
 * authors and emails, file names), then every output read as its readers
 * read it: HTML pages parsed by libxml2's HTML parser (no script, no event
 * handler, no javascript: address), feeds well-formed and valid, calendars
 * parsed by libical with the text round-tripped, folded lines whole UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <libical/ical.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include "buf.h"
#include "fixture.h"
#include "util.h"

/* Markup, attribute breaking, CDATA end, entities, a line separator,
 * iCalendar specials, four-byte UTF-8.  (A control character in a notice or
 * site.yaml is refused by check: tests/test_hostile.c.) */
#define PAYLOAD "<script>alert(1)</script> \"><img src=x onerror=alert(2)> ]]> &amp; & " \
		"\xe2\x80\xa8 ;,\\ javascript:alert(3) \xf0\x9f\x98\x80"
/* The same in YAML's double-quoted form. */
#define PAYLOAD_YAML "<script>alert(1)</script> \\\"><img src=x onerror=alert(2)> ]]> &amp; & " \
		     "\\u2028 ;,\\\\ javascript:alert(3) \\U0001F600"
/* What feeds and calendars show. */
#define SHOWN "<script>alert(1)</script> \"><img src=x onerror=alert(2)> ]]> &amp; & " \
	      "\xe2\x80\xa8 ;,\\ javascript:alert(3) \xf0\x9f\x98\x80"
/* What the calendar's description shows: the body as plain text. */
#define DESC_SHOWN "]]> & & \xe2\x80\xa8 ;,\\ javascript:alert(3) \xf0\x9f\x98\x80 " \
		   "END:VEVENT BEGIN:VEVENT UID:injected"
/* Long enough to be folded, with multi-byte characters across every fold. */
#define LONG_TITLE "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 ;, maintenance " \
		   "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" \
		   "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" \
		   "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" \
		   "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" \
		   "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" \
		   "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" \
		   " end"

static const char site_yaml[] =
	"title: \"Site " PAYLOAD_YAML "\"\n"
	"base_url: https://noc.example.com/a&b=c;d,e/\n"
	"timezone: UTC\n"
	"author: \"Author " PAYLOAD_YAML "\"\n"
	"servers:\n"
	"  EVIL: {name: \"Name " PAYLOAD_YAML "\", description: \"Description " PAYLOAD_YAML "\"}\n"
	"  EVIL2: {name: \"\\\"'><svg onload=alert(4)>\", group: EVIL}\n";

static const char incident[] =
	"---\ntitle: \"Title " PAYLOAD_YAML "\"\nservers: [EVIL]\nstatus: investigating\n---\n"
	"<script>alert('body')</script> " PAYLOAD "\n\n"
	"[a](javascript:alert(5)) [b](  JaVaScRiPt:alert(6)) [c](data:text/html;base64,PHNjcmlwdD4=) "
	"<a href=\"javascript:alert(7)\">raw</a> <svg onload=alert(8)>\r\n"
	"BEGIN:VEVENT\r\nSUMMARY:injected\r\n\r\n"
	"Update: the update " PAYLOAD "\n";

static const char maintenance[] =
	"---\ntitle: \"" LONG_TITLE "\"\nservers: [EVIL2]\nkind: maintenance\nstatus: scheduled\n"
	"window: {start: 2020-01-05T09:00Z, end: 2020-01-05T10:00Z}\n---\n"
	"Maintenance " PAYLOAD "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected\r\n\r\n"
	"Update: " PAYLOAD "\n";

/* Git refuses '<' and '>' in names and emails; the rest gets through. */
#define AUTHOR "Mallory \" onmouseover=\"alert('author') ]] &amp; & ;,\\ javascript:alert(9)"
#define EMAIL "m\"onclick=alert(10)&]]x;,\\@evil.example"

static void hostile_repo(struct fx_repo *r)
{
	fx_repo_init(r);
	fx_write(r, "content/site.yaml", site_yaml);
	/* the first path is part of the feed id */
	fx_write(r, "content/2020/x\"'&;,]]>=<b onmouseover=alert(11)>.md", incident);
	{
		const char *add[] = { "add", "-A", NULL };
		const char *commit[] = { "commit", "-q", "--author=" AUTHOR " <" EMAIL ">", "-m",
					 "hostile", NULL };

		assert_int_equal(fx_git(r, fx_utc(2020, 1, 1, 0, 0), add), 0);
		assert_int_equal(fx_git(r, fx_utc(2020, 1, 1, 0, 0), commit), 0);
	}
	fx_write(r, "content/2020/maint.md", maintenance);
	fx_commit_as(r, "maintenance", fx_utc(2020, 1, 2, 0, 0), 0, AUTHOR);
}

/* ---- HTML: nothing that runs ---- */

static int starts_with_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* An address a browser would run: javascript:, vbscript: or data:, as a
 * browser reads it (leading blanks and controls skipped, tabs and newlines
 * inside dropped). */
static int runs_script(const char *url)
{
	char scheme[16];
	size_t n = 0;

	while (*url && (unsigned char)*url <= ' ')
		url++;
	for (; *url && *url != ':' && n + 1 < sizeof(scheme); url++)
		if (*url != '\t' && *url != '\n' && *url != '\r')
			scheme[n++] = *url;
	scheme[n] = '\0';
	return *url == ':' && (strcasecmp(scheme, "javascript") == 0 ||
			       strcasecmp(scheme, "vbscript") == 0 || strcasecmp(scheme, "data") == 0);
}

static const char *const live_elements[] = { "script", "iframe", "object", "embed", "svg",
					     "math", "base", "form", "frame", "applet" };
static const char *const url_attributes[] = { "href", "src", "action", "formaction", "poster",
					      "background", "cite", "data", "xlink:href" };

static void check_attribute(const char *rel, xmlNode *el, xmlAttr *a)
{
	const char *name = (const char *)a->name;
	xmlChar *value = xmlNodeGetContent((xmlNode *)a);
	const char *v = value ? (const char *)value : "";
	size_t i;

	if (starts_with_ci(name, "on"))
		fail_msg("%s: <%s %s=\"%s\">: an event handler", rel, el->name, name, v);
	for (i = 0; i < NB_ARRAY_LEN(url_attributes); i++)
		if (strcasecmp(name, url_attributes[i]) == 0 && runs_script(v))
			fail_msg("%s: <%s %s=\"%s\">: a script address", rel, el->name, name, v);
	/* <meta http-equiv=refresh content="0; url=..."> */
	if (strcasecmp(name, "content") == 0 && strcasestr(v, "url=") &&
	    runs_script(strcasestr(v, "url=") + 4))
		fail_msg("%s: <%s content=\"%s\">: a script address", rel, el->name, v);
	xmlFree(value);
}

/* The theme's one drawing: a server's 90-day strip, an <svg> right inside
 * <figure class="strip"> (its marks' links are checked like any other). */
static int strip_svg(xmlNode *el)
{
	xmlNode *parent = el->parent;
	xmlChar *cls;
	int ok;

	if (strcasecmp((const char *)el->name, "svg") != 0 || !parent ||
	    parent->type != XML_ELEMENT_NODE || strcasecmp((const char *)parent->name, "figure") != 0)
		return 0;
	cls = xmlGetProp(parent, BAD_CAST "class");
	ok = cls && strcmp((const char *)cls, "strip") == 0;
	xmlFree(cls);
	return ok;
}

static void check_element(const char *rel, xmlNode *el)
{
	xmlAttr *a;
	size_t i;

	for (i = 0; i < NB_ARRAY_LEN(live_elements); i++)
		if (strcasecmp((const char *)el->name, live_elements[i]) == 0 && !strip_svg(el))
			fail_msg("%s: a <%s> element", rel, el->name);
	for (a = el->properties; a; a = a->next)
		check_attribute(rel, el, a);
}

/* Every element of the tree, depth first, with an explicit stack. */
static void check_tree(const char *rel, xmlNode *root)
{
	xmlNode **stack = NULL, *n;
	size_t depth = 0, alloc = 0;

	nb_grow_array(&stack, &alloc, 1, sizeof(*stack));
	stack[depth++] = root;
	while (depth) {
		for (n = stack[--depth]; n; n = n->next) {
			if (n->type != XML_ELEMENT_NODE)
				continue;
			check_element(rel, n);
			if (n->children) {
				nb_grow_array(&stack, &alloc, depth + 1, sizeof(*stack));
				stack[depth++] = n->children;
			}
		}
	}
	free(stack);
}

static htmlDocPtr read_html(const char *full)
{
	char *text = fx_slurp(full);
	htmlDocPtr doc;

	assert_non_null(text);
	doc = htmlReadMemory(text, (int)strlen(text), full, "UTF-8",
			     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
			     HTML_PARSE_NONET);
	free(text);
	if (!doc)
		fail_msg("%s does not parse as HTML", full);
	return doc;
}

static void check_page(const char *rel, const char *full, void *payload)
{
	htmlDocPtr doc;

	if (!strstr(rel, ".html"))
		return;
	doc = read_html(full);
	check_tree(rel, xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	(*(int *)payload)++;
}

/* The text of the first <tag> of a page; the caller frees. */
static char *first_text(const char *full, const char *tag)
{
	htmlDocPtr doc = read_html(full);
	xmlNode **stack = NULL, *n;
	size_t depth = 0, alloc = 0;
	char *found = NULL;

	nb_grow_array(&stack, &alloc, 1, sizeof(*stack));
	stack[depth++] = xmlDocGetRootElement(doc);
	while (depth && !found) {
		for (n = stack[--depth]; n && !found; n = n->next) {
			if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, tag) == 0) {
				xmlChar *t = xmlNodeGetContent(n);

				found = strdup((const char *)t);
				xmlFree(t);
			} else if (n->children) {
				nb_grow_array(&stack, &alloc, depth + 1, sizeof(*stack));
				stack[depth++] = n->children;
			}
		}
	}
	free(stack);
	xmlFreeDoc(doc);
	return found;
}

/* ---- feeds: well-formed, valid, the text as it was ---- */

struct feeds {
	struct nb_buf files;   /* for feedcheck.py, quoted */
	int xml, atom, ics;
};

static void check_xml(const char *rel, const char *full, struct feeds *f)
{
	struct nb_buf cmd = NB_BUF_INIT;
	char *out = NULL;
	xmlDocPtr doc = xmlReadFile(full, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
					       XML_PARSE_NOWARNING);

	if (!doc)
		fail_msg("%s is not well-formed XML", rel);
	xmlFreeDoc(doc);
	f->xml++;
	if (strstr(rel, "sitemap.xml"))
		return;
	nb_buf_printf(&f->files, " '%s'", full);
	if (strstr(rel, "rss.xml"))
		return;
	nb_buf_printf(&cmd, "xmllint --noout --relaxng '%s/tests/data/schemas/atom-thr.rng' "
		      "'%s' 2>&1", fx_srcdir(), full);
	if (fx_sh(cmd.ptr, &out) != 0)
		fail_msg("%s is not valid Atom:\n%s", rel, out);
	free(out);
	f->atom++;
	nb_buf_release(&cmd);
}

/* Each physical line: at most 75 octets, CRLF ended, whole UTF-8 (a fold
 * never splits a character). */
static void check_folding(const char *rel, const char *text)
{
	const char *line = text, *end;

	for (; *line; line = end + 2) {
		end = strstr(line, "\r\n");
		if (!end)
			fail_msg("%s: a line without CRLF: %s", rel, line);
		if (end - line > 75)
			fail_msg("%s: a line of %d octets", rel, (int)(end - line));
		if (nb_utf8_check(line, (size_t)(end - line)) != (size_t)(end - line))
			fail_msg("%s: a fold splits a UTF-8 character: %.*s", rel, (int)(end - line),
				 line);
		if (memchr(line, '\n', (size_t)(end - line)) || memchr(line, '\r', (size_t)(end - line)))
			fail_msg("%s: a bare line break", rel);
	}
}

static void check_ics(const char *rel, const char *full, struct feeds *f)
{
	char *text = fx_slurp(full);
	icalcomponent *cal, *ev;
	int events = 0, begins = 0;
	const char *p;

	assert_non_null(text);
	check_folding(rel, text);
	for (p = text; (p = strstr(p, "\nBEGIN:VEVENT")); p++)
		begins++;
	cal = icalparser_parse_string(text);
	if (!cal)
		fail_msg("%s: libical cannot read it", rel);
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		const char *summary = icalcomponent_get_summary(ev);

		events++;
		if (!summary || strcmp(summary, LONG_TITLE) != 0)
			fail_msg("%s: the summary reads back as '%s'", rel, summary ? summary : "");
		if (!strstr(icalcomponent_get_description(ev), DESC_SHOWN))
			fail_msg("%s: the description reads back as '%s'", rel,
				 icalcomponent_get_description(ev));
	}
	/* the lines in the body stayed text: one event, the maintenance */
	if (events != 1 || begins != 1)
		fail_msg("%s: %d events, %d BEGIN:VEVENT lines", rel, events, begins);
	{
		icalproperty *name = icalcomponent_get_first_property(cal, ICAL_X_PROPERTY);
		const char *want_site = "Site " SHOWN ": maintenance";

		if (!name || (strcmp(rel, "/maintenance.ics") == 0 &&
			      strcmp(icalproperty_get_x(name), want_site) != 0))
			fail_msg("%s: the calendar's name reads back as '%s'", rel,
				 name ? icalproperty_get_x(name) : "");
	}
	icalcomponent_free(cal);
	free(text);
	nb_buf_printf(&f->files, " '%s'", full);
	f->ics++;
}

static void check_feed(const char *rel, const char *full, void *payload)
{
	/* only the calendars with the maintenance in them */
	if (strstr(rel, ".xml"))
		check_xml(rel, full, payload);
	else if (strstr(rel, ".ics") && !strstr(rel, "/servers/EVIL/"))
		check_ics(rel, full, payload);
}

/* The titles of atom.xml's entries, read back by libxml2. */
static int atom_has_title(const char *path, const char *want)
{
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	xmlNode *root = xmlDocGetRootElement(doc), *e, *c;
	int found = 0;

	for (e = root ? root->children : NULL; e; e = e->next)
		for (c = e->children; c && strcmp((const char *)e->name, "entry") == 0; c = c->next)
			if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "title") == 0) {
				xmlChar *t = xmlNodeGetContent(c);

				found |= strcmp((const char *)t, want) == 0;
				xmlFree(t);
			}
	xmlFreeDoc(doc);
	return found;
}

static void test_payloads_everywhere(void **state)
{
	struct feeds f = { NB_BUF_INIT, 0, 0, 0 };
	struct nb_buf out = NB_BUF_INIT, path = NB_BUF_INIT, cmd = NB_BUF_INIT;
	struct fx_repo r;
	char *text = NULL;
	int pages = 0;

	(void)state;
	hostile_repo(&r);
	nb_buf_printf(&out, "%s/out", r.dir);
	fx_build(&r, out.ptr);
	fx_walk(out.ptr, check_page, &pages);
	assert_true(pages >= 9);
	/* the payload is shown, as text */
	nb_buf_printf(&path, "%s/servers/EVIL/index.html", out.ptr);
	text = first_text(path.ptr, "h1");
	if (!text || !strstr(text, "<script>alert(1)</script> \"><img src=x onerror=alert(2)> ]]> &amp; &"))
		fail_msg("the server page's heading reads '%s'", text ? text : "");
	free(text);
	nb_buf_truncate(&path, 0);
	nb_buf_printf(&path, "%s/2020/01/x-b-onmouseover-alert-11/index.html", out.ptr);
	text = fx_slurp(path.ptr);
	if (!text)
		fail_msg("no page %s", path.ptr);
	free(text);
	fx_walk(out.ptr, check_feed, &f);
	assert_true(f.atom >= 4 && f.xml > f.atom && f.ics >= 2);
	nb_buf_truncate(&path, 0);
	nb_buf_printf(&path, "%s/atom.xml", out.ptr);
	if (!atom_has_title(path.ptr, "Title " SHOWN))
		fail_msg("no entry of atom.xml reads back as the title");
	/* and as subscribers' software reads them: feedparser, icalendar */
	nb_buf_printf(&cmd, "/usr/bin/python3 '%s/tests/feedcheck.py'%s 2>&1", fx_srcdir(),
		      f.files.ptr);
	if (fx_sh(cmd.ptr, &text) != 0)
		fail_msg("feedcheck.py:\n%s", text);
	free(text);
	nb_buf_release(&f.files);
	nb_buf_release(&out);
	nb_buf_release(&path);
	nb_buf_release(&cmd);
	fx_repo_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payloads_everywhere),
	};
	int rc;

	xmlInitParser();
	rc = cmocka_run_group_tests_name("escape", tests, NULL, NULL);
	icaltimezone_free_builtin_timezones();
	xmlCleanupParser();
	return rc;
}
