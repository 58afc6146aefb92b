/*
 * Faults while publishing: a full file system, a file size limit, a
 * read-only output folder.  After each, the live site is byte for byte the
 * one before, nothing but out.lock and out.stage/ is beside it, the build
 * exits 3 naming the path and the cause, and the next build succeeds.
 *
 * The test makes its own mount namespace when it may (root with
 * CAP_SYS_ADMIN): tmpfs mounts are then private to it and its children and
 * vanish when it exits, however it exits.  Without it (a CI container), the
 * full disk is stood in for by RLIMIT_FSIZE and the read-only mount is
 * skipped; the read-only folder by permissions runs everywhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <ftw.h>
#include <unistd.h>
#include <linux/capability.h>

#include <cmocka.h>

#include "buf.h"
#include "fixture.h"

#define TMPFS_SIZE "size=4m"     /* the sample site takes about 1 MiB of it */
#define UPDATE_TEXT "written while the output was in trouble"

static int can_mount;  /* a private mount namespace is ours */

struct faulty {
	struct fx_repo repo;
	char dir[600];       /* the folder holding out/ and out.lock */
	char out[700];
	int mounted;         /* dir is a tmpfs of ours */
	struct nb_buf old;   /* the live site before the fault */
};

/* What the child does before it becomes nocblog: the fault to inject. */
typedef void (*child_setup)(long arg);

static int run_build(struct faulty *f, child_setup setup, long arg, char **output)
{
	const char *bin = getenv("NOCBLOG") ? getenv("NOCBLOG") : "./nocblog";
	struct nb_buf theme = NB_BUF_INIT, text = NB_BUF_INIT;
	char chunk[4096];
	int fds[2], status;
	ssize_t got;
	pid_t pid;

	nb_buf_printf(&theme, "%s/themes/default", fx_srcdir());
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const char *argv[] = { bin, "build", "--repo", f->repo.dir, "--out", f->out,
				       "--theme", theme.ptr, "--quiet", NULL };

		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		if (setup)
			setup(arg);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while ((got = read(fds[0], chunk, sizeof(chunk))) > 0)
		nb_buf_put(&text, chunk, (size_t)got);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	*output = nb_buf_detach(&text);
	nb_buf_release(&theme);
	nb_buf_release(&text);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void build_ok(struct faulty *f)
{
	char *text = NULL;
	int status = run_build(f, NULL, 0, &text);

	if (status != 0)
		fail_msg("build failed (%d): %s", status, text);
	free(text);
}

/* The sample site built into dir/out (dir a tmpfs if mount_opts and we
 * may), then one more commit, so that the next build changes pages. */
static void setup_site(struct faulty *f, const char *mount_opts)
{
	struct nb_buf path = NB_BUF_INIT;
	char *text;

	memset(f, 0, sizeof(*f));
	fx_repo_init(&f->repo);
	fx_copy_tree(&f->repo, "content", "content");
	fx_commit(&f->repo, "sample content", fx_utc(2023, 1, 1, 0, 0), 0);
	snprintf(f->dir, sizeof(f->dir), "%s/site", f->repo.dir);
	snprintf(f->out, sizeof(f->out), "%s/out", f->dir);
	assert_int_equal(mkdir(f->dir, 0755), 0);
	if (mount_opts && can_mount) {
		if (mount("tmpfs", f->dir, "tmpfs", 0, mount_opts) < 0)
			fail_msg("mount tmpfs on %s: %s", f->dir, strerror(errno));
		f->mounted = 1;
	}
	build_ok(f);
	nb_buf_printf(&path, "%s/content/2010/louie-owa-search-index-reset.md", f->repo.dir);
	text = fx_slurp(path.ptr);
	assert_non_null(text);
	nb_buf_truncate(&path, 0);
	nb_buf_printf(&path, "%s\nUpdate 2023-01-02 10:00 UTC: " UPDATE_TEXT ".\n", text);
	fx_write(&f->repo, "content/2010/louie-owa-search-index-reset.md", path.ptr);
	fx_commit(&f->repo, "an update", fx_utc(2023, 1, 2, 12, 0), 0);
	fx_snapshot(f->out, &f->old);
	free(text);
	nb_buf_release(&path);
}

static void teardown_site(struct faulty *f)
{
	if (f->mounted)
		umount2(f->dir, MNT_DETACH);
	nb_buf_release(&f->old);
	fx_repo_free(&f->repo);
}

/* Nothing beside out/ but its lock, the staging folder the next build
 * brings up to date (and the test's own filler file). */
static void expect_no_debris(struct faulty *f)
{
	struct dirent *e;
	DIR *d = opendir(f->dir);

	assert_non_null(d);
	while ((e = readdir(d))) {
		const char *n = e->d_name;

		if (strcmp(n, ".") && strcmp(n, "..") && strcmp(n, "out") && strcmp(n, "out.lock") &&
		    strcmp(n, "out.stage") && strcmp(n, "filler") && strcmp(n, "lost+found"))
			fail_msg("%s left behind in %s", n, f->dir);
	}
	closedir(d);
}

static void expect_old_site(struct faulty *f)
{
	struct nb_buf now = NB_BUF_INIT;

	fx_snapshot(f->out, &now);
	if (now.len != f->old.len || memcmp(now.ptr, f->old.ptr, now.len) != 0)
		fail_msg("the live site changed");
	nb_buf_release(&now);
}

/* What the files below a folder take: blocks and inodes, each inode
 * counted once however many links it has (the staging folder shares most
 * of its files with the live site). */
struct usage {
	unsigned long long blocks, inodes;
};

static struct usage counting;
static ino_t *seen;
static size_t seen_count, seen_alloc;

static int count_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	size_t i;

	(void)flag;
	(void)ftw;
	if (strstr(path, "/filler"))
		return 0;
	for (i = 0; i < seen_count; i++)
		if (seen[i] == st->st_ino)
			return 0;
	if (seen_count == seen_alloc) {
		seen_alloc = seen_alloc ? 2 * seen_alloc : 256;
		seen = realloc(seen, seen_alloc * sizeof(*seen));
		assert_non_null(seen);
	}
	seen[seen_count++] = st->st_ino;
	counting.blocks += (unsigned long long)st->st_blocks;
	counting.inodes++;
	return 0;
}

static struct usage usage_of(const char *dir)
{
	memset(&counting, 0, sizeof(counting));
	seen_count = 0;
	assert_int_equal(nftw(dir, count_entry, 16, FTW_PHYS), 0);
	return counting;
}

/* The failed build: exit 3, its message names the folder and the cause
 * and says what it removed; the live site is as it was, nothing is left
 * beside it but its lock and the staging folder the next build brings up
 * to date, and the build took no space (blocks or inodes) it did not give
 * back. */
static void expect_clean_failure(struct faulty *f, int status, const char *text,
				 const char *cause, struct usage before, int wrote)
{
	struct usage after = usage_of(f->dir);

	if (status != 3 || !strstr(text, f->dir) || !strstr(text, cause))
		fail_msg("expected exit 3 naming %s and \"%s\", got %d: %s", f->dir, cause,
			 status, text);
	if (wrote && !strstr(text, "removed"))
		fail_msg("the message does not say what the failed build removed: %s", text);
	expect_old_site(f);
	expect_no_debris(f);
	if (after.blocks > before.blocks || after.inodes > before.inodes)
		fail_msg("the failed build kept %lld blocks and %lld inodes: %s",
			 (long long)(after.blocks - before.blocks),
			 (long long)(after.inodes - before.inodes), text);
}

/* The fault gone, the next build publishes the new commit. */
static void expect_recovery(struct faulty *f)
{
	struct nb_buf now = NB_BUF_INIT;

	build_ok(f);
	fx_snapshot(f->out, &now);
	if (!strstr(nb_buf_cstr(&now), UPDATE_TEXT))
		fail_msg("the build after the fault did not publish the new update");
	expect_no_debris(f);
	nb_buf_release(&now);
}

/* ---- a full file system ---- */

/* Fills dir's file system but for about `leave` bytes. */
static void fill(struct faulty *f, long leave)
{
	static const size_t sizes[] = { 65536, 4096, 1 };
	char path[800], chunk[65536];
	off_t size = 0;
	size_t i;
	int fd;

	snprintf(path, sizeof(path), "%s/filler", f->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	memset(chunk, 'x', sizeof(chunk));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ssize_t n;

		while ((n = write(fd, chunk, sizes[i])) > 0)
			size += n;
		assert_int_equal(errno, ENOSPC);
	}
	assert_int_equal(ftruncate(fd, size > leave ? size - leave : 0), 0);
	close(fd);
}

static void unfill(struct faulty *f)
{
	char path[800];

	snprintf(path, sizeof(path), "%s/filler", f->dir);
	assert_int_equal(unlink(path), 0);
}

/* Leaves `inodes` free inodes on the tmpfs; 0 gives plenty back. */
static void limit_inodes(struct faulty *f, long inodes)
{
	struct statvfs st;
	char opts[64];

	assert_int_equal(statvfs(f->dir, &st), 0);
	snprintf(opts, sizeof(opts), "nr_inodes=%ld",
		 (long)(st.f_files - st.f_ffree) + (inodes ? inodes : 100000));
	if (mount(NULL, f->dir, NULL, MS_REMOUNT, opts) < 0)
		fail_msg("remount %s %s: %s", f->dir, opts, strerror(errno));
}

static void set_file_limit(long bytes)
{
	struct rlimit rl = { (rlim_t)bytes, (rlim_t)bytes };

	if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
		_exit(126);
}

/* The file size limit stands in for a full disk where we may not mount;
 * nocblog must not die of SIGXFSZ but say which file was too large. */
static void file_size_limits(struct faulty *f)
{
	static const long limits[] = { 0, 1024, 16384 };
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		char *text = NULL;
		struct usage before = usage_of(f->dir);
		int status = run_build(f, set_file_limit, limits[i], &text);

		expect_clean_failure(f, status, text, "File too large", before, 1);
		free(text);
	}
	expect_recovery(f);
}

static void test_full_disk(void **state)
{
	static const long leave[] = { 0, 4096, 32768, 131072 };
	struct faulty f;
	size_t i;

	(void)state;
	setup_site(&f, TMPFS_SIZE);
	if (!f.mounted) {
		print_message("full disk: cannot mount a tmpfs here; RLIMIT_FSIZE instead\n");
		file_size_limits(&f);
		teardown_site(&f);
		return;
	}
	print_message("full disk: a tmpfs of " TMPFS_SIZE "\n");
	for (i = 0; i < sizeof(leave) / sizeof(leave[0]); i++) {
		char *text = NULL;
		struct usage before;
		int status;

		fill(&f, leave[i]);
		before = usage_of(f.dir);
		status = run_build(&f, NULL, 0, &text);
		expect_clean_failure(&f, status, text, "No space left on device", before, 1);
		unfill(&f);
		free(text);
	}
	/* out of inodes rather than blocks: the same */
	limit_inodes(&f, 3);
	{
		char *text = NULL;
		struct usage before = usage_of(f.dir);
		int status = run_build(&f, NULL, 0, &text);

		expect_clean_failure(&f, status, text, "No space left on device", before, 1);
		free(text);
	}
	limit_inodes(&f, 0);
	expect_recovery(&f);
	teardown_site(&f);
}

static void test_file_size_limit(void **state)
{
	struct faulty f;

	(void)state;
	setup_site(&f, NULL);
	file_size_limits(&f);
	teardown_site(&f);
}

/* ---- a read-only output folder ---- */

static void test_read_only_mount(void **state)
{
	struct faulty f;
	struct usage before;
	char *text = NULL;
	int status;

	(void)state;
	setup_site(&f, TMPFS_SIZE);
	if (!f.mounted) {
		print_message("read-only mount: cannot mount here; skipped "
			      "(the permissions test still runs)\n");
		teardown_site(&f);
		return;
	}
	if (mount(NULL, f.dir, NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
		fail_msg("remount %s read-only: %s", f.dir, strerror(errno));
	before = usage_of(f.dir);
	status = run_build(&f, NULL, 0, &text);
	expect_clean_failure(&f, status, text, "Read-only file system", before, 0);
	free(text);
	if (mount(NULL, f.dir, NULL, MS_REMOUNT, NULL) < 0)
		fail_msg("remount %s read-write: %s", f.dir, strerror(errno));
	expect_recovery(&f);
	teardown_site(&f);
}

/* Root passes permission checks through these capabilities: without them
 * in the bounding set, even uid 0 cannot write to a folder without w. */
static void drop_dac_override(long arg)
{
	static const int caps[] = { CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER };
	size_t i;

	(void)arg;
	if (geteuid() != 0)
		return;
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (prctl(PR_CAPBSET_DROP, caps[i], 0, 0, 0) < 0)
			_exit(126);
}

static void test_read_only_permissions(void **state)
{
	struct faulty f;
	struct usage before;
	char *text = NULL;
	int status;

	(void)state;
	setup_site(&f, NULL);
	print_message("read-only folder: mode 0555%s\n",
		      geteuid() == 0 ? ", the build without CAP_DAC_OVERRIDE" : "");
	assert_int_equal(chmod(f.dir, 0555), 0);
	before = usage_of(f.dir);
	status = run_build(&f, drop_dac_override, 0, &text);
	expect_clean_failure(&f, status, text, "Permission denied", before, 0);
	free(text);
	assert_int_equal(chmod(f.dir, 0755), 0);
	expect_recovery(&f);
	teardown_site(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_disk),
		cmocka_unit_test(test_file_size_limit),
		cmocka_unit_test(test_read_only_mount),
		cmocka_unit_test(test_read_only_permissions),
	};

	/* our mounts stay ours, and go when we do */
	can_mount = !getenv("NOCBLOG_NO_MOUNT") && unshare(CLONE_NEWNS) == 0 &&
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
	return cmocka_run_group_tests_name("faults", tests, NULL, NULL);
}
