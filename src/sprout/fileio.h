/* fileio: the small file-writing steps every output of the host tool shares. */
#ifndef SPROUT_FILEIO_H
#define SPROUT_FILEIO_H

#include <stddef.h>

/* Finishes a file written beside its destination: writes data to fd (a temporary
 * file at tmp), makes it 0644, syncs, closes fd and renames tmp over path. On
 * failure tmp is removed. Returns 0 or -errno; fd is closed either way. */
int fileio_commit(int fd, const char *tmp, const char *path, const void *data, size_t len);

/* fsync()s a directory, so a rename inside it reaches the disk too. Best effort. */
void fileio_sync_dir(const char *dir);

#endif
