/* cpio: the "newc" (070701) archive format the kernel unpacks as an initramfs.
 *
 * Writer: appends entries to a growable in-memory buffer; the caller sorts entries
 * and fixes mtime/uid/gid, the writer numbers inodes 1, 2, 3... in the order written
 * so the same entries always give the same bytes.
 * Reader: a pure function over (buf, len) that walks entries (several archives may be
 * concatenated, with zero padding between them) and calls back for each; every
 * header field is checked against what remains before anything is read. */
#ifndef SPROUT_CPIO_H
#define SPROUT_CPIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CPIO_MAX_NAME 4096        /* longest path accepted, with its NUL */
#define CPIO_MAX_ENTRIES 1000000  /* more entries in one buffer is refused */

struct cpio_buf {
	uint8_t *data;
	size_t len, cap;
	uint32_t next_ino;
};

struct cpio_entry {
	const char *name;        /* NUL-terminated, as stored (no leading "/") */
	uint32_t mode;           /* type and permission bits (S_IFREG|0644...) */
	uint32_t uid, gid;
	uint32_t nlink;
	uint32_t mtime;
	uint32_t devmajor, devminor;   /* of the device holding the file (0 when written by us) */
	uint32_t rdevmajor, rdevminor; /* for S_IFCHR/S_IFBLK */
	uint32_t ino;
	const uint8_t *data;     /* file contents, or the symlink target (not NUL-terminated) */
	size_t size;
};

void cpio_buf_init(struct cpio_buf *b);
void cpio_buf_free(struct cpio_buf *b);

/* Appends one entry (e->ino is ignored and assigned). Returns 0 or -errno
 * (-ENAMETOOLONG, -EINVAL for an empty name or a size over 4 GiB, -ENOMEM). */
int cpio_write_entry(struct cpio_buf *b, const struct cpio_entry *e);

/* Appends NUL bytes (a multiple of 4, which both the kernel's unpacker and its early
 * microcode scan skip between entries) so that the data of an entry named name written
 * next starts at a multiple of align (a power of two, at least 4) from the start of
 * the buffer. Returns 0, -EINVAL, -ENOMEM. */
int cpio_pad_for_data(struct cpio_buf *b, const char *name, size_t align);

/* Appends the TRAILER!!! entry and pads the archive to a multiple of 512 bytes. */
int cpio_write_trailer(struct cpio_buf *b);

/* Called for each entry except trailers; a non-zero return stops the walk and is
 * returned by cpio_read. */
typedef int (*cpio_visit_fn)(const struct cpio_entry *e, void *ctx);

/* Walks every entry of buf. Returns 0, the visitor's non-zero value, or -EBADMSG for
 * a malformed archive (bad magic, bad hex, an empty name or one without its NUL, a
 * size past the end, too many entries). On -EBADMSG, *err_off (if not NULL) is the
 * byte offset of the bad header. Entries before the bad one have been visited.
 * An archive may end without a trailer (the kernel accepts that too). */
int cpio_read(const uint8_t *buf, size_t len, cpio_visit_fn visit, void *ctx, size_t *err_off);

/* As cpio_read; on -EBADMSG *why (if not NULL) is a static English phrase saying
 * what was expected at *err_off (e.g. "name is not NUL-terminated"). */
int cpio_read_why(const uint8_t *buf, size_t len, cpio_visit_fn visit, void *ctx,
		  size_t *err_off, const char **why);

/* Reads the archives at the start of an image, as the kernel does: after each entry
 * NUL bytes are skipped, and the walk stops without error at an aligned byte that
 * is neither NUL nor '0' (where a compressed segment may start). *consumed is that
 * offset (len when the buffer ends). A non-NUL byte at an unaligned offset after an
 * entry is -EBADMSG ("broken padding" to the kernel). */
int cpio_read_prefix(const uint8_t *buf, size_t len, cpio_visit_fn visit, void *ctx,
		     size_t *consumed, size_t *err_off, const char **why);

#endif
