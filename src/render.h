/* render: the HTML pages of the site. */
#ifndef NB_RENDER_H
#define NB_RENDER_H

struct nb_content;
struct nb_publish;
struct nb_diags;

/* Writes every page of the site into the publish staging folder.
 * theme_dir holds style.css.  Returns 0 or -1 with problems in diags. */
int nb_render_site(const struct nb_content *c, const char *theme_dir,
		   struct nb_publish *pub, struct nb_diags *diags);

#endif
