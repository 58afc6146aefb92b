/*
 * xml: the XML files nocblog writes (feeds, the sitemap) through
 * libxml2's writer: a document begun in memory, indented, then published
 * whole.  Every piece of text goes out through nb_xml_element,
 * nb_xml_attribute or nb_xml_text: libxml2 escapes markup but passes
 * control characters and broken UTF-8 through (a commit author, a YAML
 * "\x01", a file name), which would make the whole file unreadable; they
 * are replaced with U+FFFD there.
 */
#ifndef NB_XML_H
#define NB_XML_H

#include <libxml/xmlwriter.h>
#include <stdint.h>

struct nb_buf;
struct nb_diags;
struct nb_publish;

struct nb_xml {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
};

/* Begins a document (UTF-8, indented by two spaces); 0, or -1. */
int nb_xml_begin(struct nb_xml *x);
/* Ends it and publishes it at rel, made from inputs key identifies
 * (nb_publish_write_key); frees x.  0, or -1 with a problem. */
int nb_xml_end(struct nb_xml *x, struct nb_publish *pub, const char *rel, uint64_t key,
	       struct nb_diags *diags);
/* The same, with the text of elements (nb_xml_fragment) put in before the
 * last line of the document that begins with before ("</feed>"): the
 * document the writer would have made had they been written in it. */
int nb_xml_end_with(struct nb_xml *x, const char *before, const struct nb_buf *elements,
		    struct nb_publish *pub, const char *rel, uint64_t key,
		    struct nb_diags *diags);

/* Appends to out one element as the writer of a document writes it depth
 * elements deep: its lines, indented, each ended.  write writes it.  0, or
 * -1 (out untouched). */
int nb_xml_fragment(struct nb_buf *out, int depth,
		    void (*write)(xmlTextWriterPtr w, const void *arg), const void *arg);

void nb_xml_element(xmlTextWriterPtr w, const char *name, const char *text);
void nb_xml_attribute(xmlTextWriterPtr w, const char *name, const char *value);
void nb_xml_text(xmlTextWriterPtr w, const char *text);
/* Appends text to out as HTML or XML character data (& < > " escaped). */
void nb_xml_escape_into(struct nb_buf *out, const char *text);

#endif
