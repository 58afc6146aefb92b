/*
 * store: records by key, kept between builds in the repository's git
 * folder (the notice cache, the fragment cache): a file of records (each
 * the key, the length of the value, a hash of it: a record damaged is not
 * taken, the value) and a file of where each is (PATH.idx), each with a
 * header line; numbers in this machine's byte order, for the files never
 * leave it.  Only the index is read whole; values are read as asked for.
 * A later record of a key replaces an earlier one.  A record may carry a
 * tag (a store's records all do, or none do): what it was made for, such
 * as one version of a notice.  A build appends the records it made; when
 * most of the file is records it neither used nor tagged as live, it
 * writes the file anew with only those.  A file with another header
 * (format, zone, program) is ignored and made anew; a record cut short (a
 * build killed while appending) ends the file.  Safe to use from several
 * threads at once.
 */
#ifndef NB_STORE_H
#define NB_STORE_H

#include <stddef.h>
#include <stdint.h>

struct nb_buf;
struct nb_store;

/* The fragment cache's file, in the repository's git folder, and its
 * header: bump the number when what a fragment holds changes. */
#define NB_FRAGMENTS_PATH "nocblog/fragments"
#define NB_FRAGMENTS_HEADER "nocblog-fragments 2"

/* The store at path whose header line is header (with no line end), whose
 * keys are key_len bytes, and whose records carry a 64-bit tag or not.
 * Never fails: with no usable file, the store starts empty.  Free it with
 * nb_store_free. */
struct nb_store *nb_store_open(const char *path, const char *header, size_t key_len,
			       int tagged);
/* Appends key's value to out and returns 1; or 0 when the store has none
 * whole (out untouched). */
int nb_store_get(struct nb_store *st, const void *key, struct nb_buf *out);
/* Keeps value under key, with tag in a tagged store.  Values larger than
 * 4 GiB are not kept. */
void nb_store_put(struct nb_store *st, const void *key, uint64_t tag, const void *value,
		  size_t len);
/* Records with this tag are to be kept, used by this build or not. */
void nb_store_live(struct nb_store *st, uint64_t tag);
/* Drops key's record (its value could not be read back): the file is
 * written anew. */
void nb_store_forget(struct nb_store *st, const void *key);
/* Writes what is new, appended or anew.  Best effort: 0, or -1 (the next
 * build makes more). */
int nb_store_save(struct nb_store *st);
void nb_store_free(struct nb_store *st);

#endif
