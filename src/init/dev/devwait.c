/* devwait: waiting for devices, shared by the phases that need one. */
#include "devwait.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/monoclock.h"
#include "log.h"

void devwait_events(struct devices *dv, int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (fd < 0 || !dv->ml) { /* no socket, or no devices phase yet */
		monoclock_sleep_ms(ms > 0 ? (uint64_t)ms : 0);
		return;
	}
	if (poll(&p, 1, ms) > 0)
		devices_uevent_handle(dv, fd);
}

/* The messages after a device was not found: every block device there is, and the
 * devices without a driver (a disk behind a controller the image has no module for
 * never shows up at all). */
static void say_not_found(const struct devices *dv, const char *what, const char *spec,
			  int limit_ms, const struct blkdev *list, int n)
{
	static char desc[4096];
	char esc[512];

	escape_str(spec, esc, sizeof(esc));
	blkdev_describe(list, n < 0 ? 0 : n, desc, sizeof(desc));
	log_err("root: %s=%s not found after %d s. Block devices: %s", what, esc, limit_ms / 1000,
		desc);
	if (devices_describe_nodriver(dv, desc, DEVWAIT_NODRIVER_TEXT) > 0)
		log_err("root: devices without a driver in this image: %s; if the root is behind one, "
			"rebuild the image with its module (--add-modules)", desc);
	log_err("root: check %s= (or add rootwait / rd.timeout=SECONDS for a slow device)", what);
}

int devwait_blkdev(struct devices *dv, int fd, int limit_ms, const char *what, const char *spec,
		   const struct rootspec *rs, struct blkdev *found)
{
	return devwait_blkdev_for(dv, fd, limit_ms, "root", false, what, spec, rs, found);
}

int devwait_blkdev_for(struct devices *dv, int fd, int limit_ms, const char *tag, bool optional,
		       const char *what, const char *spec, const struct rootspec *rs,
		       struct blkdev *found)
{
	static struct blkdev list[BLKDEV_MAX];
	uint64_t start = monoclock_ms();
	bool said_waiting = false;
	char esc[512];
	int n;

	for (;;) {
		const struct blkdev *d;

		n = blkdev_scan(dv->sysfs, list, BLKDEV_MAX);
		d = n > 0 ? blkdev_find(list, n, rs) : NULL;
		if (d) {
			*found = *d;
			return 0;
		}
		if (dv->scan_hook && n > 0) {
			int h = dv->scan_hook(dv->scan_ctx, list, n);

			if (h < 0)
				return h;
			if (h > 0)
				continue; /* a layer came up: its device is there to scan */
		}
		uint64_t waited_ms = monoclock_ms() - start;
		bool limit = limit_ms >= 0 && waited_ms >= (uint64_t)limit_ms;
		/* root first: not among the devices brought up first, so it may be behind one
		 * whose driver was kept for later (an IDE disk, a CD-ROM): load them all now,
		 * after a grace for slow disks, and always before giving up */
		if (dv->defer && dv->ndeferred &&
		    (waited_ms >= DEVICES_DEFER_GRACE_MS || (limit && !optional))) {
			char why[640];

			escape_str(spec, esc, sizeof(esc));
			snprintf(why, sizeof(why), "%s: %s=%s not found among the devices brought up first "
				 "after %llu ms", tag, what, esc, (unsigned long long)waited_ms);
			devices_release(dv, DEVICES_RELEASE_ALL, why);
			continue;
		}
		if (limit)
			break;
		if (!said_waiting) {
			escape_str(spec, esc, sizeof(esc));
			if (limit_ms < 0)
				log_info("%s: waiting for %s=%s (rootwait: no time limit)", tag, what,
					 esc);
			else
				log_info("%s: waiting up to %d s for %s=%s", tag, limit_ms / 1000,
					 what, esc);
			said_waiting = true;
		}
		devwait_events(dv, fd, DEVWAIT_SCAN_MS);
	}
	if (!optional)
		say_not_found(dv, what, spec, limit_ms, list, n);
	return -ENODEV;
}

static bool fs_known(const char *type)
{
	char line[256];
	FILE *f = fopen("/proc/filesystems", "re");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *name = strrchr(line, '\t');

		name = name ? name + 1 : line;
		name[strcspn(name, "\n")] = '\0';
		found = strcmp(name, type) == 0;
	}
	fclose(f);
	return found;
}

int devwait_fs(struct modload *ml, const char *type)
{
	char alias[96], esc[ESCAPE_SIZE(64)];
	int rc;

	if (fs_known(type))
		return 0;
	escape_str(type, esc, sizeof(esc));
	if (snprintf(alias, sizeof(alias), "fs-%s", type) >= (int)sizeof(alias)) {
		log_err("root: filesystem type %s is too long to be one", esc);
		return -ENAMETOOLONG;
	}
	rc = modload_alias(ml, alias);
	if (rc == -ENOENT) {
		log_err("root: filesystem %s is not in the kernel and no module in the image provides "
			"alias fs-%s; rebuild the image with --add-modules %s", esc, esc, esc);
		return rc;
	}
	if (rc < 0 || !fs_known(type)) {
		log_err("root: loading the module for filesystem %s failed: %s", esc,
			strerror(rc < 0 ? -rc : ENODEV));
		return rc < 0 ? rc : -ENODEV;
	}
	return 0;
}
