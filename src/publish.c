#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "util.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

/* How to get out of a failed write, by its cause. */
static const char *io_hint(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
		return "free some space (or inodes) on that file system, then build again";
	case EROFS:
		return "the file system is mounted read-only: remount it read-write or "
		       "choose another --out";
	case EFBIG:
		return "a file size limit is in force (ulimit -f): raise it, then build again";
	case EACCES:
	case EPERM:
		return "check the permissions of the output folder and the folder holding it";
	default:
		return "check the output folder and its file system, then build again";
	}
}

/* Adds the problem with errno's cause; the build then fails as an
 * environment problem, not a content one. */
static int io_error(struct nb_publish *p, struct nb_diags *diags, const char *path,
		    const char *what)
{
	int err = errno;

	p->io_failed = 1;
	return nb_diags_add(diags, path, 0, io_hint(err), "cannot %s: %s", what, strerror(err));
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int remove_tree(const char *path)
{
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Staging folders of builds that died: ours now, since we hold the lock. */
static void remove_stale_stages(const char *out)
{
	const char *slash = strrchr(out, '/');
	struct nb_buf dir = NB_BUF_INIT, prefix = NB_BUF_INIT, path = NB_BUF_INIT;
	struct dirent *e;
	DIR *d;

	if (slash)
		nb_buf_put(&dir, out, (size_t)(slash - out) + (slash == out));
	else
		nb_buf_puts(&dir, ".");
	nb_buf_printf(&prefix, "%s.stage-", slash ? slash + 1 : out);
	d = opendir(dir.ptr);
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, prefix.ptr, prefix.len) != 0)
			continue;
		nb_buf_truncate(&path, 0);
		nb_buf_printf(&path, "%s/%s", dir.ptr, e->d_name);
		remove_tree(path.ptr);
	}
	if (d)
		closedir(d);
	nb_buf_release(&dir);
	nb_buf_release(&prefix);
	nb_buf_release(&path);
}

int nb_publish_begin(struct nb_publish *p, const char *out, struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT;
	size_t len = strlen(out);
	int rc = -1;

	while (len > 1 && out[len - 1] == '/')
		len--;
	p->out = nb_strndup(out, len);
	nb_buf_printf(&path, "%s.lock", p->out);
	p->lock_fd = open(path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (p->lock_fd < 0) {
		io_error(p, diags, path.ptr, "create the lock file");
		goto cleanup;
	}
	if (flock(p->lock_fd, LOCK_EX) < 0) {
		io_error(p, diags, path.ptr, "lock");
		goto cleanup;
	}
	remove_stale_stages(p->out);
	nb_buf_truncate(&path, 0);
	nb_buf_printf(&path, "%s.stage-XXXXXX", p->out);
	if (!mkdtemp(path.ptr)) {
		io_error(p, diags, path.ptr, "create the staging folder");
		goto cleanup;
	}
	chmod(path.ptr, 0755);
	p->stage = nb_buf_detach(&path);
	rc = 0;
cleanup:
	nb_buf_release(&path);
	return rc;
}

static int safe_rel(const char *rel)
{
	const char *s = rel;

	if (!*rel || *rel == '/')
		return 0;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		s += n + (e != NULL);
	}
	return 1;
}

/* 1 when the file at path holds exactly data. */
static int same_bytes(const char *path, const char *data, size_t len)
{
	char chunk[65536];
	struct stat st;
	size_t off = 0, got;
	int same = 0;
	FILE *f;

	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
		return 0;
	f = fopen(path, "rb");
	if (!f)
		return 0;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (off + got > len || memcmp(chunk, data + off, got) != 0)
			goto done;
		off += got;
	}
	same = off == len && !ferror(f);
done:
	fclose(f);
	return same;
}

int nb_publish_write(struct nb_publish *p, const char *rel, const char *data,
		     size_t len, struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT, live = NB_BUF_INIT;
	FILE *f = NULL;
	int rc = -1;

	if (!safe_rel(rel))
		return nb_diags_add(diags, rel, 0, "this is a bug in nocblog; please report it",
				    "refusing to write outside the output folder");
	nb_buf_printf(&path, "%s/%s", p->stage, rel);
	nb_buf_printf(&live, "%s/%s", p->out, rel);
	if (nb_make_dirs(path.ptr, strlen(p->stage) + 1) < 0) {
		io_error(p, diags, path.ptr, "create the folder");
		goto cleanup;
	}
	if (same_bytes(live.ptr, data, len) && link(live.ptr, path.ptr) == 0) {
		p->kept++;
		rc = 0;
		goto cleanup;
	}
	f = fopen(path.ptr, "wbx");
	if (!f) {
		io_error(p, diags, path.ptr, "create the file");
		goto cleanup;
	}
	if ((len && fwrite(data, 1, len, f) != len) || fflush(f) != 0 || ferror(f)) {
		io_error(p, diags, path.ptr, "write");
		goto cleanup;
	}
	p->written++;
	rc = 0;
cleanup:
	if (f && fclose(f) != 0 && rc == 0)
		rc = io_error(p, diags, path.ptr, "write");
	nb_buf_release(&path);
	nb_buf_release(&live);
	return rc;
}

/*
 * Writes the staging folder's files to the disk before the swap, so that
 * after a crash the live site is never a folder of empty files, and so that
 * a write the file system refused late (delayed allocation, thin storage)
 * fails the build instead of publishing a hole.  syncfs reports the errors
 * met since its descriptor was opened: the lock file's, opened before any
 * write, sits on the same file system.
 */
static int flush_stage(struct nb_publish *p, struct nb_diags *diags)
{
	if (syncfs(p->lock_fd) < 0)
		return io_error(p, diags, p->stage, "write the new site to the disk");
	return 0;
}

int nb_publish_commit(struct nb_publish *p, struct nb_diags *diags)
{
	struct stat st;

	if (lstat(p->out, &st) < 0) {
		if (errno != ENOENT || flush_stage(p, diags) < 0)
			return -1;
		if (rename(p->stage, p->out) < 0)
			return io_error(p, diags, p->out, "publish the site");
		free(p->stage);
		p->stage = NULL;
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return nb_diags_add(diags, p->out, 0, "remove it or choose another --out",
				    "the output path exists and is not a folder");
	if (flush_stage(p, diags) < 0)
		return -1;
	/* one atomic step: the staging folder becomes the site and the old site
	 * takes the staging folder's name, to be removed */
	if (syscall(SYS_renameat2, AT_FDCWD, p->stage, AT_FDCWD, p->out, RENAME_EXCHANGE) < 0)
		return io_error(p, diags, p->out, "swap the new site in");
	return 0;
}

void nb_publish_release(struct nb_publish *p)
{
	if (p->stage) {
		remove_tree(p->stage);
		free(p->stage);
		p->stage = NULL;
	}
	if (p->lock_fd >= 0) {
		close(p->lock_fd);
		p->lock_fd = -1;
	}
	free(p->out);
	p->out = NULL;
}
