/* compress: round trips, detection, stream ends, corruption, limits, and the
 * details of each format that the kernel's decompressors depend on. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define ZLIB_CONST
#include <lzma.h>
#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "compress.h"

static const enum compress_kind kinds[] = {
	COMPRESS_GZIP, COMPRESS_ZSTD, COMPRESS_XZ, COMPRESS_LZ4,
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* Compressible but not trivial: text with a counter. */
static uint8_t *make_input(size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	uint32_t x = 12345;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (i % 100 < 70) ? (uint8_t)("sprout initramfs "[i % 17]) : (uint8_t)(x >> 24);
	}
	return p;
}

static void round_trip(enum compress_kind k, const uint8_t *in, size_t n)
{
	uint8_t *c = NULL, *d = NULL;
	size_t clen = 0, dlen = 0, used = 0;

	assert_int_equal(compress_buffer(k, in, n, &c, &clen), 0);
	assert_int_equal(compress_detect(c, clen), (int)k);
	assert_int_equal(decompress_stream(k, c, clen, n, &d, &dlen, &used), 0);
	assert_int_equal(used, clen);
	assert_int_equal(dlen, n);
	assert_memory_equal(d, in, n);
	free(c);
	free(d);
}

static void test_names(void **state)
{
	(void)state;
	for (int k = COMPRESS_NONE; k <= COMPRESS_LZ4; k++)
		assert_int_equal(compress_from_name(compress_name((enum compress_kind)k)), k);
	assert_int_equal(compress_from_name("gzip"), COMPRESS_GZIP);
	assert_int_equal(compress_from_name("bzip2"), -1);
	assert_int_equal(compress_from_name("ZSTD"), -1);
	assert_int_equal(compress_from_name(""), -1);
}

static void test_round_trips(void **state)
{
	static const size_t sizes[] = { 0, 1, 4096, 300000 };
	(void)state;

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint8_t *in = make_input(sizes[s]);
		for (size_t k = 0; k < NKINDS; k++)
			round_trip(kinds[k], in, sizes[s]);
		free(in);
	}
}

static void test_none_copies(void **state)
{
	uint8_t *c = NULL;
	size_t clen = 0;
	(void)state;

	assert_int_equal(compress_buffer(COMPRESS_NONE, (const uint8_t *)"070701ab", 8, &c, &clen), 0);
	assert_int_equal(clen, 8);
	assert_memory_equal(c, "070701ab", 8);
	assert_int_equal(compress_detect(c, clen), COMPRESS_NONE);
	free(c);
	assert_int_equal(compress_buffer((enum compress_kind)99, c, 0, &c, &clen), -EINVAL);
}

static void test_deterministic(void **state)
{
	uint8_t *in = make_input(50000);
	(void)state;

	for (size_t k = 0; k < NKINDS; k++) {
		uint8_t *a, *b;
		size_t al, bl;
		assert_int_equal(compress_buffer(kinds[k], in, 50000, &a, &al), 0);
		assert_int_equal(compress_buffer(kinds[k], in, 50000, &b, &bl), 0);
		assert_int_equal(al, bl);
		assert_memory_equal(a, b, al);
		free(a);
		free(b);
	}
	free(in);
}

static void test_detect(void **state)
{
	static const struct { const char *bytes; size_t len; int kind; } tab[] = {
		{ "070701", 6, COMPRESS_NONE },
		{ "070702", 6, COMPRESS_NONE },
		{ "070707", 6, -1 },
		{ "0707", 4, -1 },
		{ "\x1f\x8b\x08", 3, COMPRESS_GZIP },
		{ "\x1f\x8b", 2, -1 },
		{ "\x28\xb5\x2f\xfd", 4, COMPRESS_ZSTD },
		{ "\xfd" "7zXZ\0", 6, COMPRESS_XZ },
		{ "\xfd" "7zXZ", 5, -1 },
		{ "\x02\x21\x4c\x18", 4, COMPRESS_LZ4 },
		{ "\x04\x22\x4d\x18", 4, -1 }, /* lz4 frame format: not the kernel's */
		{ "BZh9", 4, -1 },
		{ "", 0, -1 },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (compress_detect((const uint8_t *)tab[i].bytes, tab[i].len) != tab[i].kind)
			fail_msg("detect case %zu", i);
}

/* Two streams back to back: the first decompression stops where the second starts.
 * lz4 is different: like the kernel, a repeated legacy magic continues the stream,
 * and a zero word ends it. */
static void test_concatenated(void **state)
{
	uint8_t *a_in = make_input(7000), *b_in = make_input(3000);
	(void)state;

	for (size_t k = 0; k < NKINDS; k++) {
		uint8_t *a, *b, *cat, *d;
		size_t al, bl, dl, used;

		assert_int_equal(compress_buffer(kinds[k], a_in, 7000, &a, &al), 0);
		assert_int_equal(compress_buffer(kinds[k], b_in, 3000, &b, &bl), 0);
		cat = calloc(1, al + 4 + bl);
		memcpy(cat, a, al);
		memcpy(cat + al + (kinds[k] == COMPRESS_LZ4 ? 4 : 0), b, bl);
		if (kinds[k] == COMPRESS_LZ4) {
			/* magic-joined: one stream, both outputs */
			memcpy(cat + al, b, bl);
			assert_int_equal(decompress_stream(kinds[k], cat, al + bl, 1 << 20, &d, &dl,
							   &used), 0);
			assert_int_equal(used, al + bl);
			assert_int_equal(dl, 10000);
			assert_memory_equal(d + 7000, b_in, 3000);
			free(d);
			/* zero-joined: the stream ends at the zero word */
			memset(cat + al, 0, 4);
			memcpy(cat + al + 4, b, bl);
		}
		assert_int_equal(decompress_stream(kinds[k], cat, al + 4 + bl, 1 << 20, &d, &dl,
						   &used), 0);
		assert_int_equal(used, al);
		assert_int_equal(dl, 7000);
		assert_memory_equal(d, a_in, 7000);
		free(d);
		size_t off = al + (kinds[k] == COMPRESS_LZ4 ? 4 : 0);
		assert_int_equal(decompress_stream(kinds[k], cat + off, al + 4 + bl - off, 1 << 20,
						   &d, &dl, &used), 0);
		assert_int_equal(used, bl);
		assert_memory_equal(d, b_in, 3000);
		free(d);
		free(a);
		free(b);
		free(cat);
	}
	free(a_in);
	free(b_in);
}

static void test_corrupt(void **state)
{
	uint8_t *in = make_input(20000);
	(void)state;

	for (size_t k = 0; k < NKINDS; k++) {
		uint8_t *c, *d = NULL;
		size_t cl, dl, used;

		assert_int_equal(compress_buffer(kinds[k], in, 20000, &c, &cl), 0);
		/* truncated */
		if (decompress_stream(kinds[k], c, cl - 7, 1 << 20, &d, &dl, &used) != -EBADMSG)
			fail_msg("%s: truncation not detected", compress_name(kinds[k]));
		/* a flipped byte in the middle: checksums catch it (lz4 legacy has none,
		 * so flip its block size instead) */
		if (kinds[k] == COMPRESS_LZ4)
			c[6] ^= 0x40;
		else
			c[cl / 2] ^= 0x55;
		if (decompress_stream(kinds[k], c, cl, 1 << 20, &d, &dl, &used) != -EBADMSG)
			fail_msg("%s: corruption not detected", compress_name(kinds[k]));
		/* not even the magic */
		if (decompress_stream(kinds[k], (const uint8_t *)"hello world", 11, 100, &d, &dl,
				      &used) != -EBADMSG)
			fail_msg("%s: garbage accepted", compress_name(kinds[k]));
		free(c);
	}
	{
		uint8_t *d;
		size_t dl;
		assert_int_equal(decompress_stream(COMPRESS_NONE, in, 10, 100, &d, &dl, NULL), -EINVAL);
	}
	free(in);
}

/* A stream that unpacks to more than max_out is refused, at any kind. */
static void test_limit(void **state)
{
	size_t n = 3 << 20;
	uint8_t *in = calloc(1, n); /* zeros: the best ratio, the bomb case */
	(void)state;

	for (size_t k = 0; k < NKINDS; k++) {
		uint8_t *c, *d;
		size_t cl, dl, used;

		assert_int_equal(compress_buffer(kinds[k], in, n, &c, &cl), 0);
		if (decompress_stream(kinds[k], c, cl, n - 1, &d, &dl, &used) != -EFBIG)
			fail_msg("%s: limit not enforced", compress_name(kinds[k]));
		if (decompress_stream(kinds[k], c, cl, 1000, &d, &dl, &used) != -EFBIG)
			fail_msg("%s: small limit not enforced", compress_name(kinds[k]));
		assert_int_equal(decompress_stream(kinds[k], c, cl, n, &d, &dl, &used), 0);
		assert_int_equal(dl, n);
		free(d);
		free(c);
	}
	free(in);
}

/* The bytes the kernel's decompressors rely on. */
static void test_kernel_formats(void **state)
{
	size_t n = (8 << 20) + 5000; /* two lz4 blocks, and more than a zstd window */
	uint8_t *in = make_input(n), *c;
	size_t cl;
	ZSTD_frameHeader zh;
	(void)state;

	/* gzip: no name, mtime 0, deflate, so the kernel's 10-byte header skip works */
	assert_int_equal(compress_buffer(COMPRESS_GZIP, in, 100, &c, &cl), 0);
	assert_memory_equal(c, "\x1f\x8b\x08\x00\x00\x00\x00\x00", 8);
	free(c);
	/* xz: stream flags say CRC32 (0x01) */
	assert_int_equal(compress_buffer(COMPRESS_XZ, in, 100, &c, &cl), 0);
	assert_int_equal(c[6], 0);
	assert_int_equal(c[7], LZMA_CHECK_CRC32);
	free(c);
	/* zstd: one frame, content size recorded, window within the kernel's 8 MiB */
	assert_int_equal(compress_buffer(COMPRESS_ZSTD, in, n, &c, &cl), 0);
	assert_int_equal(ZSTD_findFrameCompressedSize(c, cl), cl);
	assert_int_equal(ZSTD_getFrameContentSize(c, cl), n);
	assert_int_equal(ZSTD_getFrameHeader(&zh, c, cl), 0);
	assert_true(zh.windowSize <= (8u << 20));
	free(c);
	/* lz4 legacy: magic, then 4-byte LE sizes; the first block holds exactly 8 MiB */
	assert_int_equal(compress_buffer(COMPRESS_LZ4, in, n, &c, &cl), 0);
	assert_memory_equal(c, "\x02\x21\x4c\x18", 4);
	{
		size_t b1 = c[4] | c[5] << 8 | c[6] << 16 | (size_t)c[7] << 24;
		size_t b2 = c[8 + b1] | c[9 + b1] << 8 | c[10 + b1] << 16 | (size_t)c[11 + b1] << 24;
		assert_int_equal(4 + 4 + b1 + 4 + b2, cl);
		uint8_t *d;
		size_t dl, used;
		assert_int_equal(decompress_stream(COMPRESS_LZ4, c, 8 + b1, n, &d, &dl, &used), 0);
		assert_int_equal(dl, 8 << 20);
		free(d);
	}
	free(c);
	free(in);
}

/* Valid streams the kernel would not unpack are refused with -ENOTSUP. */
static void test_kernel_unsupported(void **state)
{
	uint8_t buf[4096], *d;
	size_t dl, used, n = 16 << 20;
	uint8_t *big = make_input(n);
	(void)state;

	/* xz with CRC64 */
	{
		size_t pos = 0;
		assert_int_equal(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL,
							 (const uint8_t *)"abc", 3, buf, &pos,
							 sizeof(buf)), LZMA_OK);
		assert_int_equal(decompress_stream(COMPRESS_XZ, buf, pos, 100, &d, &dl, &used),
				 -ENOTSUP);
	}
	/* gzip with a comment in the header */
	{
		z_stream zs = { 0 };
		gz_header h = { 0 };
		h.comment = (Bytef *)"hi";
		assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
		assert_int_equal(deflateSetHeader(&zs, &h), Z_OK);
		zs.next_in = (const Bytef *)"abc";
		zs.avail_in = 3;
		zs.next_out = buf;
		zs.avail_out = sizeof(buf);
		assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
		assert_int_equal(decompress_stream(COMPRESS_GZIP, buf, zs.total_out, 100, &d, &dl,
						   &used), -ENOTSUP);
		deflateEnd(&zs);
	}
	/* zstd with a 16 MiB window */
	{
		ZSTD_CCtx *cc = ZSTD_createCCtx();
		size_t cap = ZSTD_compressBound(n);
		uint8_t *c = malloc(cap);
		size_t cl;
		ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 1);
		ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, 24);
		cl = ZSTD_compress2(cc, c, cap, big, n);
		assert_false(ZSTD_isError(cl));
		assert_int_equal(decompress_stream(COMPRESS_ZSTD, c, cl, n, &d, &dl, &used),
				 -ENOTSUP);
		free(c);
		ZSTD_freeCCtx(cc);
	}
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_none_copies),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_kernel_formats),
		cmocka_unit_test(test_kernel_unsupported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
