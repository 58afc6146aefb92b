/* nocblog: the command line.  The only place that prints or exits. */
#include <getopt.h>
#include <libical/ical.h>
#include <libxml/parser.h>
#include <signal.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "diag.h"
#include "histcache.h"
#include "history.h"
#include "histview.h"
#include "hooks.h"
#include "import.h"
#include "scaffold.h"
#include "render.h"
#include "repo.h"
#include "util.h"
#include "theme.h"

enum { EXIT_CONTENT = 1, EXIT_USAGE = 2, EXIT_ENV = 3 };

static const char usage_text[] =
	"usage: nocblog init [DIR]\n"
	"       nocblog new [--repo DIR] [--maintenance] --server NAME[,NAME...] \"Title\"\n"
	"       nocblog hooks install [--repo DIR] (--pre-commit | --pre-receive |\n"
	"                             --post-receive OUTDIR)\n"
	"       nocblog build [--repo DIR] [--rev REV] [-o|--out DIR] [-t|--theme DIR]\n"
	"                     [--worktree] [--no-cache] [--no-notify] [-q|--quiet]\n"
	"       nocblog check [--repo DIR] [--rev REV] [--worktree | --index] [--no-cache]\n"
	"                     [-t|--theme DIR]\n"
	"       nocblog history [--repo DIR] [--rev REV] [--worktree] [--no-cache] [--tsv]\n"
	"                       [--cache] [PATH...]\n"
	"       nocblog notify [--repo DIR] [--rev REV] [--no-cache] [--dry-run [--since REV]]\n"
	"       nocblog import [--repo DIR] [--no-commit] (cstate DIR | statuspage FILE...)\n"
	"       nocblog -h|--help | -V|--version\n";

enum command { CMD_CHECK, CMD_BUILD, CMD_HISTORY, CMD_NOTIFY };

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
	int no_notify;     /* build: tell no webhook */
	int dry_run;       /* notify: only say what would be told */
	const char *since; /* notify --dry-run: the commit to compare with */
	char **paths;      /* history: the notices to show; none: all */
	int path_count;
};

static void print_diags(struct nb_diags *diags)
{
	struct nb_buf text = NB_BUF_INIT;

	nb_diags_text(&text, diags);
	fputs(nb_buf_cstr(&text), stderr);
	nb_buf_release(&text);
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
		{ "no-notify", no_argument, NULL, 'N' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "since", required_argument, NULL, 'S' },
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
		case 'w': if (cmd == CMD_NOTIFY) goto other; o->worktree = 1; break;
		case 'N': if (cmd != CMD_BUILD) goto other; o->no_notify = 1; break;
		case 'D': if (cmd != CMD_NOTIFY) goto other; o->dry_run = 1; break;
		case 'S': if (cmd != CMD_NOTIFY) goto other; o->since = optarg; break;
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
	if (o->since && !o->dry_run) {
		fputs("nocblog: --since goes with --dry-run\n", stderr);
		goto bad;
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

static struct nb_source source_of(const struct options *o)
{
	struct nb_source src = { o->repo, o->rev, o->worktree, o->index, !o->no_cache };

	return src;
}

/* Loads what the options name into l (release it with finish). */
static int load(struct nb_loaded *l, const struct options *o)
{
	struct nb_source src = source_of(o);

	memset(l, 0, sizeof(*l));
	return nb_build_load(l, &src);
}


/* Prints what was found (unless quiet) and the problems, and frees l. */
static void finish(struct nb_loaded *l, int quiet)
{
	struct nb_buf said = NB_BUF_INIT;

	if (!quiet)
		nb_build_report(&said, l);
	fputs(nb_buf_cstr(&said), stderr);
	nb_buf_release(&said);
	print_diags(&l->diags);
	nb_build_release(l);
}

static int cmd_check(int argc, char **argv)
{
	struct nb_loaded l;
	struct options o;
	int rc;

	if (parse_options(&o, argc, argv, CMD_CHECK) < 0)
		return EXIT_USAGE;
	rc = load(&l, &o);
	/* --theme: the theme too, as a build would use it */
	if (o.theme && (nb_theme_check(o.theme, &l.diags) < 0 ||
			nb_render_check_theme(o.theme, &l.diags) < 0) && rc == 0)
		rc = EXIT_CONTENT;
	finish(&l, 0);
	return rc;
}

/* After a build or nocblog notify: what was told, and what went wrong. */
static void print_notify(struct nb_notify_result *r, int quiet)
{
	if (r->ran && r->first && !quiet)
		fputs("nocblog: notifications start from this commit: what the site holds now is "
		      "marked as told\n", stderr);
	else if (r->ran && !quiet && (r->sent || r->failed || r->waiting))
		fprintf(stderr, "nocblog: notified %zu %s (%zu new %s), %zu failed, %zu waiting\n",
			r->sent, nb_plural(r->sent, "delivery", "deliveries"), r->news,
			nb_plural(r->news, "event", "events"), r->failed, r->waiting);
	if (r->pinged && !quiet)
		fprintf(stderr, "nocblog: told the WebSub hub of %zu %s\n", r->pinged,
			nb_plural(r->pinged, "feed", "feeds"));
	fputs(nb_buf_cstr(&r->report), stderr);
	nb_buf_release(&r->report);
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

static int cmd_build(int argc, char **argv)
{
	struct nb_build_options bo;
	struct nb_build_result r;
	struct progress bar = { 0 };
	struct nb_loaded l;
	struct options o;
	int rc;

	if (parse_options(&o, argc, argv, CMD_BUILD) < 0)
		return EXIT_USAGE;
	memset(&l, 0, sizeof(l));
	memset(&bo, 0, sizeof(bo));
	bo.src = source_of(&o);
	bo.out = o.out;
	bo.theme = o.theme;
	bo.no_notify = o.no_notify;
	if (!o.quiet && isatty(2)) {
		bo.progress = show_progress;
		bo.payload = &bar;
	}
	rc = nb_build_site(&l, &bo, &r);
	if (rc == 0 && !o.quiet && r.up_to_date)
		fprintf(stderr, "nocblog: %s is up to date\n", r.out);
	else if (rc == 0 && !o.quiet)
		fprintf(stderr, "nocblog: %zu %s, %zu %s (%zu written, %zu unchanged) in %s\n",
			r.notices, nb_plural(r.notices, "notice", "notices"), r.written + r.kept,
			nb_plural(r.written + r.kept, "file", "files"), r.written, r.kept, r.out);
	print_notify(&r.notify, o.quiet);
	finish(&l, o.quiet);
	free(r.out);
	return rc;
}

static int cmd_notify(int argc, char **argv)
{
	struct nb_buf preview = NB_BUF_INIT;
	struct nb_notify_result r;
	struct nb_source src;
	struct nb_loaded l;
	struct options o;
	int rc;

	if (parse_options(&o, argc, argv, CMD_NOTIFY) < 0)
		return EXIT_USAGE;
	memset(&l, 0, sizeof(l));
	src = source_of(&o);
	rc = nb_build_notify(&l, &src, o.since, o.dry_run ? &preview : NULL, &r);
	if (preview.len)
		fwrite(preview.ptr, 1, preview.len, stdout);
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = EXIT_ENV;
	if (!o.dry_run && rc == 0 && !r.ran && !l.content.site.hook_count && !l.content.site.email)
		fputs("nocblog: site.yaml names no webhook or e-mail list (notify:)\n", stderr);
	print_notify(&r, 0);
	finish(&l, 0);
	nb_buf_release(&preview);
	return rc;
}

static int cmd_history(int argc, char **argv)
{
	struct nb_buf text = NB_BUF_INIT;
	struct nb_loaded l;
	struct options o;
	int rc;

	if (parse_options(&o, argc, argv, CMD_HISTORY) < 0)
		return EXIT_USAGE;
	rc = load(&l, &o);
	if (rc == EXIT_ENV || !l.content.site.timezone)
		goto cleanup;
	if (o.dump_cache)
		nb_histcache_serialize(l.history, &text);
	else if (o.tsv)
		nb_histview_tsv(&text, &l.content, o.paths, (size_t)o.path_count);
	else
		nb_histview_text(&text, &l.content, o.paths, (size_t)o.path_count);
	if (text.len)
		fwrite(text.ptr, 1, text.len, stdout);
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = EXIT_ENV;
cleanup:
	nb_buf_release(&text);
	finish(&l, 0);
	return rc;
}

/* ---- nocblog new ---- */

static void add_servers(char ***list, size_t *count, const char *arg)
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
	struct nb_buf path = NB_BUF_INIT;
	git_repository *repo = NULL;
	const char *dir = NULL;
	char **servers = NULL;
	size_t server_count = 0, i;
	int maintenance = 0, c, rc = EXIT_USAGE;

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
	switch (nb_scaffold_new(&path, repo, servers, server_count, maintenance, argv[optind],
				(int64_t)time(NULL), &diags)) {
	case 0: printf("%s\n", path.ptr); rc = 0; break;
	case NB_SCAFFOLD_REFUSED: rc = EXIT_CONTENT; break;
	default: rc = EXIT_ENV; break;
	}
	goto cleanup;
usage:
	fputs(usage_text, stderr);
cleanup:
	print_diags(&diags);
	nb_diags_clear(&diags);
	for (i = 0; i < server_count; i++)
		free(servers[i]);
	free(servers);
	nb_buf_release(&path);
	nb_repo_close(repo);
	return rc;
}

/* ---- nocblog hooks install ---- */

/* This program's path, for the hooks to call; 0, or -1 with a problem. */
static int self_path(char *self, size_t size, struct nb_diags *diags)
{
	if (nb_self_path(self, size) < 0)
		return nb_diags_add(diags, NULL, 0, "run nocblog by its full path",
				    "cannot find nocblog itself");
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

/* ---- nocblog import ---- */

static int cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "no-commit", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_import_result r;
	struct nb_import imp;
	git_repository *repo = NULL;
	const char *dir = NULL, *what;
	int no_commit = 0, c, rc = EXIT_USAGE, read;

	memset(&imp, 0, sizeof(imp));
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			return 0;
		}
		if (c == 'r')
			dir = optarg;
		else if (c == 'n')
			no_commit = 1;
		else
			goto usage;
	}
	if (optind + 2 > argc)
		goto usage;
	what = argv[optind];
	if (strcmp(what, "cstate") == 0 && optind + 2 == argc)
		read = nb_import_cstate(&imp, argv[optind + 1], &diags);
	else if (strcmp(what, "statuspage") == 0)
		read = nb_import_statuspage(&imp, argv + optind + 1, (size_t)(argc - optind - 1),
					    &diags);
	else
		goto usage;
	rc = EXIT_CONTENT;
	if (read < 0)
		goto cleanup;
	rc = EXIT_ENV;
	if (nb_repo_open(&repo, dir, &diags) < 0)
		goto cleanup;
	rc = nb_import_run(&imp, repo, no_commit, &r, &diags);
	print_diags(&imp.notes);
	if (rc == 0)
		fprintf(stderr, "nocblog: from %s: %zu %s new, %zu with new events, %zu already there, "
			"%zu changed since (left as they are); %zu %s declared; ",
			imp.from, r.added, nb_plural(r.added, "notice", "notices"), r.extended,
			r.unchanged, r.left, r.servers, nb_plural(r.servers, "server", "servers"));
	if (rc == 0 && no_commit)
		fputs("files written, nothing committed\n", stderr);
	else if (rc == 0)
		fprintf(stderr, "%zu %s\n", r.commits, nb_plural(r.commits, "commit", "commits"));
	if (rc == 0 && imp.failed)
		rc = EXIT_CONTENT;
	goto cleanup;
usage:
	fputs(usage_text, stderr);
cleanup:
	print_diags(&diags);
	nb_diags_clear(&diags);
	nb_import_release(&imp);
	nb_repo_close(repo);
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
	if (strcmp(argv[1], "notify") == 0)
		return cmd_notify(argc - 1, argv + 1);
	if (strcmp(argv[1], "new") == 0)
		return cmd_new(argc - 1, argv + 1);
	if (strcmp(argv[1], "hooks") == 0)
		return cmd_hooks(argc - 1, argv + 1);
	if (strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return cmd_import(argc - 1, argv + 1);
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
	/* two arenas: the walk's two threads allocate all the time, and
	 * sharing one arena made them wait on its lock (a third of a cold
	 * walk); the threads that render reuse these two */
	mallopt(M_ARENA_MAX, 2);
	xmlInitParser();
	return free_library_state(run(argc, argv));
}
