/* fsck: the check of a local root before it is mounted. See fsck.h. */
#include "fsck.h"

#include <errno.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/monoclock.h"
#include "boot.h"
#include "log.h"
#include "run.h"

static const char *const fsck_env[] = { "PATH=/sbin:/bin:/usr/sbin:/usr/bin", NULL };

const char *fsck_checker(const char *type)
{
	if (!strcmp(type, "ext2") || !strcmp(type, "ext3") || !strcmp(type, "ext4"))
		return FSCK_E2FSCK;
	return NULL;
}

int fsck_argv(const char *checker, enum cmdline_fsck_mode mode, enum cmdline_fsck_repair repair,
	      const char *dev, const char *argv[FSCK_MAX_ARGS])
{
	int n = 0;

	argv[n++] = checker;
	argv[n++] = repair == FSCK_REPAIR_YES ? "-y" : repair == FSCK_REPAIR_NO ? "-n" : "-p";
	if (mode == FSCK_MODE_FORCE)
		argv[n++] = "-f";
	argv[n++] = dev;
	argv[n] = NULL;
	return n;
}

enum fsck_action fsck_action_for(int exit_code)
{
	if (exit_code == 0)
		return FSCK_GO_ON;
	if (exit_code == 1)
		return FSCK_CORRECTED;
	if (exit_code == 2 || exit_code == 3)
		return FSCK_REBOOT;
	return FSCK_FAILED;
}

/* fsck asked for a reboot: what it wrote is on disk once the caches are synced. */
static int reboot_now(const char *dev)
{
	int rc;

	log_warn("root: e2fsck corrected %s and asks for a reboot (the checked filesystem "
		 "may be held in memory as it was): syncing and rebooting now", dev);
	sync();
	if (reboot(RB_AUTOBOOT) == 0)
		return -EINTR; /* not reached: the machine restarts */
	rc = -errno;
	log_err("root: rebooting after the check of %s failed: %s; reboot by hand (the "
		"filesystem is repaired; the next boot checks it again)", dev, strerror(-rc));
	return rc;
}

/* The result of the run, acted on. */
static int act(const char *dev, const char *const argv[], const struct run_opts *o,
	       const struct run_result *r, uint64_t ms)
{
	enum fsck_action a = fsck_action_for(r->exit_code);
	char how[128];

	run_log_output(a == FSCK_FAILED ? LOG_ERR : LOG_INFO, "e2fsck", o, r);
	switch (a) {
	case FSCK_GO_ON:
		log_info("root: %s checked by %s %s in %llu ms: no errors", dev, argv[0], argv[1],
			 (unsigned long long)ms);
		return 0;
	case FSCK_CORRECTED:
		log_warn("root: %s %s corrected errors on %s (exit status 1); going on", argv[0],
			 argv[1], dev);
		return 0;
	case FSCK_REBOOT:
		return reboot_now(dev);
	case FSCK_FAILED:
	default:
		break;
	}
	log_err("root: %s %s on %s %s: errors left uncorrected (its output is above); repair "
		"them in the rescue shell (e.g. e2fsck -f %s), then leave the shell to check and "
		"mount again, or boot with fsck.mode=skip", argv[0], argv[1], dev,
		run_describe(r, how, sizeof(how)), dev);
	return -EUCLEAN;
}

int fsck_root(struct boot *b, const char *dev, const char *type)
{
	static char out[FSCK_OUT];
	const char *checker = fsck_checker(type);
	const char *argv[FSCK_MAX_ARGS];
	struct run_opts o = { .envp = fsck_env, .out = out, .out_size = sizeof(out) };
	struct run_result r;
	char etype[ESCAPE_SIZE(32)];
	uint64_t t0;
	int rc;

	if (b->cfg.fsck_mode == FSCK_MODE_SKIP) {
		log_info("root: fsck.mode=skip: %s is not checked", dev);
		return 0;
	}
	if (!checker) {
		log_debug("root: no checker for %s filesystems: %s is not checked",
			  escape_str(type, etype, sizeof(etype)), dev);
		return 0;
	}
	if (access(checker, X_OK) != 0) {
		log_info("root: the image has no %s (sprout build --with fsck): %s (%s) is not "
			 "checked", checker, dev, escape_str(type, etype, sizeof(etype)));
		return 0;
	}
	fsck_argv(checker, b->cfg.fsck_mode, b->cfg.fsck_repair, dev, argv);
	log_info("root: checking %s with %s %s%s (fsck.mode=%s fsck.repair=%s)", dev, checker,
		 argv[1], b->cfg.fsck_mode == FSCK_MODE_FORCE ? " -f" : "",
		 cmdline_fsck_mode_name(b->cfg.fsck_mode),
		 cmdline_fsck_repair_name(b->cfg.fsck_repair));
	t0 = monoclock_ms();
	rc = run_argv(argv, &o, &r); /* no timeout: a big filesystem takes what it takes */
	if (rc < 0) {
		log_err("root: cannot run %s: %s; rebuild the image, or boot with fsck.mode=skip",
			checker, strerror(-rc));
		return rc;
	}
	return act(dev, argv, &o, &r, monoclock_ms() - t0);
}
