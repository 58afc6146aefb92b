#include "treediff.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "content.h"
#include "map.h"
#include "util.h"

void nb_treediff_changes_clear(struct nb_changes *c)
{
	size_t i;

	for (i = 0; i < c->count; i++) {
		free(c->items[i].path);
		git_odb_object_free(c->items[i].blob);
	}
	free(c->items);
	memset(c, 0, sizeof(*c));
}

int nb_treediff_lookup_tree(git_tree **out, git_repository *repo, const git_oid *id)
{
	*out = NULL;
	if (git_oid_is_zero(id))
		return 0;
	return git_tree_lookup(out, repo, id);
}

struct nb_raw_entry {
	const char *name;
	size_t name_len;
	int is_tree;
	int is_blob;
	const unsigned char *id;  /* 20 bytes */
	size_t end;               /* offset just past the entry */
};

static void raw_free(struct nb_raw_tree *t)
{
	git_odb_object_free(t->obj);
	free(t->ends);
	memset(t, 0, sizeof(*t));
}

static int raw_read(struct nb_treereader *tr, const git_oid *id, struct nb_raw_tree *t)
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
static int raw_entry(const struct nb_raw_tree *t, size_t off, struct nb_raw_entry *e)
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

static void raw_push_end(struct nb_raw_tree *t, size_t end)
{
	nb_grow_array(&t->ends, &t->end_alloc, t->end_count + 1, sizeof(*t->ends));
	t->ends[t->end_count++] = (uint32_t)end;
}

/* Indexes every entry of t; -1 when the tree is damaged. */
static int raw_index(struct nb_raw_tree *t)
{
	struct nb_raw_entry e;
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
static size_t raw_entries_before(const struct nb_raw_tree *t, size_t off)
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
static int raw_order(const struct nb_raw_entry *a, const struct nb_raw_entry *b)
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

static int notice_name(const struct nb_raw_entry *e)
{
	return e->is_blob && e->name_len > 3 && memcmp(e->name + e->name_len - 3, ".md", 3) == 0;
}

#define SITE_NAME "site.yaml"

/* A file the walk follows: a notice, or site.yaml at the top of content/. */
static int followed(const struct nb_raw_entry *e, const char *prefix)
{
	if (notice_name(e))
		return 1;
	return e->is_blob && e->name_len == strlen(SITE_NAME) &&
	       memcmp(e->name, SITE_NAME, e->name_len) == 0 && strcmp(prefix, NB_CONTENT_DIR) == 0;
}

static void raw_change(struct nb_changes *c, const char *prefix, const struct nb_raw_entry *old,
		       const struct nb_raw_entry *new)
{
	const struct nb_raw_entry *e = old ? old : new;
	struct nb_change *ch;
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
		      const char *prefix, const struct nb_raw_entry *a, const struct nb_raw_entry *b)
{
	const struct nb_raw_entry *e = a ? a : b;
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
static int raw_diff(struct nb_raw_tree *a, struct nb_raw_tree *b, const char *prefix,
		    struct nb_changes *out, struct tree_pair **stack, size_t *depth, size_t *alloc)
{
	size_t n = a->len < b->len ? a->len : b->len, p = 0, q = 0, pa = 0, pb = 0, ia, k;
	int index_b = !b->indexed && a->len <= UINT32_MAX && b->len <= UINT32_MAX;
	struct nb_raw_entry ea, eb;

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
static int raw_get(struct nb_treereader *tr, const git_oid *id, struct nb_raw_tree **out,
		   const struct nb_raw_tree *keep)
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
int nb_treediff_diff(struct nb_treereader *tr, const git_oid *a, const git_oid *b,
		      struct nb_changes *out, char **where)
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
		struct nb_raw_tree *ta, *tb;

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
int nb_treediff_content_tree(struct nb_treereader *tr, const git_commit *commit, git_oid *out)
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

void nb_treediff_reader_release(struct nb_treereader *tr)
{
	size_t i;

	nb_map_release(&tr->trees);
	free(tr->tree_ids);
	for (i = 0; i < NB_RAW_SLOTS; i++)
		raw_free(&tr->raw[i]);
	git_odb_free(tr->odb);
	memset(tr, 0, sizeof(*tr));
}

void nb_treediff_read_blobs(struct nb_treereader *tr, struct nb_changes *c, size_t max)
{
	size_t i, size;
	git_object_t type;

	if (!tr->odb && git_repository_odb(&tr->odb, tr->repo) < 0)
		return;
	for (i = 0; i < c->count; i++) {
		struct nb_change *ch = &c->items[i];

		if (!ch->has_new || ch->blob || !nb_ends_with(ch->path, ".md"))
			continue;
		if (git_odb_read_header(&size, &type, tr->odb, &ch->new) < 0 ||
		    type != GIT_OBJECT_BLOB || size > max ||
		    git_odb_read(&ch->blob, tr->odb, &ch->new) < 0)
			ch->blob = NULL;
	}
	git_error_clear();
}

/* 1 when the blob at path in tree equals what a change leaves there. */
int nb_treediff_has(git_repository *repo, const git_oid *tree_id, const struct nb_change *c)
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

