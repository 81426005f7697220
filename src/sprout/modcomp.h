/* modcomp: how the modules are stored in an image (--module-compress).
 *
 * xz (the default of --generic): each module is NAME.ko.xz, compressed here one by
 * one, deterministically (liblzma, single-threaded per module, preset 6, LZMA2 with a
 * 128 KiB dictionary, CRC32 check): the same module gives the same bytes on every
 * machine with the same liblzma. The image carries them in an uncompressed archive of
 * their own, in front of the compressed one, so the kernel copies them instead of
 * unpacking them, and only the modules the machine loads are ever decoded (by the
 * kernel or by sprout-init: modxz.h). A module that arrives as .ko.xz with a CRC32
 * check and a decoder within MODXZ_MEMLIMIT is kept as it is; other .ko.xz, .ko.zst
 * and .ko.gz are decoded and compressed again.
 * none (the default of --host-only): each module is NAME.ko, decoded when it arrives
 * compressed, in the one compressed archive of the image.
 *
 * Compressing ~280 modules takes many seconds, so each result is kept in a cache
 * directory, one file per module, named by the SHA-256 of the module's bytes and the
 * encoder's settings (and liblzma's version): "m1-HEX-p6d128k-crc32-lVERSION.xz". An
 * entry holds a header (magic, the module's size, the SHA-256 of the compressed bytes)
 * and is used only when all of it matches; a corrupt or short one is made again. Files
 * of other names are never looked at. Entries are written to a temporary file in the
 * directory and renamed, so a reader never sees half of one. */
#ifndef SPROUT_MODCOMP_H
#define SPROUT_MODCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum modcomp_kind { MODCOMP_NONE = 0, MODCOMP_XZ = 1 };

#define MODCOMP_DICT ((uint32_t)128 << 10)
#define MODCOMP_PRESET 6u
#define MODCOMP_MAX_THREADS 8

/* "xz" / "none" -> the kind, else -1. */
int modcomp_from_name(const char *name);
const char *modcomp_name(int kind);

/* The path a module has in the image: relpath with its ".ko", ".ko.xz", ".ko.zst" or
 * ".ko.gz" ending replaced by ".ko.xz" (xz) or ".ko" (none). 0, -EINVAL (no such
 * ending), -ENAMETOOLONG. Pure. */
int modcomp_stored_path(const char *relpath, int kind, char *out, size_t n);

/* modules.dep text with every module path in it (the one before ':' and those after)
 * renamed as modcomp_stored_path does. A new malloc'd, NUL-terminated buffer in *out.
 * 0, -EINVAL (a path without a module ending), -ENOMEM. Pure. */
int modcomp_rewrite_dep(const char *in, size_t len, int kind, char **out, size_t *outlen);

/* Compresses in[0..len) as described above into a new buffer. 0 or -errno. */
int modcomp_encode(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen);

/* Is buf an xz stream sprout-init and the kernel can check: an xz header naming CRC32,
 * decoding within MODXZ_MEMLIMIT to at most MODXZ_MAX_OUT bytes. 0 yes, else -errno
 * with why in err. */
int modcomp_xz_usable(const uint8_t *buf, size_t len, char *err, size_t errsz);

/* The cache entry of a module (its SHA-256) in dir: 0 and the compressed bytes in
 * *out when present and sound; -ENOENT when absent; -EBADMSG when present but not
 * sound (wrong magic, size, or hash: the caller makes it again). */
int modcomp_cache_get(const char *dir, const uint8_t sha[32], size_t raw_len, uint8_t **out,
		      size_t *outlen);

/* Stores one entry atomically (temporary file, rename). 0 or -errno. */
int modcomp_cache_put(const char *dir, const uint8_t sha[32], size_t raw_len,
		      const uint8_t *xz, size_t xzlen);

/* The entry's file name, in out[n]. 0 or -ENAMETOOLONG. */
int modcomp_cache_path(const char *dir, const uint8_t sha[32], char *out, size_t n);

enum modcomp_how {
	MODCOMP_AS_IS = 0,  /* none: a plain .ko, left to be read from src */
	MODCOMP_DECODED,    /* none: decoded from .ko.xz/.zst/.gz (data) */
	MODCOMP_KEPT,       /* xz: the .ko.xz as it arrived (data) */
	MODCOMP_CACHED,     /* xz: from the cache (data) */
	MODCOMP_ENCODED,    /* xz: compressed now (data), and stored in the cache if any */
};

struct modcomp_item {
	const char *src;          /* in: the module's file on this host */
	uint8_t *data;            /* out: the bytes to store (free()d by the caller) */
	size_t size;
	enum modcomp_how how;
	bool remade;              /* a corrupt cache entry was replaced */
	int err;                  /* out: -errno, msg says what */
	char msg[256];
};

struct modcomp_stats {
	size_t as_is, decoded, kept, cached, encoded, remade;
	int cache_err;            /* first error writing the cache (-errno), or 0 */
	char cache_msg[320];
};

struct modcomp_opts {
	int kind;                 /* enum modcomp_kind */
	const char *cache_dir;    /* NULL: no cache */
	unsigned threads;         /* 0: the number of CPUs (at most MODCOMP_MAX_THREADS) */
};

/* Prepares every item (from a few threads: the result does not depend on their
 * number). Returns 0, or the first failing item's -errno with err naming its file. A
 * cache that cannot be written is no failure: stats->cache_err says so. */
int modcomp_run(const struct modcomp_opts *o, struct modcomp_item *items, size_t n,
		struct modcomp_stats *stats, char *err, size_t errsz);

#endif
