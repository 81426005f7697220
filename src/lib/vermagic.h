/* vermagic: the kernel release a module was built for, from its "vermagic" modinfo
 * value ("6.1.0-57-amd64 SMP preempt mod_unload modversions "): the first word.
 * The kernel refuses a module whose vermagic does not match it, so an image whose
 * modules were built for another release than --kver loads nothing. Pure. */
#ifndef SPROUT_VERMAGIC_H
#define SPROUT_VERMAGIC_H

#include <stddef.h>

#define VERMAGIC_MAX_RELEASE 256 /* longest release accepted, NUL included */

/* The first word of buf[0..len) into out[outsz]. Returns 0; -EBADMSG when there is
 * no word or it holds a byte outside printable ASCII or a '/'; -ENAMETOOLONG when it
 * does not fit. */
int vermagic_release(const char *buf, size_t len, char *out, size_t outsz);

#endif
