#include "build.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "avail.h"
#include "badge.h"
#include "buf.h"
#include "dating.h"
#include "feed.h"
#include "histcache.h"
#include "history.h"
#include "map.h"
#include "model.h"
#include "notice.h"
#include "notify.h"
#include "publish.h"
#include "repo.h"
#include "store.h"
#include "theme.h"
#include "util.h"
#include "walk.h"

/* ---- loading ---- */

/* The name work tree changes are credited to: git's user.name. */
static char *worktree_author(git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf name = GIT_BUF_INIT;
	char *out;

	if (git_repository_config(&cfg, repo) == 0 &&
	    git_config_get_string_buf(&name, cfg, "user.name") == 0 && name.size)
		out = nb_strdup(name.ptr);
	else
		out = nb_strdup("(uncommitted)");
	git_buf_dispose(&name);
	git_config_free(cfg);
	return out;
}

/*
 * Content not committed yet (the work tree's, or the index's) over the
 * commit's (NULL before the first commit), dated now by git's user.name.
 */
static int load_pending(git_repository *repo, git_commit *commit, struct nb_content *content,
			struct nb_history *h, const struct nb_repo_file *files, size_t count,
			int use_cache, struct nb_diags *diags)
{
	struct nb_repo_file *head = NULL;
	size_t head_count = 0;
	char *author = NULL;
	int64_t now = (int64_t)time(NULL);
	int rc = NB_BUILD_ENV;

	if (commit && nb_repo_list(&head, &head_count, repo, commit, NB_CONTENT_DIR, diags) < 0)
		goto cleanup;
	author = worktree_author(repo);
	nb_walk_worktree(h, repo, head, head_count, files, count, now, author);
	rc = nb_content_load_files(content, repo, files, count, now, use_cache, diags) < 0 ?
		     NB_BUILD_CONTENT : 0;
cleanup:
	nb_repo_files_free(head, head_count);
	free(author);
	return rc;
}

/* The files of the work tree or the index; 0, or a status. */
static int pending_files(const struct nb_source *src, git_repository *repo,
			 struct nb_repo_file **files, size_t *count, struct nb_diags *diags)
{
	git_tree *tree = NULL;
	int rc;

	if (src->index) {
		if (nb_repo_index_tree(&tree, repo, diags) < 0)
			return NB_BUILD_ENV;
		rc = nb_repo_list_tree(files, count, repo, tree, NB_CONTENT_DIR, diags);
		git_tree_free(tree);
	} else {
		rc = nb_repo_list_worktree(files, count, repo, NB_CONTENT_DIR, NB_NOTICE_MAX_BYTES,
					   diags);
	}
	if (rc == 1) {
		nb_diags_add(diags, NB_CONTENT_DIR, 0, "put site.yaml and the notices under content/",
			     src->index ? "no content/ folder in the index" :
					  "no content/ folder in the work tree");
		return NB_BUILD_CONTENT;
	}
	return rc < 0 ? NB_BUILD_ENV : 0;
}

/* The uncommitted changes over the commit; 0, or a status. */
static int load_uncommitted(struct nb_loaded *l, const struct nb_source *src, git_commit *commit)
{
	struct nb_repo_file *files = NULL;
	size_t count = 0, before = l->diags.count;
	int rc = pending_files(src, l->repo, &files, &count, &l->diags);
	/* files the listing could not take are problems of the content */
	int refused = l->diags.count > before;

	if (!rc)
		rc = load_pending(l->repo, commit, &l->content, l->history, files, count,
				  src->use_cache, &l->diags);
	if (!rc && refused)
		rc = NB_BUILD_CONTENT;
	nb_repo_files_free(files, count);
	return rc;
}

int nb_build_load(struct nb_loaded *l, const struct nb_source *src)
{
	git_commit *commit = NULL;
	int pending = src->worktree || src->index, rc = NB_BUILD_ENV;

	if (!l->repo && nb_repo_open(&l->repo, src->repo, &l->diags) < 0)
		return NB_BUILD_ENV;
	/* the first commit: nothing to walk yet */
	if (!(pending && git_repository_head_unborn(l->repo) == 1) &&
	    nb_repo_commit(&commit, l->repo, src->rev, &l->diags) < 0)
		return NB_BUILD_ENV;
	rc = 0;
	if (!pending && nb_content_load(&l->content, l->repo, commit, src->use_cache, &l->diags) < 0)
		rc = NB_BUILD_CONTENT;
	if (!commit) {
		l->history = nb_history_new();
	} else if (nb_walk_history(&l->history, l->repo, commit, src->use_cache, &l->diags) < 0) {
		rc = NB_BUILD_ENV;
		goto cleanup;
	} else if (!nb_history_stats(l->history)->from_cache ||
		   nb_history_stats(l->history)->commits) {
		/* only what the cache does not hold already */
		l->walked = 1;
		if (!src->keep_cache)
			nb_histcache_save(l->history, l->repo);
	}
	if (pending && (rc = load_uncommitted(l, src, commit)) != 0)
		goto cleanup;
	if (nb_dating_apply(l->history, &l->content, &l->diags) < 0)
		rc = NB_BUILD_CONTENT;
	nb_content_read_withdrawn(&l->content, l->repo);
cleanup:
	git_commit_free(commit);
	return rc;
}

void nb_build_report(struct nb_buf *out, const struct nb_loaded *l)
{
	const struct nb_history_stats *st;
	size_t i;

	if (!l->walked)
		return;
	st = nb_history_stats(l->history);
	for (i = 0; i < st->split_count && i < 3; i++)
		nb_buf_printf(out, "nocblog: commit %.10s deletes %s and adds %s: they read as one "
			      "notice withdrawn and a new one (a new feed id; the old address gone); "
			      "to keep one notice, rename it in one commit (git mv) and change its "
			      "text in the next\n", st->splits[i].commit, st->splits[i].deleted,
			      st->splits[i].added);
	if (st->split_count > 3)
		nb_buf_printf(out, "nocblog: and %zu more such commits\n", st->split_count - 3);
	if (!st->rewritten)
		return;
	nb_buf_printf(out, "nocblog: the history was rewritten: %.10s, where the last walk ended, "
		      "is not on it; walked again from its first commit, %.10s", st->cached_tip,
		      st->first);
	if (st->lost_updates)
		nb_buf_printf(out, "; %zu update%s it had %s gone from the feeds", st->lost_updates,
			      st->lost_updates == 1 ? "" : "s", st->lost_updates == 1 ? "is" : "are");
	nb_buf_puts(out, "\n");
}

void nb_build_release(struct nb_loaded *l)
{
	nb_diags_clear(&l->diags);
	nb_content_release(&l->content);
	nb_history_free(l->history);
	nb_repo_close(l->repo);
	memset(l, 0, sizeof(*l));
}

/* ---- a build that has nothing new to do ---- */

/* What identifies this program: its bytes, not its size and time (a
 * reinstall of the same binary changes nothing).  Read once a process. */
static uint64_t program;
static pthread_once_t program_once = PTHREAD_ONCE_INIT;

static void read_program(void)
{
	struct nb_buf self = NB_BUF_INIT;

	if (nb_buf_read_file(&self, "/proc/self/exe", SIZE_MAX - 1) == 0)
		program = nb_hash(nb_buf_cstr(&self), self.len) ^ self.len;
	nb_buf_release(&self);
}

static uint64_t program_digest(void)
{
	pthread_once(&program_once, read_program);
	return program;
}

/* The stamp of a build of commit_hex with a theme of that digest; it is
 * kept beside the site, never in it. */
static char *stamp_of(const char *commit_hex, uint64_t theme_digest)
{
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "nocblog %s\ncommit %s\ntheme %016llx\nprogram %016llx\n", NB_VERSION,
		      commit_hex, (unsigned long long)theme_digest,
		      (unsigned long long)program_digest());
	return nb_buf_detach(&b);
}

char *nb_build_stamp(const char *commit_hex, const char *theme)
{
	return stamp_of(commit_hex, nb_theme_digest(theme));
}

/* What shapes every output besides the content: this program and its
 * version, the theme, site.yaml. */
static uint64_t shape_of(uint64_t theme_digest, const struct nb_content *c)
{
	uint64_t h = nb_hash_add_str(NB_HASH_START, "nocblog " NB_VERSION);

	h = nb_hash_add64(h, program_digest());
	h = nb_hash_add64(h, theme_digest);
	h = nb_hash_add64(h, c->site.text_hash);
	return nb_hash_end(h);
}

/* ---- writing ---- */

/* The feeds are written on a second thread while the pages render: the two
 * share the model, which neither changes, and the publisher, which locks. */
struct feed_job {
	const struct nb_model *m;
	const char *theme;
	struct nb_publish *pub;
	struct nb_diags diags;
	int rc;
};

static void *feed_run(void *arg)
{
	struct feed_job *job = arg;

	job->rc = nb_feed_write_all(job->m, job->theme, job->pub, &job->diags);
	if (job->rc == 0)
		job->rc = nb_api_write_all(job->m, job->pub, &job->diags);
	if (job->rc == 0)
		job->rc = nb_badge_write_all(job->m, job->pub, &job->diags);
	return NULL;
}

static int write_site(const struct nb_model *m, const char *theme, struct nb_publish *pub,
		      nb_progress_fn progress, void *payload, struct nb_diags *diags)
{
	struct feed_job job = { m, theme, pub, NB_DIAGS_INIT, 0 };
	pthread_t thread;
	int threaded = pthread_create(&thread, NULL, feed_run, &job) == 0;
	int rc = nb_render_site(m, theme, pub, progress, payload, diags);

	if (threaded)
		pthread_join(thread, NULL);
	else
		feed_run(&job);
	nb_diags_move(diags, &job.diags);
	return rc < 0 || job.rc < 0 ? -1 : 0;
}

/* The commit the revision names, as hex; 0, or -1. */
static int resolve_rev(git_repository *repo, const char *rev, char *hex)
{
	git_object *obj = NULL;
	int rc = git_revparse_single(&obj, repo, rev);

	if (rc == 0)
		git_oid_tostr(hex, GIT_OID_HEXSZ + 1, git_object_id(obj));
	git_object_free(obj);
	return rc;
}

static char *default_out(git_repository *repo)
{
	const char *wd = git_repository_workdir(repo);
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "%sout", wd ? wd : "./");
	return nb_buf_detach(&b);
}

/* The parts of pages and feeds earlier builds made, by key: every key
 * holds the shape (program, theme, site.yaml), so one file serves all. */
static struct nb_store *open_fragments(git_repository *repo)
{
	char *path = nb_repo_git_path(repo, NB_FRAGMENTS_PATH);
	struct nb_store *st = nb_store_open(path, NB_FRAGMENTS_HEADER, sizeof(uint64_t), 1);

	free(path);
	return st;
}

/* Renders and publishes the loaded content from model (built here, for
 * the caller to release once it is not NULL); 0, or a status. */
static int publish(struct nb_loaded *l, const struct nb_build_options *o, const char *theme,
		   uint64_t theme_digest, struct nb_publish *pub, const char *stamp, int use_cache,
		   struct nb_model **model)
{
	struct nb_model *m;
	int rc = 0;

	if (nb_theme_check(theme, &l->diags) < 0)
		return NB_BUILD_ENV;
	if (nb_render_check_theme(theme, &l->diags) < 0)
		return NB_BUILD_CONTENT;
	if (nb_publish_begin(pub, pub->out, &l->diags) < 0)
		return NB_BUILD_ENV;
	m = *model = nb_calloc(1, sizeof(*m));
	nb_model_build(m, &l->content);
	nb_avail_build(m);
	m->shape = shape_of(theme_digest, &l->content);
	if (use_cache) {
		m->fragments = open_fragments(l->repo);
		nb_model_fragments_live(m);
	}
	if (write_site(m, theme, pub, o->progress, o->payload, &l->diags) < 0)
		rc = pub->io_failed ? NB_BUILD_ENV : NB_BUILD_CONTENT;
	else if (nb_publish_commit(pub, stamp, &l->diags) < 0)
		rc = NB_BUILD_ENV;
	if (rc)
		nb_publish_abandon(pub, &l->diags);
	else
		nb_store_save(m->fragments);
	nb_store_free(m->fragments);
	m->fragments = NULL;
	return rc;
}

/*
 * With the site live and the lock let go: tells who asked what the commit
 * rev brought.  A build that found the commit already live (no *model)
 * loads it only when deliveries wait to be tried again.
 */
static void tell(struct nb_loaded *l, const struct nb_source *src, const char *rev,
		 struct nb_model **model, const char *written, struct nb_notify_result *r)
{
	git_oid id;

	if (!*model) {
		if (!nb_notify_pending(l->repo) || nb_build_load(l, src) != 0)
			return;
		*model = nb_calloc(1, sizeof(**model));
		nb_model_build(*model, &l->content);
	}
	if (git_oid_fromstr(&id, rev) == 0 && nb_notify_run(*model, l->repo, &id, written, r) < 0)
		r->failed++;
}

int nb_build_site(struct nb_loaded *l, const struct nb_build_options *o,
		  struct nb_build_result *r)
{
	struct nb_publish pub = NB_PUBLISH_INIT;
	struct nb_model *model = NULL;
	struct nb_source src = o->src;
	char *written = NULL;
	char *theme = NULL, *stamp = NULL, rev[GIT_OID_HEXSZ + 1];
	uint64_t theme_digest;
	int rc = NB_BUILD_ENV;
	memset(r, 0, sizeof(*r));
	if (nb_repo_open(&l->repo, src.repo, &l->diags) < 0)
		goto cleanup;
	theme = nb_theme_find(o->theme, l->repo);
	theme_digest = nb_theme_digest(theme);
	r->out = o->out ? nb_strdup(o->out) : default_out(l->repo);
	/* The lock first: the commit a branch names is read under it, so of two
	 * builds of a branch pushed twice, the later one builds the later push
	 * whatever order they run in.  The commit is resolved once, for the
	 * stamp and the content alike. */
	if (nb_publish_lock(&pub, r->out, &l->diags) < 0)
		goto cleanup;
	if (!src.worktree && resolve_rev(l->repo, src.rev, rev) == 0) {
		src.rev = rev;
		stamp = stamp_of(rev, theme_digest);
		if (nb_publish_is_current(r->out, stamp)) {
			r->up_to_date = 1;
			rc = 0;
			goto cleanup;
		}
	}
	rc = nb_build_load(l, &src);
	if (rc == 0)
		rc = publish(l, o, theme, theme_digest, &pub, stamp, src.use_cache, &model);
	r->notices = l->content.count;
	r->written = pub.written;
	r->kept = pub.kept;
cleanup:
	written = nb_buf_detach(&pub.written_paths);
	nb_publish_release(&pub);
	if (rc == 0 && stamp && !o->no_notify)
		tell(l, &src, rev, &model, written, &r->notify);
	free(written);
	if (model)
		nb_model_release(model);
	free(model);
	free(theme);
	free(stamp);
	return rc;
}

/* ---- nocblog notify ---- */

int nb_build_notify(struct nb_loaded *l, const struct nb_source *src, const char *since,
		    struct nb_buf *preview, struct nb_notify_result *r)
{
	struct nb_loaded old;
	struct nb_source old_src;
	struct nb_model m, before;
	char rev[GIT_OID_HEXSZ + 1];
	git_oid id;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&old, 0, sizeof(old));
	rc = nb_build_load(l, src);
	if (rc)
		return rc;
	if (resolve_rev(l->repo, src->rev, rev) < 0 || git_oid_fromstr(&id, rev) < 0) {
		nb_diags_add(&l->diags, NULL, 0, "name a commit", "no commit '%s'", src->rev);
		return NB_BUILD_ENV;
	}
	nb_model_build(&m, &l->content);
	if (!preview) {
		if (nb_notify_run(&m, l->repo, &id, NULL, r) < 0)
			rc = NB_BUILD_ENV;
	} else if (since) {
		old_src = *src;
		old_src.repo = NULL;
		old_src.rev = since;
		old_src.keep_cache = 1;
		old.repo = l->repo;  /* borrowed: given back before release */
		rc = nb_build_load(&old, &old_src);
		if (rc == 0) {
			nb_model_build(&before, &old.content);
			nb_notify_preview(&m, l->repo, &before, preview);
			nb_model_release(&before);
		}
		nb_diags_move(&l->diags, &old.diags);
		old.repo = NULL;
		nb_build_release(&old);
	} else {
		nb_notify_preview(&m, l->repo, NULL, preview);
	}
	nb_model_release(&m);
	return rc;
}
