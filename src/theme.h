/*
 * theme: where a build finds its theme (a folder of templates/ and
 * static/), whether it is one, and what identifies its bytes.
 */
#ifndef NB_THEME_H
#define NB_THEME_H

#include <git2.h>
#include <stdint.h>

struct nb_diags;

/*
 * The theme: given (--theme) when not NULL, else themes/default in the
 * repository's work tree, else the one installed with this program (next
 * to it in a build tree, or under PREFIX/share), else "themes/default".
 * The caller frees it.
 */
char *nb_theme_find(const char *given, git_repository *repo);
/* 0 when theme is a folder with templates/, else -1 with a problem. */
int nb_theme_check(const char *theme, struct nb_diags *diags);
/* What identifies the theme's files, names and every byte: a change to
 * any of them is a new digest. */
uint64_t nb_theme_digest(const char *theme);

#endif
