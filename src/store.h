/*
 * store: a file of records by key, kept between builds in the repository's
 * git folder (the notice cache, the fragment cache).  The file is a header
 * line, then records: the key, the length of the value, a hash of it (a
 * record damaged is not taken), the value; numbers in this machine's byte
 * order, for the file never leaves it.  A later record of a key replaces an
 * earlier one.  A build appends the records it made; when most of the file
 * is records the build did not use, it writes the file anew with only those
 * it used.  A file with another header (format, zone, program) is ignored
 * and made anew; a record cut short (a build killed while appending) ends
 * the file.  Safe to use from several threads at once.
 */
#ifndef NB_STORE_H
#define NB_STORE_H

#include <stddef.h>

struct nb_buf;
struct nb_store;

/* The store at path whose header line is header (with no line end) and
 * whose keys are key_len bytes.  Never fails: with no usable file, the
 * store starts empty.  Free it with nb_store_free. */
struct nb_store *nb_store_open(const char *path, const char *header, size_t key_len);
/* Appends key's value to out and returns 1; or 0 when the store has none
 * whole (out untouched). */
int nb_store_get(struct nb_store *st, const void *key, struct nb_buf *out);
/* Keeps value under key.  Values larger than 4 GiB are not kept. */
void nb_store_put(struct nb_store *st, const void *key, const void *value, size_t len);
/* Drops key's record (its value could not be read back): the file is
 * written anew. */
void nb_store_forget(struct nb_store *st, const void *key);
/* Writes what is new, appended or anew.  Best effort: 0, or -1 (the next
 * build makes more). */
int nb_store_save(struct nb_store *st);
void nb_store_free(struct nb_store *st);

#endif
