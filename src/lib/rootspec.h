/* rootspec: what root= names, as the kernel and udev spell it.
 *   /dev/vda1   UUID=...   LABEL=...   PARTUUID=...   PARTLABEL=...   MAJ:MIN (e.g. 254:1)
 *   /dev/disk/by-uuid/X (and by-label, by-partuuid, by-partlabel) = the tag forms,
 *   since no udev runs here to make those links. Pure. */
#ifndef SPROUT_ROOTSPEC_H
#define SPROUT_ROOTSPEC_H

#include <stdbool.h>

enum rootspec_kind {
	ROOT_NONE = 0,
	ROOT_PATH,
	ROOT_UUID,
	ROOT_LABEL,
	ROOT_PARTUUID,
	ROOT_PARTLABEL,
	ROOT_DEVNUM,
};

#define ROOTSPEC_MAX 256

struct rootspec {
	enum rootspec_kind kind;
	char value[ROOTSPEC_MAX]; /* the path, or the tag's value (udev's \x2f decoded) */
	unsigned major, minor;    /* ROOT_DEVNUM */
};

/* Returns 0, or -EINVAL (empty, unknown form, bad number) or -ENAMETOOLONG. */
int rootspec_parse(const char *spec, struct rootspec *rs);

/* Does a device's tag value match? UUIDs and PARTUUIDs compare without case. */
bool rootspec_match(const struct rootspec *rs, const char *value);

/* "UUID", "LABEL", ... for messages. */
const char *rootspec_kind_name(enum rootspec_kind kind);

#endif
