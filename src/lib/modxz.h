/* modxz: decoding a kernel module stored as NAME.ko.xz, as sprout-init does when the
 * kernel cannot (Debian's kernels have no in-kernel module decompression), and as
 * `sprout build` does to decide whether a module that arrives as .ko.xz may be kept.
 *
 * The input is untrusted (an image file): one xz stream, nothing after it, with an
 * integrity check (CRC32, CRC64 or SHA-256; "none" is refused), a decoder that fits
 * in MODXZ_MEMLIMIT (so sprout-init's memory stays bounded whatever the file says)
 * and an output of at most max_out bytes. The output goes out in chunks of at most
 * MODXZ_CHUNK bytes through a callback, so the decoded module never has to be held
 * in memory (sprout-init writes it to a memfd). */
#ifndef SPROUT_MODXZ_H
#define SPROUT_MODXZ_H

#include <stddef.h>
#include <stdint.h>

/* Decoder memory allowed: `sprout build` writes LZMA2 with a 128 KiB dictionary
 * (about 160 KiB to decode); the kernel's own `xz --lzma2=dict=1MiB` files need more
 * and are recompressed by the build. */
#define MODXZ_MEMLIMIT ((uint64_t)512 << 10)
#define MODXZ_CHUNK ((size_t)32 << 10)
#define MODXZ_MAX_OUT ((size_t)128 << 20) /* largest module decoded (the biggest
					   * Debian ships is ~20 MB) */

/* Takes each decoded chunk; a non-zero (negative errno) return stops the decoding. */
typedef int (*modxz_write_fn)(const uint8_t *buf, size_t len, void *ctx);

struct modxz;

/* A decoder fed piece by piece (sprout-init reads the file in chunks). */
struct modxz *modxz_new(size_t max_out);
void modxz_free(struct modxz *d);

/* Feeds in[0..len); write gets the output. last: this is the end of the input.
 * Returns 0 (more input welcome, or done after last), or -errno: -EBADMSG (not xz,
 * corrupt, truncated, trailing bytes, no check), -ENOMEM (needs more than
 * MODXZ_MEMLIMIT), -EFBIG (decodes to more than max_out), -ENOTSUP (an xz feature
 * liblzma lacks), or write's error. After an error, modxz_error says what. */
int modxz_feed(struct modxz *d, const uint8_t *in, size_t len, int last,
	       modxz_write_fn write, void *ctx);

/* One line saying what was wrong ("corrupt data (the check does not match)" ...),
 * or "" after success. */
const char *modxz_error(const struct modxz *d);

/* The bytes written so far. */
uint64_t modxz_out_len(const struct modxz *d);

/* The whole of in[0..len) at once. Pure apart from allocation; err (may be NULL)
 * gets modxz_error's line. */
int modxz_decode(const uint8_t *in, size_t len, size_t max_out, modxz_write_fn write,
		 void *ctx, char *err, size_t errsz);

#endif
