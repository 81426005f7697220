/* phase devices: the module index of the image, then coldplug: every device the
 * kernel already knows gets its driver. Hotplug events are listened for from
 * here on, so devices that appear later (while waiting for the root) get theirs. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "devices.h"
#include "log.h"

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
	if (!b->ml_open) {
		rc = modload_open(&b->ml, b->moddir);
		if (rc < 0) {
			log_err("devices: cannot read the module index in %s: %s (was the image built "
				"for kernel %s?)", b->moddir, strerror(-rc), b->kver);
			return rc;
		}
		b->ml_open = true;
		/* MODULE.PARAM=VALUE words, as modprobe would pass them */
		modload_set_cmdline(&b->ml, b->cmdline_raw, b->cmdline_len);
	}
	rc = devices_coldplug(&b->ml);
	if (rc < 0) {
		log_err("devices: coldplug failed: %s", strerror(-rc));
		return rc;
	}
	log_info("devices: %d module(s) loaded for the devices present", rc);
	return 0;
}

void boot_wait_events(struct boot *b, int ms)
{
	struct pollfd p = { .fd = b->uevent_fd, .events = POLLIN };

	if (b->uevent_fd < 0) {
		usleep((useconds_t)ms * 1000);
		return;
	}
	if (poll(&p, 1, ms) > 0)
		devices_uevent_handle(&b->ml, b->uevent_fd);
}
