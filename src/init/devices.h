/* devices: drivers for the devices the kernel knows (coldplug) and for those that
 * appear later (hotplug, kernel uevents over netlink).
 *
 * Order of use: open the uevent socket first, then coldplug, then handle events
 * while waiting for the root — a device that appears during the walk is then seen
 * by one or the other (or both: loading is idempotent). */
#ifndef SPROUT_DEVICES_H
#define SPROUT_DEVICES_H

#include "modload.h"
#include "uevent.h"

#define DEVICES_MAX_DEPTH 32      /* directories below /sys/devices walked */
#define DEVICES_MAX_PASSES 8      /* walks while the last one loaded something */
#define DEVICES_MAX_ALIASES 65536 /* distinct modaliases remembered */
#define DEVICES_RCVBUF (8 << 20)  /* uevent socket buffer: a coldplug burst fits */
/* Modules of one coldplug pass loaded at once. Their init functions mostly wait on
 * hardware (resets, probes), so more threads than CPUs still pay; a handful covers
 * the independent storage, bus and console drivers of a machine. */
#define DEVICES_LOAD_THREADS 4

/* Walks ml->sysfs + "/devices" (normally /sys/devices), reads every `modalias`, and
 * loads the modules of the image matching them, DEVICES_LOAD_THREADS at a time
 * (modload_many: dependencies first, each once). Loading a driver can add devices
 * (virtio_pci makes the virtio devices), so the walk is repeated, looking only at
 * modaliases not seen before, until a pass loads nothing (at most DEVICES_MAX_PASSES).
 * Modules already tried are not tried again, so calling it again is cheap.
 * Returns the number of modules loaded for devices (dependencies are not counted,
 * unless a device wants them too), or -errno when the tree cannot be read.
 * Per-module failures are logged by modload and do not fail the walk. */
int devices_coldplug(struct modload *ml);

/* The same over another sysfs root (a test's fake tree): walks root + "/devices". */
int devices_coldplug_at(struct modload *ml, const char *root);

/* A NETLINK_KOBJECT_UEVENT socket bound to the kernel's group, non-blocking,
 * close-on-exec, with a big receive buffer. The fd, or -errno. */
int devices_uevent_open(void);

/* Reads the next pending kernel uevent into ev. 1 got one, 0 nothing pending,
 * -ENOBUFS events were lost (the socket overflowed: walk /sys again), -errno.
 * Messages not from the kernel, truncated or malformed are skipped. When it returns
 * anything but 1, ev's action and modalias are empty. */
int devices_uevent_read(int fd, struct uevent *ev);

/* Loads the modules for one event ("add" with a MODALIAS; other events are
 * ignored). Returns the number loaded (>= 0) or a modload error (not -ENOENT:
 * a device no module in the image drives is normal). */
int devices_uevent_apply(struct modload *ml, const struct uevent *ev);

/* Reads and applies every pending event; after an overflow walks /sys again.
 * Returns the number of modules loaded, or -errno on a socket error. */
int devices_uevent_handle(struct modload *ml, int fd);

#endif
