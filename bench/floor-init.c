/* floor-init: the bench's lower bound for the initramfs phase of a local-disk boot.
 *
 * It does only what this one boot physically needs, with everything decided at build time:
 * load the root's modules by path in dependency order (the list is compiled in from
 * floor-modules.h, which bench/run.sh generates with modprobe --show-depends), mount the root
 * by device node, move /dev into it, empty the initramfs and switch root. No command line,
 * no module index, no uevents, no filesystem probing, no UUID lookup. Whatever a real
 * initramfs does beyond this is its overhead; bench/run.sh reports sprout's as the
 * difference.
 *
 * Built by bench/run.sh with gcc -static, never by the Makefile (not a part of sprout).
 * A failure prints one line to the console and exits: the kernel panics, panic=1 reboots,
 * QEMU's -no-reboot ends the run, and the bench reports the boot as failed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* FLOOR_MODULES (comma-separated string literals), FLOOR_ROOT_DEV, FLOOR_ROOT_TYPE */
#include "floor-modules.h"

#define NEWROOT "/root"

/* Read-only, as a root is mounted before it is checked; bench/debian.sh builds a read-write
 * variant for the Debian root, whose empty fstab leaves the root as the initramfs mounted it. */
#ifndef FLOOR_ROOT_FLAGS
#define FLOOR_ROOT_FLAGS MS_RDONLY
#endif

static const char *const modules[] = { FLOOR_MODULES };

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "floor-init: %s %s: %s\n", what, arg, strerror(errno));
	return 1;
}

static int load_modules(void)
{
	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		int fd = open(modules[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return fail("open", modules[i]);
		if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST) {
			close(fd);
			return fail("finit_module", modules[i]);
		}
		close(fd);
	}
	return 0;
}

/* virtio_blk registers the disk while its module loads, so the node is normally there at
 * once; the short wait only covers a driver that probes asynchronously. */
static int mount_root(void)
{
	const struct timespec ms = { 0, 1000000 };

	for (int tries = 0; tries < 5000; tries++) {
		if (mount(FLOOR_ROOT_DEV, NEWROOT, FLOOR_ROOT_TYPE, FLOOR_ROOT_FLAGS, NULL) == 0)
			return 0;
		if (errno != ENOENT && errno != ENXIO)
			break;
		nanosleep(&ms, NULL);
	}
	return fail("mount", FLOOR_ROOT_DEV);
}

/* Empties the initramfs without leaving it: entries on another filesystem (the new root's
 * mount point, the moved /dev) are skipped. Closes dirfd. */
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

static int switch_root(void)
{
	struct stat st;
	int fd;

	if (mount("/dev", NEWROOT "/dev", NULL, MS_MOVE, NULL) != 0)
		return fail("move /dev to", NEWROOT "/dev");
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0)
		return fail("open", "/");
	delete_tree(fd, st.st_dev);
	if (chdir(NEWROOT) != 0 || mount(".", "/", NULL, MS_MOVE, NULL) != 0 || chroot(".") != 0 ||
	    chdir("/") != 0)
		return fail("switch root to", NEWROOT);
	return 0;
}

int main(void)
{
	char *const argv[] = { (char *)"/sbin/init", NULL };

	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0 && errno != EBUSY)
		return fail("mount devtmpfs on", "/dev");
	if (load_modules() != 0 || mount_root() != 0 || switch_root() != 0)
		return 1;
	execv(argv[0], argv);
	return fail("exec", argv[0]);
}
