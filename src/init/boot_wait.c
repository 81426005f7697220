/* What the phases that wait for devices share (root=, sprout.overlay=, the network's
 * NIC, and storage next): waits with the boot's deadlines over dev/devwait. One unit,
 * so no phase reaches into another phase's file for them. */
#include <errno.h>

#include "base/monoclock.h"
#include "boot.h"
#include "devwait.h"

#define ROOT_WAIT_DEFAULT_S 15
/* The resume device is a local disk (or a layer on one) like the root: 10 s cover a slow
 * controller or USB disk and the layers built over it, while a swap that is gone costs a
 * boot at most that, not the root's 15 s or the no-limit of rootwait. */
#define RESUME_WAIT_DEFAULT_S 10

int boot_wait_ms(const struct config *cfg)
{
	int ms;

	if (cfg->rd_timeout_set)
		return cfg->rd_timeout && ms_from_seconds(cfg->rd_timeout, &ms) == 0 ? ms : -1;
	return cfg->rootwait ? -1 : ROOT_WAIT_DEFAULT_S * 1000;
}

int boot_resume_wait_ms(const struct config *cfg)
{
	int ms, root = boot_wait_ms(cfg);

	if (cfg->resume_timeout_set)
		return ms_from_seconds(cfg->resume_timeout, &ms) == 0 ? ms : 0;
	ms = RESUME_WAIT_DEFAULT_S * 1000;
	return root >= 0 && root < ms ? root : ms;
}

void boot_wait_events(struct boot *b, int ms)
{
	devwait_events(&b->dev, b->uevent_fd, ms);
}

int boot_find_device(struct boot *b, const char *what, const char *spec, const struct rootspec *rs,
		     struct blkdev *found)
{
	uint64_t t0 = timeline_now();
	int rc = devwait_blkdev(&b->dev, b->uevent_fd, boot_wait_ms(&b->cfg), what, spec, rs, found);

	timeline_event("wait", what, t0, rc == 0 ? "ok" : rc == -ENODEV ? "timeout" : "fail", "for", spec,
		       "dev", rc == 0 ? found->path : NULL, TL_END);
	return rc;
}

int boot_ensure_fs(struct boot *b, const char *type)
{
	return devwait_fs(&b->ml, type);
}
