/*
 * dating: what the history says of the notices of one commit: when each
 * was published, who added it, each update's time and author, edits,
 * status changes, window moves and old paths, and which notices were
 * withdrawn; with the problems only the history shows (an update dated
 * before its notice, a stamp later than the commit that added it).
 */
#ifndef NB_DATING_H
#define NB_DATING_H

struct nb_content;
struct nb_diags;
struct nb_history;

/* Dates the notices of c from h.  Returns 0, or -1 with the problems in
 * diags (the notices are dated as far as they can be either way). */
int nb_dating_apply(const struct nb_history *h, struct nb_content *c, struct nb_diags *diags);

#endif
