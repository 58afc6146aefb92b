/*
 * Fuzzes the Mustache engine (src/tmpl.c): compiling and rendering.  The
 * input is a template, then optionally a NUL byte and a YAML document in
 * the shape of the Mustache spec's tests:
 *
 *     {{#items}}<{{name}}>{{>row}}{{/items}}\0data: {items: [{name: a}]}
 *     partials: {row: "{{name}}!"}
 *
 * so data, partials and parents all come from the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "tmpl.h"
#include "yml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Recursive, but nb_yml bounds the depth (NB_YML_MAX_DEPTH). */
static struct nb_tmpl_value *from_yaml(struct nb_tmpl_arena *a, const struct nb_yml *y)
{
	struct nb_tmpl_value *v;
	size_t i;

	if (!y)
		return nb_tmpl_null(a);
	switch (y->kind) {
	case NB_YML_SCALAR:
		if (y->plain && (!strcmp(y->scalar, "true") || !strcmp(y->scalar, "false")))
			return nb_tmpl_bool(a, y->scalar[0] == 't');
		if (y->plain && (!*y->scalar || !strcmp(y->scalar, "null")))
			return nb_tmpl_null(a);
		return nb_tmpl_str(a, y->scalar);
	case NB_YML_SEQ:
		v = nb_tmpl_list_new(a);
		for (i = 0; i < y->count; i++)
			nb_tmpl_list_push(v, from_yaml(a, y->items[i]));
		return v;
	default:
		v = nb_tmpl_map_new(a);
		for (i = 0; i + 1 < y->count; i += 2)
			nb_tmpl_map_set(v, y->items[i]->scalar, from_yaml(a, y->items[i + 1]));
		return v;
	}
}

static int read_partial(void *ud, const char *name, struct nb_buf *text,
			struct nb_buf *path, struct nb_diags *diags)
{
	const struct nb_yml *p = nb_yml_get(ud, name);

	(void)diags;
	if (!p || p->kind != NB_YML_SCALAR)
		return 0;
	nb_buf_puts(text, p->scalar);
	nb_buf_printf(path, "partials/%s", name);
	return 1;
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
	set = nb_tmpl_set_new(read_partial, (void *)nb_yml_get(doc, "partials"));
	tdata = nb_tmpl_value_data(from_yaml(arena, nb_yml_get(doc, "data")));
	rc = nb_tmpl_set_add(set, "page", text, tlen, "templates/page.mustache", &diags);
	check_problem(&diags, rc);
	if (rc == 0) {
		rc = nb_tmpl_set_render(set, "page", &tdata, &out, &diags);
		check_problem(&diags, rc);
		if (rc == 0 && out.len > NB_TMPL_MAX_OUTPUT)
			abort();
	}
	nb_tmpl_set_free(set);
	nb_tmpl_arena_free(arena);
	nb_yml_free(doc);
	nb_buf_release(&why);
	nb_buf_release(&out);
	nb_diags_clear(&diags);
	return 0;
}
