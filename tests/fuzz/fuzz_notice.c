/*
 * Fuzzes the notice parser (src/notice.c): any bytes as a notice file, as
 * content.c hands them over (whole file, its path, the site's zone), then
 * what the history walk does next with the result: dating time-only
 * stamps by a commit and keying each update.  The walk parses through a
 * memo of front matters kept across files: the same bytes parsed through
 * it must give the same notice and the same problems.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "notice.h"
#include "yml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a parsed notice promises the rest of nocblog; abort() when broken. */
static void check_notice(const struct nb_notice *n, int rc)
{
	size_t i;

	if (!n->path || !n->slug)
		abort();
	if (rc != 0)
		return;
	if (!n->title || !n->body || (n->update_count && !n->updates))
		abort();
	for (i = 0; i < n->server_count; i++)
		if (!n->servers[i])
			abort();
	for (i = 0; i < n->update_count; i++)
		if (!n->updates[i].markdown || !n->updates[i].stamp_text)
			abort();
}

static void date_by_commit(const struct nb_notice *n)
{
	size_t i;

	for (i = 0; i < n->update_count; i++) {
		const struct nb_update *u = &n->updates[i];
		int64_t t;

		(void)nb_notice_update_key(u->stamp_text, u->markdown);
		if (u->stamp_text[0] && nb_stamp_has_time(&u->stamp))
			(void)nb_stamp_infer_before(&t, &u->stamp, 1286704800, "America/New_York");
	}
}

static int differ(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

/* abort() unless the notice parsed through the memo is the one parsed without */
static void check_same(const struct nb_notice *a, const struct nb_diags *da,
		       const struct nb_notice *b, const struct nb_diags *db)
{
	size_t i;

	if (da->count != db->count || differ(a->title, b->title) || differ(a->body, b->body) ||
	    a->kind != b->kind || a->status != b->status || a->has_status != b->has_status ||
	    a->severity != b->severity || a->has_window != b->has_window ||
	    a->window_start != b->window_start || a->window_end != b->window_end ||
	    a->server_count != b->server_count || a->update_count != b->update_count ||
	    a->published != b->published || differ(a->stated_author, b->stated_author))
		abort();
	for (i = 0; i < da->count; i++)
		if (da->items[i].line != db->items[i].line ||
		    differ(da->items[i].message, db->items[i].message))
			abort();
	for (i = 0; i < a->server_count; i++)
		if (differ(a->servers[i], b->servers[i]))
			abort();
	for (i = 0; i < a->update_count; i++)
		if (differ(a->updates[i].stamp_text, b->updates[i].stamp_text) ||
		    differ(a->updates[i].markdown, b->updates[i].markdown))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nb_yml_memo memo; /* kept across inputs, as the walk keeps it across files */
	struct nb_diags memo_diags = NB_DIAGS_INIT;
	struct nb_notice memo_n;
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_notice n;
	size_t i;
	int rc;

	rc = nb_notice_parse(&n, "content/2010/fuzz.md", (const char *)data, size,
			     "America/New_York", &diags);
	if ((rc < 0) != (diags.count > 0))
		abort(); /* a failure says what failed, a success says nothing */
	for (i = 0; i < diags.count; i++) {
		char *line = nb_diag_format(&diags.items[i]);

		if (!diags.items[i].message || !line)
			abort();
		free(line);
	}
	check_notice(&n, rc);
	if (rc == 0)
		date_by_commit(&n);
	/* twice: the second finds its front matter in the memo */
	for (i = 0; i < 2; i++) {
		if (nb_notice_parse_memo(&memo_n, "content/2010/fuzz.md", (const char *)data, size,
					 "America/New_York", &memo_diags, &memo) != rc)
			abort();
		check_same(&n, &diags, &memo_n, &memo_diags);
		nb_notice_release(&memo_n);
		nb_diags_clear(&memo_diags);
	}
	nb_notice_release(&n);
	nb_diags_clear(&diags);
	return 0;
}
