/* rootimage: the root from an image file (sprout.image=, forms in imagespec.h): a
 * squashfs or erofs file in the NFS root's export, on a local filesystem, or over HTTP
 * (httpget.h), optionally copied to RAM first (sprout.toram=1; always for HTTP),
 * verified against its SHA-256, attached to a loop device and mounted read-only on
 * /sysroot. The RAM layer goes on top (sprout.overlay=tmpfs unless set otherwise). */
#ifndef SPROUT_ROOTIMAGE_H
#define SPROUT_ROOTIMAGE_H

#include <stdbool.h>

#include "boot.h"

#define ROOTIMAGE_SRC STATE_DIR "/image-src"  /* the export or local fs, read-only */
#define ROOTIMAGE_RAM STATE_DIR "/image-ram"  /* the tmpfs of sprout.toram=1 */
#define ROOTIMAGE_STATE STATE_DIR "/image"    /* what was used: KEY=VALUE lines */
#define ROOTIMAGE_TORAM_MIN_DEFAULT "128M"    /* RAM that stays free after a copy */

bool rootimage_wanted(const struct boot *b);

/* Mounts the image on /sysroot. 0, or -errno after logging what was tried; a bad or
 * unverifiable-against-its-digest image is never mounted. */
int rootimage_mount(struct boot *b);

#endif
