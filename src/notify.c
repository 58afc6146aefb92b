#include "notify.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "content.h"
#include "feed.h"
#include "json.h"
#include "map.h"
#include "model.h"
#include "repo.h"
#include "site.h"
#include "util.h"
#include "xml.h"

#define DAY 86400
#define HEADER "nocblog notified 1\n"

/* ---- the news ---- */

/* An event as subscribers hear of it. */
struct news {
	const struct nb_event *e;
	const struct nb_notice *n;   /* its notice (a withdrawn one's last
	                                version), or NULL */
	const struct nb_item *it;    /* NULL for a withdrawal */
	const char *title;           /* the notice's */
	char *url;                   /* the notice's page, or NULL once withdrawn */
	char *nid;                   /* the notice's feed id */
	char *id;                    /* the event's, as updates.xml's */
};

static const char *kind_name(enum nb_event_kind k)
{
	switch (k) {
	case NB_EVENT_OPENED: return "opened";
	case NB_EVENT_UPDATE: return "update";
	case NB_EVENT_MOVED: return "moved";
	case NB_EVENT_STATUS: return "status";
	case NB_EVENT_WITHDRAWN: return "withdrawn";
	}
	return "update";
}

/* m's events dated from `from` on, oldest first, with their ids. */
static struct news *collect(const struct nb_model *m, int64_t from, size_t *count)
{
	struct news *list = nb_calloc(m->event_count + 1, sizeof(*list));
	size_t i, n = 0;

	for (i = m->event_count; i-- > 0;) {
		const struct nb_event *e = &m->events[m->event_order[i]];
		struct news *x = &list[n];

		if (e->time < from)
			continue;
		x->e = e;
		if (e->kind == NB_EVENT_WITHDRAWN) {
			x->n = m->content->withdrawn[e->item].notice;
			x->title = m->content->withdrawn[e->item].title;
		} else {
			struct nb_buf url = NB_BUF_INIT;

			x->it = &m->items[e->item];
			x->n = x->it->notice;
			x->title = x->n->title;
			nb_buf_printf(&url, "%s%s", m->content->site.base_url, x->it->url);
			x->url = nb_buf_detach(&url);
		}
		x->nid = nb_feed_event_notice_id(m, e);
		x->id = nb_feed_event_id(m, e);
		n++;
	}
	*count = n;
	return list;
}

static void news_free(struct news *list, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		free(list[i].url);
		free(list[i].nid);
		free(list[i].id);
	}
	free(list);
}

/* "SCROOGE storage array failure — update Sun 10 Oct 2010, 06:47 EDT" */
static void news_text(const struct nb_model *m, const struct news *x, struct nb_buf *title,
		      struct nb_buf *html, struct nb_buf *plain)
{
	nb_buf_printf(title, "%s \u2014 ", x->title);
	nb_feed_event_text(m, x->e, 1, title, html, plain);
}

/* ---- the record of what was told ---- */

struct due {
	char *channel;
	int tries;
	char *id;
};

struct seen {
	char *id;
	int64_t time;                /* the event's */
};

struct record {
	int exists;
	char commit[GIT_OID_HEXSZ + 1];
	int64_t commit_time;
	struct nb_map seen_ids;      /* id -> index into seen */
	struct seen *seen;
	size_t seen_count, seen_alloc;
	struct due *due;
	size_t due_count, due_alloc;
};

static void record_seen(struct record *rec, const char *id, int64_t t)
{
	size_t at;

	if (nb_map_gets(&rec->seen_ids, id, &at))
		return;
	nb_grow_array(&rec->seen, &rec->seen_alloc, rec->seen_count + 1, sizeof(*rec->seen));
	rec->seen[rec->seen_count] = (struct seen){ nb_strdup(id), t };
	nb_map_sets(&rec->seen_ids, id, rec->seen_count++);
}

static void record_due(struct record *rec, const char *channel, int tries, const char *id)
{
	struct due *d;

	nb_grow_array(&rec->due, &rec->due_alloc, rec->due_count + 1, sizeof(*rec->due));
	d = &rec->due[rec->due_count++];
	d->channel = nb_strdup(channel);
	d->tries = tries;
	d->id = nb_strdup(id);
}

/* Events dated before this are history, not news: NB_NOTIFY_DAYS before
 * the commit last notified (or m's, when it is older or there is none). */
static int64_t news_from(const struct record *rec, const struct nb_model *m)
{
	int64_t t = m->content->commit_time;

	if (rec->exists && rec->commit_time < t)
		t = rec->commit_time;
	return t - (int64_t)NB_NOTIFY_DAYS * DAY;
}

static void record_release(struct record *rec)
{
	size_t i;

	for (i = 0; i < rec->seen_count; i++)
		free(rec->seen[i].id);
	free(rec->seen);
	nb_map_release(&rec->seen_ids);
	for (i = 0; i < rec->due_count; i++) {
		free(rec->due[i].channel);
		free(rec->due[i].id);
	}
	free(rec->due);
	memset(rec, 0, sizeof(*rec));
}

/*
 * Reads the record: "commit HEX TIME", "seen TIME ID" and
 * "due CHANNEL TRIES ID" lines after the header.  A missing record is an
 * empty one; 0, or -1 for one that cannot be read (it is not guessed at:
 * telling twice is worse than telling late).
 */
static int record_load(struct record *rec, const char *path)
{
	struct nb_buf b = NB_BUF_INIT;
	char *text, *line, *next;
	int rc = 0;

	memset(rec, 0, sizeof(*rec));
	if (nb_buf_read_file(&b, path, SIZE_MAX - 1) < 0) {
		nb_buf_release(&b);
		return errno == ENOENT ? 0 : -1;
	}
	text = nb_buf_detach(&b);
	if (!text || strncmp(text, HEADER, strlen(HEADER)) != 0) {
		free(text);
		return -1;
	}
	rec->exists = 1;
	for (line = text + strlen(HEADER); *line; line = next) {
		long long t;
		int tries, used = 0;
		char hex[GIT_OID_HEXSZ + 1], channel[32];

		next = strchr(line, '\n');
		if (!next) {
			rc = -1;
			break;
		}
		*next++ = '\0';
		if (sscanf(line, "commit %40s %lld", hex, &t) == 2 && strlen(hex) == GIT_OID_HEXSZ) {
			memcpy(rec->commit, hex, sizeof(hex));
			rec->commit_time = t;
		} else if (sscanf(line, "seen %lld %n", &t, &used) == 1 && used && line[used]) {
			record_seen(rec, line + used, t);
		} else if (sscanf(line, "due %31s %d %n", channel, &tries, &used) == 2 && used &&
			   line[used]) {
			record_due(rec, channel, tries, line + used);
		} else {
			rc = -1;
			break;
		}
	}
	free(text);
	return rc;
}

static int record_save(const struct record *rec, const char *path, int64_t keep_from)
{
	struct nb_buf b = NB_BUF_INIT;
	size_t i;
	int rc;

	nb_buf_puts(&b, HEADER);
	nb_buf_printf(&b, "commit %s %lld\n", rec->commit, (long long)rec->commit_time);
	for (i = 0; i < rec->seen_count; i++)
		if (rec->seen[i].time >= keep_from)
			nb_buf_printf(&b, "seen %lld %s\n", (long long)rec->seen[i].time,
				      rec->seen[i].id);
	for (i = 0; i < rec->due_count; i++)
		if (rec->due[i].id)
			nb_buf_printf(&b, "due %s %d %s\n", rec->due[i].channel, rec->due[i].tries,
				      rec->due[i].id);
	rc = nb_write_file(path, b.ptr, b.len, 0644, 1);
	nb_buf_release(&b);
	return rc;
}

/* ---- channels ---- */

/* Where news go: a webhook, or an e-mail list. */
struct channel {
	char key[17];            /* in the record: what it is and its scope, so
	                            that a changed one starts afresh */
	char label[64];          /* "webhook 2 (site.yaml line 12)" */
	char *const *servers;    /* its scope; none: every notice */
	size_t server_count;
	const struct nb_hook *hook;
	const struct nb_mail_list *list;
};

/* The channel's key from k (what it is) and its scope. */
static void channel_scope(struct channel *c, uint64_t k, char *const *servers, size_t count)
{
	size_t j;

	k = nb_hash_add64(k, count);
	for (j = 0; j < count; j++)
		k = nb_hash_add_str(k, servers[j]);
	snprintf(c->key, sizeof(c->key), "%016llx", (unsigned long long)nb_hash_end(k));
	c->servers = servers;
	c->server_count = count;
}

static void hook_channel(struct channel *c, const struct nb_hook *h, size_t i)
{
	uint64_t k = NB_HASH_START;

	memset(c, 0, sizeof(*c));
	k = nb_hash_add64(k, (uint64_t)h->format);
	k = nb_hash_add_str(k, h->url ? h->url : "");
	k = nb_hash_add_str(k, h->url_env ? h->url_env : "");
	k = nb_hash_add_str(k, h->url_file ? h->url_file : "");
	channel_scope(c, k, h->servers, h->server_count);
	snprintf(c->label, sizeof(c->label), "webhook %zu (site.yaml line %d)", i + 1, h->line);
	c->hook = h;
}

static void list_channel(struct channel *c, const struct nb_email *e, size_t i)
{
	const struct nb_mail_list *l = &e->lists[i];
	uint64_t k = NB_HASH_START;
	size_t j;

	memset(c, 0, sizeof(*c));
	k = nb_hash_add_str(k, "email");
	k = nb_hash_add_str(k, e->smtp ? e->smtp : "");
	for (j = 0; j < l->to_count; j++)
		k = nb_hash_add_str(k, l->to[j]);
	channel_scope(c, k, l->servers, l->server_count);
	snprintf(c->label, sizeof(c->label), "e-mail list %zu (site.yaml line %d)", i + 1,
		 l->line);
	c->list = l;
}

/* Whether a channel scoped to servers hears of n: n names one of them, or a
 * member of a group among them. */
static int in_scope(const struct nb_site *site, const struct channel *c,
		    const struct nb_notice *n)
{
	size_t i, j;

	if (!c->server_count)
		return 1;
	if (!n)
		return 0;
	for (i = 0; i < n->server_count; i++) {
		const struct nb_server *sv = nb_site_server(site, n->servers[i]);

		for (j = 0; j < c->server_count; j++)
			if (strcmp(n->servers[i], c->servers[j]) == 0 ||
			    (sv && sv->group && strcmp(sv->group, c->servers[j]) == 0))
				return 1;
	}
	return 0;
}

/* A secret or URL named by a variable or a file, without a trailing
 * newline; NULL (and why) when it is not there. */
static char *read_secret(const char *env, const char *file, struct nb_buf *why)
{
	if (env) {
		const char *v = getenv(env);

		if (!v || !*v) {
			nb_buf_printf(why, "$%s is not set", env);
			return NULL;
		}
		return nb_strdup(v);
	}
	if (file) {
		struct nb_buf b = NB_BUF_INIT;

		if (nb_buf_read_file(&b, file, 65536) < 0) {
			nb_buf_release(&b);
			nb_buf_printf(why, "cannot read %s: %s", file, strerror(errno));
			return NULL;
		}
		while (b.len && (b.ptr[b.len - 1] == '\n' || b.ptr[b.len - 1] == '\r'))
			b.ptr[--b.len] = '\0';
		if (!b.len) {
			nb_buf_release(&b);
			nb_buf_printf(why, "%s is empty", file);
			return NULL;
		}
		return nb_buf_detach(&b);
	}
	return NULL;
}

/* nocblog's own body: the event, its notice, servers and links. */
static json_t *json_body(const struct nb_model *m, const struct news *x, const char *title,
			 const char *html, const char *plain)
{
	const struct nb_site *site = &m->content->site;
	json_t *v = json_object(), *notice = json_object(), *servers = json_array();
	json_t *s = json_object();
	struct nb_buf url = NB_BUF_INIT;
	const char *sev;
	size_t i;

	nb_json_set(v, "id", nb_json_str(x->id));
	nb_json_set(v, "kind", json_string(kind_name(x->e->kind)));
	nb_json_set(v, "time", nb_json_time(site->timezone, x->e->time));
	nb_json_set(v, "title", nb_json_str(title));
	nb_json_set(v, "text", nb_json_str(plain));
	nb_json_set(v, "html", nb_json_str(html));
	if (x->url && x->e->kind == NB_EVENT_UPDATE)
		nb_buf_printf(&url, "%s#update-%zu", x->url, x->e->index + 1);
	else if (x->url)
		nb_buf_puts(&url, x->url);
	nb_json_set(v, "url", url.len ? nb_json_str(url.ptr) : json_null());
	nb_json_set(notice, "id", nb_json_str(x->nid));
	nb_json_set(notice, "title", nb_json_str(x->title));
	nb_json_set(notice, "url", x->url ? nb_json_str(x->url) : json_null());
	nb_json_set(notice, "kind", x->n ? json_string(nb_notice_kind_name(x->n->kind)) : json_null());
	nb_json_set(notice, "status", x->n && x->e->kind != NB_EVENT_WITHDRAWN ?
				      json_string(nb_notice_status_name(x->n->status)) :
				      json_string("withdrawn"));
	sev = x->n && x->n->kind == NB_INCIDENT ? nb_notice_severity_name(x->n->severity) : "";
	nb_json_set(notice, "severity", *sev ? json_string(sev) : json_null());
	nb_json_set(v, "notice", notice);
	for (i = 0; x->n && i < x->n->server_count; i++) {
		const struct nb_server *sv = nb_site_server(site, x->n->servers[i]);
		json_t *o = json_object();

		nb_buf_truncate(&url, 0);
		nb_buf_printf(&url, "%s", site->base_url);
		nb_model_server_url(&url, x->n->servers[i]);
		nb_json_set(o, "id", nb_json_str(x->n->servers[i]));
		nb_json_set(o, "name", nb_json_str(sv ? sv->name : x->n->servers[i]));
		nb_json_set(o, "url", nb_json_str(url.ptr));
		json_array_append_new(servers, o);
	}
	nb_json_set(v, "servers", servers);
	nb_json_set(s, "title", nb_json_str(site->title));
	nb_json_set(s, "url", nb_json_str(site->base_url));
	nb_json_set(v, "site", s);
	nb_buf_release(&url);
	return v;
}

/* Text for Slack's mrkdwn: &, < and > escaped as Slack asks. */
static void put_slack(struct nb_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			nb_buf_puts(out, "&amp;");
		else if (*s == '<')
			nb_buf_puts(out, "&lt;");
		else if (*s == '>')
			nb_buf_puts(out, "&gt;");
		else
			nb_buf_put(out, s, 1);
	}
}

/* The body for a hook's format, into body. */
static void make_body(const struct nb_model *m, const struct news *x, enum nb_hook_format fmt,
		      struct nb_buf *body)
{
	struct nb_buf title = NB_BUF_INIT, html = NB_BUF_INIT, plain = NB_BUF_INIT;
	struct nb_buf text = NB_BUF_INIT;
	json_t *v;

	news_text(m, x, &title, &html, &plain);
	if (fmt == NB_HOOK_JSON) {
		v = json_body(m, x, title.ptr, html.ptr, plain.ptr);
	} else if (fmt == NB_HOOK_SLACK) {
		nb_buf_puts(&text, "*");
		put_slack(&text, title.ptr);
		nb_buf_puts(&text, "*\n");
		put_slack(&text, plain.ptr);
		if (x->url) {
			nb_buf_puts(&text, "\n<");
			put_slack(&text, x->url);
			nb_buf_puts(&text, "|Read it on the status page>");
		}
		v = json_object();
		nb_json_set(v, "text", nb_json_str(text.ptr));
	} else {
		/* a Teams connector card: title, text (Markdown) and a link */
		v = json_object();
		nb_json_set(v, "@type", json_string("MessageCard"));
		nb_json_set(v, "@context", json_string("https://schema.org/extensions"));
		nb_json_set(v, "summary", nb_json_str(title.ptr));
		nb_json_set(v, "title", nb_json_str(title.ptr));
		nb_json_set(v, "text", nb_json_str(plain.ptr));
		if (x->url) {
			json_t *act = json_object(), *targets = json_array(), *t = json_object();

			nb_json_set(t, "os", json_string("default"));
			nb_json_set(t, "uri", nb_json_str(x->url));
			json_array_append_new(targets, t);
			nb_json_set(act, "@type", json_string("OpenUri"));
			nb_json_set(act, "name", json_string("Read it on the status page"));
			nb_json_set(act, "targets", targets);
			nb_json_set(v, "potentialAction", json_pack("[o]", act));
		}
	}
	nb_json_put(body, v);
	json_decref(v);
	nb_buf_release(&title);
	nb_buf_release(&html);
	nb_buf_release(&plain);
	nb_buf_release(&text);
}

static size_t discard(char *ptr, size_t size, size_t n, void *payload)
{
	(void)ptr;
	(void)payload;
	return size * n;
}

/* "sha256=HEX" of the body under key. */
static void signature(struct nb_buf *out, const char *key, const struct nb_buf *body)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned len = 0, i;

	HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)body->ptr, body->len,
	     mac, &len);
	nb_buf_puts(out, "sha256=");
	for (i = 0; i < len; i++)
		nb_buf_printf(out, "%02x", mac[i]);
}

/* POSTs body to url; 0 for a 2xx answer, else -1 and why. */
static int post(CURL *c, const char *url, const struct nb_buf *body, const char *type,
		const char *kind, const char *key, long timeout_ms, struct nb_buf *why)
{
	struct curl_slist *headers = NULL;
	struct nb_buf sig = NB_BUF_INIT, ev = NB_BUF_INIT, ct = NB_BUF_INIT;
	char err[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode rc;

	nb_buf_printf(&ct, "Content-Type: %s", type);
	headers = curl_slist_append(headers, ct.ptr);
	if (kind) {
		nb_buf_printf(&ev, "X-Nocblog-Event: %s", kind);
		headers = curl_slist_append(headers, ev.ptr);
	}
	if (key) {
		nb_buf_puts(&sig, "X-Nocblog-Signature-256: ");
		signature(&sig, key, body);
		headers = curl_slist_append(headers, sig.ptr);
	}
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->ptr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "nocblog/" NB_VERSION);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 5000 ? timeout_ms : 5000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	nb_buf_release(&sig);
	nb_buf_release(&ev);
	nb_buf_release(&ct);
	if (rc != CURLE_OK) {
		nb_buf_printf(why, "%s", *err ? err : curl_easy_strerror(rc));
		return -1;
	}
	if (status < 200 || status > 299) {
		nb_buf_printf(why, "answered HTTP %ld", status);
		return -1;
	}
	return 0;
}

/* ---- e-mail ---- */

/* The bare address of "Name <a@b>" or "a@b", into out. */
static void bare_address(struct nb_buf *out, const char *a)
{
	const char *lt = strchr(a, '<'), *gt = lt ? strchr(lt, '>') : NULL;

	if (lt && gt)
		nb_buf_put(out, lt + 1, (size_t)(gt - lt - 1));
	else
		nb_buf_puts(out, a);
}

/* data as base64 in lines of 76, CRLF-ended. */
static void put_base64(struct nb_buf *out, const char *data, size_t len)
{
	unsigned char line[80];
	size_t at;

	for (at = 0; at < len; at += 57) {
		size_t n = len - at < 57 ? len - at : 57;
		int w = EVP_EncodeBlock(line, (const unsigned char *)data + at, (int)n);

		nb_buf_put(out, (const char *)line, (size_t)w);
		nb_buf_puts(out, "\r\n");
	}
}

/* A header's text: as it is when printable ASCII, else an RFC 2047
 * encoded word (base64, in pieces that keep UTF-8 characters whole). */
static void put_header_text(struct nb_buf *out, const char *s)
{
	const unsigned char *p;
	size_t len = strlen(s), at = 0;

	for (p = (const unsigned char *)s; *p && *p >= 0x20 && *p < 0x7f; p++)
		;
	if (!*p) {
		nb_buf_puts(out, s);
		return;
	}
	while (at < len) {
		unsigned char enc[64];
		size_t n = len - at < 39 ? len - at : 39;
		int w;

		while (at + n < len && ((unsigned char)s[at + n] & 0xc0) == 0x80)
			n--;
		w = EVP_EncodeBlock(enc, (const unsigned char *)s + at, (int)n);
		nb_buf_printf(out, "%s=?UTF-8?B?%.*s?=", at ? "\r\n " : "", w, enc);
		at += n;
	}
}

/* The message for one event to one list: plain text and HTML. */
static void make_mail(const struct nb_model *m, const struct news *x, const struct nb_email *e,
		      const struct nb_mail_list *l, const char *channel, struct nb_buf *out)
{
	const struct nb_site *site = &m->content->site;
	struct nb_buf title = NB_BUF_INIT, html = NB_BUF_INIT, plain = NB_BUF_INIT;
	struct nb_buf host = NB_BUF_INIT, part = NB_BUF_INIT;
	struct nb_buf from = NB_BUF_INIT;
	char date[64], boundary[40];
	uint64_t mid = nb_hash_add_str(nb_hash_add_str(NB_HASH_START, x->id), channel);
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	news_text(m, x, &title, &html, &plain);
	nb_site_host(&host, site);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(boundary, sizeof(boundary), "nocblog-%016llx",
		 (unsigned long long)nb_hash_end(mid));
	nb_buf_printf(out, "From: %s\r\nTo: ", e->from);
	for (i = 0; i < l->to_count; i++)
		nb_buf_printf(out, "%s%s", i ? ",\r\n " : "", l->to[i]);
	nb_buf_puts(out, "\r\nSubject: ");
	put_header_text(out, title.ptr);
	nb_buf_printf(out, "\r\nDate: %s\r\n", date);
	nb_buf_printf(out, "Message-ID: <%016llx.%s@%s>\r\n",
		      (unsigned long long)nb_hash_end(mid), channel, host.ptr);
	nb_buf_printf(out, "List-Id: <notices.%s>\r\n", host.ptr);
	if (l->unsubscribe) {
		nb_buf_printf(out, "List-Unsubscribe: <%s>\r\n", l->unsubscribe);
	} else {
		bare_address(&from, e->from);
		nb_buf_printf(out, "List-Unsubscribe: <mailto:%s?subject=unsubscribe>\r\n",
			      from.ptr);
	}
	nb_buf_printf(out, "Auto-Submitted: auto-generated\r\nX-Nocblog-Event: %s\r\n"
		      "MIME-Version: 1.0\r\n"
		      "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n",
		      kind_name(x->e->kind), boundary);
	nb_buf_printf(&part, "%s\n\n%s\n", title.ptr, plain.ptr);
	if (x->url)
		nb_buf_printf(&part, "\n%s\n", x->url);
	nb_buf_printf(out, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
		      "Content-Transfer-Encoding: base64\r\n\r\n", boundary);
	put_base64(out, part.ptr, part.len);
	nb_buf_truncate(&part, 0);
	nb_buf_puts(&part, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n<h1>");
	nb_xml_escape_into(&part, title.ptr);
	nb_buf_printf(&part, "</h1>\n%s", html.ptr);
	if (x->url) {
		nb_buf_puts(&part, "<p><a href=\"");
		nb_xml_escape_into(&part, x->url);
		nb_buf_puts(&part, "\">Read it on the status page</a></p>\n");
	}
	nb_buf_puts(&part, "</body></html>\n");
	nb_buf_printf(out, "--%s\r\nContent-Type: text/html; charset=utf-8\r\n"
		      "Content-Transfer-Encoding: base64\r\n\r\n", boundary);
	put_base64(out, part.ptr, part.len);
	nb_buf_printf(out, "--%s--\r\n", boundary);
	nb_buf_release(&title);
	nb_buf_release(&html);
	nb_buf_release(&plain);
	nb_buf_release(&host);
	nb_buf_release(&part);
	nb_buf_release(&from);
}

struct reader {
	const struct nb_buf *b;
	size_t at;
};

static size_t read_mail(char *ptr, size_t size, size_t n, void *payload)
{
	struct reader *r = payload;
	size_t left = r->b->len - r->at, want = size * n;

	if (want > left)
		want = left;
	memcpy(ptr, r->b->ptr + r->at, want);
	r->at += want;
	return want;
}

/* Sends a message to a list over SMTP; 0, or -1 and why. */
static int send_mail(CURL *c, const struct nb_email *e, const struct nb_mail_list *l,
		     const char *password, const struct nb_buf *msg, long timeout_ms,
		     struct nb_buf *why)
{
	struct curl_slist *rcpt = NULL;
	struct nb_buf from = NB_BUF_INIT, a = NB_BUF_INIT;
	struct reader r = { msg, 0 };
	char err[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	size_t i;

	bare_address(&from, e->from);
	for (i = 0; i < l->to_count; i++) {
		nb_buf_truncate(&a, 0);
		bare_address(&a, l->to[i]);
		rcpt = curl_slist_append(rcpt, a.ptr);
	}
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, e->smtp);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.ptr);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_mail);
	curl_easy_setopt(c, CURLOPT_READDATA, &r);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	if (strncmp(e->smtp, "smtp://", 7) == 0 && e->starttls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (e->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, e->ca_file);
	if (e->user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, e->user);
		if (password)
			curl_easy_setopt(c, CURLOPT_PASSWORD, password);
	}
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 5000 ? timeout_ms : 5000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	rc = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	nb_buf_release(&from);
	nb_buf_release(&a);
	if (rc != CURLE_OK) {
		nb_buf_printf(why, "%s", *err ? err : curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What a build has to deliver: the record, the news, and the clock. */
struct run {
	const struct nb_model *m;
	struct record *rec;
	struct news *cand;           /* every event still news-worthy */
	size_t cand_count;
	struct nb_map by_id;         /* id -> index into cand */
	int64_t deadline;            /* monotonic ms */
	CURL *curl;
	struct nb_notify_result *r;
};

/*
 * One channel's deliveries, in order: what earlier builds left due, then
 * the news in its scope.  At the first failure the rest wait for the next
 * build (so they arrive in order); a delivery tried NB_NOTIFY_TRIES times
 * is given up.
 */
static void deliver(struct run *run, const struct channel *c, const size_t *fresh,
		    size_t fresh_count)
{
	const struct nb_site *site = &run->m->content->site;
	const struct nb_hook *h = c->hook;
	const struct nb_email *e = site->email;
	struct due *queue = NULL;
	size_t qn = 0, qalloc = 0, i;
	char *url = NULL, *key = NULL;
	struct nb_buf why = NB_BUF_INIT;
	int stopped = 0, usable;

	/* the queue: what was due, still news, then the news */
	for (i = 0; i < run->rec->due_count; i++) {
		struct due *d = &run->rec->due[i];
		size_t at;

		if (!d->id || strcmp(d->channel, c->key) != 0)
			continue;
		if (nb_map_gets(&run->by_id, d->id, &at)) {
			nb_grow_array(&queue, &qalloc, qn + 1, sizeof(*queue));
			queue[qn++] = (struct due){ NULL, d->tries, d->id };
		} else {
			free(d->id);
		}
		d->id = NULL;  /* taken: put back below if still due */
	}
	for (i = 0; i < fresh_count; i++)
		if (in_scope(site, c, run->cand[fresh[i]].n)) {
			nb_grow_array(&queue, &qalloc, qn + 1, sizeof(*queue));
			queue[qn++] = (struct due){ NULL, 0, nb_strdup(run->cand[fresh[i]].id) };
		}
	if (!qn)
		goto done;
	if (h) {
		url = h->url ? nb_strdup(h->url) : read_secret(h->url_env, h->url_file, &why);
		if (url && (h->secret_env || h->secret_file))
			key = read_secret(h->secret_env, h->secret_file, &why);
		usable = url && (key || !(h->secret_env || h->secret_file));
	} else {
		if (e->password_env || e->password_file)
			key = read_secret(e->password_env, e->password_file, &why);
		usable = key || !(e->password_env || e->password_file);
	}
	for (i = 0; i < qn; i++) {
		struct due *q = &queue[i];
		int failed_here = 0;

		if (!stopped) {
			int64_t left = run->deadline - now_ms();

			if (left <= 0) {
				stopped = 2;
			} else if (!usable) {
				stopped = failed_here = 1;
			} else {
				struct nb_buf body = NB_BUF_INIT;
				const struct news *x;
				size_t at = 0;
				long budget = left < NB_NOTIFY_TIMEOUT_MS ? (long)left : NB_NOTIFY_TIMEOUT_MS;
				int ok;

				nb_map_gets(&run->by_id, q->id, &at);
				x = &run->cand[at];
				if (h) {
					make_body(run->m, x, h->format, &body);
					ok = post(run->curl, url, &body, "application/json",
						  h->format == NB_HOOK_JSON ? kind_name(x->e->kind) : NULL,
						  key, budget, &why) == 0;
				} else {
					make_mail(run->m, x, e, c->list, c->key, &body);
					ok = send_mail(run->curl, e, c->list, key, &body, budget, &why) == 0;
				}
				nb_buf_release(&body);
				if (ok) {
					run->r->sent++;
					free(q->id);
					continue;
				}
				stopped = failed_here = 1;
			}
		}
		if (failed_here) {
			run->r->failed++;
			if (++q->tries >= NB_NOTIFY_TRIES) {
				nb_buf_printf(&run->r->report, "%s: gave up on %s after %d tries: %s\n",
					      c->label, q->id, q->tries, why.ptr);
				free(q->id);
				/* given up: the next is the first to try now */
				stopped = 0;
				nb_buf_truncate(&why, 0);
				continue;
			}
			nb_buf_printf(&run->r->report, "%s: %s; the next build tries again\n", c->label,
				      why.ptr);
		} else {
			run->r->waiting++;
		}
		record_due(run->rec, c->key, q->tries, q->id);
		free(q->id);
	}
done:
	free(queue);
	free(url);
	free(key);
	nb_buf_release(&why);
}

/* Takes the lock that keeps two builds from telling the same news. */
static int lock_record(git_repository *repo)
{
	char *path = nb_repo_git_path(repo, NB_NOTIFY_LOCK);
	int fd;

	nb_make_dirs(path, 0);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(path);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int nb_notify_pending(git_repository *repo)
{
	char *path = nb_repo_git_path(repo, NB_NOTIFY_PATH);
	struct record rec;
	int due = record_load(&rec, path) == 0 && rec.due_count > 0;

	record_release(&rec);
	free(path);
	return due;
}

/*
 * Tells the hub of each feed among the files written (hub.mode=publish,
 * one request a feed, in path order).  Best effort: a hub that fails hears
 * of the next change; feed readers poll meanwhile.
 */
static void ping_hub(const struct nb_site *site, CURL *c, const char *written,
		     struct nb_notify_result *r)
{
	char **paths = NULL;
	size_t n = 0, alloc = 0, i;
	const char *p = written;
	int64_t deadline = now_ms() + NB_NOTIFY_BUDGET_MS;

	while (p && *p) {
		size_t len = strcspn(p, "\n");

		if (len && nb_feed_is_feed(p, len)) {
			nb_grow_array(&paths, &alloc, n + 1, sizeof(*paths));
			paths[n++] = nb_strndup(p, len);
		}
		p += len + (p[len] == '\n');
	}
	nb_sort(paths, n, sizeof(*paths), nb_str_order);
	for (i = 0; i < n; i++) {
		struct nb_buf url = NB_BUF_INIT, body = NB_BUF_INIT, why = NB_BUF_INIT;
		char *enc;
		int64_t left = deadline - now_ms();

		nb_buf_printf(&url, "%s%s", site->base_url, paths[i]);
		enc = curl_easy_escape(c, url.ptr, (int)url.len);
		nb_buf_printf(&body, "hub.mode=publish&hub.url=%s", enc ? enc : "");
		curl_free(enc);
		if (left > 0 && post(c, site->hub, &body, "application/x-www-form-urlencoded",
				     NULL, NULL, left < NB_NOTIFY_TIMEOUT_MS ? left :
				     NB_NOTIFY_TIMEOUT_MS, &why) == 0) {
			r->pinged++;
		} else {
			nb_buf_printf(&r->report, "hub %s: %s for %s\n", site->hub,
				      left > 0 ? why.ptr : "no time left", url.ptr);
			i = n;  /* the next change tells it again */
		}
		nb_buf_release(&url);
		nb_buf_release(&body);
		nb_buf_release(&why);
	}
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

int nb_notify_run(const struct nb_model *m, git_repository *repo, const git_oid *commit,
		  const char *written, struct nb_notify_result *r)
{
	const struct nb_site *site = &m->content->site;
	struct record rec;
	struct run run;
	char *path = NULL, hex[GIT_OID_HEXSZ + 1];
	size_t *fresh = NULL, fresh_count = 0, i;
	int64_t from;
	int fd, rc = 0;

	memset(r, 0, sizeof(*r));
	if (site->hub && written && *written) {
		CURL *c;

		curl_global_init(CURL_GLOBAL_DEFAULT);
		c = curl_easy_init();
		ping_hub(site, c, written, r);
		curl_easy_cleanup(c);
		curl_global_cleanup();
	}
	if (!site->hook_count && !(site->email && site->email->list_count))
		return 0;
	fd = lock_record(repo);
	if (fd < 0)
		return -1;
	path = nb_repo_git_path(repo, NB_NOTIFY_PATH);
	if (record_load(&rec, path) < 0) {
		nb_buf_printf(&r->report, "cannot read %s: remove it to start notifying afresh "
			      "(what is there now will not be sent)\n", path);
		rc = -1;
		goto cleanup;
	}
	git_oid_tostr(hex, sizeof(hex), commit);
	/* an older commit built again: its news were told, or are stale */
	if (rec.exists && strcmp(rec.commit, hex) != 0) {
		git_oid was;

		if (git_oid_fromstr(&was, rec.commit) == 0 &&
		    git_graph_descendant_of(repo, &was, commit) == 1)
			goto cleanup;
	}
	r->ran = 1;
	from = news_from(&rec, m);
	memset(&run, 0, sizeof(run));
	run.m = m;
	run.rec = &rec;
	run.r = r;
	run.cand = collect(m, from, &run.cand_count);
	fresh = nb_calloc(run.cand_count + 1, sizeof(*fresh));
	for (i = 0; i < run.cand_count; i++) {
		size_t at;

		nb_map_sets(&run.by_id, run.cand[i].id, i);
		if (!nb_map_gets(&rec.seen_ids, run.cand[i].id, &at))
			fresh[fresh_count++] = i;
	}
	r->news = fresh_count;
	if (!rec.exists) {
		r->first = 1;
	} else if (fresh_count || rec.due_count) {
		struct channel c;
		size_t h;

		run.deadline = now_ms() + NB_NOTIFY_BUDGET_MS;
		curl_global_init(CURL_GLOBAL_DEFAULT);
		run.curl = curl_easy_init();
		for (h = 0; h < site->hook_count; h++) {
			hook_channel(&c, &site->hooks[h], h);
			deliver(&run, &c, fresh, fresh_count);
		}
		for (h = 0; site->email && h < site->email->list_count; h++) {
			list_channel(&c, site->email, h);
			deliver(&run, &c, fresh, fresh_count);
		}
		curl_easy_cleanup(run.curl);
		curl_global_cleanup();
	}
	for (i = 0; i < fresh_count; i++)
		record_seen(&rec, run.cand[fresh[i]].id, run.cand[fresh[i]].e->time);
	memcpy(rec.commit, hex, sizeof(hex));
	rec.commit_time = m->content->commit_time;
	if (record_save(&rec, path, rec.commit_time - (int64_t)NB_NOTIFY_DAYS * DAY) < 0) {
		nb_buf_printf(&r->report, "cannot write %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	news_free(run.cand, run.cand_count);
	nb_map_release(&run.by_id);
	free(fresh);
cleanup:
	record_release(&rec);
	free(path);
	close(fd);
	return rc;
}

size_t nb_notify_preview(const struct nb_model *m, git_repository *repo,
			 const struct nb_model *since, struct nb_buf *out)
{
	struct record rec;
	struct nb_map before = NB_MAP_INIT;
	struct news *list, *old = NULL;
	size_t count, old_count = 0, i, shown = 0;
	char *path = nb_repo_git_path(repo, NB_NOTIFY_PATH);
	int64_t from;

	if (record_load(&rec, path) < 0)
		memset(&rec, 0, sizeof(rec));
	free(path);
	if (since) {
		old = collect(since, INT64_MIN, &old_count);
		for (i = 0; i < old_count; i++)
			nb_map_sets(&before, old[i].id, i);
		from = INT64_MIN;
	} else {
		from = news_from(&rec, m);
	}
	list = collect(m, from, &count);
	for (i = 0; i < count; i++) {
		struct nb_buf title = NB_BUF_INIT, html = NB_BUF_INIT, plain = NB_BUF_INIT;
		size_t at;

		if (since ? nb_map_gets(&before, list[i].id, &at) :
			    (!rec.exists || nb_map_gets(&rec.seen_ids, list[i].id, &at)))
			continue;
		news_text(m, &list[i], &title, &html, &plain);
		nb_buf_printf(out, "%s\t%s\t%s\n", list[i].id, kind_name(list[i].e->kind), title.ptr);
		shown++;
		nb_buf_release(&title);
		nb_buf_release(&html);
		nb_buf_release(&plain);
	}
	news_free(list, count);
	news_free(old, old_count);
	nb_map_release(&before);
	record_release(&rec);
	return shown;
}
