/* sha256: the SHA-256 digest (FIPS 180-4), streaming, for checking root images and
 * writing their .sha256 files. Small and portable rather than fast: about 200 MB/s on
 * one core here, which is well under what a network or a RAM copy delivers per image. */
#ifndef SPROUT_BASE_SHA256_H
#define SPROUT_BASE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN (2 * SHA256_LEN + 1) /* the digest in hex, NUL included */

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;      /* fed so far */
	uint8_t block[64];   /* the unfinished block: bytes % 64 of it are used */
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t n);
/* Writes the digest; c must be initialised again before reuse. */
void sha256_final(struct sha256 *c, uint8_t out[SHA256_LEN]);

/* The digest in lower-case hex into out[SHA256_HEX_LEN]; returns out. */
char *sha256_hex(const uint8_t digest[SHA256_LEN], char out[SHA256_HEX_LEN]);

/* Reads 64 hex digits (either case) at text[0..len) into digest: the whole of it, or
 * the first word of a `sha256sum` line ("HEX  NAME\n"). Returns 0, or -EINVAL with
 * digest unchanged. Pure. */
int sha256_parse_hex(const char *text, size_t len, uint8_t digest[SHA256_LEN]);

#endif
