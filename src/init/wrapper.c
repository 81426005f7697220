/* wrapper: sprout-init as /sbin/init of an ordinary root, started by the kernel with no
 * initramfs (or by an initramfs's handover). It prepares what it can — the kernel
 * filesystems that are missing, drivers for the devices present from the root's own
 * /lib/modules (the devices phase's coldplug, the same code as in the initramfs), the
 * clock, and with sprout.overlay= a RAM layer over the read-only root — and then execs
 * the real init with the arguments the kernel gave. Every failure is logged and the real
 * init runs anyway: a broken wrapper must not leave a machine unbootable. Not process 1
 * (`telinit q`, `init 6`): the real init at once, nothing else. */
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
#include "base/readfile.h"
#include "boot.h"
#include "buildinfo.h"
#include "console.h"
#include "initmode.h"
#include "log.h"
#include "mountpoint.h"
#include "overlay.h"
#include "rescue.h"

/* where the overlay is put together before it becomes "/" (on the /run tmpfs) */
#define WRAPPER_NEWROOT STATE_DIR "/newroot"

bool wrapper_mode_detect(void)
{
	struct statfs sf;
	bool ram = statfs("/", &sf) == 0 && (sf.f_type == RAMFS_MAGIC || sf.f_type == TMPFS_MAGIC);

	return initmode_decide(ram, access(INITMODE_IMAGE_MARKER, F_OK) == 0) == INITMODE_WRAPPER;
}

/* The inits to try, and which of them is this very program (it is /sbin/init when
 * installed: exec'ing it would loop). Worked out before an overlay changes "/". */
struct init_list {
	const char *path[INITMODE_MAX_CANDIDATES];
	bool self[INITMODE_MAX_CANDIDATES];
	size_t n;
};

static bool same_file(const struct stat *a, const char *path)
{
	struct stat s;

	return stat(path, &s) == 0 && s.st_dev == a->st_dev && s.st_ino == a->st_ino;
}

static void list_inits(struct boot *b, bool pid1, struct init_list *l)
{
	struct stat me;
	bool have_me = stat("/proc/self/exe", &me) == 0 ||
		       (b->argc > 0 && b->argv[0][0] == '/' && stat(b->argv[0], &me) == 0);

	l->n = initmode_candidates(b->cfg.wrapper_init, pid1, l->path, ARRAY_SIZE(l->path));
	for (size_t i = 0; i < l->n; i++)
		l->self[i] = have_me && same_file(&me, l->path[i]);
}

/* execs the first init of l that runs; never returns */
__attribute__((noreturn)) static void exec_init(struct boot *b, const struct init_list *l, bool pid1)
{
	static char *fallback_argv[2];
	static char argv0[CMDLINE_MAX_VALUE]; /* argv is char *[]; the paths are constants */
	char **argv = b->argv;
	char e[ESCAPE_SIZE(CMDLINE_MAX_VALUE)];

	for (size_t i = 0; i < l->n; i++) {
		const char *p = l->path[i];

		escape_str(p, e, sizeof(e));
		if (l->self[i]) {
			if (pid1)
				log_info("wrapper: %s is sprout-init itself; not run again", e);
			continue;
		}
		if (access(p, X_OK) < 0) {
			if (i == 0)
				log_err("wrapper: the real init %s is missing or not executable (%m); "
					"trying the kernel's list (/sbin/init /etc/init /bin/init%s)", e,
					pid1 ? ", then /bin/sh" : "");
			continue;
		}
		if (b->argc < 1) {
			snprintf(argv0, sizeof(argv0), "%s", p);
			fallback_argv[0] = argv0;
			argv = fallback_argv;
		}
		if (pid1)
			log_info("wrapper: running %s%s", e, i ? " (fallback)" : "");
		execv(p, argv);
		log_err("wrapper: exec %s failed: %m", e);
	}
	log_err("wrapper: no init to run: tried %s and the kernel's list; boot with "
		"sprout.init=PATH or init=PATH", l->path[0]);
	if (!pid1)
		exit(1);
	rescue_halt(b);
}

/* Not process 1: only which init (sprout.init= on the kernel's command line) matters. */
static void read_kernel_cmdline(struct config *cfg)
{
	char *buf;
	size_t len;

	cmdline_init(cfg);
	if (readfile_at(AT_FDCWD, "/proc/cmdline", 65536, &buf, &len) == 0) {
		cmdline_parse(cfg, buf, len);
		free(buf);
	}
}

/* Moves /proc /sys /dev into newroot, makes newroot "/", then moves /run (which holds
 * newroot's layers, so it cannot go first) through an fd opened beforehand. 0, or -errno
 * with everything moved back. */
static int switch_to(const char *newroot)
{
	static const char *const inner[] = { "/proc", "/sys", "/dev" };
	char target[ARRAY_SIZE(inner)][128], src[64];
	int runfd = open("/run", O_PATH | O_DIRECTORY | O_CLOEXEC);
	size_t moved = 0;
	int rc = 0;

	if (runfd < 0)
		return -errno;
	for (; moved < ARRAY_SIZE(inner); moved++) {
		snprintf(target[moved], sizeof(target[0]), "%s%s", newroot, inner[moved]);
		if (mount(inner[moved], target[moved], NULL, MS_MOVE, NULL) < 0) {
			rc = -errno;
			log_err("wrapper: moving %s to %s failed: %m", inner[moved], target[moved]);
			goto undo;
		}
	}
	if (chdir(newroot) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0) {
		rc = -errno;
		log_err("wrapper: making %s the root failed: %m", newroot);
		if (chdir("/") < 0) {
			/* cwd stays in newroot; nothing depends on it */
		}
		goto undo;
	}
	if (chroot(".") < 0 || chdir("/") < 0)
		log_err("wrapper: chroot into the new root failed: %m"); /* past the point of return */
	snprintf(src, sizeof(src), "/proc/self/fd/%d", runfd);
	if (mount(src, "/run", NULL, MS_MOVE, NULL) < 0)
		log_err("wrapper: moving /run into the new root failed: %m (the layers stay "
			"mounted, out of reach)");
	else
		rmdir(newroot); /* the overlay's old mount point, now an empty directory in /run */
	close(runfd);
	console_attach(false);
	log_open();
	return 0;
undo:
	while (moved-- > 0)
		if (mount(target[moved], inner[moved], NULL, MS_MOVE, NULL) < 0)
			log_err("wrapper: moving %s back failed: %m", inner[moved]);
	close(runfd);
	return rc;
}

/* sprout.overlay=: the running root, bind-mounted (without what is mounted on it), is the
 * lower layer; the rest is the initramfs's overlay code; then the overlay becomes "/". */
static void ram_layer(struct boot *b)
{
	struct statfs sf;
	int rc;

	if (statfs("/", &sf) == 0 && sf.f_type == OVERLAYFS_SUPER_MAGIC) {
		log_info("wrapper: / is an overlay already (made by the initramfs); "
			 "sprout.overlay= is done");
		return;
	}
	mkdir(STATE_DIR, 0755);
	mkdir(WRAPPER_NEWROOT, 0755);
	if (mount("/", WRAPPER_NEWROOT, NULL, MS_BIND, NULL) < 0) {
		log_err("wrapper: bind-mounting / on %s failed: %m; no RAM layer", WRAPPER_NEWROOT);
		return;
	}
	rc = overlay_stack(b, WRAPPER_NEWROOT);
	if (rc == 0)
		rc = switch_to(WRAPPER_NEWROOT);
	if (rc == 0) {
		log_info("wrapper: / is now the overlay; the root as it was is read-only under %s",
			 OVERLAY_LOWER);
		return;
	}
	/* leave the machine as it was: the real init on the root itself */
	umount2(WRAPPER_NEWROOT, MNT_DETACH);
	umount2(OVERLAY_UPPER, MNT_DETACH);
	umount2(OVERLAY_LOWER, MNT_DETACH);
	log_err("wrapper: no RAM layer (sprout.overlay=); the real init runs on the root as it is");
}

static void log_start(struct boot *b)
{
	struct statfs sf;
	char t[32];

	if (statfs("/", &sf) == 0)
		snprintf(t, sizeof(t), "filesystem 0x%lx", (unsigned long)sf.f_type);
	else
		snprintf(t, sizeof(t), "unknown filesystem");
	log_info("wrapper: sprout-init %s is %s of the root (%s; not a sprout image: no %s "
		 "on a ramfs/tmpfs root)", SPROUT_VERSION, b->argc > 0 ? b->argv[0] : "init", t,
		 INITMODE_IMAGE_MARKER);
}

void wrapper_main(struct boot *b)
{
	struct init_list inits;
	bool proc_here = false;

	b->wrapper = true;
	if (getpid() != 1) {
		read_kernel_cmdline(&b->cfg);
		list_inits(b, false, &inits);
		exec_init(b, &inits, false);
	}
	log_open(); /* the kernel mounts devtmpfs on /dev itself (CONFIG_DEVTMPFS_MOUNT) */
	if (!mountpoint_is("/proc")) {
		proc_here = mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0;
		if (!proc_here)
			log_err("wrapper: cannot mount /proc: %m; the command line is not read");
	}
	if (proc_here || mountpoint_is("/proc"))
		phase_cmdline(b);
	list_inits(b, true, &inits);
	if (b->cfg.wrapper_off) {
		log_info("wrapper: sprout.wrapper=off: nothing prepared, the real init runs as is");
		if (proc_here)
			umount("/proc");
		exec_init(b, &inits, true);
	}
	log_start(b);
	if (phase_early(b) < 0)
		log_err("wrapper: the kernel filesystems are incomplete (above); going on");
	if (phase_devices(b) < 0)
		log_err("wrapper: no drivers loaded for the devices present (above); going on");
	boot_clock("sprout-init's build time", buildinfo_epoch());
	if (b->cfg.overlay[0])
		ram_layer(b);
	if (b->uevent_fd >= 0)
		close(b->uevent_fd);
	b->uevent_fd = -1;
	log_debug("build mark: %s", INITMODE_BINARY_MARK);
	exec_init(b, &inits, true);
}
