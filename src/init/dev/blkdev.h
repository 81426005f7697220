/* blkdev: the block devices the kernel has, and what libblkid finds on each
 * (filesystem type, UUID, LABEL; partition UUID and name). */
#ifndef SPROUT_BLKDEV_H
#define SPROUT_BLKDEV_H

#include <stddef.h>

#include "rootspec.h"

#define BLKDEV_MAX 128

struct blkdev {
	char name[64];        /* vda1 */
	char path[80];        /* /dev/vda1 */
	unsigned major, minor;
	char type[32];        /* ext4, xfs, ... "" if none recognised */
	char uuid[64], label[128];
	char partuuid[64], partlabel[128];
};

/* Fills d from the device node at path. Returns 0 or -errno. */
int blkdev_probe(const char *path, struct blkdev *d);

/* Every device under SYSFS/class/block (sysfs normally "/sys"), probed.
 * Returns the count (at most max) or -errno. */
int blkdev_scan(const char *sysfs, struct blkdev *out, int max);

/* The device matching rs among list[0..n), or NULL. */
const struct blkdev *blkdev_find(const struct blkdev *list, int n, const struct rootspec *rs);

/* One device for messages: "/dev/vda1 254:1 ext4 UUID=... LABEL=...", every value
 * read from the disk escaped (escape.h). Pure. The length, or -ENAMETOOLONG (out
 * emptied) when it does not fit in out[size]. */
int blkdev_format(const struct blkdev *d, char *out, size_t size);

/* Every device, "; "-separated, or a sentence when there is none; ends in "..." when
 * out[outsz] is too small for all (an entry is never cut in the middle). */
void blkdev_describe(const struct blkdev *list, int n, char *out, size_t outsz);

#endif
