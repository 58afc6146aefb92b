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
#include "tmpldata.h"
#include "yml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	}
	nb_tmpl_set_free(set);
	nb_tmpl_arena_free(arena);
	nb_yml_free(doc);
	nb_buf_release(&why);
	nb_buf_release(&out);
	nb_diags_clear(&diags);
	return 0;
}
