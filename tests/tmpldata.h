/*
 * tmpldata: YAML (as the Mustache spec files write it) to template data,
 * for test_mustache and the Mustache fuzz target.
 */
#ifndef NB_TEST_TMPLDATA_H
#define NB_TEST_TMPLDATA_H

#include "tmpl.h"
#include "yml.h"

struct nb_buf;
struct nb_diags;

/* The data of a YAML node: plain scalars as YAML reads them (null, booleans,
 * numbers), sequences as lists, mappings as maps.  Recursive, but nb_yml
 * bounds the depth (NB_YML_MAX_DEPTH). */
struct nb_tmpl_value *td_from_yaml(struct nb_tmpl_arena *a, const struct nb_yml *y);
/* The same, each mapping with a memo key of its own (struct nb_tmpl_memo). */
struct nb_tmpl_value *td_from_yaml_memo(struct nb_tmpl_arena *a, const struct nb_yml *y);
/* A partial reader: partials come from the mapping ud (name: template). */
int td_yaml_partial(void *ud, const char *name, struct nb_buf *text, struct nb_buf *path,
		    struct nb_diags *diags);

#endif
