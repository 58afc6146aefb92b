#include "buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void nb_buf_grow(struct nb_buf *b, size_t extra)
{
	size_t need, alloc;

	if (extra > SIZE_MAX - b->len - 1)
		nb_oom();
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return;
	alloc = b->alloc ? b->alloc : 64;
	while (alloc < need)
		alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
	b->ptr = nb_realloc(b->ptr, alloc);
	b->alloc = alloc;
}

void nb_buf_put(struct nb_buf *b, const void *data, size_t len)
{
	nb_buf_grow(b, len);
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void nb_buf_puts(struct nb_buf *b, const char *s)
{
	nb_buf_put(b, s, strlen(s));
}

void nb_buf_putc(struct nb_buf *b, char c)
{
	nb_buf_put(b, &c, 1);
}

void nb_buf_vprintf(struct nb_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	/* one pass when it fits in the room there is, which it mostly does */
	nb_buf_grow(b, 64);
	va_copy(cp, ap);
	n = vsnprintf(b->ptr + b->len, b->alloc - b->len, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->ptr[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->alloc - b->len) {
		nb_buf_grow(b, (size_t)n);
		vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void nb_buf_printf(struct nb_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nb_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void nb_buf_truncate(struct nb_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->ptr[len] = '\0';
	}
}

const char *nb_buf_cstr(const struct nb_buf *b)
{
	return b->ptr ? b->ptr : "";
}

char *nb_buf_detach(struct nb_buf *b)
{
	char *p = b->ptr ? b->ptr : nb_strdup("");

	/* kept strings (notice texts, HTML) would keep up to twice their size */
	if (b->ptr && b->alloc - b->len > 64)
		p = nb_realloc(p, b->len + 1);
	b->ptr = NULL;
	b->len = b->alloc = 0;
	return p;
}

void nb_buf_release(struct nb_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->alloc = 0;
}

int nb_buf_read_file(struct nb_buf *b, const char *path, size_t max)
{
	char chunk[65536];
	size_t got, want, start = b->len;
	FILE *f = fopen(path, "rb");
	int err;

	if (!f)
		return -1;
	while ((want = max + 1 - (b->len - start)) > 0 &&
	       (got = fread(chunk, 1, want < sizeof(chunk) ? want : sizeof(chunk), f)) > 0)
		nb_buf_put(b, chunk, got);
	err = ferror(f) ? EIO : 0;
	fclose(f);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

void nb_buf_put_percent(struct nb_buf *b, const char *s, const char *keep)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p) || strchr(keep, *p))
			nb_buf_putc(b, (char)*p);
		else
			nb_buf_printf(b, "%%%02X", *p);
	}
}
