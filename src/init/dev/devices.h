/* devices: drivers for the devices the kernel knows (coldplug) and for those that
 * appear later (hotplug, kernel uevents over netlink).
 *
 * Order of use: open the uevent socket first, then coldplug, then handle events
 * while waiting for the root — a device that appears during the walk is then seen
 * by one or the other (or both: loading is idempotent). */
#ifndef SPROUT_DEVICES_H
#define SPROUT_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

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

/* The state of driver loading for devices: the loader it goes through, the sysfs it
 * walks, and the devices no module of the image matched (for a "root not found"
 * message). One per boot, in struct boot; a test makes its own over a fake tree. */
struct devices_nodriver {
	char *devpath;   /* under sysfs: "/devices/..." */
	char *modalias;
};

struct blkdev;
struct devrules_set;

struct devices {
	struct modload *ml;   /* not owned */
	/* called by devwait after each scan of the block devices that did not find what it
	 * waits for (the storage layers: a RAID, LUKS or LVM member may be in the list); > 0
	 * scan again at once, < 0 stop waiting with that error. NULL: none. */
	int (*scan_hook)(void *ctx, const struct blkdev *list, int n);
	void *scan_ctx;
	const char *sysfs;    /* "/sys", or a test's tree: devices/ and class/block/ below it */
	struct devices_nodriver *nodriver;
	size_t nnodriver, capnodriver;
	unsigned nodriver_dropped;  /* not kept: over DEVICES_MAX_NODRIVER */
	/* devices.conf rules, applied after each coldplug and to each uevent (commands run:
	 * rules->exec); NULL: none. Not owned. */
	struct devrules_set *rules;
	/* Root first (devices_defer): the drivers of devices modalias_first says can wait
	 * (for dv->needs) are not loaded; those devices are kept here (same pair as the
	 * nodriver list) until devices_release loads them or devices_leave hands them to the
	 * real system. */
	bool defer;
	bool defer_done;           /* devices_defer was called (once a boot) */
	unsigned needs;            /* MODALIAS_NEED_* loaded first as well */
	bool storage_first;        /* a storage device of a known kind was loaded first */
	struct devices_nodriver *deferred;
	size_t ndeferred, capdeferred;
	uint64_t defer_ns;         /* when deferring began (timeline) */
};

/* DEVICES_RELEASE_ALL for devices_release: every device waiting, and deferring ends. */
#define DEVICES_RELEASE_ALL (~0u)
/* How long the root (or another device) is waited for among the devices brought up
 * first before the others' drivers are loaded too (devwait). */
#define DEVICES_DEFER_GRACE_MS 1000

/* Sets dv up over an open loader and a sysfs root (NULL: "/sys"). */
void devices_init(struct devices *dv, struct modload *ml, const char *sysfs);

/* Frees what dv collected (not the loader). Harmless twice. */
void devices_free(struct devices *dv);

/* rd.driver.blacklist= and rd.driver.pre= (comma lists as struct config keeps them, ""
 * for none), applied before the first coldplug, with dracut's meaning made strict:
 * - a blacklisted module is never loaded by sprout-init: not for a device (coldplug or
 *   hotplug), not by name (a filesystem, rd.driver.pre=), and not as a dependency (the
 *   module needing it fails, saying why). dracut's "blacklist" line in modprobe.d would
 *   still let modprobe load it as a dependency; a driver blacklisted because it hangs or
 *   breaks the machine must not come in by that side door. Logged once per module.
 * - the rd.driver.pre= modules are loaded now, in their order, before any device driver.
 * Returns how many rd.driver.pre= modules were loaded; failures are logged, never fatal. */
int devices_apply_cmdline(struct devices *dv, const char *blacklist, const char *pre);

/* Walks dv->sysfs + "/devices" (normally /sys/devices), reads every `modalias`, and
 * loads the modules of the image matching them, DEVICES_LOAD_THREADS at a time
 * (modload_many: dependencies first, each once). Loading a driver can add devices
 * (virtio_pci makes the virtio devices), so the walk is repeated, looking only at
 * modaliases not seen before, until a pass loads nothing (at most DEVICES_MAX_PASSES).
 * Modules already tried are not tried again, so calling it again is cheap.
 * Returns the number of modules loaded for devices (dependencies are not counted,
 * unless a device wants them too), or -errno when the tree cannot be read.
 * Per-module failures are logged by modload and do not fail the walk. */
int devices_coldplug(struct devices *dv);

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
int devices_uevent_apply(struct devices *dv, const struct uevent *ev);

/* Reads and applies every pending event; after an overflow walks /sys again.
 * Returns the number of modules loaded, or -errno on a socket error. */
int devices_uevent_handle(struct devices *dv, int fd);

/* --- root first --------------------------------------------------------------------------
 * The devices phase loads the drivers of what may lead to the root first (storage, its
 * buses, the console; the network when the root needs it, input when a passphrase may be
 * asked: `needs`), and keeps the others' (display, sound, IDE/CD-ROM/floppy ...) for
 * later: coldplug and uevents remember those devices instead. Unknown kinds are never
 * kept (modalias_first), nor a device whose module the command line names (MODULE.PARAM=). */

/* Turns root first on, with the MODALIAS_NEED_* bits of `needs` loaded first too. */
void devices_defer(struct devices *dv, unsigned needs);

/* Loads the drivers of the kept devices that `needs` covers (DEVICES_RELEASE_ALL: all of
 * them, and nothing is kept from now on), saying why in the log and the timeline
 * (`defer` events, outcome "loaded"). Returns the modules loaded (as devices_coldplug). */
int devices_release(struct devices *dv, unsigned needs, const char *why);

/* Hands the kept devices to the real system (`to` names who loads their drivers):
 * one log line, `defer` events with outcome "left"; the list is emptied. */
void devices_leave(struct devices *dv, const char *to);

/* "IDE controller, SCSI CD-ROM and 2 more" of the kept devices into out[size]. */
void devices_describe_deferred(const struct devices *dv, char *out, size_t size);

/* --- devices the image has no module for ------------------------------------------------
 * Coldplug and devices_uevent_apply remember every device (by its first modalias seen)
 * that no module of the image matches, so that when the root does not appear the
 * message can say which devices went without a driver: an image built without the
 * module of the root's disk controller is the usual cause. What a device is comes from
 * modalias_kind (src/lib). */

/* Remembers that no module of the image matches the device at devpath (under sysfs,
 * "/devices/...") with this modalias. A device already remembered is not added again;
 * past DEVICES_MAX_NODRIVER they are only counted. 0, -EINVAL (empty), -ENOMEM. */
int devices_note_nodriver(struct devices *dv, const char *devpath, const char *modalias);

/* Writes into out[size] the remembered devices that still have no driver (a driver
 * built into the kernel binds its devices: their directory under dv->sysfs then has
 * a "driver" link), as "MODALIAS (what: module), ..., and N more": storage with a
 * known module first, other storage, other known kinds; devices of unknown kinds are
 * named only when there is no known one, else counted. At most DEVICES_LIST_NODRIVER
 * are named; an entry that does not fit is counted, never cut. Modaliases are escaped.
 * Returns how many devices qualify; out is "" when none does. */
int devices_describe_nodriver(const struct devices *dv, char *out, size_t size);

#endif
