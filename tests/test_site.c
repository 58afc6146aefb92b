/* site.yaml: settings, servers and groups, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "site.h"

static void load_ok(struct nb_site *site, const char *text)
{
	struct nb_diags diags = NB_DIAGS_INIT;

	if (nb_site_load(site, text, strlen(text), NB_SITE_PATH, &diags) < 0)
		fail_msg("line %d: %s", diags.items[0].line, diags.items[0].message);
	nb_diags_clear(&diags);
}

static void expect_bad(const char *text, int line, const char *part)
{
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_site site;
	char *msg;

	assert_int_equal(nb_site_load(&site, text, strlen(text), NB_SITE_PATH, &diags), -1);
	if (diags.count != 1)
		fail_msg("expected one problem, got %zu (first: %s)", diags.count,
			 diags.count ? diags.items[0].message : "none");
	msg = nb_diag_format(&diags.items[0]);
	if (diags.items[0].line != line || !strstr(msg, part) || !diags.items[0].hint)
		fail_msg("got '%s' (line %d), wanted line %d with '%s'", msg,
			 diags.items[0].line, line, part);
	assert_string_equal(diags.items[0].path, NB_SITE_PATH);
	free(msg);
	nb_diags_clear(&diags);
	nb_site_release(&site);
}

#define HEAD "title: T\nbase_url: https://noc.example.com\ntimezone: America/New_York\n"

static void test_sample_shape(void **state)
{
	struct nb_site site;
	const struct nb_server *sv;

	(void)state;
	load_ok(&site, "title: ExchangeDefender Network Operations\n"
		       "base_url: https://noc.example.com/\n"
		       "timezone: America/New_York      # IANA name\n"
		       "author: ExchangeDefender NOC\n"
		       "servers:\n"
		       "  LOUIE:     {name: LOUIE, description: Exchange 2010 network}\n"
		       "  LOUIECAS3: {name: LOUIECAS3, group: LOUIE}\n"
		       "  SCROOGE:\n"
		       "    description: Exchange 2007 mailbox server\n"
		       "  DONALD:\n");
	assert_string_equal(site.title, "ExchangeDefender Network Operations");
	assert_string_equal(site.base_url, "https://noc.example.com/");
	assert_string_equal(site.timezone, "America/New_York");
	assert_string_equal(site.author, "ExchangeDefender NOC");
	assert_false(site.unsafe_html);
	assert_int_equal(site.server_count, 4);
	assert_string_equal(site.servers[0].id, "LOUIE");
	assert_string_equal(site.servers[0].description, "Exchange 2010 network");
	assert_null(site.servers[0].group);
	sv = nb_site_server(&site, "LOUIECAS3");
	assert_non_null(sv);
	assert_string_equal(sv->group, "LOUIE");
	sv = nb_site_server(&site, "SCROOGE");
	assert_string_equal(sv->name, "SCROOGE"); /* the id when no name is given */
	assert_null(nb_site_server(&site, "louie"));
	assert_string_equal(nb_site_suggest_server(&site, "SCROOGEE"), "SCROOGE");
	assert_string_equal(nb_site_suggest_server(&site, "louie"), "LOUIE");
	assert_null(nb_site_suggest_server(&site, "ZZZZZZZZZZ"));
	nb_site_release(&site);

	/* base_url gains its slash; author defaults to the title */
	load_ok(&site, HEAD "unsafe_html: true\nservers: {A: {name: Alpha}}\n");
	assert_string_equal(site.base_url, "https://noc.example.com/");
	assert_string_equal(site.author, "T");
	assert_true(site.unsafe_html);
	assert_string_equal(site.servers[0].name, "Alpha");
	nb_site_release(&site);
}

static void test_problems(void **state)
{
	(void)state;
	expect_bad(HEAD "servers: {A: {}}\ntitel: x\n", 5, "did you mean 'title'?");
	expect_bad("title: T\nbase_url: https://x/\ntimezone: America/New_Yrok\nservers: {A: {}}\n",
		   3, "unknown time zone 'America/New_Yrok'");
	expect_bad("title: T\nbase_url: ftp://x/\ntimezone: UTC\nservers: {A: {}}\n", 2,
		   "not an http(s) URL");
	expect_bad("title: T\nbase_url: \"https://x\\r/\"\ntimezone: UTC\nservers: {A: {}}\n", 2,
		   "a character a URL cannot hold");
	expect_bad("title: T\nbase_url: https://x/a b\ntimezone: UTC\nservers: {A: {}}\n", 2,
		   "a character a URL cannot hold");
	expect_bad("title: T\nbase_url: https://x/\nservers: {A: {}}\n", 1, "no timezone");
	expect_bad(HEAD "servers:\n  A: {}\n  B: {group: AA}\n", 6,
		   "group 'AA' is not a declared server");
	expect_bad(HEAD "servers:\n  A: {group: B}\n  B: {group: C}\n  C: {}\n", 5,
		   "group 'B' itself belongs to a group");
	expect_bad(HEAD "servers:\n  A: {nmae: x}\n", 5, "did you mean 'name'?");
	expect_bad(HEAD "servers:\n  A B: {}\n", 5, "not usable in a URL");
	expect_bad(HEAD "servers: [A, B]\n", 4, "must be a mapping");
	expect_bad(HEAD "servers: {A: {}}\nunsafe_html: yes\n", 5, "true or false");
	expect_bad(HEAD "servers: {A: {}\n", 5, "invalid YAML");
	expect_bad("a: &x [*x, *x]\n", 1, "aliases");
	expect_bad(HEAD "servers: {A: {}}\n\xc3\x28\n", 5, "invalid UTF-8");
}

static void test_deep_nesting(void **state)
{
	char text[4096];
	size_t i, n = 0;

	(void)state;
	n += (size_t)snprintf(text, sizeof(text), HEAD "servers: ");
	for (i = 0; i < 100; i++)
		text[n++] = '[';
	text[n] = '\0';
	expect_bad(text, 4, "nested too deeply");
}

/* Merge conflicts and bidirectional controls in site.yaml are refused. */
static void test_conflicts_and_bidi(void **state)
{
	(void)state;
	expect_bad("title: NOC\nbase_url: https://noc.example.com/\ntimezone: UTC\n"
		   "<<<<<<< HEAD\nservers: {A: {name: A}}\n=======\nservers: {B: {name: B}}\n"
		   ">>>>>>> other\n", 4, "merge conflict marker");
	expect_bad("title: NOC\nbase_url: https://noc.example.com/\ntimezone: UTC\n"
		   "servers:\n  A: {name: \"\u202eA\"}\n", 5,
		   "bidirectional control character (U+202E) in 'name'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conflicts_and_bidi),
		cmocka_unit_test(test_sample_shape),
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests_name("site", tests, NULL, NULL);
}
