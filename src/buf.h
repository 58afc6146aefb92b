/* buf: the one growable byte buffer.  Always NUL-terminated. */
#ifndef NB_BUF_H
#define NB_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct nb_buf {
	char *ptr;   /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t alloc;
};

#define NB_BUF_INIT { NULL, 0, 0 }

void nb_buf_grow(struct nb_buf *b, size_t extra);
void nb_buf_put(struct nb_buf *b, const void *data, size_t len);
void nb_buf_puts(struct nb_buf *b, const char *s);
void nb_buf_putc(struct nb_buf *b, char c);
void nb_buf_printf(struct nb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nb_buf_vprintf(struct nb_buf *b, const char *fmt, va_list ap);
void nb_buf_truncate(struct nb_buf *b, size_t len);
/* Appends s percent-encoded (RFC 3986): every byte but letters, digits,
 * "-._~" and those in keep as %XX. */
void nb_buf_put_percent(struct nb_buf *b, const char *s, const char *keep);
/* The contents, "" when empty; owned by the buffer. */
const char *nb_buf_cstr(const struct nb_buf *b);
/* Hands the contents to the caller (free() it) and resets the buffer. */
char *nb_buf_detach(struct nb_buf *b);
/* Appends the bytes of the file at path, at most max + 1 of them (so a file
 * over max reads as longer than max).  0, or -1 with errno set when the
 * file cannot be opened or read. */
int nb_buf_read_file(struct nb_buf *b, const char *path, size_t max);
void nb_buf_release(struct nb_buf *b);

#endif
