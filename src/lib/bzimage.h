/* bzimage: the kernel release in an x86 bzImage, from its boot protocol header
 * (Documentation/arch/x86/boot.rst): "HdrS" at 0x202, the protocol version at 0x206,
 * loadflags at 0x211 (bit 0: loaded high, a bzImage), and at 0x20e the offset, less
 * 0x200, of a NUL-terminated version string whose first word is the release
 * ("6.1.0-57-amd64 (debian-kernel@...) #1 SMP ..."). Pure. */
#ifndef SPROUT_BZIMAGE_H
#define SPROUT_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#define BZIMAGE_MAX_VERSION 512 /* longest version string read */

/* The release into out[outsz]. Returns 0; -EBADMSG with *why (a static phrase) when
 * buf is not a bzImage or its version string is missing or malformed;
 * -ENAMETOOLONG when the release does not fit. */
int bzimage_release(const uint8_t *buf, size_t len, char *out, size_t outsz, const char **why);

#endif
