/*
 * tmpl: Mustache (spec v1.4.2 with ~inheritance; no lambdas).
 *
 * A template is compiled once into a list of nodes and rendered any number
 * of times.  The engine knows nothing of the caller's data: it reaches it
 * only through the callbacks of struct nb_tmpl_data, and it loads partials
 * and parents only through struct nb_tmpl_partials.  For the common case
 * this module also offers both ends ready-made: a value tree built in an
 * arena (nb_tmpl_map_new ...; nb_tmpl_value_data) and a set of named
 * templates compiled on first use (nb_tmpl_set_*).
 *
 * {{name}} is HTML-escaped (& < > " ' become entities); {{{name}}} and
 * {{&name}} are not.  Missing names render as nothing; a missing partial or
 * parent renders as nothing.
 */
#ifndef NB_TMPL_H
#define NB_TMPL_H

#include <stddef.h>
#include <stdint.h>

struct nb_buf;
struct nb_diags;

/* Sections, partials, parents and blocks nested deeper than this, in one
 * template or across templates while rendering, are an error (this is what
 * stops a partial that includes itself forever). */
#define NB_TMPL_MAX_DEPTH 64
/* The longest delimiter {{=<% %>=}} may set, in bytes. */
#define NB_TMPL_MAX_DELIM 16
/* A render that writes more than this many bytes stops with an error. */
#define NB_TMPL_MAX_OUTPUT ((size_t)64 << 20)

/* ---- compiling ---- */

struct nb_tmpl;

/*
 * Compiles len bytes of text.  path names the template in problems (it may
 * be NULL).  Returns 0 and *out, which the caller frees with nb_tmpl_free;
 * or -1 with one problem (path, 1-based line, hint) added to diags: a tag
 * or section never closed, an end tag that closes something else, a bad
 * {{=...=}} tag, a bad name, nesting deeper than NB_TMPL_MAX_DEPTH.
 */
int nb_tmpl_compile(struct nb_tmpl **out, const char *text, size_t len,
		    const char *path, struct nb_diags *diags);
void nb_tmpl_free(struct nb_tmpl *t);
/* The path given to nb_tmpl_compile, or NULL; owned by the template. */
const char *nb_tmpl_path(const struct nb_tmpl *t);

/* ---- the caller's data ---- */

/* How a section sees a value. */
enum nb_tmpl_shape {
	NB_TMPL_FALSY, /* {{#x}} renders nothing, {{^x}} renders once */
	NB_TMPL_TRUTHY, /* {{#x}} renders once with x on top of the context stack */
	NB_TMPL_LIST   /* {{#x}} renders once per item; empty lists are falsy */
};

/*
 * Values are opaque handles (const void *) the callbacks give out; NULL
 * means "no such value".  The engine keeps handles only while it renders.
 */
struct nb_tmpl_data_ops {
	/* The value of key name (len bytes, one part of a dotted name, not
	 * NUL-terminated) in ctx, or NULL when ctx has no such key or is not
	 * a mapping.  A key whose value is null should still be found (it
	 * hides the same key further down the context stack). */
	const void *(*get)(void *ud, const void *ctx, const char *name, size_t len);
	/* The shape of v; for NB_TMPL_LIST also the number of items. */
	enum nb_tmpl_shape (*shape)(void *ud, const void *v, size_t *count);
	/* Item i (< count) of a list. */
	const void *(*item)(void *ud, const void *list, size_t i);
	/* Appends the text of v to out, unescaped: the engine escapes it. */
	void (*text)(void *ud, const void *v, struct nb_buf *out);
	/* Optional: a key (never 0) for all that v and what it holds show,
	 * or 0 when v has none, and in *group what v stands for (kept with
	 * what the memo keeps).  See struct nb_tmpl_memo. */
	uint64_t (*memo_key)(void *ud, const void *v, uint64_t *group);
};

/*
 * What partials rendered before, by key.  A partial ({{>name}}, not a
 * parent) included with a value that has a memo key on top of the context
 * stack is looked up here by that key, the partial's name, its
 * indentation and whether it starts a line; found, its text is copied, not
 * rendered.  Rendered, it is kept here unless it read a name below that
 * value in the stack (or found none: the outer contexts then decided what
 * showed) or a block, or failed.  Partials inside one being kept are
 * rendered as usual.
 */
struct nb_tmpl_memo {
	/* Appends what was kept under key to out: 1, or 0 when nothing. */
	int (*get)(void *ud, uint64_t key, struct nb_buf *out);
	void (*put)(void *ud, uint64_t key, uint64_t group, const char *text, size_t len);
	void *ud;
};

struct nb_tmpl_data {
	const struct nb_tmpl_data_ops *ops;
	void *ud;          /* passed to every callback */
	const void *root;  /* the bottom of the context stack; may be NULL */
	const struct nb_tmpl_memo *memo; /* may be NULL */
};

/* ---- partials and parents ---- */

struct nb_tmpl_partials {
	/*
	 * Finds the template called name ({{>name}} or {{<name}}, exactly as
	 * written, NUL-terminated; it may hold '/' or "..", so check it before
	 * using it as a path).  Sets *out to it, or to NULL when there is no
	 * such template (it then renders as nothing), and returns 0; or
	 * returns -1 after adding a problem to diags.  *out stays owned by the
	 * callee and must live until the render returns.
	 */
	int (*find)(void *ud, const char *name, const struct nb_tmpl **out,
		    struct nb_diags *diags);
	void *ud;
};

/* ---- what a template names ---- */

enum nb_tmpl_tag {
	NB_TMPL_NAME,     /* data: {{x}}, {{{x}}}, {{&x}}, {{#x}}, {{^x}} */
	NB_TMPL_PARTIAL,  /* {{>x}} */
	NB_TMPL_PARENT,   /* {{<x}} */
};

/* Calls fn for each tag of t that names data, a partial or a parent, in
 * order, with the name as written and the tag's line. */
void nb_tmpl_each_tag(const struct nb_tmpl *t,
		      void (*fn)(void *ud, enum nb_tmpl_tag kind, const char *name, int line),
		      void *ud);
/* ---- rendering ---- */

/*
 * Renders t with data, appending to out.  partials may be NULL (every
 * partial and parent is then missing).  Returns 0, or -1 with a problem in
 * diags: nesting deeper than NB_TMPL_MAX_DEPTH (the template and line of
 * the tag that went too deep), output over NB_TMPL_MAX_OUTPUT, or an error
 * from partials->find.  After -1, out holds a partial result.
 */
int nb_tmpl_render(struct nb_buf *out, const struct nb_tmpl *t,
		   const struct nb_tmpl_data *data,
		   const struct nb_tmpl_partials *partials, struct nb_diags *diags);

/* ---- a set of named templates, compiled on first use ---- */

/*
 * Reads the text of the template called name into text, and a path for
 * problems into path (left empty: the name is used).  Returns 1, 0 when
 * there is no such template, or -1 after adding a problem to diags.
 */
typedef int (*nb_tmpl_read_fn)(void *ud, const char *name, struct nb_buf *text,
			       struct nb_buf *path, struct nb_diags *diags);

struct nb_tmpl_set;

/* A new set; read (may be NULL) loads templates not added.  Free it with
 * nb_tmpl_set_free. */
struct nb_tmpl_set *nb_tmpl_set_new(nb_tmpl_read_fn read, void *ud);
void nb_tmpl_set_free(struct nb_tmpl_set *set);
/* Compiles text as the template called name, replacing any of that name.
 * Returns 0, or -1 with the problem in diags. */
int nb_tmpl_set_add(struct nb_tmpl_set *set, const char *name, const char *text,
		    size_t len, const char *path, struct nb_diags *diags);
/* The template called name, read and compiled the first time it is asked
 * for (a missing one is remembered too): 0 and *out (NULL when missing,
 * owned by the set), or -1 with the problem in diags. */
int nb_tmpl_set_get(struct nb_tmpl_set *set, const char *name,
		    const struct nb_tmpl **out, struct nb_diags *diags);
/* The set as the partials of a render; valid while the set lives. */
struct nb_tmpl_partials nb_tmpl_set_partials(struct nb_tmpl_set *set);
/* Renders the template called name with the set's partials; a missing
 * template is an error here. */
int nb_tmpl_set_render(struct nb_tmpl_set *set, const char *name,
		       const struct nb_tmpl_data *data, struct nb_buf *out,
		       struct nb_diags *diags);

/* ---- a ready-made value tree ---- */

/*
 * Every value lives in an arena and is freed with it, all at once.
 * Strings and keys are copied.  Falsy for sections: null, false, "", and
 * the empty list.  {{x}} shows strings as they are, booleans as "true" or
 * "false", and null, lists and mappings as nothing.
 */
struct nb_tmpl_arena;
struct nb_tmpl_value;

struct nb_tmpl_arena *nb_tmpl_arena_new(void);
void nb_tmpl_arena_free(struct nb_tmpl_arena *a);

/* New values, owned by the arena. */
struct nb_tmpl_value *nb_tmpl_null(struct nb_tmpl_arena *a);
struct nb_tmpl_value *nb_tmpl_bool(struct nb_tmpl_arena *a, int on);
struct nb_tmpl_value *nb_tmpl_str(struct nb_tmpl_arena *a, const char *s);
struct nb_tmpl_value *nb_tmpl_strn(struct nb_tmpl_arena *a, const char *s, size_t len);
struct nb_tmpl_value *nb_tmpl_strf(struct nb_tmpl_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct nb_tmpl_value *nb_tmpl_list_new(struct nb_tmpl_arena *a);
struct nb_tmpl_value *nb_tmpl_map_new(struct nb_tmpl_arena *a);

/* Appends v (from the same arena) to a list. */
void nb_tmpl_list_push(struct nb_tmpl_value *list, struct nb_tmpl_value *v);
/* Sets key in a mapping; setting a key again replaces its value. */
void nb_tmpl_map_set(struct nb_tmpl_value *map, const char *key, struct nb_tmpl_value *v);

/* Shorthands.  A NULL s sets null (which hides the key in outer contexts). */
void nb_tmpl_map_set_str(struct nb_tmpl_value *map, const char *key, const char *s);
void nb_tmpl_map_set_strf(struct nb_tmpl_value *map, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void nb_tmpl_map_set_bool(struct nb_tmpl_value *map, const char *key, int on);
void nb_tmpl_map_set_int(struct nb_tmpl_value *map, const char *key, long long n);
/* A new empty mapping or list, set at key (or pushed); returned to fill. */
struct nb_tmpl_value *nb_tmpl_map_add_map(struct nb_tmpl_value *map, const char *key);
struct nb_tmpl_value *nb_tmpl_map_add_list(struct nb_tmpl_value *map, const char *key);
struct nb_tmpl_value *nb_tmpl_list_add_map(struct nb_tmpl_value *list);
void nb_tmpl_list_push_str(struct nb_tmpl_value *list, const char *s);

/* Gives a mapping a memo key and group (see struct nb_tmpl_memo); a key
 * of 0 takes them away. */
void nb_tmpl_map_set_memo(struct nb_tmpl_value *map, uint64_t key, uint64_t group);

/*
 * Gives a mapping what fills it: fill(map, ud, a, b) runs once, before a
 * key is first looked up in it (by a render or nb_tmpl_map_get).  A
 * mapping with a memo key whose partial the memo has is never looked
 * into, so what only that partial shows need not be made.
 */
typedef void (*nb_tmpl_fill_fn)(struct nb_tmpl_value *map, void *ud, const void *a,
				const void *b);
void nb_tmpl_map_set_fill(struct nb_tmpl_value *map, nb_tmpl_fill_fn fill, void *ud,
			  const void *a, const void *b);

/* Reading back: the value at key, or NULL; a string's text, or NULL. */
struct nb_tmpl_value *nb_tmpl_map_get(const struct nb_tmpl_value *map, const char *key);
const char *nb_tmpl_value_str(const struct nb_tmpl_value *v);

/* The data of a render whose root is the value root (may be NULL). */
struct nb_tmpl_data nb_tmpl_value_data(const struct nb_tmpl_value *root);

#endif
