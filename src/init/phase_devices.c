/* phase devices: the module index of the image, rd.driver.blacklist= and
 * rd.driver.pre=, then coldplug, root first: every device the kernel already knows that
 * may lead to the root gets its driver; the others' drivers are kept for later (see
 * devices.h) and loaded when the root is not found among the first, or left to the real
 * system's device manager at handover. Hotplug events are listened for from here on, so
 * devices that appear later (while waiting for the root) get theirs. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "devices.h"
#include "imagespec.h"
#include "log.h"
#include "modalias_kind.h"
#include "nfsspec.h"
#include "rootspec.h"
#include "storage.h"

static int open_index(struct boot *b)
{
	int rc = modload_open(&b->ml, b->moddir);

	if (rc < 0) {
		log_err("devices: cannot read the module index in %s: %s (was the image built "
			"for kernel %s?)", b->moddir, strerror(-rc), b->kver);
		return rc;
	}
	b->ml_open = true;
	/* MODULE.PARAM=VALUE words, as modprobe would pass them */
	modload_set_cmdline(&b->ml, b->cmdline_raw, b->cmdline_len);
	return 0;
}

/* May the root need the network? A superset of the network phase's test (ip=off too):
 * a NIC loaded for nothing costs less than a network root without one. */
static bool network_maybe(const struct config *c)
{
	return c->ip_count > 0 || c->rd_neednet || c->nfsroot[0] || nfsspec_is_nfs_root(c->root) ||
	       !strcmp(c->root, "dhcp") || imagespec_needs_network(c->image);
}

/* What the boot may need besides the root's way: the MODALIAS_NEED_* loaded first. */
static unsigned first_needs(const struct config *c)
{
	unsigned needs = 0;

	if (network_maybe(c))
		needs |= MODALIAS_NEED_NET;
	/* a passphrase may be asked: the keyboard must be there */
	if (!c->luks_off && (c->luks_uuid[0] || access(STORAGE_CRYPTSETUP, X_OK) == 0))
		needs |= MODALIAS_NEED_INPUT;
	return needs;
}

/* After the first coldplug: a local root with no storage controller but IDE, floppy or
 * CD-ROM ones (an old machine, a VM with an IDE disk) can only be there: load them now,
 * not after the root wait's grace. */
static void legacy_now(struct boot *b)
{
	struct rootspec rs;

	if (b->dev.storage_first || network_maybe(&b->cfg) || rootspec_parse(b->cfg.root, &rs) < 0)
		return;
	devices_release(&b->dev, MODALIAS_NEED_LEGACY, "no storage controller but IDE, floppy or CD-ROM ones");
}

int phase_devices(struct boot *b)
{
	int rc;

	if (b->uevent_fd < 0) {
		/* opened before the walk, so no device appearing during it is missed */
		b->uevent_fd = devices_uevent_open();
		if (b->uevent_fd < 0)
			log_warn("devices: no uevent socket (%s); late devices are found by polling",
				 strerror(-b->uevent_fd));
	}
	if (!b->dev.ml)
		devices_init(&b->dev, &b->ml, "/sys");
	if (!b->ml_open && (rc = open_index(b)) < 0)
		return rc;
	if (!b->rules_loaded) {
		/* the image's devices.conf; names of users against the image's files for now,
		 * against the root's before handover (phase_handover). In wrapper mode / is the
		 * root: its own devices.conf, and its passwd and group are final. */
		devrules_set_load(&b->rules, NULL, NULL, b->cfg.devices_exec);
		devrules_set_ids(&b->rules, "/", b->wrapper);
		b->dev.rules = &b->rules;
		b->rules_loaded = true;
	}
	/* before the first driver: a blacklisted one must not come in with coldplug, and
	 * rd.driver.pre= modules go first (again after a retry: loading is idempotent) */
	devices_apply_cmdline(&b->dev, b->cfg.driver_blacklist, b->cfg.driver_pre);
	if (!b->wrapper) /* the wrapper's / is the root: every driver now */
		devices_defer(&b->dev, first_needs(&b->cfg));
	rc = devices_coldplug(&b->dev);
	if (rc < 0) {
		log_err("devices: coldplug failed: %s", strerror(-rc));
		return rc;
	}
	log_info("devices: %d module(s) loaded for the devices present", rc);
	if (b->dev.defer) {
		char desc[256];

		legacy_now(b);
		devices_describe_deferred(&b->dev, desc, sizeof(desc));
		if (b->dev.ndeferred)
			log_info("devices: root first: the drivers of %zu device(s) wait (%s)",
				 b->dev.ndeferred, desc);
	}
	return 0;
}
