/*
 * json: the JSON files nocblog writes (the Statuspage-shaped API, cState's
 * index.json, JSON Feed, badge endpoints) through jansson: compact, keys in
 * the order they were set, every string escaped by the library, so the
 * same data gives the same bytes.
 */
#ifndef NB_JSON_H
#define NB_JSON_H

#include <jansson.h>
#include <stdint.h>

struct nb_buf;
struct nb_diags;
struct nb_publish;

#define NB_JSON_ID 13  /* a short id (nb_json_id), with its NUL */

/* Appends v, compact, to out.  0, or -1 (out untouched). */
int nb_json_put(struct nb_buf *out, const json_t *v);
/* Publishes v at rel, ended by a newline, made from inputs key identifies
 * (nb_publish_write_key); takes v's reference.  0, or -1 with a problem. */
int nb_json_write(struct nb_publish *pub, const char *rel, json_t *v, uint64_t key,
		  struct nb_diags *diags);

/* A new string; null for NULL; bytes that are not UTF-8 (or are controls
 * a file cannot hold) as U+FFFD. */
json_t *nb_json_str(const char *s);
/* t in zone as RFC 3339 with the zone's offset then, to the millisecond:
 * "2010-10-16T01:24:00.000-04:00" ("...Z" in UTC); null for 0. */
json_t *nb_json_time(const char *zone, int64_t t);
/* Sets key of obj to v (taking v's reference). */
void nb_json_set(json_t *obj, const char *key, json_t *v);

/* A short stable id made from text: twelve characters of [0-9a-z]. */
void nb_json_id(char out[NB_JSON_ID], const char *text);

#endif
