#include "tmpl.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "map.h"
#include "util.h"

#define NONE ((size_t)-1)

/*
 * How whitespace is handled (the spec's rules, as applied here):
 *
 * - A tag other than an interpolation "stands alone" when nothing but
 *   spaces and tabs shares its line: the whole line goes, line end too.
 *   A standalone partial is indented by the spaces that preceded it.
 * - A parent {{<p}}...{{/p}} stands alone when its start tag opens its line
 *   and its end tag closes one (they may share it): the spaces before the
 *   start tag become the indentation of p, the end tag's line end goes.
 *   Text inside a parent, outside its blocks, is ignored.
 * - A block passed to a parent, {{<p}}{{$b}}..{{/b}}{{/p}}: when its start
 *   tag ends a line, the line end goes and the spaces starting the next
 *   line are its "intrinsic indentation", removed from each of its lines;
 *   when its end tag starts a line, the spaces before it go.
 * - A block in a template ({{$b}}default{{/b}}) whose start tag opens a line
 *   and whose end tag closes one indents what replaces it: by the intrinsic
 *   indentation of its default content when the start tag ends its line,
 *   else by the spaces before the start tag.  That pair takes no line
 *   away: "  {{$b}}{{/b}}\n" keeps its line end (spec: "Standalone block").
 * - Indentation is written where a line of the template starts, only when
 *   the output is at the start of a line.
 */

/* ---- the compiled form ---- */

enum node_kind {
	N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL, N_PARENT, N_BLOCK
};

struct node {
	unsigned char kind;
	unsigned char bol;       /* starts a line of the template: indent it */
	unsigned char end_bol;   /* containers: their end tag starts a line */
	unsigned char indented;  /* partial, parent, block: expands indented by ind */
	int line;                /* of the tag, for problems */
	size_t off, len;         /* the text, or the name (NUL-terminated in text) */
	size_t ind_off, ind_len; /* the indentation, in text */
	size_t end;              /* containers: the index after their last node */
};

struct nb_tmpl {
	char *text;  /* a copy of the source; names are NUL-terminated in it,
		      * over bytes of their tags that are never written out */
	size_t len;
	char *path;
	struct node *nodes;
	size_t count, alloc;
};

/* ---- compiling: tokens ---- */

enum tok_kind {
	T_TEXT, T_VAR, T_RAW, T_COMMENT, T_DELIM, T_SECTION, T_INVERTED,
	T_CLOSE, T_PARTIAL, T_PARENT, T_BLOCK
};

struct tok {
	unsigned char kind;
	unsigned char arg;    /* T_BLOCK right inside a T_PARENT */
	unsigned char drop;   /* T_TEXT removed with a standalone tag */
	unsigned char alone;  /* tag: stands alone, writes nothing on its line */
	unsigned char indent; /* partial, parent: expands indented;
			       * block: a standalone pair */
	int line;
	size_t start, end;    /* the bytes of the token; text ends after '\n' */
	size_t name, name_len;
	size_t match;         /* open and close tags: the other one */
};

/* An element open while building: a section, parent or block. */
struct open {
	unsigned char kind;
	unsigned char skip;   /* its content is left out */
	size_t node;          /* its node, or NONE when left out */
	size_t strip_off, strip_len; /* a block passed to a parent: the
				      * indentation removed from its lines */
};

struct compiler {
	struct nb_tmpl *t;
	struct nb_diags *diags;
	struct tok *toks;
	size_t ntok, atok;
	struct open open[NB_TMPL_MAX_DEPTH];
	size_t nopen;
};

struct delims {
	const char *open, *close;
	size_t olen, clen;
};

static int is_blank_char(char ch)
{
	return ch == ' ' || ch == '\t';
}

static int is_space_char(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' ||
	       ch == '\v';
}

/* What a start tag opens, for problems. */
static const char *opens(const struct tok *k)
{
	static const char *const words[] = {
		[T_SECTION] = "section", [T_INVERTED] = "inverted section",
		[T_PARENT] = "parent", [T_BLOCK] = "block",
	};

	return words[k->kind] ? words[k->kind] : "tag";
}

static struct tok *tok_add(struct compiler *c, enum tok_kind kind, size_t start,
			   size_t end, int line)
{
	struct tok *k;

	nb_grow_array(&c->toks, &c->atok, c->ntok + 1, sizeof(*c->toks));
	k = &c->toks[c->ntok++];
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->start = start;
	k->end = end;
	k->line = line;
	k->match = NONE;
	return k;
}

/* Text between tags, one token per line (each ends after its '\n'). */
static void lex_text(struct compiler *c, size_t from, size_t to, int *line)
{
	const char *s = c->t->text;

	while (from < to) {
		const char *nl = memchr(s + from, '\n', to - from);
		size_t end = nl ? (size_t)(nl - s) + 1 : to;

		tok_add(c, T_TEXT, from, end, *line);
		if (nl)
			(*line)++;
		from = end;
	}
}

static enum tok_kind sigil_kind(char sigil)
{
	switch (sigil) {
	case '{':
	case '&':
		return T_RAW;
	case '!':
		return T_COMMENT;
	case '=':
		return T_DELIM;
	case '#':
		return T_SECTION;
	case '^':
		return T_INVERTED;
	case '/':
		return T_CLOSE;
	case '>':
		return T_PARTIAL;
	case '<':
		return T_PARENT;
	case '$':
		return T_BLOCK;
	default:
		return T_VAR;
	}
}

static int unclosed_tag(struct compiler *c, size_t pos, int line, const char *want)
{
	const char *s = c->t->text;
	size_t n = 0, max = c->t->len - pos;
	struct nb_buf hint = NB_BUF_INIT;
	int rc;

	while (n < max && n < 24 && s[pos + n] != '\n' && s[pos + n] != '\r')
		n++;
	nb_buf_printf(&hint, "end it with '%s'", want);
	rc = nb_diags_add(c->diags, c->t->path, line, hint.ptr, "unclosed tag '%.*s'",
			  (int)n, s + pos);
	nb_buf_release(&hint);
	return rc;
}

/* A name: one word; variables and sections may be dotted (a.b, or "."). */
static int check_name(struct compiler *c, const struct tok *k, int dotted)
{
	const char *s = c->t->text + k->name;
	size_t i, n = k->name_len;

	if (!n)
		return nb_diags_add(c->diags, c->t->path, k->line,
				    "put a name between the delimiters, e.g. {{title}}",
				    "tag without a name");
	for (i = 0; i < n; i++)
		if (is_space_char(s[i]))
			return nb_diags_add(c->diags, c->t->path, k->line,
					    "a name is one word; nested values are written page.title",
					    "tag name '%.*s' has spaces in it", (int)n, s);
	if (!dotted || (n == 1 && s[0] == '.'))
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == '.' && (i == 0 || i + 1 == n || s[i + 1] == '.'))
			return nb_diags_add(c->diags, c->t->path, k->line,
					    "write a, a.b, or '.' for the current item",
					    "bad name '%.*s'", (int)n, s);
	return 0;
}

/* {{=<% %>=}}: two delimiters, without spaces or '='. */
static int set_delims(struct compiler *c, const struct tok *k, size_t from,
		      size_t to, struct delims *d)
{
	const char *s = c->t->text;
	size_t a, b, e, f;

	for (a = from; a < to && is_space_char(s[a]); a++)
		;
	for (b = a; b < to && !is_space_char(s[b]); b++)
		;
	for (e = b; e < to && is_space_char(s[e]); e++)
		;
	for (f = e; f < to && !is_space_char(s[f]); f++)
		;
	while (f < to && is_space_char(s[f]))
		f++;
	if (b == a || f == e || f != to || b - a > NB_TMPL_MAX_DELIM ||
	    (size_t)(f - e) > NB_TMPL_MAX_DELIM || memchr(s + a, '=', b - a) ||
	    memchr(s + e, '=', f - e))
		return nb_diags_add(c->diags, c->t->path, k->line,
				    "write it as {{=<% %>=}}: two short delimiters without "
				    "spaces or '='",
				    "bad delimiter tag '%.*s'", (int)(k->end - k->start),
				    s + k->start);
	while (f > e && is_space_char(s[f - 1]))
		f--;
	d->open = s + a;
	d->olen = b - a;
	d->close = s + e;
	d->clen = f - e;
	return 0;
}

static void trim(const char *s, size_t *from, size_t *to)
{
	while (*from < *to && is_space_char(s[*from]))
		(*from)++;
	while (*to > *from && is_space_char(s[*to - 1]))
		(*to)--;
}

/* Lexes the tag whose opening delimiter is at pos; *next is after it. */
static int lex_tag(struct compiler *c, struct delims *d, size_t pos, int *line,
		   size_t *next)
{
	const char *s = c->t->text, *found;
	size_t len = c->t->len, body = pos + d->olen, from, stop, end;
	char want[NB_TMPL_MAX_DELIM + 2]; /* what ends the tag */
	enum tok_kind kind;
	struct tok *k;
	char sigil = body < len ? s[body] : '\0';
	int paired = sigil == '{' || sigil == '='; /* {{{x}}}, {{=a b=}} */

	want[0] = sigil == '{' ? '}' : '=';
	memcpy(want + 1, d->close, d->clen);
	want[d->clen + 1] = '\0';
	if (body >= len)
		return unclosed_tag(c, pos, *line, want + 1);
	kind = sigil_kind(sigil);
	from = kind == T_VAR ? body : body + 1;
	found = memmem(s + from, len - from, paired ? want : want + 1, d->clen + paired);
	if (!found)
		return unclosed_tag(c, pos, *line, paired ? want : want + 1);
	stop = (size_t)(found - s);
	end = stop + d->clen + paired;
	k = tok_add(c, kind, pos, end, *line);
	for (; pos < end; pos++)
		*line += s[pos] == '\n';
	*next = end;
	if (kind == T_COMMENT)
		return 0;
	if (kind == T_DELIM)
		return set_delims(c, k, from, stop, d);
	trim(s, &from, &stop);
	k->name = from;
	k->name_len = stop - from;
	return check_name(c, k, kind == T_VAR || kind == T_RAW || kind == T_SECTION ||
			  kind == T_INVERTED);
}

static int lex(struct compiler *c)
{
	struct delims d = { "{{", "}}", 2, 2 };
	const char *s = c->t->text;
	size_t pos = 0, len = c->t->len;
	int line = 1;

	while (pos < len) {
		const char *tag = memmem(s + pos, len - pos, d.open, d.olen);
		size_t at = tag ? (size_t)(tag - s) : len;

		lex_text(c, pos, at, &line);
		if (!tag)
			break;
		if (lex_tag(c, &d, at, &line, &pos) < 0)
			return -1;
	}
	return 0;
}

/* ---- compiling: matching start and end tags ---- */

static int is_open_kind(unsigned char kind)
{
	return kind == T_SECTION || kind == T_INVERTED || kind == T_PARENT ||
	       kind == T_BLOCK;
}

static int same_name(const struct compiler *c, const struct tok *a, const struct tok *b)
{
	return a->name_len == b->name_len &&
	       memcmp(c->t->text + a->name, c->t->text + b->name, a->name_len) == 0;
}

static int close_tag(struct compiler *c, size_t *stack, size_t *depth, size_t i)
{
	struct tok *k = &c->toks[i], *o;
	const char *s = c->t->text;

	if (!*depth)
		return nb_diags_add(c->diags, c->t->path, k->line,
				    "remove it, or open the section before it",
				    "end tag '%.*s' closes nothing", (int)k->name_len,
				    s + k->name);
	o = &c->toks[stack[*depth - 1]];
	if (!same_name(c, o, k)) {
		struct nb_buf hint = NB_BUF_INIT;
		int rc;

		nb_buf_printf(&hint, "end the %s with {{/%.*s}} first", opens(o),
			      (int)o->name_len, s + o->name);
		rc = nb_diags_add(c->diags, c->t->path, k->line, hint.ptr,
				  "end tag '%.*s' does not match %s '%.*s' opened on line %d",
				  (int)k->name_len, s + k->name, opens(o),
				  (int)o->name_len, s + o->name, o->line);
		nb_buf_release(&hint);
		return rc;
	}
	o->match = i;
	k->match = stack[--*depth];
	return 0;
}

static int unclosed(struct compiler *c, const struct tok *o)
{
	struct nb_buf hint = NB_BUF_INIT;
	const char *s = c->t->text;
	int rc;

	nb_buf_printf(&hint, "end it with {{/%.*s}}", (int)o->name_len, s + o->name);
	rc = nb_diags_add(c->diags, c->t->path, o->line, hint.ptr,
			  "%s '%.*s' is never closed", opens(o), (int)o->name_len,
			  s + o->name);
	nb_buf_release(&hint);
	return rc;
}

/* Pairs every start tag with its end tag; notes the blocks given to parents. */
static int match(struct compiler *c)
{
	size_t stack[NB_TMPL_MAX_DEPTH], depth = 0, i;

	for (i = 0; i < c->ntok; i++) {
		struct tok *k = &c->toks[i];

		if (k->kind == T_CLOSE) {
			if (close_tag(c, stack, &depth, i) < 0)
				return -1;
			continue;
		}
		if (!is_open_kind(k->kind))
			continue;
		if (depth == NB_TMPL_MAX_DEPTH)
			return nb_diags_add(c->diags, c->t->path, k->line,
					    "nest fewer sections, or move some into partials",
					    "sections nested more than %d deep", NB_TMPL_MAX_DEPTH);
		k->arg = k->kind == T_BLOCK && depth &&
			 c->toks[stack[depth - 1]].kind == T_PARENT;
		stack[depth++] = i;
	}
	return depth ? unclosed(c, &c->toks[stack[depth - 1]]) : 0;
}

/* ---- compiling: standalone tags ---- */

static int ends_line(const struct compiler *c, size_t i)
{
	const struct tok *k = &c->toks[i];

	return k->kind == T_TEXT && c->t->text[k->end - 1] == '\n';
}

/* Text of spaces and tabs, maybe ending with a line end. */
static int blank(const struct compiler *c, size_t i)
{
	const struct tok *k = &c->toks[i];
	const char *s = c->t->text;
	size_t p = k->start, end = k->end;

	if (k->kind != T_TEXT)
		return 0;
	if (s[end - 1] == '\n' && --end > p && s[end - 1] == '\r')
		end--;
	for (; p < end; p++)
		if (!is_blank_char(s[p]))
			return 0;
	return 1;
}

/* What precedes tag i on its line: i when nothing, the index of blank text,
 * or NONE when something else. */
static size_t lead_of(const struct compiler *c, size_t i)
{
	if (i == 0 || ends_line(c, i - 1))
		return i;
	if (blank(c, i - 1) && (i == 1 || ends_line(c, i - 2)))
		return i - 1;
	return NONE;
}

/* What follows tag i on its line: i when nothing (the end of the
 * template), the index of blank text with the line end, or NONE. */
static size_t trail_of(const struct compiler *c, size_t i)
{
	if (i + 1 == c->ntok)
		return i;
	if (blank(c, i + 1) && (ends_line(c, i + 1) || i + 2 == c->ntok))
		return i + 1;
	return NONE;
}

static void drop_lead(struct compiler *c, size_t i)
{
	size_t j = lead_of(c, i);

	if (j != NONE && j != i)
		c->toks[j].drop = 1;
}

static void drop_trail(struct compiler *c, size_t i)
{
	size_t j = trail_of(c, i);

	if (j != NONE && j != i)
		c->toks[j].drop = 1;
}

static void stand_alone(struct compiler *c, size_t i)
{
	drop_lead(c, i);
	drop_trail(c, i);
	c->toks[i].alone = 1;
}

static void mark_parent(struct compiler *c, size_t i, int left, int right)
{
	struct tok *k = &c->toks[i];

	if (left && trail_of(c, k->match) != NONE) {
		drop_lead(c, i);
		drop_trail(c, k->match);
		k->alone = k->indent = 1;
		c->toks[k->match].alone = 1;
	} else if (left && right) {
		stand_alone(c, i);
	}
}

static void mark_close(struct compiler *c, size_t i, int left, int right)
{
	struct tok *k = &c->toks[i];
	const struct tok *o = &c->toks[k->match];

	if (o->kind == T_BLOCK && o->arg) {
		if (left) {
			drop_lead(c, i);
			k->alone = 1;
		}
	} else if (!k->alone && left && right) {
		stand_alone(c, i);
	}
}

/* Decides which tags stand alone and which blank text goes with them. */
static void mark(struct compiler *c)
{
	size_t i;

	for (i = 0; i < c->ntok; i++) {
		struct tok *k = &c->toks[i];
		int left = lead_of(c, i) != NONE, right = trail_of(c, i) != NONE;

		switch (k->kind) {
		case T_TEXT:
		case T_VAR:
		case T_RAW:
			break;
		case T_PARENT:
			mark_parent(c, i, left, right);
			break;
		case T_CLOSE:
			mark_close(c, i, left, right);
			break;
		case T_BLOCK:
			if (k->arg) {
				if (right) {
					drop_trail(c, i);
					k->alone = 1;
				}
				break;
			}
			if (left && right)
				stand_alone(c, i);
			k->indent = left && trail_of(c, k->match) != NONE;
			break;
		default: /* comments, delimiters, sections, partials */
			if (left && right) {
				stand_alone(c, i);
				k->indent = k->kind == T_PARTIAL;
			}
			break;
		}
	}
}

/* ---- compiling: nodes ---- */

/* Content here is left out: inside a parent, outside its blocks. */
static int skipping(const struct compiler *c)
{
	const struct open *o;

	if (!c->nopen)
		return 0;
	o = &c->open[c->nopen - 1];
	return o->skip || o->kind == T_PARENT;
}

/* Skips, at p, the indentation that the blocks around remove from their
 * lines; end is where the line (or the text) ends. */
static size_t strip(const struct compiler *c, size_t p, size_t end)
{
	const char *s = c->t->text;
	size_t i;

	for (i = 0; i < c->nopen; i++) {
		const struct open *o = &c->open[i];

		if (o->strip_len && o->strip_len <= end - p &&
		    memcmp(s + p, s + o->strip_off, o->strip_len) == 0)
			p += o->strip_len;
	}
	return p;
}

/* The spaces starting the line that starts at p, after strip(). */
static void line_indent(const struct compiler *c, size_t p, size_t *off, size_t *len)
{
	const char *s = c->t->text, *nl = memchr(s + p, '\n', c->t->len - p);
	size_t end = nl ? (size_t)(nl - s) : c->t->len, q;

	p = strip(c, p, end);
	for (q = p; q < end && is_blank_char(s[q]); q++)
		;
	*off = p;
	*len = q - p;
}

/* The spaces before tag i, which starts its line but for them. */
static void lead_indent(const struct compiler *c, size_t i, size_t *off, size_t *len)
{
	size_t j = lead_of(c, i);

	line_indent(c, c->toks[j == NONE ? i : j].start, off, len);
}

/* The spaces starting the line after tag i, which ends its line. */
static void next_indent(const struct compiler *c, size_t i, size_t *off, size_t *len)
{
	size_t j = trail_of(c, i);

	*off = *len = 0;
	if (j != NONE && j != i && ends_line(c, j))
		line_indent(c, c->toks[j].end, off, len);
}

static size_t node_add(struct compiler *c, enum node_kind kind, const struct tok *k,
		       int bol)
{
	struct nb_tmpl *t = c->t;
	struct node *n;

	nb_grow_array(&t->nodes, &t->alloc, t->count + 1, sizeof(*t->nodes));
	n = &t->nodes[t->count];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->bol = bol;
	n->line = k->line;
	n->off = k->name;
	n->len = k->name_len;
	n->end = t->count + 1;
	return t->count++;
}

static void build_text(struct compiler *c, const struct tok *k, int *at_bol)
{
	const char *s = c->t->text;
	size_t p = k->start, n;
	int nl = s[k->end - 1] == '\n';

	if (skipping(c))
		return;
	if (k->drop) {
		if (nl)
			*at_bol = 1;
		return;
	}
	if (p == 0 || s[p - 1] == '\n')
		p = strip(c, p, k->end);
	if (p == k->end)
		return;
	n = node_add(c, N_TEXT, k, *at_bol);
	c->t->nodes[n].off = p;
	c->t->nodes[n].len = k->end - p;
	*at_bol = nl;
}

/* A tag that writes something where it stands. */
static void build_tag(struct compiler *c, size_t i, int *at_bol)
{
	const struct tok *k = &c->toks[i];
	struct node *n;
	size_t at;

	if (skipping(c))
		return;
	if (k->kind != T_PARTIAL) {
		node_add(c, k->kind == T_VAR ? N_VAR : N_RAW, k, *at_bol);
		*at_bol = 0;
		return;
	}
	at = node_add(c, N_PARTIAL, k, !k->alone && *at_bol);
	n = &c->t->nodes[at];
	n->indented = k->indent;
	if (k->indent)
		lead_indent(c, i, &n->ind_off, &n->ind_len);
	if (!k->alone)
		*at_bol = 0;
}

static void build_block(struct compiler *c, size_t i, struct open *o, int *at_bol)
{
	const struct tok *k = &c->toks[i];
	struct node *n;

	o->node = node_add(c, N_BLOCK, k, !k->arg && !k->alone && *at_bol);
	n = &c->t->nodes[o->node];
	if (k->arg) {
		/* given to a parent: its lines lose their intrinsic indentation */
		next_indent(c, i, &o->strip_off, &o->strip_len);
		*at_bol = 1;
		return;
	}
	n->indented = k->indent;
	if (k->indent && trail_of(c, i) != NONE)
		next_indent(c, i, &n->ind_off, &n->ind_len);
	else if (k->indent)
		lead_indent(c, i, &n->ind_off, &n->ind_len);
	if (!k->alone)
		*at_bol = 0;
}

static void build_open(struct compiler *c, size_t i, int *at_bol)
{
	const struct tok *k = &c->toks[i];
	const struct open *top = c->nopen ? &c->open[c->nopen - 1] : NULL;
	int skip = skipping(c);
	struct open *o;
	struct node *n;

	if (k->arg)
		skip = top->skip;
	o = &c->open[c->nopen++]; /* match() bounded the depth */
	memset(o, 0, sizeof(*o));
	o->kind = k->kind;
	o->node = NONE;
	o->skip = skip;
	if (skip)
		return;
	if (k->kind == T_BLOCK) {
		build_block(c, i, o, at_bol);
		return;
	}
	o->node = node_add(c, k->kind == T_SECTION ? N_SECTION :
			   k->kind == T_INVERTED ? N_INVERTED : N_PARENT,
			   k, !k->alone && *at_bol);
	n = &c->t->nodes[o->node];
	n->indented = k->indent;
	if (k->kind == T_PARENT && k->indent)
		lead_indent(c, i, &n->ind_off, &n->ind_len);
	if (!k->alone || k->kind == T_PARENT)
		*at_bol = 0;
}

static void build_close(struct compiler *c, const struct tok *k, int *at_bol)
{
	const struct open *o = &c->open[--c->nopen];
	struct node *n;

	if (o->node == NONE)
		return;
	n = &c->t->nodes[o->node];
	n->end = c->t->count;
	if (o->kind == T_PARENT) {
		*at_bol = 0;
	} else if (!(o->kind == T_BLOCK && c->toks[k->match].arg) && !k->alone) {
		n->end_bol = *at_bol;
		*at_bol = 0;
	}
}

static void build(struct compiler *c)
{
	int at_bol = 1;
	size_t i;

	for (i = 0; i < c->ntok; i++) {
		const struct tok *k = &c->toks[i];

		switch (k->kind) {
		case T_TEXT:
			build_text(c, k, &at_bol);
			break;
		case T_VAR:
		case T_RAW:
		case T_PARTIAL:
			build_tag(c, i, &at_bol);
			break;
		case T_SECTION:
		case T_INVERTED:
		case T_PARENT:
		case T_BLOCK:
			build_open(c, i, &at_bol);
			break;
		case T_CLOSE:
			build_close(c, k, &at_bol);
			break;
		default: /* comments and delimiters write nothing */
			break;
		}
	}
}

int nb_tmpl_compile(struct nb_tmpl **out, const char *text, size_t len,
		    const char *path, struct nb_diags *diags)
{
	struct compiler *c = nb_calloc(1, sizeof(*c));
	struct nb_tmpl *t = nb_calloc(1, sizeof(*t));
	int err = -1;
	size_t i;

	*out = NULL;
	t->text = nb_malloc(len + 1);
	if (len)
		memcpy(t->text, text, len);
	t->text[len] = '\0';
	t->len = len;
	t->path = path ? nb_strdup(path) : NULL;
	c->t = t;
	c->diags = diags;
	if (lex(c) < 0 || match(c) < 0)
		goto cleanup;
	mark(c);
	build(c);
	for (i = 0; i < t->count; i++)
		if (t->nodes[i].kind != N_TEXT)
			t->text[t->nodes[i].off + t->nodes[i].len] = '\0';
	*out = t;
	t = NULL;
	err = 0;

cleanup:
	free(c->toks);
	free(c);
	nb_tmpl_free(t);
	return err;
}

void nb_tmpl_free(struct nb_tmpl *t)
{
	if (!t)
		return;
	free(t->text);
	free(t->path);
	free(t->nodes);
	free(t);
}

const char *nb_tmpl_path(const struct nb_tmpl *t)
{
	return t->path;
}

/* ---- rendering ---- */

/* An indentation: bytes [start, end) of render.indent.  The one in use is
 * always at the end of that buffer, so a deeper one extends it in place. */
struct span {
	size_t start, end;
};

/* A parent being expanded: the blocks it was given, and the parents
 * around it (whose blocks win). */
struct frame {
	const struct nb_tmpl *t;
	size_t node;
	const struct frame *outer;
};

struct render {
	struct nb_buf *out;
	size_t start;               /* where this render began in out */
	const struct nb_tmpl_data *data;
	const struct nb_tmpl_partials *partials;
	struct nb_diags *diags;
	const void **ctx;           /* the context stack */
	size_t nctx, actx;
	struct nb_buf indent;
	struct nb_buf scratch;
	int depth;
	/* while a partial is kept for the memo: */
	int keeping;
	size_t floor;               /* the lowest context looked in */
	int deepest;                /* the deepest depth reached */
	int impure;                 /* a block was rendered */
};

static int render_nodes(struct render *r, const struct nb_tmpl *t, size_t from,
			size_t to, struct span ind, const struct frame *scope);

static void ctx_push(struct render *r, const void *v)
{
	nb_grow_array(&r->ctx, &r->actx, r->nctx + 1, sizeof(*r->ctx));
	r->ctx[r->nctx++] = v;
}

/* The value of a name: "." is the top of the stack; the first part of a
 * dotted name is looked up down the stack, the others in what it found. */
static const void *resolve(struct render *r, const char *name, size_t len)
{
	const struct nb_tmpl_data *d = r->data;
	const char *dot;
	const void *v = NULL;
	size_t part, k;

	if (!r->nctx)
		return NULL;
	if (len == 1 && name[0] == '.')
		return r->ctx[r->nctx - 1];
	dot = memchr(name, '.', len);
	part = dot ? (size_t)(dot - name) : len;
	for (k = r->nctx; k-- > 0 && !v;) {
		if (k < r->floor)
			r->floor = k;
		if (r->ctx[k])
			v = d->ops->get(d->ud, r->ctx[k], name, part);
	}
	while (v && part < len) {
		name += part + 1;
		len -= part + 1;
		dot = memchr(name, '.', len);
		part = dot ? (size_t)(dot - name) : len;
		v = d->ops->get(d->ud, v, name, part);
	}
	return v;
}

static void escape_html(struct nb_buf *out, const char *s, size_t len)
{
	size_t i, run = 0;

	for (i = 0; i < len; i++) {
		const char *ent;

		switch (s[i]) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: continue;
		}
		nb_buf_put(out, s + run, i - run);
		nb_buf_puts(out, ent);
		run = i + 1;
	}
	nb_buf_put(out, s + run, len - run);
}

static void interpolate(struct render *r, const struct nb_tmpl *t, const struct node *n)
{
	const void *v = resolve(r, t->text + n->off, n->len);
	const struct nb_tmpl_data *d = r->data;

	if (!v)
		return;
	if (n->kind == N_RAW) {
		d->ops->text(d->ud, v, r->out);
		return;
	}
	nb_buf_truncate(&r->scratch, 0);
	d->ops->text(d->ud, v, &r->scratch);
	escape_html(r->out, nb_buf_cstr(&r->scratch), r->scratch.len);
}

/* Writes the indentation if the output is at the start of a line. */
static void put_indent(struct render *r, struct span ind)
{
	const struct nb_buf *o = r->out;

	if (ind.end == ind.start)
		return;
	if (o->len != r->start && o->ptr[o->len - 1] != '\n')
		return;
	nb_buf_put(r->out, r->indent.ptr + ind.start, ind.end - ind.start);
}

/* ind deepened by the indentation of node n (of t). */
static struct span indent_more(struct render *r, struct span ind, const struct nb_tmpl *t,
			       const struct node *n)
{
	nb_buf_put(&r->indent, t->text + n->ind_off, n->ind_len);
	ind.end = r->indent.len;
	return ind;
}

static int enter(struct render *r, const struct nb_tmpl *t, const struct node *n)
{
	static const char *const words[] = {
		[N_SECTION] = "section", [N_INVERTED] = "inverted section",
		[N_PARTIAL] = "partial", [N_PARENT] = "parent", [N_BLOCK] = "block",
	};

	if (r->depth >= NB_TMPL_MAX_DEPTH)
		return nb_diags_add(r->diags, t->path, n->line,
				    "a partial or parent probably includes itself with nothing "
				    "to stop it",
				    "%s '%s' nested more than %d deep", words[n->kind],
				    t->text + n->off, NB_TMPL_MAX_DEPTH);
	if (++r->depth > r->deepest)
		r->deepest = r->depth;
	return 0;
}

/* The content of container node i, then its end tag's indentation. */
static int content(struct render *r, const struct nb_tmpl *t, size_t i, struct span ind,
		   const struct frame *scope)
{
	const struct node *n = &t->nodes[i];

	if (render_nodes(r, t, i + 1, n->end, ind, scope) < 0)
		return -1;
	if (n->end_bol)
		put_indent(r, ind);
	return 0;
}

static int section(struct render *r, const struct nb_tmpl *t, size_t i, struct span ind,
		   const struct frame *scope)
{
	const struct node *n = &t->nodes[i];
	const struct nb_tmpl_data *d = r->data;
	const void *v = resolve(r, t->text + n->off, n->len);
	enum nb_tmpl_shape shape = NB_TMPL_FALSY;
	size_t count = 0, k;
	int rc = 0;

	if (v)
		shape = d->ops->shape(d->ud, v, &count);
	if (shape == NB_TMPL_LIST && !count)
		shape = NB_TMPL_FALSY;
	if ((n->kind == N_INVERTED) != (shape == NB_TMPL_FALSY))
		return 0;
	if (enter(r, t, n) < 0)
		return -1;
	if (n->kind == N_INVERTED) {
		rc = content(r, t, i, ind, scope);
	} else if (shape == NB_TMPL_TRUTHY) {
		ctx_push(r, v);
		rc = content(r, t, i, ind, scope);
		r->nctx--;
	} else {
		for (k = 0; k < count && rc == 0; k++) {
			ctx_push(r, d->ops->item(d->ud, v, k));
			rc = content(r, t, i, ind, scope);
			r->nctx--;
		}
	}
	r->depth--;
	return rc;
}

static int load(struct render *r, const struct nb_tmpl *t, const struct node *n,
		const struct nb_tmpl **out)
{
	*out = NULL;
	if (!r->partials || !r->partials->find)
		return 0;
	return r->partials->find(r->partials->ud, t->text + n->off, out, r->diags);
}

/* {{>name}}, and {{<name}} with its blocks in a new frame. */
static int include_now(struct render *r, const struct nb_tmpl *t, size_t i, struct span ind,
		       const struct frame *scope)
{
	const struct node *n = &t->nodes[i];
	struct frame f = { t, i, scope };
	const struct nb_tmpl *p;
	size_t saved = r->indent.len;
	struct span inner = { saved, saved };
	int rc;

	if (load(r, t, n, &p) < 0)
		return -1;
	if (!p)
		return 0;
	if (enter(r, t, n) < 0)
		return -1;
	if (n->indented)
		inner = indent_more(r, ind, t, n);
	rc = render_nodes(r, p, 0, p->count, inner, n->kind == N_PARENT ? &f : scope);
	nb_buf_truncate(&r->indent, saved);
	r->depth--;
	return rc;
}

/* The memo's key of partial node i of t with the value on top of the
 * stack, or 0 when it has none. */
static uint64_t memo_key(struct render *r, const struct nb_tmpl *t, size_t i,
			 struct span ind, uint64_t *group)
{
	const struct nb_tmpl_data *d = r->data;
	const struct node *n = &t->nodes[i];
	const struct nb_buf *o = r->out;
	uint64_t h, k;

	if (r->keeping || n->kind != N_PARTIAL || !d->memo || !d->ops->memo_key || !r->nctx ||
	    !r->ctx[r->nctx - 1] || !(k = d->ops->memo_key(d->ud, r->ctx[r->nctx - 1], group)))
		return 0;
	h = nb_hash_add_str(nb_hash_add64(NB_HASH_START, k), t->text + n->off);
	if (ind.end > ind.start)
		h = nb_hash_add(h, r->indent.ptr + ind.start, ind.end - ind.start);
	h = nb_hash_add64(h, ind.end - ind.start);
	if (n->indented)
		h = nb_hash_add(h, t->text + n->ind_off, n->ind_len);
	h = nb_hash_add64(h, o->len == r->start || o->ptr[o->len - 1] == '\n');
	return nb_hash_end(h) | 1;
}

/* A partial, from the memo when it holds it; rendered and kept when it can
 * be.  A memo entry is a byte (how much deeper than the include tag the
 * render went, which must still be allowed here), then the text. */
static int include(struct render *r, const struct nb_tmpl *t, size_t i, struct span ind,
		   const struct frame *scope)
{
	const struct nb_tmpl_memo *memo = r->data ? r->data->memo : NULL;
	uint64_t group = 0, key = r->data ? memo_key(r, t, i, ind, &group) : 0;
	size_t from = r->out->len, floor = r->floor;
	int deepest = r->deepest, rc;
	unsigned char deeper;

	if (!key)
		return include_now(r, t, i, ind, scope);
	nb_buf_truncate(&r->scratch, 0);
	if (memo->get(memo->ud, key, &r->scratch) && r->scratch.len &&
	    r->depth + (unsigned char)r->scratch.ptr[0] <= NB_TMPL_MAX_DEPTH) {
		nb_buf_put(r->out, r->scratch.ptr + 1, r->scratch.len - 1);
		return 0;
	}
	r->keeping = 1;
	r->floor = r->nctx - 1;
	r->deepest = r->depth;
	r->impure = 0;
	rc = include_now(r, t, i, ind, scope);
	if (rc == 0 && !r->impure && r->floor == r->nctx - 1 && r->deepest - r->depth < 256) {
		deeper = (unsigned char)(r->deepest - r->depth);
		nb_buf_truncate(&r->scratch, 0);
		nb_buf_put(&r->scratch, (const char *)&deeper, 1);
		if (r->out->len > from)
			nb_buf_put(&r->scratch, r->out->ptr + from, r->out->len - from);
		memo->put(memo->ud, key, group, r->scratch.ptr, r->scratch.len);
	}
	r->keeping = 0;
	r->floor = floor < r->floor ? floor : r->floor;
	r->deepest = deepest > r->deepest ? deepest : r->deepest;
	return rc;
}

/* The block called name given to the outermost parent being expanded. */
static int find_block(const struct frame *scope, const char *name,
		      const struct frame **found, size_t *node)
{
	int ok = 0;

	for (; scope; scope = scope->outer) {
		const struct nb_tmpl *t = scope->t;
		size_t j, end = t->nodes[scope->node].end;

		for (j = scope->node + 1; j < end; j = t->nodes[j].end) {
			if (strcmp(t->text + t->nodes[j].off, name) == 0) {
				*found = scope;
				*node = j;
				ok = 1;
				break;
			}
		}
	}
	return ok;
}

/* {{$name}}: what a parent was given for it, else its own content. */
static int block(struct render *r, const struct nb_tmpl *t, size_t i, struct span ind,
		 const struct frame *scope)
{
	const struct node *n = &t->nodes[i];
	const struct frame *from;
	size_t saved = r->indent.len, j;
	int rc;

	if (enter(r, t, n) < 0)
		return -1;
	r->impure = 1;
	if (find_block(scope, t->text + n->off, &from, &j)) {
		if (n->indented)
			ind = indent_more(r, ind, t, n);
		rc = content(r, from->t, j, ind, from->outer);
	} else {
		rc = content(r, t, i, ind, scope);
	}
	nb_buf_truncate(&r->indent, saved);
	r->depth--;
	return rc;
}

static int render_nodes(struct render *r, const struct nb_tmpl *t, size_t from,
			size_t to, struct span ind, const struct frame *scope)
{
	size_t i;
	int rc = 0;

	for (i = from; i < to && rc == 0; i = t->nodes[i].end) {
		const struct node *n = &t->nodes[i];

		if (r->out->len - r->start > NB_TMPL_MAX_OUTPUT)
			return nb_diags_add(r->diags, t->path, n->line,
					    "a partial is probably included too many times",
					    "output larger than %zu MiB",
					    NB_TMPL_MAX_OUTPUT >> 20);
		if (n->bol)
			put_indent(r, ind);
		switch (n->kind) {
		case N_TEXT:
			nb_buf_put(r->out, t->text + n->off, n->len);
			break;
		case N_VAR:
		case N_RAW:
			interpolate(r, t, n);
			break;
		case N_SECTION:
		case N_INVERTED:
			rc = section(r, t, i, ind, scope);
			break;
		case N_PARTIAL:
		case N_PARENT:
			rc = include(r, t, i, ind, scope);
			break;
		default:
			rc = block(r, t, i, ind, scope);
			break;
		}
	}
	return rc;
}

int nb_tmpl_render(struct nb_buf *out, const struct nb_tmpl *t,
		   const struct nb_tmpl_data *data,
		   const struct nb_tmpl_partials *partials, struct nb_diags *diags)
{
	struct render r;
	struct span ind = { 0, 0 };
	int rc;

	memset(&r, 0, sizeof(r));
	r.out = out;
	r.start = out->len;
	r.data = data;
	r.partials = partials;
	r.diags = diags;
	if (data && data->ops)
		ctx_push(&r, data->root);
	rc = render_nodes(&r, t, 0, t->count, ind, NULL);
	free(r.ctx);
	nb_buf_release(&r.indent);
	nb_buf_release(&r.scratch);
	return rc;
}

/* ---- what a template names ---- */

void nb_tmpl_each_tag(const struct nb_tmpl *t,
		      void (*fn)(void *ud, enum nb_tmpl_tag kind, const char *name, int line),
		      void *ud)
{
	size_t i;

	for (i = 0; i < t->count; i++) {
		const struct node *n = &t->nodes[i];

		switch (n->kind) {
		case N_VAR:
		case N_RAW:
		case N_SECTION:
		case N_INVERTED:
			fn(ud, NB_TMPL_NAME, t->text + n->off, n->line);
			break;
		case N_PARTIAL:
			fn(ud, NB_TMPL_PARTIAL, t->text + n->off, n->line);
			break;
		case N_PARENT:
			fn(ud, NB_TMPL_PARENT, t->text + n->off, n->line);
			break;
		default:
			break;
		}
	}
}

/* ---- a set of named templates ---- */

struct nb_tmpl_set {
	struct nb_map index;   /* name -> index in items */
	struct nb_tmpl **items; /* NULL: known to be missing */
	size_t count, alloc;
	nb_tmpl_read_fn read;
	void *ud;
};

struct nb_tmpl_set *nb_tmpl_set_new(nb_tmpl_read_fn read, void *ud)
{
	struct nb_tmpl_set *set = nb_calloc(1, sizeof(*set));

	set->read = read;
	set->ud = ud;
	return set;
}

void nb_tmpl_set_free(struct nb_tmpl_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->count; i++)
		nb_tmpl_free(set->items[i]);
	free(set->items);
	nb_map_release(&set->index);
	free(set);
}

static void set_store(struct nb_tmpl_set *set, const char *name, struct nb_tmpl *t)
{
	size_t k;

	if (nb_map_gets(&set->index, name, &k)) {
		nb_tmpl_free(set->items[k]);
		set->items[k] = t;
		return;
	}
	nb_grow_array(&set->items, &set->alloc, set->count + 1, sizeof(*set->items));
	set->items[set->count] = t;
	nb_map_sets(&set->index, name, set->count++);
}

int nb_tmpl_set_add(struct nb_tmpl_set *set, const char *name, const char *text,
		    size_t len, const char *path, struct nb_diags *diags)
{
	struct nb_tmpl *t;

	if (nb_tmpl_compile(&t, text, len, path ? path : name, diags) < 0)
		return -1;
	set_store(set, name, t);
	return 0;
}

int nb_tmpl_set_get(struct nb_tmpl_set *set, const char *name,
		    const struct nb_tmpl **out, struct nb_diags *diags)
{
	struct nb_buf text = NB_BUF_INIT, path = NB_BUF_INIT;
	struct nb_tmpl *t = NULL;
	size_t k;
	int rc = 0;

	*out = NULL;
	if (nb_map_gets(&set->index, name, &k)) {
		*out = set->items[k];
		return 0;
	}
	if (set->read)
		rc = set->read(set->ud, name, &text, &path, diags);
	if (rc > 0)
		rc = nb_tmpl_compile(&t, nb_buf_cstr(&text), text.len,
				     path.len ? path.ptr : name, diags);
	if (rc >= 0) {
		set_store(set, name, t);
		*out = t;
		rc = 0;
	}
	nb_buf_release(&text);
	nb_buf_release(&path);
	return rc;
}

static int set_find(void *ud, const char *name, const struct nb_tmpl **out,
		    struct nb_diags *diags)
{
	return nb_tmpl_set_get(ud, name, out, diags);
}

struct nb_tmpl_partials nb_tmpl_set_partials(struct nb_tmpl_set *set)
{
	struct nb_tmpl_partials p = { set_find, set };

	return p;
}

int nb_tmpl_set_render(struct nb_tmpl_set *set, const char *name,
		       const struct nb_tmpl_data *data, struct nb_buf *out,
		       struct nb_diags *diags)
{
	struct nb_tmpl_partials partials = nb_tmpl_set_partials(set);
	const struct nb_tmpl *t;

	if (nb_tmpl_set_get(set, name, &t, diags) < 0)
		return -1;
	if (!t)
		return nb_diags_add(diags, name, 0, "add a template of that name",
				    "template '%s' not found", name);
	return nb_tmpl_render(out, t, data, &partials, diags);
}

/* ---- the value tree ---- */

#define ARENA_CHUNK 16384

struct chunk {
	struct chunk *next;
	size_t size, used;
	max_align_t data[];
};

struct nb_tmpl_arena {
	struct chunk *head; /* the chunk being filled */
};

enum value_kind { V_NULL, V_BOOL, V_STR, V_LIST, V_MAP };

struct entry {
	const char *key;
	size_t klen;
	struct nb_tmpl_value *v;
};

struct nb_tmpl_value {
	enum value_kind kind;
	struct nb_tmpl_arena *arena;
	union {
		int on;
		struct {
			const char *s;
			size_t len;
		} str;
		struct {
			struct nb_tmpl_value **items;
			size_t count, alloc;
		} list;
		struct {
			struct entry *items;
			size_t count, alloc;
			uint64_t memo, group;
			nb_tmpl_fill_fn fill;  /* run before its first lookup */
			void *fill_ud;
			const void *fill_a, *fill_b;
		} map;
	} u;
};

struct nb_tmpl_arena *nb_tmpl_arena_new(void)
{
	return nb_calloc(1, sizeof(struct nb_tmpl_arena));
}

void nb_tmpl_arena_free(struct nb_tmpl_arena *a)
{
	struct chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

static void *arena_alloc(struct nb_tmpl_arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct chunk *c = a->head;
	void *p;

	if (n > SIZE_MAX / 2)
		nb_oom();
	n = (n + align - 1) / align * align;
	if (!c || c->size - c->used < n) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;

		c = nb_malloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		if (a->head && size > ARENA_CHUNK) {
			/* a big one: keep filling the current chunk after it */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

/* Doubles an array kept in the arena (the old one stays until the end). */
static void *arena_grow(struct nb_tmpl_arena *a, void *items, size_t *alloc,
			size_t count, size_t size)
{
	size_t n = *alloc ? *alloc * 2 : 4;
	void *p;

	if (n > SIZE_MAX / 2 / size)
		nb_oom();
	p = arena_alloc(a, n * size);
	if (count)
		memcpy(p, items, count * size);
	*alloc = n;
	return p;
}

static struct nb_tmpl_value *value_new(struct nb_tmpl_arena *a, enum value_kind kind)
{
	struct nb_tmpl_value *v = arena_alloc(a, sizeof(*v));

	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->arena = a;
	return v;
}

static const char *arena_strndup(struct nb_tmpl_arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

struct nb_tmpl_value *nb_tmpl_null(struct nb_tmpl_arena *a)
{
	return value_new(a, V_NULL);
}

struct nb_tmpl_value *nb_tmpl_bool(struct nb_tmpl_arena *a, int on)
{
	struct nb_tmpl_value *v = value_new(a, V_BOOL);

	v->u.on = on != 0;
	return v;
}

struct nb_tmpl_value *nb_tmpl_strn(struct nb_tmpl_arena *a, const char *s, size_t len)
{
	struct nb_tmpl_value *v = value_new(a, V_STR);

	v->u.str.s = arena_strndup(a, s, len);
	v->u.str.len = len;
	return v;
}

struct nb_tmpl_value *nb_tmpl_str(struct nb_tmpl_arena *a, const char *s)
{
	return s ? nb_tmpl_strn(a, s, strlen(s)) : nb_tmpl_null(a);
}

static struct nb_tmpl_value *value_vprintf(struct nb_tmpl_arena *a, const char *fmt,
					   va_list ap)
{
	struct nb_buf b = NB_BUF_INIT;
	struct nb_tmpl_value *v;

	nb_buf_vprintf(&b, fmt, ap);
	v = nb_tmpl_strn(a, nb_buf_cstr(&b), b.len);
	nb_buf_release(&b);
	return v;
}

struct nb_tmpl_value *nb_tmpl_strf(struct nb_tmpl_arena *a, const char *fmt, ...)
{
	struct nb_tmpl_value *v;
	va_list ap;

	va_start(ap, fmt);
	v = value_vprintf(a, fmt, ap);
	va_end(ap);
	return v;
}

struct nb_tmpl_value *nb_tmpl_list_new(struct nb_tmpl_arena *a)
{
	return value_new(a, V_LIST);
}

struct nb_tmpl_value *nb_tmpl_map_new(struct nb_tmpl_arena *a)
{
	return value_new(a, V_MAP);
}

void nb_tmpl_list_push(struct nb_tmpl_value *list, struct nb_tmpl_value *v)
{
	if (list->u.list.count == list->u.list.alloc)
		list->u.list.items = arena_grow(list->arena, list->u.list.items,
						&list->u.list.alloc, list->u.list.count,
						sizeof(*list->u.list.items));
	list->u.list.items[list->u.list.count++] = v;
}

/* Lookups scan from the end, so a key set again hides its old value. */
void nb_tmpl_map_set(struct nb_tmpl_value *map, const char *key, struct nb_tmpl_value *v)
{
	struct entry *e;
	size_t klen = strlen(key);

	if (map->u.map.count == map->u.map.alloc)
		map->u.map.items = arena_grow(map->arena, map->u.map.items,
					      &map->u.map.alloc, map->u.map.count,
					      sizeof(*map->u.map.items));
	e = &map->u.map.items[map->u.map.count++];
	e->key = arena_strndup(map->arena, key, klen);
	e->klen = klen;
	e->v = v;
}

void nb_tmpl_map_set_str(struct nb_tmpl_value *map, const char *key, const char *s)
{
	nb_tmpl_map_set(map, key, nb_tmpl_str(map->arena, s));
}

void nb_tmpl_map_set_strf(struct nb_tmpl_value *map, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nb_tmpl_map_set(map, key, value_vprintf(map->arena, fmt, ap));
	va_end(ap);
}

void nb_tmpl_map_set_bool(struct nb_tmpl_value *map, const char *key, int on)
{
	nb_tmpl_map_set(map, key, nb_tmpl_bool(map->arena, on));
}

void nb_tmpl_map_set_int(struct nb_tmpl_value *map, const char *key, long long n)
{
	nb_tmpl_map_set(map, key, nb_tmpl_strf(map->arena, "%lld", n));
}

struct nb_tmpl_value *nb_tmpl_map_add_map(struct nb_tmpl_value *map, const char *key)
{
	struct nb_tmpl_value *v = nb_tmpl_map_new(map->arena);

	nb_tmpl_map_set(map, key, v);
	return v;
}

struct nb_tmpl_value *nb_tmpl_map_add_list(struct nb_tmpl_value *map, const char *key)
{
	struct nb_tmpl_value *v = nb_tmpl_list_new(map->arena);

	nb_tmpl_map_set(map, key, v);
	return v;
}

struct nb_tmpl_value *nb_tmpl_list_add_map(struct nb_tmpl_value *list)
{
	struct nb_tmpl_value *v = nb_tmpl_map_new(list->arena);

	nb_tmpl_list_push(list, v);
	return v;
}

void nb_tmpl_list_push_str(struct nb_tmpl_value *list, const char *s)
{
	nb_tmpl_list_push(list, nb_tmpl_str(list->arena, s));
}

static struct nb_tmpl_value *map_find(const struct nb_tmpl_value *map, const char *key,
				      size_t len)
{
	size_t k;

	if (!map || map->kind != V_MAP)
		return NULL;
	if (map->u.map.fill) {
		struct nb_tmpl_value *m = (struct nb_tmpl_value *)map;
		nb_tmpl_fill_fn fill = m->u.map.fill;

		m->u.map.fill = NULL;
		fill(m, m->u.map.fill_ud, m->u.map.fill_a, m->u.map.fill_b);
	}
	for (k = map->u.map.count; k-- > 0;) {
		const struct entry *e = &map->u.map.items[k];

		if (e->klen == len && memcmp(e->key, key, len) == 0)
			return e->v;
	}
	return NULL;
}

struct nb_tmpl_value *nb_tmpl_map_get(const struct nb_tmpl_value *map, const char *key)
{
	return map_find(map, key, strlen(key));
}

const char *nb_tmpl_value_str(const struct nb_tmpl_value *v)
{
	return v && v->kind == V_STR ? v->u.str.s : NULL;
}

static const void *value_get(void *ud, const void *ctx, const char *name, size_t len)
{
	(void)ud;
	return map_find(ctx, name, len);
}

static enum nb_tmpl_shape value_shape(void *ud, const void *p, size_t *count)
{
	const struct nb_tmpl_value *v = p;

	(void)ud;
	switch (v->kind) {
	case V_NULL:
		return NB_TMPL_FALSY;
	case V_BOOL:
		return v->u.on ? NB_TMPL_TRUTHY : NB_TMPL_FALSY;
	case V_STR:
		return v->u.str.len ? NB_TMPL_TRUTHY : NB_TMPL_FALSY;
	case V_LIST:
		*count = v->u.list.count;
		return NB_TMPL_LIST;
	default:
		return NB_TMPL_TRUTHY;
	}
}

static const void *value_item(void *ud, const void *list, size_t i)
{
	const struct nb_tmpl_value *v = list;

	(void)ud;
	return v->u.list.items[i];
}

static void value_text(void *ud, const void *p, struct nb_buf *out)
{
	const struct nb_tmpl_value *v = p;

	(void)ud;
	if (v->kind == V_STR)
		nb_buf_put(out, v->u.str.s, v->u.str.len);
	else if (v->kind == V_BOOL)
		nb_buf_puts(out, v->u.on ? "true" : "false");
}

static uint64_t value_memo_key(void *ud, const void *p, uint64_t *group)
{
	const struct nb_tmpl_value *v = p;

	(void)ud;
	if (v->kind != V_MAP)
		return 0;
	*group = v->u.map.group;
	return v->u.map.memo;
}

static const struct nb_tmpl_data_ops value_ops = {
	value_get, value_shape, value_item, value_text, value_memo_key,
};

void nb_tmpl_map_set_memo(struct nb_tmpl_value *map, uint64_t key, uint64_t group)
{
	if (map && map->kind == V_MAP) {
		map->u.map.memo = key;
		map->u.map.group = key ? group : 0;
	}
}

void nb_tmpl_map_set_fill(struct nb_tmpl_value *map, nb_tmpl_fill_fn fill, void *ud,
			  const void *a, const void *b)
{
	if (map && map->kind == V_MAP) {
		map->u.map.fill = fill;
		map->u.map.fill_ud = ud;
		map->u.map.fill_a = a;
		map->u.map.fill_b = b;
	}
}

struct nb_tmpl_data nb_tmpl_value_data(const struct nb_tmpl_value *root)
{
	struct nb_tmpl_data d = { &value_ops, NULL, root, NULL };

	return d;
}
