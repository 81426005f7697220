/* boot: the state the boot phases of sprout-init pass along. One instance, owned by
 * main; every phase takes it. */
#ifndef SPROUT_BOOT_H
#define SPROUT_BOOT_H

#include <limits.h>
#include <stdbool.h>

#include "cmdline.h"
#include "modload.h"
#include "timeline.h"

#define SYSROOT "/sysroot"
#define STATE_DIR "/run/sprout"

struct boot {
	struct config cfg;
	struct timeline tl;
	struct modload ml;
	bool ml_open;
	int uevent_fd;             /* hotplug events while waiting for the root; -1 if none */
	char kver[128];            /* uname -r */
	char moddir[PATH_MAX];     /* /lib/modules/KVER */
	char root_dev[PATH_MAX];   /* the block device the root was found on */
	char root_type[64];        /* its filesystem type */
	bool root_mounted;
	char cmdline_raw[8192];    /* /proc/cmdline as read, for module parameters */
	size_t cmdline_len;
	int argc;                  /* our own arguments, as the kernel gave them */
	char **argv;
};

/* The phases, in boot order, one file each (phase_NAME.c). Each returns 0, or
 * -errno after logging what failed (what was looked for, what was found, what to do). */
int phase_early(struct boot *b);
int phase_cmdline(struct boot *b);
int phase_devices(struct boot *b);
int phase_root(struct boot *b);
int phase_handover(struct boot *b);

#endif
