#include "store.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "map.h"
#include "util.h"

struct nb_store {
	pthread_mutex_t lock;
	char *path;
	char *header;             /* with its line end */
	size_t key_len, head_len; /* a record's key, length and hash */
	size_t tag_len;           /* 8 before each value in a tagged store, else 0 */
	struct nb_map live;       /* tags whose records are kept */
	struct nb_buf data;       /* the file as read */
	struct nb_map at;         /* key -> offset of its record in data */
	struct nb_buf fresh;      /* records put by this build */
	struct nb_map fresh_at;   /* key -> offset of its record in fresh */
	struct nb_map used;       /* keys read or put by this build */
	size_t old_count;
	int anew;                 /* the file must be written whole */
};

static void put_bytes(struct nb_buf *b, const void *p, size_t n)
{
	nb_buf_put(b, p, n);
}

/* Indexes the records of the file read; what follows a record cut short is
 * dropped. */
static void index_records(struct nb_store *st, size_t from)
{
	size_t off = from;

	while (off + st->head_len <= st->data.len) {
		uint32_t len;

		memcpy(&len, st->data.ptr + off + st->key_len, sizeof(len));
		if (len > st->data.len - off - st->head_len || len < st->tag_len)
			break;
		nb_map_set(&st->at, st->data.ptr + off, st->key_len, off);
		st->old_count++;
		off += st->head_len + len;
	}
	st->anew |= off != st->data.len;
}

struct nb_store *nb_store_open(const char *path, const char *header, size_t key_len,
			       int tagged)
{
	struct nb_store *st = nb_calloc(1, sizeof(*st));
	struct nb_buf head = NB_BUF_INIT;

	pthread_mutex_init(&st->lock, NULL);
	st->path = nb_strdup(path);
	nb_buf_printf(&head, "%s\n", header);
	st->header = nb_buf_detach(&head);
	st->key_len = key_len;
	st->head_len = key_len + sizeof(uint32_t) + sizeof(uint64_t);
	st->tag_len = tagged ? sizeof(uint64_t) : 0;
	if (nb_buf_read_file(&st->data, st->path, SIZE_MAX - 1) == 0 &&
	    st->data.len >= strlen(st->header) &&
	    memcmp(st->data.ptr, st->header, strlen(st->header)) == 0)
		index_records(st, strlen(st->header));
	else
		st->anew = 1;
	return st;
}

/* The value of the record at rec (after its tag), when its hash holds. */
static int record_value(const struct nb_store *st, const char *rec, const char **value,
			uint32_t *len)
{
	uint64_t sum;

	memcpy(len, rec + st->key_len, sizeof(*len));
	memcpy(&sum, rec + st->key_len + sizeof(*len), sizeof(sum));
	*value = rec + st->head_len;
	if (*len < st->tag_len || nb_hash(*value, *len) != sum)
		return 0;
	*value += st->tag_len;
	*len -= (uint32_t)st->tag_len;
	return 1;
}

int nb_store_get(struct nb_store *st, const void *key, struct nb_buf *out)
{
	const char *value = NULL;
	uint32_t len = 0;
	size_t off;
	int found = 0;

	if (!st)
		return 0;
	pthread_mutex_lock(&st->lock);
	if (nb_map_get(&st->fresh_at, key, st->key_len, &off)) {
		found = record_value(st, st->fresh.ptr + off, &value, &len);
	} else if (nb_map_get(&st->at, key, st->key_len, &off)) {
		found = record_value(st, st->data.ptr + off, &value, &len);
		if (!found) {
			nb_map_remove(&st->at, key, st->key_len);
			st->anew = 1;
		}
	}
	if (found) {
		nb_buf_put(out, value, len);
		nb_map_set(&st->used, key, st->key_len, 1);
	}
	pthread_mutex_unlock(&st->lock);
	return found;
}

void nb_store_put(struct nb_store *st, const void *key, uint64_t tag, const void *value,
		  size_t len)
{
	uint32_t n;
	uint64_t sum;

	if (!st || len > UINT32_MAX - st->tag_len)
		return;
	n = (uint32_t)(len + st->tag_len);
	sum = nb_hash_end(nb_hash_add(nb_hash_add(NB_HASH_START, &tag, st->tag_len), value, len));
	pthread_mutex_lock(&st->lock);
	nb_map_set(&st->fresh_at, key, st->key_len, st->fresh.len);
	put_bytes(&st->fresh, key, st->key_len);
	put_bytes(&st->fresh, &n, sizeof(n));
	put_bytes(&st->fresh, &sum, sizeof(sum));
	put_bytes(&st->fresh, &tag, st->tag_len);
	put_bytes(&st->fresh, value, len);
	nb_map_set(&st->used, key, st->key_len, 1);
	pthread_mutex_unlock(&st->lock);
}

void nb_store_live(struct nb_store *st, uint64_t tag)
{
	if (!st || !st->tag_len)
		return;
	pthread_mutex_lock(&st->lock);
	nb_map_set64(&st->live, tag, 1);
	pthread_mutex_unlock(&st->lock);
}

void nb_store_forget(struct nb_store *st, const void *key)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	nb_map_remove(&st->at, key, st->key_len);
	nb_map_remove(&st->fresh_at, key, st->key_len);
	nb_map_remove(&st->used, key, st->key_len);
	st->anew = 1;
	pthread_mutex_unlock(&st->lock);
}

/* Whether the old record at off is worth keeping: used by this build, or
 * tagged live. */
static int worth_keeping(const struct nb_store *st, size_t off)
{
	uint64_t tag;

	if (nb_map_get(&st->used, st->data.ptr + off, st->key_len, NULL))
		return 1;
	if (!st->tag_len)
		return 0;
	memcpy(&tag, st->data.ptr + off + st->head_len, sizeof(tag));
	return nb_map_get64(&st->live, tag, NULL);
}

/* The records of the old file worth keeping that this build did not put
 * again (to out when not NULL); how many. */
static size_t kept_records(const struct nb_store *st, struct nb_buf *out)
{
	size_t i, n = 0;

	for (i = 0; i < st->at.cap; i++) {
		const struct nb_map_slot *s = &st->at.slots[i];
		uint32_t len;

		if (!s->key || nb_map_get(&st->fresh_at, s->key, s->len, NULL) ||
		    !worth_keeping(st, s->value))
			continue;
		n++;
		memcpy(&len, st->data.ptr + s->value + st->key_len, sizeof(len));
		if (out)
			nb_buf_put(out, st->data.ptr + s->value, st->head_len + len);
	}
	return n;
}

int nb_store_save(struct nb_store *st)
{
	struct nb_buf all = NB_BUF_INIT, dir = NB_BUF_INIT;
	int rc = 0;

	if (!st || (!st->fresh.len && !st->anew))
		return 0;
	/* mostly records no build needs any more: written anew */
	if (st->anew || st->old_count > 2 * kept_records(st, NULL) + 1000) {
		nb_buf_puts(&all, st->header);
		kept_records(st, &all);
		nb_buf_put(&all, st->fresh.ptr, st->fresh.len);
		nb_buf_puts(&dir, st->path);
		if (strrchr(dir.ptr, '/')) {
			nb_buf_truncate(&dir, (size_t)(strrchr(dir.ptr, '/') - dir.ptr));
			mkdir(dir.ptr, 0755);
		}
		rc = nb_write_file(st->path, all.ptr, all.len, 0644, 1);
	} else {
		FILE *f = fopen(st->path, "ab");

		rc = f && fwrite(st->fresh.ptr, 1, st->fresh.len, f) == st->fresh.len ? 0 : -1;
		if (f && fclose(f) != 0)
			rc = -1;
	}
	nb_buf_release(&all);
	nb_buf_release(&dir);
	return rc;
}

void nb_store_free(struct nb_store *st)
{
	if (!st)
		return;
	pthread_mutex_destroy(&st->lock);
	free(st->path);
	free(st->header);
	nb_buf_release(&st->data);
	nb_buf_release(&st->fresh);
	nb_map_release(&st->at);
	nb_map_release(&st->fresh_at);
	nb_map_release(&st->used);
	nb_map_release(&st->live);
	free(st);
}
