#include "yml.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "map.h"
#include "util.h"

static struct nb_yml *node_new(enum nb_yml_kind kind, const yaml_mark_t *mark,
			       int first_line)
{
	struct nb_yml *n = nb_calloc(1, sizeof(*n));

	n->kind = kind;
	n->line = (int)mark->line + first_line;
	return n;
}

static void node_push(struct nb_yml *parent, struct nb_yml *child)
{
	nb_grow_array(&parent->items, &parent->alloc, parent->count + 1,
		      sizeof(*parent->items));
	parent->items[parent->count++] = child;
}

void nb_yml_free(struct nb_yml *node)
{
	struct nb_yml **stack = NULL;
	size_t depth = 0, alloc = 0, i;

	/* iterative, so that no input decides the C stack depth */
	if (!node)
		return;
	nb_grow_array(&stack, &alloc, 1, sizeof(*stack));
	stack[depth++] = node;
	while (depth) {
		struct nb_yml *n = stack[--depth];

		nb_grow_array(&stack, &alloc, depth + n->count, sizeof(*stack));
		for (i = 0; i < n->count; i++)
			stack[depth++] = n->items[i];
		free(n->items);
		free(n->scalar);
		free(n);
	}
	free(stack);
}

static int problem(struct nb_buf *why, int *line, const yaml_mark_t *mark,
		   int first_line, const char *msg)
{
	nb_buf_truncate(why, 0);
	nb_buf_puts(why, msg);
	*line = (int)mark->line + first_line;
	return -1;
}

/* keys: the map's keys so far, each to its index in map->items. */
static int check_duplicate(const struct nb_yml *map, struct nb_map *keys,
			   const struct nb_yml *key, struct nb_buf *why, int *line)
{
	size_t first;

	if (key->kind != NB_YML_SCALAR) {
		nb_buf_truncate(why, 0);
		nb_buf_puts(why, "a mapping key must be plain text");
		*line = key->line;
		return -1;
	}
	if (nb_map_gets(keys, key->scalar, &first)) {
		nb_buf_truncate(why, 0);
		nb_buf_printf(why, "key '%s' appears twice (first on line %d)",
			      key->scalar, map->items[first]->line);
		*line = key->line;
		return -1;
	}
	nb_map_sets(keys, key->scalar, map->count);
	return 0;
}

/*
 * Attaches a finished node to the open collection on top of the stack;
 * keys[d] indexes the keys of the mapping at stack[d], so that a mapping
 * of many keys is checked for duplicates in linear time.
 */
static int attach(struct nb_yml **stack, struct nb_map *keys, size_t depth,
		  struct nb_yml **root, struct nb_yml *node, struct nb_buf *why, int *line)
{
	struct nb_yml *top;

	if (!depth) {
		*root = node;
		return 0;
	}
	top = stack[depth - 1];
	if (top->kind == NB_YML_MAP && top->count % 2 == 0 &&
	    check_duplicate(top, &keys[depth - 1], node, why, line) < 0) {
		nb_yml_free(node);
		return -1;
	}
	node_push(top, node);
	return 0;
}

int nb_yml_parse(struct nb_yml **out, const char *text, size_t len,
		 int first_line, struct nb_buf *why, int *line)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct nb_yml *stack[NB_YML_MAX_DEPTH], *root = NULL;
	struct nb_map keys[NB_YML_MAX_DEPTH];
	size_t depth = 0, nodes = 0;
	int docs = 0, done = 0, err = -1;

	*out = NULL;
	*line = 0;
	if (!yaml_parser_initialize(&parser))
		nb_oom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done) {
		struct nb_yml *n = NULL;

		if (!yaml_parser_parse(&parser, &ev)) {
			nb_buf_truncate(why, 0);
			nb_buf_printf(why, "invalid YAML: %s",
				      parser.problem ? parser.problem : "syntax error");
			*line = (int)parser.problem_mark.line + first_line;
			if (parser.context &&
			    parser.context_mark.line != parser.problem_mark.line)
				nb_buf_printf(why, " (in the list or mapping opened on line %d)",
					      (int)parser.context_mark.line + first_line);
			goto cleanup;
		}
		if (++nodes > NB_YML_MAX_NODES) {
			problem(why, line, &ev.start_mark, first_line, "YAML document too large");
			goto cleanup_event;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				problem(why, line, &ev.start_mark, first_line,
					"more than one YAML document ('---' inside the front matter)");
				goto cleanup_event;
			}
			break;
		case YAML_ALIAS_EVENT:
			problem(why, line, &ev.start_mark, first_line,
				"YAML aliases (*name) are not allowed");
			goto cleanup_event;
		case YAML_SCALAR_EVENT:
			/* an escape ("\x01", "\0") can make what the file may not hold */
			if (nb_control_find((const char *)ev.data.scalar.value,
					    ev.data.scalar.length) < ev.data.scalar.length) {
				problem(why, line, &ev.start_mark, first_line,
					"a control character in a value (an escape such as \\x01)");
				goto cleanup_event;
			}
			n = node_new(NB_YML_SCALAR, &ev.start_mark, first_line);
			n->scalar = nb_strndup((const char *)ev.data.scalar.value,
					       ev.data.scalar.length);
			n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			if (attach(stack, keys, depth, &root, n, why, line) < 0)
				goto cleanup_event;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth == NB_YML_MAX_DEPTH) {
				problem(why, line, &ev.start_mark, first_line, "YAML nested too deeply");
				goto cleanup_event;
			}
			n = node_new(ev.type == YAML_SEQUENCE_START_EVENT ?
					     NB_YML_SEQ : NB_YML_MAP, &ev.start_mark, first_line);
			memset(&keys[depth], 0, sizeof(keys[depth]));
			stack[depth++] = n;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			n = stack[--depth];
			nb_map_release(&keys[depth]);
			if (attach(stack, keys, depth, &root, n, why, line) < 0)
				goto cleanup_event;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	*out = root;
	root = NULL;
	err = 0;
	goto cleanup;

cleanup_event:
	yaml_event_delete(&ev);
cleanup:
	while (depth) {
		nb_yml_free(stack[--depth]);
		nb_map_release(&keys[depth]);
	}
	nb_yml_free(root);
	yaml_parser_delete(&parser);
	return err;
}

int nb_yml_parse_memo(struct nb_yml_memo *memo, const struct nb_yml **out, const char *text,
		      size_t len, int first_line, struct nb_buf *why, int *line)
{
	uint64_t h = nb_hash(text, len) ^ (uint64_t)first_line;
	struct nb_yml_memo_slot *s = &memo->slot[h % NB_YML_MEMO_SLOTS];
	struct nb_yml *root;

	*out = NULL;
	*line = 0;
	if (s->text && s->len == len && s->first_line == first_line &&
	    memcmp(s->text, text, len) == 0) {
		*out = s->root;
		return 0;
	}
	if (nb_yml_parse(&root, text, len, first_line, why, line) < 0)
		return -1;
	free(s->text);
	nb_yml_free(s->root);
	s->text = nb_malloc(len + 1);
	memcpy(s->text, text, len);
	s->len = len;
	s->first_line = first_line;
	s->root = root;
	*out = root;
	return 0;
}

void nb_yml_memo_release(struct nb_yml_memo *memo)
{
	size_t i;

	for (i = 0; i < NB_YML_MEMO_SLOTS; i++) {
		free(memo->slot[i].text);
		nb_yml_free(memo->slot[i].root);
	}
	memset(memo, 0, sizeof(*memo));
}

const struct nb_yml *nb_yml_get(const struct nb_yml *map, const char *key)
{
	size_t i;

	if (!map || map->kind != NB_YML_MAP)
		return NULL;
	for (i = 0; i + 1 < map->count; i += 2)
		if (strcmp(map->items[i]->scalar, key) == 0)
			return map->items[i + 1];
	return NULL;
}

const char *nb_yml_kind_name(enum nb_yml_kind kind)
{
	switch (kind) {
	case NB_YML_SCALAR:
		return "text";
	case NB_YML_SEQ:
		return "a list";
	default:
		return "a mapping";
	}
}
