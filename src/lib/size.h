/* size: sizes written the way tmpfs's size= takes them, for sprout.overlay.size=.
 *   1048576   64k   512M   2G   1T   (binary multiples, suffix in either case)
 *   50%       (a share of RAM, resolved later against the RAM the machine has)
 * Pure; the caller turns a percentage into bytes with size_resolve once it knows the
 * total. Zero is refused in both forms: tmpfs reads size=0 as "no limit", which is
 * never what a size written on the command line means. */
#ifndef SPROUT_SIZE_H
#define SPROUT_SIZE_H

#include <stddef.h>
#include <stdint.h>

#define SIZE_MAX_TEXT 32 /* longest size text accepted; longer is an error */

enum size_kind { SIZE_BYTES = 1, SIZE_PERCENT };

struct size_spec {
	enum size_kind kind;
	uint64_t value; /* bytes, or a percentage 1..100 */
};

/* Parses buf[0..len): digits, then nothing, one of k K m M g G t T, or '%'.
 * Returns 0; -EINVAL when malformed (empty, sign, space, unknown suffix, NUL byte,
 * too long); -ERANGE for zero, a percentage above 100, or bytes beyond UINT64_MAX.
 * *out is left unchanged on failure. */
int size_parse(const char *buf, size_t len, struct size_spec *out);

/* Bytes that spec stands for on a machine with total bytes of RAM (a percentage is
 * rounded down, bytes are returned as they are). Returns 0 or -EINVAL for an unset
 * spec. */
int size_resolve(const struct size_spec *spec, uint64_t total, uint64_t *bytes);

/* Writes the tmpfs mount option ("size=50%" or "size=536870912") into out[n].
 * Returns its length, -EINVAL for an unset spec, -ENAMETOOLONG if out is too small. */
int size_tmpfs_option(const struct size_spec *spec, char *out, size_t n);

#endif
