#include "import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "build.h"
#include "content.h"
#include "notice.h"
#include "repo.h"
#include "scaffold.h"
#include "site.h"
#include "tz.h"
#include "util.h"
#include "yml.h"

/* ---- the model ---- */

char *nb_import_server_id(const char *name)
{
	struct nb_buf id = NB_BUF_INIT;
	const char *p;

	for (p = name; *p; p++) {
		char c = *p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-')
			nb_buf_putc(&id, c);
		else if (id.len && id.ptr[id.len - 1] != '-')
			nb_buf_putc(&id, '-');
	}
	while (id.len && (id.ptr[id.len - 1] == '-' || id.ptr[id.len - 1] == '.'))
		nb_buf_truncate(&id, id.len - 1);
	while (id.len && (id.ptr[0] == '-' || id.ptr[0] == '.')) {
		memmove(id.ptr, id.ptr + 1, id.len);
		id.len--;
	}
	nb_buf_putc(&id, '\0');
	return nb_buf_detach(&id);
}

static struct nb_import_server *server_by_id(struct nb_import *imp, const char *id)
{
	size_t i;

	for (i = 0; i < imp->server_count; i++)
		if (strcmp(imp->servers[i].id, id) == 0)
			return &imp->servers[i];
	return NULL;
}

const char *nb_import_add_server(struct nb_import *imp, const char *given, const char *name,
				 const char *description, const char *group)
{
	char *id = given ? nb_strdup(given) : nb_import_server_id(name);
	struct nb_import_server *s;

	if (!*id) {
		/* a name of no ASCII letter or digit: an id by its place */
		free(id);
		id = nb_malloc(32);
		snprintf(id, 32, "server-%zu", imp->server_count + 1);
	}
	s = server_by_id(imp, id);

	if (s) {
		free(id);
		if (!s->description && description)
			s->description = nb_strdup(description);
		if (!s->group && group)
			s->group = nb_strdup(group);
		return s->id;
	}
	nb_grow_array(&imp->servers, &imp->server_alloc, imp->server_count + 1,
		      sizeof(*imp->servers));
	s = &imp->servers[imp->server_count++];
	s->id = id;
	s->name = nb_strdup(name);
	s->description = description ? nb_strdup(description) : NULL;
	s->group = group ? nb_strdup(group) : NULL;
	return s->id;
}

void nb_import_set_email(struct nb_import *imp, const char *url)
{
	const char *host = strstr(url, "://");
	size_t n;

	host = host ? host + 3 : url;
	n = strcspn(host, "/:?#@ ");
	if (!n || imp->email)
		return;
	imp->email = nb_malloc(n + 9);
	memcpy(imp->email, "noreply@", 8);
	memcpy(imp->email + 8, host, n);
	imp->email[n + 8] = '\0';
}

struct nb_import_notice *nb_import_add_notice(struct nb_import *imp)
{
	struct nb_import_notice *n;

	nb_grow_array(&imp->notices, &imp->alloc, imp->count + 1, sizeof(*imp->notices));
	n = &imp->notices[imp->count++];
	memset(n, 0, sizeof(*n));
	return n;
}

void nb_import_add_event(struct nb_import_notice *n, struct nb_import_time when,
			 const char *status, const char *text)
{
	struct nb_import_event *e;

	nb_grow_array(&n->events, &n->event_alloc, n->event_count + 1, sizeof(*n->events));
	e = &n->events[n->event_count++];
	e->when = when;
	e->status = status ? nb_strdup(status) : NULL;
	e->text = text ? nb_strdup(text) : NULL;
}

void nb_import_sort_events(struct nb_import_notice *n)
{
	size_t i, j;

	/* insertion: few events, and equal times keep their order */
	for (i = 1; i < n->event_count; i++) {
		struct nb_import_event e = n->events[i];

		for (j = i; j > 0 && n->events[j - 1].when.at > e.when.at; j--)
			n->events[j] = n->events[j - 1];
		n->events[j] = e;
	}
}

void nb_import_notice_server(struct nb_import_notice *n, const char *id)
{
	size_t i;

	for (i = 0; i < n->server_count; i++)
		if (strcmp(n->servers[i], id) == 0)
			return;
	n->servers = nb_realloc(n->servers, (n->server_count + 1) * sizeof(*n->servers));
	n->servers[n->server_count++] = nb_strdup(id);
}

/* n digits at s, as a number; -1 unless they are all digits. */
static int number(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int nb_import_parse_time(struct nb_import_time *out, const char *s, const char *zone)
{
	struct nb_tz_civil c = { 0, 0, 0, 0, 0, 0 };
	int offset = 0, zoned = 0;

	while (*s == ' ')
		s++;
	c.year = number(s, 4);
	if (c.year < 0 || s[4] != '-' || (c.month = number(s + 5, 2)) < 0 || s[7] != '-' ||
	    (c.day = number(s + 8, 2)) < 0)
		return -1;
	if (c.year < 1970 || c.year > NB_YEAR_MAX || c.month < 1 || c.month > 12 || c.day < 1 ||
	    c.day > nb_tz_days_in_month(c.year, c.month))
		return -1;
	s += 10;
	if (*s == 'T' || (*s == ' ' && s[1] >= '0' && s[1] <= '9')) {
		s++;
		c.hour = number(s, 2);
		c.minute = c.hour >= 0 && s[2] == ':' ? number(s + 3, 2) : -1;
		if (c.hour < 0 || c.hour > 23 || c.minute < 0 || c.minute > 59)
			return -1;
		s += 5;
		if (*s == ':') {
			c.second = number(s + 1, 2);
			if (c.second < 0 || c.second > 60)
				return -1;
			s += 3;
			if (*s == '.' || *s == ',')
				for (s++; *s >= '0' && *s <= '9'; s++)
					;
		}
		while (*s == ' ')
			s++;
		if (*s == 'Z') {
			zoned = 1;
			s++;
		} else if (*s == '+' || *s == '-') {
			int h = number(s + 1, 2), m;

			if (h < 0 || h > 14)
				return -1;
			m = s[3] == ':' ? number(s + 4, 2) : number(s + 3, 2);
			if (m < 0 || m > 59)
				return -1;
			offset = (h * 3600 + m * 60) * (*s == '-' ? -1 : 1);
			zoned = 1;
			s += s[3] == ':' ? 6 : 5;
		} else if (strncmp(s, "UTC", 3) == 0) {
			zoned = 1;
			s += 3;
		}
	}
	while (*s == ' ')
		s++;
	if (*s)
		return -1;
	if (zoned) {
		out->at = nb_tz_civil_to_seconds(&c) - offset;
		out->offset = offset;
	} else {
		out->at = nb_tz_to_utc(zone, &c, -1);
		out->offset = nb_tz_offset(zone, out->at, NULL);
	}
	return 0;
}

int nb_import_year(struct nb_import_time t)
{
	struct nb_tz_civil c;

	nb_tz_civil_from_seconds(t.at + t.offset, &c);
	return c.year;
}

static void free_notice(struct nb_import_notice *n)
{
	size_t i;

	for (i = 0; i < n->event_count; i++) {
		free(n->events[i].status);
		free(n->events[i].text);
	}
	for (i = 0; i < n->server_count; i++)
		free(n->servers[i]);
	free(n->events);
	free(n->servers);
	free(n->source);
	free(n->ref);
	free(n->path);
	free(n->title);
	free(n->status);
	free(n->body);
}

void nb_import_release(struct nb_import *imp)
{
	size_t i;

	for (i = 0; i < imp->count; i++)
		free_notice(&imp->notices[i]);
	for (i = 0; i < imp->server_count; i++) {
		free(imp->servers[i].id);
		free(imp->servers[i].name);
		free(imp->servers[i].description);
		free(imp->servers[i].group);
	}
	free(imp->notices);
	free(imp->servers);
	free(imp->author);
	free(imp->email);
	nb_diags_clear(&imp->notes);
}

/* ---- a notice's text after k events ---- */

/* "2018-05-25 04:40 UTC", "2021-12-07 11:07:15 -07:00"; iso: the form of
 * date: and window: ("2021-12-07T11:07:15-07:00"). */
static void put_time(struct nb_buf *out, struct nb_import_time t, int iso)
{
	struct nb_tz_civil c;
	int off = t.offset < 0 ? -t.offset : t.offset;

	nb_tz_civil_from_seconds(t.at + t.offset, &c);
	nb_buf_printf(out, "%04d-%02d-%02d%c%02d:%02d", c.year, c.month, c.day, iso ? 'T' : ' ',
		      c.hour, c.minute);
	if (c.second)
		nb_buf_printf(out, ":%02d", c.second);
	if (!t.offset)
		nb_buf_puts(out, iso ? "Z" : " UTC");
	else
		nb_buf_printf(out, "%s%c%02d:%02d", iso ? "" : " ", t.offset < 0 ? '-' : '+',
			      off / 3600, off % 3600 / 60);
}

static int day_word(const char *s, size_t n)
{
	static const char *const days[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	size_t i;

	for (i = 0; i < 7; i++)
		if (n >= 3 && nb_ascii_ncasecmp(s, days[i], 3) == 0)
			return 1;
	return 0;
}

/*
 * A message's text, line ends made \n.  With escape, the first letter or
 * digit of each line outside code fences that opens with "Update", a
 * digit or a weekday is written as a character reference: such a line
 * could otherwise start an update of its own (doc/writing.md), and it
 * reads the same.  inline: the first line follows "Update STAMP:" and
 * needs none.
 */
static void put_message(struct nb_buf *out, const char *text, int escape, int inline_first)
{
	const char *p = text;
	size_t start = out->len;
	int fence = 0, first = 1;

	while (*p) {
		size_t n = strcspn(p, "\n"), lead = 0;
		const char *q;

		while (lead < n && (p[lead] == ' ' || p[lead] == '*' || p[lead] == '_' ||
				    p[lead] == '#' || p[lead] == '('  || p[lead] == '['))
			lead++;
		if (n >= 3 && (strncmp(p, "```", 3) == 0 || strncmp(p, "~~~", 3) == 0))
			fence = !fence;
		q = p + lead;
		if (escape && !fence && lead < n && !(first && inline_first) &&
		    ((n - lead >= 6 && nb_ascii_ncasecmp(q, "update", 6) == 0) ||
		     (*q >= '0' && *q <= '9') || day_word(q, n - lead))) {
			nb_buf_put(out, p, lead);
			nb_buf_printf(out, "&#%d;", (unsigned char)*q);
			nb_buf_put(out, q + 1, n - lead - 1);
		} else {
			nb_buf_put(out, p, n);
		}
		if (n && p[n - 1] == '\r')
			nb_buf_truncate(out, out->len - 1);
		p += n;
		first = 0;
		if (*p == '\n') {
			nb_buf_putc(out, '\n');
			p++;
		}
	}
	while (out->len > start && (out->ptr[out->len - 1] == '\n' || out->ptr[out->len - 1] == ' '))
		nb_buf_truncate(out, out->len - 1);
}

/* The status after the first k events. */
static const char *status_after(const struct nb_import_notice *n, size_t k)
{
	const char *status = n->status;
	size_t i;

	for (i = 0; i < k; i++)
		if (n->events[i].status)
			status = n->events[i].status;
	return status;
}

const char *nb_import_status(const struct nb_import_notice *n)
{
	return status_after(n, n->event_count);
}

void nb_import_render(struct nb_buf *out, const struct nb_import *imp,
		      const struct nb_import_notice *n, size_t k, int dated)
{
	size_t i;

	nb_buf_puts(out, "---\ntitle: ");
	nb_scaffold_quoted(out, n->title);
	nb_buf_puts(out, "\nservers: [");
	for (i = 0; i < n->server_count; i++)
		nb_buf_printf(out, "%s%s", i ? ", " : "", n->servers[i]);
	nb_buf_printf(out, "]\nkind: %s\nstatus: %s\n", n->maintenance ? "maintenance" : "incident",
		      status_after(n, k));
	if (n->severity)
		nb_buf_printf(out, "severity: %s\n", n->severity);
	if (n->has_window) {
		nb_buf_puts(out, "window: {start: ");
		put_time(out, n->window_start, 1);
		nb_buf_puts(out, ", end: ");
		put_time(out, n->window_end, 1);
		nb_buf_puts(out, "}\n");
	}
	if (dated) {
		nb_buf_puts(out, "date: ");
		put_time(out, n->opened, 1);
		nb_buf_putc(out, '\n');
	}
	nb_buf_puts(out, "author: ");
	nb_scaffold_quoted(out, imp->author);
	nb_buf_puts(out, "\n---\n");
	if (n->body && *n->body) {
		put_message(out, n->body, n->escape, 0);
		nb_buf_putc(out, '\n');
	}
	for (i = 0; i < k; i++) {
		const struct nb_import_event *e = &n->events[i];

		if (!e->text)
			continue;
		nb_buf_puts(out, "\nUpdate ");
		put_time(out, e->when, 0);
		nb_buf_puts(out, ":");
		if (*e->text)
			nb_buf_putc(out, ' ');
		put_message(out, e->text, n->escape, 1);
		nb_buf_putc(out, '\n');
	}
}

static size_t updates_in(const struct nb_import_notice *n, size_t k)
{
	size_t i, u = 0;

	for (i = 0; i < k; i++)
		u += n->events[i].text != NULL;
	return u;
}

/* ---- the repository ---- */

struct target {
	git_repository *repo;
	const char *workdir;
	git_commit *head;           /* NULL: an unborn branch */
	char *branch;               /* the branch HEAD names */
	struct nb_site site;
	struct nb_buf site_text;    /* site.yaml, with the servers added */
	int site_changed;           /* site_text is not HEAD's site.yaml */
	struct nb_diags site_problems; /* site.yaml's as it was (servers: empty,
	                                  say), unless the servers added mend them */
	struct nb_repo_file *files; /* the work tree's content/ */
	size_t file_count;
};

/* What happens to one notice. */
struct plan {
	size_t from;     /* the first state to commit: 0 (the file is new), or
	                    1 + the events the file already holds */
	int skip;        /* nothing to do */
};

static const struct nb_repo_file *file_at(const struct target *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->file_count; i++)
		if (strcmp(t->files[i].path, path) == 0)
			return &t->files[i];
	return NULL;
}

static int open_target(struct target *t, git_repository *repo, struct nb_diags *diags)
{
	git_reference *head = NULL;
	struct nb_buf path = NB_BUF_INIT;
	int rc = -1, e;

	t->repo = repo;
	t->workdir = git_repository_workdir(repo);
	if (!t->workdir)
		return nb_diags_add(diags, NULL, 0, "run it in a clone with a work tree",
				    "the repository is bare");
	if (git_reference_lookup(&head, repo, "HEAD") < 0 ||
	    git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		nb_diags_add(diags, NULL, 0, "check out a branch first", "HEAD names no branch");
		goto cleanup;
	}
	t->branch = nb_strdup(git_reference_symbolic_target(head));
	e = nb_repo_commit(&t->head, repo, "HEAD", diags);
	if (e < 0) {
		git_reference *branch = NULL;

		if (git_reference_lookup(&branch, repo, t->branch) == 0) {
			git_reference_free(branch);
			goto cleanup;
		}
		/* an unborn branch: the import's commits are its first */
		nb_diags_clear(diags);
		t->head = NULL;
	}
	nb_buf_printf(&path, "%s%s", t->workdir, NB_SITE_PATH);
	if (nb_buf_read_file(&t->site_text, path.ptr, NB_SITE_MAX_BYTES) < 0) {
		nb_diags_add(diags, NB_SITE_PATH, 0, "make the site with nocblog init first",
			     "cannot read site.yaml: %s", strerror(errno));
		goto cleanup;
	}
	if (nb_site_load(&t->site, nb_buf_cstr(&t->site_text), t->site_text.len, NB_SITE_PATH,
			 &t->site_problems) < 0) {
		nb_site_release(&t->site);
		memset(&t->site, 0, sizeof(t->site));
	}
	if (nb_repo_list_worktree(&t->files, &t->file_count, repo, NB_CONTENT_DIR,
				  NB_NOTICE_MAX_BYTES, diags) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	git_reference_free(head);
	nb_buf_release(&path);
	return rc;
}

static void close_target(struct target *t)
{
	git_commit_free(t->head);
	free(t->branch);
	nb_site_release(&t->site);
	nb_buf_release(&t->site_text);
	nb_diags_clear(&t->site_problems);
	nb_repo_files_free(t->files, t->file_count);
}

/* ---- servers into site.yaml ---- */

/* The site's id for an imported server: the same id, or a server of the
 * same name; NULL when it has none. */
static const char *site_id(const struct nb_site *site, const struct nb_import_server *s)
{
	size_t i;

	if (nb_site_server(site, s->id))
		return s->id;
	for (i = 0; i < site->server_count; i++)
		if (strcmp(site->servers[i].name, s->name) == 0)
			return site->servers[i].id;
	return NULL;
}

/* Renames an imported server's id everywhere it is used. */
static void rename_server(struct nb_import *imp, const char *from, const char *to)
{
	size_t i, j;

	for (i = 0; i < imp->server_count; i++)
		if (imp->servers[i].group && strcmp(imp->servers[i].group, from) == 0) {
			free(imp->servers[i].group);
			imp->servers[i].group = nb_strdup(to);
		}
	for (i = 0; i < imp->count; i++)
		for (j = 0; j < imp->notices[i].server_count; j++)
			if (strcmp(imp->notices[i].servers[j], from) == 0) {
				free(imp->notices[i].servers[j]);
				imp->notices[i].servers[j] = nb_strdup(to);
			}
}

/* Where new servers go in site.yaml's text: the offset of the line after
 * the servers: mapping's last entry (the end when there is no servers:,
 * *has_key 0), with their indentation in *indent; (size_t)-1 with a
 * problem when servers: is written on one line. */
static size_t servers_end(const char *text, size_t len, const struct nb_yml *root,
			  int *indent, int *has_key, struct nb_diags *diags)
{
	const struct nb_yml *v = root ? nb_yml_get(root, "servers") : NULL;
	int last_line = 0, line = 1;
	size_t i, at, end;

	*has_key = 0;
	*indent = 2;
	if (root)
		for (i = 0; i + 1 < root->count; i += 2)
			if (strcmp(root->items[i]->scalar, "servers") == 0) {
				*has_key = 1;
				last_line = root->items[i]->line;
			}
	if (!*has_key)
		return len;
	if (v && v->kind == NB_YML_MAP && v->count) {
		last_line = v->items[v->count - 2]->line;
	} else if (v && !(v->kind == NB_YML_SCALAR && !*v->scalar)) {
		nb_diags_add(diags, NB_SITE_PATH, last_line, "write servers: as a mapping, one line a server",
			     "cannot add servers to servers: written on one line");
		return (size_t)-1;
	}
	/* the offset of last_line, then past every line indented deeper */
	for (at = 0; at < len && line < last_line; at++)
		if (text[at] == '\n')
			line++;
	if (v && v->kind == NB_YML_MAP && v->count) {
		*indent = 0;
		while (at + (size_t)*indent < len && text[at + (size_t)*indent] == ' ')
			(*indent)++;
	}
	end = at + strcspn(text + at, "\n");
	end += end < len;
	for (at = end; at < len;) {
		size_t n = strcspn(text + at, "\n"), sp = 0;

		while (sp < n && text[at + sp] == ' ')
			sp++;
		if (sp == n || text[at + sp] == '#') {
			at += n + (at + n < len);
			continue;
		}
		if ((int)sp <= (v && v->kind == NB_YML_MAP && v->count ? *indent : 0))
			break;
		at += n + (at + n < len);
		end = at;
	}
	return end;
}

static void server_line(struct nb_buf *out, int indent, const struct nb_import_server *s)
{
	nb_buf_printf(out, "%*s%s: {name: ", indent, "", s->id);
	nb_scaffold_quoted(out, s->name);
	if (s->group)
		nb_buf_printf(out, ", group: %s", s->group);
	if (s->description) {
		nb_buf_puts(out, ", description: ");
		nb_scaffold_quoted(out, s->description);
	}
	nb_buf_puts(out, "}\n");
}

/* Maps the imported servers onto the site's and adds the others to
 * site.yaml's text; 0, or -1 with a problem. */
static int add_servers(struct target *t, struct nb_import *imp, size_t *added,
		       struct nb_diags *diags)
{
	struct nb_buf lines = NB_BUF_INIT, text = NB_BUF_INIT, why = NB_BUF_INIT;
	struct nb_yml *root = NULL;
	size_t i, at;
	int indent, has_key, line, rc = -1;

	*added = 0;
	for (i = 0; i < imp->server_count; i++) {
		const char *id = site_id(&t->site, &imp->servers[i]);

		if (id && strcmp(id, imp->servers[i].id) != 0) {
			char *from = nb_strdup(imp->servers[i].id);

			rename_server(imp, from, id);
			free(imp->servers[i].id);
			imp->servers[i].id = nb_strdup(id);
			free(from);
		}
	}
	for (i = 0; i < imp->server_count; i++)
		if (!nb_site_server(&t->site, imp->servers[i].id))
			(*added)++;
	if (!*added)
		goto done;
	if (nb_yml_parse(&root, nb_buf_cstr(&t->site_text), t->site_text.len, 1, &why, &line) < 0) {
		nb_diags_add(diags, NB_SITE_PATH, line, NULL, "%s", nb_buf_cstr(&why));
		goto cleanup;
	}
	at = servers_end(nb_buf_cstr(&t->site_text), t->site_text.len, root, &indent, &has_key,
			 diags);
	if (at == (size_t)-1)
		goto cleanup;
	/* groups first: a member names a group declared above or below alike */
	for (i = 0; i < imp->server_count; i++)
		if (!nb_site_server(&t->site, imp->servers[i].id))
			server_line(&lines, indent, &imp->servers[i]);
	nb_buf_put(&text, t->site_text.ptr, at);
	if (at && t->site_text.ptr[at - 1] != '\n')
		nb_buf_putc(&text, '\n');
	if (!has_key)
		nb_buf_puts(&text, "servers:\n");
	nb_buf_put(&text, lines.ptr, lines.len);
	nb_buf_put(&text, t->site_text.ptr + at, t->site_text.len - at);
	nb_buf_release(&t->site_text);
	t->site_text = text;
	memset(&text, 0, sizeof(text));
	nb_site_release(&t->site);
	memset(&t->site, 0, sizeof(t->site));
	nb_diags_clear(&t->site_problems);
	if (nb_site_load(&t->site, nb_buf_cstr(&t->site_text), t->site_text.len, NB_SITE_PATH,
			 &t->site_problems) < 0)
		nb_site_release(&t->site);
done:
	/* site.yaml must read well now, as it was or with the servers added */
	if (t->site_problems.count)
		nb_diags_move(diags, &t->site_problems);
	else
		rc = 0;
cleanup:
	nb_yml_free(root);
	nb_buf_release(&lines);
	nb_buf_release(&text);
	nb_buf_release(&why);
	return rc;
}

/* ---- what each notice needs ---- */

/* Parses the imported text as check would read it: every update there. */
static int reads_back(const struct target *t, const struct nb_import_notice *n,
		      const struct nb_buf *text, size_t updates, struct nb_diags *diags)
{
	struct nb_notice parsed;
	size_t before = diags->count;
	int ok;

	memset(&parsed, 0, sizeof(parsed));
	nb_notice_parse(&parsed, n->path, nb_buf_cstr(text), text->len, t->site.timezone, diags);
	ok = diags->count == before && parsed.update_count == updates;
	if (diags->count == before && !ok)
		nb_diags_add(diags, n->path, 0, "report this incident's text",
			     "imported with %zu updates, read back with %zu", updates,
			     parsed.update_count);
	nb_notice_release(&parsed);
	return ok;
}

static void plan_notice(struct target *t, struct nb_import *imp, size_t idx, int dated,
			struct plan *p, struct nb_import_result *res)
{
	struct nb_import_notice *n = &imp->notices[idx];
	const struct nb_repo_file *f = file_at(t, n->path);
	struct nb_diags quiet = NB_DIAGS_INIT;
	struct nb_buf text = NB_BUF_INIT;
	const char *taken;
	size_t k;

	memset(p, 0, sizeof(*p));
	/* the messages as written, unless a line of theirs would read as an
	 * update of its own: then such lines escaped */
	nb_import_render(&text, imp, n, n->event_count, dated);
	n->escape = !reads_back(t, n, &text, updates_in(n, n->event_count), &quiet);
	nb_diags_clear(&quiet);
	if (n->escape) {
		nb_buf_truncate(&text, 0);
		nb_import_render(&text, imp, n, n->event_count, dated);
	}
	if (n->escape && !reads_back(t, n, &text, updates_in(n, n->event_count), &imp->notes)) {
		nb_diags_add(&imp->notes, n->source, n->line, "the rest is imported",
			     "%s%s cannot be imported", n->ref ? "incident " : "",
			     n->ref ? n->ref : "this issue");
		imp->failed = 1;
		p->skip = 1;
		goto cleanup;
	}
	if (!f) {
		taken = nb_scaffold_slug_taken(t->files, t->file_count, n->path);
		if (taken) {
			nb_diags_add(&imp->notes, n->source, n->line,
				     "rename that notice, or remove it if it is this one",
				     "not imported: %s has the address %s would have", taken, n->path);
			imp->failed = 1;
			p->skip = 1;
		} else {
			res->added++;
		}
		goto cleanup;
	}
	if (f->data && f->len == text.len && memcmp(f->data, text.ptr, text.len) == 0) {
		res->unchanged++;
		p->skip = 1;
		goto cleanup;
	}
	for (k = n->event_count; k-- > 0;) {
		nb_buf_truncate(&text, 0);
		nb_import_render(&text, imp, n, k, dated);
		if (f->data && f->len == text.len && memcmp(f->data, text.ptr, text.len) == 0) {
			p->from = k + 1;
			res->extended++;
			goto cleanup;
		}
	}
	nb_diags_add(&imp->notes, n->path, 0, "move it away and import again to replace it",
		     "differs from what the import writes (changed since it was imported, or "
		     "not written by it): left as it is");
	res->left++;
	p->skip = 1;
cleanup:
	nb_buf_release(&text);
}

/* ---- commits ---- */

/* One commit to make: notice idx as it stands after k events. */
struct step {
	struct nb_import_time when;
	size_t notice;
	size_t k;
};

static int step_order(const void *a, const void *b)
{
	const struct step *x = a, *y = b;

	if (x->when.at != y->when.at)
		return (x->when.at > y->when.at) - (x->when.at < y->when.at);
	if (x->notice != y->notice)
		return (x->notice > y->notice) - (x->notice < y->notice);
	return (x->k > y->k) - (x->k < y->k);
}

static int git_problem(struct nb_diags *diags, const char *what)
{
	const git_error *e = git_error_last();

	return nb_diags_add(diags, NULL, 0, NULL, "%s: %s", what, e && e->message ? e->message : "failed");
}

/* Commits *tree_id's files with path's text put in (the new tree's id back
 * in *tree_id) on parent (NULL: none); the commit's id in *out. */
static int commit_file(git_oid *out, git_repository *repo, git_oid *tree_id,
		       const git_oid *parent, const char *path, const struct nb_buf *text,
		       const git_signature *author, const git_signature *committer,
		       const char *message, struct nb_diags *diags)
{
	git_tree_update up;
	git_tree *base = NULL, *tree = NULL;
	git_commit *parent_commit = NULL;
	int rc = -1;

	memset(&up, 0, sizeof(up));
	up.action = GIT_TREE_UPDATE_UPSERT;
	up.filemode = GIT_FILEMODE_BLOB;
	up.path = path;
	if (git_blob_create_from_buffer(&up.id, repo, text->ptr, text->len) < 0 ||
	    git_tree_lookup(&base, repo, tree_id) < 0 ||
	    git_tree_create_updated(tree_id, repo, base, 1, &up) < 0 ||
	    git_tree_lookup(&tree, repo, tree_id) < 0 ||
	    (parent && git_commit_lookup(&parent_commit, repo, parent) < 0) ||
	    git_commit_create(out, repo, NULL, author, committer, "UTF-8", message, tree,
			      parent ? 1 : 0, (const git_commit **)&parent_commit) < 0)
		git_problem(diags, "cannot make the import's commits");
	else
		rc = 0;
	git_tree_free(base);
	git_tree_free(tree);
	git_commit_free(parent_commit);
	return rc;
}

/* "opened", "update", "update, monitoring", "resolved" */
static void step_words(struct nb_buf *out, const struct nb_import_notice *n, size_t k)
{
	const struct nb_import_event *e;

	if (k == 0) {
		nb_buf_puts(out, "opened");
		return;
	}
	e = &n->events[k - 1];
	if (e->text)
		nb_buf_puts(out, "update");
	if (e->status && strcmp(e->status, status_after(n, k - 1)) != 0)
		nb_buf_printf(out, "%s%s", e->text ? ", " : "", e->status);
	else if (!e->text)
		nb_buf_puts(out, "no change");
}

/* Who wrote every message: the source, at t with its offset. */
static int source_author(git_signature **out, const struct nb_import *imp, int64_t t,
			 int offset, struct nb_diags *diags)
{
	if (git_signature_new(out, imp->author, imp->email ? imp->email : "noreply@invalid", t,
			      offset / 60) == 0)
		return 0;
	return git_problem(diags, "cannot sign the import's commits");
}

/* Whoever runs the import (git's user.name), else the source. */
static int committer_of(git_signature **out, git_repository *repo, const struct nb_import *imp,
			struct nb_diags *diags)
{
	if (git_signature_default(out, repo) == 0)
		return 0;
	git_error_clear();
	return source_author(out, imp, time(NULL), 0, diags);
}

/* The steps to commit, in time order (notices, then states, in theirs). */
static struct step *steps_of(const struct nb_import *imp, const struct plan *plans, int dated,
			     size_t *count)
{
	struct step *steps = NULL;
	size_t alloc = 0, i, k;

	*count = 0;
	for (i = 0; i < imp->count; i++) {
		const struct nb_import_notice *n = &imp->notices[i];

		if (plans[i].skip)
			continue;
		for (k = dated ? n->event_count : plans[i].from; k <= n->event_count; k++) {
			nb_grow_array(&steps, &alloc, *count + 1, sizeof(*steps));
			steps[*count].when = k ? n->events[k - 1].when : n->opened;
			steps[*count].notice = i;
			steps[(*count)++].k = k;
		}
	}
	nb_sort(steps, *count, sizeof(*steps), step_order);
	return steps;
}

/*
 * Makes the commits on top of HEAD, not moving any branch, the last one's
 * id in *tip: site.yaml when it changed, a second before the first event,
 * then each notice's state after each event, at its time.  With dated
 * (--no-commit, for the check only), each notice as it ends, now.
 */
static int make_commits(git_oid *tip, struct target *t, struct nb_import *imp,
			const struct plan *plans, int dated, size_t *made, struct nb_diags *diags)
{
	struct nb_buf text = NB_BUF_INIT, msg = NB_BUF_INIT;
	git_signature *committer = NULL, *author = NULL;
	git_treebuilder *empty = NULL;
	git_oid tree_id, *parent = NULL;
	size_t count, i;
	struct step *steps = steps_of(imp, plans, dated, &count);
	int64_t now = (int64_t)time(NULL);
	int rc = -1;

	*made = 0;
	if (t->head) {
		git_oid_cpy(tip, git_commit_id(t->head));
		git_oid_cpy(&tree_id, git_commit_tree_id(t->head));
		parent = tip;
	} else if (git_treebuilder_new(&empty, t->repo, NULL) < 0 ||
		   git_treebuilder_write(&tree_id, empty) < 0) {
		git_problem(diags, "cannot make the import's commits");
		goto cleanup;
	}
	if (committer_of(&committer, t->repo, imp, diags) < 0)
		goto cleanup;
	if (t->site_changed) {
		int64_t at = dated || !count ? now : steps[0].when.at - 1;

		nb_buf_printf(&msg, "import: servers from %s\n", imp->from);
		if (source_author(&author, imp, at, count ? steps[0].when.offset : 0, diags) < 0 ||
		    commit_file(tip, t->repo, &tree_id, parent, NB_SITE_PATH, &t->site_text, author,
				committer, msg.ptr, diags) < 0)
			goto cleanup;
		git_signature_free(author);
		author = NULL;
		parent = tip;
		(*made)++;
	}
	for (i = 0; i < count; i++) {
		const struct nb_import_notice *n = &imp->notices[steps[i].notice];

		nb_buf_truncate(&text, 0);
		nb_buf_truncate(&msg, 0);
		nb_import_render(&text, imp, n, steps[i].k, dated);
		nb_buf_printf(&msg, "import: %s (", n->title);
		if (dated)
			nb_buf_puts(&msg, "text-dated");
		else
			step_words(&msg, n, steps[i].k);
		nb_buf_printf(&msg, ")\n\nFrom %s %s%s.\n", imp->from, n->ref ? "incident " : "",
			      n->ref ? n->ref : n->source);
		if (source_author(&author, imp, dated ? now : steps[i].when.at,
				  steps[i].when.offset, diags) < 0 ||
		    commit_file(tip, t->repo, &tree_id, parent, n->path, &text, author, committer,
				msg.ptr, diags) < 0)
			goto cleanup;
		git_signature_free(author);
		author = NULL;
		parent = tip;
		(*made)++;
	}
	rc = 0;
cleanup:
	git_signature_free(author);
	git_signature_free(committer);
	git_treebuilder_free(empty);
	free(steps);
	nb_buf_release(&text);
	nb_buf_release(&msg);
	return rc;
}

/* Checks the commit as nocblog check would: 0, NB_IMPORT_CONTENT or
 * NB_IMPORT_ENV, with the problems in diags. */
static int check_commit(struct target *t, const git_oid *tip, struct nb_diags *diags)
{
	char hex[GIT_OID_HEXSZ + 1];
	struct nb_source src;
	struct nb_loaded l;
	int rc;

	git_oid_tostr(hex, sizeof(hex), tip);
	memset(&src, 0, sizeof(src));
	src.repo = t->workdir;
	src.rev = hex;
	src.keep_cache = 1;
	memset(&l, 0, sizeof(l));
	rc = nb_build_load(&l, &src);
	nb_diags_move(diags, &l.diags);
	nb_build_release(&l);
	return rc == 0 ? 0 : rc == NB_BUILD_CONTENT ? NB_IMPORT_CONTENT : NB_IMPORT_ENV;
}

/* Writes path's text into the work tree (and the index, when index). */
static int write_out(struct target *t, git_index *index, const char *path,
		     const struct nb_buf *text, struct nb_diags *diags)
{
	struct nb_buf full = NB_BUF_INIT;
	int rc = 0;

	nb_buf_printf(&full, "%s%s", t->workdir, path);
	if (nb_make_dirs(full.ptr, strlen(t->workdir)) < 0 ||
	    nb_write_file(full.ptr, text->ptr, text->len, 0644, 1) < 0)
		rc = nb_diags_add(diags, path, 0, "check the folder's permissions",
				  "cannot write it: %s", strerror(errno));
	else if (index && git_index_add_bypath(index, path) < 0)
		rc = git_problem(diags, path);
	nb_buf_release(&full);
	return rc;
}

/* Moves the branch to tip (if it is still where it was) and brings the
 * work tree and the index to the files it changed. */
static int publish(struct target *t, struct nb_import *imp, const struct plan *plans,
		   const git_oid *tip, int dated, struct nb_diags *diags)
{
	git_reference *ref = NULL;
	git_index *index = NULL;
	struct nb_buf text = NB_BUF_INIT;
	size_t i;
	int rc = -1;

	if (!dated) {
		if (git_reference_create_matching(&ref, t->repo, t->branch, tip, 1,
						  t->head ? git_commit_id(t->head) : NULL,
						  "import") < 0) {
			git_problem(diags, "cannot move the branch to the import's commits");
			goto cleanup;
		}
		if (git_repository_index(&index, t->repo) < 0) {
			git_problem(diags, "cannot open the index");
			goto cleanup;
		}
	}
	if (t->site_changed && write_out(t, index, NB_SITE_PATH, &t->site_text, diags) < 0)
		goto cleanup;
	for (i = 0; i < imp->count; i++) {
		if (plans[i].skip)
			continue;
		nb_buf_truncate(&text, 0);
		nb_import_render(&text, imp, &imp->notices[i], imp->notices[i].event_count, dated);
		if (write_out(t, index, imp->notices[i].path, &text, diags) < 0)
			goto cleanup;
	}
	if (index && git_index_write(index) < 0) {
		git_problem(diags, "cannot write the index");
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_reference_free(ref);
	git_index_free(index);
	nb_buf_release(&text);
	return rc;
}

/* Whether site.yaml's text differs from HEAD's (the work tree's changes,
 * those of nocblog init among them, go in with the import). */
static int site_differs(const struct target *t)
{
	git_tree_entry *e = NULL;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	int differs = 1;

	if (t->head && git_commit_tree(&tree, t->head) == 0 &&
	    git_tree_entry_bypath(&e, tree, NB_SITE_PATH) == 0 &&
	    git_blob_lookup(&blob, t->repo, git_tree_entry_id(e)) == 0)
		differs = (size_t)git_blob_rawsize(blob) != t->site_text.len ||
			  memcmp(git_blob_rawcontent(blob), t->site_text.ptr, t->site_text.len) != 0;
	git_error_clear();
	git_blob_free(blob);
	git_tree_entry_free(e);
	git_tree_free(tree);
	return differs;
}

/* Without --no-commit, the notices to commit must be in the work tree as
 * HEAD has them (the import then writes them there). */
static int clean_paths(struct target *t, struct nb_import *imp, const struct plan *plans,
		       struct nb_diags *diags)
{
	size_t before = diags->count, i;

	for (i = 0; i < imp->count; i++) {
		unsigned int flags = 0;

		if (plans[i].skip)
			continue;
		if (git_status_file(&flags, t->repo, imp->notices[i].path) < 0) {
			git_error_clear();
			continue;
		}
		if (flags & ~(unsigned)GIT_STATUS_IGNORED)
			nb_diags_add(diags, imp->notices[i].path, 0,
				     "commit or stash it first, or import with --no-commit",
				     "has uncommitted changes");
	}
	return diags->count > before ? -1 : 0;
}

int nb_import_run(struct nb_import *imp, git_repository *repo, int no_commit,
		  struct nb_import_result *res, struct nb_diags *diags)
{
	struct target t;
	struct plan *plans = NULL;
	git_oid tip;
	size_t i, todo = 0;
	int rc = NB_IMPORT_ENV;

	memset(&t, 0, sizeof(t));
	memset(res, 0, sizeof(*res));
	if (open_target(&t, repo, diags) < 0)
		goto cleanup;
	rc = NB_IMPORT_CONTENT;
	if (add_servers(&t, imp, &res->servers, diags) < 0)
		goto cleanup;
	plans = nb_calloc(imp->count ? imp->count : 1, sizeof(*plans));
	for (i = 0; i < imp->count; i++) {
		plan_notice(&t, imp, i, no_commit, &plans[i], res);
		todo += !plans[i].skip;
	}
	rc = NB_IMPORT_ENV;
	if (!no_commit && clean_paths(&t, imp, plans, diags) < 0)
		goto cleanup;
	t.site_changed = site_differs(&t);
	if (!todo && !res->servers) {
		rc = 0;
		goto cleanup;
	}
	if (make_commits(&tip, &t, imp, plans, no_commit, &res->commits, diags) < 0)
		goto cleanup;
	rc = check_commit(&t, &tip, diags);
	if (rc != 0)
		goto cleanup;
	if (no_commit)
		res->commits = 0;
	rc = publish(&t, imp, plans, &tip, no_commit, diags) < 0 ? NB_IMPORT_ENV : 0;
cleanup:
	free(plans);
	close_target(&t);
	return rc;
}
