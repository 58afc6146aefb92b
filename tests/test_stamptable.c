/*
 * The stamp table: every update stamp of the sample content, with the
 * instant a person reads from the text (tests/stamps.tsv), against the parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "diag.h"
#include "fixture.h"
#include "notice.h"

struct row {
	char path[256];
	int n;
	char stamp[128];
	char utc[32];
};

/* A file of the source tree. */
static char *slurp(const char *rel, size_t *len)
{
	char path[512];
	char *data;

	snprintf(path, sizeof(path), "%s/%s", fx_srcdir(), rel);
	data = fx_slurp(path);
	if (!data)
		fail_msg("cannot open %s", path);
	*len = strlen(data);
	return data;
}

static int64_t parse_utc(const char *iso)
{
	int64_t t = fx_utc_iso(iso);

	if (t == -1)
		fail_msg("bad instant '%s' in stamps.tsv", iso);
	return t;
}

static size_t read_table(struct row **rows)
{
	size_t len, count = 0, alloc = 128;
	char *text = slurp("tests/stamps.tsv", &len), *line, *save = NULL;
	int header = 1;

	*rows = calloc(alloc, sizeof(**rows));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct row *r;
		char local[64];

		if (header) {
			header = 0;
			continue;
		}
		if (count == alloc)
			*rows = realloc(*rows, (alloc *= 2) * sizeof(**rows));
		r = &(*rows)[count++];
		if (sscanf(line, "%255[^\t]\t%d\t%127[^\t]\t%63[^\t]\t%31s", r->path, &r->n,
			   r->stamp, local, r->utc) != 5)
			fail_msg("bad row in stamps.tsv: %s", line);
	}
	free(text);
	return count;
}

static void test_every_stamp(void **state)
{
	struct row *rows;
	size_t count = read_table(&rows), i = 0, checked = 0;

	(void)state;
	assert_true(count >= 60);
	while (i < count) {
		struct nb_diags diags = NB_DIAGS_INIT;
		struct nb_notice n;
		size_t len, j, first = i;
		char *text = slurp(rows[i].path, &len);

		if (nb_notice_parse(&n, rows[i].path, text, len, "America/New_York", &diags) < 0)
			fail_msg("%s: %s", rows[i].path, diags.items[0].message);
		for (; i < count && strcmp(rows[i].path, rows[first].path) == 0; i++) {
			const struct nb_update *u;

			if (rows[i].n < 1 || (size_t)rows[i].n > n.update_count)
				fail_msg("%s has no update %d", rows[i].path, rows[i].n);
			u = &n.updates[rows[i].n - 1];
			if (strcmp(u->stamp_text, rows[i].stamp) != 0)
				fail_msg("%s update %d: stamp '%s', table says '%s'", rows[i].path,
					 rows[i].n, u->stamp_text, rows[i].stamp);
			if (u->source == NB_TIME_UNSET || u->time != parse_utc(rows[i].utc))
				fail_msg("%s update %d ('%s'): parser gives %lld, table says %s",
					 rows[i].path, rows[i].n, rows[i].stamp,
					 (long long)u->time, rows[i].utc);
			checked++;
		}
		/* every update of the file has its row */
		if (n.update_count != i - first)
			fail_msg("%s has %zu updates, the table lists %zu", rows[first].path,
				 n.update_count, i - first);
		for (j = 0; j < n.update_count; j++)
			assert_non_null(n.updates[j].markdown);
		nb_notice_release(&n);
		nb_diags_clear(&diags);
		free(text);
	}
	assert_int_equal(checked, count);
	free(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_stamp),
	};

	return cmocka_run_group_tests_name("stamp table", tests, NULL, NULL);
}
