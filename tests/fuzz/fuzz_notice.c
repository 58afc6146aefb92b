/*
 * Fuzzes the notice parser (src/notice.c): any bytes as a notice file, as
 * content.c hands them over (whole file, its path, the site's zone), then
 * what the history walk does next with the result: dating time-only
 * stamps by a commit and keying each update.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "notice.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
	nb_notice_release(&n);
	nb_diags_clear(&diags);
	return 0;
}
