/* phase root: find the device root= names (waiting for it, loading drivers for
 * devices that appear meanwhile), probe its filesystem, mount it on /sysroot. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/monoclock.h"
#include "blkdev.h"
#include "boot.h"
#include "devices.h"
#include "log.h"
#include "nfsroot.h"
#include "rootspec.h"

#define ROOT_WAIT_DEFAULT_S 15
#define NODRIVER_TEXT 768 /* the devices named: the whole line stays under the logger's 1024 */

/* Has someone (a previous attempt, or the user in the rescue shell) mounted it? */
static bool sysroot_mounted(void)
{
	struct stat a, b;

	return stat("/", &a) == 0 && stat(SYSROOT, &b) == 0 && a.st_dev != b.st_dev;
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

static int wait_timeout_ms(const struct config *cfg)
{
	int ms;

	if (cfg->rd_timeout_set)
		return cfg->rd_timeout && ms_from_seconds(cfg->rd_timeout, &ms) == 0 ? ms : -1;
	return cfg->rootwait ? -1 : ROOT_WAIT_DEFAULT_S * 1000;
}

int boot_find_device(struct boot *b, const char *what, const char *spec, const struct rootspec *rs,
		     struct blkdev *found)
{
	static struct blkdev list[BLKDEV_MAX];
	static char desc[4096];
	int limit = wait_timeout_ms(&b->cfg);
	uint64_t start = timeline_now_ns();
	bool said_waiting = false;
	int n;

	for (;;) {
		const struct blkdev *d;

		n = blkdev_scan("/sys", list, BLKDEV_MAX);
		d = n > 0 ? blkdev_find(list, n, rs) : NULL;
		if (d) {
			*found = *d;
			return 0;
		}
		uint64_t waited_ms = (timeline_now_ns() - start) / 1000000;
		if (limit >= 0 && waited_ms >= (uint64_t)limit)
			break;
		if (!said_waiting) {
			if (limit < 0)
				log_info("root: waiting for %s=%s (rootwait: no time limit)", what, spec);
			else
				log_info("root: waiting up to %d s for %s=%s", limit / 1000, what, spec);
			said_waiting = true;
		}
		boot_wait_events(b, 250);
	}
	blkdev_describe(list, n < 0 ? 0 : n, desc, sizeof(desc));
	log_err("root: %s=%s not found after %d s. Block devices: %s", what, spec, limit / 1000, desc);
	/* a disk behind a controller the image has no module for never shows up at all */
	if (devices_describe_nodriver(&b->ml, desc, NODRIVER_TEXT) > 0)
		log_err("root: devices without a driver in this image: %s; if the root is behind one, "
			"rebuild the image with its module (--add-modules)", desc);
	log_err("root: check %s= (or add rootwait / rd.timeout=SECONDS for a slow device)", what);
	return -ENODEV;
}

int boot_ensure_fs(struct boot *b, const char *type)
{
	char alias[96];
	int rc;

	if (fs_known(type))
		return 0;
	snprintf(alias, sizeof(alias), "fs-%s", type);
	rc = modload_alias(&b->ml, alias);
	if (rc == -ENOENT) {
		log_err("root: filesystem %s is not in the kernel and no module in the image provides "
			"alias %s; rebuild the image with --add-modules %s", type, alias, type);
		return rc;
	}
	if (rc < 0 || !fs_known(type)) {
		log_err("root: loading the module for filesystem %s failed: %s", type, strerror(rc < 0 ? -rc : ENODEV));
		return rc < 0 ? rc : -ENODEV;
	}
	return 0;
}

static int mount_root(struct boot *b, const struct blkdev *d)
{
	const char *type = b->cfg.rootfstype[0] ? b->cfg.rootfstype : d->type;
	unsigned long flags = b->cfg.rw == RW_RW ? 0 : MS_RDONLY;
	const char *data = b->cfg.rootflags[0] ? b->cfg.rootflags : NULL;
	int rc;

	if (!type[0]) {
		log_err("root: %s has no filesystem libblkid recognises; name it with rootfstype=", d->path);
		return -EINVAL;
	}
	rc = boot_ensure_fs(b, type);
	if (rc < 0)
		return rc;
	mkdir(SYSROOT, 0755);
	if (mount(d->path, SYSROOT, type, flags, data) < 0) {
		rc = -errno;
		log_err("root: mounting %s (%s) on %s %s%s%s failed: %s", d->path, type, SYSROOT,
			flags ? "read-only" : "read-write", data ? " with rootflags=" : "", data ? data : "",
			strerror(-rc));
		return rc;
	}
	snprintf(b->root_dev, sizeof(b->root_dev), "%s", d->path);
	snprintf(b->root_type, sizeof(b->root_type), "%s", type);
	log_info("root: mounted %s (%s%s%s%s%s) on %s %s", d->path, type, d->uuid[0] ? " UUID=" : "",
		 d->uuid, data ? ", " : "", data ? data : "", SYSROOT, flags ? "read-only" : "read-write");
	return 0;
}

int phase_root(struct boot *b)
{
	struct rootspec rs;
	struct blkdev dev;
	int rc;

	if (sysroot_mounted()) {
		log_info("root: %s is already mounted; using it", SYSROOT);
		return 0;
	}
	if (nfsroot_wanted(b))
		return nfsroot_mount(b);
	if (!b->cfg.root[0]) {
		log_err("root: no root= on the command line or in the image defaults; "
			"add e.g. root=UUID=... or root=/dev/vda1");
		return -EINVAL;
	}
	rc = rootspec_parse(b->cfg.root, &rs);
	if (rc < 0) {
		log_err("root: cannot use root=%s: expected /dev/NAME, UUID=, LABEL=, PARTUUID=, "
			"PARTLABEL= or MAJOR:MINOR", b->cfg.root);
		return rc;
	}
	if (b->cfg.rootdelay) {
		log_info("root: rootdelay=%u: waiting", b->cfg.rootdelay);
		sleep(b->cfg.rootdelay);
	}
	rc = boot_find_device(b, "root", b->cfg.root, &rs, &dev);
	if (rc < 0)
		return rc;
	return mount_root(b, &dev);
}
