/* Reading a whole file into memory, with a size cap. */
#ifndef SPROUT_BASE_READFILE_H
#define SPROUT_BASE_READFILE_H

#include <stddef.h>

/* Reads the regular file `path` (relative to dirfd, or AT_FDCWD) into a new buffer, NUL
 * terminated after `*len` bytes. Files of the kernel's pseudo filesystems report size 0
 * and are read to their end all the same; the size a file reports is only a hint (sysfs
 * reports a page for a few bytes), never more than max + 1 bytes are read. More than `max` bytes: -EFBIG (a file that
 * grows past its size while read counts too). Not a regular file: -EINVAL. Otherwise
 * -errno of open/read, -ENOMEM; *out is then NULL. The caller frees *out. */
int readfile_at(int dirfd, const char *path, size_t max, char **out, size_t *len);

#endif
