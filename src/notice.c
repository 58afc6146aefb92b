#include "notice.h"

#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "map.h"
#include "tz.h"
#include "util.h"
#include "yml.h"

static const char *const notice_keys[] = {
	"title", "servers", "kind", "status", "severity", "date", "window", "author",
};

static const char *const kind_names[] = { "incident", "maintenance" };

static const char *const status_names[] = {
	"investigating", "identified", "monitoring", "resolved",
	"scheduled", "in-progress", "completed", "cancelled",
};

static const char *const severity_names[] = { "", "minor", "major", "critical" };

static const char *const status_labels[] = {
	"Investigating", "Identified", "Monitoring", "Resolved",
	"Scheduled", "In progress", "Completed", "Cancelled",
};

const char *nb_notice_kind_name(enum nb_kind kind) { return kind_names[kind]; }
const char *nb_notice_status_label(enum nb_status status) { return status_labels[status]; }

const char *nb_notice_kind_label(enum nb_kind kind)
{
	static const char *const labels[] = { "Incident", "Maintenance" };

	return labels[kind];
}

const char *nb_notice_severity_label(enum nb_severity severity)
{
	static const char *const labels[] = { "", "Minor", "Major", "Critical" };

	return labels[severity];
}
const char *nb_notice_status_name(enum nb_status status) { return status_names[status]; }
const char *nb_notice_severity_name(enum nb_severity sev) { return severity_names[sev]; }

uint64_t nb_notice_update_key(const char *stamp_text, const char *markdown)
{
	/* the hash of stamp, NUL, text */
	uint64_t h = nb_hash_add_str(NB_HASH_START, stamp_text ? stamp_text : "");

	return nb_hash_end(nb_hash_add(h, markdown ? markdown : "", markdown ? strlen(markdown) : 0));
}

/* Up to this many updates, repeats are counted by looking back, not with
 * a map (a build keys every notice's updates). */
#define FEW_UPDATES 16

void nb_notice_update_keys(const struct nb_notice *n, uint64_t *keys)
{
	struct nb_map seen = NB_MAP_INIT; /* key -> how often it came so far */
	uint64_t plain[FEW_UPDATES];
	size_t i, j, times;

	for (i = 0; i < n->update_count; i++) {
		uint64_t key = nb_notice_update_key(n->updates[i].stamp_text, n->updates[i].markdown);

		keys[i] = key;
		if (n->update_count <= FEW_UPDATES) {
			plain[i] = key;
			for (times = 0, j = 0; j < i; j++)
				times += plain[j] == key;
		} else if (nb_map_get64(&seen, key, &times)) {
			nb_map_set64(&seen, key, times + 1);
		} else {
			times = 0;
			nb_map_set64(&seen, key, 1);
		}
		if (times) {
			uint64_t mixed[2] = { key, times };

			/* the first keeps the plain key: caches of notices with no
			 * repeated update stay valid */
			keys[i] = nb_hash(mixed, sizeof(mixed));
		}
	}
	nb_map_release(&seen);
}

int nb_notice_status_from_name(enum nb_kind kind, const char *name, enum nb_status *out)
{
	size_t first = kind == NB_MAINTENANCE ? NB_SCHEDULED : NB_INVESTIGATING;
	size_t end = kind == NB_MAINTENANCE ? NB_CANCELLED + 1 : NB_RESOLVED + 1, i;

	for (i = first; i < end; i++) {
		if (strcmp(name, status_names[i]) == 0) {
			*out = (enum nb_status)i;
			return 0;
		}
	}
	return -1;
}

int nb_notice_status_is_open(enum nb_status status)
{
	return status != NB_RESOLVED && status != NB_COMPLETED && status != NB_CANCELLED;
}

/* Parsing state for one file. */
struct parser {
	struct nb_notice *n;
	const char *zone;
	struct nb_diags *diags;
	int errors;
	int fm_line;           /* file line of the first front matter line */
	const struct nb_yml *status_node;
	const struct nb_yml *kind_node;
	struct nb_stamp_mark date_mark; /* date:, as written, when has_date */
};

static void problem(struct parser *ps, int line, const char *hint,
		    const char *fmt, const char *arg)
{
	nb_diags_add(ps->diags, ps->n->path, line, hint, fmt, arg);
	ps->errors++;
}

/* A bidirectional control in a one-line value (a title). */
static void bidi_problem(struct parser *ps, int line, const char *what, const char *s)
{
	struct nb_buf msg = NB_BUF_INIT;

	nb_buf_printf(&msg, "a bidirectional control character (U+%04X) in the %s",
		      nb_bidi_code(s + nb_bidi_find(s)), what);
	problem(ps, line, "remove it: it can make the text read differently from what it says",
		"%s", msg.ptr);
	nb_buf_release(&msg);
}

char *nb_notice_slug(const char *path)
{
	const char *base = strrchr(path, '/');
	struct nb_buf b = NB_BUF_INIT;
	size_t len, i;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > 3 && strcmp(base + len - 3, ".md") == 0)
		len -= 3;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)base[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		/* no leading '.': a hidden folder, which web servers (and
		 * contrib/nginx.conf) refuse to serve */
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80 ||
		    c == '_' || (c == '.' && b.len))
			nb_buf_putc(&b, (char)c);
		else if (b.len && b.ptr[b.len - 1] != '-')
			nb_buf_putc(&b, '-');
	}
	while (b.len && (b.ptr[b.len - 1] == '-' || b.ptr[b.len - 1] == '.'))
		nb_buf_truncate(&b, b.len - 1);
	return nb_buf_detach(&b);
}

/* ---- front matter ---- */

static const char *scalar(struct parser *ps, const struct nb_yml *v,
			  const char *key, const char *example)
{
	if (v->kind != NB_YML_SCALAR) {
		struct nb_buf msg = NB_BUF_INIT;

		nb_buf_printf(&msg, "'%s' must be text, not %s", key,
			      nb_yml_kind_name(v->kind));
		problem(ps, (v)->line, example, "%s", msg.ptr);
		nb_buf_release(&msg);
		return NULL;
	}
	return v->scalar;
}

static int choose(struct parser *ps, const struct nb_yml *v, const char *key,
		  const char *const *names, size_t first, size_t end)
{
	const char *s = scalar(ps, v, key, NULL);
	struct nb_buf hint = NB_BUF_INIT;
	const char *near;
	size_t i;

	if (!s)
		return -1;
	for (i = first; i < end; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	near = nb_suggest(s, names + first, end - first);
	if (near)
		nb_buf_printf(&hint, "did you mean '%s'? ", near);
	nb_buf_puts(&hint, "one of: ");
	for (i = first; i < end; i++)
		nb_buf_printf(&hint, "%s%s", i > first ? ", " : "", names[i]);
	nb_diags_add(ps->diags, ps->n->path, (v)->line, hint.ptr,
		     "invalid %s '%s'", key, s);
	ps->errors++;
	nb_buf_release(&hint);
	return -1;
}

static void load_servers(struct parser *ps, const struct nb_yml *v)
{
	struct nb_notice *n = ps->n;
	size_t i, j, count = v->kind == NB_YML_SEQ ? v->count : 1;

	n->servers_line = (v)->line;
	if (v->kind == NB_YML_MAP) {
		problem(ps, n->servers_line, "write servers: [LOUIE, SCROOGE]",
			"'servers' must be a list of server names%s", "");
		return;
	}
	n->servers = nb_calloc(count, sizeof(*n->servers));
	for (i = 0; i < count; i++) {
		const struct nb_yml *item = v->kind == NB_YML_SEQ ? v->items[i] : v;
		const char *s = scalar(ps, item, "servers", "write servers: [LOUIE, SCROOGE]");

		if (!s)
			continue;
		if (!*s) {
			problem(ps, (item)->line, "name a server declared in site.yaml",
				"empty server name%s", "");
			continue;
		}
		for (j = 0; j < n->server_count; j++)
			if (strcmp(n->servers[j], s) == 0)
				break;
		if (j < n->server_count) {
			problem(ps, (item)->line, "list each server once",
				"server '%s' is listed twice", s);
			continue;
		}
		n->servers[n->server_count++] = nb_strdup(s);
	}
	if (!n->server_count && !ps->errors)
		problem(ps, n->servers_line, "write servers: [LOUIE, SCROOGE]",
			"the notice names no server%s", "");
}

/* A date-time value (date:, window start/end): its instant and how it was
 * written.  need_time: a time is required. */
static int load_instant(struct parser *ps, const struct nb_yml *v, const char *key,
			int need_time, struct nb_stamp_mark *out)
{
	struct nb_buf why = NB_BUF_INIT;
	struct nb_stamp st;
	const char *s = scalar(ps, v, key, "write e.g. 2010-10-15T06:30-04:00");
	int rc = -1;

	if (!s)
		goto cleanup;
	if (nb_stamp_parse(&st, s, strlen(s), &why) < 0) {
		nb_buf_printf(&why, " in %s", key);
		problem(ps, (v)->line, "write e.g. 2010-10-15T06:30-04:00", "%s", why.ptr);
		goto cleanup;
	}
	if (!nb_stamp_has_date(&st) || (need_time && !nb_stamp_has_time(&st))) {
		nb_buf_printf(&why, "'%s' needs a date%s", key, need_time ? " and a time" : "");
		problem(ps, (v)->line, "write e.g. 2010-10-15T06:30-04:00", "%s", why.ptr);
		goto cleanup;
	}
	nb_stamp_mark_of(out, &st, ps->zone);
	rc = 0;
cleanup:
	nb_buf_release(&why);
	return rc;
}

static void load_window(struct parser *ps, const struct nb_yml *v)
{
	const struct nb_yml *start = nb_yml_get(v, "start"), *end = nb_yml_get(v, "end");
	struct nb_notice *n = ps->n;
	struct nb_stamp_mark from, to;
	size_t i;
	int ok = 1;

	if (v->kind != NB_YML_MAP) {
		problem(ps, (v)->line, "write window: {start: 2010-10-10T09:00-04:00, end: 2010-10-10T12:00-04:00}",
			"'window' must be a mapping with start and end%s", "");
		return;
	}
	for (i = 0; i + 1 < v->count; i += 2) {
		const char *k = v->items[i]->scalar;

		if (strcmp(k, "start") && strcmp(k, "end"))
			problem(ps, (v->items[i])->line, "a window has only start and end",
				"unknown key 'window.%s'", k);
	}
	if (!start || !end) {
		problem(ps, (v)->line, "give both start and end",
			"the window has no %s", start ? "end" : "start");
		return;
	}
	if (load_instant(ps, start, "window start", 1, &from) == 0)
		n->window_start = from.t;
	else
		ok = 0;
	if (load_instant(ps, end, "window end", 1, &to) == 0)
		n->window_end = to.t;
	else
		ok = 0;
	if (ok && n->window_end <= n->window_start) {
		problem(ps, (end)->line, "the end comes after the start",
			"the window ends before it starts%s", "");
		return;
	}
	n->has_window = ok;
}

static void unknown_key(struct parser *ps, const struct nb_yml *key)
{
	const char *near = nb_suggest(key->scalar, notice_keys, NB_ARRAY_LEN(notice_keys));
	struct nb_buf hint = NB_BUF_INIT;
	size_t i;

	if (near) {
		nb_buf_printf(&hint, "did you mean '%s'?", near);
	} else {
		nb_buf_puts(&hint, "notice keys are ");
		for (i = 0; i < NB_ARRAY_LEN(notice_keys); i++)
			nb_buf_printf(&hint, "%s%s", i ? ", " : "", notice_keys[i]);
	}
	problem(ps, (key)->line, hint.ptr, "unknown key '%s'", key->scalar);
	nb_buf_release(&hint);
}

/* author: who wrote the notice, where git cannot say (imported history). */
static void load_author(struct parser *ps, const struct nb_yml *v)
{
	const char *s = scalar(ps, v, "author", "write author: Ann Operator");

	if (s && !*s)
		problem(ps, v->line, "write author: Ann Operator, or remove the key",
			"the author is empty%s", "");
	else if (s && strchr(s, '\n'))
		problem(ps, v->line, "write the author on one line",
			"the author spans several lines%s", "");
	else if (s)
		ps->n->stated_author = nb_strdup(s);
}

static void load_front_matter(struct parser *ps, const struct nb_yml *root)
{
	struct nb_notice *n = ps->n;
	const struct nb_yml *window = NULL;
	size_t i;
	int k;

	for (i = 0; i + 1 < root->count; i += 2) {
		const struct nb_yml *key = root->items[i], *v = root->items[i + 1];
		const char *name = key->scalar;

		if (strcmp(name, "title") == 0) {
			const char *s = scalar(ps, v, name, "write title: SCROOGE storage array failure");

			if (s && !*s)
				problem(ps, (v)->line, "write title: SCROOGE storage array failure",
					"the title is empty%s", "");
			else if (s && strchr(s, '\n'))
				problem(ps, (v)->line, "write the title on one line",
					"the title spans several lines%s", "");
			else if (s && s[nb_bidi_find(s)])
				bidi_problem(ps, v->line, "title", s);
			else if (s)
				n->title = nb_strdup(s);
		} else if (strcmp(name, "servers") == 0) {
			load_servers(ps, v);
		} else if (strcmp(name, "kind") == 0) {
			ps->kind_node = v;
			if ((k = choose(ps, v, "kind", kind_names, 0, 2)) >= 0)
				n->kind = (enum nb_kind)k;
		} else if (strcmp(name, "status") == 0) {
			ps->status_node = v;
		} else if (strcmp(name, "severity") == 0) {
			if ((k = choose(ps, v, "severity", severity_names, 1, 4)) >= 0)
				n->severity = (enum nb_severity)k;
		} else if (strcmp(name, "date") == 0) {
			n->date_line = (v)->line;
			if (load_instant(ps, v, "date", 0, &ps->date_mark) == 0) {
				n->published = ps->date_mark.t;
				n->has_date = 1;
				n->published_source = NB_TIME_FRONT_MATTER;
			}
		} else if (strcmp(name, "window") == 0) {
			window = v;
		} else if (strcmp(name, "author") == 0) {
			load_author(ps, v);
		} else {
			unknown_key(ps, key);
		}
	}
	if (!nb_yml_get(root, "title"))
		problem(ps, ps->fm_line, "add 'title: ...' to the front matter",
			"the notice has no title%s", "");
	if (!nb_yml_get(root, "servers"))
		problem(ps, ps->fm_line, "add 'servers: [NAME]' to the front matter",
			"the notice names no server%s", "");
	if (!ps->status_node) {
		problem(ps, ps->fm_line,
			n->kind == NB_MAINTENANCE ? "add 'status: scheduled'" : "add 'status: investigating'",
			"the notice has no status%s", "");
	} else if (n->kind == NB_MAINTENANCE) {
		if ((k = choose(ps, ps->status_node, "maintenance status", status_names,
				NB_SCHEDULED, NB_CANCELLED + 1)) >= 0) {
			n->status = (enum nb_status)k;
			n->has_status = 1;
		}
	} else if ((k = choose(ps, ps->status_node, "incident status", status_names,
			       NB_INVESTIGATING, NB_RESOLVED + 1)) >= 0) {
		n->status = (enum nb_status)k;
		n->has_status = 1;
	}
	if (window && n->kind != NB_MAINTENANCE)
		problem(ps, (window)->line, "set 'kind: maintenance', or remove the window",
			"only maintenance notices have a window%s", "");
	else if (window)
		load_window(ps, window);
}

/* Finds the front matter; returns the offset of the body, or 0 on error. */
static size_t split_front_matter(struct parser *ps, const char *text, size_t len,
				 size_t *fm_start, size_t *fm_len)
{
	size_t pos, line_start;
	int line = 1;

	if (len < 4 || memcmp(text, "---", 3) != 0 || (text[3] != '\n' && text[3] != ' ')) {
		problem(ps, 1, "start the file with a line '---', the front matter, and another '---'",
			"the notice has no front matter%s", "");
		return 0;
	}
	pos = (size_t)((const char *)memchr(text, '\n', len) - text) + 1;
	*fm_start = pos;
	line = 2;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, e = end;

		line_start = pos;
		while (e > line_start && (text[e - 1] == ' ' || text[e - 1] == '\t'))
			e--;
		if (e - line_start == 3 && (memcmp(text + line_start, "---", 3) == 0 ||
					    memcmp(text + line_start, "...", 3) == 0)) {
			*fm_len = line_start - *fm_start;
			ps->n->body_line = line + 1;
			return nl ? end + 1 : end;
		}
		pos = nl ? end + 1 : len;
		line++;
	}
	problem(ps, 1, "add a line '---' after the last front matter key",
		"the front matter is not closed%s", "");
	return 0;
}

/* ---- the update thread ---- */

enum block_role { ROLE_TEXT, ROLE_UPDATE, ROLE_DAY };

struct block {
	enum block_role role;
	int first, last;       /* body lines, 1-based */
	size_t lead;           /* UPDATE: bytes of the first line that are the lead */
	int whole_first;       /* UPDATE: the first line (a heading) is all lead */
	char *stamp_text;
	struct nb_stamp stamp;
};

struct lines {
	const char *text;
	size_t *start;         /* offset of each line; start[count] = end */
	int count;
};

static void lines_index(struct lines *l, const char *text, size_t len)
{
	size_t i, alloc = 0;
	int n = 0;

	l->text = text;
	l->start = NULL;
	nb_grow_array(&l->start, &alloc, 2, sizeof(*l->start));
	l->start[n++] = 0;
	for (i = 0; i < len; i++) {
		if (text[i] == '\n' && i + 1 < len) {
			nb_grow_array(&l->start, &alloc, (size_t)n + 2, sizeof(*l->start));
			l->start[n++] = i + 1;
		}
	}
	l->start[n] = len;
	l->count = len ? n : 0;
}

/* Line k (1-based) without its newline. */
static const char *line_at(const struct lines *l, int k, size_t *len)
{
	size_t s = l->start[k - 1], e = l->start[k];

	if (e > s && l->text[e - 1] == '\n')
		e--;
	*len = e - s;
	return l->text + s;
}

static int has_digit(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return 1;
	return 0;
}

/*
 * What follows "Update" is taken for a stamp, and must then parse, when it
 * holds a digit, starts with a digit or a letter, and has no Markdown
 * ("Update [ticket 8173](https://...)" is text).
 */
static int looks_like_stamp(const char *s)
{
	unsigned char c = (unsigned char)*s;

	if (!has_digit(s, strlen(s)) || strpbrk(s, "[]()`*_<>"))
		return 0;
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static char *trimmed(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return nb_strndup(s, n);
}

/*
 * A stamp written in parentheses or square brackets, "(6/2/2021 10:00 AM)",
 * is the stamp inside them; brackets elsewhere in it are left for
 * looks_like_stamp to refuse.  Takes stamp and returns the one to keep.
 */
static char *unwrapped(char *stamp)
{
	size_t n = strlen(stamp);
	char *inner;

	if (n < 3 || !((stamp[0] == '(' && stamp[n - 1] == ')') ||
		       (stamp[0] == '[' && stamp[n - 1] == ']')))
		return stamp;
	inner = trimmed(stamp + 1, n - 2);
	if (!*inner || strpbrk(inner, "()[]")) {
		free(inner);
		return stamp;
	}
	free(stamp);
	return inner;
}

/*
 * Recognises "Update <stamp>:", "**Update <stamp>:**" and
 * "**Update <stamp>**:" at the start of a paragraph line.  Returns 1 and
 * the stamp text and the lead's length, 0 when the line is not an update.
 */
static int match_update_lead(const char *s, size_t len, char **stamp, size_t *lead)
{
	size_t i = 0, st, limit;
	char bold = 0;

	while (i < len && i < 3 && s[i] == ' ')
		i++;
	if (i + 2 <= len && (s[i] == '*' || s[i] == '_') && s[i + 1] == s[i]) {
		bold = s[i];
		i += 2;
	}
	if (len - i < 6 || (memcmp(s + i, "Update", 6) && memcmp(s + i, "UPDATE", 6)))
		return 0;
	i += 6;
	if (i < len && s[i] != ' ' && s[i] != ':' && s[i] != bold)
		return 0; /* "Updated", "Updates" */
	st = i;
	limit = len < st + NB_STAMP_MAX_LEN ? len : st + NB_STAMP_MAX_LEN;
	for (; i < limit; i++) {
		int closer = bold && i + 1 < len && s[i] == bold && s[i + 1] == bold;

		if (closer) {
			/* "**Update 6:47 AM**:" */
			if (i + 2 >= len || s[i + 2] != ':')
				return 0;
			*stamp = trimmed(s + st, i - st);
			*lead = i + 3;
			break;
		}
		if (s[i] == ':' && (i + 1 >= len || !(s[i + 1] >= '0' && s[i + 1] <= '9'))) {
			*stamp = trimmed(s + st, i - st);
			*lead = i + 1;
			if (bold && *lead + 1 < len && s[*lead] == bold && s[*lead + 1] == bold)
				*lead += 2;
			else if (bold) {
				free(*stamp);
				return 0;
			}
			break;
		}
	}
	if (i >= limit)
		return 0;
	*stamp = unwrapped(*stamp);
	if (**stamp && !looks_like_stamp(*stamp)) {
		free(*stamp);
		return 0; /* "Update regarding the move: ..." is text */
	}
	while (*lead < len && (s[*lead] == ' ' || s[*lead] == '\t'))
		(*lead)++;
	return 1;
}

/* "## Update <stamp>" or a setext heading "Update <stamp>" (level 2). */
static int match_update_heading(const char *s, size_t len, char **stamp)
{
	size_t i = 0, e = len;

	while (i < len && i < 3 && s[i] == ' ')
		i++;
	if (i < len && s[i] == '#') {
		while (i < len && s[i] == '#')
			i++;
		while (e > i && (s[e - 1] == ' ' || s[e - 1] == '#' || s[e - 1] == '\t'))
			e--;
	}
	while (i < e && s[i] == ' ')
		i++;
	if (e - i < 6 || (memcmp(s + i, "Update", 6) && memcmp(s + i, "UPDATE", 6)))
		return 0;
	i += 6;
	if (i < e && s[i] != ' ' && s[i] != ':')
		return 0;
	if (e > i && s[e - 1] == ':')
		e--;
	*stamp = unwrapped(trimmed(s + i, e - i));
	if (**stamp && !looks_like_stamp(*stamp)) {
		free(*stamp);
		return 0;
	}
	return 1;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* The number of digits at the start of s. */
static size_t digits_at(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && is_digit(s[i]))
		i++;
	return i;
}

/* "am", "PM", "a.m." at s, not followed by a letter ("9 apples" is not a time). */
static int meridiem_at(const char *s, size_t len)
{
	size_t i = 1;

	if (!len || (s[0] != 'a' && s[0] != 'A' && s[0] != 'p' && s[0] != 'P'))
		return 0;
	if (i < len && s[i] == '.')
		i++;
	if (i >= len || (s[i] != 'm' && s[i] != 'M'))
		return 0;
	i++;
	if (i < len && s[i] == '.')
		i++;
	return i >= len || !is_letter(s[i]);
}

/* A time or a date at s: "6:47", "9 PM", "9am", "10/16/2010", "2010-10-16". */
static int time_or_date_at(const char *s, size_t len)
{
	size_t d = digits_at(s, len), e;

	if (d == 0 || d > 4)
		return 0;
	if (d == 4)
		return len >= 10 && s[4] == '-' && digits_at(s + 5, 2) == 2 && s[7] == '-' &&
		       digits_at(s + 8, 2) == 2;
	if (d > 2 || d == len)
		return 0;
	if (s[d] == ':')
		return digits_at(s + d + 1, len - d - 1) == 2;
	if (s[d] == '/') {
		e = d + 1 + digits_at(s + d + 1, len - d - 1);
		return e > d + 1 && e < len && s[e] == '/' && digits_at(s + e + 1, len - e - 1) >= 2;
	}
	e = s[d] == ' ' ? d + 1 : d;
	return meridiem_at(s + e, len - e);
}

/*
 * A line that starts like an update: "Update" (plain, bold or a heading),
 * then nothing but punctuation and a time or a date ("Update - 6:47 AM:
 * ...", "Update 6:47 AM - ...", "**Update 6:47 AM** ...").  Said of a line
 * that is not read as an update, to warn rather than fold it into the text
 * above; "Updated ...", "Update regarding the move: ...", "Update [ticket
 * 8173](...)" and "Update 3 servers ..." do not start like one.
 */
static int starts_like_update(const char *s, size_t len)
{
	size_t i = 0, limit;

	while (i < len && (s[i] == ' ' || s[i] == '#' || s[i] == '*' || s[i] == '_'))
		i++;
	if (len - i < 6 || (memcmp(s + i, "Update", 6) && memcmp(s + i, "UPDATE", 6)))
		return 0;
	i += 6;
	if (i < len && is_letter(s[i]))
		return 0;
	limit = len < i + NB_STAMP_MAX_LEN ? len : i + NB_STAMP_MAX_LEN;
	while (i < limit && !is_digit(s[i]) && !is_letter(s[i]))
		i++;
	return i < limit && time_or_date_at(s + i, len - i);
}

/* The start of a line, for a message: at most 40 bytes, cut between
 * characters. */
static void line_start(struct nb_buf *out, const char *s, size_t len)
{
	size_t n = len;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n > 40) {
		n = 40;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		nb_buf_put(out, s, n);
		nb_buf_puts(out, "\u2026");
		return;
	}
	nb_buf_put(out, s, n);
}

/* The legacy "10/14/2010 9:06 EST – text": a dated stamp and a dash. */
static int match_legacy_lead(const char *s, size_t len, char **stamp, size_t *lead,
			     struct nb_stamp *parsed)
{
	static const char *const dashes[] = { " \u2013 ", " \u2014 ", " - " };
	size_t i, d, limit = len < NB_STAMP_MAX_LEN ? len : NB_STAMP_MAX_LEN;

	if (!len || s[0] < '0' || s[0] > '9')
		return 0;
	for (i = 1; i < limit; i++) {
		for (d = 0; d < NB_ARRAY_LEN(dashes); d++) {
			size_t dl = strlen(dashes[d]);

			if (i + dl > len || memcmp(s + i, dashes[d], dl) != 0)
				continue;
			if (nb_stamp_parse(parsed, s, i, NULL) < 0 ||
			    !nb_stamp_has_date(parsed) || !nb_stamp_has_time(parsed))
				return 0;
			*stamp = nb_strndup(s, i);
			*lead = i + dl;
			return 1;
		}
	}
	return 0;
}

/* A paragraph of one line holding only a date ("Friday 9/3/10"). */
static int match_day_line(const char *s, size_t len, struct nb_stamp *parsed)
{
	if (!has_digit(s, len) || len > NB_STAMP_MAX_LEN)
		return 0;
	return nb_stamp_parse(parsed, s, len, NULL) == 0 && nb_stamp_has_date(parsed) &&
	       !nb_stamp_has_time(parsed);
}

/* A paragraph's later lines that would start an update on a line of
 * their own: a blank line is missing before them. */
static void check_later_lines(struct parser *ps, const struct block *b, const struct lines *l)
{
	struct nb_buf quoted = NB_BUF_INIT;
	int k;

	for (k = b->first + 1; k <= b->last; k++) {
		size_t len, lead;
		const char *s = line_at(l, k, &len);
		char *stamp = NULL;

		if (!match_update_lead(s, len, &stamp, &lead))
			continue;
		free(stamp);
		nb_buf_truncate(&quoted, 0);
		line_start(&quoted, s, len);
		nb_diags_add(ps->diags, ps->n->path, ps->n->body_line + k - 1,
			     "leave a blank line before it, so that it starts a paragraph of its own",
			     "'%s' is inside a paragraph, so it is not read as an update", quoted.ptr);
		ps->errors++;
	}
	nb_buf_release(&quoted);
}

/* A paragraph or level-2 heading that starts like an update but is not
 * read as one. */
static void check_unread_lead(struct parser *ps, const struct block *b, const char *s,
			      size_t len)
{
	struct nb_buf quoted = NB_BUF_INIT;

	if (!starts_like_update(s, len))
		return;
	line_start(&quoted, s, len);
	nb_diags_add(ps->diags, ps->n->path, ps->n->body_line + b->first - 1,
		     "write the stamp, then a colon: 'Update 6:47 AM: ...' or "
		     "'Update (6/2/2021 10:00 AM): ...'; or reword the start if it is not an update",
		     "'%s' starts like an update but is not read as one", quoted.ptr);
	ps->errors++;
	nb_buf_release(&quoted);
}

static void classify(struct parser *ps, struct block *b, cmark_node *node,
		     const struct lines *l)
{
	cmark_node_type type = cmark_node_get_type(node);
	size_t len;
	const char *s = line_at(l, b->first, &len);
	struct nb_buf why = NB_BUF_INIT;
	char *stamp = NULL;
	int line = ps->n->body_line + b->first - 1;
	int heading2 = type == CMARK_NODE_HEADING && cmark_node_get_heading_level(node) == 2;

	if (type == CMARK_NODE_PARAGRAPH)
		check_later_lines(ps, b, l);
	if (heading2 && match_update_heading(s, len, &stamp)) {
		b->role = ROLE_UPDATE;
		b->whole_first = 1;
	} else if (type == CMARK_NODE_PARAGRAPH && match_update_lead(s, len, &stamp, &b->lead)) {
		b->role = ROLE_UPDATE;
	} else if (type == CMARK_NODE_PARAGRAPH &&
		   match_legacy_lead(s, len, &stamp, &b->lead, &b->stamp)) {
		b->role = ROLE_UPDATE;
		b->stamp_text = stamp;
		return;
	} else if (type == CMARK_NODE_PARAGRAPH && b->first == b->last &&
		   match_day_line(s, len, &b->stamp)) {
		b->role = ROLE_DAY;
		return;
	} else {
		if (type == CMARK_NODE_PARAGRAPH || heading2)
			check_unread_lead(ps, b, s, len);
		return;
	}
	b->stamp_text = stamp;
	if (!*stamp)
		goto cleanup;
	if (nb_stamp_parse(&b->stamp, stamp, strlen(stamp), &why) < 0) {
		nb_diags_add(ps->diags, ps->n->path, line,
			     "write e.g. 'Update 10/16/2010 1:24 AM Eastern:' or 'Update 6:47 AM:'",
			     "unparseable stamp '%s': %s", stamp, why.ptr);
		ps->errors++;
		/* dates nothing: no second problem from half a stamp */
		memset(&b->stamp, 0, sizeof(b->stamp));
		b->stamp.hour = -1;
		b->stamp.wday = -1;
		b->stamp.dst_hint = -1;
	} else if (!nb_stamp_has_time(&b->stamp)) {
		nb_diags_add(ps->diags, ps->n->path, line,
			     "add the time, e.g. 'Update 9/12/10 1:30 AM Eastern:'",
			     "stamp '%s' has a date but no time", stamp);
		ps->errors++;
	}
cleanup:
	nb_buf_release(&why);
}

/* Appends body lines [first, last] as they are, less `skip` bytes of the first. */
static void append_lines(struct nb_buf *out, const struct lines *l, int first,
			 int last, size_t skip)
{
	size_t s, e;

	if (first > last)
		return;
	s = l->start[first - 1] + skip;
	e = l->start[last];
	nb_buf_put(out, l->text + s, e - s);
}

static char *finish_text(struct nb_buf *b)
{
	size_t lead = 0, i;

	/* drop leading blank lines, keep the indentation of the first line */
	for (i = 0; i < b->len && (b->ptr[i] == '\n' || b->ptr[i] == ' ' || b->ptr[i] == '\t'); i++)
		if (b->ptr[i] == '\n')
			lead = i + 1;
	if (lead) {
		memmove(b->ptr, b->ptr + lead, b->len - lead + 1);
		b->len -= lead;
	}
	while (b->len && (b->ptr[b->len - 1] == '\n' || b->ptr[b->len - 1] == ' '))
		nb_buf_truncate(b, b->len - 1);
	if (b->len)
		nb_buf_putc(b, '\n');
	return nb_buf_detach(b);
}

static void build_thread(struct parser *ps, struct block *blocks, size_t count,
			 const struct lines *l)
{
	struct nb_notice *n = ps->n;
	struct nb_buf text = NB_BUF_INIT;
	struct nb_update *u = NULL;
	int64_t floor = INT64_MIN;
	size_t i, updates = 0;

	for (i = 0; i < count; i++)
		updates += blocks[i].role == ROLE_UPDATE;
	n->updates = nb_calloc(updates, sizeof(*n->updates));
	for (i = 0; i < count; i++) {
		struct block *b = &blocks[i];
		int last = i + 1 < count ? blocks[i + 1].first - 1 : l->count;

		if (b->role == ROLE_DAY) {
			floor = nb_tz_days_from_civil(b->stamp.year, b->stamp.month, b->stamp.day);
			continue;
		}
		if (b->role == ROLE_UPDATE) {
			if (u)
				u->markdown = finish_text(&text);
			else
				n->body = finish_text(&text);
			u = &n->updates[n->update_count++];
			u->line = n->body_line + b->first - 1;
			u->stamp_text = b->stamp_text;
			b->stamp_text = NULL;
			u->stamp = b->stamp;
			u->day_floor = floor;
			u->source = NB_TIME_UNSET;
			if (b->whole_first)
				append_lines(&text, l, b->first + 1, last, 0);
			else
				append_lines(&text, l, b->first, last, b->lead);
			continue;
		}
		append_lines(&text, l, b->first, last, 0);
	}
	if (u)
		u->markdown = finish_text(&text);
	else
		n->body = finish_text(&text);
	nb_buf_release(&text);
}

static void parse_body(struct parser *ps, const char *body, size_t len)
{
	cmark_node *doc = cmark_parse_document(body, len, CMARK_OPT_DEFAULT), *node;
	struct block *blocks = NULL;
	size_t count = 0, alloc = 0, i;
	struct lines l;

	lines_index(&l, body, len);
	for (node = cmark_node_first_child(doc); node; node = cmark_node_next(node)) {
		struct block *b;

		nb_grow_array(&blocks, &alloc, count + 1, sizeof(*blocks));
		b = &blocks[count++];
		memset(b, 0, sizeof(*b));
		b->first = cmark_node_get_start_line(node);
		b->last = cmark_node_get_end_line(node);
		if (b->first < 1)
			b->first = 1;
		/* cmark also ends lines at a lone CR, which the index does not */
		if (b->first > l.count)
			b->first = l.count;
		if (b->last > l.count)
			b->last = l.count;
		if (b->last < b->first)
			b->last = b->first;
		if (l.count)
			classify(ps, b, node, &l);
	}
	/* the first block owns any blank lines before it */
	if (count)
		blocks[0].first = blocks[0].role == ROLE_TEXT ? 1 : blocks[0].first;
	build_thread(ps, blocks, count, &l);
	for (i = 0; i < count; i++)
		free(blocks[i].stamp_text);
	free(blocks);
	free(l.start);
	cmark_node_free(doc);
}

/* The scaffold's placeholder, left in the body by mistake. */
static void check_placeholder(struct parser *ps, const char *body, size_t len)
{
	static const char *const placeholders[] = {
		NB_PLACEHOLDER_INCIDENT, NB_PLACEHOLDER_MAINTENANCE,
	};
	size_t i;

	for (i = 0; i < NB_ARRAY_LEN(placeholders); i++) {
		const char *at = memmem(body, len, placeholders[i], strlen(placeholders[i]));

		if (at)
			problem(ps, ps->n->body_line + nb_line_of(body, (size_t)(at - body)) - 1,
				"write the notice's own text in its place",
				"the placeholder '%s' from nocblog new is still here", placeholders[i]);
	}
}

/* ---- dating from the text ---- */

/*
 * In a file with date:, every stamp with a time is dated after the update
 * before it.  In a file without, a stamp with a date is read here (the
 * commit that adds it may still choose between two readings of its time),
 * a time-only stamp under a day line takes that day, and other time-only
 * stamps wait for the commit that adds them.
 */
static void date_from_text(struct parser *ps)
{
	struct nb_notice *n = ps->n;
	struct nb_stamp_mark prev = ps->date_mark, mark;
	int inclusive = 1;
	size_t i;

	for (i = 0; i < n->update_count; i++) {
		struct nb_update *u = &n->updates[i];

		if (!u->stamp_text[0] || !nb_stamp_has_time(&u->stamp))
			continue;
		if (n->has_date) {
			if (nb_stamp_infer_after(&mark, &u->stamp, &prev, inclusive,
						 u->day_floor, ps->zone) < 0) {
				problem(ps, u->line, "add the date to the stamp",
					"no date fits stamp '%s' after the previous update",
					u->stamp_text);
				continue;
			}
			u->time = mark.t;
			u->source = nb_stamp_has_date(&u->stamp) ? NB_TIME_STATED
								 : NB_TIME_DAY_FROM_TEXT;
			if (u->time < n->published)
				problem(ps, u->line,
					"correct the stamp, or the notice's date: in the front matter",
					"update '%s' is dated before the notice was published",
					u->stamp_text);
			prev = mark;
			inclusive = 0;
		} else if (nb_stamp_has_date(&u->stamp)) {
			u->time = nb_stamp_instant(&u->stamp, ps->zone);
			u->source = NB_TIME_STATED;
		} else if (u->day_floor != INT64_MIN) {
			int y, m, d;

			nb_tz_civil_from_days(u->day_floor, &y, &m, &d);
			u->time = nb_stamp_instant_on(&u->stamp, y, m, d, ps->zone);
			u->source = NB_TIME_DAY_FROM_TEXT;
		}
	}
}

/* ---- the whole file ---- */

static int check_bytes(struct parser *ps, const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);
	size_t bad;

	if (len > NB_NOTICE_MAX_BYTES) {
		struct nb_buf msg = NB_BUF_INIT;

		nb_buf_printf(&msg, "the file is %zu bytes; notices are limited to %u",
			      len, NB_NOTICE_MAX_BYTES);
		problem(ps, 0, "split it into several notices", "%s", msg.ptr);
		nb_buf_release(&msg);
		return -1;
	}
	if (nul) {
		problem(ps, nb_line_of(text, (size_t)(nul - text)),
			"remove the NUL byte; notices are UTF-8 text", "NUL byte in the file%s", "");
		return -1;
	}
	bad = nb_utf8_check(text, len);
	if (bad < len) {
		problem(ps, nb_line_of(text, bad), "save the file as UTF-8",
			"invalid UTF-8%s", "");
		return -1;
	}
	bad = nb_control_find(text, len);
	if (bad < len) {
		char code[8];

		snprintf(code, sizeof(code), "%04X", (unsigned char)text[bad]);
		problem(ps, nb_line_of(text, bad), "remove it; feeds (XML) cannot carry it",
			"control character U+%s in the file", code);
		return -1;
	}
	bad = nb_conflict_find(text, len);
	if (bad < len) {
		problem(ps, nb_line_of(text, bad),
			"resolve the conflict: keep the text you want and remove the "
			"<<<<<<<, ======= and >>>>>>> lines",
			"a merge conflict marker: git left both versions here%s", "");
		return -1;
	}
	return 0;
}

int nb_notice_parse(struct nb_notice *n, const char *path, const char *text,
		    size_t len, const char *site_zone, struct nb_diags *diags)
{
	return nb_notice_parse_memo(n, path, text, len, site_zone, diags, NULL);
}

int nb_notice_parse_memo(struct nb_notice *n, const char *path, const char *text, size_t len,
			 const char *site_zone, struct nb_diags *diags, struct nb_yml_memo *memo)
{
	struct parser ps = { n, site_zone, diags, 0, 2, NULL, NULL };
	struct nb_buf norm = NB_BUF_INIT, why = NB_BUF_INIT;
	struct nb_yml *owned = NULL;
	const struct nb_yml *root = NULL;
	size_t body, fm_start = 0, fm_len = 0, i;
	int line;

	memset(n, 0, sizeof(*n));
	n->path = nb_strdup(path);
	n->slug = nb_notice_slug(path);
	n->text_hash = nb_hash(text, len);
	if (check_bytes(&ps, text, len) < 0)
		goto cleanup;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3, len -= 3;
	/* CRLF to LF, keeping lines */
	if (memchr(text, '\r', len)) {
		for (i = 0; i < len; i++)
			if (!(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n'))
				nb_buf_putc(&norm, text[i]);
		text = nb_buf_cstr(&norm);
		len = norm.len;
	}
	if (!*n->slug)
		problem(&ps, 0, "name the file after its title, e.g. scrooge-storage-failure.md",
			"the file name gives no slug%s", "");
	body = split_front_matter(&ps, text, len, &fm_start, &fm_len);
	if (!body)
		goto cleanup;
	if (memo ? nb_yml_parse_memo(memo, &root, text + fm_start, fm_len, ps.fm_line, &why, &line) < 0 :
		   nb_yml_parse(&owned, text + fm_start, fm_len, ps.fm_line, &why, &line) < 0) {
		problem(&ps, line, "fix the front matter's YAML", "%s", why.ptr);
		goto cleanup;
	}
	if (!memo)
		root = owned;
	if (!root || root->kind != NB_YML_MAP) {
		problem(&ps, ps.fm_line, "write 'key: value' lines between the two '---'",
			"the front matter is not a mapping%s", "");
		goto cleanup;
	}
	load_front_matter(&ps, root);
	parse_body(&ps, text + body, len - body);
	check_placeholder(&ps, text + body, len - body);
	date_from_text(&ps);

cleanup:
	nb_yml_free(owned);
	nb_buf_release(&norm);
	nb_buf_release(&why);
	return ps.errors ? -1 : 0;
}

void nb_notice_release(struct nb_notice *n)
{
	size_t i;

	for (i = 0; i < n->server_count; i++)
		free(n->servers[i]);
	free(n->servers);
	for (i = 0; i < n->update_count; i++) {
		free(n->updates[i].stamp_text);
		free(n->updates[i].markdown);
		free(n->updates[i].author);
		free(n->updates[i].edited_by);
	}
	for (i = 0; i < n->old_path_count; i++)
		free(n->old_paths[i]);
	free(n->old_paths);
	for (i = 0; i < n->status_change_count; i++)
		free(n->status_changes[i].author);
	free(n->status_changes);
	for (i = 0; i < n->commit_count; i++)
		free(n->commits[i].author);
	free(n->commits);
	for (i = 0; i < n->window_changes; i++)
		if (n->window_moves)
			free(n->window_moves[i].author);
	free(n->window_moves);
	free(n->first_path);
	free(n->author);
	free(n->stated_author);
	free(n->edited_by);
	free(n->updates);
	free(n->path);
	free(n->slug);
	free(n->title);
	free(n->body);
	memset(n, 0, sizeof(*n));
}
