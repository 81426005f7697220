/* phase storage: the layers between the disks and the root (md RAID, LUKS, LVM),
 * brought up from the members present now, layer after layer; and from here on the
 * root wait steps the same machinery on every scan, so members that appear later
 * (a slow disk, the second half of a mirror) still build their stack. Then resume
 * from hibernation (resume.c), when resume= asks for it. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "blkdev.h"
#include "boot.h"
#include "log.h"
#include "storage.h"

#define STORAGE_MAX_ROUNDS 16 /* layers stacked in one go: md, LUKS, LVM ... with room */

static int scan_hook(void *ctx, const struct blkdev *list, int n)
{
	return storage_step(ctx, list, n);
}

/* Does the command line name a storage layer? */
static bool asked_for(const struct config *c)
{
	return c->luks_uuid[0] || c->md_uuid[0] || c->lvm_vg[0] || c->lvm_lv[0];
}

static int layers(struct boot *b)
{
	static struct blkdev list[BLKDEV_MAX];
	int n, r = 0;

	if (b->cfg.luks_off && b->cfg.md_off && b->cfg.lvm_off) {
		log_info("storage: rd.luks=0 rd.md=0 rd.lvm=0: no storage layers brought up");
		return 0;
	}
	if (!b->storage_on) {
		storage_init(&b->storage, boot_wait_ms(&b->cfg));
		b->storage_on = true;
	}
	b->dev.scan_hook = scan_hook;
	b->dev.scan_ctx = b;
	if (!asked_for(&b->cfg) && access(STORAGE_MDADM, X_OK) < 0 &&
	    access(STORAGE_CRYPTSETUP, X_OK) < 0 && access(STORAGE_LVM, X_OK) < 0) {
		/* Nothing to bring up with: no probe of every disk here (it costs a boot ~0.2 s
		 * with an empty floppy or CD drive). The root wait still steps the machinery
		 * when the root does not appear, and says which tool a member would need. */
		log_debug("storage: no storage tools in the image: looked at only if the root "
			  "does not appear");
		return 0;
	}
	for (int round = 0; round < STORAGE_MAX_ROUNDS; round++) {
		n = blkdev_scan(b->dev.sysfs ? b->dev.sysfs : "/sys", list, BLKDEV_MAX);
		if (n < 0) {
			log_warn("storage: cannot list the block devices: %s", strerror(-n));
			return 0;
		}
		r = storage_step(b, list, n);
		if (r <= 0)
			break;
	}
	if (r < 0)
		return r;
	if (b->storage.nseen == 0)
		log_info("storage: no RAID, LUKS or LVM members among the block devices yet");
	return 0;
}

/* Resume comes last: its device may stand on the layers (a swap LV on LUKS on RAID1),
 * and it must come before anything is mounted or checked (the root phase, an overlay
 * on a disk). An NFS root resumes the same way when resume= names a local device. */
int phase_storage(struct boot *b)
{
	int r = layers(b);

	if (r < 0)
		return r;
	resume_from_hibernation(b);
	return 0;
}
