#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

int nb_diags_add(struct nb_diags *d, const char *path, int line,
		 const char *hint, const char *fmt, ...)
{
	struct nb_buf msg = NB_BUF_INIT;
	struct nb_diag *item;
	va_list ap;

	va_start(ap, fmt);
	nb_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	nb_grow_array(&d->items, &d->alloc, d->count + 1, sizeof(*d->items));
	item = &d->items[d->count++];
	item->path = path ? nb_strdup(path) : NULL;
	item->line = line;
	item->message = nb_buf_detach(&msg);
	item->hint = hint ? nb_strdup(hint) : NULL;
	return -1;
}

static int diag_cmp(const struct nb_diag *a, const struct nb_diag *b)
{
	int c;

	if (!a->path || !b->path)
		c = (a->path != NULL) - (b->path != NULL);
	else
		c = strcmp(a->path, b->path);
	if (c)
		return c;
	return (a->line > b->line) - (a->line < b->line);
}

static int diag_ptr_cmp(const void *a, const void *b)
{
	const struct nb_diag *const *x = a, *const *y = b;
	int c = diag_cmp(*x, *y);

	/* equal keys keep their order: the pointers still point into the
	 * unsorted array */
	return c ? c : (*x > *y) - (*x < *y);
}

void nb_diags_sort(struct nb_diags *d)
{
	struct nb_diag **order, *sorted;
	size_t i;

	if (d->count < 2)
		return;
	order = nb_calloc(d->count, sizeof(*order));
	for (i = 0; i < d->count; i++)
		order[i] = &d->items[i];
	nb_sort(order, d->count, sizeof(*order), diag_ptr_cmp);
	sorted = nb_calloc(d->count, sizeof(*sorted));
	for (i = 0; i < d->count; i++)
		sorted[i] = *order[i];
	memcpy(d->items, sorted, d->count * sizeof(*sorted));
	free(sorted);
	free(order);
}

char *nb_diag_format(const struct nb_diag *diag)
{
	struct nb_buf b = NB_BUF_INIT;

	if (diag->path) {
		nb_buf_puts(&b, diag->path);
		if (diag->line > 0)
			nb_buf_printf(&b, ":%d", diag->line);
		nb_buf_puts(&b, ": ");
	}
	nb_buf_puts(&b, diag->message);
	if (diag->hint)
		nb_buf_printf(&b, " \u2014 %s", diag->hint);
	return nb_buf_detach(&b);
}

void nb_diags_clear(struct nb_diags *d)
{
	size_t i;

	for (i = 0; i < d->count; i++) {
		free(d->items[i].path);
		free(d->items[i].message);
		free(d->items[i].hint);
	}
	free(d->items);
	d->items = NULL;
	d->count = d->alloc = 0;
}

void nb_diags_move(struct nb_diags *to, struct nb_diags *from)
{
	if (!from->count)
		return;
	nb_grow_array(&to->items, &to->alloc, to->count + from->count, sizeof(*to->items));
	memcpy(to->items + to->count, from->items, from->count * sizeof(*from->items));
	to->count += from->count;
	free(from->items);
	from->items = NULL;
	from->count = from->alloc = 0;
}

void nb_diags_text(struct nb_buf *out, struct nb_diags *d)
{
	char *prev = NULL;
	size_t i;

	nb_diags_sort(d);
	for (i = 0; i < d->count; i++) {
		char *line = nb_diag_format(&d->items[i]);

		if (!prev || strcmp(prev, line) != 0)
			nb_buf_printf(out, "%s\n", line);
		free(prev);
		prev = line;
	}
	free(prev);
}
