/* nocblog: the command line.  The only place that prints or exits. */
#include <errno.h>
#include <dirent.h>
#include <getopt.h>
#include <libical/ical.h>
#include <libxml/parser.h>
#include <signal.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "content.h"
#include "diag.h"
#include "feed.h"
#include "dating.h"
#include "histcache.h"
#include "history.h"
#include "hooks.h"
#include "map.h"
#include "scaffold.h"
#include "model.h"
#include "publish.h"
#include "render.h"
#include "repo.h"
#include "tz.h"
#include "util.h"
#include "walk.h"

#define NB_VERSION "0.1.0"

enum { EXIT_CONTENT = 1, EXIT_USAGE = 2, EXIT_ENV = 3 };

static const char usage_text[] =
	"usage: nocblog init [DIR]\n"
	"       nocblog new [--repo DIR] [--maintenance] --server NAME[,NAME...] \"Title\"\n"
	"       nocblog hooks install [--repo DIR] (--pre-commit | --pre-receive |\n"
	"                             --post-receive OUTDIR)\n"
	"       nocblog build [--repo DIR] [--rev REV] [-o|--out DIR] [-t|--theme DIR]\n"
	"                     [--worktree] [--no-cache] [-q|--quiet]\n"
	"       nocblog check [--repo DIR] [--rev REV] [--worktree | --index] [--no-cache]\n"
	"                     [-t|--theme DIR]\n"
	"       nocblog history [--repo DIR] [--rev REV] [--worktree] [--no-cache] [--tsv]\n"
	"                       [--cache] [PATH...]\n"
	"       nocblog -h|--help | -V|--version\n";

enum command { CMD_CHECK, CMD_BUILD, CMD_HISTORY };

struct options {
	const char *repo;
	const char *rev;
	const char *out;
	const char *theme;
	int quiet;
	int worktree;
	int index;         /* check: what the index would commit */
	int no_cache;
	int tsv;
	int dump_cache;
	char **paths;      /* history: the notices to show; none: all */
	int path_count;
};

static void print_diags(struct nb_diags *diags)
{
	size_t i;

	char *prev = NULL;

	nb_diags_sort(diags);
	for (i = 0; i < diags->count; i++) {
		char *line = nb_diag_format(&diags->items[i]);

		/* a file both the commit and the work tree hold is seen twice */
		if (!prev || strcmp(prev, line) != 0)
			fprintf(stderr, "%s\n", line);
		free(prev);
		prev = line;
	}
	free(prev);
}

/* A small file's bytes (the caller frees; NUL after them), or NULL. */
static char *read_bytes(const char *path, size_t *len)
{
	struct nb_buf b = NB_BUF_INIT;

	if (nb_buf_read_file(&b, path, NB_SITE_MAX_BYTES) < 0) {
		nb_buf_release(&b);
		return NULL;
	}
	if (len)
		*len = b.len;
	return nb_buf_detach(&b);
}

static char *read_text(const char *path)
{
	return read_bytes(path, NULL);
}

static int parse_options(struct options *o, int argc, char **argv, enum command cmd)
{
	static const struct option longopts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "rev", required_argument, NULL, 'R' },
		{ "out", required_argument, NULL, 'o' },
		{ "theme", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "worktree", no_argument, NULL, 'w' },
		{ "index", no_argument, NULL, 'i' },
		{ "no-cache", no_argument, NULL, 'n' },
		{ "tsv", no_argument, NULL, 'T' },
		{ "cache", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, i;

	memset(o, 0, sizeof(*o));
	o->rev = "HEAD";
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:t:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->repo = optarg; break;
		case 'R': o->rev = optarg; break;
		case 'o': if (cmd != CMD_BUILD) goto other; o->out = optarg; break;
		case 't': if (cmd != CMD_BUILD && cmd != CMD_CHECK) goto other; o->theme = optarg; break;
		case 'q': if (cmd != CMD_BUILD) goto other; o->quiet = 1; break;
		case 'w': o->worktree = 1; break;
		case 'i': if (cmd != CMD_CHECK) goto other; o->index = 1; break;
		case 'n': o->no_cache = 1; break;
		case 'T': if (cmd != CMD_HISTORY) goto other; o->tsv = 1; break;
		case 'C': if (cmd != CMD_HISTORY) goto other; o->dump_cache = 1; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		default: goto bad;
		}
	}
	if (cmd == CMD_HISTORY) {
		o->paths = argv + optind;
		o->path_count = argc - optind;
		return 0;
	}
	if (optind == argc)
		return 0;
	fprintf(stderr, "nocblog: unexpected argument '%s'\n", argv[optind]);
	goto bad;
other:
	/* an option of another command */
	for (i = 0; longopts[i].name; i++)
		if (longopts[i].val == c)
			fprintf(stderr, "nocblog: %s has no option --%s\n", argv[0], longopts[i].name);
bad:
	fputs(usage_text, stderr);
	return -1;
}

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
			struct nb_diags *diags)
{
	struct nb_repo_file *head = NULL;
	size_t head_count = 0;
	char *author = NULL;
	int64_t now = (int64_t)time(NULL);
	int rc = EXIT_ENV;

	if (commit && nb_repo_list(&head, &head_count, repo, commit, NB_CONTENT_DIR, diags) < 0)
		goto cleanup;
	author = worktree_author(repo);
	nb_walk_worktree(h, repo, head, head_count, files, count, now, author);
	rc = nb_content_load_files(content, repo, files, count, now, diags) < 0 ? EXIT_CONTENT : 0;
cleanup:
	nb_repo_files_free(head, head_count);
	free(author);
	return rc;
}

/* The files of --worktree or --index; 0, or an exit code. */
static int pending_files(const struct options *o, git_repository *repo,
			 struct nb_repo_file **files, size_t *count, struct nb_diags *diags)
{
	git_tree *tree = NULL;
	int rc;

	if (o->index) {
		if (nb_repo_index_tree(&tree, repo, diags) < 0)
			return EXIT_ENV;
		rc = nb_repo_list_tree(files, count, repo, tree, NB_CONTENT_DIR, diags);
		git_tree_free(tree);
	} else {
		rc = nb_repo_list_worktree(files, count, repo, NB_CONTENT_DIR, NB_NOTICE_MAX_BYTES,
					   diags);
	}
	if (rc == 1) {
		nb_diags_add(diags, NB_CONTENT_DIR, 0, "put site.yaml and the notices under content/",
			     o->index ? "no content/ folder in the index" :
					"no content/ folder in the work tree");
		return EXIT_CONTENT;
	}
	return rc < 0 ? EXIT_ENV : 0;
}

/* What every command works on. */
struct loaded {
	git_repository *repo;
	struct nb_content content;
	struct nb_history *history;
	struct nb_diags diags;
};

/* Commits the walk read as a notice withdrawn and a new one, where an
 * operator may have meant a rename: how the history reads them, and how
 * to keep one notice (a few at most: a first walk reads every commit). */
static void report_splits(const struct nb_history_stats *st, const struct options *o)
{
	size_t i;

	if (o->quiet)
		return;
	for (i = 0; i < st->split_count && i < 3; i++)
		fprintf(stderr, "nocblog: commit %.10s deletes %s and adds %s: they read as one "
			"notice withdrawn and a new one (a new feed id; the old address gone); to "
			"keep one notice, rename it in one commit (git mv) and change its text in "
			"the next\n", st->splits[i].commit, st->splits[i].deleted, st->splits[i].added);
	if (st->split_count > 3)
		fprintf(stderr, "nocblog: and %zu more such commits\n", st->split_count - 3);
}

/*
 * Opens the repository, loads the content of the revision (and the work
 * tree's changes with --worktree) and dates it from the history.  Returns
 * 0 or an exit code; release l with loaded_release either way.
 */
static int load(struct options *o, struct loaded *l)
{
	git_commit *commit = NULL;
	struct nb_repo_file *files = NULL;
	size_t count = 0;
	int pending = o->worktree || o->index, rc;

	memset(l, 0, sizeof(*l));
	if (nb_repo_open(&l->repo, o->repo, &l->diags) < 0)
		return EXIT_ENV;
	/* the first commit: nothing to walk yet */
	if (!(pending && git_repository_head_unborn(l->repo) == 1) &&
	    nb_repo_commit(&commit, l->repo, o->rev, &l->diags) < 0)
		return EXIT_ENV;
	rc = 0;
	if (!pending && nb_content_load(&l->content, l->repo, commit, &l->diags) < 0)
		rc = EXIT_CONTENT;
	if (!commit) {
		l->history = nb_history_new();
	} else if (nb_walk_history(&l->history, l->repo, commit, !o->no_cache, &l->diags) < 0) {
		rc = EXIT_ENV;
		goto cleanup;
	} else if (!nb_history_stats(l->history)->from_cache ||
		   nb_history_stats(l->history)->commits) {
		const struct nb_history_stats *st = nb_history_stats(l->history);

		report_splits(st, o);
		if (st->rewritten && !o->quiet) {
			fprintf(stderr, "nocblog: the history was rewritten: %.10s, where the last walk "
				"ended, is not on it; walked again from its first commit, %.10s",
				st->cached_tip, st->first);
			if (st->lost_updates)
				fprintf(stderr, "; %zu update%s it had %s gone from the feeds",
					st->lost_updates, st->lost_updates == 1 ? "" : "s",
					st->lost_updates == 1 ? "is" : "are");
			fputc('\n', stderr);
		}
		/* only what the cache does not hold already */
		nb_histcache_save(l->history, l->repo);
	}
	if (pending) {
		size_t before = l->diags.count;
		int refused;

		rc = pending_files(o, l->repo, &files, &count, &l->diags);
		/* files the listing could not take are problems of the content */
		refused = l->diags.count > before;
		if (!rc)
			rc = load_pending(l->repo, commit, &l->content, l->history, files, count,
					  &l->diags);
		if (!rc && refused)
			rc = EXIT_CONTENT;
		if (rc)
			goto cleanup;
	}
	if (nb_dating_apply(l->history, &l->content, &l->diags) < 0)
		rc = EXIT_CONTENT;
	nb_content_read_withdrawn(&l->content, l->repo);
cleanup:
	nb_repo_files_free(files, count);
	git_commit_free(commit);
	return rc;
}

/* Prints the problems and frees everything. */
static void loaded_release(struct loaded *l)
{
	print_diags(&l->diags);
	nb_diags_clear(&l->diags);
	nb_content_release(&l->content);
	nb_history_free(l->history);
	nb_repo_close(l->repo);
	memset(l, 0, sizeof(*l));
}

static int check_theme(const char *theme, struct nb_diags *diags);

static int cmd_check(int argc, char **argv)
{
	struct loaded l;
	struct options o;
	int rc;

	if (parse_options(&o, argc, argv, CMD_CHECK) < 0)
		return EXIT_USAGE;
	rc = load(&o, &l);
	/* --theme: the theme too, as a build would use it */
	if (o.theme && (check_theme(o.theme, &l.diags) < 0 ||
			nb_render_check_theme(o.theme, &l.diags) < 0) && rc == 0)
		rc = EXIT_CONTENT;
	loaded_release(&l);
	return rc;
}

/* The theme: --theme, else themes/default in the repository's work tree,
 * else the one installed next to the binary. */
static char *find_theme(const struct options *o, git_repository *repo)
{
	const char *workdir = git_repository_workdir(repo);
	char self[4096], *slash;
	struct stat st;
	ssize_t n;
	char *path;

	if (o->theme)
		return nb_strdup(o->theme);
	if (workdir) {
		path = nb_malloc(strlen(workdir) + sizeof("themes/default"));
		sprintf(path, "%sthemes/default", workdir);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return path;
		free(path);
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			static const char *const near[] = {
				"/themes/default",                    /* a build tree */
				"/../share/nocblog/themes/default",   /* PREFIX/bin */
				"/../../themes/default",              /* build/asan/ */
			};
			size_t i;

			for (i = 0; i < NB_ARRAY_LEN(near); i++) {
				path = nb_malloc(strlen(self) + strlen(near[i]) + 1);
				sprintf(path, "%s%s", self, near[i]);
				if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
					return path;
				free(path);
			}
		}
	}
	return nb_strdup("themes/default");
}

struct progress {
	size_t last;     /* done at the last redraw */
};

/* A bar on a terminal: [#####.....] 123/456 pages */
static void show_progress(size_t done, size_t total, void *payload)
{
	struct progress *p = payload;
	size_t width = 30, filled = total ? done * width / total : width, i;

	if (done != total && total > 100 && done - p->last < total / 100)
		return;
	p->last = done;
	fputs("\r[", stderr);
	for (i = 0; i < width; i++)
		fputc(i < filled ? '#' : '.', stderr);
	fprintf(stderr, "] %zu/%zu %s", done, total, nb_plural(total, "page", "pages"));
	if (done == total)
		fputc('\n', stderr);
}

static char *default_out(git_repository *repo)
{
	const char *wd = git_repository_workdir(repo);
	struct nb_buf b = NB_BUF_INIT;

	nb_buf_printf(&b, "%sout", wd ? wd : "./");
	return nb_buf_detach(&b);
}

static int check_theme(const char *theme, struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT;
	struct stat st;
	int rc = 0;

	nb_buf_printf(&path, "%s/templates", theme);
	if (stat(path.ptr, &st) < 0 || !S_ISDIR(st.st_mode))
		rc = nb_diags_add(diags, theme, 0,
				  "pass --theme DIR, a folder with templates/ and static/",
				  "no theme here: templates/ is missing");
	nb_buf_release(&path);
	return rc;
}

/* ---- a build that has nothing new to do ---- */

/* Adds a folder's files (names and bytes, sorted) to b. */
static void hash_folder(struct nb_buf *b, const char *dir)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort), i;

	for (i = 0; i < n; i++) {
		struct nb_buf path = NB_BUF_INIT, data = NB_BUF_INIT;
		struct stat st;

		if (names[i]->d_name[0] != '.') {
			nb_buf_printf(&path, "%s/%s", dir, names[i]->d_name);
			if (stat(path.ptr, &st) == 0 && S_ISDIR(st.st_mode)) {
				hash_folder(b, path.ptr);
			} else if (nb_buf_read_file(&data, path.ptr, SIZE_MAX - 1) == 0) {
				/* whole: a change anywhere in a theme file means a rebuild */
				nb_buf_printf(b, "%s\n%zu\n", names[i]->d_name, data.len);
				nb_buf_put(b, nb_buf_cstr(&data), data.len);
			}
		}
		nb_buf_release(&path);
		nb_buf_release(&data);
		free(names[i]);
	}
	free(names);
}

/*
 * What a build depends on besides the content: the commit, the theme's
 * files, and this program (its bytes: a reinstall of the same binary
 * changes nothing).  A live site built from the same has nothing to gain
 * from a rebuild.  The stamp is kept beside the site, never in it.
 */
static char *build_stamp(const char *hex, const char *theme)
{
	struct nb_buf b = NB_BUF_INIT, files = NB_BUF_INIT, self = NB_BUF_INIT;

	hash_folder(&files, theme);
	nb_buf_printf(&b, "nocblog %s\ncommit %s\ntheme %016llx\n", NB_VERSION, hex,
		      (unsigned long long)nb_hash(nb_buf_cstr(&files), files.len));
	if (nb_buf_read_file(&self, "/proc/self/exe", SIZE_MAX - 1) == 0)
		nb_buf_printf(&b, "program %zu %016llx\n", self.len,
			      (unsigned long long)nb_hash(nb_buf_cstr(&self), self.len));
	nb_buf_release(&files);
	nb_buf_release(&self);
	return nb_buf_detach(&b);
}

/* The feeds are written on a second thread while the pages render: the two
 * share the model, which neither changes, and the publisher, which locks. */
struct feed_job {
	const struct nb_model *m;
	struct nb_publish *pub;
	struct nb_diags diags;
	int rc;
};

static void *feed_run(void *arg)
{
	struct feed_job *job = arg;

	job->rc = nb_feed_write_all(job->m, job->pub, &job->diags);
	return NULL;
}

static int write_site(const struct nb_model *m, const char *theme, struct nb_publish *pub,
		      nb_progress_fn progress, void *payload, struct nb_diags *diags)
{
	struct feed_job job = { m, pub, NB_DIAGS_INIT, 0 };
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

/* Resolves --rev once, to the commit's id, which the build then uses for
 * everything: a branch moved by a push meanwhile changes nothing. */
static int resolve_rev(git_repository *repo, struct options *o, char *hex)
{
	git_object *obj = NULL;
	int rc = git_revparse_single(&obj, repo, o->rev);

	if (rc == 0) {
		git_oid_tostr(hex, GIT_OID_HEXSZ + 1, git_object_id(obj));
		o->rev = hex;
	}
	git_object_free(obj);
	return rc;
}

static int cmd_build(int argc, char **argv)
{
	struct nb_publish pub = NB_PUBLISH_INIT;
	struct progress bar = { 0 };
	struct nb_model model;
	struct loaded l;
	char *theme = NULL, *out = NULL, *stamp = NULL, rev[GIT_OID_HEXSZ + 1];
	struct options o;
	int rc;

	memset(&model, 0, sizeof(model));
	memset(&l, 0, sizeof(l));
	if (parse_options(&o, argc, argv, CMD_BUILD) < 0)
		return EXIT_USAGE;
	/* The lock first: the commit a branch names is read under it, so of two
	 * builds of a branch pushed twice, the later one builds the later push
	 * whatever order they run in.  Then nothing new to do if the live site
	 * is already that commit with this theme. */
	if (nb_repo_open(&l.repo, o.repo, &l.diags) == 0) {
		theme = find_theme(&o, l.repo);
		out = o.out ? nb_strdup(o.out) : default_out(l.repo);
		if (nb_publish_lock(&pub, out, &l.diags) < 0) {
			rc = EXIT_ENV;
			goto cleanup;
		}
		if (!o.worktree && resolve_rev(l.repo, &o, rev) == 0) {
			stamp = build_stamp(rev, theme);
			if (nb_publish_is_current(out, stamp)) {
				if (!o.quiet)
					fprintf(stderr, "nocblog: %s is up to date\n", out);
				rc = 0;
				goto cleanup;
			}
		}
		nb_repo_close(l.repo);
		l.repo = NULL;
	}
	nb_diags_clear(&l.diags);
	rc = load(&o, &l);
	if (rc)
		goto cleanup;
	if (!theme) {
		theme = find_theme(&o, l.repo);
		out = o.out ? nb_strdup(o.out) : default_out(l.repo);
	}
	if (check_theme(theme, &l.diags) < 0) {
		rc = EXIT_ENV;
		goto cleanup;
	}
	if (nb_render_check_theme(theme, &l.diags) < 0) {
		rc = EXIT_CONTENT;
		goto cleanup;
	}
	if (nb_publish_begin(&pub, out, &l.diags) < 0) {
		rc = EXIT_ENV;
		goto cleanup;
	}
	nb_model_build(&model, &l.content);
	if (write_site(&model, theme, &pub, !o.quiet && isatty(2) ? show_progress : NULL, &bar,
		       &l.diags) < 0) {
		rc = pub.io_failed ? EXIT_ENV : EXIT_CONTENT;
		nb_publish_abandon(&pub, &l.diags);
		goto cleanup;
	}
	if (nb_publish_commit(&pub, stamp, &l.diags) < 0) {
		rc = EXIT_ENV;
		nb_publish_abandon(&pub, &l.diags);
		goto cleanup;
	}
	if (!o.quiet)
		fprintf(stderr, "nocblog: %zu %s, %zu %s (%zu written, %zu unchanged) in %s\n",
			l.content.count, nb_plural(l.content.count, "notice", "notices"),
			pub.written + pub.kept, nb_plural(pub.written + pub.kept, "file", "files"),
			pub.written, pub.kept, out);
cleanup:
	nb_publish_release(&pub);
	nb_model_release(&model);
	loaded_release(&l);
	free(theme);
	free(out);
	free(stamp);
	return rc;
}

static const char *source_name(enum nb_time_source s)
{
	switch (s) {
	case NB_TIME_FRONT_MATTER: return "date: in the front matter";
	case NB_TIME_STATED: return "the stamp's date and time";
	case NB_TIME_DAY_FROM_TEXT: return "the stamp's time, the date from the text around it";
	case NB_TIME_DAY_FROM_COMMIT: return "the stamp's time, the date from the commit that added it";
	case NB_TIME_COMMIT: return "the commit that added it";
	default: return "not dated";
	}
}

static const char *source_style(enum nb_time_source s)
{
	switch (s) {
	case NB_TIME_FRONT_MATTER: return "date";
	case NB_TIME_STATED: return "full";
	case NB_TIME_DAY_FROM_TEXT:
	case NB_TIME_DAY_FROM_COMMIT: return "time";
	case NB_TIME_COMMIT: return "none";
	default: return "unset";
	}
}

/* "2010-10-10 06:30 EDT (2010-10-10T10:30:00Z)" */
static void put_time(const char *zone, int64_t t)
{
	char local[64], utc[32];

	nb_tz_format(local, sizeof(local), "%Y-%m-%d %H:%M %Z", zone, t);
	nb_tz_format(utc, sizeof(utc), "%Y-%m-%dT%H:%M:%SZ", "UTC", t);
	printf("%s (%s)", local, utc);
}

static int wanted(const struct options *o, const char *path)
{
	int i;

	if (!o->path_count)
		return 1;
	for (i = 0; i < o->path_count; i++)
		if (strcmp(o->paths[i], path) == 0)
			return 1;
	return 0;
}

static void show_tsv(const struct nb_content *c, const struct options *o)
{
	size_t i, j;

	printf("path\titem\tinstant\tauthor\tstyle\tfirst_path\n");
	for (i = 0; i < c->count; i++) {
		const struct nb_notice *n = &c->notices[i];
		char t[32];

		if (!wanted(o, n->path))
			continue;
		nb_tz_format(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", "UTC", n->published);
		printf("%s\t0\t%s\t%s\t%s\t%s\n", n->path, t, n->author ? n->author : "",
		       n->published_source == NB_TIME_COMMIT ? "commit" : "date",
		       n->first_path ? n->first_path : n->path);
		for (j = 0; j < n->update_count; j++) {
			const struct nb_update *u = &n->updates[j];

			nb_tz_format(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", "UTC", u->time);
			printf("%s\t%zu\t%s\t%s\t%s\t%s\n", n->path, j + 1,
			       u->source == NB_TIME_UNSET ? "-" : t, u->author ? u->author : "",
			       source_style(u->source), n->first_path ? n->first_path : n->path);
		}
	}
}

static void show_notice(const struct nb_content *c, const struct nb_notice *n)
{
	const char *zone = c->site.timezone;
	size_t i;

	printf("%s\n", n->path);
	if (n->first_path && strcmp(n->first_path, n->path) != 0)
		printf("  first published as %s\n", n->first_path);
	for (i = 0; i < n->old_path_count; i++)
		printf("  renamed from %s\n", n->old_paths[i]);
	printf("  published  ");
	put_time(zone, n->published);
	printf(" from %s\n", source_name(n->published_source));
	if (n->author) {
		printf("  added      ");
		put_time(zone, n->added);
		printf(" by %s\n", n->author);
	}
	if (n->edited) {
		printf("  edited     ");
		put_time(zone, n->edited);
		printf(" by %s\n", n->edited_by);
	}
	for (i = 0; i < n->commit_count; i++) {
		printf("  commit     %.10s ", n->commits[i].id[0] ? n->commits[i].id : "work tree");
		put_time(zone, n->commits[i].time);
		printf(" by %s\n", n->commits[i].author);
	}
	for (i = 0; i < n->status_change_count; i++) {
		printf("  status     %-13s ", nb_status_name(n->status_changes[i].status));
		put_time(zone, n->status_changes[i].time);
		printf(" by %s\n", n->status_changes[i].author);
	}
	for (i = 0; i < n->update_count; i++) {
		const struct nb_update *u = &n->updates[i];

		printf("  update %zu (line %d) \"%s\"\n    time     ", i + 1, u->line,
		       u->stamp_text[0] ? u->stamp_text : "no stamp");
		if (u->source != NB_TIME_UNSET)
			put_time(zone, u->time);
		printf(" from %s\n", source_name(u->source));
		if (u->author) {
			printf("    added    ");
			put_time(zone, u->added);
			printf(" by %s in %.10s\n", u->author, u->commit[0] ? u->commit : "the work tree");
		}
		if (u->edited) {
			printf("    edited   ");
			put_time(zone, u->edited);
			printf(" by %s\n", u->edited_by);
		}
	}
}

static void show_withdrawn(const struct nb_content *c, const struct options *o)
{
	size_t i;

	for (i = 0; i < c->withdrawn_count; i++) {
		const struct nb_withdrawn *w = &c->withdrawn[i];

		if (!wanted(o, w->path) && !wanted(o, w->first_path))
			continue;
		printf("%s (withdrawn)\n  title      %s\n  added      ", w->path, w->title);
		put_time(c->site.timezone, w->added);
		printf("\n  withdrawn  ");
		put_time(c->site.timezone, w->withdrawn);
		printf(" by %s\n", w->author);
	}
}

static int cmd_history(int argc, char **argv)
{
	struct loaded l;
	struct options o;
	size_t i;
	int rc;

	if (parse_options(&o, argc, argv, CMD_HISTORY) < 0)
		return EXIT_USAGE;
	rc = load(&o, &l);
	if (rc == EXIT_ENV || !l.content.site.timezone)
		goto cleanup;
	if (o.dump_cache) {
		struct nb_buf text = NB_BUF_INIT;

		nb_histcache_serialize(l.history, &text);
		fwrite(text.ptr, 1, text.len, stdout);
		nb_buf_release(&text);
	} else if (o.tsv) {
		show_tsv(&l.content, &o);
	} else {
		for (i = 0; i < l.content.count; i++)
			if (wanted(&o, l.content.notices[i].path))
				show_notice(&l.content, &l.content.notices[i]);
		show_withdrawn(&l.content, &o);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = EXIT_ENV;
cleanup:
	loaded_release(&l);
	return rc;
}

/* ---- nocblog new ---- */


static int add_servers(char ***list, size_t *count, const char *arg)
{
	const char *p = arg;

	while (*p) {
		size_t n = strcspn(p, ", ");

		if (n) {
			*list = nb_realloc(*list, (*count + 1) * sizeof(**list));
			(*list)[(*count)++] = nb_strndup(p, n);
		}
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return 0;
}

/* A notice elsewhere in the work tree with the same slug. */
static const char *slug_taken(const struct nb_repo_file *files, size_t count, const char *path)
{
	char *slug = nb_notice_slug(path);
	const char *hit = NULL;
	size_t i;

	for (i = 0; i < count && !hit; i++) {
		char *other = nb_notice_slug(files[i].path);

		if (strstr(files[i].path, ".md") && strcmp(other, slug) == 0)
			hit = files[i].path;
		free(other);
	}
	free(slug);
	return hit;
}

static int write_new(git_repository *repo, const struct nb_site *site, char **servers,
		     size_t server_count, int maintenance, const char *title,
		     struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT, text = NB_BUF_INIT, full = NB_BUF_INIT;
	struct nb_repo_file *files = NULL;
	size_t count = 0;
	const char *taken;
	int rc = EXIT_CONTENT;

	if (nb_scaffold_notice(&path, &text, site, (const char *const *)servers, server_count,
			       maintenance, title, (int64_t)time(NULL), diags) < 0)
		goto cleanup;
	nb_repo_list_worktree(&files, &count, repo, NB_CONTENT_DIR, NB_NOTICE_MAX_BYTES, diags);
	taken = slug_taken(files, count, path.ptr);
	if (taken) {
		nb_diags_add(diags, taken, 0, "choose another title, or edit that notice",
			     "a notice with this file name exists");
		goto cleanup;
	}
	nb_buf_printf(&full, "%s%s", git_repository_workdir(repo), path.ptr);
	if (nb_make_dirs(full.ptr, strlen(git_repository_workdir(repo))) < 0 ||
	    nb_write_file(full.ptr, text.ptr, text.len, 0644, 0) < 0) {
		nb_diags_add(diags, path.ptr, 0, "check the folder's permissions",
			     "cannot create the notice: %s", strerror(errno));
		rc = EXIT_ENV;
		goto cleanup;
	}
	printf("%s\n", path.ptr);
	rc = 0;
cleanup:
	nb_repo_files_free(files, count);
	nb_buf_release(&path);
	nb_buf_release(&text);
	nb_buf_release(&full);
	return rc;
}

static int cmd_new(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "server", required_argument, NULL, 's' },
		{ "maintenance", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_site site;
	git_repository *repo = NULL;
	const char *dir = NULL;
	char **servers = NULL, *yaml = NULL;
	size_t server_count = 0, i;
	struct nb_buf path = NB_BUF_INIT;
	int maintenance = 0, c, rc = EXIT_USAGE;

	memset(&site, 0, sizeof(site));
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			rc = 0;
			goto cleanup;
		}
		if (c == 'r')
			dir = optarg;
		else if (c == 's')
			add_servers(&servers, &server_count, optarg);
		else if (c == 'm')
			maintenance = 1;
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	rc = EXIT_ENV;
	if (nb_repo_open(&repo, dir, &diags) < 0)
		goto cleanup;
	if (!git_repository_workdir(repo)) {
		nb_diags_add(&diags, NULL, 0, "run it in a clone with a work tree",
			     "the repository is bare");
		goto cleanup;
	}
	nb_buf_printf(&path, "%s%s", git_repository_workdir(repo), NB_SITE_PATH);
	yaml = read_text(path.ptr);
	if (!yaml) {
		nb_diags_add(&diags, NB_SITE_PATH, 0, "create it first", "cannot read site.yaml");
		goto cleanup;
	}
	rc = EXIT_CONTENT;
	if (nb_site_load(&site, yaml, strlen(yaml), NB_SITE_PATH, &diags) < 0)
		goto cleanup;
	rc = write_new(repo, &site, servers, server_count, maintenance, argv[optind], &diags);
	goto cleanup;
usage:
	fputs(usage_text, stderr);
cleanup:
	print_diags(&diags);
	nb_diags_clear(&diags);
	nb_site_release(&site);
	for (i = 0; i < server_count; i++)
		free(servers[i]);
	free(servers);
	free(yaml);
	nb_buf_release(&path);
	nb_repo_close(repo);
	return rc;
}

/* ---- nocblog hooks install ---- */

/* This program's path, for the hooks to call; 0, or -1 with a problem. */
static int self_path(char *self, size_t size, struct nb_diags *diags)
{
	ssize_t n = readlink("/proc/self/exe", self, size - 1);

	if (n <= 0)
		return nb_diags_add(diags, NULL, 0, "run nocblog by its full path",
				    "cannot find nocblog itself");
	self[n] = '\0';
	return 0;
}

/* Installs a hook and prints its path; an exit code. */
static int install_hook(git_repository *repo, const char *kind, const char *out,
			struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT;
	char self[4096];
	int rc = EXIT_ENV;

	if (self_path(self, sizeof(self), diags) < 0)
		goto cleanup;
	switch (nb_hooks_install(&path, repo, kind, self, out, diags)) {
	case 0: printf("%s\n", path.ptr); rc = 0; break;
	case NB_HOOKS_FOREIGN: rc = EXIT_CONTENT; break;
	case NB_HOOKS_BAD_PATH: rc = EXIT_USAGE; break;
	default: rc = EXIT_ENV; break;
	}
cleanup:
	nb_buf_release(&path);
	return rc;
}

static int cmd_hooks(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "pre-commit", no_argument, NULL, 'c' },
		{ "pre-receive", no_argument, NULL, 'p' },
		{ "post-receive", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nb_diags diags = NB_DIAGS_INIT;
	git_repository *repo = NULL;
	const char *dir = NULL, *kind = NULL, *out = NULL;
	char real[4096];
	int c, rc = EXIT_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			rc = 0;
			goto cleanup;
		}
		if (c == 'r')
			dir = optarg;
		else if (c == 'c' && !kind)
			kind = "pre-commit";
		else if (c == 'p' && !kind)
			kind = "pre-receive";
		else if (c == 'o' && !kind)
			kind = "post-receive", out = optarg;
		else
			goto usage;
	}
	if (!kind || optind != argc - 1 || strcmp(argv[optind], "install") != 0)
		goto usage;
	if (out) {
		/* the hook runs elsewhere: an absolute path */
		if ((mkdir(out, 0755) < 0 && errno != EEXIST) || !realpath(out, real)) {
			nb_diags_add(&diags, out, 0,
				     errno == ENOENT ? "create the folder that holds it first, or "
						       "pass another OUTDIR" :
						       "pass a folder nocblog can create and write",
				     "cannot make the output folder: %s", strerror(errno));
			rc = EXIT_ENV;
			goto cleanup;
		}
		out = real;
	}
	rc = EXIT_ENV;
	if (nb_repo_open(&repo, dir, &diags) == 0)
		rc = install_hook(repo, kind, out, &diags);
	goto cleanup;
usage:
	fputs(usage_text, stderr);
cleanup:
	print_diags(&diags);
	nb_diags_clear(&diags);
	nb_repo_close(repo);
	return rc;
}

/* ---- nocblog init ---- */

static int cmd_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_buf done = NB_BUF_INIT;
	char self[4096];
	int c, rc = EXIT_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c != 'h')
			goto usage;
		fputs(usage_text, stdout);
		return 0;
	}
	if (optind < argc - 1)
		goto usage;
	rc = EXIT_ENV;
	if (self_path(self, sizeof(self), &diags) < 0)
		goto cleanup;
	switch (nb_scaffold_init(&done, optind < argc ? argv[optind] : ".", self, &diags)) {
	case 0: rc = 0; break;
	case NB_SCAFFOLD_REFUSED: rc = EXIT_CONTENT; break;
	default: rc = EXIT_ENV; break;
	}
	fputs(nb_buf_cstr(&done), stdout);
	if (rc == 0)
		printf("next: set title, base_url, timezone and servers in content/site.yaml, then "
		       "nocblog new --server ID \"Title\"\n");
	goto cleanup;
usage:
	fputs(usage_text, stderr);
cleanup:
	print_diags(&diags);
	nb_diags_clear(&diags);
	nb_buf_release(&done);
	return rc;
}

/*
 * libxml2 and libical keep tables for the whole process (encoding handlers,
 * the built-in UTC zone).  Freed at exit so that valgrind's leak check
 * (make valgrind-check) sees nothing left, not even "still reachable".
 * xmlCleanupParser frees nothing unless xmlInitParser ran first, which the
 * XML writer alone never does: main calls it.
 */
static int free_library_state(int rc)
{
	icaltimezone_free_builtin_timezones();
	xmlCleanupParser();
	return rc;
}

static int run(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		puts("nocblog " NB_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "build") == 0)
		return cmd_build(argc - 1, argv + 1);
	if (strcmp(argv[1], "history") == 0)
		return cmd_history(argc - 1, argv + 1);
	if (strcmp(argv[1], "new") == 0)
		return cmd_new(argc - 1, argv + 1);
	if (strcmp(argv[1], "hooks") == 0)
		return cmd_hooks(argc - 1, argv + 1);
	if (strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	fprintf(stderr, "nocblog: unknown command '%s'\n", argv[1]);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	/* past a file size limit (ulimit -f) the kernel kills a writer with
	 * SIGXFSZ, silently; ignored, write fails with EFBIG and the build
	 * says which file and why, leaving the live site as it was */
	signal(SIGXFSZ, SIG_IGN);
	/* the history walk's second thread reads large trees; in an arena of
	 * its own their freed memory stays with the process (170 MB more at
	 * 10k notices); one arena shares it */
	mallopt(M_ARENA_MAX, 1);
	xmlInitParser();
	return free_library_state(run(argc, argv));
}
