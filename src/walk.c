#include "walk.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "content.h"
#include "diag.h"
#include "histcache.h"
#include "history.h"
#include "map.h"
#include "notice.h"
#include "repo.h"
#include "treediff.h"
#include "util.h"
#include "versions.h"
#include "yml.h"

#define NB_AHEAD_SLOTS 64         /* commits the second thread may read ahead */
#define NB_AHEAD_MIN 64            /* fewer commits are walked by one thread */
#define NB_VERSION_SLOTS 512       /* parsed notice versions kept while walking */

/* What a walk needs while it walks, and the history it fills. */
struct walk {
	struct nb_history *h;
	git_repository *repo;
	struct nb_treereader tr;     /* reads trees when no second thread does */
	struct nb_version *versions[NB_VERSION_SLOTS];
	struct nb_yml_memo yml;      /* front matters: most commits leave them as they were */
};

static void walk_release(struct walk *w)
{
	size_t i;

	nb_treediff_reader_release(&w->tr);
	for (i = 0; i < NB_VERSION_SLOTS; i++)
		nb_version_free(w->versions[i]);
	nb_yml_memo_release(&w->yml);
	memset(w, 0, sizeof(*w));
}

static const char *git_message(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

/* Parses a version; repo is the calling thread's handle. */

/*
 * The parsed version with that id, from the cache when it is there.  The
 * cache keeps it unless that would drop `keep`; then *owned is set and the
 * caller frees it.
 */
static struct nb_version *version_get(struct walk *w, const git_oid *id,
				   const char *data, size_t len,
				   const struct nb_version *keep, int *owned)
{
	size_t slot = nb_hash(id->id, GIT_OID_RAWSZ) % NB_VERSION_SLOTS;
	struct nb_version *v = w->versions[slot];

	*owned = 0;
	if (v && git_oid_equal(&v->id, id))
		return v;
	v = nb_version_parse(w->repo, id, data, len, &w->yml);
	w->h->stats.versions_parsed++;
	if (w->versions[slot] == keep && keep) {
		*owned = 1;
		return v;
	}
	nb_version_free(w->versions[slot]);
	w->versions[slot] = v;
	return v;
}

/* ---- notices ---- */

/* One notice went from version `from` (NULL: none) to `to` in a commit. */
static void apply_versions(struct nb_hnotice *n, const struct nb_version *from,
			   const struct nb_version *to, const struct nb_hsig *sig)
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
		nb_version_match(from, to, match, exact);
	else
		for (j = 0; j < to->count; j++)
			match[j] = NB_VERSION_NEW;
	/* first the updates the version before had: they claim their own */
	for (j = 0; j < to->count; j++) {
		uint64_t key = to->updates[j].key;

		if (match[j] == NB_VERSION_NEW)
			continue;
		{
			uint64_t old_key = from->updates[match[j]].key;

			if (!nb_map_get64(&n->keys, old_key, &idx))
				idx = nb_history_update_new(n, old_key, sig);
			if (!exact[j]) {
				if (!nb_map_get64(&n->keys, key, NULL))
					nb_map_set64(&n->keys, key, idx);
				nb_history_note_edit(&n->updates[idx].has_edit, &n->updates[idx].edit, sig);
			}
			nb_map_set64(&claimed, idx, 1);
		}
	}
	/* then the others: one seen before (on another branch, or removed and
	 * back) is that update again, unless an update of this version is it
	 * already (its text was edited away from this one's) */
	for (j = 0; j < to->count; j++) {
		uint64_t key = to->updates[j].key;

		if (match[j] != NB_VERSION_NEW)
			continue;
		if (nb_map_get64(&n->keys, key, &idx) && !nb_map_get64(&claimed, idx, NULL)) {
			if (nb_history_sig_cmp(sig, &n->updates[idx].intro) < 0)
				n->updates[idx].intro = *sig;
		} else {
			idx = nb_history_update_new(n, key, sig);
		}
		nb_map_set64(&claimed, idx, 1);
	}
	nb_map_release(&claimed);
	if (from && from->text_key != to->text_key)
		nb_history_note_edit(&n->has_edit, &n->edit, sig);
	if (from && from->has_window && to->has_window &&
	    (from->window_start != to->window_start || from->window_end != to->window_end)) {
		/* a moved window is news for subscribers: an edit */
		struct nb_hmove move = { *sig, from->window_start, from->window_end,
				      to->window_start, to->window_end };

		nb_history_add_move(n, &move);
		nb_history_note_edit(&n->has_edit, &n->edit, sig);
	}
	if (to->status && (!from || !from->status || strcmp(from->status, to->status) != 0)) {
		struct nb_hstatus *st;

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

/* The notice at index went from blob `from` to blob `to`. */
static void change_notice(struct walk *w, size_t index, const struct blob_ref *from,
			  const struct blob_ref *to, const struct nb_hsig *sig)
{
	struct nb_hnotice *n = &w->h->notices[index];
	struct nb_version *vf = NULL, *vt;
	int own_from = 0, own_to = 0;

	nb_history_add_change(n, sig);
	if (from) {
		vf = version_get(w, from->id, from->data, from->len, NULL, &own_from);
		if (!vf->valid)
			from = NULL; /* compare with the last version that parsed */
	}
	if (!from && n->has_valid) {
		if (own_from)
			nb_version_free(vf);
		vf = version_get(w, &n->last_valid, NULL, 0, NULL, &own_from);
	} else if (!from) {
		vf = NULL;
	}
	vt = version_get(w, to->id, to->data, to->len, vf, &own_to);
	apply_versions(n, vf, vt, sig);
	if (own_from)
		nb_version_free(vf);
	if (own_to)
		nb_version_free(vt);
}

static void file_added(struct walk *w, const char *path, const struct blob_ref *to,
		       const struct nb_hsig *sig)
{
	size_t idx;

	if (nb_map_gets(&w->h->paths, path, &idx)) {
		/* back at a path it had: the same notice, withdrawn no more.  Its
		 * return is news (RFC 6721: readers keep an entry deleted unless it
		 * comes back updated after the deletion): an edit */
		if (w->h->notices[idx].deleted)
			nb_history_note_edit(&w->h->notices[idx].has_edit, &w->h->notices[idx].edit, sig);
		w->h->notices[idx].deleted = 0;
	} else {
		idx = nb_history_notice_new(w->h, path, sig);
	}
	change_notice(w, idx, NULL, to, sig);
}

static void file_changed(struct walk *w, const char *path, const struct blob_ref *from,
			 const struct blob_ref *to, const struct nb_hsig *sig)
{
	size_t idx;

	if (!nb_map_gets(&w->h->paths, path, &idx)) {
		file_added(w, path, to, sig);
		return;
	}
	change_notice(w, idx, from, to, sig);
}

static void file_deleted(struct walk *w, const char *path, const struct nb_hsig *sig)
{
	size_t idx;

	if (!nb_map_gets(&w->h->paths, path, &idx))
		return;
	w->h->notices[idx].deleted = 1;
	w->h->notices[idx].deleted_sig = *sig;
	nb_history_add_change(&w->h->notices[idx], sig);
}

static void file_renamed(struct walk *w, const char *from_path, const char *to_path,
			 const struct blob_ref *from, const struct blob_ref *to,
			 const struct nb_hsig *sig)
{
	struct nb_hnotice *n;
	size_t idx;

	if (!nb_map_gets(&w->h->paths, from_path, &idx)) {
		file_added(w, to_path, to, sig);
		return;
	}
	n = &w->h->notices[idx];
	nb_map_remove(&w->h->paths, from_path, strlen(from_path));
	nb_map_sets(&w->h->paths, to_path, idx);
	nb_history_add_old_path(n, from_path);
	free(n->path);
	n->path = nb_strdup(to_path);
	n->deleted = 0;
	change_notice(w, idx, from, to, sig);
}

/* ---- one commit ---- */

static int path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct nb_change *)a)->path, ((const struct nb_change *)b)->path);
}

static void pair_rename(struct nb_changes *ch, size_t from, size_t to, struct walk *w,
			const struct nb_hsig *sig)
{
	struct nb_change *d = &ch->items[from], *a = &ch->items[to];
	struct blob_ref old = { &d->old, NULL, 0 }, new = { &a->new, NULL, 0 };

	file_renamed(w, d->path, a->path, &old, &new, sig);
	d->done = a->done = 1;
}

/* Pairs deletions with additions that git's similarity search calls renames. */
static void similar_renames(struct walk *w, const git_oid *old_tree,
			    const git_oid *new_tree, struct nb_changes *ch,
			    const struct nb_hsig *sig)
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
	if (nb_treediff_lookup_tree(&ta, w->repo, old_tree) < 0 || nb_treediff_lookup_tree(&tb, w->repo, new_tree) < 0 ||
	    git_diff_tree_to_tree(&diff, w->repo, ta, tb, &opts) < 0 ||
	    git_diff_find_similar(diff, &find) < 0)
		goto cleanup;
	for (k = 0; k < git_diff_num_deltas(diff); k++) {
		const git_diff_delta *d = git_diff_get_delta(diff, k);
		size_t from = ch->count, to = ch->count;

		if (d->status != GIT_DELTA_RENAMED)
			continue;
		for (i = 0; i < ch->count; i++) {
			const struct nb_change *c = &ch->items[i];

			if (c->done)
				continue;
			if (!c->has_new && strcmp(c->path + prefix, d->old_file.path) == 0)
				from = i;
			if (!c->has_old && strcmp(c->path + prefix, d->new_file.path) == 0)
				to = i;
		}
		if (from < ch->count && to < ch->count)
			pair_rename(ch, from, to, w, sig);
	}
cleanup:
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
	free(paths);
}

/* Applies one commit's changes: renames first, then the rest by path. */

/*
 * A file deleted and one added in the same commit are one notice renamed
 * and rewritten when they share their title or their opening paragraph,
 * so it keeps its identity (feed id, old address) however much else
 * changed, even beyond git's similarity search (which looks at the rest).
 */
static void rewritten_renames(struct walk *w, struct nb_changes *ch, const struct nb_hsig *sig)
{
	size_t i, j, idx;

	for (i = 0; i < ch->count; i++) {
		struct nb_change *d = &ch->items[i];
		struct nb_version *from;
		int own_from = 0;

		if (d->done || d->has_new || !nb_map_gets(&w->h->paths, d->path, &idx) ||
		    !w->h->notices[idx].has_valid)
			continue;
		from = version_get(w, &w->h->notices[idx].last_valid, NULL, 0, NULL, &own_from);
		for (j = 0; j < ch->count; j++) {
			struct nb_change *a = &ch->items[j];
			struct nb_version *to;
			int own_to = 0, same;

			if (a->done || a->has_old)
				continue;
			to = version_get(w, &a->new, NULL, 0, from, &own_to);
			same = nb_version_same_notice(from, to);
			if (own_to)
				nb_version_free(to);
			if (same) {
				pair_rename(ch, i, j, w, sig);
				break;
			}
		}
		if (own_from)
			nb_version_free(from);
	}
}

/* A commit left deleting one notice and adding another, unpaired: noted,
 * for check to say how the history reads it. */
static void note_split(struct walk *w, struct nb_changes *ch, const struct nb_hsig *sig)
{
	struct nb_history_split *sp;
	const char *deleted = NULL, *added = NULL;
	size_t i;

	for (i = 0; i < ch->count; i++) {
		const struct nb_change *c = &ch->items[i];

		if (c->done || (c->has_old && c->has_new))
			continue;
		if (!c->has_new && !deleted && nb_map_gets(&w->h->paths, c->path, NULL))
			deleted = c->path;
		else if (!c->has_old && !added)
			added = c->path;
	}
	if (!deleted || !added || git_oid_is_zero(&sig->commit))
		return;
	nb_grow_array(&w->h->stats.splits, &w->h->stats.split_alloc, w->h->stats.split_count + 1,
		      sizeof(*w->h->stats.splits));
	sp = &w->h->stats.splits[w->h->stats.split_count++];
	git_oid_tostr(sp->commit, sizeof(sp->commit), &sig->commit);
	sp->deleted = nb_strdup(deleted);
	sp->added = nb_strdup(added);
}

/* Notes the servers a version of site.yaml declares as declared in sig;
 * a version that cannot be read declares none. */
static void note_servers(struct walk *w, const git_oid *id, const struct nb_hsig *sig)
{
	git_blob *blob = NULL;
	struct nb_yml *root = NULL;
	struct nb_buf why = NB_BUF_INIT;
	const struct nb_yml *servers;
	int line = 0;
	size_t i;

	if (git_blob_lookup(&blob, w->repo, id) < 0)
		return;
	if (git_blob_rawsize(blob) <= NB_SITE_MAX_BYTES &&
	    nb_yml_parse(&root, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), 1, &why,
			 &line) == 0 && root && root->kind == NB_YML_MAP &&
	    (servers = nb_yml_get(root, "servers")) && servers->kind == NB_YML_MAP)
		for (i = 0; i + 1 < servers->count; i += 2)
			if (servers->items[i]->kind == NB_YML_SCALAR)
				nb_history_server_declared(w->h, servers->items[i]->scalar, sig);
	nb_yml_free(root);
	nb_buf_release(&why);
	git_blob_free(blob);
}

static void apply_changes(struct walk *w, struct nb_changes *ch, const git_oid *old_tree,
			  const git_oid *new_tree, const struct nb_hsig *sig)
{
	size_t i, j, deletes = 0, adds = 0;

	nb_sort(ch->items, ch->count, sizeof(*ch->items), path_cmp);
	for (i = 0; i < ch->count; i++) {
		if (strcmp(ch->items[i].path, NB_SITE_PATH) == 0) {
			nb_history_site_changed(w->h, sig);
			if (ch->items[i].has_new)
				note_servers(w, &ch->items[i].new, sig);
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
				pair_rename(ch, i, j, w, sig);
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
		rewritten_renames(w, ch, sig);
	if (deletes && adds && old_tree && !git_oid_is_zero(old_tree))
		similar_renames(w, old_tree, new_tree, ch, sig);
	note_split(w, ch, sig);
	for (i = 0; i < ch->count; i++) {
		struct nb_change *c = &ch->items[i];
		struct blob_ref old = { &c->old, NULL, 0 }, new = { &c->new, NULL, 0 };

		if (c->blob) {
			new.data = git_odb_object_data(c->blob);
			new.len = git_odb_object_size(c->blob);
		}

		if (c->done)
			continue;
		if (c->has_old && c->has_new)
			file_changed(w, c->path, &old, &new, sig);
		else if (c->has_new)
			file_added(w, c->path, &new, sig);
		else
			file_deleted(w, c->path, sig);
	}
}

/* What walking one commit needs from the repository, read by either
 * thread: its content tree's changes and its author. */
struct prepared {
	git_oid commit, tree, first;
	unsigned parents;
	int skip;              /* content/ is as a parent had it */
	struct nb_diags diags; /* what could not be read */
	struct nb_changes ch;
	int64_t time;
	int offset;
	char *name, *email;
};

static void prepared_clear(struct prepared *pc)
{
	nb_treediff_changes_clear(&pc->ch);
	nb_diags_clear(&pc->diags);
	free(pc->name);
	free(pc->email);
	memset(pc, 0, sizeof(*pc));
}

static void prepare_commit(struct nb_treereader *tr, const git_oid *id, struct prepared *pc)
{
	git_commit *commit = NULL, *parent = NULL;
	git_oid other;
	char *where = NULL;
	size_t i, kept;
	unsigned p;

	memset(pc, 0, sizeof(*pc));
	git_oid_cpy(&pc->commit, id);
	if (git_commit_lookup(&commit, tr->repo, id) < 0 || nb_treediff_content_tree(tr, commit, &pc->tree) < 0)
		goto unreadable;
	pc->parents = git_commit_parentcount(commit);
	for (p = 0; p < pc->parents; p++) {
		if (git_commit_parent(&parent, commit, p) < 0 ||
		    nb_treediff_content_tree(tr, parent, p ? &other : &pc->first) < 0)
			goto unreadable;
		git_commit_free(parent);
		parent = NULL;
		/* a commit (or merge) leaving content/ as a parent had it adds nothing */
		if (git_oid_equal(p ? &other : &pc->first, &pc->tree)) {
			pc->skip = 1;
			goto done;
		}
	}
	if (nb_treediff_diff(tr, &pc->first, &pc->tree, &pc->ch, &where) < 0) {
		nb_diags_add(&pc->diags, where, 0, "run 'git fsck' on the repository",
			     "cannot read a folder in the history: %s", git_message());
		free(where);
		goto done;
	}
	/* a merge: keep what no parent had, the merge's own work */
	for (p = 1; p < pc->parents; p++) {
		if (git_commit_parent(&parent, commit, p) < 0 || nb_treediff_content_tree(tr, parent, &other) < 0)
			goto unreadable;
		git_commit_free(parent);
		parent = NULL;
		for (i = 0, kept = 0; i < pc->ch.count; i++) {
			if (nb_treediff_has(tr->repo, &other, &pc->ch.items[i]))
				free(pc->ch.items[i].path);
			else
				pc->ch.items[kept++] = pc->ch.items[i];
		}
		pc->ch.count = kept;
	}
	/* the new notices' bytes, read here: on the thread that reads trees,
	 * it balances the one that parses */
	nb_treediff_read_blobs(tr, &pc->ch, NB_NOTICE_MAX_BYTES);
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
static int finish_commit(struct walk *w, struct prepared *pc, struct nb_diags *diags)
{
	struct nb_hsig sig;

	w->h->stats.commits++;
	if (pc->diags.count) {
		nb_diags_move(diags, &pc->diags);
		return -1;
	}
	if (pc->skip)
		return 0;
	w->h->stats.content_commits++;
	sig.time = pc->time;
	sig.offset = pc->offset;
	sig.name = nb_history_intern(w->h, pc->name);
	sig.email = nb_history_intern(w->h, pc->email);
	git_oid_cpy(&sig.commit, &pc->commit);
	apply_changes(w, &pc->ch, pc->parents ? &pc->first : NULL, &pc->tree, &sig);
	return 0;
}

/*
 * A second thread reads the trees of the commits ahead (a ring of
 * prepared commits) while this one applies them: reading trees and
 * parsing notices take about as long as each other on big histories.
 */
struct ahead {
	struct nb_treereader tr;        /* the second thread's, with its own handle */
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

static int apply_ahead(struct walk *w, struct ahead *a, struct nb_diags *diags)
{
	size_t k;
	int rc = 0;

	for (k = 0; k < a->count && rc == 0; k++) {
		struct prepared *pc = &a->ring[k % NB_AHEAD_SLOTS];

		pthread_mutex_lock(&a->lock);
		while (a->made <= k)
			pthread_cond_wait(&a->changed, &a->lock);
		pthread_mutex_unlock(&a->lock);
		rc = finish_commit(w, pc, diags);
		prepared_clear(pc);
		pthread_mutex_lock(&a->lock);
		a->taken = k + 1;
		pthread_cond_broadcast(&a->changed);
		pthread_mutex_unlock(&a->lock);
	}
	return rc;
}

/* Walks with a second thread; 1 when one could not be started. */
static int walk_ahead(struct walk *w, const git_oid *ids, size_t count,
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
	if (nb_repo_reopen(&a->tr.repo, w->repo) == 0 &&
	    pthread_create(&thread, NULL, ahead_run, a) == 0) {
		rc = apply_ahead(w, a, diags);
		pthread_mutex_lock(&a->lock);
		a->stop = 1;
		pthread_cond_broadcast(&a->changed);
		pthread_mutex_unlock(&a->lock);
		pthread_join(thread, NULL);
		for (k = 0; k < NB_AHEAD_SLOTS; k++)
			prepared_clear(&a->ring[k]);
	}
	repo = a->tr.repo;
	nb_treediff_reader_release(&a->tr);
	git_repository_free(repo);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->changed);
	free(a);
	return rc;
}

static int walk_range(struct walk *w, const git_oid *from, const git_oid *hide,
		      struct nb_diags *diags)
{
	git_revwalk *walk = NULL;
	git_oid *ids = NULL, id;
	size_t count = 0, alloc = 0, k;
	int rc = -1, err;

	if (git_revwalk_new(&walk, w->repo) < 0)
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
	if (count && !w->h->stats.first[0])
		git_oid_tostr(w->h->stats.first, sizeof(w->h->stats.first), &ids[0]);
	if (count >= NB_AHEAD_MIN && (rc = walk_ahead(w, ids, count, diags)) <= 0)
		goto cleanup;
	w->tr.repo = w->repo;
	for (k = 0, rc = 0; k < count && rc == 0; k++) {
		struct prepared pc;

		prepare_commit(&w->tr, &ids[k], &pc);
		rc = finish_commit(w, &pc, diags);
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
static void update_mark(struct nb_buf *b, const struct nb_hnotice *n, const struct nb_hupdate *u)
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

/* A cache whose commit is not an ancestor of the one walked (nor a
 * descendant: an older commit of the same line) means a rewritten history:
 * walk from the start, and count what the old history had that is gone. */
static void set_aside(struct walk *w, struct nb_history **old)
{
	struct nb_history *h = w->h;

	h->stats.rewritten = 1;
	git_oid_tostr(h->stats.cached_tip, sizeof(h->stats.cached_tip), &h->tip);
	*old = nb_history_new();
	**old = *h;
	memset(h, 0, sizeof(*h));
	h->stats = (*old)->stats;
	memset(&(*old)->stats, 0, sizeof((*old)->stats));
}

int nb_walk_history(struct nb_history **out, git_repository *repo, git_commit *commit,
		    int use_cache, struct nb_diags *diags)
{
	struct nb_history *old = NULL;
	const git_oid *id = git_commit_id(commit);
	struct walk w;
	git_oid hide;
	int incremental = 0, rc = -1;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	w.h = nb_history_new();
	w.repo = repo;
	if (git_repository_is_shallow(repo) == 1) {
		nb_diags_add(diags, NULL, 0,
			     "run 'git fetch --unshallow' (or clone without --depth)",
			     "the repository is a shallow clone: the commits that first "
			     "published older notices are missing, so their times and feed "
			     "ids would be wrong");
		goto cleanup;
	}
	if (use_cache && nb_histcache_load(w.h, repo) == 0) {
		if (git_oid_equal(&w.h->tip, id)) {
			w.h->stats.from_cache = 1;
			rc = 0;
			goto cleanup;
		}
		if (git_graph_descendant_of(repo, id, &w.h->tip) == 1) {
			git_oid_cpy(&hide, &w.h->tip);
			incremental = 1;
			w.h->stats.from_cache = 1;
		} else if (git_graph_descendant_of(repo, &w.h->tip, id) != 1) {
			set_aside(&w, &old);
		}
	}
	if (!incremental)
		nb_history_clear(w.h);
	if (walk_range(&w, id, incremental ? &hide : NULL, diags) < 0)
		goto cleanup;
	if (old)
		w.h->stats.lost_updates = lost_updates(old, w.h);
	nb_history_normalize(w.h);
	git_oid_cpy(&w.h->tip, id);
	w.h->has_tip = 1;
	rc = 0;
cleanup:
	nb_history_free(old);
	if (rc == 0)
		*out = w.h;
	else
		nb_history_free(w.h);
	walk_release(&w);
	return rc;
}

/* ---- the work tree ---- */

void nb_walk_worktree(struct nb_history *h, git_repository *repo, const struct nb_repo_file *a,
		      size_t head_count, const struct nb_repo_file *b, size_t work_count,
		      int64_t now, const char *author)
{
	struct walk w;
	struct nb_hsig sig;
	size_t i = 0, j = 0;

	memset(&w, 0, sizeof(w));
	w.h = h;
	w.repo = repo;
	memset(&sig, 0, sizeof(sig));
	sig.time = now;
	sig.name = nb_history_intern(h, author);
	sig.email = nb_history_intern(h, "");
	/* both lists come sorted by path, as the nb_repo_list functions give them */
	while (i < head_count || j < work_count) {
		int c = i == head_count ? 1 : j == work_count ? -1 : strcmp(a[i].path, b[j].path);
		struct blob_ref from = { i < head_count ? &a[i].id : NULL, NULL, 0 };
		struct blob_ref to = { j < work_count ? &b[j].id : NULL,
				       j < work_count ? b[j].data : NULL,
				       j < work_count ? b[j].len : 0 };
		const char *path = c <= 0 ? a[i].path : b[j].path;
		int notice = nb_ends_with(path, ".md");

		if (c == 0 && notice && !git_oid_equal(&a[i].id, &b[j].id))
			file_changed(&w, path, &from, &to, &sig);
		else if (c > 0 && notice && b[j].mode != GIT_FILEMODE_LINK)
			file_added(&w, path, &to, &sig);
		else if (c < 0 && notice)
			file_deleted(&w, path, &sig);
		i += c <= 0;
		j += c >= 0;
	}
	walk_release(&w);
}
