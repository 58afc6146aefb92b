#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "content.h"
#include "diag.h"
#include "history_impl.h"
#include "map.h"
#include "notice.h"
#include "repo.h"
#include "stamp.h"
#include "tz.h"
#include "util.h"

#include <pthread.h>

#define NB_EDIT_SIMILARITY 50      /* percent of words two texts share to be one update */
#define NB_AHEAD_SLOTS 64         /* commits the second thread may read ahead */
#define NB_AHEAD_MIN 64            /* fewer commits are walked by one thread */
#define NB_EDIT_WINDOW 16          /* older updates an edit by words is looked for among */

struct vupdate {
	uint64_t key;
	char *stamp;
	char *text;
};

/* What the walk needs of one version of a notice file. */
struct version {
	git_oid id;
	int valid;         /* its front matter parsed: its updates are known */
	char *title;
	char *status;      /* NULL when the file had problems */
	uint64_t text_key; /* title and text before the first update */
	uint64_t lead_key; /* its first paragraph; 0 when it has none */
	int has_window;
	int64_t window_start, window_end;
	struct vupdate *updates;
	size_t count;
};

struct change {
	char *path;
	int has_old, has_new;
	git_oid old, new;
	int done;
};

struct changes {
	struct change *items;
	size_t count, alloc;
};

static const char *git_message(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

/* ---- names and signatures ---- */

static size_t intern(struct nb_history *h, const char *raw)
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

int nb_hsig_cmp(const struct sig *a, const struct sig *b)
{
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return git_oid_cmp(&a->commit, &b->commit);
}

/* ---- versions ---- */

static void version_free(struct version *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->count; i++) {
		free(v->updates[i].stamp);
		free(v->updates[i].text);
	}
	free(v->updates);
	free(v->title);
	free(v->status);
	free(v);
}

/* Parses a version; repo is the calling thread's handle. */
/* What identifies a notice's opening paragraph (spaces at its ends and
 * line ends inside it aside); 0 when the body has none. */
static uint64_t lead_key(const char *body)
{
	const char *p = body ? body : "", *end;
	struct nb_buf b = NB_BUF_INIT;
	uint64_t key = 0;

	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	end = strstr(p, "\n\n");
	if (!end)
		end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\t'))
		end--;
	for (; p < end; p++)
		nb_buf_putc(&b, *p == '\n' ? ' ' : *p);
	if (b.len)
		key = nb_hash(b.ptr, b.len) | 1; /* never 0 */
	nb_buf_release(&b);
	return key;
}

static struct version *version_parse(git_repository *repo, const git_oid *id,
				     const char *data, size_t len)
{
	struct nb_diags ignored = NB_DIAGS_INIT;
	struct version *v = nb_calloc(1, sizeof(*v));
	git_blob *blob = NULL;
	struct nb_notice n;
	uint64_t *keys;
	size_t i;

	git_oid_cpy(&v->id, id);
	if (!data) {
		size_t size = 0;
		git_object_t type;
		git_odb *odb = NULL;
		int oversized;

		/* an oversized version is never valid: it is not read at all */
		oversized = git_repository_odb(&odb, repo) == 0 &&
			    git_odb_read_header(&size, &type, odb, id) == 0 &&
			    size > NB_NOTICE_MAX_BYTES;
		git_odb_free(odb);
		if (oversized)
			return v;
		if (git_blob_lookup(&blob, repo, id) < 0)
			return v; /* unreadable: not valid */
		data = git_blob_rawcontent(blob);
		len = (size_t)git_blob_rawsize(blob);
	}
	/* the zone changes no text, and text is all the walk compares */
	nb_notice_parse(&n, "", data, len, "UTC", &ignored);
	v->valid = n.body != NULL;
	v->title = n.title ? nb_strdup(n.title) : NULL;
	v->status = n.has_status ? nb_strdup(nb_status_name(n.status)) : NULL;
	/* the same bytes as an update's key: a stamp and its text */
	v->text_key = nb_update_key(n.title, n.body);
	v->lead_key = lead_key(n.body);
	v->has_window = n.has_window;
	v->window_start = n.window_start;
	v->window_end = n.window_end;
	v->updates = nb_calloc(n.update_count + 1, sizeof(*v->updates));
	v->count = n.update_count;
	keys = nb_calloc(n.update_count + 1, sizeof(*keys));
	nb_update_keys(&n, keys);
	for (i = 0; i < n.update_count; i++) {
		struct nb_update *u = &n.updates[i];

		v->updates[i].key = keys[i];
		v->updates[i].stamp = u->stamp_text;
		v->updates[i].text = u->markdown ? u->markdown : nb_strdup("");
		u->stamp_text = NULL;
		u->markdown = NULL;
	}
	free(keys);
	nb_notice_release(&n);
	nb_diags_clear(&ignored);
	git_blob_free(blob);
	return v;
}

/*
 * The parsed version with that id, from the cache when it is there.  The
 * cache keeps it unless that would drop `keep`; then *owned is set and the
 * caller frees it.
 */
static struct version *version_get(struct nb_history *h, const git_oid *id,
				   const char *data, size_t len,
				   const struct version *keep, int *owned)
{
	size_t slot = nb_hash(id->id, GIT_OID_RAWSZ) % NB_VERSION_SLOTS;
	struct version *v = h->versions[slot];

	*owned = 0;
	if (v && git_oid_equal(&v->id, id))
		return v;
	v = version_parse(h->repo, id, data, len);
	h->stats.versions_parsed++;
	if (h->versions[slot] == keep && keep) {
		*owned = 1;
		return v;
	}
	version_free(h->versions[slot]);
	h->versions[slot] = v;
	return v;
}

/* ---- matching updates between two versions ---- */

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

/* Hashes of a text's words (letters and digits, case folded), sorted. */
static uint64_t *words(const char *text, size_t *count)
{
	const unsigned char *p = (const unsigned char *)text;
	uint64_t *w = NULL;
	size_t alloc = 0, n = 0;

	while (*p) {
		uint64_t h = 0xcbf29ce484222325ull;

		while (*p && !word_byte(*p))
			p++;
		if (!*p)
			break;
		for (; *p && word_byte(*p); p++) {
			unsigned char c = *p >= 'A' && *p <= 'Z' ? (unsigned char)(*p + 32) : *p;

			h = (h ^ c) * 0x100000001b3ull;
		}
		nb_grow_array(&w, &alloc, n + 1, sizeof(*w));
		w[n++] = h;
	}
	if (n)
		nb_sort(w, n, sizeof(*w), u64_cmp);
	*count = n;
	return w;
}

/* Percentage of words two texts share (Dice coefficient). */
static int similarity(const char *a, const char *b)
{
	size_t na, nb, i = 0, j = 0, common = 0;
	uint64_t *wa = words(a, &na), *wb = words(b, &nb);

	while (i < na && j < nb) {
		if (wa[i] == wb[j])
			common++, i++, j++;
		else if (wa[i] < wb[j])
			i++;
		else
			j++;
	}
	free(wa);
	free(wb);
	if (!na && !nb)
		return 100;
	return (int)(200 * common / (na + nb));
}

enum { MATCH_NONE = -1 };

/* An update of the older version, found by its key or its stamp. */
struct candidate {
	uint64_t key;
	const char *stamp;
	size_t i;
};

static int by_key(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static int by_stamp(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	int c = strcmp(x->stamp, y->stamp);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* 1 when the candidate has u's key (the exact pass) or u's stamp. */
static int same_as(const struct candidate *c, const struct vupdate *u, int exact_pass)
{
	return exact_pass ? c->key == u->key : strcmp(c->stamp, u->stamp) == 0;
}

/* Where the run of candidates sharing c's key (or stamp) goes on. */
static void set_run(struct nb_map *next, const struct candidate *c, int exact_pass, size_t pos)
{
	if (exact_pass)
		nb_map_set64(next, c->key, pos);
	else
		nb_map_sets(next, c->stamp, pos);
}

static int get_run(const struct nb_map *next, const struct vupdate *u, int exact_pass,
		   size_t *pos)
{
	return exact_pass ? nb_map_get64(next, u->key, pos) : nb_map_gets(next, u->stamp, pos);
}

/*
 * For each update of `to`, the first untaken update of `from` with the
 * same key (exact) or the same non-empty stamp.  from's updates are sorted
 * so that those sharing a key (or stamp) form a run taken in order, and a
 * map gives where each run's next candidate is: linear, however many
 * updates the notice has.
 */
static void match_same(const struct version *from, const struct version *to, int exact_pass,
		       long *match, int *exact, int *taken)
{
	struct candidate *c = nb_calloc(from->count + 1, sizeof(*c));
	struct nb_map next = NB_MAP_INIT;
	size_t i, j, pos;

	for (i = 0; i < from->count; i++) {
		c[i].key = from->updates[i].key;
		c[i].stamp = from->updates[i].stamp;
		c[i].i = i;
	}
	nb_sort(c, from->count, sizeof(*c), exact_pass ? by_key : by_stamp);
	for (i = from->count; i-- > 0;)
		set_run(&next, &c[i], exact_pass, i);
	for (j = 0; j < to->count; j++) {
		const struct vupdate *u = &to->updates[j];

		if (match[j] != MATCH_NONE || (!exact_pass && !u->stamp[0]) ||
		    !get_run(&next, u, exact_pass, &pos))
			continue;
		while (pos < from->count && same_as(&c[pos], u, exact_pass) && taken[c[pos].i])
			pos++;
		if (pos == from->count || !same_as(&c[pos], u, exact_pass))
			continue;
		match[j] = (long)c[pos].i;
		exact[j] = exact_pass;
		taken[c[pos].i] = 1;
		set_run(&next, &c[pos], exact_pass, pos + 1);
	}
	nb_map_release(&next);
	free(c);
}

/*
 * For each update of `to`, the update of `from` it is (the same text), or
 * was (an edit: the same stamp, or mostly the same words in the same
 * order), or MATCH_NONE for a new update.  exact[j] tells the first case.
 * An edit by words is looked for among the next NB_EDIT_WINDOW updates
 * after the last one matched, so that a long thread costs linear time.
 */
static void match_updates(const struct version *from, const struct version *to,
			  long *match, int *exact)
{
	int *taken = nb_calloc(from->count + 1, sizeof(*taken));
	size_t i, j, next;

	for (j = 0; j < to->count; j++) {
		match[j] = MATCH_NONE;
		exact[j] = 0;
	}
	match_same(from, to, 1, match, exact, taken);
	/* the same stamp, text changed */
	match_same(from, to, 0, match, exact, taken);
	/* in order, mostly the same words */
	next = 0;
	for (j = 0; j < to->count; j++) {
		if (match[j] != MATCH_NONE) {
			if (match[j] >= (long)next)
				next = (size_t)match[j] + 1;
			continue;
		}
		for (i = next; i < from->count && i < next + NB_EDIT_WINDOW; i++) {
			if (taken[i])
				continue;
			if (similarity(from->updates[i].text, to->updates[j].text) >=
			    NB_EDIT_SIMILARITY) {
				match[j] = (long)i;
				taken[i] = 1;
				next = i + 1;
				break;
			}
		}
	}
	free(taken);
}

/* ---- notices ---- */

static size_t notice_new(struct nb_history *h, const char *path, const struct sig *sig)
{
	struct hnotice *n;

	nb_grow_array(&h->notices, &h->alloc, h->count + 1, sizeof(*h->notices));
	n = &h->notices[h->count];
	memset(n, 0, sizeof(*n));
	n->first_path = nb_strdup(path);
	n->path = nb_strdup(path);
	n->added = *sig;
	nb_map_sets(&h->paths, path, h->count);
	return h->count++;
}

static size_t update_new(struct hnotice *n, uint64_t key, const struct sig *sig)
{
	struct hupdate *u;

	nb_grow_array(&n->updates, &n->update_alloc, n->update_count + 1, sizeof(*n->updates));
	u = &n->updates[n->update_count];
	memset(u, 0, sizeof(*u));
	u->intro = *sig;
	nb_map_set64(&n->keys, key, n->update_count);
	return n->update_count++;
}

static void note_edit(int *has, struct sig *edit, const struct sig *sig)
{
	if (!*has || nb_hsig_cmp(edit, sig) < 0) {
		*edit = *sig;
		*has = 1;
	}
}

void nb_hnotice_add_old_path(struct hnotice *n, const char *path)
{
	size_t i;

	for (i = 0; i < n->old_count; i++)
		if (strcmp(n->old_paths[i], path) == 0)
			return;
	nb_grow_array(&n->old_paths, &n->old_alloc, n->old_count + 1, sizeof(*n->old_paths));
	n->old_paths[n->old_count++] = nb_strdup(path);
}

/* One notice went from version `from` (NULL: none) to `to` in a commit. */
static void apply_versions(struct hnotice *n, const struct version *from,
			   const struct version *to, const struct sig *sig)
{
	long *match;
	int *exact;
	size_t j, idx;
	struct nb_map claimed = NB_MAP_INIT; /* indexes of updates this version has */

	if (!to->valid)
		return; /* a broken version: wait for the one that fixes it */
	match = nb_calloc(to->count + 1, sizeof(*match));
	exact = nb_calloc(to->count + 1, sizeof(*exact));
	if (from)
		match_updates(from, to, match, exact);
	else
		for (j = 0; j < to->count; j++)
			match[j] = MATCH_NONE;
	/* first the updates the version before had: they claim their own */
	for (j = 0; j < to->count; j++) {
		uint64_t key = to->updates[j].key;

		if (match[j] == MATCH_NONE)
			continue;
		{
			uint64_t old_key = from->updates[match[j]].key;

			if (!nb_map_get64(&n->keys, old_key, &idx))
				idx = update_new(n, old_key, sig);
			if (!exact[j]) {
				if (!nb_map_get64(&n->keys, key, NULL))
					nb_map_set64(&n->keys, key, idx);
				note_edit(&n->updates[idx].has_edit, &n->updates[idx].edit, sig);
			}
			nb_map_set64(&claimed, idx, 1);
		}
	}
	/* then the others: one seen before (on another branch, or removed and
	 * back) is that update again, unless an update of this version is it
	 * already (its text was edited away from this one's) */
	for (j = 0; j < to->count; j++) {
		uint64_t key = to->updates[j].key;

		if (match[j] != MATCH_NONE)
			continue;
		if (nb_map_get64(&n->keys, key, &idx) && !nb_map_get64(&claimed, idx, NULL)) {
			if (nb_hsig_cmp(sig, &n->updates[idx].intro) < 0)
				n->updates[idx].intro = *sig;
		} else {
			idx = update_new(n, key, sig);
		}
		nb_map_set64(&claimed, idx, 1);
	}
	nb_map_release(&claimed);
	if (from && from->text_key != to->text_key)
		note_edit(&n->has_edit, &n->edit, sig);
	if (from && from->has_window && to->has_window &&
	    (from->window_start != to->window_start || from->window_end != to->window_end)) {
		/* a moved window is news for subscribers: an edit */
		struct hmove move = { *sig, from->window_start, from->window_end,
				      to->window_start, to->window_end };

		nb_hnotice_add_move(n, &move);
		note_edit(&n->has_edit, &n->edit, sig);
	}
	if (to->status && (!from || !from->status || strcmp(from->status, to->status) != 0)) {
		struct hstatus *st;

		nb_grow_array(&n->statuses, &n->status_alloc, n->status_count + 1,
			      sizeof(*n->statuses));
		st = &n->statuses[n->status_count++];
		st->status = nb_strdup(to->status);
		st->sig = *sig;
	}
	if (to->title) {
		free(n->title);
		n->title = nb_strdup(to->title);
	}
	n->has_valid = 1;
	git_oid_cpy(&n->last_valid, &to->id);
	free(match);
	free(exact);
}

struct blob_ref {
	const git_oid *id;
	const char *data;   /* work tree bytes, or NULL to read the blob */
	size_t len;
};

void nb_hnotice_add_move(struct hnotice *n, const struct hmove *move)
{
	nb_grow_array(&n->moves, &n->move_alloc, n->move_count + 1, sizeof(*n->moves));
	n->moves[n->move_count++] = *move;
}

void nb_history_site_changed(struct nb_history *h, const struct sig *sig)
{
	if (!h->has_site_change || nb_hsig_cmp(sig, &h->site_change) > 0)
		h->site_change = *sig;
	h->has_site_change = 1;
}

void nb_hnotice_add_change(struct hnotice *n, const struct sig *sig)
{
	nb_grow_array(&n->changes, &n->change_alloc, n->change_count + 1, sizeof(*n->changes));
	n->changes[n->change_count++] = *sig;
}

/* The notice at index went from blob `from` to blob `to`. */
static void change_notice(struct nb_history *h, size_t index, const struct blob_ref *from,
			  const struct blob_ref *to, const struct sig *sig)
{
	struct hnotice *n = &h->notices[index];
	struct version *vf = NULL, *vt;
	int own_from = 0, own_to = 0;

	nb_hnotice_add_change(n, sig);
	if (from) {
		vf = version_get(h, from->id, from->data, from->len, NULL, &own_from);
		if (!vf->valid)
			from = NULL; /* compare with the last version that parsed */
	}
	if (!from && n->has_valid) {
		if (own_from)
			version_free(vf);
		vf = version_get(h, &n->last_valid, NULL, 0, NULL, &own_from);
	} else if (!from) {
		vf = NULL;
	}
	vt = version_get(h, to->id, to->data, to->len, vf, &own_to);
	apply_versions(n, vf, vt, sig);
	if (own_from)
		version_free(vf);
	if (own_to)
		version_free(vt);
}

static void file_added(struct nb_history *h, const char *path, const struct blob_ref *to,
		       const struct sig *sig)
{
	size_t idx;

	if (nb_map_gets(&h->paths, path, &idx)) {
		/* back at a path it had: the same notice, withdrawn no more.  Its
		 * return is news (RFC 6721: readers keep an entry deleted unless it
		 * comes back updated after the deletion): an edit */
		if (h->notices[idx].deleted)
			note_edit(&h->notices[idx].has_edit, &h->notices[idx].edit, sig);
		h->notices[idx].deleted = 0;
	} else {
		idx = notice_new(h, path, sig);
	}
	change_notice(h, idx, NULL, to, sig);
}

static void file_changed(struct nb_history *h, const char *path, const struct blob_ref *from,
			 const struct blob_ref *to, const struct sig *sig)
{
	size_t idx;

	if (!nb_map_gets(&h->paths, path, &idx)) {
		file_added(h, path, to, sig);
		return;
	}
	change_notice(h, idx, from, to, sig);
}

static void file_deleted(struct nb_history *h, const char *path, const struct sig *sig)
{
	size_t idx;

	if (!nb_map_gets(&h->paths, path, &idx))
		return;
	h->notices[idx].deleted = 1;
	h->notices[idx].deleted_sig = *sig;
	nb_hnotice_add_change(&h->notices[idx], sig);
}

static void file_renamed(struct nb_history *h, const char *from_path, const char *to_path,
			 const struct blob_ref *from, const struct blob_ref *to,
			 const struct sig *sig)
{
	struct hnotice *n;
	size_t idx;

	if (!nb_map_gets(&h->paths, from_path, &idx)) {
		file_added(h, to_path, to, sig);
		return;
	}
	n = &h->notices[idx];
	nb_map_remove(&h->paths, from_path, strlen(from_path));
	nb_map_sets(&h->paths, to_path, idx);
	nb_hnotice_add_old_path(n, from_path);
	free(n->path);
	n->path = nb_strdup(to_path);
	n->deleted = 0;
	change_notice(h, idx, from, to, sig);
}

/* ---- trees ---- */

static void changes_clear(struct changes *c)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		free(c->items[i].path);
	free(c->items);
	memset(c, 0, sizeof(*c));
}

static int lookup_tree(git_tree **out, git_repository *repo, const git_oid *id)
{
	*out = NULL;
	if (git_oid_is_zero(id))
		return 0;
	return git_tree_lookup(out, repo, id);
}

/* ---- comparing raw tree objects ---- */

struct raw_entry {
	const char *name;
	size_t name_len;
	int is_tree;
	int is_blob;
	const unsigned char *id;  /* 20 bytes */
	size_t end;               /* offset just past the entry */
};

static void raw_free(struct raw_tree *t)
{
	git_odb_object_free(t->obj);
	free(t->ends);
	memset(t, 0, sizeof(*t));
}

static int raw_read(struct treereader *tr, const git_oid *id, struct raw_tree *t)
{
	memset(t, 0, sizeof(*t));
	if (git_oid_is_zero(id))
		return 0;
	git_oid_cpy(&t->id, id);
	if (!tr->odb && git_repository_odb(&tr->odb, tr->repo) < 0)
		return -1;
	if (git_odb_read(&t->obj, tr->odb, id) < 0)
		return -1;
	t->data = git_odb_object_data(t->obj);
	t->len = git_odb_object_size(t->obj);
	return 0;
}

/* Parses the entry at off ("mode name\0id"); -1 when the tree is damaged. */
static int raw_entry(const struct raw_tree *t, size_t off, struct raw_entry *e)
{
	const unsigned char *p = t->data + off, *end = t->data + t->len, *sp, *nul;

	sp = memchr(p, ' ', (size_t)(end - p));
	if (!sp)
		return -1;
	nul = memchr(sp + 1, '\0', (size_t)(end - sp - 1));
	if (!nul || end - nul < 1 + GIT_OID_RAWSZ)
		return -1;
	e->is_tree = sp - p == 5 && memcmp(p, "40000", 5) == 0;
	e->is_blob = sp - p == 6 && (memcmp(p, "100644", 6) == 0 || memcmp(p, "100755", 6) == 0);
	e->name = (const char *)sp + 1;
	e->name_len = (size_t)(nul - sp - 1);
	e->id = nul + 1;
	e->end = (size_t)(nul + 1 + GIT_OID_RAWSZ - t->data);
	return 0;
}

static void raw_push_end(struct raw_tree *t, size_t end)
{
	nb_grow_array(&t->ends, &t->end_alloc, t->end_count + 1, sizeof(*t->ends));
	t->ends[t->end_count++] = (uint32_t)end;
}

/* Indexes every entry of t; -1 when the tree is damaged. */
static int raw_index(struct raw_tree *t)
{
	struct raw_entry e;
	size_t off = 0;

	t->end_count = 0;
	for (off = 0; off < t->len; off = e.end) {
		if (raw_entry(t, off, &e) < 0)
			return -1;
		raw_push_end(t, e.end);
	}
	t->indexed = 1;
	return 0;
}

/* The number of entries of t that end at or before off. */
static size_t raw_entries_before(const struct raw_tree *t, size_t off)
{
	size_t lo = 0, hi = t->end_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->ends[mid] <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* git's order: a folder's name sorts as if it ended with '/'. */
static int raw_order(const struct raw_entry *a, const struct raw_entry *b)
{
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c = memcmp(a->name, b->name, n);
	unsigned char ca, cb;

	if (c)
		return c;
	ca = a->name_len > n ? (unsigned char)a->name[n] : (a->is_tree ? '/' : 0);
	cb = b->name_len > n ? (unsigned char)b->name[n] : (b->is_tree ? '/' : 0);
	return (int)ca - (int)cb;
}

static int notice_name(const struct raw_entry *e)
{
	return e->is_blob && e->name_len > 3 && memcmp(e->name + e->name_len - 3, ".md", 3) == 0;
}

#define SITE_NAME "site.yaml"

/* A file the walk follows: a notice, or site.yaml at the top of content/. */
static int followed(const struct raw_entry *e, const char *prefix)
{
	if (notice_name(e))
		return 1;
	return e->is_blob && e->name_len == strlen(SITE_NAME) &&
	       memcmp(e->name, SITE_NAME, e->name_len) == 0 && strcmp(prefix, NB_CONTENT_DIR) == 0;
}

static void raw_change(struct changes *c, const char *prefix, const struct raw_entry *old,
		       const struct raw_entry *new)
{
	const struct raw_entry *e = old ? old : new;
	struct change *ch;
	struct nb_buf path = NB_BUF_INIT;

	nb_buf_printf(&path, "%s/", prefix);
	nb_buf_put(&path, e->name, e->name_len);
	nb_grow_array(&c->items, &c->alloc, c->count + 1, sizeof(*c->items));
	ch = &c->items[c->count++];
	memset(ch, 0, sizeof(*ch));
	ch->path = nb_buf_detach(&path);
	if (old) {
		ch->has_old = 1;
		memcpy(ch->old.id, old->id, GIT_OID_RAWSZ);
	}
	if (new) {
		ch->has_new = 1;
		memcpy(ch->new.id, new->id, GIT_OID_RAWSZ);
	}
}

struct tree_pair {
	git_oid a, b;     /* zero: absent */
	char *prefix;
};

static void push_pair(struct tree_pair **stack, size_t *depth, size_t *alloc,
		      const char *prefix, const struct raw_entry *a, const struct raw_entry *b)
{
	const struct raw_entry *e = a ? a : b;
	struct tree_pair *p;
	struct nb_buf path = NB_BUF_INIT;

	nb_buf_printf(&path, "%s/", prefix);
	nb_buf_put(&path, e->name, e->name_len);
	nb_grow_array(stack, alloc, *depth + 1, sizeof(**stack));
	p = &(*stack)[(*depth)++];
	memset(p, 0, sizeof(*p));
	if (a)
		memcpy(p->a.id, a->id, GIT_OID_RAWSZ);
	if (b)
		memcpy(p->b.id, b->id, GIT_OID_RAWSZ);
	p->prefix = nb_buf_detach(&path);
}

/*
 * Compares two raw trees.  Two versions of a large folder usually differ
 * in one entry: the bytes they share at the front and at the back are
 * skipped at memory speed, and only the entries between are parsed.
 */
static int raw_diff(struct raw_tree *a, struct raw_tree *b, const char *prefix,
		    struct changes *out, struct tree_pair **stack, size_t *depth, size_t *alloc)
{
	size_t n = a->len < b->len ? a->len : b->len, p = 0, q = 0, pa = 0, pb = 0, ia, k;
	int index_b = !b->indexed && a->len <= UINT32_MAX && b->len <= UINT32_MAX;
	struct raw_entry ea, eb;

	/* 64 bytes at a time, then byte by byte */
	while (p + 64 <= n && memcmp(a->data + p, b->data + p, 64) == 0)
		p += 64;
	while (p < n && a->data[p] == b->data[p])
		p++;
	while (q + 64 <= n - p &&
	       memcmp(a->data + a->len - q - 64, b->data + b->len - q - 64, 64) == 0)
		q += 64;
	while (q < n - p && a->data[a->len - 1 - q] == b->data[b->len - 1 - q])
		q++;
	/* from the start of the first entry that differs; b's index is a's
	 * entries before it, the entries between, and a's after, moved */
	if (!a->indexed && raw_index(a) < 0)
		return -1;
	ia = raw_entries_before(a, p);
	pa = ia ? a->ends[ia - 1] : 0;
	pb = pa;
	if (index_b) {
		b->end_count = 0;
		for (k = 0; k < ia; k++)
			raw_push_end(b, a->ends[k]);
	}
	/* until the rest of both is the same bytes */
	while (!(a->len - pa == b->len - pb && a->len - pa <= q)) {
		int have_a = pa < a->len, have_b = pb < b->len, c;

		if ((have_a && raw_entry(a, pa, &ea) < 0) || (have_b && raw_entry(b, pb, &eb) < 0))
			return -1;
		c = !have_a ? 1 : !have_b ? -1 : raw_order(&ea, &eb);
		if (c == 0 && ea.is_tree == eb.is_tree && ea.is_blob == eb.is_blob &&
		    memcmp(ea.id, eb.id, GIT_OID_RAWSZ) == 0) {
			pa = ea.end;
			ia++;
			pb = eb.end;
			if (index_b)
				raw_push_end(b, pb);
			continue;
		}
		if (c <= 0 && ea.is_tree)
			push_pair(stack, depth, alloc, prefix, &ea,
				  c == 0 && eb.is_tree ? &eb : NULL);
		if (c >= 0 && eb.is_tree && !(c == 0 && ea.is_tree))
			push_pair(stack, depth, alloc, prefix, NULL, &eb);
		if ((c <= 0 && followed(&ea, prefix)) || (c >= 0 && followed(&eb, prefix)))
			raw_change(out, prefix, c <= 0 && followed(&ea, prefix) ? &ea : NULL,
				   c >= 0 && followed(&eb, prefix) ? &eb : NULL);
		if (c <= 0) {
			pa = ea.end;
			ia++;
		}
		if (c >= 0) {
			pb = eb.end;
			if (index_b)
				raw_push_end(b, pb);
		}
	}
	if (index_b) {
		for (k = ia; k < a->end_count; k++)
			raw_push_end(b, a->ends[k] - pa + pb);
		b->indexed = 1;
	}
	return 0;
}

/* The raw tree with that id, through a small cache (a commit's trees are
 * its child's parent's trees) that never drops `keep`. */
static int raw_get(struct treereader *tr, const git_oid *id, struct raw_tree **out,
		   const struct raw_tree *keep)
{
	size_t i;

	for (i = 0; i < NB_RAW_SLOTS; i++) {
		if (git_oid_equal(&tr->raw[i].id, id) && (tr->raw[i].obj || git_oid_is_zero(id))) {
			*out = &tr->raw[i];
			return 0;
		}
	}
	i = (size_t)tr->raw_next;
	if (&tr->raw[i] == keep)
		i = (i + 1) % NB_RAW_SLOTS;
	tr->raw_next = (int)((i + 1) % NB_RAW_SLOTS);
	raw_free(&tr->raw[i]);
	if (raw_read(tr, id, &tr->raw[i]) < 0) {
		raw_free(&tr->raw[i]);
		return -1;
	}
	*out = &tr->raw[i];
	return 0;
}

/*
 * The notice files that differ between content trees a and b (zero ids
 * for none), descending only into folders whose ids differ.  On failure,
 * *where names the folder.
 */
static int diff_trees(struct treereader *tr, const git_oid *a, const git_oid *b,
		      struct changes *out, char **where)
{
	struct tree_pair *stack = NULL;
	size_t depth = 0, alloc = 0;
	int rc = 0;

	nb_grow_array(&stack, &alloc, 1, sizeof(*stack));
	git_oid_cpy(&stack[0].a, a);
	git_oid_cpy(&stack[0].b, b);
	stack[0].prefix = nb_strdup(NB_CONTENT_DIR);
	depth = 1;
	while (depth) {
		struct tree_pair cur = stack[--depth];
		struct raw_tree *ta, *tb;

		if (rc == 0 &&
		    (raw_get(tr, &cur.a, &ta, NULL) < 0 || raw_get(tr, &cur.b, &tb, ta) < 0 ||
		     raw_diff(ta, tb, cur.prefix, out, &stack, &depth, &alloc) < 0)) {
			rc = -1;
			*where = cur.prefix;
			continue;
		}
		free(cur.prefix);
	}
	free(stack);
	return rc;
}

/* The id of commit's content/ tree (zero when it has none), cached. */
static int content_tree(struct treereader *tr, const git_commit *commit, git_oid *out)
{
	const git_oid *cid = git_commit_id(commit);
	git_tree *root = NULL;
	const git_tree_entry *e;
	size_t idx;

	if (nb_map_get(&tr->trees, cid->id, GIT_OID_RAWSZ, &idx)) {
		*out = tr->tree_ids[idx];
		return 0;
	}
	memset(out, 0, sizeof(*out));
	if (git_commit_tree(&root, commit) < 0)
		return -1;
	e = git_tree_entry_byname(root, NB_CONTENT_DIR);
	if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE)
		git_oid_cpy(out, git_tree_entry_id(e));
	git_tree_free(root);
	nb_grow_array(&tr->tree_ids, &tr->tree_alloc, tr->tree_count + 1, sizeof(*tr->tree_ids));
	tr->tree_ids[tr->tree_count] = *out;
	nb_map_set(&tr->trees, cid->id, GIT_OID_RAWSZ, tr->tree_count++);
	return 0;
}

static void treereader_release(struct treereader *tr)
{
	size_t i;

	nb_map_release(&tr->trees);
	free(tr->tree_ids);
	for (i = 0; i < NB_RAW_SLOTS; i++)
		raw_free(&tr->raw[i]);
	git_odb_free(tr->odb);
	memset(tr, 0, sizeof(*tr));
}

/* ---- one commit ---- */

static int path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct change *)a)->path, ((const struct change *)b)->path);
}

static void pair_rename(struct changes *ch, size_t from, size_t to, struct nb_history *h,
			const struct sig *sig)
{
	struct change *d = &ch->items[from], *a = &ch->items[to];
	struct blob_ref old = { &d->old, NULL, 0 }, new = { &a->new, NULL, 0 };

	file_renamed(h, d->path, a->path, &old, &new, sig);
	d->done = a->done = 1;
}

/* Pairs deletions with additions that git's similarity search calls renames. */
static void similar_renames(struct nb_history *h, const git_oid *old_tree,
			    const git_oid *new_tree, struct changes *ch,
			    const struct sig *sig)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
	git_tree *ta = NULL, *tb = NULL;
	git_diff *diff = NULL;
	char **paths = nb_calloc(ch->count + 1, sizeof(*paths));
	size_t i, n = 0, k, prefix = strlen(NB_CONTENT_DIR) + 1;

	for (i = 0; i < ch->count; i++)
		if (!ch->items[i].done && (!ch->items[i].has_old || !ch->items[i].has_new))
			paths[n++] = ch->items[i].path + prefix;
	opts.pathspec.strings = paths;
	opts.pathspec.count = n;
	opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
	find.flags = GIT_DIFF_FIND_RENAMES;
	if (lookup_tree(&ta, h->repo, old_tree) < 0 || lookup_tree(&tb, h->repo, new_tree) < 0 ||
	    git_diff_tree_to_tree(&diff, h->repo, ta, tb, &opts) < 0 ||
	    git_diff_find_similar(diff, &find) < 0)
		goto cleanup;
	for (k = 0; k < git_diff_num_deltas(diff); k++) {
		const git_diff_delta *d = git_diff_get_delta(diff, k);
		size_t from = ch->count, to = ch->count;

		if (d->status != GIT_DELTA_RENAMED)
			continue;
		for (i = 0; i < ch->count; i++) {
			const struct change *c = &ch->items[i];

			if (c->done)
				continue;
			if (!c->has_new && strcmp(c->path + prefix, d->old_file.path) == 0)
				from = i;
			if (!c->has_old && strcmp(c->path + prefix, d->new_file.path) == 0)
				to = i;
		}
		if (from < ch->count && to < ch->count)
			pair_rename(ch, from, to, h, sig);
	}
cleanup:
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
	free(paths);
}

/* Applies one commit's changes: renames first, then the rest by path. */
/* 1 when two versions are one notice by what a reader sees first: the
 * same title, or the same opening paragraph. */
static int same_notice(const struct version *a, const struct version *b)
{
	if (!a->valid || !b->valid)
		return 0;
	if (a->title && b->title && *a->title && strcmp(a->title, b->title) == 0)
		return 1;
	return a->lead_key && a->lead_key == b->lead_key;
}

/*
 * A file deleted and one added in the same commit are one notice renamed
 * and rewritten when they share their title or their opening paragraph,
 * so it keeps its identity (feed id, old address) however much else
 * changed, even beyond git's similarity search (which looks at the rest).
 */
static void rewritten_renames(struct nb_history *h, struct changes *ch, const struct sig *sig)
{
	size_t i, j, idx;

	for (i = 0; i < ch->count; i++) {
		struct change *d = &ch->items[i];
		struct version *from;
		int own_from = 0;

		if (d->done || d->has_new || !nb_map_gets(&h->paths, d->path, &idx) ||
		    !h->notices[idx].has_valid)
			continue;
		from = version_get(h, &h->notices[idx].last_valid, NULL, 0, NULL, &own_from);
		for (j = 0; j < ch->count; j++) {
			struct change *a = &ch->items[j];
			struct version *to;
			int own_to = 0, same;

			if (a->done || a->has_old)
				continue;
			to = version_get(h, &a->new, NULL, 0, from, &own_to);
			same = same_notice(from, to);
			if (own_to)
				version_free(to);
			if (same) {
				pair_rename(ch, i, j, h, sig);
				break;
			}
		}
		if (own_from)
			version_free(from);
	}
}

/* A commit left deleting one notice and adding another, unpaired: noted,
 * for check to say how the history reads it. */
static void note_split(struct nb_history *h, struct changes *ch, const struct sig *sig)
{
	struct nb_history_split *sp;
	const char *deleted = NULL, *added = NULL;
	size_t i;

	for (i = 0; i < ch->count; i++) {
		const struct change *c = &ch->items[i];

		if (c->done || (c->has_old && c->has_new))
			continue;
		if (!c->has_new && !deleted && nb_map_gets(&h->paths, c->path, NULL))
			deleted = c->path;
		else if (!c->has_old && !added)
			added = c->path;
	}
	if (!deleted || !added || git_oid_is_zero(&sig->commit))
		return;
	nb_grow_array(&h->stats.splits, &h->stats.split_alloc, h->stats.split_count + 1,
		      sizeof(*h->stats.splits));
	sp = &h->stats.splits[h->stats.split_count++];
	git_oid_tostr(sp->commit, sizeof(sp->commit), &sig->commit);
	sp->deleted = nb_strdup(deleted);
	sp->added = nb_strdup(added);
}

static void apply_changes(struct nb_history *h, struct changes *ch, const git_oid *old_tree,
			  const git_oid *new_tree, const struct sig *sig)
{
	size_t i, j, deletes = 0, adds = 0;

	nb_sort(ch->items, ch->count, sizeof(*ch->items), path_cmp);
	for (i = 0; i < ch->count; i++) {
		if (strcmp(ch->items[i].path, NB_SITE_PATH) == 0) {
			nb_history_site_changed(h, sig);
			ch->items[i].done = 1;
		}
	}
	/* renames with the same bytes */
	for (i = 0; i < ch->count; i++) {
		if (ch->items[i].has_new || ch->items[i].done)
			continue;
		for (j = 0; j < ch->count; j++) {
			if (!ch->items[j].has_old && !ch->items[j].done &&
			    git_oid_equal(&ch->items[i].old, &ch->items[j].new)) {
				pair_rename(ch, i, j, h, sig);
				break;
			}
		}
	}
	for (i = 0; i < ch->count; i++) {
		if (ch->items[i].done)
			continue;
		deletes += !ch->items[i].has_new;
		adds += !ch->items[i].has_old;
	}
	/* what a reader sees first (title, opening paragraph) says more than
	 * shared bytes, which front matter alone can make */
	if (deletes && adds)
		rewritten_renames(h, ch, sig);
	if (deletes && adds && old_tree && !git_oid_is_zero(old_tree))
		similar_renames(h, old_tree, new_tree, ch, sig);
	note_split(h, ch, sig);
	for (i = 0; i < ch->count; i++) {
		struct change *c = &ch->items[i];
		struct blob_ref old = { &c->old, NULL, 0 }, new = { &c->new, NULL, 0 };

		if (c->done)
			continue;
		if (c->has_old && c->has_new)
			file_changed(h, c->path, &old, &new, sig);
		else if (c->has_new)
			file_added(h, c->path, &new, sig);
		else
			file_deleted(h, c->path, sig);
	}
}

/* 1 when the blob at path in tree equals what a change leaves there. */
static int tree_has(git_repository *repo, const git_oid *tree_id, const struct change *c)
{
	size_t prefix = strlen(NB_CONTENT_DIR) + 1;
	git_tree_entry *e = NULL;
	git_tree *tree = NULL;
	int same;

	if (git_oid_is_zero(tree_id) || git_tree_lookup(&tree, repo, tree_id) < 0)
		return !c->has_new;
	if (git_tree_entry_bypath(&e, tree, c->path + prefix) < 0)
		same = !c->has_new;
	else
		same = c->has_new && git_oid_equal(git_tree_entry_id(e), &c->new);
	git_tree_entry_free(e);
	git_tree_free(tree);
	return same;
}

/* What walking one commit needs from the repository, read by either
 * thread: its content tree's changes and its author. */
struct prepared {
	git_oid commit, tree, first;
	unsigned parents;
	int skip;              /* content/ is as a parent had it */
	struct nb_diags diags; /* what could not be read */
	struct changes ch;
	int64_t time;
	int offset;
	char *name, *email;
};

static void prepared_clear(struct prepared *pc)
{
	changes_clear(&pc->ch);
	nb_diags_clear(&pc->diags);
	free(pc->name);
	free(pc->email);
	memset(pc, 0, sizeof(*pc));
}

static void prepare_commit(struct treereader *tr, const git_oid *id, struct prepared *pc)
{
	git_commit *commit = NULL, *parent = NULL;
	git_oid other;
	char *where = NULL;
	size_t i, kept;
	unsigned p;

	memset(pc, 0, sizeof(*pc));
	git_oid_cpy(&pc->commit, id);
	if (git_commit_lookup(&commit, tr->repo, id) < 0 || content_tree(tr, commit, &pc->tree) < 0)
		goto unreadable;
	pc->parents = git_commit_parentcount(commit);
	for (p = 0; p < pc->parents; p++) {
		if (git_commit_parent(&parent, commit, p) < 0 ||
		    content_tree(tr, parent, p ? &other : &pc->first) < 0)
			goto unreadable;
		git_commit_free(parent);
		parent = NULL;
		/* a commit (or merge) leaving content/ as a parent had it adds nothing */
		if (git_oid_equal(p ? &other : &pc->first, &pc->tree)) {
			pc->skip = 1;
			goto done;
		}
	}
	if (diff_trees(tr, &pc->first, &pc->tree, &pc->ch, &where) < 0) {
		nb_diags_add(&pc->diags, where, 0, "run 'git fsck' on the repository",
			     "cannot read a folder in the history: %s", git_message());
		free(where);
		goto done;
	}
	/* a merge: keep what no parent had, the merge's own work */
	for (p = 1; p < pc->parents; p++) {
		if (git_commit_parent(&parent, commit, p) < 0 || content_tree(tr, parent, &other) < 0)
			goto unreadable;
		git_commit_free(parent);
		parent = NULL;
		for (i = 0, kept = 0; i < pc->ch.count; i++) {
			if (tree_has(tr->repo, &other, &pc->ch.items[i]))
				free(pc->ch.items[i].path);
			else
				pc->ch.items[kept++] = pc->ch.items[i];
		}
		pc->ch.count = kept;
	}
	{
		const git_signature *a = git_commit_author(commit);

		pc->time = (int64_t)a->when.time;
		pc->offset = a->when.offset;
		pc->name = nb_strdup(a->name ? a->name : "");
		pc->email = nb_strdup(a->email ? a->email : "");
	}
	goto done;
unreadable:
	{
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), id);
		nb_diags_add(&pc->diags, NULL, 0, "run 'git fsck'; fetch what is missing",
			     "cannot read commit %s or its parents: %s", hex, git_message());
	}
done:
	git_commit_free(parent);
	git_commit_free(commit);
}

/* Applies a prepared commit; -1 (with a problem in diags) when it could
 * not be read. */
static int finish_commit(struct nb_history *h, struct prepared *pc, struct nb_diags *diags)
{
	struct sig sig;

	h->stats.commits++;
	if (pc->diags.count) {
		nb_diags_move(diags, &pc->diags);
		return -1;
	}
	if (pc->skip)
		return 0;
	h->stats.content_commits++;
	sig.time = pc->time;
	sig.offset = pc->offset;
	sig.name = intern(h, pc->name);
	sig.email = intern(h, pc->email);
	git_oid_cpy(&sig.commit, &pc->commit);
	apply_changes(h, &pc->ch, pc->parents ? &pc->first : NULL, &pc->tree, &sig);
	return 0;
}

static void notice_release(struct hnotice *n)
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

static void history_clear(struct nb_history *h)
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
	h->has_tip = 0;
	h->has_site_change = 0;
}

void nb_history_free(struct nb_history *h)
{
	size_t i;

	if (!h)
		return;
	history_clear(h);
	treereader_release(&h->tr);
	for (i = 0; i < NB_VERSION_SLOTS; i++)
		version_free(h->versions[i]);
	for (i = 0; i < h->stats.split_count; i++) {
		free(h->stats.splits[i].deleted);
		free(h->stats.splits[i].added);
	}
	free(h->stats.splits);
	free(h);
}

struct nb_history *nb_history_empty(git_repository *repo)
{
	struct nb_history *h = nb_calloc(1, sizeof(*h));

	h->repo = repo;
	return h;
}

const struct nb_history_stats *nb_history_stats(const struct nb_history *h)
{
	return &h->stats;
}

/*
 * A second thread reads the trees of the commits ahead (a ring of
 * prepared commits) while this one applies them: reading trees and
 * parsing notices take about as long as each other on big histories.
 */
struct ahead {
	struct treereader tr;        /* the second thread's, with its own handle */
	const git_oid *ids;
	size_t count;
	struct prepared ring[NB_AHEAD_SLOTS];
	size_t made, taken;          /* prepared and applied so far */
	int stop;
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

static void *ahead_run(void *arg)
{
	struct ahead *a = arg;
	size_t k;

	for (k = 0; k < a->count; k++) {
		pthread_mutex_lock(&a->lock);
		while (k - a->taken >= NB_AHEAD_SLOTS && !a->stop)
			pthread_cond_wait(&a->changed, &a->lock);
		pthread_mutex_unlock(&a->lock);
		if (a->stop)
			break;
		prepare_commit(&a->tr, &a->ids[k], &a->ring[k % NB_AHEAD_SLOTS]);
		pthread_mutex_lock(&a->lock);
		a->made = k + 1;
		pthread_cond_broadcast(&a->changed);
		pthread_mutex_unlock(&a->lock);
	}
	return NULL;
}

static int apply_ahead(struct nb_history *h, struct ahead *a, struct nb_diags *diags)
{
	size_t k;
	int rc = 0;

	for (k = 0; k < a->count && rc == 0; k++) {
		struct prepared *pc = &a->ring[k % NB_AHEAD_SLOTS];

		pthread_mutex_lock(&a->lock);
		while (a->made <= k)
			pthread_cond_wait(&a->changed, &a->lock);
		pthread_mutex_unlock(&a->lock);
		rc = finish_commit(h, pc, diags);
		prepared_clear(pc);
		pthread_mutex_lock(&a->lock);
		a->taken = k + 1;
		pthread_cond_broadcast(&a->changed);
		pthread_mutex_unlock(&a->lock);
	}
	return rc;
}

/* Walks with a second thread; 1 when one could not be started. */
static int walk_ahead(struct nb_history *h, const git_oid *ids, size_t count,
		      struct nb_diags *diags)
{
	struct ahead *a = nb_calloc(1, sizeof(*a));
	git_repository *repo;
	pthread_t thread;
	size_t k;
	int rc = 1;

	a->ids = ids;
	a->count = count;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->changed, NULL);
	if (nb_repo_reopen(&a->tr.repo, h->repo) == 0 &&
	    pthread_create(&thread, NULL, ahead_run, a) == 0) {
		rc = apply_ahead(h, a, diags);
		pthread_mutex_lock(&a->lock);
		a->stop = 1;
		pthread_cond_broadcast(&a->changed);
		pthread_mutex_unlock(&a->lock);
		pthread_join(thread, NULL);
		for (k = 0; k < NB_AHEAD_SLOTS; k++)
			prepared_clear(&a->ring[k]);
	}
	repo = a->tr.repo;
	treereader_release(&a->tr);
	git_repository_free(repo);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->changed);
	free(a);
	return rc;
}

static int walk_range(struct nb_history *h, const git_oid *from, const git_oid *hide,
		      struct nb_diags *diags)
{
	git_revwalk *walk = NULL;
	git_oid *ids = NULL, id;
	size_t count = 0, alloc = 0, k;
	int rc = -1, err;

	if (git_revwalk_new(&walk, h->repo) < 0)
		goto failed;
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
	if (git_revwalk_push(walk, from) < 0 || (hide && git_revwalk_hide(walk, hide) < 0))
		goto failed;
	while ((err = git_revwalk_next(&id, walk)) == 0) {
		nb_grow_array(&ids, &alloc, count + 1, sizeof(*ids));
		ids[count++] = id;
	}
	if (err != GIT_ITEROVER)
		goto failed;
	if (count && !h->stats.first[0])
		git_oid_tostr(h->stats.first, sizeof(h->stats.first), &ids[0]);
	if (count >= NB_AHEAD_MIN && (rc = walk_ahead(h, ids, count, diags)) <= 0)
		goto cleanup;
	h->tr.repo = h->repo;
	for (k = 0, rc = 0; k < count && rc == 0; k++) {
		struct prepared pc;

		prepare_commit(&h->tr, &ids[k], &pc);
		rc = finish_commit(h, &pc, diags);
		prepared_clear(&pc);
	}
	goto cleanup;
failed:
	nb_diags_add(diags, NULL, 0, "run 'git fsck'; fetch what is missing",
		     "cannot walk the history: %s", git_message());
cleanup:
	git_revwalk_free(walk);
	free(ids);
	return rc;
}

/* An update as feeds know it: its notice and the author time of the
 * commit that added it (which an amend or a rebase keeps). */
static void update_mark(struct nb_buf *b, const struct hnotice *n, const struct hupdate *u)
{
	nb_buf_truncate(b, 0);
	nb_buf_printf(b, "%s\t%lld", n->first_path, (long long)u->intro.time);
}

/* How many updates `old` knew that `now` no longer has, counted by notice
 * and time of adding. */
static size_t lost_updates(const struct nb_history *old, const struct nb_history *now)
{
	struct nb_map left = NB_MAP_INIT;
	struct nb_buf mark = NB_BUF_INIT;
	size_t i, j, lost = 0, n;

	for (i = 0; i < now->count; i++)
		for (j = 0; j < now->notices[i].update_count; j++) {
			update_mark(&mark, &now->notices[i], &now->notices[i].updates[j]);
			n = 0;
			nb_map_gets(&left, mark.ptr, &n);
			nb_map_sets(&left, mark.ptr, n + 1);
		}
	for (i = 0; i < old->count; i++)
		for (j = 0; j < old->notices[i].update_count; j++) {
			update_mark(&mark, &old->notices[i], &old->notices[i].updates[j]);
			n = 0;
			if (nb_map_gets(&left, mark.ptr, &n) && n > 0)
				nb_map_sets(&left, mark.ptr, n - 1);
			else
				lost++;
		}
	nb_map_release(&left);
	nb_buf_release(&mark);
	return lost;
}

int nb_history_walk(struct nb_history **out, git_repository *repo, git_commit *commit,
		    int use_cache, struct nb_diags *diags)
{
	struct nb_history *h = nb_calloc(1, sizeof(*h)), *old = NULL;
	const git_oid *id = git_commit_id(commit);
	git_oid hide;
	int incremental = 0;

	*out = NULL;
	h->repo = repo;
	if (git_repository_is_shallow(repo) == 1) {
		nb_diags_add(diags, NULL, 0,
			     "run 'git fetch --unshallow' (or clone without --depth)",
			     "the repository is a shallow clone: the commits that first "
			     "published older notices are missing, so their times and feed "
			     "ids would be wrong");
		nb_history_free(h);
		return -1;
	}
	if (use_cache && nb_history_load(h, repo) == 0) {
		if (git_oid_equal(&h->tip, id)) {
			h->stats.from_cache = 1;
			goto done;
		}
		if (git_graph_descendant_of(repo, id, &h->tip) == 1) {
			git_oid_cpy(&hide, &h->tip);
			incremental = 1;
			h->stats.from_cache = 1;
		} else if (git_graph_descendant_of(repo, &h->tip, id) != 1) {
			/* not an older commit of the same line: rewritten */
			h->stats.rewritten = 1;
			git_oid_tostr(h->stats.cached_tip, sizeof(h->stats.cached_tip), &h->tip);
			old = nb_calloc(1, sizeof(*old));
			*old = *h;
			memset(h, 0, sizeof(*h));
			h->repo = repo;
			h->stats = old->stats;
		}
	}
	if (!incremental)
		history_clear(h);
	if (walk_range(h, id, incremental ? &hide : NULL, diags) < 0) {
		if (old) {
			history_clear(old);
			free(old);
		}
		nb_history_free(h);
		return -1;
	}
	if (old) {
		h->stats.lost_updates = lost_updates(old, h);
		history_clear(old);
		free(old);
	}
	nb_history_normalize(h);
	git_oid_cpy(&h->tip, id);
	h->has_tip = 1;
done:
	*out = h;
	return 0;
}

/* ---- the work tree ---- */

void nb_history_add_worktree(struct nb_history *h, const struct nb_repo_file *a,
			     size_t head_count, const struct nb_repo_file *b, size_t work_count,
			     int64_t now, const char *author)
{
	struct sig sig;
	size_t i = 0, j = 0;

	memset(&sig, 0, sizeof(sig));
	sig.time = now;
	sig.name = intern(h, author);
	sig.email = intern(h, "");
	/* both lists come sorted by path, as the nb_repo_list functions give them */
	while (i < head_count || j < work_count) {
		int c = i == head_count ? 1 : j == work_count ? -1 : strcmp(a[i].path, b[j].path);
		struct blob_ref from = { i < head_count ? &a[i].id : NULL, NULL, 0 };
		struct blob_ref to = { j < work_count ? &b[j].id : NULL,
				       j < work_count ? b[j].data : NULL,
				       j < work_count ? b[j].len : 0 };
		size_t len = strlen(c <= 0 ? a[i].path : b[j].path);
		const char *path = c <= 0 ? a[i].path : b[j].path;
		int notice = len > 3 && strcmp(path + len - 3, ".md") == 0;

		if (c == 0 && notice && !git_oid_equal(&a[i].id, &b[j].id))
			file_changed(h, path, &from, &to, &sig);
		else if (c > 0 && notice && b[j].mode != GIT_FILEMODE_LINK)
			file_added(h, path, &to, &sig);
		else if (c < 0 && notice)
			file_deleted(h, path, &sig);
		i += c <= 0;
		j += c >= 0;
	}
}

/* ---- dating the notices ---- */

static char *name_of(const struct nb_history *h, size_t idx)
{
	return nb_strdup(idx < h->name_count ? h->names[idx] : "");
}

/* The commit's id in hex, "" for the work tree (no commit). */
static void commit_hex(char *out, const struct sig *sig)
{
	if (git_oid_is_zero(&sig->commit))
		out[0] = '\0';
	else
		git_oid_tostr(out, NB_COMMIT_HEX, &sig->commit);
}

/* "2010-03-14 03:05 EDT": t in the zone of the stamp (the site's for one
 * with no zone or a numeric offset), for messages. */
static void stamp_time(char out[64], const struct nb_stamp *s, const char *zone, int64_t t)
{
	if (!nb_tz_format(out, 64, "%Y-%m-%d %H:%M %Z",
			  s->has_offset ? zone : nb_stamp_zone(s, zone), t))
		out[0] = '\0';
}

/* A time-only stamp dated by its commit lies far before the notice: its
 * time of day came after the commit, so an earlier day was taken. */
static void report_day_before(const struct nb_notice *n, const struct nb_update *u,
			      const struct hupdate *hu, const char *zone,
			      struct nb_diags *diags)
{
	char read[64], commit[64];

	stamp_time(read, &u->stamp, zone, u->time);
	stamp_time(commit, &u->stamp, zone, hu->intro.time);
	nb_diags_add(diags, n->path, u->line, "correct the stamp's time, or give its date",
		     "update '%s' is dated before the notice was published: read as %s, "
		     "the latest such time before the commit that added it (%s)",
		     u->stamp_text, read, commit);
}

static void report_future(const struct nb_notice *n, const struct nb_update *u,
			  const struct hupdate *hu, const char *zone, struct nb_diags *diags)
{
	char read[64], commit[64];

	stamp_time(read, &u->stamp, zone, u->time);
	stamp_time(commit, &u->stamp, zone, hu->intro.time);
	nb_diags_add(diags, n->path, u->line, "correct the stamp's date or time",
		     "stamp '%s' is in the future: %s, later than the commit that added "
		     "the update (%s)", u->stamp_text, read, commit);
}

static void date_update(const struct nb_history *h, const struct nb_notice *n,
			struct nb_update *u, const struct hupdate *hu, const char *zone,
			struct nb_diags *diags)
{
	commit_hex(u->commit, &hu->intro);
	u->author = name_of(h, hu->intro.name);
	u->added = hu->intro.time;
	if (hu->has_edit) {
		u->edited = hu->edit.time;
		u->edited_by = name_of(h, hu->edit.name);
	}
	if (u->source == NB_TIME_UNSET && u->stamp_text[0] && nb_stamp_has_time(&u->stamp)) {
		if (nb_stamp_infer_before(&u->time, &u->stamp, hu->intro.time, zone) == 0)
			u->source = NB_TIME_DAY_FROM_COMMIT;
	} else if (u->source == NB_TIME_UNSET && !u->stamp_text[0]) {
		u->time = hu->intro.time;
		u->source = NB_TIME_COMMIT;
	} else if (u->source == NB_TIME_STATED) {
		/* in a git-dated file, of two readings the one by the commit */
		if (!n->has_date)
			(void)nb_stamp_infer_before(&u->time, &u->stamp, hu->intro.time, zone);
		if (u->time > hu->intro.time + NB_FUTURE_SLACK)
			report_future(n, u, hu, zone, diags);
	}
	if (n->has_date || u->source == NB_TIME_UNSET || u->time >= n->published - NB_COMMIT_LAG)
		return;
	if (u->source == NB_TIME_DAY_FROM_COMMIT)
		report_day_before(n, u, hu, zone, diags);
	else
		nb_diags_add(diags, n->path, u->line,
			     "correct the stamp: the notice was first committed after it",
			     "update '%s' is dated before the notice was published",
			     u->stamp_text[0] ? u->stamp_text : "Update");
}

/* Who did what a commit did to a notice: its author: from the front matter
 * for what came with the file (imported history git cannot attribute),
 * else the commit's author.  The caller frees it. */
static char *by_whom(const struct nb_history *h, const struct hnotice *hn,
		     const struct nb_notice *n, const struct sig *sig)
{
	if (n->stated_author && git_oid_equal(&sig->commit, &hn->added.commit))
		return nb_strdup(n->stated_author);
	return name_of(h, sig->name);
}

static void date_notice(const struct nb_history *h, const struct hnotice *hn,
			struct nb_notice *n, const char *zone, struct nb_diags *diags)
{
	uint64_t *keys;
	size_t i, k;

	n->first_path = nb_strdup(hn->first_path);
	n->old_paths = nb_calloc(hn->old_count + 1, sizeof(*n->old_paths));
	for (i = 0; i < hn->old_count; i++)
		if (strcmp(hn->old_paths[i], n->path) != 0)
			n->old_paths[n->old_path_count++] = nb_strdup(hn->old_paths[i]);
	n->author = n->stated_author ? nb_strdup(n->stated_author) : name_of(h, hn->added.name);
	n->added = hn->added.time;
	if (!n->has_date) {
		n->published = hn->added.time;
		n->published_source = NB_TIME_COMMIT;
	}
	if (hn->has_edit) {
		n->edited = hn->edit.time;
		n->edited_by = name_of(h, hn->edit.name);
	}
	n->commits = nb_calloc(hn->change_count + 1, sizeof(*n->commits));
	for (i = 0; i < hn->change_count; i++) {
		commit_hex(n->commits[i].id, &hn->changes[i]);
		n->commits[i].time = hn->changes[i].time;
		n->commits[i].author = name_of(h, hn->changes[i].name);
	}
	n->commit_count = hn->change_count;
	n->window_moves = nb_calloc(hn->move_count + 1, sizeof(*n->window_moves));
	for (i = 0; i < hn->move_count; i++) {
		const struct hmove *mv = &hn->moves[i];

		n->window_moves[i] = (struct nb_window_move){ mv->sig.time, name_of(h, mv->sig.name),
							      mv->from_start, mv->from_end,
							      mv->to_start, mv->to_end };
	}
	n->window_changes = hn->move_count;
	n->status_changes = nb_calloc(hn->status_count + 1, sizeof(*n->status_changes));
	for (i = 0; i < hn->status_count; i++) {
		struct nb_status_change *sc = &n->status_changes[n->status_change_count];

		if (nb_status_from_name(n->kind, hn->statuses[i].status, &sc->status) < 0)
			continue;
		sc->time = hn->statuses[i].sig.time;
		sc->author = by_whom(h, hn, n, &hn->statuses[i].sig);
		n->status_change_count++;
	}
	keys = nb_calloc(n->update_count + 1, sizeof(*keys));
	nb_update_keys(n, keys);
	for (i = 0; i < n->update_count; i++) {
		struct nb_update *u = &n->updates[i];

		if (!nb_map_get64(&hn->keys, keys[i], &k))
			continue;
		date_update(h, n, u, &hn->updates[k], zone, diags);
		free(u->author);
		u->author = by_whom(h, hn, n, &hn->updates[k].intro);
	}
	free(keys);
}

/*
 * A commit whose author date no feed or calendar can hold (a broken
 * clock, or a rewritten date) would date the notice: one problem names it.
 */
static void check_range(const struct hnotice *hn, const char *path, struct nb_diags *diags)
{
	const struct sig *bad = NULL;
	struct nb_civil c;
	char hex[NB_COMMIT_HEX];
	size_t i;

	for (i = 0; i < hn->change_count && !bad; i++)
		if (hn->changes[i].time < NB_TIME_MIN || hn->changes[i].time > NB_TIME_MAX)
			bad = &hn->changes[i];
	if (!bad && hn->deleted &&
	    (hn->deleted_sig.time < NB_TIME_MIN || hn->deleted_sig.time > NB_TIME_MAX))
		bad = &hn->deleted_sig;
	if (!bad)
		return;
	nb_civil_from_seconds(bad->time, &c);
	commit_hex(hex, bad);
	nb_diags_add(diags, path, 0,
		     "correct the commit's author date (git rebase -i, then "
		     "git commit --amend --date=...): nocblog dates notices from 1970 to 3000",
		     "commit %.10s that changed it is dated in the year %d", hex, c.year);
}

static int withdrawn_order(const void *a, const void *b)
{
	return strcmp(((const struct nb_withdrawn *)a)->first_path,
		      ((const struct nb_withdrawn *)b)->first_path);
}

int nb_history_apply(const struct nb_history *h, struct nb_content *c,
		     struct nb_diags *diags)
{
	const char *zone = c->site.timezone ? c->site.timezone : "UTC";
	char *live = nb_calloc(h->count + 1, 1);
	size_t i, idx, before = diags->count;

	for (i = 0; i < c->count; i++) {
		struct nb_notice *n = &c->notices[i];

		if (!nb_map_gets(&h->paths, n->path, &idx))
			continue;
		live[idx] = 1;
		check_range(&h->notices[idx], n->path, diags);
		date_notice(h, &h->notices[idx], n, zone, diags);
	}
	c->withdrawn = nb_calloc(h->count + 1, sizeof(*c->withdrawn));
	for (i = 0; i < h->count; i++) {
		const struct hnotice *hn = &h->notices[i];
		struct nb_withdrawn *w;

		if (live[i] || !hn->deleted)
			continue;
		check_range(hn, hn->path, diags);
		w = &c->withdrawn[c->withdrawn_count++];
		w->first_path = nb_strdup(hn->first_path);
		w->path = nb_strdup(hn->path);
		w->title = nb_strdup(hn->title ? hn->title : hn->first_path);
		w->added = hn->added.time;
		w->withdrawn = hn->deleted_sig.time;
		w->author = name_of(h, hn->deleted_sig.name);
		w->has_last = hn->has_valid;
		git_oid_cpy(&w->last, &hn->last_valid);
		w->window_changes = hn->move_count;
	}
	c->site_changed = h->has_site_change ? h->site_change.time : 0;
	nb_sort(c->withdrawn, c->withdrawn_count, sizeof(*c->withdrawn), withdrawn_order);
	free(live);
	return diags->count > before ? -1 : 0;
}
