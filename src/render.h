/* render: every page of the site, through the theme's Mustache templates. */
#ifndef NB_RENDER_H
#define NB_RENDER_H

#include <stddef.h>

struct nb_buf;
struct nb_content;
struct nb_item;
struct nb_model;
struct nb_publish;
struct nb_diags;

#define NB_PER_PAGE 20          /* notices per page of the home page */

/* Called after each page written: done of total. */
typedef void (*nb_progress_fn)(size_t done, size_t total, void *payload);

/*
 * Writes every page, the sitemap and the theme's static files into the
 * publish staging folder.  theme_dir holds templates/ and static/.
 * Returns 0, or -1 with problems (a template error names the template
 * and line) in diags.
 */
/*
 * Checks a theme without rendering: every page template is there, every
 * partial and parent they include is, and every name they use is a field
 * some page has (a misspelt {{titel}} would render as nothing).  Returns
 * 0, or -1 with each problem (template file and line) in diags.
 */
int nb_render_check_theme(const char *theme_dir, struct nb_diags *diags);

int nb_render_site(const struct nb_model *m, const char *theme_dir,
		   struct nb_publish *pub, nb_progress_fn progress, void *payload,
		   struct nb_diags *diags);

/*
 * The thread of a notice's updates, newest first, as the theme's "thread"
 * partial renders it on the notice's page, with links made absolute: what
 * the feeds carry.  One renderer a thread (of the program) at a time.
 */
struct nb_render_thread;

struct nb_render_thread *nb_render_thread_new(const struct nb_model *m, const char *theme_dir);
/* Appends it->notice's thread to out; 0, or -1 with a problem. */
int nb_render_thread(struct nb_render_thread *t, const struct nb_item *it, struct nb_buf *out,
		     struct nb_diags *diags);
void nb_render_thread_free(struct nb_render_thread *t);

#endif
