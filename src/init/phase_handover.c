/* phase handover: switch_root. Everything that can fail is checked before the first
 * irreversible step; then the kernel filesystems move into the new root, the
 * initramfs is emptied (never crossing into another filesystem), the new root
 * becomes "/", and the real init is exec'd. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "base/array.h"
#include "base/escape.h"
#include "base/monoclock.h"
#include "boot.h"
#include "console.h"
#include "idresolver.h"
#include "base/inroot.h"
#include "log.h"
#include "rescue.h"

static const char *const default_inits[] = { "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };
static const char *const moved_mounts[] = { "/dev", "/proc", "/sys", "/run" };

/* Is path, resolved inside the new root (absolute symlinks stay inside), an
 * executable regular file? */
static bool executable_in_root(int rootfd, const char *path)
{
	struct stat st;
	int fd = inroot_open(rootfd, path, false);
	bool ok;

	if (fd < 0)
		return false;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
	close(fd);
	return ok;
}

static const char *choose_init(struct boot *b)
{
	int rootfd = open(SYSROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *found = NULL;

	if (rootfd < 0)
		return NULL;
	if (b->cfg.init[0]) {
		char e_init[ESCAPE_SIZE(sizeof(b->cfg.init))], e_dev[ESCAPE_SIZE(sizeof(b->root_dev))];

		if (executable_in_root(rootfd, b->cfg.init))
			found = b->cfg.init;
		else
			log_err("handover: init=%s is not an executable file in the root (%s on %s)",
				escape_str(b->cfg.init, e_init, sizeof(e_init)),
				b->root_dev[0] ? escape_str(b->root_dev, e_dev, sizeof(e_dev)) : "?", SYSROOT);
	} else {
		for (size_t i = 0; !found && i < ARRAY_SIZE(default_inits); i++)
			if (executable_in_root(rootfd, default_inits[i]))
				found = default_inits[i];
		if (!found)
			log_err("handover: no init in the root: tried /sbin/init /etc/init /bin/init "
				"/bin/sh; name one with init=");
	}
	close(rootfd);
	return found;
}

/* A root's device manager: with one, the drivers root first kept back are its to load
 * (udev coldplugs every device at start; sprout-init --devices walks /sys). */
static const char *const device_managers[] = {
	"/lib/systemd/systemd-udevd", "/usr/lib/systemd/systemd-udevd", "/sbin/udevd",
	"/usr/sbin/udevd", "/sbin/sprout-init", "/usr/sbin/sprout-init",
};

/* The devices whose drivers root first kept back: left to the root's device manager,
 * or loaded now when it has none (nothing a root without one relied on goes missing). */
static void kept_devices(struct boot *b)
{
	const char *dm = NULL;
	char to[96];
	int rootfd;

	if (!b->dev.defer)
		return;
	rootfd = open(SYSROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; rootfd >= 0 && !dm && i < ARRAY_SIZE(device_managers); i++)
		if (executable_in_root(rootfd, device_managers[i]))
			dm = device_managers[i];
	if (rootfd >= 0)
		close(rootfd);
	if (dm) {
		snprintf(to, sizeof(to), "the root's %s", dm);
		devices_leave(&b->dev, to);
	} else {
		devices_release(&b->dev, DEVICES_RELEASE_ALL,
				"handover: the root has no device manager (udevd, sprout-init)");
	}
}

static int check_preconditions(void)
{
	struct statfs sf;
	struct stat a, r;

	if (getpid() != 1) {
		log_err("handover: not process 1; refusing to switch root");
		return -EPERM;
	}
	if (statfs("/", &sf) < 0 || (sf.f_type != RAMFS_MAGIC && sf.f_type != TMPFS_MAGIC)) {
		log_err("handover: / is not the initramfs (ramfs/tmpfs); refusing to delete it");
		return -EINVAL;
	}
	if (stat("/", &a) < 0 || stat(SYSROOT, &r) < 0 || a.st_dev == r.st_dev) {
		log_err("handover: nothing is mounted on %s", SYSROOT);
		return -ENOENT;
	}
	return 0;
}

static void move_mounts(void)
{
	char target[64];
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(moved_mounts); i++) {
		snprintf(target, sizeof(target), "%s%s", SYSROOT, moved_mounts[i]);
		if (stat(target, &st) == 0 && S_ISDIR(st.st_mode) &&
		    mount(moved_mounts[i], target, NULL, MS_MOVE, NULL) == 0)
			continue;
		log_warn("handover: cannot move %s to %s (%m); detaching it", moved_mounts[i], target);
		umount2(moved_mounts[i], MNT_DETACH);
	}
}

/* Deletes everything under dirfd that is on filesystem dev; mount points (other
 * st_dev) are left alone. Closes dirfd. */
static void delete_tree(int dirfd, dev_t dev)
{
	DIR *dp = fdopendir(dirfd);
	struct dirent *de;

	if (!dp) {
		close(dirfd);
		return;
	}
	while ((de = readdir(dp))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0)
				delete_tree(sub, dev);
			unlinkat(dirfd, de->d_name, AT_REMOVEDIR);
		} else {
			unlinkat(dirfd, de->d_name, 0);
		}
	}
	closedir(dp);
}

static void log_memory(void)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6)) {
			const char *v = line + 6;

			v += strspn(v, " \t");
			line[strcspn(line, "\n")] = '\0';
			log_info("handover: sprout-init peak memory (VmHWM) %s", v);
		}
	fclose(f);
}

static void save_timeline(struct boot *b)
{
	static char buf[4096];

	timeline_end(&b->tl, b->tl.n - 1); /* the handover entry, now nearly over */
	if (timeline_format_line(&b->tl, buf, sizeof(buf)) >= 0)
		log_info("timeline: %s", buf);
	uint64_t t0 = monoclock_ns();

	timeline_save(&b->tl, STATE_DIR "/timeline", true);
	/* what the timeline cost at the end, where all of it is written (the recording
	 * during the boot is a clock read and a copy per event) */
	log_info("handover: timeline saved (%u events) in %.2f ms", b->tl.nev,
		 (double)(monoclock_ns() - t0) / 1e6);
}

int phase_handover(struct boot *b)
{
	static char *argv[CMDLINE_MAX_ARGS + 2];
	static char argv0[CMDLINE_MAX_VALUE]; /* argv is char *[]; init may be a constant */
	const char *init = choose_init(b);
	struct stat st;
	int rc, rootfd;

	if (!init)
		return -ENOENT;
	if (snprintf(argv0, sizeof(argv0), "%s", init) >= (int)sizeof(argv0))
		return -ENAMETOOLONG;
	rc = check_preconditions();
	if (rc < 0)
		return rc;
	kept_devices(b);
	if (b->uevent_fd >= 0)
		close(b->uevent_fd);
	b->uevent_fd = -1;
	if (b->rules_loaded && b->rules.rules.n) {
		/* once more, with the root's users and groups: /dev is right when its init starts
		 * (commands ran at coldplug and do not run again) */
		devrules_set_ids(&b->rules, SYSROOT, true);
		devrules_set_coldplug(&b->rules, "/sys", false);
	}
	idresolver_clear(); /* owner names mapped as unknown here must not outlive us */
	log_memory();
	save_timeline(b);
	char e_init[ESCAPE_SIZE(sizeof(b->cfg.init))];
	escape_str(init, e_init, sizeof(e_init)); /* init= comes from the command line */
	log_info("handover: switching to %s, running %s", SYSROOT, e_init);

	/* From here on there is no way back to the initramfs. */
	move_mounts();
	rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd >= 0 && fstat(rootfd, &st) == 0)
		delete_tree(rootfd, st.st_dev);
	else if (rootfd >= 0)
		close(rootfd);
	if (chdir(SYSROOT) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 ||
	    chdir("/") < 0) {
		log_err("handover: making %s the root failed: %m", SYSROOT);
		rescue_halt(b);
	}
	console_attach(false); /* the moved /dev: the real init starts on the console */
	log_open();

	argv[0] = argv0;
	for (int i = 0; i < b->cfg.init_argc; i++)
		argv[i + 1] = b->cfg.init_argv[i];
	argv[b->cfg.init_argc + 1] = NULL;
	execv(init, argv);
	log_err("handover: exec %s failed: %m", e_init);
	rescue_halt(b);
}
