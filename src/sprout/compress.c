/* compress: gzip, zstd, xz and legacy lz4, written the way the kernel's
 * decompressors (lib/decompress_*.c) read them, and read back with the same limits
 * so that `sprout ls` accepts what the kernel accepts. */
#include "compress.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST
#include <lz4.h>
#include <lz4hc.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "base/array.h"
#include "progress.h"

#define LZ4_LEGACY_MAGIC 0x184C2102u
#define LZ4_LEGACY_CHUNK (8u << 20)   /* the kernel's fixed output size per block */
/* Levels: build time matters as much as size (a generic image is ~50 MB of modules).
 * zstd 9 on two workers: 11.3 MB in 0.7 s here, where 19 gives 10.0 MB in 21 s.
 * A fixed worker count keeps the output the same on every machine. */
#define ZSTD_LEVEL 9
#define ZSTD_WORKERS 2
#define GZIP_LEVEL 6
#define LZ4_HC_LEVEL 9
#define ZSTD_WINDOW_LOG_MAX 23        /* the kernel refuses windows over 8 MiB */
#define XZ_PRESET 6
#define XZ_MEMLIMIT (256u << 20)      /* preset 9 needs ~65 MiB; more is hostile */
#define CHUNK_MAX ((size_t)UINT_MAX)  /* zlib counts in unsigned int */
#define FIRST_CAP_MAX ((size_t)64 << 20)

static const char *const names[] = {
	[COMPRESS_NONE] = "none", [COMPRESS_GZIP] = "gzip", [COMPRESS_ZSTD] = "zstd",
	[COMPRESS_XZ] = "xz", [COMPRESS_LZ4] = "lz4",
};

int compress_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (name && strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *compress_name(enum compress_kind kind)
{
	if ((unsigned)kind < ARRAY_SIZE(names))
		return names[kind];
	return "unknown";
}

int compress_detect(const uint8_t *buf, size_t len)
{
	static const struct { const char *magic; size_t len; int kind; } tab[] = {
		{ "070701", 6, COMPRESS_NONE },
		{ "070702", 6, COMPRESS_NONE },
		{ "\x1f\x8b\x08", 3, COMPRESS_GZIP },
		{ "\x28\xb5\x2f\xfd", 4, COMPRESS_ZSTD },
		{ "\xfd" "7zXZ\0", 6, COMPRESS_XZ },
		{ "\x02\x21\x4c\x18", 4, COMPRESS_LZ4 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(tab); i++)
		if (len >= tab[i].len && memcmp(buf, tab[i].magic, tab[i].len) == 0)
			return tab[i].kind;
	return -1;
}

/* ---- a growable output with a hard limit --------------------------------------- */

struct out {
	uint8_t *p;
	size_t len, cap;
	size_t limit;  /* max_out + 1: reaching it proves the output is too big */
};

static void out_init(struct out *o, size_t max_out)
{
	o->p = NULL;
	o->len = o->cap = 0;
	o->limit = max_out == SIZE_MAX ? SIZE_MAX : max_out + 1;
}

/* Makes room for at least one more byte, or -EFBIG past the limit. */
static int out_room(struct out *o, size_t hint)
{
	size_t need = o->len + 1;
	int r;

	if (o->len < o->cap)
		return 0;
	/* The first size is a guess from the input, bounded so that a header claiming
	 * a huge output costs nothing until the bytes really come. */
	if (!o->cap)
		need = hint < 4096 ? 4096 : hint > FIRST_CAP_MAX ? FIRST_CAP_MAX : hint;
	if (need > o->limit)
		need = o->limit;
	if (o->len >= o->limit)
		return -EFBIG;
	r = array_grow((void **)&o->p, &o->cap, need, 1, o->limit);
	return r == -E2BIG ? -EFBIG : r;
}

static int out_finish(struct out *o, size_t max_out, uint8_t **out, size_t *out_len, int r)
{
	if (r == 0 && o->len > max_out)
		r = -EFBIG;
	if (r < 0) {
		free(o->p);
		return r;
	}
	if (!o->p)
		o->p = malloc(1);  /* a valid pointer even for empty output */
	if (!o->p)
		return -ENOMEM;
	*out = o->p;
	*out_len = o->len;
	return 0;
}

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ---- gzip ------------------------------------------------------------------------ */

static int gzip_compress(const uint8_t *in, size_t in_len, struct out *o)
{
	z_stream zs = { 0 };
	size_t fed = 0;
	int r = 0, zr = Z_OK;

	/* zlib writes mtime 0 and no name unless told: the bytes depend on input only. */
	if (deflateInit2(&zs, GZIP_LEVEL, Z_DEFLATED, 16 + 15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	do {
		if (zs.avail_in == 0) {
			zs.next_in = in + fed;
			zs.avail_in = (uInt)min_sz(in_len - fed, PROGRESS_STEP);
			fed += zs.avail_in;
			progress_bytes(fed - zs.avail_in, in_len);
		}
		r = out_room(o, in_len / 2);
		if (r < 0)
			break;
		zs.next_out = o->p + o->len;
		zs.avail_out = (uInt)min_sz(o->cap - o->len, CHUNK_MAX);
		zr = deflate(&zs, fed == in_len ? Z_FINISH : Z_NO_FLUSH);
		o->len = (size_t)(zs.next_out - o->p);
		if (zr == Z_STREAM_ERROR)
			r = -EIO;
	} while (r == 0 && zr != Z_STREAM_END);
	deflateEnd(&zs);
	return r;
}

static int gzip_decompress(const uint8_t *in, size_t in_len, struct out *o, size_t *consumed)
{
	z_stream zs = { 0 };
	size_t fed = 0;
	int r = 0, zr = Z_OK;

	/* The kernel's gunzip skips a file name but no other optional header field. */
	if (in_len < 10 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8)
		return -EBADMSG;
	if (in[3] & ~0x08)
		return -ENOTSUP;
	if (inflateInit2(&zs, 16 + 15) != Z_OK)
		return -ENOMEM;
	while (r == 0 && zr != Z_STREAM_END) {
		if (zs.avail_in == 0) {
			if (fed == in_len) {
				r = -EBADMSG;  /* truncated */
				break;
			}
			zs.next_in = in + fed;
			zs.avail_in = (uInt)min_sz(in_len - fed, CHUNK_MAX);
			fed += zs.avail_in;
		}
		r = out_room(o, in_len > SIZE_MAX / 4 ? SIZE_MAX : in_len * 4);
		if (r < 0)
			break;
		zs.next_out = o->p + o->len;
		zs.avail_out = (uInt)min_sz(o->cap - o->len, CHUNK_MAX);
		zr = inflate(&zs, Z_NO_FLUSH);
		o->len = (size_t)(zs.next_out - o->p);
		if (zr == Z_MEM_ERROR)
			r = -ENOMEM;
		else if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			r = -EBADMSG;
	}
	*consumed = fed - zs.avail_in;
	inflateEnd(&zs);
	return r;
}

/* ---- zstd ------------------------------------------------------------------------ */

static int zstd_compress(const uint8_t *in, size_t in_len, struct out *o)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	size_t bound = ZSTD_compressBound(in_len), n;
	int r = -EIO;

	if (!cc)
		return -ENOMEM;
	/* One frame with its content size and a checksum, the window the kernel takes. */
	if (ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, ZSTD_LEVEL)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, ZSTD_WINDOW_LOG_MAX)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 1)))
		goto done;
	/* a libzstd without threads refuses; it then compresses alone, same format */
	(void)ZSTD_CCtx_setParameter(cc, ZSTD_c_nbWorkers, ZSTD_WORKERS);
	o->p = malloc(bound ? bound : 1);
	if (!o->p) {
		r = -ENOMEM;
		goto done;
	}
	o->cap = bound;
	/* In steps, for the progress line; the pledged size puts the content size in the
	 * frame header as ZSTD_compress2 would, and the output bytes are the same. */
	if (ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(cc, in_len)))
		goto done;
	{
		ZSTD_outBuffer ob = { o->p, bound, 0 };
		ZSTD_inBuffer ib = { in, 0, 0 };
		ZSTD_EndDirective end;

		do {
			ib.size = ib.pos + min_sz(in_len - ib.pos, PROGRESS_STEP);
			end = ib.size == in_len ? ZSTD_e_end : ZSTD_e_continue;
			n = ZSTD_compressStream2(cc, &ob, &ib, end);
			progress_bytes(ib.pos, in_len);
		} while (!ZSTD_isError(n) && !(end == ZSTD_e_end && n == 0));
		if (!ZSTD_isError(n)) {
			o->len = ob.pos;
			r = 0;
		}
	}
done:
	ZSTD_freeCCtx(cc);
	return r;
}

static int zstd_error(size_t ret)
{
	switch (ZSTD_getErrorCode(ret)) {
	case ZSTD_error_memory_allocation:
		return -ENOMEM;
	case ZSTD_error_frameParameter_windowTooLarge:
		return -ENOTSUP;
	default:
		return -EBADMSG;
	}
}

/* The window a frame needs, computed as the kernel does before it allocates one:
 * a single-segment frame needs its whole content size. The caller has checked
 * that a whole frame is there. */
static uint64_t zstd_window(const uint8_t *in, unsigned long long content)
{
	unsigned wlog;
	uint64_t base;

	if (in[4] & 0x20)
		return content;
	wlog = 10u + (in[5] >> 3);
	base = (uint64_t)1 << wlog;
	return base + (base / 8) * (in[5] & 7);
}

static int zstd_decompress(const uint8_t *in, size_t in_len, struct out *o, size_t *consumed)
{
	size_t fsz = ZSTD_findFrameCompressedSize(in, in_len), ret = 1;
	unsigned long long content;
	ZSTD_inBuffer ib = { in, 0, 0 };
	ZSTD_DCtx *dc;
	int r = 0;

	if (ZSTD_isError(fsz))
		return -EBADMSG;
	content = ZSTD_getFrameContentSize(in, fsz);
	if (content == ZSTD_CONTENTSIZE_ERROR)
		return -EBADMSG;
	if (content != ZSTD_CONTENTSIZE_UNKNOWN && content >= o->limit)
		return -EFBIG;
	if (fsz < 6 || memcmp(in, "\x28\xb5\x2f\xfd", 4) != 0)
		return -EBADMSG;  /* a skippable frame holds no archive */
	if (zstd_window(in, content) > ((uint64_t)1 << ZSTD_WINDOW_LOG_MAX))
		return -ENOTSUP;
	dc = ZSTD_createDCtx();
	if (!dc)
		return -ENOMEM;
	ib.size = fsz;
	if (ZSTD_isError(ZSTD_DCtx_setParameter(dc, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX)))
		r = -EIO;
	while (r == 0 && ret != 0) {
		size_t had_room;
		r = out_room(o, content != ZSTD_CONTENTSIZE_UNKNOWN ? (size_t)content + 1 : fsz);
		if (r < 0)
			break;
		ZSTD_outBuffer ob = { o->p, o->cap, o->len };
		had_room = ob.size - ob.pos;
		ret = ZSTD_decompressStream(dc, &ob, &ib);
		o->len = ob.pos;
		if (ZSTD_isError(ret))
			r = zstd_error(ret);
		else if (ret != 0 && ib.pos == ib.size && ob.size - ob.pos == had_room)
			r = -EBADMSG;  /* no input left, no progress: truncated */
	}
	*consumed = ib.pos;
	ZSTD_freeDCtx(dc);
	return r;
}

/* ---- xz -------------------------------------------------------------------------- */

static int xz_code(lzma_stream *s, struct out *o, size_t hint, bool decoding)
{
	lzma_ret lr = LZMA_OK;
	int r = 0;

	while (r == 0 && lr != LZMA_STREAM_END) {
		r = out_room(o, hint);
		if (r < 0)
			break;
		s->next_out = o->p + o->len;
		s->avail_out = o->cap - o->len;
		lr = lzma_code(s, LZMA_FINISH);
		o->len = (size_t)(s->next_out - o->p);
		if (lr == LZMA_GET_CHECK) {
			/* The kernel's xz verifies CRC32 or nothing, and refuses other checks. */
			lzma_check c = lzma_get_check(s);
			if (c != LZMA_CHECK_NONE && c != LZMA_CHECK_CRC32)
				r = -ENOTSUP;
			lr = LZMA_OK;
		} else if (lr == LZMA_MEM_ERROR) {
			r = -ENOMEM;
		} else if (lr == LZMA_MEMLIMIT_ERROR || lr == LZMA_OPTIONS_ERROR) {
			r = -ENOTSUP;
		} else if (lr != LZMA_OK && lr != LZMA_STREAM_END) {
			r = decoding ? -EBADMSG : -EIO;
		}
	}
	return r;
}

static int xz_compress(const uint8_t *in, size_t in_len, struct out *o)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret lr;
	int r;

	if (lzma_easy_encoder(&s, XZ_PRESET, LZMA_CHECK_CRC32) != LZMA_OK)
		return -ENOMEM;
	/* In steps for the progress line (LZMA_RUN), the last one finishing the stream:
	 * the encoder's output does not depend on how its input is handed over. */
	s.next_in = in;
	r = 0;
	for (size_t fed = 0; r == 0 && in_len - fed > PROGRESS_STEP; fed += PROGRESS_STEP) {
		s.avail_in = PROGRESS_STEP;
		while (r == 0 && s.avail_in) {
			r = out_room(o, in_len / 3);
			if (r < 0)
				break;
			s.next_out = o->p + o->len;
			s.avail_out = o->cap - o->len;
			lr = lzma_code(&s, LZMA_RUN);
			if (lr != LZMA_OK)
				r = lr == LZMA_MEM_ERROR ? -ENOMEM : -EIO;
			o->len = (size_t)(s.next_out - o->p);
		}
		progress_bytes(fed + PROGRESS_STEP, in_len);
	}
	s.avail_in = in_len - (size_t)(s.next_in - in);
	if (r == 0)
		r = xz_code(&s, o, in_len / 3, false);
	lzma_end(&s);
	return r;
}

static int xz_decompress(const uint8_t *in, size_t in_len, struct out *o, size_t *consumed)
{
	lzma_stream s = LZMA_STREAM_INIT;
	int r;

	/* Not LZMA_CONCATENATED: one stream, so the caller learns where it ends. */
	if (lzma_stream_decoder(&s, XZ_MEMLIMIT, LZMA_TELL_ANY_CHECK) != LZMA_OK)
		return -ENOMEM;
	s.next_in = in;
	s.avail_in = in_len;
	r = xz_code(&s, o, in_len > SIZE_MAX / 4 ? SIZE_MAX : in_len * 4, true);
	*consumed = in_len - s.avail_in;
	lzma_end(&s);
	return r;
}

/* ---- lz4, legacy frame ------------------------------------------------------------- */

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int lz4_compress(const uint8_t *in, size_t in_len, struct out *o)
{
	size_t blocks = in_len / LZ4_LEGACY_CHUNK + 1;
	size_t bound = (size_t)LZ4_compressBound(LZ4_LEGACY_CHUNK) + 4;

	if (blocks > (SIZE_MAX - 4) / bound)
		return -ENOMEM;
	o->cap = 4 + blocks * bound;
	o->p = malloc(o->cap);
	if (!o->p)
		return -ENOMEM;
	put_le32(o->p, LZ4_LEGACY_MAGIC);
	o->len = 4;
	/* Independent blocks of 8 MiB input: the kernel decodes each into a fresh
	 * 8 MiB buffer, so no block may be larger. */
	for (size_t off = 0; off < in_len; off += LZ4_LEGACY_CHUNK) {
		int n = (int)min_sz(in_len - off, LZ4_LEGACY_CHUNK);
		int c = LZ4_compress_HC((const char *)(in + off), (char *)(o->p + o->len + 4),
					n, (int)(bound - 4), LZ4_HC_LEVEL);
		if (c <= 0)
			return -EIO;
		put_le32(o->p + o->len, (uint32_t)c);
		o->len += 4 + (size_t)c;
		progress_bytes(off + (size_t)n, in_len);
	}
	return 0;
}

/* Like the kernel's unlz4: the stream goes on until fewer than 4 bytes remain or a
 * zero block size (padding); a repeated magic starts another legacy frame. */
static int lz4_decompress(const uint8_t *in, size_t in_len, struct out *o, size_t *consumed)
{
	size_t pos = 4, max_block = (size_t)LZ4_compressBound(LZ4_LEGACY_CHUNK);
	int r = 0;

	if (in_len < 4 || get_le32(in) != LZ4_LEGACY_MAGIC)
		return -EBADMSG;
	while (r == 0 && in_len - pos >= 4) {
		uint32_t c = get_le32(in + pos);
		size_t room;
		int n;

		if (c == LZ4_LEGACY_MAGIC) {
			pos += 4;
			continue;
		}
		if (c == 0)
			break;
		if (c > max_block || c > in_len - pos - 4) {
			r = -EBADMSG;
			break;
		}
		pos += 4;
		/* An lz4 byte expands to at most 255: size the room by the block, not by
		 * the kernel's 8 MiB, so a tiny block costs a tiny allocation. */
		room = min_sz(LZ4_LEGACY_CHUNK, (size_t)c * 256 + 64);
		if (o->len > o->limit || room > o->limit - o->len)
			room = o->limit - o->len;
		if (o->cap - o->len < room) {
			uint8_t *p = realloc(o->p, o->len + room + 1);
			if (!p)
				return -ENOMEM;
			o->p = p;
			o->cap = o->len + room + 1;
		}
		n = LZ4_decompress_safe((const char *)(in + pos), (char *)(o->p + o->len),
					(int)c, (int)room);
		if (n < 0)
			r = o->len + room >= o->limit ? -EFBIG : -EBADMSG;
		else
			o->len += (size_t)n;
		pos += c;
	}
	*consumed = pos;
	return r;
}

/* ---- public ---------------------------------------------------------------------- */

int compress_buffer(enum compress_kind kind, const uint8_t *in, size_t in_len,
		    uint8_t **out, size_t *out_len)
{
	struct out o;
	int r;

	out_init(&o, SIZE_MAX - 1);
	switch (kind) {
	case COMPRESS_NONE:
		o.p = malloc(in_len ? in_len : 1);
		r = o.p ? 0 : -ENOMEM;
		if (r == 0 && in_len)
			memcpy(o.p, in, in_len);
		o.len = in_len;
		break;
	case COMPRESS_GZIP:
		r = gzip_compress(in, in_len, &o);
		break;
	case COMPRESS_ZSTD:
		r = zstd_compress(in, in_len, &o);
		break;
	case COMPRESS_XZ:
		r = xz_compress(in, in_len, &o);
		break;
	case COMPRESS_LZ4:
		r = lz4_compress(in, in_len, &o);
		break;
	default:
		r = -EINVAL;
	}
	return out_finish(&o, SIZE_MAX - 1, out, out_len, r);
}

int decompress_stream(enum compress_kind kind, const uint8_t *in, size_t in_len,
		      size_t max_out, uint8_t **out, size_t *out_len, size_t *consumed)
{
	struct out o;
	size_t used = 0;
	int r;

	out_init(&o, max_out);
	switch (kind) {
	case COMPRESS_GZIP:
		r = gzip_decompress(in, in_len, &o, &used);
		break;
	case COMPRESS_ZSTD:
		r = zstd_decompress(in, in_len, &o, &used);
		break;
	case COMPRESS_XZ:
		r = xz_decompress(in, in_len, &o, &used);
		break;
	case COMPRESS_LZ4:
		r = lz4_decompress(in, in_len, &o, &used);
		break;
	default:
		r = -EINVAL;  /* COMPRESS_NONE has no stream end to find */
	}
	r = out_finish(&o, max_out, out, out_len, r);
	if (r == 0 && consumed)
		*consumed = used;
	return r;
}
