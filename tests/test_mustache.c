/* Mustache: the official spec files, what the compiler refuses, the limits. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "diag.h"
#include "fixture.h"
#include "tmpldata.h"
#include "tmpl.h"
#include "util.h"
#include "yml.h"

#define MAX_SPEC_FILES 64
#define SPEC_FILES 7        /* six required modules and ~inheritance */

/* The spec files kept with the tests: $SRCDIR/tests/data/mustache-spec. */
static char *spec_dir(void)
{
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "%s/tests/data/mustache-spec", fx_srcdir());
	return nb_buf_detach(&b);
}

static char *slurp(const char *path, size_t *len)
{
	struct nb_buf b = NB_BUF_INIT;
	char chunk[8192];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		nb_buf_put(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return nb_buf_detach(&b);
}

/* Shows control characters, so that whitespace differences are visible. */
static void show(struct nb_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			nb_buf_puts(b, "\\n");
		else if (*s == '\r')
			nb_buf_puts(b, "\\r");
		else if (*s == '\t')
			nb_buf_puts(b, "\\t");
		else
			nb_buf_putc(b, *s);
	}
}

static const char *text_of(const struct nb_yml *y)
{
	return y && y->kind == NB_YML_SCALAR ? y->scalar : NULL;
}

/* Runs one case; returns 0, or -1 with what went wrong in why. */
static int run_case(const struct nb_yml *test, struct nb_buf *why)
{
	const char *tmpl = text_of(nb_yml_get(test, "template"));
	const char *want = text_of(nb_yml_get(test, "expected"));
	struct nb_tmpl_arena *arena = nb_tmpl_arena_new();
	struct nb_tmpl_set *set = nb_tmpl_set_new(td_yaml_partial,
						  (void *)nb_yml_get(test, "partials"));
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_buf out = NB_BUF_INIT;
	struct nb_tmpl_data data;
	int rc = -1;

	if (!tmpl || !want) {
		nb_buf_puts(why, "no template or expected text");
		goto cleanup;
	}
	data = nb_tmpl_value_data(td_from_yaml(arena, nb_yml_get(test, "data")));
	if (nb_tmpl_set_add(set, "", tmpl, strlen(tmpl), "template", &diags) < 0 ||
	    nb_tmpl_set_render(set, "", &data, &out, &diags) < 0) {
		char *msg = nb_diag_format(&diags.items[0]);

		nb_buf_printf(why, "error: %s", msg);
		free(msg);
		goto cleanup;
	}
	if (strcmp(nb_buf_cstr(&out), want) != 0) {
		nb_buf_puts(why, "\n    expected: ");
		show(why, want);
		nb_buf_puts(why, "\n    got:      ");
		show(why, nb_buf_cstr(&out));
		goto cleanup;
	}
	rc = 0;

cleanup:
	nb_buf_release(&out);
	nb_diags_clear(&diags);
	nb_tmpl_set_free(set);
	nb_tmpl_arena_free(arena);
	return rc;
}

/* One spec file: every case in it, each failure reported by name. */
static void test_spec_file(void **state)
{
	const char *path = *state;
	struct nb_buf why = NB_BUF_INIT;
	const struct nb_yml *tests;
	struct nb_yml *root = NULL;
	size_t len, i, failed = 0;
	char *text = slurp(path, &len);
	int line;

	if (!text)
		fail_msg("cannot read %s", path);
	if (nb_yml_parse(&root, text, len, 1, &why, &line) < 0)
		fail_msg("%s:%d: %s", path, line, nb_buf_cstr(&why));
	tests = nb_yml_get(root, "tests");
	if (!tests || tests->kind != NB_YML_SEQ || !tests->count)
		fail_msg("%s: no tests", path);
	for (i = 0; i < tests->count; i++) {
		nb_buf_truncate(&why, 0);
		if (run_case(tests->items[i], &why) < 0) {
			const char *name = text_of(nb_yml_get(tests->items[i], "name"));

			print_message("  FAIL %s: %s\n", name ? name : "?", why.ptr);
			failed++;
		}
	}
	print_message("  %s: %zu of %zu cases pass\n", strrchr(path, '/') + 1,
		      tests->count - failed, tests->count);
	nb_buf_release(&why);
	nb_yml_free(root);
	free(text);
	if (failed)
		fail_msg("%zu of %zu cases fail", failed, (size_t)tests->count);
}

static void test_spec_missing(void **state)
{
	fail_msg("expected %d Mustache spec files (*.yml) in %s: run the tests from the top "
		 "of the source tree, or set SRCDIR to it", SPEC_FILES, (const char *)*state);
}

/* ---- what the compiler refuses ---- */

static void expect_compile_error(const char *text, int line, const char *part)
{
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_tmpl *t = (struct nb_tmpl *)1;
	char *msg;

	assert_int_equal(nb_tmpl_compile(&t, text, strlen(text), "themes/x/page.mustache",
					 &diags), -1);
	assert_null(t);
	if (diags.count != 1)
		fail_msg("'%s': expected one problem, got %zu", text, diags.count);
	msg = nb_diag_format(&diags.items[0]);
	if (diags.items[0].line != line || !strstr(msg, part) || !diags.items[0].hint)
		fail_msg("'%s': got '%s' (line %d), wanted line %d with '%s'", text, msg,
			 diags.items[0].line, line, part);
	assert_string_equal(diags.items[0].path, "themes/x/page.mustache");
	free(msg);
	nb_diags_clear(&diags);
}

static void test_unclosed_section(void **state)
{
	(void)state;
	expect_compile_error("<ul>\n{{#items}}\n<li>{{name}}</li>\n</ul>\n", 2,
			     "section 'items' is never closed");
	expect_compile_error("{{#a}}\n{{#b}}\n{{/b}}\n", 1, "section 'a' is never closed");
	expect_compile_error("x\n{{^none}}\n", 2, "inverted section 'none' is never closed");
	expect_compile_error("{{<base}}\n{{$content}}\n", 2, "block 'content' is never closed");
}

static void test_compile_errors(void **state)
{
	char deep[NB_TMPL_MAX_DEPTH * 8 + 64];
	size_t i, n = 0;

	(void)state;
	expect_compile_error("a\nb {{title\n", 2, "unclosed tag '{{title'");
	expect_compile_error("a {{{title}}\n", 1, "unclosed tag");
	expect_compile_error("{{=<% %>=}}\n<%x}}\n", 2, "end it with '%>'");
	expect_compile_error("{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}\n", 3,
			     "end tag 'a' does not match section 'b' opened on line 2");
	expect_compile_error("x\n{{/a}}\n", 2, "end tag 'a' closes nothing");
	expect_compile_error("{{=<%=}}", 1, "bad delimiter tag");
	expect_compile_error("{{= a b c =}}", 1, "bad delimiter tag");
	expect_compile_error("{{= a= b =}}", 1, "bad delimiter tag");
	expect_compile_error("\n{{a b}}", 2, "has spaces");
	expect_compile_error("{{ }}", 1, "tag without a name");
	expect_compile_error("{{a..b}}", 1, "bad name 'a..b'");
	expect_compile_error("{{#.a}}{{/.a}}", 1, "bad name '.a'");
	for (i = 0; i <= NB_TMPL_MAX_DEPTH; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{{#a}}\n");
	expect_compile_error(deep, NB_TMPL_MAX_DEPTH + 1, "nested more than 64 deep");
}

/* ---- rendering ---- */

static struct nb_tmpl *compile_ok(const char *text)
{
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_tmpl *t;

	if (nb_tmpl_compile(&t, text, strlen(text), "t.mustache", &diags) < 0)
		fail_msg("line %d: %s", diags.items[0].line, diags.items[0].message);
	return t;
}

static void expect_render(const char *text, const struct nb_tmpl_value *root,
			  const char *want)
{
	struct nb_tmpl *t = compile_ok(text);
	struct nb_tmpl_data data = nb_tmpl_value_data(root);
	struct nb_buf out = NB_BUF_INIT;

	assert_int_equal(nb_tmpl_render(&out, t, &data, NULL, NULL), 0);
	assert_string_equal(nb_buf_cstr(&out), want);
	nb_buf_release(&out);
	nb_tmpl_free(t);
}

/* A page's data, the way nocblog's renderer builds it. */
static void test_value_tree(void **state)
{
	struct nb_tmpl_arena *a = nb_tmpl_arena_new();
	struct nb_tmpl_value *page = nb_tmpl_map_new(a), *site, *notices, *n;

	(void)state;
	site = nb_tmpl_map_add_map(page, "site");
	nb_tmpl_map_set_str(site, "title", "NOC <Status>");
	nb_tmpl_map_set_str(page, "description", "all of NOC");
	notices = nb_tmpl_map_add_list(page, "notices");
	n = nb_tmpl_list_add_map(notices);
	nb_tmpl_map_set_str(n, "title", "LOUIE down");
	nb_tmpl_map_set_bool(n, "resolved", 1);
	nb_tmpl_map_set_str(n, "description", NULL); /* hides the page's */
	n = nb_tmpl_list_add_map(notices);
	nb_tmpl_map_set_strf(n, "title", "%s %s", "SCROOGE", "slow");
	nb_tmpl_map_set_int(n, "updates", 3);
	nb_tmpl_map_set_str(n, "title", "SCROOGE slow again"); /* replaces */
	nb_tmpl_list_push_str(nb_tmpl_map_add_list(page, "tags"), "mail");

	assert_string_equal(nb_tmpl_value_str(nb_tmpl_map_get(site, "title")), "NOC <Status>");
	assert_string_equal(nb_tmpl_value_str(nb_tmpl_map_get(n, "title")), "SCROOGE slow again");
	assert_null(nb_tmpl_map_get(page, "nope"));
	assert_null(nb_tmpl_value_str(nb_tmpl_map_get(page, "notices")));
	expect_render("{{site.title}}|{{{site.title}}}|{{description}}"
		      "{{#notices}}\n* {{title}}{{#resolved}} (resolved){{/resolved}}"
		      "{{#updates}}, {{.}} updates{{/updates}} [{{description}}]{{/notices}}\n"
		      "{{#tags}}#{{.}}{{/tags}}{{^nothing}}!{{/nothing}}{{notices}}{{site}}",
		      page,
		      "NOC &lt;Status&gt;|NOC <Status>|all of NOC"
		      "\n* LOUIE down (resolved) []"
		      "\n* SCROOGE slow again, 3 updates [all of NOC]\n"
		      "#mail!");
	nb_tmpl_arena_free(a);
}

static void test_escaping(void **state)
{
	struct nb_tmpl_arena *a = nb_tmpl_arena_new();
	struct nb_tmpl_value *v = nb_tmpl_map_new(a);

	(void)state;
	nb_tmpl_map_set_str(v, "x", "<a href=\"/?a=1&b='2'\">\xc3\xa9</a>");
	nb_tmpl_map_set_str(v, "empty", "");
	nb_tmpl_map_set_bool(v, "no", 0);
	expect_render("{{x}}", v, "&lt;a href=&quot;/?a=1&amp;b=&#39;2&#39;&quot;&gt;\xc3\xa9&lt;/a&gt;");
	expect_render("{{{x}}}{{&x}}", v,
		      "<a href=\"/?a=1&b='2'\">\xc3\xa9</a><a href=\"/?a=1&b='2'\">\xc3\xa9</a>");
	expect_render("[{{#empty}}x{{/empty}}{{^empty}}empty{{/empty}}|{{no}}]", v,
		      "[empty|false]");
	nb_tmpl_arena_free(a);
}

/* Missing data, partials and parents render as nothing, without crashing. */
static void test_missing(void **state)
{
	struct nb_tmpl *t = compile_ok("a{{x}}{{#x}}y{{/x}}{{^x}}n{{/x}}{{x.y.z}}{{.}}"
				       "{{>p}}{{<q}}{{$b}}c{{/b}}{{/q}}{{$b}}d{{/b}}e");
	struct nb_buf out = NB_BUF_INIT;
	struct nb_tmpl_data data = nb_tmpl_value_data(NULL);

	(void)state;
	assert_int_equal(nb_tmpl_render(&out, t, NULL, NULL, NULL), 0);
	assert_string_equal(nb_buf_cstr(&out), "ande");
	nb_buf_truncate(&out, 0);
	assert_int_equal(nb_tmpl_render(&out, t, &data, NULL, NULL), 0);
	assert_string_equal(nb_buf_cstr(&out), "ande");
	nb_buf_release(&out);
	nb_tmpl_free(t);
}

static void expect_depth_error(struct nb_tmpl_set *set, const char *name,
			       const char *path, const char *part)
{
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_tmpl_data data = nb_tmpl_value_data(NULL);
	struct nb_buf out = NB_BUF_INIT;

	assert_int_equal(nb_tmpl_set_render(set, name, &data, &out, &diags), -1);
	assert_int_equal(diags.count, 1);
	assert_string_equal(diags.items[0].path, path);
	assert_int_equal(diags.items[0].line, 2);
	if (!strstr(diags.items[0].message, part) || !diags.items[0].hint)
		fail_msg("got '%s', wanted '%s'", diags.items[0].message, part);
	nb_buf_release(&out);
	nb_diags_clear(&diags);
}

/* A partial or parent that includes itself stops at NB_TMPL_MAX_DEPTH. */
static void test_depth_limit(void **state)
{
	struct nb_tmpl_set *set = nb_tmpl_set_new(NULL, NULL);
	struct nb_diags diags = NB_DIAGS_INIT;
	static const char *const t[][2] = {
		{ "self", "x\n  {{>self}}\n" },
		{ "ping", "ping\n{{>pong}}" },
		{ "pong", "pong\n{{>ping}}" },
		{ "layout", "<div>\n{{<layout}}{{$b}}x{{/b}}{{/layout}}\n</div>\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NB_ARRAY_LEN(t); i++)
		assert_int_equal(nb_tmpl_set_add(set, t[i][0], t[i][1], strlen(t[i][1]),
						 NULL, &diags), 0);
	expect_depth_error(set, "self", "self", "partial 'self' nested more than 64 deep");
	expect_depth_error(set, "ping", "ping", "partial 'pong' nested more than 64 deep");
	expect_depth_error(set, "layout", "layout", "parent 'layout' nested more than 64 deep");
	nb_tmpl_set_free(set);
}

/* Sections count toward the depth too: {{#a}}{{>r}}{{/a}} with a: {a: ...}. */
static void test_depth_sections(void **state)
{
	struct nb_tmpl_arena *a = nb_tmpl_arena_new();
	struct nb_tmpl_value *root = nb_tmpl_map_new(a), *v = root;
	struct nb_tmpl_set *set = nb_tmpl_set_new(NULL, NULL);
	struct nb_tmpl_data data;
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_buf out = NB_BUF_INIT;
	const char *text = "{{#a}}\n{{>r}}\n{{/a}}";
	int i;

	(void)state;
	for (i = 0; i < 20; i++)
		v = nb_tmpl_map_add_map(v, "a");
	nb_tmpl_map_set_bool(v, "a", 0); /* else {{#a}} finds the a below */
	data = nb_tmpl_value_data(root);
	assert_int_equal(nb_tmpl_set_add(set, "r", text, strlen(text), NULL, &diags), 0);
	assert_int_equal(nb_tmpl_set_render(set, "r", &data, &out, &diags), 0);
	assert_int_equal(out.len, 0);
	for (i = 0; i < 20; i++)
		v = nb_tmpl_map_add_map(v, "a");
	nb_tmpl_map_set_bool(v, "a", 0);
	assert_int_equal(nb_tmpl_set_render(set, "r", &data, &out, &diags), -1);
	assert_non_null(strstr(diags.items[0].message, "nested more than 64 deep"));
	nb_buf_release(&out);
	nb_diags_clear(&diags);
	nb_tmpl_set_free(set);
	nb_tmpl_arena_free(a);
}

/* A partial included twice at each of 16 levels writes 2^16 copies. */
static void test_output_limit(void **state)
{
	struct nb_tmpl_set *set = nb_tmpl_set_new(NULL, NULL);
	struct nb_tmpl_data data = nb_tmpl_value_data(NULL);
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_buf out = NB_BUF_INIT, leaf = NB_BUF_INIT;
	char name[16], text[64];
	int i;

	(void)state;
	for (i = 0; i < 2048; i++)
		nb_buf_puts(&leaf, "0123456789abcdef");
	assert_int_equal(nb_tmpl_set_add(set, "p0", leaf.ptr, leaf.len, NULL, &diags), 0);
	for (i = 1; i <= 16; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(text, sizeof(text), "{{>p%d}}{{>p%d}}", i - 1, i - 1);
		assert_int_equal(nb_tmpl_set_add(set, name, text, strlen(text), NULL, &diags), 0);
	}
	assert_int_equal(nb_tmpl_set_render(set, "p16", &data, &out, &diags), -1);
	assert_non_null(strstr(diags.items[0].message, "output larger than 64 MiB"));
	assert_true(out.len <= NB_TMPL_MAX_OUTPUT + leaf.len);
	nb_buf_release(&leaf);
	nb_buf_release(&out);
	nb_diags_clear(&diags);
	nb_tmpl_set_free(set);
}

/* One compiled template, many data sets: nothing of one render leaks into
 * the next. */
static void test_many_renders(void **state)
{
	struct nb_tmpl_set *set = nb_tmpl_set_new(NULL, NULL);
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_buf out = NB_BUF_INIT, want = NB_BUF_INIT;
	static const char base[] = "<title>{{$title}}NOC{{/title}}</title>\n<main>\n"
				   "  {{$body}}\n  {{/body}}\n</main>\n";
	static const char page[] = "{{<base}}{{$title}}{{name}} · NOC{{/title}}{{$body}}\n"
				   "{{#servers}}\n<p>{{.}}</p>\n{{/servers}}\n"
				   "{{^servers}}\n<p>none</p>\n{{/servers}}\n{{/body}}{{/base}}\n";
	int i, j;

	(void)state;
	assert_int_equal(nb_tmpl_set_add(set, "base", base, strlen(base), NULL, &diags), 0);
	assert_int_equal(nb_tmpl_set_add(set, "page", page, strlen(page), NULL, &diags), 0);
	for (i = 0; i < 10000; i++) {
		struct nb_tmpl_arena *a = nb_tmpl_arena_new();
		struct nb_tmpl_value *v = nb_tmpl_map_new(a), *list;
		struct nb_tmpl_data data = nb_tmpl_value_data(v);

		nb_tmpl_map_set_strf(v, "name", "page <%d>", i);
		list = nb_tmpl_map_add_list(v, "servers");
		nb_buf_truncate(&want, 0);
		nb_buf_printf(&want, "<title>page &lt;%d&gt; · NOC</title>\n<main>\n", i);
		for (j = 0; j < i % 4; j++) {
			nb_tmpl_list_push(list, nb_tmpl_strf(a, "S%d", j));
			nb_buf_printf(&want, "  <p>S%d</p>\n", j);
		}
		if (i % 4 == 0)
			nb_buf_puts(&want, "  <p>none</p>\n");
		nb_buf_puts(&want, "</main>\n");
		nb_buf_truncate(&out, 0);
		assert_int_equal(nb_tmpl_set_render(set, "page", &data, &out, &diags), 0);
		if (strcmp(nb_buf_cstr(&out), want.ptr) != 0)
			fail_msg("render %d:\n%s\nwanted:\n%s", i, nb_buf_cstr(&out), want.ptr);
		nb_tmpl_arena_free(a);
	}
	nb_buf_release(&out);
	nb_buf_release(&want);
	nb_tmpl_set_free(set);
}

/* Template sets: lazy reads, remembered misses, errors passed on. */
static int count_reads;

static int read_fixed(void *ud, const char *name, struct nb_buf *text,
		      struct nb_buf *path, struct nb_diags *diags)
{
	(void)ud;
	count_reads++;
	if (strcmp(name, "broken") == 0) {
		nb_buf_puts(text, "line 1\n{{#x}}\n");
		nb_buf_printf(path, "templates/%s.mustache", name);
		return 1;
	}
	if (strcmp(name, "unreadable") == 0)
		return nb_diags_add(diags, "templates/unreadable.mustache", 0, NULL,
				    "cannot read it");
	if (strcmp(name, "hello") == 0) {
		nb_buf_puts(text, "hello {{>missing}}{{>missing}}world");
		return 1;
	}
	return 0;
}

static void test_set(void **state)
{
	struct nb_tmpl_set *set = nb_tmpl_set_new(read_fixed, NULL);
	struct nb_tmpl_data data = nb_tmpl_value_data(NULL);
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_buf out = NB_BUF_INIT;
	const struct nb_tmpl *t;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_int_equal(nb_tmpl_set_render(set, "hello", &data, &out, &diags), 0);
	assert_string_equal(out.ptr, "hello worldhello worldhello world");
	assert_int_equal(count_reads, 2); /* hello, then missing once */
	assert_int_equal(nb_tmpl_set_get(set, "hello", &t, &diags), 0);
	assert_string_equal(nb_tmpl_path(t), "hello");

	assert_int_equal(nb_tmpl_set_render(set, "nope", &data, &out, &diags), -1);
	assert_string_equal(diags.items[0].message, "template 'nope' not found");
	assert_int_equal(nb_tmpl_set_render(set, "broken", &data, &out, &diags), -1);
	assert_string_equal(diags.items[1].path, "templates/broken.mustache");
	assert_int_equal(diags.items[1].line, 2);
	assert_int_equal(nb_tmpl_set_render(set, "unreadable", &data, &out, &diags), -1);
	assert_int_equal(diags.count, 3);
	nb_buf_release(&out);
	nb_diags_clear(&diags);
	nb_tmpl_set_free(set);
}

/* ---- the memo ---- */

/* A memo of a few entries that counts what it is asked. */
struct memo {
	uint64_t key[16], group[16];
	char *text[16];
	size_t count, hits, puts;
};

static int memo_get(void *ud, uint64_t key, struct nb_buf *out)
{
	struct memo *m = ud;
	size_t i;

	for (i = 0; i < m->count; i++) {
		if (m->key[i] == key) {
			nb_buf_puts(out, m->text[i]);
			m->hits++;
			return 1;
		}
	}
	return 0;
}

static void memo_put(void *ud, uint64_t key, uint64_t group, const char *text, size_t len)
{
	struct memo *m = ud;

	assert_true(m->count < 16);
	m->key[m->count] = key;
	m->group[m->count] = group;
	m->text[m->count++] = nb_strndup(text, len);
	m->puts++;
}

/* Renders template name of set with root and the memo; returns the text. */
static char *render_memo(struct nb_tmpl_set *set, const char *name,
			 const struct nb_tmpl_value *root, struct memo *m)
{
	struct nb_tmpl_memo memo = { memo_get, memo_put, m };
	struct nb_tmpl_data data = nb_tmpl_value_data(root);
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_buf out = NB_BUF_INIT;

	data.memo = &memo;
	m->hits = m->puts = 0;
	assert_int_equal(nb_tmpl_set_render(set, name, &data, &out, &diags), 0);
	return nb_buf_detach(&out);
}

#define expect_memo(set, name, root, m, want, hits_, puts_) do { \
		char *got_ = render_memo(set, name, root, m); \
		assert_string_equal(got_, want); \
		assert_int_equal((m)->hits, hits_); \
		assert_int_equal((m)->puts, puts_); \
		free(got_); \
	} while (0)

/*
 * A partial included with a keyed value on top is made once per key and
 * placement, then copied; one that reads a name below that value (found
 * there or found nowhere) or a block is never kept; partials inside a kept
 * one are rendered as usual.
 */
static void test_memo(void **state)
{
	static const char *const t[][2] = {
		{ "page", "{{#items}}{{>card}}{{/items}}|" },
		{ "indented", "{{#items}}\n  {{>card}}\n{{/items}}" },
		{ "card", "<{{name}}{{#sub}}:{{x}}{{/sub}}{{>inner}}>" },
		{ "inner", "{{#sub}}.{{/sub}}" },
		{ "outer", "{{#items}}{{>reads_site}}{{/items}}" },
		{ "reads_site", "<{{name}}@{{site}}>" },
		{ "missing", "{{#items}}{{>reads_nothing}}{{/items}}" },
		{ "reads_nothing", "<{{name}}{{nothing}}>" },
		{ "blocks", "{{#items}}{{>with_block}}{{/items}}" },
		{ "with_block", "<{{$b}}{{name}}{{/b}}>" },
	};
	struct nb_tmpl_arena *a = nb_tmpl_arena_new();
	struct nb_tmpl_value *root = nb_tmpl_map_new(a);
	struct nb_tmpl_value *items = nb_tmpl_map_add_list(root, "items");
	struct nb_tmpl_value *x = nb_tmpl_list_add_map(items), *y = nb_tmpl_list_add_map(items);
	struct nb_tmpl_set *set = nb_tmpl_set_new(NULL, NULL);
	struct nb_diags diags = NB_DIAGS_INIT;
	struct memo m;
	size_t i;

	(void)state;
	memset(&m, 0, sizeof(m));
	for (i = 0; i < NB_ARRAY_LEN(t); i++)
		assert_int_equal(nb_tmpl_set_add(set, t[i][0], t[i][1], strlen(t[i][1]), NULL,
						 &diags), 0);
	nb_tmpl_map_set_str(root, "site", "NOC");
	nb_tmpl_map_set_str(x, "name", "a");
	nb_tmpl_map_set_str(nb_tmpl_map_add_map(x, "sub"), "x", "1");
	nb_tmpl_map_set_memo(x, 11, 7);
	nb_tmpl_map_set_str(y, "name", "b");
	nb_tmpl_map_set_bool(y, "sub", 0);
	nb_tmpl_map_set_memo(y, 12, 8);
	nb_tmpl_map_set_str(y, "nothing", NULL); /* y says it has none */

	/* made once, with the groups given, then copied: a kept text is what
	 * the key says, whatever the value holds now */
	expect_memo(set, "page", root, &m, "<a:1.><b>|", 0, 2);
	assert_true(m.group[0] == 7 && m.group[1] == 8);
	nb_tmpl_map_set_str(x, "name", "changed");
	expect_memo(set, "page", root, &m, "<a:1.><b>|", 2, 0);
	nb_tmpl_map_set_str(x, "name", "a");
	/* another placement is another text: indented when it starts a line
	 * (b follows a on the same line: the card ends with no line end) */
	expect_memo(set, "indented", root, &m, "  <a:1.><b>", 0, 2);
	expect_memo(set, "indented", root, &m, "  <a:1.><b>", 2, 0);
	/* names read below the value, or looked for there, or blocks: never
	 * kept, except y's, which holds "nothing" as null */
	expect_memo(set, "outer", root, &m, "<a@NOC><b@NOC>", 0, 0);
	expect_memo(set, "missing", root, &m, "<a><b>", 0, 1);
	expect_memo(set, "blocks", root, &m, "<a><b>", 0, 0);
	/* no key, no memo */
	nb_tmpl_map_set_memo(x, 0, 0);
	nb_tmpl_map_set_memo(y, 0, 0);
	expect_memo(set, "page", root, &m, "<a:1.><b>|", 0, 0);
	for (i = 0; i < m.count; i++)
		free(m.text[i]);
	nb_diags_clear(&diags);
	nb_tmpl_set_free(set);
	nb_tmpl_arena_free(a);
}

/* The spec files, sorted; NULL when the folder cannot be read. */
static char **spec_files(const char *dir, size_t *count)
{
	char **files = NULL;
	size_t alloc = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	*count = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d)) && *count < MAX_SPEC_FILES) {
		size_t n = strlen(e->d_name);
		struct nb_buf path = NB_BUF_INIT;

		if (n < 5 || strcmp(e->d_name + n - 4, ".yml") != 0)
			continue;
		nb_buf_printf(&path, "%s/%s", dir, e->d_name);
		nb_grow_array(&files, &alloc, *count + 1, sizeof(*files));
		files[(*count)++] = nb_buf_detach(&path);
	}
	closedir(d);
	nb_sort(files, *count, sizeof(*files), nb_str_order);
	return files;
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_unclosed_section),
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_value_tree),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_depth_sections),
		cmocka_unit_test(test_output_limit),
		cmocka_unit_test(test_many_renders),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_memo),
	};
	struct CMUnitTest tests[MAX_SPEC_FILES + NB_ARRAY_LEN(fixed)];
	char *dir = spec_dir(), **files;
	size_t nfiles, n = 0, i;
	int rc;

	files = spec_files(dir, &nfiles);
	for (i = 0; i < nfiles; i++) {
		struct CMUnitTest t = { strrchr(files[i], '/') + 1, test_spec_file, NULL, NULL,
					files[i] };

		tests[n++] = t;
	}
	if (nfiles != SPEC_FILES) {
		struct CMUnitTest t = { "spec_files", test_spec_missing, NULL, NULL, dir };

		tests[n++] = t;
	}
	for (i = 0; i < NB_ARRAY_LEN(fixed); i++)
		tests[n++] = fixed[i];
	/* what cmocka_run_group_tests expands to, for an array filled at run time */
	rc = _cmocka_run_group_tests("mustache", tests, n, NULL, NULL);
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	free(dir);
	return rc;
}
