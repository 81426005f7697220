/* mountpoint: is a directory the top of a mount? Another filesystem than its parent's
 * (st_dev), as mountpoint(1) decides without /proc; a bind mount of the same filesystem
 * onto itself is not seen, which no caller here makes. */
#ifndef SPROUT_MOUNTPOINT_H
#define SPROUT_MOUNTPOINT_H

#include <stdbool.h>

/* False also when path or its parent cannot be stat()ed. "/" is always one. */
bool mountpoint_is(const char *path);

#endif
