#include "badge.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "avail.h"
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
 * for U+0020 to U+024F: ASCII and the Latin letters of European languages
 * (tools/badge-widths.py reads them from the font). */
#define TABLE_FIRST 0x20
#define TABLE_END 0x250
static const unsigned char widths[TABLE_END - TABLE_FIRST] = {
	35, 45, 51, 93, 70, 105, 86, 31, 43, 43, 55, 93, 35, 40, 35, 38,
	70, 70, 70, 70, 70, 70, 70, 70, 70, 70, 38, 38, 93, 93, 93, 59,
	110, 76, 76, 77, 85, 70, 64, 86, 83, 33, 33, 73, 62, 95, 83, 87,
	67, 87, 77, 70, 68, 81, 76, 109, 76, 68, 76, 43, 38, 43, 93, 55,
	55, 68, 70, 61, 70, 68, 39, 70, 70, 31, 31, 64, 31, 108, 70, 68,
	70, 70, 46, 58, 44, 70, 66, 90, 66, 66, 58, 70, 38, 70, 93, 67,
	67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67,
	67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67,
	35, 45, 70, 70, 70, 70, 38, 55, 55, 110, 52, 68, 93, 40, 110, 55,
	55, 93, 45, 45, 55, 70, 70, 35, 55, 45, 52, 68, 107, 107, 107, 59,
	76, 76, 76, 76, 76, 76, 108, 77, 70, 70, 70, 70, 33, 33, 33, 33,
	86, 83, 87, 87, 87, 87, 87, 93, 87, 81, 81, 81, 81, 68, 67, 70,
	68, 68, 68, 68, 68, 68, 109, 61, 68, 68, 68, 68, 31, 31, 31, 31,
	68, 70, 68, 68, 68, 68, 68, 93, 68, 70, 70, 70, 70, 66, 70, 66,
	76, 68, 76, 68, 76, 68, 77, 61, 77, 61, 77, 61, 77, 61, 85, 70,
	86, 70, 70, 68, 70, 68, 70, 68, 70, 68, 70, 68, 86, 70, 86, 70,
	86, 70, 86, 70, 83, 70, 101, 77, 33, 31, 33, 31, 33, 31, 33, 31,
	33, 31, 65, 62, 33, 31, 73, 64, 64, 62, 31, 62, 31, 62, 42, 62,
	38, 62, 32, 83, 70, 83, 70, 83, 70, 90, 83, 70, 87, 68, 87, 68,
	87, 68, 118, 113, 77, 46, 77, 46, 77, 46, 70, 58, 70, 58, 70, 58,
	70, 58, 68, 44, 68, 44, 68, 44, 81, 70, 81, 70, 81, 70, 81, 70,
	81, 70, 81, 70, 109, 90, 68, 66, 68, 76, 58, 76, 58, 76, 58, 39,
	70, 81, 76, 70, 76, 70, 78, 77, 61, 86, 91, 76, 70, 68, 70, 87,
	68, 64, 39, 86, 76, 109, 39, 33, 83, 64, 31, 66, 108, 83, 70, 87,
	101, 68, 105, 84, 72, 70, 77, 70, 58, 70, 37, 44, 68, 44, 68, 95,
	70, 85, 80, 82, 81, 76, 58, 74, 74, 64, 58, 70, 74, 64, 57, 70,
	33, 55, 51, 33, 157, 143, 127, 92, 87, 51, 103, 102, 88, 76, 68, 33,
	31, 87, 68, 81, 70, 81, 70, 81, 70, 81, 70, 81, 70, 68, 76, 68,
	76, 68, 108, 109, 86, 70, 86, 70, 73, 64, 87, 68, 87, 68, 74, 64,
	31, 157, 143, 127, 86, 70, 123, 76, 83, 70, 76, 68, 108, 109, 87, 68,
	76, 68, 76, 68, 70, 68, 70, 68, 33, 31, 33, 31, 87, 68, 87, 68,
	77, 46, 77, 46, 81, 70, 81, 70, 70, 58, 68, 44, 69, 58, 83, 70,
	81, 93, 77, 68, 76, 58, 76, 68, 70, 68, 87, 68, 87, 68, 87, 68,
	87, 68, 68, 66, 53, 93, 53, 31, 110, 110, 76, 77, 61, 62, 68, 58,
	58, 67, 53, 76, 81, 76, 70, 68, 33, 31, 86, 70, 77, 46, 68, 66,
};
/* Any other character: an em, the width of the glyphs of other scripts
 * at this size (wider ones are drawn narrower, never outside the box). */
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

	while (*p) {
		unsigned code = *p, extra = code >= 0xf0 ? 3 : code >= 0xe0 ? 2 : code >= 0xc0 ? 1 : 0;

		if (extra)
			code &= 0x3f >> extra;
		for (p++; extra && (*p & 0xc0) == 0x80; extra--, p++)
			code = code << 6 | (*p & 0x3f);
		if (code >= TABLE_FIRST && code < TABLE_END)
			w += widths[code - TABLE_FIRST];
		else if (code >= 0x80)
			w += OTHER_WIDTH;
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

/* A folder's two files (STEM.svg, STEM.json), each made again only when
 * what it says changed. */
static int write_pair(const struct nb_model *m, struct nb_publish *pub, const char *dir,
		      const char *stem, const char *label, const char *message, enum nb_state st,
		      struct nb_diags *diags)
{
	uint64_t h = nb_hash_add_str(nb_hash_add64(NB_HASH_START, m->shape), "badge");
	struct nb_buf rel = NB_BUF_INIT;
	uint64_t key;
	int rc = 0;

	h = nb_hash_add64(nb_hash_add_str(nb_hash_add_str(h, label), message), (uint64_t)st);
	nb_buf_printf(&rel, "%s%s.svg", dir, stem);
	key = nb_hash_end(nb_hash_add_str(h, rel.ptr));
	if (!nb_publish_reuse(pub, rel.ptr, key))
		rc = write_svg(pub, rel.ptr, label, message, st, key, diags);
	nb_buf_truncate(&rel, 0);
	nb_buf_printf(&rel, "%s%s.json", dir, stem);
	key = nb_hash_end(nb_hash_add_str(h, rel.ptr));
	if (rc == 0 && !nb_publish_reuse(pub, rel.ptr, key))
		rc = write_endpoint(pub, rel.ptr, label, message, st, key, diags);
	nb_buf_release(&rel);
	return rc;
}

/* A server's availability over 90 days ("99.97% 90d"), coloured as its
 * state would be: 99.9% and over as operational, 99% as degraded, less as
 * an outage. */
static int write_uptime(const struct nb_model *m, struct nb_publish *pub, size_t s,
			struct nb_diags *diags)
{
	const struct nb_avail_period *p = &m->avail[s].period[1];
	char pct[16], message[32];

	nb_avail_percent(pct, sizeof(pct), p->hundredths);
	snprintf(message, sizeof(message), "%s %dd", pct, nb_avail_period_days[1]);
	return write_pair(m, pub, m->servers[s].url, "uptime", m->servers[s].server->name, message,
			  p->hundredths >= 9990 ? NB_OPERATIONAL :
			  p->hundredths >= 9900 ? NB_DEGRADED : NB_OUTAGE, diags);
}

int nb_badge_write_all(const struct nb_model *m, struct nb_publish *pub, struct nb_diags *diags)
{
	size_t s;
	int rc = write_pair(m, pub, "", "badge", SITE_LABEL, nb_model_state_name(m->state), m->state,
			    diags);

	for (s = 0; s < m->server_count && rc == 0; s++) {
		const struct nb_server_view *sv = &m->servers[s];

		rc = write_pair(m, pub, sv->url, "badge", sv->server->name,
				nb_model_state_name(sv->state), sv->state, diags);
		if (rc == 0 && m->avail)
			rc = write_uptime(m, pub, s, diags);
	}
	return rc;
}
