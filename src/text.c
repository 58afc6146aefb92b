#include "text.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

/*
 * Bidirectional controls in a body cannot reach past the text they are
 * in: at the end of each run of text (before a tag, or the end), the
 * embeddings and overrides left open are closed (U+202C) and so are the
 * isolates (U+2069), so that a reversed run never carries over into
 * markup, a link or the text after it.
 */
static char *isolate_bidi(char *html)
{
	struct nb_buf out = NB_BUF_INIT;
	size_t embeds = 0, isolates = 0;
	const char *p;

	if (!html[nb_bidi_find(html)])
		return html;
	for (p = html;; p++) {
		unsigned code = *p == '\xe2' ? nb_bidi_code(p) : 0;

		if (*p == '<' || !*p) {
			for (; isolates; isolates--)
				nb_buf_puts(&out, "\u2069");
			for (; embeds; embeds--)
				nb_buf_puts(&out, "\u202c");
		}
		if (!*p)
			break;
		if (code == 0x202c) {
			embeds -= embeds > 0;
		} else if (code == 0x2069) {
			isolates -= isolates > 0;
		} else if (code >= 0x2066) {
			isolates++;
		} else if (code) {
			embeds++;
		}
		nb_buf_putc(&out, *p);
	}
	free(html);
	return nb_buf_detach(&out);
}

char *nb_text_html(const char *md, int unsafe)
{
	char *html = cmark_markdown_to_html(md ? md : "", md ? strlen(md) : 0,
					    unsafe ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT);
	size_t n = strlen(html);

	while (n && html[n - 1] == '\n')
		html[--n] = '\0';
	html = isolate_bidi(html);
	/* cmark's buffer grows by doubling; the page keeps only the text */
	return nb_realloc(html, strlen(html) + 1);
}

char *nb_text_summary(const char *md, size_t max)
{
	cmark_node *doc = cmark_parse_document(md ? md : "", md ? strlen(md) : 0,
					       CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	struct nb_buf b = NB_BUF_INIT;
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && b.len <= max) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(n);

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE)
			nb_buf_puts(&b, cmark_node_get_literal(n));
		else if ((type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK ||
			  type == CMARK_NODE_PARAGRAPH) && b.len && b.ptr[b.len - 1] != ' ')
			nb_buf_putc(&b, ' ');
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	if (b.len > max) {
		size_t cut = max;

		while (cut > 0 && b.ptr[cut] != ' ')
			cut--;
		/* never inside a UTF-8 sequence */
		if (!cut)
			for (cut = max; cut > 0 && ((unsigned char)b.ptr[cut] & 0xc0) == 0x80; cut--)
				;
		nb_buf_truncate(&b, cut);
		while (b.len && strchr(" .,;:", b.ptr[b.len - 1]))
			nb_buf_truncate(&b, b.len - 1);
		nb_buf_puts(&b, "\u2026");
	}
	while (b.len && b.ptr[b.len - 1] == ' ')
		nb_buf_truncate(&b, b.len - 1);
	return nb_buf_detach(&b);
}
