/* YAML to template data, for the Mustache spec tests and the fuzz target. */
#include "tmpldata.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static int is_number(const char *s)
{
	char *end;

	if (*s == '-' || *s == '+')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	(void)strtod(s, &end);
	return *end == '\0';
}

/* Plain scalars as YAML reads them: null, booleans, numbers (1.210 is 1.21). */
static struct nb_tmpl_value *scalar(struct nb_tmpl_arena *a, const struct nb_yml *y)
{
	const char *s = y->scalar;

	if (!y->plain)
		return nb_tmpl_str(a, s);
	if (!*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0)
		return nb_tmpl_null(a);
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
		return nb_tmpl_bool(a, s[0] == 't');
	if (is_number(s))
		return nb_tmpl_strf(a, "%.15g", strtod(s, NULL));
	return nb_tmpl_str(a, s);
}

/* next, when not NULL: the memo key the next mapping gets */
static struct nb_tmpl_value *from_yaml(struct nb_tmpl_arena *a, const struct nb_yml *y,
				       uint64_t *next)
{
	struct nb_tmpl_value *v;
	size_t i;

	if (!y)
		return nb_tmpl_null(a);
	switch (y->kind) {
	case NB_YML_SCALAR:
		return scalar(a, y);
	case NB_YML_SEQ:
		v = nb_tmpl_list_new(a);
		for (i = 0; i < y->count; i++)
			nb_tmpl_list_push(v, from_yaml(a, y->items[i], next));
		return v;
	default:
		v = nb_tmpl_map_new(a);
		if (next)
			nb_tmpl_map_set_memo(v, (*next)++, 0);
		for (i = 0; i + 1 < y->count; i += 2)
			nb_tmpl_map_set(v, y->items[i]->scalar, from_yaml(a, y->items[i + 1], next));
		return v;
	}
}

struct nb_tmpl_value *td_from_yaml(struct nb_tmpl_arena *a, const struct nb_yml *y)
{
	return from_yaml(a, y, NULL);
}

struct nb_tmpl_value *td_from_yaml_memo(struct nb_tmpl_arena *a, const struct nb_yml *y)
{
	uint64_t next = 1;

	return from_yaml(a, y, &next);
}

int td_yaml_partial(void *ud, const char *name, struct nb_buf *text,
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
