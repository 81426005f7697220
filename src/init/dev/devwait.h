/* devwait: what the phases that need a device share (root, overlay, and later storage):
 * wait for hotplug events while their drivers load, find the block device a rootspec
 * names (waiting for it up to a deadline), and make a filesystem type usable. */
#ifndef SPROUT_DEVWAIT_H
#define SPROUT_DEVWAIT_H

#include <stdbool.h>

#include "blkdev.h"
#include "devices.h"
#include "rootspec.h"

#define DEVWAIT_SCAN_MS 250      /* longest wait between two scans of the block devices */
#define DEVWAIT_NODRIVER_TEXT 768 /* devices named: the whole line stays under 1 KiB */

/* Waits up to ms for kernel uevents on fd and loads the drivers they ask for; just
 * sleeps when fd < 0 (no uevent socket). */
void devwait_events(struct devices *dv, int fd, int ms);

/* Scans the block devices under dv->sysfs until one matches rs, waiting for events on fd
 * between scans, for up to limit_ms (-1: no limit). `what` is the argument that named
 * the device and `spec` its value as written, for messages. 0 with *found filled, or
 * -ENODEV after logging every block device there is and the devices no module drives. */
int devwait_blkdev(struct devices *dv, int fd, int limit_ms, const char *what, const char *spec,
		   const struct rootspec *rs, struct blkdev *found);

/* The same for another device than the root: log lines start with tag ("resume"); an
 * optional device not found returns -ENODEV without the messages (the caller warns). */
int devwait_blkdev_for(struct devices *dv, int fd, int limit_ms, const char *tag, bool optional,
		       const char *what, const char *spec, const struct rootspec *rs,
		       struct blkdev *found);

/* Makes filesystem type usable: known to the kernel (/proc/filesystems), or its fs-TYPE
 * module loaded. 0, or -errno after logging. */
int devwait_fs(struct modload *ml, const char *type);

#endif
