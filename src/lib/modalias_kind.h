/* modalias_kind: what a device is, from its modalias (the string sysfs and uevents give
 * to pick a driver), for messages such as "devices without a driver in this image: ...".
 * Pure: no I/O. */
#ifndef SPROUT_MODALIAS_KIND_H
#define SPROUT_MODALIAS_KIND_H

#include <stdbool.h>

/* When sprout-init loads a device's driver (the root-first devices phase): before the
 * root is looked for, or later. Kinds not listed here (NULL from modalias_kind) are
 * loaded first: only what is known not to lead to a root waits. */
enum modalias_need {
	MODALIAS_NEED_ROOT = 0,   /* may lead to the root or carry the console: always first */
	MODALIAS_NEED_NET = 1,    /* a network controller: first when the root needs the network */
	MODALIAS_NEED_INPUT = 2,  /* keyboards and other input: first when a passphrase may be asked */
	MODALIAS_NEED_LEGACY = 4, /* IDE/PATA, floppy, CD-ROM: first when no other storage is there */
	MODALIAS_NEED_NONE = 8,   /* not on a root's way (display, sound): left for later */
};

struct modalias_kind {
	const char *what;    /* "virtio block device"; never NULL or empty */
	const char *module;  /* its usual driver; NULL when several can drive it */
	bool storage;        /* a root can be on it, or behind it */
	enum modalias_need need;
};

/* The kind `modalias` names, for the kinds that matter to a boot (storage, network,
 * USB controllers, input, console) and those known not to (display, sound): PCI by
 * class, virtio, SCSI, USB, serio, HID, MMC, Xen, a few ACPI/platform ones. NULL for any
 * other, and for a malformed modalias. The result points to static data. */
const struct modalias_kind *modalias_kind(const char *modalias);

/* Is the driver of the device with this modalias loaded before the root is looked for,
 * in a boot that needs `needs` (MODALIAS_NEED_NET | _INPUT | _LEGACY)? True for the kinds
 * on every root's way and for every kind modalias_kind does not know. */
bool modalias_first(const char *modalias, unsigned needs);

#endif
