/* swaphdr: the first page of a swap area, as mkswap writes it and as hibernation
 * marks it. The signature sits in the last 10 bytes of the page: "SWAPSPACE2" for a
 * swap area, "S1SUSPEND" (the kernel's) or another hibernation signature while an
 * image is stored in it. The UUID (16 bytes at 1036) and the label (16 at 1052) stay
 * in place under either. Pure. */
#ifndef SPROUT_SWAPHDR_H
#define SPROUT_SWAPHDR_H

#include <stddef.h>
#include <stdint.h>

enum swaphdr_kind {
	SWAPHDR_NONE = 0,  /* no swap signature in this page */
	SWAPHDR_SWAP,      /* a swap area (SWAPSPACE2) */
	SWAPHDR_IMAGE,     /* a hibernation image is stored in it (S1SUSPEND, ...) */
};

#define SWAPHDR_MIN_PAGE 4096
#define SWAPHDR_MAX_PAGE 65536

struct swaphdr {
	enum swaphdr_kind kind;
	char sig[11];       /* the signature found, "" for none */
	char uuid[37];      /* "5a000000-0000-4000-8000-0000000000f2", "" when all zero */
	char label[17];     /* up to its first NUL */
};

/* Reads the header from buf[0..len), one page of page_size bytes (a power of two from
 * SWAPHDR_MIN_PAGE to SWAPHDR_MAX_PAGE, at most len). 0 (kind NONE when there is no
 * signature), or -EINVAL for a page size or length it cannot be. */
int swaphdr_parse(const uint8_t *buf, size_t len, size_t page_size, struct swaphdr *out);

/* "swap area", "hibernation image", "no swap signature". Never NULL. */
const char *swaphdr_kind_name(enum swaphdr_kind kind);

#endif
