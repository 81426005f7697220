/* phase devices: the module index of the image, rd.driver.blacklist= and
 * rd.driver.pre=, then coldplug: every device the kernel already knows gets its
 * driver. Hotplug events are listened for from here on, so devices that appear later
 * (while waiting for the root) get theirs. */
#include <errno.h>
#include <string.h>

#include "boot.h"
#include "devices.h"
#include "log.h"

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
	rc = devices_coldplug(&b->dev);
	if (rc < 0) {
		log_err("devices: coldplug failed: %s", strerror(-rc));
		return rc;
	}
	log_info("devices: %d module(s) loaded for the devices present", rc);
	return 0;
}
