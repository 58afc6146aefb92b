/*
 * map: a hash map from byte strings (paths, object ids, 64-bit keys) to
 * size_t values.  Keys are copied.  Open addressing, linear probing.
 */
#ifndef NB_MAP_H
#define NB_MAP_H

#include <stddef.h>
#include <stdint.h>

struct nb_map_slot {
	char *key;        /* NULL: empty */
	size_t len;
	uint64_t hash;
	size_t value;
};

struct nb_map {
	struct nb_map_slot *slots;
	size_t cap;       /* a power of two, or 0 */
	size_t count;
};

#define NB_MAP_INIT { NULL, 0, 0 }

uint64_t nb_hash(const void *data, size_t len);
/* The same in steps, for what is made of many parts: from NB_HASH_START,
 * add each part (a string with its end: "ab","c" and "a","bc" differ),
 * then nb_hash_end. */
#define NB_HASH_START 0xcbf29ce484222325ull
uint64_t nb_hash_add(uint64_t h, const void *data, size_t len);
uint64_t nb_hash_add64(uint64_t h, uint64_t v);
uint64_t nb_hash_add_str(uint64_t h, const char *s);
uint64_t nb_hash_end(uint64_t h);

/* 1 and *value when key is present, else 0. */
int nb_map_get(const struct nb_map *m, const void *key, size_t len, size_t *value);
/* Sets key to value, replacing any value it had. */
void nb_map_set(struct nb_map *m, const void *key, size_t len, size_t value);
/* Removes key; 1 when it was present. */
int nb_map_remove(struct nb_map *m, const void *key, size_t len);
void nb_map_release(struct nb_map *m);

/* Convenience for NUL-terminated strings and 64-bit keys. */
int nb_map_gets(const struct nb_map *m, const char *key, size_t *value);
void nb_map_sets(struct nb_map *m, const char *key, size_t value);
int nb_map_get64(const struct nb_map *m, uint64_t key, size_t *value);
void nb_map_set64(struct nb_map *m, uint64_t key, size_t value);

#endif
