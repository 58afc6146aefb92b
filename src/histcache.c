/* The history cache: what a walk learned, as canonical text. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "histcache.h"
#include "history.h"
#include "map.h"
#include "repo.h"
#include "util.h"

/* Writes s as one field: bytes below '!' and '%' escaped, NULL as "-". */
static void put_field(struct nb_buf *b, const char *s)
{
	nb_buf_putc(b, '\t');
	if (!s) {
		nb_buf_putc(b, '-');
		return;
	}
	if (strcmp(s, "-") == 0) {
		nb_buf_puts(b, "%2D");
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x21 || c == '%')
			nb_buf_printf(b, "%%%02X", c);
		else
			nb_buf_putc(b, (char)c);
	}
}

/* sep, then n in decimal (printf was most of the time writing the cache) */
static void put_num(struct nb_buf *b, char sep, long long n)
{
	char digits[24], *p = digits + sizeof(digits);
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (n < 0)
		*--p = '-';
	*--p = sep;
	nb_buf_put(b, p, (size_t)(digits + sizeof(digits) - p));
}

/* \ttime,offset,commit,name,email */
static void put_sig(struct nb_buf *b, const struct nb_hsig *s, const size_t *name_rank)
{
	char hex[GIT_OID_HEXSZ + 1];

	put_num(b, '\t', s->time);
	put_num(b, ',', s->offset);
	hex[0] = ',';
	git_oid_nfmt(hex + 1, GIT_OID_HEXSZ, &s->commit);
	nb_buf_put(b, hex, sizeof(hex));
	put_num(b, ',', (long long)name_rank[s->name]);
	put_num(b, ',', (long long)name_rank[s->email]);
}

static int name_order(const void *a, const void *b, void *history)
{
	const struct nb_history *h = history;

	return strcmp(h->names[*(const size_t *)a], h->names[*(const size_t *)b]);
}

static int notice_order(const void *a, const void *b, void *history)
{
	const struct nb_hnotice *x = &((const struct nb_history *)history)->notices[*(const size_t *)a];
	const struct nb_hnotice *y = &((const struct nb_history *)history)->notices[*(const size_t *)b];
	int c = strcmp(x->first_path, y->first_path);

	return c ? c : nb_history_sig_cmp(&x->added, &y->added);
}

/* What orders a notice's updates: the notice, and each update's lowest key. */
struct update_sort {
	const struct nb_hnotice *n;
	uint64_t *min_key;
};

static int update_order(const void *a, const void *b, void *payload)
{
	const struct update_sort *us = payload;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = nb_history_sig_cmp(&us->n->updates[i].intro, &us->n->updates[j].intro);

	if (c)
		return c;
	return (us->min_key[i] > us->min_key[j]) - (us->min_key[i] < us->min_key[j]);
}

struct keyed {
	uint64_t key;
	size_t value;
};

static int keyed_order(const void *a, const void *b)
{
	uint64_t x = ((const struct keyed *)a)->key, y = ((const struct keyed *)b)->key;

	return (x > y) - (x < y);
}

/* A map's entries sorted by key (64-bit keys). */
static struct keyed *sorted_keys(const struct nb_map *m)
{
	struct keyed *k = nb_calloc(m->count + 1, sizeof(*k));
	size_t i, n = 0;

	for (i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		memcpy(&k[n].key, m->slots[i].key, sizeof(uint64_t));
		k[n++].value = m->slots[i].value;
	}
	nb_sort(k, n, sizeof(*k), keyed_order);
	return k;
}

/* A notice and its lines; in a segment of the file (index: its place),
 * "renotice INDEX" replaces or adds the notice there. */
static void put_notice(struct nb_buf *b, const struct nb_hnotice *n, const size_t *name_rank,
		       const size_t *index)
{
	size_t *order = nb_calloc(n->update_count + 1, sizeof(*order));
	size_t *rank = nb_calloc(n->update_count + 1, sizeof(*rank));
	struct keyed *keys = sorted_keys(&n->keys);
	struct update_sort us;
	size_t i;

	if (index) {
		nb_buf_puts(b, "renotice");
		put_num(b, '\t', (long long)*index);
	} else {
		nb_buf_puts(b, "notice");
	}
	put_field(b, n->first_path);
	put_field(b, n->path);
	put_sig(b, &n->added, name_rank);
	if (n->deleted)
		put_sig(b, &n->deleted_sig, name_rank);
	else
		put_field(b, NULL);
	if (n->has_edit)
		put_sig(b, &n->edit, name_rank);
	else
		put_field(b, NULL);
	if (n->has_valid) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), &n->last_valid);
		put_field(b, hex);
	} else {
		put_field(b, NULL);
	}
	put_field(b, n->title);
	nb_buf_putc(b, '\n');

	for (i = 0; i < n->move_count; i++) {
		const struct nb_hmove *m = &n->moves[i];

		nb_buf_puts(b, "move");
		put_sig(b, &m->sig, name_rank);
		nb_buf_printf(b, "\t%lld,%lld,%lld,%lld\n", (long long)m->from_start,
			      (long long)m->from_end, (long long)m->to_start, (long long)m->to_end);
	}
	for (i = 0; i < n->old_count; i++) {
		nb_buf_puts(b, "old");
		put_field(b, n->old_paths[i]);
		nb_buf_putc(b, '\n');
	}
	for (i = 0; i < n->change_count; i++) {
		nb_buf_puts(b, "change");
		put_sig(b, &n->changes[i], name_rank);
		nb_buf_putc(b, '\n');
	}
	for (i = 0; i < n->status_count; i++) {
		nb_buf_puts(b, "status");
		put_field(b, n->statuses[i].status);
		put_sig(b, &n->statuses[i].sig, name_rank);
		nb_buf_putc(b, '\n');
	}
	/* updates in a canonical order: by introduction, then lowest key */
	us.n = n;
	us.min_key = nb_calloc(n->update_count + 1, sizeof(*us.min_key));
	for (i = 0; i < n->update_count; i++)
		us.min_key[i] = UINT64_MAX;
	for (i = 0; i < n->keys.count; i++)
		if (keys[i].key < us.min_key[keys[i].value])
			us.min_key[keys[i].value] = keys[i].key;
	for (i = 0; i < n->update_count; i++)
		order[i] = i;
	nb_sort_r(order, n->update_count, sizeof(*order), update_order, &us);
	for (i = 0; i < n->update_count; i++) {
		const struct nb_hupdate *u = &n->updates[order[i]];

		rank[order[i]] = i;
		nb_buf_puts(b, "update");
		put_sig(b, &u->intro, name_rank);
		if (u->has_edit)
			put_sig(b, &u->edit, name_rank);
		else
			put_field(b, NULL);
		nb_buf_putc(b, '\n');
	}
	for (i = 0; i < n->keys.count; i++)
		nb_buf_printf(b, "key\t%016llx\t%zu\n", (unsigned long long)keys[i].key,
			      rank[keys[i].value]);
	free(us.min_key);
	free(keys);
	free(order);
	free(rank);
}

/* ---- the file ---- */

/*
 * The file is not the canonical text: names and notices go in the order
 * the history holds them (which a history read from the file keeps, new
 * ones after), so that a build can append what it changed as a segment
 * instead of writing the file anew.  A segment holds the new tip, the new
 * names, each notice made or changed ("renotice INDEX", then its lines) and
 * the paths they hold or no longer hold; each ends with "end", and a file
 * that does not is not read.  The file is written whole again when the
 * segments outgrow half of the first snapshot.
 */

static void put_tip(struct nb_buf *b, const struct nb_history *h)
{
	char hex[GIT_OID_HEXSZ + 1] = "-";

	if (h->has_tip)
		git_oid_tostr(hex, sizeof(hex), &h->tip);
	nb_buf_printf(b, "tip\t%s\n", hex);
}

/* Names from, in order (NULL: as held). */
static void put_names(struct nb_buf *b, const struct nb_history *h, size_t from,
		      const size_t *order)
{
	size_t i;

	for (i = from; i < h->name_count; i++) {
		nb_buf_puts(b, "name");
		put_field(b, h->names[order ? order[i] : i]);
		nb_buf_putc(b, '\n');
	}
}

static void put_site(struct nb_buf *b, const struct nb_history *h, const size_t *name_rank)
{
	if (h->has_site_change) {
		nb_buf_puts(b, "site");
		put_sig(b, &h->site_change, name_rank);
		nb_buf_putc(b, '\n');
	}
}

/* Every server site.yaml declared, with the first commit that did: a
 * handful, so a segment holds them all again. */
static int server_order(const void *a, const void *b)
{
	return strcmp(((const struct nb_hserver *)a)->id, ((const struct nb_hserver *)b)->id);
}

static void put_servers(struct nb_buf *b, const struct nb_history *h, const size_t *name_rank,
			int canonical)
{
	struct nb_hserver *list = nb_calloc(h->server_count + 1, sizeof(*list));
	size_t i;

	if (h->server_count)
		memcpy(list, h->servers, h->server_count * sizeof(*list));
	if (canonical)
		nb_sort(list, h->server_count, sizeof(*list), server_order);
	for (i = 0; i < h->server_count; i++) {
		nb_buf_puts(b, "server");
		put_field(b, list[i].id);
		put_sig(b, &list[i].sig, name_rank);
		nb_buf_putc(b, '\n');
	}
	free(list);
}

static void put_path(struct nb_buf *b, const char *path, size_t idx)
{
	nb_buf_puts(b, "path");
	put_field(b, path);
	put_num(b, '\t', (long long)idx);
	nb_buf_putc(b, '\n');
}

/* 0, 1, 2 ... count - 1 */
static size_t *same_order(size_t count)
{
	size_t *same = nb_calloc(count + 1, sizeof(*same)), i;

	for (i = 0; i < count; i++)
		same[i] = i;
	return same;
}

/*
 * The whole history: canonical (names and notices sorted, so the same
 * history gives the same bytes), or in the order it holds them (the
 * file's first snapshot, which segments then extend).
 */
static void put_history(struct nb_buf *out, const struct nb_history *h, int canonical)
{
	size_t *names = same_order(h->name_count), *name_rank = same_order(h->name_count);
	size_t *order = same_order(h->count), *rank = same_order(h->count);
	char **paths = nb_calloc(h->paths.count + 1, sizeof(*paths));
	size_t i, n = 0;

	if (canonical) {
		nb_sort_r(names, h->name_count, sizeof(*names), name_order, (void *)h);
		for (i = 0; i < h->name_count; i++)
			name_rank[names[i]] = i;
		nb_sort_r(order, h->count, sizeof(*order), notice_order, (void *)h);
		for (i = 0; i < h->count; i++)
			rank[order[i]] = i;
	}
	nb_buf_printf(out, "nocblog-history\t%d\n", NB_HISTCACHE_FORMAT);
	put_tip(out, h);
	put_names(out, h, 0, names);
	put_site(out, h, name_rank);
	put_servers(out, h, name_rank, canonical);
	for (i = 0; i < h->count; i++)
		put_notice(out, &h->notices[order[i]], name_rank, NULL);
	for (i = 0; i < h->paths.cap; i++)
		if (h->paths.slots[i].key)
			paths[n++] = nb_strndup(h->paths.slots[i].key, h->paths.slots[i].len);
	if (canonical)
		nb_sort(paths, n, sizeof(*paths), nb_str_order);
	for (i = 0; i < n; i++) {
		size_t idx = 0;

		nb_map_gets(&h->paths, paths[i], &idx);
		put_path(out, paths[i], rank[idx]);
		free(paths[i]);
	}
	nb_buf_puts(out, "end\n");
	free(paths);
	free(names);
	free(name_rank);
	free(order);
	free(rank);
}

void nb_histcache_serialize(const struct nb_history *h, struct nb_buf *out)
{
	put_history(out, h, 1);
}

static void put_segment(struct nb_buf *b, const struct nb_history *h)
{
	size_t *same = same_order(h->name_count), i, j, idx;

	nb_buf_puts(b, "segment\n");
	put_tip(b, h);
	put_names(b, h, h->cache.names, NULL);
	put_site(b, h, same);
	put_servers(b, h, same, 0);
	for (i = 0; i < h->count; i++)
		if (h->notices[i].dirty)
			put_notice(b, &h->notices[i], same, &i);
	/* the paths a changed notice holds, and the ones it left that no
	 * notice holds now (a notice's paths change only with it) */
	for (i = 0; i < h->count; i++) {
		const struct nb_hnotice *n = &h->notices[i];

		if (!n->dirty)
			continue;
		if (nb_map_gets(&h->paths, n->path, &idx) && idx == i)
			put_path(b, n->path, i);
		for (j = 0; j < n->old_count; j++) {
			if (!nb_map_gets(&h->paths, n->old_paths[j], &idx)) {
				nb_buf_puts(b, "unpath");
				put_field(b, n->old_paths[j]);
				nb_buf_putc(b, '\n');
			} else if (idx == i) {
				put_path(b, n->old_paths[j], i);
			}
		}
	}
	nb_buf_puts(b, "end\n");
	free(same);
}

int nb_histcache_save(const struct nb_history *h, git_repository *repo)
{
	struct nb_buf text = NB_BUF_INIT;
	char *path = nb_repo_git_path(repo, NB_HISTCACHE_PATH), *dir = nb_repo_git_path(repo, "nocblog");
	int rc = -1;

	mkdir(dir, 0755);
	if (h->cache.read && h->cache.len - h->cache.base_len < h->cache.base_len / 2) {
		FILE *f = fopen(path, "ab");
		struct stat st;

		put_segment(&text, h);
		/* appended only to the file that was read */
		if (f && fstat(fileno(f), &st) == 0 && (size_t)st.st_size == h->cache.len &&
		    fwrite(text.ptr, 1, text.len, f) == text.len)
			rc = 0;
		if (f && fclose(f) != 0)
			rc = -1;
	}
	if (rc < 0) {
		nb_buf_truncate(&text, 0);
		put_history(&text, h, 0);
		rc = nb_write_file(path, text.ptr, text.len, 0644, 1);
	}
	nb_buf_release(&text);
	free(dir);
	free(path);
	return rc;
}

/* ---- reading the cache back ---- */

static char *unescape(char *s)
{
	char *r = s, *w = s;

	if (strcmp(s, "-") == 0)
		return NULL;
	while (*r) {
		if (r[0] == '%' && r[1] && r[2]) {
			char hexb[3] = { r[1], r[2], 0 };

			*w++ = (char)strtol(hexb, NULL, 16);
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return s;
}

static size_t split(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (n < max) {
		fields[n++] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

/* A decimal number at *p ending at end (',' or '\0'), which *p moves past. */
static int read_num(const char **p, char end, long long *out)
{
	char *after;

	if (!(**p == '-' || (**p >= '0' && **p <= '9')))
		return -1;
	errno = 0;
	*out = strtoll(*p, &after, 10);
	if (errno || *after != end)
		return -1;
	*p = end ? after + 1 : after;
	return 0;
}

static int read_sig(const struct nb_history *h, const char *field, struct nb_hsig *s)
{
	const char *p = field;
	long long t, offset, name, email;

	if (read_num(&p, ',', &t) < 0 || read_num(&p, ',', &offset) < 0 ||
	    offset < INT_MIN || offset > INT_MAX || strspn(p, "0123456789abcdef") != GIT_OID_HEXSZ ||
	    p[GIT_OID_HEXSZ] != ',' || git_oid_fromstrn(&s->commit, p, GIT_OID_HEXSZ) < 0)
		return -1;
	p += GIT_OID_HEXSZ + 1;
	if (read_num(&p, ',', &name) < 0 || read_num(&p, '\0', &email) < 0 || name < 0 ||
	    email < 0 || (size_t)name >= h->name_count || (size_t)email >= h->name_count)
		return -1;
	s->time = t;
	s->offset = (int)offset;
	s->name = (size_t)name;
	s->email = (size_t)email;
	return 0;
}

static char *dup_or_null(char *s)
{
	return s ? nb_strdup(s) : NULL;
}

int nb_histcache_load(struct nb_history *h, git_repository *repo)
{
	char *path = nb_repo_git_path(repo, NB_HISTCACHE_PATH), *text = NULL, *line, *save = NULL;
	struct nb_buf data = NB_BUF_INIT;
	struct nb_hnotice *n = NULL;
	char *f[16];
	size_t nf, len, base_len = 0;
	int ok = 0, in_segment = 0, rc = -1;
	int unread = nb_buf_read_file(&data, path, SIZE_MAX - 1) < 0;

	free(path);
	if (unread) {
		nb_buf_release(&data);
		return -1;
	}
	len = data.len;
	text = nb_buf_detach(&data);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		nf = split(line, f, 16);
		if (strcmp(f[0], "nocblog-history") == 0) {
			if (nf != 2 || atoi(f[1]) != NB_HISTCACHE_FORMAT)
				goto cleanup;
		} else if (strcmp(f[0], "tip") == 0 && nf == 2) {
			h->has_tip = git_oid_fromstr(&h->tip, f[1]) == 0;
		} else if (strcmp(f[0], "name") == 0 && nf == 2) {
			char *s = unescape(f[1]);

			nb_grow_array(&h->names, &h->name_alloc, h->name_count + 1, sizeof(*h->names));
			h->names[h->name_count] = nb_strdup(s ? s : "");
			nb_map_sets(&h->name_index, h->names[h->name_count], h->name_count);
			h->name_count++;
		} else if ((strcmp(f[0], "notice") == 0 && nf == 8 && !in_segment) ||
			   (strcmp(f[0], "renotice") == 0 && nf == 9 && in_segment)) {
			size_t at = h->count;
			char *first, *cur, *title;

			if (f[0][0] == 'r') {
				const char *p = f[1];
				long long k;

				if (read_num(&p, '\0', &k) < 0 || k < 0 || (size_t)k > h->count)
					goto cleanup;
				at = (size_t)k;
				memmove(f + 1, f + 2, 7 * sizeof(*f));
			}
			first = unescape(f[1]);
			cur = unescape(f[2]);
			title = unescape(f[7]);
			if (!first || !cur)
				goto cleanup;
			if (at == h->count) {
				nb_grow_array(&h->notices, &h->alloc, h->count + 1, sizeof(*h->notices));
				h->count++;
			} else {
				nb_history_notice_reset(&h->notices[at]);
			}
			n = &h->notices[at];
			memset(n, 0, sizeof(*n));
			n->first_path = nb_strdup(first);
			n->path = nb_strdup(cur);
			n->title = dup_or_null(title);
			if (read_sig(h, f[3], &n->added) < 0)
				goto cleanup;
			if (strcmp(f[4], "-") != 0) {
				n->deleted = 1;
				if (read_sig(h, f[4], &n->deleted_sig) < 0)
					goto cleanup;
			}
			if (strcmp(f[5], "-") != 0) {
				n->has_edit = 1;
				if (read_sig(h, f[5], &n->edit) < 0)
					goto cleanup;
			}
			if (strcmp(f[6], "-") != 0) {
				n->has_valid = 1;
				if (git_oid_fromstr(&n->last_valid, f[6]) < 0)
					goto cleanup;
			}
		} else if (strcmp(f[0], "site") == 0 && nf == 2) {
			struct nb_hsig sig;

			if (read_sig(h, f[1], &sig) < 0)
				goto cleanup;
			nb_history_site_changed(h, &sig);
		} else if (strcmp(f[0], "server") == 0 && nf == 3) {
			char *id = unescape(f[1]);
			struct nb_hsig sig;

			if (!id || read_sig(h, f[2], &sig) < 0)
				goto cleanup;
			nb_history_server_declared(h, id, &sig);
		} else if (strcmp(f[0], "move") == 0 && nf == 3 && n) {
			struct nb_hmove m;
			long long t[4];

			const char *p = f[2];

			if (read_sig(h, f[1], &m.sig) < 0 || read_num(&p, ',', &t[0]) < 0 ||
			    read_num(&p, ',', &t[1]) < 0 || read_num(&p, ',', &t[2]) < 0 ||
			    read_num(&p, '\0', &t[3]) < 0)
				goto cleanup;
			m.from_start = t[0];
			m.from_end = t[1];
			m.to_start = t[2];
			m.to_end = t[3];
			nb_history_add_move(n, &m);
		} else if (strcmp(f[0], "old") == 0 && nf == 2 && n) {
			char *p = unescape(f[1]);

			if (!p)
				goto cleanup;
			nb_history_add_old_path(n, p);
		} else if (strcmp(f[0], "change") == 0 && nf == 2 && n) {
			struct nb_hsig sig;

			if (read_sig(h, f[1], &sig) < 0)
				goto cleanup;
			nb_history_add_change(n, &sig);
		} else if (strcmp(f[0], "status") == 0 && nf == 3 && n) {
			struct nb_hstatus *st;
			char *s = unescape(f[1]);

			if (!s)
				goto cleanup;
			nb_grow_array(&n->statuses, &n->status_alloc, n->status_count + 1,
				      sizeof(*n->statuses));
			st = &n->statuses[n->status_count++];
			st->status = nb_strdup(s);
			if (read_sig(h, f[2], &st->sig) < 0)
				goto cleanup;
		} else if (strcmp(f[0], "update") == 0 && nf == 3 && n) {
			struct nb_hupdate *u;

			nb_grow_array(&n->updates, &n->update_alloc, n->update_count + 1,
				      sizeof(*n->updates));
			u = &n->updates[n->update_count++];
			memset(u, 0, sizeof(*u));
			if (read_sig(h, f[1], &u->intro) < 0)
				goto cleanup;
			if (strcmp(f[2], "-") != 0) {
				u->has_edit = 1;
				if (read_sig(h, f[2], &u->edit) < 0)
					goto cleanup;
			}
		} else if (strcmp(f[0], "key") == 0 && nf == 3 && n) {
			unsigned long long key = strtoull(f[1], NULL, 16);
			size_t idx = (size_t)strtoull(f[2], NULL, 10);

			if (idx >= n->update_count)
				goto cleanup;
			nb_map_set64(&n->keys, (uint64_t)key, idx);
		} else if (strcmp(f[0], "path") == 0 && nf == 3) {
			char *p = unescape(f[1]);
			size_t idx = (size_t)strtoull(f[2], NULL, 10);

			if (!p || idx >= h->count)
				goto cleanup;
			nb_map_sets(&h->paths, p, idx);
		} else if (strcmp(f[0], "unpath") == 0 && nf == 2 && in_segment) {
			char *p = unescape(f[1]);

			if (!p)
				goto cleanup;
			nb_map_remove(&h->paths, p, strlen(p));
		} else if (strcmp(f[0], "segment") == 0 && nf == 1 && ok) {
			ok = 0;
			in_segment = 1;
			n = NULL;
			if (!base_len)
				base_len = (size_t)(line - text);
		} else if (strcmp(f[0], "end") == 0 && !ok) {
			ok = 1;
			n = NULL;
		} else {
			goto cleanup;
		}
	}
	rc = ok && h->has_tip ? 0 : -1;
	if (rc == 0) {
		size_t i;

		for (i = 0; i < h->count; i++)
			h->notices[i].dirty = 0;
		h->cache.read = 1;
		h->cache.names = h->name_count;
		h->cache.len = len;
		h->cache.base_len = base_len ? base_len : len;
	}
cleanup:
	free(text);
	return rc;
}
