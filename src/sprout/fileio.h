/* fileio: the small file-writing steps every output of the host tool shares. */
#ifndef SPROUT_FILEIO_H
#define SPROUT_FILEIO_H

#include <stddef.h>

/* Writes all of p[0..len) to fd, through short writes and EINTR. 0 or -errno
 * (-EIO when the kernel writes nothing). */
int fileio_write_all(int fd, const void *p, size_t len);

/* fsync()s a directory, so a rename inside it reaches the disk too. Best effort. */
void fileio_sync_dir(const char *dir);

#endif
