#include "histview.h"

#include <string.h>

#include "buf.h"
#include "content.h"
#include "notice.h"
#include "tz.h"

static const char *source_name(enum nb_time_source s)
{
	switch (s) {
	case NB_TIME_FRONT_MATTER: return "date: in the front matter";
	case NB_TIME_STATED: return "the stamp's date and time";
	case NB_TIME_DAY_FROM_TEXT: return "the stamp's time, the date from the text around it";
	case NB_TIME_DAY_FROM_COMMIT: return "the stamp's time, the date from the commit that added it";
	case NB_TIME_COMMIT: return "the commit that added it";
	default: return "not dated";
	}
}

static const char *source_style(enum nb_time_source s)
{
	switch (s) {
	case NB_TIME_FRONT_MATTER: return "date";
	case NB_TIME_STATED: return "full";
	case NB_TIME_DAY_FROM_TEXT:
	case NB_TIME_DAY_FROM_COMMIT: return "time";
	case NB_TIME_COMMIT: return "none";
	default: return "unset";
	}
}

/* "2010-10-10 06:30 EDT (2010-10-10T10:30:00Z)" */
static void put_time(struct nb_buf *out, const char *zone, int64_t t)
{
	char local[64], utc[32];

	nb_tz_format(local, sizeof(local), "%Y-%m-%d %H:%M %Z", zone, t);
	nb_tz_format(utc, sizeof(utc), "%Y-%m-%dT%H:%M:%SZ", "UTC", t);
	nb_buf_printf(out, "%s (%s)", local, utc);
}

static int wanted(char *const *paths, size_t count, const char *path)
{
	size_t i;

	if (!count)
		return 1;
	for (i = 0; i < count; i++)
		if (strcmp(paths[i], path) == 0)
			return 1;
	return 0;
}

void nb_histview_tsv(struct nb_buf *out, const struct nb_content *c, char *const *paths,
		     size_t count)
{
	size_t i, j;

	nb_buf_printf(out, "path\titem\tinstant\tauthor\tstyle\tfirst_path\n");
	for (i = 0; i < c->count; i++) {
		const struct nb_notice *n = &c->notices[i];
		char t[32];

		if (!wanted(paths, count, n->path))
			continue;
		nb_tz_format(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", "UTC", n->published);
		nb_buf_printf(out, "%s\t0\t%s\t%s\t%s\t%s\n", n->path, t, n->author ? n->author : "",
		       n->published_source == NB_TIME_COMMIT ? "commit" : "date",
		       n->first_path ? n->first_path : n->path);
		for (j = 0; j < n->update_count; j++) {
			const struct nb_update *u = &n->updates[j];

			nb_tz_format(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", "UTC", u->time);
			nb_buf_printf(out, "%s\t%zu\t%s\t%s\t%s\t%s\n", n->path, j + 1,
			       u->source == NB_TIME_UNSET ? "-" : t, u->author ? u->author : "",
			       source_style(u->source), n->first_path ? n->first_path : n->path);
		}
	}
}

static void show_notice(struct nb_buf *out, const struct nb_content *c, const struct nb_notice *n)
{
	const char *zone = c->site.timezone;
	size_t i;

	nb_buf_printf(out, "%s\n", n->path);
	if (n->first_path && strcmp(n->first_path, n->path) != 0)
		nb_buf_printf(out, "  first published as %s\n", n->first_path);
	for (i = 0; i < n->old_path_count; i++)
		nb_buf_printf(out, "  renamed from %s\n", n->old_paths[i]);
	nb_buf_printf(out, "  published  ");
	put_time(out, zone, n->published);
	nb_buf_printf(out, " from %s\n", source_name(n->published_source));
	if (n->author) {
		nb_buf_printf(out, "  added      ");
		put_time(out, zone, n->added);
		nb_buf_printf(out, " by %s\n", n->author);
	}
	if (n->edited) {
		nb_buf_printf(out, "  edited     ");
		put_time(out, zone, n->edited);
		nb_buf_printf(out, " by %s\n", n->edited_by);
	}
	for (i = 0; i < n->commit_count; i++) {
		nb_buf_printf(out, "  commit     %.10s ", n->commits[i].id[0] ? n->commits[i].id : "work tree");
		put_time(out, zone, n->commits[i].time);
		nb_buf_printf(out, " by %s\n", n->commits[i].author);
	}
	for (i = 0; i < n->status_change_count; i++) {
		nb_buf_printf(out, "  status     %-13s ", nb_notice_status_name(n->status_changes[i].status));
		put_time(out, zone, n->status_changes[i].time);
		nb_buf_printf(out, " by %s\n", n->status_changes[i].author);
	}
	for (i = 0; i < n->update_count; i++) {
		const struct nb_update *u = &n->updates[i];

		nb_buf_printf(out, "  update %zu (line %d) \"%s\"\n    time     ", i + 1, u->line,
		       u->stamp_text[0] ? u->stamp_text : "no stamp");
		if (u->source != NB_TIME_UNSET)
			put_time(out, zone, u->time);
		nb_buf_printf(out, " from %s\n", source_name(u->source));
		if (u->author) {
			nb_buf_printf(out, "    added    ");
			put_time(out, zone, u->added);
			nb_buf_printf(out, " by %s in %.10s\n", u->author, u->commit[0] ? u->commit : "the work tree");
		}
		if (u->edited) {
			nb_buf_printf(out, "    edited   ");
			put_time(out, zone, u->edited);
			nb_buf_printf(out, " by %s\n", u->edited_by);
		}
	}
}

static void show_withdrawn(struct nb_buf *out, const struct nb_content *c, char *const *paths,
			   size_t count)
{
	size_t i;

	for (i = 0; i < c->withdrawn_count; i++) {
		const struct nb_withdrawn *w = &c->withdrawn[i];

		if (!wanted(paths, count, w->path) && !wanted(paths, count, w->first_path))
			continue;
		nb_buf_printf(out, "%s (withdrawn)\n  title      %s\n  added      ", w->path, w->title);
		put_time(out, c->site.timezone, w->added);
		nb_buf_printf(out, "\n  withdrawn  ");
		put_time(out, c->site.timezone, w->withdrawn);
		nb_buf_printf(out, " by %s\n", w->author);
	}
}

void nb_histview_text(struct nb_buf *out, const struct nb_content *c, char *const *paths,
		      size_t count)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		if (wanted(paths, count, c->notices[i].path))
			show_notice(out, c, &c->notices[i]);
	show_withdrawn(out, c, paths, count);
}
