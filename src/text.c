#include "text.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

char *nb_text_html(const char *md, int unsafe)
{
	char *html = cmark_markdown_to_html(md ? md : "", md ? strlen(md) : 0,
					    unsafe ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT);
	size_t n = strlen(html);

	while (n && html[n - 1] == '\n')
		html[--n] = '\0';
	/* cmark's buffer grows by doubling; the page keeps only the text */
	return nb_realloc(html, n + 1);
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
