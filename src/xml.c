#include "xml.h"

#include <stdlib.h>

#include "diag.h"
#include "publish.h"
#include "util.h"

int nb_xml_begin(struct nb_xml *x)
{
	x->buf = xmlBufferCreate();
	if (x->buf) /* doubling: a feed of megabytes grows in a few steps, not thousands */
		xmlBufferSetAllocationScheme(x->buf, XML_BUFFER_ALLOC_DOUBLEIT);
	x->w = x->buf ? xmlNewTextWriterMemory(x->buf, 0) : NULL;
	if (!x->w)
		return -1;
	xmlTextWriterSetIndent(x->w, 1);
	xmlTextWriterSetIndentString(x->w, BAD_CAST "  ");
	return xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0 ? -1 : 0;
}

int nb_xml_end(struct nb_xml *x, struct nb_publish *pub, const char *rel, uint64_t key,
	       struct nb_diags *diags)
{
	int rc = -1;

	if (x->w && xmlTextWriterEndDocument(x->w) >= 0) {
		xmlFreeTextWriter(x->w);
		x->w = NULL;
		rc = nb_publish_write_key(pub, rel, (const char *)xmlBufferContent(x->buf),
					  (size_t)xmlBufferLength(x->buf), key, diags);
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
