/* Dating the notices of a commit from the history. */
#include "dating.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "content.h"
#include "diag.h"
#include "history.h"
#include "map.h"
#include "notice.h"
#include "stamp.h"
#include "tz.h"
#include "util.h"

/* The commit's id in hex, "" for the work tree (no commit). */
static void commit_hex(char *out, const struct nb_hsig *sig)
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
			      const struct nb_hupdate *hu, const char *zone,
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
			  const struct nb_hupdate *hu, const char *zone, struct nb_diags *diags)
{
	char read[64], commit[64];

	stamp_time(read, &u->stamp, zone, u->time);
	stamp_time(commit, &u->stamp, zone, hu->intro.time);
	nb_diags_add(diags, n->path, u->line, "correct the stamp's date or time",
		     "stamp '%s' is in the future: %s, later than the commit that added "
		     "the update (%s)", u->stamp_text, read, commit);
}

static void date_update(const struct nb_history *h, const struct nb_notice *n,
			struct nb_update *u, const struct nb_hupdate *hu, const char *zone,
			struct nb_diags *diags)
{
	commit_hex(u->commit, &hu->intro);
	u->author = nb_history_name(h, hu->intro.name);
	u->added = hu->intro.time;
	if (hu->has_edit) {
		u->edited = hu->edit.time;
		u->edited_by = nb_history_name(h, hu->edit.name);
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
static char *by_whom(const struct nb_history *h, const struct nb_hnotice *hn,
		     const struct nb_notice *n, const struct nb_hsig *sig)
{
	if (n->stated_author && git_oid_equal(&sig->commit, &hn->added.commit))
		return nb_strdup(n->stated_author);
	return nb_history_name(h, sig->name);
}

static void date_notice(const struct nb_history *h, const struct nb_hnotice *hn,
			struct nb_notice *n, const char *zone, struct nb_diags *diags)
{
	uint64_t *keys;
	size_t i, k;

	n->first_path = nb_strdup(hn->first_path);
	n->old_paths = nb_calloc(hn->old_count + 1, sizeof(*n->old_paths));
	for (i = 0; i < hn->old_count; i++)
		if (strcmp(hn->old_paths[i], n->path) != 0)
			n->old_paths[n->old_path_count++] = nb_strdup(hn->old_paths[i]);
	n->author = n->stated_author ? nb_strdup(n->stated_author) : nb_history_name(h, hn->added.name);
	n->added = hn->added.time;
	if (!n->has_date) {
		n->published = hn->added.time;
		n->published_source = NB_TIME_COMMIT;
	}
	if (hn->has_edit) {
		n->edited = hn->edit.time;
		n->edited_by = nb_history_name(h, hn->edit.name);
	}
	n->commits = nb_calloc(hn->change_count + 1, sizeof(*n->commits));
	for (i = 0; i < hn->change_count; i++) {
		commit_hex(n->commits[i].id, &hn->changes[i]);
		n->commits[i].time = hn->changes[i].time;
		n->commits[i].author = nb_history_name(h, hn->changes[i].name);
	}
	n->commit_count = hn->change_count;
	n->window_moves = nb_calloc(hn->move_count + 1, sizeof(*n->window_moves));
	for (i = 0; i < hn->move_count; i++) {
		const struct nb_hmove *mv = &hn->moves[i];

		n->window_moves[i] = (struct nb_window_move){ mv->sig.time, nb_history_name(h, mv->sig.name),
							      mv->from_start, mv->from_end,
							      mv->to_start, mv->to_end };
	}
	n->window_changes = hn->move_count;
	n->status_changes = nb_calloc(hn->status_count + 1, sizeof(*n->status_changes));
	for (i = 0; i < hn->status_count; i++) {
		struct nb_status_change *sc = &n->status_changes[n->status_change_count];

		if (nb_notice_status_from_name(n->kind, hn->statuses[i].status, &sc->status) < 0)
			continue;
		sc->time = hn->statuses[i].sig.time;
		sc->author = by_whom(h, hn, n, &hn->statuses[i].sig);
		n->status_change_count++;
	}
	keys = nb_calloc(n->update_count + 1, sizeof(*keys));
	nb_notice_update_keys(n, keys);
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
static void check_range(const struct nb_hnotice *hn, const char *path, struct nb_diags *diags)
{
	const struct nb_hsig *bad = NULL;
	struct nb_tz_civil c;
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
	nb_tz_civil_from_seconds(bad->time, &c);
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

int nb_dating_apply(const struct nb_history *h, struct nb_content *c,
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
		const struct nb_hnotice *hn = &h->notices[i];
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
		w->author = nb_history_name(h, hn->deleted_sig.name);
		w->has_last = hn->has_valid;
		git_oid_cpy(&w->last, &hn->last_valid);
		w->window_changes = hn->move_count;
	}
	c->site_changed = h->has_site_change ? h->site_change.time : 0;
	for (i = 0; i < c->site.server_count; i++)
		c->site.servers[i].since = nb_history_server_since(h, c->site.servers[i].id);
	nb_sort(c->withdrawn, c->withdrawn_count, sizeof(*c->withdrawn), withdrawn_order);
	free(live);
	return diags->count > before ? -1 : 0;
}

