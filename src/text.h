/* text: Markdown as HTML (safe unless asked) and as a short plain summary. */
#ifndef NB_TEXT_H
#define NB_TEXT_H

#include <stddef.h>

/* HTML of a Markdown text, without a trailing newline; raw HTML and unsafe
 * links are dropped unless unsafe.  The caller frees it. */
char *nb_text_html(const char *markdown, int unsafe);

/* The first words of a Markdown text as plain text, cut at a word before
 * max bytes (with an ellipsis).  The caller frees it. */
char *nb_text_summary(const char *markdown, size_t max);

#endif
