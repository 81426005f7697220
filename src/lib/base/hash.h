/* The hash of the project's hash tables: 64-bit FNV-1a (fast, good enough for names;
 * tables keyed by outside input cap their sizes instead of relying on the hash). */
#ifndef SPROUT_BASE_HASH_H
#define SPROUT_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_INIT 0xcbf29ce484222325ULL

static inline uint64_t hash_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ULL;
}

static inline uint64_t hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = HASH_INIT;

	for (size_t i = 0; i < n; i++)
		h = hash_step(h, s[i]);
	return h;
}

static inline uint64_t hash_str(const char *s)
{
	uint64_t h = HASH_INIT;

	for (; *s; s++)
		h = hash_step(h, (unsigned char)*s);
	return h;
}

#endif
