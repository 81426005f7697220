/* devices: drivers for the devices the kernel knows (coldplug) and for those that
 * appear later (hotplug, kernel uevents over netlink).
 *
 * Order of use: open the uevent socket first, then coldplug, then handle events
 * while waiting for the root — a device that appears during the walk is then seen
 * by one or the other (or both: loading is idempotent). */
#ifndef SPROUT_DEVICES_H
#define SPROUT_DEVICES_H

#include <stdbool.h>

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
#define DEVICES_MAX_NODRIVER 256  /* devices without a module in the image remembered */
#define DEVICES_LIST_NODRIVER 8   /* of them named in one message */

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

/* --- devices the image has no module for ------------------------------------------------
 * Coldplug and devices_uevent_apply remember every device (by its first modalias seen)
 * that no module of the image matches, so that when the root does not appear the
 * message can say which devices went without a driver: an image built without the
 * module of the root's disk controller is the usual cause. */

/* What a device is, from its modalias, for messages. */
struct devices_kind {
	const char *what;    /* "virtio block device" */
	const char *module;  /* its usual driver; NULL when several can drive it */
	bool storage;        /* a root can be on it, or behind it */
};

/* The kind a modalias names, for the kinds that matter to a boot (storage, network,
 * USB controllers); NULL for any other. Pure. */
const struct devices_kind *devices_alias_kind(const char *modalias);

/* Remembers that no module of the image matches the device at devpath (under sysfs,
 * "/devices/...") with this modalias. A device already remembered is not added again;
 * past DEVICES_MAX_NODRIVER they are only counted. 0, -EINVAL (empty), -ENOMEM. */
int devices_note_nodriver(struct modload *ml, const char *devpath, const char *modalias);

/* Writes into out[size] the remembered devices that still have no driver (a driver
 * built into the kernel binds its devices: their directory under ml->sysfs then has
 * a "driver" link), as "MODALIAS (what: module), ..., and N more": storage with a
 * known module first, other storage, other known kinds; devices of unknown kinds are
 * named only when there is no known one, else counted. At most DEVICES_LIST_NODRIVER
 * are named; an entry that does not fit is counted, never cut. Returns how many
 * devices qualify; out is "" when none does. */
int devices_describe_nodriver(const struct modload *ml, char *out, size_t size);

#endif
