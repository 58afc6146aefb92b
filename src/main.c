/* nocblog: the command line.  The only place that prints or exits. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content.h"
#include "diag.h"
#include "publish.h"
#include "render.h"
#include "repo.h"
#include "util.h"

#define NB_VERSION "0.1.0"

enum { EXIT_CONTENT = 1, EXIT_USAGE = 2, EXIT_ENV = 3 };

static const char usage_text[] =
	"usage: nocblog build [--repo DIR] [--rev REV] [--out DIR] [--theme DIR] [--quiet]\n"
	"       nocblog check [--repo DIR] [--rev REV]\n"
	"       nocblog --help | --version\n";

struct options {
	const char *repo;
	const char *rev;
	const char *out;
	const char *theme;
	int quiet;
};

static void print_diags(struct nb_diags *diags)
{
	size_t i;

	nb_diags_sort(diags);
	for (i = 0; i < diags->count; i++) {
		char *line = nb_diag_format(&diags->items[i]);

		fprintf(stderr, "%s\n", line);
		free(line);
	}
}

static int parse_options(struct options *o, int argc, char **argv, int build)
{
	static const struct option longopts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "rev", required_argument, NULL, 'R' },
		{ "out", required_argument, NULL, 'o' },
		{ "theme", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->rev = "HEAD";
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->repo = optarg; break;
		case 'R': o->rev = optarg; break;
		case 'o': if (!build) goto bad; o->out = optarg; break;
		case 't': if (!build) goto bad; o->theme = optarg; break;
		case 'q': if (!build) goto bad; o->quiet = 1; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		default: goto bad;
		}
	}
	if (optind == argc)
		return 0;
	fprintf(stderr, "nocblog: unexpected argument '%s'\n", argv[optind]);
bad:
	fputs(usage_text, stderr);
	return -1;
}

/* Opens the repository and loads the content of the revision. */
static int load(struct options *o, git_repository **repo, struct nb_content *content,
		struct nb_diags *diags)
{
	git_commit *commit = NULL;
	int rc;

	if (nb_repo_open(repo, o->repo, diags) < 0)
		return EXIT_ENV;
	if (nb_repo_commit(&commit, *repo, o->rev, diags) < 0)
		return EXIT_ENV;
	rc = nb_content_load(content, *repo, commit, diags);
	git_commit_free(commit);
	return rc < 0 ? EXIT_CONTENT : 0;
}

static int cmd_check(int argc, char **argv)
{
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_content content;
	git_repository *repo = NULL;
	struct options o;
	int rc;

	memset(&content, 0, sizeof(content));
	if (parse_options(&o, argc, argv, 0) < 0)
		return EXIT_USAGE;
	rc = load(&o, &repo, &content, &diags);
	print_diags(&diags);
	nb_diags_clear(&diags);
	nb_content_release(&content);
	nb_repo_close(repo);
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
			path = nb_malloc(strlen(self) + sizeof("/themes/default"));
			sprintf(path, "%s/themes/default", self);
			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
				return path;
			free(path);
		}
	}
	return nb_strdup("themes/default");
}

static int cmd_build(int argc, char **argv)
{
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_publish pub = NB_PUBLISH_INIT;
	struct nb_content content;
	git_repository *repo = NULL;
	char *theme = NULL, *out = NULL;
	struct options o;
	int rc;

	memset(&content, 0, sizeof(content));
	if (parse_options(&o, argc, argv, 1) < 0)
		return EXIT_USAGE;
	rc = load(&o, &repo, &content, &diags);
	if (rc)
		goto cleanup;
	theme = find_theme(&o, repo);
	if (o.out) {
		out = nb_strdup(o.out);
	} else {
		const char *wd = git_repository_workdir(repo);

		out = nb_malloc(strlen(wd ? wd : "./") + sizeof("out"));
		sprintf(out, "%sout", wd ? wd : "./");
	}
	if (nb_publish_begin(&pub, out, &diags) < 0 ||
	    nb_render_site(&content, theme, &pub, &diags) < 0 ||
	    nb_publish_commit(&pub, &diags) < 0) {
		rc = EXIT_ENV;
		goto cleanup;
	}
	if (!o.quiet)
		fprintf(stderr, "nocblog: built %zu notices into %s\n", content.count, out);
cleanup:
	nb_publish_release(&pub);
	print_diags(&diags);
	nb_diags_clear(&diags);
	nb_content_release(&content);
	nb_repo_close(repo);
	free(theme);
	free(out);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("nocblog " NB_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "build") == 0)
		return cmd_build(argc - 1, argv + 1);
	fprintf(stderr, "nocblog: unknown command '%s'\n", argv[1]);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}
