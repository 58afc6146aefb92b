/*
 * yml: a small YAML document tree with line numbers, built with libyaml.
 * Aliases are refused (no exponential expansion), nesting is bounded.
 */
#ifndef NB_YML_H
#define NB_YML_H

#include <stddef.h>

struct nb_buf;

#define NB_YML_MAX_DEPTH 32
#define NB_YML_MAX_NODES 200000

enum nb_yml_kind { NB_YML_SCALAR, NB_YML_SEQ, NB_YML_MAP };

struct nb_yml {
	enum nb_yml_kind kind;
	int line;              /* 1-based, in the file */
	char *scalar;          /* NB_YML_SCALAR: the value */
	int plain;             /* scalar written without quotes */
	struct nb_yml **items; /* SEQ: values; MAP: key, value, key, value ... */
	size_t count;          /* number of items (twice the pairs in a MAP) */
	size_t alloc;
};

/*
 * Parses one YAML document whose first line is line first_line of its
 * file; every line number given out is a line of that file.  Returns 0 and
 * a tree the caller frees with nb_yml_free (NULL for an empty document), or
 * -1 with the problem in why and its line in *line.
 */
int nb_yml_parse(struct nb_yml **out, const char *text, size_t len,
		 int first_line, struct nb_buf *why, int *line);
void nb_yml_free(struct nb_yml *node);

/*
 * Documents parsed before, kept by their bytes, for a caller that parses
 * the same text again and again (the history walk: most commits change a
 * notice below its front matter).  Zero it before use; free what it keeps
 * with nb_yml_memo_release.
 */
#define NB_YML_MEMO_SLOTS 64
struct nb_yml_memo {
	struct nb_yml_memo_slot {
		char *text;            /* NULL: an empty slot */
		size_t len;
		int first_line;
		struct nb_yml *root;
	} slot[NB_YML_MEMO_SLOTS];
};

/* nb_yml_parse through memo: the tree belongs to memo, and stays valid
 * until the next call with it.  Documents with a problem are not kept. */
int nb_yml_parse_memo(struct nb_yml_memo *memo, const struct nb_yml **out, const char *text,
		      size_t len, int first_line, struct nb_buf *why, int *line);
void nb_yml_memo_release(struct nb_yml_memo *memo);

/* The value of key in a MAP, or NULL. */
const struct nb_yml *nb_yml_get(const struct nb_yml *map, const char *key);
/* "a mapping", "a list" or "text", for messages. */
const char *nb_yml_kind_name(enum nb_yml_kind kind);

#endif
