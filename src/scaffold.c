#include "scaffold.h"

#include <string.h>

#include "buf.h"
#include "diag.h"
#include "notice.h"
#include "site.h"
#include "tz.h"
#include "util.h"

/* A YAML double-quoted scalar. */
static void yaml_quoted(struct nb_buf *out, const char *s)
{
	nb_buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			nb_buf_putc(out, '\\');
		if (*s == '\n' || *s == '\t')
			nb_buf_putc(out, ' ');
		else
			nb_buf_putc(out, *s);
	}
	nb_buf_putc(out, '"');
}

/* "SCROOGE storage failure!" -> "scrooge-storage-failure" */
static void slugify(struct nb_buf *out, const char *title)
{
	size_t start = out->len;

	for (; *title; title++) {
		unsigned char c = (unsigned char)*title;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			nb_buf_putc(out, (char)c);
		else if (out->len > start && out->ptr[out->len - 1] != '-')
			nb_buf_putc(out, '-');
	}
	while (out->len > start && out->ptr[out->len - 1] == '-')
		nb_buf_truncate(out, out->len - 1);
}

/* "2010-10-10T21:00-04:00": a day after now, at `hour` in the site's zone. */
static void local_stamp(struct nb_buf *out, const struct nb_site *site, int64_t now, int hour)
{
	struct nb_civil c;
	int64_t t;
	int off;

	nb_tz_from_utc(site->timezone, now + 86400, &c, NULL);
	c.hour = hour;
	c.minute = c.second = 0;
	t = nb_tz_to_utc(site->timezone, &c, -1);
	off = nb_tz_offset(site->timezone, t, NULL);
	nb_buf_printf(out, "%04d-%02d-%02dT%02d:00%c%02d:%02d", c.year, c.month, c.day, hour,
		      off < 0 ? '-' : '+', (off < 0 ? -off : off) / 3600,
		      (off < 0 ? -off : off) % 3600 / 60);
}

int nb_scaffold_notice(struct nb_buf *path, struct nb_buf *text, const struct nb_site *site,
		       const char *const *servers, size_t server_count, int maintenance,
		       const char *title, int64_t now, struct nb_diags *diags)
{
	size_t before = diags->count, i, slug_at;
	struct nb_civil c;

	if (!server_count)
		nb_diags_add(diags, NULL, 0, "name one with --server NAME", "the notice names no server");
	for (i = 0; i < server_count; i++) {
		const char *near;

		if (nb_site_server(site, servers[i]))
			continue;
		near = nb_site_suggest_server(site, servers[i]);
		if (near) {
			struct nb_buf hint = NB_BUF_INIT;

			nb_buf_printf(&hint, "did you mean '%s'?", near);
			nb_diags_add(diags, NULL, 0, hint.ptr, "unknown server '%s'", servers[i]);
			nb_buf_release(&hint);
		} else {
			nb_diags_add(diags, NULL, 0, "declare it under servers: in content/site.yaml",
				     "unknown server '%s'", servers[i]);
		}
	}
	nb_tz_from_utc(site->timezone, now, &c, NULL);
	nb_buf_printf(path, "content/%04d/", c.year);
	slug_at = path->len;
	slugify(path, title);
	if (path->len == slug_at)
		nb_diags_add(diags, NULL, 0, "give a title with letters or digits",
			     "the title gives no file name");
	nb_buf_puts(path, ".md");
	if (diags->count > before)
		return -1;

	nb_buf_puts(text, "---\ntitle: ");
	yaml_quoted(text, title);
	nb_buf_puts(text, "\nservers: [");
	for (i = 0; i < server_count; i++)
		nb_buf_printf(text, "%s%s", i ? ", " : "", servers[i]);
	nb_buf_puts(text, "]\n");
	if (maintenance) {
		nb_buf_puts(text, "kind: maintenance\nstatus: scheduled   # scheduled | in-progress | completed\n"
			    "window: {start: ");
		local_stamp(text, site, now, 21);
		nb_buf_puts(text, ", end: ");
		local_stamp(text, site, now, 23);
		nb_buf_puts(text, "}   # when the work runs\n---\n" NB_PLACEHOLDER_MAINTENANCE "\n");
	} else {
		nb_buf_puts(text, "kind: incident\nstatus: investigating   # investigating | identified | "
			    "monitoring | resolved\n# severity: major   # minor | major | critical\n"
			    "# Add updates at the end, each a paragraph that starts \"Update 6:47 AM:\"\n"
			    "# (or just \"Update:\" to use the time of the commit).\n---\n"
			    NB_PLACEHOLDER_INCIDENT "\n");
	}
	return 0;
}
