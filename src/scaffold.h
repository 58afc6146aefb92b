/* scaffold: a new notice's file, ready for an operator to fill in. */
#ifndef NB_SCAFFOLD_H
#define NB_SCAFFOLD_H

#include <stddef.h>
#include <stdint.h>

struct nb_site;
struct nb_diags;
struct nb_buf;

/*
 * The path (content/YYYY/slug.md, YYYY the year of now in the site's zone)
 * and text of a new notice titled title about the servers (ids, checked
 * against the site: an unknown one is a problem with the nearest name).
 * Returns 0, or -1 with problems in diags.
 */
int nb_scaffold_notice(struct nb_buf *path, struct nb_buf *text, const struct nb_site *site,
		       const char *const *servers, size_t server_count, int maintenance,
		       const char *title, int64_t now, struct nb_diags *diags);

#endif
