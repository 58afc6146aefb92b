#include "site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "tz.h"
#include "util.h"
#include "yml.h"

static const char *const site_keys[] = {
	"title", "base_url", "timezone", "author", "servers", "unsafe_html",
	"feed_entries", "feed_updates", "tombstone_days", "notify",
};

static const char *const server_keys[] = { "name", "group", "description" };
static const char *const notify_keys[] = { "hub", "webhooks", "email" };
static const char *const email_keys[] = {
	"smtp", "from", "starttls", "user", "password_env", "password_file", "ca_file", "lists",
};
static const char *const list_keys[] = { "to", "servers", "unsubscribe" };
static const char *const hook_keys[] = {
	"url", "url_env", "url_file", "secret_env", "secret_file", "format", "servers",
};

struct loader {
	const char *path;
	struct nb_diags *diags;
	int errors;
};

static void problem(struct loader *ld, int line, const char *hint,
		    const char *fmt, const char *arg)
{
	nb_diags_add(ld->diags, ld->path, line, hint, fmt, arg);
	ld->errors++;
}

static void unknown_key(struct loader *ld, const struct nb_yml *key,
			const char *const *keys, size_t n, const char *where)
{
	const char *near = nb_suggest(key->scalar, keys, n);
	struct nb_buf hint = NB_BUF_INIT;
	size_t i;

	if (near) {
		nb_buf_printf(&hint, "did you mean '%s'?", near);
	} else {
		nb_buf_printf(&hint, "%s keys are ", where);
		for (i = 0; i < n; i++)
			nb_buf_printf(&hint, "%s%s", i ? ", " : "", keys[i]);
	}
	problem(ld, key->line, hint.ptr, "unknown key '%s'", key->scalar);
	nb_buf_release(&hint);
}

/* A one-line text value, copied; NULL (and a problem) otherwise. */
static char *text_value(struct loader *ld, const struct nb_yml *v, const char *key)
{
	if (v->kind != NB_YML_SCALAR) {
		struct nb_buf msg = NB_BUF_INIT;

		nb_buf_printf(&msg, "'%s' must be text, not %s", key,
			      nb_yml_kind_name(v->kind));
		problem(ld, v->line, "write it on one line after the colon", "%s", msg.ptr);
		nb_buf_release(&msg);
		return NULL;
	}
	if (strchr(v->scalar, '\n')) {
		problem(ld, v->line, "write it on one line", "'%s' spans several lines", key);
		return NULL;
	}
	if (v->scalar[nb_bidi_find(v->scalar)]) {
		struct nb_buf msg = NB_BUF_INIT;

		nb_buf_printf(&msg, "a bidirectional control character (U+%04X) in '%s'",
			      nb_bidi_code(v->scalar + nb_bidi_find(v->scalar)), key);
		problem(ld, v->line,
			"remove it: it can make the text read differently from what it says",
			"%s", msg.ptr);
		nb_buf_release(&msg);
		return NULL;
	}
	return nb_strdup(v->scalar);
}

/*
 * base_url goes into every feed link, the calendar's URL and the pages'
 * canonical links: printable ASCII with none of the characters a URL cannot
 * hold unencoded (space, quotes, <, >, \, ^, `, {, |, }), so that it can
 * never end an attribute or open a tag.  The scheme is checked with the
 * other required keys.
 */
static int url_chars_ok(const char *url)
{
	const char *p;

	for (p = url; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("\"'<>\\^`{|}", *p))
			return 0;
	return 1;
}

static void load_base_url(struct loader *ld, struct nb_site *site, const struct nb_yml *v)
{
	site->base_url = text_value(ld, v, "base_url");
	if (site->base_url && !url_chars_ok(site->base_url))
		problem(ld, v->line, "%-encode it, e.g. %22 for '\"' and %3C for '<'",
			"base_url '%s' holds a character a URL cannot hold", site->base_url);
}

static int valid_server_id(const char *id)
{
	size_t i, n = strlen(id);

	if (!n || n > NB_SERVER_ID_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      (c == '.' && i > 0)))
			return 0;
	}
	return 1;
}

static void load_server(struct loader *ld, struct nb_site *site,
			const struct nb_yml *key, const struct nb_yml *val)
{
	struct nb_server *sv;
	size_t i;

	if (!valid_server_id(key->scalar)) {
		problem(ld, key->line,
			"use letters, digits, '-', '_' and '.' (it becomes part of URLs)",
			"server id '%s' is not usable in a URL", key->scalar);
		return;
	}
	nb_map_sets(&site->index, key->scalar, site->server_count);
	sv = &site->servers[site->server_count++];
	memset(sv, 0, sizeof(*sv));
	sv->id = nb_strdup(key->scalar);
	if (val->kind == NB_YML_SCALAR && val->scalar[0] == '\0' && val->plain)
		val = NULL; /* "LOUIE:" with nothing after it */
	if (val && val->kind != NB_YML_MAP) {
		problem(ld, val->line, "write {name: ..., group: ..., description: ...}",
			"server '%s' must be a mapping", key->scalar);
		val = NULL;
	}
	for (i = 0; val && i + 1 < val->count; i += 2) {
		const struct nb_yml *k = val->items[i], *v = val->items[i + 1];
		char **slot = NULL;

		if (strcmp(k->scalar, "name") == 0) {
			slot = &sv->name;
		} else if (strcmp(k->scalar, "group") == 0) {
			slot = &sv->group;
			sv->group_line = v->line;
		}
		else if (strcmp(k->scalar, "description") == 0)
			slot = &sv->description;
		else
			unknown_key(ld, k, server_keys, NB_ARRAY_LEN(server_keys), "server");
		if (slot)
			*slot = text_value(ld, v, k->scalar);
	}
	if (!sv->name || !sv->name[0]) {
		free(sv->name);
		sv->name = nb_strdup(sv->id);
	}
}

static void check_groups(struct loader *ld, struct nb_site *site)
{
	const char **ids = nb_calloc(site->server_count, sizeof(*ids));
	size_t i;

	for (i = 0; i < site->server_count; i++)
		ids[i] = site->servers[i].id;
	for (i = 0; i < site->server_count; i++) {
		const struct nb_server *sv = &site->servers[i], *g;
		int line = sv->group_line;

		if (!sv->group)
			continue;
		g = nb_site_server(site, sv->group);
		if (!g) {
			const char *near = nb_suggest(sv->group, ids, site->server_count);
			struct nb_buf hint = NB_BUF_INIT;

			if (near)
				nb_buf_printf(&hint, "did you mean '%s'?", near);
			else
				nb_buf_puts(&hint, "declare the group as a server first");
			problem(ld, line, hint.ptr, "group '%s' is not a declared server",
				sv->group);
			nb_buf_release(&hint);
		} else if (g == sv) {
			problem(ld, line, "remove the group key", "server '%s' is its own group",
				sv->id);
		} else if (g->group) {
			problem(ld, line, "groups have one level: name the top server",
				"group '%s' itself belongs to a group", sv->group);
		}
	}
	free(ids);
}

static void load_servers(struct loader *ld, struct nb_site *site,
			 const struct nb_yml *servers)
{
	size_t i;

	if (servers->kind != NB_YML_MAP) {
		problem(ld, servers->line, "write one 'ID: {name: ...}' line per server",
			"'servers' must be a mapping of server ids%s", "");
		return;
	}
	site->servers = nb_calloc(servers->count / 2 + 1, sizeof(*site->servers));
	for (i = 0; i + 1 < servers->count; i += 2)
		load_server(ld, site, servers->items[i], servers->items[i + 1]);
	check_groups(ld, site);
}

static void load_bool(struct loader *ld, const struct nb_yml *v, const char *key,
		      int *out)
{
	if (v->kind == NB_YML_SCALAR && (strcmp(v->scalar, "true") == 0 ||
					 strcmp(v->scalar, "false") == 0)) {
		*out = v->scalar[0] == 't';
		return;
	}
	problem(ld, v->line, "write true or false", "'%s' must be true or false", key);
}

static void load_count(struct loader *ld, const struct nb_yml *v, const char *key, long *out)
{
	char *end = NULL;
	long n = v->kind == NB_YML_SCALAR ? strtol(v->scalar, &end, 10) : -1;

	if (v->kind != NB_YML_SCALAR || !*v->scalar || *end || n < 0 || n > NB_FEED_MAX) {
		problem(ld, v->line, "write a whole number from 0 to 100000", "'%s' is not a count",
			key);
		return;
	}
	*out = n;
}

/* ---- notify: ---- */

static int http_url(const char *url)
{
	return (strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0) &&
	       url_chars_ok(url);
}

/* A list of one-line texts (a scope's server ids, a list's addresses);
 * one text alone is a list of one. */
static void load_texts(struct loader *ld, const struct nb_yml *v, const char *key,
		       const char *example, char ***out, size_t *count)
{
	size_t i, n = v->kind == NB_YML_SEQ ? v->count : 1;

	if (v->kind == NB_YML_MAP) {
		problem(ld, v->line, example, "'%s' must be a list", key);
		return;
	}
	*out = nb_calloc(n + 1, sizeof(**out));
	for (i = 0; i < n; i++) {
		char *t = text_value(ld, v->kind == NB_YML_SEQ ? v->items[i] : v, key);

		if (t)
			(*out)[(*count)++] = t;
	}
}

static void load_hook(struct loader *ld, struct nb_site *site, const struct nb_yml *v)
{
	struct nb_hook *h;
	size_t i;

	if (v->kind != NB_YML_MAP) {
		problem(ld, v->line, "write '- url: https://...' (and secret_env: NAME to sign)",
			"a webhook must be a mapping%s", "");
		return;
	}
	h = &site->hooks[site->hook_count++];
	memset(h, 0, sizeof(*h));
	h->line = v->line;
	for (i = 0; i + 1 < v->count; i += 2) {
		const struct nb_yml *k = v->items[i], *val = v->items[i + 1];
		const char *key = k->scalar;

		if (strcmp(key, "url") == 0)
			h->url = text_value(ld, val, key);
		else if (strcmp(key, "url_env") == 0)
			h->url_env = text_value(ld, val, key);
		else if (strcmp(key, "url_file") == 0)
			h->url_file = text_value(ld, val, key);
		else if (strcmp(key, "secret_env") == 0)
			h->secret_env = text_value(ld, val, key);
		else if (strcmp(key, "secret_file") == 0)
			h->secret_file = text_value(ld, val, key);
		else if (strcmp(key, "servers") == 0)
			load_texts(ld, val, key, "write servers: [SCROOGE, LOUIE]", &h->servers,
				   &h->server_count);
		else if (strcmp(key, "secret") == 0)
			problem(ld, k->line,
				"put the key in an environment variable or a file outside the "
				"repository and name it with secret_env: or secret_file:",
				"a webhook's secret must not be written in site.yaml%s", "");
		else if (strcmp(key, "format") != 0)
			unknown_key(ld, k, hook_keys, NB_ARRAY_LEN(hook_keys), "webhook");
	}
	v = nb_yml_get(v, "format");
	if (v && v->kind == NB_YML_SCALAR && strcmp(v->scalar, "slack") == 0)
		h->format = NB_HOOK_SLACK;
	else if (v && v->kind == NB_YML_SCALAR && strcmp(v->scalar, "teams") == 0)
		h->format = NB_HOOK_TEAMS;
	else if (v && !(v->kind == NB_YML_SCALAR && strcmp(v->scalar, "json") == 0))
		problem(ld, v->line, "write json (the default), slack or teams",
			"unknown webhook format '%s'", v->kind == NB_YML_SCALAR ? v->scalar : "");
	if (!!h->url + !!h->url_env + !!h->url_file != 1)
		problem(ld, h->line, "give one of url:, url_env: (a variable) or url_file: (a file)",
			"a webhook needs exactly one URL%s", "");
	else if (h->url && !http_url(h->url))
		problem(ld, h->line, "write the full http(s) URL, %-encoded",
			"webhook URL '%s' is not an http(s) URL", h->url);
	if (h->secret_env && h->secret_file)
		problem(ld, h->line, "keep one of secret_env: and secret_file:",
			"a webhook has two secrets%s", "");
}

/* An address as SMTP takes it: "noc@example.com" or "Name <noc@example.com>",
 * with nothing that could end a header line. */
static int address_ok(const char *a)
{
	const char *at = strchr(a, '@');

	return at && at != a && at[1] && !strpbrk(a, "\r\n\t,;") &&
	       (!strchr(a, '<') || (strchr(a, '>') && strchr(a, '<') < at));
}

static void load_list(struct loader *ld, struct nb_email *e, const struct nb_yml *v)
{
	struct nb_mail_list *l;
	size_t i;

	if (v->kind != NB_YML_MAP) {
		problem(ld, v->line, "write '- to: [partners@example.com]'",
			"an e-mail list must be a mapping%s", "");
		return;
	}
	l = &e->lists[e->list_count++];
	memset(l, 0, sizeof(*l));
	l->line = v->line;
	for (i = 0; i + 1 < v->count; i += 2) {
		const struct nb_yml *k = v->items[i], *val = v->items[i + 1];

		if (strcmp(k->scalar, "to") == 0)
			load_texts(ld, val, "to", "write to: [partners@example.com]", &l->to,
				   &l->to_count);
		else if (strcmp(k->scalar, "servers") == 0)
			load_texts(ld, val, "servers", "write servers: [SCROOGE, LOUIE]",
				   &l->servers, &l->server_count);
		else if (strcmp(k->scalar, "unsubscribe") == 0)
			l->unsubscribe = text_value(ld, val, "unsubscribe");
		else
			unknown_key(ld, k, list_keys, NB_ARRAY_LEN(list_keys), "e-mail list");
	}
	if (!l->to_count)
		problem(ld, l->line, "add to: [partners@example.com]",
			"an e-mail list has no address%s", "");
	for (i = 0; i < l->to_count; i++)
		if (!address_ok(l->to[i]))
			problem(ld, l->line, "write one address a line, such as noc@example.com",
				"'%s' is not an e-mail address", l->to[i]);
	if (l->unsubscribe && !(strncmp(l->unsubscribe, "mailto:", 7) == 0 ||
				http_url(l->unsubscribe)))
		problem(ld, l->line, "write a mailto: or https:// URL",
			"unsubscribe '%s' is not a mailto: or http(s) URL", l->unsubscribe);
}

static void load_email(struct loader *ld, struct nb_site *site, const struct nb_yml *v)
{
	struct nb_email *e;
	size_t i, j;

	if (v->kind != NB_YML_MAP) {
		problem(ld, v->line, "write 'email:' then indented 'smtp:', 'from:' and 'lists:'",
			"'email' must be a mapping%s", "");
		return;
	}
	e = site->email = nb_calloc(1, sizeof(*e));
	e->line = v->line;
	e->starttls = 1;
	for (i = 0; i + 1 < v->count; i += 2) {
		const struct nb_yml *k = v->items[i], *val = v->items[i + 1];
		const char *key = k->scalar;

		if (strcmp(key, "smtp") == 0)
			e->smtp = text_value(ld, val, key);
		else if (strcmp(key, "from") == 0)
			e->from = text_value(ld, val, key);
		else if (strcmp(key, "starttls") == 0)
			load_bool(ld, val, key, &e->starttls);
		else if (strcmp(key, "user") == 0)
			e->user = text_value(ld, val, key);
		else if (strcmp(key, "password_env") == 0)
			e->password_env = text_value(ld, val, key);
		else if (strcmp(key, "password_file") == 0)
			e->password_file = text_value(ld, val, key);
		else if (strcmp(key, "ca_file") == 0)
			e->ca_file = text_value(ld, val, key);
		else if (strcmp(key, "password") == 0)
			problem(ld, k->line,
				"put it in an environment variable or a file outside the repository "
				"and name it with password_env: or password_file:",
				"the SMTP password must not be written in site.yaml%s", "");
		else if (strcmp(key, "lists") == 0 && val->kind == NB_YML_SEQ) {
			e->lists = nb_calloc(val->count + 1, sizeof(*e->lists));
			for (j = 0; j < val->count; j++)
				load_list(ld, e, val->items[j]);
		} else if (strcmp(key, "lists") == 0)
			problem(ld, val->line, "write one '- to: [...]' item per list",
				"'lists' must be a list%s", "");
		else
			unknown_key(ld, k, email_keys, NB_ARRAY_LEN(email_keys), "email");
	}
	if (!e->smtp || !(strncmp(e->smtp, "smtp://", 7) == 0 || strncmp(e->smtp, "smtps://", 8) == 0))
		problem(ld, e->line, "write smtp: smtp://mail.example.com:587 (or smtps://...:465)",
			"email needs an smtp:// or smtps:// server%s", "");
	if (!e->from || !address_ok(e->from))
		problem(ld, e->line, "write from: NOC <noc@example.com>",
			"email needs a from: address%s", "");
	if (e->password_env && e->password_file)
		problem(ld, e->line, "keep one of password_env: and password_file:",
			"email has two passwords%s", "");
	if ((e->password_env || e->password_file) && !e->user)
		problem(ld, e->line, "add user: with the account's name",
			"email has a password but no user%s", "");
}

static void load_notify(struct loader *ld, struct nb_site *site, const struct nb_yml *v)
{
	size_t i;

	if (v->kind != NB_YML_MAP) {
		problem(ld, v->line, "write 'notify:' then indented 'hub:' and 'webhooks:' lines",
			"'notify' must be a mapping%s", "");
		return;
	}
	for (i = 0; i + 1 < v->count; i += 2) {
		const struct nb_yml *k = v->items[i], *val = v->items[i + 1];
		size_t j;

		if (strcmp(k->scalar, "hub") == 0) {
			site->hub = text_value(ld, val, "hub");
			if (site->hub && !http_url(site->hub))
				problem(ld, val->line, "write the hub's full http(s) URL",
					"hub '%s' is not an http(s) URL", site->hub);
		} else if (strcmp(k->scalar, "webhooks") == 0) {
			if (val->kind != NB_YML_SEQ) {
				problem(ld, val->line, "write one '- url: ...' item per webhook",
					"'webhooks' must be a list%s", "");
				continue;
			}
			site->hooks = nb_calloc(val->count + 1, sizeof(*site->hooks));
			for (j = 0; j < val->count; j++)
				load_hook(ld, site, val->items[j]);
		} else if (strcmp(k->scalar, "email") == 0) {
			load_email(ld, site, val);
		} else {
			unknown_key(ld, k, notify_keys, NB_ARRAY_LEN(notify_keys), "notify");
		}
	}
}

/* A scope's servers are declared ones. */
static void check_scope(struct loader *ld, struct nb_site *site, char *const *ids, size_t n,
			int line, const char *what)
{
	size_t j;

	for (j = 0; j < n; j++) {
		const char *near;
		struct nb_buf hint = NB_BUF_INIT, msg = NB_BUF_INIT;

		if (nb_site_server(site, ids[j]))
			continue;
		near = nb_site_suggest_server(site, ids[j]);
		if (near)
			nb_buf_printf(&hint, "did you mean '%s'?", near);
		else
			nb_buf_puts(&hint, "name servers declared under servers:");
		nb_buf_printf(&msg, "%s names server '%s', which is not declared", what, ids[j]);
		problem(ld, line, hint.ptr, "%s", msg.ptr);
		nb_buf_release(&hint);
		nb_buf_release(&msg);
	}
}

static void check_hook_servers(struct loader *ld, struct nb_site *site)
{
	size_t i;

	for (i = 0; i < site->hook_count; i++)
		check_scope(ld, site, site->hooks[i].servers, site->hooks[i].server_count,
			    site->hooks[i].line, "a webhook");
	for (i = 0; site->email && i < site->email->list_count; i++)
		check_scope(ld, site, site->email->lists[i].servers,
			    site->email->lists[i].server_count, site->email->lists[i].line,
			    "an e-mail list");
}

static void load_key(struct loader *ld, struct nb_site *site,
		     const struct nb_yml *k, const struct nb_yml *v)
{
	const char *key = k->scalar;

	if (strcmp(key, "title") == 0)
		site->title = text_value(ld, v, key);
	else if (strcmp(key, "base_url") == 0)
		load_base_url(ld, site, v);
	else if (strcmp(key, "timezone") == 0)
		site->timezone = text_value(ld, v, key);
	else if (strcmp(key, "author") == 0)
		site->author = text_value(ld, v, key);
	else if (strcmp(key, "unsafe_html") == 0)
		load_bool(ld, v, key, &site->unsafe_html);
	else if (strcmp(key, "servers") == 0)
		load_servers(ld, site, v);
	else if (strcmp(key, "feed_entries") == 0)
		load_count(ld, v, key, &site->feed_entries);
	else if (strcmp(key, "feed_updates") == 0)
		load_count(ld, v, key, &site->feed_updates);
	else if (strcmp(key, "tombstone_days") == 0)
		load_count(ld, v, key, &site->tombstone_days);
	else if (strcmp(key, "notify") == 0)
		load_notify(ld, site, v);
	else
		unknown_key(ld, k, site_keys, NB_ARRAY_LEN(site_keys), "site.yaml");
}

static void check_required(struct loader *ld, struct nb_site *site,
			   const struct nb_yml *root)
{
	const struct nb_yml *v;

	if (!site->title && !nb_yml_get(root, "title"))
		problem(ld, 1, "add 'title: Example Network Operations'",
			"site.yaml has no %s", "title");
	if (!site->base_url && !nb_yml_get(root, "base_url"))
		problem(ld, 1, "add 'base_url: https://noc.example.com/'",
			"site.yaml has no %s", "base_url");
	if (!site->timezone && !nb_yml_get(root, "timezone"))
		problem(ld, 1, "add 'timezone: America/New_York' (an IANA zone name)",
			"site.yaml has no %s", "timezone");
	if (!nb_yml_get(root, "servers"))
		problem(ld, 1, "add 'servers:' with one 'ID: {name: ...}' line per server",
			"site.yaml has no %s", "servers");
	if (site->timezone && !nb_tz_exists(site->timezone)) {
		v = nb_yml_get(root, "timezone");
		problem(ld, v ? v->line : 1,
			"use an IANA zone name such as America/New_York or UTC",
			"unknown time zone '%s'", site->timezone);
	}
	if (site->base_url && strncmp(site->base_url, "https://", 8) != 0 &&
	    strncmp(site->base_url, "http://", 7) != 0) {
		v = nb_yml_get(root, "base_url");
		problem(ld, v ? v->line : 1, "write the full URL, e.g. https://noc.example.com/",
			"base_url '%s' is not an http(s) URL", site->base_url);
	}
}

int nb_site_load(struct nb_site *site, const char *text, size_t len,
		 const char *path, struct nb_diags *diags)
{
	struct loader ld = { path, diags, 0 };
	struct nb_yml *root = NULL;
	struct nb_buf why = NB_BUF_INIT;
	size_t i, bad;
	int line;

	memset(site, 0, sizeof(*site));
	site->text_hash = nb_hash(text, len);
	site->feed_entries = NB_FEED_ENTRIES;
	site->feed_updates = NB_FEED_UPDATES;
	site->tombstone_days = NB_TOMBSTONE_DAYS;
	bad = nb_utf8_check(text, len);
	if (bad < len) {
		problem(&ld, nb_line_of(text, bad), "save the file as UTF-8",
			"invalid UTF-8%s", "");
		goto cleanup;
	}
	if (memchr(text, '\0', len)) {
		problem(&ld, nb_line_of(text, (size_t)((const char *)memchr(text, '\0', len) - text)),
			"remove the NUL byte", "NUL byte in the file%s", "");
		goto cleanup;
	}
	bad = nb_control_find(text, len);
	if (bad < len) {
		char code[8];

		snprintf(code, sizeof(code), "%04X", (unsigned char)text[bad]);
		problem(&ld, nb_line_of(text, bad), "remove it; feeds (XML) cannot carry it",
			"control character U+%s in the file", code);
		goto cleanup;
	}
	bad = nb_conflict_find(text, len);
	if (bad < len) {
		problem(&ld, nb_line_of(text, bad),
			"resolve the conflict: keep the text you want and remove the "
			"<<<<<<<, ======= and >>>>>>> lines",
			"a merge conflict marker: git left both versions here%s", "");
		goto cleanup;
	}
	if (nb_yml_parse(&root, text, len, 1, &why, &line) < 0) {
		problem(&ld, line, "fix the YAML syntax", "%s", why.ptr);
		goto cleanup;
	}
	if (!root || root->kind != NB_YML_MAP) {
		problem(&ld, root ? root->line : 1, "write 'key: value' lines",
			"site.yaml must be a mapping%s", "");
		goto cleanup;
	}
	for (i = 0; i + 1 < root->count; i += 2)
		load_key(&ld, site, root->items[i], root->items[i + 1]);
	check_required(&ld, site, root);
	check_hook_servers(&ld, site);
	if (site->base_url && site->base_url[0] &&
	    site->base_url[strlen(site->base_url) - 1] != '/') {
		size_t n = strlen(site->base_url);

		site->base_url = nb_realloc(site->base_url, n + 2);
		memcpy(site->base_url + n, "/", 2);
	}
	if (!site->author && site->title)
		site->author = nb_strdup(site->title);

cleanup:
	nb_yml_free(root);
	nb_buf_release(&why);
	return ld.errors ? -1 : 0;
}

void nb_site_release(struct nb_site *site)
{
	size_t i;

	for (i = 0; i < site->server_count; i++) {
		free(site->servers[i].id);
		free(site->servers[i].name);
		free(site->servers[i].group);
		free(site->servers[i].description);
	}
	free(site->servers);
	nb_map_release(&site->index);
	for (i = 0; i < site->hook_count; i++) {
		struct nb_hook *h = &site->hooks[i];
		size_t j;

		free(h->url);
		free(h->url_env);
		free(h->url_file);
		free(h->secret_env);
		free(h->secret_file);
		for (j = 0; j < h->server_count; j++)
			free(h->servers[j]);
		free(h->servers);
	}
	free(site->hooks);
	free(site->hub);
	if (site->email) {
		struct nb_email *e = site->email;

		for (i = 0; i < e->list_count; i++) {
			struct nb_mail_list *l = &e->lists[i];
			size_t j;

			for (j = 0; j < l->to_count; j++)
				free(l->to[j]);
			for (j = 0; j < l->server_count; j++)
				free(l->servers[j]);
			free(l->to);
			free(l->servers);
			free(l->unsubscribe);
		}
		free(e->lists);
		free(e->smtp);
		free(e->from);
		free(e->user);
		free(e->password_env);
		free(e->password_file);
		free(e->ca_file);
		free(e);
	}
	free(site->title);
	free(site->base_url);
	free(site->timezone);
	free(site->author);
	memset(site, 0, sizeof(*site));
}

const struct nb_server *nb_site_server(const struct nb_site *site, const char *id)
{
	size_t i;

	return nb_map_gets(&site->index, id, &i) ? &site->servers[i] : NULL;
}

const char *nb_site_suggest_server(const struct nb_site *site, const char *id)
{
	const char **ids = nb_calloc(site->server_count, sizeof(*ids));
	const char *near;
	size_t i;

	for (i = 0; i < site->server_count; i++)
		ids[i] = site->servers[i].id;
	near = nb_suggest(id, ids, site->server_count);
	free(ids);
	return near;
}

void nb_site_host(struct nb_buf *out, const struct nb_site *site)
{
	const char *p = strstr(site->base_url, "://"), *end;

	p = p ? p + 3 : site->base_url;
	end = p + strcspn(p, "/:?#");
	for (; p < end; p++)
		nb_buf_putc(out, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
}
