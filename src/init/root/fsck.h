/* fsck: the check of a local root before it is mounted (`sprout build --with fsck`
 * puts /sbin/e2fsck in the image), as systemd-fsck does it: fsck.mode=auto checks
 * when the filesystem asks for it (e2fsck skips a clean one by itself), force always,
 * skip never; fsck.repair=preen repairs what is safe without asking (-p), yes
 * everything (-y), no nothing (-n, read-only). fsck's exit code is acted on: 0 go on,
 * 1 (errors corrected) go on with a warning, 2 and 3 (corrected, reboot needed) sync
 * and reboot, 4 and up (errors left, or fsck failed) the rescue shell with fsck's
 * output in the log. An NFS root is never checked, nor is a filesystem the image has
 * no checker for (one info line). */
#ifndef SPROUT_FSCK_H
#define SPROUT_FSCK_H

#include <stdbool.h>
#include <stddef.h>

#include "cmdline.h"

#define FSCK_E2FSCK "/sbin/e2fsck"
#define FSCK_MAX_ARGS 6          /* e2fsck -p -f DEV NULL, with room */
#define FSCK_OUT 8192            /* the end of its output kept for the log */

struct boot;

/* What to do after the checker's exit code. */
enum fsck_action {
	FSCK_GO_ON = 0,       /* 0: clean or checked */
	FSCK_CORRECTED,       /* 1: errors corrected: go on, say so */
	FSCK_REBOOT,          /* 2, 3: corrected, the system must reboot */
	FSCK_FAILED,          /* 4 and up, a signal, a timeout: the rescue shell */
};

/* The checker of filesystem type ("ext4" -> FSCK_E2FSCK), or NULL when there is none
 * this init knows. Pure. */
const char *fsck_checker(const char *type);

/* The argument vector for checker on dev: "e2fsck -p|-y|-n [-f] DEV". argv has room
 * for FSCK_MAX_ARGS entries, NULL-terminated; its strings point at the arguments
 * and static text. Returns the count of arguments. Pure. */
int fsck_argv(const char *checker, enum cmdline_fsck_mode mode, enum cmdline_fsck_repair repair,
	      const char *dev, const char *argv[FSCK_MAX_ARGS]);

/* The action for an exit code (-1: it did not exit by itself). Pure. */
enum fsck_action fsck_action_for(int exit_code);

/* Checks the root on dev (filesystem type) before it is mounted, per b->cfg. 0 to
 * mount it (checked, or not to be checked); -EUCLEAN after logging fsck's output
 * when errors are left; -errno when the checker could not be run; does not return
 * when fsck asks for a reboot (unless the reboot fails: -errno). */
int fsck_root(struct boot *b, const char *dev, const char *type);

#endif
