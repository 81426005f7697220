/* modalias_kind: what a device is, from its modalias (the string sysfs and uevents give
 * to pick a driver), for messages such as "devices without a driver in this image: ...".
 * Pure: no I/O. */
#ifndef SPROUT_MODALIAS_KIND_H
#define SPROUT_MODALIAS_KIND_H

#include <stdbool.h>

struct modalias_kind {
	const char *what;    /* "virtio block device"; never NULL or empty */
	const char *module;  /* its usual driver; NULL when several can drive it */
	bool storage;        /* a root can be on it, or behind it */
};

/* The kind `modalias` names, for the kinds that matter to a boot (storage, network,
 * USB controllers): PCI by class, virtio, SCSI, USB mass storage, MMC, Xen. NULL for any
 * other, and for a malformed modalias. The result points to static data. */
const struct modalias_kind *modalias_kind(const char *modalias);

#endif
