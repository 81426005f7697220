/* hostresume: the build host's resume device, for a host-only image. Which one: the
 * running kernel's resume= (PROC/cmdline), else /sys/power/resume when set, else the
 * largest active swap partition (PROC/swaps; zram, which cannot hold an image, and swap
 * files, which need resume_offset=, are left out). Its storage stack is found as the
 * root's is (stack_detect_block), and the image gets resume=UUID= of its swap signature
 * (read from the device), so the boot does not depend on device numbers. Nothing here
 * fails a build: a resume device sprout-init cannot reach is a warning, and the image
 * then boots without resume. */
#ifndef SPROUT_HOSTRESUME_H
#define SPROUT_HOSTRESUME_H

#include <stddef.h>

#include "stack.h"

#define HOSTRESUME_NOTES 2048

struct hostresume {
	char word[320];              /* "resume=UUID=..." for the image, "" for none */
	char dev[64];                /* the device, as sysfs names it (dm-3) */
	const char *source;          /* how it was found, for the report; NULL: none */
	struct stack_found found;    /* its stack (parts, md levels, LUKS devices) */
	char notes[HOSTRESUME_NOTES];/* "note: ...\n" and "warning: ...\n" lines */
};

/* sysfs: its root ("/sys"); proc: the directory holding cmdline and swaps ("/proc").
 * Returns 0 (out filled; out->word "" when there is no resume device to bake), or
 * -ENOMEM. */
int hostresume_plan(const char *sysfs, const char *proc, struct hostresume *out);

#endif
