#include "noticecache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "map.h"
#include "notice.h"
#include "util.h"

/* Bump when what a parse gives, or how it is written here, changes. */
#define NB_NOTICECACHE_FORMAT 2
#define HEAD_LEN (GIT_OID_RAWSZ + sizeof(uint32_t) + sizeof(uint64_t))

/*
 * The file: a line "nocblog-notices FORMAT ZONE", then records, each the
 * blob id (20 bytes), the length of what follows (4 bytes), a hash of it
 * (8 bytes: a record damaged is not taken), and the notice as written by
 * put_notice, numbers in this machine's byte order (the file never leaves
 * it).  A later record of an id replaces an earlier one.
 */
struct nb_noticecache {
	char *path;
	char *zone;
	struct nb_buf data;       /* the file as read */
	size_t good;              /* data's records end here (the rest is cut short) */
	struct nb_map at;         /* blob id -> offset of its record's body in data */
	struct nb_map used;       /* blob ids read or put by this build */
	struct nb_buf fresh;      /* records put by this build */
	size_t fresh_count, old_count;
	int anew;                 /* the file must be written whole */
};

/* ---- writing a notice ---- */

static void put_bytes(struct nb_buf *b, const void *p, size_t n)
{
	nb_buf_put(b, p, n);
}

static void put_i64(struct nb_buf *b, int64_t v)
{
	put_bytes(b, &v, sizeof(v));
}

/* A string, or NULL: its length + 1 (0 for NULL), then its bytes. */
static void put_str(struct nb_buf *b, const char *s)
{
	put_i64(b, s ? (int64_t)strlen(s) + 1 : 0);
	if (s)
		put_bytes(b, s, strlen(s));
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
		put_bytes(b, &u->stamp, sizeof(u->stamp));
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

static void header(struct nb_buf *b, const char *zone)
{
	nb_buf_printf(b, "nocblog-notices %d %s\n", NB_NOTICECACHE_FORMAT, zone);
}

/* Indexes the records of the file read; what follows a record cut short
 * (a build killed while appending) is dropped. */
static void index_records(struct nb_noticecache *nc, size_t from)
{
	size_t off = from;

	while (off + HEAD_LEN <= nc->data.len) {
		uint32_t len;

		memcpy(&len, nc->data.ptr + off + GIT_OID_RAWSZ, sizeof(len));
		if (len > nc->data.len - off - HEAD_LEN)
			break;
		nb_map_set(&nc->at, nc->data.ptr + off, GIT_OID_RAWSZ, off + HEAD_LEN);
		nc->old_count++;
		off += HEAD_LEN + len;
	}
	nc->good = off;
	nc->anew |= off != nc->data.len;
}

struct nb_noticecache *nb_noticecache_open(git_repository *repo, const char *zone)
{
	struct nb_noticecache *nc = nb_calloc(1, sizeof(*nc));
	struct nb_buf path = NB_BUF_INIT, head = NB_BUF_INIT;

	nb_buf_printf(&path, "%s%s", git_repository_path(repo), NB_NOTICECACHE_PATH);
	nc->path = nb_buf_detach(&path);
	nc->zone = nb_strdup(zone);
	header(&head, zone);
	if (nb_buf_read_file(&nc->data, nc->path, SIZE_MAX - 1) == 0 && nc->data.len >= head.len &&
	    memcmp(nc->data.ptr, head.ptr, head.len) == 0)
		index_records(nc, head.len);
	else
		nc->anew = 1;
	nb_buf_release(&head);
	return nc;
}

int nb_noticecache_get(struct nb_noticecache *nc, const git_oid *id, const char *path,
		       struct nb_notice *n)
{
	struct reader r;
	size_t off;
	uint32_t len;
	uint64_t sum;

	if (!nc || git_oid_is_zero(id) || !nb_map_get(&nc->at, id->id, GIT_OID_RAWSZ, &off))
		return 0;
	memcpy(&len, nc->data.ptr + off - sizeof(sum) - sizeof(len), sizeof(len));
	memcpy(&sum, nc->data.ptr + off - sizeof(sum), sizeof(sum));
	r.p = nc->data.ptr + off;
	r.end = r.p + len;
	r.bad = nb_hash(r.p, len) != sum;
	memset(n, 0, sizeof(*n));
	if (!r.bad)
		get_notice(&r, n);
	if (r.bad || r.p != r.end) {
		nb_notice_release(n);
		memset(n, 0, sizeof(*n));
		nb_map_remove(&nc->at, id->id, GIT_OID_RAWSZ);
		nc->anew = 1;
		return 0;
	}
	n->path = nb_strdup(path);
	n->slug = nb_notice_slug(path);
	nb_map_set(&nc->used, id->id, GIT_OID_RAWSZ, 1);
	return 1;
}

void nb_noticecache_put(struct nb_noticecache *nc, const git_oid *id, const struct nb_notice *n)
{
	struct nb_buf body = NB_BUF_INIT;
	uint32_t len;
	uint64_t sum;

	if (!nc || git_oid_is_zero(id))
		return;
	put_notice(&body, n);
	if (body.len > UINT32_MAX) { /* notices are far smaller */
		nb_buf_release(&body);
		return;
	}
	len = (uint32_t)body.len;
	sum = nb_hash(body.ptr, body.len);
	put_bytes(&nc->fresh, id->id, GIT_OID_RAWSZ);
	put_bytes(&nc->fresh, &len, sizeof(len));
	put_bytes(&nc->fresh, &sum, sizeof(sum));
	put_bytes(&nc->fresh, body.ptr, body.len);
	nc->fresh_count++;
	nb_map_set(&nc->used, id->id, GIT_OID_RAWSZ, 1);
	nb_buf_release(&body);
}

/* The records of the file this build used, to write the file anew. */
static void used_records(struct nb_noticecache *nc, struct nb_buf *out)
{
	size_t i;

	for (i = 0; i < nc->at.cap; i++) {
		const struct nb_map_slot *s = &nc->at.slots[i];
		uint32_t len;

		if (!s->key || !nb_map_get(&nc->used, s->key, s->len, NULL))
			continue;
		memcpy(&len, nc->data.ptr + s->value - HEAD_LEN + GIT_OID_RAWSZ, sizeof(len));
		put_bytes(out, nc->data.ptr + s->value - HEAD_LEN, HEAD_LEN + len);
	}
}

int nb_noticecache_save(struct nb_noticecache *nc)
{
	struct nb_buf all = NB_BUF_INIT, dir = NB_BUF_INIT;
	int rc = 0;

	if (!nc || (!nc->fresh_count && !nc->anew))
		return 0;
	/* mostly versions no commit holds any more: written anew */
	if (nc->anew || nc->old_count > 2 * nc->used.count + 1000) {
		header(&all, nc->zone);
		used_records(nc, &all);
		put_bytes(&all, nc->fresh.ptr, nc->fresh.len);
		nb_buf_puts(&dir, nc->path);
		nb_buf_truncate(&dir, (size_t)(strrchr(dir.ptr, '/') - dir.ptr));
		mkdir(dir.ptr, 0755);
		rc = nb_write_file(nc->path, all.ptr, all.len, 0644, 1);
	} else {
		FILE *f = fopen(nc->path, "ab");

		rc = f && fwrite(nc->fresh.ptr, 1, nc->fresh.len, f) == nc->fresh.len ? 0 : -1;
		if (f && fclose(f) != 0)
			rc = -1;
	}
	nb_buf_release(&all);
	nb_buf_release(&dir);
	return rc;
}

void nb_noticecache_free(struct nb_noticecache *nc)
{
	if (!nc)
		return;
	free(nc->path);
	free(nc->zone);
	nb_buf_release(&nc->data);
	nb_buf_release(&nc->fresh);
	nb_map_release(&nc->at);
	nb_map_release(&nc->used);
	free(nc);
}
