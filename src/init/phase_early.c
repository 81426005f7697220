/* phase early: the kernel filesystems (those not mounted yet), the console, the process
 * environment. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/array.h"
#include "boot.h"
#include "console.h"
#include "log.h"
#include "mountpoint.h"
#include "run.h"

struct kmount {
	const char *src, *dir, *type;
	unsigned long flags;
	const char *data;
};

static const struct kmount kernel_mounts[] = {
	{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755" },
	{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755" },
};

/* By default the kernel drops /dev/kmsg lines past 10 per 5 s; our log is ours to keep. */
static void allow_kmsg_lines(void)
{
	int fd = open("/proc/sys/kernel/printk_devkmsg", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, "on\n", 3) != 3) {
		/* an older kernel without the knob: lines may be rate-limited, nothing more */
	}
	close(fd);
}

int phase_early(struct boot *b)
{
	int rc;

	(void)b;
	umask(022);
	for (size_t i = 0; i < ARRAY_SIZE(kernel_mounts); i++) {
		const struct kmount *m = &kernel_mounts[i];

		/* as the wrapper, the kernel (devtmpfs) or the initramfs may have mounted it */
		if (mountpoint_is(m->dir))
			continue;
		mkdir(m->dir, 0755);
		if (mount(m->src, m->dir, m->type, m->flags, m->data) < 0 && errno != EBUSY) {
			int err = -errno;

			console_attach(false);
			log_err("early: cannot mount %s on %s: %s", m->type, m->dir, strerror(-err));
			return err;
		}
	}
	/* fds 0-2 on the console, so the rescue shell and messages have somewhere to go */
	console_attach(false);
	allow_kmsg_lines();
	log_open();
	/* PID 1 inherits every orphan: reap them from now on, not only in the rescue shell */
	if ((rc = run_reaper_install()) < 0)
		log_warn("early: no SIGCHLD reaper (%s): orphans stay zombies", strerror(-rc));
	mkdir(STATE_DIR, 0755);
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/", 0);
	setenv("TERM", "linux", 0);
	log_info("sprout-init %s started", SPROUT_VERSION);
	return 0;
}
