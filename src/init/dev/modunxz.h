/* modunxz: loading a NAME.ko.xz module the kernel cannot decompress itself (Debian's
 * kernels are built without module decompression): sprout-init decodes it (modxz.h)
 * into an anonymous memory file and hands that to finit_module.
 *
 * Memory: the decoded module lives in the memfd's pages, never in this process's
 * (written from a small buffer, chunk by chunk), and one module is decoded at a time
 * (a lock shared by every thread), so a boot that loads many modules at once still
 * holds one decoder: about 200 KiB. The lock is let go before the kernel runs the
 * module's init, which is where loading takes its time. */
#ifndef SPROUT_MODUNXZ_H
#define SPROUT_MODUNXZ_H

#include <stddef.h>

/* Decodes the open .ko.xz file fd (path and name for the log) and loads the result
 * with params. Returns 0, or -errno: the kernel's from finit_module, or -EBADMSG /
 * -ENOMEM / -EFBIG / -ENOTSUP for a file that cannot be decoded (logged here with the
 * file and what was wrong with it). */
int modunxz_load(int fd, const char *name, const char *path, const char *params);

/* Its first half, without the lock: decodes the .ko.xz read from fd (to its end) into
 * out, written chunk by chunk. 0, or -errno with one line in msg saying what was wrong
 * (modxz.h's errors, or a read or write error). */
int modunxz_decode_fd(int fd, int out, char *msg, size_t msgsz);

#endif
