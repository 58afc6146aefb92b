#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "map.h"
#include "publish.h"
#include "tz.h"
#include "util.h"

/* numbers with up to ten significant digits: 99.97, not 99.969999999999999 */
#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

static int put_chunk(const char *data, size_t len, void *out)
{
	nb_buf_put(out, data, len);
	return 0;
}

int nb_json_put(struct nb_buf *out, const json_t *v)
{
	size_t from = out->len;

	if (json_dump_callback(v, put_chunk, out, DUMP_FLAGS) == 0)
		return 0;
	nb_buf_truncate(out, from);
	return -1;
}

int nb_json_write(struct nb_publish *pub, const char *rel, json_t *v, uint64_t key,
		  struct nb_diags *diags)
{
	struct nb_buf out = NB_BUF_INIT;
	int rc;

	if (!v || nb_json_put(&out, v) < 0) {
		rc = nb_diags_add(diags, rel, 0, "this is a bug in nocblog; please report it",
				  "cannot write the JSON file");
	} else {
		nb_buf_putc(&out, '\n');
		rc = nb_publish_write_key(pub, rel, out.ptr, out.len, key, diags);
	}
	json_decref(v);
	nb_buf_release(&out);
	return rc;
}

json_t *nb_json_str(const char *s)
{
	json_t *v;
	char *clean;

	if (!s)
		return json_null();
	v = json_string(s);
	if (v && nb_control_find(s, strlen(s)) == strlen(s))
		return v;
	json_decref(v);
	clean = nb_utf8_clean(s);
	v = json_string(clean);
	free(clean);
	return v;
}

json_t *nb_json_time(const char *zone, int64_t t)
{
	struct nb_tz_civil c;
	int off = 0;
	char out[48];

	if (!t)
		return json_null();
	nb_tz_from_utc(zone, t, &c, &off);
	if (strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0)
		snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02d.000Z", c.year, c.month,
			 c.day, c.hour, c.minute, c.second);
	else
		snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02d.000%c%02d:%02d", c.year,
			 c.month, c.day, c.hour, c.minute, c.second, off < 0 ? '-' : '+',
			 abs(off) / 3600, abs(off) / 60 % 60);
	return json_string(out);
}

void nb_json_set(json_t *obj, const char *key, json_t *v)
{
	json_object_set_new(obj, key, v ? v : json_null());
}

void nb_json_id(char out[NB_JSON_ID], const char *text)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	uint64_t h = nb_hash_end(nb_hash_add_str(NB_HASH_START, text));
	int i;

	for (i = NB_JSON_ID - 2; i >= 0; i--) {
		out[i] = digits[h % 36];
		h /= 36;
	}
	out[NB_JSON_ID - 1] = '\0';
}
