/* phase overlay (sprout.overlay=tmpfs | DEVICE): the root mounted on /sysroot (or, for
 * the wrapper, a bind mount of the running root) moves to /run/sprout/lower, the upper layer is mounted on /run/sprout/upper (a tmpfs of
 * sprout.overlay.size=, or a local filesystem so writes survive a reboot), and the
 * overlayfs of both is mounted on /sysroot. Safe to run again after a failure. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/escape.h"
#include "blkdev.h"
#include "boot.h"
#include "log.h"
#include "mountpoint.h"
#include "overlay.h"
#include "rootspec.h"

/* The root mounted on root becomes the lower layer (read-only, whatever it was). */
static int move_root_to_lower(const char *root)
{
	if (mountpoint_is(OVERLAY_LOWER))
		return 0; /* a previous attempt moved it already */
	mkdir(OVERLAY_LOWER, 0755);
	if (mount(root, OVERLAY_LOWER, NULL, MS_MOVE, NULL) < 0) {
		log_err("overlay: moving the root from %s to %s failed: %m", root, OVERLAY_LOWER);
		return -errno;
	}
	if (mount(NULL, OVERLAY_LOWER, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		log_warn("overlay: cannot make the lower layer read-only: %m");
	return 0;
}

static int mount_upper_tmpfs(struct boot *b)
{
	char data[128], err[160];

	if (overlay_tmpfs_data(b->cfg.overlay_size, data, sizeof(data), err, sizeof(err)) < 0) {
		log_err("overlay: %s", err);
		return -EINVAL;
	}
	if (mount("sprout-upper", OVERLAY_UPPER, "tmpfs", MS_NOSUID | MS_NODEV, data) < 0) {
		log_err("overlay: tmpfs for the upper layer (%s) failed: %m", data);
		return -errno;
	}
	log_info("overlay: upper layer in RAM (tmpfs %s)", data);
	return 0;
}

static int mount_upper_device(struct boot *b)
{
	struct rootspec rs;
	struct blkdev dev;
	int rc;

	if (rootspec_parse(b->cfg.overlay, &rs) < 0) {
		char e[ESCAPE_SIZE(sizeof(b->cfg.overlay))];

		log_err("overlay: sprout.overlay=%s: expected tmpfs, /dev/NAME, UUID=, LABEL=, PARTUUID= "
			"or PARTLABEL=", escape_str(b->cfg.overlay, e, sizeof(e)));
		return -EINVAL;
	}
	rc = boot_find_device(b, "sprout.overlay", b->cfg.overlay, &rs, &dev);
	if (rc < 0)
		return rc;
	if (!dev.type[0]) {
		log_err("overlay: %s has no filesystem to keep the upper layer on (make one, e.g. "
			"mkfs.ext4 -L LABEL %s)", dev.path, dev.path);
		return -EINVAL;
	}
	if ((rc = boot_ensure_fs(b, dev.type)) < 0)
		return rc;
	if (mount(dev.path, OVERLAY_UPPER, dev.type, MS_NOSUID | MS_NODEV, NULL) < 0) {
		log_err("overlay: mounting %s (%s) for the upper layer failed: %m", dev.path, dev.type);
		return -errno;
	}
	log_info("overlay: upper layer on %s (%s): writes are kept across boots", dev.path, dev.type);
	return 0;
}

static int mount_upper(struct boot *b)
{
	char path[64];
	int rc;

	mkdir(OVERLAY_UPPER, 0755);
	if (!mountpoint_is(OVERLAY_UPPER)) {
		rc = strcmp(b->cfg.overlay, "tmpfs") == 0 ? mount_upper_tmpfs(b) : mount_upper_device(b);
		if (rc < 0)
			return rc;
	}
	snprintf(path, sizeof(path), "%s/root", OVERLAY_UPPER);
	mkdir(path, 0755);
	chmod(path, 0755); /* the new root's own mode: overlayfs shows the upper root's */
	snprintf(path, sizeof(path), "%s/work", OVERLAY_UPPER);
	mkdir(path, 0700);
	return 0;
}

int overlay_stack(struct boot *b, const char *root)
{
	char data[512];
	int rc;

	if ((rc = move_root_to_lower(root)) < 0 || (rc = mount_upper(b)) < 0)
		return rc;
	if ((rc = boot_ensure_fs(b, "overlay")) < 0)
		return rc;
	if (overlay_mount_data(OVERLAY_LOWER, OVERLAY_UPPER, data, sizeof(data)) < 0)
		return -ENAMETOOLONG;
	if (mount("overlay", root, "overlay", 0, data) < 0) {
		rc = -errno;
		log_err("overlay: mounting overlayfs on %s (%s) failed: %s", root, data, strerror(-rc));
		return rc;
	}
	log_info("overlay: %s is %s (read-only) under %s/root (writable)", root, OVERLAY_LOWER,
		 OVERLAY_UPPER);
	return 0;
}

int phase_overlay(struct boot *b)
{
	if (!b->cfg.overlay[0])
		return 0;
	return overlay_stack(b, SYSROOT);
}
