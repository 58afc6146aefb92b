/*
 * treediff: which notice files (and site.yaml) differ between two versions
 * of content/, read straight from the tree objects' bytes: the bytes two
 * trees share at the front and the back are skipped at memory speed, and
 * only the entries between are parsed.
 */
#ifndef NB_TREEDIFF_H
#define NB_TREEDIFF_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

#include "map.h"

#define NB_RAW_SLOTS 8             /* raw tree objects kept while walking */

/* A file that differs: its path, its blob before and after (has_old,
 * has_new say which there are); done once the walk has used it.  blob is
 * the new notice's bytes when they were read ahead (NULL: not read). */
struct nb_change {
	char *path;
	int has_old, has_new;
	git_oid old, new;
	int done;
	git_odb_object *blob;
};

struct nb_changes {
	struct nb_change *items;
	size_t count, alloc;
};


/* A tree object's bytes, read without parsing it. */
struct nb_raw_tree {
	git_oid id;
	git_odb_object *obj;
	const unsigned char *data;
	size_t len;
	/* where each entry ends, once known: found by a binary search instead
	 * of parsing every entry before a change */
	uint32_t *ends;
	size_t end_count, end_alloc;
	int indexed;
};

/* What reading commits' content trees needs; one per thread, each with
 * its own repository handle. */
struct nb_treereader {
	git_repository *repo;
	git_odb *odb;
	struct nb_raw_tree raw[NB_RAW_SLOTS]; /* trees read last: a commit's are its child's parent's */
	int raw_next;
	struct nb_map trees;         /* commit id -> index into tree_ids */
	git_oid *tree_ids;           /* content tree of each commit seen; zero: none */
	size_t tree_count, tree_alloc;
};

/* Empties a list of changes. */
void nb_treediff_changes_clear(struct nb_changes *c);
/* The tree with that id (NULL for the zero id); 0, or -1. */
int nb_treediff_lookup_tree(git_tree **out, git_repository *repo, const git_oid *id);
/*
 * Adds to out the notice files (*.md) and content/site.yaml that differ
 * between the content trees a and b (a zero id: no tree), with paths from
 * content/.  Returns 0, or -1 with the folder that could not be read in
 * *where (the caller frees it).
 */
int nb_treediff_diff(struct nb_treereader *tr, const git_oid *a, const git_oid *b,
		     struct nb_changes *out, char **where);
/* The id of commit's content/ tree (zero when it has none), cached. */
int nb_treediff_content_tree(struct nb_treereader *tr, const git_commit *commit, git_oid *out);
/* Reads ahead the new bytes of every changed notice no larger than max
 * (larger or unreadable ones are left for the caller to refuse). */
void nb_treediff_read_blobs(struct nb_treereader *tr, struct nb_changes *c, size_t max);
/* 1 when the blob at the change's path in tree_id is what the change
 * leaves there. */
int nb_treediff_has(git_repository *repo, const git_oid *tree_id, const struct nb_change *c);
/* Frees what the reader holds (not its repository). */
void nb_treediff_reader_release(struct nb_treereader *tr);

#endif
