/* Test fixtures: throw-away git repositories with controlled dates, and a
 * way to run the nocblog binary. */
#ifndef NB_TEST_FIXTURE_H
#define NB_TEST_FIXTURE_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

struct nb_buf;

/* 1 in the AddressSanitizer build (tests then size their heaviest inputs). */
#if defined(__SANITIZE_ADDRESS__)
#define FX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FX_ASAN 1
#endif
#endif
#ifndef FX_ASAN
#define FX_ASAN 0
#endif

struct fx_repo {
	char *dir;             /* the work tree, ending without '/' */
	git_repository *repo;
};

/* A new empty repository in a fresh temporary folder. */
void fx_repo_init(struct fx_repo *r);
/* Removes the folder and frees everything. */
void fx_repo_free(struct fx_repo *r);

/* Writes a file of the work tree (making its folders). */
void fx_write(struct fx_repo *r, const char *path, const char *text);
void fx_write_bytes(struct fx_repo *r, const char *path, const char *data, size_t len);
void fx_remove(struct fx_repo *r, const char *path);
void fx_symlink(struct fx_repo *r, const char *path, const char *target);
/* Copies a folder of the source tree (e.g. "content") into the work tree. */
void fx_copy_tree(struct fx_repo *r, const char *from, const char *to);

/*
 * Commits the whole work tree as it is, with the given author and
 * committer time (seconds since the epoch) and offset (minutes east).
 */
void fx_commit(struct fx_repo *r, const char *message, int64_t when, int offset_min);
/* The same by another author. */
void fx_commit_as(struct fx_repo *r, const char *message, int64_t when, int offset_min,
		  const char *author);
/*
 * Runs the git command line in the work tree (args NULL-terminated, without
 * "git"), with author and committer date `when` and a fixed identity.
 * Returns its exit status.
 */
int fx_git(struct fx_repo *r, int64_t when, const char *const *args);
/* Commits a gitlink (submodule entry) at path, plus the work tree. */
void fx_commit_gitlink(struct fx_repo *r, const char *path, int64_t when);

/* A valid site.yaml declaring LOUIE, LOUIECAS3 (group LOUIE) and SCROOGE. */
extern const char fx_site_yaml[];

/*
 * Runs $NOCBLOG with the arguments (NULL-terminated), returns its exit
 * status and its stdout+stderr in *output (the caller frees).
 */
int fx_run(char **output, const char *const *args);
/*
 * The same, with the child's CPU time bounded to cpu_s seconds and its
 * memory to mem_mb MiB (address space; resident size under
 * AddressSanitizer, which reserves address space it never uses).  A child
 * killed for going over returns 128 + the signal.
 */
int fx_run_limited(char **output, const char *const *args, size_t mem_mb, int cpu_s);
/* The peak resident size of the last run's child, in KiB. */
size_t fx_last_rss_kb(void);

/* A UTC instant, computed by the C library (timegm), not by nocblog. */
int64_t fx_utc(int year, int month, int day, int hour, int minute);
/* The same from "2010-10-16T05:24Z" or "2010-10-16T05:24:00Z"; -1 if malformed. */
int64_t fx_utc_iso(const char *iso);

/* A file's bytes, NUL-terminated (the caller frees), or NULL. */
char *fx_slurp(const char *path);
/* The same for the file at rel below dir. */
char *fx_slurp_at(const char *dir, const char *rel);
/* The same, failing the test when there is no such file. */
char *fx_file_at(const char *dir, const char *rel);
/*
 * Calls fn for every file below dir, in sorted order, folders first
 * descended: rel is its path below dir ("/2010/10/x/index.html"), full its
 * path.
 */
void fx_walk(const char *dir, void (*fn)(const char *rel, const char *full, void *payload),
	     void *payload);

/* Every file below dir with its bytes, sorted: "== /rel\nbytes\n" each. */
void fx_snapshot(const char *dir, struct nb_buf *out);

/* Builds the repository into out with the source tree's default theme;
 * fails the test if the build does. */
void fx_build(struct fx_repo *r, const char *out);

/*
 * Fails when the folder holding out has an entry named like out that a
 * finished build does not leave: only out, out.lock and out.stage (the
 * previous site, reused by the next build) may be there.
 */
void fx_expect_no_debris(const char *out);

/* Runs a shell command; its exit status, and its output in *out if given
 * (the caller frees). */
int fx_sh(const char *cmd, char **out);

/* The number of lines in s. */
size_t fx_count_lines(const char *s);
/* Where the source tree is ($SRCDIR, else "."). */
const char *fx_srcdir(void);

/*
 * Starts nginx on 127.0.0.1:port serving www with the server block users
 * copy (contrib/nginx.conf), its files in dir, and waits until it answers.
 * Returns its process id, for fx_nginx_stop (which accepts 0).
 */
int fx_nginx_start(const char *dir, const char *www, int port);
void fx_nginx_stop(int pid);
/* A free-looking TCP port for this test process (from its pid). */
int fx_port(int offset);
/*
 * Loads url in headless Chromium (Debian's chromium), runs its scripts
 * for at most budget_ms of virtual time, and returns the DOM then (the
 * caller frees), or NULL when chromium cannot be run.
 */
char *fx_chromium_dom(const char *url, int budget_ms);

/* A fixture's site, built and served by nginx for tests in Chromium. */
struct fx_served {
	struct fx_repo r;
	char *out;             /* the built site, r.dir/out */
	int port, nginx;
};

/*
 * cmocka setup and teardown around a served site: make writes and commits
 * the fixture, port_offset picks the port (fx_port).  *state is the
 * struct fx_served; teardown stops nginx however the test ended.
 */
int fx_serve(void **state, void (*make)(struct fx_repo *r), int port_offset);
int fx_unserve(void **state);
/*
 * Puts a page of the test's own at check/NAME beside the site, loads it in
 * Chromium for budget_ms and returns the text of its <pre id="out"> (the
 * caller frees); fails the test when Chromium gives none.
 */
char *fx_served_run(struct fx_served *s, const char *name, const char *html, int budget_ms);

#endif
