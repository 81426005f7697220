/* inroot: open a path inside a directory as if that directory were "/" — absolute
 * symlinks and ".." stay inside it (how /sysroot's /sbin/init is found before the
 * switch). openat2(RESOLVE_IN_ROOT) where the kernel has it (Linux 5.6+); on older
 * kernels (ENOSYS) a walk of one component at a time does the same. */
#ifndef SPROUT_INROOT_H
#define SPROUT_INROOT_H

#include <stdbool.h>

#define INROOT_MAX_LINKS 40     /* symlinks followed per lookup, as the kernel's ELOOP limit */

/* An O_PATH fd (close-on-exec) for path resolved in rootfd (a directory), or -errno
 * (-ENOENT, -ELOOP, -ENOTDIR, -ENAMETOOLONG, ...). walk forces the fallback walk
 * (for tests; false picks openat2 when there is one). */
int inroot_open(int rootfd, const char *path, bool walk);

#endif
