/* util: allocation, UTF-8 checks, string helpers shared by every module. */
#ifndef NB_UTIL_H
#define NB_UTIL_H

#include <stddef.h>

#define NB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Out of memory is the one failure nocblog does not recover from. */
_Noreturn void nb_oom(void);
void *nb_malloc(size_t n);
void *nb_calloc(size_t n, size_t size);
void *nb_realloc(void *p, size_t n);
/* Grows *items (of *alloc elements of size each) to hold at least need. */
void nb_grow_array(void *items, size_t *alloc, size_t need, size_t size);
/* qsort, also for an empty or NULL array. */
void nb_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* 1 when s ends with suffix. */
int nb_ends_with(const char *s, const char *suffix);
/* Orders pointers to strings by strcmp (for nb_sort and bsearch). */
int nb_str_order(const void *a, const void *b);
/* The same with a payload for the comparator. */
void nb_sort_r(void *base, size_t n, size_t size,
	       int (*cmp)(const void *, const void *, void *), void *payload);
/* Copies the caller frees. */
char *nb_strdup(const char *s);
char *nb_strndup(const char *s, size_t n);

/* Offset of the first byte that is not well-formed UTF-8, or len. */
size_t nb_utf8_check(const char *s, size_t len);
/* Offset of the first control character XML cannot hold (below 0x20 but
 * tab, line feed and carriage return), or len. */
size_t nb_control_find(const char *s, size_t len);
/* Offset of the first line of a merge conflict git left in a file (a line
 * opening with "<<<<<<<" or ">>>>>>>"), or len. */
size_t nb_conflict_find(const char *s, size_t len);
/* Offset of the first Unicode bidirectional control in s (embeddings and
 * overrides U+202A-U+202E, isolates U+2066-U+2069), or strlen(s). */
size_t nb_bidi_find(const char *s);
/* Its code point, at s (where nb_bidi_find pointed). */
unsigned nb_bidi_code(const char *s);
/*
 * A copy of s that XML 1.0 and iCalendar accept as text: every byte that
 * is not well-formed UTF-8, every control character but tab, line feed and
 * carriage return, DEL, U+FFFE and U+FFFF becomes U+FFFD.  The caller
 * frees it.
 */
char *nb_utf8_clean(const char *s);
/* This program's path (for hooks to call it, and what is installed beside
 * it); 0, or -1 when the system cannot say. */
int nb_self_path(char *buf, size_t size);
/* Makes the folders of path (up to its last '/') below its first `from`
 * bytes.  Returns 0, or -1 with errno set. */
int nb_make_dirs(char *path, size_t from);

/*
 * Writes a whole file: to a temporary name beside path, then renamed to
 * path, so that no one sees it half written.  mode is the file's
 * permissions, less the umask.  With replace, an existing file is replaced; without, it is
 * left as it is and the call fails with EEXIST.  Returns 0, or -1 with
 * errno set and no temporary file left.
 */
int nb_write_file(const char *path, const char *data, size_t len, unsigned mode, int replace);

/* 1-based line number of offset in s. */
int nb_line_of(const char *s, size_t offset);

/* Edit distance, case-insensitive, between two short ASCII strings. */
size_t nb_edit_distance(const char *a, const char *b);
/* The candidate closest to word, or NULL when none is close enough to suggest. */
const char *nb_suggest(const char *word, const char *const *candidates, size_t n);

/* The noun that agrees with a count: one for 1, many for any other. */
const char *nb_plural(size_t n, const char *one, const char *many);

int nb_ascii_casecmp(const char *a, const char *b);
int nb_ascii_ncasecmp(const char *a, const char *b, size_t n);

#endif
