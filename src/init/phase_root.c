/* phase root: find the device root= names (waiting for it, loading drivers for
 * devices that appear meanwhile), probe its filesystem, check it (fsck.h), mount it
 * on /sysroot. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/monoclock.h"
#include "blkdev.h"
#include "boot.h"
#include "devwait.h"
#include "fsck.h"
#include "log.h"
#include "nfsroot.h"
#include "rootimage.h"
#include "rootspec.h"

/* Has someone (a previous attempt, or the user in the rescue shell) mounted it? */
static bool sysroot_mounted(void)
{
	struct stat a, b;

	return stat("/", &a) == 0 && stat(SYSROOT, &b) == 0 && a.st_dev != b.st_dev;
}

static int mount_root(struct boot *b, const struct blkdev *d)
{
	const char *type = b->cfg.rootfstype[0] ? b->cfg.rootfstype : d->type;
	unsigned long flags = b->cfg.rw == RW_RW ? 0 : MS_RDONLY;
	const char *data = b->cfg.rootflags[0] ? b->cfg.rootflags : NULL;
	char etype[ESCAPE_SIZE(64)], euuid[ESCAPE_SIZE(64)], edata[512];
	int rc;

	if (!type[0]) {
		log_err("root: %s has no filesystem libblkid recognises; name it with rootfstype=", d->path);
		return -EINVAL;
	}
	rc = boot_ensure_fs(b, type);
	if (rc == 0)
		rc = fsck_root(b, d->path, type);
	if (rc < 0)
		return rc;
	mkdir(SYSROOT, 0755);
	if (mount(d->path, SYSROOT, type, flags, data) < 0) {
		rc = -errno;
		log_err("root: mounting %s (%s) on %s %s%s%s failed: %s", d->path,
			escape_str(type, etype, sizeof(etype)), SYSROOT, flags ? "read-only" : "read-write",
			data ? " with rootflags=" : "", data ? escape_str(data, edata, sizeof(edata)) : "",
			strerror(-rc));
		return rc;
	}
	snprintf(b->root_dev, sizeof(b->root_dev), "%s", d->path);
	snprintf(b->root_type, sizeof(b->root_type), "%s", type);
	/* the type and UUID come from the disk (or the command line): escaped */
	log_info("root: mounted %s (%s%s%s%s%s) on %s %s", d->path,
		 escape_str(type, etype, sizeof(etype)), d->uuid[0] ? " UUID=" : "",
		 escape_str(d->uuid, euuid, sizeof(euuid)), data ? ", " : "",
		 data ? escape_str(data, edata, sizeof(edata)) : "", SYSROOT,
		 flags ? "read-only" : "read-write");
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
	if (rootimage_wanted(b))
		return rootimage_mount(b);
	if (nfsroot_wanted(b))
		return nfsroot_mount(b);
	if (!b->cfg.root[0]) {
		log_err("root: no root= on the command line or in the image defaults; "
			"add e.g. root=UUID=... or root=/dev/vda1");
		return -EINVAL;
	}
	rc = rootspec_parse(b->cfg.root, &rs);
	if (rc < 0) {
		char esc[512];

		log_err("root: cannot use root=%s: expected /dev/NAME, UUID=, LABEL=, PARTUUID=, "
			"PARTLABEL= or MAJOR:MINOR", escape_str(b->cfg.root, esc, sizeof(esc)));
		return rc;
	}
	if (b->cfg.rootdelay) {
		log_info("root: rootdelay=%u: waiting", b->cfg.rootdelay);
		monoclock_sleep_ms((uint64_t)b->cfg.rootdelay * 1000); /* whole, across signals */
	}
	rc = boot_find_device(b, "root", b->cfg.root, &rs, &dev);
	if (rc < 0)
		return rc;
	return mount_root(b, &dev);
}
