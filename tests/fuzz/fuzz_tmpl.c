/*
 * Fuzzes the Mustache engine (src/tmpl.c): compiling and rendering.  The
 * input is a template, then optionally a NUL byte and a YAML document in
 * the shape of the Mustache spec's tests:
 *
 *     {{#items}}<{{name}}>{{>row}}{{/items}}\0data: {items: [{name: a}]}
 *     partials: {row: "{{name}}!"}
 *
 * so data, partials and parents all come from the input.  A page that
 * renders is rendered twice more with a memo (every mapping keyed): what
 * the memo keeps and gives back must never change a byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "map.h"
#include "tmpl.h"
#include "tmpldata.h"
#include "util.h"
#include "yml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A memo of every text kept, by key. */
struct memo {
	struct nb_map at;      /* key -> index into text */
	char **text;
	size_t count, alloc;
};

static int memo_get(void *ud, uint64_t key, struct nb_buf *out)
{
	struct memo *m = ud;
	size_t i;

	if (!nb_map_get64(&m->at, key, &i))
		return 0;
	nb_buf_puts(out, m->text[i]);
	return 1;
}

static void memo_put(void *ud, uint64_t key, uint64_t group, const char *text, size_t len)
{
	struct memo *m = ud;

	(void)group;
	nb_grow_array(&m->text, &m->alloc, m->count + 1, sizeof(*m->text));
	m->text[m->count] = nb_strndup(text, len);
	nb_map_set64(&m->at, key, m->count++);
}

/* Renders the page twice with a memo: both as without one. */
static void check_memo(struct nb_tmpl_set *set, const struct nb_yml *doc, const struct nb_buf *want)
{
	struct nb_tmpl_arena *arena = nb_tmpl_arena_new();
	struct memo m = { NB_MAP_INIT, NULL, 0, 0 };
	struct nb_tmpl_memo memo = { memo_get, memo_put, &m };
	struct nb_tmpl_data tdata = nb_tmpl_value_data(td_from_yaml_memo(arena, nb_yml_get(doc, "data")));
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_buf out = NB_BUF_INIT;
	size_t i;
	int round;

	tdata.memo = &memo;
	for (round = 0; round < 2; round++) {
		nb_buf_truncate(&out, 0);
		if (nb_tmpl_set_render(set, "page", &tdata, &out, &diags) != 0 || out.len != want->len ||
		    memcmp(nb_buf_cstr(&out), nb_buf_cstr(want), want->len) != 0)
			abort();
	}
	for (i = 0; i < m.count; i++)
		free(m.text[i]);
	free(m.text);
	nb_map_release(&m.at);
	nb_buf_release(&out);
	nb_diags_clear(&diags);
	nb_tmpl_arena_free(arena);
}

/* A failed compile or render must name its template. */
static void check_problem(const struct nb_diags *diags, int rc)
{
	if (rc == 0)
		return;
	if (!diags->count || !diags->items[0].message || !diags->items[0].path)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nul = memchr(text, '\0', size);
	size_t tlen = nul ? (size_t)(nul - text) : size;
	struct nb_tmpl_arena *arena = nb_tmpl_arena_new();
	struct nb_yml *doc = NULL;
	struct nb_buf why = NB_BUF_INIT, out = NB_BUF_INIT;
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_tmpl_set *set;
	struct nb_tmpl_data tdata;
	int line, rc;

	if (nul && nb_yml_parse(&doc, nul + 1, size - tlen - 1, 1, &why, &line) < 0)
		doc = NULL;
	set = nb_tmpl_set_new(td_yaml_partial, (void *)nb_yml_get(doc, "partials"));
	tdata = nb_tmpl_value_data(td_from_yaml(arena, nb_yml_get(doc, "data")));
	rc = nb_tmpl_set_add(set, "page", text, tlen, "templates/page.mustache", &diags);
	check_problem(&diags, rc);
	if (rc == 0) {
		rc = nb_tmpl_set_render(set, "page", &tdata, &out, &diags);
		check_problem(&diags, rc);
		if (rc == 0 && out.len > NB_TMPL_MAX_OUTPUT)
			abort();
		if (rc == 0)
			check_memo(set, doc, &out);
	}
	nb_tmpl_set_free(set);
	nb_tmpl_arena_free(arena);
	nb_yml_free(doc);
	nb_buf_release(&why);
	nb_buf_release(&out);
	nb_diags_clear(&diags);
	return 0;
}
