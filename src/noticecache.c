#include "noticecache.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "map.h"
#include "notice.h"
#include "repo.h"
#include "store.h"
#include "util.h"

/* Bump when what a parse gives, or how it is written here, changes. */
#define NB_NOTICECACHE_FORMAT 3

/* A store (see store.h) keyed by blob id, whose header names the format and
 * the zone; each value the notice as written by put_notice. */
struct nb_noticecache {
	struct nb_store *store;
};

/* ---- writing a notice ---- */

static void put_i64(struct nb_buf *b, int64_t v)
{
	nb_buf_put(b, &v, sizeof(v));
}

/* A string, or NULL: its length + 1 (0 for NULL), then its bytes. */
static void put_str(struct nb_buf *b, const char *s)
{
	put_i64(b, s ? (int64_t)strlen(s) + 1 : 0);
	if (s)
		nb_buf_put(b, s, strlen(s));
}

static void put_notice(struct nb_buf *b, const struct nb_notice *n)
{
	size_t i;

	put_i64(b, (int64_t)n->text_hash);
	put_str(b, n->title);
	put_i64(b, (int64_t)n->server_count);
	for (i = 0; i < n->server_count; i++)
		put_str(b, n->servers[i]);
	put_i64(b, n->servers_line);
	put_i64(b, n->kind);
	put_i64(b, n->status);
	put_i64(b, n->has_status);
	put_i64(b, n->severity);
	put_i64(b, n->has_date);
	put_i64(b, n->date_line);
	put_i64(b, n->published);
	put_i64(b, n->published_source);
	put_i64(b, n->has_window);
	put_i64(b, n->window_start);
	put_i64(b, n->window_end);
	put_str(b, n->stated_author);
	put_str(b, n->body);
	put_i64(b, n->body_line);
	put_i64(b, (int64_t)n->update_count);
	for (i = 0; i < n->update_count; i++) {
		const struct nb_update *u = &n->updates[i];

		put_i64(b, u->line);
		put_str(b, u->stamp_text);
		nb_buf_put(b, &u->stamp, sizeof(u->stamp));
		put_i64(b, u->day_floor);
		put_str(b, u->markdown);
		put_i64(b, u->time);
		put_i64(b, u->source);
	}
}

/* ---- reading one back ---- */

struct reader {
	const char *p, *end;
	int bad;
};

static void get_bytes(struct reader *r, void *out, size_t n)
{
	if ((size_t)(r->end - r->p) < n) {
		r->bad = 1;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
}

static int64_t get_i64(struct reader *r)
{
	int64_t v;

	get_bytes(r, &v, sizeof(v));
	return v;
}

/* A copy of the string (NULL for NULL); the caller frees it. */
static char *get_str(struct reader *r)
{
	int64_t n = get_i64(r);
	char *s;

	if (n <= 0 || r->bad)
		return NULL;
	if (n - 1 > r->end - r->p) {
		r->bad = 1;
		return NULL;
	}
	s = nb_strndup(r->p, (size_t)n - 1);
	r->p += n - 1;
	return s;
}

/* A count no larger than what the record could hold. */
static size_t get_count(struct reader *r)
{
	int64_t n = get_i64(r);

	if (n < 0 || n > r->end - r->p) {
		r->bad = 1;
		return 0;
	}
	return (size_t)n;
}

static void get_notice(struct reader *r, struct nb_notice *n)
{
	size_t i;

	n->text_hash = (uint64_t)get_i64(r);
	n->title = get_str(r);
	n->server_count = get_count(r);
	n->servers = nb_calloc(n->server_count + 1, sizeof(*n->servers));
	for (i = 0; i < n->server_count; i++)
		n->servers[i] = get_str(r);
	n->servers_line = (int)get_i64(r);
	n->kind = (enum nb_kind)get_i64(r);
	n->status = (enum nb_status)get_i64(r);
	n->has_status = (int)get_i64(r);
	n->severity = (enum nb_severity)get_i64(r);
	n->has_date = (int)get_i64(r);
	n->date_line = (int)get_i64(r);
	n->published = get_i64(r);
	n->published_source = (enum nb_time_source)get_i64(r);
	n->has_window = (int)get_i64(r);
	n->window_start = get_i64(r);
	n->window_end = get_i64(r);
	n->stated_author = get_str(r);
	n->body = get_str(r);
	n->body_line = (int)get_i64(r);
	n->update_count = get_count(r);
	n->updates = nb_calloc(n->update_count + 1, sizeof(*n->updates));
	for (i = 0; i < n->update_count; i++) {
		struct nb_update *u = &n->updates[i];

		u->line = (int)get_i64(r);
		u->stamp_text = get_str(r);
		if (!u->stamp_text)
			u->stamp_text = nb_strdup("");
		get_bytes(r, &u->stamp, sizeof(u->stamp));
		u->day_floor = get_i64(r);
		u->markdown = get_str(r);
		u->time = get_i64(r);
		u->source = (enum nb_time_source)get_i64(r);
	}
}

/* ---- the file ---- */

struct nb_noticecache *nb_noticecache_open(git_repository *repo, const char *zone)
{
	struct nb_buf head = NB_BUF_INIT;
	char *path = nb_repo_git_path(repo, NB_NOTICECACHE_PATH);
	struct nb_noticecache *nc;

	nb_buf_printf(&head, "nocblog-notices %d %s", NB_NOTICECACHE_FORMAT, zone);
	nc = nb_calloc(1, sizeof(*nc));
	nc->store = nb_store_open(path, head.ptr, GIT_OID_RAWSZ, 0);
	free(path);
	nb_buf_release(&head);
	return nc;
}

int nb_noticecache_get(struct nb_noticecache *nc, const git_oid *id, const char *path,
		       struct nb_notice *n)
{
	struct nb_buf value = NB_BUF_INIT;
	struct reader r;

	if (!nc || git_oid_is_zero(id) || !nb_store_get(nc->store, id->id, &value))
		return 0;
	r.p = value.ptr;
	r.end = r.p + value.len;
	r.bad = 0;
	memset(n, 0, sizeof(*n));
	get_notice(&r, n);
	nb_buf_release(&value);
	if (r.bad || r.p != r.end) {
		nb_notice_release(n);
		memset(n, 0, sizeof(*n));
		nb_store_forget(nc->store, id->id);
		return 0;
	}
	n->path = nb_strdup(path);
	n->slug = nb_notice_slug(path);
	return 1;
}

void nb_noticecache_put(struct nb_noticecache *nc, const git_oid *id, const struct nb_notice *n)
{
	struct nb_buf body = NB_BUF_INIT;

	if (!nc || git_oid_is_zero(id))
		return;
	put_notice(&body, n);
	nb_store_put(nc->store, id->id, 0, body.ptr, body.len);
	nb_buf_release(&body);
}

int nb_noticecache_save(struct nb_noticecache *nc)
{
	return nc ? nb_store_save(nc->store) : 0;
}

void nb_noticecache_free(struct nb_noticecache *nc)
{
	if (!nc)
		return;
	nb_store_free(nc->store);
	free(nc);
}
