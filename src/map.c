#include "map.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

uint64_t nb_hash_add(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) { /* FNV-1a */
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t nb_hash_add64(uint64_t h, uint64_t v)
{
	return nb_hash_add(h, &v, sizeof(v));
}

uint64_t nb_hash_add_str(uint64_t h, const char *s)
{
	return s ? nb_hash_add(h, s, strlen(s) + 1) : nb_hash_add(h, "\xff", 1);
}

uint64_t nb_hash_end(uint64_t h)
{
	/* a final mix, so that the low bits used for slots depend on every byte */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

uint64_t nb_hash(const void *data, size_t len)
{
	return nb_hash_end(nb_hash_add(NB_HASH_START, data, len));
}

static struct nb_map_slot *find(const struct nb_map *m, const void *key, size_t len,
				uint64_t hash)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = hash & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct nb_map_slot *s = &m->slots[i];

		if (!s->key)
			return s;
		if (s->hash == hash && s->len == len && memcmp(s->key, key, len) == 0)
			return s;
	}
}

static void grow(struct nb_map *m)
{
	struct nb_map_slot *old = m->slots;
	size_t old_cap = m->cap, i;

	m->cap = old_cap ? old_cap * 2 : 16;
	m->slots = nb_calloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < old_cap; i++) {
		if (old[i].key)
			*find(m, old[i].key, old[i].len, old[i].hash) = old[i];
	}
	free(old);
}

int nb_map_get(const struct nb_map *m, const void *key, size_t len, size_t *value)
{
	struct nb_map_slot *s = find(m, key, len, nb_hash(key, len));

	if (!s || !s->key)
		return 0;
	if (value)
		*value = s->value;
	return 1;
}

void nb_map_set(struct nb_map *m, const void *key, size_t len, size_t value)
{
	uint64_t hash = nb_hash(key, len);
	struct nb_map_slot *s;

	if ((m->count + 1) * 4 > m->cap * 3)
		grow(m);
	s = find(m, key, len, hash);
	if (!s->key) {
		s->key = nb_malloc(len ? len : 1);
		memcpy(s->key, key, len);
		s->len = len;
		s->hash = hash;
		m->count++;
	}
	s->value = value;
}

int nb_map_remove(struct nb_map *m, const void *key, size_t len)
{
	struct nb_map_slot *s = find(m, key, len, nb_hash(key, len));
	size_t i, j;

	if (!s || !s->key)
		return 0;
	free(s->key);
	s->key = NULL;
	m->count--;
	/* re-place the rest of the probe run, so no lookup stops early */
	i = (size_t)(s - m->slots);
	for (j = (i + 1) & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
		struct nb_map_slot moved = m->slots[j];

		m->slots[j].key = NULL;
		*find(m, moved.key, moved.len, moved.hash) = moved;
	}
	return 1;
}

void nb_map_release(struct nb_map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}

int nb_map_gets(const struct nb_map *m, const char *key, size_t *value)
{
	return nb_map_get(m, key, strlen(key), value);
}

void nb_map_sets(struct nb_map *m, const char *key, size_t value)
{
	nb_map_set(m, key, strlen(key), value);
}

int nb_map_get64(const struct nb_map *m, uint64_t key, size_t *value)
{
	return nb_map_get(m, &key, sizeof(key), value);
}

void nb_map_set64(struct nb_map *m, uint64_t key, size_t value)
{
	nb_map_set(m, &key, sizeof(key), value);
}
