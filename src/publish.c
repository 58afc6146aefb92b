#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

	pthread_mutex_lock(&p->lock);
	p->io_failed = 1;
	pthread_mutex_unlock(&p->lock);
	return nb_diags_add(diags, path, 0, io_hint(err), "cannot %s: %s", what, strerror(err));
}

/* Called for each entry below a folder: its path, its path below the
 * folder, and whether it is a folder (seen after what it holds). */
typedef void (*walk_fn)(const char *path, const char *rel, int is_dir, void *payload);

/* Walks what is below path (a buffer holding the folder; top is where the
 * relative paths start), depth first, links never followed.  The site's
 * folders are few levels deep, made by us: recursion is bounded. */
static void walk_below(struct nb_buf *path, size_t top, walk_fn fn, void *payload)
{
	size_t len = path->len;
	struct dirent *e;
	DIR *d = opendir(path->ptr);

	while (d && (e = readdir(d))) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		nb_buf_truncate(path, len);
		nb_buf_printf(path, "/%s", e->d_name);
		if (lstat(path->ptr, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk_below(path, top, fn, payload);
		fn(path->ptr, path->ptr + top, S_ISDIR(st.st_mode), payload);
	}
	if (d)
		closedir(d);
	nb_buf_truncate(path, len);
}

static void remove_entry(const char *path, const char *rel, int is_dir, void *payload)
{
	(void)rel;
	(void)is_dir;
	(void)payload;
	remove(path);
}

/* Removes a folder and all it holds; 0 when it is gone. */
static int remove_tree(const char *path)
{
	struct nb_buf b = NB_BUF_INIT;
	int rc;

	nb_buf_puts(&b, path);
	walk_below(&b, b.len + 1, remove_entry, NULL);
	rc = remove(path);
	nb_buf_release(&b);
	return rc;
}

/* Staging folders named out.stage-XXXXXX, left by builds of versions
 * before out.stage/ was kept and reused: ours, since we hold the lock. */
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

/* Reads the staging folder's file list and removes it first, so a build
 * killed while changing the folder leaves it without a list: the next one
 * then walks the folder instead of trusting a stale list. */
static void take_file_list(struct nb_publish *p)
{
	struct nb_buf path = NB_BUF_INIT;

	nb_buf_printf(&path, "%s/%s", p->stage, NB_FILE_LIST);
	p->old_known = nb_buf_read_file(&p->old_files, path.ptr, SIZE_MAX - 1) == 0 &&
		       unlink(path.ptr) == 0;
	nb_buf_release(&path);
}

/*
 * The output path must be a folder the swap can replace, or nothing yet in
 * a folder that exists: not a symbolic link (the swap would replace the
 * link, not the site), not a file, not a mount point (a mount cannot be
 * renamed).  Checked before anything is made.
 */
static int check_out(struct nb_publish *p, struct nb_diags *diags)
{
	struct nb_buf parent = NB_BUF_INIT;
	const char *slash = strrchr(p->out, '/');
	struct stat st, up;
	int rc = -1;

	if (slash)
		nb_buf_put(&parent, p->out, (size_t)(slash - p->out) + (slash == p->out));
	else
		nb_buf_puts(&parent, ".");
	if (stat(parent.ptr, &up) < 0 || !S_ISDIR(up.st_mode)) {
		nb_diags_add(diags, parent.ptr, 0, "create it, or choose another --out",
			     "the folder that would hold the site does not exist");
	} else if (lstat(p->out, &st) < 0) {
		rc = errno == ENOENT ? 0 : io_error(p, diags, p->out, "read the output folder");
	} else if (S_ISLNK(st.st_mode)) {
		nb_diags_add(diags, p->out, 0,
			     "pass the folder it points to as --out: publishing replaces the "
			     "output folder whole, and would replace the link",
			     "the output path is a symbolic link");
	} else if (!S_ISDIR(st.st_mode)) {
		nb_diags_add(diags, p->out, 0, "remove it or choose another --out",
			     "the output path exists and is not a folder");
	} else if (st.st_dev != up.st_dev) {
		nb_diags_add(diags, p->out, 0,
			     "mount the folder that holds it instead: publishing renames the "
			     "output folder, and a mount point cannot be renamed",
			     "the output folder is a mount point");
	} else {
		rc = 0;
	}
	nb_buf_release(&parent);
	return rc;
}

int nb_publish_lock(struct nb_publish *p, const char *out, struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT;
	size_t len = strlen(out);
	int rc = -1;

	while (len > 1 && out[len - 1] == '/')
		len--;
	p->out = nb_strndup(out, len);
	if (check_out(p, diags) < 0)
		goto cleanup;
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
	rc = 0;
cleanup:
	nb_buf_release(&path);
	return rc;
}

static void take_live_keys(struct nb_publish *p);

int nb_publish_begin(struct nb_publish *p, const char *out, struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT;
	struct stat st;
	int rc = -1;

	if (p->lock_fd < 0 && nb_publish_lock(p, out, diags) < 0)
		return -1;
	take_live_keys(p);
	remove_stale_stages(p->out);
	nb_buf_truncate(&path, 0);
	nb_buf_printf(&path, "%s.stage", p->out);
	p->stage = nb_buf_detach(&path);
	if (lstat(p->stage, &st) == 0 && !S_ISDIR(st.st_mode))
		remove(p->stage);
	if (mkdir(p->stage, 0755) == 0) {
		p->fresh = p->old_known = 1; /* empty: nothing to replace or remove */
	} else if (errno != EEXIST) {
		io_error(p, diags, p->stage, "create the staging folder");
		goto cleanup;
	} else {
		take_file_list(p);
	}
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

/* Makes the folders of path below from, replacing a file that stands
 * where a folder must be (the old site's layout may differ). */
static int make_parents(char *path, size_t from)
{
	char *last = strrchr(path + from, '/');
	struct stat st;
	char *s;
	int made;

	/* mostly only the last folder is missing */
	if (!last)
		return 0;
	*last = '\0';
	made = mkdir(path, 0755) == 0;
	*last = '/';
	if (made)
		return 0;
	for (s = strchr(path + from, '/'); s; s = strchr(s + 1, '/')) {
		int rc = 0;

		*s = '\0';
		if (mkdir(path, 0755) < 0) {
			rc = -1;
			if (errno == EEXIST && lstat(path, &st) == 0 &&
			    (S_ISDIR(st.st_mode) || (remove(path) == 0 && mkdir(path, 0755) == 0)))
				rc = 0;
		}
		*s = '/';
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int create_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wbx");
	int ok;

	if (!f)
		return -1;
	ok = (!len || fwrite(data, 1, len, f) == len) && fflush(f) == 0 && !ferror(f);
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

/* Puts the live file's inode (link) or data at path in the staging
 * folder, over whatever the old site had there.  Never writes into an old
 * file: it may be a link to a live one. */
static int put(struct nb_publish *p, char *path, const char *live, const char *data,
	       size_t len, int link_it)
{
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (!p->fresh && unlink(path) < 0 && (errno == EISDIR || errno == EPERM))
			remove_tree(path);
		if (link_it ? link(live, path) : create_file(path, data, len)) {
			if (attempt == 0 && (errno == ENOENT || errno == ENOTDIR) &&
			    make_parents(path, strlen(p->stage) + 1) == 0)
				continue;
			return -1;
		}
		return 0;
	}
	return -1;
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return lstat(a, &sa) == 0 && lstat(b, &sb) == 0 && sa.st_ino == sb.st_ino &&
	       sa.st_dev == sb.st_dev;
}

int nb_publish_write(struct nb_publish *p, const char *rel, const char *data,
		     size_t len, struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT, live = NB_BUF_INIT;
	int rc = -1;

	if (!safe_rel(rel))
		return nb_diags_add(diags, rel, 0, "this is a bug in nocblog; please report it",
				    "refusing to write outside the output folder");
	pthread_mutex_lock(&p->lock);
	nb_map_sets(&p->made, rel, 1);
	pthread_mutex_unlock(&p->lock);
	nb_buf_printf(&path, "%s/%s", p->stage, rel);
	nb_buf_printf(&live, "%s/%s", p->out, rel);
	if (same_bytes(live.ptr, data, len) &&
	    (same_file(path.ptr, live.ptr) || put(p, path.ptr, live.ptr, NULL, 0, 1) == 0)) {
		pthread_mutex_lock(&p->lock);
		p->kept++;
		pthread_mutex_unlock(&p->lock);
		rc = 0;
		goto cleanup;
	}
	if (put(p, path.ptr, NULL, data, len, 0) < 0) {
		io_error(p, diags, path.ptr, "write");
		goto cleanup;
	}
	pthread_mutex_lock(&p->lock);
	p->written++;
	nb_buf_printf(&p->written_paths, "%s\n", rel);
	pthread_mutex_unlock(&p->lock);
	rc = 0;
cleanup:
	nb_buf_release(&path);
	nb_buf_release(&live);
	return rc;
}

/* Removes a file of the staging folder, and its folders that became
 * empty; 0 when it removed the file. */
static int drop_old(struct nb_publish *p, const char *rel)
{
	struct nb_buf path = NB_BUF_INIT;
	size_t top = strlen(p->stage);
	char *slash;
	int rc;

	nb_buf_printf(&path, "%s/%s", p->stage, rel);
	rc = remove(path.ptr);
	if (rc == 0)
		while ((slash = strrchr(path.ptr, '/')) && (size_t)(slash - path.ptr) > top) {
			*slash = '\0';
			if (rmdir(path.ptr) < 0)
				break;
		}
	nb_buf_release(&path);
	return rc;
}

static void drop_unmade(const char *path, const char *rel, int is_dir, void *payload)
{
	const struct nb_publish *p = payload;

	if (is_dir)
		rmdir(path); /* fails, as it should, unless empty */
	else if (!nb_map_gets(&p->made, rel, NULL))
		remove(path);
}

/* Writes the list of this build's files into the staging folder. */
static int write_file_list(struct nb_publish *p, struct nb_diags *diags)
{
	char **paths = nb_calloc(p->made.count + 1, sizeof(*paths));
	struct nb_buf list = NB_BUF_INIT, path = NB_BUF_INIT;
	size_t i, n = 0;
	int rc;

	for (i = 0; i < p->made.cap; i++)
		if (p->made.slots[i].key)
			paths[n++] = nb_strndup(p->made.slots[i].key, p->made.slots[i].len);
	nb_sort(paths, n, sizeof(*paths), nb_str_order);
	for (i = 0; i < n; i++) {
		nb_buf_printf(&list, "%s\n", paths[i]);
		free(paths[i]);
	}
	nb_buf_printf(&path, "%s/%s", p->stage, NB_FILE_LIST);
	rc = put(p, path.ptr, NULL, list.ptr ? list.ptr : "", list.len, 0);
	if (rc < 0)
		io_error(p, diags, path.ptr, "write");
	free(paths);
	nb_buf_release(&list);
	nb_buf_release(&path);
	return rc;
}

/* Leaves in the staging folder only what this build wrote. */
static void drop_old_files(struct nb_publish *p)
{
	char *line, *next;

	if (!p->old_known) {
		struct nb_buf path = NB_BUF_INIT;

		nb_buf_puts(&path, p->stage);
		walk_below(&path, path.len + 1, drop_unmade, p);
		nb_buf_release(&path);
		return;
	}
	for (line = p->old_files.ptr; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line && safe_rel(line) && !nb_map_gets(&p->made, line, NULL))
			drop_old(p, line);
	}
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

/*
 * The stamp as the lock file keeps it: the caller's lines, then the live
 * folder's identity: device, inode, and the times its entries and inode
 * last changed, which nothing touches while it is live (builds write the
 * staging folder) but a swap, a removal or a hand that adds or removes a
 * file in it.  The times tell a folder made anew from an old one whose
 * inode number the file system gave out again.
 */
static char *stamp_text(const char *out, const char *stamp)
{
	struct nb_buf b = NB_BUF_INIT;
	struct stat st;

	if (lstat(out, &st) < 0 || !S_ISDIR(st.st_mode))
		return NULL;
	nb_buf_printf(&b, "%ssite %llu:%llu %lld.%09ld %lld.%09ld\n", stamp,
		      (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		      (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		      (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	return nb_buf_detach(&b);
}

/* Records the stamp of the site just swapped in, and the keys of its
 * files.  Best effort: a stamp that is missing or cut short only costs
 * the next build its shortcut. */
static void keep_stamp(struct nb_publish *p, const char *stamp)
{
	char *id = stamp_text(p->out, stamp ? stamp : ""), **rels;
	struct nb_buf text = NB_BUF_INIT;
	size_t i, n = 0, key;

	if (!id)
		return;
	nb_buf_puts(&text, id);
	nb_buf_puts(&text, "keys\n");
	rels = nb_calloc(p->keys.count + 1, sizeof(*rels));
	for (i = 0; i < p->keys.cap; i++)
		if (p->keys.slots[i].key)
			rels[n++] = nb_strndup(p->keys.slots[i].key, p->keys.slots[i].len);
	nb_sort(rels, n, sizeof(*rels), nb_str_order);
	for (i = 0; i < n; i++) {
		nb_map_gets(&p->keys, rels[i], &key);
		nb_buf_printf(&text, "%016llx %s\n", (unsigned long long)key, rels[i]);
		free(rels[i]);
	}
	free(rels);
	free(id);
	if (pwrite(p->lock_fd, text.ptr, text.len, 0) != (ssize_t)text.len)
		(void)ftruncate(p->lock_fd, 0);
	nb_buf_release(&text);
}

/* The keys of the live site's files, when the lock file holds them for
 * the live folder as it is now. */
static void take_live_keys(struct nb_publish *p)
{
	struct nb_buf path = NB_BUF_INIT, text = NB_BUF_INIT;
	char *site = stamp_text(p->out, ""), *at, *line, *next;

	nb_buf_printf(&path, "%s.lock", p->out);
	if (site && nb_buf_read_file(&text, path.ptr, SIZE_MAX - 1) == 0 &&
	    (at = strstr(nb_buf_cstr(&text), site)) && strncmp(at + strlen(site), "keys\n", 5) == 0) {
		for (line = at + strlen(site) + 5; *line; line = next) {
			char *end;
			unsigned long long key;

			next = strchr(line, '\n');
			if (!next)
				break;
			*next++ = '\0';
			key = strtoull(line, &end, 16);
			if (end == line + 16 && *end == ' ' && safe_rel(end + 1))
				nb_map_sets(&p->live_keys, end + 1, (size_t)key);
		}
	}
	free(site);
	nb_buf_release(&path);
	nb_buf_release(&text);
}

int nb_publish_reuse(struct nb_publish *p, const char *rel, uint64_t key)
{
	struct nb_buf path = NB_BUF_INIT, live = NB_BUF_INIT;
	size_t had;
	int reused = 0;

	if (!nb_map_gets(&p->live_keys, rel, &had) || (uint64_t)had != key)
		return 0;
	nb_buf_printf(&path, "%s/%s", p->stage, rel);
	nb_buf_printf(&live, "%s/%s", p->out, rel);
	if (same_file(path.ptr, live.ptr) || put(p, path.ptr, live.ptr, NULL, 0, 1) == 0) {
		pthread_mutex_lock(&p->lock);
		nb_map_sets(&p->made, rel, 1);
		nb_map_sets(&p->keys, rel, (size_t)key);
		p->kept++;
		pthread_mutex_unlock(&p->lock);
		reused = 1;
	}
	nb_buf_release(&path);
	nb_buf_release(&live);
	return reused;
}

int nb_publish_write_key(struct nb_publish *p, const char *rel, const char *data, size_t len,
			 uint64_t key, struct nb_diags *diags)
{
	int rc = nb_publish_write(p, rel, data, len, diags);

	if (rc == 0) {
		pthread_mutex_lock(&p->lock);
		nb_map_sets(&p->keys, rel, (size_t)key);
		pthread_mutex_unlock(&p->lock);
	}
	return rc;
}

/* Moves the staging folder in: renamed when there is no site yet, else
 * exchanged with the live one in one atomic step, the old site taking the
 * staging folder's name, to be the next build's. */
static int swap_in(struct nb_publish *p, struct nb_diags *diags)
{
	struct stat st;

	if (lstat(p->out, &st) < 0) {
		if (errno != ENOENT)
			return io_error(p, diags, p->out, "read the output folder");
		if (flush_stage(p, diags) < 0)
			return -1;
		if (rename(p->stage, p->out) < 0)
			return io_error(p, diags, p->out, "publish the site");
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return nb_diags_add(diags, p->out, 0, "remove it or choose another --out",
				    "the output path exists and is not a folder");
	if (flush_stage(p, diags) < 0)
		return -1;
	if (syscall(SYS_renameat2, AT_FDCWD, p->stage, AT_FDCWD, p->out, RENAME_EXCHANGE) < 0)
		return io_error(p, diags, p->out, "swap the new site in");
	return 0;
}

int nb_publish_commit(struct nb_publish *p, const char *stamp, struct nb_diags *diags)
{
	drop_old_files(p);
	if (write_file_list(p, diags) < 0)
		return -1;
	/* the old stamp goes first: killed after the swap, the next build
	 * finds none and builds again rather than trust a stale one */
	if (ftruncate(p->lock_fd, 0) < 0)
		return io_error(p, diags, p->out, "clear the lock file");
	if (swap_in(p, diags) < 0)
		return -1;
	keep_stamp(p, stamp);
	return 0;
}

int nb_publish_is_current(const char *out, const char *stamp)
{
	struct nb_buf path = NB_BUF_INIT, live = NB_BUF_INIT;
	size_t len = strlen(out);
	char *want;
	int same;

	while (len > 1 && out[len - 1] == '/')
		len--;
	nb_buf_put(&path, out, len);
	want = stamp_text(nb_buf_cstr(&path), stamp);
	nb_buf_puts(&path, ".lock");
	/* the stamp and the site's identity open the file; its files' keys follow */
	same = want && nb_buf_read_file(&live, path.ptr, SIZE_MAX - 1) == 0 &&
	       strncmp(nb_buf_cstr(&live), want, strlen(want)) == 0;
	free(want);
	nb_buf_release(&path);
	nb_buf_release(&live);
	return same;
}

/* "1.2 MB", "340 kB", "512 B" */
static void put_size(struct nb_buf *b, unsigned long long bytes)
{
	if (bytes >= 1000000)
		nb_buf_printf(b, "%.1f MB", (double)bytes / 1e6);
	else if (bytes >= 1000)
		nb_buf_printf(b, "%llu kB", bytes / 1000);
	else
		nb_buf_printf(b, "%llu B", bytes);
}

void nb_publish_abandon(struct nb_publish *p, struct nb_diags *diags)
{
	struct nb_buf path = NB_BUF_INIT, live = NB_BUF_INIT, said = NB_BUF_INIT;
	unsigned long long bytes = 0;
	size_t i, files = 0;
	struct stat st;

	if (!p->stage)
		return;
	if (p->fresh) {
		/* made by this build: all of it goes */
		if (lstat(p->stage, &st) == 0 && remove_tree(p->stage) == 0)
			nb_diags_add(diags, p->stage, 0, "the live site is as it was",
				     "removed the staging folder this build had made");
		goto cleanup;
	}
	for (i = 0; i < p->made.cap; i++) {
		const struct nb_map_slot *slot = &p->made.slots[i];

		if (!slot->key)
			continue;
		nb_buf_truncate(&path, 0);
		nb_buf_truncate(&live, 0);
		nb_buf_printf(&path, "%s/", p->stage);
		nb_buf_put(&path, slot->key, slot->len);
		nb_buf_printf(&live, "%s/", p->out);
		nb_buf_put(&live, slot->key, slot->len);
		/* a link to the live file costs nothing: it stays */
		if (lstat(path.ptr, &st) < 0 || same_file(path.ptr, live.ptr))
			continue;
		if (drop_old(p, path.ptr + strlen(p->stage) + 1) == 0) {
			files++;
			bytes += (unsigned long long)st.st_blocks * 512;
		}
	}
	nb_buf_printf(&path, "%s/%s", p->stage, NB_FILE_LIST);
	remove(path.ptr); /* only this build can have written one */
	if (files) {
		nb_buf_printf(&said, "removed the %zu file%s (", files, files == 1 ? "" : "s");
		put_size(&said, bytes);
		nb_buf_puts(&said, ") this build had written there");
		nb_diags_add(diags, p->stage, 0, "the live site is as it was", "%s", said.ptr);
	}
cleanup:
	nb_buf_release(&path);
	nb_buf_release(&live);
	nb_buf_release(&said);
}

void nb_publish_release(struct nb_publish *p)
{
	if (p->lock_fd >= 0) {
		close(p->lock_fd);
		p->lock_fd = -1;
	}
	free(p->stage);
	p->stage = NULL;
	free(p->out);
	p->out = NULL;
	nb_map_release(&p->made);
	nb_map_release(&p->live_keys);
	nb_map_release(&p->keys);
	nb_buf_release(&p->old_files);
	nb_buf_release(&p->written_paths);
}
