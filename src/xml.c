#include "xml.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "publish.h"
#include "util.h"

/* A buffer that grows by doubling: a feed (or an entry with a thread of
 * thousands of updates) of megabytes grows in a few steps, not thousands */
static xmlBufferPtr new_buffer(void)
{
	xmlBufferPtr buf = xmlBufferCreate();

	if (buf)
		xmlBufferSetAllocationScheme(buf, XML_BUFFER_ALLOC_DOUBLEIT);
	return buf;
}

int nb_xml_begin(struct nb_xml *x)
{
	x->buf = new_buffer();
	x->w = x->buf ? xmlNewTextWriterMemory(x->buf, 0) : NULL;
	if (!x->w)
		return -1;
	xmlTextWriterSetIndent(x->w, 1);
	xmlTextWriterSetIndentString(x->w, BAD_CAST "  ");
	return xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0 ? -1 : 0;
}

/* Where the last line beginning (after its indentation) with before
 * starts in text, or NULL. */
static const char *last_line(const char *text, size_t len, const char *before)
{
	const char *p = text + len;

	while (p > text) {
		const char *line = p - 1;

		while (line > text && line[-1] != '\n')
			line--;
		if (strncmp(line + strspn(line, " "), before, strlen(before)) == 0)
			return line;
		p = line;
	}
	return NULL;
}

int nb_xml_end(struct nb_xml *x, struct nb_publish *pub, const char *rel, uint64_t key,
	       struct nb_diags *diags)
{
	return nb_xml_end_with(x, NULL, NULL, pub, rel, key, diags);
}

int nb_xml_end_with(struct nb_xml *x, const char *before, const struct nb_buf *elements,
		    struct nb_publish *pub, const char *rel, uint64_t key,
		    struct nb_diags *diags)
{
	int rc = -1;

	if (x->w && xmlTextWriterEndDocument(x->w) >= 0) {
		const char *text = (const char *)xmlBufferContent(x->buf);
		size_t len = (size_t)xmlBufferLength(x->buf);
		const char *at = before ? last_line(text, len, before) : NULL;

		xmlFreeTextWriter(x->w);
		x->w = NULL;
		if (at && elements && elements->len) {
			struct nb_buf whole = NB_BUF_INIT;

			nb_buf_put(&whole, text, (size_t)(at - text));
			nb_buf_put(&whole, elements->ptr, elements->len);
			nb_buf_put(&whole, at, len - (size_t)(at - text));
			rc = nb_publish_write_key(pub, rel, whole.ptr, whole.len, key, diags);
			nb_buf_release(&whole);
		} else if (before && !at) {
			nb_diags_add(diags, rel, 0, "this is a bug in nocblog; please report it",
				     "the feed has no %s line", before);
		} else {
			rc = nb_publish_write_key(pub, rel, text, len, key, diags);
		}
	} else {
		nb_diags_add(diags, rel, 0, "this is a bug in nocblog; please report it",
			     "cannot write the feed");
	}
	if (x->w)
		xmlFreeTextWriter(x->w);
	if (x->buf)
		xmlBufferFree(x->buf);
	return rc;
}

/*
 * Every piece of text goes out through these three.  libxml2's writer
 * escapes markup but passes control characters and broken UTF-8 (a commit
 * author, a YAML "\x01", a file name) through, which would make the whole
 * feed unreadable: they are replaced here.
 */
void nb_xml_element(xmlTextWriterPtr w, const char *name, const char *text)
{
	char *clean = nb_utf8_clean(text);

	xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST clean);
	free(clean);
}

void nb_xml_attribute(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *clean = nb_utf8_clean(value);

	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST clean);
	free(clean);
}

void nb_xml_text(xmlTextWriterPtr w, const char *text)
{
	char *clean = nb_utf8_clean(text);

	xmlTextWriterWriteString(w, BAD_CAST clean);
	free(clean);
}

int nb_xml_fragment(struct nb_buf *out, int depth,
		    void (*write)(xmlTextWriterPtr w, const void *arg), const void *arg)
{
	xmlBufferPtr buf = new_buffer();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	const char *text, *p;
	int i, rc = -1;

	if (!w)
		goto cleanup;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	/* as deep as in the document: "<x>\n  <x>\n    <entry>..." */
	for (i = 0; i < depth; i++)
		xmlTextWriterStartElement(w, BAD_CAST "x");
	write(w, arg);
	if (xmlTextWriterFlush(w) < 0)
		goto cleanup;
	text = (const char *)xmlBufferContent(buf);
	for (p = text, i = 0; p && i < depth; i++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (p) {
		nb_buf_puts(out, p);
		rc = 0;
	}
cleanup:
	if (w)
		xmlFreeTextWriter(w);
	if (buf)
		xmlBufferFree(buf);
	return rc;
}

void nb_xml_escape_into(struct nb_buf *out, const char *text)
{
	char *esc = (char *)xmlEncodeSpecialChars(NULL, BAD_CAST text);

	nb_buf_puts(out, esc ? esc : "");
	xmlFree(esc);
}
