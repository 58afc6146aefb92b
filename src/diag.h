/*
 * diag: problems found in content, kept for the caller to print.
 *
 * Modules never print: they add a diagnostic (file, line, problem, fix)
 * and return a negative code.  Only main.c decides how to show them.
 */
#ifndef NB_DIAG_H
#define NB_DIAG_H

#include <stddef.h>

struct nb_buf;

struct nb_diag {
	char *path;    /* repository-relative path, or NULL */
	int line;      /* 1-based; 0 when the problem has no line */
	char *message; /* lower-case, problem first, no full stop */
	char *hint;    /* how to fix it, or NULL */
};

struct nb_diags {
	struct nb_diag *items;
	size_t count;
	size_t alloc;
};

#define NB_DIAGS_INIT { NULL, 0, 0 }

/* Adds a problem; hint may be NULL.  Returns -1 so callers can `return`. */
int nb_diags_add(struct nb_diags *d, const char *path, int line,
		 const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Sorts by path, then line, keeping the order of equal keys. */
void nb_diags_sort(struct nb_diags *d);
/* "path:line: message — hint"; the caller frees the string. */
char *nb_diag_format(const struct nb_diag *diag);
void nb_diags_clear(struct nb_diags *d);
/* Moves every problem of from to the end of to (problems found on another
 * thread, in diags of its own). */
void nb_diags_move(struct nb_diags *to, struct nb_diags *from);

/* The problems, sorted, one line each ("path:line: message — hint"), a
 * line the same as the one before it left out (a file both the commit
 * and the work tree hold is seen twice). */
void nb_diags_text(struct nb_buf *out, struct nb_diags *d);

#endif
