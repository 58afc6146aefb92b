/*
 * versions: one version of a notice file as the history walk reads it
 * (its title, status, window, and its updates' keys and texts), and which
 * updates of a version are which of the version before.
 */
#ifndef NB_VERSIONS_H
#define NB_VERSIONS_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

struct nb_vupdate {
	uint64_t key;
	char *stamp;
	char *text;
};

/* What the walk needs of one version of a notice file. */
struct nb_version {
	git_oid id;
	int valid;         /* its front matter parsed: its updates are known */
	char *title;
	char *status;      /* NULL when the file had problems */
	uint64_t text_key; /* title and text before the first update */
	uint64_t lead_key; /* its first paragraph; 0 when it has none */
	int has_window;
	int64_t window_start, window_end;
	struct nb_vupdate *updates;
	size_t count;
};


/* An update of a version that none of the version before is. */
enum { NB_VERSION_NEW = -1 };

/*
 * Parses the blob id (data, len: its bytes when already read, else NULL).
 * An oversized or unreadable blob gives a version that is not valid.
 * Front matters parsed before come from memo (NULL: none).
 * Free it with nb_version_free.
 */
struct nb_yml_memo;
struct nb_version *nb_version_parse(git_repository *repo, const git_oid *id,
				    const char *data, size_t len, struct nb_yml_memo *memo);
void nb_version_free(struct nb_version *v);
/*
 * For each update j of `to`, the update of `from` it is (the same text),
 * or was (an edit: the same stamp, or mostly the same words in the same
 * order), in match[j], or NB_VERSION_NEW; exact[j] says the first case.
 * Linear in the updates, however many.
 */
void nb_version_match(const struct nb_version *from, const struct nb_version *to,
		      long *match, int *exact);
/* 1 when two versions are one notice by what a reader sees first: the
 * same title, or the same opening paragraph. */
int nb_version_same_notice(const struct nb_version *a, const struct nb_version *b);

#endif
