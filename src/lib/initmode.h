/* initmode: which of its two modes sprout-init runs in, and which init the wrapper
 * hands over to. Pure: the caller gathers the facts.
 *
 * Initramfs mode: / is the kernel's rootfs (ramfs or tmpfs, statfs magic) AND the image's
 * metadata file /etc/sprout/image is there — both hold in every sprout image and never on
 * a root the kernel mounted itself (that is never ramfs; a root on tmpfs made by some other
 * early userspace has no image marker). Anything else is wrapper mode: sprout-init was
 * started as /sbin/init of an ordinary root, and must hand over to the real init whatever
 * happens. The marker alone would not do (a root may carry a copy of an image's files);
 * the filesystem alone neither (a tmpfs root). */
#ifndef SPROUT_INITMODE_H
#define SPROUT_INITMODE_H

#include <stdbool.h>
#include <stddef.h>

#define INITMODE_IMAGE_MARKER "/etc/sprout/image"
/* Where `sprout wrapper install` moves the real init, and what the wrapper runs by
 * default (sprout.init=PATH names another). */
#define INITMODE_REAL_INIT "/sbin/init.real"
#define INITMODE_MAX_CANDIDATES 6
/* A string every sprout-init binary holds (it logs it), so `sprout wrapper uninstall`
 * knows /sbin/init is one before it puts the real init back. Never change it. */
#define INITMODE_BINARY_MARK "sprout-init:init-wrapper:v1"
/* The most of a file searched for it (sprout-init is static, about 2 MB). */
#define INITMODE_BINARY_MAX (64u << 20)

enum initmode { INITMODE_INITRAMFS = 0, INITMODE_WRAPPER };

enum initmode initmode_decide(bool root_is_ramfs_or_tmpfs, bool has_image_marker);

/* The inits the wrapper tries, in order, into out[max]: the configured one (sprout.init=,
 * "" for INITMODE_REAL_INIT), then the kernel's own list (/sbin/init, /etc/init,
 * /bin/init), then /bin/sh — the shell only for process 1 (a `telinit q` has no use for
 * a shell). Duplicates are left out. The caller skips any that is sprout-init itself (it
 * is /sbin/init when installed). Returns the count. */
size_t initmode_candidates(const char *configured, bool pid1, const char **out, size_t max);

#endif
