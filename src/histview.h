/*
 * histview: what `nocblog history` shows of a dated content: for each
 * notice, when it was published and why, who added it, renames, edits,
 * commits, status changes, and each update's time, where that time came
 * from, who added it and when it was edited; or one row per notice and
 * update (--tsv) for scripts.
 */
#ifndef NB_HISTVIEW_H
#define NB_HISTVIEW_H

#include <stddef.h>

struct nb_buf;
struct nb_content;

/* The notices at paths (all when count is 0), as text for people. */
void nb_histview_text(struct nb_buf *out, const struct nb_content *c, char *const *paths,
		      size_t count);
/* The same as tab-separated rows: path, item, instant, author, style,
 * first path. */
void nb_histview_tsv(struct nb_buf *out, const struct nb_content *c, char *const *paths,
		     size_t count);

#endif
