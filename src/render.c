#include "render.h"

#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "content.h"
#include "diag.h"
#include "publish.h"
#include "tz.h"
#include "util.h"

static void html_escape(struct nb_buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': nb_buf_puts(out, "&amp;"); break;
		case '<': nb_buf_puts(out, "&lt;"); break;
		case '>': nb_buf_puts(out, "&gt;"); break;
		case '"': nb_buf_puts(out, "&quot;"); break;
		case '\'': nb_buf_puts(out, "&#39;"); break;
		default: nb_buf_putc(out, *s);
		}
	}
}

static void markdown(struct nb_buf *out, const char *md, int unsafe)
{
	char *html = cmark_markdown_to_html(md, strlen(md),
					    unsafe ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT);

	nb_buf_puts(out, html);
	free(html);
}

static int64_t published(const struct nb_content *c, const struct nb_notice *n)
{
	return n->published_source != NB_TIME_UNSET ? n->published : c->commit_time;
}

static void when(struct nb_buf *out, const struct nb_content *c, int64_t t)
{
	char text[64], iso[32];

	nb_tz_format(text, sizeof(text), "%a %-d %b %Y, %H:%M %Z", c->site.timezone, t);
	nb_tz_format(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S%z", c->site.timezone, t);
	nb_buf_printf(out, "<time datetime=\"%s\">%s</time>", iso, text);
}

static void notice_dir(struct nb_buf *out, const struct nb_content *c,
		       const struct nb_notice *n)
{
	char ym[16];

	nb_tz_format(ym, sizeof(ym), "%Y/%m", c->site.timezone, published(c, n));
	nb_buf_printf(out, "%s/%s/", ym, n->slug);
}

static void page_head(struct nb_buf *out, const struct nb_content *c,
		      const char *title, const char *root)
{
	nb_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_escape(out, title);
	if (strcmp(title, c->site.title) != 0) {
		nb_buf_puts(out, " \u2014 ");
		html_escape(out, c->site.title);
	}
	nb_buf_printf(out, "</title>\n<link rel=\"stylesheet\" href=\"%sstyle.css\">\n</head>\n<body>\n"
		      "<header><a href=\"%s\">", root, root);
	html_escape(out, c->site.title);
	nb_buf_puts(out, "</a></header>\n<main>\n");
}

static void meta_line(struct nb_buf *out, const struct nb_notice *n)
{
	size_t i;

	nb_buf_printf(out, "<p class=\"meta\"><span class=\"status %s\">%s</span> %s",
		      nb_status_name(n->status), nb_status_name(n->status),
		      nb_kind_name(n->kind));
	if (n->severity != NB_SEVERITY_NONE)
		nb_buf_printf(out, ", %s", nb_severity_name(n->severity));
	nb_buf_puts(out, " \u00b7 ");
	for (i = 0; i < n->server_count; i++) {
		if (i)
			nb_buf_puts(out, ", ");
		html_escape(out, n->servers[i]);
	}
	nb_buf_puts(out, "</p>\n");
}

static int notice_page(const struct nb_content *c, const struct nb_notice *n,
		       struct nb_publish *pub, struct nb_diags *diags)
{
	struct nb_buf page = NB_BUF_INIT, path = NB_BUF_INIT;
	size_t i;
	int rc;

	page_head(&page, c, n->title, "../../../");
	nb_buf_puts(&page, "<article>\n<h1>");
	html_escape(&page, n->title);
	nb_buf_puts(&page, "</h1>\n");
	meta_line(&page, n);
	nb_buf_puts(&page, "<p class=\"published\">Published ");
	when(&page, c, published(c, n));
	nb_buf_puts(&page, "</p>\n");
	if (n->has_window) {
		nb_buf_puts(&page, "<p class=\"window\">Window: ");
		when(&page, c, n->window_start);
		nb_buf_puts(&page, " to ");
		when(&page, c, n->window_end);
		nb_buf_puts(&page, "</p>\n");
	}
	markdown(&page, n->body ? n->body : "", c->site.unsafe_html);
	if (n->update_count)
		nb_buf_puts(&page, "<section class=\"updates\">\n<h2>Updates</h2>\n");
	for (i = 0; i < n->update_count; i++) {
		const struct nb_update *u = &n->updates[i];

		nb_buf_printf(&page, "<div class=\"update\" id=\"update-%zu\">\n<h3>", i + 1);
		if (u->source != NB_TIME_UNSET)
			when(&page, c, u->time);
		else
			html_escape(&page, u->stamp_text[0] ? u->stamp_text : "Update");
		nb_buf_puts(&page, "</h3>\n");
		markdown(&page, u->markdown ? u->markdown : "", c->site.unsafe_html);
		nb_buf_puts(&page, "</div>\n");
	}
	if (n->update_count)
		nb_buf_puts(&page, "</section>\n");
	nb_buf_puts(&page, "</article>\n</main>\n</body>\n</html>\n");
	notice_dir(&path, c, n);
	nb_buf_puts(&path, "index.html");
	rc = nb_publish_write(pub, path.ptr, page.ptr, page.len, diags);
	nb_buf_release(&page);
	nb_buf_release(&path);
	return rc;
}


static const struct nb_content *sort_content;

static int newest_first(const void *a, const void *b)
{
	const struct nb_notice *const *x = a, *const *y = b;
	int64_t ta = published(sort_content, *x), tb = published(sort_content, *y);

	if (ta != tb)
		return ta < tb ? 1 : -1;
	return strcmp((*x)->path, (*y)->path);
}

static int index_page(const struct nb_content *c, struct nb_publish *pub,
		      struct nb_diags *diags)
{
	const struct nb_notice **order = nb_calloc(c->count, sizeof(*order));
	struct nb_buf page = NB_BUF_INIT, path = NB_BUF_INIT;
	size_t i;
	int rc;

	for (i = 0; i < c->count; i++)
		order[i] = &c->notices[i];
	sort_content = c;
	nb_sort(order, c->count, sizeof(*order), newest_first);
	page_head(&page, c, c->site.title, "");
	nb_buf_puts(&page, "<ul class=\"notices\">\n");
	for (i = 0; i < c->count; i++) {
		const struct nb_notice *n = order[i];

		nb_buf_truncate(&path, 0);
		notice_dir(&path, c, n);
		nb_buf_puts(&page, "<li><a href=\"");
		html_escape(&page, path.ptr);
		nb_buf_puts(&page, "\">");
		html_escape(&page, n->title);
		nb_buf_puts(&page, "</a> ");
		when(&page, c, published(c, n));
		meta_line(&page, n);
		nb_buf_puts(&page, "</li>\n");
	}
	nb_buf_puts(&page, "</ul>\n</main>\n</body>\n</html>\n");
	rc = nb_publish_write(pub, "index.html", page.ptr, page.len, diags);
	nb_buf_release(&page);
	nb_buf_release(&path);
	free(order);
	return rc;
}

static int copy_style(const char *theme_dir, struct nb_publish *pub,
		      struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT, data = NB_BUF_INIT;
	char chunk[8192];
	size_t got;
	FILE *f;
	int rc = -1;

	nb_buf_printf(&path, "%s/static/style.css", theme_dir);
	f = fopen(path.ptr, "rb");
	if (!f) {
		nb_diags_add(diags, path.ptr, 0, "pass --theme DIR with a complete theme",
			     "the theme has no style.css");
		goto cleanup;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		nb_buf_put(&data, chunk, got);
	if (ferror(f)) {
		nb_diags_add(diags, path.ptr, 0, "check the file", "cannot read the stylesheet");
		goto cleanup;
	}
	rc = nb_publish_write(pub, "style.css", nb_buf_cstr(&data), data.len, diags);
cleanup:
	if (f)
		fclose(f);
	nb_buf_release(&path);
	nb_buf_release(&data);
	return rc;
}

int nb_render_site(const struct nb_content *c, const char *theme_dir,
		   struct nb_publish *pub, struct nb_diags *diags)
{
	size_t i;

	if (copy_style(theme_dir, pub, diags) < 0 || index_page(c, pub, diags) < 0)
		return -1;
	for (i = 0; i < c->count; i++)
		if (notice_page(c, &c->notices[i], pub, diags) < 0)
			return -1;
	return 0;
}
