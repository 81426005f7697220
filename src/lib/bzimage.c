/* bzimage: the release in a bzImage's header. See bzimage.h. */
#include "bzimage.h"

#include <errno.h>
#include <string.h>

#include "vermagic.h"

#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_KERNEL_VERSION 0x20e
#define HDR_LOADFLAGS 0x211

static unsigned le16(const uint8_t *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

int bzimage_release(const uint8_t *buf, size_t len, char *out, size_t outsz, const char **why)
{
	size_t off, end;
	const char *dummy;
	int r;

	if (!why)
		why = &dummy;
	if (len <= HDR_LOADFLAGS || memcmp(buf + HDR_MAGIC, "HdrS", 4) != 0) {
		*why = "no x86 boot header (\"HdrS\" at 0x202)";
		return -EBADMSG;
	}
	if (le16(buf + HDR_VERSION) < 0x200 || !(buf[HDR_LOADFLAGS] & 1)) {
		*why = "an old zImage (boot protocol before 2.00, or not loaded high)";
		return -EBADMSG;
	}
	off = le16(buf + HDR_KERNEL_VERSION);
	if (!off) {
		*why = "the boot header has no kernel version string";
		return -EBADMSG;
	}
	off += 0x200;
	if (off >= len) {
		*why = "the kernel version string is past the end of the file";
		return -EBADMSG;
	}
	end = off;
	while (end < len && end - off < BZIMAGE_MAX_VERSION && buf[end])
		end++;
	if (end == len || buf[end]) {
		*why = "the kernel version string is not NUL-terminated";
		return -EBADMSG;
	}
	r = vermagic_release((const char *)buf + off, end - off, out, outsz);
	if (r == -EBADMSG)
		*why = "the kernel version string does not start with a release";
	else if (r < 0)
		*why = "the release in the version string is too long";
	return r;
}
