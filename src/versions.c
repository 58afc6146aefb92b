#include "versions.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "map.h"
#include "notice.h"
#include "util.h"

#define NB_EDIT_SIMILARITY 50      /* percent of words two texts share to be one update */
#define NB_EDIT_WINDOW 16          /* older updates an edit by words is looked for among */

void nb_version_free(struct nb_version *v)
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

struct nb_version *nb_version_parse(git_repository *repo, const git_oid *id,
				     const char *data, size_t len, struct nb_yml_memo *memo)
{
	struct nb_diags ignored = NB_DIAGS_INIT;
	struct nb_version *v = nb_calloc(1, sizeof(*v));
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
	nb_notice_parse_memo(&n, "", data, len, "UTC", &ignored, memo);
	v->valid = n.body != NULL;
	v->title = n.title ? nb_strdup(n.title) : NULL;
	v->status = n.has_status ? nb_strdup(nb_notice_status_name(n.status)) : NULL;
	/* the same bytes as an update's key: a stamp and its text */
	v->text_key = nb_notice_update_key(n.title, n.body);
	v->lead_key = lead_key(n.body);
	v->has_window = n.has_window;
	v->window_start = n.window_start;
	v->window_end = n.window_end;
	v->updates = nb_calloc(n.update_count + 1, sizeof(*v->updates));
	v->count = n.update_count;
	keys = nb_calloc(n.update_count + 1, sizeof(*keys));
	nb_notice_update_keys(&n, keys);
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
static int same_as(const struct candidate *c, const struct nb_vupdate *u, int exact_pass)
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

static int get_run(const struct nb_map *next, const struct nb_vupdate *u, int exact_pass,
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
static void match_same(const struct nb_version *from, const struct nb_version *to, int exact_pass,
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
		const struct nb_vupdate *u = &to->updates[j];

		if (match[j] != NB_VERSION_NEW || (!exact_pass && !u->stamp[0]) ||
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
 * order), or NB_VERSION_NEW for a new update.  exact[j] tells the first case.
 * An edit by words is looked for among the next NB_EDIT_WINDOW updates
 * after the last one matched, so that a long thread costs linear time.
 */
void nb_version_match(const struct nb_version *from, const struct nb_version *to,
			  long *match, int *exact)
{
	int *taken = nb_calloc(from->count + 1, sizeof(*taken));
	size_t i, j, next;

	for (j = 0; j < to->count; j++) {
		match[j] = NB_VERSION_NEW;
		exact[j] = 0;
	}
	match_same(from, to, 1, match, exact, taken);
	/* the same stamp, text changed */
	match_same(from, to, 0, match, exact, taken);
	/* in order, mostly the same words */
	next = 0;
	for (j = 0; j < to->count; j++) {
		if (match[j] != NB_VERSION_NEW) {
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

/* 1 when two versions are one notice by what a reader sees first: the
 * same title, or the same opening paragraph. */
int nb_version_same_notice(const struct nb_version *a, const struct nb_version *b)
{
	if (!a->valid || !b->valid)
		return 0;
	if (a->title && b->title && *a->title && strcmp(a->title, b->title) == 0)
		return 1;
	return a->lead_key && a->lead_key == b->lead_key;
}

