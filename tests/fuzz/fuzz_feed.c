/*
 * Fuzzes the feed writer (src/feed.c) with hostile text where git and
 * site.yaml can put it: titles, server names, commit authors, paths,
 * bodies and updates holding control characters, invalid UTF-8, "]]>",
 * markup and NUL bytes (which end a C string, as they would in git).
 *
 * The input is a list of fields separated by 0x1e (record separator):
 *
 *     site title, base_url, site author, server 1 name, server 2 name,
 *     withdrawn title, withdrawn author, withdrawn path,
 *     then per notice: title, file name, author, body,
 *         then (update text, update author) pairs until an empty field.
 *
 * The feeds are written as a build writes them, into a staging folder,
 * and then checked as a subscriber's software would read them: every Atom
 * and RSS file must be well-formed, namespace-correct XML (libxml2), and
 * every calendar must be folded, CRLF-ended lines of at most 75 octets
 * with no raw control character and valid UTF-8.  A broken file abort()s.
 */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "buf.h"
#include "content.h"
#include "diag.h"
#include "feed.h"
#include "model.h"
#include "publish.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP '\x1e'
#define MAX_NOTICES 8
#define MAX_UPDATES 16
#define T0 ((int64_t)1286704800) /* 2010-10-10T10:00Z */

static char *work_dir; /* holds the output folder and its lock */

/* ---- the input as fields ---- */

struct fields {
	const char *p, *end;
	int done;
};

/* The next field as a C string (a NUL inside ends it); "" past the end. */
static char *next_field(struct fields *f)
{
	const char *sep;
	char *s;

	if (f->p >= f->end) {
		f->done = 1;
		return nb_strdup("");
	}
	sep = memchr(f->p, SEP, (size_t)(f->end - f->p));
	if (!sep)
		sep = f->end;
	s = nb_strndup(f->p, (size_t)(sep - f->p));
	f->p = sep + 1;
	return s;
}

/* ---- the content a history walk would have produced ---- */

static void add_server(struct nb_site *site, const char *id, char *name, const char *group)
{
	struct nb_server *sv = &site->servers[site->server_count++];

	sv->id = nb_strdup(id);
	sv->name = name;
	sv->group = group ? nb_strdup(group) : NULL;
	sv->description = NULL;
}

static void load_site(struct nb_content *c, struct fields *f)
{
	struct nb_site *site = &c->site;
	struct nb_buf b = NB_BUF_INIT;
	const char *p;
	char *url;

	site->title = next_field(f);
	url = next_field(f);
	/* site.yaml refuses anything but http(s) and blanks, and adds the
	 * final '/' */
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		nb_buf_puts(&b, "https://");
	for (p = url; *p; p++)
		if ((unsigned char)*p > ' ' && *p != 0x7f)
			nb_buf_putc(&b, *p);
	if (!b.len || b.ptr[b.len - 1] != '/')
		nb_buf_putc(&b, '/');
	free(url);
	site->base_url = nb_buf_detach(&b);
	site->author = next_field(f);
	site->timezone = nb_strdup("America/New_York");
	site->feed_entries = NB_FEED_ENTRIES;
	site->feed_updates = NB_FEED_UPDATES;
	site->tombstone_days = NB_TOMBSTONE_DAYS;
	site->servers = nb_calloc(2, sizeof(*site->servers));
	add_server(site, "S1", next_field(f), NULL);
	add_server(site, "S2.b-c_d", next_field(f), "S1");
}

static void load_withdrawn(struct nb_content *c, struct fields *f)
{
	struct nb_withdrawn *w = nb_calloc(1, sizeof(*w));
	char *name;

	w->title = next_field(f);
	w->author = next_field(f);
	name = next_field(f);
	w->path = nb_strdup(name);
	w->first_path = name;
	w->added = T0 - 86400;
	w->withdrawn = T0;
	/* its last version: maintenance on a member, cancelled by the withdrawal */
	w->notice = nb_calloc(1, sizeof(*w->notice));
	w->notice->title = nb_strdup(w->title);
	w->notice->path = nb_strdup(w->path);
	w->notice->kind = NB_MAINTENANCE;
	w->notice->status = NB_SCHEDULED;
	w->notice->servers = nb_calloc(1, sizeof(*w->notice->servers));
	w->notice->servers[w->notice->server_count++] = nb_strdup("S2.b-c_d");
	w->notice->has_window = 1;
	w->notice->window_start = T0 + 3600;
	w->notice->window_end = T0 + 7200;
	w->window_changes = 1;
	c->withdrawn = w;
	c->withdrawn_count = 1;
}

static void load_updates(struct nb_notice *n, struct fields *f)
{
	size_t alloc = 0;

	while (n->update_count < MAX_UPDATES && !f->done) {
		char *text = next_field(f);
		struct nb_update *u;

		if (!*text) {
			free(text);
			break;
		}
		nb_grow_array(&n->updates, &alloc, n->update_count + 1, sizeof(*n->updates));
		u = &n->updates[n->update_count++];
		memset(u, 0, sizeof(*u));
		u->markdown = text;
		u->author = next_field(f);
		u->stamp_text = nb_strdup("");
		u->day_floor = INT64_MIN;
		u->time = n->published + (int64_t)n->update_count * 600;
		u->source = NB_TIME_COMMIT;
		/* two updates per commit, so ids count within a commit */
		snprintf(u->commit, sizeof(u->commit), "%040zx", n->update_count / 2);
		if (strlen(text) % 2) {
			u->edited = u->time + 60;
			u->edited_by = nb_strdup(u->author);
		}
	}
}

static void load_notice(struct nb_notice *n, size_t k, struct fields *f)
{
	char *name;
	struct nb_buf path = NB_BUF_INIT;

	memset(n, 0, sizeof(*n));
	n->title = next_field(f);
	name = next_field(f);
	nb_buf_printf(&path, "content/2010/%zu-%s.md", k, name);
	free(name);
	n->path = nb_buf_detach(&path);
	n->first_path = nb_strdup(n->path);
	n->slug = nb_notice_slug(n->path);
	n->author = next_field(f);
	n->body = next_field(f);
	n->servers = nb_calloc(2, sizeof(*n->servers));
	n->servers[n->server_count++] = nb_strdup(k % 2 ? "S1" : "S2.b-c_d");
	if (k % 3 == 0)
		n->servers[n->server_count++] = nb_strdup("S1");
	n->kind = k % 2 ? NB_MAINTENANCE : NB_INCIDENT;
	n->status = (enum nb_status)(n->kind == NB_MAINTENANCE ? NB_SCHEDULED + k % 3 : k % 4);
	n->has_status = 1;
	n->severity = (enum nb_severity)(k % 4);
	n->published = n->added = T0 + (int64_t)k * 86400;
	n->published_source = NB_TIME_COMMIT;
	if (n->kind == NB_MAINTENANCE) {
		n->has_window = 1;
		n->window_start = n->published + 3600;
		n->window_end = n->published + 7200;
		n->window_changes = k;
		n->window_moves = nb_calloc(k + 1, sizeof(*n->window_moves));
		for (size_t i = 0; i < k; i++)
			n->window_moves[i] = (struct nb_window_move){
				n->published + (int64_t)i * 60, nb_strdup(n->author ? n->author : ""),
				n->window_start - 3600, n->window_end - 3600, n->window_start,
				n->window_end };
	}
	load_updates(n, f);
}

static void load_content(struct nb_content *c, const uint8_t *data, size_t size)
{
	struct fields f = { (const char *)data, (const char *)data + size, 0 };

	memset(c, 0, sizeof(*c));
	c->commit_time = T0 + 30 * 86400;
	load_site(c, &f);
	load_withdrawn(c, &f);
	c->notices = nb_calloc(MAX_NOTICES, sizeof(*c->notices));
	while (c->count < MAX_NOTICES && !f.done) {
		load_notice(&c->notices[c->count], c->count, &f);
		c->count++;
	}
}

static void remove_work_dir(void);

/* Reports a broken feed and stops, leaving no temporary files behind
 * unless NOCBLOG_FUZZ_KEEP is set (to read the feed). */
static _Noreturn void broken(const char *path, size_t line, const char *what)
{
	fprintf(stderr, "fuzz_feed: %s:%zu: %s\n", path, line, what);
	if (!getenv("NOCBLOG_FUZZ_KEEP"))
		remove_work_dir();
	abort();
}

/* ---- what subscribers read ---- */

static char *slurp(const char *path, size_t *len)
{
	struct nb_buf b = NB_BUF_INIT;
	char chunk[65536];
	FILE *fp = fopen(path, "rb");
	size_t got;

	if (!fp)
		broken(path, 0, "not written");
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		nb_buf_put(&b, chunk, got);
	fclose(fp);
	*len = b.len;
	return nb_buf_detach(&b);
}

static void check_xml(const char *path)
{
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	size_t len;
	char *text = slurp(path, &len);
	xmlDocPtr doc;

	doc = xmlCtxtReadMemory(ctxt, text, (int)len, path, NULL, XML_PARSE_NONET);
	if (!doc || !ctxt->wellFormed || !ctxt->nsWellFormed)
		broken(path, 0, "not well-formed XML");
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	free(text);
}

/* RFC 5545 3.1: CRLF line ends, lines of at most 75 octets, folded lines
 * start with a space or tab; 3.3.11: no control character but HTAB. */
static void check_line(const char *path, const char *line, size_t len, size_t no)
{
	size_t i;

	if (len > 75)
		broken(path, no, "line longer than 75 octets");
	if (no == 1 && (len == 0 || line[0] == ' ' || line[0] == '\t'))
		broken(path, no, "the first line is empty or folded");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			broken(path, no, "raw control character");
	}
}

static void check_ics(const char *path)
{
	size_t len, at = 0, no = 0;
	char *text = slurp(path, &len);

	if (nb_utf8_check(text, len) != len)
		broken(path, 0, "not UTF-8");
	while (at < len) {
		const char *lf = memchr(text + at, '\n', len - at);
		size_t end;

		if (!lf || lf == text + at || lf[-1] != '\r')
			broken(path, no + 1, "line not ended by CRLF");
		end = (size_t)(lf - text) - 1;
		check_line(path, text + at, end - at, ++no);
		at = end + 2;
	}
	if (strncmp(text, "BEGIN:VCALENDAR\r\n", 17) != 0)
		broken(path, 1, "not a calendar");
	free(text);
}

static void check_folder(const char *stage, const char *dir)
{
	static const char *const xml_files[] = { "atom.xml", "rss.xml", "updates.xml" };
	struct nb_buf path = NB_BUF_INIT;
	size_t i;

	for (i = 0; i < NB_ARRAY_LEN(xml_files); i++) {
		nb_buf_truncate(&path, 0);
		nb_buf_printf(&path, "%s/%s%s", stage, dir, xml_files[i]);
		check_xml(path.ptr);
	}
	nb_buf_truncate(&path, 0);
	nb_buf_printf(&path, "%s/%smaintenance.ics", stage, dir);
	check_ics(path.ptr);
	nb_buf_release(&path);
}

/* ---- the target ---- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_work_dir(void)
{
	if (work_dir)
		nftw(work_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(work_dir);
	work_dir = NULL;
}

static void silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	struct nb_buf dir = NB_BUF_INIT;

	(void)argc;
	(void)argv;
	nb_buf_printf(&dir, "%s/nocblog-fuzz-feed-XXXXXX", tmp);
	if (!mkdtemp(dir.ptr))
		abort();
	work_dir = nb_buf_detach(&dir);
	atexit(remove_work_dir);
	xmlSetGenericErrorFunc(NULL, silent);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nb_publish pub = NB_PUBLISH_INIT;
	struct nb_diags diags = NB_DIAGS_INIT;
	struct nb_buf out = NB_BUF_INIT;
	struct nb_content c;
	struct nb_model m;

	load_content(&c, data, size);
	nb_model_build(&m, &c);
	nb_buf_printf(&out, "%s/out", work_dir);
	if (nb_publish_begin(&pub, out.ptr, &diags) < 0 ||
	    nb_feed_write_all(&m, "themes/default", &pub, &diags) < 0) /* hostile text is no reason to fail */
		broken(diags.count ? diags.items[0].message : "?", 0, "the build failed");
	check_folder(pub.stage, "");
	check_folder(pub.stage, "servers/S1/");
	check_folder(pub.stage, "servers/S2.b-c_d/");
	nb_publish_release(&pub);
	nb_model_release(&m);
	nb_content_release(&c);
	nb_buf_release(&out);
	nb_diags_clear(&diags);
	return 0;
}
