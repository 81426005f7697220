/* uevent: one kernel uevent as received on a NETLINK_KOBJECT_UEVENT socket:
 * "ACTION@DEVPATH\0KEY=VALUE\0KEY=VALUE\0...". Pure parser over (buf, len). */
#ifndef SPROUT_UEVENT_H
#define SPROUT_UEVENT_H

#include <stdbool.h>
#include <stddef.h>

#define UEVENT_MAX_MSG 8192     /* the kernel sends at most 2048 bytes of fields */
#define UEVENT_MAX_FIELDS 128   /* KEY=VALUE fields; the kernel sends at most 64 */
#define UEVENT_MAX_VALUE 1024   /* longest kept value, NUL included */

struct uevent {
	char action[32];                 /* "add", "remove", "change", "bind", ... */
	char devpath[UEVENT_MAX_VALUE];  /* "/devices/pci0000:00/..." (under /sys) */
	char subsystem[64];
	char modalias[UEVENT_MAX_VALUE]; /* "" when the device has none */
	char devname[256];               /* "vda1" (under /dev), "" when none */
	char devtype[64];                /* "disk", "partition", ... */
	unsigned major, minor;
	bool has_devnum;                 /* both MAJOR= and MINOR= were present */
	char env[UEVENT_MAX_MSG];        /* every KEY=VALUE field, each NUL-ended */
	size_t envlen;
};

/* Parses one message into ev (cleared first). Returns 0, or
 * -EBADMSG: not a kernel uevent (no "ACTION@/DEVPATH" header, a field without '=' or
 *           without its terminating NUL, an empty field, a kept key given twice,
 *           ACTION=/DEVPATH= disagreeing with the header, a bad MAJOR/MINOR number,
 *           only one of MAJOR/MINOR);
 * -E2BIG: len over UEVENT_MAX_MSG, more than UEVENT_MAX_FIELDS fields, or a kept value
 *         longer than its field in struct uevent (never cut).
 * Unknown keys are skipped. Messages of udevd ("libudev" header) are rejected. */
int uevent_parse(const char *buf, size_t len, struct uevent *ev);

/* The value of field key in ev->env (the first one), or NULL. */
const char *uevent_get(const struct uevent *ev, const char *key);

#endif
