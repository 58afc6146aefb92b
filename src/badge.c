#include "badge.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "map.h"
#include "model.h"
#include "publish.h"
#include "site.h"
#include "xml.h"

#define FONT "DejaVu Sans,Verdana,Geneva,sans-serif"
#define FONT_PX 11
#define PAD 6                 /* pixels each side of a text */
#define LABEL_COLOR "#555555" /* white text on it: 7.5:1 */
#define SITE_LABEL "status"

/* Advance widths of DejaVu Sans at 11 px, in tenths of a pixel rounded up,
 * for ' ' to '~' (tools/badge-widths.py reads them from the font). */
static const unsigned char ascii_width[95] = {
	35, 45, 51, 93, 70, 105, 86, 31, 43, 43, 55, 93, 35, 40, 35, 38,
	70, 70, 70, 70, 70, 70, 70, 70, 70, 70, 38, 38, 93, 93, 93, 59,
	110, 76, 76, 77, 85, 70, 64, 86, 83, 33, 33, 73, 62, 95, 83, 87,
	67, 87, 77, 70, 68, 81, 76, 109, 76, 68, 76, 43, 38, 43, 93, 55,
	55, 68, 70, 61, 70, 68, 39, 70, 70, 31, 31, 64, 31, 108, 70, 68,
	70, 70, 46, 58, 44, 70, 66, 90, 66, 66, 58, 70, 38, 70, 93,
};
/* Any other character: the widest of the table, so that a name in another
 * script is never measured narrower than it is drawn. */
#define OTHER_WIDTH 110

/* The colours of the states, each 4.5:1 or more against white text (WCAG
 * AA), and the state is written out: colour is never all it says. */
static const char *state_color(enum nb_state st)
{
	switch (st) {
	case NB_OUTAGE: return "#cf222e";
	case NB_DEGRADED: return "#9a6700";
	case NB_STATE_MAINTENANCE: return "#0969da";
	default: return "#1a7f37";
	}
}

/* shields.io's named colour for the same. */
static const char *shields_color(enum nb_state st)
{
	switch (st) {
	case NB_OUTAGE: return "red";
	case NB_DEGRADED: return "yellow";
	case NB_STATE_MAINTENANCE: return "blue";
	default: return "brightgreen";
	}
}

long nb_badge_text_width(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	long w = 0;

	for (; *p; p++) {
		if (*p >= 0x20 && *p < 0x7f)
			w += ascii_width[*p - 0x20];
		else if ((*p & 0xc0) != 0x80 && *p >= 0x80)
			w += OTHER_WIDTH; /* one per character: its first byte */
	}
	return w;
}

/* A text's box: its width rounded up to a pixel, with the padding. */
static int box(const char *text)
{
	return (int)((nb_badge_text_width(text) + 9) / 10) + 2 * PAD;
}

int nb_badge_width(const char *label, const char *message)
{
	return box(label) + box(message);
}

static void rect(xmlTextWriterPtr w, int x, int width, const char *fill)
{
	char n[16];

	xmlTextWriterStartElement(w, BAD_CAST "rect");
	snprintf(n, sizeof(n), "%d", x);
	nb_xml_attribute(w, "x", n);
	snprintf(n, sizeof(n), "%d", width);
	nb_xml_attribute(w, "width", n);
	snprintf(n, sizeof(n), "%d", NB_BADGE_HEIGHT);
	nb_xml_attribute(w, "height", n);
	nb_xml_attribute(w, "fill", fill);
	xmlTextWriterEndElement(w);
}

/* The text centred in its box, drawn at exactly its measured width
 * (textLength) whatever font the viewer has: it never leaves its box. */
static void text(xmlTextWriterPtr w, int x, const char *s)
{
	char n[32];
	long tenths = nb_badge_text_width(s);

	xmlTextWriterStartElement(w, BAD_CAST "text");
	int centre = x * 10 + box(s) * 5; /* tenths of a pixel */

	snprintf(n, sizeof(n), "%d.%d", centre / 10, centre % 10);
	nb_xml_attribute(w, "x", n);
	nb_xml_attribute(w, "y", "14");
	snprintf(n, sizeof(n), "%ld.%ld", tenths / 10, tenths % 10);
	nb_xml_attribute(w, "textLength", n);
	nb_xml_attribute(w, "lengthAdjust", "spacingAndGlyphs");
	nb_xml_text(w, s);
	xmlTextWriterEndElement(w);
}

static int write_svg(struct nb_publish *pub, const char *rel, const char *label, const char *message,
		     enum nb_state st, uint64_t key, struct nb_diags *diags)
{
	struct nb_xml x = { NULL, NULL };
	struct nb_buf said = NB_BUF_INIT;
	int lw = box(label), mw = box(message);
	char n[16];
	int rc = -1;

	nb_buf_printf(&said, "%s: %s", label, message);
	if (nb_xml_begin(&x) == 0) {
		xmlTextWriterStartElementNS(x.w, NULL, BAD_CAST "svg",
					    BAD_CAST "http://www.w3.org/2000/svg");
		snprintf(n, sizeof(n), "%d", lw + mw);
		nb_xml_attribute(x.w, "width", n);
		snprintf(n, sizeof(n), "%d", NB_BADGE_HEIGHT);
		nb_xml_attribute(x.w, "height", n);
		nb_xml_attribute(x.w, "role", "img");
		nb_xml_attribute(x.w, "aria-label", said.ptr);
		nb_xml_element(x.w, "title", said.ptr);
		rect(x.w, 0, lw, LABEL_COLOR);
		rect(x.w, lw, mw, state_color(st));
		xmlTextWriterStartElement(x.w, BAD_CAST "g");
		nb_xml_attribute(x.w, "fill", "#ffffff");
		nb_xml_attribute(x.w, "font-family", FONT);
		snprintf(n, sizeof(n), "%d", FONT_PX);
		nb_xml_attribute(x.w, "font-size", n);
		nb_xml_attribute(x.w, "text-anchor", "middle");
		text(x.w, 0, label);
		text(x.w, lw, message);
		xmlTextWriterEndElement(x.w);
		xmlTextWriterEndElement(x.w);
		rc = nb_xml_end(&x, pub, rel, key, diags);
	}
	nb_buf_release(&said);
	return rc;
}

static int write_endpoint(struct nb_publish *pub, const char *rel, const char *label,
			  const char *message, enum nb_state st, uint64_t key,
			  struct nb_diags *diags)
{
	json_t *o = json_object();

	nb_json_set(o, "schemaVersion", json_integer(1));
	nb_json_set(o, "label", nb_json_str(label));
	nb_json_set(o, "message", nb_json_str(message));
	nb_json_set(o, "color", nb_json_str(shields_color(st)));
	return nb_json_write(pub, rel, o, key, diags);
}

/* A folder's two files, each made again only when what it says changed. */
static int write_pair(const struct nb_model *m, struct nb_publish *pub, const char *dir,
		      const char *label, enum nb_state st, struct nb_diags *diags)
{
	const char *message = nb_model_state_name(st);
	uint64_t h = nb_hash_add_str(nb_hash_add64(NB_HASH_START, m->shape), "badge");
	struct nb_buf rel = NB_BUF_INIT;
	uint64_t key;
	int rc = 0;

	h = nb_hash_add64(nb_hash_add_str(h, label), (uint64_t)st);
	nb_buf_printf(&rel, "%sbadge.svg", dir);
	key = nb_hash_end(nb_hash_add_str(h, rel.ptr));
	if (!nb_publish_reuse(pub, rel.ptr, key))
		rc = write_svg(pub, rel.ptr, label, message, st, key, diags);
	nb_buf_truncate(&rel, 0);
	nb_buf_printf(&rel, "%sbadge.json", dir);
	key = nb_hash_end(nb_hash_add_str(h, rel.ptr));
	if (rc == 0 && !nb_publish_reuse(pub, rel.ptr, key))
		rc = write_endpoint(pub, rel.ptr, label, message, st, key, diags);
	nb_buf_release(&rel);
	return rc;
}

int nb_badge_write_all(const struct nb_model *m, struct nb_publish *pub, struct nb_diags *diags)
{
	size_t s;
	int rc = write_pair(m, pub, "", SITE_LABEL, m->state, diags);

	for (s = 0; s < m->server_count && rc == 0; s++)
		rc = write_pair(m, pub, m->servers[s].url, m->servers[s].server->name,
				m->servers[s].state, diags);
	return rc;
}
