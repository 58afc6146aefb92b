/*
 * Hostile repositories: content built to crash, hang, exhaust or trick
 * nocblog.  Each must give a clear problem (file, line, fix) or a correct
 * site, in bounded time and memory: every run is a child process under
 * CPU and memory limits, and must exit normally.  Around every run the
 * test checks that nothing beside out/ was written (a listing of the
 * output's parent folder and of the repository before and after) and
 * that no byte of a symlink's target ever reaches the output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "fixture.h"

/* 2010-10-15 12:00 UTC */
#define T0 1287144000
/* 2040-01-01 00:00 UTC, past 32-bit time; 3000-06-01 12:00 and
 * 9999-12-31 12:00 UTC */
#define T2040 2208988800
#define T3000 32516769600
#define T9999 253402257600

/* generous: a correct build of any case here needs a small part of them */
#define MEM_MB 2048
#define CPU_S 60

/*
 * A child's peak resident size counts what it shared with this process
 * when forked.  Under AddressSanitizer this process keeps freed memory
 * (the quarantine), so the peak says little about nocblog: the memory
 * checks are made in the plain build only.
 */
#define RSS_MEANS_CHILD (!FX_ASAN)
/* what a check may grow by when it never loads a 50 MB file */
#define HUGE_RSS_KB (20 * 1024)

/* updates in one notice: 100k fit the 1 MiB limit at 10 bytes each */
#define MANY_UPDATES 100000

/* servers in site.yaml: each has a page and four feeds */
#define MANY_SERVERS 10000
/* what building them may take: far more than it needs */
#define MANY_SERVERS_RSS_KB (300 * 1024)

#define SECRET "NOCBLOG-CANARY-d41d8cd98f00"

static const char good[] =
	"---\ntitle: Good\nservers: [SCROOGE]\nstatus: resolved\n---\nAll fine.\n";

struct hostile {
	struct fx_repo r;
	char *dir;             /* holds out/, its lock and a canary file */
	char *out;
	char *theme;
	char *passwd;          /* the first line of /etc/passwd, if readable */
	int cpu_s;             /* CPU seconds a run may take */
	size_t rss_kb;         /* the peak resident size of the last run */
};

static void h_init(struct hostile *h)
{
	struct nb_buf b = NB_BUF_INIT;
	char tmpl[64];
	char *passwd = fx_slurp("/etc/passwd");
	FILE *f;

	memset(h, 0, sizeof(*h));
	fx_repo_init(&h->r);
	/* memory, where there is some: the cases write many thousand pages */
	snprintf(tmpl, sizeof(tmpl), "%s/nocblog-hostile-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	assert_non_null(mkdtemp(tmpl));
	h->dir = strdup(tmpl);
	nb_buf_printf(&b, "%s/out", h->dir);
	h->out = nb_buf_detach(&b);
	nb_buf_printf(&b, "%s/themes/default", fx_srcdir());
	h->theme = nb_buf_detach(&b);
	nb_buf_printf(&b, "%s/canary.txt", h->dir);
	f = fopen(b.ptr, "w");
	assert_non_null(f);
	/* a valid notice: a link that was followed would publish it */
	fputs("---\ntitle: " SECRET "\nservers: [SCROOGE]\nstatus: resolved\n---\n" SECRET "\n", f);
	fclose(f);
	nb_buf_release(&b);
	if (passwd && strchr(passwd, '\n'))
		*strchr(passwd, '\n') = '\0';
	h->passwd = passwd;
	h->cpu_s = CPU_S;
	fx_write(&h->r, "content/site.yaml", fx_site_yaml);
	fx_write(&h->r, "content/2010/good.md", good);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void h_free(struct hostile *h)
{
	nftw(h->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	fx_repo_free(&h->r);
	free(h->dir);
	free(h->out);
	free(h->theme);
	free(h->passwd);
}

/* ---- what a run may touch ---- */

static struct nb_buf *listing;
static const char *listing_skip;   /* a path below which nothing is listed */

static int list_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	size_t n = strlen(listing_skip);

	(void)flag;
	(void)ftw;
	if (strncmp(path, listing_skip, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/' || strcmp(path + n, ".lock") == 0 ||
	     (strncmp(path + n, ".stage", 6) == 0 && (path[n + 6] == '\0' || path[n + 6] == '/'))))
		return 0; /* the site, its lock file and the copy the next build reuses */
	if (strstr(path, "/.git/nocblog"))
		return 0; /* the history cache nocblog keeps in the git directory */
	if (S_ISDIR(st->st_mode)) /* its entries are listed: a new one shows */
		nb_buf_printf(listing, "%s/\n", path);
	else
		nb_buf_printf(listing, "%s %o %lld %lld.%09ld\n", path, (unsigned)st->st_mode,
			      (long long)st->st_size, (long long)st->st_mtim.tv_sec,
			      st->st_mtim.tv_nsec);
	return 0;
}

/* Every path, mode, size and modification time outside out/. */
static void outside(const struct hostile *h, struct nb_buf *b)
{
	nb_buf_truncate(b, 0);
	listing = b;
	listing_skip = h->out;
	nftw(h->dir, list_entry, 16, FTW_PHYS);
	nftw(h->r.dir, list_entry, 16, FTW_PHYS);
}

static void no_secret(const char *rel, const char *full, void *payload)
{
	const struct hostile *h = payload;
	char *text = fx_slurp(full);

	if (text && (strstr(text, SECRET) || (h->passwd && *h->passwd && strstr(text, h->passwd))))
		fail_msg("%s holds bytes of a symlink's target", rel);
	free(text);
}

/* The lines of a that b lacks, each after mark. */
static void lines_missing(struct nb_buf *out, char mark, const struct nb_buf *a,
			  const struct nb_buf *b)
{
	struct nb_buf line = NB_BUF_INIT;
	const char *s = a->ptr, *e;

	for (; (e = strchr(s, '\n')); s = e + 1) {
		nb_buf_truncate(&line, 0);
		nb_buf_putc(&line, '\n');
		nb_buf_put(&line, s, (size_t)(e - s) + 1);
		if (!strstr(b->ptr, line.ptr + (strncmp(b->ptr, line.ptr + 1, line.len - 1) == 0)))
			nb_buf_printf(out, "%c%s", mark, line.ptr + 1);
	}
	nb_buf_release(&line);
}

/*
 * Runs nocblog (check, or build into h->out) bounded, with one optional
 * extra argument; fails unless it exits with `want` having written
 * nothing outside out/ and leaked nothing.  Returns its output.
 */
static char *h_run(struct hostile *h, const char *cmd, const char *extra, int want)
{
	struct nb_buf before = NB_BUF_INIT, after = NB_BUF_INIT;
	const char *args[16];
	size_t n = 0;
	char *text = NULL;
	int status;

	args[n++] = cmd;
	args[n++] = "--repo";
	args[n++] = h->r.dir;
	if (strcmp(cmd, "build") == 0) {
		args[n++] = "--out";
		args[n++] = h->out;
		args[n++] = "--theme";
		args[n++] = h->theme;
		args[n++] = "--quiet";
	}
	if (extra)
		args[n++] = extra;
	args[n] = NULL;
	outside(h, &before);
	status = fx_run_limited(&text, args, MEM_MB, h->cpu_s);
	h->rss_kb = fx_last_rss_kb();
	if (status != want)
		fail_msg("nocblog %s: status %d, wanted %d; output:\n%.4000s", cmd, status, want,
			 text);
	outside(h, &after);
	if (strcmp(before.ptr, after.ptr) != 0) {
		struct nb_buf diff = NB_BUF_INIT;

		lines_missing(&diff, '-', &before, &after);
		lines_missing(&diff, '+', &after, &before);
		fail_msg("nocblog %s wrote outside out/:\n%s", cmd, diff.ptr);
	}
	fx_expect_no_debris(h->out);
	if (strstr(text, SECRET) || (h->passwd && *h->passwd && strstr(text, h->passwd)))
		fail_msg("the output holds bytes of a symlink's target:\n%s", text);
	fx_walk(h->out, no_secret, h);
	nb_buf_release(&before);
	nb_buf_release(&after);
	return text;
}

/* Fails unless a line of out starts with `where` and holds `part` and a fix. */
static void has_problem(const char *out, const char *where, const char *part)
{
	const char *line = out;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char *l = strndup(line, len);
		int ok = strncmp(l, where, strlen(where)) == 0 && strstr(l, part) &&
			 strstr(l, " \u2014 ");

		free(l);
		if (ok)
			return;
		line = end ? end + 1 : NULL;
	}
	fail_msg("no line '%s...%s \u2014 fix' in:\n%.4000s", where, part, out);
}

/* check and build both refuse the head commit with that problem; the live
 * site (if any) stays as it was. */
static void refused(struct hostile *h, const char *where, const char *part)
{
	struct nb_buf site = NB_BUF_INIT, again = NB_BUF_INIT;
	char *out;

	fx_snapshot(h->out, &site);
	out = h_run(h, "check", NULL, 1);
	has_problem(out, where, part);
	free(out);
	out = h_run(h, "build", NULL, 1);
	has_problem(out, where, part);
	free(out);
	fx_snapshot(h->out, &again);
	assert_string_equal(nb_buf_cstr(&site), nb_buf_cstr(&again));
	nb_buf_release(&site);
	nb_buf_release(&again);
}

static void built(struct hostile *h)
{
	free(h_run(h, "build", NULL, 0));
}

/* The bytes of a file of the site, or a failure. */
static char *site_file(const struct hostile *h, const char *rel)
{
	struct nb_buf path = NB_BUF_INIT;
	char *text;

	nb_buf_printf(&path, "%s/%s", h->out, rel);
	text = fx_slurp(path.ptr);
	if (!text)
		fail_msg("the site has no %s", rel);
	nb_buf_release(&path);
	return text;
}

static size_t count_of(const char *text, const char *part)
{
	size_t n = 0, len = strlen(part);

	/* not strstr in a loop: AddressSanitizer's measures the whole rest of
	 * the text at each call, quadratic on a page of many MB */
	for (; *text; text++)
		n += *text == *part && strncmp(text, part, len) == 0;
	return n;
}

/* Every feed of the site is well-formed XML. */
static void feeds_parse(const struct hostile *h)
{
	struct nb_buf cmd = NB_BUF_INIT;
	char *text = NULL;

	nb_buf_printf(&cmd, "cd '%s' && xmllint --noout atom.xml rss.xml updates.xml sitemap.xml 2>&1",
		      h->out);
	if (fx_sh(cmd.ptr, &text) != 0)
		fail_msg("xmllint: %s", text);
	free(text);
	nb_buf_release(&cmd);
}

/* ---- the cases ---- */

static void test_symlinks(void **state)
{
	struct hostile h;
	struct nb_buf target = NB_BUF_INIT;
	char *out;

	(void)state;
	h_init(&h);
	fx_commit(&h.r, "good", T0, 0);
	built(&h);
	fx_symlink(&h.r, "content/2010/passwd.md", "/etc/passwd");
	nb_buf_printf(&target, "%s/canary.txt", h.dir);
	fx_symlink(&h.r, "content/2010/canary.md", target.ptr);
	nb_buf_truncate(&target, 0);
	nb_buf_printf(&target, "../../../..%s/canary.txt", h.dir);
	fx_symlink(&h.r, "content/2010/relative.md", target.ptr);
	fx_symlink(&h.r, "content/up", "../..");
	fx_commit(&h.r, "links", T0 + 60, 0);
	refused(&h, "content/2010/passwd.md:", "symlink inside content/");
	refused(&h, "content/2010/canary.md:", "symlink inside content/");
	refused(&h, "content/2010/relative.md:", "symlink inside content/");
	refused(&h, "content/up:", "symlink inside content/");

	/* the work tree preview reads files itself: links are refused there too */
	fx_symlink(&h.r, "content/2010/etc", "/etc");
	out = h_run(&h, "build", "--worktree", 1);
	has_problem(out, "content/2010/etc:", "symlink inside content/");
	has_problem(out, "content/2010/passwd.md:", "symlink inside content/");
	free(out);
	h_free(&h);

	/* site.yaml itself, and content/ as a whole */
	h_init(&h);
	fx_remove(&h.r, "content/site.yaml");
	fx_symlink(&h.r, "content/site.yaml", "/etc/passwd");
	fx_commit(&h.r, "linked site", T0, 0);
	refused(&h, "content/site.yaml:", "site.yaml is a symlink");
	h_free(&h);

	h_init(&h);
	fx_remove(&h.r, "content/site.yaml");
	fx_remove(&h.r, "content/2010/good.md");
	fx_remove(&h.r, "content/2010");
	fx_remove(&h.r, "content");
	fx_symlink(&h.r, "content", "/etc");
	fx_write(&h.r, "README", "x\n");
	fx_commit(&h.r, "linked content", T0, 0);
	refused(&h, "content:", "no content/ folder");
	h_free(&h);
	nb_buf_release(&target);
}

static void test_submodule(void **state)
{
	struct hostile h;

	(void)state;
	h_init(&h);
	fx_commit_gitlink(&h.r, "content/vendor", T0);
	refused(&h, "content/vendor:", "submodule inside content/");
	h_free(&h);
}

/* A notice of `len` bytes: front matter, then body made by fill(). */
static void write_notice(struct hostile *h, const char *path, const char *body, size_t len)
{
	static const char fm[] = "---\ntitle: Hostile\nservers: [SCROOGE]\nstatus: resolved\n---\n";
	char *text = malloc(sizeof(fm) - 1 + len);

	memcpy(text, fm, sizeof(fm) - 1);
	memcpy(text + sizeof(fm) - 1, body, len);
	fx_write_bytes(&h->r, path, text, sizeof(fm) - 1 + len);
	free(text);
}

/* `count` copies of unit, then tail. */
static char *repeat(const char *unit, size_t count, const char *tail)
{
	size_t n = strlen(unit), i;
	char *s = malloc(n * count + strlen(tail) + 1);

	for (i = 0; i < count; i++)
		memcpy(s + i * n, unit, n);
	strcpy(s + n * count, tail);
	return s;
}

static void test_deep_markdown(void **state)
{
	struct hostile h;
	char *lists = repeat("- ", 10000, "deepest item\n");
	char *ordered = repeat("1. ", 10000, "deepest step\n");
	char *quotes = repeat(">", 10000, " deepest quote\n");
	char *page;

	(void)state;
	h_init(&h);
	write_notice(&h, "content/2010/lists.md", lists, strlen(lists));
	write_notice(&h, "content/2010/ordered.md", ordered, strlen(ordered));
	write_notice(&h, "content/2010/quotes.md", quotes, strlen(quotes));
	fx_commit(&h.r, "deep", T0, 0);
	built(&h);
	page = site_file(&h, "2010/10/lists/index.html");
	assert_int_equal(count_of(page, "<ul>"), 10000);
	assert_non_null(strstr(page, "deepest item"));
	free(page);
	page = site_file(&h, "2010/10/ordered/index.html");
	assert_int_equal(count_of(page, "<ol>"), 10000);
	free(page);
	page = site_file(&h, "2010/10/quotes/index.html");
	assert_int_equal(count_of(page, "<blockquote>"), 10000);
	assert_non_null(strstr(page, "deepest quote"));
	free(page);
	feeds_parse(&h);
	h_free(&h);
	free(lists);
	free(ordered);
	free(quotes);
}

static void test_deep_yaml(void **state)
{
	struct hostile h;
	char *open = repeat("[", 10000, ""), *close = repeat("]", 10000, "\n");
	char *maps = repeat("{a: ", 10000, "1"), *ends = repeat("}", 10000, "\n");
	struct nb_buf text = NB_BUF_INIT;

	(void)state;
	h_init(&h);
	nb_buf_printf(&text, "---\ntitle: Deep\nservers: [SCROOGE]\nstatus: resolved\n"
			     "severity: %s%s---\nBody.\n", open, close);
	fx_write(&h.r, "content/2010/deep.md", text.ptr);
	fx_commit(&h.r, "deep", T0, 0);
	refused(&h, "content/2010/deep.md:5:", "YAML nested too deeply");
	h_free(&h);

	h_init(&h);
	nb_buf_truncate(&text, 0);
	nb_buf_printf(&text, "%sextra: %s%s", fx_site_yaml, maps, ends);
	fx_write(&h.r, "content/site.yaml", text.ptr);
	fx_commit(&h.r, "deep", T0, 0);
	refused(&h, "content/site.yaml:9:", "YAML nested too deeply");
	h_free(&h);
	nb_buf_release(&text);
	free(open);
	free(close);
	free(maps);
	free(ends);
}

/* Nine levels of nine references: 9^10 items if aliases were expanded. */
static void laughs(struct nb_buf *b, const char *key)
{
	int i, j;

	nb_buf_printf(b, "%s0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n", key);
	for (i = 1; i < 10; i++) {
		nb_buf_printf(b, "%s%d: &a%d [", key, i, i);
		for (j = 0; j < 9; j++)
			nb_buf_printf(b, "%s*a%d", j ? ", " : "", i - 1);
		nb_buf_puts(b, "]\n");
	}
}

static void test_billion_laughs(void **state)
{
	struct hostile h;
	struct nb_buf text = NB_BUF_INIT;

	(void)state;
	h_init(&h);
	nb_buf_puts(&text, "---\ntitle: Laughs\nservers: [SCROOGE]\nstatus: resolved\n");
	laughs(&text, "lol");
	nb_buf_puts(&text, "---\nBody.\n");
	fx_write(&h.r, "content/2010/laughs.md", text.ptr);
	fx_commit(&h.r, "laughs", T0, 0);
	refused(&h, "content/2010/laughs.md:6:", "YAML aliases (*name) are not allowed");
	h_free(&h);

	h_init(&h);
	nb_buf_truncate(&text, 0);
	nb_buf_puts(&text, fx_site_yaml);
	laughs(&text, "lol");
	fx_write(&h.r, "content/site.yaml", text.ptr);
	fx_commit(&h.r, "laughs", T0, 0);
	refused(&h, "content/site.yaml:10:", "YAML aliases (*name) are not allowed");
	h_free(&h);
	nb_buf_release(&text);
}

static void test_invalid_utf8(void **state)
{
	static const char body[] = "Fine.\n\nUpdate: caf\xe9 and an overlong \xc0\xaf slash\n";
	struct hostile h;
	struct nb_buf text = NB_BUF_INIT;
	char *out;

	(void)state;
	h_init(&h);
	write_notice(&h, "content/2010/latin1.md", body, sizeof(body) - 1);
	fx_commit(&h.r, "latin-1", T0, 0);
	refused(&h, "content/2010/latin1.md:8:", "invalid UTF-8");
	h_free(&h);

	/* a name no path under out/ can come from: named, with its bytes shown */
	h_init(&h);
	fx_commit(&h.r, "good", T0, 0);
	built(&h);
	fx_write(&h.r, "content/2010/caf\xe9 down.md", good);
	fx_commit(&h.r, "latin-1 name", T0 + 60, 0);
	refused(&h, "content/2010/caf\\xe9 down.md:", "unusable file name: invalid UTF-8");
	out = h_run(&h, "build", "--worktree", 1);
	has_problem(out, "content/2010/caf\\xe9 down.md:", "unusable file name: invalid UTF-8");
	assert_int_equal(fx_count_lines(out), 1);
	free(out);
	h_free(&h);

	h_init(&h);
	nb_buf_printf(&text, "%s  CAF\xc3:  {name: caf\xe9}\n", fx_site_yaml);
	fx_write(&h.r, "content/site.yaml", text.ptr);
	fx_commit(&h.r, "latin-1", T0, 0);
	refused(&h, "content/site.yaml:9:", "invalid UTF-8");
	h_free(&h);
	nb_buf_release(&text);
}

static void test_file_names(void **state)
{
	static const char *const names[][2] = {
		{ "content/2010/disk full on scrooge.md", "2010/10/disk-full-on-scrooge/index.html" },
		{ "content/2010/-rf.md", "2010/10/rf/index.html" },
		{ "content/2010/--help.md", "2010/10/help/index.html" },
		{ "content/2010/x..y.md", "2010/10/x..y/index.html" },
		{ "content/2010/..dots.md", "2010/10/dots/index.html" },
		{ "content/2010/.hidden.md", "2010/10/hidden/index.html" },
		{ "content/2010/LOUIE Reboot.md", "2010/10/louie-reboot/index.html" },
	};
	struct hostile h;
	size_t i;

	(void)state;
	h_init(&h);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		fx_write(&h.r, names[i][0], good);
	fx_commit(&h.r, "odd names", T0, 0);
	built(&h);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		free(site_file(&h, names[i][1]));
	h_free(&h);

	/* names that differ only in case are one address: refused */
	h_init(&h);
	fx_write(&h.r, "content/2010/A.md", good);
	fx_write(&h.r, "content/2010/a.md", good);
	fx_commit(&h.r, "case", T0, 0);
	refused(&h, "content/2010/a.md:", "two notices share the slug 'a'");
	h_free(&h);
}

static void test_slug_collision(void **state)
{
	struct hostile h;

	(void)state;
	h_init(&h);
	fx_write(&h.r, "content/2010/disk full.md", good);
	fx_write(&h.r, "content/2011/disk-full.md", good);
	fx_commit(&h.r, "twins", T0, 0);
	refused(&h, "content/2011/disk-full.md:",
		"two notices share the slug 'disk-full' \u2014 rename one of them: "
		"content/2010/disk full.md");
	h_free(&h);
}

static void test_huge_notice(void **state)
{
	size_t n = 50u << 20, i, baseline;
	char *big = malloc(n);
	struct hostile h;

	(void)state;
	h_init(&h);
	/* what a check of this repository takes without the file */
	fx_commit(&h.r, "good", T0, 0);
	free(h_run(&h, "check", "--no-cache", 0));
	baseline = h.rss_kb;
	for (i = 0; i < n; i++)
		big[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	fx_write_bytes(&h.r, "content/2010/huge.md", big, n);
	free(big);
	fx_commit(&h.r, "huge", T0 + 60, 0);
	refused(&h, "content/2010/huge.md:",
		"the file is 52428800 bytes; notices are limited to 1048576 \u2014 split it");
	/* the size is read from the object's header: the 50 MB are never
	 * loaded, by the history walk either */
	free(h_run(&h, "check", "--no-cache", 1));
	if (RSS_MEANS_CHILD && h.rss_kb > baseline + HUGE_RSS_KB)
		fail_msg("check peaked at %zu KiB, %zu without the file: it was loaded",
			 h.rss_kb, baseline);
	h_free(&h);
}

/* A notice with `count` updates of one character each, from `alphabet`. */
static void many_updates(struct hostile *h, size_t count, const char *alphabet)
{
	struct nb_buf body = NB_BUF_INIT;
	size_t i, n = strlen(alphabet);

	nb_buf_puts(&body, "Opened.\n\n");
	for (i = 0; i < count; i++)
		nb_buf_printf(&body, "Update:%c\n\n", alphabet[i % n]);
	write_notice(h, "content/2010/long.md", body.ptr, body.len);
	nb_buf_release(&body);
}

static void test_many_updates(void **state)
{
	struct hostile h;
	char *page;

	(void)state;
	h_init(&h);
	many_updates(&h, MANY_UPDATES, "abcdefghijklm");
	fx_commit(&h.r, "a long thread", T0, 0);
	built(&h);
	page = site_file(&h, "2010/10/long/index.html");
	assert_int_equal(count_of(page, "<li class=\"update\""), MANY_UPDATES);
	free(page);
	/* every update rewritten: nothing matches the older version's by text,
	 * stamp or words, the worst case for finding edits */
	many_updates(&h, MANY_UPDATES, "nopqrstuvwxyz");
	fx_commit(&h.r, "every update rewritten", T0 + 60, 0);
	built(&h);
	page = site_file(&h, "2010/10/long/index.html");
	assert_int_equal(count_of(page, "<li class=\"update\""), MANY_UPDATES);
	free(page);
	page = site_file(&h, "updates.xml");
	assert_int_equal(count_of(page, "<entry>"), 500);
	free(page);
	h_free(&h);
}

static void test_many_servers(void **state)
{
	struct hostile h;
	struct nb_buf text = NB_BUF_INIT;
	char *page;
	size_t i, k;

	(void)state;
	h_init(&h);
	/* every tenth server a group of the nine after it */
	nb_buf_puts(&text, fx_site_yaml);
	for (i = 0; i < MANY_SERVERS; i++) {
		nb_buf_printf(&text, "  S%05zu: {name: Server %zu", i, i);
		if (i % 10)
			nb_buf_printf(&text, ", group: S%05zu", i - i % 10);
		nb_buf_puts(&text, "}\n");
	}
	fx_write(&h.r, "content/site.yaml", text.ptr);
	for (i = 0; i < 200; i++) {
		struct nb_buf path = NB_BUF_INIT;

		nb_buf_truncate(&text, 0);
		nb_buf_printf(&text, "---\ntitle: Notice %zu\nservers: [", i);
		for (k = 0; k < 10; k++)
			nb_buf_printf(&text, "%sS%05zu", k ? ", " : "", (i * 7919 + k * 1009) % MANY_SERVERS);
		nb_buf_puts(&text, "]\nstatus: resolved\n---\nText.\n");
		nb_buf_printf(&path, "content/2010/n%03zu.md", i);
		fx_write(&h.r, path.ptr, text.ptr);
		nb_buf_release(&path);
	}
	fx_commit(&h.r, "many servers", T0, 0);
	built(&h);
	if (RSS_MEANS_CHILD && h.rss_kb > MANY_SERVERS_RSS_KB)
		fail_msg("the build peaked at %zu KiB", h.rss_kb);
	for (i = 0; i < MANY_SERVERS; i++) {
		nb_buf_truncate(&text, 0);
		nb_buf_printf(&text, "%s/servers/S%05zu/index.html", h.out, i);
		if (access(text.ptr, R_OK) != 0)
			fail_msg("no page %s", text.ptr);
	}
	page = site_file(&h, "servers/index.html");
	assert_non_null(strstr(page, "Server 9999"));
	free(page);
	/* notice 199's first server, 199 * 7919 % 10000, and its group */
	page = site_file(&h, "servers/S05881/atom.xml");
	assert_non_null(strstr(page, "Notice 199"));
	free(page);
	page = site_file(&h, "servers/S05880/atom.xml");
	assert_non_null(strstr(page, "Notice 199"));
	free(page);
	h_free(&h);
	nb_buf_release(&text);
}

/* As many keys as the YAML node limit allows: checked in linear time. */
static void test_many_keys(void **state)
{
	struct hostile h;
	struct nb_buf text = NB_BUF_INIT;
	size_t i;

	(void)state;
	h_init(&h);
	nb_buf_puts(&text, fx_site_yaml);
	for (i = 0; i < 90000; i++)
		nb_buf_printf(&text, "  K%05zu:\n", i);
	nb_buf_puts(&text, "  K00042:\n");
	fx_write(&h.r, "content/site.yaml", text.ptr);
	fx_commit(&h.r, "many keys", T0, 0);
	/* linear: a small part of a second; quadratic: most of a minute */
	h.cpu_s = 10;
	refused(&h, "content/site.yaml:90009:", "key 'K00042' appears twice (first on line 51)");
	h_free(&h);
	nb_buf_release(&text);
}

/* Commits the work tree with git itself: libgit2 1.5 writes author times
 * past 2106 modulo 2^32. */
static void git_commit_at(struct hostile *h, const char *message, int64_t when)
{
	const char *add[] = { "add", "-A", NULL };
	const char *commit[] = { "commit", "-q", "-m", message, NULL };

	assert_int_equal(fx_git(&h->r, when, add), 0);
	assert_int_equal(fx_git(&h->r, when, commit), 0);
}

static void test_far_future(void **state)
{
	static const char notice[] =
		"---\ntitle: Beyond 2038\nservers: [SCROOGE]\nstatus: investigating\n---\nText.\n";
	static const char window[] =
		"---\ntitle: The last window\nservers: [LOUIE]\nkind: maintenance\n"
		"status: scheduled\nwindow: {start: 2999-12-30T09:00Z, end: 2999-12-30T12:00Z}\n"
		"---\nText.\n";
	struct nb_buf text = NB_BUF_INIT;
	struct hostile h;
	char *feed;

	(void)state;
	h_init(&h);
	fx_commit(&h.r, "good", T0, 0);
	fx_write(&h.r, "content/2040/beyond.md", notice);
	fx_write(&h.r, "content/2040/window.md", window);
	fx_commit(&h.r, "after 2038", T2040, 0);
	nb_buf_printf(&text, "%s\nUpdate: in the year 3000.\n", notice);
	fx_write(&h.r, "content/2040/beyond.md", text.ptr);
	git_commit_at(&h, "in 3000", T3000);
	built(&h);
	feed = site_file(&h, "atom.xml");
	assert_non_null(strstr(feed, "<published>2040-01-01T00:00:00Z</published>"));
	assert_non_null(strstr(feed, "<updated>3000-06-01T12:00:00Z</updated>"));
	free(feed);
	feed = site_file(&h, "rss.xml");
	assert_non_null(strstr(feed, "<pubDate>Sun, 01 Jan 2040 00:00:00 +0000</pubDate>"));
	free(feed);
	feed = site_file(&h, "maintenance.ics");
	assert_non_null(strstr(feed, "DTSTART:29991230T090000Z"));
	assert_null(strstr(feed, "00000000T000000"));
	free(feed);
	free(site_file(&h, "2039/12/beyond/index.html"));
	feeds_parse(&h);

	/* later than 3000: no calendar can hold it (libical writes no date) */
	nb_buf_puts(&text, "\nUpdate: in the year 9999.\n");
	fx_write(&h.r, "content/2040/beyond.md", text.ptr);
	git_commit_at(&h, "in 9999", T9999);
	refused(&h, "content/2040/beyond.md:", "that changed it is dated in the year 9999");
	h_free(&h);

	h_init(&h);
	fx_write(&h.r, "content/2010/window.md", window);
	fx_commit(&h.r, "window", T0, 0);
	nb_buf_truncate(&text, 0);
	nb_buf_puts(&text, window);
	memcpy(strstr(text.ptr, "2999-12-30T12"), "9999", 4);
	fx_write(&h.r, "content/2010/window.md", text.ptr);
	fx_commit(&h.r, "a window that ends in 9999", T0 + 60, 0);
	refused(&h, "content/2010/window.md:6:",
		"the year in '9999-12-30' is out of range (1970 to 2999) in window end");
	h_free(&h);
	nb_buf_release(&text);
}

/* What XML cannot hold never reaches a feed: refused in files, cleaned in
 * commit authors (git keeps whatever bytes the author's machine wrote). */
static void test_control_characters(void **state)
{
	static const char raw[] = "Fine.\n\nUpdate: a form feed \f here\n";
	struct hostile h;
	char *out;

	(void)state;
	h_init(&h);
	write_notice(&h, "content/2010/raw.md", raw, sizeof(raw) - 1);
	fx_commit(&h.r, "raw", T0, 0);
	refused(&h, "content/2010/raw.md:8:", "control character U+000C in the file");
	h_free(&h);

	h_init(&h);
	fx_write(&h.r, "content/2010/escape.md",
		 "---\ntitle: \"bell \\a and \\x01\"\nservers: [SCROOGE]\nstatus: resolved\n---\nx\n");
	fx_commit(&h.r, "escape", T0, 0);
	refused(&h, "content/2010/escape.md:2:", "a control character in a value");
	h_free(&h);

	h_init(&h);
	fx_write(&h.r, "content/site.yaml", "title: \"NOC\\x02\"\nbase_url: https://x/\n"
					    "timezone: UTC\nservers: {SCROOGE: {}}\n");
	fx_commit(&h.r, "escape", T0, 0);
	refused(&h, "content/site.yaml:1:", "a control character in a value");
	h_free(&h);

	h_init(&h);
	fx_write(&h.r, "content/2010/good.md", "---\ntitle: Good\nservers: [SCROOGE]\n"
		 "status: resolved\n---\nAll fine.\n\nUpdate: by a latin-1 author.\n");
	fx_commit_as(&h.r, "latin-1 author", T0, 0, "Ren\xe9 \x01Lat\xc3");
	out = h_run(&h, "build", NULL, 0);
	free(out);
	out = site_file(&h, "updates.xml");
	assert_non_null(strstr(out, "<name>Ren\xef\xbf\xbd \xef\xbf\xbdLat\xef\xbf\xbd</name>"));
	free(out);
	feeds_parse(&h);
	h_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symlinks),
		cmocka_unit_test(test_submodule),
		cmocka_unit_test(test_huge_notice),
		cmocka_unit_test(test_many_updates),
		cmocka_unit_test(test_many_servers),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_deep_markdown),
		cmocka_unit_test(test_deep_yaml),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_file_names),
		cmocka_unit_test(test_slug_collision),
		cmocka_unit_test(test_far_future),
	};

	return cmocka_run_group_tests_name("hostile", tests, NULL, NULL);
}
