/* Writing a whole buffer to a file descriptor. */
#ifndef SPROUT_BASE_WRITEALL_H
#define SPROUT_BASE_WRITEALL_H

#include <stddef.h>

/* Writes all of p[0..len) to fd, through short writes and EINTR. 0 or -errno
 * (-EIO when the kernel writes nothing). */
int write_all(int fd, const void *p, size_t len);

#endif
