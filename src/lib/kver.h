/* kver: a kernel release as given on a command line or by a kernel hook
 * (`sprout update -k KVER`, /etc/kernel/postinst.d arguments), before it becomes part
 * of the paths /boot/initrd.img-KVER and /lib/modules/KVER.
 *
 * Accepted: 1 to KVER_MAX bytes of [A-Za-z0-9._+~-], not starting with '.' or '-'
 * (what `uname -r` prints for Debian, Fedora and kernel.org builds; no '/', no
 * "." or "..", no option look-alike). Pure. */
#ifndef SPROUT_KVER_H
#define SPROUT_KVER_H

#include <stddef.h>

#define KVER_MAX 64 /* struct utsname's release holds 64 bytes and its NUL */

/* 0, or -EINVAL with err saying which byte is wrong and what was expected. */
int kver_check(const char *s, size_t len, char *err, size_t errsz);

#endif
