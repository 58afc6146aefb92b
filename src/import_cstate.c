/* import from cState: config.yml's systems and categories, and
 * the Markdown files in content/issues (doc/import.md says what becomes what). */
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "tz.h"
#include "util.h"
#include "yml.h"

#define GENERAL "general"

struct cstate {
	struct nb_import *imp;
	const char *zone;          /* for times without one */
	char **system_names;       /* config.yml's systems, and their ids */
	const char **system_ids;
	size_t system_count;
};

/* Reports what was done with file:line. */
#define note(cs, path, line, hint, ...) \
	nb_diags_add(&(cs)->imp->notes, path, line, hint, __VA_ARGS__)

static const char *text_of(const struct nb_yml *v)
{
	return v && v->kind == NB_YML_SCALAR ? v->scalar : NULL;
}

static int is_true(const struct nb_yml *v)
{
	const char *s = text_of(v);

	return s && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "yes") == 0);
}

static const char *name_of(const struct nb_yml *item)
{
	return item->kind == NB_YML_MAP ? text_of(nb_yml_get(item, "name")) : text_of(item);
}

static const char NO_CATEGORY[] = "";

/* The group server of category cat (declared on first use), NULL for an
 * untitled one, NO_CATEGORY when categories has no such. */
static const char *category_group(struct cstate *cs, const struct nb_yml *cats,
				  const struct nb_yml *systems, const char *cat)
{
	const struct nb_yml *c = NULL;
	struct nb_buf id = NB_BUF_INIT;
	const char *group;
	char *plain;
	size_t i;

	for (i = 0; cats && cats->kind == NB_YML_SEQ && i < cats->count && !c; i++)
		if (name_of(cats->items[i]) && strcmp(name_of(cats->items[i]), cat) == 0)
			c = cats->items[i];
	if (!c)
		return NO_CATEGORY;
	if (c->kind == NB_YML_MAP && is_true(nb_yml_get(c, "untitled")))
		return NULL;
	/* a category named as a system: its group gets an id of its own */
	plain = nb_import_server_id(cat);
	nb_buf_puts(&id, plain);
	for (i = 0; i < systems->count; i++) {
		char *other = name_of(systems->items[i]) ? nb_import_server_id(name_of(systems->items[i]))
							 : NULL;
		int same = other && strcmp(other, plain) == 0;

		free(other);
		if (same) {
			nb_buf_puts(&id, "-group");
			break;
		}
	}
	group = nb_import_add_server(cs->imp, id.ptr, cat,
				     c->kind == NB_YML_MAP ? text_of(nb_yml_get(c, "description")) : NULL,
				     NULL);
	free(plain);
	nb_buf_release(&id);
	return group;
}

static int read_config(struct cstate *cs, const char *dir, struct nb_diags *diags)
{
	static const char *const names[] = { "config.yml", "config.yaml", "hugo.yml", "hugo.yaml" };
	struct nb_buf path = NB_BUF_INIT, text = NB_BUF_INIT, why = NB_BUF_INIT;
	struct nb_yml *root = NULL;
	const struct nb_yml *params, *cats, *systems, *v;
	size_t i;
	int line = 0, rc = -1;
	const char *file = NULL;

	for (i = 0; i < sizeof(names) / sizeof(*names) && !file; i++) {
		nb_buf_truncate(&path, 0);
		nb_buf_printf(&path, "%s/%s", dir, names[i]);
		if (nb_buf_read_file(&text, path.ptr, 4u << 20) == 0)
			file = names[i];
	}
	if (!file) {
		struct stat st;

		nb_buf_truncate(&path, 0);
		nb_buf_printf(&path, "%s/config.toml", dir);
		if (stat(path.ptr, &st) == 0)
			nb_diags_add(diags, path.ptr, 0,
				     "write it as config.yml: in the site, hugo config --format yaml > config.yml",
				     "only a YAML config.yml is read");
		else
			nb_diags_add(diags, dir, 0,
				     "give the folder of a cState site (config.yml, content/issues/)",
				     "no config.yml");
		goto cleanup;
	}
	if (nb_yml_parse(&root, nb_buf_cstr(&text), text.len, 1, &why, &line) < 0 ||
	    (root && root->kind != NB_YML_MAP)) {
		nb_diags_add(diags, path.ptr, line, NULL, "%s",
			     why.len ? nb_buf_cstr(&why) : "not a YAML mapping");
		goto cleanup;
	}
	rc = 0;
	if (!root)
		goto cleanup;
	if (text_of(nb_yml_get(root, "title")))
		cs->imp->author = nb_strdup(text_of(nb_yml_get(root, "title")));
	v = nb_yml_get(root, "baseURL");
	if (!v)
		v = nb_yml_get(root, "baseurl");
	if (text_of(v))
		nb_import_set_email(cs->imp, text_of(v));
	v = nb_yml_get(root, "timeZone");
	if (!v)
		v = nb_yml_get(root, "timezone");
	if (text_of(v) && nb_tz_exists(text_of(v)))
		cs->zone = nb_strdup(text_of(v));
	else if (text_of(v))
		note(cs, path.ptr, v->line, "times without a zone are read as UTC",
		     "unknown time zone '%s'", text_of(v));
	params = nb_yml_get(root, "params");
	cats = params ? nb_yml_get(params, "categories") : NULL;
	systems = params ? nb_yml_get(params, "systems") : NULL;
	if (!systems || systems->kind != NB_YML_SEQ) {
		note(cs, path.ptr, params ? params->line : 0,
		     "servers are made from the issues' affected: lists", "no params.systems list");
		goto cleanup;
	}
	for (i = 0; i < systems->count; i++) {
		const struct nb_yml *s = systems->items[i];
		const char *name = name_of(s);
		const char *desc = s->kind == NB_YML_MAP ? text_of(nb_yml_get(s, "description")) : NULL;
		const char *cat = s->kind == NB_YML_MAP ? text_of(nb_yml_get(s, "category")) : NULL;
		const char *group, *id;

		if (!name || !*name) {
			note(cs, path.ptr, s->line, "give it a name:", "a system with no name: left out");
			continue;
		}
		group = cat ? category_group(cs, cats, systems, cat) : NULL;
		if (cat && group == NO_CATEGORY) {
			note(cs, path.ptr, s->line, "the system is on its own",
			     "category '%s' is not in params.categories", cat);
			group = NULL;
		}
		id = nb_import_add_server(cs->imp, NULL, name, desc, group);
		cs->system_names = nb_realloc(cs->system_names,
					      (cs->system_count + 1) * sizeof(*cs->system_names));
		cs->system_ids = nb_realloc(cs->system_ids,
					    (cs->system_count + 1) * sizeof(*cs->system_ids));
		cs->system_names[cs->system_count] = nb_strdup(name);
		cs->system_ids[cs->system_count++] = id;
	}
cleanup:
	nb_yml_free(root);
	nb_buf_release(&path);
	nb_buf_release(&text);
	nb_buf_release(&why);
	return rc;
}

/* ---- an issue's body ---- */

struct message {
	int line;
	char *label;           /* the *Label* of a labelled paragraph, or NULL */
	struct nb_buf text;
	int has_time;
	struct nb_import_time when;
};

/* A paragraph that opens with *Label* - (or **Label**, _Label_, and –,
 * —, :): the label's length and where the text after the dash starts. */
static size_t label_at(const char *s, size_t n, size_t *label_start, size_t *rest)
{
	size_t i = 0, mark, start, end;
	char m;

	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || (s[i] != '*' && s[i] != '_'))
		return 0;
	m = s[i];
	for (mark = 0; i < n && s[i] == m && mark < 2; i++)
		mark++;
	start = i;
	while (i < n && s[i] != m && s[i] != '\n')
		i++;
	end = i;
	if (end == start || i + mark > n || strncmp(s + i, mark == 2 ? (m == '*' ? "**" : "__") : (m == '*' ? "*" : "_"), mark) != 0)
		return 0;
	i += mark;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && (s[i] == '-' || s[i] == ':'))
		i++;
	else if (i + 3 <= n && (memcmp(s + i, "\xe2\x80\x93", 3) == 0 || memcmp(s + i, "\xe2\x80\x94", 3) == 0))
		i += 3;
	else
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	*label_start = start;
	*rest = i;
	return end - start;
}

static int rule_line(const char *s, size_t n)
{
	size_t i, marks = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '-' || s[i] == '*' || s[i] == '_')
			marks++;
		else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	}
	return marks >= 3;
}

/* Without its trailing blank lines and rules (cState issues often part
 * their messages with ---). */
static void trim_end(struct nb_buf *text)
{
	for (;;) {
		size_t end = text->len, start;

		while (end && (text->ptr[end - 1] == ' ' || text->ptr[end - 1] == '\n' ||
			       text->ptr[end - 1] == '\t' || text->ptr[end - 1] == '\r'))
			end--;
		nb_buf_truncate(text, end);
		start = end;
		while (start && text->ptr[start - 1] != '\n')
			start--;
		if (!end || !rule_line(text->ptr + start, end - start))
			return;
		nb_buf_truncate(text, start);
	}
}

/* Takes {{< track "..." >}} out of text; its argument in *stamp (or NULL).
 * Other shortcodes are reported. */
static void take_track(struct nb_buf *text, char **stamp, struct cstate *cs, const char *path,
		       int line)
{
	size_t at = 0;

	*stamp = NULL;
	while (at < text->len) {
		char *open = strstr(text->ptr + at, "{{");
		char close[4] = "";
		size_t i, end, a, b;

		if (!open)
			break;
		i = (size_t)(open - text->ptr);
		if (text->ptr[i + 2] != '<' && text->ptr[i + 2] != '%') {
			at = i + 2;
			continue;
		}
		close[0] = text->ptr[i + 2] == '<' ? '>' : '%';
		close[1] = close[2] = '}';
		end = i + 3;
		while (end < text->len && strncmp(text->ptr + end, close, 3) != 0)
			end++;
		if (end >= text->len)
			break;
		a = i + 3;
		while (text->ptr[a] == ' ')
			a++;
		if (strncmp(text->ptr + a, "track", 5) != 0 || *stamp) {
			note(cs, path, line, "it stays in the text as written",
			     "shortcode '%.*s' has no nocblog form", (int)(end + 3 - i), open);
			at = end + 3;
			continue;
		}
		a += 5;
		while (text->ptr[a] == ' ')
			a++;
		if (text->ptr[a] == '"') {
			b = ++a;
			while (b < end && text->ptr[b] != '"')
				b++;
			*stamp = nb_strndup(text->ptr + a, b - a);
		}
		end += 3;
		while (i > 0 && (text->ptr[i - 1] == ' ' || text->ptr[i - 1] == '\t'))
			i--;
		memmove(text->ptr + i, text->ptr + end, text->len - end + 1);
		text->len -= end - i;
		at = i;
	}
	trim_end(text);
}

static const char *status_of_label(const char *label)
{
	static const char *const statuses[] = { "investigating", "identified", "monitoring",
						 "resolved" };
	size_t i;

	for (i = 0; i < 4; i++)
		if (nb_ascii_casecmp(label, statuses[i]) == 0)
			return statuses[i];
	return NULL;
}

/* Splits the body (which starts at line first) into the intro
 * (messages[0], label NULL) and the labelled messages in file order. */
static size_t split_body(struct message **out, const char *body, int first)
{
	struct message *m = nb_calloc(1, sizeof(*m));
	size_t count = 1, alloc = 1;
	const char *p = body;
	int line = first, fence = 0, blank = 1;

	m[0].line = first;
	while (*p) {
		size_t n = strcspn(p, "\n"), ls, rest, sp = 0, len, label = 0;
		struct message *cur = &m[count - 1];

		len = n && p[n - 1] == '\r' ? n - 1 : n;
		while (sp < len && p[sp] == ' ')
			sp++;
		if (sp == len && !fence) {
			blank = 1;
		} else if (!fence && blank && (label = label_at(p, len, &ls, &rest)) > 0) {
			nb_grow_array(&m, &alloc, count + 1, sizeof(*m));
			cur = &m[count++];
			memset(cur, 0, sizeof(*cur));
			cur->line = line;
			cur->label = nb_strndup(p + ls, label);
			if (rest < len)
				nb_buf_put(&cur->text, p + rest, len - rest);
			blank = 0;
		} else {
			if (cur->text.len)
				nb_buf_puts(&cur->text, blank ? "\n\n" : "\n");
			nb_buf_put(&cur->text, p, len);
			if (len - sp >= 3 && (strncmp(p + sp, "```", 3) == 0 ||
					      strncmp(p + sp, "~~~", 3) == 0))
				fence = !fence;
			blank = 0;
		}
		p += n + (p[n] == '\n');
		line++;
	}
	*out = m;
	return count;
}

/* ---- one issue ---- */


/* An issue's front matter (a mapping) in *root and where its body starts
 * in *body_at; 0, or -1 reported. */
static int front_matter(struct cstate *cs, const char *rel, const struct nb_buf *text,
			struct nb_yml **root, size_t *body_at)
{
	struct nb_buf why = NB_BUF_INIT;
	size_t start, i;
	int line = 0, rc = -1;

	if (strncmp(nb_buf_cstr(text), "---\n", 4) != 0 && strncmp(text->ptr, "---\r\n", 5) != 0) {
		note(cs, rel, 1, "write its front matter in YAML between --- lines",
		     "no YAML front matter: not imported");
		return -1;
	}
	start = strcspn(text->ptr, "\n") + 1;
	for (i = start; i < text->len;) {
		size_t n = strcspn(text->ptr + i, "\n");

		if ((n == 3 || (n == 4 && text->ptr[i + 3] == '\r')) &&
		    strncmp(text->ptr + i, "---", 3) == 0)
			break;
		i += n + 1;
	}
	if (i >= text->len) {
		note(cs, rel, 1, "close it with a line of ---", "unclosed front matter: not imported");
		return -1;
	}
	*body_at = i + strcspn(text->ptr + i, "\n");
	*body_at += *body_at < text->len;
	if (nb_yml_parse(root, text->ptr + start, i - start, 2, &why, &line) < 0 || !*root ||
	    (*root)->kind != NB_YML_MAP)
		note(cs, rel, line ? line : 1, "not imported", "%s",
		     why.len ? nb_buf_cstr(&why) : "the front matter is not a mapping");
	else
		rc = 0;
	nb_buf_release(&why);
	return rc;
}

/* Reports the keys nocblog has no place for. */
static void report_keys(struct cstate *cs, const char *rel, const struct nb_yml *root)
{
	static const char *const known[] = { "title", "date", "resolved", "resolvedWhen",
					     "severity", "affected", "informational", "draft",
					     "section" };
	static const char *const ignored[] = { "pin", "automated", "id", "lastmod",
					       "description", "tags", "categories", "aliases",
					       "slug", "url", "weight", "summary", "expiryDate",
					       "publishDate" };
	size_t i, j;

	for (i = 0; i + 1 < root->count; i += 2) {
		const char *key = root->items[i]->scalar;
		int kind = 0;   /* 1 known, 2 cState's but no place here */

		for (j = 0; j < sizeof(known) / sizeof(*known); j++)
			kind = strcmp(key, known[j]) == 0 ? 1 : kind;
		for (j = 0; j < sizeof(ignored) / sizeof(*ignored) && !kind; j++)
			kind = strcmp(key, ignored[j]) == 0 ? 2 : kind;
		if (kind == 2)
			note(cs, rel, root->items[i]->line, NULL,
			     "%s: has no place in a nocblog notice: left out", key);
		else if (!kind)
			note(cs, rel, root->items[i]->line, NULL, "unknown key %s: left out", key);
	}
}

/* The notice's servers from affected: (a name no system has is declared,
 * and reported; none: the server for none). */
static void issue_servers(struct cstate *cs, struct nb_import_notice *n, const char *rel,
			  const struct nb_yml *affected)
{
	const struct nb_yml *v = affected;
	size_t i, j;

	for (i = 0; v && i < (v->kind == NB_YML_SEQ ? v->count : 1); i++) {
		const struct nb_yml *a = v->kind == NB_YML_SEQ ? v->items[i] : v;
		const char *name = text_of(a), *id = NULL;

		if (!name || !*name)
			continue;
		for (j = 0; j < cs->system_count && !id; j++)
			if (strcmp(cs->system_names[j], name) == 0)
				id = cs->system_ids[j];
		if (!id) {
			note(cs, rel, a->line, NULL,
			     "'%s' is not a system in config.yml: declared a server", name);
			id = nb_import_add_server(cs->imp, NULL, name, NULL, NULL);
		}
		nb_import_notice_server(n, id);
	}
	if (!n->server_count) {
		note(cs, rel, v ? v->line : 1, NULL,
		     "names no system: filed under the server '" GENERAL "'");
		nb_import_notice_server(n, nb_import_add_server(cs->imp, GENERAL, "General", NULL, NULL));
	}
}

/* The body's messages (messages[0]: the text before the first label),
 * each with its track stamp's time and the label it keeps in its text. */
static size_t messages_of(struct message **out, struct cstate *cs, const char *rel,
			  const struct nb_buf *text, size_t body_at)
{
	struct nb_buf kept = NB_BUF_INIT;
	struct message *msgs;
	size_t count = split_body(&msgs, text->ptr + body_at, nb_line_of(text->ptr, body_at)), j;

	for (j = 0; j < count; j++) {
		struct message *m = &msgs[j];
		char *stamp = NULL;

		take_track(&m->text, &stamp, cs, rel, m->line);
		if (stamp) {
			m->has_time = nb_import_parse_time(&m->when, stamp, cs->zone) == 0;
			if (!m->has_time)
				note(cs, rel, m->line, "dated with the message before it",
				     "track stamp '%s' cannot be read", stamp);
		} else if (m->label) {
			note(cs, rel, m->line, "dated with the message before it", "no track stamp");
		}
		free(stamp);
		if (m->label && !status_of_label(m->label)) {
			/* not a status: the label stays in the text */
			nb_buf_truncate(&kept, 0);
			nb_buf_printf(&kept, "*%s* - %s", m->label, nb_buf_cstr(&m->text));
			nb_buf_truncate(&m->text, 0);
			nb_buf_put(&m->text, kept.ptr, kept.len);
		}
	}
	nb_buf_release(&kept);
	*out = msgs;
	return count;
}

/* The labelled messages' indexes oldest first (count - 1 of them): cState
 * writes the newest first, but a file whose stamps only ever go up was
 * written oldest first. */
static size_t *oldest_first(const struct message *msgs, size_t count)
{
	size_t *order = nb_calloc(count, sizeof(*order)), j;
	int up = 0, down = 0, dated = 0;
	int64_t prev = 0;

	for (j = 1; j < count; j++)
		if (msgs[j].has_time) {
			up |= dated && msgs[j].when.at > prev;
			down |= dated && msgs[j].when.at < prev;
			prev = msgs[j].when.at;
			dated = 1;
		}
	for (j = 1; j < count; j++)
		order[j - 1] = up && !down ? j : count - j;
	return order;
}

/* The notice's opening and events from its messages. */
static void issue_thread(struct cstate *cs, struct nb_import_notice *n, const char *rel,
			 const struct nb_yml *root, struct nb_import_time date,
			 struct message *msgs, size_t count, int informational)
{
	const char *status = "investigating";
	struct nb_import_time last;
	size_t *order, j, first;

	/* the publication: date:, or the earliest track stamp if one is before it */
	n->opened = date;
	for (j = 0; j < count; j++)
		if (msgs[j].has_time && msgs[j].when.at < n->opened.at)
			n->opened = msgs[j].when;
	if (n->opened.at < date.at)
		note(cs, rel, nb_yml_get(root, "date")->line, "published at the earliest track stamp",
		     "a track stamp is before date:");
	order = oldest_first(msgs, count);
	/* undated ones at the time of the message before them */
	last = msgs[0].has_time ? msgs[0].when : n->opened;
	for (j = 0; j + 1 < count; j++) {
		struct message *m = &msgs[order[j]];

		if (!m->has_time)
			m->when = last;
		last = m->when;
	}
	first = count > 1 ? order[0] : count;
	if (first < count && msgs[first].when.at > date.at + 86400)
		note(cs, rel, msgs[first].line, NULL,
		     "the first update is %lld days after date: (typed dates?): imported as written",
		     (long long)((msgs[first].when.at - date.at) / 86400));
	/* no text before the labels: the oldest message opens it, if at date: */
	if (msgs[0].text.len == 0 && first < count && msgs[first].when.at == n->opened.at) {
		n->body = nb_strdup(nb_buf_cstr(&msgs[first].text));
		if (msgs[first].label && status_of_label(msgs[first].label))
			status = status_of_label(msgs[first].label);
		msgs[first].line = -1;   /* taken */
	} else {
		n->body = nb_strdup(nb_buf_cstr(&msgs[0].text));
	}
	n->status = nb_strdup(informational ? "resolved" : status);
	for (j = 0; j + 1 < count; j++) {
		const struct message *m = &msgs[order[j]];

		if (m->line >= 0)
			nb_import_add_event(n, m->when,
					    m->label && !informational ? status_of_label(m->label) : NULL,
					    nb_buf_cstr(&m->text));
	}
	nb_import_sort_events(n);
	free(order);
}

/* An issue: name is its file's name, rel its path for reports, text its
 * bytes (NUL after them). */
static int read_issue(struct cstate *cs, const char *name, const char *rel,
		      const struct nb_buf *text)
{
	struct nb_buf path = NB_BUF_INIT;
	struct nb_yml *root = NULL;
	struct message *msgs = NULL;
	size_t count = 0, j, body_at;
	struct nb_import_notice *n;
	struct nb_import_time date, resolved_when;
	const struct nb_yml *v;
	const char *sev;
	int informational, has_resolved_when = 0, rc = -1;

	if (front_matter(cs, rel, text, &root, &body_at) < 0)
		goto cleanup;
	if (is_true(nb_yml_get(root, "draft"))) {
		note(cs, rel, nb_yml_get(root, "draft")->line, "cState does not show it either",
		     "a draft: not imported");
		rc = 0;
		goto cleanup;
	}
	v = nb_yml_get(root, "date");
	if (!text_of(v) || nb_import_parse_time(&date, text_of(v), cs->zone) < 0) {
		note(cs, rel, v ? v->line : 1, "give date: as 2018-05-25 04:13:00", "%s: not imported",
		     v ? "date: cannot be read" : "no date:");
		goto cleanup;
	}
	v = nb_yml_get(root, "resolvedWhen");
	if (text_of(v) && *text_of(v)) {
		has_resolved_when = nb_import_parse_time(&resolved_when, text_of(v), cs->zone) == 0;
		if (!has_resolved_when)
			note(cs, rel, v->line, "the issue is resolved at its last message",
			     "resolvedWhen: cannot be read");
	}
	report_keys(cs, rel, root);

	n = nb_import_add_notice(cs->imp);
	n->source = nb_strdup(rel);
	n->line = 1;
	v = nb_yml_get(root, "title");
	n->title = nb_strdup(text_of(v) && *text_of(v) ? text_of(v) : name);
	informational = is_true(nb_yml_get(root, "informational"));
	sev = informational ? NULL : text_of(nb_yml_get(root, "severity"));
	if (sev && strcmp(sev, "down") == 0)
		n->severity = "major";
	else if (sev && strcmp(sev, "disrupted") == 0)
		n->severity = "minor";
	else if (sev && *sev && strcmp(sev, "notice") != 0)
		note(cs, rel, nb_yml_get(root, "severity")->line, "the notice has no severity",
		     "severity is none of down, disrupted, notice");
	issue_servers(cs, n, rel, nb_yml_get(root, "affected"));
	count = messages_of(&msgs, cs, rel, text, body_at);
	issue_thread(cs, n, rel, root, date, msgs, count, informational);
	/* resolved with no message saying so: at resolvedWhen (or the last event) */
	if (is_true(nb_yml_get(root, "resolved")) && !informational &&
	    strcmp(nb_import_status(n), "resolved") != 0) {
		struct nb_import_time at = n->event_count ? n->events[n->event_count - 1].when : n->opened;

		nb_import_add_event(n, has_resolved_when && resolved_when.at >= at.at ? resolved_when : at,
				    "resolved", NULL);
	}
	nb_buf_printf(&path, "content/%04d/%s", nb_import_year(n->opened), name);
	n->path = nb_buf_detach(&path);
	rc = 0;
cleanup:
	for (j = 0; j < count; j++) {
		free(msgs[j].label);
		nb_buf_release(&msgs[j].text);
	}
	free(msgs);
	nb_yml_free(root);
	return rc;
}

static int read_issue_file(struct cstate *cs, const char *dir, const char *name)
{
	struct nb_buf path = NB_BUF_INIT, text = NB_BUF_INIT;
	const char *rel;
	int rc = -1;

	nb_buf_printf(&path, "%s/content/issues/%s", dir, name);
	rel = path.ptr + strlen(dir) + 1;
	if (nb_buf_read_file(&text, path.ptr, 1u << 20) < 0)
		nb_diags_add(&cs->imp->notes, rel, 0, "check it can be read, or under 1 MiB",
			     "cannot read it: not imported");
	else
		rc = read_issue(cs, name, rel, &text);
	nb_buf_release(&path);
	nb_buf_release(&text);
	return rc;
}

int nb_import_cstate_issue(struct nb_import *imp, const char *name, const char *text,
			   size_t len)
{
	struct cstate cs;
	struct nb_buf file = NB_BUF_INIT;
	int rc;

	memset(&cs, 0, sizeof(cs));
	cs.imp = imp;
	cs.zone = "UTC";
	imp->from = "cState";
	if (!imp->author)
		imp->author = nb_strdup("cState");
	nb_buf_put(&file, text, len);
	nb_buf_putc(&file, '\0');
	file.len--;
	rc = read_issue(&cs, name, name, &file);
	nb_buf_release(&file);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int nb_import_cstate(struct nb_import *imp, const char *dir, struct nb_diags *diags)
{
	struct cstate cs;
	struct nb_buf issues = NB_BUF_INIT;
	char **names = NULL;
	size_t count = 0, i;
	struct dirent *de;
	DIR *d;
	int rc = -1;

	memset(&cs, 0, sizeof(cs));
	cs.imp = imp;
	imp->from = "cState";
	if (read_config(&cs, dir, diags) < 0)
		goto cleanup;
	if (!cs.zone)
		cs.zone = nb_strdup("UTC");
	if (!imp->author)
		imp->author = nb_strdup("cState");
	nb_buf_printf(&issues, "%s/content/issues", dir);
	d = opendir(issues.ptr);
	if (!d) {
		nb_diags_add(diags, issues.ptr, 0, "give the folder of a cState site",
			     "cannot read it: %s", strerror(errno));
		goto cleanup;
	}
	while ((de = readdir(d))) {
		if (!nb_ends_with(de->d_name, ".md") || de->d_name[0] == '_' || de->d_name[0] == '.')
			continue;
		names = nb_realloc(names, (count + 1) * sizeof(*names));
		names[count++] = nb_strdup(de->d_name);
	}
	closedir(d);
	nb_sort(names, count, sizeof(*names), by_name);
	for (i = 0; i < count; i++)
		if (read_issue_file(&cs, dir, names[i]) < 0)
			imp->failed = 1;
	rc = 0;
cleanup:
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	for (i = 0; i < cs.system_count; i++)
		free(cs.system_names[i]);
	free(cs.system_names);
	free(cs.system_ids);
	free((char *)cs.zone);
	nb_buf_release(&issues);
	return rc;
}
