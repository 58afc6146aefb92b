#include "fixture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "buf.h"
#include "util.h"

const char fx_site_yaml[] =
	"title: Test NOC\n"
	"base_url: https://noc.example.com/\n"
	"timezone: America/New_York\n"
	"author: Test NOC\n"
	"servers:\n"
	"  LOUIE:     {name: LOUIE, description: Exchange 2010 network}\n"
	"  LOUIECAS3: {name: LOUIECAS3, group: LOUIE}\n"
	"  SCROOGE:   {name: SCROOGE, description: Exchange 2007 mailbox server}\n";

static void die(const char *what)
{
	const git_error *e = git_error_last();

	fprintf(stderr, "fixture: %s: %s\n", what, e && e->message ? e->message : strerror(errno));
	abort();
}

void fx_repo_init(struct fx_repo *r)
{
	char tmpl[] = "/tmp/nocblog-test-XXXXXX";

	git_libgit2_init();
	if (!mkdtemp(tmpl))
		die("mkdtemp");
	r->dir = strdup(tmpl);
	if (git_repository_init(&r->repo, r->dir, 0) < 0)
		die("git init");
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void fx_repo_free(struct fx_repo *r)
{
	git_repository_free(r->repo);
	if (r->dir)
		nftw(r->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(r->dir);
	r->dir = NULL;
	r->repo = NULL;
	git_libgit2_shutdown();
}

static char *join(const char *a, const char *b)
{
	char *p = malloc(strlen(a) + strlen(b) + 2);

	sprintf(p, "%s/%s", a, b);
	return p;
}

static void make_parents(char *path)
{
	char *s;

	for (s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
}

void fx_write_bytes(struct fx_repo *r, const char *path, const char *data, size_t len)
{
	char *full = join(r->dir, path);
	FILE *f;

	make_parents(full);
	f = fopen(full, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		die(full);
	free(full);
}

void fx_write(struct fx_repo *r, const char *path, const char *text)
{
	fx_write_bytes(r, path, text, strlen(text));
}

void fx_remove(struct fx_repo *r, const char *path)
{
	char *full = join(r->dir, path);

	if (remove(full) < 0)
		die(full);
	free(full);
}

void fx_symlink(struct fx_repo *r, const char *path, const char *target)
{
	char *full = join(r->dir, path);

	make_parents(full);
	if (symlink(target, full) < 0)
		die(full);
	free(full);
}

static const char *copy_dest;
static size_t copy_from_len;
static struct fx_repo *copy_repo;

static int copy_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_F && S_ISREG(st->st_mode)) {
		char *rel = join(copy_dest, path + copy_from_len + 1);
		FILE *f = fopen(path, "rb");
		char *data = malloc((size_t)st->st_size + 1);

		if (!f || fread(data, 1, (size_t)st->st_size, f) != (size_t)st->st_size)
			die(path);
		fclose(f);
		fx_write_bytes(copy_repo, rel, data, (size_t)st->st_size);
		free(data);
		free(rel);
	}
	return 0;
}

void fx_copy_tree(struct fx_repo *r, const char *from, const char *to)
{
	char *src = join(fx_srcdir(), from);

	copy_dest = to;
	copy_from_len = strlen(src);
	copy_repo = r;
	if (nftw(src, copy_entry, 16, FTW_PHYS) < 0)
		die(src);
	free(src);
}

static void commit_index(struct fx_repo *r, git_index *index, const char *message,
			 int64_t when, int offset_min, const char *author)
{
	git_signature *sig = NULL;
	git_oid tree_id, commit_id;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	git_object *head = NULL;
	const git_commit *parents[1];
	size_t nparents = 0;

	if (git_index_write(index) < 0 || git_index_write_tree(&tree_id, index) < 0)
		die("write tree");
	if (git_tree_lookup(&tree, r->repo, &tree_id) < 0)
		die("tree lookup");
	if (git_revparse_single(&head, r->repo, "HEAD") == 0) {
		if (git_object_peel((git_object **)&parent, head, GIT_OBJECT_COMMIT) < 0)
			die("peel");
		parents[nparents++] = parent;
	}
	if (git_signature_new(&sig, author, "noc@noc.example", (git_time_t)when,
			      offset_min) < 0)
		die("signature");
	if (git_commit_create(&commit_id, r->repo, "HEAD", sig, sig, NULL, message, tree,
			      nparents, parents) < 0)
		die("commit");
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(parent);
	git_object_free(head);
}

void fx_commit(struct fx_repo *r, const char *message, int64_t when, int offset_min)
{
	fx_commit_as(r, message, when, offset_min, "Ann Operator");
}

void fx_commit_as(struct fx_repo *r, const char *message, int64_t when, int offset_min,
		  const char *author)
{
	git_index *index = NULL;

	if (git_repository_index(&index, r->repo) < 0 ||
	    git_index_add_all(index, NULL, 0, NULL, NULL) < 0 ||
	    git_index_update_all(index, NULL, NULL, NULL) < 0)
		die("index");
	commit_index(r, index, message, when, offset_min, author);
	git_index_free(index);
}

void fx_commit_gitlink(struct fx_repo *r, const char *path, int64_t when)
{
	git_index *index = NULL;
	git_index_entry entry;

	if (git_repository_index(&index, r->repo) < 0 ||
	    git_index_add_all(index, NULL, 0, NULL, NULL) < 0)
		die("index");
	memset(&entry, 0, sizeof(entry));
	entry.path = path;
	entry.mode = GIT_FILEMODE_COMMIT;
	if (git_oid_fromstr(&entry.id, "0123456789abcdef0123456789abcdef01234567") < 0 ||
	    git_index_add(index, &entry) < 0)
		die("gitlink");
	commit_index(r, index, "add a submodule", when, 0, "Ann Operator");
	git_index_free(index);
}

/* In the child: CPU seconds and memory bounded, so a runaway build ends. */
static void set_limits(size_t mem_mb, int cpu_s)
{
	struct rlimit cpu = { (rlim_t)cpu_s, (rlim_t)cpu_s };

	if (cpu_s && setrlimit(RLIMIT_CPU, &cpu) < 0)
		_exit(126);
	if (!mem_mb)
		return;
#if FX_ASAN
	{
		/* AddressSanitizer reserves terabytes of address space for its
		 * shadow, so RLIMIT_AS cannot be used: it bounds RSS itself */
		const char *old = getenv("ASAN_OPTIONS");
		char opts[512];

		snprintf(opts, sizeof(opts), "%s%shard_rss_limit_mb=%zu", old ? old : "",
			 old && *old ? ":" : "", mem_mb);
		setenv("ASAN_OPTIONS", opts, 1);
	}
#else
	{
		struct rlimit as = { (rlim_t)mem_mb << 20, (rlim_t)mem_mb << 20 };

		if (setrlimit(RLIMIT_AS, &as) < 0)
			_exit(126);
	}
#endif
}

static size_t last_rss_kb;

static int run(char **output, const char *const *args, size_t mem_mb, int cpu_s)
{
	struct rusage usage;
	const char *bin = getenv("NOCBLOG");
	size_t n = 0, alloc = 4096;
	char *buf = malloc(alloc);
	int fds[2], status;
	ssize_t got;
	pid_t pid;

	if (!bin)
		bin = "./nocblog";
	if (pipe(fds) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		const char *argv[32];
		size_t i = 0;

		argv[i++] = bin;
		while (*args && i < 31)
			argv[i++] = *args++;
		argv[i] = NULL;
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		set_limits(mem_mb, cpu_s);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while ((got = read(fds[0], buf + n, alloc - n - 1)) > 0) {
		n += (size_t)got;
		if (alloc - n < 2)
			buf = realloc(buf, alloc *= 2);
	}
	close(fds[0]);
	buf[n] = '\0';
	if (wait4(pid, &status, 0, &usage) < 0)
		die("wait4");
	last_rss_kb = (size_t)usage.ru_maxrss;
	*output = buf;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

size_t fx_last_rss_kb(void)
{
	return last_rss_kb;
}

int fx_run(char **output, const char *const *args)
{
	return run(output, args, 0, 0);
}

int fx_run_limited(char **output, const char *const *args, size_t mem_mb, int cpu_s)
{
	return run(output, args, mem_mb, cpu_s);
}

size_t fx_count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

const char *fx_srcdir(void)
{
	const char *s = getenv("SRCDIR");

	return s && *s ? s : ".";
}

int64_t fx_utc(int year, int month, int day, int hour, int minute)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	return (int64_t)timegm(&tm);
}

int64_t fx_utc_iso(const char *iso)
{
	int y, mo, d, h, mi, sec = 0;
	char z = 0;

	if (sscanf(iso, "%d-%d-%dT%d:%d:%d%c", &y, &mo, &d, &h, &mi, &sec, &z) != 7 &&
	    sscanf(iso, "%d-%d-%dT%d:%d%c", &y, &mo, &d, &h, &mi, &z) != 6)
		return -1;
	if (z != 'Z')
		return -1;
	return fx_utc(y, mo, d, h, mi) + sec;
}

int fx_git(struct fx_repo *r, int64_t when, const char *const *args)
{
	char date[64];
	pid_t pid;
	int status;

	snprintf(date, sizeof(date), "@%lld +0000", (long long)when);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		const char *argv[40];
		size_t i = 0;

		setenv("GIT_AUTHOR_NAME", "Dana Netops", 1);
		setenv("GIT_AUTHOR_EMAIL", "dana@noc.example", 1);
		setenv("GIT_COMMITTER_NAME", "Dana Netops", 1);
		setenv("GIT_COMMITTER_EMAIL", "dana@noc.example", 1);
		setenv("GIT_AUTHOR_DATE", date, 1);
		setenv("GIT_COMMITTER_DATE", date, 1);
		setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
		argv[i++] = "git";
		argv[i++] = "-C";
		argv[i++] = r->dir;
		while (*args && i < 39)
			argv[i++] = *args++;
		argv[i] = NULL;
		execvp("git", (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

char *fx_slurp(const char *path)
{
	struct nb_buf data = NB_BUF_INIT;
	char chunk[65536];
	size_t got;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	/* the buffer grows geometrically: a page of many MB stays cheap */
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		nb_buf_put(&data, chunk, got);
	fclose(f);
	return nb_buf_detach(&data);
}

char *fx_slurp_at(const char *dir, const char *rel)
{
	struct nb_buf path = NB_BUF_INIT;
	char *text;

	nb_buf_printf(&path, "%s/%s", dir, rel);
	text = fx_slurp(path.ptr);
	nb_buf_release(&path);
	return text;
}

char *fx_file_at(const char *dir, const char *rel)
{
	char *text = fx_slurp_at(dir, rel);

	if (!text)
		fail_msg("no %s/%s", dir, rel);
	return text;
}

static void walk_below(const char *dir, const char *rel,
		       void (*fn)(const char *, const char *, void *), void *payload)
{
	struct dirent **names = NULL;
	char *path = malloc(strlen(dir) + strlen(rel) + 1);
	int n, i;

	sprintf(path, "%s%s", dir, rel);
	n = scandir(path, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (strcmp(name, ".") && strcmp(name, "..")) {
			char *sub = malloc(strlen(rel) + strlen(name) + 2);
			char *full = malloc(strlen(dir) + strlen(rel) + strlen(name) + 2);
			struct stat st;

			sprintf(sub, "%s/%s", rel, name);
			sprintf(full, "%s%s", dir, sub);
			if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode))
				walk_below(dir, sub, fn, payload);
			else
				fn(sub, full, payload);
			free(sub);
			free(full);
		}
		free(names[i]);
	}
	free(names);
	free(path);
}

void fx_walk(const char *dir, void (*fn)(const char *rel, const char *full, void *payload),
	     void *payload)
{
	walk_below(dir, "", fn, payload);
}

static void add_file(const char *rel, const char *full, void *payload)
{
	char *text = fx_slurp(full);

	nb_buf_printf(payload, "== %s\n%s\n", rel, text ? text : "(unreadable)");
	free(text);
}

void fx_snapshot(const char *dir, struct nb_buf *out)
{
	fx_walk(dir, add_file, out);
}

void fx_build(struct fx_repo *r, const char *out)
{
	struct nb_buf theme = NB_BUF_INIT;
	char *text = NULL;
	int status;

	nb_buf_printf(&theme, "%s/themes/default", fx_srcdir());
	{
		const char *args[] = { "build", "--repo", r->dir, "--out", out, "--theme", theme.ptr,
				       "--quiet", NULL };

		status = fx_run(&text, args);
	}
	if (status != 0)
		fail_msg("build failed (%d): %s", status, text);
	free(text);
	nb_buf_release(&theme);
}

int fx_sh(const char *cmd, char **out)
{
	struct nb_buf text = NB_BUF_INIT;
	char chunk[4096];
	size_t got;
	FILE *p = popen(cmd, "r");
	int status;

	if (!p)
		die("popen");
	while ((got = fread(chunk, 1, sizeof(chunk), p)) > 0)
		nb_buf_put(&text, chunk, got);
	status = pclose(p);
	if (out)
		*out = nb_buf_detach(&text);
	nb_buf_release(&text);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void fx_expect_no_debris(const char *out)
{
	const char *slash = strrchr(out, '/');
	const char *base = slash ? slash + 1 : out;
	size_t n = strlen(base);
	char *dir = slash ? nb_strndup(out, (size_t)(slash - out)) : nb_strdup(".");
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		fail_msg("cannot list %s", dir);
	while ((e = readdir(d))) {
		const char *rest = e->d_name + n;

		if (strncmp(e->d_name, base, n) != 0)
			continue;
		if (*rest && strcmp(rest, ".lock") != 0 && strcmp(rest, ".stage") != 0)
			fail_msg("%s left beside %s", e->d_name, out);
	}
	closedir(d);
	free(dir);
}

#define NGINX_WAIT_SECONDS 10

int fx_nginx_start(const char *dir, const char *www, int port)
{
	struct nb_buf conf = NB_BUF_INIT, cmd = NB_BUF_INIT, url = NB_BUF_INIT;
	char *site = NULL;
	time_t end;
	pid_t pid;
	FILE *f;

	/* the server block users copy, pointed at our folder and port */
	nb_buf_printf(&cmd, "sed -e 's|listen 80;|listen 127.0.0.1:%d;|' -e 's|root /srv/noc/www;|root %s;|' "
		      "'%s/contrib/nginx.conf'", port, www, fx_srcdir());
	if (fx_sh(cmd.ptr, &site) != 0)
		fail_msg("cannot read contrib/nginx.conf");
	nb_buf_printf(&conf, "%s/nginx.conf", dir);
	f = fopen(conf.ptr, "wb");
	if (!f)
		fail_msg("cannot write %s", conf.ptr);
	fprintf(f, "daemon off;\nmaster_process off;\npid %s/nginx.pid;\nerror_log %s/error.log;\n"
		"events { worker_connections 64; }\nhttp {\ninclude /etc/nginx/mime.types;\n"
		"access_log off;\nclient_body_temp_path %s/t1;\nproxy_temp_path %s/t2;\n"
		"fastcgi_temp_path %s/t3;\nuwsgi_temp_path %s/t4;\nscgi_temp_path %s/t5;\n%s}\n",
		dir, dir, dir, dir, dir, dir, dir, site);
	fclose(f);
	free(site);
	pid = fork();
	if (pid < 0)
		fail_msg("fork");
	if (pid == 0) {
		execlp("nginx", "nginx", "-c", conf.ptr, "-p", dir, (char *)NULL);
		_exit(127);
	}
	/* wait until it answers */
	nb_buf_printf(&url, "curl -s -o /dev/null http://127.0.0.1:%d/", port);
	for (end = time(NULL) + NGINX_WAIT_SECONDS; time(NULL) < end; usleep(100000))
		if (fx_sh(url.ptr, NULL) == 0)
			break;
	nb_buf_release(&conf);
	nb_buf_release(&cmd);
	nb_buf_release(&url);
	return (int)pid;
}

void fx_nginx_stop(int pid)
{
	if (pid <= 0)
		return;
	kill((pid_t)pid, SIGTERM);
	waitpid((pid_t)pid, NULL, 0);
}

int fx_port(int offset)
{
	return 20000 + (int)((getpid() + offset) % 20000);
}

char *fx_chromium_dom(const char *url, int budget_ms)
{
	struct nb_buf cmd = NB_BUF_INIT;
	char profile[] = "/tmp/nocblog-chromium-XXXXXX";
	char *out = NULL;
	int rc;

	if (fx_sh("command -v chromium >/dev/null", NULL) != 0 || !mkdtemp(profile))
		return NULL;
	/* the flags a closed network needs: no background connections */
	nb_buf_printf(&cmd, "timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic "
		      "--no-first-run --disable-background-networking --disable-component-update "
		      "--disable-sync --user-data-dir='%s' --virtual-time-budget=%d --dump-dom '%s' "
		      "2>/dev/null; rm -rf '%s'", profile, budget_ms, url, profile);
	rc = fx_sh(cmd.ptr, &out);
	nb_buf_release(&cmd);
	if (rc != 0) {
		free(out);
		return NULL;
	}
	return out;
}

int fx_serve(void **state, void (*make)(struct fx_repo *r), int port_offset)
{
	struct fx_served *s = nb_calloc(1, sizeof(*s));
	struct nb_buf out = NB_BUF_INIT;

	make(&s->r);
	nb_buf_printf(&out, "%s/out", s->r.dir);
	s->out = out.ptr;
	fx_build(&s->r, s->out);
	s->port = fx_port(port_offset);
	s->nginx = fx_nginx_start(s->r.dir, s->out, s->port);
	*state = s;
	return 0;
}

int fx_unserve(void **state)
{
	struct fx_served *s = *state;

	fx_nginx_stop(s->nginx);
	free(s->out);
	fx_repo_free(&s->r);
	free(s);
	return 0;
}

char *fx_served_run(struct fx_served *s, const char *name, const char *html, int budget_ms)
{
	struct nb_buf path = NB_BUF_INIT, url = NB_BUF_INIT;
	const char *from, *to;
	char *dom, *text;

	nb_buf_printf(&path, "check/%s", name);
	fx_write(&(struct fx_repo){ s->out, NULL }, path.ptr, html);
	nb_buf_printf(&url, "http://127.0.0.1:%d/check/%s", s->port, name);
	dom = fx_chromium_dom(url.ptr, budget_ms);
	if (!dom)
		fail_msg("chromium could not load %s", url.ptr);
	from = strstr(dom, "<pre id=\"out\">");
	if (!from)
		fail_msg("no output in:\n%s", dom);
	from += strlen("<pre id=\"out\">");
	to = strstr(from, "</pre>");
	text = nb_strndup(from, to ? (size_t)(to - from) : strlen(from));
	free(dom);
	nb_buf_release(&path);
	nb_buf_release(&url);
	return text;
}
