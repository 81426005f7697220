/* phase early: the kernel filesystems, the console, the process environment. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot.h"
#include "log.h"

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

/* fds 0-2 on the console, so the rescue shell and messages have somewhere to go. */
static void console_open(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

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
	(void)b;
	umask(022);
	for (size_t i = 0; i < sizeof(kernel_mounts) / sizeof(kernel_mounts[0]); i++) {
		const struct kmount *m = &kernel_mounts[i];

		mkdir(m->dir, 0755);
		if (mount(m->src, m->dir, m->type, m->flags, m->data) < 0 && errno != EBUSY) {
			int err = -errno;

			console_open();
			log_err("early: cannot mount %s on %s: %s", m->type, m->dir, strerror(-err));
			return err;
		}
	}
	console_open();
	allow_kmsg_lines();
	log_open();
	mkdir(STATE_DIR, 0755);
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/", 0);
	setenv("TERM", "linux", 0);
	log_info("sprout-init %s started", SPROUT_VERSION);
	return 0;
}
