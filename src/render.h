/* render: every page of the site, through the theme's Mustache templates. */
#ifndef NB_RENDER_H
#define NB_RENDER_H

#include <stddef.h>

struct nb_content;
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
int nb_render_site(const struct nb_model *m, const char *theme_dir,
		   struct nb_publish *pub, nb_progress_fn progress, void *payload,
		   struct nb_diags *diags);

#endif
