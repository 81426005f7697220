/* overlay: the RAM (or local disk) layer over a read-only root. The mounted root
 * becomes the lower layer at /run/sprout/lower; the upper layer's filesystem is
 * mounted at /run/sprout/upper and holds root/ (the writes) and work/ (overlayfs's
 * scratch). Both stay reachable in the new system, since /run moves there. */
#ifndef SPROUT_OVERLAY_H
#define SPROUT_OVERLAY_H

#include <stddef.h>

#define OVERLAY_LOWER "/run/sprout/lower"
#define OVERLAY_UPPER "/run/sprout/upper"
#define OVERLAY_SIZE_DEFAULT "50%"

/* overlayfs mount data for lower + upper/{root,work}. Features that store lower
 * file handles or need the lower to stay identical (index, xino, redirect_dir,
 * metacopy) are off: the lower may be NFS, where they are unsafe. Returns the
 * length, or -ENAMETOOLONG. */
int overlay_mount_data(const char *lower, const char *upper, char *out, size_t n);

/* tmpfs mount data for the upper layer from sprout.overlay.size= ("" = the default
 * 50% of RAM): "mode=0755,size=...". Returns the length, -EINVAL for a bad size
 * (err then says why), or -ENAMETOOLONG. */
int overlay_tmpfs_data(const char *size, char *out, size_t n, char *err, size_t errsz);

#endif
