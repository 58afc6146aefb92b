#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

void nb_oom(void)
{
	static const char msg[] = "nocblog: out of memory\n";

	fwrite(msg, 1, sizeof(msg) - 1, stderr);
	abort();
}

void *nb_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		nb_oom();
	return p;
}

void *nb_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		nb_oom();
	return p;
}

void *nb_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		nb_oom();
	return q;
}

void nb_grow_array(void *items, size_t *alloc, size_t need, size_t size)
{
	void **pp = items;
	size_t n = *alloc ? *alloc : 8;

	if (need <= *alloc)
		return;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size)
			nb_oom();
		n *= 2;
	}
	*pp = nb_realloc(*pp, n * size);
	*alloc = n;
}

int nb_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int nb_str_order(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void nb_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

void nb_sort_r(void *base, size_t n, size_t size,
	       int (*cmp)(const void *, const void *, void *), void *payload)
{
	if (n > 1)
		qsort_r(base, n, size, cmp, payload);
}

char *nb_strndup(const char *s, size_t n)
{
	char *p = nb_malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *nb_strdup(const char *s)
{
	return nb_strndup(s, strlen(s));
}

/* The length of the well-formed UTF-8 character at s (len > 0 bytes), and
 * its code point in *cp; 0 when it is not one. */
static size_t utf8_char(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0];
	size_t n, k;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 1, *cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2, *cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3, *cp = c & 0x07;
	else
		return 0;
	if (len <= n)
		return 0;
	for (k = 1; k <= n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[k] & 0x3f);
	}
	if ((n == 2 && *cp < 0x800) || (n == 3 && *cp < 0x10000) ||
	    *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n + 1;
}

#define NB_BYTES(b) ((uint64_t)0x0101010101010101u * (b))

static uint64_t word_at(const unsigned char *s)
{
	uint64_t w;

	memcpy(&w, s, sizeof(w));
	return w;
}

size_t nb_utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;
	unsigned cp;

	while (i < len) {
		/* ASCII, eight bytes at a time */
		while (i + 8 <= len && !(word_at(s + i) & NB_BYTES(0x80)))
			i += 8;
		if (i == len || (n = utf8_char(s + i, len - i, &cp)) == 0)
			break;
		i += n;
	}
	return i;
}

/* XML 1.0's Char production, which iCalendar's TEXT also keeps to. */
static int is_text_char(unsigned cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	return cp != 0x7f && cp != 0xfffe && cp != 0xffff;
}

/* 1 when the line at s opens with the marker: seven of it, then a space
 * or the line's end. */
static int marker_line(const char *s, const char *end, char c)
{
	int i;

	for (i = 0; i < 7; i++)
		if (s + i >= end || s[i] != c)
			return 0;
	return s + 7 == end || s[7] == ' ' || s[7] == '\n' || s[7] == '\r';
}

size_t nb_conflict_find(const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	/* "=======" is left alone: alone it underlines a heading */
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (marker_line(p, end, '<') || marker_line(p, end, '>'))
			return (size_t)(p - s);
		p = eol ? eol + 1 : end;
	}
	return len;
}

unsigned nb_bidi_code(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] != 0xe2)
		return 0;
	if (u[1] == 0x80 && u[2] >= 0xaa && u[2] <= 0xae)
		return 0x202a + (unsigned)(u[2] - 0xaa);
	if (u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9)
		return 0x2066 + (unsigned)(u[2] - 0xa6);
	return 0;
}

size_t nb_bidi_find(const char *s)
{
	const char *p;

	for (p = s; (p = strchr(p, '\xe2')); p++)
		if (nb_bidi_code(p))
			return (size_t)(p - s);
	return strlen(s);
}

char *nb_utf8_clean(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str), i = 0, o = 0, n;
	char *out = nb_malloc(len * 3 + 1); /* a byte grows to U+FFFD at most */
	unsigned cp;

	while (i < len) {
		n = utf8_char(s + i, len - i, &cp);
		if (n && is_text_char(cp)) {
			memcpy(out + o, str + i, n);
			o += n;
			i += n;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i += n ? n : 1;
		}
	}
	out[o] = '\0';
	return out;
}

size_t nb_control_find(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, end;

	while (i < len) {
		/* eight bytes at a time past words with no byte below 0x20 (the
		 * test has no false negatives); byte by byte through the others */
		if (i + 8 <= len) {
			uint64_t w = word_at(u + i);

			if (!((w - NB_BYTES(0x20)) & ~w & NB_BYTES(0x80))) {
				i += 8;
				continue;
			}
		}
		for (end = i + 8 < len ? i + 8 : len; i < end; i++)
			if (u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' && u[i] != '\r')
				return i;
	}
	return len;
}

int nb_line_of(const char *s, size_t offset)
{
	int line = 1;
	size_t i;

	for (i = 0; i < offset; i++)
		if (s[i] == '\n')
			line++;
	return line;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int nb_ascii_casecmp(const char *a, const char *b)
{
	while (*a && lower((unsigned char)*a) == lower((unsigned char)*b))
		a++, b++;
	return lower((unsigned char)*a) - lower((unsigned char)*b);
}

int nb_ascii_ncasecmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		int d = lower((unsigned char)*a) - lower((unsigned char)*b);

		if (d || !*a)
			return d;
	}
	return 0;
}

const char *nb_plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

#define NB_SUGGEST_MAXLEN 64

size_t nb_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t rows[3][NB_SUGGEST_MAXLEN + 1];
	size_t *two = rows[0], *prev = rows[1], *row = rows[2], *spare;

	if (la > NB_SUGGEST_MAXLEN || lb > NB_SUGGEST_MAXLEN)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned char ca = lower((unsigned char)a[i - 1]);

		spare = two;
		two = prev;
		prev = row;
		row = spare;
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned char cb = lower((unsigned char)b[j - 1]);
			size_t best = prev[j - 1] + (ca != cb);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			/* two letters swapped ("titel") is one slip, not two */
			if (i > 1 && j > 1 && ca == lower((unsigned char)b[j - 2]) &&
			    lower((unsigned char)a[i - 2]) == cb && two[j - 2] + 1 < best)
				best = two[j - 2] + 1;
			row[j] = best;
		}
	}
	return row[lb];
}

const char *nb_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, i, limit;

	limit = strlen(word) / 3 + 1;
	if (limit > 4)
		limit = 4;
	for (i = 0; i < n; i++) {
		size_t d = nb_edit_distance(word, candidates[i]);

		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

int nb_self_path(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);

	if (n <= 0 || (size_t)n >= size - 1)
		return -1;
	buf[n] = '\0';
	return 0;
}

int nb_make_dirs(char *path, size_t from)
{
	char *s;

	for (s = strchr(path + from, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return 0;
}

int nb_write_file(const char *path, const char *data, size_t len, unsigned mode, int replace)
{
	size_t n = strlen(path) + 32;
	char *tmp = nb_malloc(n);
	FILE *f = NULL;
	int fd = -1, rc = -1, saved;

	snprintf(tmp, n, "%s.tmp-%ld", path, (long)getpid());
	unlink(tmp); /* left by a killed process of the same id */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
	if (fd < 0 || !(f = fdopen(fd, "wb")))
		goto cleanup;
	fd = -1;
	if ((len && fwrite(data, 1, len, f) != len) || fflush(f) != 0 || ferror(f))
		goto cleanup;
	saved = fclose(f);
	f = NULL;
	if (saved != 0)
		goto cleanup;
	if (replace)
		rc = rename(tmp, path);
	else
		rc = renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
cleanup:
	saved = errno;
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	errno = saved;
	return rc;
}
