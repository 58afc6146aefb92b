/* The history as it is kept: records, names, and their one order. */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "util.h"

/* ---- names and commits ---- */

size_t nb_history_intern(struct nb_history *h, const char *raw)
{
	/* git keeps names as the author's machine wrote them (latin-1, say):
	 * what pages and feeds show must be UTF-8 that XML can hold */
	char *s = nb_utf8_clean(raw);
	size_t idx;

	if (nb_map_gets(&h->name_index, s, &idx)) {
		free(s);
		return idx;
	}
	nb_grow_array(&h->names, &h->name_alloc, h->name_count + 1, sizeof(*h->names));
	h->names[h->name_count] = s;
	nb_map_sets(&h->name_index, s, h->name_count);
	return h->name_count++;
}

int nb_history_sig_cmp(const struct nb_hsig *a, const struct nb_hsig *b)
{
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return git_oid_cmp(&a->commit, &b->commit);
}

size_t nb_history_notice_new(struct nb_history *h, const char *path, const struct nb_hsig *sig)
{
	struct nb_hnotice *n;

	nb_grow_array(&h->notices, &h->alloc, h->count + 1, sizeof(*h->notices));
	n = &h->notices[h->count];
	memset(n, 0, sizeof(*n));
	n->first_path = nb_strdup(path);
	n->path = nb_strdup(path);
	n->added = *sig;
	n->dirty = 1;
	nb_map_sets(&h->paths, path, h->count);
	return h->count++;
}

size_t nb_history_update_new(struct nb_hnotice *n, uint64_t key, const struct nb_hsig *sig)
{
	struct nb_hupdate *u;

	nb_grow_array(&n->updates, &n->update_alloc, n->update_count + 1, sizeof(*n->updates));
	u = &n->updates[n->update_count];
	memset(u, 0, sizeof(*u));
	u->intro = *sig;
	nb_map_set64(&n->keys, key, n->update_count);
	return n->update_count++;
}

void nb_history_note_edit(int *has, struct nb_hsig *edit, const struct nb_hsig *sig)
{
	if (!*has || nb_history_sig_cmp(edit, sig) < 0) {
		*edit = *sig;
		*has = 1;
	}
}

void nb_history_add_old_path(struct nb_hnotice *n, const char *path)
{
	size_t i;

	for (i = 0; i < n->old_count; i++)
		if (strcmp(n->old_paths[i], path) == 0)
			return;
	nb_grow_array(&n->old_paths, &n->old_alloc, n->old_count + 1, sizeof(*n->old_paths));
	n->old_paths[n->old_count++] = nb_strdup(path);
}

void nb_history_add_move(struct nb_hnotice *n, const struct nb_hmove *move)
{
	nb_grow_array(&n->moves, &n->move_alloc, n->move_count + 1, sizeof(*n->moves));
	n->moves[n->move_count++] = *move;
}

void nb_history_site_changed(struct nb_history *h, const struct nb_hsig *sig)
{
	if (!h->has_site_change || nb_history_sig_cmp(sig, &h->site_change) > 0)
		h->site_change = *sig;
	h->has_site_change = 1;
}

void nb_history_server_declared(struct nb_history *h, const char *id, const struct nb_hsig *sig)
{
	size_t i;

	if (nb_map_gets(&h->server_index, id, &i)) {
		if (nb_history_sig_cmp(sig, &h->servers[i].sig) < 0)
			h->servers[i].sig = *sig;
		return;
	}
	nb_grow_array(&h->servers, &h->server_alloc, h->server_count + 1, sizeof(*h->servers));
	h->servers[h->server_count].id = nb_strdup(id);
	h->servers[h->server_count].sig = *sig;
	nb_map_sets(&h->server_index, id, h->server_count);
	h->server_count++;
}

int64_t nb_history_server_since(const struct nb_history *h, const char *id)
{
	size_t i;

	return nb_map_gets(&h->server_index, id, &i) ? h->servers[i].sig.time : 0;
}

void nb_history_add_change(struct nb_hnotice *n, const struct nb_hsig *sig)
{
	nb_grow_array(&n->changes, &n->change_alloc, n->change_count + 1, sizeof(*n->changes));
	n->changes[n->change_count++] = *sig;
	n->dirty = 1;
}

static void notice_release(struct nb_hnotice *n)
{
	size_t i;

	free(n->first_path);
	free(n->path);
	for (i = 0; i < n->old_count; i++)
		free(n->old_paths[i]);
	free(n->old_paths);
	for (i = 0; i < n->status_count; i++)
		free(n->statuses[i].status);
	free(n->statuses);
	free(n->title);
	free(n->updates);
	free(n->changes);
	free(n->moves);
	nb_map_release(&n->keys);
}

void nb_history_notice_reset(struct nb_hnotice *n)
{
	notice_release(n);
	memset(n, 0, sizeof(*n));
}

void nb_history_clear(struct nb_history *h)
{
	size_t i;

	for (i = 0; i < h->count; i++)
		notice_release(&h->notices[i]);
	free(h->notices);
	h->notices = NULL;
	h->count = h->alloc = 0;
	nb_map_release(&h->paths);
	for (i = 0; i < h->name_count; i++)
		free(h->names[i]);
	free(h->names);
	h->names = NULL;
	h->name_count = h->name_alloc = 0;
	nb_map_release(&h->name_index);
	for (i = 0; i < h->server_count; i++)
		free(h->servers[i].id);
	free(h->servers);
	h->servers = NULL;
	h->server_count = h->server_alloc = 0;
	nb_map_release(&h->server_index);
	h->has_tip = 0;
	h->has_site_change = 0;
	memset(&h->cache, 0, sizeof(h->cache));
}

void nb_history_free(struct nb_history *h)
{
	size_t i;

	if (!h)
		return;
	nb_history_clear(h);
	for (i = 0; i < h->stats.split_count; i++) {
		free(h->stats.splits[i].deleted);
		free(h->stats.splits[i].added);
	}
	free(h->stats.splits);
	free(h);
}

struct nb_history *nb_history_new(void)
{
	return nb_calloc(1, sizeof(struct nb_history));
}

const struct nb_history_stats *nb_history_stats(const struct nb_history *h)
{
	return &h->stats;
}

char *nb_history_name(const struct nb_history *h, size_t idx)
{
	return nb_strdup(idx < h->name_count ? h->names[idx] : "");
}

/* ---- one order, whatever the order of walking ---- */

static int status_order(const void *a, const void *b)
{
	const struct nb_hstatus *x = a, *y = b;
	int c = nb_history_sig_cmp(&x->sig, &y->sig);

	return c ? c : strcmp(x->status, y->status);
}

static int change_order(const void *a, const void *b)
{
	return nb_history_sig_cmp(a, b);
}

static int move_order(const void *a, const void *b)
{
	const struct nb_hmove *x = a, *y = b;
	int c = nb_history_sig_cmp(&x->sig, &y->sig);

	if (c)
		return c;
	if (x->to_start != y->to_start)
		return x->to_start < y->to_start ? -1 : 1;
	return (x->to_end > y->to_end) - (x->to_end < y->to_end);
}

/* Puts what order of walking could change into one order. */
void nb_history_normalize(struct nb_history *h)
{
	size_t i;

	for (i = 0; i < h->count; i++) {
		struct nb_hnotice *n = &h->notices[i];

		nb_sort(n->old_paths, n->old_count, sizeof(*n->old_paths), nb_str_order);
		nb_sort(n->statuses, n->status_count, sizeof(*n->statuses), status_order);
		nb_sort(n->changes, n->change_count, sizeof(*n->changes), change_order);
		nb_sort(n->moves, n->move_count, sizeof(*n->moves), move_order);
	}
}

