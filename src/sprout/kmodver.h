/* kmodver: the kernel release of the chosen modules (their vermagic) against the
 * release the image is for. The kernel refuses a module whose vermagic is not its
 * own, and sprout-init looks in /lib/modules/KVER: an image whose --kver and modules
 * disagree boots without a single driver. */
#ifndef SPROUT_KMODVER_H
#define SPROUT_KMODVER_H

#include <stddef.h>

#include "kmodsel.h"

/* 0 when every module with a vermagic names kver; otherwise -EINVAL with err naming
 * kver, the module and the release its vermagic names (and what to give instead). */
int kmodver_check(const struct kmodsel *sel, const char *kver, const char *moddir, char *err,
		  size_t errsz);

#endif
