/*
 * badge: the site's state, and each server's, as a small image a README or
 * wiki shows (badge.svg: the label on grey, the state on its colour, text
 * measured so it never overflows, with a title and role="img"), and as
 * shields.io endpoint JSON beside it (badge.json), for
 * img.shields.io/endpoint?url=...
 */
#ifndef NB_BADGE_H
#define NB_BADGE_H

#include <stddef.h>

struct nb_model;
struct nb_publish;
struct nb_diags;

#define NB_BADGE_HEIGHT 20

/* The width in pixels the badge of label and message takes (what the
 * svg's width says). */
int nb_badge_width(const char *label, const char *message);
/* The width, in tenths of a pixel, of text drawn in the badge's font
 * (DejaVu Sans, 11 px). */
long nb_badge_text_width(const char *text);

/* Writes badge.svg and badge.json for the site and every server, and each
 * server's availability over 90 days as uptime.svg and uptime.json, into
 * the staging folder.  Returns 0, or -1. */
int nb_badge_write_all(const struct nb_model *m, struct nb_publish *pub, struct nb_diags *diags);

#endif
