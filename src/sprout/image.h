/* image: reading an initramfs image back, as the kernel reads it: a sequence of
 * segments, each an uncompressed newc archive or a compressed stream (gzip, zstd,
 * xz, legacy lz4) holding archives, with NUL padding between segments.
 *
 * Errors: functions return 0 or -errno (or a visitor's non-zero value) and fill
 * err with one line naming the file, the offset and what was expected there. */
#ifndef SPROUT_IMAGE_H
#define SPROUT_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpio.h"

/* Most bytes all compressed segments of one image may unpack to. A segment is unpacked
 * whole before it is walked, so this bounds the memory `sprout ls` and `extract` use
 * (a gzip stream of zeros unpacks a thousand times its size). */
#define IMAGE_MAX_UNPACKED ((size_t)512 << 20)

/* Largest image file read (it is read into memory whole). */
#define IMAGE_MAX_FILE ((size_t)1 << 30)

/* image_extract_flags: skip device nodes, fifos and sockets instead of failing. */
#define IMAGE_EXTRACT_SKIP_SPECIAL 1u

/* Calls fn for every entry of every segment of buf (trailers excluded). Pure.
 * Entries' pointers are valid during the call only. On a visitor's non-zero return
 * the walk stops and returns it; err, if the visitor wrote a message there, is
 * prefixed with the entry's position. */
int image_walk(const uint8_t *buf, size_t len, cpio_visit_fn fn, void *ctx,
	       char *err, size_t errsz);

/* The same with another cap on the unpacked size (-EFBIG past it, err naming the cap). */
int image_walk_limit(const uint8_t *buf, size_t len, size_t max_unpacked,
		     cpio_visit_fn fn, void *ctx, char *err, size_t errsz);

/* Reads the image file at path whole into *buf (the caller frees it), as every command
 * here does: 0, or -errno with err naming the file and what is wrong. */
int image_read(const char *path, uint8_t **buf, size_t *len, char *err, size_t errsz);

/* Told where each segment starts (its offset in the image, and COMPRESS_NONE for
 * archives stored as they are or the compress_detect() kind); a non-zero return stops
 * the walk and is returned. */
typedef int (*image_segment_fn)(size_t off, int kind, void *ctx);

/* image_walk, telling seg where each segment starts (before its entries). */
int image_walk_segments(const uint8_t *buf, size_t len, cpio_visit_fn fn,
			image_segment_fn seg, void *ctx, char *err, size_t errsz);

/* Prints one line per entry: mode string, uid, gid, size (or "major, minor" for a
 * device), name, and " -> target" for a symlink. Names and targets are escaped
 * (\xHH for '\\' and bytes outside printable ASCII, see base/escape.h). Where a
 * segment follows another, one line says so: "-- end of the uncompressed early part:
 * N bytes; a zstd archive from offset N --" after an early (microcode) archive. */
int image_list(const char *path, FILE *out, char *err, size_t errsz);

/* Unpacks into dir (created if missing). The image is read into memory once, so both
 * passes see the same bytes. Every name is checked before anything is written:
 * absolute names, ".." components and device nodes, fifos and sockets are refused
 * (-EPERM). dir itself is followed if it is a symlink (as tar -C does: the user named
 * it); below it no symlink is ever followed and no ".." is ever taken, so a name
 * passing through a symlink is refused (-ELOOP) too. Set-id bits are dropped; owners
 * and times are not restored; hard links are written as separate files. */
int image_extract(const char *path, const char *dir, char *err, size_t errsz);

/* image_extract with flags; *skipped (if not NULL) counts entries skipped. */
int image_extract_flags(const char *path, const char *dir, unsigned flags, size_t *skipped,
			char *err, size_t errsz);

#endif
