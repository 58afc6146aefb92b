#include "store.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "map.h"
#include "util.h"

/*
 * Two files: PATH holds the records (the header line, then each record's
 * key, length, hash, tag and value), PATH.idx where each is (the header
 * line, then each record's key, offset, length and tag).  The index is
 * read whole when the store opens; a value is read from PATH when it is
 * asked for, and the records a build makes wait in a file of their own
 * until it saves, so a build holds only what it uses.  Records are appended to
 * PATH first, then to the index, so an index entry always finds its record
 * whole, or a record that fails its hash (a file written anew under it).
 */
struct where {
	uint64_t off;
	uint32_t len;     /* of the value, with its tag */
	uint64_t tag;
};

struct nb_store {
	pthread_mutex_t lock;
	char *path, *idx_path;
	char *header;             /* with its line end */
	size_t key_len, head_len; /* a record's key, length and hash */
	size_t tag_len;           /* 8 before each value in a tagged store, else 0 */
	int fd;                   /* PATH, for reading; -1 when there is none */
	struct where *at;         /* the index's entries */
	size_t at_count, at_alloc;
	struct nb_map by_key;     /* key -> index into at, the last entry of it */
	int spill;                /* the records put by this build, in a file with no
	                             name (-1 until the first) */
	uint64_t fresh_len;       /* their bytes */
	struct nb_buf tail;       /* the last of them, not yet in spill (from
	                             fresh_len - tail.len on) */
	struct nb_buf fresh_idx;  /* their index entries, at offsets in spill */
	struct nb_map fresh_at;   /* key -> offset of its record in spill */
	struct nb_map used;       /* keys read or put by this build */
	struct nb_map live;       /* tags whose records are kept */
	size_t old_count;
	int anew;                 /* the files must be written whole */
};

/* A record's check: eight bytes a step, every byte counted (the byte-wise
 * hash of map.h would be a tenth of a build over 40 MB of records). */
static uint64_t checksum(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w ^ ((uint64_t)len << 56)) * 0x9e3779b97f4a7c15ull;
	return nb_hash_end(h);
}

static size_t entry_len(const struct nb_store *st)
{
	return st->key_len + sizeof(uint64_t) + sizeof(uint32_t) + sizeof(uint64_t);
}

/* An index entry (key, offset, length, tag) at e: where its record is. */
static struct where entry_at(const struct nb_store *st, const char *e)
{
	struct where w;

	e += st->key_len;
	memcpy(&w.off, e, sizeof(w.off));
	memcpy(&w.len, e + sizeof(w.off), sizeof(w.len));
	memcpy(&w.tag, e + sizeof(w.off) + sizeof(w.len), sizeof(w.tag));
	return w;
}

/* Appends an index entry. */
static void put_entry(struct nb_buf *idx, const struct nb_store *st, const void *key,
		      const struct where *w)
{
	nb_buf_put(idx, key, st->key_len);
	nb_buf_put(idx, &w->off, sizeof(w->off));
	nb_buf_put(idx, &w->len, sizeof(w->len));
	nb_buf_put(idx, &w->tag, sizeof(w->tag));
}

/* Reads the index; entries beyond the end of PATH are dropped. */
static void read_index(struct nb_store *st, off_t data_size)
{
	struct nb_buf idx = NB_BUF_INIT;
	size_t off = strlen(st->header), n = entry_len(st);

	if (nb_buf_read_file(&idx, st->idx_path, SIZE_MAX - 1) < 0 || idx.len < off ||
	    memcmp(idx.ptr, st->header, off) != 0) {
		st->anew = 1;
		nb_buf_release(&idx);
		return;
	}
	for (; off + n <= idx.len; off += n) {
		const char *e = idx.ptr + off;
		struct where w = entry_at(st, e);

		if (w.off < strlen(st->header) || w.len < st->tag_len ||
		    w.off + st->head_len + w.len > (uint64_t)data_size) {
			st->anew = 1;
			continue;
		}
		nb_grow_array(&st->at, &st->at_alloc, st->at_count + 1, sizeof(*st->at));
		st->at[st->at_count] = w;
		nb_map_set(&st->by_key, e, st->key_len, st->at_count++);
		st->old_count++;
	}
	st->anew |= off != idx.len;
	nb_buf_release(&idx);
}

struct nb_store *nb_store_open(const char *path, const char *header, size_t key_len,
			       int tagged)
{
	struct nb_store *st = nb_calloc(1, sizeof(*st));
	struct nb_buf b = NB_BUF_INIT;
	char *head;
	struct stat sb;

	pthread_mutex_init(&st->lock, NULL);
	st->spill = -1;
	st->path = nb_strdup(path);
	nb_buf_printf(&b, "%s.idx", path);
	st->idx_path = nb_buf_detach(&b);
	nb_buf_printf(&b, "%s\n", header);
	st->header = nb_buf_detach(&b);
	st->key_len = key_len;
	st->head_len = key_len + sizeof(uint32_t) + sizeof(uint64_t);
	st->tag_len = tagged ? sizeof(uint64_t) : 0;
	st->fd = open(path, O_RDONLY | O_CLOEXEC);
	head = nb_malloc(strlen(st->header) + 1);
	if (st->fd >= 0 && fstat(st->fd, &sb) == 0 &&
	    pread(st->fd, head, strlen(st->header), 0) == (ssize_t)strlen(st->header) &&
	    memcmp(head, st->header, strlen(st->header)) == 0) {
		read_index(st, sb.st_size);
	} else {
		if (st->fd >= 0)
			close(st->fd);
		st->fd = -1;
		st->anew = 1;
	}
	free(head);
	return st;
}

/* The record at rec (head and value) whole, its key key and its hash
 * holding: its value after the tag, and its length. */
static int record_value(const struct nb_store *st, const char *rec, size_t have,
			const void *key, const char **value, uint32_t *len)
{
	uint64_t sum;

	if (have < st->head_len)
		return 0;
	memcpy(len, rec + st->key_len, sizeof(*len));
	memcpy(&sum, rec + st->key_len + sizeof(*len), sizeof(sum));
	*value = rec + st->head_len;
	if (memcmp(rec, key, st->key_len) != 0 || *len < st->tag_len ||
	    *len > have - st->head_len || checksum(NB_HASH_START, *value, *len) != sum)
		return 0;
	*value += st->tag_len;
	*len -= (uint32_t)st->tag_len;
	return 1;
}

/* Reads the record of entry w, of the file fd, into rec; 0, or -1. */
static int read_record(const struct nb_store *st, int fd, const struct where *w,
		       struct nb_buf *rec)
{
	size_t n = st->head_len + w->len;

	nb_buf_truncate(rec, 0);
	nb_buf_grow(rec, n + 1);
	if (fd < 0 || pread(fd, rec->ptr, n, (off_t)w->off) != (ssize_t)n)
		return -1;
	rec->len = n;
	rec->ptr[n] = '\0';
	return 0;
}

int nb_store_get(struct nb_store *st, const void *key, struct nb_buf *out)
{
	struct nb_buf rec = NB_BUF_INIT;
	const char *value = NULL;
	uint32_t len = 0;
	size_t i;
	int found = 0;

	if (!st)
		return 0;
	pthread_mutex_lock(&st->lock);
	if (nb_map_get(&st->fresh_at, key, st->key_len, &i)) {
		struct where w = entry_at(st, st->fresh_idx.ptr + i);
		uint64_t written = st->fresh_len - st->tail.len;

		if (w.off >= written)
			found = record_value(st, st->tail.ptr + (w.off - written),
					     (size_t)(st->fresh_len - w.off), key, &value, &len);
		else
			found = read_record(st, st->spill, &w, &rec) == 0 &&
				record_value(st, rec.ptr, rec.len, key, &value, &len);
	} else if (nb_map_get(&st->by_key, key, st->key_len, &i)) {
		found = read_record(st, st->fd, &st->at[i], &rec) == 0 &&
			record_value(st, rec.ptr, rec.len, key, &value, &len);
		if (!found) {
			nb_map_remove(&st->by_key, key, st->key_len);
			st->anew = 1;
		}
	}
	if (found) {
		nb_buf_put(out, value, len);
		nb_map_set(&st->used, key, st->key_len, 1);
	}
	pthread_mutex_unlock(&st->lock);
	nb_buf_release(&rec);
	return found;
}

/* New records go to the spill file a megabyte at a time. */
#define SPILL_STEP ((size_t)1 << 20)

/* Writes the records waiting in tail to the spill file; 0, or -1. */
static int spill_tail(struct nb_store *st)
{
	uint64_t at = st->fresh_len - st->tail.len;

	if (!st->tail.len)
		return 0;
	if (st->spill < 0 ||
	    pwrite(st->spill, st->tail.ptr, st->tail.len, (off_t)at) != (ssize_t)st->tail.len)
		return -1;
	nb_buf_truncate(&st->tail, 0);
	return 0;
}

/* A file for the records a build makes, with no name (beside path, so that
 * saving copies within one file system): nothing to remove if the build is
 * killed.  -1 when none can be made. */
static int nameless_file(const char *path)
{
	struct nb_buf dir = NB_BUF_INIT, tmp = NB_BUF_INIT;
	int fd;

	nb_buf_puts(&dir, path);
	if (strrchr(dir.ptr, '/'))
		nb_buf_truncate(&dir, (size_t)(strrchr(dir.ptr, '/') - dir.ptr));
	mkdir(dir.ptr, 0755);
	fd = open(dir.ptr, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) { /* a file system without O_TMPFILE */
		nb_buf_printf(&tmp, "%s.new-%ld", path, (long)getpid());
		fd = open(tmp.ptr, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0)
			unlink(tmp.ptr);
	}
	nb_buf_release(&dir);
	nb_buf_release(&tmp);
	return fd;
}

void nb_store_put(struct nb_store *st, const void *key, uint64_t tag, const void *value,
		  size_t len)
{
	struct nb_buf rec = NB_BUF_INIT;
	struct where w;
	uint64_t sum;

	if (!st || len > UINT32_MAX - st->tag_len)
		return;
	w.len = (uint32_t)(len + st->tag_len);
	w.tag = tag;
	nb_buf_put(&rec, &tag, st->tag_len);
	nb_buf_put(&rec, value, len);
	sum = checksum(NB_HASH_START, rec.ptr, rec.len);
	nb_buf_truncate(&rec, 0);
	nb_buf_put(&rec, key, st->key_len);
	nb_buf_put(&rec, &w.len, sizeof(w.len));
	nb_buf_put(&rec, &sum, sizeof(sum));
	nb_buf_put(&rec, &tag, st->tag_len);
	nb_buf_put(&rec, value, len);
	pthread_mutex_lock(&st->lock);
	if (st->spill < 0)
		st->spill = nameless_file(st->path);
	if (st->spill >= 0 && (st->tail.len < SPILL_STEP || spill_tail(st) == 0)) {
		nb_map_set(&st->fresh_at, key, st->key_len, st->fresh_idx.len);
		w.off = st->fresh_len;
		put_entry(&st->fresh_idx, st, key, &w);
		nb_buf_put(&st->tail, rec.ptr, rec.len);
		st->fresh_len += rec.len;
		nb_map_set(&st->used, key, st->key_len, 1);
	}
	pthread_mutex_unlock(&st->lock);
	nb_buf_release(&rec);
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
	nb_map_remove(&st->by_key, key, st->key_len);
	nb_map_remove(&st->fresh_at, key, st->key_len);
	nb_map_remove(&st->used, key, st->key_len);
	st->anew = 1;
	pthread_mutex_unlock(&st->lock);
}

/* Whether the old record of key, at entry w, is worth keeping: used by
 * this build, or tagged live; and not put again by it. */
static int worth_keeping(const struct nb_store *st, const char *key, const struct where *w)
{
	if (nb_map_get(&st->fresh_at, key, st->key_len, NULL))
		return 0;
	if (nb_map_get(&st->used, key, st->key_len, NULL))
		return 1;
	return st->tag_len && nb_map_get64(&st->live, w->tag, NULL);
}

/* Copies len bytes of from, at off, to the end of to; 0, or -1. */
static int copy_bytes(int from, uint64_t off, uint64_t len, FILE *to)
{
	char *chunk = nb_malloc(1 << 20);
	int rc = 0;

	while (len && rc == 0) {
		size_t want = len < (1u << 20) ? (size_t)len : (1u << 20);
		ssize_t got = pread(from, chunk, want, (off_t)off);

		if (got <= 0 || fwrite(chunk, 1, (size_t)got, to) != (size_t)got)
			rc = -1;
		else {
			off += (uint64_t)got;
			len -= (uint64_t)got;
		}
	}
	free(chunk);
	return rc;
}

/* Adds this build's index entries, their records placed at base. */
static void fresh_index(const struct nb_store *st, struct nb_buf *idx, uint64_t base)
{
	size_t n = entry_len(st), i;

	for (i = 0; i + n <= st->fresh_idx.len; i += n) {
		struct where w = entry_at(st, st->fresh_idx.ptr + i);

		w.off += base;
		put_entry(idx, st, st->fresh_idx.ptr + i, &w);
	}
}

/* Writes both files anew: the records worth keeping, then this build's. */
static int write_anew(struct nb_store *st)
{
	struct nb_buf idx = NB_BUF_INIT, rec = NB_BUF_INIT, tmp = NB_BUF_INIT;
	uint64_t at = strlen(st->header);
	FILE *f;
	size_t i;
	int rc = -1;

	nb_buf_printf(&tmp, "%s.tmp-%ld", st->path, (long)getpid());
	f = fopen(tmp.ptr, "wb");
	if (!f)
		goto cleanup;
	fputs(st->header, f);
	nb_buf_puts(&idx, st->header);
	for (i = 0; i < st->by_key.cap; i++) {
		const struct nb_map_slot *s = &st->by_key.slots[i];
		struct where w;
		const char *value;
		uint32_t len;

		if (!s->key)
			continue;
		w = st->at[s->value];
		if (!worth_keeping(st, s->key, &w) || read_record(st, st->fd, &w, &rec) < 0 ||
		    !record_value(st, rec.ptr, rec.len, s->key, &value, &len))
			continue;
		w.off = at; /* where it goes in the new file */
		put_entry(&idx, st, s->key, &w);
		fwrite(rec.ptr, 1, rec.len, f);
		at += rec.len;
	}
	fresh_index(st, &idx, at);
	if (copy_bytes(st->spill, 0, st->fresh_len, f) < 0 || fflush(f) != 0 || ferror(f)) {
		fclose(f);
		goto cleanup;
	}
	/* the records first: an index never names a record not yet there */
	if (fclose(f) == 0 && rename(tmp.ptr, st->path) == 0)
		rc = nb_write_file(st->idx_path, idx.ptr, idx.len, 0644, 1);
cleanup:
	if (rc < 0)
		unlink(tmp.ptr);
	nb_buf_release(&idx);
	nb_buf_release(&rec);
	nb_buf_release(&tmp);
	return rc;
}

/* Appends this build's records, then their index entries. */
static int append(struct nb_store *st)
{
	struct nb_buf idx = NB_BUF_INIT;
	FILE *f = fopen(st->path, "ab");
	long base;
	int rc = -1;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (base = ftell(f)) < 0 ||
	    copy_bytes(st->spill, 0, st->fresh_len, f) < 0) {
		if (f)
			fclose(f);
		return -1;
	}
	if (fclose(f) != 0)
		return -1;
	fresh_index(st, &idx, (uint64_t)base);
	f = fopen(st->idx_path, "ab");
	if (f && fwrite(idx.ptr, 1, idx.len, f) == idx.len)
		rc = 0;
	if (f && fclose(f) != 0)
		rc = -1;
	nb_buf_release(&idx);
	return rc;
}

int nb_store_save(struct nb_store *st)
{
	size_t i, kept = 0;

	if (!st || (!st->fresh_len && !st->anew))
		return 0;
	if (spill_tail(st) < 0)
		return -1;
	for (i = 0; !st->anew && i < st->by_key.cap; i++) {
		const struct nb_map_slot *s = &st->by_key.slots[i];

		if (s->key && worth_keeping(st, s->key, &st->at[s->value]))
			kept++;
	}
	/* mostly records no build needs any more: written anew */
	if (st->anew || st->old_count > 2 * kept + 1000)
		return write_anew(st);
	return append(st);
}

void nb_store_free(struct nb_store *st)
{
	if (!st)
		return;
	pthread_mutex_destroy(&st->lock);
	if (st->fd >= 0)
		close(st->fd);
	if (st->spill >= 0)
		close(st->spill);
	free(st->path);
	free(st->idx_path);
	free(st->header);
	free(st->at);
	nb_buf_release(&st->fresh_idx);
	nb_buf_release(&st->tail);
	nb_map_release(&st->by_key);
	nb_map_release(&st->fresh_at);
	nb_map_release(&st->used);
	nb_map_release(&st->live);
	free(st);
}
