/* include: a directory given to --include SRC[:DST], walked for the image. Each entry
 * under SRC is handed to fn with its path under DST: directories and regular files
 * with their permission bits (build.c makes every directory 0755), symlinks with their target as it is (not followed).
 * Devices, fifos and sockets are refused (an image is not the place for another
 * machine's device numbers), and so is anything unreadable: an include never lands
 * half. */
#ifndef SPROUT_INCLUDE_H
#define SPROUT_INCLUDE_H

#include <stddef.h>
#include <stdint.h>

#define INCLUDE_MAX_DEPTH 32
#define INCLUDE_MAX_ENTRIES 100000

/* dst: the image path; mode: type and permission bits; src: the host file of a regular
 * file (else NULL); target: a symlink's target (else NULL). Returns 0 or -errno. */
typedef int (*include_fn)(const char *dst, uint32_t mode, const char *src, const char *target,
			  void *ctx);

/* Calls fn for dir itself (at dst) and everything under it. Returns 0, fn's error, or
 * -errno with err naming the host path and what is wrong. */
int include_dir(const char *dir, const char *dst, include_fn fn, void *ctx, char *err,
		size_t errsz);

#endif
