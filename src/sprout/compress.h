/* compress: in-process compression of an image, in the formats the kernel's
 * initramfs unpacker reads, and decompression of any of them for `sprout ls`. */
#ifndef SPROUT_COMPRESS_H
#define SPROUT_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

enum compress_kind {
	COMPRESS_NONE = 0,
	COMPRESS_GZIP,
	COMPRESS_ZSTD,
	COMPRESS_XZ,   /* CRC32 check: the kernel's xz unpacker has no CRC64 */
	COMPRESS_LZ4,  /* the legacy lz4 frame, the only one the kernel unpacks */
};

/* "zstd" -> COMPRESS_ZSTD ...; returns -1 for an unknown name. */
int compress_from_name(const char *name);
const char *compress_name(enum compress_kind kind);

/* Compresses in[0..in_len) into a new malloc'd buffer (*out, *out_len).
 * Returns 0 or -errno. COMPRESS_NONE copies. Deterministic: same input, same bytes. */
int compress_buffer(enum compress_kind kind, const uint8_t *in, size_t in_len,
		    uint8_t **out, size_t *out_len);

/* Which format starts at buf (by magic): COMPRESS_* or -1 if none is recognised.
 * An uncompressed cpio ("070701") gives COMPRESS_NONE. */
int compress_detect(const uint8_t *buf, size_t len);

/* Decompresses ONE stream of the given kind starting at in; *consumed is set to the
 * bytes of input it used (so concatenated streams can be walked). The output is
 * capped at max_out bytes (-EFBIG past it). Returns 0 or -errno (-EBADMSG corrupt). */
int decompress_stream(enum compress_kind kind, const uint8_t *in, size_t in_len,
		      size_t max_out, uint8_t **out, size_t *out_len, size_t *consumed);

#endif
